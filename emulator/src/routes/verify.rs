//! `POST /verify` (code or token hash) and `GET /verify` (the emailed link).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use super::{ok_json, s, validate_email, Ctx, RawBody, St};
use crate::error::ApiError;
use crate::state::{AppState, Inner};
use crate::store::{Micros, User};
use crate::util::{encode_query, SplitUrl};

#[derive(Deserialize)]
struct VerifyParams {
    #[serde(rename = "type")]
    kind: Option<String>,
    token: Option<String>,
    token_hash: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    redirect_to: Option<String>,
}

fn otp_expired(st: &AppState, sent_at: Option<Micros>) -> bool {
    match sent_at {
        Some(t) => st.now() > t + st.config.mailer_otp_exp * 1_000_000,
        None => true,
    }
}

fn otp_valid(st: &AppState, actual: &str, expected: &str, sent_at: Option<Micros>) -> bool {
    !expected.is_empty()
        && !otp_expired(st, sent_at)
        && (actual == expected || format!("pkce_{actual}") == expected)
}

fn token_error() -> ApiError {
    ApiError::forbidden("otp_expired", "Token has expired or is invalid")
}

fn link_error() -> ApiError {
    ApiError::forbidden("otp_expired", "Email link is invalid or has expired")
}

/// `email` + code: finds the user and checks the code against the stored hash of `kind`.
/// Returns the user id and the effective type (`email` becomes `signup` or `magiclink`).
fn verify_user_and_token(
    st: &AppState,
    inner: &Inner,
    email: &str,
    hash: &str,
    kind: &str,
) -> Result<(String, String), ApiError> {
    let aud = &st.config.jwt_aud;
    let user = if kind == "email_change" {
        inner.db.users.iter().find(|u| u.new_email == email && &u.aud == aud)
    } else {
        inner.db.user_by_email(email, aud)
    }
    .ok_or_else(token_error)?;
    let effective = match kind {
        "email" if otp_valid(st, hash, &user.confirmation_token, user.confirmation_sent_at) => {
            "signup"
        }
        "email" if otp_valid(st, hash, &user.recovery_token, user.recovery_sent_at) => "magiclink",
        "signup" | "invite"
            if otp_valid(st, hash, &user.confirmation_token, user.confirmation_sent_at) =>
        {
            kind
        }
        "recovery" | "magiclink"
            if otp_valid(st, hash, &user.recovery_token, user.recovery_sent_at) =>
        {
            kind
        }
        "email_change"
            if otp_valid(st, hash, &user.email_change_token, user.email_change_sent_at) =>
        {
            kind
        }
        _ => return Err(token_error()),
    };
    Ok((user.id.clone(), effective.to_string()))
}

/// Token hash (POST `token_hash`, or the link's `token`): finds the user holding it.
fn verify_token_hash(
    st: &AppState,
    inner: &Inner,
    hash: &str,
    kind: &str,
) -> Result<(String, String), ApiError> {
    let find = |pred: &dyn Fn(&User) -> bool| inner.db.users.iter().find(|u| pred(u)).cloned();
    let user = match kind {
        "email" => find(&|u| u.confirmation_token == hash || u.recovery_token == hash),
        "signup" | "invite" => find(&|u| u.confirmation_token == hash),
        "recovery" | "magiclink" => find(&|u| u.recovery_token == hash),
        "email_change" => find(&|u| u.email_change_token == hash),
        _ => return Err(ApiError::validation("Invalid email verification type")),
    };
    let user = user.filter(|_| !hash.is_empty()).ok_or_else(link_error)?;
    let (sent, effective) = match kind {
        "email" if user.recovery_token == hash => (user.recovery_sent_at, "magiclink"),
        "email" => (user.confirmation_sent_at, "signup"),
        "signup" | "invite" => (user.confirmation_sent_at, kind),
        "recovery" | "magiclink" => (user.recovery_sent_at, kind),
        _ => (user.email_change_sent_at, kind),
    };
    if otp_expired(st, sent) {
        return Err(link_error());
    }
    Ok((user.id, effective.to_string()))
}

