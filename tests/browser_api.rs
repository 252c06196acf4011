//! The GoTrue client (`api::GoTrue`) against the emulator, in headless Chromium.
//!
//! Needs `EMULATOR_URL` at compile time (scripts/test.sh starts
//! `gotrue-emulator --port 0 --test-controls` and sets it). Every test uses its own user.
#![cfg(target_arch = "wasm32")]

mod support;

use leptos_supabase_auth::__internal::{types::UserUpdate, GoTrue, TokenResponse};
use leptos_supabase_auth::{Aal, Claims};
use leptos_supabase_auth::{ApiError, ErrorCode, FactorType, LogoutScope};
use serde_json::json;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// ---------------------------------------------------------------- helpers (see also support/)

fn unique_phone() -> String {
    ["1555", &rand_digits(7)].concat()
}

async fn sign_in(email: &str) -> TokenResponse {
    api().sign_in_password(email, PASSWORD).await.expect("sign-in works")
}

async fn mail_count(email: &str) -> usize {
    let query = js_sys::encode_uri_component(&format!("to:{email}"));
    let list = emu_get(&format!("/_mail/api/v1/search?query={query}")).await;
    list["messages"].as_array().map_or(0, Vec::len)
}

/// The `token=` value (the token hash) of the link in a mail.
fn link_token(text: &str) -> String {
    let rest = text.split("token=").nth(1).expect("a link with token=");
    rest.chars().take_while(|c| *c != '&' && !c.is_whitespace()).collect()
}

/// The code of the newest SMS to `phone` (digits, without `+`).
async fn sms_code(phone: &str) -> String {
    let to = ["+", phone].concat();
    for _ in 0..30 {
        let list = emu_get("/_sms/api/v1/messages").await;
        let found = list["messages"]
            .as_array()
            .and_then(|a| a.iter().find(|m| m["to"] == to.as_str()))
            .and_then(|m| m["body"].as_str())
            .map(|b| b.chars().filter(char::is_ascii_digit).collect::<String>());
        if let Some(code) = found {
            return code;
        }
        sleep_ms(100).await;
    }
    panic!("no SMS to {to}");
}

fn claims(token: &str) -> Claims {
    Claims::decode(token).expect("the access token is a JWT")
}

#[track_caller]
fn expect_code<T: std::fmt::Debug>(result: Result<T, ApiError>, code: ErrorCode) -> ApiError {
    match result {
        Err(e) if e.is(&code) => e,
        other => panic!("expected {code:?}, got {other:?}"),
    }
}

/// Signs in a user with a seeded TOTP factor and raises the session to aal2.
async fn aal2_session(email: &str, secret: &str, factor_id: &str) -> TokenResponse {
    let s = sign_in(email).await;
    let ch = api().challenge(&s.access_token, factor_id).await.expect("challenge");
    let code = totp_now(secret).await;
    api().verify_factor(&s.access_token, factor_id, &ch.id, &code).await.expect("verify")
}

// ---------------------------------------------------------------- tests

#[wasm_bindgen_test]
fn totp_helper_matches_rfc6238() {
    // RFC 6238 appendix B, SHA1 key "12345678901234567890" (last 6 digits).
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(base32_decode(secret), b"12345678901234567890");
    assert_eq!(totp(secret, 59), "287082");
    assert_eq!(totp(secret, 1_111_111_109), "081804");
    assert_eq!(totp(secret, 2_000_000_000), "279037");
}

#[wasm_bindgen_test]
async fn sign_in_password_ok_and_invalid_credentials() {
    let email = unique_email("signin");
    let (uid, _) = create_user(&email, None, None).await;
    let s = sign_in(&email).await;
    assert_eq!(s.user.id, uid);
    assert_eq!(s.user.email, email);
    assert!(!s.refresh_token.is_empty());
    assert!(s.expires_in > 0);
    let c = claims(&s.access_token);
    assert_eq!(c.sub, uid);
    assert_eq!(c.aal, Aal::Aal1);
    assert!(c.amr.iter().any(|a| a.method == "password"));

    let wrong = api().sign_in_password(&email, "not-the-password").await;
    let e = expect_code(wrong, ErrorCode::InvalidCredentials);
    assert!(matches!(e, ApiError::Auth(ref a) if a.status == 400), "{e:?}");
    let unknown = api().sign_in_password(&unique_email("nobody"), PASSWORD).await;
    expect_code(unknown, ErrorCode::InvalidCredentials);
}

