//! Real GoTrue's answers, as recorded (`emulator/tests/data/*.jsonl`, copies of the project's
//! fidelity recordings), read by this crate's JSON reader into the shapes the client decodes:
//! every successful answer of a route the client calls must decode, and every error answer must
//! give its `code`. The recordings replace each JWT by its claims; the claims are read by
//! [`Claims::decode`] from a token rebuilt around them.

use super::front::Settings;
use super::types::{Challenge, Enrolled, TokenResponse, User};
use super::webauthn::{Ceremony, FactorChallenge, Passkey};
use super::{error::parse_error, ErrorCode};
use crate::json::{self, FromJson, Value};
use crate::session::claims::{tests::b64url, Aal, Claims};

const RECORDINGS: [(&str, &str); 3] = [
    ("default", include_str!("../../emulator/tests/data/default.jsonl")),
    ("current-password", include_str!("../../emulator/tests/data/current-password.jsonl")),
    ("webauthn", include_str!("../../emulator/tests/data/webauthn.jsonl")),
];

/// A recorded body with each `{"jwt_claims": {...}}` put back as a (unsigned) JWT string.
fn with_tokens(v: &Value) -> Value {
    match v {
        Value::Object(members) => match v.get("jwt_claims") {
            Some(claims) if members.len() == 1 => {
                let payload = b64url(claims.to_json().as_bytes());
                Value::String(["eyJhbGciOiJIUzI1NiJ9.", &payload, ".sig"].concat())
            }
            _ => Value::Object(members.iter().map(|(k, v)| (k.clone(), with_tokens(v))).collect()),
        },
        Value::Array(items) => Value::Array(items.iter().map(with_tokens).collect()),
        other => other.clone(),
    }
}

fn decodes<T: FromJson>(body: &Value) -> bool {
    T::from_json(body).is_some()
}

/// Which of the client's shapes a successful answer to `method path` is, and whether it decodes;
/// `None` for routes the client does not read (or reads no body of).
fn decode(method: &str, path: &str, body: &Value) -> Option<bool> {
    let factor = path.strip_prefix("/factors/");
    Some(match (method, path) {
        ("POST", "/token" | "/verify" | "/passkeys/authentication/verify") => {
            let Some(t) = TokenResponse::from_json(body) else { return Some(false) };
            let claims = Claims::decode(&t.access_token);
            claims.is_ok_and(|c| c.sub == t.user.id && !c.amr.is_empty())
        }
        ("GET" | "PUT", "/user") => decodes::<User>(body),
        ("GET", "/settings") => decodes::<Settings>(body),
        ("POST", "/factors") => decodes::<Enrolled>(body),
        ("GET", "/passkeys") => decodes::<Vec<Passkey>>(body),
        ("PATCH", _) | ("POST", "/passkeys/registration/verify") => decodes::<Passkey>(body),
        ("POST", "/passkeys/registration/options" | "/passkeys/authentication/options") => {
            decodes::<Ceremony>(body)
        }
        ("POST", _) if factor.is_some_and(|f| f.ends_with("/challenge")) => {
            match body.text("type").as_str() {
                "webauthn" => decodes::<FactorChallenge>(body),
                _ => decodes::<Challenge>(body),
            }
        }
        ("POST", _) if factor.is_some_and(|f| f.ends_with("/verify")) => {
            let t = TokenResponse::from_json(body);
            t.is_some_and(|t| Claims::decode(&t.access_token).is_ok_and(|c| c.aal == Aal::Aal2))
        }
        _ => return None,
    })
}

#[test]
fn every_recorded_answer_reads() {
    let mut read = 0;
    for (file, text) in RECORDINGS {
        for (n, line) in text.lines().enumerate() {
            let at = format!("{file}.jsonl line {}", n + 1);
            let record = json::parse(line).unwrap_or_else(|| panic!("{at}: not JSON"));
            let request = record.get("request").expect("request");
            let response = record.get("response").expect("response");
            let (method, path) = (request.text("method"), request.text("path"));
            let status = response.int_at("status").expect("status");
            let body = with_tokens(response.get("body").unwrap_or(&Value::Null));
            if (200..300).contains(&status) {
                if let Some(ok) = decode(&method, &path, &body) {
                    assert!(ok, "{at}: {method} {path} does not decode: {}", body.to_json());
                    read += 1;
                }
            } else if status >= 400 {
                let e = parse_error(status as u16, None, &body.to_json());
                let code = body.string("code").or_else(|| body.string("error_code"));
                assert!(code.is_some(), "{at}: {status} without a code");
                assert_ne!(e.code, ErrorCode::Unknown, "{at}: unknown code {code:?}");
                read += 1;
            }
        }
    }
    assert!(read >= 130, "only {read} answers were checked");
}
