//! What each endpoint's `$filter` supports, and the check of a parsed filter against it.
//!
//! Every endpoint declares the property paths it can filter on, their EDM type and the
//! operators Graph documents for them. Anything else is refused the way Graph refuses it,
//! before any data is touched. Paths inside a lambda are declared as
//! `{collection}/any/{member}` (or `{collection}/any` for a collection of primitives).

use super::parser::{CmpOp, Expr, Func, Literal};
use super::FilterError;

/// Operator sets, combined with `|`.
pub mod ops {
    pub const EQ: u16 = 1;
    pub const NE: u16 = 2;
    /// gt ge lt le
    pub const RANGE: u16 = 4;
    pub const STARTS: u16 = 8;
    pub const ENDS: u16 = 16;
    pub const IN: u16 = 32;
    pub const CONTAINS: u16 = 64;
    /// ge and le only (directory properties document no gt/lt).
    pub const GE_LE: u16 = 128;
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PropType {
    Str,
    Int,
    Bool,
    Time,
    /// Qualified enum type name and its members.
    Enum(&'static str, &'static [&'static str]),
}

impl PropType {
    fn edm(self) -> &'static str {
        match self {
            PropType::Str => "Edm.String",
            PropType::Int => "Edm.Int32",
            PropType::Bool => "Edm.Boolean",
            PropType::Time => "Edm.DateTimeOffset",
            PropType::Enum(name, _) => name,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct PropRule {
    pub path: &'static str,
    pub ty: PropType,
    pub ops: u16,
}

pub const fn rule(path: &'static str, ty: PropType, ops: u16) -> PropRule {
    PropRule { path, ty, ops }
}

#[derive(Debug, Clone, Copy)]
pub struct FilterSpec {
    /// e.g. `microsoft.graph.user`, for messages.
    pub entity: &'static str,
    pub props: &'static [PropRule],
    /// Directory objects: `ne`, `not` and `endsWith` exist only as advanced queries
    /// (ConsistencyLevel: eventual + `$count=true`); elsewhere they do not exist at all.
    pub directory: bool,
}

/// What a checked filter uses, for the endpoint's own rules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterInfo {
    /// Uses an operator that needs the advanced query mode.
    pub advanced: bool,
    /// Canonical paths compared (lambda members as `{collection}/any/{member}`).
    pub paths: Vec<String>,
}

impl FilterInfo {
    pub fn uses(&self, path: &str) -> bool {
        self.paths
            .iter()
            .any(|p| p == path || p.starts_with(&format!("{path}/")))
    }
}

/// Checks `expr` against `spec`; returns the expression with property names in canonical
/// case (so evaluation can match them exactly) and what it uses.
pub fn check(expr: &Expr, spec: &FilterSpec) -> Result<(Expr, FilterInfo), FilterError> {
    let mut info = FilterInfo::default();
    let out = Checker {
        spec,
        info: &mut info,
    }
    .expr(expr, None)?;
    Ok((out, info))
}

struct Checker<'a> {
    spec: &'a FilterSpec,
    info: &'a mut FilterInfo,
}

/// The lambda being checked: range variable and collection path.
struct Scope<'s> {
    var: &'s str,
    collection: &'s str,
}

impl Checker<'_> {
    fn expr(&mut self, e: &Expr, scope: Option<&Scope>) -> Result<Expr, FilterError> {
        Ok(match e {
            Expr::And(a, b) => Expr::And(
                Box::new(self.expr(a, scope)?),
                Box::new(self.expr(b, scope)?),
            ),
            Expr::Or(a, b) => Expr::Or(
                Box::new(self.expr(a, scope)?),
                Box::new(self.expr(b, scope)?),
            ),
            Expr::Not(inner) => {
                if !self.spec.directory {
                    return Err(FilterError::unsupported(format!(
                        "Invalid filter clause: The 'not' operator is not supported on '{}'.",
                        self.spec.entity
                    )));
                }
                self.info.advanced = true;
                Expr::Not(Box::new(self.expr(inner, scope)?))
            }
            Expr::Cmp { path, op, value } => {
                let (canon, rule) = self.resolve(path, scope)?;
                let needed = match op {
                    CmpOp::Eq => ops::EQ,
                    CmpOp::Ne => ops::NE,
                    CmpOp::Ge | CmpOp::Le => ops::RANGE | ops::GE_LE,
                    _ => ops::RANGE,
                };
                self.allow(&rule, needed, op.name())?;
                self.literal(&rule, value, op.name())?;
                Expr::Cmp {
                    path: split(&canon, scope),
                    op: *op,
                    value: value.clone(),
                }
            }
            Expr::In { path, values } => {
                let (canon, rule) = self.resolve(path, scope)?;
                self.allow(&rule, ops::IN, "in")?;
                for v in values {
                    self.literal(&rule, v, "in")?;
                }
                Expr::In {
                    path: split(&canon, scope),
                    values: values.clone(),
                }
            }
            Expr::Call { func, path, value } => {
                let (canon, rule) = self.resolve(path, scope)?;
                let needed = match func {
                    Func::StartsWith => ops::STARTS,
                    Func::EndsWith => ops::ENDS,
                    Func::Contains => ops::CONTAINS,
                };
                self.allow(&rule, needed, func.name())?;
                if !matches!(value, Literal::Str(_)) || rule.ty != PropType::Str {
                    return Err(mismatch(rule.ty.edm(), &value.edm_type(), func.name()));
                }
                Expr::Call {
                    func: *func,
                    path: split(&canon, scope),
                    value: value.clone(),
                }
            }
            Expr::Lambda {
                collection,
                all,
                var,
                body,
            } => {
                if scope.is_some() || *all {
                    return Err(FilterError::unsupported(format!(
                        "Invalid filter clause: Lambda operator '{}' is not supported here.",
                        if *all { "all" } else { "any" }
                    )));
                }
                let joined = collection.join("/");
                let prefix = format!("{}/any", joined.to_ascii_lowercase());
                let known = self.spec.props.iter().find(|r| {
                    let p = r.path.to_ascii_lowercase();
                    p == prefix || p.starts_with(&format!("{prefix}/"))
                });
                let Some(known) = known else {
                    return Err(self.unknown_property(&joined));
                };
                let canonical_collection = &known.path[..joined.len()];
                let inner = Scope {
                    var,
                    collection: canonical_collection,
                };
                Expr::Lambda {
                    collection: canonical_collection.split('/').map(String::from).collect(),
                    all: false,
                    var: var.clone(),
                    body: Box::new(self.expr(body, Some(&inner))?),
                }
            }
        })
    }

    /// Finds the rule for a path; inside a lambda the path must start with the range variable.
    fn resolve(
        &mut self,
        path: &[String],
        scope: Option<&Scope>,
    ) -> Result<(String, PropRule), FilterError> {
        let key = match scope {
            Some(s) => {
                if path.first().map(String::as_str) != Some(s.var) {
                    return Err(FilterError::unsupported(format!(
                        "Invalid filter clause: Only the range variable '{}' may be used inside the lambda.",
                        s.var
                    )));
                }
                let rest = &path[1..];
                if rest.is_empty() {
                    format!("{}/any", s.collection)
                } else {
                    format!("{}/any/{}", s.collection, rest.join("/"))
                }
            }
            None => path.join("/"),
        };
        let rule = self
            .spec
            .props
            .iter()
            .find(|r| r.path.eq_ignore_ascii_case(&key))
            .copied()
            .ok_or_else(|| self.unknown_property(&path.join("/")))?;
        self.info.paths.push(rule.path.to_string());
        Ok((rule.path.to_string(), rule))
    }

    fn unknown_property(&self, path: &str) -> FilterError {
        FilterError::unsupported(format!(
            "Unsupported or invalid query filter clause specified for property '{path}' of resource '{}'.",
            self.spec.entity.trim_start_matches("microsoft.graph.")
        ))
    }

    fn allow(&mut self, rule: &PropRule, needed: u16, op: &str) -> Result<(), FilterError> {
        let advanced_op = needed & (ops::NE | ops::ENDS) != 0;
        if self.spec.directory && advanced_op && rule.ops & needed != 0 {
            self.info.advanced = true;
            return Ok(());
        }
        if rule.ops & needed != 0 {
            return Ok(());
        }
        Err(FilterError::unsupported(format!(
            "Unsupported or invalid query filter clause specified for property '{}' of resource '{}'. Operator '{op}' is not supported.",
            rule.path,
            self.spec.entity.trim_start_matches("microsoft.graph.")
        )))
    }

    fn literal(&self, rule: &PropRule, value: &Literal, op: &str) -> Result<(), FilterError> {
        let ok = match (rule.ty, value) {
            (_, Literal::Null) => matches!(op, "eq" | "ne"),
            (PropType::Str, Literal::Str(_)) => true,
            (PropType::Int, Literal::Int(_)) => true,
            (PropType::Bool, Literal::Bool(_)) => true,
            (PropType::Time, Literal::Time(_)) => true,
            (PropType::Enum(name, members), Literal::Enum { ty, member }) => {
                if !ty.eq_ignore_ascii_case(name) {
                    return Err(mismatch(name, ty, op));
                }
                if !members.contains(&member.as_str()) {
                    return Err(FilterError::new(format!(
                        "Invalid filter clause: The string '{member}' is not a valid enumeration type constant."
                    )));
                }
                true
            }
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(mismatch(rule.ty.edm(), &value.edm_type(), op))
        }
    }
}

/// Canonical path back into segments; inside a lambda the range variable leads.
fn split(canon: &str, scope: Option<&Scope>) -> Vec<String> {
    match scope {
        Some(s) => {
            let member = canon[s.collection.len()..].trim_start_matches("/any");
            let mut segs = vec![s.var.to_string()];
            segs.extend(
                member
                    .split('/')
                    .filter(|x| !x.is_empty())
                    .map(String::from),
            );
            segs
        }
        None => canon.split('/').map(String::from).collect(),
    }
}

fn mismatch(left: &str, right: &str, op: &str) -> FilterError {
    FilterError::new(format!(
        "Invalid filter clause: A binary operator with incompatible types was detected. Found operand types '{left}' and '{right}' for operator kind '{op}'."
    ))
}

#[cfg(test)]
mod tests {
    use super::ops::*;
    use super::*;
    use crate::odata::parser::parse_filter;

