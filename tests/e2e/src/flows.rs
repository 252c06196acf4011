//! Helpers shared by the flow tests: direct API calls and session inspection.

use crate::{Browser, Env};
use serde_json::{json, Value};

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
