//! Authentication methods and phone numbers.

use super::Time;
use serde::{Deserialize, Serialize};

/// Phone types of the phone authentication method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PhoneType {
    Mobile,
    AlternateMobile,
    Office,
}

impl PhoneType {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "mobile" => Some(Self::Mobile),
            "alternateMobile" => Some(Self::AlternateMobile),
            "office" => Some(Self::Office),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mobile => "mobile",
            Self::AlternateMobile => "alternateMobile",
            Self::Office => "office",
        }
    }
}

/// Kinds of `/authentication/methods`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    External,
    Other(String),
}

impl MethodKind {
    /// From `@odata.type`, e.g. `#microsoft.graph.phoneAuthenticationMethod`.
    pub fn from_odata_type(t: &str) -> Self {
        let name = t
            .trim_start_matches('#')
            .trim_start_matches("microsoft.graph.")
            .trim_end_matches("AuthenticationMethod");
        match name {
            "password" => Self::Password,
            "phone" => Self::Phone,
            "microsoftAuthenticator" => Self::MicrosoftAuthenticator,
            "softwareOath" => Self::SoftwareOath,
            "fido2" => Self::Fido2,
            "email" => Self::Email,
            "temporaryAccessPass" => Self::TemporaryAccessPass,
            "windowsHelloForBusiness" => Self::WindowsHelloForBusiness,
            "platformCredential" => Self::PlatformCredential,
            "external" => Self::External,
            other => Self::Other(other.to_string()),
        }
    }
    pub fn label(&self) -> &str {
        match self {
            Self::Password => "password",
            Self::Phone => "phone",
            Self::MicrosoftAuthenticator => "Microsoft Authenticator",
            Self::SoftwareOath => "software OATH token",
            Self::Fido2 => "FIDO2 key",
            Self::Email => "email",
            Self::TemporaryAccessPass => "Temporary Access Pass",
            Self::WindowsHelloForBusiness => "Windows Hello for Business",
            Self::PlatformCredential => "platform credential",
            Self::External => "external method",
            Self::Other(s) => s,
        }
    }
}

/// One registered authentication method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Method {
    pub id: String,
    pub kind: MethodKind,
    pub created: Option<Time>,
    /// Device name (Authenticator, FIDO2, WHfB).
    pub display_name: Option<String>,
    pub phone_number: Option<String>,
    pub phone_type: Option<PhoneType>,
    pub device_tag: Option<String>,
    pub app_version: Option<String>,
    pub email: Option<String>,
}

impl Method {
    pub fn new(id: impl Into<String>, kind: MethodKind) -> Self {
        Self {
            id: id.into(),
            kind,
            created: None,
            display_name: None,
            phone_number: None,
            phone_type: None,
            device_tag: None,
            app_version: None,
            email: None,
        }
    }
}

/// Digits of a phone number, for comparing numbers written differently
/// (`+1 5550100` in an audit record, `+1 5555550100` on the method).
pub fn phone_digits(number: &str) -> String {
    let main = number.split(['x', 'X']).next().unwrap_or(number);
    main.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// True when two phone numbers are the same number.
pub fn same_phone(a: &str, b: &str) -> bool {
    let (da, db) = (phone_digits(a), phone_digits(b));
    !da.is_empty() && da == db
}
