//! Role-based rules on top of permissions (REFERENCE §3.2 "sensitive actions"): who may
//! change what on whom, and who sees masked phone numbers.
//!
//! A permission lets an app or a signed-in admin call an operation at all. Delegated callers
//! also need an Entra role suited to the action, and any caller acting on a privileged
//! account (an admin) needs Privileged Authentication Administrator or Global Administrator
//! (for an app: held by its service principal).

use crate::caller::Caller;
use crate::error::GraphError;
use crate::model::Tenant;

pub const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
pub const PRIVILEGED_AUTH_ADMIN: &str = "7be44c8a-adaf-4e2a-84d6-ab2649e08a13";
pub const PRIVILEGED_ROLE_ADMIN: &str = "e8611ab8-c189-46e8-94e1-60213ab1f814";
pub const SECURITY_ADMIN: &str = "194ae4cb-b126-40b2-bd5b-6091b380977d";
pub const USER_ADMIN: &str = "fe930be7-5e62-47db-91af-98c3a49a38b1";
pub const AUTH_ADMIN: &str = "c4e39bd9-1100-46d3-8c65-fb160da0071f";
pub const HELPDESK_ADMIN: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

/// What a mutation touches, for the role rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitive {
    /// accountEnabled, phones, otherMails, UPN, sessions.
    Profile,
    /// passwordProfile, resetPassword.
    Password,
    /// Authentication methods.
    Methods,
    /// revokeSignInSessions.
    Sessions,
}

/// Directory role template ids the user holds (active, direct assignments).
pub fn roles_of(tenant: &Tenant, user_id: &str) -> Vec<String> {
    tenant
        .role_assignments
        .iter()
        .filter(|a| a.principal_id == user_id)
        .filter_map(|a| {
            tenant
                .role_definitions
                .iter()
                .find(|d| d.id == a.role_definition_id)
                .map(|d| d.template_id.clone())
        })
        .collect()
}

fn holds(caller: &Caller, template: &str) -> bool {
    caller
        .directory_roles
        .iter()
        .any(|r| r.eq_ignore_ascii_case(template))
}

/// Roles a delegated admin needs for `action` on an account without privileged roles.
fn delegated_roles_for(action: Sensitive) -> &'static [&'static str] {
    match action {
        Sensitive::Profile => &[USER_ADMIN],
        Sensitive::Password | Sensitive::Sessions => &[USER_ADMIN, HELPDESK_ADMIN, AUTH_ADMIN],
        Sensitive::Methods => &[AUTH_ADMIN],
    }
}

/// Roles whose holders lesser admins may still act on (with the role shown), per action.
fn lesser_targets(action: Sensitive) -> &'static [&'static str] {
    match action {
        Sensitive::Profile | Sensitive::Password | Sensitive::Sessions => {
            &[HELPDESK_ADMIN, USER_ADMIN]
        }
        Sensitive::Methods => &[HELPDESK_ADMIN, AUTH_ADMIN],
    }
}

/// Ok when `caller` may perform `action` on the user `target_id`; else 403.
pub fn check_sensitive(
    tenant: &Tenant,
    caller: &Caller,
    target_id: &str,
    action: Sensitive,
) -> Result<(), GraphError> {
    if holds(caller, GLOBAL_ADMIN) || holds(caller, PRIVILEGED_AUTH_ADMIN) {
        return Ok(());
    }
    // Anyone manages their own security info and may end their own sessions.
    if caller.is_self(target_id) && matches!(action, Sensitive::Methods | Sensitive::Sessions) {
        return Ok(());
    }
    let target_roles = roles_of(tenant, target_id);
    if target_roles.is_empty() {
        if !caller.is_delegated() {
            return Ok(());
        }
        return if delegated_roles_for(action).iter().any(|r| holds(caller, r)) {
            Ok(())
        } else {
            Err(GraphError::forbidden())
        };
    }
    // The target is an admin. Only lesser admin targets may be handled by lesser admins.
    let lesser = lesser_targets(action);
    let all_lesser = target_roles
        .iter()
        .all(|t| lesser.iter().any(|l| l.eq_ignore_ascii_case(t)));
    let caller_fit = match action {
        Sensitive::Profile | Sensitive::Password | Sensitive::Sessions => holds(caller, USER_ADMIN),
        Sensitive::Methods => holds(caller, AUTH_ADMIN),
    };
    if all_lesser && caller_fit {
        Ok(())
    } else {
        Err(GraphError::forbidden())
    }
}

