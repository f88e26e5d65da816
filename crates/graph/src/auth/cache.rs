//! The token cache: refresh tokens, client secrets and the signed-in account's identity, in
//! [`reclaim_core::secrets`] (the OS keyring, or memory only). Never in files or logs.

use crate::error::AuthError;
use reclaim_core::secrets::Secret;
use reclaim_core::secrets::SecretStore;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Who is signed in for a (login host, tenant, client) triple; shown by `whoami` and used to
/// refresh without asking again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Account {
    pub tenant_id: Option<String>,
    pub object_id: Option<String>,
    pub username: Option<String>,
    pub client_id: String,
    pub login_url: String,
    pub graph_url: String,
    /// The delegated permissions asked for at sign-in.
    pub scope: String,
}

/// The cache for one sign-in context.
#[derive(Clone)]
pub struct TokenCache {
    store: Arc<dyn SecretStore>,
    context: String,
}

impl TokenCache {
    /// `context` ties entries to a login host, tenant and client id.
    pub fn new(
        store: Arc<dyn SecretStore>,
        login_url: &str,
        tenant: &str,
        client_id: &str,
    ) -> Self {
        let host = login_url
            .split("://")
            .nth(1)
            .unwrap_or(login_url)
            .trim_end_matches('/');
        Self {
            store,
            context: format!("{host}/{}/{client_id}", tenant.to_ascii_lowercase()),
        }
    }

    pub fn store_kind(&self) -> &'static str {
        self.store.kind()
    }

    fn key(&self, what: &str) -> String {
        format!("{what}/{}", self.context)
    }

    fn err(e: reclaim_core::secrets::SecretError) -> AuthError {
        AuthError::Cache(e.to_string())
    }

    pub fn refresh_token(&self) -> Result<Option<Secret>, AuthError> {
        Ok(self
            .store
            .get(&self.key("refresh-token"))
            .map_err(Self::err)?
            .map(Secret::new))
    }

    pub fn set_refresh_token(&self, rt: &Secret) -> Result<(), AuthError> {
        self.store
            .set(&self.key("refresh-token"), rt.expose())
            .map_err(Self::err)
    }

    pub fn account(&self) -> Result<Option<Account>, AuthError> {
        let raw = self.store.get(&self.key("account")).map_err(Self::err)?;
        // A damaged entry is as good as none: the operator signs in again.
        Ok(raw.and_then(|r| serde_json::from_str(&r).ok()))
    }

    pub fn set_account(&self, account: &Account) -> Result<(), AuthError> {
        let json = serde_json::to_string(account).map_err(|e| AuthError::Cache(e.to_string()))?;
        self.store
            .set(&self.key("account"), &json)
            .map_err(Self::err)
    }

    pub fn client_secret(&self) -> Result<Option<Secret>, AuthError> {
        Ok(self
            .store
            .get(&self.key("client-secret"))
            .map_err(Self::err)?
            .map(Secret::new))
    }

    pub fn set_client_secret(&self, s: &Secret) -> Result<(), AuthError> {
        self.store
            .set(&self.key("client-secret"), s.expose())
            .map_err(Self::err)
    }

    /// Forgets everything for this context (`reclaim logout`).
    pub fn clear(&self) -> Result<(), AuthError> {
        for what in ["refresh-token", "account", "client-secret"] {
            self.store.delete(&self.key(what)).map_err(Self::err)?;
        }
        Ok(())
    }

    /// Forgets the refresh token only (it was revoked).
    pub fn forget_refresh_token(&self) -> Result<(), AuthError> {
        self.store
            .delete(&self.key("refresh-token"))
            .map_err(Self::err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reclaim_core::secrets::MemoryStore;

    #[test]
    fn entries_are_scoped_by_host_tenant_and_client() {
        let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
        let a = TokenCache::new(
            store.clone(),
            "https://login.microsoftonline.com",
            "Contoso.com",
            "c1",
        );
        let b = TokenCache::new(
            store.clone(),
            "https://login.microsoftonline.us",
            "contoso.com",
            "c1",
        );
        a.set_refresh_token(&Secret::new("rt-a".into())).unwrap();
        assert_eq!(a.refresh_token().unwrap().unwrap().expose(), "rt-a");
        assert!(b.refresh_token().unwrap().is_none());
        assert_eq!(
            store
                .get("refresh-token/login.microsoftonline.com/contoso.com/c1")
                .unwrap()
                .as_deref(),
            Some("rt-a")
        );
        a.set_account(&Account {
            username: Some("ada".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            a.account().unwrap().unwrap().username.as_deref(),
            Some("ada")
        );
        a.clear().unwrap();
        assert!(a.refresh_token().unwrap().is_none() && a.account().unwrap().is_none());
    }
}
