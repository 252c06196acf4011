//! Step-up with resume: sensitive actions of a signed-in user whose second factor is not fresh
//! (more than 10 minutes old on the server's clock) go through `{base}/mfa` and then run by
//! themselves (after a reload on the step-up page they ask again), cancel forgets them, and
//! signed-out users sign in first.

use e2e::{start_env, Browser, Env, NEW_PASSWORD, PASSWORD, PENDING_KEY, SECRET};

/// A user with a verified TOTP factor, signed in with both steps (aal2) 11 minutes ago on the
/// server's clock, on Security.
async fn stale_aal2(env: &Env, email: &str) -> Browser {
    let b = env.signed_in_at_aal2(email).await;
    env.age_second_factor(&b, 11 * 60).await;
    b.heading("Security").await;
    b.text("verified with two steps").await;
    b
}

/// Opens the change-password form and fills it in.
async fn fill_passwords(b: &Browser) {
    b.click("Change your password").await;
    type_passwords(b).await;
}

/// Fills in the open change-password form and saves.
async fn type_passwords(b: &Browser) {
    b.fill("Current password", PASSWORD).await;
    b.fill("New password", NEW_PASSWORD).await;
    b.fill("Confirm new password", NEW_PASSWORD).await;
    b.click("Save password").await;
}

#[tokio::test]
async fn change_password_with_an_old_second_factor_resumes_after_the_step_up() {
    let env = start_env().await;
    let b = stale_aal2(&env, "resume@example.com").await;

    fill_passwords(&b).await;
    b.wait_path("/auth/mfa").await;
    b.heading("Two-step verification").await;
    b.text("Confirm it's you to change your password.").await;
    assert!(b.session_storage(PENDING_KEY).await.is_some());
    assert!(!b.all_storage().await.contains(NEW_PASSWORD), "the new password stays in memory only");

    env.enter_app_code(&b).await;
    b.wait_path("/auth/security").await;
    // Resumed without pressing anything.
    b.role_text("status", "Password changed. Your other sessions were signed out.").await;
    b.text("verified with two steps").await;
    assert!(b.session_storage(PENDING_KEY).await.is_none());
    env.password_reaches_second_factor("resume@example.com", NEW_PASSWORD).await;
    env.stop().await;
}

#[tokio::test]
async fn change_password_step_up_survives_a_reload() {
    let env = start_env().await;
    let b = stale_aal2(&env, "reload@example.com").await;

    fill_passwords(&b).await;
    b.wait_path("/auth/mfa").await;
    b.reload().await;
    b.heading("Two-step verification").await;
    b.text("Confirm it's you to change your password.").await;
    env.enter_app_code(&b).await;
    b.wait_path("/auth/security").await;
    // The typed passwords were in memory only: asked again, and no second step-up.
    b.role_text("status", "enter your passwords again").await;
    assert!(!b.has_button("Change your password").await, "the form came back open");
    type_passwords(&b).await;
    b.role_text("status", "Password changed.").await;
    assert_eq!(b.path().await, "/auth/security");
    env.password_reaches_second_factor("reload@example.com", NEW_PASSWORD).await;
    env.stop().await;
}

#[tokio::test]
async fn remove_a_factor_via_step_up() {
    let env = start_env().await;
    let b = stale_aal2(&env, "remove@example.com").await;

    b.click("Remove").await;
    b.text("You will no longer be able to use it to sign in.").await;
    b.text("This is your last second factor").await;
    b.click("Yes, remove").await;
    b.wait_path("/auth/mfa").await;
    b.text("Confirm it's you to remove a verification method.").await;
    env.enter_app_code(&b).await;
    b.wait_path("/auth/security").await;
    b.role_text("status", "was removed.").await;
    b.text("No second factor yet.").await;
    // The session was refreshed: the factor is gone from the level too.
    b.text("verified with one step").await;

    // Without a factor, sign-in is one step again.
    env.password_reaches_security("remove@example.com", PASSWORD).await;
    env.stop().await;
}

