//! Objects read field by field from their JSON value: the wire objects, the schemes' proofs, the
//! facilitator's answers, the server's route table and options, the client's payment options. A
//! serde derive per type is a deserializer of its own in the module (and, with `flatten`, a
//! buffer of the whole input); these few functions serve them all. `null` reads as absent for the
//! `optional_*` fields; a field that may be absent but is not optional (`string_or_empty`,
//! `present`) takes it as written.

use alloy_primitives::U256;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::json::Repeats;
use crate::wire::decimal;

/// The fields of one JSON object, taken one by one.
pub(crate) struct Fields<'a> {
    what: &'static str,
    at: std::borrow::Cow<'a, str>,
    map: Map<String, Value>,
    /// The names asked for so far: the fields the object may have.
    asked: Vec<&'static str>,
}

impl<'a> Fields<'a> {
    /// The fields of `value`, an object; errors are [`Error::Json`] about `what`, their detail
    /// starting with `at` (say, the route they are in).
    pub(crate) fn of(
        what: &'static str,
        at: impl Into<std::borrow::Cow<'a, str>>,
        value: Value,
    ) -> Result<Self> {
        let at = at.into();
        match value {
            Value::Object(map) => Ok(Fields { what, at, map, asked: Vec::new() }),
            other => Err(Fields { what, at, map: Map::new(), asked: Vec::new() }
                .error(format!("{} where an object belongs", kind(&other)))),
        }
    }

