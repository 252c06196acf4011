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

/// Off the browser: returns at once.
#[cfg(not(target_arch = "wasm32"))]
pub async fn sleep_ms(_ms: i32) {}

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
