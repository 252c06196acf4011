//! Sign-in and identity linking through an OAuth provider (GoTrue's `external.go`,
//! `external_oauth.go`, `linking.go`): the provider's authorization URL with a `state` (a
//! stored [`OAuthState`] whose id GoTrue also uses as the state), and the callback that
//! exchanges the code, reads the profile, finds or creates the user and its identity, and
//! hands out a session (implicit) or an auth code (PKCE).

use serde_json::{json, Map, Value};

use crate::clock::secs;
use crate::config::{ExternalProvider, PROVIDER_NAMES};
use crate::domain::oauth_accounts::{link_identity, sign_in_with_identity, Profile};
use crate::domain::sessions;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::OAuthState;
use crate::util;

/// Where a provider signs people in, exchanges codes and tells who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// Authorization endpoint (the browser goes there).
    pub auth: String,
    /// Token endpoint (code exchange).
    pub token: String,
    /// User-info endpoint (read with the provider's access token).
    pub userinfo: String,
    /// GoTrue's default scopes for the provider.
    pub scopes: &'static str,
}

/// The endpoints of a configured provider: one table entry per provider. Keycloak (OIDC under
/// its realm URL) works end to end; the others map their profile as OIDC claims would.
pub fn endpoints(p: &ExternalProvider) -> Option<Endpoints> {
    let base = |default: &str| {
        let u = if p.url.is_empty() { default } else { p.url.as_str() };
        u.trim_end_matches('/').to_string()
    };
    let e = |auth: String, token: String, userinfo: String, scopes| Endpoints {
        auth,
        token,
        userinfo,
        scopes,
    };
    match p.name.as_str() {
        "keycloak" if !p.url.is_empty() => {
            let b = base("");
            Some(e(
                format!("{b}/protocol/openid-connect/auth"),
                format!("{b}/protocol/openid-connect/token"),
                format!("{b}/protocol/openid-connect/userinfo"),
                "profile email",
            ))
        }
        "gitlab" => {
            let b = base("https://gitlab.com");
            Some(e(
                format!("{b}/oauth/authorize"),
                format!("{b}/oauth/token"),
                format!("{b}/api/v4/user"),
                "read_user",
            ))
        }
        "github" => Some(e(
            "https://github.com/login/oauth/authorize".into(),
            "https://github.com/login/oauth/access_token".into(),
            "https://api.github.com/user".into(),
            "user:email",
        )),
        _ => None,
    }
}

/// GoTrue's `Provider` lookup: 400 `validation_failed` "Unsupported provider: ..." for a name
/// it does not know or a provider that is off.
pub fn provider<'a>(
    state: &'a AppState,
    name: &str,
) -> Result<(&'a ExternalProvider, Endpoints), ApiError> {
    let name = name.to_lowercase();
    let unsupported = |why: String| ApiError::validation(format!("Unsupported provider: {why}"));
    if !PROVIDER_NAMES.contains(&name.as_str()) {
        return Err(unsupported(format!("Provider {name} could not be found")));
    }
    let p = state
        .config
        .external_provider(&name)
        .filter(|p| p.enabled)
        .ok_or_else(|| unsupported("provider is not enabled".into()))?;
    let e = endpoints(p)
        .ok_or_else(|| unsupported(format!("Provider {name} is not supported by the emulator")))?;
    Ok((p, e))
}

/// Query keys GoTrue never passes on to the provider (it sets them itself).
const RESERVED: &[&str] = &[
    "client_id",
    "client_secret",
    "redirect_uri",
    "response_type",
    "state",
    "code_challenge",
    "code_challenge_method",
    "scope",
];

/// A request to start an OAuth flow (`GET /authorize`, `GET /user/identities/authorize`).
#[derive(Debug, Clone)]
pub struct Authorize {
    /// The request's query pairs (`provider`, `scopes`, PKCE, anything to pass on).
    pub query: Vec<(String, String)>,
    /// Where the callback will redirect: the allowed `redirect_to`, else the site URL.
    pub referrer: String,
    /// The user to link an identity to (manual linking).
    pub linking_user_id: Option<String>,
}