    /// The list `name`, which must be there, of objects each read by `read`.
    pub(crate) fn objects<T>(
        &mut self,
        name: &'static str,
        read: impl Fn(Fields<'static>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let items = self.list(name)?;
        read_each(self.what, &format!("{}{name}", self.at), items, read)
    }

    /// The fields of the object `name`, which must be there.
    pub(crate) fn nested(&mut self, name: &'static str) -> Result<Fields<'static>> {
        let value = self.required(name)?;
        self.inner(name, value)
    }

    /// The fields of `value`, the object at `name` inside these (`name` may be `list[3]`).
    pub(crate) fn inner(&self, name: &str, value: Value) -> Result<Fields<'static>> {
        Fields::of(self.what, format!("{}{name}: ", self.at), value)
    }

    /// The field `name`, which must be there.
    pub(crate) fn required(&mut self, name: &'static str) -> Result<Value> {
        self.present(name).ok_or_else(|| self.error(format!("missing field `{name}`")))
    }

    /// The field `name`, if it is there and not `null`.
    pub(crate) fn optional(&mut self, name: &'static str) -> Option<Value> {
        self.present(name).filter(|v| !v.is_null())
    }

    /// The field `name` as it is written, left in place (a field already taken reads `null`).
    pub(crate) fn peek(&self, name: &str) -> Option<&Value> {
        self.map.get(name)
    }

    /// The field `name` as it is written, `null` included.
    pub(crate) fn present(&mut self, name: &'static str) -> Option<Value> {
        if self.asked.contains(&name) {
            return None;
        }
        self.asked.push(name);
        // Taken in place, not removed: removing would hash again and move the fields after it
        // (a swap would reorder them); `rest` and `deny_others` skip the names asked.
        self.map.get_mut(name).map(std::mem::take)
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

    /// The string `name`, `""` when absent (`null` is not a string).
    pub(crate) fn string_or_empty(&mut self, name: &'static str) -> Result<String> {
        match self.present(name) {
            None => Ok(String::new()),
            Some(v) => self.read(name, v, "a string", as_string),
        }
    }

    /// The canonical decimal string `name` ([`decimal::parse`]), which must be there.
    pub(crate) fn decimal(&mut self, name: &'static str) -> Result<U256> {
        let digits = self.string(name)?;
        decimal::parse(&digits).map_err(|why| self.error(format!("`{name}`: {why}")))
    }

    /// The whole number `name` (at least zero), which must be there.
    pub(crate) fn u64(&mut self, name: &'static str) -> Result<u64> {
        let value = self.required(name)?;
        self.read(name, value, "a whole number", |v| v.as_u64())
    }

    /// The object `name`, which must be there.
    pub(crate) fn object(&mut self, name: &'static str) -> Result<Map<String, Value>> {
        let value = self.required(name)?;
        self.read(name, value, "an object", as_object)
    }

    /// The list `name`, which must be there.
    pub(crate) fn list(&mut self, name: &'static str) -> Result<Vec<Value>> {
        let value = self.required(name)?;
        self.read(name, value, "a list", as_list)
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
        self.optional(name).map(|v| self.read(name, v, "a list", as_list)).transpose()
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
        self.optional(name).map(|v| self.read(name, v, "an object", as_object)).transpose()
    }

    /// The boolean `name`, which must be there.
    pub(crate) fn boolean(&mut self, name: &'static str) -> Result<bool> {
        let value = self.required(name)?;
        self.read(name, value, "a boolean", |v| v.as_bool())
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

    /// The fields not asked for, in the order they were written: the object is done.
    pub(crate) fn rest(mut self) -> Map<String, Value> {
        let asked = std::mem::take(&mut self.asked);
        self.map.retain(|k, _| !asked.contains(&k.as_str()));
        self.map
    }

    /// Refuses a field not asked for: the object is done.
    pub(crate) fn deny_others(self) -> Result<()> {
        match self.map.keys().find(|k| !self.asked.contains(&k.as_str())) {
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

    /// An error about these fields.
    pub(crate) fn error(&self, why: String) -> Error {
        Error::Json { what: self.what, detail: format!("{}{why}", self.at) }
    }
}

/// Reads a scheme's `payload` object with `read`; the error is the detail alone, for the reason
/// the scheme gives it.
pub(crate) fn read_proof<T>(
    proof: &Map<String, Value>,
    read: impl FnOnce(Fields<'static>) -> Result<T>,
) -> std::result::Result<T, String> {
    Fields::of("payload", "", Value::Object(proof.clone())).and_then(read).map_err(|e| match e {
        Error::Json { detail, .. } => detail,
        other => other.to_string(),
    })
}

/// Parses `json` and refuses an object naming a key twice, at any depth ([`Error::Json`] about
/// `what`): a payment is read one way only, never first- or last-wins. Where `JSON.parse` differs,
/// this refuses: a lone surrogate escape (`"\ud800"`), a number beyond f64 (`1e400`, Infinity to
/// JS), nesting deeper than 127. And `2.0` is not a whole number, which a whole-number field
/// refuses (JS reads it as 2).
pub(crate) fn parse(what: &'static str, json: &str) -> Result<Value> {
    crate::json::read(json, Repeats::Refused).map_err(|e| Error::json(what, e))
}

/// Parses `json` as `JSON.parse` does, a key named twice keeping its last value ([`Error::Json`]
/// about `what`): for what is not a payment (options, answers, terms to choose from).
pub(crate) fn parse_lenient(what: &'static str, json: &str) -> Result<Value> {
    crate::json::read(json, Repeats::LastWins).map_err(|e| Error::json(what, e))
}

/// The items of `value`, a list of objects, each read by `read`; errors are [`Error::Json`] about
/// `what`, an item's starting with its index.
pub(crate) fn objects<T>(
    what: &'static str,
    value: Value,
    read: impl Fn(Fields<'static>) -> Result<T>,
) -> Result<Vec<T>> {
    read_each(what, "", list(what, value)?, read)
}

/// Each of `items`, an object at `at[i]`, read by `read`.
fn read_each<T>(
    what: &'static str,
    at: &str,
    items: Vec<Value>,
    read: impl Fn(Fields<'static>) -> Result<T>,
) -> Result<Vec<T>> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| read(Fields::of(what, format!("{at}[{i}]: "), item)?))
        .collect()
}

/// The items of `value`, a list; the error is [`Error::Json`] about `what`.
pub(crate) fn list(what: &'static str, value: Value) -> Result<Vec<Value>> {
    let found = kind(&value);
    as_list(value)
        .ok_or_else(|| Error::Json { what, detail: format!("{found} where a list belongs") })
}

/// The strings of `value`, a list of strings; the error is [`Error::Json`] about `what`.
pub(crate) fn strings(what: &'static str, value: Value) -> Result<Vec<String>> {
    let found = kind(&value);
    as_list(value).and_then(|items| items.into_iter().map(as_string).collect()).ok_or_else(|| {
        Error::Json { what, detail: format!("{found} where a list of strings belongs") }
    })
}

fn as_string(value: Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        _ => None,
    }
}

fn as_object(value: Value) -> Option<Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

fn as_list(value: Value) -> Option<Vec<Value>> {
    match value {
        Value::Array(items) => Some(items),
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
