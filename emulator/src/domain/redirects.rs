//! Where emailed links and `GET /verify` send people: GoTrue's `GetReferrer` and
//! `IsRedirectURLValid` (`internal/utilities/request.go`, v2.196), rule by rule. URLs are read
//! with Go's `url.Parse` ([`crate::gourl`]), allow-list entries with gobwas/glob
//! ([`crate::glob`]), never with a browser's parser: the verdict must be GoTrue's.

use crate::glob::Glob;
use crate::gourl::{parse_ip, GoUrl};
use crate::state::AppState;

/// GoTrue's `GetReferrer`: the requested `redirect_to` when valid, else a valid `Referer`, else
/// the site URL.
pub fn target(state: &AppState, requested: Option<String>, referer: Option<String>) -> String {
    [requested, referer]
        .into_iter()
        .flatten()
        .find(|candidate| is_valid(state, candidate))
        .unwrap_or_else(|| state.site_url.clone())
}

/// [`is_redirect_url_valid`] with the server's site URL and `GOTRUE_URI_ALLOW_LIST`.
pub fn is_valid(state: &AppState, url: &str) -> bool {
    is_redirect_url_valid(&state.site_url, &state.config.uri_allow_list, url)
}

/// GoTrue's `IsRedirectURLValid`:
/// 1. both URLs must parse (Go's `url.Parse`);
/// 2. the site itself is allowed: same scheme and host name, same port unless the host is
///    `localhost`, `127.0.0.1`, `::1`, `0.0.0.0` or `::` (RFC 8252 native apps);
/// 3. a host of digits only (a decimal IP) is refused; an IP address is allowed when it is a
///    loopback address and refused otherwise; an http(s) host with unusual characters is refused;
/// 4. else the URL (without its fragment) must match an allow-list glob.
///
/// Host names compare as Go compares strings (case-sensitive), and so do the globs.
pub fn is_redirect_url_valid(site_url: &str, allow_list: &[String], url: &str) -> bool {
    if url.is_empty() {
        return false;
    }
    let (Ok(base), Ok(redirect)) = (GoUrl::parse(site_url), GoUrl::parse(url)) else {
        return false;
    };
    let host = redirect.hostname();
    if base.hostname() == host
        && base.scheme == redirect.scheme
        && (base.port() == redirect.port() || is_localhost(host))
    {
        return true;
    }
    let is_http = redirect.scheme == "http" || redirect.scheme == "https";
    if !host.is_empty() && host.iter().all(u8::is_ascii_digit) {
        return false;
    } else if let Some(ip) = parse_ip(host) {
        return ip.is_loopback();
    } else if is_http && !regular_hostname(host) {
        return false;
    }
    let without_fragment = url.split_once('#').map_or(url, |(u, _)| u);
    allow_list
        .iter()
        .filter_map(|pattern| Glob::compile(pattern, &['.', '/']).ok())
        .any(|glob| glob.matches(without_fragment))
}

/// GoTrue's `isLocalhost` (case-insensitive).
fn is_localhost(host: &[u8]) -> bool {
    ["localhost", "127.0.0.1", "::1", "0.0.0.0", "::"]
        .iter()
        .any(|v| host.eq_ignore_ascii_case(v.as_bytes()))
}

