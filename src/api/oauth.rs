//! Social sign-in: the `/authorize` address a browser is sent to, and what the provider's
//! round trip brings back to `{base}/callback`.

use super::client::{GoTrue, Method};
use super::{encode_query, ApiError, TokenResponse};
use crate::json::{FromJson, Value};

/// A session a provider's round trip brought, with the provider's own tokens.
#[derive(Clone, Debug, PartialEq)]
pub struct OAuthSession {
    /// GoTrue's session.
    pub session: TokenResponse,
    /// The provider's access token (`provider_token`), for the host's calls to the provider.
    pub provider_token: Option<String>,
    /// The provider's refresh token (`provider_refresh_token`).
    pub provider_refresh_token: Option<String>,
}

impl FromJson for OAuthSession {
    fn from_json(v: &Value) -> Option<Self> {
        Some(OAuthSession {
            session: TokenResponse::from_json(v)?,
            provider_token: v.string("provider_token"),
            provider_refresh_token: v.string("provider_refresh_token"),
        })
    }
}

/// What a provider's round trip asks of GoTrue: the provider, where it lands, the PKCE
/// challenge (`None`: the implicit flow), and the host's scopes and extra query parameters.
#[derive(Clone, Copy, Debug)]
pub struct Authorize<'a> {
    /// The provider (`google`, `github`, `keycloak`…).
    pub provider: &'a str,
    /// Where the round trip lands (this origin's `{base}/callback`).
    pub redirect_to: &'a str,
    /// The S256 challenge of this browser's verifier.
    pub code_challenge: Option<&'a str>,
    /// Space-separated scopes (`""`: the provider's defaults).
    pub scopes: &'a str,
    /// Extra query parameters for the provider, e.g. `("prompt", "consent")`.
    pub query: &'a [(&'a str, &'a str)],
}

impl Authorize<'_> {
    /// The query string (without `?`) both `/authorize` and the linking call take.
    pub fn query_string(&self) -> String {
        let mut q = vec![("provider", self.provider), ("redirect_to", self.redirect_to)];
        if let Some(c) = self.code_challenge {
            q.extend([("code_challenge", c), ("code_challenge_method", "s256")]);
        }
        if !self.scopes.is_empty() {
            q.push(("scopes", self.scopes));
        }
        q.extend(self.query.iter().copied());
        let pairs = q.iter().map(|(k, v)| [encode_query(k), "=".into(), encode_query(v)].concat());
        pairs.collect::<Vec<_>>().join("&")
    }
}

/// What `{base}/callback` was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callback {
    /// `?code=`: a PKCE flow's code, exchanged with this browser's verifier.
    Code(String),
    /// The implicit flow's session in the fragment, with the provider's tokens.
    Tokens {
        /// The access token.
        access_token: String,
        /// The refresh token.
        refresh_token: String,
        /// Lifetime in seconds.
        expires_in: i64,
        /// The provider's access token (`provider_token`).
        provider_token: Option<String>,
        /// The provider's refresh token (`provider_refresh_token`).
        provider_refresh_token: Option<String>,
    },
    /// An error, in the query or the fragment: its `error_code` (else its `error`).
    Error(String),
    /// Nothing usable.
    Nothing,
}

/// Reads the callback address's query and fragment. An error wins; tokens count only from the
/// fragment (where GoTrue puts them: a query is sent to servers and kept in logs).
pub fn parse_callback(query: &str, fragment: &str) -> Callback {
    let (q, f) = (crate::redirect::pairs(query), crate::redirect::pairs(fragment));
    let get = |list: &[(String, String)], k: &str| {
        list.iter().find(|(key, v)| key == k && !v.is_empty()).map(|(_, v)| v.clone())
    };
    let any = |k: &str| get(&f, k).or_else(|| get(&q, k));
    if let Some(code) = any("error_code").or_else(|| any("error")) {
        return Callback::Error(code);
    }
    if let (Some(access_token), Some(refresh_token)) =
        (get(&f, "access_token"), get(&f, "refresh_token"))
    {
        return Callback::Tokens {
            access_token,
            refresh_token,
            expires_in: get(&f, "expires_in").and_then(|v| v.parse().ok()).unwrap_or(0),
            provider_token: get(&f, "provider_token"),
            provider_refresh_token: get(&f, "provider_refresh_token"),
        };
    }
    get(&q, "code").map_or(Callback::Nothing, Callback::Code)
}

