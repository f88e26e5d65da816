//! Recursive-descent parser from `$filter` tokens to an [`Expr`] tree.
//!
//! Grammar (the subset Microsoft Graph supports, operators case-insensitive):
//! ```text
//! or      := and ('or' and)*
//! and     := unary ('and' unary)*
//! unary   := 'not' unary | primary
//! primary := '(' or ')' | func '(' path ',' literal ')' | path rest
//! rest    := cmp literal | 'in' '(' literal (',' literal)* ')' | '/' ('any'|'all') '(' var ':' or ')'
//! ```

use super::lexer::{tokenize, Spanned, Token};
use super::FilterError;
use crate::model::Time;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CmpOp {
    pub fn name(self) -> &'static str {
        match self {
            CmpOp::Eq => "eq",
            CmpOp::Ne => "ne",
            CmpOp::Gt => "gt",
            CmpOp::Ge => "ge",
            CmpOp::Lt => "lt",
            CmpOp::Le => "le",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    StartsWith,
    EndsWith,
    Contains,
}

impl Func {
    pub fn name(self) -> &'static str {
        match self {
            Func::StartsWith => "startsWith",
            Func::EndsWith => "endsWith",
            Func::Contains => "contains",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Guid(String),
    Time(Time),
    /// A typed enum literal: qualified type name and member.
    Enum {
        ty: String,
        member: String,
    },
}

impl Literal {
    /// The EDM type name used in Graph's type-mismatch messages.
    pub fn edm_type(&self) -> String {
        match self {
            Literal::Null => "null".into(),
            Literal::Bool(_) => "Edm.Boolean".into(),
            Literal::Int(_) => "Edm.Int32".into(),
            Literal::Float(_) => "Edm.Double".into(),
            Literal::Str(_) => "Edm.String".into(),
            Literal::Guid(_) => "Edm.Guid".into(),
            Literal::Time(_) => "Edm.DateTimeOffset".into(),
            Literal::Enum { ty, .. } => ty.clone(),
        }
    }
}

/// A property path: segments split on `/`. Inside a lambda the first segment may be the
/// range variable.
pub type Path = Vec<String>;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp {
        path: Path,
        op: CmpOp,
        value: Literal,
    },
    In {
        path: Path,
        values: Vec<Literal>,
    },
    Call {
        func: Func,
        path: Path,
        value: Literal,
    },
    /// `collection/any(var: body)`; `all` is parsed too so it can be refused by name.
    Lambda {
        collection: Path,
        all: bool,
        var: String,
        body: Box<Expr>,
    },
}

pub fn parse_filter(input: &str) -> Result<Expr, FilterError> {
    let tokens = tokenize(input)?;
    if tokens.is_empty() {
        return Err(FilterError::new(
            "Invalid filter clause: The $filter is empty.",
        ));
    }
    let mut p = Parser {
        input,
        tokens,
        pos: 0,
        depth: 0,
    };
    let expr = p.or_expr()?;
    if p.pos != p.tokens.len() {
        return Err(p.syntax_here());
    }
    Ok(expr)
}

struct Parser<'a> {
    input: &'a str,
    tokens: Vec<Spanned>,
    pos: usize,
    /// Nesting guard: a hostile filter of 10,000 parentheses must not overflow the stack.
    depth: usize,
}

