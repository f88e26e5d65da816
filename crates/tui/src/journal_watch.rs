//! Following a journal file for the live audit view: the [`reclaim_audit::Follower`] polled
//! off the UI thread, its findings turned into timeline rows and sent through the [`Feed`].
//!
//! Polling a file (one `stat` per tick while nothing changes) sees every writer alike: this
//! console's own undo, another console, a script running `reclaim apply` on the same
//! journal. A tick of [`POLL_INTERVAL`] keeps new records on screen well within a second.

use super::source::{Feed, JournalRow, SourceError};
use reclaim_audit::key::AuditKey;
use reclaim_audit::{Followed, Follower};
use std::path::PathBuf;
use std::time::Duration;

/// How often the journal file is checked for appended records.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Timeline rows for what a poll found.
pub fn rows_of(found: Vec<Followed>) -> Vec<JournalRow> {
    found
        .into_iter()
        .map(|f| match f {
            Followed::Record(r) => JournalRow::from_record(&r),
            Followed::Broken(bad) => JournalRow::warning(format!(
                "the journal fails verification at {bad}: nothing after it is shown or trusted; \
                 run `reclaim audit verify` and keep the file as evidence"
            )),
            Followed::Replaced => JournalRow::warning(
                "the journal file was replaced or truncated (archived?): following the new file \
                 from its start",
            ),
        })
        .collect()
}

/// Sends every record of the journal at `path`, then each one appended, until the task is
/// aborted. `tenant`: records must name it; `key`: the audit key, to check MACs too.
pub async fn follow(
    path: PathBuf,
    tenant: Option<String>,
    key: Option<AuditKey>,
    feed: Feed,
    every: Duration,
) -> Result<(), SourceError> {
    let mut follower = Follower::new(&path, tenant, key);
    let mut first = true;
    loop {
        // File reads block: off the runtime's worker threads.
        let (back, polled) = tokio::task::spawn_blocking(move || {
            let polled = follower.poll();
            (follower, polled)
        })
        .await
        .map_err(|e| SourceError::new(format!("the journal reader failed: {e}")))?;
        follower = back;
        let rows = rows_of(polled.map_err(|e| SourceError::new(e.to_string()))?);
        // The first answer is sent even when empty: it ends "loading".
        if first || !rows.is_empty() {
            feed.journal(rows);
            first = false;
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{Action, JobId};
    use reclaim_audit::{key, Journal};
    use reclaim_core::secrets::{MemoryStore, SecretStore};
    use std::sync::Arc;
    use tokio::sync::mpsc;

    const TENANT: &str = "contoso-tenant";

    fn store() -> Arc<dyn SecretStore> {
        let s = MemoryStore::default();
        s.set(
            &key::key_name(TENANT),
            &AuditKey::from_bytes([3; 32]).to_hex(),
        )
        .unwrap();
        Arc::new(s)
    }

    async fn next_rows(rx: &mut mpsc::UnboundedReceiver<Action>) -> Vec<JournalRow> {
        match tokio::time::timeout(Duration::from_secs(10), rx.recv()).await {
            Ok(Some(Action::JournalAppended { rows, .. })) => rows,
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn records_another_process_appends_arrive_through_the_watch() {
        let dir = tempfile::tempdir().unwrap();
        let path = reclaim_audit::journal_path(dir.path(), TENANT).unwrap();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let watch = tokio::spawn(follow(
            path.clone(),
            Some(TENANT.into()),
            Some(AuditKey::from_bytes([3; 32])),
            Feed::new(tx, JobId(1)),
            Duration::from_millis(5),
        ));
        assert!(next_rows(&mut rx).await.is_empty(), "no journal yet");

        // Another "process": its own Journal handle on the same file.
        let other = Journal::open(dir.path(), TENANT, "script@contoso.com", store()).unwrap();
        let mut rows = Vec::new();
        other
            .note_with(reclaim_audit::Note {
                kind: "plan-created".into(),
                incident: "INC-9".into(),
                target: Some("dana@contoso.com".into()),
                ..Default::default()
            })
            .unwrap();
        while rows.len() < 2 {
            rows.extend(next_rows(&mut rx).await);
        }
        assert_eq!(rows[0].detail, "journal opened");
        assert_eq!(rows[1].incident, "INC-9");
        assert_eq!(rows[1].operator, "script@contoso.com");
        assert!(rows.iter().all(|r| !r.warning), "{rows:?}");
        other.close().unwrap();
        drop(other);

        // A forged line after the seal: one warning, nothing more.
        let mut forged: serde_json::Value = serde_json::from_str(
            std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .last()
                .unwrap(),
        )
        .unwrap();
        forged["seq"] = serde_json::json!(4);
        use std::io::Write;
        writeln!(
            std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap(),
            "{forged}"
        )
        .unwrap();
        let mut rows = Vec::new();
        while !rows.iter().any(|r: &JournalRow| r.warning) {
            rows.extend(next_rows(&mut rx).await);
        }
        let warning = rows.last().unwrap();
        assert!(warning.detail.contains("fails verification"), "{warning:?}");
        assert_eq!(warning.outcome, "warning");
        watch.abort();
    }
}
