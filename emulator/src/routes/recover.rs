//! `POST /recover`.

use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::{ok_json, s, validate_email, validate_pkce, Ctx, RawBody, St};
use crate::error::ApiError;
use crate::outbox::MailKind;
use crate::store::FlowState;

#[derive(Deserialize)]
struct RecoverParams {
    email: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

/// Mails a recovery code and link; always `{}` (nothing is sent to unknown addresses).
pub async fn post(st: St, ctx: Ctx, body: RawBody) -> Result<Response, ApiError> {
    let p: RecoverParams = body.json()?;
    let email = s(&p.email);
    if email.is_empty() {
        return Err(ApiError::validation("Password recovery requires an email"));
    }
    let email = validate_email(&email)?;
    let (challenge, method) = (s(&p.code_challenge), s(&p.code_challenge_method).to_lowercase());
    validate_pkce(&method, &challenge)?;
    let pkce = !challenge.is_empty();
    if pkce && method != "s256" && method != "plain" {
        return Err(ApiError::internal(format!("unsupported code_challenge method {method:?}")));
    }
    let referrer = st.referrer(&ctx.headers, &ctx.query);
    let aud = st.config.jwt_aud.clone();
    st.write(|inner| {
        let now = st.now();
        let Some(user) = inner.db.user_by_email(&email, &aud).cloned() else {
            return Ok(ok_json(json!({})));
        };
        if let Some(sent) = user.recovery_sent_at {
            let until = sent + crate::clock::secs(st.config.smtp_max_frequency);
            if now < until {
                return Err(ApiError::frequency(
                    "over_email_send_rate_limit",
                    (until - now) / 1_000_000,
                ));
            }
        }
        st.check_email_budget(inner)?;
        if pkce {
            inner.db.flow_states.push(FlowState {
                id: crate::util::uuid_v4(),
                user_id: user.id.clone(),
                auth_code: crate::util::uuid_v4(),
                code_challenge: challenge.clone(),
                code_challenge_method: method.clone(),
                authentication_method: "recovery".into(),
                created_at: now,
                auth_code_issued_at: None,
            });
        }
        let otp = crate::util::random_digits(st.config.mailer_otp_length);
        let mut hash = crate::util::token_hash(&user.email, &otp);
        if pkce {
            hash = format!("pkce_{hash}");
        }
        let link = st.verify_link(&hash, "recovery", &referrer);
        if let Some(u) = inner.db.user_mut(&user.id) {
            u.recovery_token = hash;
            u.recovery_sent_at = Some(now);
            u.updated_at = now;
        }
        st.send_mail(inner, &user.email, MailKind::Recovery, &otp, Some(&link));
        Ok(ok_json(json!({})))
    })
}
