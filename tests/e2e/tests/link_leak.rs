//! An emailed link is a bearer token (a `token_hash` link works in any browser until the code
//! expires), so the page it opens must hand it to nobody: no request of the page carries it in
//! its URL or `Referer`, and the address bar and the history entry lose it before the page
//! makes a request of its own (`web/boot.js`), while the app still verifies the link from
//! memory. What goes on the wire is recorded by a small proxy between Chromium and the
//! emulator: the browser talks to the proxy's origin, which forwards every request (and drops
//! the emulator's `Referrer-Policy` header: the page itself must keep the token).

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use e2e::PASSWORD;
use std::sync::{Arc, Mutex};

const EMAIL: &str = "leak@example.com";

/// A request as the proxy received it.
#[derive(Debug, Clone)]
struct Seen {
    uri: String,
    referer: String,
}

/// A reverse proxy in front of `upstream` that records every request: the browser's view of
/// the app is `origin`.
struct Recorder {
    origin: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Recorder {
    async fn start(upstream: String) -> Recorder {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let origin = format!("http://{}", listener.local_addr().expect("address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        let log = seen.clone();
        let app = axum::Router::new().fallback(move |req: Request| {
            forward(http.clone(), upstream.clone(), log.clone(), req)
        });
        tokio::spawn(async move { axum::serve(listener, app).await });
        Recorder { origin, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

async fn forward(
    http: reqwest::Client,
    upstream: String,
    log: Arc<Mutex<Vec<Seen>>>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let header = |name: &str| {
        parts.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
    };
    log.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Seen { uri: parts.uri.to_string(), referer: header("referer") });
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut out = http.request(parts.method.clone(), format!("{upstream}{path}")).body(body);
    for (name, value) in &parts.headers {
        if name != http::header::HOST {
            out = out.header(name, value);
        }
    }
    let resp = out.send().await.expect("emulator answers");
    let mut back = Response::builder().status(resp.status());
    for (name, value) in resp.headers() {
        // Not the emulator's `Referrer-Policy` either: the page must hold by itself, as on a
        // host that does not send the header.
        let dropped = [
            http::header::CONNECTION,
            http::header::TRANSFER_ENCODING,
            http::header::CONTENT_LENGTH,
            http::header::REFERRER_POLICY,
        ];
        if !dropped.contains(name) {
            back = back.header(name, value);
        }
    }
    back.body(Body::from(resp.bytes().await.unwrap_or_default())).expect("response")
}

/// The value of `key` in `url`'s query.
fn query_value(url: &str, key: &str) -> String {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let pairs = gotrue_emulator::util::parse_query(query);
    pairs.into_iter().find(|(k, _)| k == key).map(|(_, v)| v).expect(key)
}

/// Opens the mail's `token_hash` link: no request after the page's own address carries the
/// token (URL or `Referer`: the boot script, the stylesheet, the wasm, the pack, the API), the
/// address bar (the history entry) is without it before the first press, and Continue still
/// verifies it (the app read it from memory).
#[tokio::test]
async fn an_opened_link_hands_its_token_to_no_request_and_leaves_no_history_entry() {
    let env = e2e::start_env().await;
    env.create_user(EMAIL, PASSWORD, None, None).await;
    env.api_recover(EMAIL, None).await;
    let link = env.latest_mail_link(EMAIL).await;
    let token = query_value(&link, "token_hash");
    let path = link.strip_prefix(&env.origin).expect("the link is the app's");
    let proxy = Recorder::start(env.origin.clone()).await;

    let b = env.browser().await;
    b.goto_url(&format!("{}{path}", proxy.origin)).await;
    b.heading("Reset your password").await;
    b.button("Continue").await;
    // The page's history entry is the address bar's: replaced, without the token.
    let href = b.href().await;
    assert!(href.starts_with(&format!("{}/auth/confirm", proxy.origin)), "address bar: {href}");
    assert!(!href.contains(&token), "the address bar keeps the token: {href}");
    let kept = b.js("return typeof window.__lsaLink;").await;
    assert_eq!(kept, "undefined", "the app took the link from memory, and dropped it");

    b.click("Continue").await;
    // Verified: the page names the link's account (then, or at once, the wizard goes on).
    e2e::eventually("the link's account to show", || async {
        let text = b.js("return document.body.innerText;").await;
        text.as_str().is_some_and(|t| t.contains(EMAIL)).then_some(())
    })
    .await;

    let seen = proxy.seen();
    let (first, rest) = seen.split_first().expect("requests");
    assert!(first.uri.contains(&token), "the first request is the link itself: {first:?}");
    assert!(
        rest.iter().any(|s| s.uri.ends_with(".wasm"))
            && rest.iter().any(|s| s.uri.contains("/verify")),
        "the page fetched its wasm and verified the link through the proxy: {rest:?}"
    );
    for s in rest {
        assert!(!s.uri.contains(&token), "a request carries the token in its URL: {s:?}");
        assert!(!s.referer.contains(&token), "a request carries the token in Referer: {s:?}");
    }
    env.stop().await;
}

/// GoTrue's implicit redirect puts the session in the fragment: it leaves the address bar
/// before the page makes a request, and the landing page still finds it (in memory).
#[tokio::test]
async fn fragment_tokens_leave_the_address_bar_and_still_land() {
    let env = e2e::start_env().await;
    env.create_user(EMAIL, PASSWORD, None, None).await;
    let tokens = env.recovery_tokens(EMAIL).await;
    let proxy = Recorder::start(env.origin.clone()).await;

    let b = env.browser().await;
    b.goto_url(&format!("{}{}", proxy.origin, tokens.landing_path(Some("recovery")))).await;
    b.role_text("status", &format!("This link resets the password of {EMAIL}.")).await;
    let href = b.href().await;
    assert!(
        !href.contains(&tokens.access_token) && !href.contains(&tokens.refresh_token),
        "address bar: {href}"
    );
    for s in proxy.seen() {
        assert!(
            !s.uri.contains(&tokens.refresh_token) && !s.referer.contains(&tokens.refresh_token),
            "{s:?}"
        );
    }
    env.stop().await;
}
