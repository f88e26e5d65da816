//! Properties of the simulator's OData `$filter` parser:
//!
//! - any text (OData-looking or not) parses or gives an error, never a panic or a stack
//!   overflow;
//! - any expression printed as OData (a printer written here, fully parenthesised) parses
//!   back to the same expression.
//!
//! 256 cases each by default; `PROPTEST_CASES=20000 cargo test -p reclaim-sim --test
//! filter_properties` for a long run.

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use reclaim_sim::odata::parser::{CmpOp, Func, Literal};
use reclaim_sim::odata::{parse_filter, Expr};

fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 256;
    }
    c.failure_persistence = None;
    c
}

/// Property names that are no keyword (`p` + letters).
fn name() -> impl Strategy<Value = String> {
    "p[a-zA-Z0-9_]{0,6}"
}

fn path() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(name(), 1..3)
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        Just(Literal::Null),
        any::<bool>().prop_map(Literal::Bool),
        any::<i64>().prop_map(Literal::Int),
        (-1.0e6f64..1.0e6).prop_map(Literal::Float),
        any::<String>().prop_map(Literal::Str),
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}".prop_map(Literal::Guid),
        (0i64..4_102_444_800).prop_map(|s| Literal::Time(Utc.timestamp_opt(s, 0).unwrap())),
        ("[a-z][a-zA-Z]{0,8}", "[a-zA-Z]{1,10}").prop_map(|(t, m)| Literal::Enum {
            ty: format!("microsoft.graph.{t}"),
            member: m,
        }),
    ]
}

fn cmp_op() -> impl Strategy<Value = CmpOp> {
    prop::sample::select(vec![
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Gt,
        CmpOp::Ge,
        CmpOp::Lt,
        CmpOp::Le,
    ])
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        (path(), cmp_op(), literal()).prop_map(|(path, op, value)| Expr::Cmp { path, op, value }),
        (path(), prop::collection::vec(literal(), 1..4))
            .prop_map(|(path, values)| Expr::In { path, values }),
        (
            prop::sample::select(vec![Func::StartsWith, Func::EndsWith, Func::Contains]),
            path(),
            literal()
        )
            .prop_map(|(func, path, value)| Expr::Call { func, path, value }),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::Or(Box::new(a), Box::new(b))),
            inner.clone().prop_map(|a| Expr::Not(Box::new(a))),
            (path(), any::<bool>(), name(), inner).prop_map(|(collection, all, var, body)| {
                Expr::Lambda {
                    collection,
                    all,
                    var,
                    body: Box::new(body),
                }
            }),
        ]
    })
}

fn print_literal(l: &Literal) -> String {
    match l {
        Literal::Null => "null".into(),
        Literal::Bool(b) => b.to_string(),
        Literal::Int(n) => n.to_string(),
        Literal::Float(f) => format!("{f:?}"),
        Literal::Str(s) => format!("'{}'", s.replace('\'', "''")),
        Literal::Guid(g) => g.clone(),
        Literal::Time(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        Literal::Enum { ty, member } => format!("{ty}'{}'", member.replace('\'', "''")),
    }
}

fn print(e: &Expr) -> String {
    match e {
        Expr::And(a, b) => format!("({}) and ({})", print(a), print(b)),
        Expr::Or(a, b) => format!("({}) or ({})", print(a), print(b)),
        Expr::Not(a) => format!("not ({})", print(a)),
        Expr::Cmp { path, op: o, value } => {
            format!("{} {} {}", path.join("/"), o.name(), print_literal(value))
        }
        Expr::In { path, values } => {
            let v: Vec<String> = values.iter().map(print_literal).collect();
            format!("{} in ({})", path.join("/"), v.join(", "))
        }
        Expr::Call { func, path, value } => format!(
            "{}({},{})",
            func.name(),
            path.join("/"),
            print_literal(value)
        ),
        Expr::Lambda {
            collection,
            all,
            var,
            body,
        } => format!(
            "{}/{}({var}: {})",
            collection.join("/"),
            if *all { "all" } else { "any" },
            print(body)
        ),
    }
}

/// OData-looking junk: tokens of the language in any order, and any characters.
fn filter_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("(".to_string()),
        Just(")".to_string()),
        Just("'".to_string()),
        Just("/".to_string()),
        Just(",".to_string()),
        Just(":".to_string()),
        prop::sample::select(vec![
            "and",
            "or",
            "not",
            "eq",
            "in",
            "any",
            "all",
            "null",
            "true",
            "startswith",
            "microsoft.graph.riskState'atRisk'",
            "2024-01-01T00:00:00Z",
            "-",
            "1e5",
            "x",
        ])
        .prop_map(str::to_string),
        name(),
        any::<String>(),
    ];
    prop_oneof![
        3 => prop::collection::vec(token, 0..24).prop_map(|t| t.join(" ")),
        1 => any::<String>(),
        1 => (1usize..400).prop_map(|n| format!("{}a eq 1{}", "(".repeat(n), ")".repeat(n))),
        1 => (1usize..400).prop_map(|n| format!("{}a eq 1", "not ".repeat(n))),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_text_parses_or_errs(text in filter_text()) {
        if let Err(e) = parse_filter(&text) {
            prop_assert!(!e.message.is_empty());
        }
    }

    #[test]
    fn a_printed_expression_parses_back(e in expr()) {
        let text = print(&e);
        match parse_filter(&text) {
            Ok(back) => prop_assert_eq!(back, e, "{}", text),
            Err(err) => prop_assert!(false, "{} does not parse: {}", text, err.message),
        }
    }
}
