//! What a scenario's mix is made of: persona shares, the campaign's trace probabilities, and the
//! volume of ordinary activity. Tests use a different mix than the default to check that triage
//! was not tuned to one.

/// Shares are fractions of all users; probabilities are per compromised account.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioKnobs {
    /// Truly compromised accounts (at least 2).
    pub compromised_share: f64,
    /// Share of compromised accounts drawn from executives and money-adjacent staff.
    pub executive_focus: f64,
    /// Look-alikes (each at least 1 account).
    pub traveller_share: f64,
    pub new_phone_share: f64,
    pub benign_rules_share: f64,
    pub dismissed_share: f64,
    pub remediated_share: f64,
    pub deleted_share: f64,
    pub guest_share: f64,
    pub risky_noise_share: f64,

    /// The attacker signs in to OfficeHome with the campaign's user agents from Russia/Nigeria;
    /// otherwise through an ordinary-looking browser on a proxy or hosting network elsewhere.
    pub campaign_sign_ins: f64,
    /// Attacker registers an Authenticator app.
    pub attacker_authenticator: f64,
    /// Attacker registers a phone (mobile or alternate mobile).
    pub attacker_phone: f64,
    /// Attacker replaces the owner's mobile (recovery) number with theirs.
    pub recovery_phone_swap: f64,
    /// Attacker plants inbox rules.
    pub malicious_rules: f64,
    /// Given rules: one of them forwards, redirects or forwards as attachment outside.
    pub forwarding_rule: f64,
    /// Attacker consents a mail-reading app (OAuth grant, consentType Principal).
    pub oauth_grant: f64,
    /// Given an attacker method: it is made the default method.
    pub attacker_method_default: f64,
    /// Identity Protection noticed (riskyUser + detections); otherwise no risk at all.
    pub identity_protection_risk: f64,
    /// Given Identity Protection noticed: the user risk stayed low.
    pub low_risk_share: f64,
    /// Chance that an attacker-controlled string carries terminal escapes or bidi controls.
    pub hostile_strings: f64,

    /// Interactive sign-ins per ordinary user over the window (inclusive range).
    pub ordinary_sign_ins: (u8, u8),
    /// Days of sign-in history (the triage default window is 14).
    pub history_days: u16,
    /// Users with an Exchange Online mailbox.
    pub mailbox_share: f64,
    /// Ordinary users with a benign inbox rule or two.
    pub ordinary_rules_share: f64,
}

impl Default for ScenarioKnobs {
    fn default() -> Self {
        Self {
            compromised_share: 0.015,
            executive_focus: 0.85,
            traveller_share: 0.006,
            new_phone_share: 0.005,
            benign_rules_share: 0.012,
            dismissed_share: 0.005,
            remediated_share: 0.005,
            deleted_share: 0.003,
            guest_share: 0.004,
            risky_noise_share: 0.017,
            campaign_sign_ins: 0.85,
            attacker_authenticator: 0.5,
            attacker_phone: 0.3,
            recovery_phone_swap: 0.25,
            malicious_rules: 0.6,
            forwarding_rule: 0.45,
            oauth_grant: 0.2,
            attacker_method_default: 0.4,
            identity_protection_risk: 0.75,
            low_risk_share: 0.25,
            hostile_strings: 0.3,
            ordinary_sign_ins: (2, 4),
            history_days: 16,
            mailbox_share: 0.92,
            ordinary_rules_share: 0.08,
        }
    }
}

impl ScenarioKnobs {
    /// A different mix: stealthier sign-ins, more phone and consent persistence, less Identity
    /// Protection signal, more look-alikes. For checking triage on a mix it was not tuned on.
    pub fn alternate() -> Self {
        Self {
            compromised_share: 0.02,
            executive_focus: 0.7,
            traveller_share: 0.012,
            new_phone_share: 0.01,
            benign_rules_share: 0.02,
            risky_noise_share: 0.025,
            campaign_sign_ins: 0.5,
            attacker_authenticator: 0.35,
            attacker_phone: 0.45,
            recovery_phone_swap: 0.4,
            malicious_rules: 0.45,
            forwarding_rule: 0.6,
            oauth_grant: 0.4,
            identity_protection_risk: 0.5,
            low_risk_share: 0.5,
            ..Self::default()
        }
    }

    pub(super) fn validate(&self) -> Result<(), String> {
        let shares = [
            ("compromised_share", self.compromised_share),
            ("executive_focus", self.executive_focus),
            ("traveller_share", self.traveller_share),
            ("new_phone_share", self.new_phone_share),
            ("benign_rules_share", self.benign_rules_share),
            ("dismissed_share", self.dismissed_share),
            ("remediated_share", self.remediated_share),
            ("deleted_share", self.deleted_share),
            ("guest_share", self.guest_share),
            ("risky_noise_share", self.risky_noise_share),
            ("campaign_sign_ins", self.campaign_sign_ins),
            ("attacker_authenticator", self.attacker_authenticator),
            ("attacker_phone", self.attacker_phone),
            ("recovery_phone_swap", self.recovery_phone_swap),
            ("malicious_rules", self.malicious_rules),
            ("forwarding_rule", self.forwarding_rule),
            ("oauth_grant", self.oauth_grant),
            ("attacker_method_default", self.attacker_method_default),
            ("identity_protection_risk", self.identity_protection_risk),
            ("low_risk_share", self.low_risk_share),
            ("hostile_strings", self.hostile_strings),
            ("mailbox_share", self.mailbox_share),
            ("ordinary_rules_share", self.ordinary_rules_share),
        ];
        for (name, v) in shares {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!(
                    "scenario knob {name} must be within 0..=1, got {v}"
                ));
            }
        }
        let personas = self.compromised_share
            + self.traveller_share
            + self.new_phone_share
            + self.benign_rules_share
            + self.dismissed_share
            + self.remediated_share
            + self.deleted_share
            + self.guest_share
            + self.risky_noise_share;
        if personas > 0.5 {
            return Err(format!(
                "persona shares add up to {personas:.3}; at most 0.5 of users may hold a persona"
            ));
        }
        let (lo, hi) = self.ordinary_sign_ins;
        if lo > hi {
            return Err(format!("ordinary_sign_ins range {lo}..={hi} is empty"));
        }
        if self.history_days < 14 {
            return Err("history_days must cover the 14-day triage window".into());
        }
        Ok(())
    }
}
