//! Helpers for entering one-time codes and pasted email links.
//!
//! Codes are normalised to ASCII digits (pasting `123 456`, `123-456` or fullwidth digits
//! works); a pasted verify/confirm/callback link is reduced to the token it carries.

use crate::api::{ApiError, ErrorCode};
use crate::redirect::percent_decode;

/// GoTrue's default interval between two mails to one address.
const MAIL_INTERVAL_SECS: u32 = 60;

/// A mail request's answer as the seconds before the next may be asked for. A rate limit
/// counts as sent (the earlier mail's code still works), with the seconds GoTrue gives:
/// pressing again waits for the countdown instead of asking the server.
pub(crate) fn sent(r: Result<(), ApiError>) -> Result<u32, ApiError> {
    match r {
        Ok(()) => Ok(MAIL_INTERVAL_SECS),
        Err(e) if e.is(&ErrorCode::OverEmailSendRateLimit) => {
            Ok(e.retry_after_secs().unwrap_or(MAIL_INTERVAL_SECS))
        }
        Err(e) => Err(e),
    }
}

/// Shortest and longest OTP length GoTrue can be configured with.
pub const OTP_LENGTH_RANGE: std::ops::RangeInclusive<usize> = 6..=10;

/// Keeps only digits (ASCII, fullwidth, Arabic-Indic, Devanagari; mapped to ASCII), at most `len`.
///
/// Spaces, dashes, dots, NBSP and anything else are dropped.
pub fn normalize_code(raw: &str, len: usize) -> String {
    let mut out = String::with_capacity(len.min(raw.len()));
    for c in raw.chars() {
        if out.len() >= len {
            break;
        }
        if let Some(d) = digit_value(c) {
            out.push(char::from(b'0' + d));
        }
    }
    out
}

fn digit_value(c: char) -> Option<u8> {
    let c = c as u32;
    // ASCII, Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali, fullwidth.
    [0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xFF10]
        .iter()
        .find(|&&zero| (zero..zero + 10).contains(&c))
        .map(|&zero| (c - zero) as u8)
}

/// True if `code` is exactly `len` ASCII digits (and `len > 0`).
pub fn is_complete(code: &str, len: usize) -> bool {
    len > 0 && code.len() == len && code.bytes().all(|b| b.is_ascii_digit())
}

/// Clamps a configured OTP length to GoTrue's 6..=10.
pub fn clamp_otp_length(n: usize) -> usize {
    n.clamp(*OTP_LENGTH_RANGE.start(), *OTP_LENGTH_RANGE.end())
}

/// The token carried by a pasted email link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkToken {
    /// `token`/`token_hash` plus `type`: verify with `POST /verify {token_hash, type}`.
    TokenHash {
        /// The token hash.
        token_hash: String,
        /// The verification type, e.g. `recovery`, `signup`, `magiclink`.
        kind: String,
    },
    /// A PKCE auth code: exchange with `POST /token?grant_type=pkce`.
    Code(String),
}

/// Extracts a token from a pasted URL or query string.
///
/// `…/verify?token=H&type=recovery&redirect_to=…` and `…?token_hash=H&type=recovery` give
/// [`LinkToken::TokenHash`] (a `type` is required); `…?code=UUID` gives [`LinkToken::Code`].
/// Parameters are read from the query and the fragment and percent-decoded. Plain codes and
/// other text give `None`.
pub fn extract_link_token(raw: &str) -> Option<LinkToken> {
    let raw = raw.trim();
    let query = match raw.split_once('?') {
        Some((_, q)) => q,
        None => raw.trim_start_matches('#'),
    };
    let mut hash = None;
    let mut kind = None;
    let mut code = None;
    for pair in query.split(['&', '#']) {
        let Some((k, v)) = pair.split_once('=') else { continue };
        let v = percent_decode(v);
        if v.is_empty() || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            continue;
        }
        match k {
            "token_hash" => hash = Some(v),
            "token" => hash = hash.or(Some(v)),
            "type" => kind = Some(v),
            "code" => code = Some(v),
            _ => {}
        }
    }
    match (hash, kind, code) {
        (Some(token_hash), Some(kind), _) => Some(LinkToken::TokenHash { token_hash, kind }),
        (_, _, Some(c)) => Some(LinkToken::Code(c)),
        _ => None,
    }
}

/// Whole minutes an emailed code lasts, for telling the user (rounded down, at least 1);
/// `None` when the lifetime is not configured (0).
pub fn expiry_minutes(secs: u32) -> Option<u32> {
    (secs > 0).then(|| (secs / 60).max(1))
}