#[wasm_bindgen_test]
async fn refresh_rotates_and_reuse_of_an_older_token_is_refused() {
    let email = unique_email("refresh");
    create_user(&email, None, None).await;
    let s0 = sign_in(&email).await;
    let s1 = api().refresh(&s0.refresh_token).await.expect("refresh works");
    assert_ne!(s1.refresh_token, s0.refresh_token, "the refresh token rotates");
    assert_eq!(claims(&s1.access_token).session_id, claims(&s0.access_token).session_id);
    assert_eq!(s1.user.email, email);
    let s2 = api().refresh(&s1.refresh_token).await.expect("the new token works");
    assert_ne!(s2.refresh_token, s1.refresh_token);

    // s0's token is two generations old: reuse is refused (and revokes the family).
    let reused = api().refresh(&s0.refresh_token).await;
    expect_code(reused, ErrorCode::RefreshTokenAlreadyUsed);
    let after = api().refresh(&s2.refresh_token).await;
    assert!(after.is_err(), "the family is revoked after a reuse: {after:?}");

    let unknown = api().refresh("abcdefghijkl").await;
    expect_code(unknown, ErrorCode::RefreshTokenNotFound);
}

#[wasm_bindgen_test]
async fn recover_and_verify_email_code() {
    let email = unique_email("recover");
    let (uid, _) = create_user(&email, None, None).await;
    api().recover(&email, None, None).await.expect("recover answers {}");
    let code = code_in(&latest_mail(&email, "reset").await);
    assert_eq!(code.len(), 6, "a 6-digit code");

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let bad = api().verify_email_code(&email, wrong, "recovery").await;
    expect_code(bad, ErrorCode::OtpExpired);

    let s =
        api().verify_email_code(&email, &code, "recovery").await.expect("the mailed code works");
    assert_eq!(s.user.id, uid);
    let c = claims(&s.access_token);
    assert_eq!(c.aal, Aal::Aal1);
    assert!(c.amr.iter().any(|a| a.method == "otp"), "amr: {:?}", c.amr);
    // Single use.
    let again = api().verify_email_code(&email, &code, "recovery").await;
    expect_code(again, ErrorCode::OtpExpired);

    // An unknown address answers {} and sends nothing.
    let nobody = unique_email("nobody");
    api().recover(&nobody, None, None).await.expect("no enumeration");
    assert_eq!(mail_count(&nobody).await, 0);
}

#[wasm_bindgen_test]
async fn verify_token_hash_from_the_mailed_link() {
    let email = unique_email("hash");
    let (uid, _) = create_user(&email, None, None).await;
    api().recover(&email, Some("http://127.0.0.1:1/auth/confirm"), None).await.expect("recover");
    let hash = link_token(&latest_mail(&email, "reset").await);
    assert!(!hash.is_empty());
    let s = api().verify_token_hash(&hash, "recovery").await.expect("the link's hash works");
    assert_eq!(s.user.id, uid);
    assert_eq!(claims(&s.access_token).sub, uid);
    let again = api().verify_token_hash(&hash, "recovery").await;
    expect_code(again, ErrorCode::OtpExpired);
}

#[wasm_bindgen_test]
async fn get_user_returns_the_user_with_factors() {
    let email = unique_email("user");
    let phone = unique_phone();
    let (uid, factors) = create_user(&email, Some(&random_secret()), Some(&phone)).await;
    assert_eq!(factors.len(), 2);
    let s = sign_in(&email).await;
    let user = api().get_user(&s.access_token).await.expect("GET /user");
    assert_eq!(user.id, uid);
    assert_eq!(user.email, email);
    assert_eq!(user.factors.len(), 2);
    assert!(user.has_verified_factor());
    assert!(user.factors.iter().any(|f| f.factor_type == FactorType::Totp && f.is_verified()));
    assert!(user.factors.iter().any(|f| f.is_phone() && f.is_verified()));

    let bad = api().get_user("not-a-jwt").await;
    expect_code(bad, ErrorCode::BadJwt);
}

