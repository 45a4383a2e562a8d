//! JSON text to and from [`serde_json::Value`]: a strict reader and a compact writer.
//!
//! serde_json keeps the value types, `to_value` and its serializer ([`to_string`]); its reader,
//! monomorphized per visitor and per type, and the float code are not linked into the wasm (the
//! EVM client module is 10.8 % smaller in gzip for it; README, "Speed and size levers"). The
//! reader accepts what serde_json's accepts and reads it to the same value, with its limits (an
//! array or object 128 deep), its refusals (a lone surrogate escape, a number past f64) and one
//! choice of the caller's: a key named twice in an object is refused or kept last ([`Repeats`]).
//! The writer writes what serde_json's compact writer does, byte for byte, but for floats in
//! wasm, which it writes as JS does ([`number`]).

use serde_json::{map::Entry, Map, Number, Value};

/// What a key named twice in one object does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeats {
    /// The object is refused: what a payment is read with, so it is read one way only.
    Refused,
    /// The last value is kept, in the first one's place, as `JSON.parse` and serde_json do.
    LastWins,
}

/// Why JSON text was refused, with the line and column where it was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError(String);

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The value of `text`, one JSON value with whitespace around it.
pub(crate) fn read(text: &str, repeats: Repeats) -> Result<Value, SyntaxError> {
    let mut reader = Reader { text, at: 0, depth: 0, repeats };
    let value = reader.value()?;
    reader.skip_whitespace();
    match reader.at == text.len() {
        true => Ok(value),
        false => Err(reader.error("trailing characters")),
    }
}

/// The compact JSON text of `value`, as serde_json writes it (floats in wasm as JS does: [`number`]).
pub(crate) fn write(value: &Value) -> String {
    let mut out = String::new();
    write_into(value, &mut out);
    out
}

/// The compact JSON text of anything serializable, written by serde_json's serializer in one
/// pass (no [`Value`] tree between): serde_json's bytes, but for floats in wasm ([`number`]).
pub(crate) fn to_string<T: serde::Serialize + ?Sized>(
    value: &T,
) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(256);
    value.serialize(&mut serde_json::Serializer::with_formatter(&mut out, Compact))?;
    // serde_json writes UTF-8 only; the check keeps this crate free of `unsafe`.
    String::from_utf8(out).map_err(|_| serde::ser::Error::custom("output is not UTF-8"))
}

/// Natively, serde_json's compact formatter itself.
#[cfg(not(target_arch = "wasm32"))]
use serde_json::ser::CompactFormatter as Compact;

/// serde_json's compact formatter, with floats in wasm written as JS writes them ([`number`]).
#[cfg(target_arch = "wasm32")]
struct Compact;

#[cfg(target_arch = "wasm32")]
impl serde_json::ser::Formatter for Compact {
    fn write_f32<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        f: f32,
    ) -> std::io::Result<()> {
        // As a `Value` holds it: the f64 of the same number.
        out.write_all(float(f64::from(f)).as_bytes())
    }

    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        out: &mut W,
        f: f64,
    ) -> std::io::Result<()> {
        out.write_all(float(f).as_bytes())
    }
}

/// serde_json's nesting limit: an array or object 128 deep is refused.
const MAX_DEPTH: u32 = 127;

