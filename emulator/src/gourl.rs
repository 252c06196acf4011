//! Go's `net/url.Parse` and `net.ParseIP`, as far as GoTrue's redirect check reads them: does
//! a URL parse, and what are its scheme, host name and port.
//!
//! Copied rule by rule from Go 1.26 (`net/url/url.go`, `net/netip/netip.go`; GoTrue v2.196 is
//! built with Go 1.26.5 and `go 1.26.5` in its `go.mod`, so `urlstrictcolons` is on). The WHATWG
//! parser of browsers and of the `url` crate reads some inputs differently (a `\` ends a
//! browser's host, Go refuses it in user info; Go keeps `localhost:x` as user info), so this
//! must stay Go's own. Every case in the tests was checked against Go 1.26.8. One rule may
//! differ from GoTrue's 1.26.5 build: for schemes other than http(s), several colons in a host
//! are split at the last one (CL 758900, golang/go#78077, backported within 1.26); before that
//! fix such a host failed to parse, so GoTrue's build may refuse a non-http redirect (say
//! `myapp://a:1:2/`) that the emulator lets its allow list decide.

/// The parts of a parsed URL that the redirect check reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoUrl {
    /// The scheme, lowercased (`""` for a relative URL).
    pub scheme: String,
    /// `URL.Host` after unescaping: `host[:port]`, IPv6 literals in brackets (Go strings are
    /// bytes: an escaped non-UTF-8 byte stays as it is).
    host: Vec<u8>,
}

/// Where Go's `url.Parse` says no (the reason, for tests and debugging).
pub type ParseError = &'static str;

/// Which part of a URL `unescape` reads (Go's `encoding` modes that can fail differently).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Host,
    Zone,
    /// Path, fragment and user info: only malformed `%` escapes fail.
    Other,
}

impl GoUrl {
    /// Go's `url.Parse(raw)`.
    pub fn parse(raw: &str) -> Result<GoUrl, ParseError> {
        // Cut off #frag (the fragment is unescaped but, unlike the rest, not checked for
        // control characters).
        let (u, frag) = raw.split_once('#').unwrap_or((raw, ""));
        let url = parse(u)?;
        if !frag.is_empty() {
            unescape(frag.as_bytes(), Mode::Other)?;
        }
        Ok(url)
    }

    /// `URL.Host`: `host[:port]` (as text; an escaped non-UTF-8 byte becomes U+FFFD).
    pub fn host(&self) -> String {
        String::from_utf8_lossy(&self.host).into_owned()
    }

    /// `URL.Hostname()`: the host without port and brackets.
    pub fn hostname(&self) -> &[u8] {
        split_host_port(&self.host).0
    }

    /// `URL.Port()`: the port digits, `""` when there are none.
    pub fn port(&self) -> &[u8] {
        split_host_port(&self.host).1
    }
}

fn parse(raw: &str) -> Result<GoUrl, ParseError> {
    if raw.bytes().any(|b| b < b' ' || b == 0x7f) {
        return Err("net/url: invalid control character in URL");
    }
    if raw == "*" {
        return Ok(GoUrl { scheme: String::new(), host: Vec::new() });
    }
    let (scheme, rest) = get_scheme(raw)?;
    let scheme = scheme.to_ascii_lowercase();
    let rest = if rest.ends_with('?') && rest.matches('?').count() == 1 {
        &rest[..rest.len() - 1]
    } else {
        rest.split_once('?').map_or(rest, |(r, _)| r)
    };
    if !rest.starts_with('/') {
        if !scheme.is_empty() {
            // A rootless path (`mailto:x`, `http:evil.example`): opaque, no host.
            return Ok(GoUrl { scheme, host: Vec::new() });
        }
        if rest.split('/').next().unwrap_or("").contains(':') {
            return Err("first path segment in URL cannot contain colon");
        }
    }
    let mut host = Vec::new();
    let mut path = rest;
    if (!scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let authority = &rest[2..];
        let (authority, p) = authority.find('/').map_or((authority, ""), |i| authority.split_at(i));
        host = parse_authority(&scheme, authority)?;
        path = p;
    }
    unescape(path.as_bytes(), Mode::Other)?;
    Ok(GoUrl { scheme, host })
}

/// `getScheme`: `[a-zA-Z][a-zA-Z0-9+.-]*` before the first `:`, else no scheme.
fn get_scheme(raw: &str) -> Result<(&str, &str), ParseError> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i == 0 => return Ok(("", raw)),
            b'0'..=b'9' | b'+' | b'-' | b'.' => {}
            b':' if i == 0 => return Err("missing protocol scheme"),
            b':' => return Ok((&raw[..i], &raw[i + 1..])),
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// `parseAuthority`: user info is everything before the LAST `@`.
fn parse_authority(scheme: &str, authority: &str) -> Result<Vec<u8>, ParseError> {
    let at = authority.rfind('@');
    let host = parse_host(scheme, at.map_or(authority, |i| &authority[i + 1..]))?;
    if let Some(i) = at {
        let userinfo = &authority[..i];
        if !userinfo.chars().all(valid_userinfo_char) {
            return Err("net/url: invalid userinfo");
        }
        for part in userinfo.splitn(2, ':') {
            unescape(part.as_bytes(), Mode::Other)?;
        }
    }
    Ok(host)
}

