//! What the client tests share: a simulated tenant, its users, and clients signed in to it.

use reclaim_core::secrets::Secret;
use reclaim_graph::auth::cache::TokenCache;
use reclaim_graph::auth::{Authenticator, Credential};
use reclaim_graph::cloud::{Endpoints, NationalCloud};
use reclaim_graph::{ClientOptions, GraphClient};
use reclaim_sim::{fixture, Profile, SimConfig, SimHandle};
use serde_json::json;
use std::sync::Arc;

pub const ADMIN: &str = "admin@contoso-sim.onmicrosoft.com";

pub fn fast() -> SimConfig {
    SimConfig::with_profile(Profile::Fast)
}

/// The small fixture tenant.
pub async fn sim(cfg: SimConfig) -> SimHandle {
    sim_with_users(cfg, 0).await
}

/// The small fixture tenant plus `extra_users` clerks (for paging).
pub async fn sim_with_users(cfg: SimConfig, extra_users: usize) -> SimHandle {
    let mut scenario = fixture::small_tenant(cfg.seed, chrono::Utc::now());
    for i in 0..extra_users {
        let u = fixture::user(
            &format!("00000000-0000-4000-8000-{i:012}"),
            &format!("user{i}@contoso-sim.onmicrosoft.com"),
            &format!("User {i}"),
            Some("Clerk"),
        );
        scenario.tenant.users.push(u);
    }
    reclaim_sim::start_with(cfg, scenario)
        .await
        .expect("simulator starts")
}

pub fn endpoints(s: &SimHandle) -> Endpoints {
    Endpoints::resolve(
        NationalCloud::Global,
        Some(&s.login_url),
        Some(&s.graph_url),
    )
    .unwrap()
}

/// The simulator's `full` app, signed in with its client secret.
pub fn app(s: &SimHandle, options: ClientOptions) -> GraphClient {
    reclaim::cli::connect::sim_app_client(s, &s.apps.full, options).unwrap()
}

/// The simulator's `read_only` app (no write permission).
pub fn read_only_app(s: &SimHandle, options: ClientOptions) -> GraphClient {
    reclaim::cli::connect::sim_app_client(s, &s.apps.read_only, options).unwrap()
}

/// A client with any credential (device code, certificate, a static token) and token cache.
pub fn client_with(
    s: &SimHandle,
    credential: Credential,
    cache: Option<TokenCache>,
    options: ClientOptions,
) -> GraphClient {
    let auth = Authenticator::new(
        reqwest::Client::new(),
        endpoints(s),
        s.tenant_id.clone(),
        credential,
        cache,
    );
    GraphClient::with_http(reqwest::Client::new(), Arc::new(auth), options)
}

/// The `full` app's client-secret credential.
pub fn full(s: &SimHandle) -> Credential {
    Credential::ClientSecret {
        client_id: s.apps.full.client_id.clone(),
        secret: Secret::new(s.apps.full.client_secret.clone()),
    }
}

/// The id of the user whose UPN starts with `alias@`.
pub fn user_id(s: &SimHandle, alias: &str) -> String {
    s.with_tenant(|t| {
        t.users
            .iter()
            .find(|u| u.user_principal_name.starts_with(&format!("{alias}@")))
            .unwrap()
            .id
            .to_string()
    })
}

pub fn admin_id(s: &SimHandle) -> String {
    user_id(s, "admin")
}

/// Gives `user` a mailbox with an Inbox and an RSS folder.
pub fn add_mailbox(s: &SimHandle, user: &str) {
    use reclaim_sim::model::{MailFolder, Mailbox};
    let folder = |id: &str, name: &str, wk: &str| MailFolder {
        id: id.into(),
        display_name: name.into(),
        parent_folder_id: None,
        well_known_name: Some(wk.into()),
    };
    s.with_tenant_mut(|t| {
        t.mailboxes.insert(
            user.into(),
            Mailbox {
                extra_folders: vec![folder("inbox-id", "Inbox", "inbox"), folder("rss-id", "RSS Feeds", "rssfeeds")],
                settings: json!({"timeZone": "UTC", "automaticRepliesSetting": {"status": "disabled", "externalAudience": "none"}}).into(),
                ..Default::default()
            },
        );
    });
}

/// Marks `user` risky at `level`.
pub fn add_risky_user(s: &SimHandle, user: &str, level: &str) {
    let upn = s.with_tenant(|t| {
        t.users
            .iter()
            .find(|u| *u.id == *user)
            .unwrap()
            .user_principal_name
            .clone()
    });
    let r: reclaim_sim::model::RiskyUser = serde_json::from_value(json!({
        "id": user, "isDeleted": false, "isProcessing": false,
        "riskLastUpdatedDateTime": chrono::Utc::now(), "riskLevel": level, "riskState": "atRisk",
        "riskDetail": "none", "userDisplayName": upn, "userPrincipalName": upn
    }))
    .unwrap();
    s.with_tenant_mut(|t| t.risky_users.insert(user.to_string(), r));
}
