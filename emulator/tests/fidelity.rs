//! Fidelity: the emulator answers the steps of the shared `scenario.py` the way real GoTrue did
//! (recordings in `tests/data/`), compared by the rules of the shared `diff.py`: request line,
//! status, kept headers, key sets and value types everywhere (JWT claims and redirect Locations
//! included), exact error codes, messages with numbers blanked, aal, factor types and statuses.
//! Ids, times, tokens and codes may differ; same-second `amr` entries may come in any order.
//! The clock control replaces the scenario's sleeps, so this runs in seconds.

mod common;

use base64::Engine;
use common::keycloak::FakeKeycloak;
use common::{start_with, Client};
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------------------------
// Transcript writing (scenario.py's `call`, `shape`, `parse_location`)

/// One recorded exchange, in scenario.py's format.
struct Recorder {
    c: Client,
    out: Vec<Value>,
    /// frontdoor.py's `parse_location` keeps blank values (the `sb=` marker); scenario.py's
    /// drops them.
    keep_blank: bool,
    /// The raw `Location` of the last answer (`""` when none).
    last_location: String,
}

fn is_jwt(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    s.starts_with("eyJ")
        && parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        })
}

fn jwt_claims(jwt: &str) -> Value {
    let p = jwt.split('.').nth(1).unwrap();
    let b =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p.trim_end_matches('=')).unwrap();
    serde_json::from_slice(&b).unwrap()
}

/// JWTs become their claims; long strings are cut.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), shape(x))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(shape).collect()),
        Value::String(s) if is_jwt(s) => json!({"jwt_claims": jwt_claims(s)}),
        Value::String(s) if s.chars().count() > 1000 => {
            let head: String = s.chars().take(200).collect();
            json!(format!("{head} ...({} characters)", s.chars().count()))
        }
        other => other.clone(),
    }
}

/// Python's `urllib.parse.parse_qsl` (blank values dropped, `+` as space).
fn parse_qsl(q: &str) -> Vec<(String, String)> {
    gotrue_emulator::util::parse_query(q).into_iter().filter(|(_, v)| !v.is_empty()).collect()
}

fn qsl_dict(q: &str, keep_blank: bool) -> Value {
    let mut m = Map::new();
    let pairs = gotrue_emulator::util::parse_query(q).into_iter();
    for (k, v) in pairs.filter(|(_, v)| keep_blank || !v.is_empty()) {
        m.insert(k, json!(v));
    }
    shape(&Value::Object(m))
}

/// Python's `urlsplit` for the parts scenario.py keeps.
fn parse_location(loc: &str, keep_blank: bool) -> Value {
    let (rest, fragment) = loc.split_once('#').unwrap_or((loc, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path = match rest.split_once("://") {
        Some((_, after)) => after.find('/').map(|i| after[i..].to_string()).unwrap_or_default(),
        None => rest.to_string(),
    };
    json!({
        "path": path,
        "query": qsl_dict(query, keep_blank),
        "fragment": qsl_dict(fragment, keep_blank),
    })
}

/// `[0-9a-f]{8}-[0-9a-f-]{27}` replaced by `{id}` (scenario.py's path shape).
fn path_shape(path: &str) -> String {
    let b = path.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let hex8 = i + 36 <= b.len()
            && b[i..i + 8].iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
            && b[i + 8] == b'-'
            && b[i + 9..i + 36]
                .iter()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c) || *c == b'-');
        if hex8 {
            out.push_str("{id}");
            i += 36;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

impl Recorder {
    /// scenario.py's `call`: sends with `apikey` and API version 2024-01-01, records the exchange.
    async fn call(
        &mut self,
        method: &str,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> (u16, Value) {
        self.call_with(method, path, body, token, true).await
    }

    /// A browser navigation (`frontdoor.py`'s `version=False`): no `X-Supabase-Api-Version`;
    /// answers the status and the raw `Location`.
    async fn navigate(&mut self, path: &str) -> (u16, String) {
        let (st, _) = self.call_with("GET", path, None, None, false).await;
        (st, self.last_location.clone())
    }

    /// `call`, with or without the API-version header.
    async fn call_with(
        &mut self,
        method: &str,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
        version: bool,
    ) -> (u16, Value) {
        let mut req = self.c.api(method, path);
        if !version {
            req = req.legacy();
        }
        if let Some(b) = &body {
            req = req.json(b.clone());
        }
        if let Some(t) = token {
            req = req.bearer(t);
        }
        let r = req.send().await;
        let j = if r.body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            serde_json::from_slice(&r.body).unwrap_or(json!({"_non_json_body": true}))
        };
        let mut keep = Map::new();
        for (k, v) in &r.headers {
            let k = k.to_lowercase();
            if ["content-type", "x-supabase-api-version", "retry-after"].contains(&k.as_str()) {
                keep.insert(k, json!(v));
            }
        }
        self.last_location = r.header("Location").unwrap_or("").to_string();
        if let Some(loc) = r.header("Location") {
            keep.insert("location".into(), parse_location(loc, self.keep_blank));
        }
        let (p, q) = path.split_once('?').unwrap_or((path, ""));
        let mut qkeys: Vec<String> = parse_qsl(q).into_iter().map(|(k, _)| k).collect();
        qkeys.sort();
        qkeys.dedup();
        let body_keys = match &body {
            Some(Value::Object(m)) => {
                let mut k: Vec<&String> = m.keys().collect();
                k.sort();
                json!(k)
            }
            _ => Value::Null,
        };
        self.out.push(json!({
            "request": {"method": method, "path": path_shape(p), "query": qkeys, "body_keys": body_keys},
            "response": {"status": r.status, "headers": keep, "body": shape(&j)},
        }));
        (r.status, j)
    }

    /// `POST /token?grant_type=password` for `email` / `password`: the answer's body.
    async fn sign_in(&mut self, email: &str, password: &str) -> Value {
        let body = json!({"email": email, "password": password});
        self.call("POST", "/token?grant_type=password", Some(body), None).await.1
    }

    /// `POST /factors/{fid}/challenge` with `body` as `at`: the answer's body.
    async fn challenge(&mut self, fid: &str, body: Value, at: &str) -> Value {
        self.call("POST", &format!("/factors/{fid}/challenge"), Some(body), Some(at)).await.1
    }

    /// `POST /factors/{fid}/verify` of `code` for the challenge `ch` as `at`: the answer's body.
    async fn verify_code(&mut self, fid: &str, ch: &Value, code: &str, at: &str) -> Value {
        let body = json!({"challenge_id": s(ch, "id"), "code": code});
        self.call("POST", &format!("/factors/{fid}/verify"), Some(body), Some(at)).await.1
    }

    /// `POST /recover` for `email`, then `POST /verify` of the emailed code: the recovery session.
    async fn recover_by_code(&mut self, email: &str) -> Value {
        let c = self.c.clone();
        self.call("POST", "/recover", Some(json!({"email": email})), None).await;
        let (code, _) = mail_for(&c, email).await;
        let body = json!({"type": "recovery", "email": email, "token": code});
        self.call("POST", "/verify", Some(body), None).await.1
    }

    /// `PUT /user` with a new `password` as `at`.
    async fn set_password(&mut self, password: &str, at: &str) -> (u16, Value) {
        self.call("PUT", "/user", Some(json!({"password": password})), Some(at)).await
    }

    /// scenario.py's `follow_link`: the emailed link against the API, `redirect_to` overridden.
    async fn follow_link(&mut self, link: &str, redirect_to: Option<&str>) -> (u16, Value) {
        let (before, query) = link.split_once('?').unwrap_or((link, ""));
        let mut q: Vec<(String, String)> = parse_qsl(query);
        if let Some(r) = redirect_to {
            match q.iter_mut().find(|(k, _)| k == "redirect_to") {
                Some(x) => x.1 = r.to_string(),
                None => q.push(("redirect_to".into(), r.into())),
            }
        }
        let path = &before[before.find("/verify").expect("a /verify link")..];
        let enc: Vec<String> = q
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    gotrue_emulator::util::query_escape(k),
                    gotrue_emulator::util::query_escape(v)
                )
            })
            .collect();
        let full = format!("{path}?{}", enc.join("&"));
        let (st, _) = self.call("GET", &full, None, None).await;
        let loc = self.out.last().unwrap()["response"]["headers"]["location"].clone();
        (st, loc)
    }
}

