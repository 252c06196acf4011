//! Every row of the AAL table (gotrue-api.md §7), and the server deciding AAL from its sessions.

use serde_json::json;

use crate::common::*;

/// A user with a verified TOTP factor: (email, aal1 session, aal2 session, factor id, secret).
async fn mfa_user(c: &Client) -> (String, serde_json::Value, serde_json::Value, String, String) {
    let email = email();
    c.signup(&email, PW).await;
    let s = c.session(&email, PW).await;
    let (fid, secret) = c.enroll_totp(&at(&s), "app").await;
    let s2 = c.mfa_totp(&at(&s), &fid, &secret).await.json();
    assert_eq!(claims(&at(&s2))["aal"], "aal2");
    let s1 = c.session(&email, PW).await;
    assert_eq!(claims(&at(&s1))["aal"], "aal1");
    (email, s1, s2, fid, secret)
}

#[tokio::test]
async fn user_reauthenticate_logout_need_no_aal2() {
    let (_srv, c) = start().await;
    let (_, s1, _, _, _) = mfa_user(&c).await;
    assert_eq!(c.api("GET", "/user").bearer(&at(&s1)).send().await.status, 200);
    assert_eq!(c.api("GET", "/reauthenticate").bearer(&at(&s1)).send().await.status, 200);
    assert_eq!(c.api("POST", "/logout?scope=local").bearer(&at(&s1)).send().await.status, 204);
}

