//! Helpers shared by the flow tests: the users they sign in, the steps several tests take
//! (asking for a recovery code, pressing an emailed link, the step-up page, adding an
//! authenticator app, a second tab), direct API calls and session inspection.

use crate::{Browser, Env};
use fantoccini::wd::WindowHandle;
use serde_json::{json, Value};

/// The password of the users the flow tests create.
pub const PASSWORD: &str = "Correct-horse-7";
/// The password they change to.
pub const NEW_PASSWORD: &str = "Battery-staple-9";
/// The TOTP secret of the users created with an authenticator app.
pub const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
/// `sessionStorage` key of the action waiting for a step-up.
pub const PENDING_KEY: &str = "lsa.step_up.pending";
/// The standalone app's sign-in page, going on to Security.
pub const SIGN_IN_TO_SECURITY: &str = "/auth/sign-in?next=%2Fauth%2Fsecurity";
/// The label of the field for an authenticator app's code.
const APP_CODE: &str = "Code from your authenticator app";

impl Env {
    /// A new browser signed in as `email` ([`PASSWORD`], no second factor), on Security.
    pub async fn signed_in(&self, email: &str) -> Browser {
        let b = self.browser().await;
        b.sign_in_with(SIGN_IN_TO_SECURITY, email, PASSWORD).await;
        b.wait_path("/auth/security").await;
        b.heading("Security").await;
        b
    }

    /// A new user ([`PASSWORD`], no second factor) signed in on two devices (new browsers),
    /// both on Security.
    pub async fn two_devices(&self, email: &str) -> (Browser, Browser) {
        self.create_user(email, PASSWORD, None, None).await;
        (self.signed_in(email).await, self.signed_in(email).await)
    }

    /// A new user ([`PASSWORD`], an authenticator app with the secret `totp` if given) and a
    /// new browser, not signed in.
    pub async fn user_and_browser(&self, email: &str, totp: Option<&str>) -> Browser {
        self.create_user(email, PASSWORD, totp, None).await;
        self.browser().await
    }

    /// A new user with the [`SECRET`] authenticator app, and a new browser signed in with its
    /// password and the app's code (aal2), on Security.
    pub async fn signed_in_at_aal2(&self, email: &str) -> Browser {
        self.create_user(email, PASSWORD, Some(SECRET), None).await;
        let b = self.browser().await;
        b.sign_in_with(SIGN_IN_TO_SECURITY, email, PASSWORD).await;
        self.enter_app_code(&b).await;
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

    /// On another device (a new browser, closed after), `password` signs `email` (no second
    /// factor) in and reaches Security.
    pub async fn password_reaches_security(&self, email: &str, password: &str) {
        let other = self.browser().await;
        other.sign_in_with(SIGN_IN_TO_SECURITY, email, password).await;
        other.wait_path("/auth/security").await;
        other.close().await;
    }

    /// Types the [`SECRET`] authenticator app's current code into `b`'s code field.
    pub async fn enter_app_code(&self, b: &Browser) {
        b.fill(APP_CODE, &self.totp(SECRET).await).await;
    }

    /// The step-up page (`/auth/mfa`) in `b`: waits for it, answers with the [`SECRET`] app's
    /// code and waits for Security again.
    pub async fn step_up_with_app(&self, b: &Browser) {
        b.wait_path("/auth/mfa").await;
        self.enter_app_code(b).await;
        b.wait_path("/auth/security").await;
    }
}

impl Browser {
    /// Asks for a recovery code for `email` in the wizard (step 1 → step 2), as a person does.
    pub async fn request_recovery_code(&self, email: &str) {
        self.goto("/auth/recover").await;
        self.heading("Step 1 of 4").await;
        self.fill("Email", email).await;
        self.click("Send code").await;
        self.heading("Step 2 of 4").await;
    }

    /// Opens an emailed link (the app's `/auth/confirm?token_hash=…&type=recovery`, where
    /// nothing is verified until the press) and presses Continue.
    pub async fn open_link_and_continue(&self, link: &str) {
        self.goto_url(link).await;
        self.heading("Reset your password").await;
        self.text("Press Continue to verify your reset link.").await;
        self.click("Continue").await;
    }

    /// On Security: starts adding an authenticator app named `name` (Add pressed; what follows
    /// is the setup key, or a step-up first).
    pub async fn add_authenticator_app(&self, name: &str) {
        self.click("Add an authenticator app").await;
        self.fill("Name for this device", name).await;
        self.click("Add").await;
    }

    /// Opens a second tab of this browser and switches to it: (first tab, second tab).
    pub async fn open_second_tab(&self) -> (WindowHandle, WindowHandle) {
        let first = self.client.window().await.expect("first tab");
        let second = self.client.new_window(true).await.expect("second tab").handle;
        self.switch_to(&second).await;
        (first, second)
    }

    /// Switches to the tab `handle`.
    pub async fn switch_to(&self, handle: &WindowHandle) {
        self.client.switch_to_window(handle.clone()).await.expect("switch tab");
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
        self.claims_in("localStorage", "lsa.session.v1").await
    }

    /// The claims of the session the recovery wizard holds (this tab's `sessionStorage`; not
    /// the app's session until the new password is saved). `Value::Null` when there is none.
    pub async fn held_claims(&self) -> Value {
        self.claims_in("sessionStorage", "lsa.session.v1.held").await
    }

    /// The claims of the access token of the session stored at `key` in `area`
    /// (`localStorage` or `sessionStorage`); `Value::Null` when there is none.
    async fn claims_in(&self, area: &str, key: &str) -> Value {
        self.js(&format!(
            "const raw = {area}.getItem({key:?});
             if (!raw) return null;
             const t = JSON.parse(raw).access_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
             return JSON.parse(atob(t));"
        ))
        .await
    }

    /// Waits until the wizard's held session's `aal` claim is `aal`.
    pub async fn wait_held_aal(&self, aal: &str) {
        crate::eventually(&format!("held session at {aal}"), || async {
            (self.held_claims().await["aal"] == aal).then_some(())
        })
        .await
    }

    /// Waits until no session is stored (`localStorage`) any more.
    pub async fn wait_session_forgotten(&self) {
        crate::eventually("the stored session to be forgotten", || async {
            self.local_storage(crate::links::SESSION_KEY).await.is_none().then_some(())
        })
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
