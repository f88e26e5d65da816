//! Which Graph permission each capability needs, least privileged first (REFERENCE §3 and
//! ../shared/graph/permissions.json), and the preflight of a token's claims against them.
//!
//! Each requirement is a list of alternatives; each alternative is a set of permissions that
//! together suffice. The first alternative is the least privileged one and is what reclaim
//! asks for and names when something is missing.

use super::auth::claims::TokenClaims;
use serde::Serialize;

type Alternatives = &'static [&'static [&'static str]];

/// A thing reclaim does that needs a Graph permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capability {
    /// Stable name; containment actions use their CONTRACT.md action names.
    pub name: &'static str,
    pub summary: &'static str,
    /// What an app-only token needs; empty = the operation does not support app-only.
    pub application: Alternatives,
    /// What a delegated token needs (the signed-in admin also needs an Entra role).
    pub delegated: Alternatives,
    /// Sends a mutating request.
    pub writes: bool,
}

const AUTH_METHODS_RW: &[&str] = &["UserAuthenticationMethod.ReadWrite.All"];
const PER_KIND_METHODS_RW: &[&str] = &[
    "UserAuthMethod-Phone.ReadWrite.All",
    "UserAuthMethod-MicrosoftAuthApp.ReadWrite.All",
    "UserAuthMethod-SoftwareOATH.ReadWrite.All",
    "UserAuthMethod-Passkey.ReadWrite.All",
    "UserAuthMethod-Email.ReadWrite.All",
    "UserAuthMethod-TAP.ReadWrite.All",
];

macro_rules! cap {
    ($name:literal, $summary:literal, app: $app:expr, delegated: $del:expr, writes: $w:expr) => {
        Capability {
            name: $name,
            summary: $summary,
            application: $app,
            delegated: $del,
            writes: $w,
        }
    };
}

