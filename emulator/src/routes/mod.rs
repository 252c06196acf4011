//! The HTTP layer: GoTrue's API under `/auth/v1`, the outboxes, test controls, static files.
//!
//! Handlers parse the request (body, path, query, bearer token), call [`crate::domain`] and
//! wrap its answer; the rules themselves live there.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use axum::Router;
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::ApiError;
use crate::state::AppState;

pub mod admin;
pub mod controls;
pub mod factors;
pub mod fault_layer;
pub mod mailbox;
pub mod oauth;
pub mod passkeys;
pub mod passwordless;
pub mod recover;
pub mod settings;
pub mod signup;
pub mod static_files;
pub mod test_provider;
pub mod token;
pub mod user;
pub mod verify;

/// The server's state as handlers extract it.
pub type SharedState = State<Arc<AppState>>;

/// The whole service.
pub fn router(state: Arc<AppState>) -> Router {
    let api = Router::new()
        .route("/settings", get(settings::get))
        .route("/signup", post(signup::post))
        .route("/token", post(token::post))
        .route("/recover", post(recover::post))
        .route("/otp", post(passwordless::otp))
        .route("/resend", post(passwordless::resend))
        .route("/verify", get(verify::get).post(verify::post))
        .route("/user", get(user::get).put(user::put))
        .route("/authorize", get(oauth::authorize))
        .route("/callback", get(oauth::callback).post(oauth::callback_post))
        .route("/user/identities/authorize", get(oauth::link_identity))
        .route("/user/identities/{id}", delete(oauth::unlink_identity))
        .route("/reauthenticate", get(user::reauthenticate))
        .route("/logout", post(user::logout))
        .route("/factors", post(factors::enroll))
        .route("/factors/{id}", delete(factors::unenroll))
        .route("/factors/{id}/challenge", post(factors::challenge))
        .route("/factors/{id}/verify", post(factors::verify))
        .route("/passkeys", get(passkeys::list))
        .route("/passkeys/registration/options", post(passkeys::registration_options))
        .route("/passkeys/registration/verify", post(passkeys::registration_verify))
        .route("/passkeys/authentication/options", post(passkeys::authentication_options))
        .route("/passkeys/authentication/verify", post(passkeys::authentication_verify))
        .route("/passkeys/{id}", patch(passkeys::rename).delete(passkeys::remove))
        .route("/invite", post(admin::invite))
        .route("/admin/users", post(admin::create_user))
        .route("/admin/users/{uid}", get(admin::get_user).delete(admin::delete_user))
        .route("/admin/users/{uid}/factors/{fid}", delete(admin::delete_factor))
        .fallback(api_not_found)
        .layer(from_fn_with_state(state.clone(), apikey_layer));
    let mut app = Router::new().nest("/auth/v1", api).merge(mailbox::router());
    if state.config.test_controls {
        app = app.nest("/_emulator", controls::router());
    }
    if state.config.test_provider {
        app = app.merge(test_provider::router());
    }
    app.fallback(static_files::serve)
        .layer(from_fn_with_state(state.clone(), fault_layer::fault_layer))
        .layer(from_fn(crate::error::api_version_layer))
        .layer(from_fn_with_state(state.clone(), crate::cors::cors_layer))
        .with_state(state)
}

async fn api_not_found() -> ApiError {
    ApiError::not_found("not_found", "404 page not found")
}

/// With a configured anon key, requests under `/auth/v1` need `apikey` (header or query) equal to
/// it or a JWT signed with the secret, like the hosted gateway; the browser navigations
/// `GET /verify` (the emailed link), `GET /authorize` and `GET`/`POST /callback` stay open.
async fn apikey_layer(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let Some(expected) = &state.config.anon_key else { return next.run(req).await };
    let path = req.uri().path();
    let navigation = ["/verify", "/authorize", "/callback"].iter().any(|p| path.ends_with(p))
        && !path.ends_with("/identities/authorize");
    let callback_post = path.ends_with("/callback") && req.method() == axum::http::Method::POST;
    if (navigation && req.method() == axum::http::Method::GET) || callback_post {
        return next.run(req).await;
    }
    let from_query = req.uri().query().and_then(|q| {
        crate::util::parse_query(q).into_iter().find(|(k, _)| k == "apikey").map(|(_, v)| v)
    });
    let key = req
        .headers()
        .get("apikey")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(from_query);
    match key {
        None => (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"message": "No API key found in request", "hint": "No `apikey` request header or url param was found."})),
        )
            .into_response(),
        Some(k)
            if &k == expected
                || crate::jwt::verify(&k, &state.config.jwt_secret, state.clock.now_secs()).is_ok() =>
        {
            next.run(req).await
        }
        Some(_) => (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"message": "Invalid API key", "hint": "Double check your Supabase `anon` or `service_role` API key."})),
        )
            .into_response(),
    }
}

