//! What GoTrue sends: emailed one-time codes and links, SMS codes, and the limits on sending
//! them — the per-recipient interval ([`check_frequency`], the one check for every mail and SMS)
//! and the global hourly email budget.

use crate::clock::secs;
use crate::error::ApiError;
use crate::outbox::{render, Mail, MailKind, Sms};
use crate::state::{AppState, ServerData};
use crate::store::Micros;
use crate::util;

/// GoTrue's minimum interval between two messages of one kind to one recipient: refuses with
/// 429 `code` ("... after N seconds") while `interval_secs` have not passed since `last_sent`.
pub fn check_frequency(
    last_sent: Option<Micros>,
    now: Micros,
    interval_secs: f64,
    code: &'static str,
) -> Result<(), ApiError> {
    if let Some(sent) = last_sent {
        let until = sent + secs(interval_secs);
        if now < until {
            return Err(ApiError::frequency(code, (until - now) / 1_000_000));
        }
    }
    Ok(())
}

/// [`check_frequency`] for emails (`GOTRUE_SMTP_MAX_FREQUENCY`, `over_email_send_rate_limit`).
pub fn check_email_frequency(state: &AppState, last_sent: Option<Micros>) -> Result<(), ApiError> {
    check_frequency(
        last_sent,
        state.now(),
        state.config.smtp_max_frequency,
        "over_email_send_rate_limit",
    )
}

/// [`check_frequency`] for SMS to a phone factor (`GOTRUE_MFA_PHONE_MAX_FREQUENCY`,
/// `over_sms_send_rate_limit`).
pub fn check_sms_frequency(state: &AppState, last_sent: Option<Micros>) -> Result<(), ApiError> {
    check_frequency(
        last_sent,
        state.now(),
        state.config.mfa_phone_max_frequency,
        "over_sms_send_rate_limit",
    )
}

/// GoTrue's global email budget (`GOTRUE_RATE_LIMIT_EMAIL_SENT` per hour; only when autoconfirm
/// is off).
pub fn check_email_budget(state: &AppState, data: &mut ServerData) -> Result<(), ApiError> {
    if state.config.mailer_autoconfirm {
        return Ok(());
    }
    let hour_ago = state.now() - 3_600_000_000;
    data.email_sent.retain(|t| *t > hour_ago);
    if data.email_sent.len() as u64 >= u64::from(state.config.rate_limit_email_sent) {
        return Err(ApiError::too_many("over_email_send_rate_limit", "email rate limit exceeded"));
    }
    Ok(())
}

/// Both email limits, in GoTrue's order: the recipient's interval, then the global budget.
pub fn check_can_email(
    state: &AppState,
    data: &mut ServerData,
    last_sent: Option<Micros>,
) -> Result<(), ApiError> {
    check_email_frequency(state, last_sent)?;
    check_email_budget(state, data)
}

/// An emailed one-time code and the hash GoTrue stores for it.
#[derive(Debug, Clone)]
pub struct EmailOtp {
    /// The digits in the mail.
    pub code: String,
    /// `hex(sha224(identifier + code))`.
    pub hash: String,
}

impl EmailOtp {
    /// A fresh code of `GOTRUE_MAILER_OTP_LENGTH` digits for `identifier` (an email address).
    pub fn new(state: &AppState, identifier: &str) -> Self {
        let code = util::random_digits(state.config.mailer_otp_length);
        let hash = util::token_hash(identifier, &code);
        EmailOtp { code, hash }
    }
}

/// The emailed link: `<external>/verify?token=<hash>&type=<type>&redirect_to=<redirect>`.
pub fn verify_link(state: &AppState, token_hash: &str, kind: &str, redirect_to: &str) -> String {
    format!(
        "{}/verify?token={}&type={}&redirect_to={}",
        state.external_url,
        util::query_escape(token_hash),
        kind,
        util::query_escape(redirect_to)
    )
}

/// The project's templates' link to the app's landing page (Reset password, Confirm signup,
/// Magic link, Change email): `{{ .SiteURL }}/auth/confirm?token_hash={{ .TokenHash }}&type=…`.
pub const APP_LINK_TEMPLATE: &str =
    "{{ .SiteURL }}/auth/confirm?token_hash={{ .TokenHash }}&type={{ .Type }}";

