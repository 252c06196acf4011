//! Seeded users: the demo users of `--seed-demo`, the confirmed users with verified factors of
//! `POST /_emulator/users`, and the test controls' reset. Built from the store's entities only,
//! so that every domain module's tests can seed users.

use crate::domain::passwords;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{Factor, User};

/// The demo TOTP secret seeded for `mfa@example.com`.
pub const DEMO_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
/// The demo password.
pub const DEMO_PASSWORD: &str = "demo-password-1";

/// A factor of a seeded user, as `/_emulator/users` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededFactor {
    /// Factor id.
    pub id: String,
    /// `totp` or `phone`.
    pub factor_type: String,
}

/// Creates a confirmed user with optional verified TOTP / phone factors (seed, test controls);
/// an existing user with that email is replaced. Returns the user id and its factors.
pub fn create_seeded_user(
    state: &AppState,
    email: &str,
    password: &str,
    totp_secret: Option<&str>,
    phone: Option<&str>,
) -> Result<(String, Vec<SeededFactor>), ApiError> {
    let hash = passwords::hash(&state.config, password)?;
    let user = User::new(&state.config, email, hash, true, None, state.now());
    let uid = user.id.clone();
    let now = state.now();
    let mut seeded = Vec::new();
    let mut factors = Vec::new();
    let mut add = |factor_type: &str, secret: String, phone: String, name: &str| {
        let factor = Factor {
            status: "verified".into(),
            seeded: true,
            ..Factor::new(&uid, factor_type, name, secret, phone, now)
        };
        seeded.push(SeededFactor { id: factor.id.clone(), factor_type: factor_type.into() });
        factors.push(factor);
    };
    if let Some(s) = totp_secret {
        add("totp", s.to_uppercase().replace([' ', '='], ""), String::new(), "Authenticator");
    }
    if let Some(p) = phone {
        add("phone", String::new(), p.trim_start_matches('+').replace(' ', ""), "Phone");
    }
    state.write(|data| {
        if let Some(old) = data.db.user_by_email(email, &state.config.jwt_aud).map(|u| u.id.clone())
        {
            data.db.delete_user(&old);
        }
        data.db.users.push(user);
        data.db.factors.extend(factors);
    });
    Ok((uid, seeded))
}

/// Seeds `demo@example.com` and `mfa@example.com` (with a TOTP factor) unless they exist.
pub fn seed_demo(state: &AppState) {
    let aud = state.config.jwt_aud.clone();
    for (email, secret) in [("demo@example.com", None), ("mfa@example.com", Some(DEMO_TOTP_SECRET))]
    {
        if state.read(|data| data.db.user_by_email(email, &aud).is_none()) {
            if let Err(e) = create_seeded_user(state, email, DEMO_PASSWORD, secret, None) {
                eprintln!("gotrue-emulator: could not seed {email}: {e}");
            }
        }
    }
}

/// Test controls' reset: empty data, outboxes and faults, clock back to wall time, the demo users
/// seeded again when `--seed-demo` is on.
pub fn reset(state: &AppState) {
    state.write(|data| {
        data.db = Default::default();
        data.outbox = Default::default();
        data.faults.clear();
        data.email_sent.clear();
    });
    state.clock.reset();
    if state.config.seed_demo {
        seed_demo(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::test_state;

    #[test]
    fn seeding_replaces_and_reports_factors() {
        let state = test_state(|_| {});
        let (first, _) =
            create_seeded_user(&state, "s@example.com", "pw-123456", None, None).unwrap();
        let (id, factors) = create_seeded_user(
            &state,
            "s@example.com",
            "pw-123456",
            Some("jbsw y3dp="),
            Some("+1 555"),
        )
        .unwrap();
        assert_ne!(first, id);
        let kinds: Vec<&str> = factors.iter().map(|f| f.factor_type.as_str()).collect();
        assert_eq!(kinds, ["totp", "phone"]);
        state.read(|data| {
            assert_eq!(data.db.users.len(), 1);
            assert_eq!(data.db.factors[0].secret, "JBSWY3DP");
            assert_eq!(data.db.factors[1].phone, "1555");
            assert!(data.db.has_mfa(&id));
        });
        seed_demo(&state);
        seed_demo(&state);
        assert_eq!(state.read(|data| data.db.users.len()), 3);
    }
}