#[wasm_bindgen_test]
async fn update_user_password_errors_and_success() {
    let email = unique_email("update");
    create_user(&email, None, None).await;
    let s = sign_in(&email).await;
    let update = |pw: &str| UserUpdate { password: Some(pw.into()), ..UserUpdate::default() };

    let same = api().update_user(&s.access_token, &update(PASSWORD), None).await;
    expect_code(same, ErrorCode::SamePassword);

    let weak = api().update_user(&s.access_token, &update("abc"), None).await;
    match expect_code(weak, ErrorCode::WeakPassword) {
        ApiError::Auth(e) => {
            assert_eq!(e.status, 422);
            assert_eq!(e.weak_reasons, ["length"]);
        }
        other => panic!("{other:?}"),
    }

    let new_pw = "a-new-password-2";
    let user =
        api().update_user(&s.access_token, &update(new_pw), None).await.expect("password changed");
    assert_eq!(user.email, email);
    api().sign_in_password(&email, new_pw).await.expect("the new password works");
    let old = api().sign_in_password(&email, PASSWORD).await;
    expect_code(old, ErrorCode::InvalidCredentials);
}

#[wasm_bindgen_test]
async fn reauthenticate_mails_a_nonce_then_rate_limits() {
    let email = unique_email("reauth");
    create_user(&email, None, None).await;
    let s = sign_in(&email).await;
    api().reauthenticate(&s.access_token).await.expect("GET /reauthenticate");
    let nonce = code_in(&latest_mail(&email, "reauthentication").await);
    assert_eq!(nonce.len(), 6);

    let again = api().reauthenticate(&s.access_token).await;
    let e = expect_code(again, ErrorCode::OverEmailSendRateLimit);
    assert!(matches!(&e, ApiError::Auth(a) if a.status == 429), "{e:?}");
    let secs = e.retry_after_secs().expect("seconds parsed from the answer");
    assert!((1..=60).contains(&secs), "retry after {secs}");
}

#[wasm_bindgen_test]
async fn recover_twice_is_429_with_retry_after() {
    let email = unique_email("ratelimit");
    create_user(&email, None, None).await;
    api().recover(&email, None, None).await.expect("first recover");
    let second = api().recover(&email, None, None).await;
    let e = expect_code(second, ErrorCode::OverEmailSendRateLimit);
    let secs = e.retry_after_secs().expect("retry_after_secs parsed");
    assert!((1..=60).contains(&secs), "retry after {secs}");
    assert_eq!(mail_count(&email).await, 1, "the second request sent nothing");

    // An injected 429 with a known number: parsed exactly.
    emu_post(
        "/_emulator/faults",
        json!({"path": "/auth/v1/recover", "method": "POST", "status": 429,
               "code": "over_email_send_rate_limit",
               "message": "For security purposes, you can only request this after 17 seconds."}),
    )
    .await;
    let injected = api().recover(&email, None, None).await;
    let e = expect_code(injected, ErrorCode::OverEmailSendRateLimit);
    assert_eq!(e.retry_after_secs(), Some(17));
}

#[wasm_bindgen_test]
async fn enroll_totp_challenge_and_verify() {
    let email = unique_email("totp");
    create_user(&email, None, None).await;
    let s = sign_in(&email).await;
    let enrolled = api().enroll_totp(&s.access_token, "My phone").await.expect("enroll TOTP");
    assert_eq!(enrolled.factor_type, "totp");
    let totp_info = enrolled.totp.expect("TOTP details");
    assert!(totp_info.uri.starts_with("otpauth://totp/"), "{}", totp_info.uri);
    assert!(totp_info.uri.contains(&totp_info.secret));

    let user = api().get_user(&s.access_token).await.expect("user");
    let f = user.factors.iter().find(|f| f.id == enrolled.id).expect("the new factor is listed");
    assert!(!f.is_verified(), "unverified until the first code");

    let ch = api().challenge(&s.access_token, &enrolled.id).await.expect("challenge");
    assert!(ch.expires_at as u64 > emulator_now().await);
    let good = totp_now(&totp_info.secret).await;
    let wrong = if good == "000000" { "000001" } else { "000000" };
    let bad = api().verify_factor(&s.access_token, &enrolled.id, &ch.id, wrong).await;
    expect_code(bad, ErrorCode::MfaVerificationFailed);

    let ch = api().challenge(&s.access_token, &enrolled.id).await.expect("challenge");
    let code = totp_now(&totp_info.secret).await;
    let raised =
        api().verify_factor(&s.access_token, &enrolled.id, &ch.id, &code).await.expect("verify");
    let c = claims(&raised.access_token);
    assert_eq!(c.aal, Aal::Aal2);
    assert!(c.amr.iter().any(|a| a.method == "totp"), "amr: {:?}", c.amr);
    assert_eq!(c.session_id, claims(&s.access_token).session_id, "same session, raised");
    assert!(raised.user.factors.iter().any(|f| f.id == enrolled.id && f.is_verified()));
}

