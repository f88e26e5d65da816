//! Shared by the Graph endpoint tests: a simulator on the sample tenant and a small HTTP
//! client that speaks to it over loopback with a real bearer token.
#![allow(dead_code)]

use reclaim_sim::graph::sample;
use reclaim_sim::state::Scenario;
use reclaim_sim::{self as sim, Profile, SimConfig, SimHandle};
use reqwest::Method;
use serde_json::Value;

pub struct Api {
    pub sim: SimHandle,
    pub http: reqwest::Client,
    /// An app-only token of the built-in full-permission app.
    pub token: String,
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Reply {
    /// The Graph error code, or "".
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or("")
    }
    pub fn items(&self) -> &Vec<Value> {
        self.body["value"].as_array().expect("a collection")
    }
}

impl Api {
    /// The sample tenant with `fillers` extra users and `sign_ins` sign-ins, fast profile.
    pub async fn start(fillers: usize, sign_ins: usize) -> Api {
        let cfg = SimConfig::with_profile(Profile::Fast);
        Api::start_with(cfg, sample::sample_tenant(fillers, sign_ins)).await
    }

    pub async fn start_with(cfg: SimConfig, scenario: Scenario) -> Api {
        let sim = sim::start_with(cfg, scenario)
            .await
            .expect("simulator starts");
        let token = sim.mint_app_token(&sim.apps.full.client_id);
        Api {
            sim,
            http: reqwest::Client::new(),
            token,
        }
    }

    /// Posts a form to the identity platform's `/oauth2/v2.0/{endpoint}` (`token`,
    /// `devicecode`): status and JSON body.
    pub async fn form(&self, endpoint: &str, fields: &[(&str, &str)]) -> (u16, Value) {
        let url = format!(
            "{}/{}/oauth2/v2.0/{endpoint}",
            self.sim.login_url, self.sim.tenant_id
        );
        let resp = self
            .http
            .post(url)
            .form(fields)
            .send()
            .await
            .expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    pub async fn call(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
        eventual: bool,
    ) -> Reply {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.sim.graph_url)
        };
        let mut req = self.http.request(method, url).bearer_auth(token);
        if eventual {
            req = req.header("ConsistencyLevel", "eventual");
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            body,
        }
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.call(&self.token, method, path, body, false).await
    }

    pub async fn send_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        self.call(token, method, path, body, false).await
    }

    /// Sends and asserts the status; returns the reply.
    pub async fn expect(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        status: u16,
    ) -> Reply {
        let r = self.send(method.clone(), path, body).await;
        assert_eq!(r.status, status, "{method} {path}: {}", r.text);
        r
    }

    /// GET that must succeed; the body.
    pub async fn get(&self, path: &str) -> Value {
        self.expect(Method::GET, path, None, 200).await.body
    }

    pub async fn try_get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    /// GET with `ConsistencyLevel: eventual`.
    pub async fn get_eventual(&self, path: &str) -> Reply {
        self.call(&self.token, Method::GET, path, None, true).await
    }

    /// Follows `@odata.nextLink` verbatim to the end: every item, and the number of pages.
    /// `@odata.count` must only be on the first page.
    pub async fn all_pages(&self, path: &str, eventual: bool) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut next = Some(path.to_string());
        let mut pages = 0;
        while let Some(url) = next {
            let r = self
                .call(&self.token, Method::GET, &url, None, eventual)
                .await;
            assert_eq!(r.status, 200, "{url}: {}", r.text);
            pages += 1;
            if pages > 1 {
                assert!(
                    r.body.get("@odata.count").is_none(),
                    "@odata.count only on page 1"
                );
            }
            items.extend(r.items().iter().cloned());
            next = r.body["@odata.nextLink"].as_str().map(String::from);
        }
        (items, pages)
    }

    /// Directory audits about a user, newest first.
    pub async fn audits_for(&self, user: &str) -> Vec<Value> {
        let path = format!(
            "/v1.0/auditLogs/directoryAudits?$filter=targetResources/any(t:t/id eq '{user}')"
        );
        self.get(&path).await["value"]
            .as_array()
            .expect("value")
            .clone()
    }

    /// A delegated token for `user` through the full app with exactly `scopes`.
    pub fn delegated(&self, user: &str, scopes: &[&str]) -> String {
        self.sim
            .mint_delegated_token(user, &self.sim.apps.full.client_id, scopes)
    }
}

/// The newest audit record with this activity.
pub fn find<'a>(audits: &'a [Value], activity: &str) -> &'a Value {
    audits
        .iter()
        .find(|a| a["activityDisplayName"] == activity)
        .unwrap_or_else(|| panic!("no '{activity}' in {audits:?}"))
}

/// A modified property of an audit record's first target.
pub fn modified<'a>(audit: &'a Value, name: &str) -> &'a Value {
    audit["targetResources"][0]["modifiedProperties"]
        .as_array()
        .expect("modifiedProperties")
        .iter()
        .find(|p| p["displayName"] == name)
        .unwrap_or_else(|| panic!("no {name} in {audit}"))
}
