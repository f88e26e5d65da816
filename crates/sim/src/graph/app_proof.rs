//! The `proof` a `removeKey` call must carry (Graph API reference, application: removeKey):
//! a JWT signed with one of the holder's existing certificates, `aud`
//! `00000002-0000-0000-c000-000000000000`, `iss` the holder's object id, valid `nbf`/`exp`
//! at most ten minutes apart. The simulator holds public certificates only as opaque text, so
//! it checks the token's shape, its claims and that its `x5t` names a current certificate of
//! the holder; it cannot check the signature. A holder without a current certificate cannot
//! use removeKey at all (the reference points to `PATCH keyCredentials` then).

use crate::error::GraphError;
use crate::model::KeyCredential;
use base64::Engine as _;
use serde_json::Value;

pub const PROOF_AUDIENCE: &str = "00000002-0000-0000-c000-000000000000";

fn part(s: &str) -> Option<Value> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn invalid(why: &str) -> GraphError {
    GraphError::bad_request(format!("Invalid proof: {why}."))
}

/// Checks `proof` for the holder `holder_id` with certificates `keys`.
pub fn check(proof: &str, holder_id: &str, keys: &[KeyCredential]) -> Result<(), GraphError> {
    let mut it = proof.split('.');
    let (Some(h), Some(c), Some(sig), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(invalid("not a signed JWT"));
    };
    let (Some(header), Some(claims)) = (part(h), part(c)) else {
        return Err(invalid("not a signed JWT"));
    };
    if sig.is_empty() {
        return Err(invalid("unsigned"));
    }
    if claims["aud"] != PROOF_AUDIENCE {
        return Err(invalid("wrong audience"));
    }
    if !claims["iss"]
        .as_str()
        .is_some_and(|i| i.eq_ignore_ascii_case(holder_id))
    {
        return Err(invalid("wrong issuer"));
    }
    let now = chrono::Utc::now().timestamp();
    let (nbf, exp) = (claims["nbf"].as_i64(), claims["exp"].as_i64());
    match (nbf, exp) {
        (Some(n), Some(e)) if n <= now + 60 && now < e && e - n <= 600 => {}
        _ => return Err(invalid("expired or not yet valid")),
    }
    let thumb = header["x5t"]
        .as_str()
        .and_then(|t| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(t.trim_end_matches('='))
                .ok()
        })
        .ok_or_else(|| invalid("no x5t"))?;
    let now_t = chrono::Utc::now();
    let current = keys.iter().any(|k| {
        k.end_date_time > now_t
            && k.custom_key_identifier.as_deref().is_some_and(|ci| {
                base64::engine::general_purpose::STANDARD.decode(ci).ok() == Some(thumb.clone())
            })
    });
    if !current {
        return Err(invalid(
            "not signed by a current certificate of this object",
        ));
    }
    Ok(())
}