fn s(v: &Value, k: &str) -> String {
    v[k].as_str().unwrap_or_else(|| panic!("no {k} in {v}")).to_string()
}

fn new_email() -> String {
    format!("f{}@example.com", &gotrue_emulator::util::uuid_v4().replace('-', "")[..12])
}

async fn new_user(r: &mut Recorder) -> (String, Value) {
    let email = new_email();
    let (st, s0) = r
        .call("POST", "/signup", Some(json!({"email": email, "password": "Correct-Horse-9"})), None)
        .await;
    assert_eq!(st, 200, "signup: {s0}");
    (email, s0)
}

async fn mail_for(c: &Client, email: &str) -> (String, Option<String>) {
    let (_, code, link) = c.mail_for(email).await.unwrap_or_else(|| panic!("no mail to {email}"));
    (code, link)
}

// ---------------------------------------------------------------------------------------------
// The steps (scenario.py's `section_default` and `section_current_password`)

async fn section_default(r: &mut Recorder) {
    let c = r.c.clone();
    r.call("GET", "/settings", None, None).await;
    let (email, _) = new_user(r).await;
    r.call("POST", "/signup", Some(json!({"email": email, "password": "Other-Horse-9"})), None)
        .await;
    r.call("POST", "/signup", Some(json!({"email": new_email(), "password": "ab"})), None).await;
    let sess = r.sign_in(&email, "Correct-Horse-9").await;
    let at = s(&sess, "access_token");
    r.call("GET", "/user", None, Some(&at)).await;

    // Unverified factors, phone MFA.
    let totp = |name: &str| json!({"factor_type": "totp", "friendly_name": name});
    let (_, fa) = r.call("POST", "/factors", Some(totp("app a")), Some(&at)).await;
    let (_, fb) = r.call("POST", "/factors", Some(totp("app b")), Some(&at)).await;
    r.call("GET", "/user", None, Some(&at)).await;
    r.call("DELETE", &format!("/factors/{}", s(&fb, "id")), None, Some(&at)).await;
    let phone = format!(
        "1555{:07}",
        u32::from_str_radix(&gotrue_emulator::util::uuid_v4()[..6], 16).unwrap() % 10_000_000
    );
    let (_, fp) = r
        .call(
            "POST",
            "/factors",
            Some(json!({"factor_type": "phone", "phone": phone, "friendly_name": "mobile"})),
            Some(&at),
        )
        .await;
    let fp_id = s(&fp, "id");
    let ch = r.challenge(&fp_id, json!({"channel": "sms"}), &at).await;
    let code = c.sms_code(&phone).await.expect("sms code");
    let wrong = if code != "000000" { "000000" } else { "111111" };
    r.verify_code(&fp_id, &ch, wrong, &at).await;
    let s2 = r.verify_code(&fp_id, &ch, &code, &at).await;
    let at2 = s(&s2, "access_token");
    r.call("GET", "/user", None, Some(&at2)).await;
    let fa_id = s(&fa, "id");
    let secret = fa["totp"]["secret"].as_str().unwrap().to_string();
    let ch = r.challenge(&fa_id, json!({}), &at2).await;
    let s3 = r.verify_code(&fa_id, &ch, &c.totp(&secret).await, &at2).await;
    let at3 = s(&s3, "access_token");
    let ch = r.challenge(&fa_id, json!({}), &at3).await;
    r.verify_code(&fa_id, &ch, &c.totp(&secret).await, &at3).await;
    r.call(
        "POST",
        &format!("/factors/{}/challenge", gotrue_emulator::util::uuid_v4()),
        Some(json!({})),
        Some(&at3),
    )
    .await;
    r.call("POST", "/factors/not-a-uuid/challenge", Some(json!({})), Some(&at3)).await;
    r.call(
        "POST",
        &format!("/factors/{fa_id}/verify"),
        Some(json!({"challenge_id": gotrue_emulator::util::uuid_v4(), "code": "123456"})),
        Some(&at3),
    )
    .await;

    // Refresh rotation and reuse.
    let r0 = s(&s3, "refresh_token");
    let grant = "/token?grant_type=refresh_token";
    let (_, r1) = r.call("POST", grant, Some(json!({"refresh_token": r0})), None).await;
    let (_, r1b) = r.call("POST", grant, Some(json!({"refresh_token": r0})), None).await;
    assert_eq!(r1b["refresh_token"], r1["refresh_token"]);
    let (_, r2) =
        r.call("POST", grant, Some(json!({"refresh_token": s(&r1, "refresh_token")})), None).await;
    r.call("POST", grant, Some(json!({"refresh_token": r0})), None).await;
    c.advance(11.0).await;
    r.call("POST", grant, Some(json!({"refresh_token": r0})), None).await;
    r.call("POST", grant, Some(json!({"refresh_token": s(&r2, "refresh_token")})), None).await;
    r.call("GET", "/user", None, Some(&s(&r2, "access_token"))).await;
    let s4 = r.sign_in(&email, "Correct-Horse-9").await;
    let at4 = s(&s4, "access_token");
    r.call("GET", "/reauthenticate", None, Some(&at4)).await;
    let (nonce, _) = mail_for(&c, &email).await;
    assert_eq!(nonce.len(), 6);

    // Removing a factor from aal2 and the session afterwards.
    let (st, ch) = r
        .call(
            "POST",
            &format!("/factors/{fp_id}/challenge"),
            Some(json!({"channel": "sms"})),
            Some(&at4),
        )
        .await;
    assert_eq!(st, 429, "{ch}");
    let msg = s(&ch, "message");
    let wait: f64 = msg
        .split("after ")
        .nth(1)
        .and_then(|x| x.split(' ').next())
        .and_then(|x| x.parse().ok())
        .unwrap_or(0.0);
    c.advance(wait + 1.0).await;
    let ch = r.challenge(&fp_id, json!({"channel": "sms"}), &at4).await;
    let code = c.sms_code(&phone).await.expect("sms code");
    let s5 = r.verify_code(&fp_id, &ch, &code, &at4).await;
    let at5 = s5["access_token"].as_str().map(str::to_string).unwrap_or(at4.clone());
    r.call("DELETE", &format!("/factors/{fp_id}"), None, Some(&at5)).await;
    r.call("GET", "/user", None, Some(&at5)).await;
    r.call("POST", grant, Some(json!({"refresh_token": s(&s5, "refresh_token")})), None).await;

    // Logout scopes.
    let a = r.sign_in(&email, "Correct-Horse-9").await;
    let b = r.sign_in(&email, "Correct-Horse-9").await;
    let (ata, atb) = (s(&a, "access_token"), s(&b, "access_token"));
    r.call("POST", "/logout?scope=others", None, Some(&ata)).await;
    r.call("GET", "/user", None, Some(&atb)).await;
    r.call("GET", "/user", None, Some(&ata)).await;
    r.call("POST", "/logout?scope=local", None, Some(&ata)).await;
    r.call("GET", "/user", None, Some(&ata)).await;
    r.call("POST", "/logout", None, Some(&ata)).await;

    // Recovery through the emailed link: implicit, token_hash, PKCE, bad link.
    let (email2, _) = new_user(r).await;
    r.call("POST", "/recover", Some(json!({"email": email2})), None).await;
    let (_, link) = mail_for(&c, &email2).await;
    let link = link.expect("recovery link");
    r.follow_link(&link, Some("http://localhost:3000/reset")).await;
    r.follow_link(&link, None).await;
    let (email3, _) = new_user(r).await;
    r.call("POST", "/recover", Some(json!({"email": email3})), None).await;
    let (code, link) = mail_for(&c, &email3).await;
    let link = link.expect("recovery link");
    let token_hash = parse_qsl(link.split_once('?').unwrap().1)
        .into_iter()
        .find(|(k, _)| k == "token")
        .unwrap()
        .1;
    r.call("POST", "/verify", Some(json!({"type": "recovery", "token_hash": token_hash})), None)
        .await;
    r.call("POST", "/verify", Some(json!({"type": "recovery", "token_hash": token_hash})), None)
        .await;
    r.call(
        "POST",
        "/verify",
        Some(json!({"type": "recovery", "email": email3, "token": code})),
        None,
    )
    .await;
    r.call("POST", "/verify", Some(json!({"type": "recovery", "email": email3})), None).await;
    r.call("POST", "/verify", Some(json!({"email": email3, "token": code})), None).await;
    let (email4, _) = new_user(r).await;
    let verifier = format!(
        "{}{}",
        gotrue_emulator::util::uuid_v4().replace('-', ""),
        gotrue_emulator::util::uuid_v4().replace('-', "")
    );
    let challenge = gotrue_emulator::util::pkce_s256(&verifier);
    r.call(
        "POST",
        "/recover",
        Some(
            json!({"email": email4, "code_challenge": challenge, "code_challenge_method": "s256"}),
        ),
        None,
    )
    .await;
    let (_, link) = mail_for(&c, &email4).await;
    let (_, loc) =
        r.follow_link(&link.expect("pkce link"), Some("http://localhost:3000/reset")).await;
    let auth_code = loc["query"]["code"].as_str().expect("?code=").to_string();
    let pkce = "/token?grant_type=pkce";
    r.call(
        "POST",
        pkce,
        Some(json!({"auth_code": auth_code, "code_verifier": format!("wrong{}", &verifier[5..])})),
        None,
    )
    .await;
    let (_, sp) = r
        .call("POST", pkce, Some(json!({"auth_code": auth_code, "code_verifier": verifier})), None)
        .await;
    r.call("POST", pkce, Some(json!({"auth_code": auth_code, "code_verifier": verifier})), None)
        .await;
    r.follow_link(
        "http://127.0.0.1/auth/v1/verify?token=pkce_0000&type=recovery",
        Some("http://localhost:3000/reset"),
    )
    .await;
    r.call("POST", "/recover", Some(json!({"email": "not-an-email"})), None).await;
    r.call("POST", "/recover", Some(json!({})), None).await;

    // Recovery for a phone-MFA user: step up by SMS before the new password.
    let atp = s(&sp, "access_token");
    let (_, f) = r
        .call("POST", "/factors", Some(json!({"factor_type": "phone", "phone": phone})), Some(&atp))
        .await;
    let fid = s(&f, "id");
    let ch2 = r.challenge(&fid, json!({}), &atp).await;
    let code = c.sms_code(&phone).await.expect("sms code");
    let sv = r.verify_code(&fid, &ch2, &code, &atp).await;
    r.call("POST", "/logout", None, Some(&s(&sv, "access_token"))).await;
    c.advance(61.0).await;
    let rs = r.recover_by_code(&email4).await;
    let atr = s(&rs, "access_token");
    r.set_password("Fresh-Battery-5", &atr).await;
    let ch3 = r.challenge(&fid, json!({"channel": "sms"}), &atr).await;
    let code = c.sms_code(&phone).await.expect("sms code");
    let up = r.verify_code(&fid, &ch3, &code, &atr).await;
    let (st, j) = r.set_password("Fresh-Battery-5", &s(&up, "access_token")).await;
    assert_eq!(st, 200, "{j}");
}

