//! Two tabs of one browser: sign-in shows up in the other tab, both refresh at the same moment
//! without either being signed out (the rotated refresh token is never used twice), short-lived
//! tokens make no refresh storm, and a sign-out in one tab signs the other out. A link opened in
//! a second tab is that tab's: the recovery session it brings is held there (issue 30), not
//! shared with the first tab's wizard.

use e2e::{eventually, Browser, Env, PASSWORD};
use fantoccini::wd::WindowHandle;
use std::time::{Duration, Instant};

/// How a refresh request's URL looks.
const REFRESH: &str = "grant_type=refresh_token";

async fn signed_in_as(b: &Browser, email: &str) {
    b.heading("Welcome").await;
    b.text(&format!("Signed in as {email}")).await;
}

/// A new environment whose tokens live `jwt_exp` seconds, with a user (no second factor), and
/// a browser on the sign-in page.
async fn tab_user(jwt_exp: i64, email: &str) -> (Env, Browser) {
    let env = Env::start_with(|c| c.jwt_exp = jwt_exp).await;
    let b = env.user_and_browser(email, None).await;
    b.goto("/auth/sign-in").await;
    (env, b)
}

/// Opens a second tab on the home page: (first tab, second tab).
async fn second_tab_home(b: &Browser) -> (WindowHandle, WindowHandle) {
    let tabs = b.open_second_tab().await;
    b.goto("/").await;
    tabs
}

/// Sign-out in the first tab signs the second one out.
async fn sign_out_reaches_the_other_tab(b: &Browser, first: &WindowHandle, second: &WindowHandle) {
    b.switch_to(first).await;
    b.goto("/").await;
    b.click("Sign out").await;
    b.text("Forgot your password?").await;
    b.switch_to(second).await;
    eventually("tab B to show signed out", || async {
        let body = b.text("Welcome").await;
        (!body.contains("Signed in as")).then_some(())
    })
    .await;
}

#[tokio::test]
async fn refresh_race_and_sign_out_across_tabs() {
    // Tokens live 20 s and are refreshed half their lifetime before expiry: every ~10 s, in
    // both tabs at once.
    let email = "tabs@example.com";
    let (env, b) = tab_user(20, email).await;
    b.submit_sign_in(email, PASSWORD).await;
    b.wait_path("/").await;
    signed_in_as(&b, email).await;

    let (first, second) = second_tab_home(&b).await;
    signed_in_as(&b, email).await;

    // Let several refresh rounds happen with both tabs alive.
    let start = b.local_storage("lsa.session.v1").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(16)).await;
    let later = b.local_storage("lsa.session.v1").await.expect("still signed in after refreshes");
    assert_ne!(start, later, "the tokens were refreshed");
    for tab in [&first, &second] {
        b.switch_to(tab).await;
        signed_in_as(&b, email).await;
    }
    let token: serde_json::Value = serde_json::from_str(&later).unwrap();
    assert!(
        env.api_refresh(token["refresh_token"].as_str().unwrap()).await.is_ok(),
        "the stored refresh token is the live one"
    );

    sign_out_reaches_the_other_tab(&b, &first, &second).await;
    env.stop().await;
}

#[tokio::test]
async fn thirty_second_tokens_in_two_tabs_refresh_a_few_times_per_lifetime() {
    // GOTRUE_JWT_EXP=30, the setting that once made 1,281 refresh requests in 10 s.
    let email = "storm@example.com";
    let (env, b) = tab_user(30, email).await;
    b.keep_resource_timings().await;
    b.submit_sign_in(email, PASSWORD).await;
    b.wait_path("/").await;
    signed_in_as(&b, email).await;
    let since = Instant::now();

    let (first, second) = second_tab_home(&b).await;
    b.keep_resource_timings().await;
    signed_in_as(&b, email).await;

    // Six token lifetimes (a little less, to keep the test under about three minutes).
    tokio::time::sleep(Duration::from_secs(172).saturating_sub(since.elapsed())).await;
    let mut total = 0;
    let mut counts = Vec::new();
    for tab in [&first, &second] {
        b.switch_to(tab).await;
        let n = b.requests_to(REFRESH).await;
        counts.push(n);
        total += n;
        signed_in_as(&b, email).await;
    }
    let lifetimes = since.elapsed().as_secs().div_ceil(30);
    eprintln!("refresh requests per tab {counts:?} in {:?}", since.elapsed());
    assert!(total >= 1, "the tokens were refreshed: {counts:?}");
    assert!(
        total <= 3 * lifetimes,
        "at most 3 refreshes per 30 s lifetime over {lifetimes} lifetimes, got {counts:?}"
    );
    let stored = b.stored_session().await;
    let access = stored["access_token"].as_str().expect("still signed in");
    assert!(env.token_accepted(access).await, "the stored access token is a live one");

    sign_out_reaches_the_other_tab(&b, &first, &second).await;
    assert!(b.local_storage("lsa.session.v1").await.is_none());
    env.stop().await;
}

#[tokio::test]
async fn a_link_opened_in_another_tab_is_held_in_that_tab_only() {
    let env = Env::start().await;
    let email = "twotabs@example.com";
    let b = env.user_and_browser(email, None).await;
    b.request_recovery_code(email).await;
    let (first, second) = b.open_second_tab().await;
    // The mail's link lands on the app's page, which verifies only on a press.
    b.open_link_and_continue(&env.latest_mail_link(email).await).await;
    b.heading("Step 4 of 4").await;
    assert_eq!(b.held_claims().await["email"], email);
    b.switch_to(&first).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    b.heading("Step 2 of 4").await;
    assert_eq!(b.held_claims().await, serde_json::Value::Null, "not this tab's");
    assert!(b.local_storage("lsa.session.v1").await.is_none(), "nor the app's");
    // The reset goes on in the tab that holds it.
    b.switch_to(&second).await;
    b.fill("New password", "brand-new-password-2").await;
    b.fill("Confirm new password", "brand-new-password-2").await;
    b.click("Save password").await;
    b.heading("Your password was changed").await;
    env.stop().await;
}