/// Every capability, reads first.
pub const CAPABILITIES: &[Capability] = &[
    cap!("read-risky-users", "list risky users and their risk history",
        app: &[&["IdentityRiskyUser.Read.All"], &["IdentityRiskyUser.ReadWrite.All"]],
        delegated: &[&["IdentityRiskyUser.Read.All"], &["IdentityRiskyUser.ReadWrite.All"]], writes: false),
    cap!("read-risk-detections", "list risk detections",
        app: &[&["IdentityRiskEvent.Read.All"], &["IdentityRiskEvent.ReadWrite.All"]],
        delegated: &[&["IdentityRiskEvent.Read.All"]], writes: false),
    cap!("read-users", "read user profiles (department, job title, account state)",
        app: &[&["User.Read.All"], &["User.ReadWrite.All"], &["Directory.Read.All"], &["Directory.ReadWrite.All"]],
        delegated: &[&["User.Read.All"], &["User.ReadWrite.All"], &["Directory.Read.All"], &["Directory.ReadWrite.All"]], writes: false),
    cap!("read-organization", "read the tenant's verified domains (what mail is internal)",
        app: &[&["Organization.Read.All"], &["Organization.ReadWrite.All"], &["Directory.Read.All"], &["Directory.ReadWrite.All"]],
        delegated: &[&["User.Read"], &["Organization.Read.All"], &["Directory.Read.All"]], writes: false),
    cap!("read-roles", "read directory role assignments",
        app: &[&["RoleManagement.Read.Directory"], &["RoleManagement.ReadWrite.Directory"], &["Directory.Read.All"]],
        delegated: &[&["RoleManagement.Read.Directory"], &["RoleManagement.ReadWrite.Directory"], &["Directory.Read.All"]], writes: false),
    cap!("read-sign-ins", "read sign-in logs",
        app: &[&["AuditLog.Read.All"]], delegated: &[&["AuditLog.Read.All"]], writes: false),
    cap!("read-directory-audits", "read directory audit logs",
        app: &[&["AuditLog.Read.All"]], delegated: &[&["AuditLog.Read.All"]], writes: false),
    cap!("read-auth-methods", "list users' MFA methods",
        app: &[&["UserAuthenticationMethod.Read.All"], AUTH_METHODS_RW],
        delegated: &[&["UserAuthenticationMethod.Read.All"], AUTH_METHODS_RW], writes: false),
    cap!("read-sign-in-preferences", "read users' default MFA method (beta signInPreferences)",
        app: &[&["UserAuthenticationMethod.Read.All"], AUTH_METHODS_RW],
        delegated: &[&["UserAuthenticationMethod.Read.All"], AUTH_METHODS_RW], writes: false),
    cap!("read-inbox-rules", "read inbox rules and mailbox settings",
        app: &[&["MailboxSettings.Read"], &["MailboxSettings.ReadWrite"]],
        delegated: &[&["MailboxSettings.Read"], &["MailboxSettings.ReadWrite"]], writes: false),
    cap!("read-mail-folders", "name the folders inbox rules move mail to",
        app: &[&["Mail.ReadBasic.All"], &["Mail.Read"], &["Mail.ReadWrite"]],
        delegated: &[&["Mail.ReadBasic"], &["Mail.Read"], &["Mail.ReadWrite"]], writes: false),
    cap!("read-oauth-grants", "list users' delegated OAuth grants",
        app: &[&["Directory.Read.All"], &["Directory.ReadWrite.All"]],
        delegated: &[&["Directory.Read.All"], &["Directory.ReadWrite.All"]], writes: false),
    cap!("read-service-principals", "name the apps behind OAuth grants",
        app: &[&["Application.Read.All"], &["Directory.Read.All"]],
        delegated: &[&["Application.Read.All"], &["Directory.Read.All"]], writes: false),
    cap!("read-devices", "list the devices registered to or owned by users",
        app: &[&["User.Read.All"], &["Device.Read.All"], &["Directory.Read.All"]],
        delegated: &[&["User.Read.All"], &["Device.Read.All"], &["Directory.Read.All"]], writes: false),
    cap!("revoke-sessions", "revoke a user's sign-in sessions and refresh tokens",
        app: &[&["User.RevokeSessions.All"], &["User.ReadWrite.All"], &["Directory.ReadWrite.All"]],
        delegated: &[&["User.RevokeSessions.All"], &["User.ReadWrite.All"], &["Directory.ReadWrite.All"]], writes: true),
    cap!("disable-signin", "block or allow a user's sign-in (accountEnabled)",
        app: &[&["User.EnableDisableAccount.All", "User.Read.All"], &["User.ReadWrite.All"], &["Directory.ReadWrite.All"]],
        delegated: &[&["User.EnableDisableAccount.All", "User.Read.All"], &["User.ReadWrite.All"], &["Directory.ReadWrite.All"]], writes: true),
    cap!("reset-password", "reset a cloud account's password",
        app: &[&["User-PasswordProfile.ReadWrite.All"], &["User.ReadWrite.All"]],
        delegated: &[&["UserAuthMethod-Password.ReadWrite.All"], AUTH_METHODS_RW], writes: true),
    cap!("remove-mfa", "delete MFA methods (attacker's, or all but the password)",
        app: &[AUTH_METHODS_RW, PER_KIND_METHODS_RW], delegated: &[AUTH_METHODS_RW, PER_KIND_METHODS_RW], writes: true),
    cap!("set-default-mfa", "make one of the owner's methods the default MFA method (beta signInPreferences)",
        app: &[AUTH_METHODS_RW], delegated: &[AUTH_METHODS_RW], writes: true),
    cap!("restore-phone", "add, change or delete phone methods",
        app: &[&["UserAuthMethod-Phone.ReadWrite.All"], AUTH_METHODS_RW],
        delegated: &[&["UserAuthMethod-Phone.ReadWrite.All"], AUTH_METHODS_RW], writes: true),
    cap!("issue-tap", "issue a Temporary Access Pass",
        app: &[&["UserAuthMethod-TAP.ReadWrite.All"], AUTH_METHODS_RW],
        delegated: &[&["UserAuthMethod-TAP.ReadWrite.All"], AUTH_METHODS_RW], writes: true),
    cap!("manage-inbox-rules", "disable, delete or recreate inbox rules",
        app: &[&["MailboxSettings.ReadWrite"]], delegated: &[&["MailboxSettings.ReadWrite"]], writes: true),
    cap!("confirm-compromised", "confirm users compromised or dismiss their risk",
        app: &[&["IdentityRiskyUser.ReadWrite.All"]], delegated: &[&["IdentityRiskyUser.ReadWrite.All"]], writes: true),
    cap!("revoke-oauth-grants", "delete or narrow delegated OAuth grants",
        app: &[&["DelegatedPermissionGrant.ReadWrite.All"], &["Directory.ReadWrite.All"]],
        delegated: &[&["DelegatedPermissionGrant.ReadWrite.All"], &["Directory.ReadWrite.All"]], writes: true),
    cap!("disable-attacker-devices", "disable (or re-enable) devices registered to an account",
        app: &[&["Device.ReadWrite.All"], &["Directory.ReadWrite.All"]],
        delegated: &[&["Directory.AccessAsUser.All"]], writes: true),
    cap!("read-groups", "list the groups a user is a direct member of",
        app: &[&["GroupMember.Read.All"], &["Group.Read.All"], &["Directory.Read.All"]],
        delegated: &[&["GroupMember.Read.All"], &["Group.Read.All"], &["Directory.Read.All"]], writes: false),
    cap!("remove-attacker-roles", "remove (or re-add) directory role assignments and group memberships",
        app: &[&["RoleManagement.ReadWrite.Directory", "GroupMember.ReadWrite.All"]],
        delegated: &[&["RoleManagement.ReadWrite.Directory", "GroupMember.ReadWrite.All"]], writes: true),
    cap!("read-app-credentials", "read the secrets' and certificates' metadata on applications and service principals",
        app: &[&["Application.Read.All"], &["Directory.Read.All"]],
        delegated: &[&["Application.Read.All"], &["Directory.Read.All"]], writes: false),
    cap!("read-app-role-assignments", "list the app roles a user was assigned (consents)",
        app: &[&["Directory.Read.All"], &["AppRoleAssignment.ReadWrite.All"]],
        delegated: &[&["Directory.Read.All"], &["AppRoleAssignment.ReadWrite.All"]], writes: false),
    cap!("remove-app-credentials", "remove secrets and certificates from applications and service principals",
        app: &[&["Application.ReadWrite.All"], &["Directory.ReadWrite.All"]],
        delegated: &[&["Application.ReadWrite.All"], &["Directory.ReadWrite.All"]], writes: true),
    cap!("revoke-app-role-assignments", "delete (or re-create) app role assignments",
        app: &[&["AppRoleAssignment.ReadWrite.All"]],
        delegated: &[&["AppRoleAssignment.ReadWrite.All"]], writes: true),
];