async fn section_current_password(r: &mut Recorder) {
    let (email, s0) = new_user(r).await;
    let at = s(&s0, "access_token");
    r.set_password("New-Horse-42", &at).await;
    r.call(
        "PUT",
        "/user",
        Some(json!({"password": "New-Horse-42", "current_password": "Wrong-Horse-1"})),
        Some(&at),
    )
    .await;
    r.call(
        "PUT",
        "/user",
        Some(json!({"password": "New-Horse-42", "current_password": "Correct-Horse-9"})),
        Some(&at),
    )
    .await;
    let rs = r.recover_by_code(&email).await;
    r.set_password("Third-Horse-77", &s(&rs, "access_token")).await;
}

// ---------------------------------------------------------------------------------------------
// Comparison (diff.py)

const EXACT: &[&str] = &[
    "code",
    "error_code",
    "msg",
    "message",
    "error",
    "error_description",
    "aal",
    "aud",
    "role",
    "factor_type",
    "status",
    "type",
    "method",
    "token_type",
    "is_anonymous",
    "provider",
    "channel",
    "content-type",
    "x-supabase-api-version",
    "path",
];

/// A value with its run-specific parts (uuids, numbers) blanked.
fn norm(v: &Value) -> Value {
    let Value::String(s) = v else { return v.clone() };
    let b = s.as_bytes();
    let hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
    let mut no_uuid = String::new();
    let mut i = 0;
    while i < b.len() {
        let is_uuid = i + 36 <= b.len()
            && (0..36).all(|j| match j {
                8 | 13 | 18 | 23 => b[i + j] == b'-',
                _ => hex(b[i + j]),
            });
        if is_uuid {
            no_uuid.push_str("UUID");
            i += 36;
        } else {
            let ch = s[i..].chars().next().unwrap();
            no_uuid.push(ch);
            i += ch.len_utf8();
        }
    }
    let mut out = String::new();
    let mut in_digits = false;
    for ch in no_uuid.chars() {
        if ch.is_ascii_digit() {
            if !in_digits {
                out.push('N');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(ch);
        }
    }
    json!(out)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

fn exact_items(items: &[Value]) -> Vec<Vec<(String, Value)>> {
    let mut out: Vec<Vec<(String, Value)>> = items
        .iter()
        .map(|x| {
            let mut v: Vec<(String, Value)> = x
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, v)| EXACT.contains(&k.as_str()) && !v.is_object() && !v.is_array())
                .map(|(k, v)| (k.clone(), norm(v)))
                .collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        })
        .collect();
    out.sort_by_key(|x| format!("{x:?}"));
    out
}

