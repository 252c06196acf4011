//! `GET /settings`.

use axum::response::Response;
use serde_json::json;

use super::{ok_json, St};

/// The public settings, in GoTrue's shape.
pub async fn get(st: St) -> Response {
    let mut external = serde_json::Map::new();
    for p in [
        "anonymous_users",
        "apple",
        "azure",
        "bitbucket",
        "discord",
        "facebook",
        "snapchat",
        "figma",
        "fly",
        "github",
        "gitlab",
        "google",
        "keycloak",
        "kakao",
        "linkedin",
        "linkedin_oidc",
        "notion",
        "spotify",
        "slack",
        "slack_oidc",
        "workos",
        "twitch",
        "twitter",
        "email",
        "phone",
        "zoom",
    ] {
        external.insert(p.into(), json!(p == "email"));
    }
    ok_json(json!({
        "external": external,
        "disable_signup": st.config.disable_signup,
        "mailer_autoconfirm": st.config.mailer_autoconfirm,
        "phone_autoconfirm": false,
        "sms_provider": "",
        "saml_enabled": false,
        "saml_private_key_next_configured": true,
        "passkeys_enabled": st.config.passkey_enabled,
    }))
}
