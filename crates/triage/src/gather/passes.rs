//! The tenant-wide passes: risky users and detections (Identity Protection budget), directory
//! audits by activity and the window's sign-ins (reports budget).

use super::Shared;
use crate::collector::Collector;
use crate::facts::SourceState;
use crate::model::SourceRead;
use reclaim_graph::client::RiskyUserFilter;
use reclaim_graph::log_reader::PageSource;
use reclaim_graph::paging::Incomplete;
use reclaim_graph::{GraphClient, GraphError};

/// How one pass ended.
pub(crate) enum Outcome {
    Complete,
    Partial(String),
    Failed(GraphError),
}

impl Outcome {
    pub fn read_something(&self) -> bool {
        !matches!(self, Outcome::Failed(_))
    }
}

/// Reads every page, folding each into the collector as it arrives, and records how much
/// was read.
pub(crate) async fn drain_into<T>(
    sh: &Shared,
    phase: &str,
    mut source: impl PageSource<T>,
    fold: impl Fn(&mut Collector, &T),
) -> Outcome {
    let (mut n, mut pages) = (0u64, 0u32);
    let outcome = loop {
        match source.next_page().await {
            None => break Outcome::Complete,
            Some(Ok(page)) => {
                n += page.items.len() as u64;
                pages += 1;
                sh.with(|c| page.items.iter().for_each(|item| fold(c, item)));
                sh.progress(phase, n, None);
            }
            Some(Err(Incomplete::Failed { pages: 0, error })) => break Outcome::Failed(*error),
            Some(Err(stop)) => {
                let why = format!("{phase}: stopped early after {n} records: {stop}");
                sh.warn(why.clone());
                break Outcome::Partial(why);
            }
        }
    };
    let stats = source.log_stats().unwrap_or_default();
    sh.read(SourceRead {
        source: phase.to_string(),
        records: n,
        pages,
        complete: matches!(outcome, Outcome::Complete),
        splits: stats.splits,
        restarts: stats.restarts,
    });
    outcome
}

/// Every risky user, in every state (dismissed and remediated ones too: they are look-alikes
/// the verdict must get right, and the responder wants to see them).
pub(crate) async fn risky_users(client: &GraphClient, sh: &Shared) -> bool {
    let filter = RiskyUserFilter {
        top: Some(500),
        ..RiskyUserFilter::default()
    };
    let pager = client.list_risky_users(&filter);
    match drain_into(sh, "risky users", pager, |c, r| c.add_risky_user(r)).await {
        Outcome::Failed(e) => {
            sh.failed("risky users", &e);
            false
        }
        _ => true,
    }
}

pub(crate) async fn detections(client: &GraphClient, sh: &Shared) -> bool {
    let pager = client.list_risk_detections(None, Some(sh.since), Some(500));
    match drain_into(sh, "risk detections", pager, |c, d| c.add_detection(d)).await {
        Outcome::Failed(e) => {
            sh.failed("risk detections", &e);
            false
        }
        _ => true,
    }
}

/// The activities whose records matter: security-info changes (service "Authentication
/// Methods"), their `Update user` twins carrying old and new values, and consents. Each is
/// `and`-ed to the window's `activityDateTime` bounds.
fn audit_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "security-info audits",
            "loggedByService eq 'Authentication Methods'",
        ),
        ("user-update audits", "activityDisplayName eq 'Update user'"),
        (
            "consent audits",
            "activityDisplayName eq 'Consent to application'",
        ),
        // "Add registered owner to device" and "Add registered users to device": they name
        // the account as a target, and the initiator's address ties a device to a sign-in.
        (
            "device audits",
            "startswith(activityDisplayName,'Add registered')",
        ),
        // "Add member to role" and "Add member to group": the member is a target, the
        // initiator's address ties the grant to the attacker.
        (
            "role and group audits",
            "startswith(activityDisplayName,'Add member to')",
        ),
        // "Add eligible member to role": a PIM eligibility the attacker can activate later.
        (
            "eligible role audits",
            "activityDisplayName eq 'Add eligible member to role'",
        ),
        // Secrets and certificates added to applications and service principals: the
        // initiator is the account, the keyIds are in KeyDescription.
        (
            "app credential audits",
            "activityDisplayName eq 'Update application \u{2013} Certificates and secrets management'",
        ),
        (
            "service principal credential audits",
            "activityDisplayName eq 'Add service principal credentials'",
        ),
        // Application permissions granted to a service principal: the initiator is the
        // account, the assignment is on the API's service principal.
        // Owners added to applications: an owner can add secrets to the app later.
        (
            "app owner audits",
            "activityDisplayName eq 'Add owner to application'",
        ),
        (
            "app role grant audits",
            "activityDisplayName eq 'Add app role assignment to service principal'",
        ),
    ]
}

/// Sources' states after the reports passes.
pub(crate) struct ReportsOutcome {
    pub audits: SourceState,
    pub sign_ins: SourceState,
    pub read_something: bool,
}

fn state_of(sh: &Shared, what: &str, o: &Outcome) -> SourceState {
    match o {
        Outcome::Complete => SourceState::Complete,
        Outcome::Partial(why) => SourceState::Partial(why.clone()),
        Outcome::Failed(e) => sh.failed(what, e),
    }
}

/// The instant the window ends (where a long read splits an unbounded range).
fn until(sh: &Shared) -> crate::facts::Time {
    sh.opts.now.unwrap_or_else(chrono::Utc::now)
}

/// Audits, then sign-ins: one budget, one after the other. Both are long reads: a range the
/// service cannot answer is split, paging that breaks restarts from the last record.
/// `audits_read` is called between the two.
pub(crate) async fn reports(
    client: &GraphClient,
    sh: &Shared,
    audits_read: impl FnOnce(),
) -> ReportsOutcome {
    let mut audits = SourceState::Complete;
    let mut read_something = false;
    for (phase, extra) in audit_filters() {
        let reader = client
            .read_directory_audits(sh.since, until(sh), Some(extra))
            .floor(sh.opts.split_floor);
        let o = drain_into(sh, phase, reader, |c, a| c.add_audit(a)).await;
        read_something |= o.read_something();
        let s = state_of(sh, phase, &o);
        if audits == SourceState::Complete {
            audits = s;
        }
    }

    audits_read();

    let mut o = Outcome::Failed(GraphError::Invalid("not read".into()));
    if sh.opts.beta_sign_ins {
        let reader = client
            .read_sign_ins(true, sh.since, until(sh), None)
            .floor(sh.opts.split_floor);
        o = drain_into(sh, "sign-ins", reader, |c, s| c.add_sign_in(s)).await;
        if let Outcome::Failed(e) = &o {
            if !e.is_missing_permission() && !e.is_unlicensed() {
                sh.warn(format!(
                    "beta sign-ins unavailable ({e}); reading v1.0 sign-ins, which carry no ASN: network indicators cannot fire"
                ));
            }
        }
    }
    // v1.0 answers what beta could not, except a missing permission or licence.
    if matches!(&o, Outcome::Failed(e) if !e.is_missing_permission() && !e.is_unlicensed()) {
        let reader = client
            .read_sign_ins(false, sh.since, until(sh), None)
            .floor(sh.opts.split_floor);
        o = drain_into(sh, "sign-ins", reader, |c, s| c.add_sign_in(s)).await;
    }
    read_something |= o.read_something();
    let sign_ins = state_of(sh, "sign-ins", &o);
    ReportsOutcome {
        audits,
        sign_ins,
        read_something,
    }
}