    const LEVELS: &[&str] = &[
        "low",
        "medium",
        "high",
        "hidden",
        "none",
        "unknownFutureValue",
    ];
    const SPEC: FilterSpec = FilterSpec {
        entity: "microsoft.graph.directoryAudit",
        props: &[
            rule("activityDisplayName", PropType::Str, EQ | STARTS),
            rule("activityDateTime", PropType::Time, EQ | RANGE),
            rule("targetResources/any/id", PropType::Str, EQ),
            rule(
                "riskLevel",
                PropType::Enum("microsoft.graph.riskLevel", LEVELS),
                EQ,
            ),
        ],
        directory: false,
    };
    const USERS: FilterSpec = FilterSpec {
        entity: "microsoft.graph.user",
        props: &[rule("displayName", PropType::Str, EQ | NE | STARTS | ENDS)],
        directory: true,
    };

    fn chk(spec: &FilterSpec, s: &str) -> Result<(Expr, FilterInfo), FilterError> {
        check(&parse_filter(s).unwrap(), spec)
    }

    #[test]
    fn accepts_documented_filters_and_canonicalizes_case() {
        let (e, info) = chk(
            &SPEC,
            "ActivityDisplayName eq 'Update user' and targetResources/any(t:t/ID eq 'u')",
        )
        .unwrap();
        assert_eq!(
            info.paths,
            vec!["activityDisplayName", "targetResources/any/id"]
        );
        let Expr::And(a, b) = e else { panic!() };
        assert!(
            matches!(*a, Expr::Cmp { ref path, .. } if path == &vec!["activityDisplayName".to_string()])
        );
        let Expr::Lambda { body, .. } = *b else {
            panic!()
        };
        assert!(
            matches!(*body, Expr::Cmp { ref path, .. } if path == &vec!["t".to_string(), "id".to_string()])
        );
        assert!(!info.advanced);
        chk(&SPEC, "riskLevel eq microsoft.graph.riskLevel'high'").unwrap();
        chk(&SPEC, "activityDateTime ge 2025-01-01T00:00:00Z").unwrap();
    }

