//! The standalone build's split points: a first load fetches neither the security
//! screen's code nor the recovery pages'; each comes when its screen is first shown, and each of
//! the security screen's forms when it is opened. A page opened on split code fetches it as one
//! pack; a part that cannot be fetched is an alert with a retry, and the retry loads it.

use e2e::webauthn::start_webauthn_env;
use e2e::{start_env, Browser, PASSWORD, SECRET, SIGN_IN_TO_SECURITY};
use serde_json::json;

/// The split modules (`split_<name>.wasm`) and packs (`pack <name>`, for `pack_<name>.wasm`)
/// this page has fetched, by name.
async fn parts(b: &Browser) -> Vec<String> {
    let fetched = b.fetched().await;
    assert!(fetched.iter().any(|p| p.ends_with("_bg.wasm")), "the app loaded: {fetched:?}");
    let name = |p: &String| {
        let name = |prefix| p.strip_prefix(prefix)?.strip_suffix(".wasm");
        name("/split_").map(str::to_owned).or_else(|| Some(format!("pack {}", name("/pack_")?)))
    };
    fetched.iter().filter_map(name).collect()
}

/// Whether this page fetched any shared chunk (`chunk_<n>.wasm`) on its own.
async fn fetched_a_chunk(b: &Browser) -> bool {
    b.fetched().await.iter().any(|p| p.starts_with("/chunk_"))
}

#[tokio::test]
async fn each_screen_fetches_its_code_when_first_shown() {
    let env = start_env().await;
    env.create_user("split@example.com", PASSWORD, None, None).await;
    let b = env.browser().await;

    // Signed out, Security sends to sign-in without fetching the screen.
    b.goto("/auth/security").await;
    b.wait_path("/auth/sign-in").await;
    b.heading("Sign in").await;
    assert_eq!(parts(&b).await, Vec::<String>::new(), "a first load carries no split part");

    b.submit_sign_in("split@example.com", PASSWORD).await;
    b.wait_path("/auth/security").await;
    b.heading("Security").await;
    b.text("No second factor yet.").await;
    assert_eq!(parts(&b).await, ["security"], "the screen comes without its forms");

    // Each form comes when it is opened, and only that one.
    b.click("Change your password").await;
    b.field("Current password").await;
    assert_eq!(parts(&b).await, ["security", "change_password"]);
    b.click("Add an authenticator app").await;
    b.field("Name for this device").await;
    assert_eq!(parts(&b).await, ["security", "change_password", "add_totp"]);
    assert!(!b.has_button("Add an authenticator app").await, "the form is open");
    b.click("Cancel").await;
    b.button("Add an authenticator app").await;
    b.click("Add an authenticator app").await;
    b.field("Name for this device").await;
    assert_eq!(parts(&b).await.len(), 3, "an opened form is not fetched again");

    // A fresh load of the recovery page fetches its own part (the email step), not the security
    // screen's; the later steps come once the code is sent.
    let b2 = env.browser().await;
    b2.goto("/auth/recover").await;
    b2.heading("Reset your password").await;
    assert!(b2.field("Email").await.is_enabled().await.unwrap());
    assert_eq!(parts(&b2).await, ["pack recovery"], "the page's modules come as one file");
    assert!(!fetched_a_chunk(&b2).await);
    b2.fill("Email", "split@example.com").await;
    b2.click("Send code").await;
    b2.heading("Step 2 of 4").await;
    assert!(b2.field("Verification code").await.is_enabled().await.unwrap());
    assert_eq!(parts(&b2).await, ["pack recovery", "recovery_step"]);
    b2.close().await;

    // An emailed link's landing page fetches its own, smaller part, not the wizard's.
    let b3 = env.browser().await;
    b3.goto("/auth/confirm?token_hash=0123456789abcdef&type=recovery").await;
    b3.heading("Reset your password").await;
    b3.button("Continue").await;
    assert_eq!(parts(&b3).await, ["pack confirm"]);
    b3.close().await;

    // Reloaded signed in, the screen comes as one pack, and a form then comes on its own.
    b.goto("/auth/security").await;
    b.heading("Security").await;
    b.text("No second factor yet.").await;
    assert_eq!(parts(&b).await, ["pack security"]);
    assert!(!fetched_a_chunk(&b).await);
    b.click("Add a phone (SMS)").await;
    b.field("Phone number").await;
    assert_eq!(parts(&b).await, ["pack security", "add_phone"]);
    b.close().await;
    env.stop().await;
}

