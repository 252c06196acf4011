//! The app shell: deep links, navigation by clicking and Back/Forward (in the page, by the
//! app's own router), not-found, and the strict CSP.

use e2e::Env;

#[tokio::test]
async fn deep_links_navigation_and_not_found() {
    let env = Env::start().await;
    let b = env.browser().await;

    b.goto("/").await;
    b.heading("Welcome").await;
    // The app's own router follows links and Back/Forward in the page: a mark set on the
    // window survives them (a full reload, the browser following the link, would drop it).
    b.js("window.lsaMark = 1").await;
    let same_page = || async { b.js("return window.lsaMark === 1").await == true };
    b.click_link("Forgot your password?").await;
    b.wait_path("/auth/recover").await;
    b.heading("Reset your password").await;
    assert!(same_page().await, "the link was followed in the page");
    b.js("history.back()").await;
    b.wait_path("/").await;
    b.heading("Welcome").await;
    b.js("history.forward()").await;
    b.wait_path("/auth/recover").await;
    b.heading("Reset your password").await;
    assert!(same_page().await, "Back and Forward stay in the page");

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
