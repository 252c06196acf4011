//! The one way the crate reads and writes Web Storage.
//!
//! A browser may block storage (privacy settings, sandboxed frames, some private modes): the
//! `localStorage` getter then throws, or writes fail. Every call here falls back to an in-memory
//! map for this tab instead of panicking, and [`persistent`] tells the UI that sessions will not
//! survive a reload. Off the browser (tests, server rendering) the memory map is all there is.
//!
//! A value that could not be written (quota full, storage blocked) is kept in memory and
//! shadows what the browser holds at that key, for this tab, until a write or removal of that
//! key succeeds: a tab never reads back an older copy than the one it last wrote.

use crate::json::{self, FromJson};
use std::cell::{Cell, RefCell};

/// Which Web Storage area: `localStorage` is shared by every tab of the origin and survives a
/// restart; `sessionStorage` belongs to one tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Area {
    Local,
    Session,
}

thread_local! {
    /// This tab's values that the browser did not take: a few keys at most, so a list (a map
    /// would add a hasher to every page).
    static MEMORY: RefCell<Vec<(Area, String, String)>> = const { RefCell::new(Vec::new()) };
    static BLOCKED: Cell<bool> = const { Cell::new(false) };
}

#[cfg(target_arch = "wasm32")]
fn area(which: Area) -> Option<web_sys::Storage> {
    let w = web_sys::window()?;
    let found = match which {
        Area::Local => w.local_storage(),
        Area::Session => w.session_storage(),
    };
    let store = found.ok().flatten();
    if store.is_none() {
        BLOCKED.with(|b| b.set(true));
    }
    store
}

/// The stored text at `key`, if any: this tab's unwritten value first, else the browser's.
pub(crate) fn get(which: Area, key: &str) -> Option<String> {
    let shadow = MEMORY.with(|m| m.borrow().iter().find(|e| e.0 == which && e.1 == key).cloned());
    if let Some((_, _, shadow)) = shadow {
        return Some(shadow);
    }
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = area(which) {
        match s.get_item(key) {
            Ok(v) => return v,
            Err(_) => BLOCKED.with(|b| b.set(true)),
        }
    }
    None
}

/// Stores `value` at `key` (in memory when the browser refuses, shadowing the stored copy).
pub(crate) fn set(which: Area, key: &str, value: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = area(which) {
        if s.set_item(key, value).is_ok() {
            forget(which, key);
            return;
        }
        BLOCKED.with(|b| b.set(true));
    }
    forget(which, key);
    MEMORY.with(|m| m.borrow_mut().push((which, key.to_owned(), value.to_owned())));
}

/// Drops this tab's unwritten value at `key`.
fn forget(which: Area, key: &str) {
    MEMORY.with(|m| m.borrow_mut().retain(|e| !(e.0 == which && e.1 == key)));
}

/// Removes `key` (from the browser's storage and from the memory fallback).
pub(crate) fn remove(which: Area, key: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(s) = area(which) {
        let _ = s.remove_item(key);
    }
    forget(which, key);
}

/// The value at `key` read as `T` from JSON; `None` when missing or not of that shape.
pub(crate) fn get_json<T: FromJson>(which: Area, key: &str) -> Option<T> {
    json::read(&get(which, key)?)
}

/// Whether what is stored survives a reload: false once the browser refused its storage.
pub(crate) fn persistent() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        let _ = area(Area::Local);
    }
    !BLOCKED.with(Cell::get) && cfg!(target_arch = "wasm32")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_fallback_round_trip() {
        assert_eq!(get(Area::Local, "k"), None);
        set(Area::Local, "k", "v");
        set(Area::Session, "k", "w");
        assert_eq!(get(Area::Local, "k").as_deref(), Some("v"));
        assert_eq!(get(Area::Session, "k").as_deref(), Some("w"));
        set(Area::Local, "k", "v2");
        assert_eq!(get(Area::Local, "k").as_deref(), Some("v2"));
        remove(Area::Local, "k");
        assert_eq!(get(Area::Local, "k"), None);
        assert_eq!(get(Area::Session, "k").as_deref(), Some("w"));
    }

    #[derive(Debug, PartialEq)]
    struct N(i64);

    impl FromJson for N {
        fn from_json(v: &json::Value) -> Option<Self> {
            v.int_at("n").map(N)
        }
    }

    #[test]
    fn json_of_the_wrong_shape_is_none() {
        assert_eq!(get_json::<N>(Area::Local, "j"), None);
        set(Area::Local, "j", "{\"n\":");
        assert_eq!(get_json::<N>(Area::Local, "j"), None);
        set(Area::Local, "j", "{\"n\":\"7\"}");
        assert_eq!(get_json::<N>(Area::Local, "j"), None);
        set(Area::Local, "j", "{\"n\":7}");
        assert_eq!(get_json::<N>(Area::Local, "j"), Some(N(7)));
    }
}