/// GoTrue's `GetExternalProviderRedirectURL`: stores the flow and answers the provider's
/// authorization URL (client id, redirect URI, `response_type=code`, scopes, the state and the
/// request's other query keys, sorted like Go's `Values.Encode`).
pub fn authorize(state: &AppState, req: &Authorize) -> Result<String, ApiError> {
    let value = |k: &str| {
        req.query.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    let (p, e) = provider(state, &value("provider"))?;
    let (challenge, method) = (value("code_challenge"), value("code_challenge_method"));
    sessions::validate_pkce(&method, &challenge)?;
    let method = method.to_lowercase();
    if !challenge.is_empty() && method != "s256" && method != "plain" {
        return Err(ApiError::validation("Invalid code_challenge_method"));
    }
    let mut scopes: Vec<String> = e.scopes.split(' ').map(str::to_string).collect();
    scopes.extend(value("scopes").split(',').filter(|s| !s.is_empty()).map(str::to_string));
    let flow = OAuthState {
        id: util::uuid_v4(),
        provider: p.name.clone(),
        referrer: req.referrer.clone(),
        code_challenge: challenge,
        code_challenge_method: if method.is_empty() { String::new() } else { method },
        linking_user_id: req.linking_user_id.clone(),
        created_at: state.now(),
    };
    let mut params: Vec<(String, String)> = vec![
        ("client_id".into(), p.client_id.clone()),
        ("redirect_uri".into(), p.redirect_uri.clone()),
        ("response_type".into(), "code".into()),
        ("scope".into(), scopes.join(" ")),
        ("state".into(), flow.id.clone()),
    ];
    for (k, v) in &req.query {
        let lower = k.to_lowercase();
        let skip = k == "provider" || k == "scopes" || RESERVED.contains(&lower.as_str());
        if !skip && !params.iter().any(|(seen, _)| seen == k) {
            params.push((k.clone(), v.clone()));
        }
    }
    state.write(|data| data.db.oauth_states.push(flow));
    let sep = if e.auth.contains('?') { '&' } else { '?' };
    Ok(format!("{}{sep}{}", e.auth, util::encode_query(&params)))
}

/// GoTrue's Keycloak mapping of a user-info answer: `sub`, `name`, `email`, `email_verified`,
/// every other claim under `custom_claims`, plus `iss` (the provider URL), `full_name`,
/// `provider_id` and `phone_verified`.
pub fn profile_from_userinfo(issuer: &str, info: &Value) -> Profile {
    let text = |k: &str| info.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (sub, name, email) = (text("sub"), text("name"), text("email"));
    let verified = info.get("email_verified").and_then(Value::as_bool).unwrap_or(false);
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(issuer));
    claims.insert("sub".into(), json!(sub));
    if !name.is_empty() {
        claims.insert("name".into(), json!(name));
        claims.insert("full_name".into(), json!(name));
    }
    if !email.is_empty() {
        claims.insert("email".into(), json!(email));
    }
    claims.insert("email_verified".into(), json!(verified));
    claims.insert("phone_verified".into(), json!(false));
    let custom: Map<String, Value> = info
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| !["name", "sub", "email", "email_verified"].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !custom.is_empty() {
        claims.insert("custom_claims".into(), Value::Object(custom));
    }
    claims.insert("provider_id".into(), json!(sub));
    Profile {
        sub,
        email: email.to_lowercase(),
        email_verified: verified,
        claims: Value::Object(claims),
    }
}

/// Why a callback failed and where that is reported.
#[derive(Debug, Clone)]
pub enum CallbackError {
    /// A missing, malformed, unknown or expired `state`: 303 to the site URL, error in the query.
    State(ApiError),
    /// A failure after the state was found: 302 to the flow's referrer, error in query and
    /// fragment.
    Flow {
        /// The flow's referrer.
        referrer: String,
        /// What went wrong.
        error: FlowError,
    },
}