impl GoTrue {
    /// The `/authorize` address the browser goes to for a sign-in with a provider.
    pub fn authorize_url(&self, a: &Authorize<'_>) -> String {
        [self.url("/authorize?"), a.query_string()].concat()
    }

    /// `POST /token?grant_type=pkce` for a provider's code: the session and provider tokens.
    pub async fn exchange_oauth_code(
        &self,
        auth_code: &str,
        code_verifier: &str,
    ) -> Result<OAuthSession, ApiError> {
        let body = crate::json::Object::new().str("auth_code", auth_code);
        let body = body.str("code_verifier", code_verifier).finish();
        self.send(Method::Post, "/token?grant_type=pkce", None, Some(body)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::read;

    #[test]
    fn the_authorize_address_carries_the_challenge_scopes_and_the_hosts_parameters() {
        let api = GoTrue::new("https://x.example/auth/v1/", "k");
        let query = [("prompt", "select account")];
        let a = Authorize {
            provider: "google",
            redirect_to: "https://app.example/auth/callback?next=%2Fx",
            code_challenge: Some("ch"),
            scopes: "email profile",
            query: &query,
        };
        assert_eq!(
            api.authorize_url(&a),
            "https://x.example/auth/v1/authorize?provider=google&redirect_to=https%3A%2F%2Fapp.example%2Fauth%2Fcallback%3Fnext%3D%252Fx&code_challenge=ch&code_challenge_method=s256&scopes=email%20profile&prompt=select%20account"
        );
        let implicit = Authorize { code_challenge: None, scopes: "", query: &[], ..a };
        assert_eq!(
            implicit.query_string(),
            "provider=google&redirect_to=https%3A%2F%2Fapp.example%2Fauth%2Fcallback%3Fnext%3D%252Fx"
        );
    }

    /// The shapes real GoTrue lands with (`frontdoor.jsonl`, sections 6–7).
    #[test]
    fn callbacks() {
        assert_eq!(parse_callback("?code=1c2d-3e", ""), Callback::Code("1c2d-3e".into()));
        let implicit = "#access_token=a.b.c&expires_at=9&expires_in=3600&provider_refresh_token=pr&provider_token=pt&refresh_token=r&sb=&token_type=bearer";
        assert_eq!(
            parse_callback("", implicit),
            Callback::Tokens {
                access_token: "a.b.c".into(),
                refresh_token: "r".into(),
                expires_in: 3600,
                provider_token: Some("pt".into()),
                provider_refresh_token: Some("pr".into()),
            }
        );
        // A refusal at the provider comes in both; a bad state in the query only.
        let refused = "?error=access_denied&error_code=access_denied&error_description=User+denied";
        assert_eq!(
            parse_callback(refused, "#error=access_denied&error_code=access_denied"),
            Callback::Error("access_denied".into())
        );
        assert_eq!(
            parse_callback("?error=invalid_request&error_code=bad_oauth_state", ""),
            Callback::Error("bad_oauth_state".into())
        );
        assert_eq!(
            parse_callback("?error=server_error", ""),
            Callback::Error("server_error".into())
        );
        // Tokens in the query are not GoTrue's: ignored.
        assert_eq!(parse_callback("?access_token=a&refresh_token=r", ""), Callback::Nothing);
        assert_eq!(parse_callback("", ""), Callback::Nothing);
        assert_eq!(parse_callback("?code=", ""), Callback::Nothing);
    }

    /// The PKCE exchange's answer carries the provider's tokens beside the session.
    #[test]
    fn an_exchange_brings_the_providers_tokens() {
        let answer = r#"{"access_token":"a","refresh_token":"r","expires_in":3600,"user":{"id":"u"},"provider_token":"pt","provider_refresh_token":"pr"}"#;
        let got = read::<OAuthSession>(answer).unwrap();
        assert_eq!(got.session.user.id, "u");
        assert_eq!(got.provider_token.as_deref(), Some("pt"));
        assert_eq!(got.provider_refresh_token.as_deref(), Some("pr"));
        let without = r#"{"access_token":"a","refresh_token":"r","user":{"id":"u"}}"#;
        assert_eq!(read::<OAuthSession>(without).unwrap().provider_token, None);
    }
}
