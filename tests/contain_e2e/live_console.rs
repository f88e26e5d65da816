//! A console driven in tests: the reducer plus the real jobs over the simulator, no terminal.

use super::*;
use std::path::Path;

/// Drives a console (reducer + real jobs) over `WithContainment<TriageSource>`: every load
/// effect runs `tui::perform` in a task, whose actions come back through one channel.
pub struct LiveConsole {
    pub app: reclaim_tui::app::App,
    source: Arc<dyn reclaim_tui::DataSource>,
    tx: tokio::sync::mpsc::UnboundedSender<reclaim_tui::Action>,
    rx: tokio::sync::mpsc::UnboundedReceiver<reclaim_tui::Action>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl LiveConsole {
    pub fn act(&mut self, action: reclaim_tui::Action) {
        let update = reclaim_tui::reducer::reduce(&mut self.app, action);
        for effect in update.effects {
            self.spawn(effect);
        }
    }

    fn spawn(&mut self, effect: reclaim_tui::reducer::Effect) {
        let reclaim_tui::reducer::Effect::Load { job, request } = effect else {
            return;
        };
        let (source, tx) = (self.source.clone(), self.tx.clone());
        self.tasks.push(tokio::spawn(async move {
            let done = reclaim_tui::perform(source, None, job, request, tx.clone()).await;
            let _ = tx.send(done);
        }));
    }

    /// The console's first effects (the accounts load), as the event loop starts them.
    pub fn start(&mut self) {
        for effect in reclaim_tui::reducer::start(&mut self.app) {
            self.spawn(effect);
        }
    }

    /// Feeds task results to the reducer until `done` holds (or 30 s pass: a failure).
    pub async fn until(&mut self, what: &str, done: impl Fn(&reclaim_tui::app::App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !done(&self.app) {
            match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(a)) => self.act(a),
                _ => panic!("timed out waiting for {what}"),
            }
        }
    }

    pub fn journal(&self) -> &reclaim_tui::app::JournalState {
        match self.app.screen() {
            Some(reclaim_tui::app::Screen::Journal(j)) => j,
            _ => panic!("not on the audit view"),
        }
    }

    pub fn rows(&self) -> Vec<reclaim_tui::JournalRow> {
        match &self.journal().data {
            reclaim_tui::app::Loadable::Ready(t) => t.rows().to_vec(),
            _ => Vec::new(),
        }
    }
}

impl LiveConsole {
    /// A console over the simulator (triage reads, containment through `ServiceContainment`
    /// journaling to `dir`), 120x40.
    pub fn new(s: &SimHandle, c: &GraphClient, dir: &Path, store: Arc<MemoryStore>) -> Self {
        use reclaim_tui::{ServiceContainment, WithContainment};
        let (key, _) = reclaim_audit::key::load_or_create(store.as_ref(), &s.tenant_id).unwrap();
        let (_, slot) = reclaim::graph_source::throttle_progress();
        let triage = reclaim::graph_source::TriageSource::new(
            c.clone(),
            Arc::new(reclaim_triage::Pack::embedded()),
            reclaim_triage::gather::GatherOptions::default(),
            reclaim_tui::TenantInfo::default(),
            Some(dir.to_path_buf()),
            slot,
        )
        // The live view checks each record's MAC with the tenant's audit key too.
        .with_journal(s.tenant_id.clone(), Some(key));
        let containment = ServiceContainment {
            service: service(s, c, dir, store),
            playbook_dir: None,
        };
        let source: Arc<dyn reclaim_tui::DataSource> = Arc::new(WithContainment {
            inner: triage,
            containment: Arc::new(containment),
        });
        let options = reclaim_tui::ConsoleOptions::default();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut console = LiveConsole {
            app: reclaim_tui::event_loop::new_app(source.as_ref(), &options),
            source,
            tx,
            rx,
            tasks: Vec::new(),
        };
        console.act(reclaim_tui::Action::Resize {
            width: 120,
            height: 40,
        });
        console
    }
}

impl Drop for LiveConsole {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// The console's containment service over the simulator, journaling to `dir` as
/// `responder@test`.
pub fn service(
    s: &SimHandle,
    c: &GraphClient,
    dir: &Path,
    store: Arc<MemoryStore>,
) -> reclaim_contain::service::ContainmentService {
    reclaim_contain::service::ContainmentService {
        client: c.clone(),
        audit_dir: dir.to_path_buf(),
        store,
        tenant: s.tenant_id.clone(),
        operator: "responder@test".into(),
        delegated: false,
        recent: None,
    }
}
