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

pub use reclaim_graph::models::MethodKind;

/// A method's type: a [`MethodKind`] the Graph client knows (with its endpoint and
/// `@odata.type`), or the stem of a type it does not (e.g. `qrCodePin`, `external`), kept
/// because a new method of any type is evidence.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MethodType {
    Known(MethodKind),
    Other(String),
}

/// `#microsoft.graph.phoneAuthenticationMethod` -> `phone`.
fn odata_stem(t: &str) -> &str {
    t.trim_start_matches('#')
        .trim_start_matches("microsoft.graph.")
        .trim_end_matches("AuthenticationMethod")
}

impl MethodType {
    /// From `@odata.type`, e.g. `#microsoft.graph.phoneAuthenticationMethod`.
    pub fn from_odata_type(t: &str) -> Self {
        match MethodKind::from_odata_type(t) {
            Some(k) => Self::Known(k),
            None => Self::Other(odata_stem(t).to_string()),
        }
    }

    /// The kind, when the client knows it.
    pub fn known(&self) -> Option<MethodKind> {
        match self {
            Self::Known(k) => Some(*k),
            Self::Other(_) => None,
        }
    }

    /// The `@odata.type` stem (`microsoftAuthenticator`), as findings name kinds.
    pub fn stem(&self) -> &str {
        match self {
            Self::Known(k) => odata_stem(k.odata_type()),
            Self::Other(s) => s,
        }
    }

    /// What the operator reads.
    pub fn label(&self) -> &str {
        match self {
            Self::Known(k) => match k {
                MethodKind::Password => "password",
                MethodKind::Phone => "phone",
                MethodKind::MicrosoftAuthenticator => "Microsoft Authenticator",
                MethodKind::SoftwareOath => "software OATH token",
                MethodKind::Fido2 => "FIDO2 key",
                MethodKind::Email => "email",
                MethodKind::TemporaryAccessPass => "Temporary Access Pass",
                MethodKind::WindowsHelloForBusiness => "Windows Hello for Business",
                MethodKind::PlatformCredential => "platform credential",
            },
            Self::Other(s) if s == "external" => "external method",
            Self::Other(s) => s,
        }
    }
}

impl From<MethodKind> for MethodType {
    fn from(k: MethodKind) -> Self {
        Self::Known(k)
    }
}

impl PartialEq<MethodKind> for MethodType {
    fn eq(&self, k: &MethodKind) -> bool {
        self.known() == Some(*k)
    }
}

/// One registered authentication method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Method {
    pub id: String,
    pub kind: MethodType,
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
    pub fn new(id: impl Into<String>, kind: impl Into<MethodType>) -> Self {
        Self {
            id: id.into(),
            kind: kind.into(),
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
