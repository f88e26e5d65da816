//! Authentication methods (`/users/{id}/authentication/*`) and long-running operations.
//!
//! `GET …/methods` returns a mix of types told apart by `@odata.type`;
//! [`AuthenticationMethod`] dispatches on it and keeps anything it does not know as
//! [`AuthenticationMethod::Unknown`].

use super::{graph_enum, graph_model, Timestamp};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

graph_enum! {
    /// `microsoft.graph.authenticationPhoneType`.
    pub enum PhoneType = "authenticationPhoneType" {
        Mobile = "mobile", AlternateMobile = "alternateMobile", Office = "office",
    }
}

impl PhoneType {
    /// Graph's fixed phone method id for this type.
    pub fn method_id(&self) -> Option<&'static str> {
        match self {
            PhoneType::Mobile => Some("3179e48a-750b-4051-897c-87b9720928f7"),
            PhoneType::AlternateMobile => Some("b6332ec1-7057-4abe-9331-3d72feddfe41"),
            PhoneType::Office => Some("e37fc753-ff3b-4958-9484-eaa9425c82bc"),
            _ => None,
        }
    }
}

graph_enum! {
    /// `microsoft.graph.authenticationMethodSignInState` (read-only).
    pub enum SmsSignInState = "authenticationMethodSignInState" {
        NotSupported = "notSupported", NotAllowedByPolicy = "notAllowedByPolicy",
        NotEnabled = "notEnabled", PhoneNumberNotUnique = "phoneNumberNotUnique",
        Ready = "ready", NotConfigured = "notConfigured",
    }
}

graph_enum! {
    /// `microsoft.graph.longRunningOperationStatus`.
    pub enum OperationStatus = "longRunningOperationStatus" {
        NotStarted = "notStarted", Running = "running", Succeeded = "succeeded", Failed = "failed",
    }
}

impl OperationStatus {
    pub fn is_terminal(&self) -> bool {
        matches!(self, OperationStatus::Succeeded | OperationStatus::Failed)
    }
}

/// The fixed id of the password method (`/methods/{id}/resetPassword`).
pub const PASSWORD_METHOD_ID: &str = "28c10230-6103-485e-b985-444c60001490";

graph_model! {
    pub struct PasswordMethod = "passwordAuthenticationMethod" {
        pub id: String = "id",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
    }
}

graph_model! {
    pub struct PhoneMethod = "phoneAuthenticationMethod" {
        pub id: String = "id",
        /// `+{cc} {number}[x{ext}]`; masked for Authentication Administrators.
        pub phone_number: Option<String> = "phoneNumber",
        pub phone_type: Option<PhoneType> = "phoneType",
        pub sms_sign_in_state: Option<SmsSignInState> = "smsSignInState",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
    }
}

graph_model! {
    pub struct AuthenticatorMethod = "microsoftAuthenticatorAuthenticationMethod" {
        pub id: String = "id",
        pub display_name: Option<String> = "displayName",
        pub device_tag: Option<String> = "deviceTag",
        pub phone_app_version: Option<String> = "phoneAppVersion",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
        pub client_app_name: Option<String> = "clientAppName" [beta],
    }
}

graph_model! {
    /// A Temporary Access Pass. `temporary_access_pass` is only filled in the create response.
    pub struct TemporaryAccessPassMethod = "temporaryAccessPassAuthenticationMethod" {
        pub id: String = "id",
        pub temporary_access_pass: Option<String> = "temporaryAccessPass",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
        pub start_date_time: Option<Timestamp> = "startDateTime",
        pub lifetime_in_minutes: Option<i64> = "lifetimeInMinutes",
        pub is_usable_once: Option<bool> = "isUsableOnce",
        pub is_usable: Option<bool> = "isUsable",
        /// `EnabledByPolicy DisabledByPolicy Expired NotYetValid OneTimeUsed`.
        pub method_usability_reason: Option<String> = "methodUsabilityReason",
    }
}

graph_model! {
    pub struct Fido2Method = "fido2AuthenticationMethod" {
        pub id: String = "id",
        pub display_name: Option<String> = "displayName",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
        pub aa_guid: Option<String> = "aaGuid",
        pub model: Option<String> = "model",
        pub attestation_certificates: Vec<String> = "attestationCertificates",
    }
}

graph_model! {
    pub struct SoftwareOathMethod = "softwareOathAuthenticationMethod" {
        pub id: String = "id",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
    }
}

graph_model! {
    pub struct EmailMethod = "emailAuthenticationMethod" {
        pub id: String = "id",
        pub email_address: Option<String> = "emailAddress",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
    }
}

graph_model! {
    pub struct WindowsHelloMethod = "windowsHelloForBusinessAuthenticationMethod" {
        pub id: String = "id",
        pub display_name: Option<String> = "displayName",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
    }
}

graph_model! {
    pub struct PlatformCredentialMethod = "platformCredentialAuthenticationMethod" {
        pub id: String = "id",
        pub display_name: Option<String> = "displayName",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
    }
}

