//! Per-user read of the app roles an account holds (`/users/{id}/appRoleAssignments`, a
//! consent's default access among them), each with its app's publisher and verification.

use super::per_user::service_principal;
use super::Shared;
use crate::collector::Source;
use crate::facts::{AppConsent, SourceState};
use reclaim_graph::{models as g, GraphClient};
use std::collections::HashMap;

pub(crate) async fn app_consents(client: &GraphClient, sh: &Shared, id: &str) {
    let list = match client.user_app_role_assignments(id).collect().await {
        Ok(c) => c,
        Err(e) => {
            let state = if e.is_not_found() {
                SourceState::Unavailable("the account is gone".into())
            } else {
                sh.failed("app role assignments", &e)
            };
            sh.with(|c| *Source::AppConsents.of(c.account_mut(id)) = state);
            return;
        }
    };
    let mut apps: HashMap<String, Option<g::ServicePrincipal>> = HashMap::new();
    for a in &list.items {
        if let Some(rid) = a.resource_id.as_deref() {
            if !apps.contains_key(rid) {
                apps.insert(rid.to_string(), service_principal(client, rid).await);
            }
        }
    }
    let state = match &list.partial {
        Some(why) => SourceState::Partial(why.to_string()),
        None => SourceState::Complete,
    };
    sh.with(|c| {
        let f = c.account_mut(id);
        f.app_consents = list
            .items
            .iter()
            .map(|a| {
                let rid = a.resource_id.clone().unwrap_or_default();
                let sp = apps.get(&rid).and_then(Option::as_ref);
                let verified = sp
                    .and_then(|s| s.verified_publisher.as_ref())
                    .and_then(|v| v.verified_publisher_id.as_deref())
                    .is_some_and(|v| !v.is_empty());
                AppConsent {
                    id: a.id.clone(),
                    app_role_id: a.app_role_id.clone().unwrap_or_default(),
                    app_name: sp
                        .and_then(|s| s.display_name.clone())
                        .or_else(|| a.resource_display_name.clone()),
                    app_id: sp.and_then(|s| s.app_id.clone()),
                    publisher: sp.and_then(|s| {
                        s.publisher_name.clone().or_else(|| {
                            s.verified_publisher
                                .as_ref()
                                .and_then(|v| v.display_name.clone())
                        })
                    }),
                    publisher_verified: verified,
                    created: a.created_date_time.as_ref().map(|t| t.0),
                    resource_id: rid,
                }
            })
            .collect();
        *Source::AppConsents.of(f) = state;
    });
}
