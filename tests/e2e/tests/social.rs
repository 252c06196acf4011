//! Social sign-in through a provider of the tests' own (GoTrue's Keycloak provider, the
//! emulator calling the provider over HTTP): back signed in on the page `next` named, an MFA
//! user through the second factor first, and what an attacker tries: a callback this browser
//! never asked for (login CSRF), a provider's refusal, a hostile `next` through the round trip.

use e2e::provider::profile;
use e2e::{Browser, Env, PASSWORD, SECRET};

const TO_SECURITY: &str = "/auth/sign-in?next=%2Fauth%2Fsecurity";

/// The verifier of the round trips the tests run without a browser.
const VERIFIER: &str = "attackers-verifier-0123456789abcdefghijklmno";

/// The sign-in page (at `path`) offers the provider; pressing it goes through the round trip.
async fn continue_with_keycloak(b: &Browser, path: &str) {
    b.goto(path).await;
    b.heading("Sign in").await;
    b.click("Continue with Keycloak").await;
}

#[tokio::test]
async fn a_provider_signs_in_and_lands_on_next() {
    let (env, provider) = Env::start_with_provider(|_| {}).await;
    let b = env.browser().await;
    provider.sign_in_as(&profile("kay@example.com", true));
    continue_with_keycloak(&b, TO_SECURITY).await;
    b.wait_path("/auth/security").await;
    b.heading("Security").await;
    let claims = b.session_claims().await;
    assert_eq!(claims["email"], "kay@example.com");
    assert_eq!(claims["amr"][0]["method"], "oauth");
    assert!(!b.href().await.contains("code="), "the code left the address bar");
    assert!(b.all_storage().await.find("kc-at-").is_none(), "provider tokens are not stored");

    // The sign-up page offers it too, with the neutral mark drawn in the page (strict CSP).
    let other = env.browser().await;
    other.goto("/auth/sign-up").await;
    other.button("Continue with Keycloak").await;
    let drawn = "return document.querySelector('.lsa-provider svg path[stroke=\"currentColor\"]') !== null;";
    assert_eq!(other.js(drawn).await, true, "the mark is drawn");
    env.stop().await;
}

#[tokio::test]
async fn an_mfa_user_through_a_provider_needs_the_second_factor() {
    let (env, provider) = Env::start_with_provider(|_| {}).await;
    env.create_user("mfa-kc@example.com", PASSWORD, Some(SECRET), None).await;
    let b = env.browser().await;
    // The provider's verified address is the user's: signed in as them, the identity linked.
    provider.sign_in_as(&profile("mfa-kc@example.com", true));
    continue_with_keycloak(&b, TO_SECURITY).await;
    b.heading("Two-step verification").await;
    assert_eq!(b.session_claims().await["aal"], "aal1");
    b.goto("/auth/security").await;
    b.wait_path("/auth/sign-in").await;
    b.heading("Two-step verification").await;
    env.enter_app_code(&b).await;
    b.wait_path("/auth/security").await;
    assert_eq!(b.session_claims().await["aal"], "aal2");
    env.stop().await;
}

#[tokio::test]
async fn a_refusal_at_the_provider_is_explained_and_signs_nobody_in() {
    let (env, provider) = Env::start_with_provider(|_| {}).await;
    let b = env.browser().await;
    provider.refuse();
    continue_with_keycloak(&b, TO_SECURITY).await;
    b.wait_path("/auth/callback").await;
    b.alert("Signing in was cancelled at the provider.").await;
    assert_eq!(b.stored_session_text().await, None);
    b.click_link("Back").await;
    b.wait_path("/auth/sign-in").await;
    env.stop().await;
}