/// The effect of a verified code on the user (single use: the token is cleared).
fn apply(st: &AppState, inner: &mut Inner, uid: &str, kind: &str) -> Result<(), ApiError> {
    let now = st.now();
    let u = inner.db.user_mut(uid).ok_or_else(token_error)?;
    match kind {
        "signup" | "invite" => {
            u.confirmation_token.clear();
            confirm(u, now);
        }
        "recovery" | "magiclink" => {
            u.recovery_token.clear();
            confirm(u, now);
        }
        "email_change" => {
            u.email = std::mem::take(&mut u.new_email);
            u.email_change_token.clear();
            u.email_change_sent_at = None;
            let email = u.email.clone();
            if let Some(m) = u.user_metadata.as_object_mut() {
                m.insert("email".into(), Value::String(email.clone()));
            }
            if let Some(i) = u.identity.as_mut() {
                i.identity_data["email"] = Value::String(email);
                i.updated_at = now;
            }
        }
        _ => return Err(ApiError::validation("Unsupported verification type")),
    }
    u.updated_at = now;
    Ok(())
}

fn confirm(u: &mut User, now: Micros) {
    if u.email_confirmed_at.is_none() {
        u.email_confirmed_at = Some(now);
        if let Some(m) = u.user_metadata.as_object_mut() {
            m.insert("email_verified".into(), Value::Bool(true));
        }
        if let Some(i) = u.identity.as_mut() {
            i.identity_data["email_verified"] = Value::Bool(true);
        }
    }
}

/// Verifies an emailed code (`email` + `token`) or hash (`token_hash`); answers a new aal1
/// session with AMR `otp`.
pub async fn post(st: St, body: RawBody) -> Result<Response, ApiError> {
    let p: VerifyParams = body.json()?;
    let (kind, token, token_hash) = (s(&p.kind), s(&p.token), s(&p.token_hash));
    let (email, phone) = (s(&p.email), s(&p.phone));
    if kind.is_empty() {
        return Err(ApiError::validation("Verify requires a verification type"));
    }
    if token.is_empty() == token_hash.is_empty() {
        return Err(ApiError::validation("Verify requires either a token or a token hash"));
    }
    let mut email_hash = None;
    if !token.is_empty() {
        if !phone.is_empty() && email.is_empty() {
            super::validate_phone(&phone)?;
            // No SMS sign-in here: no user can hold a phone OTP.
            return Err(token_error());
        } else if !email.is_empty() && phone.is_empty() {
            let email = validate_email(&email).map_err(|_| {
                ApiError::unprocessable("validation_failed", "Invalid email format")
            })?;
            email_hash = Some((crate::util::token_hash(&email, &token), email));
        } else {
            return Err(ApiError::validation(
                "Only an email address or phone number should be provided on verify",
            ));
        }
    } else if !email.is_empty() || !phone.is_empty() || !s(&p.redirect_to).is_empty() {
        return Err(ApiError::validation("Only the token_hash and type should be provided"));
    }
    st.write(|inner| {
        let (uid, effective) = match &email_hash {
            Some((hash, email)) => verify_user_and_token(&st, inner, email, hash, &kind)?,
            None => verify_token_hash(&st, inner, &token_hash, &kind)?,
        };
        apply(&st, inner, &uid, &effective)?;
        let (sid, refresh) = inner.db.create_session(&uid, "otp", st.now());
        st.touch_sign_in(&mut inner.db, &uid);
        Ok(ok_json(Value::Object(st.token_response(&inner.db, &sid, &refresh)?)))
    })
}

