//! Phone (SMS) enrolment decisions: E.164 normalisation, which abandoned factors to remove
//! first, and how the number is shown. Pure.

use crate::api::Factor;

/// Where the phone sub-flow is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhoneStep {
    /// Asking for the number.
    Number,
    /// The SMS was sent; asking for its code.
    Code {
        /// The new, unverified factor.
        factor_id: String,
        /// The open challenge, if one is open.
        challenge_id: Option<String>,
        /// The number in E.164.
        phone: String,
    },
}

/// The number in E.164 (`+14155550100`), or `None` if it is not one. Spaces, dashes, dots and
/// brackets are ignored; the leading `+` and the country code are required.
pub fn normalize_e164(raw: &str) -> Option<String> {
    let kept: String =
        raw.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}')).collect();
    let digits = kept.strip_prefix('+')?;
    let ok = (2..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    ok.then(|| ["+", digits].concat())
}

/// Unverified phone factors (abandoned enrolments) to remove before enrolling `phone`, and any
/// unverified factor already using the friendly name `phone`.
pub fn to_remove(factors: &[Factor], phone: &str) -> Vec<String> {
    factors
        .iter()
        .filter(|f| !f.is_verified() && (f.is_phone() || f.friendly_name.as_deref() == Some(phone)))
        .map(|f| f.id.clone())
        .collect()
}

/// The number with all but the leading `+` and the last four digits hidden: `+•••••••0100`.
pub fn mask(phone: &str) -> String {
    let n = phone.chars().count();
    phone
        .chars()
        .enumerate()
        .map(|(i, c)| if i == 0 && c == '+' || i + 4 >= n { c } else { '•' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e164() {
        assert_eq!(normalize_e164("+1 415-555-0100").as_deref(), Some("+14155550100"));
        assert_eq!(normalize_e164("+44 (20) 7946.0958").as_deref(), Some("+442079460958"));
        assert_eq!(normalize_e164("4155550100"), None, "no country code");
        assert_eq!(normalize_e164("+0123456"), None, "country codes do not start with 0");
        assert_eq!(normalize_e164("+1"), None, "too short");
        assert_eq!(normalize_e164("+1234567890123456"), None, "more than 15 digits");
        assert_eq!(normalize_e164("+1 415 CALL NOW"), None);
        assert_eq!(normalize_e164(""), None);
    }

    #[test]
    fn abandoned_phone_factors() {
        let f = |id: &str, kind: &str, status: &str, name: &str| Factor {
            id: id.into(),
            factor_type: kind.into(),
            status: status.into(),
            friendly_name: Some(name.into()),
            ..Default::default()
        };
        let factors = [
            f("a", "phone", "unverified", "+1555"),
            f("b", "phone", "verified", "+1666"),
            f("c", "totp", "unverified", "+1777"),
            f("d", "totp", "unverified", "Laptop"),
        ];
        assert_eq!(to_remove(&factors, "+1777"), vec!["a".to_string(), "c".to_string()]);
    }

    #[test]
    fn masking() {
        assert_eq!(mask("+14155550100"), "+•••••••0100");
        assert_eq!(mask("+123"), "+123");
    }
}
