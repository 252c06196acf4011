//! Settings → Security: TOTP and phone enrolment, password change at aal2, and the three
//! sign-out scopes checked from a second device.

use e2e::{start_env, NEW_PASSWORD, PASSWORD, SIGN_IN_TO_SECURITY};

#[tokio::test]
async fn enrol_totp_then_sign_out_and_sign_in_again_with_it() {
    let env = start_env().await;
    env.create_user("totp@example.com", PASSWORD, None, None).await;
    let b = env.signed_in("totp@example.com").await;
    b.text("No second factor yet.").await;

    // A name is needed: spaces alone get a clear message and enrol nothing; the message goes
    // once a name is typed.
    b.click("Add an authenticator app").await;
    b.fill("Name for this device", "   ").await;
    b.click("Add").await;
    b.alert("Enter a name for this device.").await;
    assert!(!b.has_button("Back").await, "still on the name step");
    b.fill("Name for this device", "Work phone").await;
    b.click("Add").await;
    let secret = b.value("Setup key").await;
    let alerts =
        b.js("return [...document.querySelectorAll('[role=alert]')].map(e => e.textContent);");
    assert!(!alerts.await.to_string().contains("Enter a name"), "the message is gone");
    assert!(secret.contains(' '), "grouped in fours: {secret}");
    let secret: String = secret.split_whitespace().collect();
    b.find("//img[contains(@alt,'QR code')]").await;
    let csp: Vec<_> =
        b.console().await.into_iter().filter(|l| l.contains("Content Security Policy")).collect();
    assert!(csp.is_empty(), "the QR code and the page pass the strict CSP: {csp:?}");
    let link =
        b.find("//a[normalize-space(.)='Open in an authenticator app on this device']").await;
    assert!(link.attr("href").await.unwrap().unwrap().starts_with("otpauth://totp/"));
    assert!(!b.all_storage().await.contains(&secret), "the secret is never stored");

    // Back, then Add again with the same name: the same factor, no second one.
    b.click("Back").await;
    b.click("Add").await;
    let again: String = b.value("Setup key").await.split_whitespace().collect();
    assert_eq!(again, secret);

    let code = env.totp(&secret).await;
    b.fill("Code from your authenticator app", &code).await;
    b.role_text("status", "Two-step verification is on.").await;
    b.text("verified with two steps").await;
    // The form is closed, its opening button back, and focus on the section's heading.
    focus_on(&b, "lsa-add-h").await;
    b.button("Add an authenticator app").await;
    assert!(!b.has_button("Back").await, "the form is gone");
    let body = b.text("Authenticator app (Work phone)").await;
    assert_eq!(body.matches("Authenticator app (Work phone)").count(), 1, "{body}");
    assert!(body.contains("Verified"));
    assert!(!body.contains("Not verified"), "no abandoned factor left: {body}");

    b.click("Sign out of this device").await;
    b.text("Sign out of this device?").await;
    b.click("Yes").await;
    b.wait_path("/").await;
    assert!(b.local_storage("lsa.session.v1").await.is_none());

    b.sign_in_with(SIGN_IN_TO_SECURITY, "totp@example.com", PASSWORD).await;
    b.heading("Two-step verification").await;
    b.fill("Code from your authenticator app", &env.totp(&secret).await).await;
    b.wait_path("/auth/security").await;
    b.text("verified with two steps").await;
    env.stop().await;
}

#[tokio::test]
async fn enrol_a_phone_with_the_code_from_the_sms() {
    let env = start_env().await;
    env.create_user("sms@example.com", PASSWORD, None, None).await;
    let b = env.signed_in("sms@example.com").await;

    b.click("Add a phone (SMS)").await;
    b.text("Text messages are less secure than an authenticator app.").await;
    b.text("International format, e.g. +14155550100").await;
    b.fill("Phone number", "555 0001").await;
    b.click("Send code").await;
    b.text("Enter the number in international format, starting with +.").await;
    assert_eq!(b.value("Phone number").await, "555 0001", "nothing typed is lost");

    b.fill("Phone number", "+1 555 000 1111").await;
    b.click("Send code").await;
    b.role_text("status", "We sent a code by SMS to").await;
    let code = env.latest_sms_code("+15550001111").await;
    b.fill("Verification code", &code).await;
    b.role_text("status", "Your phone can now be used for two-step verification.").await;
    b.text("Text message (SMS) (•••1111)").await;
    b.text("verified with two steps").await;
    focus_on(&b, "lsa-add-h").await;

    // Cancel hands back the opening button, focused, and clears what was announced.
    b.click("Add a phone (SMS)").await;
    b.field("Phone number").await;
    b.click("Cancel").await;
    focus_on(&b, "lsa-add-phone").await;
    let labels = b.js("return [...document.querySelectorAll('label')].map(l => l.textContent);");
    assert!(!labels.await.to_string().contains("Phone number"), "the form is closed");
    let statuses =
        b.js("return [...document.querySelectorAll('[role=status]')].map(e => e.textContent);");
    let statuses = statuses.await.to_string();
    assert!(!statuses.contains("can now be used"), "{statuses}");
    env.stop().await;
}

/// Waits until the element `id` has focus.
async fn focus_on(b: &e2e::Browser, id: &str) {
    e2e::eventually(&format!("focus on #{id}"), || async {
        (b.focused_id().await == id).then_some(())
    })
    .await;
}

