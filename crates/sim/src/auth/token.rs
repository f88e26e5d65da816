//! `POST /{tenant}/oauth2/v2.0/token`: client credentials, device code and refresh grants.

use super::aadsts::TokenError;
use super::jwt::{self, TokenSpec, TokenUser};
use super::{assertion, device, find_app, find_user, refresh, resolve_tenant};
use crate::model::AppRegistration;
use crate::state::{read_lock, Shared, SimState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::HashMap;

pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

pub async fn token(
    State(state): State<Shared>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    let form = super::parse_form(&body);
    let mut subject = None;
    let mut resp = match grant(&state, &tenant, &form, &mut subject) {
        Ok(body) => {
            let mut resp = (StatusCode::OK, axum::Json(body)).into_response();
            resp.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store, no-cache"),
            );
            resp
        }
        Err(e) => e.into_response(),
    };
    if let Some(user) = subject {
        resp.extensions_mut().insert(super::TokenSubject(user));
    }
    resp
}

fn param<'a>(form: &'a HashMap<String, String>, name: &str) -> Result<&'a str, TokenError> {
    form.get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| TokenError::missing_parameter(name))
}

/// Redeems a grant; `subject` learns the user it was for as soon as that is known (so the
/// request log names them even when the grant is then refused).
fn grant(
    state: &SimState,
    tenant: &str,
    form: &HashMap<String, String>,
    subject: &mut Option<String>,
) -> Result<Value, TokenError> {
    resolve_tenant(state, tenant)?;
    let grant_type = param(form, "grant_type")?;
    let client_id = param(form, "client_id")?;
    let app = find_app(state, client_id)
        .ok_or_else(|| TokenError::unknown_client(client_id, &state.tenant_id))?;
    match grant_type {
        "client_credentials" => client_credentials(state, tenant, form, &app),
        DEVICE_CODE_GRANT => {
            authenticate_public(state, tenant, form, &app)?;
            let device_code = param(form, "device_code")?;
            let approved = device::redeem(state, device_code, &app)?;
            *subject = Some(approved.user_id.clone());
            let requested = super::parse_scopes(&approved.scope);
            let granted = granted_scopes(&app, &requested)?;
            issue_user_tokens(
                state,
                &app,
                &approved.user_id,
                granted,
                requested.oidc,
                approved.password_based,
            )
        }
        "refresh_token" => {
            authenticate_public(state, tenant, form, &app)?;
            let rt = param(form, "refresh_token")?;
            *subject = refresh::subject(state, rt);
            let record = refresh::redeem(state, rt, &app.client_id)?;
            let scopes = match form.get("scope").map(|s| super::parse_scopes(s)) {
                Some(req) if !req.graph.is_empty() => record
                    .scopes
                    .iter()
                    .filter(|s| req.graph.iter().any(|r| r.eq_ignore_ascii_case(s)))
                    .cloned()
                    .collect(),
                _ => record.scopes.clone(),
            };
            issue_user_tokens(
                state,
                &app,
                &record.user_id,
                scopes,
                record.oidc.clone(),
                record.password_based,
            )
        }
        other => Err(TokenError::bad_request(
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

fn client_credentials(
    state: &SimState,
    tenant: &str,
    form: &HashMap<String, String>,
    app: &AppRegistration,
) -> Result<Value, TokenError> {
    let scope = param(form, "scope")?;
    let requested = super::parse_scopes(scope);
    let only_graph_default = requested.default
        && requested.graph.is_empty()
        && requested.oidc.is_empty()
        && requested.foreign.is_empty();
    if !only_graph_default {
        return Err(TokenError::bad_request(
            "invalid_scope",
            1002012,
            format!("The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."),
        ));
    }
    authenticate_confidential(state, tenant, form, app)?;
    let lifetime = state.config.access_token_lifetime;
    let spec = TokenSpec {
        tenant_id: state.tenant_id.clone(),
        app_id: app.client_id.clone(),
        app_display_name: Some(app.display_name.clone()),
        service_principal_id: super::service_principal_id(state, &app.client_id),
        roles: app.application_permissions.clone(),
        wids: app.directory_role_templates.clone(),
        lifetime,
        ..Default::default()
    };
    Ok(json!({
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
        "ext_expires_in": lifetime.as_secs(),
        "access_token": jwt::mint(&spec),
    }))
}

/// A confidential client proves itself with its secret or a certificate-signed assertion.
fn authenticate_confidential(
    state: &SimState,
    tenant: &str,
    form: &HashMap<String, String>,
    app: &AppRegistration,
) -> Result<(), TokenError> {
    if let Some(secret) = form.get("client_secret") {
        return check_secret(app, secret);
    }
    if let Some(assertion) = form.get("client_assertion") {
        let kind = form
            .get("client_assertion_type")
            .map(String::as_str)
            .unwrap_or_default();
        return assertion::verify(state, tenant, app, kind, assertion);
    }
    Err(TokenError::invalid_client(
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ))
}

/// Public-client grants: the app must allow public-client flows unless it authenticates.
fn authenticate_public(
    state: &SimState,
    tenant: &str,
    form: &HashMap<String, String>,
    app: &AppRegistration,
) -> Result<(), TokenError> {
    let presents_credential =
        form.contains_key("client_secret") || form.contains_key("client_assertion");
    if presents_credential || !app.public_client {
        authenticate_confidential(state, tenant, form, app)
    } else {
        Ok(())
    }
}

fn check_secret(app: &AppRegistration, secret: &str) -> Result<(), TokenError> {
    match &app.client_secret {
        Some(s) if s == secret => Ok(()),
        _ => Err(TokenError::invalid_client(
            7000215,
            format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.", app.client_id),
        )),
    }
}

/// Delegated scopes the app may get: the requested ones it has been granted (all of them for
/// `.default`); asking for one it lacks needs consent nobody gave.
pub fn granted_scopes(
    app: &AppRegistration,
    requested: &super::RequestedScopes,
) -> Result<Vec<String>, TokenError> {
    if requested.default {
        return Ok(app.delegated_permissions.clone());
    }
    let mut granted = Vec::new();
    for s in &requested.graph {
        match app
            .delegated_permissions
            .iter()
            .find(|p| p.eq_ignore_ascii_case(s))
        {
            Some(p) => granted.push(p.clone()),
            None => {
                return Err(TokenError::invalid_grant(
                    65001,
                    format!("The user or administrator has not consented to use the application with ID '{}' named '{}'. Send an interactive authorization request for this user and resource.", app.client_id, app.display_name),
                ))
            }
        }
    }
    Ok(granted)
}

/// Access token (+ refresh token with `offline_access`, + id token with `openid`) for a user.
pub fn issue_user_tokens(
    state: &SimState,
    app: &AppRegistration,
    user_id: &str,
    scopes: Vec<String>,
    oidc: Vec<String>,
    password_based: bool,
) -> Result<Value, TokenError> {
    let (user, wids) = {
        let tenant = read_lock(&state.tenant);
        let user = find_user(&tenant, user_id).cloned().ok_or_else(|| {
            TokenError::invalid_grant(
                50034,
                format!("The user account {user_id} does not exist in the {} directory. To sign into this application, the account must be added to the directory.", state.tenant_id),
            )
        })?;
        let wids = super::role_templates_of(&tenant, &user.id);
        (user, wids)
    };
    if !user.account_enabled {
        return Err(refresh::user_disabled());
    }
    let lifetime = state.config.access_token_lifetime;
    let spec = TokenSpec {
        tenant_id: state.tenant_id.clone(),
        app_id: app.client_id.clone(),
        app_display_name: Some(app.display_name.clone()),
        service_principal_id: super::service_principal_id(state, &app.client_id),
        user: Some(TokenUser {
            id: user.id.to_string(),
            upn: user.user_principal_name.to_string(),
            display_name: user.display_name.to_string(),
        }),
        scopes: scopes.clone(),
        wids,
        lifetime,
        ..Default::default()
    };
    let mut scope_text: Vec<String> = scopes.clone();
    scope_text.extend(oidc.iter().cloned());
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scope_text.join(" "),
        "expires_in": lifetime.as_secs(),
        "ext_expires_in": lifetime.as_secs(),
        "access_token": jwt::mint(&spec),
    });
    if oidc.iter().any(|s| s == "offline_access") {
        let rt = refresh::issue(
            state,
            refresh::RefreshRecord::new(
                state,
                &user.id,
                &app.client_id,
                scopes,
                oidc.clone(),
                password_based,
            ),
        );
        body["refresh_token"] = json!(rt);
    }
    if oidc.iter().any(|s| s == "openid") {
        body["id_token"] = json!(id_token(state, app, &user, lifetime));
    }
    Ok(body)
}

fn id_token(
    state: &SimState,
    app: &AppRegistration,
    user: &crate::model::User,
    lifetime: std::time::Duration,
) -> String {
    let now = chrono::Utc::now().timestamp();
    jwt::sign(&json!({
        "aud": app.client_id,
        "iss": format!("https://login.microsoftonline.com/{}/v2.0", state.tenant_id),
        "iat": now,
        "nbf": now,
        "exp": now + lifetime.as_secs() as i64,
        "name": user.display_name,
        "oid": user.id,
        "preferred_username": user.user_principal_name,
        "sub": crate::ids::det_guid(state.config.seed, &format!("sub/{}/{}", app.client_id, user.id)),
        "tid": state.tenant_id,
        "ver": "2.0",
    }))
}