#[tokio::test]
async fn adding_a_second_factor_the_server_refuses_steps_up_and_resumes() {
    let env = start_env().await;
    let b = stale_aal2(&env, "second@example.com").await;

    // Adding a factor needs aal2 (however old): the client lets it through, the server wants a
    // new verification once.
    env.fault(serde_json::json!({
        "path": "/auth/v1/factors", "method": "POST", "status": 403, "code": "insufficient_aal"
    }))
    .await;
    b.add_authenticator_app("Tablet").await;
    b.wait_path("/auth/mfa").await;
    b.text("Confirm it's you to add a new verification method.").await;
    env.enter_app_code(&b).await;
    b.wait_path("/auth/security").await;
    // The enrolment resumed: the new secret is on screen.
    let secret: String = b.value("Setup key").await.split_whitespace().collect();
    assert_ne!(secret, SECRET);
    let code = env.totp(&secret).await;
    b.fill("Code from your authenticator app", &code).await;
    b.role_text("status", "Two-step verification is on.").await;
    b.text("Authenticator app (Tablet)").await;
    env.stop().await;
}

#[tokio::test]
async fn cancel_returns_and_forgets_the_pending_action() {
    let env = start_env().await;
    let b = stale_aal2(&env, "cancel@example.com").await;

    fill_passwords(&b).await;
    b.wait_path("/auth/mfa").await;
    b.click("Cancel").await;
    b.wait_path("/auth/security").await;
    b.heading("Security").await;
    assert!(b.session_storage(PENDING_KEY).await.is_none());
    b.text("verified with two steps").await;
    assert!(!b.text("Security").await.contains("Password changed"));
    // Nothing changed on the server either: the old password still signs in.
    env.password_reaches_second_factor("cancel@example.com", PASSWORD).await;
    env.stop().await;
}

#[tokio::test]
async fn signed_out_users_sign_in_first_and_keep_next() {
    let env = start_env().await;
    let b = env.user_and_browser("later@example.com", Some(SECRET)).await;

    b.goto("/auth/mfa?next=%2Fauth%2Fsecurity").await;
    b.wait_path("/auth/sign-in").await;
    assert_eq!(b.path().await, "/auth/sign-in?next=%2Fauth%2Fsecurity");
    b.submit_sign_in("later@example.com", PASSWORD).await;
    env.enter_app_code(&b).await;
    b.wait_path("/auth/security").await;

    // A hostile next on the step-up page: cancel ends on a safe page.
    b.goto("/auth/mfa?next=%2F%2Fevil.example").await;
    b.heading("Two-step verification").await;
    b.click("Cancel").await;
    b.wait_path("/").await;
    b.heading("Welcome").await;
    env.stop().await;
}

#[tokio::test]
async fn a_late_insufficient_aal_steps_up_and_resumes() {
    let env = start_env().await;
    let b = env.signed_in_at_aal2("late@example.com").await;
    b.text("verified with two steps").await;

    // The client thinks the session is enough; the server disagrees once.
    env.fault(serde_json::json!({
        "path": "/auth/v1/user", "method": "PUT", "status": 401, "code": "insufficient_aal"
    }))
    .await;
    fill_passwords(&b).await;
    env.step_up_with_app(&b).await;
    b.role_text("status", "Password changed.").await;
    env.password_reaches_second_factor("late@example.com", NEW_PASSWORD).await;
    env.stop().await;
}

/// A project that requires reauthentication (`GOTRUE_SECURITY_UPDATE_PASSWORD_REQUIRE_REAUTHENTICATION`)
/// refuses a password change from a session older than a day without the emailed nonce: the
/// form sends it, asks for it in place, says so when it is wrong, and keeps what was typed.
#[tokio::test]
async fn a_reauthentication_nonce_is_emailed_and_asked_for() {
    let env = Env::start_with(|c| c.update_password_require_reauthentication = true).await;
    env.create_user("nonce@example.com", PASSWORD, None, None).await;
    let b = env.signed_in("nonce@example.com").await;
    // A day later, the same session (a new token carries the server's time).
    env.advance_clock(25 * 3600).await;
    b.receive_new_token().await;
    b.heading("Security").await;

    fill_passwords(&b).await;
    b.role_text("status", "We emailed you a code to confirm this change.").await;
    let nonce = env.latest_mail_code("nonce@example.com").await;

    // A wrong code is explained; the typed passwords are kept for the retry.
    b.fill("Code from the confirmation email", "000000").await;
    b.click("Save password").await;
    b.alert("That confirmation code is wrong or expired.").await;

    b.fill("Code from the confirmation email", &nonce).await;
    b.click("Save password").await;
    b.role_text("status", "Password changed.").await;

    env.password_reaches_security("nonce@example.com", NEW_PASSWORD).await;
    env.stop().await;
}
