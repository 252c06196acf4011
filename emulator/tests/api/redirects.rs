//! `redirect_to` as an attacker writes it: every emailed link and `GET /verify` redirect goes
//! where GoTrue v2.196 would send it (Go's `url.Parse`, then the allow list), else to the site.

use crate::common::*;

/// Percent-encodes every byte but unreserved ones (a query value).
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where a failing `GET /verify` link with this `redirect_to` sends the browser.
async fn lands(c: &Client, redirect_to: &str) -> String {
    let path = format!("/verify?token=x&type=recovery&redirect_to={}", enc(redirect_to));
    let r = c.api("GET", &path).send().await;
    assert_eq!(r.status, 303, "{redirect_to:?}");
    let loc = r.header("Location").unwrap();
    loc.split_once('#').map_or(loc, |(l, _)| l).to_string()
}

#[tokio::test]
async fn hostile_redirects_fall_back_to_the_site() {
    let (_srv, c) = start().await;
    let site = format!("http://{}", c.addr);
    let hostile = [
        // Browsers go to evil.example (the `\` ends the host); Go refuses the user info.
        "http://evil.example\\@127.0.0.1/",
        "http://evil.example\\@localhost:3000/",
        // `localhost:x` is user info; the host is a decimal IP (74.125.x.x).
        "http://localhost:x@1249763200/",
        "http://localhost:3000@evil.example/",
        "http://127.0.0.1:1@evil.example/",
        "http://localhost:3000\\.evil.example/",
        "http://10.0.0.1/",
        "http://0x7f.1/",
        "http://[2001:db8::1]/",
        "http://[127.0.0.1]/",
        "http://localhost:3000:4000/",
        "http://%6cocalhost:3000/",
        "http://LOCALHOST:3000/",
        "http://localhost:3000/\tx",
        "http://localhost:3000/\nx",
        "//evil.example/",
        "/\\evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "https://evil.example/",
    ];
    for url in hostile {
        assert_eq!(lands(&c, url).await, site, "redirect_to={url:?}");
    }
    // GoTrue ignores the query's redirect_to when Go cannot parse the query.
    for query in ["&y=%zz", "&y=1;z=2"] {
        let path =
            format!("/verify?token=x&type=recovery&redirect_to=http://localhost:3000/{query}");
        let r = c.api("GET", &path).send().await;
        assert!(r.header("Location").unwrap().starts_with(&format!("{site}#")), "{query}");
    }
    // An empty header is no choice; the query's value is next.
    let r = c
        .api("GET", "/verify?token=x&type=recovery&redirect_to=http://localhost:3000/q")
        .header("redirect_to", "")
        .send()
        .await;
    assert!(r.header("Location").unwrap().starts_with("http://localhost:3000/q#"));
    for url in [
        "http://127.0.0.1:5000/ok",
        "http://localhost:3000/reset",
        "http://[::1]:3000/x",
        "http://user:pass@127.0.0.1:3000/",
    ] {
        assert!(lands(&c, url).await.starts_with(url), "redirect_to={url:?}");
    }
}

#[tokio::test]
async fn hostile_redirect_never_reaches_the_mail_or_the_referer_fallback() {
    let (_srv, c) = start().await;
    let site = format!("http://{}", c.addr);
    let email = email();
    c.signup(&email, PW).await;
    let hostile = "http://evil.example\\@127.0.0.1/";
    let r = c
        .api("POST", &format!("/recover?redirect_to={}", enc(hostile)))
        .json(serde_json::json!({ "email": email }))
        .send()
        .await;
    assert_eq!(r.status, 200);
    let (text, _, _) = c.mail_for(&email).await.expect("a recovery mail");
    assert!(text.contains(&format!("&redirect_to={}", enc(&site))), "{text}");
    assert!(!text.contains("evil"), "{text}");
    // A valid Referer is the next choice, a hostile one is not.
    let r = c
        .api("GET", &format!("/verify?token=x&type=recovery&redirect_to={}", enc(hostile)))
        .header("Referer", "http://localhost:4000/from")
        .send()
        .await;
    assert!(r.header("Location").unwrap().starts_with("http://localhost:4000/from#"));
    let r = c.api("GET", "/verify?token=x&type=recovery").header("Referer", hostile).send().await;
    assert!(r.header("Location").unwrap().starts_with(&format!("{site}#")));
}
