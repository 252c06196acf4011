//! Test support: an emulator on a free port and a minimal HTTP/1.1 client over TCP.
#![allow(dead_code)]

pub mod authenticator;
pub mod keycloak;

use std::net::SocketAddr;

use base64::Engine;
use gotrue_emulator::{Config, Running};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    /// A header value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    /// The body as JSON (`Value::Null` when empty or not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// `code` of a 2024-shaped error.
    pub fn code(&self) -> String {
        self.json()["code"].as_str().unwrap_or("").to_string()
    }
}

/// A client for one server.
#[derive(Debug, Clone)]
pub struct Client {
    pub addr: SocketAddr,
}

/// A request under construction.
pub struct Req<'a> {
    client: &'a Client,
    method: String,
    path: String,
    body: Option<Vec<u8>>,
    headers: Vec<(String, String)>,
}

impl Req<'_> {
    /// JSON body.
    pub fn json(mut self, v: Value) -> Self {
        self.body = Some(v.to_string().into_bytes());
        self.headers.push(("Content-Type".into(), "application/json".into()));
        self
    }
    /// Raw body.
    pub fn raw(mut self, b: impl Into<Vec<u8>>) -> Self {
        self.body = Some(b.into());
        self
    }
    /// Bearer token.
    pub fn bearer(self, t: &str) -> Self {
        self.header("Authorization", &format!("Bearer {t}"))
    }
    /// Any header.
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.retain(|(x, _)| !x.eq_ignore_ascii_case(k));
        self.headers.push((k.into(), v.into()));
        self
    }
    /// Without `X-Supabase-Api-Version` (legacy error shape).
    pub fn legacy(mut self) -> Self {
        self.headers.retain(|(x, _)| !x.eq_ignore_ascii_case("x-supabase-api-version"));
        self
    }
    /// Sends it.
    pub async fn send(self) -> Resp {
        self.client.send(&self.method, &self.path, self.body, &self.headers).await
    }
}

impl Client {
    /// A request to `path` (absolute, e.g. `/auth/v1/user`), with `apikey` and the 2024 API version.
    pub fn req(&self, method: &str, path: &str) -> Req<'_> {
        Req {
            client: self,
            method: method.into(),
            path: path.into(),
            body: None,
            headers: vec![
                ("apikey".into(), "anon".into()),
                ("X-Supabase-Api-Version".into(), "2024-01-01".into()),
            ],
        }
    }
    /// A request under `/auth/v1`.
    pub fn api(&self, method: &str, path: &str) -> Req<'_> {
        self.req(method, &format!("/auth/v1{path}"))
    }

    /// Sends a raw request; `None` when the server closed the connection without answering.
    pub async fn try_send(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        headers: &[(String, String)],
    ) -> Option<Resp> {
        let mut s = TcpStream::connect(self.addr).await.expect("connect");
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.addr);
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(b) = &body {
            head.push_str(&format!("Content-Length: {}\r\n", b.len()));
        }
        head.push_str("\r\n");
        let mut data = head.into_bytes();
        if let Some(b) = body {
            data.extend_from_slice(&b);
        }
        let _ = s.write_all(&data).await;
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf).await;
        let split = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&buf[..split]).into_owned();
        let mut rest = buf[split + 4..].to_vec();
        let mut lines = head.split("\r\n");
        let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| {
                l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            })
            .collect();
        if headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"))
        {
            rest = dechunk(&rest);
        }
        Some(Resp { status, headers, body: rest })
    }

    /// Sends a raw request; panics when the connection was dropped.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        headers: &[(String, String)],
    ) -> Resp {
        self.try_send(method, path, body, headers)
            .await
            .unwrap_or_else(|| panic!("no answer to {method} {path}"))
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = b.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&b[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[end + 2..end + 2 + size]);
        b = &b[end + 2 + size + 2..];
    }
    out
}

