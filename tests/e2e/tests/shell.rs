//! The app shell: deep links, navigation by clicking, not-found, and the strict CSP.

use e2e::Env;

#[tokio::test]
async fn deep_links_navigation_and_not_found() {
    let env = Env::start().await;
    let b = env.browser().await;

    b.goto("/").await;
    b.heading("Welcome").await;
    b.click_link("Forgot your password?").await;
    b.wait_path("/auth/recover").await;
    b.heading("Reset your password").await;

    // A deep link is served index.html and routed client-side.
    b.goto("/auth/sign-in").await;
    b.heading("Sign in").await;
    assert!(b.field("Email").await.is_displayed().await.unwrap());

    b.goto("/no/such/page").await;
    b.heading("Page not found").await;

    let console = b.console().await;
    let violations: Vec<_> = console
        .iter()
        .filter(|l| l.contains("Content Security Policy") || l.contains("Refused to"))
        .collect();
    assert!(violations.is_empty(), "CSP violations: {violations:?}");
    b.close().await;
    env.stop().await;
}
