//! `$batch`: up to 20 requests per round trip, `dependsOn` chains kept together, each item
//! throttled and retried on its own (items that got 429 or 503 were not processed, so they are
//! sent again in a later batch; a mutating item whose outcome is unknown is reported, never
//! repeated).

use super::cloud::ApiVersion;
use super::error::{parse_error_body, GraphError, RequestIds};
use super::http::{GraphRequest, HttpCore};
use super::permissions;
use super::progress::ProgressEvent;
use super::throttle::{self, Priority, ThrottleScope};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// Graph's limit of requests per batch.
pub const MAX_BATCH: usize = 20;
const MAX_ROUNDS: u32 = 25;

/// One request of a batch.
#[derive(Debug, Clone)]
pub struct BatchItem {
    /// Unique within the call.
    pub id: String,
    pub method: Method,
    /// Version-relative URL, e.g. `/users/{id}/revokeSignInSessions`.
    pub url: String,
    pub body: Option<Value>,
    pub depends_on: Vec<String>,
    pub capability: &'static str,
    pub scope: ThrottleScope,
}

impl BatchItem {
    pub fn get(
        id: impl Into<String>,
        url: impl Into<String>,
        capability: &'static str,
        scope: ThrottleScope,
    ) -> Self {
        Self {
            id: id.into(),
            method: Method::GET,
            url: url.into(),
            body: None,
            depends_on: Vec::new(),
            capability,
            scope,
        }
    }

    fn is_read(&self) -> bool {
        self.method == Method::GET
    }

    fn to_json(&self, deps: &[String]) -> Value {
        let mut v = json!({"id": self.id, "method": self.method.as_str(), "url": self.url});
        if self.body.is_some() || !self.is_read() {
            // Body-less POST actions still need a body and Content-Type in a batch.
            v["body"] = self.body.clone().unwrap_or_else(|| json!({}));
            v["headers"] = json!({"Content-Type": "application/json"});
        }
        if !deps.is_empty() {
            v["dependsOn"] = json!(deps);
        }
        v
    }
}

/// An item's successful answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemResponse {
    pub status: u16,
    pub body: Value,
    pub headers: HashMap<String, String>,
}

/// The outcome of one item, in the order the items were given.
#[derive(Debug, Clone)]
pub struct BatchResult {
    pub id: String,
    pub outcome: Result<ItemResponse, GraphError>,
}

#[derive(Deserialize)]
struct BatchReply {
    #[serde(default)]
    responses: Vec<RawItem>,
}

#[derive(Deserialize)]
struct RawItem {
    id: String,
    status: u16,
    #[serde(default)]
    headers: HashMap<String, String>,
    #[serde(default)]
    body: Value,
}