#[wasm_bindgen_test]
async fn enroll_phone_and_verify_the_sms_code() {
    let email = unique_email("phone");
    let phone = unique_phone();
    create_user(&email, None, None).await;
    let s = sign_in(&email).await;
    let enrolled = api()
        .enroll_phone(&s.access_token, "Work phone", &["+", &phone].concat())
        .await
        .expect("enroll");
    assert_eq!(enrolled.factor_type, "phone");
    assert!(enrolled.totp.is_none());

    let ch = api().challenge(&s.access_token, &enrolled.id).await.expect("challenge sends an SMS");
    let code = sms_code(&phone).await;
    assert_eq!(code.len(), 6, "code {code}");
    // A second challenge within a minute is refused with a wait time.
    let too_soon = api().challenge(&s.access_token, &enrolled.id).await;
    let e = expect_code(too_soon, ErrorCode::OverSmsSendRateLimit);
    assert!(e.retry_after_secs().is_some_and(|s| (1..=60).contains(&s)), "{e:?}");

    let raised =
        api().verify_factor(&s.access_token, &enrolled.id, &ch.id, &code).await.expect("verify");
    let c = claims(&raised.access_token);
    assert_eq!(c.aal, Aal::Aal2);
    assert!(c.amr.iter().any(|a| a.method == "mfa/phone"), "amr: {:?}", c.amr);
    let f = raised.user.factors.iter().find(|f| f.id == enrolled.id).expect("factor");
    assert!(f.is_verified() && f.is_phone());
}

#[wasm_bindgen_test]
async fn unenroll_needs_aal2_for_a_verified_factor() {
    let email = unique_email("unenroll");
    let secret = random_secret();
    let (_, factors) = create_user(&email, Some(&secret), None).await;
    let factor_id = &factors[0];

    let aal1 = sign_in(&email).await;
    let refused = api().unenroll(&aal1.access_token, factor_id).await;
    expect_code(refused, ErrorCode::InsufficientAal);
    // An unverified factor can go at aal1... but enrolling one needs aal2 once MFA is on.
    let enroll = api().enroll_totp(&aal1.access_token, "second").await;
    expect_code(enroll, ErrorCode::InsufficientAal);

    let aal2 = aal2_session(&email, &secret, factor_id).await;
    assert_eq!(claims(&aal2.access_token).aal, Aal::Aal2);
    api().unenroll(&aal2.access_token, factor_id).await.expect("unenroll at aal2");
    let user = api().get_user(&aal2.access_token).await.expect("user");
    assert!(user.factors.is_empty(), "{:?}", user.factors);

    let gone = api().unenroll(&aal2.access_token, factor_id).await;
    expect_code(gone, ErrorCode::MfaFactorNotFound);
}

