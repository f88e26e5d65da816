//! A [`DataSource`] read from a JSON file, for tests and for driving the real binary in a
//! terminal without a tenant: `RECLAIM_FIXTURE=path/to/fixture.json reclaim` (test support,
//! not a user feature). The file holds one or more tenants:
//!
//! ```json
//! {"tenants": [{"tenant": {"name": "contoso", "domain": "contoso.com", "operator": "..."},
//!               "accounts": [ /* triage::AccountAssessment */ ],
//!               "details": {"<account id>": { /* AccountDetail */ }},
//!               "journal": [ /* JournalRow */ ],
//!               "liveJournal": [ /* JournalRow, appended one by one */ ],
//!               "liveJournalDelayMs": 1000, "journalFile": "path/to/tenant.jsonl",
//!               "batchSize": 50, "batchDelayMs": 0, "throttleSeconds": 0}]}
//! ```

use super::source::{
    AccountDetail, DataSource, Feed, JournalRow, SourceError, TenantDirectory, TenantInfo,
};
use futures::future::BoxFuture;
use reclaim_triage::AccountAssessment;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixtureTenant {
    pub tenant: TenantInfo,
    #[serde(default)]
    pub accounts: Vec<AccountAssessment>,
    #[serde(default)]
    pub details: HashMap<String, AccountDetail>,
    #[serde(default)]
    pub journal: Vec<JournalRow>,
    /// Rows the audit view receives live after `journal`, one every `live_journal_delay_ms`.
    #[serde(default)]
    pub live_journal: Vec<JournalRow>,
    #[serde(default)]
    pub live_journal_delay_ms: u64,
    /// A real journal file to follow live after `journal` (and `live_journal`).
    #[serde(default)]
    pub journal_file: Option<std::path::PathBuf>,
    /// Accounts per `AccountsBatch` (default 50), to exercise live loading.
    #[serde(default)]
    pub batch_size: Option<usize>,
    /// Pause between batches, to watch the table fill.
    #[serde(default)]
    pub batch_delay_ms: u64,
    /// Report one throttle wait of this many seconds while loading.
    #[serde(default)]
    pub throttle_seconds: u64,
    /// How the fixture's containment behaves (see [`super::fixture_contain`]).
    #[serde(default)]
    pub containment: Option<super::fixture_contain::FixtureContainmentSpec>,
}

#[derive(Debug, Clone, Deserialize)]
struct FixtureFile {
    tenants: Vec<FixtureTenant>,
}

/// One tenant of a fixture file.
#[derive(Debug, Clone)]
pub struct FixtureSource {
    data: Arc<FixtureTenant>,
}

impl FixtureSource {
    pub fn new(data: FixtureTenant) -> Self {
        FixtureSource {
            data: Arc::new(data),
        }
    }
}

impl DataSource for FixtureSource {
    fn tenant(&self) -> TenantInfo {
        self.data.tenant.clone()
    }

