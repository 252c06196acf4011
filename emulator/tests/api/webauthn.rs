//! WebAuthn MFA and passkeys beyond the fidelity steps: off by default, wrong origin / RP,
//! replayed counters, persistence of passkeys across restarts.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use crate::common::authenticator::Authenticator;
use crate::common::*;

const ORIGIN: &str = "http://localhost:5173";

fn on(cfg: &mut gotrue_emulator::Config) {
    cfg.mfa_webauthn_enroll_enabled = true;
    cfg.mfa_webauthn_verify_enabled = true;
    cfg.passkey_enabled = true;
}

fn verify_body(ch: &Value, kind: &str, cred: &Value) -> Value {
    json!({"challenge_id": ch["id"], "webauthn": {"type": kind, "credential_response": cred}})
}

fn options(ch: &Value) -> Value {
    ch["webauthn"]["credential_options"]["publicKey"].clone()
}

/// Enrols an (unverified) WebAuthn factor named `name` as `s`: the enrol answer.
async fn enroll_webauthn(c: &Client, s: &Value, name: &str) -> Resp {
    c.enroll(&at(s), json!({"factor_type": "webauthn", "friendly_name": name})).await
}

/// A challenge of `fid` as `s` (empty body): its JSON.
async fn challenge(c: &Client, s: &Value, fid: &str) -> Value {
    c.challenge(&at(s), fid, Some(json!({}))).await.json()
}

/// Verifies the challenge `ch` of `fid` with `cred` (`kind` = "create" or "request") as `s`.
async fn verify(c: &Client, s: &Value, fid: &str, ch: &Value, kind: &str, cred: &Value) -> Resp {
    c.verify_factor(&at(s), fid, verify_body(ch, kind, cred)).await
}

/// Fresh passkey sign-in options answered by `key`: the body for `/passkeys/authentication/verify`.
async fn passkey_assertion(c: &Client, key: &mut Authenticator) -> Value {
    let ao = c.api("POST", "/passkeys/authentication/options").json(json!({})).send().await.json();
    let assertion = key.get(&ao["options"], ORIGIN);
    json!({"challenge_id": ao["challenge_id"], "credential": assertion})
}

/// Signs up, enrols and verifies a WebAuthn factor: (aal1 session, factor id).
async fn webauthn_user(c: &Client, key: &mut Authenticator) -> (Value, String) {
    let (email, s) = c.new_user().await;
    let fid = enroll_webauthn(c, &s, "key").await.json()["id"].as_str().unwrap().to_string();
    let ch = challenge(c, &s, &fid).await;
    let cred = key.create(&options(&ch), ORIGIN);
    let r = verify(c, &s, &fid, &ch, "create", &cred).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(claims(&at(&r.json()))["aal"], "aal2");
    (c.session(&email, PW).await, fid)
}

#[tokio::test]
async fn webauthn_and_passkeys_are_off_by_default() {
    let (_srv, c) = start().await;
    assert_eq!(c.api("GET", "/settings").send().await.json()["passkeys_enabled"], false);
    let (_, s) = c.new_user().await;
    let r = enroll_webauthn(&c, &s, "k").await;
    assert_eq!((r.status, r.code()), (422, "mfa_webauthn_enroll_not_enabled".into()));
    let r = c.api("POST", "/passkeys/authentication/options").json(json!({})).send().await;
    assert_eq!((r.status, r.code()), (400, "validation_failed".into()));
}

