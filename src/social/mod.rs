//! Social sign-in: "Continue with …" buttons for the providers the server has on (a split part,
//! fetched only when there are some), and `{base}/callback`, where the provider's round trip
//! lands (a split part, a page of its own).
//!
//! An OAuth callback is a login-CSRF door: a code or tokens count only when this browser
//! started that flow (the PKCE verifier, or the implicit flow's mark, kept by the store), and
//! an MFA user gets the second factor before anything counts as signed in.

mod buttons;
mod callback;

use crate::config::Provider;
use leptos::prelude::*;

/// The providers to offer: those the host named ([`crate::AuthConfig::with_provider`]), in its
/// order, then any other the server has on, in the server's order. Only those the server has
/// on.
pub(crate) fn ordered<'a>(host: &'a [Provider], server: &'a str) -> Vec<&'a str> {
    let on = || server.split(' ').filter(|s| !s.is_empty());
    let named = host.iter().map(|p| p.name).filter(|n| on().any(|s| s == *n));
    let others = on().filter(|s| host.iter().all(|p| p.name != *s));
    named.chain(others).collect()
}

/// A provider's name as people know it (GoTrue's name, capitalised, for one it does not know).
pub(crate) fn display_name(provider: &str) -> String {
    let known = match provider {
        "apple" => "Apple",
        "azure" => "Microsoft",
        "bitbucket" => "Bitbucket",
        "discord" => "Discord",
        "facebook" => "Facebook",
        "figma" => "Figma",
        "fly" => "Fly.io",
        "github" => "GitHub",
        "gitlab" => "GitLab",
        "google" => "Google",
        "kakao" => "Kakao",
        "keycloak" => "Keycloak",
        "linkedin" | "linkedin_oidc" => "LinkedIn",
        "notion" => "Notion",
        "slack" | "slack_oidc" => "Slack",
        "spotify" => "Spotify",
        "twitch" => "Twitch",
        "twitter" | "x" => "X",
        "workos" => "WorkOS",
        "zoom" => "Zoom",
        _ => "",
    };
    match known {
        // ASCII: GoTrue's names are; Unicode's case tables would cost the page 6 KB.
        "" => {
            let mut name = provider.to_owned();
            if let Some(first) = name.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            name
        }
        name => name.to_owned(),
    }
}

/// The message for a failed round trip, by GoTrue's error code (never its text).
pub(crate) fn callback_message(s: &crate::Strings, code: &str) -> &'static str {
    match code {
        "access_denied" => s.oauth_cancelled,
        "provider_email_needs_verification" => s.oauth_confirm_email,
        "identity_already_exists" => s.oauth_identity_taken,
        "bad_oauth_state"
        | "bad_oauth_callback"
        | "flow_state_not_found"
        | "flow_state_expired"
        | "bad_code_verifier"
        | "not_started_here" => s.oauth_expired,
        _ => s.oauth_failed,
    }
}

/// The "Continue with …" buttons of the sign-in and sign-up pages once `providers` (from the
/// server's settings, space-separated) has some: their part is fetched only then.
pub(crate) fn offer(providers: RwSignal<String>) -> impl IntoView {
    move || {
        let on = providers.get();
        (!on.is_empty()).then(|| provider_buttons(on))
    }
}

crate::split::points! {
    /// The buttons for `providers` (space-separated).
    #[part(providers)]
    fn provider_buttons(providers: String) =>
        view! { <buttons::ProviderButtons providers/> };
    /// `{base}/callback`.
    #[part(callback, card)]
    pub(crate) fn callback_page() => view! { <callback::CallbackPage/> };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(names: &[&'static str]) -> Vec<Provider> {
        names.iter().map(|n| Provider { name: n, ..Default::default() }).collect()
    }

    #[test]
    fn the_hosts_order_first_and_only_what_the_server_has_on() {
        let server = "github google keycloak";
        assert_eq!(ordered(&host(&["google", "apple"]), server), ["google", "github", "keycloak"]);
        assert_eq!(ordered(&[], server), ["github", "google", "keycloak"]);
        assert!(ordered(&host(&["google"]), "").is_empty());
    }

    #[test]
    fn names() {
        assert_eq!(display_name("github"), "GitHub");
        assert_eq!(display_name("azure"), "Microsoft");
        assert_eq!(display_name("linkedin_oidc"), "LinkedIn");
        assert_eq!(display_name("someidp"), "Someidp");
        assert_eq!(display_name(""), "");
        assert_eq!(display_name("élan"), "élan", "not ASCII: as it is");
    }

    #[test]
    fn messages_by_code() {
        let s = &crate::Strings::EN;
        assert_eq!(callback_message(s, "access_denied"), s.oauth_cancelled);
        assert_eq!(callback_message(s, "provider_email_needs_verification"), s.oauth_confirm_email);
        assert_eq!(callback_message(s, "identity_already_exists"), s.oauth_identity_taken);
        for expired in
            ["bad_oauth_state", "flow_state_not_found", "bad_code_verifier", "not_started_here"]
        {
            assert_eq!(callback_message(s, expired), s.oauth_expired, "{expired}");
        }
        assert_eq!(callback_message(s, "server_error"), s.oauth_failed);
    }
}
