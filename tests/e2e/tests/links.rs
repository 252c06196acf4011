//! Emailed links, end to end: whose link it is (a link of another account never signs anyone
//! in without a press naming that account), links that are not password resets, mail scanners,
//! the address bar, and the PKCE `?code=` landing (second tab, a failed exchange retried).

use e2e::links::{LinkTokens, VERIFIER_KEY};
use e2e::{Browser, Env, PASSWORD};
use serde_json::json;

const VICTIM: &str = "victim@example.com";
const ATTACKER: &str = "attacker@example.com";
const NOT_A_RESET: &str = "This link is not a password-reset link, so it was not used.";

fn link_for(email: &str) -> String {
    format!("This link resets the password of {email}.")
}

fn signed_in_here_as(email: &str) -> String {
    format!(
        "You are signed in here as {email}. Continuing signs you out of that account on this device."
    )
}

/// An environment with the two accounts of the tests below.
async fn attacker_and_victim() -> Env {
    let env = Env::start().await;
    env.create_user(ATTACKER, PASSWORD, None, None).await;
    env.create_user(VICTIM, PASSWORD, None, None).await;
    env
}

/// The home page says who is signed in.
async fn home_says_signed_in_as(b: &Browser, email: &str) {
    b.goto("/").await;
    b.heading("Welcome").await;
    b.text(&format!("Signed in as {email}")).await;
}

/// Login CSRF with GoTrue's implicit redirect: the victim opens a URL carrying the attacker's
/// recovery session in the fragment. Nothing changes until "Continue as <attacker>" is pressed.
#[tokio::test]
async fn fragment_tokens_of_another_account_are_not_adopted_without_a_press() {
    let env = attacker_and_victim().await;
    // The attacker follows their own mail's GoTrue link with a plain HTTP client.
    let tokens = env.recovery_tokens(ATTACKER).await;

    let b = env.signed_in(VICTIM).await;
    let before = b.stored_session_text().await.expect("victim signed in");
    b.goto(&tokens.landing_path(Some("recovery"))).await;
    b.role_text("status", &link_for(ATTACKER)).await;
    b.text(&signed_in_here_as(VICTIM)).await;
    b.button(&format!("Continue as {ATTACKER}")).await;
    b.wait_address_bar_clean().await;
    assert_eq!(
        b.stored_session_text().await.as_deref(),
        Some(before.as_str()),
        "storage unchanged"
    );
    assert_eq!(b.session_claims().await["email"], VICTIM);
    let storage = b.all_storage().await;
    assert!(
        !storage.contains(&tokens.access_token) && !storage.contains(&tokens.refresh_token),
        "the link's tokens are kept nowhere: {storage}"
    );

    // The victim leaves: still themselves.
    home_says_signed_in_as(&b, VICTIM).await;
    assert_eq!(b.stored_session_text().await.as_deref(), Some(before.as_str()));

    // Only the press naming the other account switches.
    b.goto(&tokens.landing_path(Some("recovery"))).await;
    b.click(&format!("Continue as {ATTACKER}")).await;
    b.wait_path("/auth/recover").await;
    b.heading("Step 4 of 4").await;
    b.text(&format!("For the account {ATTACKER}.")).await;
    assert_eq!(b.held_claims().await["email"], ATTACKER);
    // Held for the wizard only: the app is still the victim's until a password is chosen.
    assert_eq!(b.session_claims().await["email"], VICTIM);
    env.stop().await;
}

/// The same with the mail's own link (`?token_hash=`): pressing Continue verifies it, and the
/// page still asks before replacing the account signed in here.
#[tokio::test]
async fn token_hash_link_of_another_account_asks_before_switching() {
    let env = attacker_and_victim().await;
    env.api_recover(ATTACKER, None).await;
    let link = env.latest_mail_link(ATTACKER).await;

    let b = env.signed_in(VICTIM).await;
    let before = b.stored_session_text().await.expect("victim signed in");
    b.open_link_and_continue(&link).await;
    b.role_text("status", &link_for(ATTACKER)).await;
    b.text(&signed_in_here_as(VICTIM)).await;
    b.button(&format!("Continue as {ATTACKER}")).await;
    assert_eq!(
        b.stored_session_text().await.as_deref(),
        Some(before.as_str()),
        "storage unchanged"
    );
    home_says_signed_in_as(&b, VICTIM).await;
    assert_eq!(b.stored_session_text().await.as_deref(), Some(before.as_str()));

    // A new link (the press above spent that hash; mails to one user are 60 s apart): this
    // time the victim continues as the other account.
    env.advance_clock(61).await;
    env.api_recover(ATTACKER, None).await;
    let second = env.latest_mail_link(ATTACKER).await;
    assert_ne!(second, link);
    b.open_link_and_continue(&second).await;
    b.click(&format!("Continue as {ATTACKER}")).await;
    b.heading("Step 4 of 4").await;
    assert_eq!(b.held_claims().await["email"], ATTACKER);
    assert_eq!(b.session_claims().await["email"], VICTIM, "not adopted before the password");
    env.stop().await;
}

