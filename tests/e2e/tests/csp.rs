//! Strict Content-Security-Policy: every page of the standalone app and of the host example works
//! under the emulator's policy (`default-src 'self'; script-src 'self' 'wasm-unsafe-eval';
//! style-src 'self'; img-src 'self' data:; connect-src 'self'; ...`) with no violation. Each
//! browser records `securitypolicyviolation` events from a script injected before the page's own
//! (CDP), and the console is searched for policy messages too.

use e2e::host::start_host_env;
use e2e::{start_env, Browser, Env, NEW_PASSWORD, PASSWORD, SECRET, SIGN_IN_TO_SECURITY};

/// Whether the section's stylesheet applies (a card has its border): the section adopts it at
/// run time, so a page with no violation must also be a styled one.
async fn assert_styled(b: &Browser) {
    let border = b
        .js(r#"return getComputedStyle(document.querySelector(".lsa-card")).borderTopStyle"#)
        .await;
    assert_eq!(border, "solid", "the section's stylesheet applies");
}

async fn watched(env: &Env) -> Browser {
    let b = env.browser().await;
    b.watch_csp().await;
    b
}

/// The served pages really carry the policy (otherwise the test proves nothing).
async fn assert_policy_sent(env: &Env) {
    let resp = reqwest::get(format!("{}/", env.origin)).await.expect("index answers");
    let csp = resp
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    for directive in
        ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'"]
    {
        assert!(csp.contains(directive), "policy has {directive}: {csp:?}");
    }
}

#[tokio::test]
async fn standalone_app_pages_have_no_csp_violations() {
    let env = start_env().await;
    assert_policy_sent(&env).await;
    env.create_user("csp-totp@example.com", PASSWORD, Some(SECRET), None).await;
    env.create_user("csp-plain@example.com", PASSWORD, None, None).await;
    let b = watched(&env).await;

    b.goto("/").await;
    b.heading("Welcome").await;
    b.assert_no_csp_violations("home").await;
    b.assert_target_sizes("home").await;
    b.goto("/no/such/page").await;
    b.heading("Page not found").await;
    b.assert_no_csp_violations("not found").await;
    b.assert_target_sizes("not found").await;
    b.goto("/auth/sign-in").await;
    b.heading("Sign in").await;
    b.assert_no_csp_violations("sign-in").await;
    b.assert_target_sizes("sign-in").await;
    assert_styled(&b).await;

    // The link landing page.
    b.goto("/auth/confirm?token_hash=0123456789abcdef&type=recovery").await;
    b.heading("Reset your password").await;
    b.button("Continue").await;
    b.assert_no_csp_violations("confirm").await;
    b.assert_target_sizes("confirm").await;

    // The recovery wizard, every step, for a user with a TOTP factor.
    b.goto("/auth/recover").await;
    b.heading("Step 1 of 4").await;
    b.assert_no_csp_violations("recover: email").await;
    b.assert_target_sizes("recover: email").await;
    b.fill("Email", "csp-totp@example.com").await;
    b.click("Send code").await;
    b.heading("Step 2 of 4").await;
    b.assert_no_csp_violations("recover: code").await;
    b.assert_target_sizes("recover: code").await;
    b.fill("Verification code", &env.latest_mail_code("csp-totp@example.com").await).await;
    b.heading("Step 3 of 4").await;
    b.assert_no_csp_violations("recover: second factor").await;
    b.assert_target_sizes("recover: second factor").await;
    env.enter_app_code(&b).await;
    b.heading("Step 4 of 4").await;
    b.assert_no_csp_violations("recover: new password").await;
    b.assert_target_sizes("recover: new password").await;
    b.fill("New password", NEW_PASSWORD).await;
    b.fill("Confirm new password", NEW_PASSWORD).await;
    b.click("Save password").await;
    b.heading("Your password was changed").await;
    b.assert_no_csp_violations("recover: done").await;
    b.assert_target_sizes("recover: done").await;

    // Step-up page at aal1 (a fresh browser: signed out).
    b.close().await;
    let b = watched(&env).await;
    b.sign_in_with("/auth/sign-in", "csp-totp@example.com", NEW_PASSWORD).await;
    b.heading("Two-step verification").await;
    b.assert_no_csp_violations("sign-in: second factor").await;
    b.assert_target_sizes("sign-in: second factor").await;
    b.goto("/auth/mfa?next=%2F").await;
    b.heading("Two-step verification").await;
    b.field("Code from your authenticator app").await;
    b.assert_no_csp_violations("mfa").await;
    b.assert_target_sizes("mfa").await;
    b.close().await;

    // Security, with a TOTP enrolment showing its QR code.
    let b = watched(&env).await;
    b.sign_in_with(SIGN_IN_TO_SECURITY, "csp-plain@example.com", PASSWORD).await;
    b.wait_path("/auth/security").await;
    b.heading("Security").await;
    b.assert_no_csp_violations("security").await;
    b.assert_target_sizes("security").await;
    b.click("Add an authenticator app").await;
    b.fill("Name for this device", "Phone").await;
    b.click("Add").await;
    let qr = b.find("//img[contains(@alt,'QR code')]").await;
    let loaded = b
        .js("const i = document.querySelector('img.lsa-qr'); return !!i && i.complete && i.naturalWidth > 0;")
        .await;
    assert_eq!(loaded, true, "the QR image (a data: SVG) is allowed by img-src and loads");
    assert!(qr.attr("src").await.unwrap().unwrap().starts_with("data:image/svg+xml"));
    b.assert_no_csp_violations("security: TOTP enrolment with QR code").await;
    b.assert_target_sizes("security: TOTP enrolment with QR code").await;
    env.stop().await;
}

#[tokio::test]
async fn host_example_pages_have_no_csp_violations() {
    let env = start_host_env().await;
    assert_policy_sent(&env).await;
    env.create_user("csp-host@example.com", PASSWORD, Some(SECRET), None).await;
    let b = watched(&env).await;

    b.goto("/").await;
    b.heading("Acme").await;
    b.assert_no_csp_violations("host home").await;
    b.assert_target_sizes("host home").await;
    b.goto("/dashboard").await;
    b.wait_path("/account/sign-in").await;
    b.heading("Sign in").await;
    b.assert_no_csp_violations("host sign-in").await;
    b.assert_target_sizes("host sign-in").await;
    assert_styled(&b).await;
    b.goto("/account/recover").await;
    b.heading("Step 1 of 4").await;
    b.assert_no_csp_violations("host recover").await;
    b.assert_target_sizes("host recover").await;

    b.sign_in_with("/account/sign-in?next=%2Fbilling", "csp-host@example.com", PASSWORD).await;
    b.heading("Two-step verification").await;
    b.assert_no_csp_violations("host sign-in: second factor").await;
    b.assert_target_sizes("host sign-in: second factor").await;
    env.enter_app_code(&b).await;
    b.wait_path("/billing").await;
    b.heading("Billing").await;
    b.assert_no_csp_violations("host billing").await;
    b.assert_target_sizes("host billing").await;
    // Verified 6 minutes ago: Delete card asks for a new second factor.
    env.age_second_factor(&b, 360).await;
    b.heading("Billing").await;
    b.click("Delete card").await;
    b.wait_path("/account/mfa").await;
    b.assert_no_csp_violations("host step-up").await;
    b.assert_target_sizes("host step-up").await;
    env.enter_app_code(&b).await;
    b.role_text("status", "Card deleted").await;
    b.goto("/dashboard").await;
    b.heading("Dashboard").await;
    b.goto("/payouts").await;
    b.heading("Payouts").await;
    b.goto("/account/security").await;
    b.heading("Security").await;
    b.text("Authenticator app").await;
    b.assert_no_csp_violations("host dashboard, payouts, security").await;
    b.assert_target_sizes("host dashboard, payouts, security").await;
    b.click("Sign out").await;
    b.wait_path("/").await;
    b.assert_no_csp_violations("host sign-out").await;
    b.assert_target_sizes("host sign-out").await;
    env.stop().await;
}

#[tokio::test]
async fn the_detector_sees_a_violation() {
    let env = start_env().await;
    let b = watched(&env).await;
    b.goto("/").await;
    b.heading("Welcome").await;
    assert!(b.csp_violations().await.is_empty());
    // An inline style attribute is refused by `style-src 'self'`.
    b.js("document.body.setAttribute('style', 'color: red'); return null;").await;
    // Both sources see it: the injected listener (lines start with the page path) and the console.
    let listener = |v: &[String]| v.iter().any(|l| l.starts_with("/ style-src"));
    let console = |v: &[String]| {
        v.iter()
            .any(|l| l.contains("inline style violates") && l.contains("Content Security Policy"))
    };
    let mut seen = Vec::new();
    for _ in 0..100 {
        seen.extend(b.csp_violations().await);
        if listener(&seen) && console(&seen) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(listener(&seen), "the injected listener recorded it: {seen:?}");
    assert!(console(&seen), "the console reported it: {seen:?}");
    env.stop().await;
}

/// WCAG 2.2 `target-size` on a phone's width too (issue 30: the recovery email step's "Back"
/// link was smaller than 24 x 24 px with neighbours closer than 24 px).
#[tokio::test]
async fn auth_screens_meet_the_target_size_on_a_phone() {
    let env = start_env().await;
    let b = env.browser().await;
    b.client.set_window_size(390, 844).await.expect("phone size");
    b.goto("/auth/recover").await;
    b.heading("Step 1 of 4").await;
    b.assert_target_sizes("recover: email, phone").await;
    b.goto("/auth/sign-in").await;
    b.heading("Sign in").await;
    b.assert_target_sizes("sign-in, phone").await;
    b.goto("/").await;
    b.heading("Welcome").await;
    b.assert_target_sizes("home, phone").await;
    env.stop().await;
}