struct Reader<'a> {
    text: &'a str,
    at: usize,
    depth: u32,
    repeats: Repeats,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek();
        self.at += usize::from(byte.is_some());
        byte
    }

    fn eat(&mut self, byte: u8) -> bool {
        let here = self.peek() == Some(byte);
        self.at += usize::from(here);
        here
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// `message` at the byte before the reader's position (the one that was refused).
    fn error(&self, message: &str) -> SyntaxError {
        let seen = &self.text.as_bytes()[..self.at.min(self.text.len())];
        let line = seen.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = seen.len() - seen.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        SyntaxError(format!("{message} at line {line} column {column}"))
    }

    fn value(&mut self) -> Result<Value, SyntaxError> {
        self.skip_whitespace();
        match self.peek() {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => {
                self.at += 1;
                self.string().map(Value::String)
            }
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'n') => self.word("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => {
                self.at += 1;
                Err(self.error("expected value"))
            }
        }
    }

    fn nested(
        &mut self,
        read: fn(&mut Self) -> Result<Value, SyntaxError>,
    ) -> Result<Value, SyntaxError> {
        self.at += 1;
        if self.depth == MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.depth += 1;
        let value = read(self);
        self.depth -= 1;
        value
    }

    /// The byte `byte` next: else the error `wrong` (another byte) or `eof` (the end).
    fn expect(&mut self, byte: u8, wrong: &str, eof: &str) -> Result<(), SyntaxError> {
        match self.next() {
            Some(b) if b == byte => Ok(()),
            Some(_) => Err(self.error(wrong)),
            None => Err(self.error(eof)),
        }
    }

    /// After an item of a list or object: `,` (another follows) or `close` (the last, `true`).
    fn after_item(&mut self, close: u8, wrong: &str, eof: &str) -> Result<bool, SyntaxError> {
        self.skip_whitespace();
        match self.next() {
            Some(b',') => Ok(false),
            Some(b) if b == close => Ok(true),
            Some(_) => Err(self.error(wrong)),
            None => Err(self.error(eof)),
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        for expected in word.bytes() {
            self.expect(expected, "expected ident", "EOF while parsing a value")?;
        }
        Ok(value)
    }

    /// The items of an array, its `[` read.
    fn array(&mut self) -> Result<Value, SyntaxError> {
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            if self.after_item(b']', "expected `,` or `]`", "EOF while parsing a list")? {
                return Ok(Value::Array(items));
            }
        }
    }

    /// The entries of an object, its `{` read.
    fn object(&mut self) -> Result<Value, SyntaxError> {
        let mut map = Map::new();
        self.skip_whitespace();
        if self.eat(b'}') {
            return Ok(Value::Object(map));
        }
        const EOF: &str = "EOF while parsing an object";
        loop {
            self.skip_whitespace();
            self.expect(b'"', "key must be a string", EOF)?;
            let key = self.string()?;
            self.skip_whitespace();
            self.expect(b':', "expected `:`", EOF)?;
            let value = self.value()?;
            match map.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                Entry::Occupied(mut slot) => match self.repeats {
                    Repeats::LastWins => {
                        slot.insert(value);
                    }
                    Repeats::Refused => {
                        let message = format!("duplicate field `{}`", slot.key());
                        return Err(self.error(&message));
                    }
                },
            }
            if self.after_item(b'}', "expected `,` or `}`", EOF)? {
                return Ok(Value::Object(map));
            }
        }
    }

    /// A string's contents, its opening `"` read.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let mut out = String::new();
        loop {
            let start = self.at;
            let rest = &self.text.as_bytes()[start..];
            let run = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            self.at += run.unwrap_or(rest.len());
            // The run ends at an ASCII byte or at the end: a character boundary.
            out.push_str(&self.text[start..self.at]);
            match self.next() {
                Some(b'"') => return Ok(out),
                Some(b'\\') => out.push(self.escape()?),
                Some(_) => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                None => return Err(self.error("EOF while parsing a string")),
            }
        }
    }

    /// The character of an escape, its `\` read.
    fn escape(&mut self) -> Result<char, SyntaxError> {
        Ok(match self.next() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let unit = self.hex()?;
                let code = match unit {
                    0xDC00..=0xDFFF => {
                        return Err(self.error("lone trailing surrogate in hex escape"))
                    }
                    0xD800..=0xDBFF => {
                        if !(self.eat(b'\\') && self.eat(b'u')) {
                            return Err(self.error("lone leading surrogate in hex escape"));
                        }
                        let low = self.hex()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.error("lone leading surrogate in hex escape"));
                        }
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    other => other,
                };
                // Every code outside the surrogates is a char.
                char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))?
            }
            Some(_) => return Err(self.error("invalid escape")),
            None => return Err(self.error("EOF while parsing a string")),
        })
    }

    /// The four hex digits of a `\u` escape.
    fn hex(&mut self) -> Result<u32, SyntaxError> {
        let mut unit = 0;
        for _ in 0..4 {
            let digit = match self.next() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b) => (b as char).to_digit(16).ok_or_else(|| self.error("invalid escape"))?,
            };
            unit = unit * 16 + digit;
        }
        Ok(unit)
    }

    /// Whether one digit or more were read.
    fn digits(&mut self) -> bool {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at > start
    }

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, read as serde_json
    /// reads it: a whole number that fits is a `u64` or `i64`, anything else an `f64`.
    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.at;
        let negative = self.eat(b'-');
        let whole = match self.next() {
            Some(b'0') => true,
            Some(b'1'..=b'9') => {
                self.digits();
                true
            }
            _ => false,
        };
        let integer = self.peek() != Some(b'.') && !matches!(self.peek(), Some(b'e' | b'E'));
        let fraction = !self.eat(b'.') || self.digits();
        let exponent = !(self.eat(b'e') || self.eat(b'E')) || {
            let _ = self.eat(b'+') || self.eat(b'-');
            self.digits()
        };
        if !(whole && fraction && exponent) {
            return Err(self.error("invalid number"));
        }
        let text = &self.text[start..self.at];
        let number = match (integer, negative) {
            // `-0` is the float −0, as serde_json reads it.
            (true, false) => text.parse::<u64>().ok().map(Number::from),
            (true, true) => text.parse::<i64>().ok().filter(|&n| n != 0).map(Number::from),
            (false, _) => None,
        };
        match number.or_else(|| Number::from_f64(parse_f64(text))) {
            Some(number) => Ok(Value::Number(number)),
            None => Err(self.error("number out of range")),
        }
    }
}