/// Fragment tokens without a type are no link of the section's: refused with an alert.
/// Those of a sign-up or magic link (login CSRF: the attacker's own session) sign in only on a
/// press that names the account: until then signed out stays signed out, signed in unchanged.
#[tokio::test]
async fn fragment_tokens_of_other_types_are_refused_or_named_first() {
    let env = attacker_and_victim().await;
    let tokens = LinkTokens::from_sign_in(&env.api_sign_in(ATTACKER, PASSWORD).await.unwrap());

    let signed_out = env.browser().await;
    let signed_in = env.signed_in(VICTIM).await;
    let before = signed_in.stored_session_text().await.expect("victim signed in");
    for kind in [Some("signup"), Some("magiclink"), None] {
        for b in [&signed_out, &signed_in] {
            // From another page: a new document (a fragment-only change is no page load).
            b.goto("/").await;
            b.goto(&tokens.landing_path(kind)).await;
            if kind.is_some() {
                b.role_text("status", &format!("This link signs you in as {ATTACKER}.")).await;
                b.button(&format!("Continue as {ATTACKER}")).await;
            } else {
                b.alert(NOT_A_RESET).await;
                b.find("//a[normalize-space(.)='Request a code instead']").await;
                assert!(!b.has_button(&format!("Continue as {ATTACKER}")).await);
            }
            b.wait_address_bar_clean().await;
        }
        if kind.is_some() {
            signed_in.text(&signed_in_here_as(VICTIM)).await;
        }
        assert_eq!(signed_out.stored_session_text().await, None, "{kind:?}: nothing adopted");
        assert_eq!(
            signed_in.stored_session_text().await.as_deref(),
            Some(before.as_str()),
            "{kind:?}: storage unchanged"
        );
    }
    home_says_signed_in_as(&signed_in, VICTIM).await;
    env.stop().await;
}

/// A mail scanner fetches the emailed link, or opens it in a browser that runs the page, and
/// never presses Continue: nothing is spent, and the person's press afterwards works.
#[tokio::test]
async fn a_scanner_opening_the_mail_link_spends_nothing() {
    let env = Env::start().await;
    let email = "scanned@example.com";
    let b = env.user_and_browser(email, None).await;
    b.request_recovery_code(email).await;
    let link = env.latest_mail_link(email).await;
    assert!(link.contains("/auth/confirm?token_hash="), "the app's own link: {link}");

    // A plain GET: the SPA's page, no redirect, nothing verified.
    let (status, location, body) = env.scan(&link).await;
    assert_eq!((status, location.as_str()), (200, ""), "{body}");
    // A scanner with a browser: the page loads and waits for the press.
    let scanner = env.browser().await;
    scanner.goto_url(&link).await;
    scanner.text("Press Continue to verify your reset link.").await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(scanner.stored_session_text().await, None);
    scanner.close().await;

    b.open_link_and_continue(&link).await;
    b.heading("Step 4 of 4").await;
    assert_eq!(b.held_claims().await["email"], email);
    env.stop().await;
}

/// The page takes the link's secrets out of the address bar (and the history entry) as soon
/// as it has read them: `?token_hash=`, `?code=` and the fragment's tokens.
#[tokio::test]
async fn the_link_tokens_leave_the_address_bar() {
    let env = Env::start().await;
    let (hashed, fragment) = ("bar-hash@example.com", "bar-fragment@example.com");
    env.create_user(hashed, PASSWORD, None, None).await;
    env.create_user(fragment, PASSWORD, None, None).await;

    let b = env.browser().await;
    b.request_recovery_code(hashed).await;
    b.goto_url(&env.latest_mail_link(hashed).await).await;
    b.text("Press Continue to verify your reset link.").await;
    let href = b.wait_address_bar_clean().await;
    assert_eq!(href, format!("{}/auth/confirm", env.origin));
    // What the page read is kept: the press still verifies the link.
    b.click("Continue").await;
    b.heading("Step 4 of 4").await;
    b.wait_address_bar_clean().await;
    b.close().await;

    let b = env.browser().await;
    b.goto("/auth/confirm?code=0b0e6c1c-3e8e-4a53-9a7e-1f3c0e8f5d21").await;
    b.text("Press Continue to verify your reset link.").await;
    b.wait_address_bar_clean().await;
    b.close().await;

    let tokens = env.recovery_tokens(fragment).await;
    let b = env.browser().await;
    b.goto(&tokens.landing_path(Some("recovery"))).await;
    b.role_text("status", &link_for(fragment)).await;
    let href = b.wait_address_bar_clean().await;
    assert_eq!(href, format!("{}/auth/confirm", env.origin));
    b.click(&format!("Continue as {fragment}")).await;
    b.heading("Step 4 of 4").await;
    assert_eq!(b.held_claims().await["email"], fragment);
    env.stop().await;
}

