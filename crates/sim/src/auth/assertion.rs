//! Certificate credentials: a client assertion JWT signed with the key of a certificate
//! registered on the app (REFERENCE §2). The signature is really checked against the
//! certificate's public key; `x5t` (SHA-1, usually RS256) and `x5t#S256` (SHA-256, PS256)
//! headers both name the certificate.

use super::aadsts::TokenError;
use crate::ids::b64url;
use crate::model::AppRegistration;
use crate::state::{lock, read_lock, SimState};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use sha1::Digest as _;

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Clock skew the service tolerates on `nbf`/`exp`.
const SKEW_SECS: u64 = 300;
/// Longest accepted assertion lifetime (REFERENCE: `exp` ≤ 10 min), plus a little clock noise.
const MAX_AHEAD_SECS: i64 = 600 + 30;

#[derive(Debug, Deserialize)]
struct AssertionClaims {
    exp: i64,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    jti: Option<String>,
}

fn bad_assertion(code: u32, description: impl Into<String>) -> TokenError {
    TokenError::invalid_client(code, description)
}

/// Verifies a client assertion for `app`; `tenant_segment` is the tenant as the URL named it.
pub fn verify(
    state: &SimState,
    tenant_segment: &str,
    app: &AppRegistration,
    assertion_type: &str,
    assertion: &str,
) -> Result<(), TokenError> {
    if assertion_type != JWT_BEARER {
        return Err(TokenError::bad_request(
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'client_assertion_type'.",
        ));
    }
    let header = jsonwebtoken::decode_header(assertion)
        .map_err(|_| bad_assertion(50027, "JWT token is invalid or malformed."))?;
    if !matches!(header.alg, Algorithm::RS256 | Algorithm::PS256) {
        return Err(bad_assertion(
            700027,
            format!("Client assertion failed signature validation. [Reason - The algorithm {:?} is not supported.]", header.alg),
        ));
    }
    let cert = find_certificate(app, &header)?;
    let key = public_key(&cert)?;

    let mut validation = Validation::new(header.alg);
    validation.leeway = SKEW_SECS;
    validation.validate_nbf = true;
    validation.set_audience(&audiences(state, tenant_segment));
    validation.set_issuer(&[app.client_id.as_str()]);
    validation.sub = Some(app.client_id.clone());
    validation.set_required_spec_claims(&["exp", "aud", "iss", "sub"]);
    let data = jsonwebtoken::decode::<AssertionClaims>(assertion, &key, &validation).map_err(|e| {
        match e.kind() {
            ErrorKind::InvalidSignature => bad_assertion(700027, "Client assertion failed signature validation."),
            ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => bad_assertion(
                700024,
                "Client assertion is not within its valid time range.",
            ),
            ErrorKind::InvalidAudience => bad_assertion(
                700023,
                "Client assertion audience claim does not match Realm issuer. The audience must be the token endpoint URL.",
            ),
            ErrorKind::InvalidIssuer | ErrorKind::InvalidSubject => bad_assertion(
                700021,
                "Client assertion application identifier doesn't match 'client_id' parameter.",
            ),
            ErrorKind::MissingRequiredClaim(c) => bad_assertion(
                50027,
                format!("JWT token is invalid or malformed: the '{c}' claim is missing."),
            ),
            _ => bad_assertion(50027, "JWT token is invalid or malformed."),
        }
    })?;
    let claims = data.claims;
    let now = chrono::Utc::now().timestamp();
    if claims.exp - now > MAX_AHEAD_SECS {
        return Err(bad_assertion(
            700024,
            "Client assertion is not within its valid time range: its lifetime exceeds 10 minutes.",
        ));
    }
    if claims.nbf.is_some_and(|nbf| nbf > claims.exp) {
        return Err(bad_assertion(
            700024,
            "Client assertion is not within its valid time range.",
        ));
    }
    let jti = claims.jti.filter(|j| !j.is_empty()).ok_or_else(|| {
        bad_assertion(
            50027,
            "JWT token is invalid or malformed: the 'jti' claim is missing.",
        )
    })?;
    let mut used = lock(&state.auth.used_assertion_ids);
    used.retain(|_, exp| *exp + SKEW_SECS as i64 >= now);
    let key = format!("{}/{}", app.client_id, jti);
    if used.contains_key(&key) {
        return Err(bad_assertion(
            700027,
            "Client assertion failed validation: the assertion with this 'jti' was already used (replay).",
        ));
    }
    used.insert(key, claims.exp);
    Ok(())
}

/// Token endpoint URLs an assertion may name as `aud`: this server's, with the tenant as the
/// client addressed it, by id or by domain (v2.0 and v1 endpoint forms).
fn audiences(state: &SimState, tenant_segment: &str) -> Vec<String> {
    let domain = read_lock(&state.tenant).domain.clone();
    let mut out = Vec::new();
    for t in [tenant_segment, state.tenant_id.as_str(), domain.as_str()] {
        for suffix in ["oauth2/v2.0/token", "oauth2/token"] {
            out.push(format!("{}/{}/{}", state.base_url, t, suffix));
        }
    }
    out
}

/// The registered certificate the header's thumbprint names.
fn find_certificate(
    app: &AppRegistration,
    header: &jsonwebtoken::Header,
) -> Result<Vec<u8>, TokenError> {
    let found = app.certificate_der.iter().find(|der| {
        let sha1 = sha1::Sha1::digest(der.as_slice());
        let sha256 = sha2::Sha256::digest(der.as_slice());
        header.x5t_s256.as_deref() == Some(b64url(&sha256).as_str())
            || header.x5t.as_deref() == Some(b64url(&sha1).as_str())
            || header
                .kid
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case(&hex::encode(sha1)))
    });
    match found {
        Some(der) => Ok(der.clone()),
        None => {
            let named = header
                .x5t_s256
                .clone()
                .or_else(|| header.x5t.clone())
                .or_else(|| header.kid.clone())
                .unwrap_or_default();
            Err(bad_assertion(
                700027,
                format!("The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{named}']"),
            ))
        }
    }
}

/// The RSA public key of a DER certificate, if the certificate is currently valid.
fn public_key(der: &[u8]) -> Result<DecodingKey, TokenError> {
    use x509_parser::prelude::*;
    let unusable = |why: &str| {
        bad_assertion(
            700027,
            format!("Client assertion failed signature validation. [Reason - {why}]"),
        )
    };
    let (_, cert) =
        X509Certificate::from_der(der).map_err(|_| unusable("The certificate cannot be read."))?;
    if !cert.validity().is_valid() {
        return Err(unusable("The key used is expired."));
    }
    match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => Ok(
            DecodingKey::from_rsa_raw_components(rsa.modulus, rsa.exponent),
        ),
        _ => Err(unusable("Only RSA certificates are supported.")),
    }
}
