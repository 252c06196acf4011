//! `json.rs` checked against a reference parser, serde_json (a native dev-dependency only: it
//! never enters the wasm). Both read the same text (generated documents, valid and broken, and
//! every recorded answer of real GoTrue) and must agree on whether it is JSON and, when it is,
//! on its value. The differences that are deliberate are named in [`deliberate`] and checked
//! to be exactly those.

use super::{array, parse, string, Object, Value, MAX_DEPTH};
use proptest::prelude::*;
use serde_json::Value as Ref;

/// What `json.rs` read, as a serde_json value: an object's members as [`Value::get`] finds them
/// (the last of a repeated key), numbers read by serde_json from the text `json.rs` kept.
/// `None` when a number is one serde_json refuses (out of `f64`'s range).
fn to_ref(v: &Value) -> Option<Ref> {
    Some(match v {
        Value::Null => Ref::Null,
        Value::Bool(b) => Ref::Bool(*b),
        Value::Number(n) => Ref::Number(serde_json::from_str(n).ok()?),
        Value::String(s) => Ref::String(s.clone()),
        Value::Array(items) => Ref::Array(items.iter().map(to_ref).collect::<Option<_>>()?),
        Value::Object(members) => Ref::Object(
            members
                .iter()
                .map(|(k, _)| Some((k.clone(), to_ref(v.get(k)?)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// How many arrays and objects nest at the deepest point (`1` for `[]`, `0` for `1`).
fn depth(v: &Ref) -> usize {
    match v {
        Ref::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Ref::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The numbers in `v`, as written.
fn numbers(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Number(n) => out.push(n.clone()),
        Value::Array(items) => items.iter().for_each(|i| numbers(i, out)),
        Value::Object(members) => members.iter().for_each(|m| numbers(&m.1, out)),
        _ => {}
    }
}

/// What [`Value::int`] must give for the number `n`, by serde_json: the integer of its whole
/// part when it has no exponent and that fits an `i64`. (`-0` and `-0.5` give 0: serde_json
/// reads `-0` as the float `-0.0`.)
fn int_of(n: &str) -> Option<i64> {
    if n.contains(['e', 'E']) {
        return None;
    }
    let whole = n.split('.').next().unwrap_or(n);
    if whole == "-0" {
        return Some(0);
    }
    serde_json::from_str::<Ref>(whole).ok()?.as_i64()
}

/// The differences from serde_json that are meant, checked when the two disagree on `text`:
/// - nesting: `json.rs` refuses arrays and objects nested deeper than [`MAX_DEPTH`] (64), so a
///   stored value or an answer cannot exhaust the wasm stack; serde_json's limit is 128;
/// - big numbers: `json.rs` keeps a number's text and accepts every number the grammar allows,
///   while serde_json (without `arbitrary_precision`) refuses one beyond `f64`'s range
///   (`1e400`). The crate reads only integers that fit an `i64` ([`Value::int`]), so such a
///   number reads as no integer, as it would in serde_json.
///
/// `Ok(reason)` when the disagreement is one of these.
fn deliberate(
    text: &str,
    ours: &Option<Value>,
    theirs: &Result<Ref, serde_json::Error>,
) -> Result<&'static str, String> {
    match (ours, theirs) {
        (None, Ok(r)) if depth(r) > MAX_DEPTH as usize => Ok("nested deeper than json.rs allows"),
        (Some(v), Err(e)) if e.to_string().starts_with("number out of range") => {
            let mut ns = Vec::new();
            numbers(v, &mut ns);
            let big = ns.iter().filter(|n| n.parse::<f64>().is_ok_and(f64::is_infinite)).count();
            if big == 0 {
                return Err(format!("serde_json says out of range, but no number is: {text:?}"));
            }
            if ns.iter().any(|n| n.parse::<f64>().is_ok_and(f64::is_infinite) && v_int(n).is_some())
            {
                return Err(format!("a number beyond f64 reads as an integer: {text:?}"));
            }
            Ok("a number beyond f64")
        }
        _ => Err(format!(
            "disagree on {text:?}: json.rs {ours:?}, serde_json {:?}",
            theirs.as_ref().map_err(ToString::to_string)
        )),
    }
}

fn v_int(n: &str) -> Option<i64> {
    Value::Number(n.into()).int()
}

/// Checks that `json.rs` and serde_json agree on `text` (or differ only deliberately); when it
/// is JSON, also that `json.rs` writes back what it read and every number reads as serde_json
/// says. `Err` says how they disagree.
fn check(text: &str) -> Result<(), String> {
    let ours = parse(text);
    let theirs = serde_json::from_str::<Ref>(text);
    let (Some(v), Ok(r)) = (&ours, &theirs) else {
        if ours.is_none() && theirs.is_err() {
            return Ok(());
        }
        return deliberate(text, &ours, &theirs).map(|_| ());
    };
    if to_ref(v).as_ref() != Some(r) {
        return Err(format!("different values for {text:?}: json.rs {v:?}, serde_json {r:?}"));
    }
    let written = v.to_json();
    if parse(&written).as_ref() != Some(v)
        || serde_json::from_str::<Ref>(&written).ok().as_ref() != Some(r)
    {
        return Err(format!("{text:?} written back as {written:?} reads differently"));
    }
    let mut ns = Vec::new();
    numbers(v, &mut ns);
    for n in ns {
        if v_int(&n) != int_of(&n) {
            return Err(format!("{n} reads as {:?}, serde_json says {:?}", v_int(&n), int_of(&n)));
        }
    }
    Ok(())
}

/// White space, mostly none, sometimes what JSON allows, sometimes what it does not (a form
/// feed, a no-break space, a vertical tab).
fn ws() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(String::new()),
        3 => "[ \t\n\r]{1,3}",
        1 => prop_oneof![Just("\u{c}"), Just("\u{a0}"), Just("\u{b}"), Just("\u{feff}")].prop_map(String::from),
    ]
}

/// Number text: mostly well formed (big, small, exponents, negative zero, `i64`/`u64` edges),
/// sometimes not (leading zeros, a bare sign or dot, a missing exponent).
fn number() -> impl Strategy<Value = String> {
    let edges = [
        "0",
        "-0",
        "-0.0",
        "0e0",
        "1E+2",
        "1e400",
        "-1e400",
        "1e-400",
        "1.7976931348623157e308",
        "1.7976931348623159e308",
        "9007199254740993",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "1700000000.5",
        "-7.9",
        "123456789012345678901234567890",
        "00",
        "01",
        "-01",
        "1.",
        ".5",
        "-",
        "+1",
        "1e",
        "1e+",
        "0x10",
        "1_000",
        "Infinity",
        "NaN",
    ];
    prop_oneof![
        6 => "-?(0|[1-9][0-9]{0,22})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?",
        2 => "[-+0-9.eE]{1,8}",
        2 => proptest::sample::select(edges.to_vec()).prop_map(String::from),
    ]
}

/// One piece of a string literal's inside: characters (control characters too), every escape,
/// surrogate pairs, lone and broken surrogates, bad escapes.
fn string_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[a-zA-Z0-9 é€😀/]{1,4}",
        2 => any::<char>().prop_filter("not a quote or backslash", |c| !matches!(c, '"' | '\\')).prop_map(String::from),
        1 => "[\u{0}-\u{1f}\u{7f}]",
        3 => "\\\\[\"\\\\/bfnrt]",
        3 => "\\\\u[0-9a-fA-F]{4}",
        2 => "\\\\u[dD][89abAB][0-9a-fA-F]{2}\\\\u[dD][c-fC-F][0-9a-fA-F]{2}",
        1 => "\\\\u[dD][89abAB][0-9a-fA-F]{2}",
        1 => "\\\\u[dD][c-fC-F][0-9a-fA-F]{2}",
        1 => "\\\\u[dD][89abAB][0-9a-fA-F]{2}\\\\u[0-9a-fA-F]{4}",
        1 => "\\\\u[dD][89abAB][0-9a-fA-F]{2}\\\\[nu\"]",
        1 => "\\\\u[0-9a-fA-Fg-zG-Z]{0,4}",
        1 => "\\\\[a-zA-Z0-9'\u{0}]",
    ]
}

fn string_lit() -> impl Strategy<Value = String> {
    prop::collection::vec(string_piece(), 0..5).prop_map(|p| format!("\"{}\"", p.concat()))
}

/// A document: values nested a few deep, each token with white space around it; object keys
/// from a small set so keys repeat.
fn document() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => number(),
        4 => string_lit(),
        1 => prop_oneof![Just("true"), Just("false"), Just("null"), Just("tru"), Just("nul"), Just("True")]
            .prop_map(String::from),
    ];
    let key = prop_oneof![
        3 => prop_oneof![Just("\"a\""), Just("\"b\""), Just("\"\\u0061\""), Just("\"\"")].prop_map(String::from),
        1 => string_lit(),
    ];
    let tree = leaf.prop_recursive(5, 48, 5, move |inner| {
        let member = (key.clone(), ws(), ws(), inner.clone())
            .prop_map(|(k, a, b, v)| format!("{k}{a}:{b}{v}"));
        prop_oneof![
            (prop::collection::vec((ws(), inner, ws()), 0..5), ws())
                .prop_map(|(items, end)| items_text('[', items, end, ']')),
            (prop::collection::vec((ws(), member, ws()), 0..5), ws())
                .prop_map(|(items, end)| items_text('{', items, end, '}')),
        ]
    });
    (ws(), tree, ws()).prop_map(|(a, t, b)| format!("{a}{t}{b}"))
}

fn items_text(
    open: char,
    items: Vec<(String, String, String)>,
    end: String,
    close: char,
) -> String {
    let items: Vec<String> = items.into_iter().map(|(a, v, b)| format!("{a}{v}{b}")).collect();
    format!("{open}{}{end}{close}", items.join(","))
}

/// A document broken (or not) by one edit: a byte range cut out, or text put in, from what
/// breaks JSON most often.
fn edited() -> impl Strategy<Value = String> {
    let insert = prop_oneof![
        "[\\[\\]{},:\"\\\\ ]",
        Just("\u{feff}".to_string()),
        Just("\\u".to_string()),
        "[0-9eE.+-]",
        "[a-z]{1,3}",
        any::<char>().prop_map(String::from),
    ];
    (document(), any::<prop::sample::Index>(), any::<prop::sample::Index>(), insert, any::<bool>())
        .prop_map(|(doc, at, len, text, cut)| {
            let chars: Vec<char> = doc.chars().collect();
            let at = at.index(chars.len() + 1);
            let mut out: String = chars[..at].iter().collect();
            if cut {
                let rest = &chars[at..];
                out.extend(&rest[len.index(rest.len().min(3) + 1)..]);
            } else {
                out.push_str(&text);
                out.extend(&chars[at..]);
            }
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_documents_read_as_serde_json_reads_them(text in document()) {
        check(&text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn broken_documents_are_refused_as_serde_json_refuses_them(text in edited()) {
        check(&text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn any_text_is_judged_as_serde_json_judges_it(text in prop_oneof!["[\\[\\]{}\",:0-9a-z \\\\.-]{0,16}", any::<String>()]) {
        check(&text).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn what_json_rs_writes_serde_json_reads_back(
        members in prop::collection::vec((any::<String>(), any::<String>(), any::<i64>()), 0..4),
    ) {
        let mut obj = Object::new();
        let mut expected = serde_json::Map::new();
        for (k, s, n) in &members {
            obj = obj.str(k, s).int(&format!("{k}#"), *n);
            expected.insert(k.clone(), Ref::from(s.as_str()));
            expected.insert(format!("{k}#"), Ref::from(*n));
        }
        let list = array(members.iter().map(|m| string(&m.0)));
        let text = obj.raw("list", &list).finish();
        expected.insert("list".into(), members.iter().map(|m| Ref::from(m.0.as_str())).collect());
        prop_assert_eq!(serde_json::from_str::<Ref>(&text).ok(), Some(Ref::Object(expected)), "{}", text);
        check(&text).map_err(TestCaseError::fail)?;
    }
}

/// Cases named one by one: each kind the generators aim at, once for sure.
#[test]
fn named_cases_read_as_serde_json_reads_them() {
    let deep = |n: usize, inner: &str| "[".repeat(n) + inner + &"]".repeat(n);
    let named = [
        "",
        " ",
        "\u{feff}{}",
        "\u{feff}",
        "{}\u{feff}",
        "\u{c}1",
        "1\u{a0}",
        "\t\r\n 1 \t\r\n",
        "null",
        "true",
        "false",
        "nulll",
        "[true false]",
        "-0",
        "-0.0e-0",
        "01",
        "-",
        "1e400",
        "[1e400, 2]",
        "{\"a\": -1e400}",
        "1E-400",
        "18446744073709551616",
        "\"\\ud83d\\ude00\"",
        "\"\\uD83D\\uDE00\"",
        "\"\\ud83d\"",
        "\"\\ude00\"",
        "\"\\ud83d\\u0041\"",
        "\"\\ud83d\\ud83d\"",
        "\"\\ud83dx\"",
        "\"\\u0000\"",
        "\"\\u00\"",
        "\"\u{1}\"",
        "\"\u{1f}\"",
        "\"\u{7f}\"",
        "\"\\/\"",
        "\"\\'\"",
        "\"a\nb\"",
        "{\"a\":1,\"a\":2}",
        "{\"a\":1,\"b\":2,\"a\":{\"c\":3}}",
        "{\"\\u0061\":1,\"a\":2}",
        "{\"a\":1,}",
        "[1,]",
        "[,1]",
        "{,}",
        "{\"a\"}",
        "{1:2}",
        "[1] x",
        "[1]]",
        "{}{}",
    ];
    let mut failures: Vec<String> = named.iter().filter_map(|t| check(t).err()).collect();
    for n in [63, 64, 65, 127, 128, 129] {
        for inner in ["", "1", "{}", "{\"a\":1}"] {
            failures.extend(check(&deep(n, inner)).err());
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The deliberate differences, stated: `json.rs` stops at 64 nested arrays and objects (a
/// scalar inside them is fine) where serde_json goes on; it reads a number beyond `f64` where
/// serde_json refuses the document.
#[test]
fn the_deliberate_differences_are_these() {
    let deep = |n: usize, inner: &str| "[".repeat(n) + inner + &"]".repeat(n);
    assert!(parse(&deep(64, "1")).is_some() && parse(&deep(64, "")).is_some());
    assert_eq!(parse(&deep(65, "")), None);
    assert!(serde_json::from_str::<Ref>(&deep(65, "")).is_ok());
    let big = parse("[1e400]").unwrap();
    assert_eq!(big.as_array().unwrap()[0], Value::Number("1e400".into()));
    assert_eq!(big.as_array().unwrap()[0].int(), None);
    assert!(serde_json::from_str::<Ref>("[1e400]").is_err());
}

/// Every answer real GoTrue gave in the recordings (`emulator/tests/data/*.jsonl`, one
/// exchange a line), as recorded, as its bare body compact and pretty printed, reads the same.
#[test]
fn recorded_gotrue_answers_read_as_serde_json_reads_them() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/emulator/tests/data");
    let mut files = 0;
    let mut bodies = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        files += 1;
        for line in std::fs::read_to_string(&path).unwrap().lines().filter(|l| !l.is_empty()) {
            failures.extend(check(line).err());
            let exchange: Ref = serde_json::from_str(line).unwrap();
            let body = &exchange["response"]["body"];
            bodies += usize::from(!body.is_null());
            failures.extend(check(&body.to_string()).err());
            failures.extend(check(&serde_json::to_string_pretty(body).unwrap()).err());
        }
    }
    assert!(files >= 4 && bodies > 200, "{files} recordings, {bodies} answers");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