#[wasm_bindgen_test]
async fn logout_scopes_end_the_right_sessions() {
    let email = unique_email("logout");
    create_user(&email, None, None).await;
    let (a, b, c) = (sign_in(&email).await, sign_in(&email).await, sign_in(&email).await);

    api().logout(&a.access_token, LogoutScope::Others).await.expect("logout others");
    api().get_user(&a.access_token).await.expect("this session stays");
    for other in [&b, &c] {
        expect_code(api().get_user(&other.access_token).await, ErrorCode::SessionNotFound);
        expect_code(api().refresh(&other.refresh_token).await, ErrorCode::RefreshTokenNotFound);
    }

    api().logout(&a.access_token, LogoutScope::Local).await.expect("logout local");
    expect_code(api().get_user(&a.access_token).await, ErrorCode::SessionNotFound);
    let twice = api().logout(&a.access_token, LogoutScope::Local).await;
    expect_code(twice, ErrorCode::SessionNotFound);

    let (d, e) = (sign_in(&email).await, sign_in(&email).await);
    api().logout(&d.access_token, LogoutScope::Global).await.expect("logout global");
    for gone in [&d, &e] {
        expect_code(api().get_user(&gone.access_token).await, ErrorCode::SessionNotFound);
    }
    // A new sign-in is unaffected.
    let f = sign_in(&email).await;
    api().get_user(&f.access_token).await.expect("a new session works");
}

#[wasm_bindgen_test]
async fn transport_errors_and_server_errors_are_typed() {
    let dead = GoTrue::new("http://127.0.0.1:1/auth/v1", "anon");
    let e = dead.sign_in_password("a@b.c", "x").await.expect_err("nothing listens on port 1");
    assert!(matches!(e, ApiError::Transport(_)), "{e:?}");
    assert!(e.is_network());

    emu_post("/_emulator/faults", json!({"path": "/auth/v1/token", "status": 503})).await;
    let e = api().sign_in_password("a@b.c", "x").await.expect_err("injected 503");
    assert!(e.is_network(), "{e:?}");
    assert!(
        matches!(&e, ApiError::Auth(a) if a.status == 503 && a.code == ErrorCode::UnexpectedFailure),
        "{e:?}"
    );
}

/// A request given up on (its future dropped, as the store does on its request timeout) is
/// aborted in the browser, not left running: the server never acts on it. Here the emulator
/// holds a sign-out 1.5 s before handling it, and the caller gives up after 0.3 s; once the
/// hold is over, the session still works.
#[wasm_bindgen_test]
async fn a_request_given_up_is_aborted_and_never_acts() {
    use leptos_supabase_auth::__internal::browser::timeout;
    let email = unique_email("abort");
    create_user(&email, None, None).await;
    let session = sign_in(&email).await;
    let fault = json!({"path": "/auth/v1/logout", "method": "POST", "delay_ms": 1_500});
    emu_post("/_emulator/faults", fault).await;
    let client = api();
    let sign_out = client.logout(&session.access_token, LogoutScope::Local);
    assert!(timeout(300, sign_out).await.is_none(), "still held after 0.3 s: given up");
    sleep_ms(2_500).await; // a request still running would have signed out by now
    api().get_user(&session.access_token).await.expect("the sign-out never reached the server");
}

// ---------------------------------------------------------------- WebAuthn glue and settings

/// Creation options shaped like GoTrue's, for relying party `rp_id`.
fn creation_options(rp_id: &str) -> String {
    json!({
        "rp": {"id": rp_id, "name": "x"},
        "user": {"id": "dXNlcg", "name": "u@example.com", "displayName": "u@example.com"},
        "challenge": "Y2hhbGxlbmdl",
        "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
        "timeout": 60000,
    })
    .to_string()
}

#[wasm_bindgen_test]
async fn the_browser_prompt_refuses_another_sites_relying_party_as_unavailable() {
    use leptos_supabase_auth::__internal::authenticator;
    use leptos_supabase_auth::AuthenticatorError;
    assert!(authenticator::available(), "headless Chromium on a loopback origin has WebAuthn");
    // The browser checks the RP id against the page before any prompt: no hang, a typed error.
    let other = authenticator::create(&creation_options("example.com")).await;
    assert_eq!(other, Err(ApiError::Authenticator(AuthenticatorError::Unavailable)));
    // Options the browser cannot parse (no challenge) are refused too, not sent anywhere.
    let broken = authenticator::get(r#"{"rpId":"localhost"}"#).await;
    assert!(
        matches!(broken, Err(ApiError::Authenticator(AuthenticatorError::Other(_)))),
        "{broken:?}"
    );
}

#[wasm_bindgen_test]
async fn settings_say_whether_passkeys_are_on() {
    // The test emulator runs without --webauthn.
    assert_eq!(api().settings().await.map(|s| s.passkeys), Ok(false));
}
