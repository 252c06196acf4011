//! The product's whole flow: sign-up to MFA, recovery with the code from the outbox, the AAL
//! step-up, the password change, and what happens to the old sessions.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn full_recovery_with_mfa_step_up() {
    let (_srv, c) = start().await;
    let email = email();

    // Sign up, sign in, enrol TOTP, verify -> aal2.
    let s0 = c.signup(&email, PW).await;
    assert_eq!(claims(&at(&s0))["aal"], "aal1");
    let s1 = c.session(&email, PW).await;
    let (fid, secret) = c.enroll_totp(&at(&s1), "phone app").await;
    let v = c.mfa_totp(&at(&s1), &fid, &secret).await;
    assert_eq!(v.status, 200, "{}", v.text());
    let s1 = v.json();
    let cl = claims(&at(&s1));
    assert_eq!(cl["aal"], "aal2");
    assert!(cl["amr"].as_array().unwrap().iter().any(|m| m["method"] == "totp"));

    // A second device at aal2 (survives the MFA step-up later, not the password change).
    let other = c.session(&email, PW).await;
    let other = c.mfa_totp(&at(&other), &fid, &secret).await.json();
    assert_eq!(claims(&at(&other))["aal"], "aal2");

    // Sign out locally.
    let r = c.api("POST", "/logout?scope=local").bearer(&at(&s1)).send().await;
    assert_eq!(r.status, 204);
    assert_eq!(c.api("GET", "/user").bearer(&at(&s1)).send().await.code(), "session_not_found");

    // Recover, read the code from the outbox, verify -> aal1 with amr otp.
    let r = c.api("POST", "/recover").json(json!({"email": email})).send().await;
    assert_eq!((r.status, r.json()), (200, json!({})));
    let (_, code, link) = c.mail_for(&email).await.expect("recovery mail");
    assert_eq!(code.len(), 6);
    let link = link.expect("link in the mail");
    assert!(link.contains("/auth/v1/verify?token=") && link.contains("type=recovery"), "{link}");
    let r = c.verify_recovery(&email, &code).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let rs = r.json();
    let cl = claims(&at(&rs));
    assert_eq!(cl["aal"], "aal1");
    assert_eq!(cl["amr"], json!([{"method": "otp", "timestamp": cl["iat"]}]));

    // The password cannot change at aal1.
    let r = c.put_user(&at(&rs), json!({"password": "Fresh-Battery-5"})).await;
    assert_eq!((r.status, r.code()), (401, "insufficient_aal".to_string()));
    assert_eq!(
        r.json()["message"],
        "AAL2 session is required to update email or password when MFA is enabled."
    );

    // Step up the same session with a computed TOTP code.
    let v = c.mfa_totp(&at(&rs), &fid, &secret).await;
    assert_eq!(v.status, 200, "{}", v.text());
    let up = v.json();
    let cl = claims(&at(&up));
    assert_eq!(cl["aal"], "aal2");
    assert_eq!(cl["session_id"], claims(&at(&rs))["session_id"]);
    let methods: Vec<&str> =
        cl["amr"].as_array().unwrap().iter().map(|m| m["method"].as_str().unwrap()).collect();
    assert!(methods.contains(&"totp") && methods.contains(&"otp"), "{methods:?}");
    // The other aal2 session is still there.
    assert_eq!(c.api("GET", "/user").bearer(&at(&other)).send().await.status, 200);

    // Now the password changes; the old sessions are gone, this one survives.
    let r = c.put_user(&at(&up), json!({"password": "Fresh-Battery-5"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["email"], email.as_str());
    assert_eq!(c.api("GET", "/user").bearer(&at(&up)).send().await.status, 200);
    let r = c.api("GET", "/user").bearer(&at(&other)).send().await;
    assert_eq!((r.status, r.code()), (403, "session_not_found".to_string()));
    assert_eq!(c.refresh(&rt(&other)).await.code(), "refresh_token_not_found");

    // Old password refused; new password signs in at aal1, then aal2 after MFA.
    assert_eq!(c.login(&email, PW).await.code(), "invalid_credentials");
    let s2 = c.session(&email, "Fresh-Battery-5").await;
    assert_eq!(claims(&at(&s2))["aal"], "aal1");
    let v = c.mfa_totp(&at(&s2), &fid, &secret).await;
    assert_eq!(v.status, 200);
    assert_eq!(claims(&at(&v.json()))["aal"], "aal2");
}

#[tokio::test]
async fn recovery_by_link_implicit_and_pkce() {
    let (_srv, c) = start().await;
    let email = email();
    c.signup(&email, PW).await;
    c.api("POST", "/recover").json(json!({"email": email})).send().await;
    let (_, _, link) = c.mail_for(&email).await.unwrap();
    let link = link.unwrap();
    let path = &link[link.find("/auth/v1").unwrap()..];
    let path = path.replace("redirect_to=", "redirect_to=http%3A%2F%2Flocalhost%3A3000%2Freset&x=");
    let r = c.req("GET", &path).send().await;
    assert_eq!(r.status, 303);
    let loc = r.header("Location").unwrap().to_string();
    assert!(loc.starts_with("http://localhost:3000/reset#"), "{loc}");
    assert!(
        loc.contains("access_token=")
            && loc.contains("type=recovery")
            && loc.contains("refresh_token=")
    );
    // Single use.
    let r = c.req("GET", &path).send().await;
    let loc = r.header("Location").unwrap();
    assert!(loc.contains("error_code=otp_expired"), "{loc}");

    // PKCE: ?code= then exchange with the verifier.
    let verifier = "a".repeat(20) + &"b".repeat(30);
    let challenge = gotrue_emulator::util::pkce_s256(&verifier);
    c.advance(61.0).await;
    let r = c
        .api("POST", "/recover?redirect_to=http://localhost:3000/reset")
        .json(json!({"email": email, "code_challenge": challenge, "code_challenge_method": "s256"}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let (_, _, link) = c.mail_for(&email).await.unwrap();
    let link = link.unwrap();
    assert!(
        link.contains("token=pkce_")
            && link.contains("redirect_to=http%3A%2F%2Flocalhost%3A3000%2Freset"),
        "{link}"
    );
    let r = c.req("GET", &link[link.find("/auth/v1").unwrap()..]).send().await;
    let loc = r.header("Location").unwrap().to_string();
    let code = loc.split("code=").nth(1).expect("code").to_string();
    let r = c
        .api("POST", "/token?grant_type=pkce")
        .json(json!({"auth_code": code, "code_verifier": "x".repeat(50)}))
        .send()
        .await;
    assert_eq!(r.code(), "bad_code_verifier");
    let r = c
        .api("POST", "/token?grant_type=pkce")
        .json(json!({"auth_code": code, "code_verifier": verifier}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(claims(&at(&r.json()))["amr"][0]["method"], "recovery");
    let r = c
        .api("POST", "/token?grant_type=pkce")
        .json(json!({"auth_code": code, "code_verifier": verifier}))
        .send()
        .await;
    assert_eq!((r.status, r.code()), (404, "flow_state_not_found".to_string()));
}