/// `validUserinfo`: RFC 3986 user info characters, plus `@` (no `\`, space or controls).
fn valid_userinfo_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._:~!$&'()*+,;=%@".contains(c)
}

/// `parseHost`: an IPv6 literal in brackets (a real IPv6 address), or a name with at most one
/// `:` before a numeric port (http and https; other schemes split at the last `:`).
fn parse_host(scheme: &str, host: &str) -> Result<Vec<u8>, ParseError> {
    match host.rfind('[') {
        Some(i) if i > 0 => Err("invalid IP-literal"),
        Some(_) => {
            let close = host.rfind(']').ok_or("missing ']' in host")?;
            let colon_port = &host[close + 1..];
            if !valid_optional_port(colon_port.as_bytes()) {
                return Err("invalid port after host");
            }
            let name = &host[1..close];
            let mut unescaped = match name.find("%25") {
                Some(z) => {
                    let mut v = unescape(&name.as_bytes()[..z], Mode::Host)?;
                    v.extend(unescape(&name.as_bytes()[z..], Mode::Zone)?);
                    v
                }
                None => unescape(name.as_bytes(), Mode::Host)?,
            };
            let addr = parse_addr(&unescaped).ok_or("invalid host")?;
            if addr.is4 {
                return Err("invalid IP-literal");
            }
            unescaped.insert(0, b'[');
            unescaped.push(b']');
            unescaped.extend_from_slice(colon_port.as_bytes());
            Ok(unescaped)
        }
        None => {
            if let Some(first) = host.find(':') {
                let last = host.rfind(':').unwrap_or(first);
                let i = if scheme == "http" || scheme == "https" { first } else { last };
                if !valid_optional_port(&host.as_bytes()[i..]) {
                    return Err("invalid port after host");
                }
            }
            unescape(host.as_bytes(), Mode::Host)
        }
    }
}

/// `validOptionalPort`: empty, or `:` and digits (`:` alone included).
fn valid_optional_port(port: &[u8]) -> bool {
    match port.split_first() {
        None => true,
        Some((b':', digits)) => digits.iter().all(u8::is_ascii_digit),
        Some(_) => false,
    }
}

/// `splitHostPort` (the URL method's, not `net.SplitHostPort`): the port after the last `:`
/// when it is numeric, then brackets removed.
fn split_host_port(host_port: &[u8]) -> (&[u8], &[u8]) {
    let (mut host, mut port): (&[u8], &[u8]) = (host_port, b"");
    if let Some(colon) = host_port.iter().rposition(|b| *b == b':') {
        if valid_optional_port(&host_port[colon..]) {
            (host, port) = (&host_port[..colon], &host_port[colon + 1..]);
        }
    }
    if host.len() >= 2 && host[0] == b'[' && host[host.len() - 1] == b']' {
        host = &host[1..host.len() - 1];
    }
    (host, port)
}

/// `shouldEscape(c, encodeHost)` for ASCII: what a host may not hold unescaped.
fn host_should_escape(c: u8) -> bool {
    !(c.is_ascii_alphanumeric() || b"-_.~!$&'()*+,;=:[]<>\"".contains(&c))
}