/// The request body, read with GoTrue's size limit (larger bodies are drained, then refused
/// with 413 `request_entity_too_large`).
pub struct RawBody(pub Bytes);

const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

impl FromRequest<Arc<AppState>> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, ApiError> {
        let limit = state.config.max_body_bytes;
        let too_large = || {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request_entity_too_large",
                "Request body too large",
            )
        };
        let declared = req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > DRAIN_LIMIT) {
            return Err(too_large());
        }
        let mut body = req.into_body();
        let mut buf: Vec<u8> = Vec::new();
        let mut seen = 0usize;
        while let Some(frame) = body.frame().await {
            let frame =
                frame.map_err(|_| ApiError::bad_request("bad_json", "Could not read body"))?;
            if let Ok(data) = frame.into_data() {
                seen += data.len();
                if seen > DRAIN_LIMIT {
                    return Err(too_large());
                }
                if seen <= limit {
                    buf.extend_from_slice(&data);
                }
            }
        }
        if seen > limit {
            return Err(too_large());
        }
        Ok(RawBody(Bytes::from(buf)))
    }
}

impl RawBody {
    /// Parses the body as JSON whatever the content type (400 `bad_json` otherwise).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let text = std::str::from_utf8(&self.0).map_err(ApiError::bad_json)?;
        if text.trim() == "null" {
            return serde_json::from_str("{}").map_err(ApiError::bad_json);
        }
        if text.trim().is_empty() {
            return Err(ApiError::bad_json("unexpected end of JSON input"));
        }
        serde_json::from_str(text).map_err(ApiError::bad_json)
    }
}

/// What handlers read besides the body: the caller's IP, the query and the headers.
pub struct RequestInfo {
    /// Caller IP (first `X-Forwarded-For` entry, else the peer address).
    pub ip: String,
    /// Decoded query pairs.
    pub query: Vec<(String, String)>,
    /// Whether Go's `url.ParseQuery` reads the query without an error.
    pub query_ok: bool,
    /// Request headers.
    pub headers: HeaderMap,
}

impl RequestInfo {
    /// A query value (`""` when absent).
    pub fn query_value(&self, key: &str) -> String {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }

    /// Where emailed links and redirects lead (GoTrue's `GetReferrer`): the `redirect_to`
    /// header, else the `redirect_to` query value (when Go can parse the query), else
    /// `Referer` — the first valid one — else the site URL.
    pub fn redirect_target(&self, state: &AppState) -> String {
        let from_query = || {
            let value = self.query.iter().find(|(k, _)| k == "redirect_to");
            value.filter(|_| self.query_ok).map(|(_, v)| v.clone())
        };
        let requested = self.header("redirect_to").filter(|h| !h.is_empty()).or_else(from_query);
        crate::domain::redirects::target(state, requested, self.header("referer"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty());
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(RequestInfo {
            ip: forwarded.or(peer).unwrap_or_else(|| "127.0.0.1".into()),
            query: parts.uri.query().map(crate::util::parse_query).unwrap_or_default(),
            query_ok: parts.uri.query().is_none_or(crate::util::go_query_ok),
            headers: parts.headers.clone(),
        })
    }
}

/// The PKCE pair that `/signup` and `/recover` bodies may carry (`#[serde(flatten)]` it in).
#[derive(serde::Deserialize)]
pub struct PkceParams {
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

impl PkceParams {
    /// (`code_challenge`, `code_challenge_method`), `""` when absent.
    pub fn pair(&self) -> (String, String) {
        (or_empty(&self.code_challenge), or_empty(&self.code_challenge_method))
    }
}

/// An optional string field as GoTrue reads it (absent or null = `""`).
pub fn or_empty(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// A JSON response with status 200.
pub fn ok_json(v: serde_json::Value) -> Response {
    (StatusCode::OK, axum::Json(v)).into_response()
}
