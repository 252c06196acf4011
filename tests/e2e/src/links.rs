//! Helpers for the emailed-link tests: recovery requested over the API (optionally with a PKCE
//! challenge), GoTrue's `GET /verify` link followed without a browser (its redirect's
//! `Location`), the tokens such a redirect carries, a mail scanner's plain GET, and the address
//! bar of a page.

use crate::{Browser, Env};
use serde_json::json;

/// `localStorage` key of the stored session.
pub const SESSION_KEY: &str = "lsa.session.v1";
/// `localStorage` key of the PKCE verifier.
pub const VERIFIER_KEY: &str = "lsa.pkce.verifier";

/// The session GoTrue's implicit redirect puts in the fragment
/// (`#access_token=…&expires_in=…&refresh_token=…&type=…`).
#[derive(Debug, Clone)]
pub struct LinkTokens {
    /// `access_token`.
    pub access_token: String,
    /// `refresh_token`.
    pub refresh_token: String,
    /// `expires_in` (seconds, as text).
    pub expires_in: String,
    /// `type`.
    pub kind: String,
}

fn fragment_pairs(url: &str) -> Vec<(String, String)> {
    let fragment = url.split_once('#').map_or("", |(_, f)| f);
    gotrue_emulator::util::parse_query(fragment)
}

impl LinkTokens {
    /// Reads the tokens from a redirect's `Location`.
    pub fn from_location(location: &str) -> LinkTokens {
        let pairs = fragment_pairs(location);
        let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        LinkTokens {
            access_token: get("access_token")
                .unwrap_or_else(|| panic!("no access_token: {location}")),
            refresh_token: get("refresh_token")
                .unwrap_or_else(|| panic!("no refresh_token: {location}")),
            expires_in: get("expires_in").unwrap_or_else(|| "3600".into()),
            kind: get("type").unwrap_or_default(),
        }
    }

    /// The same tokens from a password sign-in answer (`POST /token`).
    pub fn from_sign_in(resp: &serde_json::Value) -> LinkTokens {
        let text =
            |k: &str| resp[k].as_str().unwrap_or_else(|| panic!("no {k}: {resp}")).to_owned();
        LinkTokens {
            access_token: text("access_token"),
            refresh_token: text("refresh_token"),
            expires_in: resp["expires_in"].to_string(),
            kind: String::new(),
        }
    }

    /// The landing page with these tokens in the fragment, as GoTrue's redirect shapes it, and
    /// `type=kind` (no `type` at all when `None`).
    pub fn landing_path(&self, kind: Option<&str>) -> String {
        let esc = gotrue_emulator::util::query_escape;
        let mut path = format!(
            "/auth/confirm#access_token={}&expires_in={}&refresh_token={}&token_type=bearer",
            esc(&self.access_token),
            esc(&self.expires_in),
            esc(&self.refresh_token)
        );
        if let Some(k) = kind {
            path.push_str(&format!("&type={}", esc(k)));
        }
        path
    }
}

impl Env {
    /// `POST /recover` for `email` over the API, the links landing on the app's
    /// `{origin}/auth/confirm` (as the app asks), with a PKCE `s256` challenge when given.
    pub async fn api_recover(&self, email: &str, code_challenge: Option<&str>) {
        let redirect =
            gotrue_emulator::util::query_escape(&format!("{}/auth/confirm", self.origin));
        let mut body = json!({ "email": email });
        if let Some(c) = code_challenge {
            body["code_challenge"] = json!(c);
            body["code_challenge_method"] = json!("s256");
        }
        let resp = self
            .http
            .post(format!("{}/auth/v1/recover?redirect_to={redirect}", self.origin))
            .header("X-Supabase-Api-Version", "2024-01-01")
            .json(&body)
            .send()
            .await
            .expect("emulator answers");
        let status = resp.status();
        assert!(
            status.is_success(),
            "recover -> {status}: {}",
            resp.text().await.unwrap_or_default()
        );
    }

    /// A plain GET of `url` without following redirects, as a mail scanner or link preview
    /// does: `(status, Location header, body)`.
    pub async fn scan(&self, url: &str) -> (u16, String, String) {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        let resp = client.get(url).send().await.expect("emulator answers");
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, location, resp.text().await.unwrap_or_default())
    }

    /// Follows GoTrue's `GET /verify` link of the newest mail to `email` without a browser:
    /// the redirect's `Location` (the session in the fragment, or `?code=` with PKCE).
    pub async fn follow_verify_link(&self, email: &str) -> String {
        let link = self.latest_mail_verify_link(email).await;
        let (status, location, body) = self.scan(&link).await;
        assert_eq!(status, 303, "GET /verify redirects: {body}");
        location
    }

    /// `email`'s recovery session as GoTrue's implicit redirect hands it over: recovery is
    /// requested over the API and the mail's `GET /verify` link followed (not in a browser).
    pub async fn recovery_tokens(&self, email: &str) -> LinkTokens {
        self.api_recover(email, None).await;
        let location = self.follow_verify_link(email).await;
        let tokens = LinkTokens::from_location(&location);
        assert_eq!(tokens.kind, "recovery", "{location}");
        tokens
    }
}

impl Browser {
    /// The address bar (`window.location.href`).
    pub async fn href(&self) -> String {
        self.js("return window.location.href;").await.as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the address bar carries none of a link's secrets (`token_hash`, `code`,
    /// `access_token`, `refresh_token`); returns it.
    pub async fn wait_address_bar_clean(&self) -> String {
        crate::eventually("the link's tokens to leave the address bar", || async {
            let href = self.href().await;
            let dirty = ["token_hash", "code=", "access_token", "refresh_token"]
                .iter()
                .any(|secret| href.contains(secret));
            (!dirty).then_some(href)
        })
        .await
    }

    /// The stored session (`localStorage`), if any.
    pub async fn stored_session_text(&self) -> Option<String> {
        self.local_storage(SESSION_KEY).await
    }
}
