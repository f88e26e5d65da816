//! Identity Protection: risky users, their history, and risk detections tied to sign-ins.

use super::ctx::Gen;
use crate::model::{
    RiskDetection, RiskLevel, RiskState, RiskUserActivity, RiskyUser, RiskyUserHistoryItem, Time,
};
use chrono::Duration;
use serde_json::json;

/// Detections Microsoft Defender for Cloud Apps raises (the rest are Identity Protection's).
fn source_of(event: &str) -> &'static str {
    if event.starts_with("mcas") {
        "MicrosoftCloudAppSecurity"
    } else {
        "IdentityProtection"
    }
}

/// Real-time detections are scored during the sign-in; the others arrive hours later.
fn is_realtime(event: &str) -> bool {
    matches!(
        event,
        "unfamiliarFeatures" | "anonymizedIPAddress" | "maliciousIPAddress"
    )
}

/// One detection. With `sign_in`, it points at that sign-in (request and correlation ids,
/// address, location, user agent); without, it is a user-level detection at `at`.
pub fn detection(
    g: &mut Gen,
    user: usize,
    event: &str,
    level: RiskLevel,
    state: RiskState,
    sign_in: Option<usize>,
    at: Time,
) -> Time {
    let (request, correlation, ip, location, activity_at, ua) = match sign_in {
        Some(i) => {
            let s = &g.tenant.sign_ins[i];
            (
                Some(s.id.to_string()),
                Some(s.correlation_id.to_string()),
                Some(s.origin.ip_address.to_string()),
                Some((*s.origin.location).clone()),
                s.created_date_time,
                Some(s.client.user_agent.clone()),
            )
        }
        None => (None, None, None, None, at, None),
    };
    let detected = if is_realtime(event) {
        activity_at
    } else {
        (activity_at + Duration::minutes(g.range(20, 600))).min(g.now)
    };
    let detail = match state {
        RiskState::Dismissed => "adminDismissedAllRiskForUser",
        RiskState::Remediated => "userPerformedSecuredPasswordReset",
        RiskState::ConfirmedCompromised => "adminConfirmedUserCompromised",
        _ => "none",
    };
    let additional = ua.map(|ua| json!([{"Key": "userAgent", "Value": ua}]).to_string());
    let id = g.detection_id();
    let u = &g.tenant.users[user];
    let d = RiskDetection {
        id,
        request_id: request,
        correlation_id: correlation,
        risk_event_type: event.to_string(),
        risk_state: state,
        risk_level: level,
        risk_detail: detail.to_string(),
        activity: if sign_in.is_some() { "signin" } else { "user" }.to_string(),
        detection_timing_type: if is_realtime(event) {
            "realtime"
        } else {
            "offline"
        }
        .to_string(),
        source: source_of(event).to_string(),
        token_issuer_type: "AzureAD".to_string(),
        ip_address: ip,
        location,
        activity_date_time: activity_at,
        detected_date_time: detected,
        last_updated_date_time: detected,
        user_id: u.id.to_string(),
        user_display_name: u.display_name.to_string(),
        user_principal_name: u.user_principal_name.to_string(),
        additional_info: additional,
    };
    g.tenant.risk_detections.push(d);
    detected
}

/// Mark a sign-in as Identity Protection scored it.
pub fn score_sign_in(g: &mut Gen, sign_in: usize, level: RiskLevel, events: &[&str]) {
    // The shared no-risk group is copied, not changed.
    let r = std::sync::Arc::make_mut(&mut g.tenant.sign_ins[sign_in].risk);
    r.risk_level_during_sign_in = level;
    r.risk_level_aggregated = level;
    r.risk_state = RiskState::AtRisk;
    r.risk_event_types_v2 = events.iter().map(|e| e.to_string()).collect();
}

/// The riskyUser as it stands now, plus one history entry per step (oldest first).
pub struct RiskStep<'a> {
    pub at: Time,
    pub level: RiskLevel,
    pub state: RiskState,
    pub detail: &'a str,
    pub events: Vec<String>,
    pub initiated_by: Option<String>,
}

pub fn risky_user(g: &mut Gen, user: usize, steps: &[RiskStep<'_>], deleted: bool) {
    let Some(last) = steps.last() else {
        return;
    };
    let u = &g.tenant.users[user];
    let (id, name, upn) = (
        u.id.to_string(),
        u.display_name.to_string(),
        u.user_principal_name.to_string(),
    );
    let mut history = Vec::with_capacity(steps.len());
    for step in steps {
        history.push(RiskyUserHistoryItem {
            id: g.guid(),
            user_id: id.clone(),
            initiated_by: step.initiated_by.clone(),
            activity: RiskUserActivity {
                detail: step.detail.to_string(),
                risk_event_types: step.events.clone(),
            },
            is_deleted: deleted,
            is_processing: false,
            risk_last_updated_date_time: step.at,
            risk_level: step.level,
            risk_state: step.state,
            risk_detail: step.detail.to_string(),
            user_display_name: name.clone(),
            user_principal_name: upn.clone(),
        });
    }
    g.tenant.risky_users.insert(
        id.clone(),
        RiskyUser {
            id: id.clone(),
            is_deleted: deleted,
            is_processing: false,
            risk_last_updated_date_time: last.at,
            risk_level: last.level,
            risk_state: last.state,
            risk_detail: last.detail.to_string(),
            user_display_name: name,
            user_principal_name: upn,
        },
    );
    g.tenant.risky_user_history.insert(id, history);
}
