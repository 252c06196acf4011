//! What the user typed before a step-up, kept **in memory only** (never in storage) so the
//! action resumes by itself after the round trip through the step-up page. A reload loses it:
//! the screen then asks again.

use std::cell::RefCell;

/// Input waiting for a step-up to finish.
#[derive(Clone, PartialEq, Eq)]
pub enum Draft {
    /// A password change whose current password was already checked.
    Password {
        /// The current password (sent as `current_password`).
        current: String,
        /// The new password.
        new: String,
    },
    /// An email change to this address.
    Email {
        /// The new address.
        new: String,
    },
    /// An authenticator-app enrolment with this friendly name.
    Totp {
        /// The friendly name.
        name: String,
    },
    /// A phone enrolment for this number (E.164).
    #[cfg_attr(not(feature = "phone"), allow(dead_code))]
    Phone {
        /// The number.
        phone: String,
    },
    /// A security-key enrolment with this name.
    #[cfg_attr(not(feature = "webauthn"), allow(dead_code))]
    Key {
        /// The friendly name.
        name: String,
    },
}

impl std::fmt::Debug for Draft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print passwords.
        f.write_str(match self {
            Draft::Password { .. } => "Draft::Password",
            Draft::Email { .. } => "Draft::Email",
            Draft::Totp { .. } => "Draft::Totp",
            Draft::Phone { .. } => "Draft::Phone",
            Draft::Key { .. } => "Draft::Key",
        })
    }
}

thread_local! {
    static DRAFT: RefCell<Option<Draft>> = const { RefCell::new(None) };
}

/// Keeps `draft`, replacing any older one.
pub fn put(draft: Draft) {
    DRAFT.with(|d| *d.borrow_mut() = Some(draft));
}

/// Takes the draft if `pick` accepts it (the draft of another action is dropped).
pub fn take<T>(pick: impl FnOnce(Draft) -> Option<T>) -> Option<T> {
    DRAFT.with(|d| d.borrow_mut().take()).and_then(pick)
}

/// Forgets the draft.
pub fn clear() {
    DRAFT.with(|d| *d.borrow_mut() = None);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_once_and_only_the_right_kind() {
        put(Draft::Totp { name: "Phone".into() });
        let name = take(|d| match d {
            Draft::Totp { name } => Some(name),
            _ => None,
        });
        assert_eq!(name.as_deref(), Some("Phone"));
        assert_eq!(take(Some), None);

        put(Draft::Password { current: "a".into(), new: "b".into() });
        assert_eq!(take(|d| matches!(d, Draft::Phone { .. }).then_some(())), None);
        assert_eq!(take(Some), None, "a draft of another action is dropped");
        put(Draft::Phone { phone: "+1".into() });
        clear();
        assert_eq!(take(Some), None);
        assert_eq!(
            format!("{:?}", Draft::Password { current: "x".into(), new: "y".into() }),
            "Draft::Password"
        );
    }
}