graph_model! {
    /// `GET /users/{id}/authentication/operations/{opId}` (password reset progress).
    pub struct LongRunningOperation = "longRunningOperation" {
        pub id: String = "id",
        pub status: Option<OperationStatus> = "status",
        pub created_date_time: Option<Timestamp> = "createdDateTime",
        pub last_action_date_time: Option<Timestamp> = "lastActionDateTime",
        pub resource_location: Option<String> = "resourceLocation",
        pub status_detail: Option<String> = "statusDetail",
    }
}

/// The kinds of method with their own endpoint segment (`/authentication/{segment}/{id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    PlatformCredential,
}

impl MethodKind {
    /// The collection segment under `/users/{id}/authentication/`.
    pub fn segment(self) -> &'static str {
        match self {
            MethodKind::Password => "passwordMethods",
            MethodKind::Phone => "phoneMethods",
            MethodKind::MicrosoftAuthenticator => "microsoftAuthenticatorMethods",
            MethodKind::SoftwareOath => "softwareOathMethods",
            MethodKind::Fido2 => "fido2Methods",
            MethodKind::Email => "emailMethods",
            MethodKind::TemporaryAccessPass => "temporaryAccessPassMethods",
            MethodKind::WindowsHelloForBusiness => "windowsHelloForBusinessMethods",
            MethodKind::PlatformCredential => "platformCredentialMethods",
        }
    }

    /// `@odata.type` of this kind.
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
            MethodKind::PlatformCredential => {
                "#microsoft.graph.platformCredentialAuthenticationMethod"
            }
        }
    }

    pub fn from_odata_type(t: &str) -> Option<Self> {
        ALL_KINDS.iter().copied().find(|k| k.odata_type() == t)
    }

    /// Whether Graph offers a DELETE for this kind (password: no).
    pub fn deletable(self) -> bool {
        !matches!(self, MethodKind::Password)
    }
}

const ALL_KINDS: [MethodKind; 9] = [
    MethodKind::Password,
    MethodKind::Phone,
    MethodKind::MicrosoftAuthenticator,
    MethodKind::SoftwareOath,
    MethodKind::Fido2,
    MethodKind::Email,
    MethodKind::TemporaryAccessPass,
    MethodKind::WindowsHelloForBusiness,
    MethodKind::PlatformCredential,
];

/// One item of `GET /users/{id}/authentication/methods`.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthenticationMethod {
    Password(PasswordMethod),
    Phone(PhoneMethod),
    MicrosoftAuthenticator(AuthenticatorMethod),
    SoftwareOath(SoftwareOathMethod),
    Fido2(Fido2Method),
    Email(EmailMethod),
    TemporaryAccessPass(TemporaryAccessPassMethod),
    WindowsHelloForBusiness(WindowsHelloMethod),
    PlatformCredential(PlatformCredentialMethod),
    /// A type this build does not know (e.g. `externalAuthenticationMethod`), kept verbatim.
    Unknown {
        odata_type: String,
        id: String,
        created_date_time: Option<Timestamp>,
        raw: serde_json::Value,
    },
}

impl AuthenticationMethod {
    pub fn id(&self) -> &str {
        match self {
            Self::Password(m) => &m.id,
            Self::Phone(m) => &m.id,
            Self::MicrosoftAuthenticator(m) => &m.id,
            Self::SoftwareOath(m) => &m.id,
            Self::Fido2(m) => &m.id,
            Self::Email(m) => &m.id,
            Self::TemporaryAccessPass(m) => &m.id,
            Self::WindowsHelloForBusiness(m) => &m.id,
            Self::PlatformCredential(m) => &m.id,
            Self::Unknown { id, .. } => id,
        }
    }

    /// The kind, or `None` for an unknown type (which reclaim never deletes blindly).
    pub fn kind(&self) -> Option<MethodKind> {
        Some(match self {
            Self::Password(_) => MethodKind::Password,
            Self::Phone(_) => MethodKind::Phone,
            Self::MicrosoftAuthenticator(_) => MethodKind::MicrosoftAuthenticator,
            Self::SoftwareOath(_) => MethodKind::SoftwareOath,
            Self::Fido2(_) => MethodKind::Fido2,
            Self::Email(_) => MethodKind::Email,
            Self::TemporaryAccessPass(_) => MethodKind::TemporaryAccessPass,
            Self::WindowsHelloForBusiness(_) => MethodKind::WindowsHelloForBusiness,
            Self::PlatformCredential(_) => MethodKind::PlatformCredential,
            Self::Unknown { .. } => return None,
        })
    }

