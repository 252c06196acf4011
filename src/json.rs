//! JSON for the few shapes the crate reads and writes: GoTrue's answers, request bodies and what
//! it stores. One small reader into [`Value`] and one writer ([`Object`]) serve every shape,
//! instead of serde_json with derived impls, whose code is repeated per shape
//! (19 KB brotli more on the first load).
//!
//! It reads what RFC 8259 calls JSON exactly as serde_json does (the native test
//! `json/reference.rs` feeds both the same generated documents and every recorded answer of
//! real GoTrue): no byte-order mark, no white space beyond space, tab, CR and LF, no lone
//! surrogate, no raw control character in a string, the last of a repeated key wins. Two
//! differences are deliberate: arrays and objects may nest 64 deep, not 128 (so stored text
//! cannot exhaust the wasm stack), and a number keeps its text, so one beyond `f64`'s range
//! (`1e400`) is read (as no integer) where serde_json refuses the document.
//!
//! ```text
//! let v = json::parse(r#"{"id":"f1","status":"verified"}"#).unwrap();
//! assert_eq!(v.text("status"), "verified");
//! let body = json::Object::new().str("email", "a@b.c").opt_str("phone", None).finish();
//! assert_eq!(body, r#"{"email":"a@b.c"}"#);
//! ```

/// A parsed JSON value. Numbers keep their text: the crate reads only integers
/// ([`Value::int`]), and writing a value back gives the same number.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as written.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object's members in order (the last of a repeated key wins, as in JavaScript).
    Object(Vec<(String, Value)>),
}

/// A shape read from JSON: `None` when the value is not of that shape.
pub(crate) trait FromJson: Sized {
    fn from_json(v: &Value) -> Option<Self>;
}

/// Reads JSON text as `T`: `None` when it is not JSON or not of that shape.
pub(crate) fn read<T: FromJson>(text: &str) -> Option<T> {
    T::from_json(&parse(text)?)
}

/// The names a unit enum's variants are written as.
pub(crate) type Names<T> = [(T, &'static str)];

/// The name of `value` in `names` (`""` if it has none).
pub(crate) fn name_of<T: PartialEq>(names: &Names<T>, value: &T) -> &'static str {
    names.iter().find(|n| n.0 == *value).map_or("", |n| n.1)
}

/// The variant named `name` in `names`.
pub(crate) fn variant<T: Clone>(names: &Names<T>, name: &str) -> Option<T> {
    names.iter().find(|n| n.1 == name).map(|n| n.0.clone())
}

/// How deep arrays and objects may nest (`[[]]` is 2): deeper input is refused, not a stack
/// overflow.
const MAX_DEPTH: u32 = 64;

/// Parses JSON text (RFC 8259); `None` when it is not JSON.
pub fn parse(text: &str) -> Option<Value> {
    let mut p = Parser { b: text.as_bytes(), i: 0 };
    let v = p.value(0)?;
    p.ws();
    (p.i == p.b.len()).then_some(v)
}

impl Value {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|m| &m.1),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number's whole part (`1700000000.5` is `1700000000`), if it has no exponent and fits
    /// an `i64`. Times are whole seconds or milliseconds, whichever way they were written.
    pub fn int(&self) -> Option<i64> {
        let Value::Number(n) = self else { return None };
        n.split_once('.').filter(|w| !w.1.contains(['e', 'E'])).map_or(&**n, |w| w.0).parse().ok()
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The string member `key`, if there is one.
    pub fn string(&self, key: &str) -> Option<String> {
        self.get(key)?.as_str().map(str::to_owned)
    }

    /// The string member `key`, `""` when missing or not a string.
    pub fn text(&self, key: &str) -> String {
        self.string(key).unwrap_or_default()
    }

    /// The integer member `key`, if there is one.
    pub fn int_at(&self, key: &str) -> Option<i64> {
        self.get(key)?.int()
    }

    /// The items of the array member `key`, none when missing or not an array.
    pub fn items(&self, key: &str) -> &[Value] {
        self.get(key).and_then(Value::as_array).unwrap_or_default()
    }

    /// The value as JSON text.
    #[cfg_attr(not(feature = "webauthn"), allow(dead_code))]
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => out.push_str(n),
            Value::String(s) => quote(out, s),
            Value::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Value::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    quote(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// A JSON object being written, member by member.
pub struct Object(String);

impl Default for Object {
    fn default() -> Self {
        Object::new()
    }
}

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object("{".into())
    }

    fn key(&mut self, key: &str) -> &mut String {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        quote(&mut self.0, key);
        self.0.push(':');
        &mut self.0
    }

    /// Adds a string member.
    pub fn str(mut self, key: &str, value: &str) -> Object {
        quote(self.key(key), value);
        self
    }

    /// Adds a string member when there is a value.
    pub fn opt_str(self, key: &str, value: Option<&str>) -> Object {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    /// Adds an integer member.
    pub fn int(mut self, key: &str, value: i64) -> Object {
        self.key(key).push_str(&value.to_string());
        self
    }

    /// Adds a member that is already JSON text (a nested object or array).
    pub fn raw(mut self, key: &str, json: &str) -> Object {
        self.key(key).push_str(json);
        self
    }

    /// The object's JSON text.
    pub fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// A JSON array of items that are already JSON text.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    let mut out = String::from("[");
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item);
    }
    out.push(']');
    out
}

/// `s` as a JSON string.
#[cfg_attr(not(feature = "webauthn"), allow(dead_code))]
pub fn string(s: &str) -> String {
    let mut out = String::new();
    quote(&mut out, s);
    out
}

