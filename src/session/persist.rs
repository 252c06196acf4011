//! The only code that touches `localStorage` for the session. Browser-only: on other targets
//! (server rendering) every function is a no-op, so nothing panics there.

use super::state::Persisted;

/// Reads the persisted session. A missing value is `None`; a corrupt one is removed and `None`.
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
