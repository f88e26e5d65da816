//! Properties of the Graph models, for every type in `schema_registry()`:
//!
//! - any payload the service could send parses: each known field absent, `null` or a value of
//!   its schema type (enums: a known member, `unknownFutureValue` or a member this build has
//!   never heard of; timestamps with 0-7 fractional digits, with or without an offset), plus
//!   unknown fields holding any JSON;
//! - any JSON at all (wrong types, deep nesting) gives a value or an error, never a panic.
//!
//! 128 cases per property by default; `PROPTEST_CASES=20000` for a long run.

use proptest::prelude::*;
use reclaim_graph::models::*;
use serde_json::{Map, Value};

type Parse = fn(Value) -> Result<(), String>;

macro_rules! parsers {
    ($($t:ty),* $(,)?) => {
        vec![$((<$t as GraphModel>::GRAPH_TYPE, (|v| serde_json::from_value::<$t>(v)
            .map(|_| ()).map_err(|e| e.to_string())) as Parse)),*]
    };
}

/// Every registered model's parser (the first test checks none is missing).
fn parsers() -> Vec<(&'static str, Parse)> {
    parsers![
        RiskyUser,
        RiskyUserHistoryItem,
        RiskUserActivity,
        RiskDetection,
        User,
        DirectoryRole,
        RoleAssignment,
        RoleDefinition,
        ServicePrincipal,
        OAuth2PermissionGrant,
        Organization,
        Device,
        Application,
        PasswordCredential,
        KeyCredential,
        VerifiedPublisher,
        AppRoleAssignment,
        VerifiedDomain,
        SubscribedSku,
        ServicePlanInfo,
        SignIn,
        SignInStatus,
        DeviceDetail,
        SignInLocation,
        GeoCoordinates,
        NetworkLocationDetail,
        AuthenticationDetail,
        DirectoryAudit,
        AuditActivityInitiator,
        UserIdentity,
        AppIdentity,
        TargetResource,
        ModifiedProperty,
        KeyValue,
        PasswordMethod,
        PhoneMethod,
        AuthenticatorMethod,
        TemporaryAccessPassMethod,
        Fido2Method,
        SoftwareOathMethod,
        EmailMethod,
        WindowsHelloMethod,
        PlatformCredentialMethod,
        SignInPreferences,
        LongRunningOperation,
        MessageRule,
        MessageRulePredicates,
        MessageRuleActions,
        Recipient,
        EmailAddress,
        SizeRange,
        MailFolder,
        MailboxSettings,
        AutomaticRepliesSetting,
        DateTimeTimeZone,
        LocaleInfo,
    ]
}

fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 128;
    }
    c
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 @._-]{0,12}",
        any::<String>(),
        Just(String::new()),
        "\\PC{0,8}\u{202e}\u{1b}\\[2J",
    ]
}

/// A member this build has never heard of, as a future service version would send it.
fn new_member() -> impl Strategy<Value = String> {
    "[a-z][a-zA-Z]{0,15}"
}

fn timestamp() -> impl Strategy<Value = String> {
    (
        1u32..=9999,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
    )
        .prop_flat_map(|d| {
            let fraction = prop_oneof![Just(String::new()), "\\.[0-9]{1,7}"];
            let offset = prop_oneof![
                Just("Z".to_string()),
                Just(String::new()),
                "[+-](0[0-9]|1[0-3]):[03]0",
            ];
            (Just(d), fraction, offset)
        })
        .prop_map(|((y, mo, d, h, mi, s), f, o)| {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{f}{o}")
        })
}

/// Any JSON, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::String),
        timestamp().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z@.]{1,12}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn registry() -> Vec<(&'static str, Vec<FieldSpec>)> {
    schema_registry()
}