/// A PKCE recovery as the app starts it with `AuthConfig::pkce`: a verifier in this origin's
/// `localStorage`, its S256 challenge sent with the request; GoTrue's link redirects with
/// `?code=`. The standalone app has no switch for `pkce`, so the test plays the app's part of
/// the request (verifier stored under the app's key, challenge sent over the API); the landing
/// page, the exchange and the wizard are the app's.
async fn pkce_recovery(env: &Env, b: &Browser, email: &str) -> (String, String) {
    env.create_user(email, PASSWORD, None, None).await;
    let verifier = format!(
        "{}{}",
        gotrue_emulator::util::uuid_v4().replace('-', ""),
        gotrue_emulator::util::uuid_v4().replace('-', "")
    );
    b.goto("/auth/recover").await;
    b.heading("Step 1 of 4").await;
    b.js(&format!("localStorage.setItem({VERIFIER_KEY:?}, {verifier:?}); return null;")).await;
    env.api_recover(email, Some(&gotrue_emulator::util::pkce_s256(&verifier))).await;
    let location = env.follow_verify_link(email).await;
    assert!(location.starts_with(&format!("{}/auth/confirm?code=", env.origin)), "{location}");
    (verifier, location)
}

#[tokio::test]
async fn pkce_link_opened_in_a_second_tab_of_the_same_browser() {
    let env = Env::start().await;
    let email = "pkce-tabs@example.com";
    let b = env.browser().await;
    let (verifier, landing) = pkce_recovery(&env, &b, email).await;

    let second = b.client.new_window(true).await.expect("second tab").handle;
    b.client.switch_to_window(second).await.expect("switch tab");
    b.goto_url(&landing).await;
    b.text("Press Continue to verify your reset link.").await;
    assert_eq!(b.local_storage(VERIFIER_KEY).await, Some(verifier), "shared with the tab");
    b.click("Continue").await;
    b.wait_path("/auth/recover").await;
    b.heading("Step 4 of 4").await;
    assert_eq!(b.held_claims().await["email"], email);
    assert_eq!(b.local_storage(VERIFIER_KEY).await, None, "spent by the exchange");
    env.stop().await;
}

#[tokio::test]
async fn pkce_exchange_that_fails_on_the_network_can_be_retried() {
    let env = Env::start().await;
    let email = "pkce-retry@example.com";
    let b = env.browser().await;
    let (verifier, landing) = pkce_recovery(&env, &b, email).await;
    b.goto_url(&landing).await;
    env.fault(json!({"path": "/auth/v1/token", "method": "POST", "status": 503, "count": 1})).await;
    b.click("Continue").await;
    b.alert("could not reach the server").await;
    assert_eq!(b.local_storage(VERIFIER_KEY).await, Some(verifier), "kept for the retry");
    assert_eq!(b.stored_session_text().await, None);
    b.click("Continue").await;
    b.heading("Step 4 of 4").await;
    assert_eq!(b.held_claims().await["email"], email);
    assert_eq!(b.local_storage(VERIFIER_KEY).await, None);
    env.stop().await;
}

