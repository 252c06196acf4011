//! Real components mounted into the DOM of headless Chromium: the app shell (`app::App`, with its
//! `<Router>` and `<AuthProvider>`), the auth routes, restore from storage, cross-tab sign-out.
//!
//! Elements are found by role, label or text, as a user would. Needs `EMULATOR_URL` at compile
//! time (scripts/test.sh sets it).
#![cfg(target_arch = "wasm32")]

mod support;

use gloo_storage::{LocalStorage, Storage};
use leptos_supabase_auth::Session;
use leptos_supabase_auth::{AuthConfig, AuthRoute, Strings};
use support::{api, create_user, emulator, sleep_ms, unique_email, PASSWORD};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

const S: &Strings = &Strings::EN;

// ---------------------------------------------------------------- helpers (see also support/)

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("document")
}

fn default_key() -> String {
    AuthConfig::new("http://x", "k").storage_key().to_owned()
}

/// The app mounted at `path` in a fresh container; unmounted and the URL restored on drop.
struct Mounted {
    container: HtmlElement,
    handle: Option<Box<dyn std::any::Any>>,
    original_url: String,
    meta: Vec<Element>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        drop(self.handle.take());
        self.container.remove();
        for m in self.meta.drain(..) {
            m.remove();
        }
        let _ = web_sys::window()
            .expect("window")
            .history()
            .expect("history")
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&self.original_url));
    }
}

/// Mounts `leptos_supabase_auth::app::App` at `path`. With `backend`, `<meta name="supabase-url">`
/// points the app at the emulator first, with the `supabase-anon-key` a cross-origin backend needs
/// (the test page and the emulator are different origins).
fn mount_app(path: &str, backend: bool) -> Mounted {
    let window = web_sys::window().expect("window");
    let loc = window.location();
    let original_url =
        [loc.pathname().unwrap_or_default(), loc.search().unwrap_or_default()].concat();
    window
        .history()
        .expect("history")
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
        .expect("replaceState");
    let doc = document();
    // A failed test never drops its `Mounted` (no unwinding in wasm): clear what it left.
    for name in ["supabase-url", "supabase-anon-key"] {
        let selector = ["meta[name=\"", name, "\"]"].concat();
        while let Some(old) = doc.query_selector(&selector).ok().flatten() {
            old.remove();
        }
    }
    let add_meta = |name: &str, content: &str| {
        let m = doc.create_element("meta").expect("meta");
        m.set_attribute("name", name).expect("attr");
        m.set_attribute("content", content).expect("attr");
        doc.head().expect("head").append_child(&m).expect("append");
        m
    };
    let meta = if backend {
        vec![add_meta("supabase-url", emulator()), add_meta("supabase-anon-key", "test-anon-key")]
    } else {
        Vec::new()
    };
    let container = doc.create_element("div").expect("div").unchecked_into::<HtmlElement>();
    doc.body().expect("body").append_child(&container).expect("append");
    let handle = leptos::mount::mount_to(container.clone(), leptos_supabase_auth::app::App);
    Mounted { container, handle: Some(Box::new(handle)), original_url, meta }
}

