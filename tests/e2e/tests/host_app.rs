//! The host example (`examples/host-app`): a Leptos app of its own with the auth section under
//! `/account`. Its guards send users to sign in or step up and bring them back; a guarded action
//! completes by itself after the step-up; sign-out works from the host's navigation.

use e2e::host::start_host_env;
use e2e::{Browser, Env, PASSWORD, PENDING_KEY, SECRET};

/// A user with a verified TOTP factor, signed in with the password only (aal1).
async fn mfa_user_at_aal1(env: &Env, email: &str) -> Browser {
    let b = env.mfa_user_at_aal1("/account/sign-in", email).await;
    b.wait_aal("aal1").await;
    b
}

#[tokio::test]
async fn signed_out_dashboard_goes_through_sign_in_and_back() {
    let env = start_host_env().await;
    env.create_user("host@example.com", PASSWORD, None, None).await;
    let b = env.browser().await;

    b.goto("/").await;
    b.heading("Acme").await;
    b.click_link("Dashboard").await;
    b.wait_path("/account/sign-in").await;
    assert!(b.path().await.ends_with("?next=%2Fdashboard"), "{}", b.path().await);
    b.heading("Sign in").await;
    // The host's layout stays around the auth page.
    b.find("//nav[@aria-label='Main']//a[normalize-space(.)='Billing']").await;

    b.submit_sign_in("host@example.com", PASSWORD).await;
    b.wait_path("/dashboard").await;
    b.heading("Dashboard").await;
    b.text("Signed in as host@example.com.").await;
    b.find("//nav[@aria-label='Main']//*[normalize-space(.)='host@example.com']").await;

    // A reload keeps the session.
    b.reload().await;
    b.heading("Dashboard").await;
    b.close().await;
    env.stop().await;
}

#[tokio::test]
async fn delete_card_at_aal1_steps_up_and_completes_without_pressing_again() {
    let env = start_host_env().await;
    let b = mfa_user_at_aal1(&env, "billing@example.com").await;

    b.click_link("Billing").await;
    b.wait_path("/billing").await;
    b.heading("Billing").await;
    b.click("Delete card").await;
    b.wait_path("/account/mfa").await;
    assert!(b.path().await.contains("next=%2Fbilling"), "{}", b.path().await);
    b.heading("Two-step verification").await;
    assert!(b.session_storage(PENDING_KEY).await.is_some_and(|p| p.contains("host.delete-card")));

    b.fill("Code from your authenticator app", &env.totp(SECRET).await).await;
    b.wait_path("/billing").await;
    // Resumed: nobody pressed "Delete card" again.
    b.role_text("status", "Card deleted (session verified with two steps).").await;
    b.text("No card on file.").await;
    assert!(!b.has_button("Delete card").await);
    assert_eq!(b.session_claims().await["aal"], "aal2");
    assert!(b.session_storage(PENDING_KEY).await.is_none(), "the pending action is gone");

    // At aal2 the action runs at once (the demo card comes back on reload).
    b.reload().await;
    b.heading("Billing").await;
    b.click("Delete card").await;
    b.role_text("status", "Card deleted").await;
    assert_eq!(b.path().await, "/billing");
    b.close().await;
    env.stop().await;
}

#[tokio::test]
async fn sign_out_from_the_host_navigation() {
    let env = start_host_env().await;
    env.create_user("leaver@example.com", PASSWORD, None, None).await;
    let b = env.browser().await;
    b.sign_in_with("/account/sign-in?next=%2Fdashboard", "leaver@example.com", PASSWORD).await;
    b.wait_path("/dashboard").await;
    b.heading("Dashboard").await;
    let refresh = b
        .js("return JSON.parse(localStorage.getItem('lsa.session.v1')).refresh_token;")
        .await
        .as_str()
        .expect("a stored session")
        .to_owned();

    b.click("Sign out").await;
    b.wait_path("/").await;
    b.role_text("status", "You are signed out.").await;
    b.find("//nav[@aria-label='Main']//a[normalize-space(.)='Sign in']").await;
    assert!(b.local_storage("lsa.session.v1").await.is_none());
    assert!(env.api_refresh(&refresh).await.is_err(), "the session ended on the server too");

    // Guarded pages ask to sign in again.
    b.click_link("Dashboard").await;
    b.wait_path("/account/sign-in").await;
    b.close().await;
    env.stop().await;
}

#[tokio::test]
async fn payouts_page_needs_a_second_factor_and_cancel_does_not_bounce() {
    let env = start_host_env().await;
    let b = mfa_user_at_aal1(&env, "payouts@example.com").await;

    b.goto("/payouts").await;
    b.wait_path("/account/mfa").await;
    assert!(b.path().await.contains("next=%2Fpayouts"), "{}", b.path().await);
    b.heading("Two-step verification").await;

    // Cancel returns to the page, which explains instead of sending the user straight back.
    b.click("Cancel").await;
    b.wait_path("/payouts").await;
    b.text("Confirm it's you to continue.").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(b.path().await, "/payouts");
    assert!(!b.text("Confirm it's you").await.contains("Next payout"));

    b.click("Continue").await;
    b.wait_path("/account/mfa").await;
    b.fill("Code from your authenticator app", &env.totp(SECRET).await).await;
    b.wait_path("/payouts").await;
    b.heading("Payouts").await;
    b.text("Next payout").await;
    b.close().await;
    env.stop().await;
}

#[tokio::test]
async fn users_without_a_factor_meet_the_aal2_requirements() {
    let env = start_host_env().await;
    env.create_user("plain@example.com", PASSWORD, None, None).await;
    let b = env.browser().await;
    b.sign_in_with("/account/sign-in?next=%2Fbilling", "plain@example.com", PASSWORD).await;
    b.wait_path("/billing").await;
    b.click("Delete card").await;
    b.role_text("status", "Card deleted (session verified with one step).").await;
    b.goto("/payouts").await;
    b.heading("Payouts").await;
    assert_eq!(b.path().await, "/payouts");
    b.close().await;
    env.stop().await;
}
