//! Test controls, outboxes, CORS, the apikey gate, static files and the inbox page.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn clock_faults_and_reset() {
    let (_srv, c) = start().await;
    let t0 = c.now().await;
    c.advance(100.0).await;
    assert!(c.now().await >= t0 + 100);
    // A failing request, then the real one.
    let r = c
        .req("POST", "/_emulator/faults")
        .json(json!({"path": "/auth/v1/recover", "status": 503, "count": 1}))
        .send()
        .await;
    assert_eq!(r.status, 200);
    let r = c.api("POST", "/recover").json(json!({"email": "a@example.com"})).send().await;
    assert_eq!((r.status, r.code()), (503, "unexpected_failure".into()));
    assert_eq!(
        c.api("POST", "/recover").json(json!({"email": "a@example.com"})).send().await.status,
        200
    );
    // A dropped connection.
    c.req("POST", "/_emulator/faults")
        .json(json!({"path": "/auth/v1/settings", "drop": true}))
        .send()
        .await;
    let hdr = vec![("apikey".to_string(), "anon".to_string())];
    assert!(c.try_send("GET", "/auth/v1/settings", None, &hdr).await.is_none());
    assert!(c.try_send("GET", "/auth/v1/settings", None, &hdr).await.is_some());
    // A delay, method-specific, then cleared.
    c.req("POST", "/_emulator/faults")
        .json(json!({"path": "/auth/v1/settings", "method": "GET", "delay_ms": 150, "count": 5}))
        .send()
        .await;
    let start = std::time::Instant::now();
    assert_eq!(c.api("GET", "/settings").send().await.status, 200);
    assert!(start.elapsed().as_millis() >= 150);
    assert_eq!(c.req("DELETE", "/_emulator/faults").send().await.status, 200);
    let start = std::time::Instant::now();
    c.api("GET", "/settings").send().await;
    assert!(start.elapsed().as_millis() < 150);
    // Reset empties everything and puts the clock back.
    let email = email();
    c.signup(&email, PW).await;
    c.api("POST", "/recover").json(json!({"email": email})).send().await;
    assert!(c.mail_for(&email).await.is_some());
    assert_eq!(c.req("POST", "/_emulator/reset").send().await.status, 200);
    assert!(c.mail_for(&email).await.is_none());
    assert_eq!(c.login(&email, PW).await.code(), "invalid_credentials");
    assert!(c.now().await < t0 + 50);
}

