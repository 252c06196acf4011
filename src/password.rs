//! Client-side password policy mirroring GoTrue's `checkPasswordStrength`.
//!
//! Lengths are counted in **bytes of UTF-8**, exactly like GoTrue (Go's `len(password)` in
//! `internal/api/password.go` and the 72-byte bcrypt limit on `PUT /user`), so the form never
//! disagrees with the server: `"ééé"` is 6 bytes and meets the default minimum of 6.
//! The server stays the authority (it may also check HaveIBeenPwned); see [`parse_reasons`].

/// GoTrue's default (and lowest) `GOTRUE_PASSWORD_MIN_LENGTH`.
pub const DEFAULT_MIN_LENGTH: usize = 6;

/// Longest password GoTrue accepts, in bytes (bcrypt limit).
pub const MAX_PASSWORD_BYTES: usize = 72;

/// Password rules, as configured on the server.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PasswordPolicy {
    /// Minimum length in bytes (`GOTRUE_PASSWORD_MIN_LENGTH`).
    pub min_length: usize,
    /// Character sets; the password needs at least one character from each.
    pub required_characters: Vec<String>,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy { min_length: DEFAULT_MIN_LENGTH, required_characters: Vec::new() }
    }
}

/// One problem with a candidate password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PasswordIssue {
    /// Shorter than `min` bytes.
    TooShort {
        /// The minimum length.
        min: usize,
    },
    /// No character from `required_characters[set_index]`.
    MissingCharacters {
        /// Index into [`PasswordPolicy::required_characters`].
        set_index: usize,
    },
    /// Longer than [`MAX_PASSWORD_BYTES`].
    TooLong,
    /// The confirmation differs.
    Mismatch,
    /// Nothing entered.
    Empty,
}

impl PasswordPolicy {
    /// Default minimum length plus the sets in `GOTRUE_PASSWORD_REQUIRED_CHARACTERS` format:
    /// sets separated by `:`, a literal `:` written `\:` (parsed exactly like GoTrue's
    /// `PasswordRequiredCharacters.Decode`; empty sets are dropped).
    pub fn with_required(sets: &str) -> PasswordPolicy {
        let mut parts: Vec<String> = sets.split(':').map(str::to_owned).collect();
        for i in 0..parts.len().saturating_sub(1) {
            if parts[i].ends_with('\\') {
                let next = std::mem::take(&mut parts[i + 1]);
                let p = &mut parts[i];
                p.pop();
                p.push(':');
                p.push_str(&next);
            }
        }
        parts.retain(|p| !p.is_empty());
        PasswordPolicy { required_characters: parts, ..PasswordPolicy::default() }
    }

    /// All rule violations of `password`, in order: too short, missing sets, too long.
    pub fn check(&self, password: &str) -> Vec<PasswordIssue> {
        let mut out = Vec::new();
        if password.len() < self.min_length {
            out.push(PasswordIssue::TooShort { min: self.min_length });
        }
        for (set_index, set) in self.required_characters.iter().enumerate() {
            if !set.is_empty() && !password.chars().any(|c| set.contains(c)) {
                out.push(PasswordIssue::MissingCharacters { set_index });
            }
        }
        if password.len() > MAX_PASSWORD_BYTES {
            out.push(PasswordIssue::TooLong);
        }
        out
    }

    /// Like [`check`](Self::check) for a new-password form: an empty password gives only
    /// `Empty`; `Mismatch` is added once `confirm` is non-empty and differs.
    pub fn check_pair(&self, password: &str, confirm: &str) -> Vec<PasswordIssue> {
        let mut out =
            if password.is_empty() { vec![PasswordIssue::Empty] } else { self.check(password) };
        if !confirm.is_empty() && confirm != password {
            out.push(PasswordIssue::Mismatch);
        }
        out
    }
}

/// A `weak_password.reasons` entry from the server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerReason {
    /// `length`: too short.
    Length,
    /// `characters`: a required character set is missing.
    Characters,
    /// `pwned`: found in HaveIBeenPwned.
    Pwned,
    /// Anything else, verbatim.
    Other(String),
}