/// A mail's link to the app's landing page, [`APP_LINK_TEMPLATE`] filled in with the site URL
/// (without a trailing `/`), the token hash (with its `pkce_` prefix, as GoTrue's
/// `{{ .TokenHash }}` has it) and the verify `kind` (`recovery`, `signup`, `magiclink`,
/// `email_change`). Opening it spends nothing: the app verifies the hash with `POST /verify`
/// when the person presses Continue.
pub fn app_link(state: &AppState, token_hash: &str, kind: &str) -> String {
    APP_LINK_TEMPLATE
        .replace("{{ .SiteURL }}", state.site_url.trim_end_matches('/'))
        .replace("{{ .TokenHash }}", &util::query_escape(token_hash))
        .replace("{{ .Type }}", kind)
}

/// A mail with a code and its links.
#[derive(Debug, Clone, Copy)]
pub struct CodeMail<'a> {
    /// Recipient.
    pub to: &'a str,
    /// Template.
    pub mail: MailKind,
    /// The verify type of its links (`signup`, `magiclink`, `email_change`, `recovery`).
    pub kind: &'a str,
    /// The code (`{{ .Token }}`).
    pub code: &'a str,
    /// The stored token hash (`{{ .TokenHash }}`).
    pub token_hash: &'a str,
}

/// Mails a recovery or magic-link code (`mail`, `kind`) to `user`: both are GoTrue's
/// `recovery_token` (`pkce_`-prefixed for a PKCE flow), stamped `recovery_sent_at`.
#[allow(clippy::too_many_arguments)]
pub fn send_recovery_token(
    state: &AppState,
    data: &mut ServerData,
    user: &crate::store::User,
    pkce: bool,
    mail: MailKind,
    kind: &str,
    redirect_to: &str,
    now: Micros,
) {
    let otp = EmailOtp::new(state, &user.email);
    let hash = if pkce { format!("pkce_{}", otp.hash) } else { otp.hash };
    if let Some(u) = data.db.user_mut(&user.id) {
        u.recovery_token = hash.clone();
        u.recovery_sent_at = Some(now);
        u.updated_at = now;
    }
    // The project's template: the app's own link, then GoTrue's `{{ .ConfirmationURL }}`.
    let m = CodeMail { to: &user.email, mail, kind, code: &otp.code, token_hash: &hash };
    send_code_mail(state, data, &m, redirect_to, true);
}

/// Mails a code with the app's link and, under it, GoTrue's `/verify` link to `redirect_to`
/// (the project's templates carry both): every code-and-link mail of the emulator. `counted`
/// false for the second mail of one GoTrue send (see [`push_mail`]).
pub fn send_code_mail(
    state: &AppState,
    data: &mut ServerData,
    m: &CodeMail<'_>,
    redirect_to: &str,
    counted: bool,
) {
    let app = app_link(state, m.token_hash, m.kind);
    let verify = verify_link(state, m.token_hash, m.kind, redirect_to);
    let send = if counted { send_mail } else { push_mail };
    send(state, data, m.to, m.mail, m.code, Some(&app), Some(&verify));
}

/// Puts a mail in the outbox (and counts it against the budget): the code, the `link` to follow
/// and, after it, GoTrue's `verify_link` when the mail carries both (see [`render`]).
pub fn send_mail(
    state: &AppState,
    data: &mut ServerData,
    to: &str,
    kind: MailKind,
    code: &str,
    link: Option<&str>,
    verify_link: Option<&str>,
) {
    push_mail(state, data, to, kind, code, link, verify_link);
    data.email_sent.push(state.now());
}