/// The capability with this name.
pub fn capability(name: &str) -> Option<&'static Capability> {
    CAPABILITIES.iter().find(|c| c.name == name)
}

/// Whether a token can do a capability.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum Readiness {
    /// Granted through these permissions.
    Ready { via: Vec<String> },
    /// Not granted; `missing` is the least-privileged set's absent part.
    Missing { missing: Vec<String> },
    /// The operation does not work with this kind of token (e.g. resetPassword app-only).
    Unsupported { reason: String },
    /// The token carries no readable claims (not a JWT): Graph alone knows, and answers 403.
    Unknown { reason: String },
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        matches!(self, Readiness::Ready { .. })
    }
}

impl Capability {
    /// The alternatives for a token kind.
    pub fn alternatives(&self, delegated: bool) -> Alternatives {
        if delegated {
            self.delegated
        } else {
            self.application
        }
    }

    /// The least-privileged permission set for a token kind.
    pub fn least(&self, delegated: bool) -> &'static [&'static str] {
        self.alternatives(delegated).first().copied().unwrap_or(&[])
    }

    pub fn check(&self, claims: &TokenClaims) -> Readiness {
        let delegated = claims.is_delegated();
        let alternatives = self.alternatives(delegated);
        if alternatives.is_empty() {
            return Readiness::Unsupported {
                reason: format!("{} is not available to app-only tokens", self.name),
            };
        }
        for alt in alternatives {
            if alt.iter().all(|p| claims.has_permission(p)) {
                return Readiness::Ready {
                    via: alt.iter().map(|s| s.to_string()).collect(),
                };
            }
        }
        Readiness::Missing {
            missing: self
                .least(delegated)
                .iter()
                .filter(|p| !claims.has_permission(p))
                .map(|s| s.to_string())
                .collect(),
        }
    }
}

/// Every capability's readiness for a token.
pub fn preflight(claims: &TokenClaims) -> Vec<(&'static Capability, Readiness)> {
    CAPABILITIES.iter().map(|c| (c, c.check(claims))).collect()
}

/// Every capability's readiness for a token whose claims cannot be read (an opaque token):
/// unknown, never "missing", which would send the operator after permissions they may have.
pub fn preflight_unknown() -> Vec<(&'static Capability, Readiness)> {
    CAPABILITIES
        .iter()
        .map(|c| {
            (
                c,
                Readiness::Unknown {
                    reason: "the token is not a JWT, so its permissions cannot be read; Graph answers 403 for what it lacks".into(),
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(roles: &[&str]) -> TokenClaims {
        TokenClaims {
            roles: roles.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn least_privilege_is_named_when_missing() {
        let c = capability("revoke-sessions").unwrap();
        assert_eq!(
            c.check(&app(&["User.Read.All"])),
            Readiness::Missing {
                missing: vec!["User.RevokeSessions.All".into()]
            }
        );
        assert!(c.check(&app(&["User.RevokeSessions.All"])).is_ready());
        // A broader permission also grants it.
        assert!(c.check(&app(&["Directory.ReadWrite.All"])).is_ready());
    }

    #[test]
    fn combined_requirements_need_every_part() {
        let c = capability("disable-signin").unwrap();
        assert_eq!(
            c.check(&app(&["User.EnableDisableAccount.All"])),
            Readiness::Missing {
                missing: vec!["User.Read.All".into()]
            }
        );
        assert!(c
            .check(&app(&["User.EnableDisableAccount.All", "User.Read.All"]))
            .is_ready());
    }

    #[test]
    fn delegated_tokens_are_checked_against_scp() {
        let claims = TokenClaims {
            scp: Some("UserAuthMethod-Password.ReadWrite.All User.Read.All".into()),
            ..Default::default()
        };
        assert!(capability("reset-password")
            .unwrap()
            .check(&claims)
            .is_ready());
        assert!(capability("read-users").unwrap().check(&claims).is_ready());
        assert!(!capability("read-sign-ins")
            .unwrap()
            .check(&claims)
            .is_ready());
    }

    #[test]
    fn every_named_permission_is_well_formed_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for c in CAPABILITIES {
            assert!(names.insert(c.name), "duplicate {}", c.name);
            for alt in c.application.iter().chain(c.delegated) {
                assert!(!alt.is_empty());
                for p in alt.iter() {
                    assert!(p.contains('.') && !p.contains(' '), "{p}");
                }
            }
        }
        assert_eq!(preflight(&app(&[])).len(), CAPABILITIES.len());
    }
}