fn text(el: &Element) -> String {
    el.text_content().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn all(root: &Element, tag: &str) -> Vec<Element> {
    let list = root.get_elements_by_tag_name(tag);
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

/// Waits (up to 3 s) until `f` finds something.
async fn find<T>(mut f: impl FnMut() -> Option<T>) -> Option<T> {
    for _ in 0..60 {
        if let Some(x) = f() {
            return Some(x);
        }
        sleep_ms(50).await;
    }
    None
}

async fn heading(m: &Mounted) -> String {
    let h = find(|| all(&m.container, "h1").into_iter().next()).await;
    text(&h.expect("a level-1 heading"))
}

/// A link (role link) by its visible text.
fn link(m: &Mounted, label: &str) -> Option<Element> {
    all(&m.container, "a").into_iter().find(|a| text(a) == label)
}

/// The input a `<label>` with this visible text points at (`for`), like `getByLabelText`.
fn input_by_label(m: &Mounted, label: &str) -> Option<HtmlInputElement> {
    let l = all(&m.container, "label").into_iter().find(|l| text(l) == label)?;
    let id = l.get_attribute("for")?;
    document().get_element_by_id(&id)?.dyn_into::<HtmlInputElement>().ok()
}

/// A button (role button) by its visible text.
fn button(m: &Mounted, label: &str) -> Option<HtmlElement> {
    all(&m.container, "button").into_iter().find(|b| text(b) == label).map(|b| b.unchecked_into())
}

/// Types `value` into `input` as a user would: the value, then a bubbling `input` event.
fn type_into(input: &HtmlInputElement, value: &str) {
    use wasm_bindgen::JsValue;
    input.set_value(value);
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"bubbles".into(), &JsValue::TRUE).expect("init");
    let ctor = js_sys::Reflect::get(&js_sys::global(), &"InputEvent".into()).expect("InputEvent");
    let args = js_sys::Array::of2(&"input".into(), &init);
    let event = js_sys::Reflect::construct(ctor.unchecked_ref::<js_sys::Function>(), &args)
        .expect("new InputEvent");
    input.dispatch_event(event.unchecked_ref()).expect("dispatch");
}

/// Whether `el` is rendered and not hidden (`hidden` on it or an ancestor).
fn visible(el: &Element) -> bool {
    el.closest("[hidden]").ok().flatten().is_none()
        && el.unchecked_ref::<HtmlElement>().offset_width() > 0
}

// ---------------------------------------------------------------- tests

#[wasm_bindgen_test]
async fn the_app_shell_renders_the_home_page_signed_out() {
    LocalStorage::delete(default_key());
    let m = mount_app("/", false);
    assert_eq!(heading(&m).await, S.home_title);
    let root = m.container.query_selector("main").ok().flatten().expect("a <main> landmark");
    assert!(root.class_list().contains("lsa-root"));
    let sign_in = link(&m, S.sign_in_title).expect("a Sign in link");
    assert_eq!(sign_in.get_attribute("href").as_deref(), Some("/auth/sign-in"));
    let forgot = link(&m, S.forgot_password).expect("a Forgot your password link");
    assert_eq!(forgot.get_attribute("href").as_deref(), Some("/auth/recover"));
    assert!(link(&m, S.security_link).is_none(), "no security link when signed out");
}

#[wasm_bindgen_test]
async fn every_auth_route_renders_a_page_and_unknown_paths_say_not_found() {
    LocalStorage::delete(default_key());
    for route in AuthRoute::ALL {
        let path = route.path("/auth");
        let m = mount_app(&path, false);
        let h = heading(&m).await;
        assert!(!h.is_empty(), "{path}: empty heading");
        assert_ne!(h, S.not_found, "{path} is not routed");
    }
    let m = mount_app("/auth/no-such-page", false);
    assert_eq!(heading(&m).await, S.not_found);
    let home = link(&m, S.home_title).expect("a link home");
    assert_eq!(home.get_attribute("href").as_deref(), Some("/"));
}

#[wasm_bindgen_test]
async fn a_corrupt_stored_session_still_renders_and_the_key_is_removed() {
    let key = default_key();
    LocalStorage::raw().set_item(&key, "{\"v\":1,\"access_token\":").expect("set");
    let m = mount_app("/", false);
    assert_eq!(heading(&m).await, S.home_title);
    assert!(link(&m, S.sign_in_title).is_some(), "rendered signed out");
    assert!(LocalStorage::raw().get_item(&key).ok().flatten().is_none(), "corrupt value removed");
}

#[wasm_bindgen_test]
async fn a_stored_session_renders_signed_in_until_another_tab_signs_out() {
    let email = unique_email("session");
    create_user(&email, None, None).await;
    let tokens = api().sign_in_password(&email, PASSWORD).await.expect("sign in");
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let session = Session::from_response(tokens, now).expect("session");
    let key = default_key();
    LocalStorage::raw()
        .set_item(&key, &session.to_persisted().to_json())
        .expect("store the session");

    let m = mount_app("/", true);
    assert_eq!(heading(&m).await, S.home_title);
    let banner = S.signed_in_as.replace("{email}", &email);
    let shown = find(|| all(&m.container, "p").into_iter().find(|p| text(p) == banner)).await;
    assert!(shown.is_some(), "the signed-in banner {banner:?} is shown");
    let security = link(&m, S.security_link).expect("a security settings link");
    assert_eq!(security.get_attribute("href").as_deref(), Some("/auth/security"));
    assert!(link(&m, S.sign_in_title).is_none());

    // Another tab signs out: the key goes and a `storage` event arrives.
    LocalStorage::delete(&key);
    let event = web_sys::StorageEvent::new("storage").expect("event");
    web_sys::window().expect("window").dispatch_event(&event).expect("dispatch");
    let signed_out = find(|| link(&m, S.sign_in_title)).await;
    assert!(signed_out.is_some(), "the page follows the other tab's sign-out");
    assert!(link(&m, S.security_link).is_none());
}

#[wasm_bindgen_test]
async fn the_sign_in_form_has_labelled_fields_with_autocomplete() {
    LocalStorage::delete(default_key());
    let m = mount_app("/auth/sign-in", false);
    assert_eq!(heading(&m).await, S.sign_in_title);
    let email = find(|| input_by_label(&m, S.email_label)).await.expect("a field labelled Email");
    assert_eq!(email.get_attribute("autocomplete").as_deref(), Some("email webauthn"));
    assert_eq!(email.type_(), "email");
    assert!(!email.disabled() && visible(&email));
    let label = all(&m.container, "label").into_iter().find(|l| text(l) == S.email_label);
    assert!(label.is_some_and(|l| visible(&l)), "the Email label is visible");

    let password = input_by_label(&m, S.password_label).expect("a field labelled Password");
    assert_eq!(password.type_(), "password");
    assert_eq!(password.get_attribute("autocomplete").as_deref(), Some("current-password"));
    let submit = button(&m, S.sign_in_button).expect("a Sign in button");
    assert_eq!(submit.get_attribute("type").as_deref(), Some("submit"));
    let forgot = link(&m, S.forgot_password).expect("a link to recovery");
    assert_eq!(forgot.get_attribute("href").as_deref(), Some("/auth/recover"));
}

#[wasm_bindgen_test]
async fn signing_in_through_the_form_reaches_the_home_page() {
    LocalStorage::delete(default_key());
    let email = unique_email("form");
    create_user(&email, None, None).await;
    let m = mount_app("/auth/sign-in", true);
    let email_input = find(|| input_by_label(&m, S.email_label)).await.expect("Email field");
    let password_input = input_by_label(&m, S.password_label).expect("Password field");

    // A wrong password: an alert, still on the form.
    type_into(&email_input, &email);
    type_into(&password_input, "wrong-password");
    button(&m, S.sign_in_button).expect("button").click();
    let alert = find(|| {
        all(&m.container, "div")
            .into_iter()
            .find(|d| d.get_attribute("role").as_deref() == Some("alert") && !text(d).is_empty())
    })
    .await;
    assert!(alert.is_some(), "an alert explains the failure");
    assert!(LocalStorage::raw().get_item(&default_key()).ok().flatten().is_none());

    // The right one: signed in, stored, and on to the home page.
    let password_input = input_by_label(&m, S.password_label).expect("Password field");
    type_into(&password_input, PASSWORD);
    button(&m, S.sign_in_button).expect("button").click();
    let banner = S.signed_in_as.replace("{email}", &email);
    let shown = find(|| all(&m.container, "p").into_iter().find(|p| text(p) == banner)).await;
    assert!(shown.is_some(), "the home page shows {banner:?}");
    assert!(LocalStorage::raw().get_item(&default_key()).ok().flatten().is_some());
    LocalStorage::delete(default_key());
}