#[tokio::test]
async fn put_user_sensitive_fields_need_aal2() {
    let (_srv, c) = start().await;
    let (email, s1, s2, _, _) = mfa_user(&c).await;
    for body in [
        json!({"password": "Another-Pass-7"}),
        json!({"email": "new-address@example.com"}),
        json!({"phone": "+15550001234"}),
    ] {
        let r = c.api("PUT", "/user").bearer(&at(&s1)).json(body.clone()).send().await;
        assert_eq!((r.status, r.code()), (401, "insufficient_aal".into()), "{body}");
    }
    // Unchanged email and data-only updates are fine at aal1.
    let r = c.put_user(&at(&s1), json!({"email": email, "data": {"theme": "dark"}})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["user_metadata"]["theme"], "dark");
    // At aal2 the password changes.
    let r = c.put_user(&at(&s2), json!({"password": "Another-Pass-7"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn users_without_mfa_change_password_at_aal1() {
    let (_srv, c) = start().await;
    let email = email();
    let s = c.signup(&email, PW).await;
    let r = c.put_user(&at(&s), json!({"password": "Another-Pass-7"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn enrolling_another_factor_needs_aal2() {
    let (_srv, c) = start().await;
    let (_, s1, s2, _, _) = mfa_user(&c).await;
    let r = c.enroll(&at(&s1), json!({"factor_type": "totp", "friendly_name": "second"})).await;
    assert_eq!((r.status, r.code()), (403, "insufficient_aal".into()));
    assert_eq!(r.json()["message"], "AAL2 required to enroll a new factor");
    let r = c.enroll(&at(&s2), json!({"factor_type": "totp", "friendly_name": "second"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    // Without a verified factor, aal1 enrols.
    let s = c.signup(&email(), PW).await;
    let r = c.enroll(&at(&s), json!({"factor_type": "totp"})).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn challenge_and_verify_work_at_aal1() {
    let (_srv, c) = start().await;
    let (_, s1, _, fid, secret) = mfa_user(&c).await;
    let r = c.mfa_totp(&at(&s1), &fid, &secret).await;
    assert_eq!(r.status, 200);
    assert_eq!(claims(&at(&r.json()))["session_id"], claims(&at(&s1))["session_id"]);
}

#[tokio::test]
async fn unenroll_rules_and_downgrade() {
    let (_srv, c) = start().await;
    let (_, s1, s2, fid, _) = mfa_user(&c).await;
    // A verified factor at aal1: 422.
    let r = c.api("DELETE", &format!("/factors/{fid}")).bearer(&at(&s1)).send().await;
    assert_eq!((r.status, r.code()), (422, "insufficient_aal".into()));
    assert_eq!(r.json()["message"], "AAL2 required to unenroll verified factor");
    // An unverified one at aal1: fine.
    let s = c.signup(&email(), PW).await;
    let (f2, _) = c.enroll_totp(&at(&s), "x").await;
    let r = c.api("DELETE", &format!("/factors/{f2}")).bearer(&at(&s)).send().await;
    assert_eq!((r.status, r.json()), (200, json!({"id": f2})));
    // Verified at aal2: fine, and the session is aal1 again after a refresh.
    let r = c.api("DELETE", &format!("/factors/{fid}")).bearer(&at(&s2)).send().await;
    assert_eq!((r.status, r.json()), (200, json!({"id": fid})));
    let r = c.refresh(&rt(&s2)).await;
    let cl = claims(&at(&r.json()));
    assert_eq!(cl["aal"], "aal1");
    assert!(cl["amr"].as_array().unwrap().iter().all(|m| m["method"] != "totp"));
}

#[tokio::test]
async fn refresh_keeps_aal_and_amr() {
    let (_srv, c) = start().await;
    let (_, _, s2, _, _) = mfa_user(&c).await;
    let r = c.refresh(&rt(&s2)).await.json();
    assert_eq!(claims(&at(&r))["aal"], "aal2");
    assert_eq!(claims(&at(&r))["amr"], claims(&at(&s2))["amr"]);
    assert_eq!(claims(&at(&r))["session_id"], claims(&at(&s2))["session_id"]);
}

#[tokio::test]
async fn mfa_verify_deletes_other_aal1_sessions_and_password_signin_keeps_aal2() {
    let (_srv, c) = start().await;
    let (email, s1, s2, fid, secret) = mfa_user(&c).await;
    let s3 = c.session(&email, PW).await;
    // s1 and s3 are aal1; raising s3 deletes s1 but not s2.
    assert_eq!(c.mfa_totp(&at(&s3), &fid, &secret).await.status, 200);
    assert_eq!(c.api("GET", "/user").bearer(&at(&s1)).send().await.code(), "session_not_found");
    assert_eq!(c.api("GET", "/user").bearer(&at(&s2)).send().await.status, 200);
    // A later password sign-in is a separate aal1 session; aal2 sessions stay.
    let s4 = c.session(&email, PW).await;
    assert_eq!(claims(&at(&s4))["aal"], "aal1");
    assert_eq!(c.api("GET", "/user").bearer(&at(&s2)).send().await.status, 200);
}

#[tokio::test]
async fn aal_comes_from_the_session_not_the_claim() {
    let (_srv, c) = start().await;
    let (_, s1, _, _, _) = mfa_user(&c).await;
    let mut cl = claims(&at(&s1));
    cl["aal"] = json!("aal2");
    cl["amr"] = json!([{"method": "totp", "timestamp": cl["iat"]}]);
    let forged = signed_with_test_secret(&cl);
    let r = c.put_user(&forged, json!({"password": "Another-Pass-7"})).await;
    assert_eq!((r.status, r.code()), (401, "insufficient_aal".into()));
}

#[tokio::test]
async fn admin_factor_delete_downgrades() {
    let (_srv, c) = start().await;
    let (_, _, s2, fid, _) = mfa_user(&c).await;
    let uid = claims(&at(&s2))["sub"].as_str().unwrap().to_string();
    let key = signed_with_test_secret(&json!({"role": "service_role", "iss": "supabase"}));
    let r =
        c.api("DELETE", &format!("/admin/users/{uid}/factors/{fid}")).bearer(&at(&s2)).send().await;
    assert_eq!((r.status, r.code()), (403, "not_admin".into()));
    let r = c.api("DELETE", &format!("/admin/users/{uid}/factors/{fid}")).bearer(&key).send().await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["id"], fid.as_str());
    let r = c.refresh(&rt(&s2)).await.json();
    assert_eq!(claims(&at(&r))["aal"], "aal1");
}
