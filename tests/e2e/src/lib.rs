//! End-to-end test support: the emulator (in-process, serving the release build from `dist/`),
//! chromedriver + headless Chromium, and helpers that find elements the way a person does — by
//! label text, button text, heading and role.

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::{future::Future, path::PathBuf, process::Stdio, time::Duration};
use tokio::process::{Child, Command};

/// How long a step may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// A running emulator + chromedriver pair for one test.
///
/// Dropping it (at the end of the test, or while a failed assertion unwinds) kills chromedriver
/// and every Chromium it started, and removes their profiles: see [`scratch`]. [`Env::stop`]
/// first ends the browser sessions the polite way.
pub struct Env {
    /// The emulator serving the SPA and the API.
    pub emulator: gotrue_emulator::Running,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    driver: Child,
    driver_url: String,
    http: reqwest::Client,
    /// Every browser session started, to be closed by [`Env::stop`].
    sessions: std::sync::Mutex<Vec<Client>>,
    /// Declared last: dropped after `driver` was killed.
    scratch: scratch::Scratch,
}

/// The built SPA (`trunk build --release` output): `$LSA_E2E_DIST`, else `dist/` at the
/// workspace root. (Another build's output, e.g. an older commit's, to see a test fail there.)
pub fn dist_dir() -> PathBuf {
    std::env::var_os("LSA_E2E_DIST")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"), PathBuf::from)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(9515)
}

