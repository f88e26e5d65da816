//! Authentication methods.

use super::Time;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The kinds of `/authentication/methods`; `@odata.type` is `#microsoft.graph.{kind}AuthenticationMethod`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "camelCase")]
pub enum MethodKind {
    Password,
    Phone,
    MicrosoftAuthenticator,
    SoftwareOath,
    Fido2,
    Email,
    TemporaryAccessPass,
    WindowsHelloForBusiness,
}

impl MethodKind {
    /// The `@odata.type` the real service puts on this kind.
    pub fn odata_type(self) -> &'static str {
        match self {
            MethodKind::Password => "#microsoft.graph.passwordAuthenticationMethod",
            MethodKind::Phone => "#microsoft.graph.phoneAuthenticationMethod",
            MethodKind::MicrosoftAuthenticator => {
                "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod"
            }
            MethodKind::SoftwareOath => "#microsoft.graph.softwareOathAuthenticationMethod",
            MethodKind::Fido2 => "#microsoft.graph.fido2AuthenticationMethod",
            MethodKind::Email => "#microsoft.graph.emailAuthenticationMethod",
            MethodKind::TemporaryAccessPass => {
                "#microsoft.graph.temporaryAccessPassAuthenticationMethod"
            }
            MethodKind::WindowsHelloForBusiness => {
                "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod"
            }
        }
    }
}

/// Fixed phone method ids per phone type (REFERENCE §3.5).
pub const PHONE_ID_MOBILE: &str = "3179e48a-750b-4051-897c-87b9720928f7";
pub const PHONE_ID_ALTERNATE_MOBILE: &str = "b6332ec1-7057-4abe-9331-3d72feddfe41";
pub const PHONE_ID_OFFICE: &str = "e37fc753-ff3b-4958-9484-eaa9425c82bc";
/// The password method's fixed id.
pub const PASSWORD_METHOD_ID: &str = "28c10230-6103-485e-b985-444c60001490";

/// A method id as `AuthMethod::id` holds it: the fixed ids shared process-wide, others new.
pub fn method_id(id: &str) -> Arc<str> {
    use std::sync::LazyLock;
    static FIXED: LazyLock<[Arc<str>; 4]> = LazyLock::new(|| {
        [
            PASSWORD_METHOD_ID.into(),
            PHONE_ID_MOBILE.into(),
            PHONE_ID_ALTERNATE_MOBILE.into(),
            PHONE_ID_OFFICE.into(),
        ]
    });
    FIXED
        .iter()
        .find(|f| ***f == *id)
        .cloned()
        .unwrap_or_else(|| id.into())
}

/// One registered authentication method: a kind, what every kind has, and each kind's own
/// properties; the serving code picks the ones that kind has in the schema. Properties of the
/// rare kinds (FIDO2, email, TAP) sit behind one box so the common methods (password, phone,
/// Authenticator: ~230,000 at 100,000 users) do not carry their empty slots.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuthMethod {
    /// The fixed ids (password, each phone type) are one shared allocation for every user
    /// ([`method_id`]).
    pub id: Arc<str>,
    pub kind: Option<MethodKind>,
    /// Simulator-internal: this method is the user's default MFA method (v1.0 cannot read it).
    pub is_default: bool,
    pub created_date_time: Option<Time>,
    pub last_used_date_time: Option<Time>,
    /// Authenticator / FIDO2 / WHfB device name.
    pub display_name: Option<String>,
    /// Authenticator. This and the phone's type and SMS state come from small vocabularies:
    /// shared, not copied into every method.
    pub device_tag: Option<Arc<str>>,
    pub phone_app_version: Option<Arc<str>>,
    pub client_app_name: Option<Arc<str>>,
    /// Phone: `+{cc} {number}[x{ext}]`.
    pub phone_number: Option<String>,
    /// Phone: `mobile`, `alternateMobile`, `office`.
    pub phone_type: Option<Arc<str>>,
    pub sms_sign_in_state: Option<Arc<str>>,
    /// FIDO2, email and TAP properties (`None` for the other kinds).
    pub rare: Option<Box<RareMethodProps>>,
    /// Simulator-internal: the IP the registration came from (real Graph keeps it only in audits).
    pub registered_from_ip: Option<String>,
}

/// The properties only FIDO2 keys, email methods and Temporary Access Passes have.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RareMethodProps {
    /// Email method.
    pub email_address: Option<String>,
    /// FIDO2.
    pub aaguid: Option<String>,
    pub model: Option<String>,
    /// TAP.
    pub start_date_time: Option<Time>,
    pub lifetime_in_minutes: Option<i32>,
    pub is_usable_once: Option<bool>,
    /// Simulator-internal: the TAP's text, shown once at creation and never served again.
    pub tap_secret: Option<String>,
}

impl AuthMethod {
    /// The rare kinds' properties, or empty ones.
    pub fn rare(&self) -> &RareMethodProps {
        static NONE: RareMethodProps = RareMethodProps {
            email_address: None,
            aaguid: None,
            model: None,
            start_date_time: None,
            lifetime_in_minutes: None,
            is_usable_once: None,
            tap_secret: None,
        };
        self.rare.as_deref().unwrap_or(&NONE)
    }
}
