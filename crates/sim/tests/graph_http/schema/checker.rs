//! Checks served JSON against the extracted schema: property names per type (bases
//! included), EDM primitive types, enum members, nested complex types, polymorphic
//! `@odata.type` within the declared type's hierarchy.

use serde_json::{Map, Value};

pub struct Schema<'a> {
    pub root: &'a Value,
}

pub struct Report {
    pub errors: Vec<String>,
    pub checked: usize,
    /// Sample data has every collection filled; generated data may not.
    pub allow_empty: bool,
}

impl Report {
    pub fn new(allow_empty: bool) -> Report {
        Report {
            errors: Vec::new(),
            checked: 0,
            allow_empty,
        }
    }
}

impl Schema<'_> {
    pub fn ty(&self, name: &str) -> Option<&Map<String, Value>> {
        self.root["types"][name].as_object()
    }

    pub fn is_a(&self, actual: &str, declared: &str) -> bool {
        let mut cur = Some(actual.to_string());
        while let Some(t) = cur {
            if t == declared {
                return true;
            }
            cur = self
                .ty(&t)
                .and_then(|d| d["base"].as_str())
                .map(String::from);
        }
        false
    }

    /// The property's declared type (`Ok(None)` = known name, type not in the lists).
    pub fn property(&self, ty: &str, name: &str) -> Result<Option<String>, ()> {
        let mut cur = Some(ty.to_string());
        while let Some(t) = cur {
            let def = self.ty(&t).ok_or(())?;
            for section in ["properties", "navigation"] {
                if let Some(p) = def[section].get(name) {
                    return Ok(p.as_str().map(String::from));
                }
            }
            cur = def["base"].as_str().map(String::from);
        }
        Err(())
    }

    pub fn check_object(
        &self,
        obj: &Map<String, Value>,
        declared: &str,
        path: &str,
        r: &mut Report,
    ) {
        let actual = obj
            .get("@odata.type")
            .and_then(Value::as_str)
            .map(|t| t.trim_start_matches('#').to_string())
            .unwrap_or_else(|| declared.to_string());
        if self.ty(&actual).is_none() || !self.is_a(&actual, declared) {
            r.errors.push(format!(
                "{path}: type {actual} is not a {declared} in the schema"
            ));
            return;
        }
        for (k, v) in obj {
            if k.starts_with('@') {
                continue;
            }
            match self.property(&actual, k) {
                Err(()) => r
                    .errors
                    .push(format!("{path}: {actual} has no property '{k}'")),
                Ok(Some(t)) => self.check_value(v, &t, &format!("{path}.{k}"), r),
                Ok(None) => r.checked += 1,
            }
        }
    }

    pub fn check_value(&self, v: &Value, ty: &str, path: &str, r: &mut Report) {
        r.checked += 1;
        if v.is_null() {
            return;
        }
        if let Some(inner) = ty
            .strip_prefix("Collection(")
            .and_then(|t| t.strip_suffix(')'))
        {
            match v.as_array() {
                Some(items) => items
                    .iter()
                    .enumerate()
                    .for_each(|(i, x)| self.check_value(x, inner, &format!("{path}[{i}]"), r)),
                None => r.errors.push(format!("{path}: expected {ty}, got {v}")),
            }
            return;
        }
        let ok = match ty {
            "Edm.String" | "Edm.Binary" | "Edm.Duration" | "Edm.TimeOfDay" => v.is_string(),
            "Edm.Boolean" => v.is_boolean(),
            "Edm.Int16" | "Edm.Int32" | "Edm.Int64" | "Edm.Byte" => v.is_i64() || v.is_u64(),
            "Edm.Double" | "Edm.Single" | "Edm.Decimal" => v.is_number(),
            "Edm.DateTimeOffset" => v
                .as_str()
                .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()),
            "Edm.Date" => v
                .as_str()
                .is_some_and(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()),
            "Edm.Guid" => v.as_str().is_some_and(|s| uuid::Uuid::parse_str(s).is_ok()),
            _ => {
                if let Some(members) = self.root["enums"][ty]["members"].as_array() {
                    v.as_str().is_some_and(|s| {
                        s.split(',').all(|m| members.iter().any(|x| x == m.trim()))
                    })
                } else if self.ty(ty).is_some() {
                    match v.as_object() {
                        Some(o) => {
                            self.check_object(o, ty, path, r);
                            true
                        }
                        None => false,
                    }
                } else {
                    r.errors
                        .push(format!("{path}: type {ty} is not in the extract"));
                    true
                }
            }
        };
        if !ok {
            r.errors.push(format!("{path}: {v} is not a valid {ty}"));
        }
    }

    /// A served body: a collection (`value`) of `ty`, or one `ty`.
    pub fn check_body(&self, body: &Value, ty: &str, path: &str, r: &mut Report) {
        assert!(
            body["@odata.context"].is_string(),
            "{path}: no @odata.context in {body}"
        );
        match body.get("value").and_then(Value::as_array) {
            Some(items) => {
                assert!(
                    r.allow_empty || !items.is_empty(),
                    "{path}: empty collection proves nothing"
                );
                for (i, item) in items.iter().enumerate() {
                    match item.as_object() {
                        Some(o) => self.check_object(o, ty, &format!("{path}[{i}]"), r),
                        None => r.errors.push(format!("{path}[{i}]: not an object")),
                    }
                }
            }
            None => match body.as_object() {
                Some(o) => self.check_object(o, ty, path, r),
                None => r.errors.push(format!("{path}: not an object")),
            },
        }
    }
}
