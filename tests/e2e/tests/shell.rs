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

/// The app's router follows only what it should: a plain click on a link of this origin. A
/// click with a modifier, a link to another origin, a new window or a download is the
/// browser's (the app leaves the event alone).
#[tokio::test]
async fn the_router_leaves_other_links_to_the_browser() {
    let env = Env::start().await;
    let b = env.browser().await;
    b.goto("/").await;
    b.heading("Welcome").await;
    // A listener after the app's records whether the app took the click, then stops the
    // browser from following it, so that the page stays for the next case.
    let taken = |href: &str, attrs: &str, init: &str| {
        format!(
            "const a = document.createElement('a'); a.href = '{href}'; {attrs}
             a.textContent = 'x'; document.body.append(a);
             let taken = null;
             const seen = e => {{ taken = e.defaultPrevented; e.preventDefault(); }};
             window.addEventListener('click', seen);
             a.dispatchEvent(new MouseEvent('click', {{ bubbles: true, cancelable: true, {init} }}));
             window.removeEventListener('click', seen); a.remove();
             return taken;"
        )
    };
    for (href, attrs, init, what) in [
        ("https://example.com/auth/recover", "", "", "another origin"),
        ("/auth/recover", "", "ctrlKey: true", "ctrl-click"),
        ("/auth/recover", "", "metaKey: true", "cmd-click"),
        ("/auth/recover", "", "shiftKey: true", "shift-click"),
        ("/auth/recover", "", "button: 1", "middle click"),
        ("/auth/recover", "a.target = '_blank';", "", "a new window"),
        ("/auth/recover", "a.download = '';", "", "a download"),
        ("/#top", "", "", "a fragment of this page"),
    ] {
        assert_eq!(b.js(&taken(href, attrs, init)).await, false, "{what}: left to the browser");
        assert_eq!(b.path().await, "/", "{what}: the app did not move");
    }
    // The same link, plainly clicked, is the app's.
    assert_eq!(b.js(&taken("/auth/recover", "", "")).await, true);
    b.wait_path("/auth/recover").await;
    b.heading("Reset your password").await;
    b.close().await;
    env.stop().await;
}
