//! Small helpers: random ids, timestamps, hashes, base32, query strings, wildcards.

use sha2::Digest;

/// Fills a buffer with random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).expect("the operating system has no random source");
    buf
}

/// A random version-4 UUID in its canonical lowercase form.
pub fn uuid_v4() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// gofrs/uuid's `FromString` (how GoTrue reads a UUID in a path, a claim or a body): 36
/// characters with dashes or 32 hex digits, bare, in braces or after `urn:uuid:`, either case.
/// Answers the canonical lowercase form (what GoTrue looks up), `None` for anything else.
pub fn parse_uuid(s: &str) -> Option<String> {
    let plain = match s.strip_prefix('{').and_then(|b| b.strip_suffix('}')) {
        Some(braced) => braced,
        None => s.strip_prefix("urn:uuid:").unwrap_or(s),
    };
    if plain.len() != 32 && plain.len() != 36 {
        return None;
    }
    uuid::Uuid::try_parse(plain).ok().map(|u| u.hyphenated().to_string())
}

/// Compares a presented secret (a code, a nonce, a token hash) with the expected one in time
/// that does not depend on where they differ (`subtle`); only the length shows.
pub fn ct_eq(presented: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    presented.as_bytes().ct_eq(expected.as_bytes()).into()
}

/// Lowercase hex of some bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A string of `n` random decimal digits (an OTP).
pub fn random_digits(n: usize) -> String {
    (0..n)
        .map(|_| {
            // Rejection sampling keeps the digits uniform.
            loop {
                let b = random_bytes::<1>()[0];
                if b < 250 {
                    return char::from(b'0' + b % 10);
                }
            }
        })
        .collect()
}

/// A legacy GoTrue refresh token: 12 lowercase base32 characters.
pub fn refresh_token_string() -> String {
    base32_encode(&random_bytes::<8>()).to_lowercase()[..12].to_string()
}

/// `hex(sha224(email + otp))`, GoTrue's stored form of an emailed one-time code.
pub fn token_hash(identifier: &str, otp: &str) -> String {
    let mut h = sha2::Sha224::new();
    h.update(identifier.as_bytes());
    h.update(otp.as_bytes());
    hex(&h.finalize())
}

