//! Authenticator-assurance-level decisions, matching supabase-js `getAuthenticatorAssuranceLevel`.
//!
//! The next level is `aal2` as soon as the user has a verified factor; a step-up is needed when
//! the current session is below that. A [`Requirement`] of `aal2` means "the highest level
//! available to this user" (like Kratos `highest_available`): a user without a verified factor
//! has nothing to step up with and meets it at `aal1`.

use crate::session::claims::{Aal, Claims};

/// Level the session can reach: `aal2` if the user has a verified factor, else `current`.
pub fn next_level(current: Aal, has_verified_factor: bool) -> Aal {
    if has_verified_factor {
        Aal::Aal2
    } else {
        current
    }
}

/// True if the user could and should verify a second factor now (`aal1` → `aal2`).
pub fn needs_step_up(current: Aal, has_verified_factor: bool) -> bool {
    current == Aal::Aal1 && next_level(current, has_verified_factor) == Aal::Aal2
}

/// What a page or action requires of the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// Require the highest available level (`aal2` for users with a verified factor).
    pub aal2: bool,
    /// With `aal2`: the second factor must also have been verified within this many seconds.
    pub max_age_secs: Option<i64>,
}

impl Requirement {
    /// No requirement beyond being signed in.
    pub const ANY: Requirement = Requirement { aal2: false, max_age_secs: None };
    /// Highest available level, however long ago it was reached.
    pub const AAL2: Requirement = Requirement { aal2: true, max_age_secs: None };

    /// Highest available level, reached within the last `m` minutes.
    pub fn within_minutes(m: i64) -> Requirement {
        Requirement { aal2: true, max_age_secs: Some(m.saturating_mul(60)) }
    }
}

/// Outcome of [`check`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The session satisfies the requirement.
    Met,
    /// The user must verify a second factor first.
    StepUp,
}

/// Decides whether `claims` satisfy `req` at time `now` (unix seconds).
///
/// Met when nothing is required, when the user has no verified factor, or when the token is
/// `aal2` and (if `max_age_secs` is set) the newest MFA `amr` timestamp is at most
/// `max_age_secs` old (exactly at the boundary counts as met). String-form `amr` carries no
/// timestamps, so a freshness requirement then always asks for a step-up.
pub fn check(req: &Requirement, claims: &Claims, has_verified_factor: bool, now: i64) -> Verdict {
    if !req.aal2 || !has_verified_factor {
        return Verdict::Met;
    }
    let fresh = match req.max_age_secs {
        None => true,
        Some(max) => claims.mfa_verified_at().is_some_and(|t| now.saturating_sub(t) <= max),
    };
    if claims.aal == Aal::Aal2 && fresh {
        Verdict::Met
    } else {
        Verdict::StepUp
    }
}