/// [`send_mail`] without counting it: the second mail of one GoTrue send (an email change
/// mails both addresses in one `sendEmail` call, which its limiter counts once).
pub fn push_mail(
    state: &AppState,
    data: &mut ServerData,
    to: &str,
    kind: MailKind,
    code: &str,
    link: Option<&str>,
    verify_link: Option<&str>,
) {
    let (subject, text, html) = render(kind, code, link, verify_link);
    data.outbox.mails.push(Mail {
        id: util::uuid_v4(),
        to: to.to_string(),
        from: state.config.smtp_admin_email.clone(),
        subject,
        text,
        html,
        created: state.now(),
    });
}

/// Sends a new SMS code of `GOTRUE_MFA_PHONE_OTP_LENGTH` digits with
/// `GOTRUE_MFA_PHONE_TEMPLATE`; returns the code.
pub fn send_sms_code(state: &AppState, data: &mut ServerData, phone: &str) -> String {
    let code = util::random_digits(state.config.mfa_phone_otp_length);
    let body =
        state.config.mfa_phone_template.replace("{{ .Code }}", &code).replace("{{.Code}}", &code);
    data.outbox.sms.push(Sms {
        to: format!("+{}", phone.trim_start_matches('+')),
        body,
        created: state.now(),
    });
    code
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::test_state;

    #[test]
    fn frequency_counts_down_to_zero() {
        let code = "over_email_send_rate_limit";
        assert!(check_frequency(None, 5, 60.0, code).is_ok());
        let e = check_frequency(Some(0), 1_500_000, 60.0, code).unwrap_err();
        assert_eq!((e.status.as_u16(), e.code.as_ref()), (429, code));
        assert_eq!(e.message, "For security purposes, you can only request this after 58 seconds.");
        assert!(check_frequency(Some(0), 60_000_000, 60.0, code).is_ok());
        assert!(check_frequency(Some(0), 59_999_999, 60.0, code).is_err());
    }

    #[test]
    fn budget_only_without_autoconfirm() {
        let state = test_state(|c| c.rate_limit_email_sent = 2);
        state.volatile(|data| {
            data.email_sent = vec![state.now(); 5];
            assert!(check_email_budget(&state, data).is_ok());
        });
        let state = test_state(|c| {
            c.mailer_autoconfirm = false;
            c.rate_limit_email_sent = 2;
        });
        state.volatile(|data| {
            send_mail(&state, data, "a@example.com", MailKind::Recovery, "1", None, None);
            assert!(check_email_budget(&state, data).is_ok());
            send_mail(&state, data, "a@example.com", MailKind::Recovery, "2", None, None);
            let e = check_email_budget(&state, data).unwrap_err();
            assert_eq!(e.message, "email rate limit exceeded");
            // Sends older than an hour no longer count.
            data.email_sent = vec![state.now() - 3_600_000_001; 2];
            assert!(check_email_budget(&state, data).is_ok());
            assert!(data.email_sent.is_empty());
        });
    }

    #[test]
    fn links_and_redirects() {
        let state = test_state(|_| {});
        assert_eq!(
            verify_link(&state, "ab c", "recovery", "http://localhost:3000/x?y=1"),
            "http://127.0.0.1:9999/auth/v1/verify?token=ab+c&type=recovery&redirect_to=http%3A%2F%2Flocalhost%3A3000%2Fx%3Fy%3D1"
        );
        assert_eq!(
            app_link(&state, "pkce_ab", "recovery"),
            "http://127.0.0.1:9999/auth/confirm?token_hash=pkce_ab&type=recovery"
        );
        let site = test_state(|c| c.site_url = Some("https://app.example/".into()));
        assert_eq!(
            app_link(&site, "h", "recovery"),
            "https://app.example/auth/confirm?token_hash=h&type=recovery"
        );
    }

    #[test]
    fn otp_and_sms() {
        let state = test_state(|c| c.mfa_phone_template = "Code {{.Code}}!".into());
        let otp = EmailOtp::new(&state, "a@example.com");
        assert_eq!(otp.code.len(), 6);
        assert_eq!(otp.hash, util::token_hash("a@example.com", &otp.code));
        state.volatile(|data| {
            let code = send_sms_code(&state, data, "15550001");
            assert_eq!(data.outbox.sms[0].to, "+15550001");
            assert_eq!(data.outbox.sms[0].body, format!("Code {code}!"));
        });
    }
}
