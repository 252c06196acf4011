//! The session store (`AuthStore`) in headless Chromium against the emulator: persistence,
//! restore, tampering, refresh (manual, scheduled, cross-tab), sign-out, storage sync, step-up,
//! and the `localStorage` lease that stands in for Web Locks.
//!
//! Needs `EMULATOR_URL` at compile time (scripts/test.sh sets it). Each test uses its own user
//! and its own storage key, so tests do not see each other's sessions.
#![cfg(target_arch = "wasm32")]

mod support;

use gloo_storage::{LocalStorage, SessionStorage, Storage};
use leptos::prelude::*;
use leptos_supabase_auth::__internal::lock::with_lease;
use leptos_supabase_auth::__internal::step_up;
use leptos_supabase_auth::Requirement;
use leptos_supabase_auth::{__internal::state::Persisted, AuthState};
use leptos_supabase_auth::{__internal::TokenResponse, ErrorCode, LogoutScope};
use leptos_supabase_auth::{Aal, AuthConfig, AuthEvent, AuthStore, Resume};
use serde_json::json;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use support::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// ---------------------------------------------------------------- helpers (see also support/)

/// A configuration for the emulator with a storage key of its own.
fn config() -> AuthConfig {
    AuthConfig::new(api_url(), "anon").with_storage_key(&["lsa.test.", &rand_digits(10)].concat())
}

/// The wasm-bindgen executor (as `mount_to` starts it) and a reactive owner that is never
/// disposed: stores' timers may still fire after the test that made them.
fn reactive_setup() {
    let doc = web_sys::window().and_then(|w| w.document()).expect("document");
    let div = doc.create_element("div").expect("div").unchecked_into::<web_sys::HtmlElement>();
    std::mem::forget(leptos::mount::mount_to(div, || ()));
    let owner = Owner::new();
    owner.set();
    std::mem::forget(owner);
}

fn stored(key: &str) -> Option<String> {
    LocalStorage::raw().get_item(key).ok().flatten()
}

fn stored_session(key: &str) -> Persisted {
    let raw = stored(key).unwrap_or_else(|| panic!("nothing stored under {key}"));
    Persisted::parse(&raw).expect("the stored value is a Persisted session")
}

/// Every key and value of localStorage and sessionStorage.
fn all_storage() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (area, s) in [("local", LocalStorage::raw()), ("session", SessionStorage::raw())] {
        for i in 0..s.length().unwrap_or(0) {
            if let Some(k) = s.key(i).ok().flatten() {
                let v = s.get_item(&k).ok().flatten().unwrap_or_default();
                out.push((format!("{area}:{k}"), v));
            }
        }
    }
    out
}

type Events = Arc<Mutex<Vec<AuthEvent>>>;

fn record(store: &AuthStore) -> Events {
    let events: Events = Arc::default();
    let sink = events.clone();
    store.on_event(move |e| sink.lock().unwrap().push(e));
    events
}

fn taken(events: &Events) -> Vec<AuthEvent> {
    std::mem::take(&mut *events.lock().unwrap())
}

fn refresh_token(store: &AuthStore) -> String {
    store.session_untracked().expect("signed in").refresh_token
}

fn is_signed_out(store: &AuthStore) -> bool {
    store.state().get_untracked() == AuthState::SignedOut
}

async fn signed_in_store(tag: &str, totp_secret: Option<&str>) -> (AuthStore, String, Vec<String>) {
    let email = unique_email(tag);
    let (_, factors) = create_user(&email, totp_secret, None).await;
    let store = AuthStore::new(config());
    store.sign_in_password(&email, PASSWORD).await.expect("sign-in through the store");
    (store, email, factors)
}

/// Challenges and verifies `factor_id` with the store's token; returns the aal2 response and
/// the code used.
async fn verify_totp(store: &AuthStore, factor_id: &str, secret: &str) -> (TokenResponse, String) {
    let token = store.access_token().await.expect("access token");
    let ch = store.__api().challenge(&token, factor_id).await.expect("challenge");
    let code = totp_now(secret).await;
    let resp = store.__api().verify_factor(&token, factor_id, &ch.id, &code).await.expect("verify");
    (resp, code)
}

// ---------------------------------------------------------------- tests

#[wasm_bindgen_test]
async fn sign_in_persists_under_the_configured_key_and_a_new_store_restores_it() {
    reactive_setup();
    let email = unique_email("persist");
    create_user(&email, None, None).await;
    let cfg = config();
    let key = cfg.storage_key().to_owned();
    let store = AuthStore::new(cfg.clone());
    assert!(is_signed_out(&store), "empty storage: signed out (not loading)");
    let events = record(&store);

    store.sign_in_password(&email, PASSWORD).await.expect("sign-in");
    assert!(store.is_signed_in().get_untracked());
    assert_eq!(store.email().get_untracked().as_deref(), Some(email.as_str()));
    assert_eq!(store.current_aal().get_untracked(), Some(Aal::Aal1));
    assert_eq!(taken(&events), [AuthEvent::SignedIn]);

    let session = store.session_untracked().expect("session");
    let p = stored_session(&key);
    assert_eq!(p.v, Persisted::VERSION);
    assert_eq!(p.access_token, session.access_token);
    assert_eq!(p.refresh_token, session.refresh_token);
    assert_eq!(p.user.id, session.user.id);
    assert!(stored("lsa.session.v1").is_none(), "nothing under the default key");

    // A reload: a new store on the same key is signed in with the same session.
    let reloaded = AuthStore::new(cfg);
    assert_eq!(reloaded.session_untracked(), Some(session));
    let user = reloaded.reload_user().await.expect("the restored token works on the server");
    assert_eq!(user.email, email);
}

