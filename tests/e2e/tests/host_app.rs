//! The host example (`examples/host-app`): a Leptos app of its own with the auth section under
//! `/account`. Its guards send users to sign in, finish their second factor or step up, and
//! bring them back; a guarded action completes by itself after the step-up, but only for the
//! user, session and moment that asked (an abandoned, expired or planted one never runs);
//! sign-out works from the host's navigation.

use e2e::host::start_host_env;
use e2e::{Browser, Env, PASSWORD, PENDING_KEY, SECRET};
use serde_json::json;

/// A user with a verified TOTP factor, signed in with both steps (aal2) `minutes` ago on the
/// server's clock, on Billing.
async fn on_billing_verified_ago(env: &Env, email: &str, minutes: u64) -> Browser {
    let b = env.two_step_user_on("/account/sign-in", "/billing", email).await;
    env.age_second_factor(&b, minutes * 60).await;
    b.heading("Billing").await;
    b
}

/// Waits for Billing and checks for two seconds that the card stays (nothing deletes it).
async fn card_stays(b: &Browser) {
    b.wait_path("/billing").await;
    b.heading("Billing").await;
    b.text("Visa ending in 4242").await;
    b.stays("the card stays on file", 2000, || async {
        let body = b.body_text().await;
        body.contains("Visa ending in 4242")
            && !body.contains("Card deleted")
            && !body.contains("No card on file.")
    })
    .await;
    assert!(b.has_button("Delete card").await);
}

/// Presses Delete card (the second factor is old), reaches the step-up page, and leaves it with
/// the browser's Back button. Returns the pending entry as it was on the step-up page.
async fn abandon_delete_card(b: &Browser) -> serde_json::Value {
    b.click("Delete card").await;
    b.wait_path("/account/mfa").await;
    b.heading("Two-step verification").await;
    let pending = b.session_storage(PENDING_KEY).await.expect("the action waits");
    assert!(pending.contains("host.delete-card"), "{pending}");
    b.client.back().await.expect("back");
    card_stays(b).await;
    assert!(b.session_storage(PENDING_KEY).await.is_none(), "leaving the step-up page forgets it");
    serde_json::from_str(&pending).expect("JSON")
}

/// Signs out from the host's navigation.
async fn sign_out(b: &Browser) {
    b.click("Sign out").await;
    b.wait_path("/").await;
    b.role_text("status", "You are signed out.").await;
    assert!(b.session_storage(PENDING_KEY).await.is_none());
}

/// The guarded action still works for this (freshly verified) user: it runs at once.
async fn delete_card_runs_at_once(b: &Browser) {
    b.click("Delete card").await;
    b.role_text("status", "Card deleted (session verified with two steps).").await;
    assert_eq!(b.path().await, "/billing", "no step-up");
}

/// The computed styles the checks below read on the page shown: the sign-in card, its heading
/// and its submit button, and which stylesheets the document has.
const STYLES: &str = r#"
  const card = document.querySelector(".lsa-card");
  const css = (el) => getComputedStyle(el);
  return {
    links: [...document.querySelectorAll("link[rel=stylesheet]")].map((l) => new URL(l.href).pathname),
    style_elements: document.querySelectorAll("style").length,
    adopted_layers: document.adoptedStyleSheets.map((s) => s.cssRules[0].name ?? "(no layer)"),
    card_border: css(card).borderTopWidth + " " + css(card).borderTopStyle,
    card_padding: css(card).paddingTop,
    button_background: css(card.querySelector("button[type=submit]")).backgroundColor,
    heading_size: css(card.querySelector("h1")).fontSize,
  };
"#;