/// A failure of a found flow.
#[derive(Debug, Clone)]
pub enum FlowError {
    /// One of GoTrue's errors.
    Api(ApiError),
    /// The provider's own `error` / `error_description` (GoTrue's `OAuthError`).
    Provider {
        /// `error`.
        error: String,
        /// `error_description`.
        description: String,
    },
}

/// A successful callback.
#[derive(Debug, Clone)]
pub enum CallbackDone {
    /// Implicit flow: the session and the provider's tokens.
    Session {
        /// Where to redirect.
        referrer: String,
        /// GoTrue's token response.
        tokens: Map<String, Value>,
        /// The provider's access token.
        provider_token: String,
        /// The provider's refresh token (`""` when it gave none).
        provider_refresh_token: String,
    },
    /// PKCE flow: the auth code to exchange at `/token?grant_type=pkce`.
    Code {
        /// Where to redirect.
        referrer: String,
        /// The auth code.
        code: String,
    },
}

/// GoTrue's `loadFlowState`: the stored flow the `state` names.
fn load_state(state: &AppState, raw: &str) -> Result<OAuthState, ApiError> {
    if raw.is_empty() {
        return Err(ApiError::bad_request("bad_oauth_callback", "OAuth state parameter missing"));
    }
    let id = util::parse_uuid(raw).ok_or_else(|| {
        ApiError::bad_request("bad_oauth_state", "OAuth state parameter is invalid")
    })?;
    let flow = state.read(|data| data.db.oauth_states.iter().find(|f| f.id == id).cloned());
    let flow = flow.ok_or_else(|| {
        ApiError::bad_request("bad_oauth_state", "OAuth state not found or expired")
    })?;
    if state.now() > flow.created_at + secs(state.config.flow_state_expiry) {
        return Err(ApiError::bad_request("bad_oauth_state", "OAuth state has expired"));
    }
    Ok(flow)
}