/// Masks an email for display: `jane.doe@example.com` → `j•••@example.com`.
///
/// Without an `@` the whole value is hidden (`•••`).
pub fn mask_email(email: &str) -> String {
    let Some((local, domain)) = email.trim().rsplit_once('@') else {
        return "•••".to_owned();
    };
    let mut out = String::with_capacity(domain.len() + 12);
    out.extend(local.chars().next());
    out.push_str("•••@");
    out.push_str(domain);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_limit_counts_as_sent_with_the_servers_seconds() {
        use crate::api::error::parse_error;
        assert_eq!(sent(Ok(())), Ok(MAIL_INTERVAL_SECS));
        let body = r#"{"code":"over_email_send_rate_limit","message":"For security purposes, you can only request this after 37 seconds."}"#;
        assert_eq!(sent(Err(ApiError::Auth(parse_error(429, None, body)))), Ok(37));
        let other = ApiError::Auth(parse_error(422, None, r#"{"code":"validation_failed"}"#));
        assert_eq!(sent(Err(other.clone())), Err(other));
    }

    #[test]
    fn expiry_in_minutes() {
        assert_eq!(expiry_minutes(600), Some(10));
        assert_eq!(expiry_minutes(119), Some(1));
        assert_eq!(expiry_minutes(120), Some(2));
        assert_eq!(expiry_minutes(1), Some(1));
        assert_eq!(expiry_minutes(0), None);
    }

    #[test]
    fn normalize() {
        let table: &[(&str, usize, &str)] = &[
            ("123456", 6, "123456"),
            ("123 456", 6, "123456"),
            ("123-456", 6, "123456"),
            ("12.34.56", 6, "123456"),
            ("123\u{a0}456", 6, "123456"),
            ("\u{ff11}\u{ff12}\u{ff13}\u{ff14}\u{ff15}\u{ff16}", 6, "123456"),
            ("\u{661}\u{662}\u{663}", 6, "123"),
            ("1234567890", 6, "123456"),
            ("12345678", 8, "12345678"),
            ("abc", 6, ""),
            ("", 6, ""),
            ("  98 76 54  ", 6, "987654"),
            ("Your code: 424242.", 6, "424242"),
            ("123", 0, ""),
        ];
        for &(raw, len, want) in table {
            assert_eq!(normalize_code(raw, len), want, "{raw:?}");
        }
    }

    #[test]
    fn complete() {
        assert!(is_complete("123456", 6));
        assert!(!is_complete("12345", 6));
        assert!(!is_complete("1234567", 6));
        assert!(!is_complete("12345a", 6));
        assert!(!is_complete("\u{ff11}2345", 6));
        assert!(!is_complete("", 0));
    }

    #[test]
    fn clamp() {
        assert_eq!(clamp_otp_length(0), 6);
        assert_eq!(clamp_otp_length(6), 6);
        assert_eq!(clamp_otp_length(8), 8);
        assert_eq!(clamp_otp_length(10), 10);
        assert_eq!(clamp_otp_length(99), 10);
    }

    fn th(h: &str, k: &str) -> Option<LinkToken> {
        Some(LinkToken::TokenHash { token_hash: h.into(), kind: k.into() })
    }

    #[test]
    fn link_tokens() {
        let table: &[(&str, Option<LinkToken>)] = &[
            (
                "http://127.0.0.1:54321/auth/v1/verify?token=pkce_4f2a9b&type=recovery&redirect_to=http%3A%2F%2Flocalhost%3A3000%2Freset",
                th("pkce_4f2a9b", "recovery"),
            ),
            (
                "https://app.example.com/auth/confirm?token_hash=ab12cd34&type=recovery&next=/x",
                th("ab12cd34", "recovery"),
            ),
            ("  token_hash=ab%2Bcd&type=email  ", th("ab+cd", "email")),
            ("?type=signup&token=zz", th("zz", "signup")),
            ("https://x.io/cb#token_hash=h1&type=magiclink", th("h1", "magiclink")),
            ("https://x.io/v?token=a&token_hash=b&type=recovery", th("b", "recovery")),
            (
                "http://localhost:3000/auth/callback?code=0b5c6e3e-1f0a-4c4b-8a0e-6b1f5f9e2d11",
                Some(LinkToken::Code("0b5c6e3e-1f0a-4c4b-8a0e-6b1f5f9e2d11".into())),
            ),
            ("code=abc", Some(LinkToken::Code("abc".into()))),
            ("https://x.io/v?token=abc", None),
            ("https://x.io/v?token=&type=recovery", None),
            ("https://x.io/v?token=a%20b&type=recovery", None),
            ("https://x.io/reset?error=access_denied&error_code=otp_expired", None),
            ("123456", None),
            ("123 456", None),
            ("", None),
            ("hello world", None),
            ("https://example.com/", None),
            ("?", None),
            ("=&=&", None),
        ];
        for (raw, want) in table {
            assert_eq!(&extract_link_token(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn masking() {
        assert_eq!(mask_email("jane.doe@example.com"), "j•••@example.com");
        assert_eq!(mask_email("a@x.io"), "a•••@x.io");
        assert_eq!(mask_email("émile@x.fr"), "é•••@x.fr");
        assert_eq!(mask_email("@x.io"), "•••@x.io");
        assert_eq!(mask_email("a\"@b\"@x.io"), "a•••@x.io");
        assert_eq!(mask_email("nobody"), "•••");
        assert_eq!(mask_email(""), "•••");
    }
}