/// The nearest f64 to a JSON number's text, ±infinity past the largest. In wasm it is JS's own
/// parser (what `JSON.parse` reads numbers with), so the float tables of Rust's are not in the
/// module; natively it is Rust's. Both round correctly, so they agree.
fn parse_f64(text: &str) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return js_sys::parse_float(text);
    #[cfg(not(target_arch = "wasm32"))]
    // The reader hands over JSON number grammar only, which Rust's parser takes whole.
    return text.parse().unwrap_or(f64::NAN);
}

fn write_into(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number(n)),
        Value::String(s) => quote(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_into(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote(key, out);
                out.push(':');
                write_into(item, out);
            }
            out.push('}');
        }
    }
}

/// A number's JSON text: a whole one in digits, a float as the platform writes one. In wasm that is JS's
/// `String(number)`, what `JSON.stringify` writes (`1e+21`, `1`, `0.1`): Rust's shortest-float
/// code is not in the module. Natively it is serde_json's (`1e21`, `1.0`, `0.1`). Either is read
/// back to the same f64, by serde_json and by `JSON.parse`.
pub(crate) fn number(n: &Number) -> String {
    match (n.as_u64(), n.as_i64(), n.as_f64()) {
        (Some(u), _, _) => u.to_string(),
        (None, Some(i), _) => i.to_string(),
        (None, None, f) => float(f.unwrap_or_default()),
    }
}

#[cfg(target_arch = "wasm32")]
fn float(f: f64) -> String {
    js_sys::Number::from(f).to_string_with_radix(10).map(String::from).unwrap_or_default()
}

#[cfg(not(target_arch = "wasm32"))]
fn float(f: f64) -> String {
    Number::from_f64(f).map(|n| n.to_string()).unwrap_or_default()
}

