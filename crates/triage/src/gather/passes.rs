//! The tenant-wide passes: risky users and detections (Identity Protection budget), directory
//! audits by activity and the window's sign-ins (reports budget).

use super::Shared;
use crate::collector::Collector;
use crate::facts::SourceState;
use chrono::SecondsFormat;
use reclaim_graph::client::RiskyUserFilter;
use reclaim_graph::paging::{Incomplete, Pager};
use reclaim_graph::{GraphClient, GraphError};
use serde::de::DeserializeOwned;

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

/// Reads every page, folding each into the collector as it arrives.
pub(crate) async fn drain_into<T: DeserializeOwned>(
    sh: &Shared,
    phase: &str,
    mut pager: Pager<T>,
    fold: impl Fn(&mut Collector, &T),
) -> Outcome {
    let mut n = 0u64;
    loop {
        match pager.next_page().await {
            None => return Outcome::Complete,
            Some(Ok(page)) => {
                n += page.items.len() as u64;
                sh.with(|c| page.items.iter().for_each(|item| fold(c, item)));
                sh.progress(phase, n, None);
            }
            Some(Err(Incomplete::Failed { pages: 0, error })) => return Outcome::Failed(*error),
            Some(Err(stop)) => {
                let why = format!("{phase}: stopped early after {n} records: {stop}");
                sh.warn(why.clone());
                return Outcome::Partial(why);
            }
        }
    }
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

fn since_text(sh: &Shared) -> String {
    sh.since.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The activities whose records matter: security-info changes (service "Authentication
/// Methods"), their `Update user` twins carrying old and new values, and consents.
fn audit_filters(sh: &Shared) -> Vec<(String, String)> {
    let since = since_text(sh);
    vec![
        (
            "security-info audits".into(),
            format!("activityDateTime ge {since} and loggedByService eq 'Authentication Methods'"),
        ),
        (
            "user-update audits".into(),
            format!("activityDateTime ge {since} and activityDisplayName eq 'Update user'"),
        ),
        (
            "consent audits".into(),
            format!(
                "activityDateTime ge {since} and activityDisplayName eq 'Consent to application'"
            ),
        ),
        // "Add registered owner to device" and "Add registered users to device": they name
        // the account as a target, and the initiator's address ties a device to a sign-in.
        (
            "device audits".into(),
            format!(
                "activityDateTime ge {since} and startswith(activityDisplayName,'Add registered')"
            ),
        ),
        // Secrets and certificates added to applications and service principals: the
        // initiator is the account, the keyIds are in KeyDescription.
        (
            "app credential audits".into(),
            format!(
                "activityDateTime ge {since} and activityDisplayName eq 'Update application \u{2013} Certificates and secrets management'"
            ),
        ),
        (
            "service principal credential audits".into(),
            format!(
                "activityDateTime ge {since} and activityDisplayName eq 'Add service principal credentials'"
            ),
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

/// Audits, then sign-ins: one budget, one after the other.
pub(crate) async fn reports(client: &GraphClient, sh: &Shared) -> ReportsOutcome {
    let mut audits = SourceState::Complete;
    let mut read_something = false;
    for (phase, filter) in audit_filters(sh) {
        let pager = client.list_directory_audits(Some(&filter), Some(1000));
        let o = drain_into(sh, &phase, pager, |c, a| c.add_audit(a)).await;
        read_something |= o.read_something();
        let s = state_of(sh, &phase, &o);
        if audits == SourceState::Complete {
            audits = s;
        }
    }

    let filter = format!("createdDateTime ge {}", since_text(sh));
    let mut o = Outcome::Failed(GraphError::Invalid("not read".into()));
    if sh.opts.beta_sign_ins {
        let pager = client.list_sign_ins_beta(Some(&filter), Some(1000));
        o = drain_into(sh, "sign-ins", pager, |c, s| c.add_sign_in(s)).await;
        if let Outcome::Failed(e) = &o {
            if !e.is_missing_permission() {
                sh.warn(format!(
                    "beta sign-ins unavailable ({e}); reading v1.0 sign-ins, which carry no ASN: network indicators cannot fire"
                ));
            }
        }
    }
    if matches!(&o, Outcome::Failed(e) if !e.is_missing_permission()) {
        let pager = client.list_sign_ins(Some(&filter), Some(1000));
        o = drain_into(sh, "sign-ins", pager, |c, s| c.add_sign_in(s)).await;
    }
    read_something |= o.read_something();
    let sign_ins = state_of(sh, "sign-ins", &o);
    ReportsOutcome {
        audits,
        sign_ins,
        read_something,
    }
}
