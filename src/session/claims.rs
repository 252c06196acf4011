//! Read-only decoding of a Supabase Auth access-token (JWT) payload.
//!
//! **The signature is NOT verified here.** The server is the authority on every token; the
//! client only reads claims (expiry, `aal`, `amr`) to decide what to show and when to refresh.
//! Never use these claims to grant anything on the client side that the server would not.
//!
//! `amr` is sorted newest-first by whole second, but entries of the same second come in no fixed
//! order, so methods are always looked up by name and compared by timestamp, never `amr[0]`.
//! Custom access-token hooks may emit `amr` as plain strings; those entries have no timestamp.

use crate::json::{self, Value};

/// Authenticator assurance level of a session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Aal {
    /// Single factor (password, OTP, link, ...).
    #[default]
    Aal1,
    /// A second factor (TOTP, phone, WebAuthn) was verified in this session.
    Aal2,
}

impl Aal {
    /// The wire name: `"aal1"` or `"aal2"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Aal::Aal1 => "aal1",
            Aal::Aal2 => "aal2",
        }
    }
}

/// AMR methods that count as a verified second factor (`mfa/totp` is auth-js's spelling).
pub const MFA_METHODS: [&str; 4] = ["totp", "mfa/totp", "mfa/phone", "mfa/webauthn"];

/// AMR methods that make a session a "recovery session" for GoTrue (`IsRecovery`).
pub const RECOVERY_METHODS: [&str; 3] = ["otp", "magiclink", "recovery"];

/// One authentication method reference (`amr` entry).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AmrEntry {
    /// Method name, e.g. `password`, `totp`, `mfa/phone`, `recovery`.
    pub method: String,
    /// Unix seconds of the authentication; `None` for string-form `amr` entries.
    pub timestamp: Option<i64>,
}

/// The access-token claims this crate reads.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Expiry, unix seconds (0 if missing).
    pub exp: i64,
    /// Issued at, unix seconds (0 if missing).
    pub iat: i64,
    /// Assurance level; `aal1` if missing or unrecognised.
    pub aal: Aal,
    /// Authentication methods, in token order (see the module docs about ordering).
    pub amr: Vec<AmrEntry>,
    /// Session id, if present.
    pub session_id: Option<String>,
    /// Email (`""` if none).
    pub email: String,
    /// Phone (`""` if none).
    pub phone: String,
    /// Anonymous user.
    pub is_anonymous: bool,
    /// Postgres role, e.g. `authenticated`.
    pub role: String,
}

/// Why a token could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimsError {
    /// Not three dot-separated parts.
    Malformed,
    /// The payload is not valid base64url.
    Base64,
    /// The payload is not a JSON object.
    Json,
}

