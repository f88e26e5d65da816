//! `$expand`: navigation properties, each optionally with a nested `$select`
//! (`manager($select=id,displayName),roleDefinition`); other nested options are refused.

use super::query::{find_prop, Caps};
use crate::error::GraphError;

/// Navigation properties, each optionally with a nested `$select`:
/// `manager($select=id,displayName),roleDefinition`.
pub type Expansion = (Vec<String>, Vec<(String, Vec<String>)>);

pub fn parse_expand(value: &str, caps: &Caps) -> Result<Expansion, GraphError> {
    let mut names = Vec::new();
    let mut selects = Vec::new();
    for item in split_top_level(value) {
        let item = item.trim();
        let (name, options) = match item.split_once('(') {
            Some((n, rest)) => {
                let inner = rest.strip_suffix(')').ok_or_else(|| {
                    GraphError::bad_request(format!("Syntax error in $expand: '{item}'."))
                })?;
                (n.trim(), Some(inner))
            }
            None => (item, None),
        };
        let canon = find_prop(caps.expand, name).ok_or_else(|| {
            GraphError::bad_request(format!(
                "Could not find a navigation property named '{name}' on type '{}'.",
                caps.entity
            ))
        })?;
        if let Some(options) = options {
            let (key, list) = options.split_once('=').unwrap_or((options, ""));
            if !key.trim().eq_ignore_ascii_case("$select") {
                return Err(GraphError::unsupported_query(format!(
                    "Query option '{}' is not supported inside $expand.",
                    key.trim()
                )));
            }
            let props: Vec<String> = list
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            if props.is_empty() {
                return Err(GraphError::bad_request(
                    "Invalid $select: empty property name.",
                ));
            }
            selects.push((canon.to_string(), props));
        }
        names.push(canon.to_string());
    }
    Ok((names, selects))
}

/// Splits on commas outside parentheses.
fn split_top_level(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in value.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&value[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPS: Caps = Caps {
        entity: "microsoft.graph.user",
        expand: &["manager", "roleDefinition"],
        ..Caps::NONE
    };

    #[test]
    fn names_and_nested_selects() {
        let (names, selects) =
            parse_expand("Manager($select=id, displayName),roleDefinition", &CAPS).unwrap();
        assert_eq!(names, ["manager", "roleDefinition"]);
        assert_eq!(
            selects,
            [(
                "manager".to_string(),
                vec!["id".to_string(), "displayName".to_string()]
            )]
        );
        for bad in [
            "directReports",
            "manager($top=1)",
            "manager($select=)",
            "manager(x",
        ] {
            assert!(parse_expand(bad, &CAPS).is_err(), "{bad}");
        }
    }
}