/// A value of `kind` as the service sends it (never `null`; the caller adds that).
fn value_of(kind: &FieldKind, depth: u32) -> BoxedStrategy<Value> {
    match kind {
        FieldKind::String => text().prop_map(Value::String).boxed(),
        FieldKind::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        FieldKind::Int => any::<i32>().prop_map(Value::from).boxed(),
        FieldKind::Float => prop_oneof![
            (-1.0e6f64..1.0e6).prop_map(Value::from),
            any::<i32>().prop_map(Value::from),
        ]
        .boxed(),
        FieldKind::DateTime => timestamp().prop_map(Value::String).boxed(),
        FieldKind::Json => any_json().boxed(),
        FieldKind::Enum(_, members) => {
            let known: Vec<String> = members.iter().map(|m| m.to_string()).collect();
            let member = if known.is_empty() {
                Just("unknownFutureValue".to_string()).boxed()
            } else {
                prop::sample::select(known).boxed()
            };
            prop_oneof![
                3 => member,
                1 => Just("unknownFutureValue".to_string()),
                1 => new_member(),
            ]
            .prop_map(Value::String)
            .boxed()
        }
        FieldKind::Complex(name) => object_of(name, depth + 1),
        FieldKind::Collection(inner) => prop::collection::vec(value_of(inner, depth), 0..3)
            .prop_map(Value::Array)
            .boxed(),
    }
}

/// An object of the registered type `name`: known fields absent, null or typed, and unknown
/// fields with any JSON.
fn object_of(name: &str, depth: u32) -> BoxedStrategy<Value> {
    let fields = registry()
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("{name} is used as a field type but not registered"))
        .1;
    if depth > 3 {
        return Just(Value::Object(Map::new())).boxed();
    }
    let known: Vec<String> = fields.iter().map(|f| f.json.to_string()).collect();
    let per_field: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
        .iter()
        .map(|f| {
            let json = f.json.to_string();
            prop_oneof![
                1 => Just(None),
                1 => Just(Some((json.clone(), Value::Null))),
                4 => value_of(&f.kind, depth).prop_map(move |v| Some((json.clone(), v))),
            ]
            .boxed()
        })
        .collect();
    let unknown =
        prop::collection::btree_map("[a-z][a-zA-Z]{0,10}|@odata\\.[a-z]{1,8}", any_json(), 0..3);
    (per_field, unknown)
        .prop_map(move |(present, extra)| {
            let mut m: Map<String, Value> = extra
                .into_iter()
                .filter(|(k, _)| !known.contains(k))
                .collect();
            m.extend(present.into_iter().flatten());
            Value::Object(m)
        })
        .boxed()
}

/// One registered type and a payload the service could send for it.
fn payload() -> impl Strategy<Value = (&'static str, Value)> {
    let names: Vec<&'static str> = registry().into_iter().map(|(n, _)| n).collect();
    prop::sample::select(names).prop_flat_map(|n| (Just(n), object_of(n, 0)))
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

#[test]
fn every_registered_model_has_a_parser_here() {
    let here: Vec<&str> = parsers().into_iter().map(|(n, _)| n).collect();
    for (name, _) in registry() {
        assert!(here.contains(&name), "add {name} to parsers()");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn what_the_service_could_send_parses((name, v) in payload()) {
        let parse = parsers().into_iter().find(|(n, _)| *n == name).unwrap().1;
        let text = v.to_string();
        prop_assert!(parse(v).is_ok(), "{}: {}\n{:?}", name, text,
            parse(serde_json::from_str(&text).unwrap()));
    }

    #[test]
    fn any_json_parses_or_errs_without_panicking(v in any_json()) {
        for (_, parse) in parsers() {
            let _ = parse(v.clone());
        }
        let _ = serde_json::from_value::<AuthenticationMethod>(v.clone());
        let _ = serde_json::from_value::<Vec<AuthenticationMethod>>(Value::Array(vec![v]));
    }

    #[test]
    fn any_method_type_parses(
        odata in prop_oneof![
            prop::sample::select(ALL_KINDS.to_vec()).prop_map(|k| k.odata_type().to_string()),
            "#microsoft\\.graph\\.[a-z][a-zA-Z]{0,20}",
        ],
        body in object_of("phoneAuthenticationMethod", 0),
    ) {
        // The fields every method type shares (id, createdDateTime) plus a type name this
        // build may not know: parsed as that type or kept as Unknown, never an error.
        let mut obj = Map::new();
        obj.insert("@odata.type".into(), Value::String(odata.clone()));
        for key in ["id", "createdDateTime"] {
            if let Some(v) = body.get(key) {
                obj.insert(key.into(), v.clone());
            }
        }
        let m: AuthenticationMethod = serde_json::from_value(Value::Object(obj)).unwrap();
        let known = ALL_KINDS.iter().any(|k| k.odata_type() == odata);
        prop_assert_eq!(m.kind().is_some(), known);
    }
}