/// A rolling deploy: a tab of a newer build stored its own format. This build reads it as
/// signed out but leaves it alone, so that the newer tab (and every other) stays signed in.
#[wasm_bindgen_test]
async fn a_newer_builds_session_is_left_alone() {
    reactive_setup();
    let (store, _, _) = signed_in_store("newer", None).await;
    let key = store.config().storage_key().to_owned();
    let mut newer = serde_json::from_str::<serde_json::Value>(
        &store.session_untracked().expect("session").to_persisted().to_json(),
    )
    .expect("json");
    newer["v"] = json!(Persisted::VERSION + 1);
    newer["something_new"] = json!({"a": 1});
    let text = newer.to_string();
    LocalStorage::raw().set_item(&key, &text).expect("set");
    let restored = AuthStore::new(config());
    assert!(is_signed_out(&restored), "not ours to read");
    assert_eq!(stored(&key).as_deref(), Some(text.as_str()), "not deleted on restore");
    store.__sync_from_storage();
    assert_eq!(stored(&key).as_deref(), Some(text.as_str()), "not deleted on sync");
    LocalStorage::delete(&key);
}

/// Storage the browser refuses (its getter throws, as with blocked site data): the store
/// works for this tab from memory and says that sessions will not survive a reload.
#[wasm_bindgen_test]
async fn blocked_storage_falls_back_to_memory_without_panicking() {
    reactive_setup();
    let email = unique_email("blocked");
    create_user(&email, None, None).await;
    let window = web_sys::window().expect("window");
    let win: &js_sys::Object = window.unchecked_ref();
    let blocked =
        js_sys::Function::new_no_args("throw new DOMException('blocked', 'SecurityError')");
    let descriptor = js_sys::Object::new();
    js_sys::Reflect::set(&descriptor, &"get".into(), &blocked).expect("getter");
    js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into()).expect("configurable");
    let originals: Vec<_> = ["localStorage", "sessionStorage"]
        .into_iter()
        .map(|area| {
            let own = js_sys::Object::get_own_property_descriptor(win, &area.into());
            js_sys::Object::define_property(win, &area.into(), &descriptor);
            (area, own)
        })
        .collect();
    assert!(js_sys::Reflect::get(win, &"localStorage".into()).is_err(), "the getter throws");

    let store = AuthStore::new(config());
    assert!(is_signed_out(&store));
    store.sign_in_password(&email, PASSWORD).await.expect("sign-in without storage");
    assert!(store.is_signed_in().get_untracked());
    assert!(!store.storage_persists(), "the UI is told sessions stay in this tab");
    // Step-up bookkeeping (sessionStorage) and refresh (the lock's lease) keep working too.
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    assert!(store.guard("x", &Requirement::AAL2, move || r.set(true)));
    store.refresh().await.expect("refresh without storage");
    store.sign_out(LogoutScope::Local).await.expect("sign-out without storage");
    assert!(is_signed_out(&store));

    // Put the real storage back for the other tests.
    for (area, own) in originals {
        if own.is_undefined() {
            js_sys::Reflect::delete_property(win, &area.into()).expect("restore");
        } else {
            js_sys::Object::define_property(win, &area.into(), own.unchecked_ref());
        }
    }
    assert!(window.local_storage().is_ok());
}

