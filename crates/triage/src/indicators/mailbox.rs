//! What the attacker did to the mailbox: inbox rules that hide mail (move it where nobody looks,
//! delete it, mark it read) or send it out (forward, redirect, forward as attachment outside the
//! tenant), rules named with punctuation only, rules aimed at payment or warning mail, and
//! mailbox forwarding where something exposes it.
//!
//! Graph never lists MAPI-hidden rules or mailbox forwarding (REFERENCE §5): a clean result
//! here is not proof there are none.

use super::evidence;
use super::{Ctx, Family, Hit, Outcome};
use crate::facts::Rule;
use crate::model::TiedRule;

/// One rule's reading.
#[derive(Debug, Default)]
pub struct RuleReading<'a> {
    pub hide: u32,
    pub hide_why: Vec<String>,
    pub external: Vec<String>,
    pub punctuation: bool,
    pub keywords: Vec<&'a str>,
    pub score: u32,
}

pub fn read_rule<'a>(ctx: &Ctx<'a>, r: &Rule) -> RuleReading<'a> {
    let pack = ctx.pack;
    let w = pack.weight("rule-hides-mail");
    let a = &r.actions;
    let mut rd = RuleReading::default();
    let mut hide = 0;
    if let Some(f) = &a.move_to {
        let shown = f.name.as_deref().unwrap_or(f.id.as_str());
        match pack.hide_folder(f.name.as_deref(), f.well_known.as_deref()) {
            Some(h) if h.strong && (!h.owners_file || conceals(ctx, r)) => {
                hide += w;
                rd.hide_why.push(format!("moves mail to {}", h.name));
            }
            Some(h) if h.strong => {
                // Archive: the campaign's favourite, and where owners file mail themselves.
                // Filing alone (no mark-read, no stop, or only named senders' mail) is weak.
                hide += w / 3;
                rd.hide_why.push(format!("files mail to {}", h.name));
            }
            Some(h) => {
                hide += w / 3;
                rd.hide_why.push(format!("moves mail to {}", h.name));
            }
            None => {
                if f.name.is_none() {
                    rd.hide_why
                        .push(format!("moves mail to an unresolved folder {shown}"));
                }
            }
        }
    }
    if a.permanent_delete {
        hide += w;
        rd.hide_why.push("permanently deletes mail".into());
    } else if a.delete {
        hide += w / 2;
        rd.hide_why.push("deletes mail".into());
    }
    if a.mark_as_read && hide > 0 {
        hide += w / 6;
        rd.hide_why.push("marks it read".into());
    }
    // Stopping later rules keeps the owner's own rules (and alerts) from ever seeing the
    // hidden mail: part of hiding it, whatever the rule is called.
    if a.stop_processing && hide > 0 {
        hide += w / 6;
        rd.hide_why.push("stops other rules".into());
    }
    rd.hide = hide.min(w);

    let account_domains = ctx.account_domains();
    rd.external = a
        .forward_to
        .iter()
        .chain(&a.redirect_to)
        .chain(&a.forward_as_attachment_to)
        .filter(|addr| ctx.tenant.is_external(addr, &account_domains))
        .cloned()
        .collect();
    rd.punctuation = pack.is_suspicious_rule_name(&r.name);
    let acts = rd.hide > 0 || !rd.external.is_empty();
    if acts {
        let mut texts = r.conditions.keywords.clone();
        texts.extend(r.conditions.senders.iter().cloned());
        rd.keywords = pack.keywords_in(&texts);
    }

    let mut score = rd.hide;
    if !rd.external.is_empty() {
        score += pack.weight("rule-forwards-external");
    }
    if rd.punctuation {
        score += pack.weight("rule-name-punctuation");
    }
    if !rd.keywords.is_empty() {
        score += pack.weight("rule-keywords");
    }
    // Nobody hides all of their own mail: a rule with no condition that deletes it or moves it
    // where nobody looks is malicious whatever else it does (finding 8 of #17).
    if applies_to_all_mail(r) && rd.hide >= w / 2 {
        score = score.max(pack.rule_malicious_at);
    }
    // A disabled rule does nothing today; it still shows someone planted it.
    rd.score = if r.enabled { score } else { score / 2 };
    rd
}

/// Whether a rule moving mail to a folder owners also file into (Archive) hides it rather than
/// files it: it marks the mail read, stops later rules, has a punctuation-only name or takes
/// all mail, and is not just filing named senders' mail (`noreply`, a newsletter: no content
/// condition, no pack keyword), as owners do.
fn conceals(ctx: &Ctx<'_>, r: &Rule) -> bool {
    let c = &r.conditions;
    let files_senders = c.keywords.is_empty()
        && c.other.is_empty()
        && !c.senders.is_empty()
        && ctx.pack.keywords_in(&c.senders).is_empty();
    let a = &r.actions;
    let concealing = a.mark_as_read
        || a.stop_processing
        || ctx.pack.is_suspicious_rule_name(&r.name)
        || applies_to_all_mail(r);
    concealing && !files_senders
}

