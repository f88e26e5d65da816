//! `investigate`: everything about one account, read with per-user queries (no tenant-wide
//! pass is needed for one person).

use super::passes::{drain_into, Outcome};
use super::{lock, per_user, GatherOptions, Shared};
use crate::collector::{Collector, Source};
use crate::facts::{AccountFacts, SourceState};
use crate::indicators::TenantContext;
use crate::model::AccountAssessment;
use crate::pack::Pack;
use reclaim_graph::requests::odata_str;
use reclaim_graph::{GraphClient, GraphError};
use std::sync::{Arc, Mutex};

/// One account, judged, with its facts.
#[derive(Debug, Clone)]
pub struct Investigation {
    pub tenant: String,
    pub assessment: AccountAssessment,
    pub facts: AccountFacts,
    pub warnings: Vec<String>,
    pub missing_permissions: Vec<String>,
    pub complete: bool,
    /// Sources that could not be read, and why.
    pub unavailable: Vec<crate::model::Unavailable>,
}

/// Looks the account up by UPN or id (a deleted account by its id, through Identity
/// Protection), then reads everything about it.
pub async fn investigate(
    client: &GraphClient,
    pack: Arc<Pack>,
    opts: GatherOptions,
    who: &str,
) -> Result<Investigation, GraphError> {
    investigate_knowing(client, pack, opts, who, KnownReads::default()).await
}

/// What the caller already read about the account, so it is not read twice: the
/// authentication methods (listing them falls in the reports budget, 5 requests per 10 s) and
/// Identity Protection's risky user (1 request per second for the tenant).
#[derive(Debug, Clone, Default)]
pub struct KnownReads {
    /// The account's methods, listed completely.
    pub methods: Option<Vec<reclaim_graph::models::AuthenticationMethod>>,
    /// `Some(None)`: Identity Protection does not list the account (404).
    pub risky_user: Option<Option<reclaim_graph::models::RiskyUser>>,
    /// The inbox rules, listed completely; `Some(None)`: the account has no mailbox.
    pub rules: Option<Option<Vec<reclaim_graph::models::MessageRule>>>,
    /// The account's delegated (`Principal`) grants, listed completely.
    pub grants: Option<Vec<reclaim_graph::models::OAuth2PermissionGrant>>,
    /// The tenant's verified domains, read once for several accounts.
    pub domains: Option<Vec<String>>,
}

/// [`investigate`], without reading again what the caller already read ([`KnownReads`]).
pub async fn investigate_knowing(
    client: &GraphClient,
    pack: Arc<Pack>,
    opts: GatherOptions,
    who: &str,
    known: KnownReads,
) -> Result<Investigation, GraphError> {
    let now = opts.now.unwrap_or_else(chrono::Utc::now);
    let since = now - opts.since;
    let domains = match known.domains.clone() {
        Some(d) => Ok(d),
        None => super::domains::verified_domains(client).await,
    };
    let tenant = TenantContext {
        internal_domains: domains.as_ref().cloned().unwrap_or_default(),
        now: Some(now),
    };
    let sh = Shared {
        collector: Mutex::new(Collector::new(pack, tenant, since)),
        events: None,
        warnings: Mutex::new(Vec::new()),
        missing: Mutex::new(Vec::new()),
        unavailable: Mutex::new(Vec::new()),
        reads: Mutex::new(Vec::new()),
        failures: Mutex::new(Default::default()),
        since,
        opts,
        known_methods: known.methods,
        known_rules: known.rules,
        known_grants: known.grants,
        claims: client.claims().await.ok().flatten(),
    };
    if let Err(e) = &domains {
        sh.failed(super::domains::SOURCE, e);
    }

    let (id, user) = match client.get_user(who).await {
        Ok(u) => (u.value.id.clone(), Some(u.value)),
        Err(e) if e.is_not_found() => match client.get_risky_user(who).await {
            Ok(r) => (r.value.id, None),
            Err(_) => return Err(e),
        },
        Err(e) => return Err(e),
    };
    sh.with(|c| c.request(&id));
    // The profile just read is not read again; a deleted account's is looked up as before.
    per_user::profile_knowing(client, &sh, &id, user).await;

    match known.risky_user {
        Some(Some(r)) => sh.with(|c| c.add_risky_user(&r)),
        Some(None) => {}
        None => match client.get_risky_user(&id).await {
            Ok(r) => sh.with(|c| c.add_risky_user(&r.value)),
            Err(e) if e.is_not_found() => {}
            Err(e) => {
                sh.failed("risky user", &e);
            }
        },
    }
    let det = client.list_risk_detections(Some(&id), Some(since), Some(500));
    if let Outcome::Failed(e) =
        drain_into(&sh, "risk detections", det, |c, d| c.add_detection(d)).await
    {
        sh.failed("risk detections", &e);
    }

    let lit = odata_str(&id);
    let mut audits = SourceState::Complete;
    for (phase, extra) in [
        ("audits", format!("targetResources/any(t:t/id eq {lit})")),
        ("consents", format!("initiatedBy/user/id eq {lit}")),
    ] {
        let reader = client
            .read_directory_audits(since, now, Some(&extra))
            .floor(sh.opts.split_floor);
        match drain_into(&sh, phase, reader, |c, a| c.add_audit(a)).await {
            Outcome::Complete => {}
            Outcome::Partial(w) => audits = SourceState::Partial(w),
            Outcome::Failed(e) => audits = sh.failed(phase, &e),
        }
    }
    let user = format!("userId eq {lit}");
    let mut o = if sh.opts.beta_sign_ins {
        let reader = client
            .read_sign_ins(true, since, now, Some(&user))
            .floor(sh.opts.split_floor);
        drain_into(&sh, "sign-ins", reader, |c, s| c.add_sign_in(s)).await
    } else {
        Outcome::Failed(GraphError::Invalid("beta off".into()))
    };
    if matches!(&o, Outcome::Failed(e) if !e.is_missing_permission() && !e.is_unlicensed()) {
        let reader = client
            .read_sign_ins(false, since, now, Some(&user))
            .floor(sh.opts.split_floor);
        o = drain_into(&sh, "sign-ins", reader, |c, s| c.add_sign_in(s)).await;
    }
    let sign_ins = match o {
        Outcome::Complete => SourceState::Complete,
        Outcome::Partial(w) => SourceState::Partial(w),
        Outcome::Failed(e) => sh.failed("sign-ins", &e),
    };
    sh.with(|c| {
        let f = c.account_mut(&id);
        *Source::Audits.of(f) = audits;
        *Source::SignIns.of(f) = sign_ins;
    });

    per_user::detail(client, &sh, &id).await;

    let warnings = lock(&sh.warnings).clone();
    let missing_permissions = lock(&sh.missing).clone();
    let unavailable = lock(&sh.unavailable).clone();
    let collector = sh.collector.into_inner().unwrap_or_else(|p| p.into_inner());
    let assessment = collector
        .assess(&id)
        .ok_or_else(|| GraphError::Invalid(format!("no facts about {id}")))?;
    let complete = assessment.complete && warnings.is_empty();
    let facts = collector.into_facts().remove(&id).unwrap_or_default();
    Ok(Investigation {
        tenant: client.authenticator().tenant().to_string(),
        assessment,
        facts,
        warnings,
        missing_permissions,
        complete,
        unavailable,
    })
}
