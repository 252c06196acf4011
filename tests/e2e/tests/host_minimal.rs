//! The host example built with the section's fewest parts (`LSA_CARGO_ARGS=--no-default-features
//! trunk build --release --dist dist-minimal` in `examples/host-app`: password sign-in, recovery
//! and authenticator apps, without the `webauthn`, `phone`, `qr`, `social` and `sign-up`
//! features), split like the full one by the section's script: the sign-in page fetches no
//! split part, the recovery page fetches its own. What is compiled out is never offered, even
//! where the server, the browser and the user would have
//! it: the server has security keys, passkeys and a social provider on, the page asks for
//! security keys (`supabase-mfa-webauthn`), the browser is on `localhost` (WebAuthn works
//! there) and the user has a phone factor next to the authenticator app. Recovery with the
//! app's code works.
//!
//! `LSA_E2E_HOST_MINIMAL_DIST` points it at another build (the full one makes it fail).

use e2e::host::host_app_dir;
use e2e::{Browser, Env, SECRET};
use std::path::{Path, PathBuf};

const OLD: &str = "old-password-1";
const NEW: &str = "brand-new-password-2";

/// Copies the build `from` into `to`, with the page asking for security keys.
fn copy_build(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_build(&entry.path(), &target);
        } else if entry.file_name() == "index.html" {
            let page = std::fs::read_to_string(entry.path()).unwrap();
            let meta = r#"<meta name="supabase-mfa-webauthn" content="on"><title>"#;
            assert!(page.contains("<title>"), "index.html has a title");
            std::fs::write(target, page.replacen("<title>", meta, 1)).unwrap();
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The controls of what the minimal build leaves out.
const LEFT_OUT: [&str; 11] = [
    "Sign in with a passkey",
    "Use security key",
    "Add a security key",
    "Passkeys",
    "Add a passkey",
    "Manage passkeys",
    "Text me a code",
    "Add a phone (SMS)",
    "Continue with Keycloak",
    "Sign-in methods",
    "Create an account",
];

/// None of `texts` is on the page, for two seconds.
async fn none_shown(b: &Browser, page: &str, texts: &[&str]) {
    let shown = || async {
        let body = b.body_text().await;
        texts.iter().filter(|t| body.contains(**t)).map(|t| t.to_string()).collect::<Vec<_>>()
    };
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(2) {
        let found = shown().await;
        assert!(found.is_empty(), "{page} shows {found:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_minimal_host_recovers_with_an_authenticator_app_and_offers_no_key_passkey_phone_or_provider(
) {
    let built = std::env::var_os("LSA_E2E_HOST_MINIMAL_DIST")
        .map_or_else(|| host_app_dir().join("dist-minimal"), PathBuf::from);
    assert!(
        built.join("index.html").exists(),
        "build it first: (cd examples/host-app && LSA_CARGO_ARGS=--no-default-features trunk build --release --dist dist-minimal)"
    );
    let served = std::env::temp_dir().join(format!("lsa-host-minimal-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&served);
    copy_build(&built, &served);
    // Security keys, passkeys (relying party `localhost`) and Keycloak on at the server.
    let dir = served.clone();
    let (env, _provider) = Env::start_with_provider(move |c| {
        c.mfa_webauthn_enroll_enabled = true;
        c.mfa_webauthn_verify_enabled = true;
        c.passkey_enabled = true;
        c.serve_dir = Some(dir);
    })
    .await;
    let email = "minimal@example.com";
    env.create_user(email, OLD, Some(SECRET), Some("+15550001111")).await;
    let b = env.key_browser().await;

    // Sign-in: the password form, no passkey (the server has passkeys on).
    b.goto("/account/sign-in").await;
    b.heading("Sign in").await;
    none_shown(&b, "sign-in", &LEFT_OUT).await;
    let split = |fetched: Vec<String>| -> Vec<String> {
        fetched.into_iter().filter(|p| p.starts_with("/split_")).collect()
    };
    assert_eq!(split(b.fetched().await), Vec::<String>::new(), "sign-in: no split part");
    // No sign-up (the server takes new accounts): its address shows the sign-in page.
    b.goto("/account/sign-up").await;
    b.heading("Sign in").await;
    none_shown(&b, "sign-up", &LEFT_OUT).await;

    // Recovery: the code, then the authenticator app's code straight away (the phone factor is
    // not offered, so there is nothing to choose), then the new password.
    b.goto("/account/recover").await;
    b.heading("Step 1 of 4").await;
    assert!(
        split(b.fetched().await).contains(&"/split_recovery.wasm".to_owned()),
        "the recovery page fetched its part"
    );
    b.fill("Email", email).await;
    b.click("Send code").await;
    b.heading("Step 2 of 4").await;
    b.fill("Verification code", &env.latest_mail_code(email).await).await;
    b.heading("Step 3 of 4").await;
    b.field("Code from your authenticator app").await;
    // Nothing to choose: the phone factor is not offered.
    none_shown(&b, "recovery step 3", &LEFT_OUT).await;
    none_shown(&b, "recovery step 3", &["Text message (SMS)", "Choose a verification method"])
        .await;
    env.enter_app_code(&b).await;
    b.heading("Step 4 of 4").await;
    b.fill("New password", NEW).await;
    b.fill("Confirm new password", NEW).await;
    b.click("Save password").await;
    b.heading("Your password was changed").await;
    assert!(env.api_sign_in(email, NEW).await.is_ok(), "the new password works");
    assert_eq!(b.session_claims().await["aal"], "aal2");

    // Security: an authenticator app can be added, with its setup key and link but no QR code;
    // no security key, passkey or phone.
    b.goto("/account/security").await;
    b.heading("Security").await;
    b.button("Add an authenticator app").await;
    // The phone factor is listed (it can be removed), but none can be added.
    none_shown(&b, "security", &LEFT_OUT).await;
    b.add_authenticator_app("Second phone").await;
    b.text("Setup key").await;
    b.text("Open in an authenticator app on this device").await;
    let images = b.js("return document.querySelectorAll('.lsa-card img').length;").await;
    assert_eq!(images, 0, "no QR code without the qr feature");

    env.stop().await;
    let _ = std::fs::remove_dir_all(&served);
}
