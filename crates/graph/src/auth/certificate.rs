//! Client credentials with a certificate: a client assertion JWT signed with the private key
//! (PS256 by default, `x5t#S256` naming the certificate), by `jsonwebtoken`; the key and
//! certificate come from a PEM file or a PFX/PKCS#12 file (`p12-keystore`).

use super::oauth::{self, TokenResponse};
use crate::error::AuthError;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reclaim_core::secrets::Secret;
use serde::Serialize;
use sha2::Digest as _;
use std::path::Path;

/// The password of a PFX file, when it has one.
pub const PFX_PASSWORD_VAR: &str = "RECLAIM_CERTIFICATE_PASSWORD";

/// A loaded certificate credential. The key never leaves this struct.
#[derive(Clone)]
pub struct CertificateCredential {
    key: EncodingKey,
    /// base64url SHA-256 of the certificate's DER.
    pub thumbprint_sha256: String,
    /// base64url SHA-1 of the DER (`x5t`, for the RS256 compatibility mode).
    pub thumbprint_sha1: String,
    pub algorithm: Algorithm,
}

impl std::fmt::Debug for CertificateCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateCredential")
            .field("x5t#S256", &self.thumbprint_sha256)
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct AssertionClaims<'a> {
    aud: &'a str,
    iss: &'a str,
    sub: &'a str,
    jti: String,
    nbf: i64,
    iat: i64,
    exp: i64,
}

fn config_err(path: &Path, why: impl std::fmt::Display) -> AuthError {
    AuthError::Config(format!("certificate {}: {why}", path.display()))
}

impl CertificateCredential {
    /// Loads a PEM (certificate and unencrypted private key in one file) or a PFX (password
    /// from `RECLAIM_CERTIFICATE_PASSWORD`, empty when unset).
    pub fn load(path: &Path) -> Result<Self, AuthError> {
        let data = std::fs::read(path).map_err(|e| config_err(path, e))?;
        let password = std::env::var(PFX_PASSWORD_VAR).ok().map(Secret::new);
        Self::from_bytes(path, &data, password.as_ref())
    }

    pub fn from_bytes(
        path: &Path,
        data: &[u8],
        password: Option<&Secret>,
    ) -> Result<Self, AuthError> {
        let looks_pem = data.windows(11).any(|w| w == b"-----BEGIN ");
        let (key_pem, cert_der) = if looks_pem {
            from_pem(path, data)?
        } else {
            from_pfx(path, data, password.map(Secret::expose).unwrap_or(""))?
        };
        let key = EncodingKey::from_rsa_pem(key_pem.expose().as_bytes()).map_err(|e| {
            config_err(
                path,
                format!("the private key is not a usable RSA key ({e})"),
            )
        })?;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        Ok(Self {
            key,
            thumbprint_sha256: b64.encode(sha2::Sha256::digest(&cert_der)),
            thumbprint_sha1: b64.encode(sha1::Sha1::digest(&cert_der)),
            algorithm: Algorithm::PS256,
        })
    }

    /// RS256 with `x5t` instead of PS256 with `x5t#S256`, for services that want it.
    pub fn with_rs256(mut self) -> Self {
        self.algorithm = Algorithm::RS256;
        self
    }

    /// The signed assertion for one token request (valid 5 minutes; the limit is 10).
    pub fn assertion(&self, token_url: &str, client_id: &str) -> Result<Secret, AuthError> {
        let mut header = Header::new(self.algorithm);
        header.typ = Some("JWT".into());
        match self.algorithm {
            Algorithm::RS256 => header.x5t = Some(self.thumbprint_sha1.clone()),
            _ => header.x5t_s256 = Some(self.thumbprint_sha256.clone()),
        }
        let now = chrono::Utc::now().timestamp();
        let claims = AssertionClaims {
            aud: token_url,
            iss: client_id,
            sub: client_id,
            jti: uuid::Uuid::new_v4().to_string(),
            nbf: now,
            iat: now,
            exp: now + 300,
        };
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map(Secret::new)
            .map_err(|e| AuthError::Config(format!("cannot sign the client assertion: {e}")))
    }
}

fn from_pem(path: &Path, data: &[u8]) -> Result<(Secret, Vec<u8>), AuthError> {
    let blocks = pem::parse_many(data).map_err(|e| config_err(path, e))?;
    let cert = blocks
        .iter()
        .find(|b| b.tag() == "CERTIFICATE")
        .ok_or_else(|| config_err(path, "no CERTIFICATE block in the PEM file"))?;
    if blocks.iter().any(|b| b.tag() == "ENCRYPTED PRIVATE KEY") {
        return Err(config_err(
            path,
            "encrypted PEM keys are not supported; use a PFX file with RECLAIM_CERTIFICATE_PASSWORD",
        ));
    }
    let key = blocks
        .iter()
        .find(|b| matches!(b.tag(), "PRIVATE KEY" | "RSA PRIVATE KEY"))
        .ok_or_else(|| config_err(path, "no PRIVATE KEY block in the PEM file"))?;
    Ok((Secret::new(pem::encode(key)), cert.contents().to_vec()))
}

