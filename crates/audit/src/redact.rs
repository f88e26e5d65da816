//! Stripping secrets from everything before it is written to the journal.
//!
//! Three nets, applied to every JSON value a record carries (before state, request body,
//! verification read, note data) and to the request path:
//! 1. by key name: any object key that names a secret (`password`, `newPassword`,
//!    `temporaryAccessPass`, `client_secret`, `refresh_token`, `access_token`, `id_token`,
//!    `Authorization`, or containing `secret`, `token`, `password`, `passwd`, `credential`,
//!    `assertion`) has every string and number under it replaced by [`REDACTED`]; booleans and
//!    nulls stay (`forceChangePasswordNextSignIn` is evidence, not a secret);
//! 2. by value shape: strings that look like a bearer token or a JWT, wherever they are;
//! 3. by value: strings the engine registered as secrets (a generated password, a TAP) are
//!    cut out of any string they occur in, whatever its key.
//!
//! Keys that only describe a secret's metadata (ending in `DateTime`, `Policies`,
//! `LifetimeInMinutes`, or `isUsableOnce`) are kept: they are what an investigator needs.

use serde_json::Value;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted]";

const EXACT: &[&str] = &[
    "password",
    "newpassword",
    "currentpassword",
    "temporaryaccesspass",
    "client_secret",
    "clientsecret",
    "refresh_token",
    "access_token",
    "id_token",
    "authorization",
    "code_verifier",
    "client_assertion",
];

const CONTAINS: &[&str] = &[
    "secret",
    "token",
    "password",
    "passwd",
    "credential",
    "assertion",
];

const METADATA_SUFFIXES: &[&str] = &["datetime", "policies", "lifetimeinminutes"];

/// True when an object key names a secret.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    if METADATA_SUFFIXES.iter().any(|s| k.ends_with(s)) || k == "isusableonce" {
        return false;
    }
    EXACT.contains(&k.as_str()) || CONTAINS.iter().any(|c| k.contains(c))
}

/// True for strings shaped like credentials whatever key they sit under.
pub fn looks_like_credential(s: &str) -> bool {
    let t = s.trim();
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("bearer ") || lower.starts_with("basic ") {
        return true;
    }
    // A JWT: three base64url segments, the first decoding to a JSON header (`eyJ`).
    let parts: Vec<&str> = t.split('.').collect();
    parts.len() == 3
        && t.starts_with("eyJ")
        && parts.iter().all(|p| {
            p.len() >= 4
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'=')
        })
}

/// Redacts `value` in place. `known` are literal secret values to cut out of any string.
pub fn redact_value(value: &mut Value, known: &[String]) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret_key(k) {
                    blank_leaves(v);
                } else {
                    redact_value(v, known);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact_value(v, known)),
        Value::String(s) => {
            if looks_like_credential(s) {
                *s = REDACTED.to_string();
            } else {
                scrub_known(s, known);
            }
        }
        _ => {}
    }
}

/// A string with every registered secret cut out (for paths, free text, error messages).
pub fn redact_text(text: &str, known: &[String]) -> String {
    let mut s = text.to_string();
    if looks_like_credential(&s) {
        return REDACTED.to_string();
    }
    scrub_known(&mut s, known);
    s
}

/// A request path with secret-named query parameters blanked and registered secrets cut out.
pub fn redact_path(path: &str, known: &[String]) -> String {
    let path = redact_text(path, known);
    let Some((base, query)) = path.split_once('?') else {
        return path;
    };
    let params: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            // `code` is an OAuth authorization code in a query, but Graph's error code in JSON.
            Some((k, _)) if is_secret_key(k) || k.eq_ignore_ascii_case("code") => {
                format!("{k}={REDACTED}")
            }
            _ => pair.to_string(),
        })
        .collect();
    format!("{base}?{}", params.join("&"))
}

fn blank_leaves(value: &mut Value) {
    match value {
        Value::String(_) | Value::Number(_) => *value = Value::String(REDACTED.to_string()),
        Value::Object(map) => map.values_mut().for_each(blank_leaves),
        Value::Array(items) => items.iter_mut().for_each(blank_leaves),
        Value::Bool(_) | Value::Null => {}
    }
}

fn scrub_known(s: &mut String, known: &[String]) {
    for secret in known {
        // Very short values would blank ordinary words; the engine's secrets are long.
        if secret.len() >= 6 && s.contains(secret.as_str()) {
            *s = s.replace(secret.as_str(), REDACTED);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_keys_are_blanked_recursively() {
        let mut v = json!({
            "passwordProfile": {"password": "Hunter2!x", "forceChangePasswordNextSignIn": true},
            "newPassword": "S3cret-pw",
            "nested": [{"client_secret": "abc~123456"}, {"Authorization": "Bearer xyz"}],
            "temporaryAccessPass": "TAP12345",
            "lifetimeInMinutes": 60,
            "isUsableOnce": true,
            "createdDateTime": "2024-01-01T00:00:00Z",
            "displayName": "Jane",
        });
        redact_value(&mut v, &[]);
        let s = v.to_string();
        for secret in [
            "Hunter2!x",
            "S3cret-pw",
            "abc~123456",
            "Bearer xyz",
            "TAP12345",
        ] {
            assert!(!s.contains(secret), "{secret} leaked: {s}");
        }
        assert_eq!(v["passwordProfile"]["forceChangePasswordNextSignIn"], true);
        assert_eq!(v["lifetimeInMinutes"], 60);
        assert_eq!(v["displayName"], "Jane");
        assert_eq!(v["createdDateTime"], "2024-01-01T00:00:00Z");
    }

    #[test]
    fn jwt_and_known_values_are_caught_anywhere() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        let mut v = json!({"note": jwt, "msg": "new password is Xy7-long-pass ok"});
        redact_value(&mut v, &["Xy7-long-pass".to_string()]);
        assert_eq!(v["note"], REDACTED);
        assert_eq!(v["msg"], "new password is [redacted] ok");
    }

    #[test]
    fn paths_lose_secret_query_parameters() {
        assert_eq!(
            redact_path("/oauth?code=abc&state=1&client_secret=x", &[]),
            "/oauth?code=[redacted]&state=1&client_secret=[redacted]"
        );
        assert_eq!(redact_path("/v1.0/users/1", &[]), "/v1.0/users/1");
    }
}