/// `unescape(s, mode)`: `%XX` decoded; a malformed escape fails, and in a host an escaped
/// ASCII byte (except `%25`) or an ASCII byte a host may not hold fails too.
fn unescape(s: &[u8], mode: Mode) -> Result<Vec<u8>, ParseError> {
    let hex = |c: u8| char::from(c).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' => {
                let (Some(hi), Some(lo)) =
                    (s.get(i + 1).copied().and_then(hex), s.get(i + 2).copied().and_then(hex))
                else {
                    return Err("invalid URL escape");
                };
                let is_25 = &s[i..i + 3] == b"%25";
                if mode == Mode::Host && hi < 8 && !is_25 {
                    return Err("invalid URL escape");
                }
                let v = hi << 4 | lo;
                if mode == Mode::Zone && !is_25 && v != b' ' && host_should_escape(v) {
                    return Err("invalid URL escape");
                }
                out.push(v);
                i += 3;
            }
            c => {
                if mode != Mode::Other && c < 0x80 && host_should_escape(c) {
                    return Err("invalid character in host name");
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// A parsed IP address (`netip.Addr`): 16 bytes, whether it is IPv4, whether it has a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpAddr {
    bytes: [u8; 16],
    is4: bool,
    zone: bool,
}

impl IpAddr {
    /// `net.IP.IsLoopback`: 127.0.0.0/8 (also IPv4-mapped) or `::1`.
    pub fn is_loopback(&self) -> bool {
        let mapped = self.bytes[..10].iter().all(|b| *b == 0) && self.bytes[10..12] == [0xff; 2];
        if self.is4 || mapped {
            return self.bytes[12] == 127;
        }
        let mut one = [0u8; 16];
        one[15] = 1;
        self.bytes == one
    }
}

/// `net.ParseIP`: an IPv4 or IPv6 address without a zone.
pub fn parse_ip(s: &[u8]) -> Option<IpAddr> {
    parse_addr(s).filter(|a| !a.zone)
}

/// `netip.ParseAddr`: the first `.` or `:` decides IPv4 or IPv6.
fn parse_addr(s: &[u8]) -> Option<IpAddr> {
    match s.iter().find(|c| matches!(c, b'.' | b':' | b'%'))? {
        b'.' => {
            let mut f = [0u8; 4];
            parse_ipv4_fields(s, &mut f)?;
            let mut bytes = [0u8; 16];
            bytes[10] = 0xff;
            bytes[11] = 0xff;
            bytes[12..].copy_from_slice(&f);
            Some(IpAddr { bytes, is4: true, zone: false })
        }
        b':' => parse_ipv6(s),
        _ => None,
    }
}

/// `parseIPv4Fields`: four decimal octets, no leading zeros, each at most 255.
fn parse_ipv4_fields(s: &[u8], fields: &mut [u8]) -> Option<()> {
    let (mut val, mut pos, mut digits) = (0u32, 0usize, 0usize);
    for (i, &c) in s.iter().enumerate() {
        if c.is_ascii_digit() {
            if digits == 1 && val == 0 {
                return None;
            }
            val = val * 10 + u32::from(c - b'0');
            digits += 1;
            if val > 255 {
                return None;
            }
        } else if c == b'.' {
            if i == 0 || i == s.len() - 1 || s[i - 1] == b'.' || pos == 3 {
                return None;
            }
            fields[pos] = val as u8;
            pos += 1;
            val = 0;
            digits = 0;
        } else {
            return None;
        }
    }
    if pos < 3 {
        return None;
    }
    fields[3] = val as u8;
    Some(())
}

/// `parseIPv6`: hex groups, one `::`, an optional trailing IPv4, an optional non-empty zone.
fn parse_ipv6(input: &[u8]) -> Option<IpAddr> {
    let (mut s, zone) = match input.iter().position(|c| *c == b'%') {
        Some(i) if i + 1 == input.len() => return None,
        Some(i) => (&input[..i], true),
        None => (input, false),
    };
    let mut ip = [0u8; 16];
    let mut ellipsis: Option<usize> = None;
    if s.starts_with(b"::") {
        ellipsis = Some(0);
        s = &s[2..];
        if s.is_empty() {
            return Some(IpAddr { bytes: ip, is4: false, zone });
        }
    }
    let mut i = 0;
    while i < 16 {
        let (mut off, mut acc) = (0usize, 0u32);
        while off < s.len() {
            let Some(d) = char::from(s[off]).to_digit(16) else { break };
            acc = (acc << 4) + d;
            if off > 3 || acc > 0xffff {
                return None;
            }
            off += 1;
        }
        if off == 0 {
            return None;
        }
        if off < s.len() && s[off] == b'.' {
            if (ellipsis.is_none() && i != 12) || i + 4 > 16 {
                return None;
            }
            parse_ipv4_fields(s, &mut ip[i..i + 4])?;
            s = b"";
            i += 4;
            break;
        }
        ip[i] = (acc >> 8) as u8;
        ip[i + 1] = acc as u8;
        i += 2;
        s = &s[off..];
        if s.is_empty() {
            break;
        }
        if s[0] != b':' || s.len() == 1 {
            return None;
        }
        s = &s[1..];
        if s[0] == b':' {
            if ellipsis.is_some() {
                return None;
            }
            ellipsis = Some(i);
            s = &s[1..];
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return None;
    }
    match ellipsis {
        _ if i == 16 && ellipsis.is_some() => return None,
        Some(e) if i < 16 => {
            let n = 16 - i;
            for j in (e..i).rev() {
                ip[j + n] = ip[j];
            }
            ip[e..e + n].fill(0);
        }
        None if i < 16 => return None,
        _ => {}
    }
    Some(IpAddr { bytes: ip, is4: false, zone })
}

#[cfg(test)]
mod tests {
    use super::*;

    type Parts = Option<(&'static str, &'static str, &'static str)>;

    /// (input, Go 1.26.8's `url.Parse`: `None` for an error, else scheme, hostname, port).
    const CASES: &[(&str, Parts)] = &[
        ("http://127.0.0.1:5000/ok", Some(("http", "127.0.0.1", "5000"))),
        // Go refuses a backslash in user info (browsers end the host there: evil.example).
        ("http://evil.example\\@127.0.0.1/", None),
        ("http://evil.example\\.127.0.0.1/", None),
        // Everything before the last `@` is user info: the host is the decimal IP.
        ("http://localhost:x@1249763200/", Some(("http", "1249763200", ""))),
        ("http://a@b@localhost:3000/", Some(("http", "localhost", "3000"))),
        ("http://localhost:3000@evil.example/", Some(("http", "evil.example", ""))),
        ("http://user name@localhost/", None),
        ("http://localhost:x/", None),
        ("http://localhost:/", Some(("http", "localhost", ""))),
        ("http://localhost:1:2/", None),
        ("myapp://a:1:2/", Some(("myapp", "a:1", "2"))),
        ("HTTP://LocalHost:80/", Some(("http", "LocalHost", "80"))),
        ("http://[::1]:3000/x", Some(("http", "::1", "3000"))),
        ("http://[::ffff:127.0.0.1]/", Some(("http", "::ffff:127.0.0.1", ""))),
        ("http://[127.0.0.1]/", None),
        ("http://[fe80::1%25eth0]/", Some(("http", "fe80::1%eth0", ""))),
        ("http://[fe80::1%25]/", None),
        ("http://x[::1]/", None),
        ("http://[::1/", None),
        ("http://[::1]x/", None),
        ("http://[evil.example]/", None),
        ("http://::1/", None),
        ("http://%65vil.example/", None),
        ("http://%C3%A9.example/", Some(("http", "\u{e9}.example", ""))),
        ("http://ex%2ample/", None),
        ("http://evil.example%25/", Some(("http", "evil.example%", ""))),
        ("http://a<b/", Some(("http", "a<b", ""))),
        ("http://a{b/", None),
        ("http://a^b/", None),
        ("http://local\thost/", None),
        ("http://localhost/\n", None),
        ("http://localhost/#\n", Some(("http", "localhost", ""))),
        ("http://localhost/%zz", None),
        ("http://localhost/#%zz", None),
        ("http://localhost/?%zz", Some(("http", "localhost", ""))),
        ("http://localhost:3000?x", Some(("http", "localhost", "3000"))),
        ("//evil.example/", Some(("", "evil.example", ""))),
        ("///evil.example/", Some(("", "", ""))),
        ("/\\evil.example/", Some(("", "", ""))),
        ("\\\\evil.example/", Some(("", "", ""))),
        ("http:evil.example", Some(("http", "", ""))),
        ("http:/evil.example", Some(("http", "", ""))),
        ("http:///evil.example", Some(("http", "", ""))),
        ("javascript:alert(1)", Some(("javascript", "", ""))),
        (":foo", None),
        ("a:b/c", Some(("a", "", ""))),
        ("1a:b", None),
        ("*", Some(("", "", ""))),
        ("", Some(("", "", ""))),
        ("http://user%zz@localhost/", None),
        ("http://[::1]:/", Some(("http", "::1", ""))),
    ];

    #[test]
    fn parses_like_go() {
        for (raw, want) in CASES {
            let got = GoUrl::parse(raw).ok().map(|u| {
                let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                (u.scheme.clone(), s(u.hostname()), s(u.port()))
            });
            let want = want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
            assert_eq!(got, want, "url.Parse({raw:?})");
        }
    }

    #[test]
    fn parse_ip_like_go() {
        // (input, Go's `net.ParseIP(s)`: `None` = nil, else IsLoopback).
        let cases: &[(&str, Option<bool>)] = &[
            ("127.0.0.1", Some(true)),
            ("127.255.0.9", Some(true)),
            ("10.0.0.1", Some(false)),
            ("0177.0.0.1", None),
            ("127.1", None),
            ("127.0.0.256", None),
            ("1.2.3.4.5", None),
            ("::1", Some(true)),
            ("0:0:0:0:0:0:0:1", Some(true)),
            ("::ffff:127.0.0.1", Some(true)),
            ("::ffff:7f00:1", Some(true)),
            ("::127.0.0.1", Some(false)),
            ("::", Some(false)),
            ("fe80::1%eth0", None),
            ("1:2:3:4:5:6:7::", Some(false)),
            ("1:2:3:4:5:6:7:8::", None),
            ("1::2::3", None),
            ("12345::", None),
            ("1:2:3:4:5:6:1.2.3.4", Some(false)),
            ("1:2:3:4:5:1.2.3.4", None),
            ("localhost", None),
            ("1249763200", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse_ip(s.as_bytes()).map(|a| a.is_loopback()), *want, "ParseIP({s:?})");
        }
    }
}
