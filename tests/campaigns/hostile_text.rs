//! Tenant text with control, C1, bidi and zero-width characters (seeded random, written into
//! the simulated tenant: an account's names, its rules' names and forwarding recipients, its
//! MFA methods' names) through every command that shows, writes or logs it: triage (text,
//! JSON, CSV), investigate, snapshot, plan (stdout and the plan file), apply (dry run and
//! real), undo, audit show and export (JSON, CSV, Markdown), whoami. No output, file or log
//! line carries one raw (line breaks and CSV's CR LF aside).
//!
//! `RECLAIM_HOSTILE_SEED` replays a trial (the seed is printed).

use super::support::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reclaim_core::sanitize::is_dangerous;
use reclaim_sim::model::{EmailAddress, Recipient};
use reclaim_sim::Profile;
use std::path::Path;

const NASTY: &[char] = &[
    '\u{1b}', '\u{7}', '\u{8}', '\u{9b}', '\u{9c}', '\u{9d}', '\u{85}', '\u{7f}', '\u{202e}',
    '\u{202a}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{200b}', '\u{200e}', '\u{061c}',
    '\u{feff}', '\u{ad}', '\u{2028}', '\u{2029}', '\r', '\t', '\0',
];

fn hostile(rng: &mut ChaCha8Rng) -> String {
    let mut s = String::from("x");
    for _ in 0..rng.gen_range(2..8) {
        s.push(NASTY[rng.gen_range(0..NASTY.len())]);
        s.push_str(["31m", "]0;t", "TXT", "=cmd", "a", "[2J"][rng.gen_range(0..6)]);
    }
    s
}

/// Writes hostile text into the account's names, rules and methods.
fn poison(e: &Env, id: &str, rng: &mut ChaCha8Rng) {
    let texts: Vec<String> = (0..16).map(|_| hostile(rng)).collect();
    e.sim.with_tenant_mut(|t| {
        let u = t.users.iter_mut().find(|u| &*u.id == id).unwrap();
        u.display_name = texts[0].as_str().into();
        u.job_title = Some(texts[1].as_str().into());
        u.department = Some(texts[2].as_str().into());
        if let Some(m) = t.mailboxes.get_mut(id) {
            for (i, r) in m.rules.iter_mut().enumerate() {
                r.display_name = texts[3 + i % 4].clone();
                r.actions.forward_to = Some(vec![Recipient {
                    email_address: EmailAddress {
                        name: Some(texts[8].clone()),
                        address: format!("{}@evil.example", texts[9]),
                    },
                }]);
            }
        }
        for m in t.methods.get_mut(id).into_iter().flatten() {
            m.display_name = Some(texts[10].clone());
        }
    });
}

/// The output's name and the first raw characters in it, if any.
fn raw(what: &str, text: &str) -> Option<String> {
    let bad: Vec<char> = text
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| is_dangerous(*c) && *c != '\n')
        .take(8)
        .collect();
    (!bad.is_empty()).then(|| format!("{what}: {bad:?}"))
}

fn file(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_tenant_text_reaches_no_output_raw() {
    let seed: u64 = env_or("RECLAIM_HOSTILE_SEED", rand::random());
    eprintln!("hostile text seed {seed} (replay with RECLAIM_HOSTILE_SEED={seed})");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let e = env(Profile::Fast).await;
    let truth = e.sim.ground_truth();
    let a = truth
        .compromised()
        .max_by_key(|a| (a.malicious_rule_ids.len(), a.attacker_method_ids.len()))
        .unwrap();
    let (id, upn) = (a.user_id.clone(), a.user_principal_name.clone());
    poison(&e, &id, &mut rng);
    let pf = e.dir.path().join("plan.json");
    let pfs = pf.to_str().unwrap();
    let mut outputs: Vec<(String, String)> = Vec::new();
    let commands: Vec<Vec<&str>> = vec![
        vec!["triage", "--since", "30d"],
        vec!["triage", "--json", "--since", "30d"],
        vec!["triage", "--csv", "--since", "30d"],
        vec!["investigate", &upn, "--since", "30d"],
        vec!["investigate", &upn, "--json", "--since", "30d"],
        vec!["snapshot", "--user", &upn],
        vec!["plan", "--user", &upn],
        vec!["plan", "--user", &upn, "-o", pfs],
        vec!["apply", pfs, "--dry-run"],
        vec!["apply", pfs, "--yes"],
        vec!["whoami", "--json"],
        vec!["audit", "show"],
        vec!["audit", "export", "--format", "json"],
        vec!["audit", "export", "--format", "csv"],
        vec!["audit", "export", "--format", "md"],
    ];
    for c in commands {
        let what = c.join(" ");
        let (code, out, err) = e.run(&c).await;
        assert!(code != 101 && !err.contains("panicked"), "{what}: {err}");
        outputs.push((format!("{what} (stdout)"), out));
        outputs.push((format!("{what} (stderr)"), err));
    }
    let plan = reclaim_contain::Plan::load(&pf).unwrap();
    if let Some(s) = plan.accounts[0].steps.iter().find(|s| s.reversible) {
        let (_, out, err) = e.run(&["undo", &s.id, "--yes"]).await;
        outputs.push(("undo (stdout)".into(), out));
        outputs.push(("undo (stderr)".into(), err));
    }
    let state = e.dir.path().join("state/reclaim");
    outputs.push(("the plan file".into(), file(&pf)));
    outputs.push(("the log file".into(), file(&state.join("reclaim.log"))));
    for f in std::fs::read_dir(state.join("snapshots"))
        .into_iter()
        .flatten()
    {
        outputs.push(("a snapshot file".into(), file(&f.unwrap().path())));
    }
    let found: Vec<String> = outputs.iter().filter_map(|(w, t)| raw(w, t)).collect();
    assert!(
        found.is_empty(),
        "seed {seed}: raw tenant text in\n{}",
        found.join("\n")
    );
}