/// GoTrue's `regularHostname`: `^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$`.
fn regular_hostname(host: &[u8]) -> bool {
    let inner = |c: &u8| c.is_ascii_alphanumeric() || *c == b'.' || *c == b'-';
    match host {
        [] => false,
        [one] => one.is_ascii_alphanumeric(),
        [first, middle @ .., last] => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && middle.iter().all(inner)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::test_state;

    const SITE: &str = "http://127.0.0.1:9999";
    const ALLOW: &[&str] = &["http://127.0.0.1:*/**", "http://localhost:*/**"];

    /// Each URL with the verdict of GoTrue v2.196's `IsRedirectURLValid` (site URL and allow list
    /// above; the hostile ones measured on a real GoTrue or checked with Go 1.26.8).
    const CASES: &[(&str, bool)] = &[
        ("http://127.0.0.1:5000/ok", true),
        ("http://localhost:3000/reset", true),
        ("http://localhost:3000/reset?x=1#frag", true),
        // A browser goes to evil.example; Go refuses the backslash in user info.
        ("http://evil.example\\@127.0.0.1/", false),
        ("http://evil.example\\@localhost:3000/", false),
        ("http://localhost:3000\\@evil.example/", false),
        ("http://localhost:3000\\.evil.example/", false),
        ("http:\\\\evil.example/", false),
        // The host is 1249763200 (74.125.x.x as a decimal IP), the glob's `*` eats "x@…".
        ("http://localhost:x@1249763200/", false),
        ("http://localhost:3000@evil.example/", false),
        ("http://127.0.0.1:1@evil.example/", false),
        ("http://user:pass@localhost:3000/", false),
        ("http://user:pass@127.0.0.1:3000/", true),
        ("http://0x7f.1/", false),
        ("http://2130706433/", false),
        ("http://0177.0.0.1/", false),
        ("http://10.0.0.1/", false),
        ("http://127.0.0.2:80/x", true),
        ("http://[::1]:3000/x", true),
        ("http://[::ffff:127.0.0.1]/x", true),
        ("http://[::ffff:7f00:1]/x", true),
        ("http://[2001:db8::1]/x", false),
        ("http://[fe80::1%25eth0]:3000/", false),
        ("http://[127.0.0.1]/", false),
        ("http://[localhost]/", false),
        ("http://::1/", false),
        ("http://localhost:3000:4000/", false),
        ("http://localhost:x/", false),
        ("http://%6cocalhost:3000/", false),
        ("http://local%00host:3000/", false),
        ("http://evil.example%2F@localhost:3000/", false),
        ("http://localhost%2F@evil.example/", false),
        ("http://LOCALHOST:3000/x", false),
        ("HTTP://localhost:3000/x", false),
        ("HTTP://127.0.0.1:3000/x", true),
        ("https://127.0.0.1:3000/x", true),
        ("http://localhost./", false),
        ("http://-evil.example/", false),
        ("http://evil_example/", false),
        ("http://évil.example/", false),
        ("http://localhost:3000/\tx", false),
        ("http://localhost:3000/\nx", false),
        ("http://local\thost:3000/", false),
        ("http://localhost:3000/#\n", true),
        ("http://localhost:3000/%zz", false),
        ("http://localhost:3000/#%zz", false),
        ("//evil.example/", false),
        ("//localhost:3000/x", false),
        ("///evil.example/", false),
        ("/\\evil.example/", false),
        ("/relative", false),
        ("", false),
        ("javascript:alert(1)", false),
        ("http:evil.example", false),
        ("http:/localhost:3000/", false),
        ("data:text/html,x", false),
        ("myapp://callback", false),
        ("ftp://localhost:3000/", false),
        ("http://localhost:3000", false),
        ("http://localhost/x", false),
        ("http://127.0.0.1/x", true),
        ("http://0.0.0.0:1/", false),
    ];

    #[test]
    fn decides_like_gotrue() {
        let allow: Vec<String> = ALLOW.iter().map(|s| s.to_string()).collect();
        for (url, want) in CASES {
            assert_eq!(is_redirect_url_valid(SITE, &allow, url), *want, "redirect_to={url:?}");
        }
    }

    #[test]
    fn other_sites_and_lists() {
        let none: Vec<String> = Vec::new();
        let app = "https://app.example:8443/base";
        assert!(is_redirect_url_valid(app, &none, "https://app.example:8443/other"));
        assert!(!is_redirect_url_valid(app, &none, "https://app.example/other"));
        assert!(!is_redirect_url_valid(app, &none, "http://app.example:8443/"));
        assert!(is_redirect_url_valid(app, &none, "http://[::1]/"));
        let mobile = vec!["myapp://**".to_string(), "https://*.example.com/**".to_string()];
        assert!(is_redirect_url_valid(app, &mobile, "myapp://callback"));
        assert!(is_redirect_url_valid(app, &mobile, "myapp://a_b/c"));
        assert!(is_redirect_url_valid(app, &mobile, "https://a.example.com/x"));
        assert!(!is_redirect_url_valid(app, &mobile, "https://a.b.example.com/x"));
        assert!(!is_redirect_url_valid(app, &mobile, "https://x_y.example.com/x"));
        let bad = vec!["[".to_string()];
        assert!(!is_redirect_url_valid(app, &bad, "https://x.example/"));
        assert!(!is_redirect_url_valid("http://bad\\site", &mobile, "myapp://x"));
    }

    #[test]
    fn target_falls_back_to_referer_then_site() {
        let state = test_state(|_| {});
        let t = |r: Option<&str>, f: Option<&str>| {
            target(&state, r.map(str::to_string), f.map(str::to_string))
        };
        assert_eq!(t(None, None), "http://127.0.0.1:9999");
        assert_eq!(t(Some("http://evil.test/"), None), "http://127.0.0.1:9999");
        assert_eq!(t(Some("http://evil.example\\@127.0.0.1/"), None), "http://127.0.0.1:9999");
        assert_eq!(
            t(Some("http://evil.test/"), Some("http://localhost:1/a")),
            "http://localhost:1/a"
        );
        assert_eq!(
            t(Some("http://127.0.0.1:5/b"), Some("http://localhost:1/a")),
            "http://127.0.0.1:5/b"
        );
    }
}
