//! Giving the store to the components: [`AuthProvider`] for hosts, [`provide_store`] for the
//! standalone app, and [`use_auth`] to get it.

use super::{nav::Nav, AuthStore};
use crate::config::AuthConfig;
use leptos::prelude::*;

/// Provides the auth store to everything inside it. Place it inside the host's `<Router>`.
#[component]
pub fn AuthProvider(
    /// The backend and the section's settings.
    config: AuthConfig,
    children: Children,
) -> impl IntoView {
    let navigate = leptos_router::hooks::use_navigate();
    let loc = leptos_router::hooks::use_location();
    let (path, search, hash) = (loc.pathname, loc.search, loc.hash);
    let here = move || {
        let search = search.get_untracked();
        let q = if search.is_empty() || search.starts_with('?') { "" } else { "?" };
        [path.get_untracked(), q.into(), search, hash.get_untracked()].concat()
    };
    let nav = Nav {
        go: Box::new(move |path, replace| {
            navigate(path, leptos_router::NavigateOptions { replace, ..Default::default() })
        }),
        here: Box::new(here),
        search: search.into(),
    };
    provide_store(config, nav);
    children()
}

/// Makes the store, provides it to what is below, and keeps it in step with other tabs;
/// `nav` is the router's (the host's, or the standalone app's own).
pub(crate) fn provide_store(config: AuthConfig, nav: Nav) -> AuthStore {
    if config.stylesheet {
        crate::style::adopt();
    }
    let store = AuthStore::new(config);
    store.nav.set_value(nav);
    provide_context(store);
    // The recovery wizard's held session, when made, lives as long as the app's store.
    store.own_held();
    store.follow_other_tabs();
    store
}

/// The auth store of the nearest [`AuthProvider`]. Panics without one.
pub fn use_auth() -> AuthStore {
    try_use_auth().expect("use_auth() needs an <AuthProvider> above it")
}

/// The auth store, if an [`AuthProvider`] is above.
pub fn try_use_auth() -> Option<AuthStore> {
    use_context::<AuthStore>()
}