/// Login CSRF: the attacker runs the round trip for their own provider account and hands the
/// victim the callback address. The victim's browser never started that flow: nobody is
/// signed in, with a code (no verifier here) or with the implicit flow's tokens.
#[tokio::test]
async fn a_callback_this_browser_never_asked_for_signs_nobody_in() {
    let (env, provider) = Env::start_with_provider(|_| {}).await;
    provider.sign_in_as(&profile("attacker@example.com", true));
    let landing = attackers_landing(&env, true).await;
    let victim = env.browser().await;
    victim.goto_url(&landing).await;
    victim.alert("This sign-in expired or was not started in this browser.").await;
    assert_eq!(victim.stored_session_text().await, None);

    // The victim had started a round trip of their own (a verifier here): the attacker's code
    // does not match it, and still nobody is signed in.
    provider.sign_in_as(&profile("attacker@example.com", true));
    let landing = attackers_landing(&env, true).await;
    let started = env.browser().await;
    started.goto("/auth/sign-in").await;
    started.js("localStorage.setItem('lsa.pkce.oauth', 'the-victims-own-verifier-0123456789abcdefghij'); return null;").await;
    started.goto_url(&landing).await;
    started.alert("This sign-in expired or was not started in this browser.").await;
    assert_eq!(started.stored_session_text().await, None);

    // The implicit flow's tokens in the fragment: refused too.
    provider.sign_in_as(&profile("attacker2@example.com", true));
    let landing = attackers_landing(&env, false).await;
    assert!(landing.contains("#access_token="), "{landing}");
    let third = env.browser().await;
    third.goto_url(&landing).await;
    third.alert("This sign-in expired or was not started in this browser.").await;
    assert_eq!(third.stored_session_text().await, None);
    env.stop().await;
}

/// A callback used once is used up: opened again (its code spent, this browser's verifier
/// gone), and again with the verifier put back (the server refuses the spent code), it signs
/// nobody new in and leaves the session as it was.
#[tokio::test]
async fn a_replayed_callback_changes_nothing() {
    let (env, provider) = Env::start_with_provider(|_| {}).await;
    provider.sign_in_as(&profile("replay@example.com", true));
    let landing = attackers_landing(&env, true).await;
    let b = env.browser().await;
    b.goto("/auth/sign-in").await;
    let keep = format!("localStorage.setItem('lsa.pkce.oauth', '{VERIFIER}'); return null;");
    b.js(&keep).await;
    b.goto_url(&landing).await;
    b.wait_path("/").await;
    assert_eq!(b.session_claims().await["email"], "replay@example.com");
    let session = b.stored_session_text().await;

    b.goto_url(&landing).await;
    b.alert("This sign-in expired or was not started in this browser.").await;
    b.js(&keep).await;
    b.goto_url(&landing).await;
    b.alert("This sign-in expired or was not started in this browser.").await;
    assert_eq!(b.stored_session_text().await, session, "the session is as it was");
    env.stop().await;
}

#[tokio::test]
async fn a_hostile_next_does_not_survive_the_round_trip() {
    let (env, provider) = Env::start_with_provider(|_| {}).await;
    let b = env.browser().await;
    provider.sign_in_as(&profile("next@example.com", true));
    continue_with_keycloak(&b, "/auth/sign-in?next=https%3A%2F%2Fevil.example%2F").await;
    b.wait_path("/").await;
    assert!(b.href().await.starts_with(&env.origin));
    assert_eq!(b.session_claims().await["email"], "next@example.com");
    env.stop().await;
}

/// The attacker's own round trip, without a browser: `/authorize` (PKCE, or implicit), the
/// provider, the API's callback; the app address it sends the browser to.
async fn attackers_landing(env: &Env, pkce: bool) -> String {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let redirect = format!("{}/auth/callback?next=%2F", env.origin);
    let mut q = vec![("provider", "keycloak".to_owned()), ("redirect_to", redirect)];
    if pkce {
        q.push((
            "code_challenge",
            gotrue_emulator::util::pkce_s256("attackers-verifier-0123456789abcdefghijklmno"),
        ));
        q.push(("code_challenge_method", "s256".into()));
    }
    let mut url = reqwest::Url::parse(&format!("{}/auth/v1/authorize", env.origin)).unwrap();
    url.query_pairs_mut().extend_pairs(q.iter().map(|(k, v)| (*k, v.as_str())));
    let mut next = url.to_string();
    // authorize -> provider -> API callback -> the app.
    for _ in 0..3 {
        let resp = client.get(&next).send().await.expect("answer");
        let location = resp.headers().get("location").expect("a redirect").to_str().unwrap();
        next = location.to_owned();
    }
    next
}