#[tokio::test]
async fn a_part_that_cannot_be_fetched_is_an_alert_with_a_retry() {
    let env = start_env().await;
    let b = env.browser().await;
    b.cdp("Network.enable", json!({})).await;
    let blocked = ["*/pack_recovery.wasm", "*/split_recovery.wasm"];
    b.cdp("Network.setBlockedURLs", json!({ "urls": blocked })).await;

    b.goto("/auth/recover").await;
    b.alert("This page could not be loaded. Check your connection and try again.").await;
    // Still blocked: the retry fails the same way, and the page stays usable.
    b.click("Try again").await;
    b.alert("This page could not be loaded.").await;

    b.cdp("Network.setBlockedURLs", json!({ "urls": [] })).await;
    b.click("Try again").await;
    b.heading("Reset your password").await;
    b.fill("Email", "someone@example.com").await;
    assert!(!b.has_button("Try again").await, "the alert is gone once the part is loaded");
    b.close().await;
    env.stop().await;
}

#[tokio::test]
async fn a_page_whose_pack_cannot_be_fetched_loads_its_modules_one_by_one() {
    let env = start_env().await;
    let b = env.browser().await;
    b.cdp("Network.enable", json!({})).await;
    b.cdp("Network.setBlockedURLs", json!({ "urls": ["*/pack_recovery.wasm"] })).await;

    b.goto("/auth/recover").await;
    b.heading("Reset your password").await;
    assert!(b.field("Email").await.is_enabled().await.unwrap());
    assert!(!b.has_button("Try again").await, "no alert: the files came one by one");
    assert!(parts(&b).await.contains(&"recovery".to_owned()), "the part came alone");
    assert!(fetched_a_chunk(&b).await, "and so did its chunks");
    b.close().await;
    env.stop().await;
}

#[tokio::test]
async fn a_form_that_cannot_be_fetched_is_an_alert_with_a_retry() {
    let env = start_env().await;
    env.create_user("form-split@example.com", PASSWORD, None, None).await;
    let b = env.browser().await;
    b.goto(SIGN_IN_TO_SECURITY).await;
    b.submit_sign_in("form-split@example.com", PASSWORD).await;
    b.heading("Security").await;
    b.cdp("Network.enable", json!({})).await;
    b.cdp("Network.setBlockedURLs", json!({ "urls": ["*/split_add_phone.wasm"] })).await;

    b.click("Add a phone (SMS)").await;
    b.alert("This page could not be loaded. Check your connection and try again.").await;
    b.heading("Security").await;
    b.button("Change your password").await;

    b.cdp("Network.setBlockedURLs", json!({ "urls": [] })).await;
    b.click("Try again").await;
    b.field("Phone number").await;
    assert!(!b.has_button("Try again").await, "the alert is gone once the form is loaded");
    b.close().await;
    env.stop().await;
}

#[tokio::test]
async fn the_second_factor_part_comes_only_after_the_password() {
    let env = start_env().await;
    env.create_user("mfa-split@example.com", PASSWORD, Some(SECRET), None).await;
    let b = env.browser().await;
    b.goto(SIGN_IN_TO_SECURITY).await;
    b.heading("Sign in").await;
    assert_eq!(parts(&b).await, Vec::<String>::new());

    b.submit_sign_in("mfa-split@example.com", PASSWORD).await;
    env.enter_app_code(&b).await;
    b.wait_path("/auth/security").await;
    b.heading("Security").await;
    assert_eq!(parts(&b).await, ["second_factor", "security"]);
    b.close().await;
    env.stop().await;
}

#[tokio::test]
async fn the_passkey_part_comes_only_when_the_server_has_passkeys_on() {
    // Off (the default server): the sign-in page fetches no part, and offers no passkey.
    let env = start_env().await;
    let b = env.browser().await;
    b.goto("/auth/sign-in").await;
    b.heading("Sign in").await;
    assert!(!b.has_button("Sign in with a passkey").await);
    assert_eq!(parts(&b).await, Vec::<String>::new());
    b.close().await;
    env.stop().await;

    // On: the button comes with its part.
    let env = start_webauthn_env().await;
    let b = env.key_browser().await;
    b.goto("/auth/sign-in").await;
    b.heading("Sign in").await;
    b.button("Sign in with a passkey").await;
    assert_eq!(parts(&b).await, ["passkey"]);
    b.close().await;
    env.stop().await;
}