/// The test configuration: port 0, test controls on, cheap bcrypt.
pub fn test_config() -> Config {
    Config { port: 0, test_controls: true, bcrypt_cost: 4, ..Config::default() }
}

/// Starts an emulator with `test_config()` changed by `f`.
pub async fn start_with(f: impl FnOnce(&mut Config)) -> (Running, Client) {
    let mut c = test_config();
    f(&mut c);
    let r = gotrue_emulator::spawn(c).await.expect("spawn");
    let client = Client { addr: r.addr };
    (r, client)
}

/// Starts an emulator with `test_config()`.
pub async fn start() -> (Running, Client) {
    start_with(|_| {}).await
}

/// The claims of a JWT (not verified).
pub fn claims(jwt: &str) -> Value {
    let p = jwt.split('.').nth(1).expect("jwt payload");
    let b = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(p.trim_end_matches('='))
        .expect("base64");
    serde_json::from_slice(&b).expect("claims json")
}

/// A JWT with these claims, signed with the default test configuration's secret.
pub fn signed_with_test_secret(claims: &Value) -> String {
    gotrue_emulator::jwt::sign(claims, &Config::default().jwt_secret, None)
}

/// A service-role key (an admin caller) for the default test configuration.
pub fn service_key() -> String {
    signed_with_test_secret(&json!({"role": "service_role"}))
}

/// A random email address.
pub fn email() -> String {
    format!("u{}@example.com", &gotrue_emulator::util::uuid_v4()[..12])
}

pub const PW: &str = "Correct-Horse-9";

