//! Pending step-up actions: which guarded action asked for aal2 and where to come back to.
//!
//! Kept in `sessionStorage` (this tab only, survives a reload, holds no secrets) so the action
//! resumes by itself once the user has verified a factor.

use serde::{Deserialize, Serialize};

/// `sessionStorage` key of the pending action.
///
/// ```no_run
/// use leptos_supabase_auth::session::step_up::{self, Pending, PENDING_KEY};
/// step_up::set(&Pending { id: "delete-account".into(), return_to: "/settings".into() });
/// let storage = web_sys::window().unwrap().session_storage().unwrap().unwrap();
/// let raw = storage.get_item(PENDING_KEY).unwrap();
/// assert_eq!(raw.as_deref(), Some(r#"{"id":"delete-account","return_to":"/settings"}"#));
/// ```
pub const PENDING_KEY: &str = "lsa.step_up.pending";

/// An action waiting for a step-up.
///
/// ```
/// use leptos_supabase_auth::session::step_up::Pending;
/// let p = Pending { id: "delete-account".into(), return_to: "/settings".into() };
/// let json = serde_json::to_string(&p).unwrap(); // what `set` stores in `sessionStorage`
/// assert_eq!(json, r#"{"id":"delete-account","return_to":"/settings"}"#);
/// assert_eq!(serde_json::from_str::<Pending>(&json).unwrap(), p);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The guarded action's id (chosen by the code that guards it).
    pub id: String,
    /// The same-origin path to return to after verification.
    pub return_to: String,
}

/// Records `pending`, replacing any older one.
///
/// ```no_run
/// use leptos_supabase_auth::session::step_up::{self, Pending};
/// step_up::set(&Pending { id: "export".into(), return_to: "/reports".into() });
/// step_up::set(&Pending { id: "delete-account".into(), return_to: "/settings".into() });
/// assert_eq!(step_up::peek().map(|p| p.id).as_deref(), Some("delete-account"));
/// ```
pub fn set(pending: &Pending) {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo_storage::{SessionStorage, Storage};
        let _ = SessionStorage::set(PENDING_KEY, pending);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = pending;
}

/// The pending action, if any (a corrupt value counts as none).
///
/// ```no_run
/// use leptos_supabase_auth::session::step_up::{self, Pending};
/// let pending = Pending { id: "delete-account".into(), return_to: "/settings".into() };
/// step_up::set(&pending);
/// assert_eq!(step_up::peek(), Some(pending.clone()));
/// assert_eq!(step_up::peek(), Some(pending)); // peeking does not remove it
/// ```
pub fn peek() -> Option<Pending> {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo_storage::{SessionStorage, Storage};
        SessionStorage::get::<Pending>(PENDING_KEY).ok()
    }
    #[cfg(not(target_arch = "wasm32"))]
    None
}

/// Removes the pending action if it has this id; says whether it did.
///
/// ```no_run
/// use leptos_supabase_auth::session::step_up::{self, Pending};
/// step_up::set(&Pending { id: "delete-account".into(), return_to: "/settings".into() });
/// assert!(!step_up::take("export")); // another action's id: kept
/// assert!(step_up::take("delete-account"));
/// assert_eq!(step_up::peek(), None);
/// ```
pub fn take(id: &str) -> bool {
    let found = peek().is_some_and(|p| p.id == id);
    if found {
        clear();
    }
    found
}

/// Forgets any pending action (e.g. when the user cancels the step-up).
///
/// ```no_run
/// use leptos_supabase_auth::session::step_up::{self, Pending};
/// step_up::set(&Pending { id: "delete-account".into(), return_to: "/settings".into() });
/// step_up::clear();
/// assert_eq!(step_up::peek(), None);
/// ```
pub fn clear() {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo_storage::{SessionStorage, Storage};
        SessionStorage::delete(PENDING_KEY);
    }
}
