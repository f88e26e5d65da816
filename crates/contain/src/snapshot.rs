//! `reclaim snapshot`: a tenant's known-good phones, methods and inbox rules, recorded before
//! an incident, so `restore-phone` has a trustworthy old number even where the directory
//! audit has aged out (7 days on Free, 30 on P1/P2) and reviews can see what changed.
//!
//! The file is JSON with a digest, like a plan; without `-o` it is kept in the state dir as
//! `snapshots/<tenant>.json`, where `reclaim plan` finds it.

use super::read::read_state;
use super::state::{MethodState, Part, RulesState};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use reclaim_graph::models::MethodKind;
use reclaim_graph::{GraphClient, GraphError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const SNAPSHOT_KIND: &str = "reclaim-snapshot";
pub const SNAPSHOT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotAccount {
    pub user_id: String,
    pub user_principal_name: String,
    pub methods: Vec<MethodState>,
    /// `None` when the rules could not be read (no mailbox, no permission).
    #[serde(default)]
    pub rules: Option<RulesState>,
}

impl SnapshotAccount {
    /// (phone type, number) of every phone method.
    pub fn phones(&self) -> Vec<(String, String)> {
        self.methods
            .iter()
            .filter(|m| m.kind == Some(MethodKind::Phone))
            .filter_map(|m| Some((m.phone_type.clone()?, m.phone_number.clone()?)))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub kind: String,
    pub version: u32,
    pub tenant: String,
    pub taken: DateTime<Utc>,
    pub accounts: Vec<SnapshotAccount>,
    /// `sha256:<hex>` over the canonical JSON of the rest.
    pub digest: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read the snapshot {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the snapshot {0} is not valid: {1}")]
    Invalid(String, String),
    #[error("{0}: {1}")]
    Graph(String, Box<GraphError>),
}

fn digest_of(s: &Snapshot) -> String {
    // A snapshot is plain data: serializing it cannot fail.
    super::sealed::digest(s).unwrap_or_default()
}

impl Snapshot {
    pub fn new(tenant: &str, taken: DateTime<Utc>, accounts: Vec<SnapshotAccount>) -> Snapshot {
        let mut s = Snapshot {
            kind: SNAPSHOT_KIND.into(),
            version: SNAPSHOT_VERSION,
            tenant: tenant.into(),
            taken,
            accounts,
            digest: String::new(),
        };
        s.digest = digest_of(&s);
        s
    }

    pub fn account(&self, user_id: &str) -> Option<&SnapshotAccount> {
        self.accounts.iter().find(|a| a.user_id == user_id)
    }

    pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
        let shown = path.display().to_string();
        let text = super::sealed::read_capped(path).map_err(|source| SnapshotError::Io {
            path: shown.clone(),
            source,
        })?;
        let s: Snapshot = serde_json::from_str(&text)
            .map_err(|e| SnapshotError::Invalid(shown.clone(), e.to_string()))?;
        if s.kind != SNAPSHOT_KIND || s.version != SNAPSHOT_VERSION {
            return Err(SnapshotError::Invalid(
                shown,
                "not a reclaim snapshot of a known version".into(),
            ));
        }
        if digest_of(&s) != s.digest {
            return Err(SnapshotError::Invalid(
                shown,
                "it was changed after it was written (digest mismatch)".into(),
            ));
        }
        Ok(s)
    }

    /// Writes the snapshot (mode 0600), replacing atomically, creating the directory.
    pub fn save(&self, path: &Path) -> Result<(), SnapshotError> {
        let io = |source| SnapshotError::Io {
            path: path.display().to_string(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| SnapshotError::Invalid(path.display().to_string(), e.to_string()))?;
        text.push('\n');
        super::sealed::write_private(path, &text).map_err(io)
    }
}

/// Where `reclaim snapshot` keeps a tenant's snapshot when no `-o` is given.
pub fn default_path(tenant: &str) -> Option<PathBuf> {
    let base = reclaim_core::paths::state_dir()?;
    let safe: String = tenant
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Some(base.join("snapshots").join(format!("{safe}.json")))
}

/// Reads the methods and rules of the given accounts (ids or UPNs), or of every account in
/// the tenant when `users` is empty, a few at a time; `progress` is told each account done.
pub async fn take(
    client: &GraphClient,
    tenant: &str,
    users: &[String],
    concurrency: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Snapshot, SnapshotError> {
    let taken = Utc::now();
    let ids: Vec<String> = if users.is_empty() {
        let all = client
            .list_users(None, Some(999), false)
            .collect()
            .await
            .and_then(reclaim_graph::Collection::into_complete)
            .map_err(|e| SnapshotError::Graph("listing the tenant's users".into(), Box::new(e)))?;
        all.into_iter().map(|u| u.id).collect()
    } else {
        users.to_vec()
    };
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<SnapshotAccount, SnapshotError>> = futures::stream::iter(ids.iter())
        .map(|u| {
            let done = &done;
            async move {
                let who = read_state(client, u, &[Part::User])
                    .await
                    .map_err(|e| SnapshotError::Graph(u.clone(), Box::new(e)))?;
                let user = who.user.unwrap_or_default();
                let s = read_state(client, &user.id, &[Part::Methods])
                    .await
                    .map_err(|e| SnapshotError::Graph(u.clone(), Box::new(e)))?;
                // Rules are useful but not essential: an account without a mailbox still counts.
                let rules = read_state(client, &user.id, &[Part::Rules])
                    .await
                    .ok()
                    .and_then(|r| r.rules);
                progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
                Ok(SnapshotAccount {
                    user_id: user.id,
                    user_principal_name: user.user_principal_name,
                    methods: s.methods.unwrap_or_default(),
                    rules,
                })
            }
        })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    let accounts = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(Snapshot::new(tenant, taken, accounts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_round_trip_and_edits_are_caught() {
        let phone = MethodState {
            id: "3179e48a-750b-4051-897c-87b9720928f7".into(),
            kind: Some(MethodKind::Phone),
            odata_type: MethodKind::Phone.odata_type().into(),
            label: "+1 5550100".into(),
            phone_type: Some("mobile".into()),
            phone_number: Some("+1 5550100".into()),
            created: None,
        };
        let s = Snapshot::new(
            "t",
            Utc::now(),
            vec![SnapshotAccount {
                user_id: "u".into(),
                user_principal_name: "a@b".into(),
                methods: vec![phone],
                rules: None,
            }],
        );
        assert_eq!(
            s.account("u").unwrap().phones(),
            [("mobile".to_string(), "+1 5550100".to_string())]
        );
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/snap.json");
        s.save(&p).unwrap();
        assert_eq!(Snapshot::load(&p).unwrap(), s);
        let text = std::fs::read_to_string(&p)
            .unwrap()
            .replace("5550100", "5550199");
        std::fs::write(&p, text).unwrap();
        assert!(Snapshot::load(&p)
            .unwrap_err()
            .to_string()
            .contains("digest"));
    }
}
