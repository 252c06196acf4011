//! The password-recovery wizard, end to end: a real Chromium, the release build, the emulator,
//! codes read from its outboxes. Elements are found by label, button text, heading and role.

use e2e::{Browser, Env, SECRET};
use serde_json::json;

const OLD: &str = "old-password-1";
const NEW: &str = "brand-new-password-2";

/// A new environment with a user (`OLD` password, optional factors), and a browser on step 2 of
/// the wizard after asking for a code for them.
async fn recovering(email: &str, totp: Option<&str>, phone: Option<&str>) -> (Env, Browser) {
    let env = Env::start().await;
    env.create_user(email, OLD, totp, phone).await;
    let b = env.browser().await;
    b.request_recovery_code(email).await;
    b.role_text("status", "If an account exists for that address").await;
    (env, b)
}

/// A used link: the message, and the way on to asking for a code instead (step 1).
async fn used_link_offers_the_code_path(b: &Browser) {
    b.alert("invalid, expired or was already used").await;
    b.click_link("Request a code instead").await;
    b.heading("Step 1 of 4").await;
}

async fn choose_password(b: &Browser, password: &str) {
    b.heading("Step 4 of 4").await;
    b.fill("New password", password).await;
    b.fill("Confirm new password", password).await;
    b.click("Save password").await;
}

async fn assert_done(env: &Env, b: &Browser, email: &str) {
    b.heading("Your password was changed").await;
    b.text("other sessions were signed out").await;
    assert!(env.api_sign_in(email, NEW).await.is_ok(), "new password works");
    assert!(env.api_sign_in(email, OLD).await.is_err(), "old password no longer works");
    assert_eq!(b.session_claims().await["email"], email);
}

#[tokio::test]
async fn code_path_without_mfa_with_a_wrong_code_first_and_reloads() {
    let email = "plain@example.com";
    let (env, b) = recovering(email, None, None).await;
    assert_eq!(b.focused_id().await, "lsa-heading", "focus moves to the step heading");
    b.text("p•••@example.com").await;
    b.text("The code is valid for 60 minutes.").await; // GoTrue's default MAILER_OTP_EXP

    // Reload keeps the step and the email.
    b.reload().await;
    b.heading("Step 2 of 4").await;

    b.fill("Verification code", "000 000").await;
    b.alert("wrong or has expired").await;
    assert_eq!(b.value("Verification code").await, "000000", "the field is kept, cleaned");

    let code = env.latest_mail_code(email).await;
    // Pasting with spaces and dashes works and submits on completion.
    let spaced = format!("{}-{} {}", &code[..2], &code[2..4], &code[4..]);
    b.fill("Verification code", &spaced).await;
    b.heading("Step 4 of 4").await;
    assert_eq!(b.held_claims().await["aal"], "aal1");
    assert_eq!(b.session_claims().await, serde_json::Value::Null, "not the app's session yet");

    b.reload().await;
    b.heading("Step 4 of 4").await;
    // The hidden username field carries the email for password managers.
    let username =
        b.js("return document.querySelector('input[autocomplete=username]').value;").await;
    assert_eq!(username, email);
    choose_password(&b, NEW).await;
    assert_done(&env, &b, email).await;
    env.stop().await;
}

#[tokio::test]
async fn link_path_without_mfa_and_a_used_link() {
    let email = "linker@example.com";
    let (env, b) = recovering(email, None, None).await;
    let link = env.latest_mail_link(email).await;
    assert!(
        link.starts_with(&format!("{}/auth/confirm?token_hash=", env.origin))
            && link.ends_with("&type=recovery"),
        "the mail carries the app's own link: {link}"
    );
    b.open_link_and_continue(&link).await;
    b.wait_path("/auth/recover").await;
    choose_password(&b, NEW).await;
    assert_done(&env, &b, email).await;

    // The same link again: a clear message (the code path offered: see
    // `a_used_mail_link_offers_the_code_path`).
    b.open_link_and_continue(&link).await;
    b.alert("invalid, expired or was already used").await;

    // GoTrue's own link of that mail, used up too: the message and the code path offered.
    b.goto_url(&env.latest_mail_verify_link(email).await).await;
    used_link_offers_the_code_path(&b).await;
    env.stop().await;
}

