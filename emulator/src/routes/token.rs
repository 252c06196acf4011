//! `POST /token`: password, refresh_token and pkce grants.

use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::{ok_json, or_empty, RawBody, RequestInfo, SharedState};
use crate::domain::sessions;
use crate::error::ApiError;

#[derive(Deserialize)]
struct PasswordParams {
    email: Option<String>,
    phone: Option<String>,
    password: Option<String>,
}

#[derive(Deserialize)]
struct RefreshParams {
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct PkceParams {
    auth_code: Option<String>,
    code_verifier: Option<String>,
}

/// Dispatches on `?grant_type=`.
pub async fn post(
    state: SharedState,
    request: RequestInfo,
    body: RawBody,
) -> Result<Response, ApiError> {
    let tokens = match request.query_value("grant_type").as_str() {
        "password" => {
            let p: PasswordParams = body.json()?;
            let (email, phone) = (or_empty(&p.email), or_empty(&p.phone));
            sessions::password_grant(&state, &email, &phone, &or_empty(&p.password)).await?
        }
        "refresh_token" => {
            let p: RefreshParams = body.json()?;
            sessions::refresh_grant(&state, &or_empty(&p.refresh_token))?
        }
        "pkce" => {
            let p: PkceParams = body.json()?;
            sessions::pkce_grant(&state, &or_empty(&p.auth_code), &or_empty(&p.code_verifier))?
        }
        _ => return Err(ApiError::bad_request("invalid_credentials", "unsupported_grant_type")),
    };
    Ok(ok_json(Value::Object(tokens)))
}
