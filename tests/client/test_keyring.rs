//! A keyring backend for tests: the real `keyring` crate API over a process-wide map, so
//! entries persist across `Entry` values like a real keyring (keyring's own mock does not).

use keyring::credential::{Credential, CredentialApi, CredentialBuilderApi};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

fn map() -> &'static Mutex<HashMap<String, Vec<u8>>> {
    static M: OnceLock<Mutex<HashMap<String, Vec<u8>>>> = OnceLock::new();
    M.get_or_init(Default::default)
}

#[derive(Debug)]
struct Cred(String);
impl CredentialApi for Cred {
    fn set_secret(&self, s: &[u8]) -> keyring::Result<()> {
        map().lock().unwrap().insert(self.0.clone(), s.to_vec());
        Ok(())
    }
    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        map()
            .lock()
            .unwrap()
            .get(&self.0)
            .cloned()
            .ok_or(keyring::Error::NoEntry)
    }
    fn delete_credential(&self) -> keyring::Result<()> {
        map()
            .lock()
            .unwrap()
            .remove(&self.0)
            .map(|_| ())
            .ok_or(keyring::Error::NoEntry)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[derive(Debug)]
struct Builder;
impl CredentialBuilderApi for Builder {
    fn build(
        &self,
        _t: Option<&str>,
        service: &str,
        user: &str,
    ) -> keyring::Result<Box<Credential>> {
        Ok(Box::new(Cred(format!("{service}\u{0}{user}"))))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

pub fn install() {
    keyring::set_default_credential_builder(Box::new(Builder));
}

pub fn values() -> Vec<String> {
    map()
        .lock()
        .unwrap()
        .values()
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .collect()
}
