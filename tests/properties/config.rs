//! The config file: any TOML-ish text parses or gives a clean error naming the file.

use proptest::prelude::*;
use reclaim::config::Config;

const SAMPLE: &str = r#"active_profile = "contoso"

[profiles.contoso]
tenant = "contoso.onmicrosoft.com"
cloud = "global"
auth = "device-code"
client_id = "00000000-0000-0000-0000-000000000001"
graph_url = "https://graph.microsoft.com"
read_only = true

[profiles.fabrikam]
tenant = "fabrikam.onmicrosoft.com"
auth = "certificate"
certificate = "/etc/reclaim/fabrikam.pem"
"#;

const KEYS: &[&str] = &[
    "active_profile",
    "profiles",
    "profiles.x",
    "tenant",
    "cloud",
    "auth",
    "client_id",
    "certificate",
    "graph_url",
    "login_url",
    "read_only",
    "client_secret",
    "password",
];

#[test]
fn the_sample_parses() {
    let c = Config::parse(SAMPLE, "config.toml").unwrap();
    assert_eq!(c.profiles.len(), 2);
}

proptest! {
    #![proptest_config(super::cases(256))]

    #[test]
    fn any_text_parses_or_errs_cleanly(text in super::toml_text::toml_like(SAMPLE, KEYS)) {
        if let Err(e) = Config::parse(&text, "config.toml") {
            super::assert_clean(&e.to_string(), "config.toml");
        }
    }
}
