//! Post-auth redirect targets (`?next=`), validated so they can never become an open redirect.
//!
//! Only same-origin relative paths are accepted: the value must start with exactly one `/`
//! followed by something other than `/` or `\` (or be exactly `/`). The same rules are applied
//! to the value after one, two and three rounds of percent-decoding, so encoded tricks such as
//! `/%2F%2Fevil.com` or `/%252F%252Fevil.com` are refused too. Anything refused yields the
//! fallback. This module also holds the crate's one lossy [`percent_decode`].

/// Longest accepted redirect target, in bytes.
pub const MAX_NEXT_LEN: usize = 2048;

/// Characters that browsers or humans may treat like `/` or `\`; refused anywhere.
const SLASH_LOOKALIKES: &[char] = &[
    '\u{FF0F}', // fullwidth solidus
    '\u{FF3C}', // fullwidth reverse solidus
    '\u{2044}', // fraction slash
    '\u{2215}', // division slash
    '\u{2216}', // set minus
    '\u{29F8}', // big solidus
    '\u{29F9}', // big reverse solidus
    '\u{FE68}', // small reverse solidus
];

/// Returns `raw` if it is a safe same-origin relative path, otherwise `fallback`.
///
/// `fallback` is checked with the same rules and replaced by `/` if it fails them, so the
/// result is always a safe path. The accepted value is returned unchanged (not decoded).
/// Paths containing `//` anywhere (even in the query) are refused: that is stricter than
/// needed but simple and safe.
pub fn safe_next(raw: Option<&str>, fallback: &str) -> String {
    match raw {
        Some(r) if is_safe_path(r) => r.to_owned(),
        _ if is_safe_path(fallback) => fallback.to_owned(),
        _ => "/".to_owned(),
    }
}

/// True if `s` is an acceptable same-origin relative path (see [`safe_next`]).
pub fn is_safe_path(s: &str) -> bool {
    if s.len() > MAX_NEXT_LEN || !shape_ok(s) {
        return false;
    }
    let mut cur = s.to_owned();
    for _ in 0..3 {
        if !cur.contains('%') {
            return true;
        }
        cur = percent_decode(&cur);
        if !shape_ok(&cur) {
            return false;
        }
    }
    true
}

fn shape_ok(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() != Some(&b'/') {
        return false;
    }
    if matches!(b.get(1), Some(b'/' | b'\\')) {
        return false;
    }
    !s.contains("//")
        && !s.chars().any(|c| c == '\\' || c.is_control() || SLASH_LOOKALIKES.contains(&c))
}

/// The `key=value` pairs of a query or fragment (`?a=1&b=2`, `#a=1`), form-decoded.
pub(crate) fn pairs(s: &str) -> Vec<(String, String)> {
    s.trim_start_matches(['?', '#'])
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (percent_decode(&k.replace('+', " ")), percent_decode(&v.replace('+', " "))))
        .collect()
}

/// The query and fragment of a path, e.g. `("?a=1", "#b")` for `/x?a=1#b`.
pub(crate) fn search_and_hash(path: &str) -> (&str, &str) {
    let (rest, hash) = path.find('#').map_or((path, ""), |i| path.split_at(i));
    (rest.find('?').map_or("", |i| &rest[i..]), hash)
}

/// The first value of `key` in a query string, e.g. `next` in `?next=%2Fbilling`.
pub(crate) fn query_value(search: &str, key: &str) -> Option<String> {
    pairs(search).into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Decodes `%XX` escapes (lossy: invalid UTF-8 becomes U+FFFD; malformed escapes stay as is).
///
/// `+` is left alone (this is not form decoding).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_good_paths() {
        for good in [
            "/",
            "/dashboard",
            "/a/b?x=1#y",
            "/auth/security?tab=2",
            "/auth/reset-password",
            "/caf%C3%A9",
            "/search?q=a%20b",
            "/a/../b",
            "/@user",
            "/foo:bar",
        ] {
            assert_eq!(safe_next(Some(good), "/home"), good, "{good:?} should be accepted");
        }
    }

    #[test]
    fn rejects_hostile_inputs() {
        let long = "/".to_owned() + &"a".repeat(MAX_NEXT_LEN);
        let hostile: &[&str] = &[
            "",
            "//evil.com",
            "///evil.com",
            "/\\evil.com",
            "\\\\evil.com",
            "\\/evil.com",
            "https://evil.com",
            "http:evil.com",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "evil.com",
            " /dashboard",
            "\t/dashboard",
            "\n/dashboard",
            "/\t/evil.com",
            "/\n/evil.com",
            "/\r/evil.com",
            "/%09/evil.com",
            "/%0A/evil.com",
            "/%00",
            "/\u{7f}",
            "/%7F/evil.com",
            "/%2F%2Fevil.com",
            "/%2f%2fevil.com",
            "%2F%2Fevil.com",
            "/%252F%252Fevil.com",
            "/%25252F%25252Fevil.com",
            "/%5Cevil.com",
            "/%5cevil.com",
            "/%255Cevil.com",
            "/.//evil.com",
            "/a//b",
            "/a?next=https://evil.com",
            "\u{FF0F}\u{FF0F}evil.com",
            "/\u{FF0F}evil.com",
            "\u{2044}\u{2044}evil.com",
            "/\u{2215}evil.com",
            "/\u{2044}evil.com",
            "/\u{FF3C}evil.com",
            "/%EF%BC%8Fevil.com",
            "/\u{85}evil",
            "%2Fdashboard%2F%2Fevil",
            "/x%2F%2Fevil",
            &long,
        ];
        for bad in hostile {
            assert_eq!(safe_next(Some(bad), "/home"), "/home", "{bad:?} should be rejected");
        }
    }

    #[test]
    fn length_cap_boundary() {
        let max = "/".to_owned() + &"a".repeat(MAX_NEXT_LEN - 1);
        assert_eq!(safe_next(Some(&max), "/"), max);
    }

    #[test]
    fn none_and_bad_fallback() {
        assert_eq!(safe_next(None, "/home"), "/home");
        assert_eq!(safe_next(None, "https://evil.com"), "/");
        assert_eq!(safe_next(Some("//x"), "//y"), "/");
    }

    #[test]
    fn queries_and_fragments() {
        assert_eq!(search_and_hash("/x?a=1#b=2"), ("?a=1", "#b=2"));
        assert_eq!(search_and_hash("/x#b?c"), ("", "#b?c"));
        assert_eq!(search_and_hash("/x"), ("", ""));
        assert_eq!(
            query_value("?next=%2Fbilling%3Ftab%3D1&x=2", "next").as_deref(),
            Some("/billing?tab=1")
        );
        assert_eq!(query_value("a=b+c&next=", "a").as_deref(), Some("b c"));
        assert_eq!(query_value("?nextx=1", "next"), None);
    }

    #[test]
    fn percent_decode_cases() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("%2F%2f"), "//");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
        assert_eq!(percent_decode("a+b"), "a+b");
        assert_eq!(percent_decode(""), "");
    }
}
