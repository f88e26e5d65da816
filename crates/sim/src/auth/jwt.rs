//! Access tokens: minting (RS256 with a per-process key, like the real service's v1.0 Graph
//! tokens) and validation into a [`Caller`].

use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::Time;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;
use std::time::Duration;

/// The Graph resource as tokens name it.
pub const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";
/// Microsoft Graph's well-known application id (also accepted as audience and scope prefix).
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The simulator's token signing key, made once per process.
pub struct SigningKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub kid: String,
}

static KEY: OnceLock<SigningKey> = OnceLock::new();

/// The per-process signing key (a fresh RSA-2048 key: tokens of an earlier run are refused).
pub fn signing_key() -> &'static SigningKey {
    KEY.get_or_init(|| {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::traits::PublicKeyParts;
        let mut rng = rand::rngs::OsRng;
        // Key generation only fails for invalid sizes; 2048 is valid.
        let key = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("RSA-2048 generation");
        let der = key.to_pkcs1_der().expect("PKCS#1 encoding of a fresh key");
        let n = key.n().to_bytes_be();
        let e = key.e().to_bytes_be();
        let kid = crate::ids::b64url(&sha2_digest(&n)[..20]);
        SigningKey {
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            decoding: DecodingKey::from_rsa_raw_components(&n, &e),
            kid,
        }
    })
}

fn sha2_digest(data: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(data).to_vec()
}

/// Claims of a simulated Graph access token (v1.0 token format, plus `azp` for v2 readers).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct AccessClaims {
    pub aud: String,
    pub iss: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub tid: String,
    pub oid: String,
    pub sub: String,
    pub appid: String,
    pub azp: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_displayname: Option<String>,
    /// `app` or `user`.
    pub idtyp: String,
    pub ver: String,
    /// Unique token id.
    pub uti: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Delegated permissions, space-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
    /// Application permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// Directory role template ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wids: Vec<String>,
}

/// The signed-in user of a delegated token.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokenUser {
    pub id: String,
    pub upn: String,
    pub display_name: String,
}

/// What to put in an access token.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TokenSpec {
    pub tenant_id: String,
    pub app_id: String,
    pub app_display_name: Option<String>,
    /// The app's service principal object id (the `oid` of app-only tokens).
    pub service_principal_id: String,
    /// `Some` = delegated token.
    pub user: Option<TokenUser>,
    pub scopes: Vec<String>,
    pub roles: Vec<String>,
    pub wids: Vec<String>,
    /// `None` = now.
    pub issued_at: Option<Time>,
    pub lifetime: Duration,
}

impl TokenSpec {
    pub fn claims(&self) -> AccessClaims {
        let iat = self.issued_at.unwrap_or_else(chrono::Utc::now).timestamp();
        let exp = iat + self.lifetime.as_secs() as i64;
        let (oid, idtyp) = match &self.user {
            Some(u) => (u.id.clone(), "user"),
            None => (self.service_principal_id.clone(), "app"),
        };
        AccessClaims {
            aud: GRAPH_RESOURCE.into(),
            iss: format!("https://sts.windows.net/{}/", self.tenant_id),
            iat,
            nbf: iat,
            exp,
            tid: self.tenant_id.clone(),
            sub: oid.clone(),
            oid,
            appid: self.app_id.clone(),
            azp: self.app_id.clone(),
            app_displayname: self.app_display_name.clone(),
            idtyp: idtyp.into(),
            ver: "1.0".into(),
            uti: crate::ids::random_token(16),
            upn: self.user.as_ref().map(|u| u.upn.clone()),
            unique_name: self.user.as_ref().map(|u| u.upn.clone()),
            name: self.user.as_ref().map(|u| u.display_name.clone()),
            scp: self.user.as_ref().map(|_| self.scopes.join(" ")),
            roles: match &self.user {
                None => Some(self.roles.clone()),
                Some(_) => None,
            },
            wids: self.wids.clone(),
        }
    }
}

/// Signs any claims with the simulator's key (RS256, `typ` JWT, `kid`).
pub fn sign<T: Serialize>(claims: &T) -> String {
    let key = signing_key();
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(key.kid.clone());
    header.x5t = Some(key.kid.clone());
    // Serialising plain structs and signing with a valid RSA key cannot fail.
    jsonwebtoken::encode(&header, claims, &key.encoding).expect("signing a token")
}

