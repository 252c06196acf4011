//! PKCE (RFC 7636) for recovery links: a random verifier, its S256 challenge, and where the
//! verifier waits for the link.
//!
//! The verifier is kept in `localStorage`, as supabase-js does, so that the emailed link works
//! in a new tab of the same browser; it is removed only after a successful exchange, so that a
//! network failure during the exchange can be retried.

use super::ApiError;
use crate::platform::storage::{self, Area};

/// Where the verifier is kept (`localStorage`).
pub(crate) const VERIFIER_KEY: &str = "lsa.pkce.verifier";

/// Where a social sign-in's verifier is kept, beside the emailed links' (`localStorage`).
#[cfg(feature = "social")]
pub(crate) const OAUTH_VERIFIER_KEY: &str = "lsa.pkce.oauth";

/// Base64url without padding (RFC 4648 §5).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 2);
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (*b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn no_crypto<T>(_: T) -> ApiError {
    ApiError::Transport("crypto unavailable".into())
}

#[cfg(target_arch = "wasm32")]
fn crypto() -> Result<web_sys::Crypto, ApiError> {
    web_sys::window().and_then(|w| w.crypto().ok()).ok_or_else(|| no_crypto(()))
}

#[cfg(target_arch = "wasm32")]
fn new_verifier() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    crypto()?.get_random_values_with_u8_array(&mut bytes).map_err(no_crypto)?;
    Ok(base64url(&bytes))
}

#[cfg(target_arch = "wasm32")]
async fn challenge_s256(verifier: &str) -> Result<String, ApiError> {
    let promise = crypto()?
        .subtle()
        .digest_with_str_and_u8_array("SHA-256", verifier.as_bytes())
        .map_err(no_crypto)?;
    let digest = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(no_crypto)?;
    Ok(base64url(&js_sys::Uint8Array::new(&digest).to_vec()))
}

/// A new verifier, stored; returns its challenge for the recovery request.
pub(crate) async fn begin() -> Result<String, ApiError> {
    begin_at(VERIFIER_KEY).await
}

/// A new verifier, stored under `key`; returns its challenge.
pub(crate) async fn begin_at(key: &str) -> Result<String, ApiError> {
    #[cfg(target_arch = "wasm32")]
    {
        let verifier = new_verifier()?;
        let challenge = challenge_s256(&verifier).await?;
        storage::set(Area::Local, key, &verifier);
        Ok(challenge)
    }
    #[cfg(not(target_arch = "wasm32"))]
    Err(no_crypto(key))
}

/// The stored verifier (missing when the link is opened in another browser).
pub(crate) fn verifier() -> Option<String> {
    verifier_at(VERIFIER_KEY)
}

/// The verifier stored under `key`.
pub(crate) fn verifier_at(key: &str) -> Option<String> {
    storage::get(Area::Local, key)
}

/// Removes the verifier after a successful exchange.
pub(crate) fn forget_verifier() {
    storage::remove(Area::Local, VERIFIER_KEY);
}

#[cfg(test)]
mod tests {
    use super::base64url;

    #[test]
    fn base64url_matches_rfc4648_vectors() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }
}
