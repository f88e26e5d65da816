//! OData query options as Microsoft Graph implements them: a real `$filter` parser
//! (tokenizer, recursive descent, per-endpoint support check, evaluator), the other system
//! query options with their ConsistencyLevel rules, and opaque skip-token paging.

pub mod eval;
pub mod expand;
pub mod lexer;
pub mod paging;
pub mod parser;
pub mod query;
pub mod spec;

pub use eval::{Entity, Value};
pub use paging::{Page, PageToken};
pub use parser::{parse_filter, Expr};
pub use query::{Caps, Query};
pub use spec::{ops, rule, FilterSpec, PropType};

use super::error::GraphError;

/// A `$filter` that cannot be served: a syntax error (`Request_BadRequest`) or something the
/// endpoint does not support (`Request_UnsupportedQuery`).
#[derive(Debug, Clone, PartialEq)]
pub struct FilterError {
    pub message: String,
    pub unsupported: bool,
}

impl FilterError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            unsupported: false,
        }
    }
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            unsupported: true,
        }
    }
    pub fn syntax(at: usize, input: &str) -> Self {
        Self::new(format!(
            "Invalid filter clause: Syntax error at position {at} in '{input}'."
        ))
    }
}

impl From<FilterError> for GraphError {
    fn from(e: FilterError) -> Self {
        if e.unsupported {
            GraphError::unsupported_query(e.message)
        } else {
            GraphError::bad_request(e.message)
        }
    }
}
