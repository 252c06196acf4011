//! The front door by email: sign-up (by code, by link, with autoconfirm), a sign-in code
//! instead of a password (also for an MFA user, who then needs the second factor), an
//! address not confirmed yet, and what an attacker tries: learning whether an address has an
//! account, hammering "Send a new code", a link of another account.

use e2e::{Browser, Env, PASSWORD, SECRET};

const NEW_PASSWORD: &str = "Fresh-Horse-Battery-9";

/// The emulator as a project that confirms addresses by email (GoTrue's default).
async fn confirming() -> Env {
    Env::start_with(|c| c.mailer_autoconfirm = false).await
}

/// Fills the sign-up form at `/auth/sign-up` and submits it.
async fn sign_up(b: &Browser, email: &str) {
    b.goto("/auth/sign-up").await;
    b.heading("Create an account").await;
    b.fill("Email", email).await;
    b.fill("New password", NEW_PASSWORD).await;
    b.fill("Confirm new password", NEW_PASSWORD).await;
    b.click("Create account").await;
}

/// Asks the sign-in page (already open) for a code for `email` and enters the mailed code.
async fn sign_in_by_code(env: &Env, b: &Browser, email: &str) {
    b.fill("Email", email).await;
    b.click("Email me a sign-in code").await;
    b.heading("Check your email").await;
    b.text(&format!("If {email} can sign in here, we sent a sign-in code to it.")).await;
    let code = env.latest_mail_code(email).await;
    b.fill("Verification code", &code).await;
}

/// "Continue without an account" on the home page: the anonymous user's id.
async fn continue_as_guest(b: &Browser) -> serde_json::Value {
    b.goto("/").await;
    b.click("Continue without an account").await;
    b.text("You are using the app without an account.").await;
    let claims = b.session_claims().await;
    assert_eq!(claims["is_anonymous"], true);
    claims["sub"].clone()
}

/// The home page says who is signed in.
async fn home_says_signed_in_as(b: &Browser, email: &str) {
    b.wait_path("/").await;
    b.heading("Welcome").await;
    b.text(&format!("Signed in as {email}")).await;
}

