//! Security keys and passkeys end to end: the emulator with WebAuthn on, the app opened at
//! `http://localhost:PORT` (a relying-party id can't be an IP address), and chromedriver's
//! virtual authenticators (the WebDriver WebAuthn extension) answering the page's
//! `navigator.credentials` calls instead of a person with a key.

use crate::{Browser, Env, SessionCommand};
use serde_json::{json, Value};

/// [`Env::start_with`] with WebAuthn MFA and passkeys on (RP id `localhost`, origins
/// `http://localhost:*`, the emulator's defaults), serving `$LSA_E2E_DIST` when set.
pub async fn start_webauthn_env() -> Env {
    let dist = std::env::var_os("LSA_E2E_DIST");
    Env::start_with(move |c| {
        c.mfa_webauthn_enroll_enabled = true;
        c.mfa_webauthn_verify_enabled = true;
        c.passkey_enabled = true;
        if let Some(dir) = dist {
            c.serve_dir = Some(dir.into());
        }
    })
    .await
}

impl Env {
    /// A new browser on `http://localhost:PORT`, with no authenticator yet.
    pub async fn key_browser(&self) -> Browser {
        let mut b = self.browser().await;
        b.origin = b.origin.replace("127.0.0.1", "localhost");
        b
    }
}

impl Browser {
    async fn webdriver(&self, method: http::Method, path: String, body: Option<Value>) -> Value {
        let what = format!("{method} {path}");
        self.client.issue_cmd(SessionCommand { method, path, body }).await.expect(&what)
    }

    /// Plugs in a virtual security key (CTAP2 over USB, resident keys, user verification).
    /// `consenting: false` is a person who closes every prompt. Returns its id.
    pub async fn plug_key(&self, consenting: bool) -> String {
        let options = json!({
            "protocol": "ctap2", "transport": "usb", "hasResidentKey": true,
            "hasUserVerification": true, "isUserVerified": true, "isUserConsenting": consenting,
        });
        let id = self.webdriver(http::Method::POST, "webauthn/authenticator".into(), Some(options));
        id.await.as_str().expect("authenticator id").to_owned()
    }

    /// Unplugs the key `id`; returns the credentials it held (to put on another one).
    pub async fn unplug_key(&self, id: &str) -> Vec<Value> {
        let held = self.key_credentials(id).await;
        let path = format!("webauthn/authenticator/{id}");
        self.webdriver(http::Method::DELETE, path, None).await;
        held
    }

    /// The credentials the key `id` holds.
    pub async fn key_credentials(&self, id: &str) -> Vec<Value> {
        let path = format!("webauthn/authenticator/{id}/credentials");
        let held = self.webdriver(http::Method::GET, path, None).await;
        held.as_array().cloned().unwrap_or_default()
    }

    /// Puts `credentials` on the key `id`.
    pub async fn load_key(&self, id: &str, credentials: Vec<Value>) {
        for c in credentials {
            let path = format!("webauthn/authenticator/{id}/credential");
            self.webdriver(http::Method::POST, path, Some(c)).await;
        }
    }

    /// On Security: adds a passkey named `name` with the key plugged in now.
    pub async fn add_passkey(&self, name: &str) {
        self.open_passkeys().await;
        self.click("Add a passkey").await;
        self.fill("Passkey name", name).await;
        self.click("Add a passkey").await;
        self.role_text("status", &format!("Passkey “{name}” added")).await;
    }

    /// On Security: opens the passkeys card's list (*Manage passkeys*) unless it is open.
    pub async fn open_passkeys(&self) {
        self.find("//h2[normalize-space(.)='Passkeys']").await;
        if self.has_button("Manage passkeys").await {
            self.click("Manage passkeys").await;
        }
        self.button("Add a passkey").await;
    }

    /// On Security: adds a security key named `name` with the key plugged in now.
    pub async fn add_security_key(&self, name: &str) {
        self.click("Add a security key").await;
        self.fill("Name of this key", name).await;
        self.click("Add security key").await;
        self.role_text("status", "can now be used for two-step verification").await;
    }
}

impl Env {
    /// `GET /user` with `access_token`: the user's factors as the server has them.
    pub async fn api_factors(&self, access_token: &str) -> Vec<Value> {
        let user: Value = self
            .http
            .get(format!("{}/auth/v1/user", self.origin))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("emulator answers")
            .json()
            .await
            .expect("a user");
        user["factors"].as_array().cloned().unwrap_or_default()
    }
}

impl Browser {
    /// The stored session's access token.
    pub async fn access_token(&self) -> String {
        let script = "return JSON.parse(localStorage.getItem('lsa.session.v1')).access_token;";
        self.js(script).await.as_str().expect("a stored session").to_owned()
    }

    /// The `amr` methods of the stored session, newest first as GoTrue lists them.
    pub async fn amr_methods(&self) -> Vec<String> {
        let amr = self.session_claims().await["amr"].clone();
        let methods = amr.as_array().into_iter().flatten();
        methods.filter_map(|e| e["method"].as_str().map(str::to_owned)).collect()
    }
}

impl Browser {
    /// From the next page on, this window is a browser without WebAuthn (no
    /// `PublicKeyCredential`). Call it before the first `goto`.
    pub async fn without_webauthn(&self) {
        let source = "delete window.PublicKeyCredential;";
        self.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": source })).await;
    }
}