/// A used mail link, pressed: the message and the way on (a code instead), as for a used
/// `GET /verify` link.
#[tokio::test]
async fn a_used_mail_link_offers_the_code_path() {
    let email = "used@example.com";
    let (env, b) = recovering(email, None, None).await;
    let link = env.latest_mail_link(email).await;
    b.fill("Verification code", &env.latest_mail_code(email).await).await;
    b.heading("Step 4 of 4").await; // the code spent the token the link carries
    b.open_link_and_continue(&link).await;
    used_link_offers_the_code_path(&b).await;
    env.stop().await;
}

#[tokio::test]
async fn token_hash_link_needs_a_press_and_pasting_the_link_works() {
    let email = "hash@example.com";
    let (env, b) = recovering(email, None, None).await;
    let link = env.latest_mail_link(email).await;
    let hash = link.split("token_hash=").nth(1).unwrap().split('&').next().unwrap().to_owned();

    // The Supabase PKCE/SSR template shape: nothing is verified until Continue is pressed.
    b.goto(&format!("/auth/confirm?token_hash={hash}&type=recovery&next=/after")).await;
    b.heading("Reset your password").await;
    b.click("Continue").await;
    b.heading("Step 4 of 4").await;
    assert!(b.path().await.contains("next=%2Fafter"), "next is carried: {}", b.path().await);
    env.stop().await;

    // Pasting the whole emailed link into the code field verifies it too.
    let (env, b) = recovering(email, None, None).await;
    let link = env.latest_mail_link(email).await;
    b.paste("Verification code", &link).await;
    b.heading("Step 4 of 4").await;
    env.stop().await;
}

#[tokio::test]
async fn expired_code_then_resend_and_rate_limited_resend_countdown() {
    let email = "late@example.com";
    let (env, b) = recovering(email, None, None).await;
    let first = env.latest_mail_code(email).await;
    // A resend right away is refused by the server: the countdown comes from its answer.
    b.reload().await;
    b.click("Send a new code").await;
    let countdown = b.text("You can request a new code in").await;
    assert!(countdown.contains(" s"), "{countdown}");

    b.text("The code is valid for 60 minutes.").await;
    env.advance_clock(3_601).await; // the hour the page announced is over
    b.fill("Verification code", &first).await;
    b.alert("wrong or has expired").await;

    b.reload().await;
    b.click("Send a new code").await;
    b.role_text("status", "We sent a new code").await;
    let second = env.latest_mail_code(email).await;
    b.fill("Verification code", &second).await;
    b.heading("Step 4 of 4").await;
    env.stop().await;
}

#[tokio::test]
async fn totp_user_steps_up_before_the_new_password_code_and_link() {
    let email = "totp@example.com";
    let (env, b) = recovering(email, Some(SECRET), None).await;
    b.fill("Verification code", &env.latest_mail_code(email).await).await;
    b.heading("Step 3 of 4").await;
    b.text("Can't use your authenticator?").await;
    b.reload().await;
    b.heading("Step 3 of 4").await;
    b.fill("Code from your authenticator app", "123456").await;
    b.alert("not right").await;
    env.enter_app_code(&b).await;
    b.wait_held_aal("aal2").await;
    choose_password(&b, NEW).await;
    assert_done(&env, &b, email).await;
    assert_eq!(b.session_claims().await["aal"], "aal2");
    env.stop().await;

    // The same through the emailed link.
    let (env, b) = recovering(email, Some(SECRET), None).await;
    b.open_link_and_continue(&env.latest_mail_link(email).await).await;
    b.heading("Step 3 of 4").await;
    env.enter_app_code(&b).await;
    choose_password(&b, NEW).await;
    assert_done(&env, &b, email).await;
    env.stop().await;
}

#[tokio::test]
async fn phone_factor_user_gets_an_sms_code() {
    let email = "sms@example.com";
    let phone = "+15550001111";
    let (env, b) = recovering(email, None, Some(phone)).await;
    b.fill("Verification code", &env.latest_mail_code(email).await).await;
    b.heading("Step 3 of 4").await;
    b.click("Text me a code").await;
    b.role_text("status", "1111").await;
    b.fill("Verification code", &env.latest_sms_code(phone).await).await;
    b.wait_held_aal("aal2").await;
    choose_password(&b, NEW).await;
    assert_done(&env, &b, email).await;
    env.stop().await;
}

