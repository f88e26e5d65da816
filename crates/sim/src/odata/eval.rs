//! Evaluating a checked `$filter` against entities without serializing them.
//!
//! Entities expose their filterable fields through [`Entity::field`]; nested objects come back
//! as [`Value::Obj`] so paths like `initiatedBy/user/userPrincipalName` walk real structs.
//! String comparisons are case-insensitive, as directory and report queries are.

use super::parser::{CmpOp, Expr, Func, Literal};
use crate::model::{ShortText, Time};
use std::cmp::Ordering;

/// A field's value as the filter sees it.
pub enum Value<'a> {
    Null,
    Str(&'a str),
    /// Text held compactly (a sign-in's GUIDs): compared as its text.
    Id(&'a ShortText),
    Int(i64),
    Bool(bool),
    Time(Time),
    List(Vec<Value<'a>>),
    Obj(&'a dyn Entity),
}

impl<'a> Value<'a> {
    pub fn opt_str<S: AsRef<str>>(s: &'a Option<S>) -> Self {
        s.as_ref().map_or(Value::Null, |s| Value::Str(s.as_ref()))
    }
    pub fn strs(list: &'a [String]) -> Self {
        Value::List(list.iter().map(|s| Value::Str(s)).collect())
    }
    pub fn opt_obj<T: Entity>(o: &'a Option<T>) -> Self {
        o.as_ref().map_or(Value::Null, |v| Value::Obj(v))
    }
}

/// Something a filter can be evaluated on. Unknown names answer [`Value::Null`]; the spec
/// check has already refused names the endpoint does not support.
pub trait Entity {
    fn field(&self, name: &str) -> Value<'_>;
}

/// True when `entity` satisfies `expr` (an expression that passed [`super::spec::check`]).
pub fn matches(expr: &Expr, entity: &dyn Entity) -> bool {
    eval(expr, entity, &[])
}

/// A bound lambda range variable.
type Binding<'a, 'b> = (&'b str, &'b Value<'a>);

fn eval(expr: &Expr, root: &dyn Entity, env: &[Binding<'_, '_>]) -> bool {
    match expr {
        Expr::And(a, b) => eval(a, root, env) && eval(b, root, env),
        Expr::Or(a, b) => eval(a, root, env) || eval(b, root, env),
        Expr::Not(inner) => !eval(inner, root, env),
        Expr::Cmp { path, op, value } => resolve(path, root, env, |v| compare(v, *op, value)),
        Expr::In { path, values } => resolve(path, root, env, |v| {
            values.iter().any(|lit| compare(v, CmpOp::Eq, lit))
        }),
        Expr::Call { func, path, value } => resolve(path, root, env, |v| call(*func, v, value)),
        Expr::Lambda {
            collection,
            all,
            var,
            body,
        } => resolve(collection, root, env, |v| match v {
            Value::List(items) => {
                let test = |item: &Value<'_>| {
                    let mut inner: Vec<Binding<'_, '_>> = env.to_vec();
                    inner.push((var.as_str(), item));
                    eval(body, root, &inner)
                };
                if *all {
                    items.iter().all(test)
                } else {
                    items.iter().any(test)
                }
            }
            _ => false,
        }),
    }
}

/// Walks `path` from the root (or a bound range variable) and hands the value to `f`.
fn resolve(
    path: &[String],
    root: &dyn Entity,
    env: &[Binding<'_, '_>],
    f: impl FnOnce(&Value<'_>) -> bool,
) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    if let Some((_, bound)) = env.iter().rev().find(|(name, _)| *name == first.as_str()) {
        return walk(bound, rest, f);
    }
    let start = root.field(first);
    walk(&start, rest, f)
}

fn walk(v: &Value<'_>, rest: &[String], f: impl FnOnce(&Value<'_>) -> bool) -> bool {
    match rest.split_first() {
        None => f(v),
        Some((seg, tail)) => match v {
            Value::Obj(o) => walk(&o.field(seg), tail, f),
            _ => walk(&Value::Null, tail, f),
        },
    }
}

fn compare(v: &Value<'_>, op: CmpOp, lit: &Literal) -> bool {
    if let Value::Id(id) = v {
        return compare(&Value::Str(&id.text()), op, lit);
    }
    let ord = match (v, lit) {
        (Value::Null, Literal::Null) => Some(Ordering::Equal),
        (_, Literal::Null) | (Value::Null, _) => None,
        (Value::Str(s), Literal::Str(l)) => Some(cmp_ci(s, l)),
        (Value::Str(s), Literal::Enum { member, .. }) => Some(cmp_ci(s, member)),
        (Value::Str(s), Literal::Guid(g)) => Some(cmp_ci(s, g)),
        (Value::Int(n), Literal::Int(l)) => Some(n.cmp(l)),
        (Value::Int(n), Literal::Float(l)) => (*n as f64).partial_cmp(l),
        (Value::Bool(b), Literal::Bool(l)) => Some(b.cmp(l)),
        (Value::Time(t), Literal::Time(l)) => Some(t.cmp(l)),
        _ => None,
    };
    match (op, ord) {
        (CmpOp::Eq, Some(o)) => o == Ordering::Equal,
        (CmpOp::Ne, Some(o)) => o != Ordering::Equal,
        // `x ne null` on a null-free value, and `null ne 'a'`, are true.
        (CmpOp::Ne, None) => true,
        (CmpOp::Gt, Some(o)) => o == Ordering::Greater,
        (CmpOp::Ge, Some(o)) => o != Ordering::Less,
        (CmpOp::Lt, Some(o)) => o == Ordering::Less,
        (CmpOp::Le, Some(o)) => o != Ordering::Greater,
        (_, None) => false,
    }
}

fn call(func: Func, v: &Value<'_>, lit: &Literal) -> bool {
    if let Value::Id(id) = v {
        return call(func, &Value::Str(&id.text()), lit);
    }
    let (Value::Str(s), Literal::Str(needle)) = (v, lit) else {
        return false;
    };
    let hay = s.to_lowercase();
    let needle = needle.to_lowercase();
    match func {
        Func::StartsWith => hay.starts_with(&needle),
        Func::EndsWith => hay.ends_with(&needle),
        Func::Contains => hay.contains(&needle),
    }
}

fn cmp_ci(a: &str, b: &str) -> Ordering {
    if a.eq_ignore_ascii_case(b) {
        return Ordering::Equal;
    }
    a.to_lowercase().cmp(&b.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata::parser::parse_filter;

    struct Target {
        id: String,
        upn: Option<String>,
    }
    impl Entity for Target {
        fn field(&self, name: &str) -> Value<'_> {
            match name {
                "id" => Value::Str(&self.id),
                "userPrincipalName" => Value::opt_str(&self.upn),
                _ => Value::Null,
            }
        }
    }
    struct Rec {
        name: String,
        when: Time,
        code: i64,
        ok: bool,
        tags: Vec<String>,
        targets: Vec<Target>,
    }
    impl Entity for Rec {
        fn field(&self, name: &str) -> Value<'_> {
            match name {
                "name" => Value::Str(&self.name),
                "when" => Value::Time(self.when),
                "code" => Value::Int(self.code),
                "ok" => Value::Bool(self.ok),
                "tags" => Value::strs(&self.tags),
                "targets" => Value::List(self.targets.iter().map(|t| Value::Obj(t)).collect()),
                _ => Value::Null,
            }
        }
    }

    fn rec() -> Rec {
        Rec {
            name: "Update User".into(),
            when: "2025-03-02T10:00:00Z".parse().unwrap(),
            code: 50126,
            ok: false,
            tags: vec!["interactiveUser".into()],
            targets: vec![
                Target {
                    id: "u1".into(),
                    upn: None,
                },
                Target {
                    id: "u2".into(),
                    upn: Some("ceo@contoso.com".into()),
                },
            ],
        }
    }

    fn m(f: &str) -> bool {
        matches(&parse_filter(f).unwrap(), &rec())
    }

    #[test]
    fn comparisons() {
        assert!(m("name eq 'update user'"));
        assert!(!m("name eq 'Update'"));
        assert!(m("name ne 'x'"));
        assert!(m("code eq 50126 and ok eq false"));
        assert!(m("when ge 2025-03-01T00:00:00Z and when le 2025-03-03"));
        assert!(!m("when gt 2025-03-02T10:00:00Z"));
        assert!(m("when ge 2025-03-02T10:00:00Z"));
        assert!(m("name in ('a', 'UPDATE USER')"));
        assert!(m("missing eq null"));
        assert!(!m("missing eq 'x'"));
    }

    #[test]
    fn functions_and_logic() {
        assert!(m("startswith(name,'upd')"));
        assert!(m("endswith(name,'USER')"));
        assert!(m("not startswith(name,'x') and (code eq 1 or ok eq false)"));
        assert!(!m("not (name eq 'Update User')"));
    }

    #[test]
    fn lambdas_bind_the_range_variable() {
        assert!(m("targets/any(t:t/id eq 'u2')"));
        assert!(!m("targets/any(t:t/id eq 'u3')"));
        assert!(m("targets/any(t:t/userPrincipalName eq 'CEO@contoso.com')"));
        assert!(m("tags/any(t: t eq 'interactiveUser')"));
        assert!(!m("tags/any(t: t eq 'nonInteractiveUser')"));
        assert!(m("targets/all(t: startswith(t/id, 'u'))"));
    }
}