/// Issue 30, login CSRF against a signed-out browser: the attacker mails their own reset link
/// to the victim, who opens it and presses the generic Continue. The link's session is the
/// wizard's only: no page, no other tab and no reload of the app sees anyone signed in, until a
/// new password for the named account is chosen. Leaving half way adopts nothing.
#[tokio::test]
async fn a_signed_out_victim_pressing_continue_on_an_attackers_link_is_not_signed_in() {
    let env = attacker_and_victim().await;
    env.api_recover(ATTACKER, None).await;
    let link = env.latest_mail_link(ATTACKER).await;

    let b = env.browser().await;
    b.open_link_and_continue(&link).await;
    b.wait_path("/auth/recover").await;
    b.heading("Step 4 of 4").await;
    b.text(&format!("For the account {ATTACKER}.")).await;
    assert_eq!(b.stored_session_text().await, None, "not the app's session");
    assert_eq!(b.held_claims().await["email"], ATTACKER, "the wizard's own");

    // Every other page runs signed out.
    b.goto("/").await;
    b.heading("Welcome").await;
    b.find("//a[normalize-space(.)='Sign in']").await;
    b.goto("/auth/security").await;
    b.wait_path("/auth/sign-in").await;
    // So does another tab of the same browser.
    let second = b.client.new_window(true).await.expect("second tab").handle;
    let first = b.client.window().await.expect("this tab");
    b.client.switch_to_window(second).await.expect("switch tab");
    b.goto("/").await;
    b.heading("Welcome").await;
    b.find("//a[normalize-space(.)='Sign in']").await;
    assert_eq!(b.held_claims().await, serde_json::Value::Null, "another tab holds nothing");
    b.client.switch_to_window(first).await.expect("switch back");

    // Back in the wizard (a reload keeps the held session), then abandoned: nothing adopted.
    b.goto("/auth/recover").await;
    b.heading("Step 4 of 4").await;
    b.reload().await;
    b.heading("Step 4 of 4").await;
    assert_eq!(b.stored_session_text().await, None);
    b.goto("/").await;
    b.find("//a[normalize-space(.)='Sign in']").await;
    assert_eq!(b.stored_session_text().await, None, "abandoned: still nobody signed in");
    env.stop().await;
}

/// Issue 30: a link pasted into the code field is held to the rule of an opened one. The
/// victim, signed in, resets their own password; the attacker's reset link pasted there is
/// refused (another account), a link of another type is refused before it is spent, and the
/// victim's session stays what it was.
#[tokio::test]
async fn a_pasted_link_of_another_account_or_type_is_refused() {
    let env = attacker_and_victim().await;
    env.api_recover(ATTACKER, None).await;
    let attackers = env.latest_mail_link(ATTACKER).await;

    let b = env.signed_in(VICTIM).await;
    let before = b.stored_session_text().await.expect("victim signed in");
    b.request_recovery_code(VICTIM).await;
    b.heading("Step 2 of 4").await;
    b.paste("Verification code", &attackers).await;
    b.alert("another account than the address you entered").await;
    b.heading("Step 2 of 4").await;
    assert_eq!(b.stored_session_text().await.as_deref(), Some(before.as_str()), "unchanged");
    assert_eq!(b.held_claims().await, serde_json::Value::Null, "nothing held");

    // The victim's own link, declared as a magic link: refused without being spent.
    let own = env.latest_mail_link(VICTIM).await;
    b.paste("Verification code", &own.replace("type=recovery", "type=magiclink")).await;
    b.alert(NOT_A_RESET).await;
    assert_eq!(b.stored_session_text().await.as_deref(), Some(before.as_str()));
    b.paste("Verification code", &own).await;
    b.heading("Step 4 of 4").await;
    assert_eq!(b.held_claims().await["email"], VICTIM, "the link still worked");
    assert_eq!(b.stored_session_text().await.as_deref(), Some(before.as_str()));
    env.stop().await;
}

/// Issue 30: the victim, signed in, starts a reset for another address (the attacker's) and
/// pastes that account's link: the page asks "Continue as …" before going on, like an opened
/// link; until then nothing is held, and the victim's session stays.
#[tokio::test]
async fn a_pasted_link_of_the_wizards_account_asks_before_replacing_another_signed_in_one() {
    let env = attacker_and_victim().await;
    let b = env.signed_in(VICTIM).await;
    let before = b.stored_session_text().await.expect("victim signed in");
    b.request_recovery_code(ATTACKER).await;
    b.heading("Step 2 of 4").await;
    b.paste("Verification code", &env.latest_mail_link(ATTACKER).await).await;
    b.text(&signed_in_here_as(VICTIM)).await;
    assert_eq!(b.held_claims().await, serde_json::Value::Null, "not held before the press");
    b.click(&format!("Continue as {ATTACKER}")).await;
    b.heading("Step 4 of 4").await;
    assert_eq!(b.held_claims().await["email"], ATTACKER);
    assert_eq!(b.stored_session_text().await.as_deref(), Some(before.as_str()));
    env.stop().await;
}
