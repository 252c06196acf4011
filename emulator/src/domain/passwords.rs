//! Passwords: bcrypt hashing with the configured cost, checks, and GoTrue's strength policy.

use crate::config::Config;
use crate::error::ApiError;

fn hashing_failed() -> ApiError {
    ApiError::internal("Error hashing password")
}

/// bcrypt hash with the configured cost (slow on purpose: call it outside the lock).
pub fn hash(config: &Config, password: &str) -> Result<String, ApiError> {
    bcrypt::hash(password.as_bytes(), config.bcrypt_cost).map_err(|_| hashing_failed())
}

/// [`hash`] on the blocking pool, so that slow hashing does not hold up other requests.
pub async fn hash_off_thread(config: &Config, password: &str) -> Result<String, ApiError> {
    let (pw, cost) = (password.to_string(), config.bcrypt_cost);
    tokio::task::spawn_blocking(move || bcrypt::hash(pw.as_bytes(), cost))
        .await
        .map_err(|_| hashing_failed())?
        .map_err(|_| hashing_failed())
}

/// True when `password` matches the bcrypt `hash` (checked on the blocking pool; an empty or
/// malformed hash never matches).
pub async fn matches(password: &str, hash: &str) -> bool {
    if hash.is_empty() {
        return false;
    }
    let (pw, h) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || bcrypt::verify(pw.as_bytes(), &h).unwrap_or(false))
        .await
        .unwrap_or(false)
}

/// GoTrue's `checkPasswordStrength`: 400 over 72 bytes, else 422 `weak_password` with reasons.
pub fn check_strength(config: &Config, password: &str) -> Result<(), ApiError> {
    if password.len() > 72 {
        return Err(ApiError::validation("Password cannot be longer than 72 characters"));
    }
    let (mut reasons, mut messages) = (Vec::new(), Vec::new());
    if password.len() < config.password_min_length {
        reasons.push("length".to_string());
        messages.push(format!(
            "Password should be at least {} characters.",
            config.password_min_length
        ));
    }
    let sets = &config.password_required_characters;
    if sets.iter().any(|set| !set.is_empty() && !password.chars().any(|c| set.contains(c))) {
        reasons.push("characters".to_string());
        messages.push(format!(
            "Password should contain at least one character of each: {}.",
            sets.join(", ")
        ));
    }
    if reasons.is_empty() {
        return Ok(());
    }
    let mut e = ApiError::unprocessable("weak_password", messages.join(" "));
    e.weak_password = Some(reasons);
    Err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_reasons() {
        let config = Config {
            password_min_length: 8,
            password_required_characters: vec!["abc".into(), "0123456789".into()],
            ..Config::default()
        };
        assert!(check_strength(&config, "abcdefg1").is_ok());
        let e = check_strength(&config, "xyz").unwrap_err();
        assert_eq!((e.status.as_u16(), e.code.as_ref()), (422, "weak_password"));
        assert_eq!(e.weak_password, Some(vec!["length".to_string(), "characters".to_string()]));
        assert_eq!(
            e.message,
            "Password should be at least 8 characters. Password should contain at least one \
             character of each: abc, 0123456789."
        );
        let long = "a".repeat(73);
        let e = check_strength(&config, &long).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code.as_ref()), (400, "validation_failed"));
    }

    #[tokio::test]
    async fn hashes_match_their_password_only() {
        let config = Config { bcrypt_cost: 4, ..Config::default() };
        let h = hash_off_thread(&config, "secret-1").await.unwrap();
        assert!(matches("secret-1", &h).await);
        assert!(!matches("secret-2", &h).await);
        assert!(!matches("secret-1", "").await);
        assert!(!matches("secret-1", "not-a-hash").await);
        assert!(hash(&config, "x").unwrap().starts_with("$2"));
    }
}
