//! Mail and SMS outboxes (what GoTrue would have sent), and the mail templates.

use serde_json::{json, Value};

use crate::store::Micros;
use crate::util::{html_escape, rfc3339};

/// One email.
#[derive(Debug, Clone)]
pub struct Mail {
    /// Mailpit-style id.
    pub id: String,
    /// Recipient.
    pub to: String,
    /// Sender.
    pub from: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body.
    pub html: String,
    /// When it was sent.
    pub created: Micros,
}

/// One SMS.
#[derive(Debug, Clone)]
pub struct Sms {
    /// Recipient in E.164 with `+`.
    pub to: String,
    /// Text.
    pub body: String,
    /// When it was sent.
    pub created: Micros,
}

/// Everything sent so far, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Outbox {
    /// Emails.
    pub mails: Vec<Mail>,
    /// SMS.
    pub sms: Vec<Sms>,
}

impl Mail {
    fn address(a: &str) -> Value {
        json!({"Name": "", "Address": a})
    }

    /// The Mailpit list entry (`messages[]` of `/api/v1/messages` and `/api/v1/search`).
    pub fn summary(&self) -> Value {
        json!({
            "ID": self.id,
            "MessageID": format!("{}@gotrue-emulator", self.id),
            "Read": false,
            "From": Self::address(&self.from),
            "To": [Self::address(&self.to)],
            "Cc": [],
            "Bcc": [],
            "ReplyTo": [],
            "Subject": self.subject,
            "Created": rfc3339(self.created),
            "Tags": [],
            "Size": self.text.len() + self.html.len(),
            "Attachments": 0,
            "Snippet": self.text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(250).collect::<String>(),
        })
    }

    /// Mailpit search terms: `to:`, `from:`, `subject:` and plain words (case-insensitive, quotes ok).
    pub fn matches_search(&self, query: &str) -> bool {
        query.split_whitespace().all(|term| {
            let term = term.to_lowercase();
            let unquote = |v: &str| v.trim_matches('"').to_string();
            if let Some(v) = term.strip_prefix("to:") {
                self.to.to_lowercase().contains(&unquote(v))
            } else if let Some(v) = term.strip_prefix("from:") {
                self.from.to_lowercase().contains(&unquote(v))
            } else if let Some(v) = term.strip_prefix("subject:") {
                self.subject.to_lowercase().contains(&unquote(v))
            } else {
                let t = unquote(&term);
                self.subject.to_lowercase().contains(&t) || self.text.to_lowercase().contains(&t)
            }
        })
    }

    /// The full Mailpit message (`/api/v1/message/{ID}`).
    pub fn full(&self) -> Value {
        json!({
            "ID": self.id,
            "MessageID": format!("{}@gotrue-emulator", self.id),
            "From": Self::address(&self.from),
            "To": [Self::address(&self.to)],
            "Cc": [],
            "Bcc": [],
            "ReplyTo": [],
            "ReturnPath": self.from,
            "Subject": self.subject,
            "ListUnsubscribe": {"Header": "", "Links": [], "Errors": "", "HeaderPost": ""},
            "Date": rfc3339(self.created),
            "Tags": [],
            "Username": "",
            "Text": self.text,
            "HTML": self.html,
            "Size": self.text.len() + self.html.len(),
            "Inline": [],
            "Attachments": [],
        })
    }
}

/// What an email is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// Password recovery (code + link).
    Recovery,
    /// Sign-up confirmation (code + link).
    Confirmation,
    /// Reauthentication nonce (code only).
    Reauthentication,
    /// Email change confirmation (code + link).
    EmailChange,
    /// Passwordless sign-in (`POST /otp`: code + link).
    MagicLink,
    /// Invitation (`POST /invite`: code + link).
    Invite,
}

