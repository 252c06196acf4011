//! Small browser helpers shared by components and the store (timers, focus, location).

/// Resolves after `ms` milliseconds (a `setTimeout` promise).
#[cfg(target_arch = "wasm32")]
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Moves keyboard focus to the element with this id (used for step headings).
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
pub fn origin() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    String::new()
}

/// Leaves the app for `url` (another site: a provider's sign-in page).
#[cfg(feature = "social")]
pub fn leave_for(url: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(url);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = url;
}

/// The page's host name, e.g. `localhost` (empty off the browser): its WebAuthn relying party.
#[cfg_attr(not(feature = "webauthn"), allow(dead_code))]
pub fn hostname() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.location().hostname().ok()).unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    String::new()
}

/// The current path with query and fragment, e.g. `/billing?tab=1` (`/` off the browser).
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

/// Waits for `fut` at most `ms` milliseconds: `None` when it took longer (the future is
/// dropped, so whatever it held, such as the cross-tab refresh lock, is released).
pub async fn timeout<T>(ms: i32, fut: impl std::future::Future<Output = T>) -> Option<T> {
    #[cfg(target_arch = "wasm32")]
    {
        use std::future::Future;
        use std::task::Poll;
        let mut fut = std::pin::pin!(fut);
        let mut timer = std::pin::pin!(sleep_ms(ms));
        std::future::poll_fn(|cx| {
            if let Poll::Ready(v) = fut.as_mut().poll(cx) {
                return Poll::Ready(Some(v));
            }
            timer.as_mut().poll(cx).map(|()| None)
        })
        .await
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = ms;
        Some(fut.await)
    }
}
