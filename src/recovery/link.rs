//! The address an emailed link opened the page with. In the standalone app `web/boot.js` takes
//! the link's token (`token_hash`, a PKCE `code`, tokens in the fragment) out of the address
//! bar before the page makes any request, and leaves the whole link to the app in the global
//! `__lsaLink`: read here once and deleted, so it lives in memory only. Hosts, which load the
//! app their own way, land with the token in the address bar (the landing page then removes it).

/// The landing page's address: the link `boot.js` kept when it is for this page (`here`'s
/// path), else `here`. The kept link is gone after the first call.
pub(crate) fn landing(here: String) -> String {
    match take_kept() {
        Some(link) if path(&link) == path(&here) => link,
        _ => here,
    }
}

/// Removes a link's tokens from the address bar and the history entry (a host's page lands
/// with them there).
pub(crate) fn forget_tokens() {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        let path = w.location().pathname().unwrap_or_default();
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
}

/// The path of `address` (before its query or fragment).
fn path(address: &str) -> &str {
    address.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/')
}

/// `__lsaLink`, deleted.
fn take_kept() -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        let window = web_sys::window()?;
        let key = wasm_bindgen::JsValue::from_str("__lsaLink");
        let link = js_sys::Reflect::get(&window, &key).ok()?.as_string();
        let _ = js_sys::Reflect::delete_property(&window, &key);
        link
    }
    #[cfg(not(target_arch = "wasm32"))]
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_link_is_for_the_page_at_its_path() {
        assert_eq!(super::path("/auth/confirm?token_hash=x#a=b"), "/auth/confirm");
        assert_eq!(super::path("/auth/confirm/#access_token=x"), "/auth/confirm");
        assert_eq!(super::path("/auth/confirm"), "/auth/confirm");
        assert_eq!(super::landing("/auth/confirm".into()), "/auth/confirm", "nothing kept");
    }
}