/// Renders subject, text and HTML. The text has a line `Code: 123456` and, when there is one,
/// a line with the link to follow (the first `http` line), so that tests can read both. A
/// recovery mail's link is the app's own (`{{ .SiteURL }}/auth/confirm?token_hash=…`); its
/// `verify_link`, GoTrue's `{{ .ConfirmationURL }}`, follows on a line of its own under a label
/// saying that the first visit spends it.
pub fn render(
    kind: MailKind,
    code: &str,
    link: Option<&str>,
    verify_link: Option<&str>,
) -> (String, String, String) {
    let (subject, title, intro) = match kind {
        MailKind::Recovery => (
            "Reset Your Password",
            "Reset Password",
            "Follow this link to reset the password for your user:",
        ),
        MailKind::Confirmation => {
            ("Confirm Your Signup", "Confirm your signup", "Follow this link to confirm your user:")
        }
        MailKind::Reauthentication => {
            ("Confirm reauthentication", "Confirm reauthentication", "Enter the code:")
        }
        MailKind::EmailChange => (
            "Confirm Email Change",
            "Confirm Change of Email",
            "Follow this link to confirm the update of your email:",
        ),
        MailKind::MagicLink => ("Your Magic Link", "Magic Link", "Follow this link to login:"),
        MailKind::Invite => (
            "You have been invited",
            "You have been invited",
            "You have been invited to create a user. Follow this link to accept the invite:",
        ),
    };
    let mut text = format!("{title}\n\nCode: {code}\n");
    let mut html = format!("<h2>{}</h2>\n", html_escape(title));
    if let Some(l) = link {
        text.push_str(&format!("\n{intro}\n{l}\n"));
        html.push_str(&format!(
            "<p>{}</p>\n<p><a href=\"{}\">{}</a></p>\n",
            html_escape(intro),
            html_escape(l),
            html_escape(title)
        ));
        if let Some(v) = verify_link {
            text.push_str(&format!("\n{VERIFY_LINK_LABEL}\n{v}\n"));
            html.push_str(&format!(
                "<p>{}<br><a href=\"{}\">{}</a></p>\n",
                html_escape(VERIFY_LINK_LABEL),
                html_escape(v),
                html_escape(v)
            ));
        }
        html.push_str(&format!("<p>Alternatively, enter the code: {}</p>\n", html_escape(code)));
    } else {
        html.push_str(&format!("<p>Enter the code: {}</p>\n", html_escape(code)));
    }
    (subject.to_string(), text, html)
}

/// The label of the second link of a recovery mail: GoTrue's own `GET /verify` link.
pub const VERIFY_LINK_LABEL: &str =
    "GoTrue's {{ .ConfirmationURL }} (GET /verify: the first visit spends the token, then redirects to redirect_to):";

#[cfg(test)]
mod tests {
    use super::*;

    fn http_lines(text: &str) -> Vec<&str> {
        text.lines().filter(|l| l.starts_with("http")).collect()
    }

    #[test]
    fn recovery_mail_has_the_code_the_app_link_first_then_the_verify_link() {
        let (subject, text, html) = render(
            MailKind::Recovery,
            "123456",
            Some("http://app.test/auth/confirm?token_hash=h&type=recovery"),
            Some("http://api.test/auth/v1/verify?token=h&type=recovery&redirect_to=x"),
        );
        assert_eq!(subject, "Reset Your Password");
        assert!(text.contains("\nCode: 123456\n"), "{text}");
        assert_eq!(
            http_lines(&text),
            [
                "http://app.test/auth/confirm?token_hash=h&type=recovery",
                "http://api.test/auth/v1/verify?token=h&type=recovery&redirect_to=x"
            ]
        );
        let label = text.lines().position(|l| l == VERIFY_LINK_LABEL).expect("labelled");
        assert!(text.lines().nth(label + 1).unwrap().contains("/verify?token="), "{text}");
        assert!(
            html.contains("href=\"http://app.test/auth/confirm?token_hash=h&amp;type=recovery\"")
        );
        assert!(html.contains("/auth/v1/verify?token=h&amp;type=recovery"), "{html}");
        assert!(html.contains("enter the code: 123456"), "{html}");
    }

    #[test]
    fn other_mails_have_one_link_or_none() {
        let (_, text, _) = render(
            MailKind::Confirmation,
            "111111",
            Some("http://api.test/auth/v1/verify?t"),
            None,
        );
        assert_eq!(http_lines(&text), ["http://api.test/auth/v1/verify?t"]);
        assert!(!text.contains(VERIFY_LINK_LABEL));
        let (subject, text, html) = render(MailKind::Reauthentication, "222222", None, None);
        assert_eq!(subject, "Confirm reauthentication");
        assert!(http_lines(&text).is_empty());
        assert!(html.contains("Enter the code: 222222"));
    }
}