#[wasm_bindgen_test]
async fn corrupt_or_tampered_values_mean_signed_out_and_the_key_is_removed() {
    reactive_setup();
    let (store, _, _) = signed_in_store("tamper", None).await;
    let good = store.session_untracked().expect("session").to_persisted();
    let with = |f: &dyn Fn(&mut Persisted)| {
        let mut p = good.clone();
        f(&mut p);
        p.to_json()
    };
    let cases: Vec<(&str, String)> = vec![
        ("garbage JSON", "{not json".into()),
        ("wrong shape", r#"{"v":1,"hello":"world"}"#.into()),
        ("unknown old version", with(&|p| p.v = 0)),
        ("non-JWT access token", with(&|p| p.access_token = "not-a-jwt".into())),
        (
            "user id not matching sub",
            with(&|p| p.user.id = "00000000-0000-4000-8000-000000000000".into()),
        ),
        ("empty refresh token", with(&|p| p.refresh_token.clear())),
    ];
    let mut failures = Vec::new();
    for (name, value) in &cases {
        let cfg = config();
        let key = cfg.storage_key().to_owned();
        LocalStorage::raw().set_item(&key, value).expect("set");
        let restored = AuthStore::new(cfg);
        if !is_signed_out(&restored) {
            failures.push(format!("{name}: restored as {:?}", restored.state().get_untracked()));
        }
        if stored(&key).is_some() {
            failures.push(format!("{name}: key still in storage after restore"));
            LocalStorage::delete(&key);
        }
    }
    // The same through cross-tab sync on a signed-in store.
    let key = store.config().storage_key().to_owned();
    for (name, value) in &cases {
        LocalStorage::raw().set_item(&key, value).expect("set");
        let before = store.session_untracked();
        store.__sync_from_storage();
        if store.is_signed_in().get_untracked() {
            failures.push(format!("sync, {name}: still signed in"));
        }
        if stored(&key).is_some() {
            failures.push(format!("sync, {name}: key still in storage after sync"));
        }
        // Sign the store back in for the next case.
        if let Some(s) = before {
            LocalStorage::raw().set_item(&key, &s.to_persisted().to_json()).expect("set");
            store.__sync_from_storage();
        }
    }
    assert!(failures.is_empty(), "tampered values not cleaned up:\n{}", failures.join("\n"));
}

#[wasm_bindgen_test]
async fn no_code_nonce_or_secret_ever_lands_in_storage() {
    reactive_setup();
    let (store, email, _) = signed_in_store("secrets", None).await;
    let mut secrets = vec![PASSWORD.to_owned()];

    // TOTP enrolment: secret + URI shown once, a code verified.
    let token = store.access_token().await.expect("token");
    let enrolled = store.__api().enroll_totp(&token, "Authenticator").await.expect("enroll");
    let info = enrolled.totp.clone().expect("totp details");
    secrets.push(info.secret.clone());
    secrets.push(info.uri.clone());
    store.reload_user().await.expect("reload user with the unverified factor");
    let (raised, code) = verify_totp(&store, &enrolled.id, &info.secret).await;
    secrets.push(code);
    store.__adopt(raised, AuthEvent::MfaChallengeVerified).expect("aal2 session");
    assert_eq!(store.current_aal().get_untracked(), Some(Aal::Aal2));

    // A reauthentication nonce and a recovery code.
    let token = store.access_token().await.expect("token");
    store.__api().reauthenticate(&token).await.expect("reauthenticate");
    secrets.push(latest_mail_code(&email, "reauthentication").await);
    store.__api().recover(&email, None, None).await.expect("recover");
    let code = latest_mail_code(&email, "reset").await;
    let recovered =
        store.__api().verify_email_code(&email, &code, "recovery").await.expect("verify code");
    secrets.push(code);
    store.__adopt(recovered, AuthEvent::PasswordRecovery).expect("recovery session");
    store.reload_user().await.expect("reload");

    let everything = all_storage();
    assert!(
        everything.iter().any(|(k, _)| k.ends_with(store.config().storage_key())),
        "the session itself is stored: {everything:?}"
    );
    for (k, v) in &everything {
        for s in &secrets {
            assert!(!v.contains(s.as_str()) && !k.contains(s.as_str()), "{k} holds a secret ({s})");
        }
        assert!(!v.contains("otpauth://"), "{k} holds a TOTP URI");
    }
}

#[wasm_bindgen_test]
async fn refresh_rotates_the_refresh_token_and_emits_token_refreshed() {
    reactive_setup();
    let (store, _, _) = signed_in_store("refresh", None).await;
    let key = store.config().storage_key().to_owned();
    let events = record(&store);
    let before = store.session_untracked().expect("session");

    store.refresh().await.expect("refresh");
    let after = store.session_untracked().expect("still signed in");
    assert_ne!(after.refresh_token, before.refresh_token, "rotated");
    assert_eq!(after.claims.session_id, before.claims.session_id, "same session");
    assert_eq!(taken(&events), [AuthEvent::TokenRefreshed]);
    assert_eq!(stored_session(&key).refresh_token, after.refresh_token, "persisted");
    api().get_user(&after.access_token).await.expect("the new access token works");
}

#[wasm_bindgen_test]
async fn refresh_after_a_server_side_logout_signs_out_cleanly() {
    reactive_setup();
    let (store, _, _) = signed_in_store("gone", None).await;
    let key = store.config().storage_key().to_owned();
    let events = record(&store);
    let token = store.session_untracked().expect("session").access_token;
    api().logout(&token, LogoutScope::Global).await.expect("logout elsewhere");

    let err = store.refresh().await.expect_err("the session is gone");
    assert!(
        err.is(&ErrorCode::RefreshTokenNotFound) || err.is(&ErrorCode::SessionNotFound),
        "{err:?}"
    );
    assert!(is_signed_out(&store));
    assert!(stored(&key).is_none(), "storage cleared");
    assert_eq!(taken(&events), [AuthEvent::SignedOut]);
}

#[wasm_bindgen_test]
async fn a_transient_refresh_failure_keeps_the_session_and_retries_by_itself() {
    reactive_setup();
    let (store, _, _) = signed_in_store("retry", None).await;
    let key = store.config().storage_key().to_owned();
    let before = refresh_token(&store);
    let fault = json!({"path": "/auth/v1/token", "method": "POST", "status": 503});
    emu_post("/_emulator/faults", fault).await;

    let err = store.refresh().await.expect_err("the injected 503");
    assert!(err.is_network(), "{err:?}");
    assert!(store.is_signed_in().get_untracked(), "a transient failure keeps the session");
    assert_eq!(stored_session(&key).refresh_token, before, "and what is stored");

    // The retry timer refreshes without anyone calling refresh().
    let mut retried = false;
    for _ in 0..100 {
        sleep_ms(100).await;
        if refresh_token(&store) != before {
            retried = true;
            break;
        }
    }
    assert!(retried, "no retry within 10 s of a transient failure");
    assert_eq!(stored_session(&key).refresh_token, refresh_token(&store));
}

#[wasm_bindgen_test]
async fn sign_out_local_clears_storage_and_ends_the_server_session() {
    reactive_setup();
    let (store, email, _) = signed_in_store("signout", None).await;
    let key = store.config().storage_key().to_owned();
    let events = record(&store);
    let token = store.session_untracked().expect("session").access_token;
    assert!(stored(&key).is_some());

    store.sign_out(LogoutScope::Local).await.expect("sign out");
    assert!(is_signed_out(&store));
    assert!(stored(&key).is_none(), "storage cleared");
    assert_eq!(taken(&events), [AuthEvent::SignedOut]);
    let e = api().get_user(&token).await.expect_err("the server session ended");
    assert!(e.is(&ErrorCode::SessionNotFound), "{e:?}");

    // Signing out when the server already forgot the session still ends it here.
    store.sign_in_password(&email, PASSWORD).await.expect("sign in again");
    let token = store.session_untracked().expect("session").access_token;
    api().logout(&token, LogoutScope::Global).await.expect("logout elsewhere");
    store.sign_out(LogoutScope::Local).await.expect("sign out is ok");
    assert!(is_signed_out(&store));
    assert!(stored(&key).is_none());
}

#[wasm_bindgen_test]
async fn sync_from_storage_follows_another_tab() {
    reactive_setup();
    let email = unique_email("sync");
    create_user(&email, None, None).await;
    let cfg = config();
    let key = cfg.storage_key().to_owned();
    let tab_a = AuthStore::new(cfg.clone());
    let tab_b = AuthStore::new(cfg);
    let events_b = record(&tab_b);

    // Another tab signs in: this one adopts the session.
    tab_a.sign_in_password(&email, PASSWORD).await.expect("sign in in tab A");
    assert!(!tab_b.is_signed_in().get_untracked(), "no sync without an event");
    tab_b.__sync_from_storage();
    assert_eq!(tab_b.session_untracked(), tab_a.session_untracked());
    assert_eq!(taken(&events_b), [AuthEvent::SignedIn]);

    // Another tab refreshes: the new tokens are adopted as a refresh.
    tab_a.refresh().await.expect("refresh in tab A");
    tab_b.__sync_from_storage();
    assert_eq!(refresh_token(&tab_b), refresh_token(&tab_a));
    assert_eq!(taken(&events_b), [AuthEvent::TokenRefreshed]);

    // Unchanged storage: nothing happens.
    tab_b.__sync_from_storage();
    assert_eq!(taken(&events_b), []);

    // Another tab signs out (removes the key): this one signs out too.
    LocalStorage::delete(&key);
    tab_b.__sync_from_storage();
    assert!(is_signed_out(&tab_b));
    assert_eq!(taken(&events_b), [AuthEvent::SignedOut]);
}

#[wasm_bindgen_test]
async fn refresh_adopts_tokens_another_tab_already_rotated() {
    reactive_setup();
    let (tab_a, _, _) = signed_in_store("xtab", None).await;
    let tab_b = AuthStore::new(tab_a.config()); // restored: same tokens as A
    let original = refresh_token(&tab_b);

    // A rotates twice; B still holds the original token in memory (no storage event yet).
    tab_a.refresh().await.expect("refresh 1");
    tab_a.refresh().await.expect("refresh 2");
    assert_eq!(refresh_token(&tab_b), original);

    // B's refresh must take A's tokens from storage, not reuse its own (that would be a reuse
    // of a two-generations-old token: the server would revoke the whole session).
    tab_b.refresh().await.expect("refresh in tab B");
    assert_eq!(refresh_token(&tab_b), refresh_token(&tab_a));
    tab_a.refresh().await.expect("the session is still alive on the server");
    assert!(tab_a.is_signed_in().get_untracked());
}

#[wasm_bindgen_test]
async fn concurrent_refreshes_in_two_tabs_rotate_once() {
    reactive_setup();
    let (tab_a, _, _) = signed_in_store("flight", None).await;
    let tab_b = AuthStore::new(tab_a.config());
    let original = refresh_token(&tab_a);
    let done = Rc::new(Cell::new(None::<bool>));
    let flag = done.clone();
    wasm_bindgen_futures::spawn_local(async move {
        flag.set(Some(tab_b.refresh().await.is_ok()));
    });
    tab_a.refresh().await.expect("refresh in A");
    for _ in 0..100 {
        if done.get().is_some() {
            break;
        }
        sleep_ms(50).await;
    }
    assert_eq!(done.get(), Some(true), "B's refresh finished without error");
    assert!(tab_a.is_signed_in().get_untracked() && tab_b.is_signed_in().get_untracked());
    assert_ne!(refresh_token(&tab_a), original);
    assert_eq!(refresh_token(&tab_a), refresh_token(&tab_b), "both tabs hold the same tokens");
    api().refresh(&refresh_token(&tab_a)).await.expect("and that token is valid on the server");
}

#[wasm_bindgen_test]
async fn scheduled_refresh_fires_before_expiry_without_calling_refresh() {
    reactive_setup();
    let email = unique_email("timer");
    create_user(&email, None, None).await;
    // A stored session whose refresh is due in ~2 s: with a margin of a whole lifetime the
    // store refreshes half a lifetime early (the cap), so it expires half a lifetime + 2 s
    // from now.
    let cfg = config();
    let resp = api().sign_in_password(&email, PASSWORD).await.expect("sign in");
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let mut stored = leptos_supabase_auth::Session::from_response(resp, now).expect("session");
    stored.expires_at = now + stored.lifetime() / 2 + 2;
    let cfg = cfg.with_refresh_margin_secs(stored.lifetime());
    LocalStorage::raw()
        .set_item(cfg.storage_key(), &stored.to_persisted().to_json())
        .expect("store it");
    let store = AuthStore::new(cfg);
    let events = record(&store);
    let first = store.session_untracked().expect("restored");
    taken(&events);

    let mut refreshed = false;
    for _ in 0..40 {
        sleep_ms(250).await;
        if store.session_untracked().is_some_and(|s| s.refresh_token != first.refresh_token) {
            refreshed = true;
            break;
        }
    }
    // Stop the 2-second refresh loop before asserting.
    let now = store.session_untracked();
    store.__clear_session();
    assert!(refreshed, "no refresh within 10 s of a 2 s timer");
    let now = now.expect("still signed in");
    assert_ne!(now.access_token, first.access_token, "a new access token");
    assert_eq!(now.claims.session_id, first.claims.session_id);
    assert!(taken(&events).starts_with(&[AuthEvent::TokenRefreshed]));
}

#[wasm_bindgen_test]
async fn a_restored_session_about_to_expire_is_refreshed_at_once() {
    reactive_setup();
    let (tab_a, _, _) = signed_in_store("expiring", None).await;
    let cfg = tab_a.config();
    let mut p = tab_a.session_untracked().expect("session").to_persisted();
    tab_a.__clear_session();
    p.expires_at = (js_sys::Date::now() / 1000.0) as i64 + 5; // inside the 90 s margin
    LocalStorage::raw().set_item(cfg.storage_key(), &p.to_json()).expect("set");

    let store = AuthStore::new(cfg);
    assert!(store.is_signed_in().get_untracked());
    let mut refreshed = false;
    for _ in 0..40 {
        sleep_ms(100).await;
        if store.session_untracked().is_some_and(|s| s.refresh_token != p.refresh_token) {
            refreshed = true;
            break;
        }
    }
    assert!(refreshed, "the restored session was not refreshed");
    let token = store.access_token().await.expect("a valid access token");
    api().get_user(&token).await.expect("accepted by the server");
}

#[wasm_bindgen_test]
async fn step_up_guard_records_the_action_and_resume_runs_it_once() {
    reactive_setup();
    step_up::clear();
    let secret = random_secret();
    let (store, _, factors) = signed_in_store("stepup", Some(&secret)).await;
    assert_eq!(store.current_aal().get_untracked(), Some(Aal::Aal1));
    assert_eq!(store.next_aal().get_untracked(), Some(Aal::Aal2));

    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    let ran_now = store.guard("change-password", &Requirement::AAL2, move || r.set(true));
    assert!(!ran_now && !ran.get(), "not run at aal1");
    let pending = step_up::load().expect("a pending action in sessionStorage");
    assert_eq!(pending.id, "change-password");
    assert_eq!(pending.return_to, leptos_supabase_auth::__internal::browser::current_path());
    assert!(SessionStorage::raw().get_item(step_up::PENDING_KEY).ok().flatten().is_some());
    assert_eq!(
        store.resume_step_up("change-password", &Requirement::AAL2),
        Resume::Waiting,
        "still aal1"
    );
    assert!(step_up::load().is_some(), "resume at aal1 keeps it pending");

    let (raised, _) = verify_totp(&store, &factors[0], &secret).await;
    store.__adopt(raised, AuthEvent::MfaChallengeVerified).expect("aal2");
    assert_eq!(store.current_aal().get_untracked(), Some(Aal::Aal2));
    assert_eq!(
        store.resume_step_up("something-else", &Requirement::AAL2),
        Resume::Nothing,
        "another id"
    );
    assert_eq!(
        store.resume_step_up("change-password", &Requirement::AAL2),
        Resume::Run,
        "resumes once"
    );
    assert_eq!(
        store.resume_step_up("change-password", &Requirement::AAL2),
        Resume::Nothing,
        "and only once"
    );
    assert!(step_up::load().is_none());

    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    assert!(store.guard("change-password", &Requirement::AAL2, move || r.set(true)));
    assert!(ran.get(), "at aal2 the action runs at once");
    assert!(step_up::load().is_none());
}

#[wasm_bindgen_test]
async fn guard_runs_at_once_for_a_user_without_factors() {
    reactive_setup();
    step_up::clear();
    let (store, _, _) = signed_in_store("nofactor", None).await;
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    assert!(store.guard("x", &Requirement::within_minutes(5), move || r.set(true)));
    assert!(ran.get());
    assert!(step_up::load().is_none());
}

// ---------------------------------------------------------------- the localStorage lease

/// Records `tag:start` and `tag:end` around a 200 ms job.
async fn recorded_job(log: Rc<RefCell<Vec<String>>>, tag: &'static str) {
    log.borrow_mut().push([tag, ":start"].concat());
    sleep_ms(200).await;
    log.borrow_mut().push([tag, ":end"].concat());
}

#[wasm_bindgen_test]
async fn lease_fallback_runs_jobs_one_at_a_time_and_releases() {
    let name = ["lease-", &rand_digits(8)].concat();
    let key = ["lsa.lock.", &name].concat();
    let log = Rc::new(RefCell::new(Vec::new()));
    let done = Rc::new(Cell::new(false));
    let (l, d, n) = (log.clone(), done.clone(), name.clone());
    wasm_bindgen_futures::spawn_local(async move {
        with_lease(&n, || recorded_job(l, "b")).await;
        d.set(true);
    });
    with_lease(&name, || recorded_job(log.clone(), "a")).await;
    for _ in 0..100 {
        if done.get() {
            break;
        }
        sleep_ms(50).await;
    }
    let log = log.borrow().join(" ");
    assert!(
        log == "a:start a:end b:start b:end" || log == "b:start b:end a:start a:end",
        "the jobs overlapped: {log}"
    );
    assert!(LocalStorage::raw().get_item(&key).ok().flatten().is_none(), "the lease is released");
}

#[wasm_bindgen_test]
async fn lease_fallback_waits_for_another_tabs_lease_but_not_an_expired_one() {
    let name = ["lease-", &rand_digits(8)].concat();
    let key = ["lsa.lock.", &name].concat();
    let now = js_sys::Date::now();

    // Another tab's lease that has expired does not delay the job.
    LocalStorage::set(&key, json!({"owner": "other-tab", "until": now - 1.0})).expect("set");
    let started = js_sys::Date::now();
    with_lease(&name, || async {}).await;
    assert!(js_sys::Date::now() - started < 1_000.0, "an expired lease is taken over");

    // A live one is waited for until the other tab lets go.
    LocalStorage::set(&key, json!({"owner": "other-tab", "until": now + 10_000.0})).expect("set");
    let ran = Rc::new(Cell::new(false));
    let r = ran.clone();
    let n = name.clone();
    wasm_bindgen_futures::spawn_local(async move {
        with_lease(&n, || async move { r.set(true) }).await;
    });
    sleep_ms(500).await;
    assert!(!ran.get(), "the job waits while another tab holds the lease");
    LocalStorage::delete(&key);
    for _ in 0..40 {
        if ran.get() {
            break;
        }
        sleep_ms(50).await;
    }
    assert!(ran.get(), "the job runs once the other tab releases the lease");
}

// ---------------------------------------------------------------- rotation safety

/// How many refresh requests this page has sent so far (the browser's resource timing).
fn refreshes_sent() -> usize {
    let count = js_sys::Function::new_no_args(
        "performance.setResourceTimingBufferSize(100000); \
         return performance.getEntriesByType('resource')\
         .filter(e => e.name.includes('grant_type=refresh_token')).length",
    );
    count.call0(&JsValue::NULL).ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as usize
}

/// Another tab rotated the refresh token (this page gets no storage event for its own writes,
/// so the store keeps a stale copy); writing the user in the stale store must keep the newer
/// token, and the next refresh must work instead of burning the session.
#[wasm_bindgen_test]
async fn a_stale_store_writing_its_user_keeps_the_rotated_token() {
    reactive_setup();
    let (store, _, _) = signed_in_store("stale", None).await;
    let key = store.config().storage_key().to_owned();
    let old = store.session_untracked().expect("session");
    sleep_ms(1_100).await; // the rotated token must be issued in a later second
    let rotated = api().refresh(&old.refresh_token).await.expect("the other tab's refresh");
    let newer = leptos_supabase_auth::Session::from_response(
        rotated,
        (js_sys::Date::now() / 1000.0) as i64,
    )
    .expect("session");
    LocalStorage::raw()
        .set_item(&key, &newer.to_persisted().to_json())
        .expect("the other tab stores it");
    assert_eq!(store.session_untracked().map(|s| s.refresh_token), Some(old.refresh_token.clone()));

    store.reload_user().await.expect("reload the user in the stale tab");
    let p = stored_session(&key);
    assert_eq!(p.refresh_token, newer.refresh_token, "the rotated token stays stored");
    assert_eq!(
        store.session_untracked().map(|s| s.refresh_token),
        Some(newer.refresh_token.clone())
    );
    store.refresh().await.expect("the next refresh uses the rotated token");
    assert!(store.is_signed_in().get_untracked(), "still signed in");
    assert_ne!(stored_session(&key).refresh_token, newer.refresh_token, "rotated once more");
}

/// Several callers waiting for the lock make one refresh, not one each.
#[wasm_bindgen_test]
async fn concurrent_refreshes_rotate_once() {
    reactive_setup();
    let (store, _, _) = signed_in_store("single", None).await;
    let before = refreshes_sent();
    let (a, b, c) = futures_join3(store.refresh(), store.refresh(), store.refresh()).await;
    a.and(b).and(c).expect("every caller succeeds");
    assert_eq!(refreshes_sent() - before, 1, "one request for three callers");
    assert!(store.is_signed_in().get_untracked());
}

/// A user read answered late, after the last factor was removed and the token refreshed to
/// `aal1`, carries the old factor list: applied, it would put the session back at "second factor
/// pending" and send the user to the step-up page. The store drops it.
#[wasm_bindgen_test]
async fn a_late_user_read_does_not_undo_a_factor_removal() {
    reactive_setup();
    let secret = random_secret();
    let (store, _, factors) = signed_in_store("late-read", Some(&secret)).await;
    let (raised, _) = verify_totp(&store, &factors[0], &secret).await;
    store.__adopt(raised, AuthEvent::MfaChallengeVerified).expect("aal2 session");
    let fault = json!({"path": "/auth/v1/user", "method": "GET", "hold_ms": 2_000});
    emu_post("/_emulator/faults", fault).await;

    let arrived = Cell::new(false);
    let read = async {
        let user = store.reload_user().await;
        arrived.set(true);
        user
    };
    let removal = async {
        sleep_ms(200).await; // the read has been answered by now, and is on its way
        let token = store.access_token().await.expect("token");
        store.__api().unenroll(&token, &factors[0]).await.expect("unenroll");
        store.refresh().await.expect("refresh to aal1");
        assert!(store.factors().get_untracked().is_empty(), "the refresh brought the new user");
        assert!(!arrived.get(), "the read is still on its way (else this proves nothing)");
    };
    let (late, (), ()) = futures_join3(read, removal, async {}).await;
    let late = late.expect("the late read itself succeeds");
    assert_eq!(late.factors.len(), 1, "the late answer is the old one (else this proves nothing)");
    assert!(store.factors().get_untracked().is_empty(), "the old factor list was not applied");
    assert_eq!(store.current_aal().get_untracked(), Some(Aal::Aal1));
    assert!(store.is_signed_in().get_untracked(), "signed in, not sent to a step-up");

    // A read that starts after the change is applied as usual.
    store.reload_user().await.expect("reload");
    assert!(store.is_signed_in().get_untracked());
}

/// A refresh whose request hangs gives up after the request timeout and releases the lock:
/// the next refresh goes through.
#[wasm_bindgen_test]
async fn a_hung_refresh_times_out_and_releases_the_lock() {
    reactive_setup();
    let (store, _, _) = signed_in_store("hung", None).await;
    let fault = json!({"path": "/auth/v1/token", "delay_ms": 60_000, "count": 1});
    emu_post("/_emulator/faults", fault).await;
    let started = js_sys::Date::now();
    let err = store.refresh().await.expect_err("the hung request gives up");
    let waited = js_sys::Date::now() - started;
    assert!(err.is_network(), "{err:?}");
    assert!((14_000.0..30_000.0).contains(&waited), "gave up after {waited} ms");
    assert!(store.is_signed_in().get_untracked(), "a timeout keeps the session");
    store.refresh().await.expect("the lock was released: the next refresh works");
}

/// A request the store gives up on (its timeout) is aborted in the browser, not left running
/// to act later: the emulator holds a sign-out 16 s, past the 15 s timeout; once the hold is
/// over, the session still works on the server, and here.
#[wasm_bindgen_test]
async fn a_timed_out_request_is_aborted() {
    reactive_setup();
    let (store, _, _) = signed_in_store("abort", None).await;
    let token = store.session_untracked().expect("signed in").access_token;
    let fault = json!({"path": "/auth/v1/logout", "method": "POST", "delay_ms": 16_000});
    emu_post("/_emulator/faults", fault).await;
    // Global: a local sign-out ends the session here whatever the server says.
    let err = store.sign_out(LogoutScope::Global).await.expect_err("the held sign-out gives up");
    assert!(err.is_network(), "{err:?}");
    assert!(store.is_signed_in().get_untracked(), "a timeout keeps the session");
    sleep_ms(2_000).await; // the hold is over: a request still running would have signed out
    api().get_user(&token).await.expect("the sign-out never reached the server");
}

/// Polls three futures to completion together (no extra dependency).
async fn futures_join3<A: std::future::Future, B: std::future::Future, C: std::future::Future>(
    a: A,
    b: B,
    c: C,
) -> (A::Output, B::Output, C::Output) {
    use std::task::Poll;
    let (mut a, mut b, mut c) = (Box::pin(a), Box::pin(b), Box::pin(c));
    let (mut ra, mut rb, mut rc) = (None, None, None);
    std::future::poll_fn(|cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        if rc.is_none() {
            if let Poll::Ready(v) = c.as_mut().poll(cx) {
                rc = Some(v);
            }
        }
        if ra.is_some() && rb.is_some() && rc.is_some() {
            Poll::Ready((ra.take().unwrap(), rb.take().unwrap(), rc.take().unwrap()))
        } else {
            Poll::Pending
        }
    })
    .await
}

