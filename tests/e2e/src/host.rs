//! The host example (`examples/host-app`) served by the emulator instead of the standalone app,
//! and Content-Security-Policy violation collection for any page.

use crate::{Browser, Env, SessionCommand};
use serde_json::json;
use std::path::PathBuf;
use std::sync::Mutex;

/// The host example's directory.
pub fn host_app_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/host-app")
}

/// The host example's release build: `$LSA_E2E_HOST_DIST`, else `examples/host-app/dist`.
pub fn host_dist_dir() -> PathBuf {
    std::env::var_os("LSA_E2E_HOST_DIST").map_or_else(|| host_app_dir().join("dist"), PathBuf::from)
}

/// Builds the host example (`trunk build --release` in its directory) when its `dist/` has no
/// `index.html` yet. `scripts/test.sh` always builds it first; this covers a bare `cargo test`.
fn ensure_host_built(dist: &std::path::Path) {
    static BUILD: Mutex<()> = Mutex::new(());
    let _guard = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    if dist.join("index.html").exists() {
        return;
    }
    assert!(
        std::env::var_os("LSA_E2E_HOST_DIST").is_none(),
        "LSA_E2E_HOST_DIST={} has no index.html",
        dist.display()
    );
    eprintln!("building the host example (trunk build --release in examples/host-app)...");
    let status = std::process::Command::new("trunk")
        .args(["build", "--release"])
        .current_dir(host_app_dir())
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .status()
        .expect("trunk runs (source scripts/env.sh first)");
    assert!(status.success(), "the host example builds");
}

/// Starts the emulator serving the host example's build (test controls on), and chromedriver.
pub async fn start_host_env() -> Env {
    let dist = host_dist_dir();
    ensure_host_built(&dist);
    Env::start_with(move |c| c.serve_dir = Some(dist)).await
}

/// `sessionStorage` key where the injected listener keeps the violations it saw.
const CSP_KEY: &str = "__e2e_csp_violations";

/// Runs before any script of every new document (CDP `Page.addScriptToEvaluateOnNewDocument`,
/// which the page's CSP does not restrict): records each `securitypolicyviolation` event.
const CSP_WATCH: &str = r#"(() => {
  const key = "__e2e_csp_violations";
  document.addEventListener("securitypolicyviolation", (e) => {
    const line = [location.pathname, e.violatedDirective, e.blockedURI || "-",
                  (e.sourceFile || "") + ":" + e.lineNumber, e.sample || ""].join(" ");
    try {
      const list = JSON.parse(sessionStorage.getItem(key) || "[]");
      list.push(line);
      sessionStorage.setItem(key, JSON.stringify(list));
    } catch (_) {}
  }, true);
})();"#;

impl Browser {
    /// Installs a `securitypolicyviolation` listener on every document this window opens from
    /// now on (call it before the first `goto`). Read what it saw with [`Self::csp_violations`].
    pub async fn watch_csp(&self) {
        let cmd = json!({"cmd": "Page.addScriptToEvaluateOnNewDocument", "params": {"source": CSP_WATCH}});
        // A Chrome DevTools Protocol command through chromedriver.
        let cdp = SessionCommand::post("goog/cdp/execute", cmd);
        self.client.issue_cmd(cdp).await.expect("CDP through chromedriver");
    }

    /// CSP violations since the last call: the listener's records (this origin's tab) plus
    /// console lines about the policy (chromedriver's browser log).
    pub async fn csp_violations(&self) -> Vec<String> {
        let script = format!(
            "const v = sessionStorage.getItem({CSP_KEY:?}); sessionStorage.removeItem({CSP_KEY:?}); return v;"
        );
        let recorded = self.js(&script).await;
        let mut out: Vec<String> = recorded
            .as_str()
            .and_then(|s| serde_json::from_str::<Vec<String>>(s).ok())
            .unwrap_or_default();
        out.extend(self.console().await.into_iter().filter(|l| {
            l.contains("Content Security Policy")
                || l.contains("Content-Security-Policy")
                || l.contains("Refused to")
        }));
        out
    }

    /// Panics if any CSP violation happened since the last check; `page` names the place.
    pub async fn assert_no_csp_violations(&self, page: &str) {
        let v = self.csp_violations().await;
        assert!(v.is_empty(), "CSP violations on {page}: {v:#?}");
    }

    /// Panics if an interactive element of the auth section (inside `.lsa-root` or
    /// `.lsa-card`) that a person can reach is smaller than 24 x 24 CSS px (WCAG 2.2
    /// `target-size`, minimum: every target here meets the size itself, without the spacing
    /// exception). `page` names the place.
    pub async fn assert_target_sizes(&self, page: &str) {
        let small = self
            .js(
                "const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex=\"-1\"])';
                 const out = [];
                 for (const el of document.querySelectorAll(sel)) {
                   if (!el.closest('.lsa-root, .lsa-card')) continue;
                   if (el.getAttribute('tabindex') === '-1' || el.closest('[aria-hidden=true]')) continue;
                   const r = el.getBoundingClientRect();
                   if (r.width === 0 && r.height === 0) continue;
                   if (getComputedStyle(el).visibility === 'hidden') continue;
                   if (r.width < 24 || r.height < 24) {
                     out.push(el.tagName + ' ' + JSON.stringify((el.textContent || el.id || '').trim().slice(0, 40)) + ' ' + r.width.toFixed(1) + 'x' + r.height.toFixed(1));
                   }
                 }
                 return out;",
            )
            .await;
        let small: Vec<String> = serde_json::from_value(small).unwrap_or_default();
        assert!(small.is_empty(), "targets under 24 x 24 px on {page}: {small:#?}");
    }
}
