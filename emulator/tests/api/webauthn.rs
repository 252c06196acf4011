//! WebAuthn MFA and passkeys beyond the fidelity steps: off by default, wrong origin / RP,
//! replayed counters, persistence of passkeys across restarts.

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

/// Signs up, enrols and verifies a WebAuthn factor: (aal1 session, factor id).
async fn webauthn_user(c: &Client, key: &mut Authenticator) -> (Value, String) {
    let email = email();
    c.signup(&email, PW).await;
    let s = c.session(&email, PW).await;
    let f = c
        .api("POST", "/factors")
        .bearer(&at(&s))
        .json(json!({"factor_type": "webauthn", "friendly_name": "key"}))
        .send()
        .await
        .json();
    let fid = f["id"].as_str().unwrap().to_string();
    let ch = c
        .api("POST", &format!("/factors/{fid}/challenge"))
        .bearer(&at(&s))
        .json(json!({}))
        .send()
        .await
        .json();
    let cred = key.create(&options(&ch), ORIGIN);
    let r = c
        .api("POST", &format!("/factors/{fid}/verify"))
        .bearer(&at(&s))
        .json(verify_body(&ch, "create", &cred))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(claims(&at(&r.json()))["aal"], "aal2");
    (c.session(&email, PW).await, fid)
}

#[tokio::test]
async fn webauthn_and_passkeys_are_off_by_default() {
    let (_srv, c) = start().await;
    assert_eq!(c.api("GET", "/settings").send().await.json()["passkeys_enabled"], false);
    let email = email();
    c.signup(&email, PW).await;
    let s = c.session(&email, PW).await;
    let r = c
        .api("POST", "/factors")
        .bearer(&at(&s))
        .json(json!({"factor_type": "webauthn", "friendly_name": "k"}))
        .send()
        .await;
    assert_eq!((r.status, r.code()), (422, "mfa_webauthn_enroll_not_enabled".into()));
    let r = c.api("POST", "/passkeys/authentication/options").json(json!({})).send().await;
    assert_eq!((r.status, r.code()), (400, "validation_failed".into()));
}

#[tokio::test]
async fn wrong_origin_or_rp_id_is_refused() {
    let (_srv, c) = start_with(on).await;
    let email = email();
    c.signup(&email, PW).await;
    let s = c.session(&email, PW).await;
    let mut key = Authenticator::default();
    let f = c
        .api("POST", "/factors")
        .bearer(&at(&s))
        .json(json!({"factor_type": "webauthn", "friendly_name": "key"}))
        .send()
        .await
        .json();
    let path = format!("/factors/{}", f["id"].as_str().unwrap());
    let ch = c
        .api("POST", &format!("{path}/challenge"))
        .bearer(&at(&s))
        .json(json!({}))
        .send()
        .await
        .json();
    let evil = key.create(&options(&ch), "http://evil.example:5173");
    let r = c
        .api("POST", &format!("{path}/verify"))
        .bearer(&at(&s))
        .json(verify_body(&ch, "create", &evil))
        .send()
        .await;
    assert_eq!((r.status, r.code()), (500, "unexpected_failure".into()));
    let mut other_rp = options(&ch);
    other_rp["rp"]["id"] = json!("example.com");
    let cred = key.create(&other_rp, ORIGIN);
    let r = c
        .api("POST", &format!("{path}/verify"))
        .bearer(&at(&s))
        .json(verify_body(&ch, "create", &cred))
        .send()
        .await;
    assert_eq!(r.status, 500);
    // The challenge survives failed tries.
    let good = key.create(&options(&ch), ORIGIN);
    let r = c
        .api("POST", &format!("{path}/verify"))
        .bearer(&at(&s))
        .json(verify_body(&ch, "create", &good))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn a_replayed_counter_is_refused() {
    let (_srv, c) = start_with(on).await;
    let mut key = Authenticator::default();
    let (s, fid) = webauthn_user(&c, &mut key).await;
    let ch = c
        .api("POST", &format!("/factors/{fid}/challenge"))
        .bearer(&at(&s))
        .json(json!({}))
        .send()
        .await
        .json();
    assert_eq!(ch["webauthn"]["type"], "request");
    // A cloned authenticator: same key, counter behind the server's.
    let mut clone = Authenticator { creds: key.creds.clone() };
    clone.creds[0].count = 0;
    let cloned = clone.get(&options(&ch), ORIGIN);
    let r = c
        .api("POST", &format!("/factors/{fid}/verify"))
        .bearer(&at(&s))
        .json(verify_body(&ch, "request", &cloned))
        .send()
        .await;
    assert_eq!((r.status, r.code()), (500, "unexpected_failure".into()));
    let ok = key.get(&options(&ch), ORIGIN);
    let r = c
        .api("POST", &format!("/factors/{fid}/verify"))
        .bearer(&at(&s))
        .json(verify_body(&ch, "request", &ok))
        .send()
        .await;
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
    let ao = c.api("POST", "/passkeys/authentication/options").json(json!({})).send().await.json();
    let assertion = key.get(&ao["options"], ORIGIN);
    let body = json!({"challenge_id": ao["challenge_id"], "credential": assertion});
    let r = c.api("POST", "/passkeys/authentication/verify").json(body).send().await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(claims(&at(&r.json()))["amr"][0]["method"], "passkey");
    let ao = c.api("POST", "/passkeys/authentication/options").json(json!({})).send().await.json();
    let assertion = key.get(&ao["options"], ORIGIN);
    c.advance(301.0).await;
    let body = json!({"challenge_id": ao["challenge_id"], "credential": assertion});
    let r = c.api("POST", "/passkeys/authentication/verify").json(body).send().await;
    assert_eq!((r.status, r.code()), (400, "webauthn_challenge_expired".into()));
    let _ = std::fs::remove_file(&db);
}