/// Replaces `Storage.prototype.setItem` with one that throws `QuotaExceededError` (a host that
/// filled `localStorage`); returns the original to put back.
fn fill_storage() -> JsValue {
    let ctor = js_sys::Reflect::get(&js_sys::global(), &"Storage".into()).expect("Storage");
    let proto = js_sys::Reflect::get(&ctor, &"prototype".into()).expect("prototype");
    let original = js_sys::Reflect::get(&proto, &"setItem".into()).expect("setItem");
    let full = js_sys::Function::new_no_args(
        "throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')",
    );
    js_sys::Reflect::set(&proto, &"setItem".into(), &full).expect("replace setItem");
    original
}

fn unfill_storage(original: JsValue) {
    let ctor = js_sys::Reflect::get(&js_sys::global(), &"Storage".into()).expect("Storage");
    let proto = js_sys::Reflect::get(&ctor, &"prototype".into()).expect("prototype");
    js_sys::Reflect::set(&proto, &"setItem".into(), &original).expect("put setItem back");
}

/// Issue 30: a full `localStorage` (`setItem` throws `QuotaExceededError`). The refreshed
/// session this tab could not write must still be what it reads: the older stored copy (whose
/// refresh token is spent) never comes back, and the user stays signed in.
#[wasm_bindgen_test]
async fn a_session_that_could_not_be_written_is_what_this_tab_reads() {
    reactive_setup();
    let (store, _, _) = signed_in_store("quota", None).await;
    let key = store.config().storage_key().to_owned();
    let first = refresh_token(&store);
    let original = fill_storage();
    assert!(LocalStorage::raw().set_item("lsa.test.probe", "x").is_err(), "storage is full");

    let refreshed = store.refresh().await;
    let second = refresh_token(&store);
    let stored_then = stored_session(&key).refresh_token;
    // Any storage event makes the tab read the stored session again.
    store.__sync_from_storage();
    let after_sync = refresh_token(&store);
    let again = store.refresh().await;
    let signed_in = store.is_signed_in().get_untracked();
    unfill_storage(original);

    refreshed.expect("refresh with full storage");
    assert_ne!(second, first, "rotated");
    assert_eq!(stored_then, first, "the browser still holds the older copy");
    assert_eq!(after_sync, second, "this tab reads the copy it could not write");
    again.expect("the next refresh uses the newest token");
    assert!(signed_in, "still signed in");
    // Once writes work again, the stored copy catches up and the shadow goes.
    store.refresh().await.expect("refresh with room in storage");
    assert_eq!(stored_session(&key).refresh_token, refresh_token(&store));
}

