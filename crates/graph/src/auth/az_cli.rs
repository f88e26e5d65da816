//! Reusing the Azure CLI's sign-in: `az account get-access-token --resource-type ms-graph`.

use super::claims::TokenClaims;
use super::{AccessToken, Secret};
use crate::error::AuthError;
use serde::Deserialize;
use std::time::{Duration, SystemTime};

/// The `az` executable; `RECLAIM_AZ` overrides it (a wrapper, or a test double).
pub fn program() -> String {
    std::env::var("RECLAIM_AZ").unwrap_or_else(|_| "az".to_string())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AzToken {
    access_token: String,
    /// Seconds since the epoch (newer az versions).
    #[serde(default, rename = "expires_on")]
    expires_on_epoch: Option<serde_json::Value>,
    #[serde(default)]
    tenant: Option<String>,
}

/// Runs az and reads its token. `tenant` is passed through when it is a specific tenant.
pub async fn get_token(tenant: Option<&str>) -> Result<AccessToken, AuthError> {
    let mut cmd = tokio::process::Command::new(program());
    cmd.args([
        "account",
        "get-access-token",
        "--resource-type",
        "ms-graph",
        "-o",
        "json",
    ]);
    if let Some(t) = tenant.filter(|t| !matches!(*t, "common" | "organizations" | "")) {
        cmd.args(["--tenant", t]);
    }
    cmd.stdin(std::process::Stdio::null());
    let out = cmd.output().await.map_err(|e| {
        AuthError::AzCli(format!(
            "cannot run `{}` ({e}); install the Azure CLI and run `az login`",
            program()
        ))
    })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        return Err(AuthError::SignInAgain {
            reason: format!("the Azure CLI has no usable sign-in ({first}); run `az login`"),
        });
    }
    parse(&out.stdout, SystemTime::now())
}

fn parse(stdout: &[u8], now: SystemTime) -> Result<AccessToken, AuthError> {
    let t: AzToken = serde_json::from_slice(stdout)
        .map_err(|e| AuthError::AzCli(format!("unexpected output of get-access-token: {e}")))?;
    let claims = TokenClaims::decode(&t.access_token).ok();
    let from_az = t.expires_on_epoch.as_ref().and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_str()?.parse().ok())
            .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s))
    });
    let expires_at = from_az
        .or_else(|| claims.as_ref().and_then(TokenClaims::expires_at))
        .unwrap_or(now + Duration::from_secs(300));
    let _ = t.tenant;
    Ok(AccessToken {
        secret: Secret::new(t.access_token),
        expires_at,
        claims,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_az_output() {
        let now = SystemTime::UNIX_EPOCH;
        let t = parse(
            br#"{"accessToken":"opaque","expiresOn":"2025-01-01 10:00:00.000000","expires_on":1735725600,"tenant":"t","tokenType":"Bearer"}"#,
            now,
        )
        .unwrap();
        assert_eq!(t.secret.expose(), "opaque");
        assert_eq!(
            t.expires_at,
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_725_600)
        );
        assert!(parse(b"not json", now).is_err());
    }
}
