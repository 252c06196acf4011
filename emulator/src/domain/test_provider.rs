//! The built-in test provider's rules (see [`crate::test_provider`]): which client and redirect
//! URI it serves, the code it hands back for a chosen account, and what its token and
//! user-info endpoints answer — the same as the tests' fake Keycloak.

use serde_json::{json, Value};

use crate::clock::secs;
use crate::state::AppState;
use crate::test_provider::{
    account, Account, Grant, CLIENT_ID, CLIENT_SECRET, CODE_LIFETIME_SECS, PROVIDER,
};
use crate::util;

/// At most this many live access tokens are kept; older ones are forgotten beyond it.
const MAX_TOKENS: usize = 1000;

/// Why the authorization endpoint refuses a request (Keycloak's wording).
pub fn check_client(state: &AppState, client_id: &str, redirect_uri: &str) -> Result<(), String> {
    if client_id != CLIENT_ID {
        return Err("Client not found.".into());
    }
    let registered = state.config.external_provider(PROVIDER).map(|p| p.redirect_uri.as_str());
    if registered != Some(redirect_uri) {
        return Err("Invalid parameter: redirect_uri".into());
    }
    Ok(())
}

/// `uri` with `params` added to its query.
pub fn with_query(uri: &str, params: &[(String, String)]) -> String {
    let sep = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{sep}{}", util::encode_query(params))
}

/// Signs `who` in: a fresh code for `redirect_uri`, and the redirect back with it and `state`.
pub fn continue_as(state: &AppState, who: &Account, redirect_uri: &str, flow: &str) -> String {
    let code = util::uuid_v4();
    let grant =
        Grant { sub: who.sub.into(), redirect_uri: redirect_uri.into(), issued_at: state.now() };
    state.volatile(|data| data.test_provider.codes.insert(code.clone(), grant));
    with_query(
        redirect_uri,
        &[
            ("state".into(), flow.into()),
            ("session_state".into(), util::uuid_v4()),
            ("code".into(), code),
        ],
    )
}

/// The redirect back when the person cancels: `access_denied`, as Keycloak answers.
pub fn cancel(redirect_uri: &str, flow: &str) -> String {
    with_query(
        redirect_uri,
        &[
            ("error".into(), "access_denied".into()),
            ("error_description".into(), "User denied the request".into()),
            ("state".into(), flow.into()),
        ],
    )
}

/// A refused token request: the HTTP status and the OAuth error body.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenError {
    /// 400 or 401.
    pub status: u16,
    /// `{"error": ..., "error_description": ...}`.
    pub body: Value,
}

/// The token endpoint: checks the client, spends `code` (which must be unexpired and issued
/// for `redirect_uri` when one is named) and answers a bearer token for its account.
pub fn exchange(
    state: &AppState,
    client: (&str, &str),
    code: &str,
    redirect_uri: &str,
) -> Result<Value, TokenError> {
    if client != (CLIENT_ID, CLIENT_SECRET) {
        let body = json!({"error": "unauthorized_client", "error_description": "Invalid client or Invalid client credentials"});
        return Err(TokenError { status: 401, body });
    }
    let now = state.now();
    let token = util::uuid_v4();
    let spent = state.volatile(|data| {
        let grants = &mut data.test_provider;
        let grant = grants.codes.remove(code)?;
        grants.codes.retain(|_, g| now <= g.issued_at + secs(CODE_LIFETIME_SECS as f64));
        let fresh = now <= grant.issued_at + secs(CODE_LIFETIME_SECS as f64);
        let same_uri = redirect_uri.is_empty() || redirect_uri == grant.redirect_uri;
        if !(fresh && same_uri) {
            return None;
        }
        if grants.tokens.len() >= MAX_TOKENS {
            grants.tokens.clear();
        }
        grants.tokens.insert(token.clone(), grant.sub);
        Some(())
    });
    if spent.is_none() {
        let body = json!({"error": "invalid_grant", "error_description": "Code not valid"});
        return Err(TokenError { status: 400, body });
    }
    Ok(json!({
        "access_token": token,
        "expires_in": 300,
        "refresh_expires_in": 1800,
        "refresh_token": util::uuid_v4(),
        "token_type": "Bearer",
        "not-before-policy": 0,
        "scope": "profile email",
    }))
}

/// The user-info endpoint: the profile of the account `token` was issued for.
pub fn userinfo(state: &AppState, token: &str) -> Option<Value> {
    let sub = state.read(|data| data.test_provider.tokens.get(token).cloned())?;
    let a = account(&sub)?;
    Some(json!({
        "sub": a.sub,
        "email": a.email,
        "email_verified": true,
        "name": a.name,
        "preferred_username": a.username,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_provider::ACCOUNTS;

    fn state() -> std::sync::Arc<AppState> {
        crate::state::test_state(|c| c.test_provider = true)
    }

    fn code_of(url: &str) -> String {
        let q = util::parse_query(url.split_once('?').map_or("", |(_, q)| q));
        q.into_iter().find(|(k, _)| k == "code").map(|(_, v)| v).unwrap_or_default()
    }

    #[test]
    fn only_the_registered_client_and_redirect() {
        let s = state();
        let cb = "http://127.0.0.1:9999/auth/v1/callback";
        assert_eq!(check_client(&s, CLIENT_ID, cb), Ok(()));
        assert_eq!(check_client(&s, "other", cb), Err("Client not found.".into()));
        let e = check_client(&s, CLIENT_ID, "http://evil.test/callback");
        assert_eq!(e, Err("Invalid parameter: redirect_uri".into()));
    }

    #[test]
    fn a_code_is_spent_once_for_a_profile() {
        let s = state();
        let cb = "http://127.0.0.1:9999/auth/v1/callback";
        let back = continue_as(&s, &ACCOUNTS[1], cb, "st");
        assert!(back.starts_with(&format!("{cb}?code=")) && back.ends_with("&state=st"), "{back}");
        let code = code_of(&back);
        let wrong = exchange(&s, (CLIENT_ID, "x"), &code, cb).unwrap_err();
        assert_eq!(wrong.status, 401);
        let other_uri = exchange(&s, (CLIENT_ID, CLIENT_SECRET), &code, "http://x/cb");
        assert_eq!(other_uri.unwrap_err().status, 400);
        let code = code_of(&continue_as(&s, &ACCOUNTS[1], cb, "st"));
        let t = exchange(&s, (CLIENT_ID, CLIENT_SECRET), &code, cb).unwrap();
        assert!(exchange(&s, (CLIENT_ID, CLIENT_SECRET), &code, cb).is_err());
        let at = t["access_token"].as_str().unwrap();
        let info = userinfo(&s, at).unwrap();
        assert_eq!(info["email"], "ada@example.com");
        assert_eq!(info["sub"], ACCOUNTS[1].sub);
        assert_eq!(info["email_verified"], true);
        assert!(userinfo(&s, "nope").is_none());
    }

    #[test]
    fn codes_expire() {
        let s = state();
        let cb = "http://127.0.0.1:9999/auth/v1/callback";
        let code = code_of(&continue_as(&s, &ACCOUNTS[0], cb, "st"));
        s.clock.advance(61.0);
        assert_eq!(exchange(&s, (CLIENT_ID, CLIENT_SECRET), &code, "").unwrap_err().status, 400);
    }

    #[test]
    fn cancel_is_access_denied() {
        let url = cancel("http://a.test/cb?x=1", "st");
        assert_eq!(
            url,
            "http://a.test/cb?x=1&error=access_denied&error_description=User+denied+the+request&state=st"
        );
    }
}
