//! Refresh-token rotation and the reuse rules; access-token expiry with the clock.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn rotation_parent_reuse_and_family_revocation() {
    let (_srv, c) = start().await;
    let s = c.signup(&email(), PW).await;
    let r0 = rt(&s);
    assert_eq!(r0.len(), 12);
    let a = c.refresh(&r0).await;
    assert_eq!(a.status, 200);
    let r1 = rt(&a.json());
    assert_ne!(r1, r0);
    assert_eq!(claims(&at(&a.json()))["session_id"], claims(&at(&s))["session_id"]);
    // The parent of the active token gives the active token again (a lost answer).
    let b = c.refresh(&r0).await;
    assert_eq!((b.status, rt(&b.json())), (200, r1.clone()));
    let r2 = rt(&c.refresh(&r1).await.json());
    // An older token outside the reuse interval (0): already used, and the family is revoked.
    let e = c.refresh(&r0).await;
    assert_eq!((e.status, e.code()), (400, "refresh_token_already_used".into()));
    assert_eq!(e.json()["message"], "Invalid Refresh Token: Already Used");
    assert_eq!(c.refresh(&r2).await.code(), "refresh_token_already_used");
    // The session itself is still there.
    assert_eq!(c.api("GET", "/user").bearer(&at(&s)).send().await.status, 200);
}

#[tokio::test]
async fn reuse_interval_allows_recent_reuse() {
    let (_srv, c) = start_with(|cfg| cfg.refresh_token_reuse_interval = 10).await;
    let s = c.signup(&email(), PW).await;
    let r0 = rt(&s);
    let r1 = rt(&c.refresh(&r0).await.json());
    let _r2 = rt(&c.refresh(&r1).await.json());
    // r0 is neither active nor the parent of the active token, but was revoked < 10 s ago.
    let again = c.refresh(&r0).await;
    assert_eq!(again.status, 200, "{}", again.text());
    c.advance(11.0).await;
    assert_eq!(c.refresh(&r1).await.code(), "refresh_token_already_used");
}

#[tokio::test]
async fn bad_unknown_and_deleted_tokens() {
    let (_srv, c) = start().await;
    for bad in ["", "short", "ABCDEFGHIJKL", "abc!efghijkl", &"x".repeat(40)] {
        let r = c.refresh(bad).await;
        assert_eq!((r.status, r.code()), (400, "validation_failed".into()), "{bad:?}");
        assert_eq!(r.json()["message"], "Refresh token is not valid");
    }
    let r = c.refresh("abcdefghijkl").await;
    assert_eq!((r.status, r.code()), (400, "refresh_token_not_found".into()));
    assert_eq!(r.json()["message"], "Invalid Refresh Token: Refresh Token Not Found");
    let s = c.signup(&email(), PW).await;
    assert_eq!(c.api("POST", "/logout").bearer(&at(&s)).send().await.status, 204);
    assert_eq!(c.refresh(&rt(&s)).await.code(), "refresh_token_not_found");
    let r = c.api("POST", "/token?grant_type=refresh_token").raw("{").send().await;
    assert_eq!(r.code(), "bad_json");
}

#[tokio::test]
async fn access_tokens_expire_on_the_server_clock() {
    let (_srv, c) = start().await;
    let s = c.signup(&email(), PW).await;
    let cl = claims(&at(&s));
    assert_eq!(cl["exp"].as_i64().unwrap() - cl["iat"].as_i64().unwrap(), 3600);
    assert_eq!(s["expires_in"], 3600);
    assert_eq!(s["expires_at"], cl["exp"]);
    let t0 = c.now().await;
    c.advance(3601.0).await;
    let r = c.api("GET", "/user").bearer(&at(&s)).send().await;
    assert_eq!((r.status, r.code()), (403, "bad_jwt".into()));
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .starts_with("invalid JWT: unable to parse or verify signature"));
    let n = c.refresh(&rt(&s)).await.json();
    assert!(claims(&at(&n))["iat"].as_u64().unwrap() >= t0 + 3601);
    assert_eq!(c.api("GET", "/user").bearer(&at(&n)).send().await.status, 200);
}

#[tokio::test]
async fn password_grant_errors() {
    let (_srv, c) = start().await;
    let email = email();
    c.signup(&email, PW).await;
    let r = c.login(&email, "wrong-password").await;
    assert_eq!((r.status, r.code()), (400, "invalid_credentials".into()));
    assert_eq!(r.json()["message"], "Invalid login credentials");
    assert_eq!(c.login("nobody@example.com", PW).await.code(), "invalid_credentials");
    let r = c.api("POST", "/token?grant_type=password").json(json!({"password": PW})).send().await;
    assert_eq!((r.status, r.json()["message"].clone()), (400, json!("missing email or phone")));
    let r = c
        .api("POST", "/token?grant_type=password")
        .json(json!({"email": email, "phone": "123", "password": PW}))
        .send()
        .await;
    assert_eq!(r.code(), "validation_failed");
    let r = c.api("POST", "/token?grant_type=magic").json(json!({})).send().await;
    assert_eq!((r.status, r.code()), (400, "invalid_credentials".into()));
    assert_eq!(r.json()["message"], "unsupported_grant_type");
    let ok = c.login(&email, PW).await.json();
    assert_eq!(ok["weak_password"], serde_json::Value::Null);
    assert!(ok.as_object().unwrap().contains_key("weak_password"));
}

#[tokio::test]
async fn state_survives_a_restart_and_login_warns_on_weak_passwords() {
    let db = std::env::temp_dir()
        .join(format!("gotrue-emulator-test-{}.sqlite", gotrue_emulator::util::uuid_v4()));
    let email = email();
    {
        let (srv, c) = start_with(|cfg| cfg.db_path = Some(db.clone())).await;
        c.signup(&email, PW).await;
        srv.stop().await;
    }
    let (_srv, c) = start_with(|cfg| {
        cfg.db_path = Some(db.clone());
        cfg.password_min_length = 20;
    })
    .await;
    let r = c.login(&email, PW).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json()["weak_password"],
        json!({"message": "Password should be at least 20 characters.", "reasons": ["length"]})
    );
    let _ = std::fs::remove_file(&db);
}
