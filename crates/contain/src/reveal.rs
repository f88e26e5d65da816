//! Showing the secrets apply generates (a new password, a Temporary Access Pass) once, to the
//! operator, and nowhere else: never a log, the journal or the plan.

use std::sync::Arc;

/// Where secrets generated while applying (a new password, a Temporary Access Pass) are
/// shown, once. Never a log, the journal or the plan.
pub trait SecretSink: Send + Sync {
    fn show(&self, account: &str, step_id: &str, what: &str, secret: &str);
}

/// A generated password: 20 characters from every class, never stored.
pub fn generate_password() -> String {
    use rand::seq::SliceRandom;
    use rand::Rng;
    const SETS: [&[u8]; 4] = [
        b"ABCDEFGHJKLMNPQRSTUVWXYZ",
        b"abcdefghijkmnopqrstuvwxyz",
        b"23456789",
        b"!#%+-=?@^_~",
    ];
    let mut rng = rand::rngs::OsRng;
    let mut chars: Vec<u8> = SETS.iter().map(|s| s[rng.gen_range(0..s.len())]).collect();
    let all: Vec<u8> = SETS.concat();
    while chars.len() < 20 {
        chars.push(all[rng.gen_range(0..all.len())]);
    }
    chars.shuffle(&mut rng);
    String::from_utf8(chars).unwrap_or_default()
}

/// A sink that shares secrets with the caller (the console shows them in a dialog).
#[derive(Default)]
pub struct CollectingSink {
    pub shown: std::sync::Mutex<Vec<(String, String, String, String)>>,
}

impl SecretSink for CollectingSink {
    fn show(&self, account: &str, step_id: &str, what: &str, secret: &str) {
        if let Ok(mut v) = self.shown.lock() {
            v.push((account.into(), step_id.into(), what.into(), secret.into()));
        }
    }
}

impl<T: SecretSink + ?Sized> SecretSink for Arc<T> {
    fn show(&self, account: &str, step_id: &str, what: &str, secret: &str) {
        (**self).show(account, step_id, what, secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_and_mixed() {
        let a = generate_password();
        let b = generate_password();
        assert_ne!(a, b);
        assert_eq!(a.len(), 20);
        assert!(a.chars().any(|c| c.is_ascii_uppercase()));
        assert!(a.chars().any(|c| c.is_ascii_lowercase()));
        assert!(a.chars().any(|c| c.is_ascii_digit()));
        assert!(a.chars().any(|c| !c.is_ascii_alphanumeric()));
    }
}
