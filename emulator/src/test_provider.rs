//! The built-in test provider (`--test-provider`): a stand-in OAuth/OIDC provider the emulator
//! serves itself under [`REALM_PATH`], shaped like a Keycloak realm, so that the demo shows
//! social sign-in without the network. This file holds its fixed client, its demo accounts, the
//! provider settings that point GoTrue's `keycloak` at it, and its issued codes and tokens; the
//! rules are in [`crate::domain::test_provider`], the pages in [`crate::routes::test_provider`].

use std::collections::HashMap;

use crate::config::{Config, ExternalProvider};
use crate::store::Micros;

/// Where the realm lives on the emulator's own origin (GoTrue's `GOTRUE_EXTERNAL_KEYCLOAK_URL`
/// is the origin followed by this path).
pub const REALM_PATH: &str = "/_provider/realms/demo";
/// The GoTrue provider it stands in for.
pub const PROVIDER: &str = "keycloak";
/// The one client the realm knows.
pub const CLIENT_ID: &str = "gotrue-emulator";
/// That client's secret.
pub const CLIENT_SECRET: &str = "test-provider-secret";
/// How long an authorization code may wait for its exchange (Keycloak's default: a minute).
pub const CODE_LIFETIME_SECS: i64 = 60;

/// A person the test provider can sign in as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// The stable subject (`sub`), a UUID like Keycloak's.
    pub sub: &'static str,
    /// `name`.
    pub name: &'static str,
    /// `email` (always verified).
    pub email: &'static str,
    /// `preferred_username`.
    pub username: &'static str,
}

/// The demo accounts: one with the seeded demo user's address (GoTrue links it to that user),
/// one that is new to the emulator (GoTrue creates a user for it).
pub const ACCOUNTS: &[Account] = &[
    Account {
        sub: "6f1d3c2a-8b4e-4f6a-9c1d-0a2b3c4d5e01",
        name: "Demo User",
        email: "demo@example.com",
        username: "demo",
    },
    Account {
        sub: "6f1d3c2a-8b4e-4f6a-9c1d-0a2b3c4d5e02",
        name: "Ada Lovelace",
        email: "ada@example.com",
        username: "ada",
    },
];

/// The account with subject `sub`.
pub fn account(sub: &str) -> Option<&'static Account> {
    ACCOUNTS.iter().find(|a| a.sub == sub)
}

/// An authorization code waiting for its exchange.
#[derive(Debug, Clone)]
pub struct Grant {
    /// The account signed in.
    pub sub: String,
    /// The redirect URI the code was sent to (the exchange must name the same).
    pub redirect_uri: String,
    /// When it was issued.
    pub issued_at: Micros,
}

/// The test provider's issued codes and access tokens (in memory only).
#[derive(Debug, Default)]
pub struct Grants {
    /// Unspent codes.
    pub codes: HashMap<String, Grant>,
    /// Access tokens and the subject each stands for.
    pub tokens: HashMap<String, String>,
}

/// With `config.test_provider` on: GoTrue's `keycloak` provider at the realm on `origin` (the
/// emulator's own, as bound), redirecting to `external_url`'s `/callback`, and manual linking.
/// Any configured `keycloak` is replaced.
pub fn install(config: &mut Config, origin: &str, external_url: &str) {
    if !config.test_provider {
        return;
    }
    config.external.retain(|p| p.name != PROVIDER);
    config.external.push(ExternalProvider {
        name: PROVIDER.into(),
        enabled: true,
        client_id: CLIENT_ID.into(),
        secret: CLIENT_SECRET.into(),
        redirect_uri: format!("{}/callback", external_url.trim_end_matches('/')),
        url: format!("{}{REALM_PATH}", origin.trim_end_matches('/')),
    });
    config.manual_linking_enabled = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_points_keycloak_at_the_realm() {
        let mut c = Config { test_provider: true, ..Config::default() };
        c.external.push(ExternalProvider { name: "keycloak".into(), ..Default::default() });
        install(&mut c, "http://127.0.0.1:5/", "http://127.0.0.1:5/auth/v1");
        let p = c.external_provider("keycloak").expect("keycloak");
        assert_eq!(c.external.len(), 1);
        assert!(p.enabled && c.manual_linking_enabled);
        assert_eq!(p.url, "http://127.0.0.1:5/_provider/realms/demo");
        assert_eq!(p.redirect_uri, "http://127.0.0.1:5/auth/v1/callback");
        assert_eq!((p.client_id.as_str(), p.secret.as_str()), (CLIENT_ID, CLIENT_SECRET));
    }

    #[test]
    fn off_changes_nothing() {
        let mut c = Config::default();
        install(&mut c, "http://127.0.0.1:5", "http://127.0.0.1:5/auth/v1");
        assert!(c.external.is_empty() && !c.manual_linking_enabled);
    }

    #[test]
    fn accounts_are_distinct() {
        assert!(ACCOUNTS.iter().any(|a| a.email == "demo@example.com"));
        for a in ACCOUNTS {
            assert_eq!(account(a.sub), Some(a));
        }
        assert!(account("nobody").is_none());
    }
}