/// Implicit-flow tokens bound to this tab only by its mark: an attacker who gets theirs to a
/// victim who had just pressed a provider button (the mark is set) signs nobody in at once.
/// The page names the account, and only "Continue as …" adopts it.
#[tokio::test]
async fn implicit_tokens_are_named_before_they_count() {
    let (env, provider) = Env::start_with_provider(|_| {}).await;
    env.create_user("victim@example.com", PASSWORD, None, None).await;
    let b = env.signed_in("victim@example.com").await;
    let before = b.stored_session_text().await;
    provider.sign_in_as(&profile("attacker3@example.com", true));
    let landing = attackers_landing(&env, false).await;
    b.js("sessionStorage.setItem('lsa.oauth.started', '1'); return null;").await;
    b.goto_url(&landing).await;
    b.text("This sign-in is for attacker3@example.com.").await;
    b.text("You are signed in here as victim@example.com.").await;
    assert!(!b.href().await.contains("access_token"), "the tokens left the address bar");
    assert_eq!(b.stored_session_text().await, before, "nothing adopted before the press");
    b.click("Continue as attacker3@example.com").await;
    b.wait_path("/").await;
    assert_eq!(b.session_claims().await["email"], "attacker3@example.com");
    env.stop().await;
}

/// Opens Settings → Security → Sign-in methods.
async fn open_methods(b: &Browser) {
    b.goto("/auth/security").await;
    b.click("Manage sign-in methods").await;
}

/// The disconnect button of `name` (its text is "Disconnect"; its name says which).
async fn disconnect_button(b: &Browser, name: &str) -> fantoccini::elements::Element {
    b.find(&format!("//button[@aria-label='Disconnect {name}']")).await
}

/// Connect, list and disconnect: the user's own session stays (its level, its id) and its
/// token lists the provider while connected; the last method is never offered for removal.
#[tokio::test]
async fn a_provider_is_connected_listed_and_disconnected() {
    let (env, provider) = Env::start_with_provider(|_| {}).await;
    env.create_user("links@example.com", PASSWORD, None, None).await;
    let b = env.signed_in("links@example.com").await;
    let session_id = b.session_claims().await["session_id"].clone();
    open_methods(&b).await;
    b.text("Email address").await;
    b.text("This is your only sign-in method, so it cannot be disconnected.").await;
    assert!(!b.has_button("Disconnect").await, "the last one is not offered");

    let kay = profile("kay.links@idp.example", true);
    provider.sign_in_as(&kay);
    b.click("Connect Keycloak").await;
    b.wait_path("/auth/security").await;
    b.role_text("status", "Keycloak is connected. You can now sign in with it.").await;
    b.text("kay.links@idp.example").await;
    let claims = b.session_claims().await;
    assert_eq!(claims["session_id"], session_id, "the user's own session stays");
    assert_eq!(claims["app_metadata"]["providers"][1], "keycloak", "{claims}");
    assert!(!b.has_button("Connect Keycloak").await, "connected: not offered again");

    disconnect_button(&b, "Keycloak").await.click().await.unwrap();
    b.text("Disconnect Keycloak? You will no longer be able to sign in with it.").await;
    b.click("Yes, disconnect").await;
    b.role_text("status", "Keycloak is disconnected.").await;
    b.text("This is your only sign-in method, so it cannot be disconnected.").await;
    b.button("Connect Keycloak").await;
    let claims = b.session_claims().await;
    assert_eq!(claims["app_metadata"]["providers"].as_array().unwrap().len(), 1, "{claims}");

    // The provider's account no longer signs in as this user.
    let other = env.browser().await;
    provider.sign_in_as(&kay);
    continue_with_keycloak(&other, TO_SECURITY).await;
    other.wait_path("/auth/security").await;
    assert_ne!(other.session_claims().await["email"], "links@example.com");
    env.stop().await;
}