const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|s| &s.token)
    }

    fn peek_at(&self, offset: usize) -> Option<&Token> {
        self.tokens.get(self.pos + offset).map(|s| &s.token)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).map(|s| s.token.clone());
        self.pos += 1;
        t
    }

    fn syntax_here(&self) -> FilterError {
        let at = self
            .tokens
            .get(self.pos)
            .map(|s| s.at)
            .unwrap_or(self.input.len());
        FilterError::syntax(at, self.input)
    }

    fn expect(&mut self, want: Token) -> Result<(), FilterError> {
        if self.peek() == Some(&want) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.syntax_here())
        }
    }

    fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Token::Ident(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn or_expr(&mut self) -> Result<Expr, FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError::new(
                "Invalid filter clause: The filter is nested too deeply.",
            ));
        }
        let mut left = self.and_expr()?;
        while self.keyword("or") {
            self.pos += 1;
            let right = self.and_expr()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FilterError> {
        if self.keyword("not") {
            self.pos += 1;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(FilterError::new(
                    "Invalid filter clause: The filter is nested too deeply.",
                ));
            }
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, FilterError> {
        if self.peek() == Some(&Token::LParen) {
            self.pos += 1;
            let e = self.or_expr()?;
            self.expect(Token::RParen)?;
            return Ok(e);
        }
        if let (Some(Token::Ident(name)), Some(Token::LParen)) = (self.peek(), self.peek_at(1)) {
            let func = match name.to_ascii_lowercase().as_str() {
                "startswith" => Some(Func::StartsWith),
                "endswith" => Some(Func::EndsWith),
                "contains" => Some(Func::Contains),
                _ => None,
            };
            let Some(func) = func else {
                return Err(FilterError::new(format!(
                    "Invalid filter clause: An unknown function with name '{name}' was found."
                )));
            };
            self.pos += 2;
            let path = self.path()?;
            self.expect(Token::Comma)?;
            let value = self.literal()?;
            self.expect(Token::RParen)?;
            return Ok(Expr::Call { func, path, value });
        }
        let path = self.path()?;
        self.after_path(path)
    }

    /// Segments separated by `/`, stopping before a lambda operator (`any(` / `all(`).
    fn path(&mut self) -> Result<Path, FilterError> {
        let mut segs = Vec::new();
        loop {
            match self.next() {
                Some(Token::Ident(s)) if !is_reserved(&s) => segs.push(s),
                _ => {
                    self.pos -= 1;
                    return Err(self.syntax_here());
                }
            }
            let lambda_next = matches!(self.peek_at(1), Some(Token::Ident(w)) if w == "any" || w == "all")
                && self.peek_at(2) == Some(&Token::LParen);
            if self.peek() == Some(&Token::Slash) && !lambda_next {
                self.pos += 1;
                continue;
            }
            return Ok(segs);
        }
    }

    fn after_path(&mut self, path: Path) -> Result<Expr, FilterError> {
        match self.next() {
            Some(Token::Slash) => {
                let all = match self.next() {
                    Some(Token::Ident(w)) => w == "all",
                    _ => false,
                };
                self.expect(Token::LParen)?;
                let var = match self.next() {
                    Some(Token::Ident(v)) if !is_reserved(&v) => v,
                    _ => {
                        self.pos -= 1;
                        return Err(self.syntax_here());
                    }
                };
                self.expect(Token::Colon)?;
                let body = self.or_expr()?;
                self.expect(Token::RParen)?;
                Ok(Expr::Lambda {
                    collection: path,
                    all,
                    var,
                    body: Box::new(body),
                })
            }
            Some(Token::Ident(op)) => {
                let cmp = match op.to_ascii_lowercase().as_str() {
                    "eq" => CmpOp::Eq,
                    "ne" => CmpOp::Ne,
                    "gt" => CmpOp::Gt,
                    "ge" => CmpOp::Ge,
                    "lt" => CmpOp::Lt,
                    "le" => CmpOp::Le,
                    "in" => return self.in_list(path),
                    _ => {
                        self.pos -= 1;
                        return Err(self.syntax_here());
                    }
                };
                let value = self.literal()?;
                Ok(Expr::Cmp {
                    path,
                    op: cmp,
                    value,
                })
            }
            _ => {
                self.pos -= 1;
                Err(self.syntax_here())
            }
        }
    }

    fn in_list(&mut self, path: Path) -> Result<Expr, FilterError> {
        self.expect(Token::LParen)?;
        let mut values = vec![self.literal()?];
        while self.peek() == Some(&Token::Comma) {
            self.pos += 1;
            values.push(self.literal()?);
        }
        self.expect(Token::RParen)?;
        Ok(Expr::In { path, values })
    }

    fn literal(&mut self) -> Result<Literal, FilterError> {
        let lit = match self.next() {
            Some(Token::Str(s)) => Literal::Str(s),
            Some(Token::Int(n)) => Literal::Int(n),
            Some(Token::Float(f)) => Literal::Float(f),
            Some(Token::DateTime(t)) => Literal::Time(t),
            Some(Token::Guid(g)) => Literal::Guid(g),
            Some(Token::Typed(ty, member)) => Literal::Enum { ty, member },
            Some(Token::Ident(w)) if w == "true" => Literal::Bool(true),
            Some(Token::Ident(w)) if w == "false" => Literal::Bool(false),
            Some(Token::Ident(w)) if w == "null" => Literal::Null,
            _ => {
                self.pos -= 1;
                return Err(self.syntax_here());
            }
        };
        Ok(lit)
    }
}

fn is_reserved(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "and"
            | "or"
            | "not"
            | "eq"
            | "ne"
            | "gt"
            | "ge"
            | "lt"
            | "le"
            | "in"
            | "true"
            | "false"
            | "null"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Expr {
        parse_filter(s).unwrap()
    }

    fn path(s: &str) -> Path {
        s.split('/').map(String::from).collect()
    }

    #[test]
    fn precedence_and_binds_tighter_than_or() {
        let e = p("a eq 1 or b eq 2 and c eq 3");
        let Expr::Or(l, r) = e else { panic!() };
        assert!(matches!(*l, Expr::Cmp { .. }));
        assert!(matches!(*r, Expr::And(..)));
    }

    #[test]
    fn parentheses_and_not() {
        let e = p("not (a eq 1 or b ne 'x')");
        let Expr::Not(inner) = e else { panic!() };
        assert!(matches!(*inner, Expr::Or(..)));
        let e = p("NOT startswith(displayName,'A')");
        assert!(matches!(e, Expr::Not(_)));
    }

    #[test]
    fn functions_lambdas_and_in() {
        assert_eq!(
            p("startswith(userPrincipalName, 'ceo')"),
            Expr::Call {
                func: Func::StartsWith,
                path: path("userPrincipalName"),
                value: Literal::Str("ceo".into())
            }
        );
        let e =
            p("targetResources/any(t:t/id eq 'u1') and activityDateTime ge 2025-03-01T00:00:00Z");
        let Expr::And(l, _) = e else { panic!() };
        let Expr::Lambda {
            collection,
            var,
            body,
            all,
        } = *l
        else {
            panic!()
        };
        assert_eq!(collection, path("targetResources"));
        assert_eq!(var, "t");
        assert!(!all);
        assert_eq!(
            *body,
            Expr::Cmp {
                path: path("t/id"),
                op: CmpOp::Eq,
                value: Literal::Str("u1".into())
            }
        );
        let e = p("signInEventTypes/any(t: t eq 'nonInteractiveUser')");
        assert!(matches!(e, Expr::Lambda { .. }));
        let e = p("id in ('a', 'b')");
        assert!(matches!(e, Expr::In { ref values, .. } if values.len() == 2));
        let e = p("initiatedBy/user/userPrincipalName eq 'x@y'");
        assert!(matches!(e, Expr::Cmp { ref path, .. } if path.len() == 3));
    }

    #[test]
    fn typed_enum_literal() {
        let e = p("riskLevel eq microsoft.graph.riskLevel'high'");
        assert_eq!(
            e,
            Expr::Cmp {
                path: path("riskLevel"),
                op: CmpOp::Eq,
                value: Literal::Enum {
                    ty: "microsoft.graph.riskLevel".into(),
                    member: "high".into()
                }
            }
        );
    }

    #[test]
    fn syntax_errors() {
        for bad in [
            "",
            "a eq",
            "a eq 1 and",
            "(a eq 1",
            "a eq 1)",
            "a foo 1",
            "eq eq 1",
            "frobnicate(a,'b')",
            "a/any(t t eq 1)",
            "a eq 1 b eq 2",
        ] {
            assert!(parse_filter(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("{}a eq 1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(parse_filter(&deep).is_err());
        let nots = format!("{}a eq 1", "not ".repeat(5000));
        assert!(parse_filter(&nots).is_err());
    }
}
