//! The permissions each operation accepts: the least privileged one per the permission
//! catalog (REFERENCE §3, permissions.json), then the higher ones that include it.
//! tests/sim/schema/ checks every name against the catalog extract.

pub const RISKY_USERS_READ: &[&str] = &[
    "IdentityRiskyUser.Read.All",
    "IdentityRiskyUser.ReadWrite.All",
];
pub const RISKY_USERS_WRITE: &[&str] = &["IdentityRiskyUser.ReadWrite.All"];
pub const RISK_DETECTIONS_READ: &[&str] = &[
    "IdentityRiskEvent.Read.All",
    "IdentityRiskEvent.ReadWrite.All",
];

/// The catalog's least is User.ReadBasic.All, which leaves out department and accountEnabled
/// (REFERENCE §3.2); the simulator serves full profiles, so it asks for User.Read.All.
pub const USERS_READ: &[&str] = &[
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
pub const ME_READ: &[&str] = &[
    "User.Read",
    "User.ReadWrite",
    "User.ReadBasic.All",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
/// `signInActivity` additionally needs the audit log permission.
pub const SIGN_IN_ACTIVITY_READ: &[&str] = &["AuditLog.Read.All"];
pub const USER_ENABLE_DISABLE: &[&str] = &[
    "User.EnableDisableAccount.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
];
pub const USER_PASSWORD_PROFILE: &[&str] = &[
    "User-PasswordProfile.ReadWrite.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
];
pub const USER_PHONES: &[&str] = &[
    "User-Phone.ReadWrite.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
];
pub const USER_MAIL: &[&str] = &[
    "User-Mail.ReadWrite.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
];
pub const USER_WRITE: &[&str] = &["User.ReadWrite.All", "Directory.ReadWrite.All"];
pub const USER_REVOKE_SESSIONS: &[&str] = &[
    "User.RevokeSessions.All",
    "User.ReadWrite.All",
    "Directory.ReadWrite.All",
];

pub const MEMBER_OF_READ: &[&str] = &[
    "Directory.Read.All",
    "GroupMember.Read.All",
    "Directory.ReadWrite.All",
];
pub const ROLES_READ: &[&str] = &[
    "RoleManagement.Read.Directory",
    "RoleManagement.ReadWrite.Directory",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

pub const AUDIT_LOG_READ: &[&str] = &["AuditLog.Read.All"];
pub const DIRECTORY_AUDITS_READ: &[&str] = &["AuditLog.Read.All", "Directory.Read.All"];

pub const METHODS_READ: &[&str] = &[
    "UserAuthenticationMethod.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const METHODS_WRITE: &[&str] = &["UserAuthenticationMethod.ReadWrite.All"];
pub const PHONE_READ: &[&str] = &[
    "UserAuthMethod-Phone.Read.All",
    "UserAuthMethod-Phone.ReadWrite.All",
    "UserAuthenticationMethod.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const PHONE_WRITE: &[&str] = &[
    "UserAuthMethod-Phone.ReadWrite.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const AUTHENTICATOR_READ: &[&str] = &[
    "UserAuthMethod-MicrosoftAuthApp.Read.All",
    "UserAuthMethod-MicrosoftAuthApp.ReadWrite.All",
    "UserAuthenticationMethod.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const AUTHENTICATOR_WRITE: &[&str] = &[
    "UserAuthMethod-MicrosoftAuthApp.ReadWrite.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const OATH_READ: &[&str] = &[
    "UserAuthMethod-SoftwareOATH.Read.All",
    "UserAuthMethod-SoftwareOATH.ReadWrite.All",
    "UserAuthenticationMethod.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const OATH_WRITE: &[&str] = &[
    "UserAuthMethod-SoftwareOATH.ReadWrite.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const FIDO2_READ: &[&str] = &[
    "UserAuthMethod-Passkey.Read.All",
    "UserAuthMethod-Passkey.ReadWrite.All",
    "UserAuthenticationMethod.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const FIDO2_WRITE: &[&str] = &[
    "UserAuthMethod-Passkey.ReadWrite.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const EMAIL_READ: &[&str] = &[
    "UserAuthMethod-Email.Read.All",
    "UserAuthMethod-Email.ReadWrite.All",
    "UserAuthenticationMethod.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const EMAIL_WRITE: &[&str] = &[
    "UserAuthMethod-Email.ReadWrite.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const WHFB_READ: &[&str] = &[
    "UserAuthMethod-WindowsHello.Read.All",
    "UserAuthMethod-WindowsHello.ReadWrite.All",
    "UserAuthenticationMethod.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const WHFB_WRITE: &[&str] = &[
    "UserAuthMethod-WindowsHello.ReadWrite.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const TAP_READ: &[&str] = &[
    "UserAuthMethod-TAP.Read.All",
    "UserAuthMethod-TAP.ReadWrite.All",
    "UserAuthenticationMethod.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const TAP_WRITE: &[&str] = &[
    "UserAuthMethod-TAP.ReadWrite.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const PASSWORD_METHOD_READ: &[&str] = &[
    "UserAuthMethod-Password.Read.All",
    "UserAuthMethod-Password.ReadWrite.All",
    "UserAuthenticationMethod.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
/// resetPassword is delegated-only.
pub const PASSWORD_RESET: &[&str] = &[
    "UserAuthMethod-Password.ReadWrite.All",
    "UserAuthenticationMethod.ReadWrite.All",
];
pub const OPERATION_READ: &[&str] = &[
    "UserAuthenticationMethod.Read.All",
    "UserAuthenticationMethod.ReadWrite.All",
];

pub const MAILBOX_SETTINGS_READ: &[&str] = &["MailboxSettings.Read", "MailboxSettings.ReadWrite"];
pub const MAILBOX_SETTINGS_WRITE: &[&str] = &["MailboxSettings.ReadWrite"];
/// Delegated least is Mail.ReadBasic, application Mail.ReadBasic.All.
pub const MAIL_FOLDERS_READ: &[&str] = &[
    "Mail.ReadBasic",
    "Mail.ReadBasic.All",
    "Mail.Read",
    "Mail.ReadWrite",
];

pub const GRANTS_READ: &[&str] = &[
    "Directory.Read.All",
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.ReadWrite.All",
];
pub const GRANTS_WRITE: &[&str] = &[
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.ReadWrite.All",
];
pub const SERVICE_PRINCIPALS_READ: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.OwnedBy",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

/// Every list above, for the catalog test.
pub const ALL: &[&[&str]] = &[
    RISKY_USERS_READ,
    RISKY_USERS_WRITE,
    RISK_DETECTIONS_READ,
    USERS_READ,
    ME_READ,
    SIGN_IN_ACTIVITY_READ,
    USER_ENABLE_DISABLE,
    USER_PASSWORD_PROFILE,
    USER_PHONES,
    USER_MAIL,
    USER_WRITE,
    USER_REVOKE_SESSIONS,
    MEMBER_OF_READ,
    ROLES_READ,
    AUDIT_LOG_READ,
    DIRECTORY_AUDITS_READ,
    METHODS_READ,
    METHODS_WRITE,
    PHONE_READ,
    PHONE_WRITE,
    AUTHENTICATOR_READ,
    AUTHENTICATOR_WRITE,
    OATH_READ,
    OATH_WRITE,
    FIDO2_READ,
    FIDO2_WRITE,
    EMAIL_READ,
    EMAIL_WRITE,
    WHFB_READ,
    WHFB_WRITE,
    TAP_READ,
    TAP_WRITE,
    PASSWORD_METHOD_READ,
    PASSWORD_RESET,
    OPERATION_READ,
    MAILBOX_SETTINGS_READ,
    MAILBOX_SETTINGS_WRITE,
    MAIL_FOLDERS_READ,
    GRANTS_READ,
    GRANTS_WRITE,
    SERVICE_PRINCIPALS_READ,
];

/// `/devices` reads (a user's own device navigations need only the user read).
pub const DEVICES_READ: &[&str] = &[
    "Device.Read.All",
    "Device.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
/// `PATCH /devices/{id}`: the catalog's least for app-only is Device.ReadWrite.All.
pub const DEVICES_WRITE: &[&str] = &["Device.ReadWrite.All", "Directory.ReadWrite.All"];
/// PATCH/DELETE `/devices/{id}` for a signed-in user (the catalog's only delegated scheme).
pub const DEVICES_WRITE_DELEGATED: &[&str] = &["Directory.AccessAsUser.All"];

/// `POST`/`DELETE /roleManagement/directory/roleAssignments`.
pub const ROLES_WRITE: &[&str] = &["RoleManagement.ReadWrite.Directory"];
/// `/groups/{id}` and `/groups/{id}/members`.
pub const GROUPS_READ: &[&str] = &[
    "GroupMember.Read.All",
    "Group.Read.All",
    "GroupMember.ReadWrite.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
/// `POST /groups/{id}/members/$ref`, `DELETE /groups/{id}/members/{id}/$ref`.
pub const GROUP_MEMBERS_WRITE: &[&str] = &[
    "GroupMember.ReadWrite.All",
    "Group.ReadWrite.All",
    "Directory.ReadWrite.All",
];
/// `/applications` reads (also a service principal's credentials, served with it).
pub const APPLICATIONS_READ: &[&str] = SERVICE_PRINCIPALS_READ;
/// removePassword / removeKey / PATCH keyCredentials on applications and service principals:
/// Application.ReadWrite.All (OwnedBy covers only apps the caller owns, which reclaim's
/// app is not).
pub const APPLICATIONS_WRITE: &[&str] = &["Application.ReadWrite.All", "Directory.ReadWrite.All"];
/// `GET /users/{id}/appRoleAssignments`: the catalog's least is Directory.Read.All.
pub const APP_ROLE_ASSIGNMENTS_READ: &[&str] = &[
    "Directory.Read.All",
    "AppRoleAssignment.ReadWrite.All",
    "Directory.ReadWrite.All",
];
/// Creating or deleting an app role assignment.
pub const APP_ROLE_ASSIGNMENTS_WRITE: &[&str] = &["AppRoleAssignment.ReadWrite.All"];