/// `s` as a JSON string: `"` and `\` escaped, control characters as their short escapes or
/// `\u00xx`, everything else as it is.
fn quote(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // `i` is at an ASCII byte: a character boundary.
        out.push_str(&s[start..i]);
        match short {
            "" => {
                out.push_str("\\u00");
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0xf)] as char);
            }
            short => out.push_str(short),
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    //! serde_json is the independent truth here: what it accepts, what it reads, what it writes.
    use super::*;
    use serde_json::json;

    fn strict(text: &str) -> Result<Value, SyntaxError> {
        read(text, Repeats::Refused)
    }

    fn lenient(text: &str) -> Result<Value, SyntaxError> {
        read(text, Repeats::LastWins)
    }

    /// Our reading of `text` beside serde_json's: both refuse it, or both read the same value.
    fn agrees(text: &str) {
        match (lenient(text), serde_json::from_str::<Value>(text)) {
            (Ok(ours), Ok(theirs)) => assert_eq!(ours, theirs, "{text:?}"),
            (Err(_), Err(_)) => {}
            (ours, theirs) => panic!("{text:?}: ours {ours:?}, serde_json {theirs:?}"),
        }
    }

    #[test]
    fn reads_what_serde_json_reads_and_refuses_what_it_refuses() {
        for text in [
            "null",
            "true",
            "false",
            " 0 ",
            "-0",
            "7",
            "-7",
            "1.5",
            "-1.25e-3",
            "1E5",
            "1e+5",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "1e-400",
            "1.7976931348623157e308",
            "2.2250738585072014e-308",
            "4.9e-324",
            r#""""#,
            r#""a\"b\\c\/d\b\f\n\r\t""#,
            r#""\u00e9\u20AC\ud83d\ude00""#,
            r#""é€😀""#,
            "[]",
            "[ ]",
            "[1,[2,[3]]]",
            "{}",
            r#"{"a":1,"b":[true,null],"c":{}}"#,
            " \t\n\r[1] \n",
            r#"{"a":1,"a":2,"b":3}"#,
            // Refused by both.
            "",
            " ",
            "nul",
            "nulls",
            "tru",
            "True",
            "01",
            "-",
            "-01",
            "1.",
            ".5",
            "1e",
            "1e+",
            "+1",
            "0x10",
            "NaN",
            "Infinity",
            "-Infinity",
            "1e400",
            "-1e400",
            "1.8e308",
            "[1,]",
            "[1 2]",
            "[",
            "]",
            "{",
            r#"{"a"}"#,
            r#"{"a":}"#,
            r#"{"a":1,}"#,
            "{a:1}",
            "{1:1}",
            r#"{"a" 1}"#,
            r#""abc"#,
            "\"a\u{1}b\"",
            "\"tab\there\"",
            r#""\x""#,
            r#""\u12""#,
            r#""\u12g4""#,
            r#""\ud800""#,
            r#""\ud800x""#,
            r#""\ud800\n""#,
            r#""\ud800\u0041""#,
            r#""\udc00""#,
            "[1] [2]",
            "1 2",
            "\u{feff}1",
            "'a'",
        ] {
            agrees(text);
        }
    }

    #[test]
    fn nests_as_deep_as_serde_json_and_no_deeper() {
        for depth in [126, 127, 128, 129, 1000] {
            for (open, close) in [("[", "]"), (r#"{"k":"#, "}")] {
                agrees(&format!("{}{}", open.repeat(depth), close.repeat(depth)));
            }
        }
        assert!(lenient(&format!("{}{}", "[".repeat(127), "]".repeat(127))).is_ok());
        let deep = lenient(&format!("{}{}", "[".repeat(128), "]".repeat(128))).unwrap_err();
        assert!(deep.to_string().starts_with("recursion limit exceeded"), "{deep}");
    }

    #[test]
    fn a_key_named_twice_is_refused_or_keeps_its_last_value_in_its_first_place() {
        let twice = r#"{"a":1,"b":2,"a":3}"#;
        let e = strict(twice).unwrap_err();
        assert_eq!(e.to_string(), "duplicate field `a` at line 1 column 18");
        assert!(strict(r#"{"o":{"x":[{"k":1,"k":1}]}}"#).is_err(), "at any depth");
        assert!(strict(r#"[{"k":1},{"k":1}]"#).is_ok(), "once per object");
        let last = lenient(twice).unwrap();
        assert_eq!(last, json!({"a": 3, "b": 2}));
        assert_eq!(last.as_object().unwrap().keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(write(&last), serde_json::from_str::<Value>(twice).unwrap().to_string());
    }

    #[test]
    fn says_where_the_text_went_wrong() {
        assert_eq!(
            strict("[1,\n 2,\n x]").unwrap_err().to_string(),
            "expected value at line 3 column 2"
        );
        assert_eq!(
            strict("{\"a\":1").unwrap_err().to_string(),
            "EOF while parsing an object at line 1 column 6"
        );
        assert_eq!(
            strict("1e999").unwrap_err().to_string(),
            "number out of range at line 1 column 5"
        );
    }

    #[test]
    fn numbers_read_as_serde_json_types_them() {
        let n = |text: &str| match lenient(text).unwrap() {
            Value::Number(n) => n,
            other => panic!("{other}"),
        };
        assert_eq!(n("18446744073709551615").as_u64(), Some(u64::MAX));
        assert_eq!(n("-9223372036854775808").as_i64(), Some(i64::MIN));
        assert!(n("18446744073709551616").is_f64(), "past u64: a float, as serde_json reads it");
        assert!(n("2.0").is_f64(), "not a whole number");
        assert_eq!(n("-0").as_f64().map(f64::is_sign_negative), Some(true), "-0 is the float −0");
        assert_eq!(n("1e-400").as_f64(), Some(0.0), "underflow is zero, as in JS");
        // Rust's parser rounds correctly: the truth for where floats end.
        for text in ["1.7976931348623157e308", "1.797693134862315807e308", "1.7976931348623158e308"]
        {
            assert_eq!(lenient(text).is_ok(), text.parse::<f64>().unwrap().is_finite(), "{text}");
        }
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let value = json!({
            "s": "quote \" backslash \\ slash / controls \u{0}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}\u{7f} é 😀",
            "n": [0, 1, -1, u64::MAX, i64::MIN, 0.5, -2.5e-9, 1e21, 123456789.125],
            "nested": {"a": [], "b": {}, "c": [null, true, false]},
        });
        assert_eq!(write(&value), serde_json::to_string(&value).unwrap());
        assert_eq!(write(&json!("\u{1f}")), r#""\u001f""#);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Any JSON value: strings of any characters, the three kinds of number, nested lists and
    /// objects.
    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((any::<String>(), inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    /// Text made of JSON's own characters, mostly malformed.
    fn json_ish() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("{"),
                Just("}"),
                Just("["),
                Just("]"),
                Just(":"),
                Just(","),
                Just("\""),
                Just("\\"),
                Just("u"),
                Just("d8"),
                Just("dc"),
                Just("0"),
                Just("1"),
                Just("9"),
                Just("-"),
                Just("+"),
                Just("."),
                Just("e"),
                Just("E"),
                Just(" "),
                Just("\n"),
                Just("true"),
                Just("null"),
                Just("\"k\""),
                Just("\"k\":"),
                Just("\u{1}"),
                Just("é"),
            ],
            0..24,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

        #[test]
        fn writes_as_serde_json_and_reads_back_the_same_value(value in any_value()) {
            let text = write(&value);
            prop_assert_eq!(&text, &serde_json::to_string(&value).unwrap());
            prop_assert_eq!(&text, &to_string(&value).unwrap());
            prop_assert_eq!(lenient_read(&text), Ok(value));
        }

        #[test]
        fn accepts_and_reads_json_ish_text_as_serde_json_does(text in json_ish()) {
            let ours = lenient_read(&text);
            let theirs = serde_json::from_str::<Value>(&text).map_err(|e| e.to_string());
            prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}: {:?} / {:?}", text, ours, theirs);
            if let (Ok(ours), Ok(theirs)) = (ours, theirs) {
                prop_assert_eq!(ours, theirs);
            }
        }

        #[test]
        fn reads_any_text_without_panicking(text in any::<String>()) {
            let _ = read(&text, Repeats::Refused);
        }
    }

    fn lenient_read(text: &str) -> Result<Value, SyntaxError> {
        read(text, Repeats::LastWins)
    }
}
