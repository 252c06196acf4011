//! How factors and sign-in methods are listed, and the rules for removing one. Pure.

use crate::api::Factor;
use crate::strings::Strings;

/// Factors in display order: verified first, then oldest first.
pub fn display_order(factors: &[Factor]) -> Vec<Factor> {
    let mut out = factors.to_vec();
    crate::sort::stable(&mut out, |a, b| {
        (!a.is_verified(), &a.created_at) > (!b.is_verified(), &b.created_at)
    });
    out
}

/// Whether removing factor `id` leaves the user without a verified factor (warn first).
pub fn is_last_verified(factors: &[Factor], id: &str) -> bool {
    let mut verified = factors.iter().filter(|f| f.is_verified());
    verified.clone().any(|f| f.id == id) && verified.nth(1).is_none()
}

/// The calendar date of an RFC 3339 time (`2026-11-23T18:00:00Z` → `2026-11-23`).
pub fn date_of(created_at: &str) -> Option<&str> {
    let d = created_at.get(..10)?;
    let b = d.as_bytes();
    let shape = b.iter().enumerate().all(|(i, c)| match i {
        4 | 7 => *c == b'-',
        _ => c.is_ascii_digit(),
    });
    shape.then_some(d)
}

/// "Added 3 days ago" (or "Added 23 Nov 2026") for something made at `created_at` (RFC 3339),
/// seen on `today`; `None` when the time is not readable.
pub fn added(s: &Strings, created_at: &str, today: &str) -> Option<String> {
    date_of(created_at).map(|d| s.dated(d, today, s.factor_added_on, s.factor_added_ago))
}

/// One line under a factor's name, seen on `today`: "Verified · Added 3 days ago".
pub fn details(s: &Strings, f: &Factor, today: &str) -> String {
    let status = if f.is_verified() { s.factor_verified } else { s.factor_unverified };
    match added(s, &f.created_at, today) {
        Some(added) => [status, " · ", &added].concat(),
        None => status.to_owned(),
    }
}

/// One line under a passkey's name, seen on `today`: "Added 23 Nov 2026 · Last used today".
#[cfg(feature = "webauthn")]
pub fn passkey_details(s: &Strings, p: &crate::api::webauthn::Passkey, today: &str) -> String {
    let added = added(s, &p.created_at, today);
    let used = p.last_used_at.as_deref().and_then(date_of);
    let used = used.map(|d| s.dated(d, today, s.passkey_last_used, s.passkey_last_used_ago));
    added.into_iter().chain(used).collect::<Vec<_>>().join(" · ")
}

/// A sign-in method of the `amr` claim, in words.
pub fn method_label(s: &Strings, method: &str) -> String {
    let text = match method {
        "password" => s.method_password,
        "totp" | "mfa/totp" => s.method_totp,
        "mfa/phone" => s.method_phone,
        "mfa/webauthn" | "passkey" => s.method_webauthn,
        "otp" | "email/signup" | "email_change" => s.method_email_code,
        "magiclink" | "invite" => s.method_email_link,
        "recovery" => s.method_recovery,
        "sso/saml" | "oauth" | "id_token" | "web3" => s.method_external,
        "anonymous" => s.method_anonymous,
        other => return other.to_owned(),
    };
    text.to_owned()
}

/// The methods, newest first, as one phrase: "authenticator app, password".
pub fn methods_phrase(s: &Strings, methods: &[&str]) -> String {
    let mut labels: Vec<String> = Vec::new();
    for m in methods {
        let l = method_label(s, m);
        if !labels.contains(&l) {
            labels.push(l);
        }
    }
    labels.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factor(id: &str, status: &str, created: &str) -> Factor {
        Factor {
            id: id.into(),
            factor_type: "totp".into(),
            status: status.into(),
            created_at: created.into(),
            ..Default::default()
        }
    }

    #[test]
    fn order() {
        let fs = [
            factor("u", "unverified", "2026-01-01T00:00:00Z"),
            factor("v2", "verified", "2026-03-01T00:00:00Z"),
            factor("v1", "verified", "2026-02-01T00:00:00Z"),
        ];
        let ids: Vec<_> = display_order(&fs).into_iter().map(|f| f.id).collect();
        assert_eq!(ids, ["v1", "v2", "u"]);
    }

    #[test]
    fn order_keeps_ties_as_given() {
        let t = "2026-02-01T00:00:00Z";
        let fs = [
            factor("b", "verified", t),
            factor("u", "unverified", "2026-01-01T00:00:00Z"),
            factor("a", "verified", t),
            factor("c", "verified", t),
            factor("old", "verified", "2026-01-01T00:00:00Z"),
        ];
        let ids: Vec<_> = display_order(&fs).into_iter().map(|f| f.id).collect();
        assert_eq!(ids, ["old", "b", "a", "c", "u"]);
    }

    #[test]
    fn last_verified() {
        let one = [factor("a", "verified", ""), factor("b", "unverified", "")];
        assert!(is_last_verified(&one, "a"));
        assert!(!is_last_verified(&one, "b"), "removing an unverified factor changes nothing");
        let two = [factor("a", "verified", ""), factor("c", "verified", "")];
        assert!(!is_last_verified(&two, "a"));
        assert!(!is_last_verified(&two, "missing"));
    }

    #[test]
    fn dates_and_details() {
        assert_eq!(date_of("2026-11-23T18:00:00.123Z"), Some("2026-11-23"));
        assert_eq!(date_of("yesterday"), None);
        assert_eq!(date_of(""), None);
        assert_eq!(date_of("2026-11-2é"), None);
        let s = &Strings::EN;
        let added = factor("a", "verified", "2026-11-23T18:00:00Z");
        assert_eq!(details(s, &added, "2027-01-01"), "Verified · Added 2026-11-23");
        assert_eq!(details(s, &added, "2026-11-26"), "Verified · Added 3 days ago");
        assert_eq!(details(s, &factor("a", "unverified", ""), "2026-11-26"), "Not verified");
    }

    #[test]
    #[cfg(feature = "webauthn")]
    fn passkey_lines() {
        let s = &Strings::EN;
        let mut p = crate::api::webauthn::Passkey {
            id: "p".into(),
            friendly_name: "Laptop".into(),
            created_at: "2026-12-01T20:02:28.265117Z".into(),
            last_used_at: None,
        };
        let later = "2027-06-01";
        assert_eq!(passkey_details(s, &p, later), "Added 2026-12-01");
        p.last_used_at = Some("2026-12-02T08:00:00Z".into());
        assert_eq!(passkey_details(s, &p, later), "Added 2026-12-01 · Last used 2026-12-02");
        assert_eq!(passkey_details(s, &p, "2026-12-02"), "Added yesterday · Last used today");
        p.created_at = String::new();
        assert_eq!(passkey_details(s, &p, later), "Last used 2026-12-02");
    }

    #[test]
    fn methods() {
        let s = &Strings::EN;
        assert_eq!(methods_phrase(s, &["totp", "password"]), "authenticator app, password");
        assert_eq!(
            methods_phrase(s, &["mfa/totp", "totp", "recovery"]),
            "authenticator app, password reset"
        );
        assert_eq!(methods_phrase(s, &["custom"]), "custom");
        assert_eq!(methods_phrase(s, &["passkey"]), "security key or passkey");
        assert_eq!(methods_phrase(s, &[]), "");
    }
}