    fn load_accounts(&self, feed: Feed) -> BoxFuture<'_, Result<(), SourceError>> {
        Box::pin(async move {
            let all = &self.data.accounts;
            let size = self.data.batch_size.unwrap_or(50).max(1);
            let total = all.len() as u64;
            if self.data.throttle_seconds > 0 {
                feed.throttled(Duration::from_secs(self.data.throttle_seconds));
            }
            let mut done = 0u64;
            for chunk in all.chunks(size) {
                done += chunk.len() as u64;
                feed.accounts(chunk.to_vec());
                feed.progress("accounts", done, Some(total));
                if self.data.batch_delay_ms > 0 {
                    tokio::time::sleep(Duration::from_millis(self.data.batch_delay_ms)).await;
                } else {
                    tokio::task::yield_now().await;
                }
            }
            Ok(())
        })
    }

    fn load_detail<'a>(
        &'a self,
        account_id: &'a str,
        _feed: Feed,
    ) -> BoxFuture<'a, Result<AccountDetail, SourceError>> {
        Box::pin(async move {
            self.data.details.get(account_id).cloned().ok_or_else(|| {
                SourceError::new("the fixture has no detail recorded for this account")
            })
        })
    }

    fn load_journal(&self, _feed: Feed) -> BoxFuture<'_, Result<Vec<JournalRow>, SourceError>> {
        Box::pin(async move { Ok(self.data.journal.clone()) })
    }

    fn watch_journal(&self, feed: Feed) -> BoxFuture<'_, Result<(), SourceError>> {
        Box::pin(async move {
            feed.journal(self.data.journal.clone());
            for row in &self.data.live_journal {
                tokio::time::sleep(Duration::from_millis(self.data.live_journal_delay_ms)).await;
                feed.journal(vec![row.clone()]);
            }
            match &self.data.journal_file {
                Some(path) => {
                    super::journal_watch::follow(
                        path.clone(),
                        None,
                        None,
                        feed,
                        super::journal_watch::POLL_INTERVAL,
                    )
                    .await
                }
                None => Ok(()),
            }
        })
    }

    fn containment(&self) -> Option<Arc<dyn super::containment::Containment>> {
        Some(Arc::new(super::fixture_contain::FixtureContainment {
            data: self.data.clone(),
        }))
    }
}

/// Why a fixture file was not loaded.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("fixture {}: {source}", path.display())]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("fixture: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("fixture: no tenants")]
    NoTenants,
}

/// Every tenant of a fixture file, switchable with `:tenant NAME`.
#[derive(Debug, Clone)]
pub struct FixtureDirectory {
    tenants: Vec<FixtureSource>,
}

impl FixtureDirectory {
    pub fn parse(json: &str) -> Result<Self, FixtureError> {
        let file: FixtureFile = serde_json::from_str(json)?;
        if file.tenants.is_empty() {
            return Err(FixtureError::NoTenants);
        }
        Ok(FixtureDirectory {
            tenants: file.tenants.into_iter().map(FixtureSource::new).collect(),
        })
    }

    pub fn load(path: &Path) -> Result<Self, FixtureError> {
        let text = std::fs::read_to_string(path).map_err(|source| FixtureError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text)
    }

    /// The named tenant, or the first.
    pub fn source(&self, name: Option<&str>) -> Option<FixtureSource> {
        match name {
            Some(n) => self
                .tenants
                .iter()
                .find(|t| t.data.tenant.name == n)
                .cloned(),
            None => self.tenants.first().cloned(),
        }
    }
}

impl TenantDirectory for FixtureDirectory {
    fn profiles(&self) -> Vec<String> {
        self.tenants
            .iter()
            .map(|t| t.data.tenant.name.clone())
            .collect()
    }

    fn open<'a>(
        &'a self,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Arc<dyn DataSource>, SourceError>> {
        Box::pin(async move {
            self.source(Some(name))
                .map(|s| Arc::new(s) as Arc<dyn DataSource>)
                .ok_or_else(|| SourceError::new(format!("no tenant `{name}` in the fixture")))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Action, JobId};

    #[tokio::test]
    async fn the_fixture_journal_arrives_then_its_live_rows_one_by_one() {
        let row = |step: &str| JournalRow {
            step_id: step.into(),
            ..JournalRow::default()
        };
        let source = FixtureSource::new(FixtureTenant {
            journal: vec![row("a"), row("b")],
            live_journal: vec![row("c"), row("d")],
            ..FixtureTenant::default()
        });
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        source.watch_journal(Feed::new(tx, JobId(3))).await.unwrap();
        let mut batches = Vec::new();
        while let Ok(Action::JournalAppended { job, rows }) = rx.try_recv() {
            assert_eq!(job, JobId(3));
            batches.push(rows.iter().map(|r| r.step_id.clone()).collect::<Vec<_>>());
        }
        assert_eq!(batches, [vec!["a", "b"], vec!["c"], vec!["d"]]);
    }
}
