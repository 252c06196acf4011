//! Two tabs of one browser: sign-in shows up in the other tab, both refresh at the same moment
//! without either being signed out (the rotated refresh token is never used twice), short-lived
//! tokens make no refresh storm, and a sign-out in one tab signs the other out. A link opened in
//! a second tab moves the first tab's recovery wizard on.

use e2e::{eventually, Browser, Env};
use std::time::{Duration, Instant};

/// How a refresh request's URL looks.
const REFRESH: &str = "grant_type=refresh_token";

async fn signed_in_as(b: &Browser, email: &str) {
    b.heading("Welcome").await;
    b.text(&format!("Signed in as {email}")).await;
}

async fn switch(b: &Browser, handle: &fantoccini::wd::WindowHandle) {
    b.client.switch_to_window(handle.clone()).await.expect("switch tab");
}

#[tokio::test]
async fn refresh_race_and_sign_out_across_tabs() {
    // Tokens live 20 s and are refreshed half their lifetime before expiry: every ~10 s, in
    // both tabs at once.
    let env = Env::start_with(|c| c.jwt_exp = 20).await;
    let email = "tabs@example.com";
    env.create_user(email, "tab-password-1", None, None).await;
    let b = env.browser().await;
    b.sign_in_with("/auth/sign-in", email, "tab-password-1").await;
    b.wait_path("/").await;
    signed_in_as(&b, email).await;

    let first = b.client.window().await.expect("tab A");
    let second = b.client.new_window(true).await.expect("tab B").handle;
    switch(&b, &second).await;
    b.goto("/").await;
    signed_in_as(&b, email).await;

    // Let several refresh rounds happen with both tabs alive.
    let start = b.local_storage("lsa.session.v1").await.unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(16)).await;
    let later = b.local_storage("lsa.session.v1").await.expect("still signed in after refreshes");
    assert_ne!(start, later, "the tokens were refreshed");
    for tab in [&first, &second] {
        switch(&b, tab).await;
        signed_in_as(&b, email).await;
    }
    let token: serde_json::Value = serde_json::from_str(&later).unwrap();
    assert!(
        env.api_refresh(token["refresh_token"].as_str().unwrap()).await.is_ok(),
        "the stored refresh token is the live one"
    );

    // Sign-out in tab A signs tab B out.
    switch(&b, &first).await;
    b.goto("/").await;
    b.click("Sign out").await;
    b.text("Forgot your password?").await;
    switch(&b, &second).await;
    eventually("tab B to show signed out", || async {
        let body = b.text("Welcome").await;
        (!body.contains("Signed in as")).then_some(())
    })
    .await;
    env.stop().await;
}

#[tokio::test]
async fn thirty_second_tokens_in_two_tabs_refresh_a_few_times_per_lifetime() {
    // GOTRUE_JWT_EXP=30, the setting that once made 1,281 refresh requests in 10 s.
    let env = Env::start_with(|c| c.jwt_exp = 30).await;
    let email = "storm@example.com";
    env.create_user(email, "tab-password-1", None, None).await;
    let b = env.browser().await;
    b.goto("/auth/sign-in").await;
    b.keep_resource_timings().await;
    b.submit_sign_in(email, "tab-password-1").await;
    b.wait_path("/").await;
    signed_in_as(&b, email).await;
    let since = Instant::now();

    let first = b.client.window().await.expect("tab A");
    let second = b.client.new_window(true).await.expect("tab B").handle;
    switch(&b, &second).await;
    b.goto("/").await;
    b.keep_resource_timings().await;
    signed_in_as(&b, email).await;

    // Six token lifetimes (a little less, to keep the test under about three minutes).
    tokio::time::sleep(Duration::from_secs(172).saturating_sub(since.elapsed())).await;
    let mut total = 0;
    let mut counts = Vec::new();
    for tab in [&first, &second] {
        switch(&b, tab).await;
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

    // Sign-out in tab A signs tab B out.
    switch(&b, &first).await;
    b.click("Sign out").await;
    b.text("Forgot your password?").await;
    switch(&b, &second).await;
    eventually("tab B to show signed out", || async {
        let body = b.text("Welcome").await;
        (!body.contains("Signed in as")).then_some(())
    })
    .await;
    assert!(b.local_storage("lsa.session.v1").await.is_none());
    env.stop().await;
}

#[tokio::test]
async fn a_link_opened_in_another_tab_moves_the_wizard_on() {
    let env = Env::start().await;
    let email = "twotabs@example.com";
    env.create_user(email, "tab-password-1", None, None).await;
    let b = env.browser().await;
    b.goto("/auth/recover").await;
    b.fill("Email", email).await;
    b.click("Send code").await;
    b.heading("Step 2 of 4").await;
    let first = b.client.window().await.expect("tab A");
    let second = b.client.new_window(true).await.expect("tab B").handle;
    switch(&b, &second).await;
    b.goto_url(&env.latest_mail_link(email).await).await;
    // The mail's link lands on the app's page, which verifies only on a press.
    b.heading("Reset your password").await;
    b.click("Continue").await;
    b.heading("Step 4 of 4").await;
    switch(&b, &first).await;
    b.heading("Step 4 of 4").await;
    env.stop().await;
}
