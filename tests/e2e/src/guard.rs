//! Helpers for the step-up guard tests: sessions whose second factor is old on the server's
//! clock, two-step sign-ins on any sign-in page, forged pending step-up entries, and a record of
//! everything a page ever put on screen.

use crate::{eventually, Browser, Env, SessionCommand, PASSWORD, PENDING_KEY, SECRET};
use serde_json::{json, Value};
use std::time::Duration;

/// `sessionStorage` key where the injected observer keeps the watched texts it saw.
const SEEN_KEY: &str = "__e2e_seen";

impl Env {
    /// Makes the second factor of the session in `b` at least `secs` old on the server's clock:
    /// the emulator's clock moves on, then the browser receives a new token (and with it the
    /// server's time), see [`Browser::receive_new_token`].
    pub async fn age_second_factor(&self, b: &Browser, secs: u64) {
        self.advance_clock(secs).await;
        b.receive_new_token().await;
    }

    /// A new user with the [`SECRET`] authenticator app, and a new browser signed in with its
    /// password and the app's code (aal2) on `sign_in_path` (e.g. `/account/sign-in`), which
    /// goes on to `next`.
    pub async fn two_step_user_on(&self, sign_in_path: &str, next: &str, email: &str) -> Browser {
        self.create_user(email, PASSWORD, Some(SECRET), None).await;
        let b = self.browser().await;
        self.sign_in_two_steps(&b, sign_in_path, next, email).await;
        b
    }

    /// In `b`: password and authenticator code for `email` on `sign_in_path?next=next`, then
    /// waits for `next` at aal2.
    pub async fn sign_in_two_steps(
        &self,
        b: &Browser,
        sign_in_path: &str,
        next: &str,
        email: &str,
    ) {
        b.sign_in_with(&format!("{sign_in_path}?next={}", encode(next)), email, PASSWORD).await;
        b.heading("Two-step verification").await;
        b.fill("Code from your authenticator app", &self.totp(SECRET).await).await;
        b.wait_path(next).await;
        b.wait_aal("aal2").await;
    }
}

impl Env {
    /// Whether the API accepts `access_token` (`GET /user`).
    pub async fn token_accepted(&self, access_token: &str) -> bool {
        self.http
            .get(format!("{}/auth/v1/user", self.origin))
            .bearer_auth(access_token)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    }
}

/// `next` as a query value (the few characters the tests' paths use).
pub fn encode(path: &str) -> String {
    path.replace('%', "%25").replace('/', "%2F").replace('?', "%3F").replace('=', "%3D")
}

impl Browser {
    /// Waits until the path with its query equals `path_and_query`.
    pub async fn wait_full_path(&self, path_and_query: &str) {
        eventually(&format!("at {path_and_query}"), || async {
            (self.path().await == path_and_query).then_some(())
        })
        .await;
    }

    /// The stored session as JSON (`Value::Null` when signed out).
    pub async fn stored_session(&self) -> Value {
        self.local_storage("lsa.session.v1")
            .await
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(Value::Null)
    }

    /// The stored refresh token, if signed in.
    pub async fn stored_refresh_token(&self) -> Option<String> {
        self.stored_session().await["refresh_token"].as_str().map(str::to_owned)
    }

    /// Makes this browser receive a new token now: reloads with the stored access token marked
    /// expired (`expires_at` 0; the store refreshes an expired token at once on load) and waits
    /// until the stored refresh token changed. The new token carries the server's time. The
    /// mark is written at the start of the reloaded document, before the app reads it: the page
    /// being left may save the session (a user reload in flight) up to its last moment.
    pub async fn receive_new_token(&self) {
        let before = self.stored_refresh_token().await.expect("a stored session");
        let source = "const s = JSON.parse(localStorage.getItem('lsa.session.v1'));
             s.expires_at = 0;
             localStorage.setItem('lsa.session.v1', JSON.stringify(s));";
        let added = self.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": source }));
        let id = added.await["identifier"].clone();
        self.reload().await;
        self.cdp("Page.removeScriptToEvaluateOnNewDocument", json!({ "identifier": id })).await;
        eventually("a new token", || async {
            let now = self.stored_refresh_token().await?;
            (now != before).then_some(())
        })
        .await;
    }

    /// Writes `entry` as the pending step-up action (as any script on the origin could).
    pub async fn plant_pending(&self, entry: &Value) {
        let script = format!(
            "sessionStorage.setItem({PENDING_KEY:?}, {:?}); return null;",
            entry.to_string()
        );
        self.js(&script).await;
    }

    /// A forged pending entry in the current shape for action `id`, bound to the user and the
    /// session of the stored access token and asked "now" on the emulator's clock.
    pub async fn forged_pending(&self, id: &str, return_to: &str, now: u64) -> Value {
        let claims = self.session_claims().await;
        json!({
            "v": 2,
            "id": id,
            "reason": "Continue",
            "return_to": return_to,
            "user_id": claims["sub"],
            "session_id": claims["session_id"],
            "asked_at": now,
            "page": "forged",
        })
    }

    /// From the next page load on, records every time one of `needles` is put into the page
    /// (added nodes and changed text, even if removed at once). Read with [`Self::seen`].
    pub async fn watch_for(&self, needles: &[&str]) {
        let source = format!(
            r#"(() => {{
  const needles = {needles};
  const key = {SEEN_KEY:?};
  const note = (text) => {{
    if (!text) return;
    for (const n of needles) {{
      if (text.includes(n)) {{
        try {{
          const list = JSON.parse(sessionStorage.getItem(key) || "[]");
          list.push(location.pathname + location.search + ": " + n);
          sessionStorage.setItem(key, JSON.stringify(list));
        }} catch (_) {{}}
      }}
    }}
  }};
  new MutationObserver((records) => {{
    for (const r of records) {{
      if (r.type === "characterData") note(r.target.data);
      for (const node of r.addedNodes) note(node.textContent);
    }}
  }}).observe(document, {{ childList: true, subtree: true, characterData: true }});
}})();"#,
            needles = json!(needles),
        );
        let cmd =
            json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": source}});
        let cdp = SessionCommand::post("goog/cdp/execute", cmd);
        self.client.issue_cmd(cdp).await.expect("CDP through chromedriver");
    }

    /// What [`Self::watch_for`] recorded in this tab so far (`path: needle` lines).
    pub async fn seen(&self) -> Vec<String> {
        let v = self.session_storage(SEEN_KEY).await;
        v.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default()
    }

    /// Keeps checking for `for_ms` that `check` holds (something must *not* happen).
    pub async fn stays<F, Fut>(&self, what: &str, for_ms: u64, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let start = std::time::Instant::now();
        while start.elapsed() < Duration::from_millis(for_ms) {
            assert!(check().await, "{what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The page's text now (empty if there is no body yet).
    pub async fn body_text(&self) -> String {
        self.js("return document.body ? document.body.innerText : '';")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Counts this document's requests whose URL contains `needle` (resource timing; call
    /// [`Self::keep_resource_timings`] first after each page load).
    pub async fn requests_to(&self, needle: &str) -> u64 {
        let script = format!(
            "return performance.getEntriesByType('resource').filter(e => e.name.includes({needle:?})).length;"
        );
        self.js(&script).await.as_u64().expect("a count")
    }

    /// Makes room for many resource timing entries in this document.
    pub async fn keep_resource_timings(&self) {
        self.js("performance.setResourceTimingBufferSize(100000); return null;").await;
    }
}