pub fn mint(spec: &TokenSpec) -> String {
    sign(&spec.claims())
}

/// Why a bearer token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    Empty,
    Malformed,
    Expired,
    Invalid,
    OtherTenant,
}

impl Rejection {
    /// Graph's 401 for this rejection.
    pub fn to_error(self) -> GraphError {
        let message = match self {
            Rejection::Empty => "Access token is empty.",
            Rejection::Malformed => "CompactToken parsing failed with error code: 80049217",
            Rejection::Expired => "Lifetime validation failed, the token is expired.",
            Rejection::Invalid => "Access token validation failure.",
            Rejection::OtherTenant => "Access token validation failure. Invalid audience.",
        };
        GraphError::unauthorized(message).with_header(
            axum::http::header::WWW_AUTHENTICATE,
            format!(
                "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"{GRAPH_APP_ID}\""
            ),
        )
    }
}

/// Checks signature, lifetime, audience and tenant; returns the verified claims.
pub fn validate(token: &str, tenant_id: &str) -> Result<AccessClaims, Rejection> {
    let token = token.trim();
    if token.is_empty() {
        return Err(Rejection::Empty);
    }
    if token.split('.').count() != 3 {
        return Err(Rejection::Malformed);
    }
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = 0;
    validation.set_audience(&[GRAPH_RESOURCE, GRAPH_APP_ID, "https://graph.microsoft.com/"]);
    validation.set_required_spec_claims(&["exp", "nbf", "aud"]);
    let data = jsonwebtoken::decode::<AccessClaims>(token, &signing_key().decoding, &validation)
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature
            | jsonwebtoken::errors::ErrorKind::ImmatureSignature => Rejection::Expired,
            jsonwebtoken::errors::ErrorKind::InvalidToken
            | jsonwebtoken::errors::ErrorKind::Base64(_)
            | jsonwebtoken::errors::ErrorKind::Json(_)
            | jsonwebtoken::errors::ErrorKind::Utf8(_) => Rejection::Malformed,
            _ => Rejection::Invalid,
        })?;
    if !data.claims.tid.eq_ignore_ascii_case(tenant_id) {
        return Err(Rejection::OtherTenant);
    }
    Ok(data.claims)
}

/// The principal behind verified claims.
pub fn caller_from(claims: &AccessClaims) -> Caller {
    let delegated = claims.idtyp == "user" || claims.scp.is_some();
    Caller {
        tenant_id: claims.tid.clone(),
        app_id: claims.appid.clone(),
        user_id: delegated.then(|| claims.oid.clone()),
        roles: claims.roles.clone().unwrap_or_default(),
        scopes: claims
            .scp
            .as_deref()
            .unwrap_or_default()
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        directory_roles: claims.wids.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> TokenSpec {
        TokenSpec {
            tenant_id: "t1".into(),
            app_id: "app".into(),
            service_principal_id: "sp".into(),
            roles: vec!["User.Read.All".into()],
            lifetime: Duration::from_secs(3600),
            ..Default::default()
        }
    }

    #[test]
    fn minted_token_validates_into_an_app_caller() {
        let token = mint(&spec());
        let claims = validate(&token, "t1").expect("valid");
        let caller = caller_from(&claims);
        assert_eq!(caller.app_id, "app");
        assert!(!caller.is_delegated());
        assert_eq!(caller.roles, vec!["User.Read.All".to_string()]);
        assert_eq!(validate(&token, "t2"), Err(Rejection::OtherTenant));
    }

    #[test]
    fn expired_tampered_and_garbage_tokens_are_refused() {
        let mut s = spec();
        s.issued_at = Some(chrono::Utc::now() - chrono::Duration::hours(2));
        assert_eq!(validate(&mint(&s), "t1"), Err(Rejection::Expired));
        let token = mint(&spec());
        let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
        let mut claims = spec().claims();
        claims.roles = Some(vec!["Directory.ReadWrite.All".into()]);
        parts[1] = crate::ids::b64url(&serde_json::to_vec(&claims).unwrap_or_default());
        assert_eq!(validate(&parts.join("."), "t1"), Err(Rejection::Invalid));
        assert_eq!(validate("garbage", "t1"), Err(Rejection::Malformed));
        assert_eq!(validate("", "t1"), Err(Rejection::Empty));
    }
}
