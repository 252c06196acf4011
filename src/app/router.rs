//! The standalone app's router, in place of `leptos_router` (whose code is about a tenth of the
//! first load: 36 KB brotli): the page is chosen from the address bar's path; the store's
//! navigation and clicks on this origin's links push history entries; Back and Forward follow
//! them. Hosts keep their own router ([`crate::AuthProvider`] navigates with it).

use crate::platform::browser::current_path;
use crate::session::{provide_store, Nav};
use crate::{AuthConfig, AuthRoute};
use leptos::prelude::*;

/// What the address bar's path shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Page {
    /// `/`.
    Home,
    /// A page of the auth section.
    Auth(AuthRoute),
    /// Anything else.
    NotFound,
}

impl Page {
    /// The page at `pathname`, with the auth pages under `base`.
    pub(super) fn at(base: &str, pathname: &str) -> Page {
        if pathname == "/" || pathname.is_empty() {
            return Page::Home;
        }
        AuthRoute::from_path(base, pathname).map_or(Page::NotFound, Page::Auth)
    }
}

/// Provides the store with this router's navigation and returns the current page, tracked.
pub(super) fn provide(config: AuthConfig) -> Memo<Page> {
    let (path, search) = (RwSignal::new(location_path()), RwSignal::new(location_search()));
    let moved = move || {
        path.set(location_path());
        search.set(location_search());
    };
    let go = move |to: &str, replace: bool| {
        if push(to, replace || to == current_path()).is_err() {
            // Not a path of this origin: leave the app only for an address given as one.
            if may_leave(to) {
                let _ = window().location().assign(to);
            }
            return;
        }
        if !replace && !to.contains('#') {
            window().scroll_to_with_x_and_y(0.0, 0.0);
        }
        moved();
    };
    let nav = Nav { go: Box::new(go), here: Box::new(current_path), search: search.into() };
    let store = provide_store(config, nav);
    #[cfg(target_arch = "wasm32")]
    {
        let popstate = window_event_listener(leptos::ev::popstate, move |_| moved());
        let click = window_event_listener(leptos::ev::click, move |ev| {
            if let Some(to) = link_target(&ev) {
                ev.prevent_default();
                go(&to, false);
            }
        });
        on_cleanup(move || {
            popstate.remove();
            click.remove();
        });
    }
    let base = store.config().base;
    Memo::new(move |_| Page::at(&base, &path.get()))
}

/// Whether the app may leave for `to` once the history refused it (another origin): only for
/// an absolute `http(s)` address. A path that browsers resolve to another origin
/// (`/\evil.example/`, `//evil.example`) goes nowhere.
pub(super) fn may_leave(to: &str) -> bool {
    let scheme_ok = ["https://", "http://"]
        .iter()
        .any(|p| to.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)));
    scheme_ok && !to.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control())
}

fn location_path() -> String {
    window().location().pathname().unwrap_or_default()
}

fn location_search() -> String {
    window().location().search().unwrap_or_default()
}

fn push(to: &str, replace: bool) -> Result<(), wasm_bindgen::JsValue> {
    let history = window().history()?;
    let none = wasm_bindgen::JsValue::NULL;
    if replace {
        history.replace_state_with_url(&none, "", Some(to))
    } else {
        history.push_state_with_url(&none, "", Some(to))
    }
}

/// Where a click on a link goes, when the app should follow it itself: a plain left click on
/// an `<a href>` of this origin that opens here, and not only a fragment of this page.
#[cfg(target_arch = "wasm32")]
fn link_target(ev: &web_sys::MouseEvent) -> Option<String> {
    use wasm_bindgen::JsCast;
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.alt_key()
        || ev.ctrl_key()
        || ev.shift_key()
    {
        return None;
    }
    let target: web_sys::Element = ev.target()?.dyn_into().ok()?;
    let a: web_sys::HtmlAnchorElement = target.closest("a[href]").ok()??.dyn_into().ok()?;
    let opens_here = matches!(a.target().as_str(), "" | "_self");
    if !opens_here || a.has_attribute("download") || a.rel().contains("external") {
        return None;
    }
    let loc = window().location();
    if a.origin() != loc.origin().ok()? {
        return None;
    }
    let (path, query) = (a.pathname(), a.search());
    let same_page = path == loc.pathname().ok()? && query == loc.search().ok()?;
    if same_page && !a.hash().is_empty() {
        return None;
    }
    Some([path, query, a.hash()].concat())
}

#[cfg(test)]
mod tests {
    use super::{may_leave, Page};
    use crate::AuthRoute;

    /// Issue 30: `history.pushState` throws for these (another origin); the router must not
    /// then follow them with `location.assign`.
    #[test]
    fn a_path_that_resolves_to_another_origin_is_not_followed() {
        for evil in [
            "/\\evil.example/",
            "//evil.example/",
            "\\\\evil.example",
            "/\\/evil.example",
            " //evil.example",
            "javascript:alert(1)",
            "http://evil.example\\@127.0.0.1/",
        ] {
            assert!(!may_leave(evil), "{evil}");
        }
        assert!(may_leave("https://billing.example/after"));
        assert!(may_leave("HTTP://localhost:8080/"));
    }

    #[test]
    fn paths_pick_pages() {
        assert_eq!(Page::at("/auth", "/"), Page::Home);
        assert_eq!(Page::at("/auth", "/auth/sign-in"), Page::Auth(AuthRoute::SignIn));
        assert_eq!(Page::at("/auth", "/auth/security/"), Page::Auth(AuthRoute::Security));
        assert_eq!(Page::at("/auth", "/auth"), Page::NotFound);
        assert_eq!(Page::at("/auth", "/billing"), Page::NotFound);
    }
}