impl Env {
    /// Starts the emulator (test controls on, serving `dist/`) with `configure` applied, and
    /// chromedriver. Emailed codes last an hour, as on a Supabase project (hosted or CLI) and as
    /// the app's default `otp_expiry_secs` says; GoTrue's bare default would be a day.
    pub async fn start_with(configure: impl FnOnce(&mut gotrue_emulator::Config)) -> Env {
        let dist = dist_dir();
        assert!(dist.join("index.html").exists(), "build the app first: trunk build --release");
        let mut config = gotrue_emulator::Config {
            port: 0,
            serve_dir: Some(dist),
            test_controls: true,
            mailer_otp_exp: 3600,
            ..Default::default()
        };
        configure(&mut config);
        let emulator = gotrue_emulator::spawn(config).await.expect("emulator starts");
        let origin = format!("http://{}", emulator.addr);
        let port = free_port();
        let driver_bin =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let scratch = scratch::Scratch::new();
        let dir = scratch.dir();
        // The folder is on chromedriver's command line (its log) and Chromium's (profiles,
        // crashpad's database under XDG_CONFIG_HOME); Chromium's temp folders go there too.
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", dir.join("chromedriver.log").display()))
            .arg("--log-level=WARNING")
            .env("TMPDIR", dir)
            .env("XDG_CONFIG_HOME", dir.join("config"))
            .env("XDG_CACHE_HOME", dir.join("cache"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver starts");
        let driver_url = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        eventually("chromedriver to answer", || async {
            http.get(format!("{driver_url}/status")).send().await.ok().map(|_| ())
        })
        .await;
        Env { emulator, origin, driver, driver_url, http, sessions: Default::default(), scratch }
    }

    /// Starts with the emulator's defaults.
    pub async fn start() -> Env {
        Env::start_with(|_| {}).await
    }

    /// A fresh browser (own profile: its own localStorage), like a second device.
    ///
    /// Each start attempt gets a new profile directory (a reused one may still be locked by a
    /// Chromium that has not exited yet). A Chromium that dies while starting (it happens on a
    /// loaded machine) is killed for good and started again, at most three times.
    pub async fn browser(&self) -> Browser {
        self.browser_in("en-US,en").await
    }

    /// A fresh browser whose preferred languages (`navigator.languages`, `Accept-Language`)
    /// are `languages`, e.g. `"de-DE,de"`.
    pub async fn browser_in(&self, languages: &str) -> Browser {
        let mut attempt = 1;
        let client = loop {
            let profile = self.scratch.new_profile();
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities(&profile, languages))
                .connect(&self.driver_url)
                .await
            {
                Ok(client) => break client,
                Err(e) => {
                    // Whatever the failed attempt left running goes (it would hold the profile).
                    scratch::kill_mentioning(&profile);
                    assert!(attempt < 3, "webdriver session: {e:?}");
                    eprintln!("browser did not start (attempt {attempt}): {e}");
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        };
        self.sessions.lock().unwrap_or_else(|e| e.into_inner()).push(client.clone());
        Browser { client, origin: self.origin.clone() }
    }

    async fn control(&self, method: &str, path: &str, body: Value) -> Value {
        let url = format!("{}{path}", self.origin);
        let req = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body),
        };
        let resp = req.send().await.expect("emulator answers");
        let status = resp.status();
        let text = resp.text().await.unwrap_or_default();
        assert!(status.is_success(), "{method} {path} -> {status}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Creates a confirmed user, optionally with a verified TOTP factor and/or phone factor.
    pub async fn create_user(
        &self,
        email: &str,
        password: &str,
        totp: Option<&str>,
        phone: Option<&str>,
    ) -> Value {
        let mut body = json!({"email": email, "password": password});
        if let Some(t) = totp {
            body["totp_secret"] = json!(t);
        }
        if let Some(p) = phone {
            body["phone"] = json!(p);
        }
        self.control("POST", "/_emulator/users", body).await
    }

    /// Moves the emulator's clock forward.
    pub async fn advance_clock(&self, seconds: u64) {
        self.control("POST", "/_emulator/clock/advance", json!({ "seconds": seconds })).await;
    }

    /// The emulator's current unix time.
    pub async fn now(&self) -> u64 {
        self.control("GET", "/_emulator/clock", Value::Null).await["now"].as_u64().expect("now")
    }

    /// The current TOTP code for a secret, on the emulator's clock.
    pub async fn totp(&self, secret: &str) -> String {
        gotrue_emulator::totp::code(secret, self.now().await)
    }

    /// Injects a fault (see the emulator's `/_emulator/faults`).
    pub async fn fault(&self, spec: Value) {
        self.control("POST", "/_emulator/faults", spec).await;
    }

    /// The text of the newest email to `to`.
    pub async fn latest_mail(&self, to: &str) -> String {
        let list =
            self.control("GET", &format!("/_mail/api/v1/search?query=to:{to}"), Value::Null).await;
        let id = list["messages"][0]["ID"]
            .as_str()
            .unwrap_or_else(|| panic!("no mail to {to}: {list}"))
            .to_owned();
        let msg = self.control("GET", &format!("/_mail/api/v1/message/{id}"), Value::Null).await;
        msg["Text"].as_str().unwrap_or_default().to_owned()
    }

    /// How many emails were sent to `to`.
    pub async fn mail_count(&self, to: &str) -> usize {
        let list =
            self.control("GET", &format!("/_mail/api/v1/search?query=to:{to}"), Value::Null).await;
        list["messages"].as_array().map_or(0, Vec::len)
    }

    /// The code (`Code: 123456`) in the newest email to `to`.
    pub async fn latest_mail_code(&self, to: &str) -> String {
        let text = self.latest_mail(to).await;
        code_in(&text).unwrap_or_else(|| panic!("no code in mail: {text}"))
    }

    /// The link to follow (the first `http` URL) in the newest email to `to`. In a recovery
    /// mail that is the app's own landing link, as the documented template makes it:
    /// `{site}/auth/confirm?token_hash=…&type=recovery` (opening it spends nothing).
    pub async fn latest_mail_link(&self, to: &str) -> String {
        let text = self.latest_mail(to).await;
        text.split_whitespace()
            .find(|w| w.starts_with("http"))
            .unwrap_or_else(|| panic!("no link in mail: {text}"))
            .to_owned()
    }

    /// GoTrue's own link in the newest email to `to` (`{{ .ConfirmationURL }}`,
    /// `…/auth/v1/verify?token=…&type=…&redirect_to=…`): its first GET spends the token and
    /// redirects with the session in the fragment (or `?code=` with PKCE).
    pub async fn latest_mail_verify_link(&self, to: &str) -> String {
        let text = self.latest_mail(to).await;
        text.split_whitespace()
            .find(|w| w.starts_with("http") && w.contains("/verify?token="))
            .unwrap_or_else(|| panic!("no /verify link in mail: {text}"))
            .to_owned()
    }

    /// The code in the newest SMS to `phone` (digits only, e.g. `15550001111`).
    pub async fn latest_sms_code(&self, phone: &str) -> String {
        let list = self.control("GET", "/_sms/api/v1/messages", Value::Null).await;
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        let items = list
            .as_array()
            .cloned()
            .or_else(|| list["messages"].as_array().cloned())
            .unwrap_or_default();
        let body = items
            .iter()
            .find(|m| m["to"].as_str().unwrap_or_default().contains(&digits))
            .and_then(|m| m["body"].as_str())
            .unwrap_or_else(|| panic!("no SMS to {phone}: {list}"))
            .to_owned();
        body.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() >= 6)
            .expect("code in SMS")
            .to_owned()
    }

    /// Closes every browser session (Chromium quits), then drops the environment: chromedriver
    /// and anything left of its browsers are killed and their profiles removed.
    pub async fn stop(self) {
        let sessions =
            std::mem::take(&mut *self.sessions.lock().unwrap_or_else(|e| e.into_inner()));
        for client in sessions {
            // Already closed by `Browser::close`: an error, ignored.
            let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        }
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        // Runs on the test's thread, also while a failed assertion unwinds: no panics, no await.
        let _ = self.driver.start_kill();
        for _ in 0..50 {
            if !matches!(self.driver.try_wait(), Ok(None)) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Then `scratch` drops: kills the browsers by their profile paths, removes the folder.
    }
}

/// The WebDriver capabilities of a headless Chromium with its profile in `profile`.
fn capabilities(profile: &std::path::Path, languages: &str) -> serde_json::Map<String, Value> {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--window-size=1000,900",
                format!("--user-data-dir={}", profile.display()),
                format!("--lang={}", languages.split(',').next().unwrap_or_default()),
            ],
            "prefs": { "intl": { "accept_languages": languages } }
        }),
    );
    caps.insert("goog:loggingPrefs".into(), json!({"browser": "ALL"}));
    caps
}