/// The provider's account already belongs to another user: explained, nothing changes.
#[tokio::test]
async fn an_account_of_another_user_is_not_connected() {
    let (env, provider) = Env::start_with_provider(|_| {}).await;
    let owner = env.browser().await;
    let taken = profile("taken@idp.example", true);
    provider.sign_in_as(&taken);
    continue_with_keycloak(&owner, TO_SECURITY).await;
    owner.wait_path("/auth/security").await;

    env.create_user("second@example.com", PASSWORD, None, None).await;
    let b = env.signed_in("second@example.com").await;
    let before = b.stored_session_text().await;
    open_methods(&b).await;
    provider.sign_in_as(&taken);
    b.click("Connect Keycloak").await;
    b.alert("That account is already connected to another user.").await;
    assert_eq!(b.stored_session_text().await, before, "the session is as it was");
    b.click_link("Back").await;
    b.wait_path("/auth/security").await;
    env.stop().await;
}

/// A page that still offers Disconnect for what has become the last method (the other one
/// was removed elsewhere): the server refuses, the page says why and shows the one left.
#[tokio::test]
async fn the_last_method_is_never_disconnected() {
    let (env, provider) = Env::start_with_provider(|_| {}).await;
    env.create_user("last@example.com", PASSWORD, None, None).await;
    let b = env.signed_in("last@example.com").await;
    open_methods(&b).await;
    provider.sign_in_as(&profile("last@idp.example", true));
    b.click("Connect Keycloak").await;
    b.role_text("status", "Keycloak is connected.").await;

    // Elsewhere, the Keycloak identity goes; this page still lists both.
    let other = env.signed_in("last@example.com").await;
    open_methods(&other).await;
    disconnect_button(&other, "Keycloak").await.click().await.unwrap();
    other.click("Yes, disconnect").await;
    other.role_text("status", "Keycloak is disconnected.").await;

    disconnect_button(&b, "Email address").await.click().await.unwrap();
    b.click("Yes, disconnect").await;
    b.alert("This is your only sign-in method, so it cannot be disconnected.").await;
    b.text("This is your only sign-in method, so it cannot be disconnected.").await;
    assert!(!b.has_button("Disconnect").await);
    env.stop().await;
}

/// An MFA user whose second factor is older than ten minutes confirms it first; the
/// connection then goes on by itself, and the session keeps its aal2.
#[tokio::test]
async fn connecting_needs_a_recent_second_factor() {
    let (env, provider) = Env::start_with_provider(|_| {}).await;
    let b = env.signed_in_at_aal2("mfa-links@example.com").await;
    env.advance_clock(11 * 60).await;
    b.receive_new_token().await;
    open_methods(&b).await;
    provider.sign_in_as(&profile("mfa-links@idp.example", true));
    b.click("Connect Keycloak").await;
    b.wait_path("/auth/mfa").await;
    b.text("Confirm it's you to change how you sign in.").await;
    env.enter_app_code(&b).await;
    b.wait_path("/auth/security").await;
    b.role_text("status", "Keycloak is connected.").await;
    b.text("mfa-links@idp.example").await;
    assert_eq!(b.session_claims().await["aal"], "aal2");
    env.stop().await;
}

/// An open redirect through `redirect_to`: a link to the API's `/authorize` that names another
/// site. GoTrue replaces an address off its allow list with the site URL, so the round trip
/// ends on this app, where nobody is signed in by it (only `{base}/callback` takes tokens).
#[tokio::test]
async fn redirect_to_another_site_ends_on_this_app_signed_out() {
    let (env, provider) = Env::start_with_provider(|_| {}).await;
    provider.sign_in_as(&profile("lured@example.com", true));
    let b = env.browser().await;
    let lure = format!(
        "{}/auth/v1/authorize?provider=keycloak&redirect_to=https%3A%2F%2Fevil.example%2Fsteal",
        env.origin
    );
    b.goto_url(&lure).await;
    e2e::eventually("back on this app", || async {
        b.href().await.starts_with(&env.origin).then_some(())
    })
    .await;
    b.wait_path("/").await;
    assert!(!b.href().await.contains("evil.example"));
    assert!(!b.href().await.contains("access_token"), "the tokens left the address bar");
    assert_eq!(b.stored_session_text().await, None, "nobody signed in");
    env.stop().await;
}
