//! The detail view's rows for application footholds: the app role assignments beside the
//! delegated grants (tab 6, consents) and the credentials the account added to apps (tab 9).

use reclaim_triage::facts::AppConsent;
use reclaim_triage::model::AccountAssessment;
use reclaim_tui::source::{AppCredentialRow, GrantRow};

fn time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%MZ").to_string())
        .unwrap_or_default()
}

/// An app role the account holds, as a consents row.
pub(super) fn consent_row(c: &AppConsent, a: &AccountAssessment) -> GrantRow {
    let tied = a
        .findings
        .flagged_app_consents
        .iter()
        .find(|t| t.id == c.id);
    let publisher = match (&c.publisher, c.publisher_verified) {
        (Some(p), true) => format!("verified publisher {p}"),
        (Some(p), false) => format!("unverified publisher {p}"),
        (None, _) => "unverified publisher".into(),
    };
    GrantRow {
        client: c.app_name.clone().unwrap_or_else(|| c.resource_id.clone()),
        scopes: format!("app role {} ({publisher})", c.app_role_id),
        consent: "AppRole".into(),
        created: time(c.created),
        flag: tied.map(|t| format!("attacker: {}", t.reasons.join("; "))),
    }
}

/// The credentials the evidence says the account added (the audit records name them).
pub(super) fn credential_rows(a: &AccountAssessment) -> Vec<AppCredentialRow> {
    a.findings
        .attacker_app_credentials
        .iter()
        .map(|c| AppCredentialRow {
            holder: c.holder.label().into(),
            app: c.holder_name.clone(),
            kind: if c.key_type.eq_ignore_ascii_case("Password") {
                "secret".into()
            } else {
                "certificate".into()
            },
            name: c.name.clone().unwrap_or_default(),
            key_id: c.key_id.clone(),
            added: time(c.added),
            flag: Some(format!(
                "attacker: {}",
                c.reasons.first().map(String::as_str).unwrap_or("")
            )),
        })
        .collect()
}
