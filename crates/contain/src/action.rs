//! The containment action catalogue: the CONTRACT.md action names, what each changes, the
//! permission it needs, whether it can be undone, and how it is verified by reading back.
//!
//! An action is what the responder chooses ("remove the attacker's MFA"); the planner turns
//! it into concrete [`super::op::Op`]s per account ("DELETE this Authenticator").

use serde::{Deserialize, Serialize};
use std::fmt;

/// One containment action, spelled on the wire and the command line exactly as CONTRACT.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    RevokeSessions,
    DisableSignin,
    EnableSignin,
    ResetPassword,
    RemoveAttackerMfa,
    ResetMfa,
    RestorePhone,
    RemoveMaliciousRules,
    DisableMaliciousRules,
    ConfirmCompromised,
    IssueTap,
    RevokeOauthGrants,
    DisableAttackerDevices,
    RemoveAttackerRoles,
    RemoveAttackerAppCredentials,
    ExchangeCheck,
}

/// Whether an applied step of an action can be reversed by `reclaim undo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reversibility {
    /// Undo restores the recorded pre-state; the text says how.
    Reversible(&'static str),
    /// Only some of the action's steps can be undone; the text says which.
    Partly(&'static str),
    /// Cannot be undone; the text says why, plainly.
    Irreversible(&'static str),
}

impl Reversibility {
    pub fn text(&self) -> &'static str {
        match self {
            Reversibility::Reversible(t)
            | Reversibility::Partly(t)
            | Reversibility::Irreversible(t) => t,
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            Reversibility::Reversible(_) => "yes",
            Reversibility::Partly(_) => "partly",
            Reversibility::Irreversible(_) => "no",
        }
    }
}

/// Everything the catalogue says about one action.
#[derive(Debug, Clone, Copy)]
pub struct ActionInfo {
    pub kind: ActionKind,
    /// One line: what the action changes in the tenant.
    pub summary: &'static str,
    /// The client's capability name (graph::permissions) checked before apply.
    pub capability: &'static str,
    /// Least-privileged application permission(s); empty for delegated-only operations.
    pub app_permission: &'static str,
    /// Least-privileged delegated permission(s) (the admin also needs an Entra role).
    pub delegated_permission: &'static str,
    pub reversibility: Reversibility,
    /// The read-back that proves the change took effect.
    pub verification: &'static str,
}

const CATALOGUE: [ActionInfo; 16] = [
    ActionInfo {
        kind: ActionKind::RevokeSessions,
        summary: "invalidates every refresh token and session cookie of the account \
                  (POST /users/{id}/revokeSignInSessions)",
        capability: "revoke-sessions",
        app_permission: "User.RevokeSessions.All",
        delegated_permission: "User.RevokeSessions.All",
        reversibility: Reversibility::Irreversible(
            "revoked tokens cannot be revived: the owner simply signs in again",
        ),
        verification: "signInSessionsValidFromDateTime moved past its value before the step",
    },
    ActionInfo {
        kind: ActionKind::DisableSignin,
        summary: "blocks sign-in (PATCH /users/{id} accountEnabled=false)",
        capability: "disable-signin",
        app_permission: "User.EnableDisableAccount.All + User.Read.All",
        delegated_permission: "User.EnableDisableAccount.All + User.Read.All",
        reversibility: Reversibility::Reversible("sign-in is allowed again (accountEnabled=true)"),
        verification: "accountEnabled reads false",
    },
    ActionInfo {
        kind: ActionKind::EnableSignin,
        summary: "allows sign-in again (PATCH /users/{id} accountEnabled=true)",
        capability: "disable-signin",
        app_permission: "User.EnableDisableAccount.All + User.Read.All",
        delegated_permission: "User.EnableDisableAccount.All + User.Read.All",
        reversibility: Reversibility::Reversible("sign-in is blocked again (accountEnabled=false)"),
        verification: "accountEnabled reads true",
    },
    ActionInfo {
        kind: ActionKind::ResetPassword,
        summary: "sets a generated password, shown once on the operator's terminal and never \
                  stored (delegated: resetPassword; app-only: passwordProfile with a forced \
                  change at next sign-in); synced accounts need the on-premises directory",
        capability: "reset-password",
        app_permission: "User-PasswordProfile.ReadWrite.All",
        delegated_permission: "UserAuthMethod-Password.ReadWrite.All",
        reversibility: Reversibility::Irreversible(
            "the old password is not known to reclaim and is never recorded",
        ),
        verification: "the reset operation reports succeeded (delegated) or \
                       lastPasswordChangeDateTime moved (app-only)",
    },
    ActionInfo {
        kind: ActionKind::RemoveAttackerMfa,
        summary: "deletes only the authentication methods the evidence ties to the attacker; \
                  the owner's own methods stay",
        capability: "remove-mfa",
        app_permission: "UserAuthenticationMethod.ReadWrite.All (or the per-kind UserAuthMethod-*.ReadWrite.All)",
        delegated_permission: "UserAuthenticationMethod.ReadWrite.All",
        reversibility: Reversibility::Partly(
            "a deleted phone method is put back with its recorded number; an Authenticator, \
             OATH token, FIDO2 key or email method holds secrets that live on the device and \
             cannot be recreated: its owner registers it again",
        ),
        verification: "the method no longer appears in /authentication/methods",
    },
    ActionInfo {
        kind: ActionKind::ResetMfa,
        summary: "deletes every authentication method except the password (the default \
                  method last); pair it with issue-tap so the owner can register again",
        capability: "remove-mfa",
        app_permission: "UserAuthenticationMethod.ReadWrite.All (or the per-kind UserAuthMethod-*.ReadWrite.All)",
        delegated_permission: "UserAuthenticationMethod.ReadWrite.All",
        reversibility: Reversibility::Partly(
            "deleted phone methods are put back with their recorded numbers; other methods \
             hold device-bound secrets and must be registered again by their owner",
        ),
        verification: "only the password method remains in /authentication/methods",
    },
    ActionInfo {
        kind: ActionKind::RestorePhone,
        summary: "puts each phone type the attacker changed back to its last known-good \
                  number (directory audit old value or baseline snapshot); without a \
                  trustworthy old value it removes the attacker's number and says so",
        capability: "restore-phone",
        app_permission: "UserAuthMethod-Phone.ReadWrite.All",
        delegated_permission: "UserAuthMethod-Phone.ReadWrite.All",
        reversibility: Reversibility::Reversible(
            "the phone method is set back to the number recorded before the step",
        ),
        verification: "the phone method of that type reads the restored number (or is gone)",
    },
    ActionInfo {
        kind: ActionKind::RemoveMaliciousRules,
        summary: "deletes the inbox rules the evidence flags, after recording each rule in \
                  full; hidden rules and mailbox forwarding are invisible to Graph",
        capability: "manage-inbox-rules",
        app_permission: "MailboxSettings.ReadWrite",
        delegated_permission: "MailboxSettings.ReadWrite",
        reversibility: Reversibility::Reversible(
            "the rule is recreated from its recorded definition (it gets a new id)",
        ),
        verification: "the rule no longer appears in the inbox's messageRules",
    },
    ActionInfo {
        kind: ActionKind::DisableMaliciousRules,
        summary: "turns the flagged inbox rules off (isEnabled=false), keeping them for \
                  investigation",
        capability: "manage-inbox-rules",
        app_permission: "MailboxSettings.ReadWrite",
        delegated_permission: "MailboxSettings.ReadWrite",
        reversibility: Reversibility::Reversible("the rule is turned on again"),
        verification: "the rule reads isEnabled=false",
    },
    ActionInfo {
        kind: ActionKind::ConfirmCompromised,
        summary: "tells Identity Protection the account is compromised (risk high, state \
                  confirmedCompromised), which feeds risk-based Conditional Access",
        capability: "confirm-compromised",
        app_permission: "IdentityRiskyUser.ReadWrite.All",
        delegated_permission: "IdentityRiskyUser.ReadWrite.All",
        reversibility: Reversibility::Irreversible(
            "Identity Protection has no way back to the earlier risk state; `dismiss` would \
             clear the risk altogether, which is a different decision to take in the portal",
        ),
        verification: "the risky user reads riskState confirmedCompromised \
                       (or riskDetail adminConfirmedUserCompromised)",
    },
    ActionInfo {
        kind: ActionKind::IssueTap,
        summary: "issues a one-time Temporary Access Pass for the real owner to register \
                  methods again; the pass is shown once on the operator's terminal, never stored",
        capability: "issue-tap",
        app_permission: "UserAuthMethod-TAP.ReadWrite.All",
        delegated_permission: "UserAuthMethod-TAP.ReadWrite.All",
        reversibility: Reversibility::Reversible("the pass is deleted"),
        verification: "the new Temporary Access Pass method is listed",
    },
    ActionInfo {
        kind: ActionKind::RevokeOauthGrants,
        summary: "deletes the delegated permission grants (OAuth consents) and the app role \
                  assignments (the consent's app access) the evidence flags; tokens already \
                  minted live until they expire",
        capability: "revoke-oauth-grants",
        app_permission: "DelegatedPermissionGrant.ReadWrite.All; AppRoleAssignment.ReadWrite.All \
                         for app role assignments",
        delegated_permission: "DelegatedPermissionGrant.ReadWrite.All; \
                               AppRoleAssignment.ReadWrite.All for app role assignments",
        reversibility: Reversibility::Partly(
            "a deleted app role assignment is re-created from its recorded resource and role \
             (with a new id); a delegated grant is not: recreating it would hand the app its \
             access back, so if it was legitimate the user consents again in the app",
        ),
        verification: "the grant no longer appears in the user's oauth2PermissionGrants, the \
                       assignment no longer in the user's appRoleAssignments",
    },
    ActionInfo {
        kind: ActionKind::DisableAttackerDevices,
        summary: "disables the devices the evidence ties to the attacker (PATCH /devices/{id} \
                  accountEnabled=false): they can no longer sign in or satisfy device-based \
                  Conditional Access; the owner's managed or compliant devices are never touched, \
                  and nothing is deleted",
        capability: "disable-attacker-devices",
        app_permission: "Device.ReadWrite.All",
        delegated_permission: "Directory.AccessAsUser.All (and the Cloud Device Administrator role)",
        reversibility: Reversibility::Reversible("the device is enabled again (accountEnabled=true)"),
        verification: "the device reads accountEnabled false in the user's registeredDevices",
    },
    ActionInfo {
        kind: ActionKind::RemoveAttackerRoles,
        summary: "removes exactly the directory role assignments (DELETE \
                  /roleManagement/directory/roleAssignments/{id}) and group memberships (DELETE \
                  /groups/{id}/members/{userId}/$ref) the evidence ties to the attacker; the \
                  owner's own roles and groups are never touched",
        capability: "remove-attacker-roles",
        app_permission: "RoleManagement.ReadWrite.Directory, GroupMember.ReadWrite.All",
        delegated_permission: "RoleManagement.ReadWrite.Directory, GroupMember.ReadWrite.All \
                               (and the Privileged Role Administrator role)",
        reversibility: Reversibility::Reversible(
            "the role is assigned again (POST roleAssignments) or the account re-added to the \
             group (POST members/$ref) from the recorded pre-state",
        ),
        verification: "the assignment no longer appears in the account's roleAssignments, the \
                       group no longer in its memberOf",
    },
    ActionInfo {
        kind: ActionKind::RemoveAttackerAppCredentials,
        summary: "removes exactly the secrets and certificates the evidence says the attacker \
                  added (by keyId) to applications and service principals: removePassword for \
                  a secret; for a certificate PATCH keyCredentials with every other certificate \
                  (removeKey needs a proof signed by the holder's own key, which reclaim never \
                  holds); the owner's other credentials are never touched",
        capability: "remove-app-credentials",
        app_permission: "Application.ReadWrite.All",
        delegated_permission: "Application.ReadWrite.All (and the Application Administrator role)",
        reversibility: Reversibility::Irreversible(
            "a removed secret or certificate cannot be brought back: Graph never returns a \
             secret's text and reclaim never holds a certificate's private key; the app's owner \
             adds a new credential if the app still needs one",
        ),
        verification: "the keyId no longer appears in the holder's passwordCredentials or \
                       keyCredentials, read back just after",
    },
    ActionInfo {
        kind: ActionKind::ExchangeCheck,
        summary: "a manual step: the exact Exchange Online PowerShell commands that list and \
                  remove mailbox forwarding, hidden inbox rules and FullAccess/SendAs delegates \
                  (Graph cannot see them), shown and journaled as handed over; the account \
                  counts as contained once the operator confirms with `reclaim ack STEP_ID`",
        capability: "",
        app_permission: "",
        delegated_permission: "",
        reversibility: Reversibility::Irreversible(
            "a manual step: reclaim sends nothing, so there is nothing to undo",
        ),
        verification: "the operator's acknowledgement (`reclaim ack`), journaled",
    },
];

/// A name that is not one of CONTRACT.md's actions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown action `{}`; the actions are: {}", reclaim_core::sanitize::inert(.0), ActionKind::ALL.map(ActionKind::name).join(", "))]
pub struct UnknownAction(pub String);

impl ActionKind {
    pub const ALL: [ActionKind; 16] = [
        ActionKind::RevokeSessions,
        ActionKind::DisableSignin,
        ActionKind::EnableSignin,
        ActionKind::ResetPassword,
        ActionKind::RemoveAttackerMfa,
        ActionKind::ResetMfa,
        ActionKind::RestorePhone,
        ActionKind::RemoveMaliciousRules,
        ActionKind::DisableMaliciousRules,
        ActionKind::ConfirmCompromised,
        ActionKind::IssueTap,
        ActionKind::RevokeOauthGrants,
        ActionKind::DisableAttackerDevices,
        ActionKind::RemoveAttackerRoles,
        ActionKind::RemoveAttackerAppCredentials,
        ActionKind::ExchangeCheck,
    ];

    /// The CONTRACT.md name.
    pub fn name(self) -> &'static str {
        match self {
            ActionKind::RevokeSessions => "revoke-sessions",
            ActionKind::DisableSignin => "disable-signin",
            ActionKind::EnableSignin => "enable-signin",
            ActionKind::ResetPassword => "reset-password",
            ActionKind::RemoveAttackerMfa => "remove-attacker-mfa",
            ActionKind::ResetMfa => "reset-mfa",
            ActionKind::RestorePhone => "restore-phone",
            ActionKind::RemoveMaliciousRules => "remove-malicious-rules",
            ActionKind::DisableMaliciousRules => "disable-malicious-rules",
            ActionKind::ConfirmCompromised => "confirm-compromised",
            ActionKind::IssueTap => "issue-tap",
            ActionKind::RevokeOauthGrants => "revoke-oauth-grants",
            ActionKind::DisableAttackerDevices => "disable-attacker-devices",
            ActionKind::RemoveAttackerRoles => "remove-attacker-roles",
            ActionKind::RemoveAttackerAppCredentials => "remove-attacker-app-credentials",
            ActionKind::ExchangeCheck => "exchange-check",
        }
    }

    /// Parses a CONTRACT.md name.
    pub fn from_name(name: &str) -> Option<ActionKind> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Parses a name, or explains which names exist.
    pub fn parse(name: &str) -> Result<ActionKind, UnknownAction> {
        Self::from_name(name.trim()).ok_or_else(|| UnknownAction(name.to_string()))
    }

    /// Carried out by the operator outside Graph (handed over, then acknowledged).
    pub fn is_manual(self) -> bool {
        self == ActionKind::ExchangeCheck
    }

    pub fn info(self) -> &'static ActionInfo {
        // CATALOGUE lists the variants in ALL's order; the test below proves it.
        &CATALOGUE[self as usize]
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_in_variant_order_and_names_round_trip() {
        for (i, a) in ActionKind::ALL.iter().enumerate() {
            assert_eq!(*a as usize, i);
            assert_eq!(a.info().kind, *a);
            assert_eq!(ActionKind::from_name(a.name()), Some(*a));
            let json = serde_json::to_string(a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.name()));
        }
    }

    #[test]
    fn contract_names_are_exactly_these() {
        let names: Vec<&str> = ActionKind::ALL.iter().map(|a| a.name()).collect();
        assert_eq!(
            names,
            [
                "revoke-sessions",
                "disable-signin",
                "enable-signin",
                "reset-password",
                "remove-attacker-mfa",
                "reset-mfa",
                "restore-phone",
                "remove-malicious-rules",
                "disable-malicious-rules",
                "confirm-compromised",
                "issue-tap",
                "revoke-oauth-grants",
                "disable-attacker-devices",
                "remove-attacker-roles",
                "remove-attacker-app-credentials",
                "exchange-check"
            ]
        );
    }

    #[test]
    fn unknown_names_list_the_real_ones_and_stay_inert() {
        let e = ActionKind::parse("nuke\u{1b}[2J").unwrap_err().to_string();
        assert!(e.contains("revoke-sessions"));
        assert!(!e.contains('\u{1b}'));
    }

    #[test]
    fn capabilities_exist_in_the_client_table() {
        for a in ActionKind::ALL.into_iter().filter(|a| !a.is_manual()) {
            let cap = reclaim_graph::permissions::capability(a.info().capability)
                .unwrap_or_else(|| panic!("{a}: no capability {}", a.info().capability));
            assert!(cap.writes, "{a}");
        }
    }
}