#[tokio::test]
async fn wrong_origin_or_rp_id_is_refused() {
    let (_srv, c) = start_with(on).await;
    let (_, s) = c.new_user().await;
    let mut key = Authenticator::default();
    let f = enroll_webauthn(&c, &s, "key").await.json();
    let fid = f["id"].as_str().unwrap();
    let ch = challenge(&c, &s, fid).await;
    let evil = key.create(&options(&ch), "http://evil.example:5173");
    let r = verify(&c, &s, fid, &ch, "create", &evil).await;
    assert_eq!((r.status, r.code()), (500, "unexpected_failure".into()));
    let mut other_rp = options(&ch);
    other_rp["rp"]["id"] = json!("example.com");
    let cred = key.create(&other_rp, ORIGIN);
    let r = verify(&c, &s, fid, &ch, "create", &cred).await;
    assert_eq!(r.status, 500);
    // The challenge survives failed tries.
    let good = key.create(&options(&ch), ORIGIN);
    let r = verify(&c, &s, fid, &ch, "create", &good).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn a_replayed_counter_is_refused() {
    let (_srv, c) = start_with(on).await;
    let mut key = Authenticator::default();
    let (s, fid) = webauthn_user(&c, &mut key).await;
    let ch = challenge(&c, &s, &fid).await;
    assert_eq!(ch["webauthn"]["type"], "request");
    // A cloned authenticator: same key, counter behind the server's.
    let mut clone = Authenticator { creds: key.creds.clone(), ..Default::default() };
    clone.creds[0].count = 0;
    let cloned = clone.get(&options(&ch), ORIGIN);
    let r = verify(&c, &s, &fid, &ch, "request", &cloned).await;
    assert_eq!((r.status, r.code()), (500, "unexpected_failure".into()));
    let ok = key.get(&options(&ch), ORIGIN);
    let r = verify(&c, &s, &fid, &ch, "request", &ok).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let amr: Vec<Value> = claims(&at(&r.json()))["amr"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["method"].clone())
        .collect();
    assert!(amr.contains(&json!("mfa/webauthn")), "{amr:?}");
}

#[tokio::test]
async fn passkeys_survive_a_restart_and_expire_on_the_clock() {
    let dir =
        std::env::temp_dir().join(format!("emu-passkeys-{}", gotrue_emulator::util::uuid_v4()));
    let db = dir.with_extension("sqlite");
    let mut key = Authenticator::default();
    let with_db = |cfg: &mut gotrue_emulator::Config| {
        on(cfg);
        cfg.db_path = Some(db.clone());
    };
    {
        let (_srv, c) = start_with(with_db).await;
        let email = email();
        let s = c.signup(&email, PW).await;
        let ro = c
            .api("POST", "/passkeys/registration/options")
            .bearer(&at(&s))
            .json(json!({}))
            .send()
            .await
            .json();
        let cred = key.create(&ro["options"], ORIGIN);
        let r = c
            .api("POST", "/passkeys/registration/verify")
            .bearer(&at(&s))
            .json(json!({"challenge_id": ro["challenge_id"], "credential": cred}))
            .send()
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let (_srv, c) = start_with(with_db).await;
    let sign_in = |body: Value| c.api("POST", "/passkeys/authentication/verify").json(body).send();
    let r = sign_in(passkey_assertion(&c, &mut key).await).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(claims(&at(&r.json()))["amr"][0]["method"], "passkey");
    let body = passkey_assertion(&c, &mut key).await;
    c.advance(301.0).await;
    let r = sign_in(body).await;
    assert_eq!((r.status, r.code()), (400, "webauthn_challenge_expired".into()));
    let _ = std::fs::remove_file(&db);
}

/// Registers a passkey for a new user with `key`: the user's session.
async fn passkey_user(c: &Client, key: &mut Authenticator) -> Value {
    let s = c.signup(&email(), PW).await;
    let ro = c
        .api("POST", "/passkeys/registration/options")
        .bearer(&at(&s))
        .json(json!({}))
        .send()
        .await
        .json();
    let cred = key.create(&ro["options"], ORIGIN);
    let r = c
        .api("POST", "/passkeys/registration/verify")
        .bearer(&at(&s))
        .json(json!({"challenge_id": ro["challenge_id"], "credential": cred}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    s
}

#[tokio::test]
async fn cross_origin_ceremonies_are_refused() {
    let (_srv, c) = start_with(on).await;
    // MFA: a page of ours framed by another site creates a credential.
    let (_, s) = c.new_user().await;
    let mut key = Authenticator { cross_origin: true, ..Default::default() };
    let fid = enroll_webauthn(&c, &s, "key").await.json()["id"].as_str().unwrap().to_string();
    let ch = challenge(&c, &s, &fid).await;
    let framed = key.create(&options(&ch), ORIGIN);
    let r = verify(&c, &s, &fid, &ch, "create", &framed).await;
    assert_eq!((r.status, r.code()), (500, "unexpected_failure".into()));
    key.cross_origin = false;
    let r = verify(&c, &s, &fid, &ch, "create", &key.create(&options(&ch), ORIGIN)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    // Passkey sign-in from a framed page.
    let mut key = Authenticator::default();
    passkey_user(&c, &mut key).await;
    key.cross_origin = true;
    let sign_in = |body: Value| c.api("POST", "/passkeys/authentication/verify").json(body).send();
    let r = sign_in(passkey_assertion(&c, &mut key).await).await;
    assert_eq!((r.status, r.code()), (400, "webauthn_verification_failed".into()));
    key.cross_origin = false;
    let r = sign_in(passkey_assertion(&c, &mut key).await).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn passkey_sign_in_needs_the_owners_user_handle() {
    let (_srv, c) = start_with(on).await;
    let mut key = Authenticator::default();
    passkey_user(&c, &mut key).await;
    let sign_in = |body: Value| c.api("POST", "/passkeys/authentication/verify").json(body).send();
    // GoTrue (go-webauthn's ValidatePasskeyLogin) refuses a blank user handle.
    for handle in [None, Some(json!("")), Some(json!(null))] {
        let mut body = passkey_assertion(&c, &mut key).await;
        let response = body["credential"]["response"].as_object_mut().unwrap();
        match &handle {
            None => response.remove("userHandle"),
            Some(h) => response.insert("userHandle".into(), h.clone()),
        };
        let r = sign_in(body).await;
        assert_eq!(
            (r.status, r.code(), r.json()["message"].clone()),
            (400, "webauthn_verification_failed".into(), json!("Credential verification failed")),
            "userHandle {handle:?}"
        );
    }
    // Another user's handle is refused too; the owner's signs in.
    let mut body = passkey_assertion(&c, &mut key).await;
    let other = URL_SAFE_NO_PAD.encode(gotrue_emulator::util::uuid_v4());
    body["credential"]["response"]["userHandle"] = json!(other);
    let r = sign_in(body).await;
    assert_eq!((r.status, r.code()), (400, "webauthn_verification_failed".into()));
    let r = sign_in(passkey_assertion(&c, &mut key).await).await;
    assert_eq!(r.status, 200, "{}", r.text());
}
