//! Pending step-up actions: which guarded action asked for aal2 and where to come back to.
//!
//! Kept in `sessionStorage` (this tab only, survives a reload, holds no secrets) so the action
//! resumes by itself once the user has verified a factor.

use serde::{Deserialize, Serialize};

/// `sessionStorage` key of the pending action.
pub const PENDING_KEY: &str = "lsa.step_up.pending";

/// An action waiting for a step-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// The guarded action's id (chosen by the code that guards it).
    pub id: String,
    /// The same-origin path to return to after verification.
    pub return_to: String,
}

/// Records `pending`, replacing any older one.
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
pub fn take(id: &str) -> bool {
    let found = peek().is_some_and(|p| p.id == id);
    if found {
        clear();
    }
    found
}

/// Forgets any pending action (e.g. when the user cancels the step-up).
pub fn clear() {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo_storage::{SessionStorage, Storage};
        SessionStorage::delete(PENDING_KEY);
    }
}
