//! Admin API (service-role JWT): create users, read/delete users, delete factors.

use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{ok_json, or_empty, RawBody, RequestInfo, SharedState};
use crate::auth::AdminUser;
use crate::domain::factors;
use crate::domain::users::{self, AdminCreate};
use crate::error::ApiError;

#[derive(Deserialize)]
struct CreateParams {
    email: Option<String>,
    password: Option<String>,
    email_confirm: Option<bool>,
    user_metadata: Option<Map<String, Value>>,
    app_metadata: Option<Map<String, Value>>,
}

/// `POST /admin/users`.
pub async fn create_user(
    state: SharedState,
    _admin: AdminUser,
    body: RawBody,
) -> Result<Response, ApiError> {
    let p: CreateParams = body.json()?;
    let input = AdminCreate {
        email: or_empty(&p.email),
        password: or_empty(&p.password),
        email_confirm: p.email_confirm.unwrap_or(false),
        user_metadata: p.user_metadata,
        app_metadata: p.app_metadata,
    };
    Ok(ok_json(users::admin_create(&state, input).await?))
}

#[derive(Deserialize)]
struct InviteParams {
    email: Option<String>,
    data: Option<Map<String, Value>>,
}

/// `POST /invite`: invites a user by email; answers its User JSON.
pub async fn invite(
    state: SharedState,
    request: RequestInfo,
    _admin: AdminUser,
    body: RawBody,
) -> Result<Response, ApiError> {
    let p: InviteParams = body.json()?;
    let redirect_to = request.redirect_target(&state);
    let user = crate::domain::signup::invite(&state, &or_empty(&p.email), p.data, &redirect_to)?;
    Ok(ok_json(user))
}

/// `GET /admin/users/{uid}`.
pub async fn get_user(
    state: SharedState,
    _admin: AdminUser,
    Path(uid): Path<String>,
) -> Result<Response, ApiError> {
    let user = users::find_for_admin(&state, &uid)?;
    Ok(ok_json(users::admin_json(&state, &user)))
}

/// `DELETE /admin/users/{uid}`.
pub async fn delete_user(
    state: SharedState,
    _admin: AdminUser,
    Path(uid): Path<String>,
) -> Result<Response, ApiError> {
    let user = users::find_for_admin(&state, &uid)?;
    users::delete(&state, &user.id);
    Ok(ok_json(json!({})))
}

/// `DELETE /admin/users/{uid}/factors/{fid}`: no AAL check; sessions drop to aal1.
pub async fn delete_factor(
    state: SharedState,
    _admin: AdminUser,
    Path((uid, fid)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let user = users::find_for_admin(&state, &uid)?;
    let factor = factors::load(&state, &user.id, &fid)?;
    factors::remove(&state, &factor);
    Ok(ok_json(crate::domain::wire::factor_json(&factor)))
}