    #[test]
    fn refuses_unsupported_properties_operators_and_types() {
        for bad in [
            "loggedByService eq 'x'",
            "activityDisplayName ne 'x'",
            "endswith(activityDisplayName,'x')",
            "not (activityDisplayName eq 'x')",
            "activityDisplayName gt 'x'",
            "riskLevel eq 'high'",
            "riskLevel eq microsoft.graph.riskState'high'",
            "riskLevel eq microsoft.graph.riskLevel'extreme'",
            "activityDateTime ge '2025-01-01'",
            "targetResources/any(t:t/displayName eq 'x')",
            "targetResources/all(t:t/id eq 'x')",
            "targetResources/any(t:x/id eq 'x')",
        ] {
            assert!(chk(&SPEC, bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn ge_le_only_properties_refuse_gt_and_lt() {
        const CREATED: FilterSpec = FilterSpec {
            entity: "microsoft.graph.user",
            props: &[rule("createdDateTime", PropType::Time, EQ | GE_LE)],
            directory: true,
        };
        for ok in [
            "createdDateTime ge 2025-01-01T00:00:00Z",
            "createdDateTime le 2025-01-01T00:00:00Z",
        ] {
            assert!(chk(&CREATED, ok).is_ok(), "{ok}");
        }
        for bad in [
            "createdDateTime gt 2025-01-01T00:00:00Z",
            "createdDateTime lt 2025-01-01T00:00:00Z",
        ] {
            assert!(chk(&CREATED, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn directory_advanced_operators_are_flagged() {
        let (_, info) = chk(&USERS, "displayName eq 'a'").unwrap();
        assert!(!info.advanced);
        for adv in [
            "displayName ne 'a'",
            "endswith(displayName,'a')",
            "not startswith(displayName,'a')",
        ] {
            assert!(chk(&USERS, adv).unwrap().1.advanced, "{adv}");
        }
    }
}