fn applies_to_all_mail(r: &Rule) -> bool {
    r.conditions.keywords.is_empty()
        && r.conditions.senders.is_empty()
        && r.conditions.other.is_empty()
}

fn describe(rd: &RuleReading<'_>, r: &Rule) -> String {
    let mut parts = rd.hide_why.clone();
    if !rd.external.is_empty() {
        parts.push(format!("sends mail outside to {}", rd.external.join(", ")));
    }
    if rd.punctuation {
        let what = if r.name.chars().any(char::is_control) {
            "named with control characters"
        } else {
            "named with punctuation only"
        };
        parts.push(what.into());
    }
    if !rd.keywords.is_empty() {
        parts.push(format!("aimed at mail about {}", rd.keywords.join(", ")));
    }
    if applies_to_all_mail(r) {
        parts.push("applies to all mail".into());
    }
    if r.read_only {
        parts.push("read-only in Graph (its actions are not visible)".into());
    }
    parts.join("; ")
}

pub fn evaluate(ctx: &Ctx<'_>, out: &mut Outcome) {
    let pack = ctx.pack;
    let (mut hide_pts, mut hide_ev) = (0, Vec::new());
    let (mut fwd_ev, mut punct_ev, mut kw_ev) = (Vec::new(), Vec::new(), Vec::new());
    let half = |p: u32, r: &Rule| if r.enabled { p } else { p / 2 };
    let (mut fwd_pts, mut punct_pts, mut kw_pts) = (0, 0, 0);
    for r in &ctx.facts.rules {
        let rd = read_rule(ctx, r);
        let text = describe(&rd, r);
        if rd.hide >= pack.weight("rule-hides-mail") / 3 && rd.hide > 0 {
            hide_pts = hide_pts.max(half(rd.hide, r));
            hide_ev.push(evidence::rule(r, &text));
        }
        if !rd.external.is_empty() {
            fwd_pts = fwd_pts.max(half(pack.weight("rule-forwards-external"), r));
            fwd_ev.push(evidence::rule(r, &text));
        }
        if rd.punctuation {
            punct_pts = punct_pts.max(half(pack.weight("rule-name-punctuation"), r));
            punct_ev.push(evidence::rule(r, &text));
        }
        if !rd.keywords.is_empty() {
            kw_pts = kw_pts.max(half(pack.weight("rule-keywords"), r));
            kw_ev.push(evidence::rule(r, &text));
        }
        let tied = TiedRule {
            id: r.id.clone(),
            name: r.name.clone(),
            reasons: vec![text],
        };
        if rd.score >= pack.rule_malicious_at {
            out.findings.malicious_rules.push(tied);
        } else if rd.hide >= pack.weight("rule-hides-mail") / 3 && rd.hide > 0
            || !rd.external.is_empty()
            || rd.punctuation
            || !rd.keywords.is_empty()
        {
            // Shown as evidence, yet maybe the owner's: containment names it, never deletes it.
            out.findings.rules_to_review.push(tied);
        }
    }
    let mut push = |id: &'static str, pts: u32, ev: Vec<crate::model::Evidence>, what: &str| {
        if !ev.is_empty() {
            let summary = format!("{} inbox rule(s) {what}", ev.len());
            out.push(
                Hit::new(id, Family::Mailbox, pts, summary).with_evidence(evidence::limit(ev)),
            );
        }
    };
    push(
        "rule-hides-mail",
        hide_pts,
        hide_ev,
        "that hide mail from the owner",
    );
    push(
        "rule-forwards-external",
        fwd_pts,
        fwd_ev,
        "that send mail outside the organization",
    );
    push(
        "rule-name-punctuation",
        punct_pts,
        punct_ev,
        "named with punctuation only",
    );
    push(
        "rule-keywords",
        kw_pts,
        kw_ev,
        "aimed at payment or security mail",
    );

    let account_domains = ctx.account_domains();
    let external: Vec<_> = ctx
        .facts
        .forwarding
        .iter()
        .filter(|f| ctx.tenant.is_external(&f.address, &account_domains))
        .collect();
    if !external.is_empty() {
        let ev = external
            .iter()
            .map(|f| {
                evidence::user(
                    &ctx.facts.profile,
                    format!("mailbox forwards to {} (from {})", f.address, f.source),
                )
            })
            .collect();
        out.push(
            Hit::new(
                "mailbox-forwarding-external",
                Family::Mailbox,
                pack.weight("mailbox-forwarding-external"),
                "The mailbox forwards mail outside the organization",
            )
            .with_evidence(ev),
        );
    }
}