/// Finds `Code: 123456` in a text.
pub fn code_in(text: &str) -> Option<String> {
    let rest = &text[text.find("Code: ")? + 6..];
    Some(rest.chars().take_while(char::is_ascii_digit).collect())
}

/// Polls `f` every 100 ms until it returns `Some`, or panics after [`TIMEOUT`].
pub async fn eventually<T, F, Fut>(what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(start.elapsed() < TIMEOUT, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else {
        format!("concat('{}')", s.replace('\'', "', \"'\", '"))
    }
}

/// One browser window (its own profile).
pub struct Browser {
    /// The WebDriver client, for anything the helpers do not cover.
    pub client: Client,
    origin: String,
}

impl Browser {
    /// Opens `path` on the app's origin.
    pub async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.origin)).await.expect("navigate");
    }

    /// Opens an absolute URL.
    pub async fn goto_url(&self, url: &str) {
        self.client.goto(url).await.expect("navigate");
    }

    async fn find_now(&self, xpath: &str) -> Option<Element> {
        let found = self.client.find_all(Locator::XPath(xpath)).await.ok()?;
        for el in found {
            if el.is_displayed().await.unwrap_or(false) {
                return Some(el);
            }
        }
        None
    }

    /// Waits for a visible element matching `xpath`.
    pub async fn find(&self, xpath: &str) -> Element {
        eventually(xpath, || self.find_now(xpath)).await
    }

    /// The input labelled `label` (a `<label for>` with exactly this text).
    pub async fn field(&self, label: &str) -> Element {
        let xpath = format!("//label[normalize-space(.)={}]", xpath_literal(label));
        eventually(&format!("field labelled {label:?}"), || async {
            let label_el = self.find_now(&xpath).await?;
            let id = label_el.attr("for").await.ok()??;
            self.client.find(Locator::Id(&id)).await.ok()
        })
        .await
    }

    /// Types `value` into the field labelled `label` (clearing it first).
    pub async fn fill(&self, label: &str, value: &str) {
        let el = self.field(label).await;
        el.clear().await.expect("clear");
        el.send_keys(value).await.expect("type");
    }

    /// The current value of the field labelled `label`.
    pub async fn value(&self, label: &str) -> String {
        self.field(label).await.prop("value").await.ok().flatten().unwrap_or_default()
    }

    /// The button with this text, once it is enabled.
    pub async fn button(&self, text: &str) -> Element {
        let xpath = format!("//button[normalize-space(.)={}]", xpath_literal(text));
        eventually(&format!("enabled button {text:?}"), || async {
            let el = self.find_now(&xpath).await?;
            el.is_enabled().await.ok()?.then_some(el)
        })
        .await
    }

    /// Clicks the button with this text.
    pub async fn click(&self, text: &str) {
        self.button(text).await.click().await.expect("click");
    }

    /// Clicks the link with this text.
    pub async fn click_link(&self, text: &str) {
        let xpath = format!("//a[normalize-space(.)={}]", xpath_literal(text));
        self.find(&xpath).await.click().await.expect("click link");
    }

    /// Whether a visible button with this text exists now.
    pub async fn has_button(&self, text: &str) -> bool {
        self.find_now(&format!("//button[normalize-space(.)={}]", xpath_literal(text)))
            .await
            .is_some()
    }

    /// Waits until the page's `<h1>` contains `text`; returns the heading text.
    pub async fn heading(&self, text: &str) -> String {
        eventually(&format!("heading containing {text:?}"), || async {
            let h = self.find_now("//h1").await?.text().await.ok()?;
            h.contains(text).then_some(h)
        })
        .await
    }

    /// Waits until some element with `role` contains `text`.
    pub async fn role_text(&self, role: &str, text: &str) -> String {
        let xpath = format!("//*[@role={}]", xpath_literal(role));
        eventually(&format!("{role} containing {text:?}"), || async {
            for el in self.client.find_all(Locator::XPath(&xpath)).await.ok()? {
                let t = el.text().await.ok()?;
                if t.contains(text) {
                    return Some(t);
                }
            }
            None
        })
        .await
    }

    /// Waits for an alert containing `text`.
    pub async fn alert(&self, text: &str) -> String {
        self.role_text("alert", text).await
    }

    /// Waits until the page body contains `text`.
    pub async fn text(&self, text: &str) -> String {
        eventually(&format!("text {text:?}"), || async {
            let body = self.client.find(Locator::Css("body")).await.ok()?.text().await.ok()?;
            body.contains(text).then_some(body)
        })
        .await
    }

    /// The current path + query (without origin).
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("url");
        let s = url.as_str();
        s.strip_prefix(&self.origin).unwrap_or(s).to_owned()
    }

    /// Waits until the path (without query) equals `path`.
    pub async fn wait_path(&self, path: &str) {
        eventually(&format!("path {path}"), || async {
            let p = self.path().await;
            (p.split(['?', '#']).next() == Some(path)).then_some(())
        })
        .await
    }

    /// Runs a script and returns its value.
    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect("script")
    }

    /// Runs a Chrome DevTools Protocol command in this window (chromedriver's
    /// `goog/cdp/execute`), e.g. `Network.setBlockedURLs`.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let body = json!({ "cmd": cmd, "params": params });
        let what = format!("CDP {cmd}");
        self.client.issue_cmd(SessionCommand::post("goog/cdp/execute", body)).await.expect(&what)
    }

    /// The paths of every file this page has fetched so far (the Resource Timing entries).
    pub async fn fetched(&self) -> Vec<String> {
        let script =
            "return performance.getEntriesByType('resource').map(e => new URL(e.name).pathname);";
        let list = self.js(script).await;
        list.as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect()
    }

    /// A `localStorage` value.
    pub async fn local_storage(&self, key: &str) -> Option<String> {
        self.js(&format!("return localStorage.getItem({key:?});")).await.as_str().map(str::to_owned)
    }

    /// The id of the focused element.
    pub async fn focused_id(&self) -> String {
        self.js("return document.activeElement && document.activeElement.id || '';")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Reloads the page.
    pub async fn reload(&self) {
        self.client.refresh().await.expect("reload");
    }

    /// The browser console messages so far (chromedriver's log), as text lines.
    pub async fn console(&self) -> Vec<String> {
        let logs = SessionCommand::post("se/log", json!({"type": "browser"}));
        let value = self.client.issue_cmd(logs).await.unwrap_or(Value::Null);
        value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["message"].as_str().map(str::to_owned))
            .collect()
    }

    /// Closes the window.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// A command on an endpoint of the current session (`session/{id}/{path}`), for chromedriver's