/// Checks ids, references and the size of dependency chains before anything is sent.
fn validate(items: &[BatchItem]) -> Result<Vec<Vec<usize>>, GraphError> {
    let mut index = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        if it.id.is_empty() || index.insert(it.id.as_str(), i).is_some() {
            return Err(GraphError::Invalid(format!(
                "batch item id {:?} is empty or repeated",
                it.id
            )));
        }
    }
    // Union-find over dependsOn: a chain must travel in one batch.
    let mut parent: Vec<usize> = (0..items.len()).collect();
    fn find(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for (i, it) in items.iter().enumerate() {
        for d in &it.depends_on {
            let j = *index.get(d.as_str()).ok_or_else(|| {
                GraphError::Invalid(format!("batch item {} depends on unknown item {d}", it.id))
            })?;
            let (a, b) = (find(&mut parent, i), find(&mut parent, j));
            parent[a] = b;
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    for i in 0..items.len() {
        let root = find(&mut parent, i);
        let g = *group_of.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(i);
    }
    if let Some(g) = groups.iter().find(|g| g.len() > MAX_BATCH) {
        return Err(GraphError::Invalid(format!(
            "a dependsOn chain of {} items does not fit one batch of {MAX_BATCH}",
            g.len()
        )));
    }
    Ok(groups)
}

/// Rate-limited scopes must not share an envelope with each other, and each carries at
/// most its burst.
fn rate_class(scope: &ThrottleScope) -> Option<&'static str> {
    match scope {
        ThrottleScope::IdentityProtection => Some("identity-protection"),
        ThrottleScope::Reports => Some("reports"),
        _ => None,
    }
}

fn pack(
    burst: impl Fn(&ThrottleScope) -> usize,
    items: &[BatchItem],
    groups: Vec<Vec<usize>>,
) -> Vec<Vec<usize>> {
    struct Env {
        members: Vec<usize>,
        class: Option<&'static str>,
        limit: usize,
    }
    let mut envs: Vec<Env> = Vec::new();
    for g in groups {
        let class = g.iter().find_map(|&i| rate_class(&items[i].scope));
        let limit = g
            .iter()
            .find(|&&i| rate_class(&items[i].scope).is_some())
            .map(|&i| burst(&items[i].scope).max(1))
            .unwrap_or(MAX_BATCH)
            .min(MAX_BATCH);
        let fits = |e: &Env| {
            let n = e.members.len() + g.len();
            e.class == class && n <= MAX_BATCH && (class.is_none() || n <= e.limit)
        };
        match envs.iter_mut().find(|e| fits(e)) {
            Some(e) => e.members.extend(&g),
            None => envs.push(Env {
                members: g,
                class,
                limit,
            }),
        }
    }
    envs.into_iter()
        .map(|mut e| {
            e.members.sort_unstable();
            e.members
        })
        .collect()
}

enum Next {
    Done(Result<ItemResponse, GraphError>),
    Retry { wait: Option<Duration> },
}

/// Sends the items in as few batches as the limits allow and returns every item's outcome.
pub async fn execute(
    core: &Arc<HttpCore>,
    version: ApiVersion,
    items: Vec<BatchItem>,
    priority: Priority,
) -> Result<Vec<BatchResult>, GraphError> {
    if core.read_only {
        if let Some(w) = items.iter().find(|i| !i.is_read()) {
            return Err(GraphError::ReadOnly {
                method: w.method.to_string(),
                path: w.url.clone(),
            });
        }
    }
    validate(&items)?;
    let mut done: HashMap<usize, Result<ItemResponse, GraphError>> = HashMap::new();
    let mut pending: Vec<usize> = (0..items.len()).collect();
    let mut backoff = throttle::backoff();
    let mut failures: HashMap<usize, u32> = HashMap::new();
    for _round in 0..MAX_ROUNDS {
        if pending.is_empty() {
            break;
        }
        // Dependencies already satisfied in an earlier round are dropped.
        let pending_set: HashSet<usize> = pending.iter().copied().collect();
        let sub: Vec<BatchItem> = pending
            .iter()
            .map(|&i| {
                let mut it = items[i].clone();
                it.depends_on.retain(|d| {
                    items
                        .iter()
                        .position(|x| &x.id == d)
                        .is_some_and(|j| pending_set.contains(&j))
                });
                it
            })
            .collect();
        let groups = validate(&sub)?;
        let envelopes = pack(|s| core.scheduler.burst(s), &sub, groups);
        let mut retry = Vec::new();
        let mut round_wait: Option<Duration> = None;
        for env in envelopes {
            let members: Vec<&BatchItem> = env.iter().map(|&k| &sub[k]).collect();
            let outcomes = send_envelope(core, version, &members, priority).await;
            for (k, next) in env.iter().zip(outcomes) {
                let original = pending[*k];
                match next {
                    Next::Done(r) => {
                        done.insert(original, r);
                    }
                    Next::Retry { wait } => {
                        let f = failures.entry(original).or_default();
                        *f += 1;
                        if *f >= MAX_ROUNDS {
                            done.insert(
                                original,
                                Err(GraphError::GaveUp {
                                    attempts: *f,
                                    last_status: 429,
                                    path: items[original].url.clone(),
                                    ids: RequestIds::default(),
                                }),
                            );
                        } else {
                            if let Some(w) = wait {
                                round_wait = Some(round_wait.map_or(w, |r: Duration| r.max(w)));
                            }
                            retry.push(original);
                        }
                    }
                }
            }
        }
        if !retry.is_empty() {
            let wait =
                round_wait.unwrap_or_else(|| backoff.next().unwrap_or(Duration::from_secs(5)));
            for &i in &retry {
                core.scheduler.back_off(&items[i].scope, wait);
            }
            core.progress.emit(ProgressEvent::Retry {
                capability: items[retry[0]].capability,
                reason: format!("{} batch items throttled", retry.len()),
                wait,
            });
        }
        pending = retry;
    }
    Ok(items
        .iter()
        .enumerate()
        .map(|(i, it)| BatchResult {
            id: it.id.clone(),
            outcome: done.remove(&i).unwrap_or_else(|| {
                Err(GraphError::GaveUp {
                    attempts: MAX_ROUNDS,
                    last_status: 429,
                    path: it.url.clone(),
                    ids: RequestIds::default(),
                })
            }),
        })
        .collect())
}

async fn send_envelope(
    core: &Arc<HttpCore>,
    version: ApiVersion,
    members: &[&BatchItem],
    priority: Priority,
) -> Vec<Next> {
    // Reserve every item's throttle slot; the service counts items, not envelopes.
    let mut by_scope: Vec<(ThrottleScope, u32)> = Vec::new();
    for m in members {
        match by_scope.iter_mut().find(|(s, _)| *s == m.scope) {
            Some((_, n)) => *n += 1,
            None => by_scope.push((m.scope.clone(), 1)),
        }
    }
    let mut _slots = Vec::new();
    for (scope, n) in &by_scope {
        _slots.push(core.scheduler.acquire_items(scope, *n, priority).await);
    }
    let ids_in: HashSet<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let requests: Vec<Value> = members
        .iter()
        .map(|m| {
            let deps: Vec<String> = m
                .depends_on
                .iter()
                .filter(|d| ids_in.contains(d.as_str()))
                .cloned()
                .collect();
            m.to_json(&deps)
        })
        .collect();
    let all_reads = members.iter().all(|m| m.is_read());
    let mut envelope = GraphRequest::new(
        Method::POST,
        version,
        "/$batch",
        members[0].capability,
        ThrottleScope::Directory {
            cost: 1,
            write: false,
        },
    )
    .with_body(json!({ "requests": requests }))
    .at_most(priority);
    envelope.replay_safe = all_reads;
    let resp = match core.send(&envelope).await {
        Ok(r) => r,
        Err(e) => {
            // The envelope failed as a whole: every item shares its fate.
            return members
                .iter()
                .map(|m| Next::Done(Err(item_error_from_envelope(m, &e))))
                .collect();
        }
    };
    let reply: BatchReply = match resp.json("/$batch") {
        Ok(r) => r,
        Err(e) => {
            return members
                .iter()
                .map(|m| Next::Done(Err(item_error_from_envelope(m, &e))))
                .collect()
        }
    };
    let mut by_id: HashMap<String, RawItem> = reply
        .responses
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    // Items whose answer says "not processed", so their dependants may be retried too.
    let mut retried: HashSet<String> = HashSet::new();
    let mut out: Vec<Option<Next>> = members.iter().map(|_| None).collect();
    let now = chrono::Utc::now();
    for (pos, m) in members.iter().enumerate() {
        let Some(raw) = by_id.get(&m.id) else {
            continue;
        };
        let header = |name: &str| {
            raw.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let wait = throttle::parse_retry_after(header("retry-after"), now);
        if raw.status == 429 || raw.status == 503 || (raw.status >= 500 && m.is_read()) {
            retried.insert(m.id.clone());
            out[pos] = Some(Next::Retry { wait });
        }
    }
    for (pos, m) in members.iter().enumerate() {
        if out[pos].is_some() {
            continue;
        }
        let ids = resp.ids.clone();
        let Some(raw) = by_id.remove(&m.id) else {
            out[pos] = Some(Next::Done(Err(if m.is_read() {
                GraphError::Decode {
                    path: m.url.clone(),
                    detail: "no answer for this batch item".into(),
                    ids,
                }
            } else {
                GraphError::OutcomeUnknown {
                    method: m.method.to_string(),
                    path: m.url.clone(),
                    detail: "the batch reply had no answer for this item".into(),
                    ids,
                }
            })));
            continue;
        };
        let status = raw.status;
        let next = if (200..300).contains(&status) {
            Next::Done(Ok(ItemResponse {
                status,
                body: raw.body,
                headers: raw.headers,
            }))
        } else if status == 424 && m.depends_on.iter().any(|d| retried.contains(d)) {
            Next::Retry { wait: None }
        } else {
            let body = serde_json::to_vec(&raw.body).unwrap_or_default();
            let (code, message, _) = parse_error_body(status, &body);
            Next::Done(Err(match status {
                403 if code == crate::error::UNLICENSED_CODE => GraphError::Unlicensed {
                    capability: m.capability.to_string(),
                    code,
                    message,
                    ids,
                },
                403 => GraphError::MissingPermission {
                    capability: m.capability.to_string(),
                    permissions: permissions::capability(m.capability)
                        .map(|c| c.least(false).iter().map(|s| s.to_string()).collect())
                        .unwrap_or_default(),
                    message,
                    ids,
                },
                s if s >= 500 => GraphError::OutcomeUnknown {
                    method: m.method.to_string(),
                    path: m.url.clone(),
                    detail: format!("HTTP {s} {code}: {message}"),
                    ids,
                },
                _ => GraphError::Api {
                    status,
                    code,
                    message,
                    ids,
                },
            }))
        };
        out[pos] = Some(next);
    }
    out.into_iter()
        .map(|n| n.unwrap_or(Next::Retry { wait: None }))
        .collect()
}

fn item_error_from_envelope(m: &BatchItem, e: &GraphError) -> GraphError {
    match e {
        GraphError::OutcomeUnknown { detail, ids, .. } if !m.is_read() => {
            GraphError::OutcomeUnknown {
                method: m.method.to_string(),
                path: m.url.clone(),
                detail: format!("the batch carrying it failed: {detail}"),
                ids: ids.clone(),
            }
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests;
