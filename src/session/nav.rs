//! Moving between pages: the router the store moves with (the host's `leptos_router`, or the
//! standalone app's own), the auth pages' paths, and the current URL's query.

use super::AuthStore;
use leptos::prelude::*;

/// Goes to a path: `(path, replace)`.
type Go = Box<dyn Fn(&str, bool)>;

/// The router the store moves with: the host's `leptos_router` ([`AuthProvider`]) or the
/// standalone app's own.
///
/// [`AuthProvider`]: crate::AuthProvider
pub(crate) struct Nav {
    /// Goes to a path: `(path, replace)` (replace: no new history entry).
    pub go: Go,
    /// The current path with query and fragment, e.g. `/billing?tab=1`.
    pub here: Box<dyn Fn() -> String>,
    /// The current query (`?next=..`), tracked: it follows navigation.
    pub search: Signal<String>,
}

impl Nav {
    /// No router yet: going nowhere, the browser's own location.
    pub(super) fn none() -> Nav {
        Nav {
            go: Box::new(|_, _| {}),
            here: Box::new(crate::platform::browser::current_path),
            search: Signal::stored(String::new()),
        }
    }
}

impl AuthStore {
    /// The path of an auth page under the configured base.
    pub fn path(&self, route: crate::AuthRoute) -> String {
        self.config.with_value(|c| route.path(&c.base))
    }

    /// The path of an auth page with this page's `next` (sign-in ↔ sign-up keep where to go).
    pub(crate) fn path_keeping_next(&self, route: crate::AuthRoute) -> String {
        let next = leptos::prelude::untrack(|| self.next());
        self.config.with_value(|c| route.path_with_next(&c.base, &next))
    }

    /// Navigates within the app's router (the host's, or the standalone app's own).
    pub fn navigate(&self, path: &str) {
        self.nav.with_value(|n| (n.go)(path, false));
    }

    /// Navigates without a new history entry (a guard's redirect: Back skips it).
    pub(crate) fn replace(&self, path: &str) {
        self.nav.with_value(|n| (n.go)(path, true));
    }

    /// The current path with query and fragment, as the router sees it.
    pub(crate) fn here(&self) -> String {
        self.nav.with_value(|n| (n.here)())
    }

    /// The value of `key` in the current URL's query, tracked: it follows navigation.
    pub(crate) fn query(&self, key: &str) -> Option<String> {
        let search = self.nav.with_value(|n| n.search);
        search.with(|q| crate::redirect::query_value(q, key))
    }

    /// Where a page goes once done: the current URL's `next` when it is a safe path, else
    /// [`AuthConfig::with_after_sign_in`]'s path. Tracked, like [`AuthStore::query`].
    ///
    /// [`AuthConfig::with_after_sign_in`]: crate::AuthConfig::with_after_sign_in
    pub(crate) fn next(&self) -> String {
        let fallback = self.config.with_value(|c| c.after_sign_in.clone());
        crate::redirect::safe_next(self.query("next").as_deref(), &fallback)
    }
}
