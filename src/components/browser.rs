//! Small browser helpers shared by components and the store (timers, focus, location).

/// Resolves after `ms` milliseconds (a `setTimeout` promise).
///
/// ```no_run
/// # async fn retry_later() {
/// use leptos_supabase_auth::components::browser::sleep_ms;
/// sleep_ms(250).await; // a `setTimeout` of 250 ms
/// # }
/// ```
#[cfg(target_arch = "wasm32")]
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Off the browser: returns at once.
///
/// ```
/// use leptos_supabase_auth::components::browser::sleep_ms;
/// use std::{future::Future, pin::pin, task::{Context, Waker}};
/// let mut cx = Context::from_waker(Waker::noop());
/// assert!(pin!(sleep_ms(60_000)).poll(&mut cx).is_ready()); // no waiting off the browser
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub async fn sleep_ms(_ms: i32) {}

/// Moves keyboard focus to the element with this id (used for step headings).
///
/// ```no_run
/// use leptos::prelude::request_animation_frame;
/// use leptos_supabase_auth::components::browser::focus_id;
/// // After switching steps, focus the new step's heading once it is in the page.
/// request_animation_frame(|| focus_id("lsa-heading"));
/// ```
pub fn focus_id(id: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = id;
}

/// The page origin, e.g. `http://127.0.0.1:54321` (empty off the browser).
///
/// ```
/// use leptos_supabase_auth::components::browser::origin;
/// // An absolute `redirect_to` for emailed links: `https://app.example.com/account/confirm`
/// // in the browser; off the browser the origin is empty.
/// let redirect_to = [origin().as_str(), "/account/confirm"].concat();
/// assert_eq!(redirect_to, "/account/confirm");
/// ```
pub fn origin() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    String::new()
}

/// The current path with query and fragment, e.g. `/billing?tab=1` (`/` off the browser).
///
/// ```
/// use leptos_supabase_auth::{components::browser::current_path, AuthRoute};
/// // Sign in, then come back here (`/billing?tab=1` in the browser; `/` off it).
/// let sign_in = AuthRoute::SignIn.path_with_next("/account", &current_path());
/// assert_eq!(sign_in, "/account/sign-in?next=%2F");
/// ```
pub fn current_path() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let loc = web_sys::window().map(|w| w.location());
        if let Some(loc) = loc {
            let part = |r: Result<String, _>| r.unwrap_or_default();
            return [part(loc.pathname()), part(loc.search()), part(loc.hash())].concat();
        }
    }
    "/".into()
}
