//! Per-user calls, only for the shortlist: profile and roles (directory), inbox rules and
//! folders (Outlook), OAuth grants with their apps (directory), authentication methods
//! (reports budget, only where they can matter: MFA changes or attacker sign-ins, or an
//! account found compromised on other evidence).

use super::Shared;
use crate::collector::{Reason, Source};
use crate::convert;
use crate::facts::SourceState;
use crate::indicators::signins::Analysis;
use futures::StreamExt;
use reclaim_graph::models as g;
use reclaim_graph::paging::Collection;
use reclaim_graph::{GraphClient, GraphError};
use std::collections::{HashMap, HashSet};

/// Microsoft's own tenants: apps they own are first-party.
const MICROSOFT_TENANTS: [&str; 2] = [
    "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
    "72f988bf-86f1-41af-91ab-2d7cd011db47",
];

/// Profiles and roles of these accounts, many at a time (directory budget).
pub(crate) async fn profiles(client: &GraphClient, sh: &Shared, ids: &[String]) {
    let total = ids.len() as u64;
    let mut done = 0u64;
    let mut stream = futures::stream::iter(ids.iter().cloned())
        .map(|id| async move { profile_and_roles(client, sh, &id).await })
        .buffer_unordered(16);
    while stream.next().await.is_some() {
        done += 1;
        if done.is_multiple_of(50) || done == total {
            sh.progress("profiles", done, Some(total));
        }
    }
}

fn collection_state<T>(c: &Collection<T>) -> SourceState {
    match &c.partial {
        None => SourceState::Complete,
        Some(why) => SourceState::Partial(why.to_string()),
    }
}

async fn profile_and_roles(client: &GraphClient, sh: &Shared, id: &str) {
    profile_knowing(client, sh, id, None).await
}

/// Profile and roles of one account; `known` is its profile already read (not read again).
pub(crate) async fn profile_knowing(
    client: &GraphClient,
    sh: &Shared,
    id: &str,
    known: Option<g::User>,
) {
    let user = async {
        match known {
            Some(u) => Ok(reclaim_graph::client::Response {
                value: u,
                ids: Default::default(),
                status: 200,
            }),
            None => client.get_user(id).await,
        }
    };
    let (user, roles) = tokio::join!(user, client.user_roles(id).collect());
    let profile_state = match &user {
        Ok(_) => SourceState::Complete,
        Err(e) if e.is_not_found() => SourceState::Complete,
        Err(e) => sh.failed("profiles", e),
    };
    let roles_state = match &roles {
        Ok(c) => collection_state(c),
        Err(e) if e.is_not_found() => SourceState::Complete,
        Err(e) => sh.failed("directory roles", e),
    };
    sh.with(|c| {
        if let Ok(u) = &user {
            if let Some(upn) = u.value.user_principal_name.as_deref() {
                c.note_domain(upn);
            }
        }
        let f = c.account_mut(id);
        match &user {
            // The directory found it: it exists, whatever Identity Protection's record says.
            Ok(u) => f.profile = convert::profile(&u.value),
            // Gone from /users: deleted (Identity Protection still lists it).
            Err(e) if e.is_not_found() => f.profile.deleted = true,
            Err(_) => {}
        }
        if let Ok(r) = &roles {
            f.roles = r
                .items
                .iter()
                .filter_map(convert::role_from_assignment)
                .collect();
        }
        *Source::Profile.of(f) = profile_state;
        *Source::Roles.of(f) = roles_state;
    });
}

/// Everything else about one shortlisted account.
pub(crate) async fn detail(client: &GraphClient, sh: &Shared, id: &str) {
    let (deleted, want_methods) = sh.with(|c| {
        let reasons = c.reasons(id);
        let Some(f) = c.account(id) else {
            return (true, false);
        };
        let attacker = Analysis::new(f, c.pack()).attacker_views().next().is_some();
        let want = sh.opts.methods_for_all
            || sh.known_methods.is_some()
            || attacker
            || reasons.contains(&Reason::MfaChange)
            || reasons.contains(&Reason::Requested);
        (f.profile.deleted, want)
    });
    if deleted {
        let gone = SourceState::Unavailable("the account is deleted".into());
        sh.with(|c| {
            let f = c.account_mut(id);
            for s in [
                Source::Methods,
                Source::Rules,
                Source::Grants,
                Source::Devices,
                Source::AppConsents,
            ] {
                *s.of(f) = gone.clone();
            }
        });
        return;
    }
    tokio::join!(
        methods(client, sh, id, want_methods),
        rules(client, sh, id),
        grants(client, sh, id),
        super::footholds::devices(client, sh, id),
        super::app_consents::app_consents(client, sh, id)
    );
    // Compromised on other evidence (rules, consents): containment will need its methods
    // and the owner's phones, so read them after all.
    let compromised = sh.with(|c| {
        c.assess(id)
            .is_some_and(|a| a.verdict == crate::Verdict::Compromised)
    });
    if !want_methods && compromised {
        methods(client, sh, id, true).await;
    }
}

