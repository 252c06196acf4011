//! Helpers shared by the flow tests: the users they sign in, direct API calls and session
//! inspection.

use crate::{Browser, Env};
use serde_json::{json, Value};

/// The password of the users the flow tests create.
pub const PASSWORD: &str = "Correct-horse-7";
/// The password they change to.
pub const NEW_PASSWORD: &str = "Battery-staple-9";
/// The TOTP secret of the users created with an authenticator app.
pub const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
/// `sessionStorage` key of the action waiting for a step-up.
pub const PENDING_KEY: &str = "lsa.step_up.pending";

impl Env {
    /// A new browser signed in as `email` ([`PASSWORD`], no second factor), on Security.
    pub async fn signed_in(&self, email: &str) -> Browser {
        let b = self.browser().await;
        b.sign_in_with("/auth/sign-in?next=%2Fauth%2Fsecurity", email, PASSWORD).await;
        b.wait_path("/auth/security").await;
        b.heading("Security").await;
        b
    }

    /// A new user with the [`SECRET`] authenticator app, and a new browser signed in with its
    /// password and the app's code (aal2), on Security.
    pub async fn signed_in_at_aal2(&self, email: &str) -> Browser {
        self.create_user(email, PASSWORD, Some(SECRET), None).await;
        let b = self.browser().await;
        b.sign_in_with("/auth/sign-in?next=%2Fauth%2Fsecurity", email, PASSWORD).await;
        b.fill("Code from your authenticator app", &self.totp(SECRET).await).await;
        b.wait_path("/auth/security").await;
        b
    }

    /// A new user with the [`SECRET`] authenticator app, and a new browser that signed in on
    /// `sign_in_path` with the password only (aal1): it shows the second-factor step.
    pub async fn mfa_user_at_aal1(&self, sign_in_path: &str, email: &str) -> Browser {
        self.create_user(email, PASSWORD, Some(SECRET), None).await;
        let b = self.browser().await;
        b.sign_in_with(sign_in_path, email, PASSWORD).await;
        b.heading("Two-step verification").await;
        b
    }

    /// On another device (a new browser, closed after), `password` signs `email` in as far as
    /// the second-factor step.
    pub async fn password_reaches_second_factor(&self, email: &str, password: &str) {
        let other = self.browser().await;
        other.sign_in_with("/auth/sign-in", email, password).await;
        other.heading("Two-step verification").await;
        other.close().await;
    }
}

impl Env {
    /// POSTs JSON to the API as auth-js does; `Ok(body)` on 2xx, `Err(body)` otherwise.
    async fn api_post(&self, path: &str, body: Value) -> Result<Value, Value> {
        let resp = self
            .http
            .post(format!("{}/auth/v1{path}", self.origin))
            .header("X-Supabase-Api-Version", "2024-01-01")
            .json(&body)
            .send()
            .await
            .expect("emulator answers");
        let ok = resp.status().is_success();
        let body: Value = resp.json().await.unwrap_or(Value::Null);
        if ok {
            Ok(body)
        } else {
            Err(body)
        }
    }

    /// Signs in over the API (password grant).
    pub async fn api_sign_in(&self, email: &str, password: &str) -> Result<Value, Value> {
        self.api_post("/token?grant_type=password", json!({"email": email, "password": password}))
            .await
    }

    /// Refreshes over the API; `Ok` means the token was live.
    pub async fn api_refresh(&self, refresh_token: &str) -> Result<Value, Value> {
        self.api_post("/token?grant_type=refresh_token", json!({ "refresh_token": refresh_token }))
            .await
    }

    /// Removes every injected fault.
    pub async fn clear_faults(&self) {
        self.control("DELETE", "/_emulator/faults", Value::Null).await;
    }
}

impl Browser {
    /// Pastes `text` into the field labelled `label` (one input event, as a paste does).
    pub async fn paste(&self, label: &str, text: &str) {
        let el = self.field(label).await;
        let id = el.attr("id").await.ok().flatten().expect("field id");
        let script = format!(
            "const el = document.getElementById({id:?}); el.focus(); el.value = {text:?};
             el.dispatchEvent(new Event('input', {{ bubbles: true }})); return null;"
        );
        self.js(&script).await;
    }

    /// The claims of the stored session's access token (`Value::Null` when signed out).
    pub async fn session_claims(&self) -> Value {
        self.js(
            "const raw = localStorage.getItem('lsa.session.v1');
             if (!raw) return null;
             const t = JSON.parse(raw).access_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
             return JSON.parse(atob(t));",
        )
        .await
    }

    /// Waits until the stored session's `aal` claim is `aal`.
    pub async fn wait_aal(&self, aal: &str) {
        crate::eventually(&format!("session at {aal}"), || async {
            (self.session_claims().await["aal"] == aal).then_some(())
        })
        .await
    }
}

impl Browser {
    /// Saves a screenshot to `target/e2e-shots/<name>.png` (for looking at a failure).
    pub async fn screenshot(&self, name: &str) {
        let dir =
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-shots");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }
}