impl Client {
    /// Signs up and returns the session.
    pub async fn signup(&self, email: &str, pw: &str) -> Value {
        let r =
            self.api("POST", "/signup").json(json!({"email": email, "password": pw})).send().await;
        assert_eq!(r.status, 200, "signup: {}", r.text());
        r.json()
    }
    /// Password sign-in; returns the answer.
    pub async fn login(&self, email: &str, pw: &str) -> Resp {
        self.api("POST", "/token?grant_type=password")
            .json(json!({"email": email, "password": pw}))
            .send()
            .await
    }
    /// Password sign-in that must succeed; returns the session.
    pub async fn session(&self, email: &str, pw: &str) -> Value {
        let r = self.login(email, pw).await;
        assert_eq!(r.status, 200, "login: {}", r.text());
        r.json()
    }
    /// Refresh grant.
    pub async fn refresh(&self, token: &str) -> Resp {
        self.api("POST", "/token?grant_type=refresh_token")
            .json(json!({"refresh_token": token}))
            .send()
            .await
    }
    /// The newest mail to `to`: (text, code, GoTrue's `GET /verify` link). A recovery mail's
    /// first link is the app's `/auth/confirm?token_hash=…`; these tests follow the API's own.
    pub async fn mail_for(&self, to: &str) -> Option<(String, String, Option<String>)> {
        let r = self.req("GET", &format!("/_mail/api/v1/search?query=to:{to}")).send().await;
        let id = r.json()["messages"][0]["ID"].as_str()?.to_string();
        let m = self.req("GET", &format!("/_mail/api/v1/message/{id}")).send().await.json();
        let text = m["Text"].as_str()?.to_string();
        let code = text.lines().find_map(|l| l.strip_prefix("Code: "))?.to_string();
        let link = text
            .lines()
            .find(|l| l.starts_with("http") && l.contains("/verify?"))
            .map(str::to_string);
        Some((text, code, link))
    }
    /// The newest SMS code sent to `phone`.
    pub async fn sms_code(&self, phone: &str) -> Option<String> {
        let r = self.req("GET", "/_sms/api/v1/messages").send().await.json();
        let m = r["messages"]
            .as_array()?
            .iter()
            .find(|m| {
                m["to"].as_str().unwrap_or("").trim_start_matches('+')
                    == phone.trim_start_matches('+')
            })?
            .clone();
        let body = m["body"].as_str()?;
        Some(body.chars().filter(|c| c.is_ascii_digit()).collect())
    }
    /// Server time (clock control).
    pub async fn now(&self) -> u64 {
        self.req("GET", "/_emulator/clock").send().await.json()["now"].as_u64().unwrap()
    }
    /// Moves the server clock.
    pub async fn advance(&self, seconds: f64) {
        let r = self
            .req("POST", "/_emulator/clock/advance")
            .json(json!({"seconds": seconds}))
            .send()
            .await;
        assert_eq!(r.status, 200);
    }
    /// The current TOTP code by the server's clock.
    pub async fn totp(&self, secret: &str) -> String {
        gotrue_emulator::totp::code(secret, self.now().await)
    }
    /// A new user, signed up and then signed in by password: (email, that session).
    pub async fn new_user(&self) -> (String, Value) {
        let email = email();
        self.signup(&email, PW).await;
        let s = self.session(&email, PW).await;
        (email, s)
    }
    /// `PUT /user` with `body`, as `at`.
    pub async fn put_user(&self, at: &str, body: Value) -> Resp {
        self.api("PUT", "/user").bearer(at).json(body).send().await
    }
    /// `POST /factors` (enrol) with `body`, as `at`.
    pub async fn enroll(&self, at: &str, body: Value) -> Resp {
        self.api("POST", "/factors").bearer(at).json(body).send().await
    }
    /// `POST /factors/{factor}/challenge` as `at`; `None` sends no body at all.
    pub async fn challenge(&self, at: &str, factor: &str, body: Option<Value>) -> Resp {
        let req = self.api("POST", &format!("/factors/{factor}/challenge")).bearer(at);
        match body {
            Some(b) => req.json(b).send().await,
            None => req.send().await,
        }
    }
    /// `POST /factors/{factor}/verify` with `body`, as `at`.
    pub async fn verify_factor(&self, at: &str, factor: &str, body: Value) -> Resp {
        self.api("POST", &format!("/factors/{factor}/verify")).bearer(at).json(body).send().await
    }
    /// `POST /factors/{factor}/verify` of a code for the challenge `challenge_id`, as `at`.
    pub async fn verify_code(
        &self,
        at: &str,
        factor: &str,
        challenge_id: &Value,
        code: &str,
    ) -> Resp {
        self.verify_factor(at, factor, json!({"challenge_id": challenge_id, "code": code})).await
    }
    /// `POST /verify` of an emailed recovery code for `email`.
    pub async fn verify_recovery(&self, email: &str, code: &str) -> Resp {
        self.api("POST", "/verify")
            .json(json!({"type": "recovery", "email": email, "token": code}))
            .send()
            .await
    }
    /// Enrolls a TOTP factor: (factor id, secret).
    pub async fn enroll_totp(&self, at: &str, name: &str) -> (String, String) {
        let r = self.enroll(at, json!({"factor_type": "totp", "friendly_name": name})).await;
        assert_eq!(r.status, 200, "enroll: {}", r.text());
        let j = r.json();
        (j["id"].as_str().unwrap().into(), j["totp"]["secret"].as_str().unwrap().into())
    }
    /// Challenge + verify with the current TOTP code; returns the answer of verify.
    pub async fn mfa_totp(&self, at: &str, factor: &str, secret: &str) -> Resp {
        let ch = self.challenge(at, factor, Some(json!({}))).await;
        assert_eq!(ch.status, 200, "challenge: {}", ch.text());
        let code = self.totp(secret).await;
        self.verify_code(at, factor, &ch.json()["id"], &code).await
    }
}

/// `access_token` of a session answer.
pub fn at(v: &Value) -> String {
    v["access_token"].as_str().expect("access_token").to_string()
}

/// `refresh_token` of a session answer.
pub fn rt(v: &Value) -> String {
    v["refresh_token"].as_str().expect("refresh_token").to_string()
}
