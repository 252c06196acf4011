//! Emailed codes and links (single use, expiry), intervals, nonces, MFA challenges, password rules.

use serde_json::json;

use crate::common::*;

async fn recover(c: &Client, email: &str) -> (String, String) {
    let r = c.api("POST", "/recover").json(json!({"email": email})).send().await;
    assert_eq!(r.status, 200, "{}", r.text());
    let (_, code, link) = c.mail_for(email).await.expect("mail");
    let link = link.unwrap();
    let hash = link.split("token=").nth(1).unwrap().split('&').next().unwrap().to_string();
    (code, hash)
}

#[tokio::test]
async fn recovery_code_is_single_use() {
    let (_srv, c) = start().await;
    let email = email();
    c.signup(&email, PW).await;
    let (code, hash) = recover(&c, &email).await;
    let ok = c.verify_recovery(&email, &code).await;
    assert_eq!(ok.status, 200);
    let again = c.verify_recovery(&email, &code).await;
    assert_eq!((again.status, again.code()), (403, "otp_expired".into()));
    assert_eq!(again.json()["message"], "Token has expired or is invalid");
    let by_hash =
        c.api("POST", "/verify").json(json!({"type": "recovery", "token_hash": hash})).send().await;
    assert_eq!((by_hash.status, by_hash.code()), (403, "otp_expired".into()));
    assert_eq!(by_hash.json()["message"], "Email link is invalid or has expired");
}

#[tokio::test]
async fn recovery_code_expires() {
    let (_srv, c) = start_with(|cfg| cfg.mailer_otp_exp = 3600).await;
    let email = email();
    c.signup(&email, PW).await;
    let (code, _) = recover(&c, &email).await;
    c.advance(3601.0).await;
    let r = c.verify_recovery(&email, &code).await;
    assert_eq!((r.status, r.code()), (403, "otp_expired".into()));
    // Within the lifetime a token hash works, and `email` finds the recovery token too.
    c.advance(61.0).await;
    let (_, hash) = recover(&c, &email).await;
    c.advance(3500.0).await;
    let r =
        c.api("POST", "/verify").json(json!({"type": "email", "token_hash": hash})).send().await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(claims(&at(&r.json()))["amr"][0]["method"], "otp");
}

#[tokio::test]
async fn recovery_mails_are_rate_limited_per_user() {
    let (_srv, c) = start().await;
    let email = email();
    c.signup(&email, PW).await;
    recover(&c, &email).await;
    c.advance(20.0).await;
    let r = c.api("POST", "/recover").json(json!({"email": email})).send().await;
    assert_eq!((r.status, r.code()), (429, "over_email_send_rate_limit".into()));
    let msg = r.json()["message"].as_str().unwrap().to_string();
    assert!(
        msg == "For security purposes, you can only request this after 39 seconds."
            || msg.contains("after 40 seconds"),
        "{msg}"
    );
    assert_eq!(r.header("x-sb-error-code"), Some("over_email_send_rate_limit"));
    c.advance(41.0).await;
    assert_eq!(c.api("POST", "/recover").json(json!({"email": email})).send().await.status, 200);
    // Unknown addresses get the same answer and no mail.
    let r = c.api("POST", "/recover").json(json!({"email": "nobody@example.com"})).send().await;
    assert_eq!((r.status, r.json()), (200, json!({})));
    assert!(c.mail_for("nobody@example.com").await.is_none());
}