#[tokio::test]
async fn weak_and_same_passwords_are_explained_and_hostile_next_is_ignored() {
    let env = Env::start().await;
    let email = "pw@example.com";
    env.create_user(email, OLD, None, None).await;
    let b = env.browser().await;
    b.goto("/auth/recover?next=//evil.example/steal").await;
    b.fill("Email", email).await;
    b.click("Send code").await;
    b.fill("Verification code", &env.latest_mail_code(email).await).await;
    b.heading("Step 4 of 4").await;

    b.fill("New password", "abc").await;
    b.fill("Confirm new password", "abc").await;
    b.click("Save password").await;
    b.alert("does not meet the requirements").await;

    choose_password(&b, OLD).await;
    b.alert("must be different from your current one").await;
    assert_eq!(b.value("New password").await, OLD, "nothing typed is lost");

    choose_password(&b, NEW).await;
    b.heading("Your password was changed").await;
    let href = b.js("return document.querySelector('a.lsa-button').href;").await;
    assert_eq!(
        href.as_str().unwrap(),
        format!("{}/", env.origin),
        "hostile next falls back to home"
    );
    b.click_link("Continue").await;
    b.wait_path("/").await;
    env.stop().await;
}

#[tokio::test]
async fn network_failure_on_submit_keeps_what_was_typed_and_retry_works() {
    let env = Env::start().await;
    let email = "flaky@example.com";
    env.create_user(email, OLD, None, None).await;
    let b = env.browser().await;
    b.goto("/auth/recover").await;
    // Chromium silently retries a request whose connection was dropped, once per pooled
    // connection (the page's split parts open several): drop more than it retries.
    env.fault(json!({"path": "/auth/v1/recover", "drop": true, "count": 20})).await;
    b.fill("Email", email).await;
    b.click("Send code").await;
    b.alert("could not reach the server").await;
    assert_eq!(b.value("Email").await, email);
    env.clear_faults().await;
    b.click("Send code").await;
    b.heading("Step 2 of 4").await;

    env.fault(json!({"path": "/auth/v1/verify", "status": 503, "count": 1})).await;
    let code = env.latest_mail_code(email).await;
    b.fill("Verification code", &code).await;
    b.alert("could not reach the server").await;
    assert_eq!(b.value("Verification code").await, code);
    b.click("Verify").await;
    b.heading("Step 4 of 4").await;
    env.stop().await;
}

#[tokio::test]
async fn session_lost_mid_wizard_starts_over_with_an_explanation() {
    let email = "lost@example.com";
    let (env, b) = recovering(email, None, None).await;
    b.fill("Verification code", &env.latest_mail_code(email).await).await;
    b.heading("Step 4 of 4").await;
    // The session disappears (e.g. it expired and was cleared) and the page is reloaded.
    b.js("sessionStorage.removeItem('lsa.session.v1.held'); return null;").await;
    b.reload().await;
    b.heading("Step 1 of 4").await;
    b.role_text("status", "reset session expired").await;
    assert_eq!(b.value("Email").await, email, "the email is kept");
    env.stop().await;
}

#[tokio::test]
async fn several_factors_pick_sms_and_an_expired_challenge_gets_a_new_one() {
    let email = "both@example.com";
    let phone = "+15550002222";
    let (env, b) = recovering(email, Some(SECRET), Some(phone)).await;
    b.fill("Verification code", &env.latest_mail_code(email).await).await;
    b.heading("Step 3 of 4").await;
    b.text("Choose a verification method").await;
    // The authenticator app is offered first; pick the phone instead.
    b.field("Text message (SMS) (•••2222)").await.click().await.unwrap();
    b.click("Text me a code").await;
    let stale = env.latest_sms_code(phone).await;
    env.advance_clock(301).await; // MFA challenges live 300 s
    b.fill("Verification code", &stale).await;
    b.alert("That verification expired").await;
    b.click("Text me a code").await;
    b.role_text("status", "2222").await;
    eventually_new_sms(&env, phone, &stale).await;
    b.fill("Verification code", &env.latest_sms_code(phone).await).await;
    b.wait_held_aal("aal2").await;
    choose_password(&b, NEW).await;
    assert_done(&env, &b, email).await;
    env.stop().await;
}

async fn eventually_new_sms(env: &Env, phone: &str, old: &str) {
    e2e::eventually("a new SMS", || async {
        (env.latest_sms_code(phone).await != old).then_some(())
    })
    .await;
}
