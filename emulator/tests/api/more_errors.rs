//! The remaining error codes: confirmations, disabled features, admin-only fields, IP checks,
//! budgets and expiries.

use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn signup_confirmation_when_autoconfirm_is_off() {
    let (_srv, c) = start_with(|cfg| cfg.mailer_autoconfirm = false).await;
    let email = email();
    let r = c.api("POST", "/signup").json(json!({"email": email, "password": PW})).send().await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json().get("access_token").is_none());
    assert!(r.json().get("email_confirmed_at").is_none());
    let r = c.login(&email, PW).await;
    assert_eq!((r.status, r.code()), (400, "email_not_confirmed".into()));
    assert_eq!(r.json()["message"], "Email not confirmed");
    // Signing up again within the interval is refused; the mailed code confirms.
    let again = c.api("POST", "/signup").json(json!({"email": email, "password": PW})).send().await;
    assert_eq!(again.code(), "over_email_send_rate_limit");
    let (_, code, link) = c.mail_for(&email).await.unwrap();
    assert!(link.unwrap().contains("type=signup"));
    let r = c
        .api("POST", "/verify")
        .json(json!({"type": "signup", "email": email, "token": code}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.json()["user"]["email_confirmed_at"].is_string());
    assert_eq!(c.login(&email, PW).await.status, 200);
    // Signing up a confirmed address again: GoTrue's made-up user, no session, no mail.
    let id = r.json()["user"]["id"].clone();
    let r = c.api("POST", "/signup").json(json!({"email": email, "password": PW})).send().await;
    assert_eq!(r.status, 200, "{}", r.text());
    let made_up = r.json();
    assert!(made_up.get("access_token").is_none() && made_up["id"] != id);
    assert_eq!((made_up["role"].clone(), made_up["identities"].clone()), (json!(""), json!([])));
}

#[tokio::test]
async fn email_budget_when_autoconfirm_is_off() {
    let (_srv, c) = start_with(|cfg| {
        cfg.mailer_autoconfirm = false;
        cfg.rate_limit_email_sent = 1;
    })
    .await;
    c.api("POST", "/signup").json(json!({"email": email(), "password": PW})).send().await;
    let r = c.api("POST", "/signup").json(json!({"email": email(), "password": PW})).send().await;
    assert_eq!((r.status, r.code()), (429, "over_email_send_rate_limit".into()));
    assert_eq!(r.json()["message"], "email rate limit exceeded");
    c.advance(3601.0).await;
    let r = c.api("POST", "/signup").json(json!({"email": email(), "password": PW})).send().await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn disabled_signup_and_phone_signup() {
    let (_srv, c) = start_with(|cfg| cfg.disable_signup = true).await;
    let r = c.api("POST", "/signup").json(json!({"email": email(), "password": PW})).send().await;
    assert_eq!((r.status, r.code()), (422, "signup_disabled".into()));
    let (_srv, c) = start().await;
    let r = c
        .api("POST", "/signup")
        .json(json!({"phone": "+15550001111", "password": PW}))
        .send()
        .await;
    assert_eq!((r.status, r.code()), (400, "phone_provider_disabled".into()));
    let r = c
        .api("POST", "/signup")
        .json(json!({"email": email(), "phone": "+15550001111", "password": PW}))
        .send()
        .await;
    assert_eq!(r.code(), "validation_failed");
}

#[tokio::test]
async fn email_changes_and_admin_only_fields() {
    let (_srv, c) = start().await;
    let (a, b) = (email(), email());
    let sa = c.signup(&a, PW).await;
    c.signup(&b, PW).await;
    let r = c.put_user(&at(&sa), json!({"email": b})).await;
    assert_eq!((r.status, r.code()), (422, "email_exists".into()));
    let r = c.put_user(&at(&sa), json!({"app_metadata": {"role": "admin"}})).await;
    assert_eq!((r.status, r.code()), (403, "not_admin".into()));
    let r = c.put_user(&at(&sa), json!({"email": "not-an-email"})).await;
    assert_eq!(r.code(), "validation_failed");
    // With autoconfirm, as in GoTrue, both addresses get a code and either confirms the change.
    let new = email();
    let r = c.put_user(&at(&sa), json!({"email": new})).await;
    assert_eq!((r.json()["email"].clone(), r.json()["new_email"].clone()), (json!(a), json!(new)));
    let (_, code, _) = c.mail_for(&a).await.unwrap();
    let r = c
        .api("POST", "/verify")
        .json(json!({"type": "email_change", "email": a, "token": code}))
        .send()
        .await;
    assert_eq!((r.status, r.json()["user"]["email"].clone()), (200, json!(new)));
    assert_eq!(c.login(&new, PW).await.status, 200);
    // Without, both addresses must confirm (secure email change): the first code answers a
    // message only, the second changes the address.
    let (_srv2, c2) = start_with(|cfg| cfg.mailer_autoconfirm = false).await;
    let key = service_key();
    let old = email();
    let r = c2
        .api("POST", "/admin/users")
        .bearer(&key)
        .json(json!({"email": old, "password": PW, "email_confirm": true}))
        .send()
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = c2
        .api("POST", "/admin/users")
        .bearer(&key)
        .json(json!({"email": old, "password": PW}))
        .send()
        .await;
    assert_eq!(r.code(), "email_exists");
    let s = c2.session(&old, PW).await;
    let new = email();
    let r = c2.put_user(&at(&s), json!({"email": new})).await;
    assert_eq!(r.json()["new_email"], new.as_str());
    let verify = |address: String, code: String| {
        let c2 = c2.clone();
        async move {
            let body = json!({"type": "email_change", "email": address, "token": code});
            c2.api("POST", "/verify").json(body).send().await
        }
    };
    let (_, old_code, _) = c2.mail_for(&old).await.unwrap();
    let (_, new_code, _) = c2.mail_for(&new).await.unwrap();
    let r = verify(old.clone(), old_code.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.json(),
        json!({"code": "200", "msg": "Confirmation link accepted. Please proceed to confirm link sent to the other email"})
    );
    let r = c2.api("GET", "/user").bearer(&at(&s)).send().await;
    assert_eq!(
        (r.json()["email"].clone(), r.json()["new_email"].clone()),
        (json!(old), json!(new))
    );
    // The same code again is spent.
    assert_eq!(verify(old.clone(), old_code).await.code(), "otp_expired");
    let r = verify(new.clone(), new_code).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["user"]["email"], new.as_str());
    assert!(r.json()["user"].get("new_email").is_none());
}

