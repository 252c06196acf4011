//! Sign-in: without and with a second factor, the neutral wrong-password message, the way on to
//! `next`, and hostile `next` values that must end on a safe page.

use e2e::{eventually, start_env, PASSWORD, SECRET, SIGN_IN_TO_SECURITY};

#[tokio::test]
async fn sign_in_without_mfa_goes_to_next() {
    let env = start_env().await;
    let b = env.user_and_browser("plain@example.com", None).await;

    b.goto("/auth/sign-in?next=%2Fauth%2Fsecurity").await;
    b.heading("Sign in").await;
    let email = b.field("Email").await;
    // `webauthn`: the browser may offer passkeys in this field's autofill.
    assert_eq!(email.attr("autocomplete").await.unwrap().as_deref(), Some("email webauthn"));
    let password = b.field("Password").await;
    assert_eq!(password.attr("autocomplete").await.unwrap().as_deref(), Some("current-password"));
    b.find("//a[normalize-space(.)='Forgot your password?' and @href='/auth/recover']").await;

    b.submit_sign_in("plain@example.com", PASSWORD).await;
    b.wait_path("/auth/security").await;
    b.heading("Security").await;
    b.text("Account: plain@example.com").await;
    b.text("verified with one step").await;
    b.text("Signed in with: password").await;
    assert!(b.local_storage("lsa.session.v1").await.is_some());

    // Already signed in at the needed level: the sign-in page goes straight on.
    b.goto("/auth/sign-in?next=%2Fauth%2Fsecurity").await;
    b.wait_path("/auth/security").await;
    env.stop().await;
}

#[tokio::test]
async fn sign_in_with_totp_verifies_the_second_factor_first() {
    let env = start_env().await;
    let b = env.user_and_browser("mfa@example.com", Some(SECRET)).await;

    b.sign_in_with(SIGN_IN_TO_SECURITY, "mfa@example.com", PASSWORD).await;
    b.heading("Two-step verification").await;
    b.text("Enter a code to finish signing in").await;
    eventually("focus on the step heading", || async {
        (b.focused_id().await == "lsa-heading").then_some(())
    })
    .await;
    assert_eq!(
        b.path().await,
        "/auth/sign-in?next=%2Fauth%2Fsecurity",
        "not on to next before the second factor"
    );

    // A wrong code is explained and nothing moves.
    b.fill("Code from your authenticator app", "000000").await;
    b.text("That code is not right").await;
    assert!(b.path().await.starts_with("/auth/sign-in"));

    env.enter_app_code(&b).await;
    b.wait_path("/auth/security").await;
    b.text("verified with two steps").await;
    b.text("Signed in with: authenticator app, password").await;
    env.stop().await;
}

#[tokio::test]
async fn a_wrong_password_or_unknown_email_gets_one_neutral_message() {
    let env = start_env().await;
    let b = env.user_and_browser("known@example.com", None).await;

    b.sign_in_with("/auth/sign-in", "known@example.com", "wrong-password").await;
    b.alert("Wrong email or password.").await;
    // Nothing typed is lost.
    assert_eq!(b.value("Email").await, "known@example.com");
    assert_eq!(b.value("Password").await, "wrong-password");

    b.submit_sign_in("nobody@example.com", PASSWORD).await;
    b.alert("Wrong email or password.").await;
    assert!(b.path().await.starts_with("/auth/sign-in"));
    assert!(b.local_storage("lsa.session.v1").await.is_none());
    env.stop().await;
}

#[tokio::test]
async fn a_hostile_next_ends_on_a_safe_page() {
    let env = start_env().await;
    let b = env.user_and_browser("next@example.com", None).await;
    let hostile = [
        "%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example",
        "javascript%3Aalert(1)",
        "//evil.example",
    ];

    b.sign_in_with(&format!("/auth/sign-in?next={}", hostile[0]), "next@example.com", PASSWORD)
        .await;
    b.wait_path("/").await;
    b.heading("Welcome").await;
    for next in hostile {
        // Signed in now: the page goes on to `next` at once, which must be safe.
        b.goto(&format!("/auth/sign-in?next={next}")).await;
        b.wait_path("/").await;
        b.heading("Welcome").await;
        let url = b.client.current_url().await.unwrap();
        assert_eq!(url.host_str(), Some("127.0.0.1"), "{next} left the origin");
    }
    env.stop().await;
}

#[tokio::test]
async fn the_second_factor_step_can_switch_account() {
    let env = start_env().await;
    let b = env.user_and_browser("switch@example.com", Some(SECRET)).await;
    b.sign_in_with("/auth/sign-in", "switch@example.com", PASSWORD).await;
    b.heading("Two-step verification").await;
    b.click("Sign in with another account").await;
    b.heading("Sign in").await;
    b.wait_session_forgotten().await;
    env.stop().await;
}

#[tokio::test]
async fn an_mfa_user_who_skips_the_code_cannot_open_security() {
    let env = start_env().await;
    let b = env.user_and_browser("skip@example.com", Some(SECRET)).await;
    // The overview's first line, recorded the moment it is put into any page.
    b.watch_for(&["Account: skip@example.com"]).await;
    b.sign_in_with("/auth/sign-in", "skip@example.com", PASSWORD).await;
    b.heading("Two-step verification").await;
    b.wait_aal("aal1").await;

    // The code prompt skipped: Security sends the user back to it, also after a reload.
    b.goto("/auth/security").await;
    b.wait_full_path("/auth/sign-in?next=%2Fauth%2Fsecurity").await;
    b.heading("Two-step verification").await;
    b.reload().await;
    b.heading("Two-step verification").await;
    assert_eq!(b.path().await, "/auth/sign-in?next=%2Fauth%2Fsecurity");
    let seen = b.seen().await;
    assert!(seen.is_empty(), "the Security screen reached the page: {seen:?}");

    // The code finishes signing in and goes on to Security.
    env.enter_app_code(&b).await;
    b.wait_path("/auth/security").await;
    b.heading("Security").await;
    b.text("Account: skip@example.com").await;
    b.text("verified with two steps").await;
    // The record works: now it has seen the screen.
    let seen = b.seen().await;
    assert!(seen.iter().any(|l| l.starts_with("/auth/security")), "{seen:?}");
    env.stop().await;
}