/// The page's text with `email` written as `<address>` and numbers as `#` (the countdown).
async fn text_without(b: &Browser, email: &str) -> String {
    let text = b.body_text().await.replace(email, "<address>");
    text.split(|c: char| c.is_ascii_digit()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("#")
}

#[tokio::test]
async fn sign_up_by_code_then_signed_in() {
    let env = confirming().await;
    let b = env.browser().await;
    b.goto("/auth/sign-in").await;
    b.click_link("Create an account").await;
    b.wait_path("/auth/sign-up").await;
    assert_eq!(b.path().await, "/auth/sign-up?next=%2F", "where to go after is kept");
    sign_up(&b, "new@example.com").await;
    b.heading("Check your email").await;
    b.text("If new@example.com can be used for a new account, we sent a code to it.").await;
    assert_eq!(b.stored_session_text().await, None, "nothing before the code");

    // A wrong code is explained; the right one signs in.
    b.fill("Verification code", "000000").await;
    b.text("That code is wrong or has expired.").await;
    let code = env.latest_mail_code("new@example.com").await;
    b.fill("Verification code", &code).await;
    home_says_signed_in_as(&b, "new@example.com").await;
    assert_eq!(b.session_claims().await["email"], "new@example.com");
    env.stop().await;
}

#[tokio::test]
async fn sign_up_with_autoconfirm_signs_in_at_once() {
    let env = Env::start().await;
    let b = env.browser().await;
    sign_up(&b, "auto@example.com").await;
    home_says_signed_in_as(&b, "auto@example.com").await;
    assert_eq!(env.mail_count("auto@example.com").await, 0);
    env.stop().await;
}

/// The sign-up link in the mail lands on the confirm page: nothing is spent by opening it (a
/// mail scanner), a press verifies it, and the account is named before it signs in.
#[tokio::test]
async fn sign_up_by_link_names_the_account_before_signing_in() {
    let env = confirming().await;
    let b = env.browser().await;
    sign_up(&b, "linked@example.com").await;
    b.heading("Check your email").await;
    let link = env.latest_mail_link("linked@example.com").await;
    assert!(link.contains("/auth/confirm?token_hash=") && link.contains("type=signup"), "{link}");
    // A mail scanner fetches the link: the page's HTML, nothing spent.
    reqwest::get(&link).await.unwrap().text().await.unwrap();

    b.goto_url(&link).await;
    b.heading("Sign in").await;
    b.click("Continue").await;

    b.role_text("status", "This link signs you in as linked@example.com.").await;
    assert_eq!(b.stored_session_text().await, None, "not before the press");
    b.click("Continue as linked@example.com").await;
    home_says_signed_in_as(&b, "linked@example.com").await;
    env.stop().await;
}

/// Anti-enumeration: a sign-up of an address that has an account shows what a new address
/// shows (text and roles), mails nothing, and signs nobody in.
#[tokio::test]
async fn sign_up_of_a_taken_address_looks_like_any_other() {
    let env = confirming().await;
    env.create_user("taken@example.com", PASSWORD, None, None).await;
    let (taken, fresh) = (env.browser().await, env.browser().await);
    sign_up(&taken, "taken@example.com").await;
    sign_up(&fresh, "fresh@example.com").await;
    taken.heading("Check your email").await;
    fresh.heading("Check your email").await;
    fresh.field("Verification code").await;
    taken.field("Verification code").await;
    assert_eq!(
        text_without(&taken, "taken@example.com").await,
        text_without(&fresh, "fresh@example.com").await
    );
    assert_eq!(env.mail_count("taken@example.com").await, 0, "nothing mailed to the owner");
    assert_eq!(env.mail_count("fresh@example.com").await, 1);
    assert_eq!(taken.stored_session_text().await, None);
    env.stop().await;
}

#[tokio::test]
async fn sign_in_code_signs_in_without_a_password() {
    let env = Env::start().await;
    let b = env.user_and_browser("coded@example.com", None).await;
    b.goto("/auth/sign-in").await;
    sign_in_by_code(&env, &b, "coded@example.com").await;
    home_says_signed_in_as(&b, "coded@example.com").await;
    env.stop().await;
}

/// An MFA user who signs in by code is at aal1 until the second factor: the sign-in page asks
/// for it and does not go on before.
#[tokio::test]
async fn sign_in_code_of_an_mfa_user_needs_the_second_factor() {
    let env = Env::start().await;
    let b = env.user_and_browser("coded-mfa@example.com", Some(SECRET)).await;
    b.goto("/auth/sign-in").await;
    sign_in_by_code(&env, &b, "coded-mfa@example.com").await;
    b.heading("Two-step verification").await;
    assert!(b.path().await.starts_with("/auth/sign-in"), "not on before the second factor");
    // Another account instead: the form again, not the spent code's step.
    b.click("Sign in with another account").await;
    b.heading("Sign in").await;
    b.field("Password").await;
    // The code again (a minute later: one mail a minute), then the second factor.
    env.advance_clock(61).await;
    sign_in_by_code(&env, &b, "coded-mfa@example.com").await;
    b.heading("Two-step verification").await;
    b.goto("/").await;
    b.heading("Welcome").await;
    assert!(!b.body_text().await.contains("Signed in as"), "aal1 is not signed in");
    b.goto("/auth/sign-in").await;
    env.enter_app_code(&b).await;
    home_says_signed_in_as(&b, "coded-mfa@example.com").await;
    assert_eq!(b.session_claims().await["aal"], "aal2");
    env.stop().await;
}

/// Anti-enumeration: a sign-in code for an unknown address shows the same step as for a
/// known one; nothing is mailed to it and no account is made.
#[tokio::test]
async fn sign_in_code_for_an_unknown_address_looks_like_any_other() {
    let env = Env::start().await;
    env.create_user("known@example.com", PASSWORD, None, None).await;
    let (known, unknown) = (env.browser().await, env.browser().await);
    for (b, email) in [(&known, "known@example.com"), (&unknown, "unknown@example.com")] {
        b.goto("/auth/sign-in").await;
        b.fill("Email", email).await;
        b.click("Email me a sign-in code").await;
        b.heading("Check your email").await;
        b.field("Verification code").await;
    }
    assert_eq!(
        text_without(&known, "known@example.com").await,
        text_without(&unknown, "unknown@example.com").await
    );
    assert_eq!(env.mail_count("unknown@example.com").await, 0);
    assert_eq!(env.mail_count("known@example.com").await, 1);
    env.stop().await;
}

/// Password sign-in of an address not confirmed yet: a new confirmation is sent on a press and
/// its code entered in place. Pressing "Send a new code" again waits for the countdown.
#[tokio::test]
async fn an_unconfirmed_address_is_confirmed_in_place_and_resend_waits() {
    let env = confirming().await;
    let b = env.browser().await;
    sign_up(&b, "later@example.com").await;
    b.heading("Check your email").await;
    assert_eq!(env.mail_count("later@example.com").await, 1);

    // Another day, another browser: the password first.
    let b = env.browser().await;
    env.advance_clock(120).await;
    b.sign_in_with("/auth/sign-in", "later@example.com", NEW_PASSWORD).await;
    b.heading("Check your email").await;
    b.text("later@example.com is not confirmed yet.").await;
    b.click("Send code").await;
    b.role_text("status", "We sent a new code.").await;
    assert_eq!(env.mail_count("later@example.com").await, 2);
    // Hammering: the button counts down instead of asking the server.
    let resend = b.find("//button[contains(., 'new code')]").await;
    assert!(!resend.is_enabled().await.unwrap(), "disabled while counting down");
    let _ = resend.click().await;
    assert_eq!(env.mail_count("later@example.com").await, 2);

    let code = env.latest_mail_code("later@example.com").await;
    b.fill("Verification code", &code).await;
    b.wait_path("/").await;
    home_says_signed_in_as(&b, "later@example.com").await;
    env.stop().await;
}

#[tokio::test]
async fn without_sign_ups_the_sign_in_page_offers_none() {
    let env = Env::start_with(|c| c.disable_signup = true).await;
    let b = env.browser().await;
    b.goto("/auth/sign-in").await;
    b.button("Email me a sign-in code").await;
    assert!(!b.body_text().await.contains("Create an account"));
    b.goto("/auth/sign-up").await;
    b.alert("New accounts cannot be made here.").await;
    env.stop().await;
}

/// An anonymous user ("Continue without an account") is kept out of pages that need an
/// account, and the sign-up page converts them: the same account (id), the address confirmed
/// by its code, then the password they chose.
#[tokio::test]
async fn an_anonymous_user_signs_up_and_keeps_their_account() {
    let env = Env::start_with(|c| {
        c.mailer_autoconfirm = false;
        c.anonymous_users_enabled = true;
    })
    .await;
    let b = env.browser().await;
    let id = continue_as_guest(&b).await;

    // Not signed in for a page that needs an account: the sign-in form, not bounced back.
    b.goto("/auth/security").await;
    b.wait_path("/auth/sign-in").await;
    b.heading("Sign in").await;
    b.field("Password").await;

    sign_up(&b, "guest@example.com").await;
    b.heading("Check your email").await;
    let code = env.latest_mail_code("guest@example.com").await;
    b.fill("Verification code", &code).await;
    home_says_signed_in_as(&b, "guest@example.com").await;
    let claims = b.session_claims().await;
    assert_eq!((claims["sub"].clone(), claims["is_anonymous"].clone()), (id, false.into()));

    let other = env.browser().await;
    other.sign_in_with("/auth/sign-in", "guest@example.com", NEW_PASSWORD).await;
    home_says_signed_in_as(&other, "guest@example.com").await;
    env.stop().await;
}

/// With autoconfirm the address is the anonymous user's at once: no code, the password set,
/// signed in with the account.
#[tokio::test]
async fn with_autoconfirm_an_anonymous_user_is_converted_at_once() {
    let env = Env::start_with(|c| c.anonymous_users_enabled = true).await;
    let b = env.browser().await;
    let id = continue_as_guest(&b).await;
    sign_up(&b, "quick@example.com").await;
    home_says_signed_in_as(&b, "quick@example.com").await;
    assert_eq!(b.session_claims().await["sub"], id);
    let other = env.browser().await;
    other.sign_in_with("/auth/sign-in", "quick@example.com", NEW_PASSWORD).await;
    home_says_signed_in_as(&other, "quick@example.com").await;
    env.stop().await;
}

/// The language shown is kept in the new user's metadata (`locale`), for mail templates.
#[tokio::test]
async fn sign_up_keeps_the_language_shown_in_the_profile() {
    let env = Env::start().await;
    let b = env.browser_in("de").await;
    b.goto("/auth/sign-up").await;
    b.heading("Konto erstellen").await;
    b.fill("E-Mail", "sprache@example.com").await;
    b.fill("Neues Passwort", NEW_PASSWORD).await;
    b.fill("Neues Passwort bestätigen", NEW_PASSWORD).await;
    b.click("Konto erstellen").await;
    b.wait_path("/").await;
    let claims = b.session_claims().await;
    assert_eq!(claims["email"], "sprache@example.com");
    assert_eq!(claims["user_metadata"]["locale"], "de");
    env.stop().await;
}

/// Opens Security's email form in `b` and asks to change the address to `to`.
async fn ask_email_change(b: &Browser, to: &str) {
    b.click("Change your email address").await;
    b.fill("New email address", to).await;
    b.click("Send code").await;
}

/// Signed in, the user changes their address with the two mailed codes; the change waits for
/// both (a reload keeps it waiting), a wrong code is explained, and after it the account has
/// the new address only.
#[tokio::test]
async fn an_email_change_is_confirmed_by_both_addresses_codes() {
    let env = confirming().await;
    env.create_user("old@example.com", PASSWORD, None, None).await;
    let b = env.signed_in("old@example.com").await;
    b.heading("Security").await;

    // Refused before anything is mailed: the same address, a taken one.
    env.create_user("taken@example.com", PASSWORD, None, None).await;
    ask_email_change(&b, "OLD@example.com").await;
    b.alert("This is already your email address.").await;
    b.fill("New email address", "taken@example.com").await;
    b.click("Send code").await;
    b.alert("Another account already uses this address.").await;
    assert_eq!(env.mail_count("taken@example.com").await, 0);

    b.fill("New email address", "new@example.com").await;
    b.click("Send code").await;
    b.text("Your address changes to new@example.com once you confirm it").await;
    b.reload().await;
    b.text("Your address changes to new@example.com once you confirm it").await;

    b.fill("Code sent to your new address", "000000").await;
    b.alert("That code is wrong or has expired.").await;
    let new_code = env.latest_mail_code("new@example.com").await;
    b.fill("Code sent to your new address", &new_code).await;
    b.role_text("status", "Confirmed. Now confirm from the other address too.").await;
    assert_eq!(b.session_claims().await["email"], "old@example.com", "not changed yet");

    let current_code = env.latest_mail_code("old@example.com").await;
    b.fill("Code sent to your current address", &current_code).await;
    b.role_text("status", "Your email address is now new@example.com.").await;
    b.text("Account: new@example.com").await;
    assert_eq!(b.session_claims().await["email"], "new@example.com", "the token says so");
    assert!(!b.has_button("Send a new code").await, "nothing waits any more");
    assert!(env.api_sign_in("old@example.com", PASSWORD).await.is_err());
    assert!(env.api_sign_in("new@example.com", PASSWORD).await.is_ok());
    env.stop().await;
}

/// The links of an email change: the first says the other address must confirm too (GoTrue's
/// own link, whose redirect says so in the fragment); the last one, opened where nobody is
/// signed in, names the account before its session is adopted.
#[tokio::test]
async fn an_email_change_by_links_names_the_account_last() {
    let env = confirming().await;
    env.create_user("linked@example.com", PASSWORD, None, None).await;
    let b = env.signed_in("linked@example.com").await;
    ask_email_change(&b, "moved@example.com").await;
    b.text("Your address changes to moved@example.com").await;

    let first = env.latest_mail_verify_link("linked@example.com").await;
    b.goto_url(&first).await;
    b.heading("Email address").await;
    b.role_text("status", "Confirmed. Now confirm from the other address too.").await;
    assert_eq!(b.session_claims().await["email"], "linked@example.com");

    // The new address's link on a device where another account is signed in: named first,
    // with a warning, and adopted on the press only.
    env.create_user("bystander@example.com", PASSWORD, None, None).await;
    let other = env.signed_in("bystander@example.com").await;
    other.goto_url(&env.latest_mail_link("moved@example.com").await).await;
    other.heading("Email address").await;
    other.text("Press Continue to confirm the change of your email address.").await;
    other.click("Continue").await;
    other.role_text("status", "Your email address is now moved@example.com.").await;
    other.text("You are signed in here as bystander@example.com.").await;
    other.wait_address_bar_clean().await;
    let before = other.session_claims().await;
    assert_eq!(before["email"], "bystander@example.com", "nothing adopted before the press");
    other.click("Continue as moved@example.com").await;
    other.wait_path("/").await;
    assert_eq!(other.session_claims().await["email"], "moved@example.com");

    // The first device keeps its own session, which learns the new address.
    b.goto("/auth/security").await;
    b.text("Account: moved@example.com").await;
    env.stop().await;
}

/// An MFA user whose second factor is older than ten minutes confirms it before the change is
/// asked for; the typed address waits in memory and the change then goes on by itself.
#[tokio::test]
async fn an_email_change_needs_a_recent_second_factor() {
    let env = confirming().await;
    let b = env.signed_in_at_aal2("mfa-mail@example.com").await;
    env.advance_clock(11 * 60).await;
    b.receive_new_token().await;
    b.heading("Security").await;
    ask_email_change(&b, "mfa-new@example.com").await;
    b.wait_path("/auth/mfa").await;
    b.text("Confirm it's you to change your email address.").await;
    assert_eq!(env.mail_count("mfa-new@example.com").await, 0, "nothing before the factor");
    env.enter_app_code(&b).await;
    b.wait_path("/auth/security").await;
    b.text("Your address changes to mfa-new@example.com").await;
    assert_eq!(env.mail_count("mfa-new@example.com").await, 1);
    env.stop().await;
}
