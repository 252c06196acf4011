//! PKCE helpers for the emailed recovery link: a random verifier kept in `sessionStorage` (it
//! never leaves this browser tab's origin) and its S256 challenge.

#[cfg(target_arch = "wasm32")]
use super::ApiError;

/// `sessionStorage` key of the PKCE verifier of the pending recovery.
pub const VERIFIER_KEY: &str = "lsa.pkce.verifier";

/// Base64url without padding.
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

#[cfg(target_arch = "wasm32")]
fn crypto() -> Result<web_sys::Crypto, ApiError> {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or_else(|| ApiError::Transport("crypto unavailable".into()))
}

/// A fresh verifier: 32 random bytes, base64url (43 characters).
#[cfg(target_arch = "wasm32")]
pub fn new_verifier() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    crypto()?
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|_| ApiError::Transport("crypto unavailable".into()))?;
    Ok(base64url(&bytes))
}

/// The S256 challenge of a verifier: base64url(SHA-256(verifier)).
#[cfg(target_arch = "wasm32")]
pub async fn challenge_s256(verifier: &str) -> Result<String, ApiError> {
    let err = |_| ApiError::Transport("crypto unavailable".into());
    let promise = crypto()?
        .subtle()
        .digest_with_str_and_u8_array("SHA-256", verifier.as_bytes())
        .map_err(err)?;
    let digest = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(err)?;
    Ok(base64url(&js_sys::Uint8Array::new(&digest).to_vec()))
}

/// Creates a verifier, keeps it in `sessionStorage` and returns its challenge.
#[cfg(target_arch = "wasm32")]
pub async fn begin() -> Result<String, ApiError> {
    use gloo_storage::{SessionStorage, Storage};
    let verifier = new_verifier()?;
    let challenge = challenge_s256(&verifier).await?;
    SessionStorage::set(VERIFIER_KEY, &verifier).map_err(|e| ApiError::Transport(e.to_string()))?;
    Ok(challenge)
}

/// Removes and returns the stored verifier (missing when the link is opened in another browser).
#[cfg(target_arch = "wasm32")]
pub fn take_verifier() -> Option<String> {
    use gloo_storage::{SessionStorage, Storage};
    let v = SessionStorage::get::<String>(VERIFIER_KEY).ok();
    SessionStorage::delete(VERIFIER_KEY);
    v
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