/// `GET /callback`: checks the state, exchanges the code, reads the profile and signs in (or
/// links). `query` is the callback's query.
pub async fn callback(
    state: &AppState,
    query: &[(String, String)],
) -> Result<CallbackDone, CallbackError> {
    let value = |k: &str| {
        query.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    let flow = load_state(state, &value("state")).map_err(CallbackError::State)?;
    let referrer = flow.referrer.clone();
    let fail = |error: FlowError| CallbackError::Flow { referrer: referrer.clone(), error };
    let api = |e: ApiError| fail(FlowError::Api(e));
    if !value("error").is_empty() {
        return Err(fail(FlowError::Provider {
            error: value("error"),
            description: value("error_description"),
        }));
    }
    let code = value("code");
    if code.is_empty() {
        return Err(api(ApiError::bad_request(
            "bad_oauth_callback",
            "OAuth callback with missing authorization code missing",
        )));
    }
    let (p, e) = provider(state, &flow.provider)
        .map_err(|err| api(ApiError::bad_request("oauth_provider_not_supported", err.message)))?;
    let (p, e) = (p.clone(), e);
    let exchange_failed = || {
        let head: String = code.chars().take(4).collect();
        api(ApiError::internal(format!("Unable to exchange external code: {head}")))
    };
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", p.redirect_uri.as_str()),
    ];
    let token = crate::http_client::post_form(&e.token, &form, (&p.client_id, &p.secret))
        .await
        .map_err(|_| exchange_failed())?;
    let access = token.get("access_token").and_then(Value::as_str).unwrap_or("").to_string();
    if access.is_empty() {
        return Err(exchange_failed());
    }
    let refresh = token.get("refresh_token").and_then(Value::as_str).unwrap_or("").to_string();
    let info = crate::http_client::get_json(&e.userinfo, &access).await.map_err(|_| {
        api(ApiError::internal("Error getting user profile from external provider"))
    })?;
    let issuer = p.url.trim_end_matches('/').to_string();
    let profile = profile_from_userinfo(&issuer, &info);
    if profile.email.is_empty() {
        return Err(api(ApiError::internal("Error getting user email from external provider")));
    }
    state.write(|data| {
        // The state is spent whatever happens next (a replay is `bad_oauth_state`).
        data.db.oauth_states.retain(|f| f.id != flow.id);
        let now = state.now();
        let uid = match &flow.linking_user_id {
            Some(target) => link_identity(state, data, target, &flow, &profile),
            None => sign_in_with_identity(state, data, &flow, &profile),
        }
        .map_err(api)?;
        if !flow.code_challenge.is_empty() {
            let mut fs = sessions::new_flow_state(
                &uid,
                &flow.code_challenge,
                &flow.code_challenge_method,
                "oauth",
                now,
            );
            fs.auth_code_issued_at = Some(now);
            fs.provider_token = Some(access.clone());
            fs.provider_refresh_token = (!refresh.is_empty()).then(|| refresh.clone());
            let code = fs.auth_code.clone();
            data.db.flow_states.push(fs);
            return Ok(CallbackDone::Code { referrer: referrer.clone(), code });
        }
        let tokens = sessions::sign_in(state, &mut data.db, &uid, "oauth", now);
        let tokens = sessions::token_response(state, &data.db, &tokens).map_err(api)?;
        Ok(CallbackDone::Session {
            referrer: referrer.clone(),
            tokens,
            provider_token: access.clone(),
            provider_refresh_token: refresh.clone(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keycloak() -> ExternalProvider {
        ExternalProvider {
            name: "keycloak".into(),
            enabled: true,
            client_id: "gotrue".into(),
            secret: "s".into(),
            redirect_uri: "http://api/callback".into(),
            url: "http://kc/realms/test/".into(),
        }
    }

    #[test]
    fn keycloak_endpoints_live_under_its_url() {
        let e = endpoints(&keycloak()).unwrap();
        assert_eq!(e.auth, "http://kc/realms/test/protocol/openid-connect/auth");
        assert_eq!(e.userinfo, "http://kc/realms/test/protocol/openid-connect/userinfo");
        assert!(endpoints(&ExternalProvider { url: String::new(), ..keycloak() }).is_none());
    }

    #[test]
    fn authorize_url_and_errors() {
        let state = crate::state::test_state(|c| c.external = vec![keycloak()]);
        let q = |pairs: &[(&str, &str)]| Authorize {
            query: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            referrer: "http://app/cb".into(),
            linking_user_id: None,
        };
        let url = authorize(&state, &q(&[("provider", "keycloak"), ("redirect_to", "x")])).unwrap();
        assert!(url.starts_with("http://kc/realms/test/protocol/openid-connect/auth?client_id=gotrue&redirect_to=x&redirect_uri="), "{url}");
        assert!(url.contains("&response_type=code&scope=profile+email&state="));
        let e = authorize(&state, &q(&[("provider", "nope")])).unwrap_err();
        assert_eq!(e.message, "Unsupported provider: Provider nope could not be found");
        let e = authorize(&state, &q(&[("provider", "github")])).unwrap_err();
        assert_eq!(e.message, "Unsupported provider: provider is not enabled");
        let e = authorize(&state, &q(&[("provider", "keycloak"), ("code_challenge", "abc")]));
        assert_eq!(e.unwrap_err().code, "validation_failed");
    }

    #[test]
    fn keycloak_profile_claims() {
        let info = json!({"sub": "s1", "email": "A@x.com", "email_verified": true, "name": "K", "preferred_username": "k"});
        let p = profile_from_userinfo("http://kc", &info);
        assert_eq!(p.email, "a@x.com");
        assert_eq!(
            p.claims,
            json!({"iss": "http://kc", "sub": "s1", "name": "K", "full_name": "K", "email": "A@x.com",
                   "email_verified": true, "phone_verified": false,
                   "custom_claims": {"preferred_username": "k"}, "provider_id": "s1"})
        );
    }
}
