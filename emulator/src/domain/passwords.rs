//! Passwords: bcrypt hashing with the configured cost and checks (the strength policy is in
//! [`super::validation`]).

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

#[cfg(test)]
mod tests {
    use super::*;

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
