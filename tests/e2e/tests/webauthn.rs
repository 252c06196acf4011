//! Security keys and passkeys as a user has them: chromedriver's virtual authenticators answer
//! the page's prompts. A key is enrolled and used at sign-in, a key-only MFA user resets a
//! forgotten password, a passkey is registered, renamed, used and removed; a closed prompt and
//! the wrong key show a message and lose nothing.

use e2e::webauthn::start_webauthn_env;
use e2e::{Browser, Env, NEW_PASSWORD, PASSWORD, SECRET};

const NEW: &str = "brand-new-password-2";

/// A new user (no factor), signed in on Security in a localhost browser with a key plugged in.
async fn on_security(env: &Env, email: &str) -> (Browser, String) {
    env.create_user(email, PASSWORD, None, None).await;
    let b = env.key_browser().await;
    let key = b.plug_key(true).await;
    b.sign_in_with("/auth/sign-in?next=%2Fauth%2Fsecurity", email, PASSWORD).await;
    b.wait_path("/auth/security").await;
    b.heading("Security").await;
    (b, key)
}

async fn sign_out(b: &Browser) {
    b.click("Sign out of this device").await;
    b.click("Yes").await;
    b.wait_path("/").await;
}

#[tokio::test]
async fn security_key_enrolment_survives_a_closed_prompt_then_signs_in_with_the_key() {
    let env = start_webauthn_env().await;
    let email = "key@example.com";
    env.create_user(email, PASSWORD, None, None).await;
    let b = env.key_browser().await;
    // A key nobody touches.
    let refusing = b.plug_key(false).await;
    b.sign_in_with("/auth/sign-in?next=%2Fauth%2Fsecurity", email, PASSWORD).await;
    b.wait_path("/auth/security").await;

    b.click("Add a security key").await;
    b.fill("Name of this key", "Blue key").await;
    b.click("Add security key").await;
    // The key never answers; the user gives up waiting with the panel's Cancel.
    b.role_text("status", "Follow your browser's prompt").await;
    b.click("Cancel").await;
    b.alert("prompt was closed or timed out").await;
    assert_eq!(b.value("Name of this key").await, "Blue key", "the name is kept");
    let token = b.access_token().await;
    assert!(env.api_factors(&token).await.is_empty(), "no half-made factor is left");

    // The same press with a key that answers.
    b.unplug_key(&refusing).await;
    let key = b.plug_key(true).await;
    b.click("Add security key").await;
    b.role_text("status", "can now be used for two-step verification").await;
    b.text("Security key (Blue key)").await;
    b.wait_aal("aal2").await;
    assert_eq!(b.amr_methods().await.first().map(String::as_str), Some("mfa/webauthn"));
    let factors = env.api_factors(&b.access_token().await).await;
    assert_eq!(factors.len(), 1, "{factors:?}");
    assert_eq!(
        (factors[0]["factor_type"].as_str(), factors[0]["status"].as_str()),
        (Some("webauthn"), Some("verified"))
    );
    assert_eq!(b.key_credentials(&key).await.len(), 1);

    // Password, then the key: first held by someone who does not touch it, who stops waiting.
    sign_out(&b).await;
    let held = b.unplug_key(&key).await;
    let untouched = b.plug_key(false).await;
    b.load_key(&untouched, held.clone()).await;
    b.sign_in_with("/auth/sign-in?next=%2Fauth%2Fsecurity", email, PASSWORD).await;
    b.heading("Two-step verification").await;
    b.click("Use security key").await;
    b.click("Stop waiting for the key").await;
    b.alert("prompt was closed or timed out").await;
    b.heading("Two-step verification").await;
    assert_eq!(b.session_claims().await["aal"], "aal1");
    b.unplug_key(&untouched).await;
    let key = b.plug_key(true).await;
    b.load_key(&key, held).await;
    b.click("Use security key").await;
    b.wait_path("/auth/security").await;
    b.wait_aal("aal2").await;
    assert_eq!(b.amr_methods().await.first().map(String::as_str), Some("mfa/webauthn"));
    env.stop().await;
}