/// The section brings its own styles (the host's `index.html` links nothing of it): they apply
/// (the card's border and padding; the button in the host's brand colour, set through
/// `--lsa-accent`), once, as one adopted sheet in the cascade layer `lsa`; and the host's plain
/// `h1` rule wins over the section's more specific `.lsa-card h1`, which it can only because the
/// section's rules sit in that layer. Under the emulator's strict CSP (`style-src 'self'`) none
/// of it is refused. `scripts/test.sh` runs this on a host built from the packaged crate too
/// (`scripts/package-host.sh`, `LSA_E2E_HOST_DIST`).
#[tokio::test]
async fn the_section_brings_its_styles_and_a_plain_host_rule_wins() {
    let env = start_host_env().await;
    let b = env.browser().await;
    b.watch_csp().await;
    b.goto("/account/sign-in").await;
    b.heading("Sign in").await;
    let styles = b.js(STYLES).await;
    assert_eq!(styles["links"], json!(["/host.css"]), "only the host's own stylesheet is linked");
    assert_eq!(styles["style_elements"], 0, "{styles}");
    assert_eq!(styles["adopted_layers"], json!(["lsa"]), "{styles}");
    assert_eq!(styles["card_border"], "1px solid", "{styles}");
    assert_eq!(styles["card_padding"], "24px", "{styles}");
    assert_eq!(styles["button_background"], "rgb(109, 40, 217)", "the host's --lsa-accent");
    assert_eq!(
        styles["heading_size"], "24px",
        "the host's `h1` (1.5rem), not the section's 1.35rem"
    );

    // Another page of the section, reached inside the app: still one sheet.
    b.click_link("Forgot your password?").await;
    b.heading("Step 1 of 4").await;
    assert_eq!(b.js("return document.adoptedStyleSheets.length").await, 1);
    b.assert_no_csp_violations("the host's sign-in and recovery pages").await;
    env.stop().await;
}

/// The host's sign-up page asks for the profile field the host configured and sends it as the
/// user's data, with the language shown; the new user lands where the host sends them.
#[tokio::test]
async fn sign_up_sends_the_hosts_profile_field() {
    let env = start_host_env().await;
    let b = env.browser().await;
    b.goto("/account/sign-up").await;
    b.heading("Create an account").await;
    let name = b.field("Full name").await;
    assert_eq!(name.attr("autocomplete").await.unwrap().as_deref(), Some("name"));
    b.fill("Email", "ada@example.com").await;
    b.fill("Full name", "Ada Lovelace").await;
    b.fill("New password", e2e::NEW_PASSWORD).await;
    b.fill("Confirm new password", e2e::NEW_PASSWORD).await;
    b.click("Create account").await;
    b.wait_path("/dashboard").await;
    let claims = b.session_claims().await;
    assert_eq!(claims["user_metadata"]["name"], "Ada Lovelace");
    assert_eq!(claims["user_metadata"]["locale"], "en");
    env.stop().await;
}

#[tokio::test]
async fn signed_out_dashboard_goes_through_sign_in_and_back() {
    let env = start_host_env().await;
    let b = env.user_and_browser("host@example.com", None).await;

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
    env.stop().await;
}

#[tokio::test]
async fn delete_card_with_an_old_second_factor_steps_up_and_completes_without_pressing_again() {
    let env = start_host_env().await;
    // Verified 6 minutes ago: Delete card needs it within 5.
    let b = on_billing_verified_ago(&env, "billing@example.com", 6).await;

    b.click_link("Dashboard").await;
    b.heading("Dashboard").await;
    b.click_link("Billing").await;
    b.wait_path("/billing").await;
    b.heading("Billing").await;
    b.click("Delete card").await;
    b.wait_path("/account/mfa").await;
    assert!(b.path().await.contains("next=%2Fbilling"), "{}", b.path().await);
    b.heading("Two-step verification").await;
    assert!(b.session_storage(PENDING_KEY).await.is_some_and(|p| p.contains("host.delete-card")));

    env.enter_app_code(&b).await;
    b.wait_path("/billing").await;
    // Resumed: nobody pressed "Delete card" again.
    b.role_text("status", "Card deleted (session verified with two steps).").await;
    b.text("No card on file.").await;
    assert!(!b.has_button("Delete card").await);
    assert_eq!(b.session_claims().await["aal"], "aal2");
    assert!(b.session_storage(PENDING_KEY).await.is_none(), "the pending action is gone");

    // Freshly verified, the action runs at once (the demo card comes back on reload).
    b.reload().await;
    b.heading("Billing").await;
    b.click("Delete card").await;
    b.role_text("status", "Card deleted").await;
    assert_eq!(b.path().await, "/billing");
    env.stop().await;
}

