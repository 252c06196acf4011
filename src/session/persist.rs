//! The session in `localStorage`: the only code that reads or writes it. A held session (a
//! link's, not the app's yet: [`crate::landing`]) lives in this tab's `sessionStorage`.

use super::state::{read_stored, Session, Stored};
use crate::platform::storage::{self, Area};

/// Where the session at `key` lives.
fn area(key: &str) -> Area {
    if crate::landing::is_held_key(key) {
        Area::Session
    } else {
        Area::Local
    }
}

/// The stored session. A corrupt or inconsistent copy is removed; a copy written by a newer
/// build of this crate is left alone (it is that tab's), and reads as signed out here.
pub(crate) fn load(key: &str) -> Option<Session> {
    match read_stored(storage::get(area(key), key).as_deref()) {
        Stored::Session(s) => Some(*s),
        Stored::Broken => {
            storage::remove(area(key), key);
            None
        }
        Stored::Nothing | Stored::Newer => None,
    }
}

/// Stores `session`.
pub(crate) fn save(key: &str, session: &Session) {
    storage::set(area(key), key, &session.to_persisted().to_json());
}

/// Removes the stored session.
pub(crate) fn clear(key: &str) {
    storage::remove(area(key), key);
}

/// Local unix time in seconds.
pub(crate) fn now() -> i64 {
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

/// Local time in milliseconds.
pub(crate) fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        now() as f64 * 1000.0
    }
}