#[tokio::test]
async fn key_only_user_resets_a_forgotten_password_with_the_key_after_trying_the_wrong_one() {
    let env = start_webauthn_env().await;
    let email = "keyonly@example.com";
    let (b, key) = on_security(&env, email).await;
    b.add_security_key("Laptop key").await;
    sign_out(&b).await;

    b.request_recovery_code(email).await;
    b.fill("Verification code", &env.latest_mail_code(email).await).await;
    b.heading("Step 3 of 4").await;

    // Another key, that does not hold this account's credential.
    let held = b.unplug_key(&key).await;
    let other = b.plug_key(true).await;
    b.click("Use security key").await;
    b.alert("has no matching key").await;
    b.heading("Step 3 of 4").await;
    assert_eq!(b.held_claims().await["aal"], "aal1", "nothing changed");

    // The right key: the same recovery session steps up, then the new password.
    b.load_key(&other, held).await;
    b.click("Use security key").await;
    b.heading("Step 4 of 4").await;
    b.wait_held_aal("aal2").await;
    b.fill("New password", NEW).await;
    b.fill("Confirm new password", NEW).await;
    b.click("Save password").await;
    b.heading("Your password was changed").await;
    assert!(env.api_sign_in(email, NEW).await.is_ok(), "the new password works");
    assert!(env.api_sign_in(email, PASSWORD).await.is_err(), "the old one no longer does");
    env.stop().await;
}

#[tokio::test]
async fn passkey_is_registered_named_used_renamed_and_removed() {
    let env = start_webauthn_env().await;
    let email = "passkey@example.com";
    let (b, key) = on_security(&env, email).await;
    b.heading("Security").await;
    // The card's list is fetched when opened, with focus on its heading.
    b.click("Manage passkeys").await;
    b.text("No passkeys yet.").await;
    e2e::eventually("focus on the passkeys heading", || async {
        (b.focused_id().await == "lsa-passkeys-h").then_some(())
    })
    .await;
    // The section's modules come as one file (its later pack), not one by one.
    let fetched = b.fetched().await;
    assert!(fetched.iter().any(|p| p == "/pack_passkeys.wasm"), "{fetched:?}");
    assert!(!fetched.iter().any(|p| p == "/split_passkeys.wasm"), "{fetched:?}");
    // The list comes without what its buttons open; the first press fetches it, with focus on
    // the name.
    let panel_fetched =
        || async { b.fetched().await.iter().any(|p| p == "/split_passkey_panel.wasm") };
    assert!(!panel_fetched().await, "only the list on first show");
    b.click("Add a passkey").await;
    e2e::eventually("focus on the passkey's name", || async {
        (b.focused_id().await == "lsa-passkey-name").then_some(())
    })
    .await;
    assert!(panel_fetched().await);
    b.click("Cancel").await;
    b.add_passkey("Laptop").await;
    b.text("Added ").await;

    // Signed out, the passkey alone signs in (aal1, amr passkey: this user has no factor).
    sign_out(&b).await;
    b.goto("/auth/sign-in?next=%2Fauth%2Fsecurity").await;
    b.click("Sign in with a passkey").await;
    b.wait_path("/auth/security").await;
    assert_eq!(b.amr_methods().await, ["passkey"]);
    assert_eq!(b.session_claims().await["aal"], "aal1");

    b.open_passkeys().await;
    b.find("//button[@aria-label='Rename Laptop']").await.click().await.unwrap();
    b.fill("Passkey name", "Work laptop").await;
    b.click("Save").await;
    b.role_text("status", "Renamed to “Work laptop”").await;
    b.text("Last used ").await;

    b.find("//button[@aria-label='Remove Work laptop']").await.click().await.unwrap();
    b.text("Remove the passkey “Work laptop”?").await;
    b.click("Yes, remove").await;
    b.role_text("status", "Passkey “Work laptop” was removed").await;
    b.text("No passkeys yet.").await;

    // The authenticator still holds it, the server no longer knows it.
    assert_eq!(b.key_credentials(&key).await.len(), 1);
    sign_out(&b).await;
    b.goto("/auth/sign-in").await;
    b.click("Sign in with a passkey").await;
    b.alert("was not accepted").await;
    assert!(b.local_storage("lsa.session.v1").await.is_none(), "still signed out");
    b.field("Email").await;
    env.stop().await;
}

