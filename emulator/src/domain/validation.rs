//! What GoTrue checks in what people type: email addresses, phone numbers, password strength.
//! One place for these rules, used by sign-up, sign-in, user updates, factors and the admin API.

use crate::config::Config;
use crate::error::ApiError;

/// GoTrue's `validateEmail`: required, at most 255 characters, checkmail's format; lowercased.
pub fn validate_email(email: &str) -> Result<String, ApiError> {
    if email.is_empty() {
        return Err(ApiError::validation("An email address is required"));
    }
    if email.len() > 255 {
        return Err(ApiError::validation("An email address is too long"));
    }
    if !valid_email_format(email) {
        return Err(ApiError::validation("Unable to validate email address: invalid format"));
    }
    Ok(email.to_lowercase())
}

/// GoTrue's `validatePhone`: strips `+` and spaces, then E.164 digits.
pub fn validate_phone(phone: &str) -> Result<String, ApiError> {
    let p: String = phone.chars().filter(|c| *c != ' ' && *c != '+').collect();
    let ok =
        (2..=15).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) && !p.starts_with('0');
    if ok {
        Ok(p)
    } else {
        Err(ApiError::validation("Invalid phone number format (E.164 required)"))
    }
}

/// GoTrue's email check (checkmail's format regexp), without a regex engine.
fn valid_email_format(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    if local.is_empty() || domain.is_empty() || domain.contains('@') {
        return false;
    }
    let local_ok =
        local.chars().all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    local_ok && domain.split('.').all(label_ok)
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
    fn addresses() {
        assert_eq!(validate_email("A@Example.com").unwrap(), "a@example.com");
        assert_eq!(validate_email("").unwrap_err().message, "An email address is required");
        assert!(validate_email("nope").is_err());
        assert!(validate_email(&format!("{}@x.com", "a".repeat(255))).is_err());
        assert_eq!(validate_phone("+1 555 0100").unwrap(), "15550100");
        assert!(validate_phone("0123").is_err());
        assert!(validate_phone("+1").is_err());
    }

    #[test]
    fn emails() {
        assert!(valid_email_format("a.b+c@example.com"));
        assert!(!valid_email_format("not-an-email"));
        assert!(!valid_email_format("a@-x.com"));
    }

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
}
