//! Options objects read field by field from their JSON value: the server's route table and the
//! client's payment options. A serde derive per options type is a deserializer of its own in the
//! module, for an object read once per table or client; these few functions serve them all.
//! `null` reads as an absent field wherever a field may be absent.

use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The fields of one JSON object, taken one by one.
pub(crate) struct Fields<'a> {
    what: &'static str,
    at: &'a str,
    map: Map<String, Value>,
    /// The names asked for so far: the fields the object may have.
    asked: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    /// The fields of `value`, an object; errors are [`Error::Json`] about `what`, their detail
    /// starting with `at` (say, the route they are in).
    pub(crate) fn of(what: &'static str, at: &'a str, value: Value) -> Result<Self> {
        match value {
            Value::Object(map) => Ok(Fields { what, at, map, asked: Vec::new() }),
            other => Err(Fields { what, at, map: Map::new(), asked: Vec::new() }
                .error(format!("{} where an object belongs", kind(&other)))),
        }
    }

    /// The field `name`, which must be there.
    pub(crate) fn required(&mut self, name: &'static str) -> Result<Value> {
        self.present(name).ok_or_else(|| self.error(format!("missing field `{name}`")))
    }

    /// The field `name`, if it is there and not `null`.
    pub(crate) fn optional(&mut self, name: &'static str) -> Option<Value> {
        self.present(name).filter(|v| !v.is_null())
    }

    /// The field `name` as it is written, `null` included.
    pub(crate) fn present(&mut self, name: &'static str) -> Option<Value> {
        self.asked.push(name);
        self.map.remove(name)
    }

    /// The string `name`, or under its other name `alias`, if there; both is an error.
    pub(crate) fn optional_string_or(
        &mut self,
        name: &'static str,
        alias: &'static str,
    ) -> Result<Option<String>> {
        match (self.present(name), self.present(alias)) {
            (Some(_), Some(_)) => {
                Err(self.error(format!("duplicate field `{name}` (`{alias}` is its other name)")))
            }
            (value, other) => match value.or(other).filter(|v| !v.is_null()) {
                None => Ok(None),
                Some(v) => self.read(name, v, "a string", as_string).map(Some),
            },
        }
    }

    /// The string `name`, which must be there.
    pub(crate) fn string(&mut self, name: &'static str) -> Result<String> {
        let value = self.required(name)?;
        self.read(name, value, "a string", as_string)
    }

    /// The string `name`, if there.
    pub(crate) fn optional_string(&mut self, name: &'static str) -> Result<Option<String>> {
        self.optional(name).map(|v| self.read(name, v, "a string", as_string)).transpose()
    }

    /// The list of strings `name`, if there.
    pub(crate) fn optional_strings(&mut self, name: &'static str) -> Result<Option<Vec<String>>> {
        let read = |v| match v {
            Value::Array(items) => items.into_iter().map(as_string).collect(),
            _ => None,
        };
        self.optional(name).map(|v| self.read(name, v, "a list of strings", read)).transpose()
    }

    /// The list `name`, if there.
    pub(crate) fn optional_list(&mut self, name: &'static str) -> Result<Option<Vec<Value>>> {
        let read = |v| match v {
            Value::Array(items) => Some(items),
            _ => None,
        };
        self.optional(name).map(|v| self.read(name, v, "a list", read)).transpose()
    }

    /// The whole number `name` (at least zero), if there.
    pub(crate) fn optional_u64(&mut self, name: &'static str) -> Result<Option<u64>> {
        let read = |v: Value| v.as_u64();
        self.optional(name).map(|v| self.read(name, v, "a whole number", read)).transpose()
    }

    /// The object `name`, if there.
    pub(crate) fn optional_object(
        &mut self,
        name: &'static str,
    ) -> Result<Option<Map<String, Value>>> {
        let read = |v| match v {
            Value::Object(map) => Some(map),
            _ => None,
        };
        self.optional(name).map(|v| self.read(name, v, "an object", read)).transpose()
    }

    /// The boolean `name`; absent is false.
    pub(crate) fn flag(&mut self, name: &'static str) -> Result<bool> {
        let read = |v: Value| v.as_bool();
        Ok(self
            .optional(name)
            .map(|v| self.read(name, v, "a boolean", read))
            .transpose()?
            .unwrap_or(false))
    }

    /// Refuses a field not asked for: the object is done.
    pub(crate) fn deny_others(self) -> Result<()> {
        match self.map.keys().next() {
            None => Ok(()),
            Some(name) => Err(self.error(format!(
                "unknown field `{name}`, expected one of {}",
                self.asked.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// `value` of field `name` as `read` takes it, or an error saying it is not `expected`.
    fn read<T>(
        &self,
        name: &str,
        value: Value,
        expected: &str,
        read: impl FnOnce(Value) -> Option<T>,
    ) -> Result<T> {
        let found = kind(&value);
        read(value).ok_or_else(|| self.error(format!("`{name}` is {found}, expected {expected}")))
    }

    fn error(&self, why: String) -> Error {
        Error::Json { what: self.what, detail: format!("{}{why}", self.at) }
    }
}

fn as_string(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// What a JSON value is, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Value) -> Fields<'static> {
        Fields::of("options", "", value).unwrap()
    }

    #[test]
    fn reads_fields_as_serde_reads_them_and_says_which_is_wrong() {
        let mut f =
            fields(json!({"a": "x", "n": 7, "z": null, "l": ["p", "q"], "o": {}, "b": true}));
        assert_eq!(f.string("a").unwrap(), "x");
        assert_eq!(f.optional_u64("n").unwrap(), Some(7));
        assert_eq!(f.optional_string("z").unwrap(), None, "null is absent");
        assert_eq!(f.optional_strings("l").unwrap(), Some(vec!["p".into(), "q".into()]));
        assert_eq!(fields(json!({"l": [1]})).optional_list("l").unwrap(), Some(vec![json!(1)]));
        assert!(f.optional_object("o").unwrap().is_some());
        assert!(f.flag("b").unwrap());
        assert!(!f.flag("missing").unwrap());
        assert!(f.deny_others().is_ok());

        let message = |e: Error| e.to_string();
        let mut f = fields(json!({"n": -1, "s": 5, "l": ["p", 1]}));
        assert!(message(f.optional_u64("n").unwrap_err())
            .contains("`n` is a number, expected a whole number"));
        assert!(message(f.string("s").unwrap_err()).contains("`s` is a number, expected a string"));
        assert!(f.optional_strings("l").is_err());
        assert!(message(f.string("gone").unwrap_err()).contains("missing field `gone`"));
        assert!(Fields::of("options", "", json!([1])).is_err());

        let mut f = fields(json!({"typo": 1, "cap": "1", "max": "2"}));
        assert_eq!(f.optional_string("right").unwrap(), None);
        let e = f.optional_string_or("cap", "max").unwrap_err();
        assert_eq!(e.code(), "invalid_json");
        assert!(message(e).contains("duplicate field `cap`"));
        let e = f.deny_others().unwrap_err();
        assert_eq!(e.code(), "invalid_json");
        assert!(message(e).contains("unknown field `typo`, expected one of `right`, `cap`, `max`"));
        let mut f = fields(json!({"max": "2"}));
        assert_eq!(f.optional_string_or("cap", "max").unwrap().as_deref(), Some("2"));
    }
}