/// Maps server `weak_password.reasons` strings to [`ServerReason`]s.
pub fn parse_reasons(reasons: &[String]) -> Vec<ServerReason> {
    reasons
        .iter()
        .map(|r| match r.as_str() {
            "length" => ServerReason::Length,
            "characters" => ServerReason::Characters,
            "pwned" => ServerReason::Pwned,
            other => ServerReason::Other(other.to_owned()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::PasswordIssue::*;
    use super::*;

    const LUD: &str = "abcdefghijklmnopqrstuvwxyz:ABCDEFGHIJKLMNOPQRSTUVWXYZ:0123456789";

    #[test]
    fn default_policy() {
        let p = PasswordPolicy::default();
        assert_eq!(p.min_length, 6);
        assert!(p.required_characters.is_empty());
        assert_eq!(p.check("12345"), [TooShort { min: 6 }]);
        assert_eq!(p.check(""), [TooShort { min: 6 }]);
        assert!(p.check("123456").is_empty());
    }

    #[test]
    fn length_is_bytes_like_gotrue() {
        let p = PasswordPolicy::default();
        assert!(p.check("ééé").is_empty()); // 3 chars, 6 bytes
        assert_eq!(p.check("éé"), [TooShort { min: 6 }]);
        assert!(p.check("🔑🔑").is_empty()); // 8 bytes
    }

    #[test]
    fn max_length_72_bytes() {
        let p = PasswordPolicy::default();
        assert!(p.check(&"a".repeat(72)).is_empty());
        assert_eq!(p.check(&"a".repeat(73)), [TooLong]);
        // 36 two-byte chars = 72 bytes: fine; one more byte is too long.
        assert!(p.check(&"é".repeat(36)).is_empty());
        assert_eq!(p.check(&("é".repeat(36) + "a")), [TooLong]);
        // 18 four-byte chars = 72 bytes; 70 ASCII + a 3-byte char = 73.
        assert!(p.check(&"🔑".repeat(18)).is_empty());
        assert_eq!(p.check(&("a".repeat(70) + "€")), [TooLong]);
        assert!(p.check(&("a".repeat(69) + "€")).is_empty());
    }

    #[test]
    fn required_sets() {
        let p = PasswordPolicy::with_required(LUD);
        assert_eq!(p.required_characters.len(), 3);
        assert_eq!(p.min_length, 6);
        assert!(p.check("abcDE1").is_empty());
        assert_eq!(
            p.check("abcdef"),
            [MissingCharacters { set_index: 1 }, MissingCharacters { set_index: 2 }]
        );
        assert_eq!(p.check("A1"), [TooShort { min: 6 }, MissingCharacters { set_index: 0 }]);
        assert_eq!(
            p.check(""),
            [
                TooShort { min: 6 },
                MissingCharacters { set_index: 0 },
                MissingCharacters { set_index: 1 },
                MissingCharacters { set_index: 2 }
            ]
        );
        let q = PasswordPolicy { min_length: 8, ..p };
        assert_eq!(q.check("abcDE1x"), [TooShort { min: 8 }]);
    }

    #[test]
    fn required_sets_unicode_and_symbols() {
        let p = PasswordPolicy::with_required("äöü:!@#$%^&*()_+-=[]{};'\\:\"|<>?,./`~");
        assert_eq!(p.required_characters, ["äöü", "!@#$%^&*()_+-=[]{};':\"|<>?,./`~"]);
        assert!(p.check("xxxxxä:").is_empty());
        assert_eq!(p.check("xxxxxä"), [MissingCharacters { set_index: 1 }]);
    }

    #[test]
    fn parse_required_like_gotrue() {
        let sets = |s: &str| PasswordPolicy::with_required(s).required_characters;
        assert!(sets("").is_empty());
        assert!(sets(":::").is_empty());
        assert_eq!(sets("ab::cd:"), ["ab", "cd"]);
        assert_eq!(sets("a\\:b"), ["a:b"]);
        assert_eq!(sets("\\:"), [":"]);
        assert_eq!(sets("abc\\"), ["abc\\"]);
        // GoTrue joins only one escaped pair at a time: "a\:b\:c" -> ["a:b\", "c"].
        assert_eq!(sets("a\\:b\\:c"), ["a:b\\", "c"]);
    }

    #[test]
    fn pair() {
        let p = PasswordPolicy::default();
        assert_eq!(p.check_pair("", ""), [Empty]);
        assert_eq!(p.check_pair("", "x"), [Empty, Mismatch]);
        assert!(p.check_pair("secret1", "").is_empty());
        assert!(p.check_pair("secret1", "secret1").is_empty());
        assert_eq!(p.check_pair("secret1", "secret2"), [Mismatch]);
        assert_eq!(p.check_pair("abc", "abd"), [TooShort { min: 6 }, Mismatch]);
        assert_eq!(p.check_pair(&"a".repeat(80), "b"), [TooLong, Mismatch]);
    }

    #[test]
    fn reasons() {
        let r: Vec<String> = ["length", "characters", "pwned", "new"].map(String::from).into();
        assert_eq!(
            parse_reasons(&r),
            [
                ServerReason::Length,
                ServerReason::Characters,
                ServerReason::Pwned,
                ServerReason::Other("new".into())
            ]
        );
        assert!(parse_reasons(&[]).is_empty());
    }
}