#[tokio::test]
async fn sign_out_from_the_host_navigation() {
    let env = start_host_env().await;
    let b = env.user_and_browser("leaver@example.com", None).await;
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
    env.stop().await;
}

#[tokio::test]
async fn payouts_page_needs_a_second_factor_and_cancel_does_not_bounce() {
    let env = start_host_env().await;
    // Verified 11 minutes ago: Payouts needs it within 10.
    let b = on_billing_verified_ago(&env, "payouts@example.com", 11).await;

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
    env.enter_app_code(&b).await;
    b.wait_path("/payouts").await;
    b.heading("Payouts").await;
    b.text("Next payout").await;
    env.stop().await;
}

#[tokio::test]
async fn users_without_a_factor_meet_the_aal2_requirements() {
    let env = start_host_env().await;
    let b = env.user_and_browser("plain@example.com", None).await;
    b.sign_in_with("/account/sign-in?next=%2Fbilling", "plain@example.com", PASSWORD).await;
    b.wait_path("/billing").await;
    b.click("Delete card").await;
    b.role_text("status", "Card deleted (session verified with one step).").await;
    b.goto("/payouts").await;
    b.heading("Payouts").await;
    assert_eq!(b.path().await, "/payouts");
    env.stop().await;
}

#[tokio::test]
async fn an_abandoned_delete_card_does_not_run_when_another_user_signs_in_in_that_tab() {
    let env = start_host_env().await;
    let a = "abandon-a@example.com";
    let b = on_billing_verified_ago(&env, a, 6).await;
    let abandoned = abandon_delete_card(&b).await;
    sign_out(&b).await;
    // As an attacker would: the entry is back (say the Back button's clean-up never ran).
    b.plant_pending(&abandoned).await;

    // Another user signs in with both steps in this tab: a second factor verified after the
    // action was asked for, the requirement met; the action still is not theirs.
    let other = "abandon-b@example.com";
    env.create_user(other, PASSWORD, Some(SECRET), None).await;
    env.sign_in_two_steps(&b, "/account/sign-in", "/billing", other).await;
    b.find(&format!("//nav[@aria-label='Main']//*[normalize-space(.)='{other}']")).await;
    card_stays(&b).await;
    assert!(b.session_storage(PENDING_KEY).await.is_none(), "the foreign entry is dropped");
    delete_card_runs_at_once(&b).await;
    env.stop().await;
}

#[tokio::test]
async fn an_abandoned_delete_card_does_not_run_when_the_same_user_signs_in_again() {
    let env = start_host_env().await;
    let email = "abandon-again@example.com";
    let b = on_billing_verified_ago(&env, email, 6).await;
    let abandoned = abandon_delete_card(&b).await;
    sign_out(&b).await;
    b.plant_pending(&abandoned).await;

    // Same user, new session, a second factor verified after asking.
    env.sign_in_two_steps(&b, "/account/sign-in", "/billing", email).await;
    assert_ne!(b.session_claims().await["session_id"], abandoned["session_id"], "a new session");
    card_stays(&b).await;
    assert!(b.session_storage(PENDING_KEY).await.is_none());
    delete_card_runs_at_once(&b).await;
    env.stop().await;
}

