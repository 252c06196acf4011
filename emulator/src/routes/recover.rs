//! `POST /recover`.

use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::{ok_json, or_empty, PkceParams, RawBody, RequestInfo, SharedState};
use crate::domain::users;
use crate::error::ApiError;

#[derive(Deserialize)]
struct RecoverParams {
    email: Option<String>,
    #[serde(flatten)]
    pkce: PkceParams,
}

/// Mails a recovery code and link; always `{}` (nothing is sent to unknown addresses).
pub async fn post(
    state: SharedState,
    request: RequestInfo,
    body: RawBody,
) -> Result<Response, ApiError> {
    let p: RecoverParams = body.json()?;
    let (challenge, method) = p.pkce.pair();
    users::recover(
        &state,
        &or_empty(&p.email),
        &challenge,
        &method,
        &request.redirect_target(&state),
    )?;
    Ok(ok_json(json!({})))
}