    pub fn created(&self) -> Option<Timestamp> {
        match self {
            Self::Password(m) => m.created_date_time,
            Self::Phone(m) => m.created_date_time,
            Self::MicrosoftAuthenticator(m) => m.created_date_time,
            Self::SoftwareOath(m) => m.created_date_time,
            Self::Fido2(m) => m.created_date_time,
            Self::Email(m) => m.created_date_time,
            Self::TemporaryAccessPass(m) => m.created_date_time,
            Self::WindowsHelloForBusiness(m) => m.created_date_time,
            Self::PlatformCredential(m) => m.created_date_time,
            Self::Unknown {
                created_date_time, ..
            } => *created_date_time,
        }
    }

    /// A short label for display: device name, phone number, e-mail address…
    pub fn label(&self) -> String {
        let s = match self {
            Self::Password(_) => Some("password".to_string()),
            Self::Phone(m) => m.phone_number.clone(),
            Self::MicrosoftAuthenticator(m) => m.display_name.clone(),
            Self::SoftwareOath(_) => Some("software OATH token".to_string()),
            Self::Fido2(m) => m.display_name.clone().or_else(|| m.model.clone()),
            Self::Email(m) => m.email_address.clone(),
            Self::TemporaryAccessPass(_) => Some("temporary access pass".to_string()),
            Self::WindowsHelloForBusiness(m) => m.display_name.clone(),
            Self::PlatformCredential(m) => m.display_name.clone(),
            Self::Unknown { odata_type, .. } => Some(odata_type.clone()),
        };
        s.unwrap_or_default()
    }
}

impl<'de> Deserialize<'de> for AuthenticationMethod {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let raw = serde_json::Value::deserialize(d)?;
        let odata_type = raw
            .get("@odata.type")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        fn parse<T: serde::de::DeserializeOwned, E: Error>(v: serde_json::Value) -> Result<T, E> {
            serde_json::from_value(v).map_err(E::custom)
        }
        Ok(match MethodKind::from_odata_type(&odata_type) {
            Some(MethodKind::Password) => Self::Password(parse(raw)?),
            Some(MethodKind::Phone) => Self::Phone(parse(raw)?),
            Some(MethodKind::MicrosoftAuthenticator) => Self::MicrosoftAuthenticator(parse(raw)?),
            Some(MethodKind::SoftwareOath) => Self::SoftwareOath(parse(raw)?),
            Some(MethodKind::Fido2) => Self::Fido2(parse(raw)?),
            Some(MethodKind::Email) => Self::Email(parse(raw)?),
            Some(MethodKind::TemporaryAccessPass) => Self::TemporaryAccessPass(parse(raw)?),
            Some(MethodKind::WindowsHelloForBusiness) => Self::WindowsHelloForBusiness(parse(raw)?),
            Some(MethodKind::PlatformCredential) => Self::PlatformCredential(parse(raw)?),
            None => Self::Unknown {
                id: raw
                    .get("id")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string(),
                created_date_time: raw
                    .get("createdDateTime")
                    .and_then(|v| v.as_str())
                    .and_then(Timestamp::parse),
                odata_type,
                raw,
            },
        })
    }
}

impl Serialize for AuthenticationMethod {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut v = match self {
            Self::Password(m) => serde_json::to_value(m),
            Self::Phone(m) => serde_json::to_value(m),
            Self::MicrosoftAuthenticator(m) => serde_json::to_value(m),
            Self::SoftwareOath(m) => serde_json::to_value(m),
            Self::Fido2(m) => serde_json::to_value(m),
            Self::Email(m) => serde_json::to_value(m),
            Self::TemporaryAccessPass(m) => serde_json::to_value(m),
            Self::WindowsHelloForBusiness(m) => serde_json::to_value(m),
            Self::PlatformCredential(m) => serde_json::to_value(m),
            Self::Unknown { raw, .. } => return raw.serialize(s),
        }
        .map_err(S::Error::custom)?;
        if let (Some(obj), Some(kind)) = (v.as_object_mut(), self.kind()) {
            obj.insert("@odata.type".into(), kind.odata_type().into());
        }
        v.serialize(s)
    }
}

graph_enum! {
    /// `microsoft.graph.userDefaultAuthenticationMethodType`: the second factor a user is asked
    /// for by default (beta `signInPreferences`).
    pub enum DefaultMfaMethod = "userDefaultAuthenticationMethodType" {
        Push = "push", Oath = "oath", VoiceMobile = "voiceMobile",
        VoiceAlternateMobile = "voiceAlternateMobile", VoiceOffice = "voiceOffice", Sms = "sms",
    }
}

graph_model! {
    /// Beta `GET /users/{id}/authentication/signInPreferences`: the user's default MFA method
    /// (v1.0 cannot read it, REFERENCE §5). Fields some documentation pages add
    /// (`systemPreferredAuthenticationMethod`) are not in the schema and are ignored if served.
    pub struct SignInPreferences = "signInPreferences" {
        pub is_system_preferred_authentication_method_enabled: Option<bool> =
            "isSystemPreferredAuthenticationMethodEnabled" [beta],
        pub user_preferred_method_for_secondary_authentication: Option<DefaultMfaMethod> =
            "userPreferredMethodForSecondaryAuthentication" [beta],
    }
}