/// Issue 30: tabs A1 and A2 (user X) are stale; tab B signs in user Y. A1's late user read and
/// A2's late refresh answer must not write X over Y: they take Y over instead, storage keeps Y.
#[wasm_bindgen_test]
async fn a_stale_tab_never_writes_its_user_over_another_tabs_user() {
    reactive_setup();
    let (tab_a1, _, _) = signed_in_store("stale-x", None).await;
    let key = tab_a1.config().storage_key().to_owned();
    let tab_a2 = AuthStore::new(tab_a1.config()); // restored: X
    let y_email = unique_email("stale-y");
    create_user(&y_email, None, None).await;
    let x = tab_a1.session_untracked().expect("x");
    // Answers in flight for X while tab B switches to Y.
    let late_user = api().get_user(&x.access_token).await.expect("X's user");
    let late_refresh = api().refresh(&x.refresh_token).await.expect("X's refresh");
    let tab_b = AuthStore::new(tab_a1.config());
    tab_b.sign_in_password(&y_email, PASSWORD).await.expect("tab B signs in Y");
    let y_text = stored(&key).expect("Y stored");

    tab_a1.__set_user(late_user);
    assert_eq!(stored(&key).as_deref(), Some(y_text.as_str()), "the late user read kept Y");
    assert_eq!(tab_a1.email().get_untracked().as_deref(), Some(y_email.as_str()), "A1 follows");

    tab_a2.__adopt(late_refresh, AuthEvent::TokenRefreshed).expect("late refresh answer");
    assert_eq!(stored(&key).as_deref(), Some(y_text.as_str()), "the late refresh kept Y");
    assert_eq!(tab_a2.email().get_untracked().as_deref(), Some(y_email.as_str()), "A2 follows");
}

/// Issue 30: signing out here while the server cannot be reached still ends the session here.
#[wasm_bindgen_test]
async fn a_local_sign_out_that_fails_on_the_network_still_ends_the_session_here() {
    reactive_setup();
    let (store, _, _) = signed_in_store("offline-out", None).await;
    let key = store.config().storage_key().to_owned();
    // Chromium sends a request again once when a reused connection closes unanswered, so a
    // single dropped answer would be no failure at all: drop a few.
    let fault = json!({"path": "/auth/v1/logout", "method": "POST", "drop": true, "count": 5});
    emu_post("/_emulator/faults", fault).await;
    let _ = store.sign_out(LogoutScope::Local).await;
    assert!(is_signed_out(&store), "signed out here");
    assert!(stored(&key).is_none(), "nothing stored");
}
