//! Admin API (service-role JWT): create users, read/delete users, delete factors.

use axum::extract::Path;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{ok_json, s, validate_email, RawBody, St};
use crate::auth::AdminUser;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Deserialize)]
struct CreateParams {
    email: Option<String>,
    password: Option<String>,
    email_confirm: Option<bool>,
    user_metadata: Option<Map<String, Value>>,
    app_metadata: Option<Map<String, Value>>,
}

/// `POST /admin/users`.
pub async fn create_user(st: St, _admin: AdminUser, body: RawBody) -> Result<Response, ApiError> {
    let p: CreateParams = body.json()?;
    let email = validate_email(&s(&p.email))?;
    let aud = st.config.jwt_aud.clone();
    if st.read(|i| i.db.user_by_email(&email, &aud).is_some()) {
        return Err(ApiError::unprocessable(
            "email_exists",
            "A user with this email address has already been registered",
        ));
    }
    let password = s(&p.password);
    let hash = if password.is_empty() {
        String::new()
    } else {
        st.check_password_strength(&password)?;
        st.hash_password_async(&password).await?
    };
    let mut user =
        st.new_user(&email, hash, p.email_confirm.unwrap_or(false), p.user_metadata.as_ref());
    if let (Some(extra), Some(app)) = (p.app_metadata, user.app_metadata.as_object_mut()) {
        for (k, v) in extra {
            app.insert(k, v);
        }
    }
    st.write(|inner| {
        let json = st.user_json(&inner.db, &user, false);
        inner.db.users.push(user);
        Ok(ok_json(json))
    })
}

fn load_user(st: &AppState, uid: &str) -> Result<crate::store::User, ApiError> {
    if !crate::util::is_uuid(uid) {
        return Err(ApiError::not_found("validation_failed", "user_id must be an UUID"));
    }
    let uid = uid.to_lowercase();
    st.read(|i| i.db.user(&uid).cloned())
        .ok_or_else(|| ApiError::not_found("user_not_found", "User not found"))
}

/// `GET /admin/users/{uid}`.
pub async fn get_user(
    st: St,
    _admin: AdminUser,
    Path(uid): Path<String>,
) -> Result<Response, ApiError> {
    let user = load_user(&st, &uid)?;
    Ok(st.read(|i| ok_json(st.user_json(&i.db, &user, false))))
}

/// `DELETE /admin/users/{uid}`.
pub async fn delete_user(
    st: St,
    _admin: AdminUser,
    Path(uid): Path<String>,
) -> Result<Response, ApiError> {
    let user = load_user(&st, &uid)?;
    st.write(|i| i.db.delete_user(&user.id));
    Ok(ok_json(serde_json::json!({})))
}

/// `DELETE /admin/users/{uid}/factors/{fid}`: no AAL check; sessions drop to aal1.
pub async fn delete_factor(
    st: St,
    _admin: AdminUser,
    Path((uid, fid)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let user = load_user(&st, &uid)?;
    let factor = super::factors::load_factor(&st, &user.id, &fid)?;
    st.write(|inner| super::factors::remove_factor(inner, &factor));
    Ok(ok_json(crate::state::factor_json(&factor)))
}