fn diffs(a: &Value, b: &Value, path: &str) -> Vec<String> {
    if type_name(a) != type_name(b) && !(a.is_number() && b.is_number()) {
        return vec![format!("{path}: {} in GoTrue, {} here", type_name(a), type_name(b))];
    }
    let mut out = Vec::new();
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                match (x.get(k), y.get(k)) {
                    (Some(_), None) => out.push(format!("{path}.{k}: missing")),
                    (None, Some(_)) => out.push(format!("{path}.{k}: not in GoTrue")),
                    (Some(av), Some(bv)) => {
                        if EXACT.contains(&k.as_str())
                            && !av.is_object()
                            && !av.is_array()
                            && norm(av) != norm(bv)
                        {
                            out.push(format!("{path}.{k}: GoTrue {av}, here {bv}"));
                        } else {
                            out.extend(diffs(av, bv, &format!("{path}.{k}")));
                        }
                    }
                    (None, None) => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                out.push(format!("{path}: {} items in GoTrue, {} here", x.len(), y.len()));
            } else if !x.is_empty() {
                out.extend(
                    diffs(&x[0], &y[0], &format!("{path}[0]"))
                        .into_iter()
                        .filter(|d| !d.contains(": GoTrue ")),
                );
                if x.iter().chain(y.iter()).all(Value::is_object)
                    && exact_items(x) != exact_items(y)
                {
                    out.push(format!(
                        "{path}: GoTrue {:?}, here {:?}",
                        exact_items(x),
                        exact_items(y)
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

/// diff.py's verdict: one line per failing exchange.
fn compare(reference: &str, candidate: &[Value]) -> Vec<String> {
    let reference: Vec<Value> = reference
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut failures = Vec::new();
    for (i, (r, c)) in reference.iter().zip(candidate).enumerate() {
        let rq = &r["request"];
        let name =
            format!("{i:02} {} {}", rq["method"].as_str().unwrap(), rq["path"].as_str().unwrap());
        let mut problems = Vec::new();
        if rq != &c["request"] {
            problems.push(format!("request differs: {}", c["request"]));
        }
        if r["response"]["status"] != c["response"]["status"] {
            problems.push(format!(
                "status: GoTrue {}, here {}",
                r["response"]["status"], c["response"]["status"]
            ));
        }
        problems.extend(diffs(&r["response"]["headers"], &c["response"]["headers"], "headers"));
        problems.extend(diffs(&r["response"]["body"], &c["response"]["body"], "body"));
        if !problems.is_empty() {
            failures.push(format!("FAIL {name} {}", problems.join("; ")));
        }
    }
    if reference.len() != candidate.len() {
        failures.push(format!(
            "FAIL transcript lengths differ: {} in GoTrue, {} here",
            reference.len(),
            candidate.len()
        ));
    }
    failures
}

fn assert_matches(reference: &str, transcript: &[Value]) {
    let failures = compare(reference, transcript);
    assert!(
        failures.is_empty(),
        "{} exchanges differ from real GoTrue:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// The steps of the shared `webauthn.mjs`, with a software authenticator instead of Chromium's
// virtual one and the clock control instead of the five-minute wait.

const ORIGIN: &str = "http://localhost:28100";

fn mfa_options(ch: &Value) -> Value {
    ch["webauthn"]["credential_options"]["publicKey"].clone()
}

fn garbage() -> Value {
    json!({"id": "garbage", "rawId": "garbage", "type": "public-key", "response": {"clientDataJSON": "e30"}})
}

fn verify_body(ch: &str, kind: &str, cred: &Value) -> Value {
    json!({"challenge_id": ch, "webauthn": {"type": kind, "credential_response": cred}})
}

fn aal(s: &Value) -> String {
    common::claims(s["access_token"].as_str().unwrap_or(""))["aal"].as_str().unwrap_or("").into()
}

async fn section_webauthn(r: &mut Recorder) {
    let c = r.c.clone();
    let mut key = common::authenticator::Authenticator::default();
    let rp = json!({"rp_id": "localhost", "rp_origins": [ORIGIN]});
    let id = gotrue_emulator::util::uuid_v4;

    // a) settings, sign-up, password sign-in
    let (_, settings) = r.call("GET", "/settings", None, None).await;
    assert_eq!(settings["passkeys_enabled"], true);
    let (email_a, _) = new_user(r).await;
    let pw = "Correct-Horse-9";
    let s1 = r.sign_in(&email_a, pw).await;
    let at1 = s(&s1, "access_token");

    // b) WebAuthn MFA enrolment
    let factor = json!({"factor_type": "webauthn", "friendly_name": "security key"});
    let (_, f) = r.call("POST", "/factors", Some(factor.clone()), Some(&at1)).await;
    let fid = s(&f, "id");
    let (challenge, verify) =
        (format!("/factors/{fid}/challenge"), format!("/factors/{fid}/verify"));
    r.call("GET", "/user", None, Some(&at1)).await;
    let (_, ch1) = r.call("POST", &challenge, Some(json!({"webauthn": rp})), Some(&at1)).await;
    assert_eq!(ch1["webauthn"]["type"], "create");
    let cred_a = key.create(&mfa_options(&ch1), ORIGIN);
    let (_, ch2) = r.call("POST", &challenge, Some(json!({"webauthn": rp})), Some(&at1)).await;
    let (ch1_id, ch2_id) = (s(&ch1, "id"), s(&ch2, "id"));
    r.call("POST", &verify, Some(json!({"challenge_id": ch1_id})), Some(&at1)).await;
    r.call("POST", &verify, Some(verify_body(&ch1_id, "create", &garbage())), Some(&at1)).await;
    r.call("POST", &verify, Some(verify_body(&ch2_id, "create", &cred_a)), Some(&at1)).await;
    r.call("POST", &verify, Some(verify_body(&id(), "create", &cred_a)), Some(&at1)).await;
    let (_, s2) =
        r.call("POST", &verify, Some(verify_body(&ch1_id, "create", &cred_a)), Some(&at1)).await;
    assert_eq!(aal(&s2), "aal2", "{s2}");
    let at2 = s(&s2, "access_token");
    r.call("GET", "/user", None, Some(&at2)).await;
    r.call("POST", &verify, Some(verify_body(&ch1_id, "create", &cred_a)), Some(&at2)).await;

    // c) a new password sign-in, step up with an assertion
    let s3 = r.sign_in(&email_a, pw).await;
    let at3 = s(&s3, "access_token");
    let (_, ch3) = r.call("POST", &challenge, Some(json!({"webauthn": rp})), Some(&at3)).await;
    assert_eq!(ch3["webauthn"]["type"], "request");
    let ch3_id = s(&ch3, "id");
    let as3 = key.get(&mfa_options(&ch3), ORIGIN);
    r.call("POST", &verify, Some(verify_body(&ch3_id, "request", &garbage())), Some(&at3)).await;
    let bad = common::authenticator::tamper_signature(&as3);
    r.call("POST", &verify, Some(verify_body(&ch3_id, "request", &bad)), Some(&at3)).await;
    r.call("POST", &verify, Some(verify_body(&id(), "request", &as3)), Some(&at3)).await;
    r.call("POST", &verify, Some(verify_body(&ch3_id, "bogus", &as3)), Some(&at3)).await;
    let (_, s4) =
        r.call("POST", &verify, Some(verify_body(&ch3_id, "request", &as3)), Some(&at3)).await;
    assert_eq!(aal(&s4), "aal2", "{s4}");
    let at4 = s(&s4, "access_token");
    r.call("GET", "/user", None, Some(&at4)).await;

    // d) challenge bodies, an expiring challenge, second factors
    let (_, ch4) = r.call("POST", &challenge, Some(json!({})), Some(&at4)).await;
    let as4 = key.get(&mfa_options(&ch4), ORIGIN);
    let (_, s4b) = r
        .call("POST", &verify, Some(verify_body(&s(&ch4, "id"), "request", &as4)), Some(&at4))
        .await;
    assert_eq!(aal(&s4b), "aal2", "{s4b}");
    let at4 = s(&s4b, "access_token");
    r.call("POST", &challenge, None, Some(&at4)).await;
    let (_, ch_exp) = r.call("POST", &challenge, Some(json!({"webauthn": rp})), Some(&at4)).await;
    let as_exp = key.get(&mfa_options(&ch_exp), ORIGIN);
    r.call("POST", "/factors", Some(factor.clone()), Some(&at4)).await;
    let s5 = r.sign_in(&email_a, pw).await;
    let second = json!({"factor_type": "webauthn", "friendly_name": "second key"});
    r.call("POST", "/factors", Some(second.clone()), Some(&s(&s5, "access_token"))).await;
    let (_, f2) = r.call("POST", "/factors", Some(second), Some(&at4)).await;
    let f2_id = s(&f2, "id");
    let (_, ch5) = r
        .call(
            "POST",
            &format!("/factors/{f2_id}/challenge"),
            Some(json!({"webauthn": rp})),
            Some(&at4),
        )
        .await;
    assert_eq!(mfa_options(&ch5)["excludeCredentials"].as_array().map(Vec::len), Some(1));
    r.call("DELETE", &format!("/factors/{f2_id}"), None, Some(&at4)).await;

    // e) recovery: aal1 recovery session, password change needs aal2, webauthn step-up
    let rs = r.recover_by_code(&email_a).await;
    let rs_at = s(&rs, "access_token");
    r.set_password("Fresh-Battery-5", &rs_at).await;
    let (_, ch6) = r.call("POST", &challenge, Some(json!({"webauthn": rp})), Some(&rs_at)).await;
    let as6 = key.get(&mfa_options(&ch6), ORIGIN);
    let (_, rup) = r
        .call("POST", &verify, Some(verify_body(&s(&ch6, "id"), "request", &as6)), Some(&rs_at))
        .await;
    let rup_at = s(&rup, "access_token");
    r.set_password("Fresh-Battery-5", &rup_at).await;
    let pw = "Fresh-Battery-5";

    // f) passkeys: a user without MFA
    let (_, sb) = new_user(r).await;
    let sb_at = s(&sb, "access_token");
    let sb_id = s(&sb["user"], "id");
    let (_, ro) =
        r.call("POST", "/passkeys/registration/options", Some(json!({})), Some(&sb_at)).await;
    let pk_b = key.create(&ro["options"], ORIGIN);
    let reg = |ch: &str, cred: &Value| json!({"challenge_id": ch, "credential": cred});
    let reg_verify = "/passkeys/registration/verify";
    r.call("POST", reg_verify, Some(reg(&id(), &pk_b)), Some(&sb_at)).await;
    let (_, pk) =
        r.call("POST", reg_verify, Some(reg(&s(&ro, "challenge_id"), &pk_b)), Some(&sb_at)).await;
    let pk_id = s(&pk, "id");
    r.call("POST", reg_verify, Some(reg(&s(&ro, "challenge_id"), &pk_b)), Some(&sb_at)).await;
    r.call("GET", "/passkeys", None, Some(&sb_at)).await;
    let pk_path = format!("/passkeys/{pk_id}");
    r.call("PATCH", &pk_path, Some(json!({"friendly_name": "Laptop"})), Some(&sb_at)).await;
    r.call("PATCH", &pk_path, Some(json!({"friendly_name": ""})), Some(&sb_at)).await;
    r.call(
        "PATCH",
        &format!("/passkeys/{}", id()),
        Some(json!({"friendly_name": "Other"})),
        Some(&sb_at),
    )
    .await;
    let (auth_options, auth_verify) =
        ("/passkeys/authentication/options", "/passkeys/authentication/verify");
    let (_, ao1) = r.call("POST", auth_options, Some(json!({})), None).await;
    let pa1 = key.get(&ao1["options"], ORIGIN);
    r.call("POST", auth_verify, Some(reg(&s(&ao1, "challenge_id"), &garbage())), None).await;
    r.call("POST", auth_verify, Some(reg(&s(&ao1, "challenge_id"), &pa1)), None).await;
    let (_, ao2) = r.call("POST", auth_options, Some(json!({})), None).await;
    let pa2 = common::authenticator::tamper_signature(&key.get(&ao2["options"], ORIGIN));
    r.call("POST", auth_verify, Some(reg(&s(&ao2, "challenge_id"), &pa2)), None).await;
    let (_, ao3) = r.call("POST", auth_options, Some(json!({})), None).await;
    let pa3 = key.get(&ao3["options"], ORIGIN);
    let (_, spb) =
        r.call("POST", auth_verify, Some(reg(&s(&ao3, "challenge_id"), &pa3)), None).await;
    assert_eq!(aal(&spb), "aal1", "{spb}");
    r.call("POST", auth_verify, Some(reg(&s(&ao3, "challenge_id"), &pa3)), None).await;
    r.call("GET", "/passkeys", None, Some(&s(&spb, "access_token"))).await;
    r.call("DELETE", &pk_path, None, Some(&sb_at)).await;
    r.call("GET", "/passkeys", None, Some(&sb_at)).await;
    let (_, ao4) = r.call("POST", auth_options, Some(json!({})), None).await;
    let pa4 = key.get(&ao4["options"], ORIGIN);
    r.call("POST", auth_verify, Some(reg(&s(&ao4, "challenge_id"), &pa4)), None).await;
    key.remove_user(&sb_id);

    // f) passkeys: the MFA user
    let sa1 = r.sign_in(&email_a, pw).await;
    r.call(
        "POST",
        "/passkeys/registration/options",
        Some(json!({})),
        Some(&s(&sa1, "access_token")),
    )
    .await;
    let (_, ro_a) =
        r.call("POST", "/passkeys/registration/options", Some(json!({})), Some(&rup_at)).await;
    let pk_ac = key.create(&ro_a["options"], ORIGIN);
    let (_, pk_a) = r
        .call("POST", reg_verify, Some(reg(&s(&ro_a, "challenge_id"), &pk_ac)), Some(&rup_at))
        .await;
    let pk_a_path = format!("/passkeys/{}", s(&pk_a, "id"));
    let (_, ao_exp) = r.call("POST", auth_options, Some(json!({})), None).await;
    let pa_exp = key.get(&ao_exp["options"], ORIGIN);
    let (_, ao5) = r.call("POST", auth_options, Some(json!({})), None).await;
    let pa5 = key.get(&ao5["options"], ORIGIN);
    let (_, spa) =
        r.call("POST", auth_verify, Some(reg(&s(&ao5, "challenge_id"), &pa5)), None).await;
    assert_eq!(aal(&spa), "aal1", "{spa}");
    let spa_at = s(&spa, "access_token");
    r.call("DELETE", &pk_a_path, None, Some(&spa_at)).await;
    let (_, ch7) = r.call("POST", &challenge, Some(json!({"webauthn": rp})), Some(&spa_at)).await;
    let as7 = key.get(&mfa_options(&ch7), ORIGIN);
    let (_, spa2) = r
        .call("POST", &verify, Some(verify_body(&s(&ch7, "id"), "request", &as7)), Some(&spa_at))
        .await;
    assert_eq!(aal(&spa2), "aal2", "{spa2}");
    let spa2_at = s(&spa2, "access_token");

    // d/f) the challenges left to expire: the clock moves instead of a five-minute wait
    let until =
        ch_exp["expires_at"].as_i64().unwrap().max(ao_exp["expires_at"].as_i64().unwrap()) + 2;
    c.advance((until - c.now().await as i64) as f64).await;
    let exp_body = verify_body(&s(&ch_exp, "id"), "request", &as_exp);
    r.call("POST", &verify, Some(exp_body.clone()), Some(&spa2_at)).await;
    r.call("POST", &verify, Some(exp_body), Some(&spa2_at)).await;
    r.call("POST", auth_verify, Some(reg(&s(&ao_exp, "challenge_id"), &pa_exp)), None).await;

    // g) unenrol the webauthn factor at aal2
    r.call("DELETE", &format!("/factors/{fid}"), None, Some(&spa2_at)).await;
    r.call("GET", "/user", None, Some(&spa2_at)).await;
    let (_, rr) = r
        .call(
            "POST",
            "/token?grant_type=refresh_token",
            Some(json!({"refresh_token": s(&spa2, "refresh_token")})),
            None,
        )
        .await;
    r.call("DELETE", &pk_a_path, None, Some(&s(&rr, "access_token"))).await;
}

fn webauthn_config(cfg: &mut gotrue_emulator::Config) {
    cfg.mfa_webauthn_enroll_enabled = true;
    cfg.mfa_webauthn_verify_enabled = true;
    cfg.passkey_enabled = true;
    cfg.webauthn_rp_id = "localhost".into();
    cfg.webauthn_rp_display_name = "Fidelity".into();
    cfg.webauthn_rp_origins = vec![ORIGIN.into()];
}

// ---------------------------------------------------------------------------------------------
// The front door with confirmations on: the shared `frontdoor.py` (sign-up, passwordless, email
// change, reauthentication, anonymous users, OAuth through a fake Keycloak, identities), the
// steps after GoTrue's 60 s email interval (the clock moved instead) and the settings.

const APP: &str = "http://127.0.0.1:28500";
const PW: &str = "Correct-Horse-9";

/// frontdoor.py's `mail`: the newest mail to `to` as (code, token hash of its `/verify` link).
async fn front_mail(c: &Client, to: &str) -> (String, String, String) {
    let (code, link) = mail_for(c, to).await;
    let link = link.unwrap_or_else(|| panic!("no /verify link to {to}"));
    let token = parse_qsl(link.split_once('?').map_or("", |(_, q)| q))
        .into_iter()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v)
        .unwrap_or_default();
    (code, token, link)
}

fn wrong(code: &str) -> &'static str {
    if code == "000000" {
        "111111"
    } else {
        "000000"
    }
}

/// frontdoor.py's `confirmed_user`: signed up and confirmed by the mailed code.
async fn confirmed_user(r: &mut Recorder) -> (String, Value) {
    let c = r.c.clone();
    let email = new_email();
    r.call("POST", "/signup", Some(json!({"email": email, "password": PW})), None).await;
    let (code, _, _) = front_mail(&c, &email).await;
    let body = json!({"type": "signup", "email": email, "token": code});
    let (st, s0) = r.call("POST", "/verify", Some(body), None).await;
    assert_eq!(st, 200, "{s0}");
    (email, s0)
}

async fn section_frontdoor(r: &mut Recorder, kc: &FakeKeycloak) {
    let c = r.c.clone();
    // 1. sign-up with email confirmation
    let a = new_email();
    let path = format!("/signup?redirect_to={APP}/welcome");
    let body = json!({"email": a, "password": PW, "data": {"name": "Ada"}});
    r.call("POST", &path, Some(body), None).await;
    let (code, _, _) = front_mail(&c, &a).await;
    r.sign_in(&a, PW).await;
    let verify =
        |email: &str, token: &str| json!({"type": "signup", "email": email, "token": token});
    r.call("POST", "/verify", Some(verify(&a, wrong(&code))), None).await;
    r.call("POST", "/verify", Some(verify(&a, &code)), None).await;
    r.call("POST", "/verify", Some(verify(&a, &code)), None).await;
    r.call("POST", "/signup", Some(json!({"email": a, "password": "Other-Horse-9"})), None).await;
    r.call("POST", "/resend", Some(json!({"type": "signup", "email": a})), None).await;
    let nobody = new_email();
    r.call("POST", "/resend", Some(json!({"type": "signup", "email": nobody})), None).await;

    let b = new_email();
    r.call("POST", "/signup", Some(json!({"email": b, "password": PW})), None).await;
    let (_, hash, _) = front_mail(&c, &b).await;
    r.call("POST", "/verify", Some(json!({"type": "signup", "token_hash": hash})), None).await;
    let body = json!({"type": "signup", "token_hash": hash, "email": b});
    r.call("POST", "/verify", Some(body), None).await;

    let l = new_email();
    let path = format!("/signup?redirect_to={APP}/welcome");
    r.call("POST", &path, Some(json!({"email": l, "password": PW})), None).await;
    let (_, _, link) = front_mail(&c, &l).await;
    r.follow_link(&link, None).await;
    r.follow_link(&link, None).await;

    let verifier = "fidelity-verifier-".repeat(4);
    let challenge = gotrue_emulator::util::pkce_s256(&verifier);
    let f = new_email();
    let body = json!({"email": f, "password": PW, "code_challenge": challenge, "code_challenge_method": "s256"});
    r.call("POST", "/signup", Some(body), None).await;
    let (_, _, link) = front_mail(&c, &f).await;
    let (_, loc) = r.follow_link(&link, Some(&format!("{APP}/auth/callback"))).await;
    let body = json!({"auth_code": loc["query"]["code"], "code_verifier": verifier});
    r.call("POST", "/token?grant_type=pkce", Some(body), None).await;

    r.call("POST", "/signup", Some(json!({"email": new_email(), "password": "ab"})), None).await;
    r.call("POST", "/signup", Some(json!({"password": PW})), None).await;
    let body = json!({"email": "not-an-email", "password": PW});
    r.call("POST", "/signup", Some(body), None).await;
    r.call("POST", "/signup", Some(json!({"email": new_email()})), None).await;

    let d = new_email();
    r.call("POST", "/signup", Some(json!({"email": d, "password": PW})), None).await;
    front_mail(&c, &d).await;
    r.call("POST", "/resend", Some(json!({"type": "signup", "email": d})), None).await;
    let e = new_email();
    r.call("POST", "/signup", Some(json!({"email": e, "password": PW})), None).await;
    front_mail(&c, &e).await;
    r.call("POST", "/signup", Some(json!({"email": e, "password": "Other-Horse-9"})), None).await;

    // 2. passwordless email
    let g = new_email();
    r.call("POST", "/otp", Some(json!({"email": g, "create_user": true})), None).await;
    let (code, _, _) = front_mail(&c, &g).await;
    let otp = |kind: &str, email: &str, token: &str| json!({"type": kind, "email": email, "token": token});
    r.call("POST", "/verify", Some(otp("email", &g, &code)), None).await;
    r.call("POST", "/otp", Some(json!({"email": g, "create_user": true})), None).await;
    let (code, _, _) = front_mail(&c, &g).await;
    r.call("POST", "/verify", Some(otp("magiclink", &g, &code)), None).await;
    r.call("POST", "/otp", Some(json!({"email": g})), None).await;
    r.call("POST", "/resend", Some(json!({"type": "magiclink", "email": g})), None).await;
    r.call("POST", "/otp", Some(json!({"email": a, "create_user": true})), None).await;
    let (code, _, _) = front_mail(&c, &a).await;
    r.call("POST", "/verify", Some(otp("email", &a, &code)), None).await;
    let (h, _) = confirmed_user(r).await;
    r.call("POST", "/otp", Some(json!({"email": h, "create_user": false})), None).await;
    let (_, _, link) = front_mail(&c, &h).await;
    r.follow_link(&link, Some(&format!("{APP}/welcome"))).await;
    let body = json!({"email": new_email(), "create_user": false});
    r.call("POST", "/otp", Some(body), None).await;
    r.call("POST", "/otp", Some(json!({})), None).await;

    // 3. email change
    let (cur, s1) = confirmed_user(r).await;
    let at1 = s(&s1, "access_token");
    let new = new_email();
    r.call("PUT", "/user", Some(json!({"email": new})), Some(&at1)).await;
    let (cur_code, _, _) = front_mail(&c, &cur).await;
    let (_, new_hash, _) = front_mail(&c, &new).await;
    r.call("POST", "/resend", Some(json!({"type": "email_change", "email": cur})), None).await;
    r.call("GET", "/user", None, Some(&at1)).await;
    r.call("POST", "/verify", Some(otp("email_change", &cur, &cur_code)), None).await;
    r.call("GET", "/user", None, Some(&at1)).await;
    let body = json!({"type": "email_change", "token_hash": new_hash});
    let (_, s2) = r.call("POST", "/verify", Some(body), None).await;
    let at2 = s(&s2, "access_token");
    r.call("GET", "/user", None, Some(&at2)).await;
    r.call("PUT", "/user", Some(json!({"email": a})), Some(&at2)).await;

    // 4. reauthentication
    r.call("GET", "/reauthenticate", None, Some(&at2)).await;
    let (nonce, _) = mail_for(&c, &new).await;
    r.call("GET", "/reauthenticate", None, Some(&at2)).await;
    let body = json!({"password": "Second-Horse-9", "nonce": wrong(&nonce)});
    r.call("PUT", "/user", Some(body), Some(&at2)).await;
    let body = json!({"password": "Third-Horse-9", "nonce": nonce});
    r.call("PUT", "/user", Some(body), Some(&at2)).await;
    r.sign_in(&new, "Third-Horse-9").await;

    // 5. anonymous users
    r.call("POST", "/signup", None, None).await;
    r.call("POST", "/signup", Some(json!({})), None).await;
    let body = json!({"data": {"theme": "dark"}});
    let (_, anon) = r.call("POST", "/signup", Some(body), None).await;
    let at3 = s(&anon, "access_token");
    r.call("GET", "/user", None, Some(&at3)).await;
    r.call("PUT", "/user", Some(json!({"password": PW})), Some(&at3)).await;
    r.call("GET", "/reauthenticate", None, Some(&at3)).await;
    r.call("PUT", "/user", Some(json!({"email": a})), Some(&at3)).await;
    let k = new_email();
    r.call("PUT", "/user", Some(json!({"email": k})), Some(&at3)).await;
    let (code, _, _) = front_mail(&c, &k).await;
    r.call("PUT", "/user", Some(json!({"password": PW})), Some(&at3)).await;
    let (_, s4) = r.call("POST", "/verify", Some(otp("email_change", &k, &code)), None).await;
    let at4 = s(&s4, "access_token");
    r.call("GET", "/user", None, Some(&at4)).await;
    r.call("PUT", "/user", Some(json!({"password": PW})), Some(&at4)).await;
    r.sign_in(&k, PW).await;

    // 6. OAuth, 7. identities
    let kc1 = section_oauth(r, kc, &a).await;
    section_identities(r, kc, &kc1).await;

    // After GoTrue's 60 s email interval.
    c.advance(61.0).await;
    r.call("POST", "/resend", Some(json!({"type": "signup", "email": d})), None).await;
    let (code, _, _) = front_mail(&c, &d).await;
    r.call("POST", "/verify", Some(verify(&d, &code)), None).await;
    r.call("POST", "/signup", Some(json!({"email": e, "password": "Other-Horse-9"})), None).await;
    r.call("POST", "/otp", Some(json!({"email": g})), None).await;
    r.call("GET", "/settings", None, None).await;
}

// ---------------------------------------------------------------------------------------------
// Sections 6–7 of `frontdoor.py`: OAuth through a fake Keycloak realm and identity linking.

/// frontdoor.py's `profile`.
fn kc_profile(tag: &str, verified: bool) -> Value {
    let hex = gotrue_emulator::util::uuid_v4().replace('-', "");
    json!({"sub": gotrue_emulator::util::uuid_v4(), "email": format!("{tag}-{}@example.com", &hex[..12]),
           "email_verified": verified, "name": "Kay Cloak", "preferred_username": format!("kay-{}", &hex[12..18])})
}

/// A query string from pairs.
fn qs(pairs: &[(&str, &str)]) -> String {
    let v: Vec<(String, String)> =
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    format!("?{}", gotrue_emulator::util::encode_query(&v))
}

/// A value of a Location's query (`part` "query") or fragment.
fn loc_value(loc: &str, part: &str, key: &str) -> String {
    let (rest, fragment) = loc.split_once('#').unwrap_or((loc, ""));
    let query = rest.split_once('?').map_or("", |(_, q)| q);
    let src = if part == "query" { query } else { fragment };
    parse_qsl(src).into_iter().find(|(k, _)| k == key).map(|(_, v)| v).unwrap_or_default()
}

/// frontdoor.py's `at_provider`: the provider's redirect followed to the API's callback
/// (recorded); answers its status, Location and the callback path.
async fn at_provider(
    r: &mut Recorder,
    kc: &FakeKeycloak,
    url: &str,
    who: Option<&Value>,
) -> (u16, String, String) {
    let cb = kc.visit(url, who);
    let (st, loc) = r.navigate(&cb).await;
    (st, loc, cb)
}

/// frontdoor.py's `oauth`: `GET /authorize?query` as a browser, then through the provider.
async fn oauth(
    r: &mut Recorder,
    kc: &FakeKeycloak,
    query: &[(&str, &str)],
    who: Option<&Value>,
) -> (u16, String, String) {
    let (st, loc) = r.navigate(&format!("/authorize{}", qs(query))).await;
    if st != 302 {
        return (st, String::new(), String::new());
    }
    at_provider(r, kc, &loc, who).await
}

/// Section 6: OAuth sign-in (implicit, PKCE, refusals, errors, automatic linking); answers the
/// first provider profile, which section 7 links to someone else.
async fn section_oauth(r: &mut Recorder, kc: &FakeKeycloak, confirmed: &str) -> Value {
    let c = r.c.clone();
    let cb = format!("{APP}/auth/callback");
    let kc1 = kc_profile("kc", true);
    let (st, loc, cbpath) =
        oauth(r, kc, &[("provider", "keycloak"), ("redirect_to", &cb)], Some(&kc1)).await;
    assert_eq!(st, 302, "{loc}");
    let at = loc_value(&loc, "fragment", "access_token");
    r.call("GET", "/user", None, Some(&at)).await;
    r.navigate(&cbpath).await;
    oauth(r, kc, &[("provider", "keycloak"), ("redirect_to", &cb)], Some(&kc1)).await;

    let verifier = "fidelity-oauth-verifier-".repeat(3);
    let challenge = gotrue_emulator::util::pkce_s256(&verifier);
    let query = [
        ("provider", "keycloak"),
        ("redirect_to", cb.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "s256"),
    ];
    let (_, loc, _) = oauth(r, kc, &query, Some(&kc_profile("kcpkce", true))).await;
    let code = loc_value(&loc, "query", "code");
    let wrong = format!("wrong{}", &verifier[5..]);
    let pkce = |v: &str| Some(json!({"auth_code": code, "code_verifier": v}));
    r.call("POST", "/token?grant_type=pkce", pkce(&wrong), None).await;
    r.call("POST", "/token?grant_type=pkce", pkce(&verifier), None).await;
    r.call("POST", "/token?grant_type=pkce", pkce(&verifier), None).await;
    let q = [
        ("provider", "keycloak"),
        ("redirect_to", cb.as_str()),
        ("code_challenge", challenge.as_str()),
    ];
    r.navigate(&format!("/authorize{}", qs(&q))).await;

    r.navigate(&format!("/authorize{}", qs(&[("provider", "nope"), ("redirect_to", &cb)]))).await;
    r.call(
        "GET",
        &format!("/authorize{}", qs(&[("provider", "nope"), ("redirect_to", &cb)])),
        None,
        None,
    )
    .await;
    r.navigate(&format!("/authorize{}", qs(&[("provider", "github"), ("redirect_to", &cb)]))).await;
    r.navigate("/authorize").await;

    let evil = [("provider", "keycloak"), ("redirect_to", "https://evil.example.com/cb")];
    oauth(r, kc, &evil, Some(&kc_profile("kcevil", true))).await;
    oauth(r, kc, &[("provider", "keycloak"), ("redirect_to", &cb)], None).await;
    r.navigate(&format!("/callback{}", qs(&[("code", "x"), ("state", "not-a-uuid")]))).await;
    r.navigate(&format!("/callback{}", qs(&[("code", "x")]))).await;
    let unverified = kc_profile("kcunverified", false);
    let (_, loc, _) =
        oauth(r, kc, &[("provider", "keycloak"), ("redirect_to", &cb)], Some(&unverified)).await;
    assert_eq!(loc_value(&loc, "query", "error_code"), "provider_email_needs_verification");
    let email = unverified["email"].as_str().unwrap();
    let (_, _, link) = front_mail(&c, email).await;
    assert!(link.contains("type=signup"), "{link}");
    let mut same = kc_profile("kcsame", true);
    same["email"] = json!(confirmed);
    let (_, loc, _) =
        oauth(r, kc, &[("provider", "keycloak"), ("redirect_to", &cb)], Some(&same)).await;
    let at = loc_value(&loc, "fragment", "access_token");
    let (_, u) = r.call("GET", "/user", None, Some(&at)).await;
    assert_eq!(u["email"], json!(confirmed));
    kc1
}

/// Section 7: manual linking and unlinking.
async fn section_identities(r: &mut Recorder, kc: &FakeKeycloak, kc1: &Value) {
    let cb = format!("{APP}/auth/callback");
    let (_, s0) = confirmed_user(r).await;
    let at = s(&s0, "access_token");
    r.call("GET", "/user", None, Some(&at)).await;
    let link = |skip: bool| {
        let mut q = vec![("provider", "keycloak"), ("redirect_to", cb.as_str())];
        if skip {
            q.push(("skip_http_redirect", "true"));
        }
        format!("/user/identities/authorize{}", qs(&q))
    };
    let (_, j) = r.call("GET", &link(true), None, Some(&at)).await;
    r.call("GET", &link(false), None, Some(&at)).await;
    let (st, loc, _) = at_provider(r, kc, &s(&j, "url"), Some(&kc_profile("kclink", true))).await;
    assert_eq!(st, 302, "{loc}");
    let (_, u) = r.call("GET", "/user", None, Some(&at)).await;
    let kc_id = u["identities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["provider"] == "keycloak")
        .map(|i| s(i, "identity_id"))
        .expect("a keycloak identity");
    r.call("DELETE", "/user/identities/not-a-uuid", None, Some(&at)).await;
    let unknown = gotrue_emulator::util::uuid_v4();
    r.call("DELETE", &format!("/user/identities/{unknown}"), None, Some(&at)).await;
    r.call("DELETE", &format!("/user/identities/{kc_id}"), None, Some(&at)).await;
    let (_, u) = r.call("GET", "/user", None, Some(&at)).await;
    let last = s(&u["identities"][0], "identity_id");
    r.call("DELETE", &format!("/user/identities/{last}"), None, Some(&at)).await;
    let (_, j) = r.call("GET", &link(true), None, Some(&at)).await;
    let mut other = kc1.clone();
    other["name"] = json!("Someone Else");
    at_provider(r, kc, &s(&j, "url"), Some(&other)).await;

    let (_, anon) = r.call("POST", "/signup", Some(json!({})), None).await;
    let anon_at = s(&anon, "access_token");
    let (_, j) = r.call("GET", &link(true), None, Some(&anon_at)).await;
    at_provider(r, kc, &s(&j, "url"), Some(&kc_profile("kcanon", true))).await;
    let (_, u) = r.call("GET", "/user", None, Some(&anon_at)).await;
    assert_eq!(u["is_anonymous"], false);
}

fn frontdoor_config(cfg: &mut gotrue_emulator::Config) {
    cfg.mailer_autoconfirm = false;
    cfg.anonymous_users_enabled = true;
    cfg.rate_limit_email_sent = 1000;
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn default_scenario_matches_real_gotrue() {
    let (_srv, c) = start_with(|_| {}).await;
    let mut r = Recorder { c, out: Vec::new(), keep_blank: false, last_location: String::new() };
    section_default(&mut r).await;
    assert_matches(include_str!("data/default.jsonl"), &r.out);
}

#[tokio::test]
async fn current_password_scenario_matches_real_gotrue() {
    let (_srv, c) = start_with(|cfg| cfg.update_password_require_current_password = true).await;
    let mut r = Recorder { c, out: Vec::new(), keep_blank: false, last_location: String::new() };
    section_current_password(&mut r).await;
    assert_matches(include_str!("data/current-password.jsonl"), &r.out);
}

/// WebAuthn MFA and passkeys (`webauthn.mjs`'s steps) with a software authenticator.
#[tokio::test]
async fn webauthn_scenario_matches_real_gotrue() {
    let (_srv, c) = start_with(webauthn_config).await;
    let mut r = Recorder { c, out: Vec::new(), keep_blank: false, last_location: String::new() };
    section_webauthn(&mut r).await;
    assert_matches(include_str!("data/webauthn.jsonl"), &r.out);
}

/// The front door with confirmations on (`frontdoor.py`'s sections 1–7 with a fake Keycloak,
/// the steps after the email interval, the settings).
#[tokio::test]
async fn frontdoor_scenario_matches_real_gotrue() {
    let kc = FakeKeycloak::start().await;
    let (_srv, c) = start_with(|cfg| {
        frontdoor_config(cfg);
        kc.configure(cfg);
    })
    .await;
    let mut r = Recorder { c, out: Vec::new(), keep_blank: true, last_location: String::new() };
    section_frontdoor(&mut r, &kc).await;
    assert_matches(include_str!("data/frontdoor.jsonl"), &r.out);
}

/// The comparison itself catches differences (a changed status, code or key).
#[test]
fn the_comparison_detects_differences() {
    let reference = include_str!("data/current-password.jsonl");
    let mut same: Vec<Value> =
        reference.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(compare(reference, &same).is_empty());
    same[1]["response"]["status"] = json!(422);
    same[2]["response"]["body"]["code"] = json!("current_password_required");
    same[3]["response"]["body"]["extra"] = json!(1);
    let found = compare(reference, &same);
    assert_eq!(found.len(), 3, "{found:?}");
    same.pop();
    assert_eq!(compare(reference, &same).len(), 4);
    // Messages are compared with their numbers blanked.
    assert_eq!(norm(&json!("after 46 seconds")), norm(&json!("after 7 seconds")));
}