/// Authentication Administrators (without a higher role) see phone numbers masked.
pub fn masks_phone_numbers(caller: &Caller) -> bool {
    caller.is_delegated()
        && holds(caller, AUTH_ADMIN)
        && !holds(caller, GLOBAL_ADMIN)
        && !holds(caller, PRIVILEGED_AUTH_ADMIN)
}

/// `+1 5555550100` → `+1 XXXXXXXX00`: the country code, the last two digits of the number
/// and any extension stay.
pub fn mask_phone(number: &str) -> String {
    let (cc, rest) = number.split_once(' ').unwrap_or(("", number));
    let (main, ext) = match rest.split_once('x') {
        Some((m, e)) => (m, Some(e)),
        None => (rest, None),
    };
    let keep_from = main.len().saturating_sub(2);
    let mut out: String = main
        .char_indices()
        .map(|(i, c)| {
            if i < keep_from && c.is_ascii_digit() {
                'X'
            } else {
                c
            }
        })
        .collect();
    if let Some(e) = ext {
        out.push('x');
        out.push_str(e);
    }
    if cc.is_empty() {
        out
    } else {
        format!("{cc} {out}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RoleAssignment, RoleDefinition};

    fn tenant() -> Tenant {
        let def = |t: &str| RoleDefinition {
            id: t.into(),
            display_name: t.into(),
            description: None,
            template_id: t.into(),
            is_built_in: true,
            is_enabled: true,
        };
        let asg = |p: &str, r: &str| RoleAssignment {
            id: format!("{p}-{r}"),
            principal_id: p.into(),
            role_definition_id: r.into(),
            directory_scope_id: "/".into(),
        };
        Tenant {
            role_definitions: vec![def(GLOBAL_ADMIN), def(HELPDESK_ADMIN), def(AUTH_ADMIN)],
            role_assignments: vec![asg("ga", GLOBAL_ADMIN), asg("hd", HELPDESK_ADMIN)],
            ..Tenant::default()
        }
    }

    fn caller(delegated: bool, roles: &[&str]) -> Caller {
        Caller {
            user_id: delegated.then(|| "admin".to_string()),
            directory_roles: roles.iter().map(|s| s.to_string()).collect(),
            ..Caller::default()
        }
    }

    #[test]
    fn privileged_targets_need_pa_or_ga() {
        let t = tenant();
        let app = caller(false, &[]);
        assert!(check_sensitive(&t, &app, "plain", Sensitive::Profile).is_ok());
        assert!(check_sensitive(&t, &app, "ga", Sensitive::Profile).is_err());
        let app_pa = caller(false, &[PRIVILEGED_AUTH_ADMIN]);
        assert!(check_sensitive(&t, &app_pa, "ga", Sensitive::Methods).is_ok());
        let ua = caller(true, &[USER_ADMIN]);
        assert!(check_sensitive(&t, &ua, "ga", Sensitive::Password).is_err());
        assert!(check_sensitive(&t, &ua, "hd", Sensitive::Password).is_ok());
        assert!(check_sensitive(&t, &ua, "plain", Sensitive::Methods).is_err());
        let aa = caller(true, &[AUTH_ADMIN]);
        assert!(check_sensitive(&t, &aa, "hd", Sensitive::Methods).is_ok());
        let nobody = caller(true, &[]);
        assert!(check_sensitive(&t, &nobody, "plain", Sensitive::Profile).is_err());
        // The caller ("admin") on their own account: methods and sessions, not the profile.
        assert!(check_sensitive(&t, &nobody, "admin", Sensitive::Methods).is_ok());
        assert!(check_sensitive(&t, &nobody, "admin", Sensitive::Sessions).is_ok());
        assert!(check_sensitive(&t, &nobody, "admin", Sensitive::Profile).is_err());
    }

    #[test]
    fn masking() {
        assert_eq!(mask_phone("+1 5555550100"), "+1 XXXXXXXX00");
        assert_eq!(mask_phone("+44 7700900123x12"), "+44 XXXXXXXX23x12");
        assert!(masks_phone_numbers(&caller(true, &[AUTH_ADMIN])));
        assert!(!masks_phone_numbers(&caller(
            true,
            &[AUTH_ADMIN, GLOBAL_ADMIN]
        )));
        assert!(!masks_phone_numbers(&caller(false, &[AUTH_ADMIN])));
    }
}
