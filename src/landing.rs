//! The one rule for a session that arrives by an emailed link, opened or pasted (issue 30):
//! today the password-reset link; the sign-up, magic-link and OAuth landings follow it too.
//!
//! A link can carry anybody's session (an attacker mails their own reset link to a victim, a
//! login CSRF). So such a session is never the app's at once: it is *held* apart (the wizard's
//! own, in this tab's `sessionStorage` under [`held_key`], invisible to `is_signed_in`, other
//! pages and other tabs) until the person has seen the account's address and finished what
//! the link is for (a new password for that account); only then does the store adopt it
//! ([`crate::AuthStore`]'s `adopt_held`). Before that, [`judge`] decides whether it is held at
//! all: the link's type, its account, and whether another account signed in here would be
//! replaced (then the page asks "Continue as …").

/// The storage key of the held session for the app's session key `app_key`.
pub(crate) fn held_key(app_key: &str) -> String {
    [app_key, HELD_SUFFIX].concat()
}

/// What [`held_key`] adds to the app's key.
pub(crate) const HELD_SUFFIX: &str = ".held";

/// Whether `key` is a held session's key (kept in `sessionStorage`, this tab only).
pub(crate) fn is_held_key(key: &str) -> bool {
    key.ends_with(HELD_SUFFIX)
}

/// What a verified link brought, as far as the rule needs it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Arrival<'a> {
    /// The type the link itself declared (`type=`), when it declared one.
    pub declared: Option<&'a str>,
    /// Whether the session is of the landing's kind by its token (a reset link's `amr`).
    pub of_kind: bool,
    /// The account of the session.
    pub user_id: &'a str,
    /// Its address.
    pub email: &'a str,
}

/// Why a link's session is not held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Another kind of link (a sign-up or magic link on the reset page).
    WrongType,
    /// The account is not the one this page was started for (the address typed in step 1).
    OtherAccount,
}

/// What to do with a link's session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Not used.
    Refuse(Refusal),
    /// Held apart; `replaces`: the address of another account signed in here, which the
    /// person must knowingly leave ("Continue as …") before going on.
    Hold { replaces: Option<String> },
}

/// Whether a link that declares `declared` may be verified on a landing for `wanted` (checked
/// before the server is asked: a magic link pasted on the reset page is not spent).
pub(crate) fn declared_ok(declared: Option<&str>, wanted: &str) -> bool {
    declared.is_none_or(|d| d == wanted)
}

/// The rule. `wanted`: the landing's link type; `expected_email`: the account the page was
/// started for, if any (a pasted link must be for it); `signed_in`: the id and address of the
/// app's session here, if any.
pub(crate) fn judge(
    arrival: Arrival<'_>,
    wanted: &str,
    expected_email: Option<&str>,
    signed_in: Option<(&str, &str)>,
) -> Decision {
    if !declared_ok(arrival.declared, wanted) || !arrival.of_kind {
        return Decision::Refuse(Refusal::WrongType);
    }
    if expected_email.is_some_and(|e| !same_address(e, arrival.email)) {
        return Decision::Refuse(Refusal::OtherAccount);
    }
    let replaces = signed_in.filter(|(id, _)| *id != arrival.user_id).map(|(_, e)| e.to_owned());
    Decision::Hold { replaces }
}

/// Whether a link of type `kind` signs in (a sign-up's confirmation, a magic link, a sign-in
/// code's link, an invitation): the confirm page and the code step use these, the wizard
/// only `recovery`.
pub(crate) fn signs_in(kind: &str) -> bool {
    matches!(kind, "signup" | "magiclink" | "email" | "invite")
}

/// Whether two addresses are the same account's. ASCII folding: Unicode case tables would cost
/// 5 KB of the bundle, and GoTrue stores addresses as typed (lower-cased ASCII in practice).
pub(crate) fn same_address(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrival<'a>(declared: Option<&'a str>, email: &'a str) -> Arrival<'a> {
        Arrival { declared, of_kind: true, user_id: "attacker-id", email }
    }

    #[test]
    fn a_link_of_another_type_is_refused_before_and_after_verifying() {
        assert!(!declared_ok(Some("magiclink"), "recovery"));
        assert!(!declared_ok(Some("signup"), "recovery"));
        assert!(declared_ok(Some("recovery"), "recovery"));
        assert!(declared_ok(None, "recovery"), "a PKCE code says no type: the token decides");
        let a = arrival(Some("magiclink"), "a@x.example");
        assert_eq!(judge(a, "recovery", None, None), Decision::Refuse(Refusal::WrongType));
        let not_recovery = Arrival { of_kind: false, ..arrival(None, "a@x.example") };
        assert_eq!(
            judge(not_recovery, "recovery", None, None),
            Decision::Refuse(Refusal::WrongType)
        );
    }

    /// A signed-out victim opens the attacker's link: held (not the app's), nobody replaced.
    #[test]
    fn an_opened_link_is_held_and_asks_before_replacing_another_account() {
        let a = arrival(Some("recovery"), "attacker@x.example");
        assert_eq!(judge(a, "recovery", None, None), Decision::Hold { replaces: None });
        assert_eq!(
            judge(a, "recovery", None, Some(("victim-id", "victim@x.example"))),
            Decision::Hold { replaces: Some("victim@x.example".into()) }
        );
        assert_eq!(
            judge(a, "recovery", None, Some(("attacker-id", "attacker@x.example"))),
            Decision::Hold { replaces: None },
            "the same account signed in here"
        );
    }

    /// The victim's wizard is for their own address: an attacker's link pasted into the code
    /// field is refused, whoever is signed in.
    #[test]
    fn a_pasted_link_must_be_for_the_wizards_account() {
        let a = arrival(Some("recovery"), "attacker@x.example");
        for signed_in in [None, Some(("victim-id", "victim@x.example"))] {
            assert_eq!(
                judge(a, "recovery", Some("victim@x.example"), signed_in),
                Decision::Refuse(Refusal::OtherAccount)
            );
        }
        assert_eq!(
            judge(a, "recovery", Some(" Attacker@X.example "), None),
            Decision::Hold { replaces: None }
        );
        assert_eq!(
            judge(a, "recovery", Some("attacker@x.example"), Some(("v", "victim@x.example"))),
            Decision::Hold { replaces: Some("victim@x.example".into()) }
        );
    }

    #[test]
    fn held_keys() {
        assert_eq!(held_key("lsa.session.v1"), "lsa.session.v1.held");
        assert!(is_held_key(&held_key("k")));
        assert!(!is_held_key("lsa.session.v1"));
    }
}