async fn methods(client: &GraphClient, sh: &Shared, id: &str, wanted: bool) {
    if let Some(list) = &sh.known_methods {
        sh.with(|c| {
            let f = c.account_mut(id);
            f.methods = list.iter().map(convert::method).collect();
            *Source::Methods.of(f) = SourceState::Complete;
        });
        return;
    }
    if !wanted {
        let why = "not read: no MFA change in the audit log and no attacker sign-in in the window, so no method can be tied to an attacker";
        sh.with(|c| *Source::Methods.of(c.account_mut(id)) = SourceState::Unavailable(why.into()));
        return;
    }
    let result = client.list_methods(id).collect().await;
    let state = match &result {
        Ok(c) => collection_state(c),
        Err(e) if e.is_not_found() => SourceState::Unavailable("the account is gone".into()),
        Err(e) => sh.failed("authentication methods", e),
    };
    sh.with(|c| {
        let f = c.account_mut(id);
        if let Ok(list) = &result {
            f.methods = list.items.iter().map(convert::method).collect();
        }
        *Source::Methods.of(f) = state;
    });
}

fn no_mailbox(e: &GraphError) -> bool {
    e.is_not_found()
        || matches!(e, GraphError::Api { code, .. } if code == "MailboxNotEnabledForRESTAPI" || code == "ErrorItemNotFound")
}

/// A list the caller already read completely, as a collection.
fn known_collection<T: Clone>(items: &[T]) -> Collection<T> {
    Collection {
        items: items.to_vec(),
        pages: 1,
        count: None,
        partial: None,
        first_ids: None,
    }
}

async fn rules(client: &GraphClient, sh: &Shared, id: &str) {
    let result = match &sh.known_rules {
        Some(Some(list)) => Ok(known_collection(list)),
        Some(None) => {
            let gone = SourceState::Unavailable("no Exchange Online mailbox".into());
            sh.with(|c| *Source::Rules.of(c.account_mut(id)) = gone);
            return;
        }
        None => client.list_inbox_rules(id).collect().await,
    };
    let list = match result {
        Ok(c) => c,
        Err(e) => {
            let state = if no_mailbox(&e) {
                SourceState::Unavailable("no Exchange Online mailbox".into())
            } else {
                sh.failed("inbox rules", &e)
            };
            sh.with(|c| *Source::Rules.of(c.account_mut(id)) = state);
            return;
        }
    };
    let state = collection_state(&list);
    let mut folders = HashMap::new();
    let targets: HashSet<String> = list
        .items
        .iter()
        .filter_map(|r| r.actions.as_ref())
        .flat_map(|a| [a.move_to_folder.clone(), a.copy_to_folder.clone()])
        .flatten()
        .collect();
    if !targets.is_empty() {
        match client.list_mail_folders(id).collect().await {
            Ok(c) => folders = convert::folder_index(&c.items),
            Err(e) => {
                sh.failed("mail folders (rule targets shown by id)", &e);
            }
        }
        // Targets below the top level (an attacker's folder under the Inbox).
        let unresolved: Vec<&String> = targets
            .iter()
            .filter(|t| !folders.contains_key(*t))
            .take(5)
            .collect();
        for t in unresolved {
            if let Ok(f) = client.get_mail_folder(id, t).await {
                folders.extend(convert::folder_index(std::slice::from_ref(&f.value)));
            }
        }
    }
    sh.with(|c| {
        let f = c.account_mut(id);
        f.rules = list
            .items
            .iter()
            .map(|r| convert::rule(r, &folders))
            .collect();
        *Source::Rules.of(f) = state;
    });
}

pub(crate) async fn service_principal(
    client: &GraphClient,
    sp_id: &str,
) -> Option<g::ServicePrincipal> {
    let mut sp = client.get_service_principal(sp_id).await.ok()?.value;
    if sp.publisher_name.is_none()
        && sp
            .app_owner_organization_id
            .as_deref()
            .is_some_and(|o| MICROSOFT_TENANTS.contains(&o))
    {
        sp.publisher_name = Some("Microsoft".into());
    }
    Some(sp)
}

async fn grants(client: &GraphClient, sh: &Shared, id: &str) {
    let result = match &sh.known_grants {
        Some(list) => Ok(known_collection(list)),
        None => client.user_oauth_grants(id).collect().await,
    };
    let list = match result {
        Ok(c) => c,
        Err(e) => {
            let state = if e.is_not_found() {
                SourceState::Unavailable("the account is gone".into())
            } else {
                sh.failed("OAuth grants", &e)
            };
            sh.with(|c| *Source::Grants.of(c.account_mut(id)) = state);
            return;
        }
    };
    let mut apps: HashMap<String, Option<g::ServicePrincipal>> = HashMap::new();
    for gr in &list.items {
        if let Some(cid) = gr.client_id.as_deref() {
            if !apps.contains_key(cid) {
                let sp = service_principal(client, cid).await;
                apps.insert(cid.to_string(), sp);
            }
        }
    }
    let state = collection_state(&list);
    sh.with(|c| {
        let f = c.account_mut(id);
        f.grants = list
            .items
            .iter()
            .map(|gr| {
                let sp = gr
                    .client_id
                    .as_deref()
                    .and_then(|cid| apps.get(cid))
                    .and_then(Option::as_ref);
                convert::grant(gr, sp)
            })
            .collect();
        *Source::Grants.of(f) = state;
    });
}
