//! HS256 JSON Web Tokens, signed and checked with the shared secret.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};

fn mac(secret: &str) -> Hmac<sha2::Sha256> {
    <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes any key length")
}

/// Signs `claims` with HS256; adds a `kid` header when given.
pub fn sign(claims: &Value, secret: &str, kid: Option<&str>) -> String {
    let mut header = json!({"alg": "HS256", "typ": "JWT"});
    if let Some(k) = kid {
        header["kid"] = json!(k);
    }
    let head = URL_SAFE_NO_PAD.encode(header.to_string());
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{head}.{body}");
    let mut m = mac(secret);
    m.update(signing_input.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
    format!("{signing_input}.{sig}")
}

/// Checks signature, algorithm and expiry; returns the claims or an error text in the style of
/// golang-jwt (GoTrue puts it after "invalid JWT: unable to parse or verify signature, ").
pub fn verify(token: &str, secret: &str, now_secs: i64) -> Result<Value, String> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err("token is malformed: token contains an invalid number of segments".into());
    }
    let header: Value = URL_SAFE_NO_PAD
        .decode(parts[0].trim_end_matches('='))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("token is malformed: could not JSON decode header")?;
    let claims: Value = URL_SAFE_NO_PAD
        .decode(parts[1].trim_end_matches('='))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("token is malformed: could not JSON decode claim")?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(
            "token is unverifiable: error while executing keyfunc: signing method not allowed"
                .into(),
        );
    }
    let sig = URL_SAFE_NO_PAD
        .decode(parts[2].trim_end_matches('='))
        .map_err(|_| "token is malformed: could not base64 decode signature".to_string())?;
    let mut m = mac(secret);
    m.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
    m.verify_slice(&sig)
        .map_err(|_| "token signature is invalid: signature is invalid".to_string())?;
    if !claims.is_object() {
        return Err("token is malformed: could not JSON decode claim".into());
    }
    if let Some(exp) = claims.get("exp") {
        let exp = exp.as_f64().ok_or("token is malformed: invalid type for claim")?;
        if (now_secs as f64) >= exp + 1.0 || (now_secs as f64) > exp {
            return Err("token has invalid claims: token is expired".into());
        }
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn round_trip_and_expiry() {
        let t = super::sign(&json!({"sub": "x", "exp": 100}), "s3cret", None);
        assert_eq!(super::verify(&t, "s3cret", 50).unwrap()["sub"], "x");
        assert!(super::verify(&t, "s3cret", 101).unwrap_err().contains("expired"));
        assert!(super::verify(&t, "other", 50).unwrap_err().contains("signature"));
        assert!(super::verify("a.b", "s3cret", 50).is_err());
    }
}