#[tokio::test]
async fn reauthentication_nonce_rules() {
    let (_srv, c) = start_with(|cfg| cfg.update_password_require_reauthentication = true).await;
    let email = email();
    let s = c.signup(&email, PW).await;
    // A session younger than 24 h needs no nonce.
    let r = c.put_user(&at(&s), json!({"password": "Second-Pass-8"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    // An older one does.
    c.advance(86_401.0).await;
    let s = c.refresh(&rt(&s)).await.json();
    let r = c.put_user(&at(&s), json!({"password": "Third-Pass-9"})).await;
    assert_eq!((r.status, r.code()), (400, "reauthentication_needed".into()));
    assert_eq!(r.json()["message"], "Password update requires reauthentication");
    let r = c.put_user(&at(&s), json!({"password": "Third-Pass-9", "nonce": "123456"})).await;
    assert_eq!((r.status, r.code()), (422, "reauthentication_not_valid".into()));
    assert_eq!(c.api("GET", "/reauthenticate").bearer(&at(&s)).send().await.json(), json!({}));
    let again = c.api("GET", "/reauthenticate").bearer(&at(&s)).send().await;
    assert_eq!((again.status, again.code()), (429, "over_email_send_rate_limit".into()));
    let (_, nonce, link) = c.mail_for(&email).await.unwrap();
    assert!(link.is_none());
    let r = c.put_user(&at(&s), json!({"password": "Third-Pass-9", "nonce": nonce})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    // The nonce is consumed.
    let r = c.put_user(&at(&s), json!({"password": "Fourth-Pass-1", "nonce": nonce})).await;
    assert_eq!(r.code(), "reauthentication_not_valid");
}

#[tokio::test]
async fn current_password_rules() {
    let (_srv, c) = start_with(|cfg| cfg.update_password_require_current_password = true).await;
    let email = email();
    let s = c.signup(&email, PW).await;
    let r = c.put_user(&at(&s), json!({"password": "New-Horse-42"})).await;
    assert_eq!((r.status, r.code()), (400, "current_password_required".into()));
    assert_eq!(r.json()["message"], "Current password required when setting new password.");
    let r = c
        .put_user(&at(&s), json!({"password": "New-Horse-42", "current_password": "nope-nope"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "current_password_invalid".into()));
    let r = c.put_user(&at(&s), json!({"password": "New-Horse-42", "current_password": PW})).await;
    assert_eq!(r.status, 200);
    // A recovery session needs none.
    let (code, _) = recover(&c, &email).await;
    let rs = c.verify_recovery(&email, &code).await.json();
    let r = c.put_user(&at(&rs), json!({"password": "Third-Horse-77"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json().get("recovery_sent_at").is_none());
}

#[tokio::test]
async fn password_update_validation() {
    let (_srv, c) = start_with(|cfg| {
        cfg.password_required_characters =
            vec!["0123456789".into(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ".into()]
    })
    .await;
    let s = c.signup(&email(), PW).await;
    let r = c.put_user(&at(&s), json!({"password": "abc"})).await;
    assert_eq!((r.status, r.code()), (422, "weak_password".into()));
    assert_eq!(r.json()["weak_password"], json!({"reasons": ["length", "characters"]}));
    assert!(
        r.header("x-sb-error-code").is_none(),
        "the 2024 weak-password branch has no x-sb-error-code"
    );
    let legacy =
        c.api("PUT", "/user").legacy().bearer(&at(&s)).json(json!({"password": ""})).send().await;
    assert_eq!(legacy.json()["error_code"], "weak_password");
    assert_eq!(legacy.json()["weak_password"]["reasons"], json!(["length", "characters"]));
    assert_eq!(legacy.header("x-sb-error-code"), Some("weak_password"));
    let r = c.put_user(&at(&s), json!({"password": "A1".repeat(37)})).await;
    assert_eq!((r.status, r.code()), (400, "validation_failed".into()));
    assert_eq!(r.json()["message"], "Password cannot be longer than 72 characters");
    let r = c.put_user(&at(&s), json!({"password": PW})).await;
    assert_eq!((r.status, r.code()), (422, "same_password".into()));
    assert_eq!(r.json()["message"], "New password should be different from the old password.");
}

#[tokio::test]
async fn mfa_challenge_rules() {
    let (_srv, c) = start().await;
    let s = c.signup(&email(), PW).await;
    let (fid, secret) = c.enroll_totp(&at(&s), "app").await;
    // Expiry.
    let ch = c.challenge(&at(&s), &fid, None).await.json();
    assert!(ch["expires_at"].as_u64().unwrap() >= c.now().await + 299);
    c.advance(301.0).await;
    let code = c.totp(&secret).await;
    let r = c.verify_code(&at(&s), &fid, &ch["id"], &code).await;
    assert_eq!((r.status, r.code()), (422, "mfa_challenge_expired".into()));
    // Wrong code, then skew: the previous step's code works.
    let s = c.refresh(&rt(&s)).await.json();
    let ch = c.challenge(&at(&s), &fid, None).await.json();
    let r = c.verify_code(&at(&s), &fid, &ch["id"], "000000").await;
    let expected_fail = if c.totp(&secret).await == "000000" { 200 } else { 422 };
    assert_eq!(r.status, expected_fail);
    if expected_fail == 422 {
        assert_eq!(r.code(), "mfa_verification_failed");
        assert_eq!(r.json()["message"], "Invalid TOTP code entered");
    }
    let now = c.now().await;
    let old = gotrue_emulator::totp::code(&secret, now - 30);
    let too_old = gotrue_emulator::totp::code(&secret, now - 61);
    if too_old != old && too_old != c.totp(&secret).await {
        let r = c.verify_code(&at(&s), &fid, &ch["id"], &too_old).await;
        assert_eq!(r.code(), "mfa_verification_failed");
    }
    let r = c.verify_code(&at(&s), &fid, &ch["id"], &old).await;
    assert_eq!(r.status, 200, "{}", r.text());
    // A used challenge cannot be used again.
    let s = r.json();
    let r = c.verify_code(&at(&s), &fid, &ch["id"], &c.totp(&secret).await).await;
    assert_eq!((r.status, r.code()), (422, "mfa_ip_address_mismatch".into()));
}

#[tokio::test]
async fn one_totp_code_works_on_two_fresh_challenges_like_gotrue() {
    // GoTrue v2.196's verifyTOTPFactor checks the code with totp.ValidateCustom (skew 1) and
    // remembers no used code: the same code verifies a second, fresh challenge.
    let (_srv, c) = start().await;
    let s = c.signup(&email(), PW).await;
    let (fid, secret) = c.enroll_totp(&at(&s), "app").await;
    let code = c.totp(&secret).await;
    let first = c.challenge(&at(&s), &fid, None).await.json();
    let r = c.verify_code(&at(&s), &fid, &first["id"], &code).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let s = r.json();
    let second = c.challenge(&at(&s), &fid, None).await.json();
    assert_ne!(first["id"], second["id"]);
    let r = c.verify_code(&at(&s), &fid, &second["id"], &code).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(claims(&at(&r.json()))["aal"], "aal2");
    // Until its step leaves the window (previous, current, next 30 s step).
    c.advance(61.0).await;
    let third = c.challenge(&at(&s), &fid, None).await.json();
    let r = c.verify_code(&at(&s), &fid, &third["id"], &code).await;
    let still = code == c.totp(&secret).await
        || code == gotrue_emulator::totp::code(&secret, c.now().await - 30);
    assert_eq!(r.status, if still { 200 } else { 422 });
}

#[tokio::test]
async fn phone_factor_sms_and_interval() {
    let (_srv, c) = start().await;
    let s = c.signup(&email(), PW).await;
    let r = c.enroll(&at(&s), json!({"factor_type": "phone", "phone": "+1 555 000 1111"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let fid = r.json()["id"].as_str().unwrap().to_string();
    // A phone challenge reads its body: an empty one is bad JSON.
    let r = c.challenge(&at(&s), &fid, None).await;
    assert_eq!((r.status, r.code()), (400, "bad_json".into()));
    let r = c.challenge(&at(&s), &fid, Some(json!({"channel": "pigeon"}))).await;
    assert_eq!(r.code(), "validation_failed");
    let ch = c.challenge(&at(&s), &fid, Some(json!({"channel": "sms"}))).await.json();
    assert_eq!(ch["type"], "phone");
    let code = c.sms_code("15550001111").await.expect("sms");
    let r = c.challenge(&at(&s), &fid, Some(json!({}))).await;
    assert_eq!((r.status, r.code()), (429, "over_sms_send_rate_limit".into()));
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .starts_with("For security purposes, you can only request this after"));
    let r = c.verify_code(&at(&s), &fid, &ch["id"], "12345").await;
    assert_eq!(r.json()["message"], "Invalid MFA Phone code entered");
    let r = c.verify_code(&at(&s), &fid, &ch["id"], &code).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let cl = claims(&at(&r.json()));
    assert_eq!(cl["aal"], "aal2");
    assert!(cl["amr"].as_array().unwrap().iter().any(|m| m["method"] == "mfa/phone"));
    c.advance(60.0).await;
    let r = c.challenge(&at(&s), &fid, Some(json!({}))).await;
    assert_eq!(r.status, 200);
}