#[tokio::test]
async fn seeded_users_with_factors() {
    let (_srv, c) = start().await;
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let r = c
        .req("POST", "/_emulator/users")
        .json(json!({"email": "seed@example.com", "password": "demo-password-1", "totp_secret": secret, "phone": "+15550001111"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let j = r.json();
    let factors = j["factors"].as_array().unwrap();
    assert_eq!(factors.len(), 2);
    assert_eq!(factors[0]["factor_type"], "totp");
    assert_eq!(factors[1]["factor_type"], "phone");
    let s = c.session("seed@example.com", "demo-password-1").await;
    assert_eq!(claims(&at(&s))["aal"], "aal1");
    assert_eq!(claims(&at(&s))["sub"], j["id"]);
    let fid = factors[0]["id"].as_str().unwrap();
    let v = c.mfa_totp(&at(&s), fid, secret).await;
    assert_eq!(claims(&at(&v.json()))["aal"], "aal2");
    // The inbox page shows the current code of seeded factors, under the CSP.
    let page = c.req("GET", "/_mail/").send().await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains(&c.totp(secret).await));
    assert!(page.header("content-security-policy").unwrap().contains("default-src 'self'"));
    assert!(!page.text().contains("<script") && !page.text().contains("style="));
}

#[tokio::test]
async fn controls_are_off_by_default() {
    let (_srv, c) = start_with(|cfg| cfg.test_controls = false).await;
    assert_eq!(c.req("GET", "/_emulator/clock").send().await.status, 404);
    assert_eq!(c.req("POST", "/_emulator/reset").send().await.status, 404);
}

#[tokio::test]
async fn mail_and_sms_outboxes() {
    let (_srv, c) = start().await;
    let (a, b) = (email(), email());
    c.signup(&a, PW).await;
    c.signup(&b, PW).await;
    c.api("POST", "/recover").json(json!({"email": a})).send().await;
    c.api("POST", "/recover").json(json!({"email": b})).send().await;
    let list = c.req("GET", "/_mail/api/v1/messages").send().await.json();
    assert_eq!(list["total"], 2);
    assert_eq!(list["messages"][0]["To"][0]["Address"], b.as_str(), "newest first");
    let found = c.req("GET", &format!("/_mail/api/v1/search?query=to:{a}")).send().await.json();
    assert_eq!(found["messages"].as_array().unwrap().len(), 1);
    let id = found["messages"][0]["ID"].as_str().unwrap();
    let m = c.req("GET", &format!("/_mail/api/v1/message/{id}")).send().await.json();
    assert_eq!(m["Subject"], "Reset Your Password");
    let text = m["Text"].as_str().unwrap();
    assert!(text.lines().any(|l| l.len() == 12 && l.starts_with("Code: ")), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with(&format!("http://{}/auth/v1/verify?token=", c.addr))
            && l.contains("&type=recovery&redirect_to=")),
        "{text}"
    );
    // The app's own link first (the project's template), GoTrue's `GET /verify` link after it.
    let links: Vec<&str> = text.lines().filter(|l| l.starts_with("http")).collect();
    assert_eq!(links.len(), 2, "{text}");
    let hash = links[1].split("token=").nth(1).unwrap().split('&').next().unwrap();
    assert_eq!(
        links[0],
        format!("http://{}/auth/confirm?token_hash={hash}&type=recovery", c.addr),
        "{text}"
    );
    assert!(m["HTML"].as_str().unwrap().contains("href="));
    assert_eq!(c.req("GET", "/_mail/api/v1/message/nope").send().await.status, 404);
    assert_eq!(c.req("DELETE", "/_mail/api/v1/messages").send().await.status, 200);
    assert_eq!(c.req("GET", "/_mail/api/v1/messages").send().await.json()["total"], 0);
    let sms = c.req("GET", "/_sms/api/v1/messages").send().await.json();
    assert_eq!(sms["messages"], json!([]));
}

#[tokio::test]
async fn cors() {
    let (_srv, c) = start().await;
    let r = c
        .req("OPTIONS", "/auth/v1/token?grant_type=password")
        .header("Origin", "http://localhost:5173")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "apikey, content-type, x-supabase-api-version, authorization, x-client-info",
        )
        .send()
        .await;
    assert!(r.status == 204 || r.status == 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("http://localhost:5173"));
    let allow = r.header("access-control-allow-headers").unwrap().to_lowercase();
    for h in ["apikey", "authorization", "content-type", "x-supabase-api-version", "x-client-info"]
    {
        assert!(allow.contains(h), "{allow}");
    }
    let r = c
        .api("POST", "/recover")
        .header("Origin", "http://127.0.0.1:9")
        .json(json!({}))
        .send()
        .await;
    assert_eq!(r.header("access-control-allow-origin"), Some("http://127.0.0.1:9"));
    assert_eq!(r.header("access-control-expose-headers"), Some("X-Supabase-Api-Version"));
    let r = c.api("GET", "/settings").header("Origin", "https://evil.example").send().await;
    assert_eq!(r.header("access-control-allow-origin"), None);
    let (_s2, c2) = start_with(|cfg| cfg.cors_origins = vec!["*".into()]).await;
    let r = c2.api("GET", "/settings").header("Origin", "https://any.example").send().await;
    assert_eq!(r.header("access-control-allow-origin"), Some("https://any.example"));
}

