//! RFC 6238 TOTP as GoTrue uses it: SHA1, 6 digits, 30 s period, skew 1.

use hmac::{Hmac, KeyInit, Mac};

/// The 6-digit code of `secret_base32` at `unix_time` (SHA1, 30 s steps). An undecodable secret
/// gives `"000000"`-style codes of an empty key rather than a panic.
pub fn code(secret_base32: &str, unix_time: u64) -> String {
    code_for_step(secret_base32, unix_time / 30)
}

fn code_for_step(secret_base32: &str, step: u64) -> String {
    let key = crate::util::base32_decode(secret_base32).unwrap_or_default();
    let mut mac =
        <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(&step.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = (h[h.len() - 1] & 0x0f) as usize;
    let bin = u32::from_be_bytes([h[o], h[o + 1], h[o + 2], h[o + 3]]) & 0x7fff_ffff;
    format!("{:06}", bin % 1_000_000)
}

/// True when `code` matches the previous, current or next 30-second step at `unix_time`
/// (compared in constant time; like GoTrue, a code is not remembered: it works again on
/// another challenge while its step is in the window).
pub fn verify(secret_base32: &str, code: &str, unix_time: u64) -> bool {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let step = unix_time / 30;
    [step.saturating_sub(1), step, step + 1]
        .iter()
        .fold(false, |any, s| any | crate::util::ct_eq(code, &code_for_step(secret_base32, *s)))
}

/// A new random secret: 20 bytes, base32 without padding (32 characters).
pub fn new_secret() -> String {
    crate::util::base32_encode(&crate::util::random_bytes::<20>())
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc6238_vectors() {
        // RFC 6238 appendix B, SHA1 key "12345678901234567890", last 6 digits.
        let s = crate::util::base32_encode(b"12345678901234567890");
        assert_eq!(super::code(&s, 59), "287082");
        assert_eq!(super::code(&s, 1_111_111_109), "081804");
        assert_eq!(super::code(&s, 2_000_000_000), "279037");
        assert!(super::verify(&s, "287082", 59 + 30));
        assert!(!super::verify(&s, "287082", 59 + 61));
    }
}