#[tokio::test]
async fn change_password_at_aal2_directly() {
    let env = start_env().await;
    let b = env.signed_in_at_aal2("change@example.com").await;
    b.text("verified with two steps").await;

    // The form comes when asked for, with focus on its first field.
    b.click("Change your password").await;
    e2e::eventually("focus on the current password", || async {
        (b.focused_id().await == "lsa-current-password").then_some(())
    })
    .await;

    // A wrong current password: a clear message, nothing else lost.
    b.fill("Current password", "not-it").await;
    b.fill("New password", NEW_PASSWORD).await;
    b.fill("Confirm new password", NEW_PASSWORD).await;
    b.click("Save password").await;
    b.text("Your current password is not correct.").await;
    let current = b.field("Current password").await;
    assert_eq!(current.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    assert_eq!(b.value("New password").await, NEW_PASSWORD);
    assert_eq!(b.value("Confirm new password").await, NEW_PASSWORD);
    assert_eq!(b.path().await, "/auth/security");

    b.fill("Current password", PASSWORD).await;
    b.click("Save password").await;
    b.role_text("status", "Password changed. Your other sessions were signed out.").await;
    assert_eq!(b.path().await, "/auth/security", "no step-up at a fresh aal2");
    assert_eq!(b.value("New password").await, "");

    // The new password works on another device.
    env.password_reaches_second_factor("change@example.com", NEW_PASSWORD).await;
    env.stop().await;
}

#[tokio::test]
async fn sign_out_everywhere_ends_the_other_device_too() {
    let env = start_env().await;
    let (a, b) = env.two_devices("everywhere@example.com").await;

    a.click("Sign out everywhere").await;
    a.text("Sign out everywhere, including this device?").await;
    a.click("Yes").await;
    a.wait_path("/").await;
    assert!(a.local_storage("lsa.session.v1").await.is_none());

    b.reload().await;
    b.wait_path("/auth/sign-in").await;
    b.heading("Sign in").await;
    b.wait_session_forgotten().await;
    env.stop().await;
}

#[tokio::test]
async fn sign_out_others_keeps_this_device() {
    let env = start_env().await;
    let (a, b) = env.two_devices("others@example.com").await;

    a.click("Sign out of all other devices").await;
    a.text("Sign out of every other device? This device stays signed in.").await;
    a.click("Yes").await;
    a.role_text("status", "Your other sessions were signed out.").await;
    a.reload().await;
    a.heading("Security").await;
    assert_eq!(a.path().await, "/auth/security");

    b.reload().await;
    b.wait_path("/auth/sign-in").await;
    env.stop().await;
}

#[tokio::test]
async fn sign_out_here_keeps_the_other_device() {
    let env = start_env().await;
    let (a, b) = env.two_devices("here@example.com").await;

    a.click("Sign out of this device").await;
    a.click("Cancel").await;
    assert!(a.local_storage("lsa.session.v1").await.is_some(), "cancel signs nobody out");
    a.click("Sign out of this device").await;
    a.click("Yes").await;
    a.wait_path("/").await;
    a.goto("/auth/security").await;
    a.wait_path("/auth/sign-in").await;
    assert_eq!(a.path().await, "/auth/sign-in?next=%2Fauth%2Fsecurity", "comes back via next");

    b.reload().await;
    b.heading("Security").await;
    b.text("Account: here@example.com").await;
    assert_eq!(b.path().await, "/auth/security");
    env.stop().await;
}

#[tokio::test]
async fn an_abandoned_enrolment_does_not_block_the_next_one() {
    let env = start_env().await;
    env.create_user("retry@example.com", PASSWORD, None, None).await;
    let b = env.signed_in("retry@example.com").await;

    b.add_authenticator_app("Work phone").await;
    let first = b.value("Setup key").await;
    // Abandoned: the page is reloaded before the first code.
    b.reload().await;
    b.text("Not verified").await;

    b.add_authenticator_app("Work phone").await;
    let secret: String = b.value("Setup key").await.split_whitespace().collect();
    assert_ne!(secret, first.split_whitespace().collect::<String>(), "a new factor");
    b.fill("Code from your authenticator app", &env.totp(&secret).await).await;
    b.role_text("status", "Two-step verification is on.").await;
    let body = b.text("Authenticator app (Work phone)").await;
    assert_eq!(body.matches("Authenticator app (Work phone)").count(), 1, "{body}");
    assert!(!body.contains("Not verified"), "{body}");
    env.stop().await;
}

#[tokio::test]
async fn an_unverified_factor_is_removed_without_a_step_up() {
    let env = start_env().await;
    let b = env.signed_in_at_aal2("spare@example.com").await;
    // At aal2 no step-up is needed to start another enrolment; leave it unfinished.
    b.add_authenticator_app("Spare").await;
    b.field("Setup key").await;
    b.reload().await;
    b.text("Not verified").await;

    // Eleven minutes later a verified factor would need a new second factor to go; the
    // unverified one can still go at once.
    env.age_second_factor(&b, 11 * 60).await;
    b.heading("Security").await;
    b.text("verified with two steps").await;
    b.text("Not verified").await;
    b.find("//button[@aria-label='Remove Authenticator app (Spare)']").await.click().await.unwrap();
    b.text("Remove Authenticator app (Spare)?").await;
    b.click("Yes, remove").await;
    b.role_text("status", "Authenticator app (Spare) was removed.").await;
    assert_eq!(b.path().await, "/auth/security", "no step-up for an unverified factor");
    assert!(!b.text("Authenticator app").await.contains("Not verified"));

    // The verified one, by contrast, asks for a new second factor first.
    b.find("//button[starts-with(@aria-label,'Remove ')]").await.click().await.unwrap();
    b.click("Yes, remove").await;
    b.wait_path("/auth/mfa").await;
    b.text("Confirm it's you to remove a verification method.").await;
    b.click("Cancel").await;
    b.wait_path("/auth/security").await;
    b.text("Verified").await;
    env.stop().await;
}