impl Claims {
    /// Decodes the payload of `jwt` without verifying it (see the module docs).
    pub fn decode(jwt: &str) -> Result<Claims, ClaimsError> {
        let mut parts = jwt.trim().split('.');
        let (Some(_), Some(payload), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ClaimsError::Malformed);
        };
        let bytes = base64url_decode(payload).ok_or(ClaimsError::Base64)?;
        let text = std::str::from_utf8(&bytes).map_err(|_| ClaimsError::Json)?;
        match json::parse(text) {
            Some(m @ Value::Object(_)) => Ok(Claims::from_map(&m)),
            _ => Err(ClaimsError::Json),
        }
    }

    fn from_map(m: &Value) -> Claims {
        let s = |k: &str| m.text(k);
        let n = |k: &str| m.int_at(k).unwrap_or(0);
        let amr = match m.get("amr") {
            Some(Value::Array(items)) => items.iter().filter_map(amr_entry).collect(),
            _ => Vec::new(),
        };
        Claims {
            sub: s("sub"),
            exp: n("exp"),
            iat: n("iat"),
            aal: match m.get("aal").and_then(Value::as_str) {
                Some("aal2") => Aal::Aal2,
                _ => Aal::Aal1,
            },
            amr,
            session_id: m.string("session_id"),
            email: s("email"),
            phone: s("phone"),
            is_anonymous: m.get("is_anonymous").and_then(Value::as_bool).unwrap_or(false),
            role: s("role"),
        }
    }

    /// Newest timestamp recorded for `method` (entries without a timestamp are ignored).
    pub fn latest(&self, method: &str) -> Option<i64> {
        self.amr.iter().filter(|e| e.method == method).filter_map(|e| e.timestamp).max()
    }

    /// Newest timestamp of any second-factor method.
    pub fn mfa_verified_at(&self) -> Option<i64> {
        MFA_METHODS.iter().filter_map(|m| self.latest(m)).max()
    }

    /// True if the session came from an OTP, magic link or recovery link (GoTrue `IsRecovery`).
    pub fn is_recovery(&self) -> bool {
        self.amr.iter().any(|e| RECOVERY_METHODS.contains(&e.method.as_str()))
    }

    /// Distinct method names, newest first. Same-second ties put MFA methods first, then keep
    /// token order; methods without any timestamp come last.
    pub fn methods_newest_first(&self) -> Vec<&str> {
        let mut out: Vec<(&str, Option<i64>, usize)> = Vec::new();
        for (i, e) in self.amr.iter().enumerate() {
            if !out.iter().any(|(m, _, _)| *m == e.method) {
                out.push((&e.method, self.latest(&e.method), i));
            }
        }
        let key = |&(m, ts, i): &(&str, Option<i64>, usize)| {
            (std::cmp::Reverse(ts), !MFA_METHODS.contains(&m), i)
        };
        crate::sort::stable(&mut out, |a, b| key(a) > key(b));
        out.into_iter().map(|(m, _, _)| m).collect()
    }

    /// True if the token expires at or before `now + margin_secs`.
    pub fn expires_within(&self, now: i64, margin_secs: i64) -> bool {
        self.exp <= now.saturating_add(margin_secs)
    }
}

fn amr_entry(v: &Value) -> Option<AmrEntry> {
    match v {
        Value::String(s) => Some(AmrEntry { method: s.clone(), timestamp: None }),
        Value::Object(_) => {
            Some(AmrEntry { method: v.string("method")?, timestamp: v.int_at("timestamp") })
        }
        _ => None,
    }
}