fn from_pfx(path: &Path, data: &[u8], password: &str) -> Result<(Secret, Vec<u8>), AuthError> {
    let store = p12_keystore::KeyStore::from_pkcs12(
        data,
        password,
        p12_keystore::Pkcs12ImportPolicy::default(),
    )
    .map_err(|e| {
        config_err(
            path,
            format!("not a readable PFX (wrong {PFX_PASSWORD_VAR}?): {e}"),
        )
    })?;
    let (_, chain) = store
        .private_key_chain()
        .ok_or_else(|| config_err(path, "the PFX holds no private key"))?;
    let cert = chain
        .certs()
        .first()
        .ok_or_else(|| config_err(path, "the PFX holds no certificate for its key"))?;
    let key_pem = pem::encode(&pem::Pem::new("PRIVATE KEY", chain.key().as_der().to_vec()));
    Ok((Secret::new(key_pem), cert.as_der().to_vec()))
}

/// `grant_type=client_credentials` with a fresh assertion.
pub async fn sign_in(
    http: &reqwest::Client,
    token_url: &str,
    client_id: &str,
    cert: &CertificateCredential,
    scope: &str,
) -> Result<TokenResponse, AuthError> {
    let assertion = cert.assertion(token_url, client_id)?;
    oauth::request_token(
        http,
        token_url,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion.expose()),
            ("scope", scope),
        ],
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation};

    const PEM: &[u8] = include_bytes!("../../tests/data/client-test-cert.pem");
    const PFX: &[u8] = include_bytes!("../../tests/data/client-test-cert.pfx");
    const DER: &[u8] = include_bytes!("../../tests/data/client-test-cert.der");

    fn verify(cred: &CertificateCredential, alg: Algorithm) -> serde_json::Value {
        let jwt = cred
            .assertion("https://login.example/t/oauth2/v2.0/token", "client-1")
            .unwrap();
        let header = jsonwebtoken::decode_header(jwt.expose()).unwrap();
        assert_eq!(header.alg, alg);
        let (_, cert) = x509_parser::parse_x509_certificate(DER).unwrap();
        let spki = cert.public_key().subject_public_key.data.to_vec();
        let key = DecodingKey::from_rsa_der(&spki);
        let mut v = Validation::new(alg);
        v.set_audience(&["https://login.example/t/oauth2/v2.0/token"]);
        v.set_issuer(&["client-1"]);
        let data = jsonwebtoken::decode::<serde_json::Value>(jwt.expose(), &key, &v).unwrap();
        let c = data.claims;
        assert_eq!(c["sub"], "client-1");
        assert!(c["exp"].as_i64().unwrap() - c["nbf"].as_i64().unwrap() <= 600);
        serde_json::to_value(&header).unwrap()
    }

    #[test]
    fn pem_and_pfx_load_the_same_certificate_and_sign_ps256_with_x5t_s256() {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let expected = b64.encode(sha2::Sha256::digest(DER));
        let pem = CertificateCredential::from_bytes(Path::new("t.pem"), PEM, None).unwrap();
        let pfx = CertificateCredential::from_bytes(
            Path::new("t.pfx"),
            PFX,
            Some(&Secret::new("reclaim-test".into())),
        )
        .unwrap();
        assert_eq!(pem.thumbprint_sha256, expected);
        assert_eq!(pfx.thumbprint_sha256, expected);
        let h = verify(&pem, Algorithm::PS256);
        assert_eq!(h["x5t#S256"], expected);
        verify(&pfx, Algorithm::PS256);
        let h = verify(&pem.with_rs256(), Algorithm::RS256);
        assert!(h["x5t"].is_string());
        assert!(!format!("{pfx:?}").contains("PRIVATE"));
    }

    #[test]
    fn bad_files_give_clear_errors() {
        let wrong = CertificateCredential::from_bytes(
            Path::new("t.pfx"),
            PFX,
            Some(&Secret::new("nope".into())),
        )
        .unwrap_err();
        assert!(
            wrong.to_string().contains("RECLAIM_CERTIFICATE_PASSWORD"),
            "{wrong}"
        );
        let cert_only = std::str::from_utf8(PEM)
            .unwrap()
            .split("-----BEGIN PRIVATE KEY")
            .next()
            .unwrap();
        let e = CertificateCredential::from_bytes(Path::new("c.pem"), cert_only.as_bytes(), None)
            .unwrap_err();
        assert!(e.to_string().contains("no PRIVATE KEY"), "{e}");
    }
}