/// Seconds from `now` until a verdict of [`check`] that is `Met` today turns into `StepUp`
/// (the second factor grows too old for `req`); `None` when it never does by itself. A page
/// showing what `req` guards re-checks then, instead of keeping its first verdict.
pub fn met_for(
    req: &Requirement,
    claims: &Claims,
    has_verified_factor: bool,
    now: i64,
) -> Option<i64> {
    let max = req.max_age_secs?;
    if check(req, claims, has_verified_factor, now) != Verdict::Met || !has_verified_factor {
        return None;
    }
    let at = claims.mfa_verified_at()?;
    Some(at.saturating_add(max).saturating_sub(now).saturating_add(1).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::claims::AmrEntry;

    fn claims(aal: Aal, amr: &[(&str, Option<i64>)]) -> Claims {
        Claims {
            sub: "u".into(),
            exp: 10_000,
            iat: 0,
            aal,
            amr: amr.iter().map(|&(m, t)| AmrEntry { method: m.into(), timestamp: t }).collect(),
            session_id: None,
            email: String::new(),
            phone: String::new(),
            is_anonymous: false,
            role: "authenticated".into(),
        }
    }

    #[test]
    fn levels() {
        use Aal::*;
        assert_eq!(next_level(Aal1, false), Aal1);
        assert_eq!(next_level(Aal1, true), Aal2);
        assert_eq!(next_level(Aal2, false), Aal2);
        assert_eq!(next_level(Aal2, true), Aal2);
        assert!(!needs_step_up(Aal1, false));
        assert!(needs_step_up(Aal1, true));
        assert!(!needs_step_up(Aal2, false));
        assert!(!needs_step_up(Aal2, true));
    }

    /// Issue 30: a page open for longer than the freshness window must re-check; this says when.
    #[test]
    fn a_fresh_verdict_says_when_it_goes_stale() {
        let req = Requirement::within_minutes(5);
        let fresh = claims(Aal::Aal2, &[("password", Some(900)), ("totp", Some(950))]);
        assert_eq!(met_for(&req, &fresh, true, 1_000), Some(251));
        assert_eq!(check(&req, &fresh, true, 1_000 + 251), Verdict::StepUp);
        assert_eq!(check(&req, &fresh, true, 1_000 + 250), Verdict::Met);
        assert_eq!(met_for(&req, &fresh, true, 1_251), None, "already stale");
        assert_eq!(met_for(&Requirement::AAL2, &fresh, true, 1_000), None, "no window");
        assert_eq!(met_for(&req, &fresh, false, 1_000), None, "nothing to go stale");
    }

    #[test]
    fn within_minutes() {
        assert_eq!(Requirement::within_minutes(5).max_age_secs, Some(300));
        assert!(Requirement::within_minutes(5).aal2);
        assert_eq!(Requirement::within_minutes(i64::MAX).max_age_secs, Some(i64::MAX));
    }

    #[test]
    fn every_combination() {
        use Verdict::*;
        let now = 1_000;
        let a1 = claims(Aal::Aal1, &[("password", Some(900))]);
        let a2_fresh = claims(Aal::Aal2, &[("password", Some(900)), ("totp", Some(950))]);
        let a2_stale = claims(Aal::Aal2, &[("totp", Some(100)), ("password", Some(50))]);
        let a2_strings = claims(Aal::Aal2, &[("password", None), ("totp", None)]);
        let fresh = Requirement::within_minutes(5);
        let table: &[(&Requirement, &Claims, bool, Verdict)] = &[
            (&Requirement::ANY, &a1, false, Met),
            (&Requirement::ANY, &a1, true, Met),
            (&Requirement::ANY, &a2_stale, true, Met),
            (&Requirement::AAL2, &a1, false, Met),
            (&Requirement::AAL2, &a1, true, StepUp),
            (&Requirement::AAL2, &a2_fresh, false, Met),
            (&Requirement::AAL2, &a2_fresh, true, Met),
            (&Requirement::AAL2, &a2_stale, true, Met),
            (&Requirement::AAL2, &a2_strings, true, Met),
            (&fresh, &a1, false, Met),
            (&fresh, &a1, true, StepUp),
            (&fresh, &a2_fresh, false, Met),
            (&fresh, &a2_fresh, true, Met),
            (&fresh, &a2_stale, false, Met),
            (&fresh, &a2_stale, true, StepUp),
            (&fresh, &a2_strings, true, StepUp),
        ];
        for (i, &(req, c, has, want)) in table.iter().enumerate() {
            assert_eq!(check(req, c, has, now), want, "row {i}");
        }
    }

    #[test]
    fn aal1_with_mfa_entry_still_steps_up() {
        let c = claims(Aal::Aal1, &[("totp", Some(1_000))]);
        assert_eq!(check(&Requirement::within_minutes(5), &c, true, 1_000), Verdict::StepUp);
    }

    #[test]
    fn freshness_boundary() {
        let c = claims(Aal::Aal2, &[("password", Some(0)), ("mfa/phone", Some(1_000))]);
        let req = Requirement { aal2: true, max_age_secs: Some(300) };
        assert_eq!(check(&req, &c, true, 1_299), Verdict::Met);
        assert_eq!(check(&req, &c, true, 1_300), Verdict::Met);
        assert_eq!(check(&req, &c, true, 1_301), Verdict::StepUp);
        // Clock skew: a verification "in the future" is fresh.
        assert_eq!(check(&req, &c, true, 900), Verdict::Met);
        let zero = Requirement { aal2: true, max_age_secs: Some(0) };
        assert_eq!(check(&zero, &c, true, 1_000), Verdict::Met);
        assert_eq!(check(&zero, &c, true, 1_001), Verdict::StepUp);
    }

    #[test]
    fn newest_mfa_method_counts() {
        let c = claims(
            Aal::Aal2,
            &[("password", Some(990)), ("totp", Some(100)), ("mfa/webauthn", Some(980))],
        );
        assert_eq!(check(&Requirement::within_minutes(1), &c, true, 1_000), Verdict::Met);
    }
}