/// commands that fantoccini has no method for.
#[derive(Debug)]
pub(crate) struct SessionCommand {
    /// GET, POST or DELETE.
    pub method: http::Method,
    /// After `session/{id}/`, e.g. `se/log`.
    pub path: String,
    /// The JSON body, if any.
    pub body: Option<Value>,
}

impl SessionCommand {
    /// A POST of `body` to `path`.
    pub fn post(path: &str, body: Value) -> Self {
        SessionCommand { method: http::Method::POST, path: path.into(), body: Some(body) }
    }
}

impl fantoccini::wd::WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/{}", session_id.unwrap_or_default(), self.path))
    }
    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (self.method.clone(), self.body.as_ref().map(Value::to_string))
    }
}

/// [`Env::start`], but serving the build in `$LSA_E2E_DIST` when that is set (e.g. a private
/// `trunk build --release --dist <dir>`, so parallel builds do not swap files mid-test).
pub async fn start_env() -> Env {
    match std::env::var_os("LSA_E2E_DIST") {
        Some(dir) => Env::start_with(move |c| c.serve_dir = Some(dir.into())).await,
        None => Env::start().await,
    }
}

impl Browser {
    /// Opens `path` (a sign-in page) and submits email + password; waits for nothing after.
    pub async fn sign_in_with(&self, path: &str, email: &str, password: &str) {
        self.goto(path).await;
        self.submit_sign_in(email, password).await;
    }

    /// Fills Email and Password on the sign-in page shown now and presses Sign in.
    pub async fn submit_sign_in(&self, email: &str, password: &str) {
        self.fill("Email", email).await;
        self.fill("Password", password).await;
        self.click("Sign in").await;
    }

    /// A `sessionStorage` value.
    pub async fn session_storage(&self, key: &str) -> Option<String> {
        self.js(&format!("return sessionStorage.getItem({key:?});"))
            .await
            .as_str()
            .map(str::to_owned)
    }

    /// Everything this origin keeps in `localStorage` and `sessionStorage`, as one text.
    pub async fn all_storage(&self) -> String {
        let script = "let o=[];for(const s of [localStorage,sessionStorage]){for(let i=0;i<s.length;i++){o.push(s.key(i)+'='+s.getItem(s.key(i)));}}return o.join('\\n');";
        self.js(script).await.as_str().unwrap_or_default().to_owned()
    }
}

mod flows;
pub mod guard;
pub mod host;
pub mod links;
pub mod provider;
pub use flows::{NEW_PASSWORD, PASSWORD, PENDING_KEY, SECRET, SIGN_IN_TO_SECURITY};
pub mod scratch;
pub mod webauthn;