#[tokio::test]
async fn mfa_verify_disabled_and_ip_mismatch() {
    let (_srv, c) = start_with(|cfg| cfg.mfa_totp_verify_enabled = false).await;
    let s = c.signup(&email(), PW).await;
    let (fid, _) = c.enroll_totp(&at(&s), "a").await;
    let r = c.api("POST", &format!("/factors/{fid}/challenge")).bearer(&at(&s)).send().await;
    assert_eq!((r.status, r.code()), (422, "mfa_totp_verify_not_enabled".into()));
    let (_srv, c) = start().await;
    let s = c.signup(&email(), PW).await;
    let (fid, secret) = c.enroll_totp(&at(&s), "a").await;
    let ch = c
        .api("POST", &format!("/factors/{fid}/challenge"))
        .bearer(&at(&s))
        .header("X-Forwarded-For", "10.0.0.1")
        .send()
        .await
        .json();
    let r = c
        .api("POST", &format!("/factors/{fid}/verify"))
        .bearer(&at(&s))
        .header("X-Forwarded-For", "10.0.0.2")
        .json(json!({"challenge_id": ch["id"], "code": c.totp(&secret).await}))
        .send()
        .await;
    assert_eq!((r.status, r.code()), (422, "mfa_ip_address_mismatch".into()));
    assert_eq!(r.json()["message"], "Challenge and verify IP addresses mismatch.");
}

#[tokio::test]
async fn pkce_flow_state_expires_from_recover() {
    let (_srv, c) = start().await;
    let email = email();
    c.signup(&email, PW).await;
    let verifier = "v".repeat(50);
    let challenge = gotrue_emulator::util::pkce_s256(&verifier);
    c.api("POST", "/recover")
        .json(json!({"email": email, "code_challenge": challenge, "code_challenge_method": "S256"}))
        .send()
        .await;
    let (_, _, link) = c.mail_for(&email).await.unwrap();
    let link = link.unwrap();
    c.advance(301.0).await;
    let r = c.req("GET", &link[link.find("/auth/v1").unwrap()..]).send().await;
    let loc = r.header("Location").unwrap().to_string();
    let code =
        loc.split("code=").nth(1).expect("code").split(['&', '#']).next().unwrap().to_string();
    let r = c
        .api("POST", "/token?grant_type=pkce")
        .json(json!({"auth_code": code, "code_verifier": verifier}))
        .send()
        .await;
    assert_eq!((r.status, r.code()), (422, "flow_state_expired".into()));
    let r = c.api("POST", "/token?grant_type=pkce").json(json!({"auth_code": code})).send().await;
    assert_eq!(r.code(), "validation_failed");
}

#[tokio::test]
async fn reauthenticate_needs_a_confirmed_email() {
    let (_srv, c) = start_with(|cfg| cfg.mailer_autoconfirm = false).await;
    let key = service_key();
    let email = email();
    let u = c
        .api("POST", "/admin/users")
        .bearer(&key)
        .json(json!({"email": email, "password": PW}))
        .send()
        .await
        .json();
    // An unconfirmed user has no session from a password; forge one for the check.
    let claims = json!({"sub": u["id"], "role": "authenticated", "aud": "authenticated", "exp": c.now().await + 60});
    let t =
        gotrue_emulator::jwt::sign(&claims, &gotrue_emulator::Config::default().jwt_secret, None);
    let r = c.api("GET", "/reauthenticate").bearer(&t).send().await;
    assert_eq!((r.status, r.code()), (422, "email_not_confirmed".into()));
    assert_eq!(r.json()["message"], "Please verify your email first.");
}