/// Writes `s` as a JSON string.
fn quote(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[c as usize >> 4] as char);
                out.push(HEX[c as usize & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// Skips white space, then `c` if it is next.
    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        let found = self.peek() == Some(c);
        self.i += usize::from(found);
        found
    }

    /// A value inside `depth` arrays and objects.
    fn value(&mut self, depth: u32) -> Option<Value> {
        self.ws();
        if matches!(self.peek(), Some(b'{' | b'[')) && depth >= MAX_DEPTH {
            return None;
        }
        let word = |p: &mut Self, w: &str, v| {
            p.b[p.i..].starts_with(w.as_bytes()).then(|| {
                p.i += w.len();
                v
            })
        };
        match self.peek()? {
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.ws();
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                        members.push((key, self.value(depth + 1)?));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Value::Object(members))
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value(depth + 1)?);
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                Some(Value::Array(items))
            }
            b'"' => self.string().map(Value::String),
            b't' => word(self, "true", Value::Bool(true)),
            b'f' => word(self, "false", Value::Bool(false)),
            b'n' => word(self, "null", Value::Null),
            _ => self.number(),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        self.i - start
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        self.i += usize::from(self.peek() == Some(b'-'));
        let int = self.digits();
        if int == 0 || (int > 1 && self.b[self.i - int] == b'0') {
            return None;
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            self.i += usize::from(matches!(self.peek(), Some(b'+' | b'-')));
            if self.digits() == 0 {
                return None;
            }
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).ok()?;
        Some(Value::Number(text.to_owned()))
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.b.get(self.i..self.i + 4)?;
        self.i += 4;
        digits.iter().try_fold(0, |n, &c| Some(n * 16 + (c as char).to_digit(16)?))
    }

    fn string(&mut self) -> Option<String> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.i += 1;
        let mut out = String::new();
        loop {
            // Copy the run up to the next quote, backslash or control character at once.
            let run =
                self.b[self.i..].iter().take_while(|&&c| c != b'"' && c != b'\\' && c >= 0x20);
            let end = self.i + run.count();
            out.push_str(std::str::from_utf8(&self.b[self.i..end]).ok()?);
            self.i = end;
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let e = self.peek()?;
                    self.i += 1;
                    out.push(match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if !self.b[self.i..].starts_with(b"\\u") {
                                    return None;
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code)?
                        }
                        _ => return None,
                    });
                }
                _ => return None,
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_kind_of_value() {
        let v = parse(r#" {"s":"a\"b\\c\/\n\u00e9\ud83d\ude00","n":-12,"f":1.5e3,"t":true,"z":null,"a":[1,{"k":[]}],"o":{}} "#)
            .unwrap();
        assert_eq!(v.text("s"), "a\"b\\c/\né\u{1F600}");
        assert_eq!(v.int_at("n"), Some(-12));
        assert_eq!(v.get("f"), Some(&Value::Number("1.5e3".into())));
        assert_eq!(v.int_at("f"), None, "an exponent");
        assert_eq!(parse("[-7.9]").unwrap().as_array().unwrap()[0].int(), Some(-7));
        assert_eq!(v.get("t").and_then(Value::as_bool), Some(true));
        assert_eq!(v.get("z"), Some(&Value::Null));
        assert_eq!(v.items("a").len(), 2);
        assert_eq!(v.get("o"), Some(&Value::Object(vec![])));
        assert_eq!(v.text("missing"), "");
        assert_eq!(v.items("s"), &[] as &[Value], "a string is no array");
    }

    #[test]
    fn the_last_of_a_repeated_key_wins() {
        assert_eq!(parse(r#"{"a":1,"a":2}"#).unwrap().int_at("a"), Some(2));
    }

    #[test]
    fn refuses_what_is_not_json() {
        let bad = [
            "",
            " ",
            "{",
            "}",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a:1}",
            "'a'",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "tru",
            "nul",
            "\"open",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\ud83d\"",
            "\"\\ude00\"",
            "\"tab\there\"",
            "1 2",
            "{} x",
            "[1] ]",
            "NaN",
        ];
        for text in bad {
            assert_eq!(parse(text), None, "{text:?} is not JSON");
        }
        let deep = "[".repeat(65) + &"]".repeat(65);
        assert_eq!(parse(&deep), None, "too deep");
        let ok = "[".repeat(64) + &"]".repeat(64);
        assert!(parse(&ok).is_some());
    }

    #[test]
    fn writes_what_it_reads() {
        let text = r#"{"s":"q\"\\\n\r\t\u0001é","n":-1.25E+2,"a":[true,false,null],"o":{"k":"v"}}"#;
        let v = parse(text).unwrap();
        assert_eq!(v.to_json(), text);
        assert_eq!(parse(&v.to_json()).unwrap(), v);
    }

    #[test]
    fn objects_are_written_member_by_member() {
        let inner =
            Object::new().str("type", "request").raw("list", &array(["1".into(), "2".into()]));
        let body = Object::new()
            .str("email", "a\"b@c.d")
            .opt_str("phone", None)
            .opt_str("name", Some("x"))
            .int("n", -3)
            .raw("inner", &inner.finish())
            .finish();
        assert_eq!(
            body,
            r#"{"email":"a\"b@c.d","name":"x","n":-3,"inner":{"type":"request","list":[1,2]}}"#
        );
        assert_eq!(Object::new().finish(), "{}");
        assert_eq!(array([]), "[]");
        assert!(parse(&body).is_some());
    }
}
