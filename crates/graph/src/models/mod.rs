//! Typed serde models of the Graph entities triage and containment use.
//!
//! Every model is declared through [`graph_model!`], which generates the struct (Graph's JSON
//! names, every field defaulted and `null`-tolerant, unknown fields ignored) and its field
//! list, so tests/client/models.rs can check each field against the real schema
//! (tests/data/client-schema.json). Enums are declared through [`graph_enum!`]: unknown
//! members, `unknownFutureValue` included, never break parsing.

mod apps;
mod audit_logs;
mod auth_methods;
mod devices;
mod directory;
mod identity_protection;
mod mail;

pub use apps::*;
pub use audit_logs::*;
pub use auth_methods::*;
pub use devices::*;
pub use directory::*;
pub use identity_protection::*;
pub use mail::*;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a model field holds, as far as the schema check cares.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    String,
    Bool,
    Int,
    Float,
    DateTime,
    /// Untyped JSON (kept as is).
    Json,
    /// A Graph enum: its schema name (without namespace) and the members the client knows.
    Enum(&'static str, &'static [&'static str]),
    /// A complex or entity type, by schema name (without namespace).
    Complex(&'static str),
    Collection(Box<FieldKind>),
}

/// Maps a Rust field type to its [`FieldKind`].
pub trait SchemaKind {
    fn kind() -> FieldKind;
}

macro_rules! scalar_kind {
    ($($t:ty => $k:ident),* $(,)?) => { $(impl SchemaKind for $t { fn kind() -> FieldKind { FieldKind::$k } })* };
}
scalar_kind!(String => String, bool => Bool, i32 => Int, i64 => Int, f64 => Float,
    Timestamp => DateTime, serde_json::Value => Json);

impl<T: SchemaKind> SchemaKind for Option<T> {
    fn kind() -> FieldKind {
        T::kind()
    }
}
impl<T: SchemaKind> SchemaKind for Vec<T> {
    fn kind() -> FieldKind {
        FieldKind::Collection(Box::new(T::kind()))
    }
}

/// One field of a model: its JSON name, kind, and whether only Graph beta serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldSpec {
    pub json: &'static str,
    pub kind: FieldKind,
    pub beta: bool,
}

/// A model declared with [`graph_model!`].
pub trait GraphModel {
    /// The schema type name without namespace, e.g. `riskyUser`.
    const GRAPH_TYPE: &'static str;
    fn fields() -> Vec<FieldSpec>;
}

/// Deserializes `null` as the type's default: Graph sends `null` for empty collections and
/// unset values alike.
pub fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A Graph `Edm.DateTimeOffset`. Parses RFC 3339 with up to 7 fractional digits, and the
/// offset-less form some endpoints emit (read as UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    pub fn parse(s: &str) -> Option<Self> {
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(Self(t.with_timezone(&Utc)));
        }
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()
            .map(|n| Self(n.and_utc()))
    }
}