#[tokio::test]
async fn an_expired_delete_card_does_not_run_after_a_late_verification() {
    let env = start_host_env().await;
    let b = on_billing_verified_ago(&env, "expired@example.com", 6).await;
    b.click("Delete card").await;
    b.wait_path("/account/mfa").await;
    b.heading("Two-step verification").await;
    assert!(b.session_storage(PENDING_KEY).await.is_some());

    // Six minutes on the step-up page: longer than the five a pending action may wait.
    env.advance_clock(360).await;
    env.enter_app_code(&b).await;
    card_stays(&b).await;
    assert!(b.session_storage(PENDING_KEY).await.is_none(), "the expired entry is dropped");
    // The verification itself counted: pressing again deletes at once.
    delete_card_runs_at_once(&b).await;
    env.stop().await;
}

#[tokio::test]
async fn a_planted_pending_entry_deletes_nothing() {
    let env = start_host_env().await;
    // Freshly verified: the requirement is met, so a resumed action would run at once.
    let b = env.two_step_user_on("/account/sign-in", "/billing", "planted@example.com").await;
    b.heading("Billing").await;

    // The old shape, which used to resume for anyone.
    b.plant_pending(&json!({"id": "host.delete-card", "return_to": "/billing"})).await;
    b.reload().await;
    card_stays(&b).await;

    // The current shape, with this user's id and session id from the token, asked "now".
    let forged = b.forged_pending("host.delete-card", "/billing", env.now().await).await;
    assert!(forged["user_id"].is_string() && forged["session_id"].is_string(), "{forged}");
    b.plant_pending(&forged).await;
    b.reload().await;
    card_stays(&b).await;

    // Even followed by a real verification on the step-up page, it was not asked here.
    let forged = b.forged_pending("host.delete-card", "/billing", env.now().await).await;
    b.plant_pending(&forged).await;
    b.goto("/account/mfa?next=%2Fbilling").await;
    b.heading("Two-step verification").await;
    env.advance_clock(30).await;
    env.enter_app_code(&b).await;
    card_stays(&b).await;

    // The card goes only when the user presses the button.
    delete_card_runs_at_once(&b).await;
    env.stop().await;
}

#[tokio::test]
async fn an_mfa_user_who_skips_the_code_sees_no_guarded_page_and_lands_on_the_second_factor_step() {
    let env = start_host_env().await;
    let email = "skipper@example.com";
    let b = env.user_and_browser(email, Some(SECRET)).await;
    // Whatever these pages would show, recorded the moment it is put into any page.
    let private = ["Signed in as", "Visa ending in 4242", "Next payout", "Account: "];
    b.watch_for(&private).await;
    b.sign_in_with("/account/sign-in", email, PASSWORD).await;
    b.heading("Two-step verification").await;
    b.wait_aal("aal1").await;

    // Typed addresses, a reload, and the host's own navigation.
    for page in ["/account/security", "/billing", "/payouts", "/dashboard"] {
        if page == "/dashboard" {
            b.click_link("Dashboard").await;
        } else {
            b.goto(page).await;
        }
        let expected = format!("/account/sign-in?next={}", e2e::guard::encode(page));
        b.wait_full_path(&expected).await;
        b.heading("Two-step verification").await;
        b.field("Code from your authenticator app").await;
        // Not signed in as far as the host is concerned.
        b.find("//nav[@aria-label='Main']//a[normalize-space(.)='Sign in']").await;
        if page == "/billing" {
            b.reload().await;
            b.heading("Two-step verification").await;
            assert_eq!(b.path().await, expected, "{page} after a reload");
        }
    }
    let seen = b.seen().await;
    assert!(seen.is_empty(), "guarded content reached the page: {seen:?}");
    assert!(!b.has_button("Delete card").await);

    // The code finishes signing in and goes on to the page asked for.
    env.enter_app_code(&b).await;
    b.wait_path("/dashboard").await;
    b.heading("Dashboard").await;
    b.text(&format!("Signed in as {email}.")).await;
    b.text("This session was verified with two steps.").await;
    // The record works: now it has seen the dashboard.
    assert!(b.seen().await.iter().any(|l| l == "/dashboard: Signed in as"), "{:?}", b.seen().await);
    env.stop().await;
}
