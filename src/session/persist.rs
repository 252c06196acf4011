//! The only code that touches `localStorage` for the session. Browser-only: on other targets
//! (server rendering) every function is a no-op, so nothing panics there.

use super::state::Persisted;

/// Reads the persisted session. A missing value is `None`; a corrupt one is removed and `None`.
///
/// ```no_run
/// use leptos_supabase_auth::session::persist;
/// // In a browser: a value that is not a valid session is removed and reads as none.
/// let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
/// storage.set_item("lsa.session.v1", "{not json").unwrap();
/// assert_eq!(persist::load("lsa.session.v1"), None);
/// assert_eq!(storage.get_item("lsa.session.v1").unwrap(), None);
/// ```
pub fn load(key: &str) -> Option<Persisted> {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo_storage::{errors::StorageError, LocalStorage, Storage};
        match LocalStorage::get::<Persisted>(key) {
            Ok(p) => Some(p),
            Err(StorageError::KeyNotFound(_)) => None,
            Err(_) => {
                LocalStorage::delete(key);
                None
            }
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        None
    }
}

/// Writes the session (tokens, expiry, user).
///
/// ```no_run
/// use leptos_supabase_auth::{api::User, session::{persist, state::Persisted}};
/// let p = Persisted { v: Persisted::VERSION, access_token: "h.e30.s".into(),
///     refresh_token: "r1".into(), expires_at: 3600, user: User::default() };
/// persist::save("lsa.session.v1", &p);
/// assert_eq!(persist::load("lsa.session.v1"), Some(p)); // in a browser
/// ```
pub fn save(key: &str, value: &Persisted) {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo_storage::{LocalStorage, Storage};
        let _ = LocalStorage::set(key, value);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (key, value);
}

/// Removes the session.
///
/// ```no_run
/// # use leptos_supabase_auth::{api::User, session::state::Persisted};
/// # let p = Persisted { v: Persisted::VERSION, access_token: "h.e30.s".into(),
/// #     refresh_token: "r1".into(), expires_at: 3600, user: User::default() };
/// use leptos_supabase_auth::session::persist;
/// persist::save("lsa.session.v1", &p);
/// persist::clear("lsa.session.v1");
/// assert_eq!(persist::load("lsa.session.v1"), None);
/// ```
pub fn clear(key: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo_storage::{LocalStorage, Storage};
        LocalStorage::delete(key);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = key;
}

/// Current unix time in seconds (the browser's clock).
///
/// ```
/// use leptos_supabase_auth::session::persist;
/// let now = persist::now();
/// assert!(now > 1_700_000_000); // unix seconds: after November 2023
/// ```
pub fn now() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        (js_sys::Date::now() / 1000.0) as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}