/// Go's `http.Redirect` with 303: Location plus a small HTML body.
pub fn see_other(url: &str) -> Response {
    let body = format!("<a href=\"{}\">See Other</a>.\n\n", crate::util::html_escape(url));
    let mut resp = (StatusCode::SEE_OTHER, body).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(url) {
        h.insert(header::LOCATION, v);
    }
    resp
}

/// GoTrue's `prepErrorRedirectURL`: error fields in the fragment, and in PKCE mode in the query too.
fn error_redirect(redirect: &str, err: &ApiError, pkce: bool) -> Response {
    let mut u = SplitUrl::parse(redirect);
    let oauth = match err.status.as_u16() {
        400 => Some("invalid_request"),
        401 => Some("unauthorized_client"),
        403 => Some("access_denied"),
        500 => Some("server_error"),
        503 => Some("temporarily_unavailable"),
        _ => None,
    };
    let mut frag: Vec<(String, String)> = Vec::new();
    if let Some(o) = oauth {
        frag.push(("error".into(), o.into()));
        if pkce {
            u.set("error", o);
        }
    }
    frag.push(("error_code".into(), err.code.to_string()));
    frag.push(("error_description".into(), err.message.clone()));
    frag.push(("sb".into(), String::new()));
    if pkce {
        u.set("error_code", &err.code);
        u.set("error_description", &err.message);
    }
    u.fragment = encode_query(&frag);
    see_other(&u.to_url_string())
}

/// The emailed link: verifies the token hash and redirects to `redirect_to` (or the site URL)
/// with the session in the fragment, `?code=` in PKCE mode, or the error.
pub async fn get(st: St, ctx: Ctx) -> Result<Response, ApiError> {
    let (kind, token) = (ctx.q("type"), ctx.q("token"));
    if kind.is_empty() {
        return Err(ApiError::validation("Verify requires a verification type"));
    }
    if token.is_empty() {
        return Err(ApiError::validation("Verify requires a token or a token hash"));
    }
    let redirect = st.referrer(&ctx.headers, &ctx.query);
    let pkce = token.starts_with("pkce_");
    let result = st.write(|inner| -> Result<Result<String, String>, ApiError> {
        let (uid, effective) = verify_token_hash(&st, inner, &token, &kind)?;
        apply(&st, inner, &uid, &effective)?;
        if !pkce {
            let (sid, refresh) = inner.db.create_session(&uid, "otp", st.now());
            st.touch_sign_in(&mut inner.db, &uid);
            let t = st.token_response(&inner.db, &sid, &refresh)?;
            let field = |k: &str| match &t[k] {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            let pairs: Vec<(String, String)> = vec![
                ("access_token".into(), field("access_token")),
                ("expires_at".into(), field("expires_at")),
                ("expires_in".into(), field("expires_in")),
                ("refresh_token".into(), field("refresh_token")),
                ("sb".into(), String::new()),
                ("token_type".into(), field("token_type")),
                ("type".into(), kind.clone()),
            ];
            return Ok(Ok(encode_query(&pairs)));
        }
        let method = match effective.as_str() {
            "recovery" => "recovery",
            "magiclink" => "magiclink",
            "email_change" => "email_change",
            "invite" => "invite",
            _ => "email/signup",
        };
        let now = st.now();
        let flow = inner
            .db
            .flow_states
            .iter_mut()
            .filter(|f| f.user_id == uid && f.authentication_method == method)
            .max_by_key(|f| f.created_at)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "flow_state_not_found",
                    "No associated flow state found. no flow state found",
                )
            })?;
        flow.auth_code_issued_at = Some(now);
        Ok(Err(flow.auth_code.clone()))
    });
    Ok(match result {
        Ok(Ok(fragment)) => see_other(&format!("{redirect}#{fragment}")),
        Ok(Err(code)) => {
            let mut u = SplitUrl::parse(&redirect);
            u.set("code", &code);
            see_other(&u.to_url_string())
        }
        Err(e) => error_redirect(&redirect, &e, pkce),
    })
}
