//! The built-in test provider (`--test-provider`) end to end without a browser: `/authorize`,
//! its page, a *Continue as …* or *Cancel* link, `/callback`, the app's redirect; and the switch
//! off.

use serde_json::{json, Value};

use crate::common::*;

const CB: &str = "http://127.0.0.1:28500/auth/callback";
const REALM: &str = "/_provider/realms/demo/protocol/openid-connect";

/// The value of `key` in the query (`'?'`) or the fragment (`'#'`) of `loc`.
fn part(loc: &str, which: char, key: &str) -> String {
    let (rest, fragment) = loc.split_once('#').unwrap_or((loc, ""));
    let src = if which == '#' { fragment } else { rest.split_once('?').map_or("", |(_, q)| q) };
    gotrue_emulator::util::parse_query(src)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// An absolute URL on the emulator as a path for the test client.
fn path_of(c: &Client, url: &str) -> String {
    let origin = format!("http://{}", c.addr);
    assert!(url.starts_with(&origin), "{url} is not on {origin}");
    url[origin.len()..].to_string()
}

/// The `href` of the link whose text starts with `text`, unescaped.
fn link(page: &str, text: &str) -> String {
    let end = page.find(&format!("\">{text}")).unwrap_or_else(|| panic!("no {text} in {page}"));
    let start = page[..end].rfind("href=\"").expect("an href") + "href=\"".len();
    page[start..end].replace("&amp;", "&")
}

/// `/authorize` with `extra` query, then the provider's page: (its path, its HTML).
async fn provider_page(c: &Client, extra: &str) -> String {
    let r =
        c.api("GET", &format!("/authorize?provider=keycloak&redirect_to={CB}{extra}")).send().await;
    assert_eq!(r.status, 302, "{}", r.text());
    let at_provider = path_of(c, r.header("Location").unwrap());
    assert!(at_provider.starts_with(&format!("{REALM}/auth?")), "{at_provider}");
    let page = c.req("GET", &at_provider).send().await;
    assert_eq!(page.status, 200, "{}", page.text());
    assert_eq!(page.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert!(page.header("Content-Security-Policy").is_some());
    page.text()
}

/// Follows a link of the page to the provider's redirect, then `/callback`: the app redirect.
async fn choose(c: &Client, page: &str, text: &str) -> String {
    let r = c.req("GET", &link(page, text)).send().await;
    assert_eq!(r.status, 302, "{}", r.text());
    let back = path_of(c, r.header("Location").unwrap());
    assert!(back.starts_with("/auth/v1/callback?"), "{back}");
    let r = c.req("GET", &back).send().await;
    assert!(r.status == 302 || r.status == 303, "{} {}", r.status, r.text());
    let loc = r.header("Location").unwrap().to_string();
    assert!(loc.starts_with(CB), "{loc}");
    loc
}

async fn user(c: &Client, at: &str) -> Value {
    let r = c.api("GET", "/user").bearer(at).send().await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

#[tokio::test]
async fn the_page_lists_the_accounts_and_says_it_is_a_test() {
    let (_s, c) = start_with(|cfg| cfg.test_provider = true).await;
    let settings = c.api("GET", "/settings").send().await.json();
    assert_eq!(settings["external"]["keycloak"], json!(true));
    let page = provider_page(&c, "").await;
    assert!(page.contains("test provider: not a real sign-in"), "{page}");
    assert!(page.contains("Continue as Demo User (demo@example.com)"), "{page}");
    assert!(page.contains("Continue as Ada Lovelace (ada@example.com)"), "{page}");
    assert!(page.contains(">Cancel</a>"), "{page}");
    assert!(!page.contains("<script") && !page.contains("style="), "{page}");
}

#[tokio::test]
async fn continue_signs_in_with_the_implicit_flow() {
    let (_s, c) = start_with(|cfg| cfg.test_provider = true).await;
    let page = provider_page(&c, "").await;
    let loc = choose(&c, &page, "Continue as Ada Lovelace").await;
    let at = part(&loc, '#', "access_token");
    assert!(!at.is_empty(), "{loc}");
    let u = user(&c, &at).await;
    assert_eq!(u["email"], "ada@example.com");
    assert_eq!(u["app_metadata"]["provider"], "keycloak");
    let identity = &u["identities"][0];
    assert_eq!(identity["provider"], "keycloak");
    assert_eq!(identity["id"], gotrue_emulator::test_provider::ACCOUNTS[1].sub);
    assert_eq!(identity["identity_data"]["email"], "ada@example.com");
    assert_eq!(identity["identity_data"]["custom_claims"]["preferred_username"], "ada");
}

#[tokio::test]
async fn continue_with_pkce_gives_a_code() {
    let (_s, c) = start_with(|cfg| cfg.test_provider = true).await;
    let verifier = "v".repeat(64);
    let challenge = gotrue_emulator::util::pkce_s256(&verifier);
    let extra = format!("&code_challenge={challenge}&code_challenge_method=s256");
    let page = provider_page(&c, &extra).await;
    let loc = choose(&c, &page, "Continue as Ada Lovelace").await;
    assert!(!loc.contains('#'), "{loc}");
    let code = part(&loc, '?', "code");
    assert!(!code.is_empty(), "{loc}");
    let r = c
        .api("POST", "/token?grant_type=pkce")
        .json(json!({"auth_code": code, "code_verifier": verifier}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["user"]["email"], "ada@example.com");
}

#[tokio::test]
async fn the_demo_account_signs_in_as_the_seeded_demo_user() {
    let (_s, c) = start_with(|cfg| {
        cfg.test_provider = true;
        cfg.seed_demo = true;
    })
    .await;
    let by_password = c.session("demo@example.com", "demo-password-1").await;
    let page = provider_page(&c, "").await;
    let loc = choose(&c, &page, "Continue as Demo User").await;
    let u = user(&c, &part(&loc, '#', "access_token")).await;
    assert_eq!(u["id"], by_password["user"]["id"]);
    assert_eq!(u["app_metadata"]["providers"], json!(["email", "keycloak"]));
}

#[tokio::test]
async fn cancel_is_access_denied_at_the_app() {
    let (_s, c) = start_with(|cfg| cfg.test_provider = true).await;
    let page = provider_page(&c, "").await;
    let loc = choose(&c, &page, "Cancel").await;
    assert_eq!(part(&loc, '?', "error"), "access_denied", "{loc}");
    assert_eq!(part(&loc, '?', "error_description"), "User denied the request", "{loc}");
}

#[tokio::test]
async fn manual_linking_is_on() {
    let (_s, c) = start_with(|cfg| cfg.test_provider = true).await;
    let s = c.signup(&email(), PW).await;
    let at = s["access_token"].as_str().unwrap();
    let path = format!(
        "/user/identities/authorize?provider=keycloak&redirect_to={CB}&skip_http_redirect=true"
    );
    let r = c.api("GET", &path).bearer(at).send().await;
    assert_eq!(r.status, 200, "{}", r.text());
    let page = c.req("GET", &path_of(&c, r.json()["url"].as_str().unwrap())).send().await;
    let loc = choose(&c, &page.text(), "Continue as Ada Lovelace").await;
    assert_eq!(part(&loc, '?', "error_description"), "", "{loc}");
    let u = user(&c, at).await;
    assert_eq!(u["app_metadata"]["providers"], json!(["email", "keycloak"]));
}

#[tokio::test]
async fn the_realm_serves_only_its_client() {
    let (_s, c) = start_with(|cfg| cfg.test_provider = true).await;
    let evil = format!("{REALM}/auth?client_id=gotrue-emulator&redirect_uri=http://evil.test/cb");
    let r = c.req("GET", &evil).send().await;
    assert_eq!(r.status, 400);
    assert!(r.text().contains("Invalid parameter: redirect_uri"), "{}", r.text());
    let r = c.req("GET", &evil.replace("/auth?", "/auth/continue?")).send().await;
    assert_eq!(r.status, 400);
    let r = c
        .req("POST", &format!("{REALM}/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .raw("grant_type=authorization_code&code=x&client_id=gotrue-emulator&client_secret=no")
        .send()
        .await;
    assert_eq!((r.status, r.json()["error"].clone()), (401, json!("unauthorized_client")));
    let r = c.req("GET", &format!("{REALM}/userinfo")).bearer("nope").send().await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn switched_off_there_is_no_provider() {
    let (_s, c) = start().await;
    let settings = c.api("GET", "/settings").send().await.json();
    assert_eq!(settings["external"]["keycloak"], json!(false));
    let r = c.req("GET", &format!("{REALM}/auth?client_id=gotrue-emulator")).send().await;
    assert_eq!(r.status, 404);
    let r = c.req("POST", &format!("{REALM}/token")).send().await;
    assert_eq!(r.status, 404);
    let r = c.api("GET", "/authorize?provider=keycloak").send().await;
    assert_eq!(r.status, 400, "{}", r.text());
}

#[tokio::test]
async fn switched_off_the_app_does_not_answer_for_it() {
    let dir = std::env::temp_dir().join(format!("emu-tp-{}", gotrue_emulator::util::uuid_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    let d = dir.clone();
    let (_s, c) = start_with(move |cfg| cfg.serve_dir = Some(d)).await;
    let r = c.req("GET", &format!("{REALM}/auth")).send().await;
    assert_eq!(r.status, 404, "{}", r.text());
    assert_eq!(c.req("GET", "/auth/sign-in").send().await.status, 200);
    let _ = std::fs::remove_dir_all(dir);
}