impl std::ops::Deref for Timestamp {
    type Target = DateTime<Utc>;
    fn deref(&self) -> &DateTime<Utc> {
        &self.0
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(t: DateTime<Utc>) -> Self {
        Self(t)
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not a Graph timestamp: {s:?}")))
    }
}

/// Declares a Graph model struct and its schema field list.
///
/// `pub field: Type = "jsonName"`, optionally followed by `[beta]` for fields only the beta
/// endpoint serves.
macro_rules! graph_model {
    ($(#[$m:meta])* pub struct $name:ident = $gtype:literal {
        $($(#[$fm:meta])* pub $field:ident : $ty:ty = $json:literal $([$beta:ident])?),* $(,)?
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        pub struct $name {
            $($(#[$fm])*
            #[serde(rename = $json, default, deserialize_with = "crate::models::nullable")]
            pub $field: $ty,)*
        }
        impl $crate::models::GraphModel for $name {
            const GRAPH_TYPE: &'static str = $gtype;
            fn fields() -> Vec<$crate::models::FieldSpec> {
                vec![$($crate::models::FieldSpec {
                    json: $json,
                    kind: <$ty as $crate::models::SchemaKind>::kind(),
                    beta: graph_model!(@beta $($beta)?),
                }),*]
            }
        }
        impl $crate::models::SchemaKind for $name {
            fn kind() -> $crate::models::FieldKind {
                $crate::models::FieldKind::Complex($gtype)
            }
        }
    };
    (@beta) => { false };
    (@beta beta) => { true };
}
pub(crate) use graph_model;

/// Declares a Graph enum that keeps unknown members (`Other`) and `unknownFutureValue`.
macro_rules! graph_enum {
    ($(#[$m:meta])* pub enum $name:ident = $gtype:literal {
        $($variant:ident = $wire:literal),* $(,)?
    }) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
            UnknownFutureValue,
            /// A member this build does not know.
            Other(String),
        }
        impl $name {
            /// The members this build names (the schema check compares them); every enum
            /// also accepts `unknownFutureValue` and keeps unknown members as `Other`.
            pub const MEMBERS: &'static [&'static str] = &[$($wire),*];
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::UnknownFutureValue => "unknownFutureValue",
                    Self::Other(s) => s.as_str(),
                }
            }
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)*
                    "unknownFutureValue" => Self::UnknownFutureValue,
                    other => Self::Other(other.to_string()),
                }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok(Self::from_wire(&s))
            }
        }
        impl $crate::models::SchemaKind for $name {
            fn kind() -> $crate::models::FieldKind {
                $crate::models::FieldKind::Enum($gtype, Self::MEMBERS)
            }
        }
    };
}
pub(crate) use graph_enum;

/// Every modelled type with its fields, for the schema check.
pub fn schema_registry() -> Vec<(&'static str, Vec<FieldSpec>)> {
    fn e<T: GraphModel>() -> (&'static str, Vec<FieldSpec>) {
        (T::GRAPH_TYPE, T::fields())
    }
    vec![
        e::<RiskyUser>(),
        e::<RiskyUserHistoryItem>(),
        e::<RiskUserActivity>(),
        e::<RiskDetection>(),
        e::<User>(),
        e::<DirectoryRole>(),
        e::<RoleAssignment>(),
        e::<RoleDefinition>(),
        e::<ServicePrincipal>(),
        e::<OAuth2PermissionGrant>(),
        e::<Organization>(),
        e::<VerifiedDomain>(),
        e::<SubscribedSku>(),
        e::<ServicePlanInfo>(),
        e::<Device>(),
        e::<Application>(),
        e::<PasswordCredential>(),
        e::<KeyCredential>(),
        e::<VerifiedPublisher>(),
        e::<AppRoleAssignment>(),
        e::<SignIn>(),
        e::<SignInStatus>(),
        e::<DeviceDetail>(),
        e::<SignInLocation>(),
        e::<GeoCoordinates>(),
        e::<NetworkLocationDetail>(),
        e::<AuthenticationDetail>(),
        e::<DirectoryAudit>(),
        e::<AuditActivityInitiator>(),
        e::<UserIdentity>(),
        e::<AppIdentity>(),
        e::<TargetResource>(),
        e::<ModifiedProperty>(),
        e::<KeyValue>(),
        e::<PasswordMethod>(),
        e::<PhoneMethod>(),
        e::<AuthenticatorMethod>(),
        e::<TemporaryAccessPassMethod>(),
        e::<Fido2Method>(),
        e::<SoftwareOathMethod>(),
        e::<EmailMethod>(),
        e::<WindowsHelloMethod>(),
        e::<PlatformCredentialMethod>(),
        e::<SignInPreferences>(),
        e::<LongRunningOperation>(),
        e::<MessageRule>(),
        e::<MessageRulePredicates>(),
        e::<MessageRuleActions>(),
        e::<Recipient>(),
        e::<EmailAddress>(),
        e::<SizeRange>(),
        e::<MailFolder>(),
        e::<MailboxSettings>(),
        e::<AutomaticRepliesSetting>(),
        e::<DateTimeTimeZone>(),
        e::<LocaleInfo>(),
    ]
}