#[tokio::test]
async fn mfa_users_passkey_sign_in_steps_up_and_removing_it_needs_a_fresh_second_factor() {
    let env = start_webauthn_env().await;
    let email = "mfa-passkey@example.com";
    env.create_user(email, PASSWORD, Some(SECRET), None).await;
    let b = env.key_browser().await;
    b.plug_key(true).await;
    b.sign_in_with("/auth/sign-in?next=%2Fauth%2Fsecurity", email, PASSWORD).await;
    b.fill("Code from your authenticator app", &env.totp(SECRET).await).await;
    b.wait_path("/auth/security").await;
    b.add_passkey("Phone").await;

    // A passkey is one factor: the sign-in is aal1 and asks for the second one.
    sign_out(&b).await;
    b.goto("/auth/sign-in?next=%2Fauth%2Fsecurity").await;
    b.click("Sign in with a passkey").await;
    b.heading("Two-step verification").await;
    assert_eq!(b.session_claims().await["aal"], "aal1");
    assert_eq!(b.amr_methods().await, ["passkey"]);
    b.fill("Code from your authenticator app", &env.totp(SECRET).await).await;
    b.wait_path("/auth/security").await;
    b.wait_aal("aal2").await;

    // Eleven minutes later, removing it asks for the second factor again, then goes on.
    env.age_second_factor(&b, 11 * 60).await;
    b.open_passkeys().await;
    b.find("//button[@aria-label='Remove Phone']").await.click().await.unwrap();
    b.click("Yes, remove").await;
    b.wait_path("/auth/mfa").await;
    b.text("Confirm it's you to remove a verification method.").await;
    b.fill("Code from your authenticator app", &env.totp(SECRET).await).await;
    b.wait_path("/auth/security").await;
    b.role_text("status", "Passkey “Phone” was removed").await;
    b.text("No passkeys yet.").await;
    env.stop().await;
}

#[tokio::test]
async fn with_passkeys_off_on_the_server_there_is_no_passkey_button() {
    let env = e2e::start_env().await;
    env.create_user("plain@example.com", PASSWORD, None, None).await;
    let b = env.key_browser().await;
    b.goto("/auth/sign-in").await;
    b.field("Email").await;
    // The settings answer has arrived once a sign-in request could have been made: wait for the
    // same round trip the button would need, then look.
    b.js("return fetch('/auth/v1/settings').then(r => r.json()).then(j => j.passkeys_enabled);")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!b.has_button("Sign in with a passkey").await);
    b.sign_in_with("/auth/sign-in?next=%2Fauth%2Fsecurity", "plain@example.com", PASSWORD).await;
    b.heading("Security").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!b.has_button("Manage passkeys").await, "no passkeys section");
    env.stop().await;
}

#[tokio::test]
async fn the_step_up_page_takes_the_key_for_a_password_change() {
    let env = start_webauthn_env().await;
    let email = "key-step-up@example.com";
    let (b, _key) = on_security(&env, email).await;
    b.add_security_key("Desk key").await;
    env.age_second_factor(&b, 11 * 60).await;

    b.click("Change your password").await;
    b.fill("Current password", PASSWORD).await;
    b.fill("New password", NEW_PASSWORD).await;
    b.fill("Confirm new password", NEW_PASSWORD).await;
    b.click("Save password").await;
    b.wait_path("/auth/mfa").await;
    b.text("Confirm it's you to change your password.").await;
    b.click("Use security key").await;
    b.wait_path("/auth/security").await;
    b.role_text("status", "Password changed.").await;
    assert!(env.api_sign_in(email, NEW_PASSWORD).await.is_ok());
    env.stop().await;
}

#[tokio::test]
async fn a_browser_without_webauthn_shows_no_key_or_passkey_controls() {
    let env = start_webauthn_env().await;
    let email = "old-browser@example.com";
    env.create_user(email, PASSWORD, None, None).await;
    let b = env.key_browser().await;
    b.without_webauthn().await;
    b.goto("/auth/sign-in?next=%2Fauth%2Fsecurity").await;
    b.field("Email").await;
    assert_eq!(b.js("return typeof PublicKeyCredential;").await, "undefined");
    // The server has passkeys on: only the browser decides here.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!b.has_button("Sign in with a passkey").await);
    b.submit_sign_in(email, PASSWORD).await;
    b.wait_path("/auth/security").await;
    b.text("Add an authenticator app").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!b.has_button("Add a security key").await);
    assert!(!b.has_button("Manage passkeys").await, "no passkeys section");
    env.stop().await;
}