#[tokio::test]
async fn apikey_gate() {
    let (_srv, c) = start_with(|cfg| cfg.anon_key = Some("the-anon-key".into())).await;
    let r = c.api("GET", "/settings").header("apikey", "wrong").send().await;
    assert_eq!(r.status, 401);
    let r = c.req("GET", "/auth/v1/settings").header("apikey", "").send().await;
    assert_eq!(r.status, 401);
    assert_eq!(c.api("GET", "/settings").header("apikey", "the-anon-key").send().await.status, 200);
    assert_eq!(c.send("GET", "/auth/v1/settings?apikey=the-anon-key", None, &[]).await.status, 200);
    assert_eq!(c.send("GET", "/auth/v1/settings", None, &[]).await.status, 401);
    // The emailed link stays open.
    let r = c.api("GET", "/verify?token=x&type=recovery").header("apikey", "wrong").send().await;
    assert_eq!(r.status, 303);
}

#[tokio::test]
async fn serve_dir_spa() {
    let dir = std::env::temp_dir().join(format!("emu-dist-{}", gotrue_emulator::util::uuid_v4()));
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    std::fs::write(dir.join("assets/app.wasm"), b"\0asm").unwrap();
    std::fs::write(dir.join("assets/app.js"), "export {}").unwrap();
    let d = dir.clone();
    let (_srv, c) = start_with(move |cfg| cfg.serve_dir = Some(d)).await;
    let r = c.req("GET", "/").send().await;
    assert_eq!((r.status, r.text().contains("<title>app</title>")), (200, true));
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(r.header("content-security-policy").unwrap().contains("'wasm-unsafe-eval'"));
    let r = c.req("GET", "/reset-password?code=1#x").send().await;
    assert_eq!((r.status, r.text().contains("<title>app</title>")), (200, true));
    let r = c.req("GET", "/assets/app.wasm").send().await;
    assert_eq!(r.header("content-type"), Some("application/wasm"));
    assert_eq!(r.body, b"\0asm");
    assert!(c
        .req("GET", "/assets/app.js")
        .send()
        .await
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    // No answer of the file server lets a page's requests send its address (a link's token)
    // as Referer: the app, deep links with a token, assets, a POST refused, the inbox page.
    for path in ["/", "/auth/confirm?token_hash=pkce_x&type=recovery", "/assets/app.wasm"] {
        let r = c.req("GET", path).send().await;
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{path}");
    }
    let r = c.req("POST", "/").send().await;
    assert_eq!((r.status, r.header("referrer-policy")), (405, Some("no-referrer")));
    let r = c.req("GET", "/_mail/").send().await;
    assert_eq!((r.status, r.header("referrer-policy")), (200, Some("no-referrer")));
    let r = c.req("GET", "/../../etc/passwd").send().await;
    assert!(r.text().contains("<title>app</title>") || r.status == 404);
    assert!(c
        .req("GET", "/%2e%2e/%2e%2e/etc/passwd")
        .send()
        .await
        .text()
        .contains("<title>app</title>"));
    // The API still answers as the API.
    assert_eq!(c.api("GET", "/nope").send().await.status, 404);
    let d = dir.clone();
    let (_s2, c2) = start_with(move |cfg| {
        cfg.serve_dir = Some(d);
        cfg.csp = false;
    })
    .await;
    let r = c2.req("GET", "/").send().await;
    assert_eq!(r.header("content-security-policy"), None);
    assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn seed_demo_and_oneshot_app() {
    let (_srv, c) = start_with(|cfg| cfg.seed_demo = true).await;
    assert_eq!(c.login("demo@example.com", "demo-password-1").await.status, 200);
    let s = c.session("mfa@example.com", "demo-password-1").await;
    let user = c.api("GET", "/user").bearer(&at(&s)).send().await.json();
    assert_eq!(user["factors"][0]["status"], "verified");
    // The router works without a socket too.
    use tower::ServiceExt;
    let app = gotrue_emulator::app(test_config());
    let resp = app
        .oneshot(
            axum::http::Request::get("/auth/v1/settings").body(axum::body::Body::empty()).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}
