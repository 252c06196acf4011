//! OAuth sign-in and identities beyond the recorded scenario: the fake Keycloak of
//! `frontdoor.py` (`common::keycloak`), settings switched off, wrong client credentials, the
//! apikey layer, repeated links.

use serde_json::{json, Value};

use crate::common::keycloak::FakeKeycloak;
use crate::common::*;

const CB: &str = "http://127.0.0.1:28500/auth/callback";

fn profile(verified: bool) -> Value {
    let id = gotrue_emulator::util::uuid_v4();
    json!({"sub": id, "email": format!("kc-{}@example.com", &id[..8]), "email_verified": verified, "name": "K"})
}

fn query(loc: &str, part: char, key: &str) -> String {
    let (rest, fragment) = loc.split_once('#').unwrap_or((loc, ""));
    let src = if part == '#' { fragment } else { rest.split_once('?').map_or("", |(_, q)| q) };
    gotrue_emulator::util::parse_query(src)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// `/authorize` then the provider then `/callback`: the callback's answer.
async fn sign_in(c: &Client, kc: &FakeKeycloak, who: &Value) -> Resp {
    let r = c.api("GET", &format!("/authorize?provider=keycloak&redirect_to={CB}")).send().await;
    assert_eq!(r.status, 302, "{}", r.text());
    let cb = kc.visit(r.header("Location").unwrap(), Some(who));
    c.api("GET", &cb).send().await
}

#[tokio::test]
async fn settings_list_the_provider_and_sign_in_works() {
    let kc = FakeKeycloak::start().await;
    let (_s, c) = start_with(|cfg| kc.configure(cfg)).await;
    let settings = c.api("GET", "/settings").send().await.json();
    assert_eq!(
        (settings["external"]["keycloak"].clone(), settings["external"]["github"].clone()),
        (json!(true), json!(false))
    );
    let who = profile(true);
    let r = sign_in(&c, &kc, &who).await;
    assert_eq!(r.status, 302);
    let loc = r.header("Location").unwrap().to_string();
    assert!(loc.starts_with(CB), "{loc}");
    let at = query(&loc, '#', "access_token");
    let user = c.api("GET", "/user").bearer(&at).send().await.json();
    assert_eq!(user["email"], who["email"]);
    assert_eq!(user["identities"][0]["id"], who["sub"]);
    assert_eq!(claims(&at)["amr"][0]["method"], "oauth");
    assert!(!query(&loc, '#', "provider_token").is_empty());
}

#[tokio::test]
async fn wrong_client_secret_is_a_server_error_at_redirect_to() {
    let kc = FakeKeycloak::start().await;
    let (_s, c) = start_with(|cfg| {
        kc.configure(cfg);
        cfg.external[0].secret = "wrong".into();
    })
    .await;
    let r = sign_in(&c, &kc, &profile(true)).await;
    assert_eq!(r.status, 302);
    let loc = r.header("Location").unwrap();
    assert_eq!(query(loc, '?', "error"), "server_error");
    assert_eq!(query(loc, '#', "error_code"), "unexpected_failure");
    assert!(query(loc, '?', "error_description").starts_with("Unable to exchange external code"));
}

#[tokio::test]
async fn manual_linking_off_is_404() {
    let kc = FakeKeycloak::start().await;
    let (_s, c) = start_with(|cfg| {
        kc.configure(cfg);
        cfg.manual_linking_enabled = false;
    })
    .await;
    let s = c.signup(&email(), PW).await;
    let at = s["access_token"].as_str().unwrap();
    let r = c.api("GET", "/user/identities/authorize?provider=keycloak").bearer(at).send().await;
    assert_eq!((r.status, r.code()), (404, "manual_linking_disabled".to_string()));
    let id = gotrue_emulator::util::uuid_v4();
    let r = c.api("DELETE", &format!("/user/identities/{id}")).bearer(at).send().await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn linking_the_same_identity_twice_is_refused() {
    let kc = FakeKeycloak::start().await;
    let (_s, c) = start_with(|cfg| kc.configure(cfg)).await;
    let s = c.signup(&email(), PW).await;
    let at = s["access_token"].as_str().unwrap();
    let who = profile(true);
    for expected in ["", "Identity is already linked"] {
        let path = format!(
            "/user/identities/authorize?provider=keycloak&redirect_to={CB}&skip_http_redirect=true"
        );
        let url =
            c.api("GET", &path).bearer(at).send().await.json()["url"].as_str().unwrap().to_string();
        let r = c.api("GET", &kc.visit(&url, Some(&who))).send().await;
        assert_eq!(query(r.header("Location").unwrap(), '?', "error_description"), expected);
    }
    let user = c.api("GET", "/user").bearer(at).send().await.json();
    assert_eq!(user["app_metadata"]["providers"], json!(["email", "keycloak"]));
}

#[tokio::test]
async fn browser_navigations_need_no_apikey() {
    let kc = FakeKeycloak::start().await;
    let (_s, c) = start_with(|cfg| {
        kc.configure(cfg);
        cfg.anon_key = Some("anon".into());
    })
    .await;
    // A wrong `apikey` (the browser sends none a gateway would accept).
    let nav = |path: &str| c.req("GET", &format!("/auth/v1{path}")).header("apikey", "wrong");
    let r = nav("/authorize?provider=keycloak").send().await;
    assert_eq!(r.status, 302);
    let r = nav("/callback?code=x").send().await;
    assert_eq!(r.status, 303);
    assert_eq!(query(r.header("Location").unwrap(), '?', "error_code"), "bad_oauth_callback");
    let r = nav("/user/identities/authorize?provider=keycloak").send().await;
    assert_eq!((r.status, r.json()["message"].clone()), (401, json!("Invalid API key")));
}

#[tokio::test]
async fn the_callback_may_be_posted() {
    let kc = FakeKeycloak::start().await;
    let (_s, c) = start_with(|cfg| kc.configure(cfg)).await;
    let r = c.api("GET", &format!("/authorize?provider=keycloak&redirect_to={CB}")).send().await;
    let cb = kc.visit(r.header("Location").unwrap(), Some(&profile(true)));
    let form = cb.split_once('?').map(|(_, q)| q.to_string()).unwrap_or_default();
    let r = c
        .api("POST", "/callback")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .raw(form)
        .send()
        .await;
    assert_eq!(r.status, 302);
    assert!(!query(r.header("Location").unwrap(), '#', "access_token").is_empty());
}
