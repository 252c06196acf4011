//! `GET /settings`.

use axum::response::Response;
use serde_json::json;

use super::{ok_json, SharedState};

/// The public settings, in GoTrue's shape.
pub async fn get(state: SharedState) -> Response {
    let mut external = serde_json::Map::new();
    // (The keys come out sorted, as GoTrue's do: serde_json's map is ordered by key.)
    let methods = ["anonymous_users", "email", "phone"];
    for p in methods.into_iter().chain(crate::config::PROVIDER_NAMES.iter().copied()) {
        let provider_on = state.config.external_provider(p).is_some_and(|x| x.enabled);
        let on = p == "email"
            || (p == "anonymous_users" && state.config.anonymous_users_enabled)
            || provider_on;
        external.insert(p.into(), json!(on));
    }
    ok_json(json!({
        "external": external,
        "disable_signup": state.config.disable_signup,
        "mailer_autoconfirm": state.config.mailer_autoconfirm,
        "phone_autoconfirm": false,
        "sms_provider": "",
        "saml_enabled": false,
        "saml_private_key_next_configured": true,
        "passkeys_enabled": state.config.passkey_enabled,
    }))
}
