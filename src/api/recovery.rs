//! Password recovery: `POST /recover` and `POST /verify`.

use super::client::{GoTrue, Method};
use super::front::{pkce, with_redirect};
use super::{ApiError, TokenResponse};
use crate::json::Object;

/// Percent-encodes a query value (RFC 3986 unreserved characters pass through).
pub(crate) fn encode_query(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

impl GoTrue {
    /// `POST /recover`: asks GoTrue to email a recovery code and link. Answers `{}` whether or
    /// not the address is registered. `code_challenge` (S256) switches the link to PKCE.
    pub async fn recover(
        &self,
        email: &str,
        redirect_to: Option<&str>,
        code_challenge: Option<&str>,
    ) -> Result<(), ApiError> {
        let path = with_redirect("/recover", redirect_to);
        let body = pkce(Object::new().str("email", email), code_challenge).finish();
        self.send_raw(Method::Post, &path, None, Some(body)).await.map(drop)
    }

    /// `POST /verify` with the emailed code: a new aal1 session (amr `otp`).
    pub async fn verify_email_code(
        &self,
        email: &str,
        code: &str,
        kind: &str,
    ) -> Result<TokenResponse, ApiError> {
        let body = Object::new().str("type", kind).str("email", email).str("token", code);
        self.send(Method::Post, "/verify", None, Some(body.finish())).await
    }

    /// `POST /verify` with a link's `token_hash`: a new aal1 session.
    pub async fn verify_token_hash(
        &self,
        token_hash: &str,
        kind: &str,
    ) -> Result<TokenResponse, ApiError> {
        let body = Object::new().str("type", kind).str("token_hash", token_hash);
        self.send(Method::Post, "/verify", None, Some(body.finish())).await
    }
}

#[cfg(test)]
mod tests {
    use super::encode_query;

    #[test]
    fn encodes_reserved_characters() {
        assert_eq!(encode_query("http://a.b/c?d=e f"), "http%3A%2F%2Fa.b%2Fc%3Fd%3De%20f");
        assert_eq!(encode_query("plain-_.~"), "plain-_.~");
    }
}