/// Decodes base64url (also accepts the `+`/`/` alphabet and trailing `=` padding).
fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in s.as_bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6 | u32::from(v)) & 0xFFFF;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Test helper: base64url (no padding) encoding.
    pub(crate) fn b64url(data: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let n =
                chunk.iter().enumerate().fold(0u32, |a, (i, &b)| a | u32::from(b) << (16 - 8 * i));
            for i in 0..=chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            }
        }
        out
    }

    /// Test helper: a JWT-shaped token with the given JSON payload and a fake signature.
    pub(crate) fn token(payload: &str) -> String {
        let header =
            b64url(br#"{"alg":"ES256","kid":"b81269f1-21d8-4f2e-b719-c2240a840d90","typ":"JWT"}"#);
        header + "." + &b64url(payload.as_bytes()) + ".c2lnbmF0dXJl"
    }

    const REAL: &str = r#"{"iss":"http://127.0.0.1:54321/auth/v1","sub":"3315aade-5f6c-4842-8106-479ed4978fda","aud":"authenticated","exp":1795446801,"iat":1795443201,"email":"f632ec3513f52@example.com","phone":"","app_metadata":{"provider":"email","providers":["email"]},"user_metadata":{"email_verified":true},"role":"authenticated","aal":"aal2","amr":[{"method":"mfa/phone","timestamp":1795443203},{"method":"totp","timestamp":1795443203},{"method":"password","timestamp":1795443201}],"session_id":"2a7e3c62-2a0f-4d4b-9b0e-3f4f8f5b6c71","is_anonymous":false}"#;

    #[test]
    fn decodes_real_token() {
        let c = Claims::decode(&token(REAL)).unwrap();
        assert_eq!(c.sub, "3315aade-5f6c-4842-8106-479ed4978fda");
        assert_eq!((c.exp, c.iat), (1795446801, 1795443201));
        assert_eq!(c.aal, Aal::Aal2);
        assert_eq!(c.amr.len(), 3);
        assert_eq!(c.session_id.as_deref(), Some("2a7e3c62-2a0f-4d4b-9b0e-3f4f8f5b6c71"));
        assert_eq!(c.email, "f632ec3513f52@example.com");
        assert_eq!(c.phone, "");
        assert!(!c.is_anonymous);
        assert_eq!(c.role, "authenticated");
        assert_eq!(c.mfa_verified_at(), Some(1795443203));
        assert_eq!(c.latest("password"), Some(1795443201));
        assert!(!c.is_recovery());
        assert_eq!(c.methods_newest_first(), ["mfa/phone", "totp", "password"]);
    }

    #[test]
    fn tolerates_padding_and_std_alphabet() {
        let t = token(r#"{"sub":"x?>","exp":1}"#);
        let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
        while !parts[1].len().is_multiple_of(4) {
            parts[1].push('=');
        }
        let padded = parts.join(".");
        assert_eq!(Claims::decode(&padded).unwrap().sub, "x?>");
        let std_alpha = padded.replace('-', "+").replace('_', "/");
        assert_eq!(Claims::decode(&std_alpha).unwrap().sub, "x?>");
    }

    #[test]
    fn same_second_amr_in_both_orders() {
        for amr in [
            r#"[{"method":"password","timestamp":100},{"method":"totp","timestamp":100}]"#,
            r#"[{"method":"totp","timestamp":100},{"method":"password","timestamp":100}]"#,
        ] {
            let c = Claims::decode(&token(&("{\"aal\":\"aal2\",\"amr\":".to_owned() + amr + "}")))
                .unwrap();
            assert_eq!(c.mfa_verified_at(), Some(100));
            assert_eq!(c.latest("password"), Some(100));
            assert_eq!(c.methods_newest_first(), ["totp", "password"]);
        }
    }

    #[test]
    fn newest_by_timestamp_not_position() {
        let c = Claims::decode(&token(
            r#"{"amr":[{"method":"password","timestamp":50},{"method":"recovery","timestamp":200},{"method":"mfa/phone","timestamp":150},{"method":"mfa/phone","timestamp":300}]}"#,
        ))
        .unwrap();
        assert_eq!(c.latest("mfa/phone"), Some(300));
        assert_eq!(c.mfa_verified_at(), Some(300));
        assert_eq!(c.latest("otp"), None);
        assert!(c.is_recovery());
        assert_eq!(c.methods_newest_first(), ["mfa/phone", "recovery", "password"]);
    }

    #[test]
    fn string_amr() {
        let c =
            Claims::decode(&token(r#"{"aal":"aal2","amr":["password","otp","totp"]}"#)).unwrap();
        assert_eq!(c.amr[0], AmrEntry { method: "password".into(), timestamp: None });
        assert_eq!(c.latest("totp"), None);
        assert_eq!(c.mfa_verified_at(), None);
        assert!(c.is_recovery());
        assert_eq!(c.methods_newest_first(), ["totp", "password", "otp"]);
    }

    #[test]
    fn mixed_and_odd_amr_entries() {
        let c = Claims::decode(&token(
            r#"{"amr":["magiclink",{"method":"totp","timestamp":9.0},{"method":5},{"timestamp":3},7,null,{"method":"x"}]}"#,
        ))
        .unwrap();
        assert_eq!(c.amr.len(), 3);
        assert_eq!(c.mfa_verified_at(), Some(9));
        assert_eq!(c.methods_newest_first(), ["totp", "magiclink", "x"]);
    }

    #[test]
    fn missing_fields_default() {
        let c = Claims::decode(&token("{}")).unwrap();
        assert_eq!(c.aal, Aal::Aal1);
        assert_eq!((c.sub.as_str(), c.exp, c.iat), ("", 0, 0));
        assert!(c.amr.is_empty() && c.session_id.is_none() && !c.is_anonymous);
        assert_eq!(c.mfa_verified_at(), None);
        assert!(c.methods_newest_first().is_empty());
        let c = Claims::decode(&token(r#"{"aal":"aal3","amr":"password","exp":"1"}"#)).unwrap();
        assert_eq!((c.aal, c.exp, c.amr.len()), (Aal::Aal1, 0, 0));
    }

    #[test]
    fn expiry() {
        let c = Claims::decode(&token(r#"{"exp":1000}"#)).unwrap();
        assert!(!c.expires_within(900, 90));
        assert!(c.expires_within(910, 90));
        assert!(c.expires_within(1000, 0));
        assert!(c.expires_within(2000, 0));
        assert!(!c.expires_within(i64::MIN, i64::MIN));
        assert!(c.expires_within(i64::MAX, i64::MAX));
    }

    #[test]
    fn aal_basics() {
        assert!(Aal::Aal1 < Aal::Aal2);
        assert_eq!(Aal::Aal2.as_str(), "aal2");
        assert_eq!(Aal::Aal1.as_str(), "aal1");
    }

    #[test]
    fn times_with_a_fraction_count_their_whole_seconds() {
        let c = Claims::decode(&token(
            r#"{"exp":1000.7,"iat":1e3,"amr":[{"method":"totp","timestamp":900.2}]}"#,
        ))
        .unwrap();
        assert_eq!((c.exp, c.iat, c.latest("totp")), (1000, 0, Some(900)));
    }

    #[test]
    fn garbage_never_panics() {
        let huge = "a.".to_owned() + &"A".repeat(1 << 20) + ".b";
        let non_utf8 = "x.".to_owned() + &b64url(&[0xff, 0xfe, 0x7b, 0x80]) + ".y";
        let array = "x.".to_owned() + &b64url(b"[1,2]") + ".y";
        let null = "x.".to_owned() + &b64url(b"null") + ".y";
        let cases: [(&str, ClaimsError); 24] = [
            ("", ClaimsError::Malformed),
            (".", ClaimsError::Malformed),
            ("a.b", ClaimsError::Malformed),
            ("a.b.c.d", ClaimsError::Malformed),
            ("....", ClaimsError::Malformed),
            ("abc", ClaimsError::Malformed),
            ("..", ClaimsError::Json),
            ("a..c", ClaimsError::Json),
            ("a.b.c", ClaimsError::Base64),
            ("a.%%%.c", ClaimsError::Base64),
            ("a.e30=x.c", ClaimsError::Base64),
            ("a.eyJ.c", ClaimsError::Json),
            ("a.e30 .c", ClaimsError::Base64),
            ("a.e3 0.c", ClaimsError::Base64),
            ("a.\u{e9}\u{e9}.c", ClaimsError::Base64),
            ("a.=.c", ClaimsError::Json),
            ("a.A.c", ClaimsError::Base64),
            ("a.AAAAA.c", ClaimsError::Base64),
            ("Bearer x.y.z", ClaimsError::Base64),
            (&huge, ClaimsError::Json),
            (&non_utf8, ClaimsError::Json),
            (&array, ClaimsError::Json),
            (&null, ClaimsError::Json),
            ("a.bnVsbA.c", ClaimsError::Json),
        ];
        for (input, want) in cases {
            assert_eq!(Claims::decode(input), Err(want), "{:?}", &input[..input.len().min(20)]);
        }
        // `{}` decodes (e30 is base64 for `{}`), so does the all-padding-tolerant form.
        assert!(Claims::decode("a.e30.c").is_ok());
        assert!(Claims::decode("a.e30==.").is_ok());
        assert!(Claims::decode(&"x".repeat(100_000)).is_err());
        assert!(Claims::decode(&".".repeat(100_000)).is_err());
    }

    #[test]
    fn base64_roundtrip() {
        for n in 0..40u8 {
            let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            assert_eq!(base64url_decode(&b64url(&data)).unwrap(), data);
        }
    }
}
