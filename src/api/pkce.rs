//! PKCE helpers for the emailed recovery link: a random verifier kept in `sessionStorage` (it
//! never leaves this browser tab's origin) and its S256 challenge.

#[cfg(target_arch = "wasm32")]
use super::ApiError;

/// `sessionStorage` key of the PKCE verifier of the pending recovery.
///
/// ```no_run
/// use leptos_supabase_auth::api::pkce::VERIFIER_KEY;
/// // In a browser tab that started a recovery (`pkce::begin`):
/// let storage = web_sys::window().unwrap().session_storage().unwrap().unwrap();
/// let stored = storage.get_item(VERIFIER_KEY).unwrap().expect("begin() ran in this tab");
/// let verifier: String = serde_json::from_str(&stored).unwrap(); // kept as a JSON string
/// assert_eq!(verifier.len(), 43);
/// ```
pub const VERIFIER_KEY: &str = "lsa.pkce.verifier";

/// Base64url without padding.
///
/// ```
/// use leptos_supabase_auth::api::pkce::base64url;
/// assert_eq!(base64url(b"foob"), "Zm9vYg"); // no `=` padding
/// assert_eq!(base64url(&[0xfb, 0xff]), "-_8"); // `-` and `_` instead of `+` and `/`
/// ```
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
///
/// ```no_run
/// use leptos_supabase_auth::api::pkce::new_verifier;
/// let verifier = new_verifier()?;
/// assert_eq!(verifier.len(), 43);
/// assert!(verifier.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
/// assert_ne!(verifier, new_verifier()?);
/// # Ok::<(), leptos_supabase_auth::api::ApiError>(())
/// ```
#[cfg(target_arch = "wasm32")]
pub fn new_verifier() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    crypto()?
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(|_| ApiError::Transport("crypto unavailable".into()))?;
    Ok(base64url(&bytes))
}

/// The S256 challenge of a verifier: base64url(SHA-256(verifier)).
///
/// ```no_run
/// use leptos_supabase_auth::api::pkce::challenge_s256;
/// # async fn demo() -> Result<(), leptos_supabase_auth::api::ApiError> {
/// let challenge = challenge_s256("dBjftJeZ4CVP-mJ0NFNuJ1TbSILv-8AD6d0gtRmPq2E").await?;
/// assert_eq!(challenge, "0DyxlNJXBRFzC8sonkmczPdbidkifnFGAly4PibP_Nk");
/// # Ok(())
/// # }
/// ```
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
///
/// ```no_run
/// use leptos_supabase_auth::api::pkce::{begin, challenge_s256, take_verifier};
/// # async fn demo() -> Result<(), leptos_supabase_auth::api::ApiError> {
/// let challenge = begin().await?; // sent with the recovery request
/// let verifier = take_verifier().expect("kept in this tab");
/// assert_eq!(challenge, challenge_s256(&verifier).await?);
/// # Ok(())
/// # }
/// ```
#[cfg(target_arch = "wasm32")]
pub async fn begin() -> Result<String, ApiError> {
    use gloo_storage::{SessionStorage, Storage};
    let verifier = new_verifier()?;
    let challenge = challenge_s256(&verifier).await?;
    SessionStorage::set(VERIFIER_KEY, &verifier).map_err(|e| ApiError::Transport(e.to_string()))?;
    Ok(challenge)
}

/// Removes and returns the stored verifier (missing when the link is opened in another browser).
///
/// ```no_run
/// use leptos_supabase_auth::api::pkce::{begin, take_verifier};
/// # async fn demo() -> Result<(), leptos_supabase_auth::api::ApiError> {
/// begin().await?;
/// assert!(take_verifier().is_some_and(|v| v.len() == 43));
/// assert_eq!(take_verifier(), None); // taken: the verifier is used once
/// # Ok(())
/// # }
/// ```
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