/// SHA-256 of the verifier, base64url without padding (the PKCE `s256` challenge).
pub fn pkce_s256(verifier: &str) -> String {
    use base64::Engine;
    let digest = sha2::Sha256::digest(verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding.
pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in data {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(B32[((buf >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(B32[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes base32 (case-insensitive, padding and spaces ignored); `None` on a bad character.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let v = B32.iter().position(|x| *x == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push((buf >> (bits - 8)) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// Microseconds since the Unix epoch, formatted like Go's `time.RFC3339Nano` (how GoTrue's
/// JSON writes times): UTC `Z`, the fraction with its trailing zeros trimmed, none when zero.
pub fn rfc3339(micros: i64) -> String {
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut s =
        format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}", sod / 3600, (sod % 3600) / 60, sod % 60);
    if frac != 0 {
        let f = format!("{frac:06}");
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    s.push('Z');
    s
}

/// A human-friendly `YYYY-MM-DD HH:MM:SS` (UTC) for the inbox page.
pub fn short_time(micros: i64) -> String {
    let r = rfc3339(micros);
    r[..19].replace('T', " ")
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Go's `url.QueryEscape`: unreserved characters kept, space as `+`, the rest percent-encoded
/// with upper-case hex. (`form_urlencoded` would keep `*` and write `~` as `%7E`.)
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A query string's pairs, in order (`+` as space, `%XX` decoded, `&` between pairs).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// True when Go's `url.ParseQuery` reads `q` without an error: no pair with a `;`, no malformed
/// `%` escape. GoTrue ignores a `redirect_to` in a query it cannot parse (`r.ParseForm` fails).
pub fn go_query_ok(q: &str) -> bool {
    let escapes_ok = |s: &str| {
        let b = s.as_bytes();
        b.iter().enumerate().filter(|(_, c)| **c == b'%').all(|(i, _)| {
            b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
        })
    };
    q.split('&').all(|pair| !pair.contains(';') && escapes_ok(pair))
}

/// Encodes pairs like Go's `url.Values.Encode`: sorted by key.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    sorted
        .iter()
        .map(|(k, v)| format!("{}={}", query_escape(k), query_escape(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A URL split into the part before the query, its query pairs and its fragment: what GoTrue
/// does with `url.Parse`, `Query()`, `Set`, `Encode()` and `String()` on a redirect it adds
/// `code` or an error to. (The `url` crate would rewrite the rest: `http://localhost:3000?x`
/// gains a `/`, the host is lowercased; Go's `String()` keeps them as they came.)
#[derive(Debug, Clone)]
pub struct SplitUrl {
    /// Scheme, authority and path.
    pub base: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// The raw fragment (without `#`).
    pub fragment: String,
}

impl SplitUrl {
    /// Splits a URL string at the first `#` and the first `?` before it.
    pub fn parse(url: &str) -> Self {
        let (rest, fragment) = url.split_once('#').unwrap_or((url, ""));
        let (base, query) = rest.split_once('?').unwrap_or((rest, ""));
        SplitUrl {
            base: base.to_string(),
            query: parse_query(query),
            fragment: fragment.to_string(),
        }
    }

    /// Sets (replaces) a query value.
    pub fn set(&mut self, key: &str, value: &str) {
        self.query.retain(|(k, _)| k != key);
        self.query.push((key.to_string(), value.to_string()));
    }

    /// Reassembles the URL, query sorted like Go's `Values.Encode`.
    pub fn to_url_string(&self) -> String {
        let mut s = self.base.clone();
        if !self.query.is_empty() {
            s.push('?');
            s.push_str(&encode_query(&self.query));
        }
        if !self.fragment.is_empty() {
            s.push('#');
            s.push_str(&self.fragment);
        }
        s
    }
}

/// Simple wildcard match where `*` matches any run of characters (used for CORS origins).
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    fn m(p: &[u8], t: &[u8]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some(b'*') => (0..=t.len()).any(|i| m(&p[1..], &t[i..])),
            Some(c) => t.first() == Some(c) && m(&p[1..], &t[1..]),
        }
    }
    m(pattern.as_bytes(), text.as_bytes())
}

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Parses a Go-style duration (`time.ParseDuration`: `60s`, `1m30s`, `1h`, `500ms`, `1.5h`) or,
/// as GoTrue's settings also take, plain seconds (`60`), into seconds.
pub fn parse_duration_secs(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(v) = s.parse::<f64>() {
        return Some(v);
    }
    let mut total = 0.0;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(&n) = chars.peek() {
            if n.is_ascii_alphabetic() {
                unit.push(n);
                chars.next();
            } else {
                break;
            }
        }
        let v: f64 = num.parse().ok()?;
        num.clear();
        total += v * match unit.as_str() {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        any = true;
    }
    if !num.is_empty() || !any {
        return None;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_equality() {
        assert!(ct_eq("123456", "123456"));
        assert!(!ct_eq("123456", "123457"));
        assert!(!ct_eq("12345", "123456"));
        assert!(!ct_eq("", "1"));
        assert!(ct_eq("", ""));
    }

    #[test]
    fn uuids_like_gofrs() {
        let id = uuid_v4();
        assert_eq!(parse_uuid(&id).as_deref(), Some(id.as_str()));
        assert_eq!((id.len(), &id[14..15]), (36, "4"));
        assert_ne!(uuid_v4(), id);
        let canonical = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
        for form in [
            "6BA7B810-9DAD-11D1-80B4-00C04FD430C8",
            "6ba7b8109dad11d180b400c04fd430c8",
            "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}",
            "{6ba7b8109dad11d180b400c04fd430c8}",
            "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8",
            "urn:uuid:6ba7b8109dad11d180b400c04fd430c8",
        ] {
            assert_eq!(parse_uuid(form).as_deref(), Some(canonical), "{form}");
        }
        for bad in [
            "",
            "6ba7b810",
            "6ba7b810-9dad-11d1-80b4-00c04fd430cz",
            "URN:UUID:6ba7b8109dad11d180b400c04fd430c8",
            "{6ba7b8109dad11d180b400c04fd430c8",
        ] {
            assert_eq!(parse_uuid(bad), None, "{bad}");
        }
    }

    #[test]
    fn query_escape_like_go() {
        // Go's url.QueryEscape("a b*~/é") == "a+b%2A~%2F%C3%A9".
        assert_eq!(query_escape("a b*~/é"), "a+b%2A~%2F%C3%A9");
        // Go's Values.Encode sorts by key.
        let pairs = vec![("b".to_string(), "1 2".to_string()), ("a".to_string(), "&".to_string())];
        assert_eq!(encode_query(&pairs), "a=%26&b=1+2");
    }

    #[test]
    fn queries_like_go() {
        assert_eq!(
            parse_query("a=1+2&b=%41&&c"),
            vec![("a".into(), "1 2".into()), ("b".into(), "A".into()), ("c".into(), String::new())]
        );
        assert!(go_query_ok("redirect_to=http%3A%2F%2Fx&a=%41"));
        assert!(!go_query_ok("redirect_to=http://x&a=%zz"));
        assert!(!go_query_ok("redirect_to=http://x&a=1;b=2"));
        assert!(!go_query_ok("a=%4"));
        let mut u = SplitUrl::parse("http://Localhost:3000?b=2#f");
        u.set("code", "x y");
        assert_eq!(u.to_url_string(), "http://Localhost:3000?b=2&code=x+y#f");
    }

    #[test]
    fn times_format_like_go() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_443_201_291_457), "2026-11-23T14:13:21.291457Z");
        assert_eq!(rfc3339(1_795_443_201_290_000), "2026-11-23T14:13:21.29Z");
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("http://127.0.0.1:*", "http://127.0.0.1:5173"));
        assert!(wildcard_match("http://localhost:*", "http://localhost:1/x.y"));
        assert!(!wildcard_match("http://localhost:*", "https://localhost:1"));
    }

    #[test]
    fn base32_round_trip() {
        let d = b"12345678901234567890";
        assert_eq!(base32_encode(d), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32_decode("gezdgnbvgy3tqojqgezdgnbvgy3tqojq").unwrap(), d);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_secs("60s"), Some(60.0));
        assert_eq!(parse_duration_secs("1m30s"), Some(90.0));
        assert_eq!(parse_duration_secs("15"), Some(15.0));
        assert_eq!(parse_duration_secs("x"), None);
        assert_eq!(parse_duration_secs("1.5h"), Some(5400.0));
        assert_eq!(parse_duration_secs("500ms"), Some(0.5));
    }
}
