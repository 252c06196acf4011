//! Helpers shared by the wasm-bindgen browser tests (`tests/browser_*.rs`, each `mod support;`):
//! the emulator's address and test controls, users, outboxes, and RFC 6238 TOTP codes.
//!
//! The emulator's URL comes from `EMULATOR_URL` at compile time (scripts/test.sh starts
//! `gotrue-emulator --port 0 --test-controls` and sets it).

// Each test crate uses a part of this module.
#![allow(dead_code)]

use gloo_net::http::Request;
use leptos_supabase_auth::__internal::GoTrue;
use serde_json::{json, Value};

/// The password of every user the tests create.
pub const PASSWORD: &str = "correct-horse-1";

/// The emulator's origin, without a trailing `/`.
pub fn emulator() -> &'static str {
    match option_env!("EMULATOR_URL") {
        Some(url) => url.trim_end_matches('/'),
        None => panic!("EMULATOR_URL must be set at compile time (run through scripts/test.sh)"),
    }
}

/// The emulator's GoTrue API root (`…/auth/v1`).
pub fn api_url() -> String {
    [emulator(), "/auth/v1"].concat()
}

/// A GoTrue client for the emulator.
pub fn api() -> GoTrue {
    GoTrue::new(&api_url(), "anon")
}

/// `n` random decimal digits.
pub fn rand_digits(n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + (js_sys::Math::random() * 10.0) as u8 % 10)).collect()
}

/// A new address, `<test file>-<tag>-<digits>@example.com` (e.g. `api-sign-in-…` from
/// `browser_api.rs`), so tests never share a user.
pub fn unique_email(tag: &str) -> String {
    let file = env!("CARGO_CRATE_NAME").trim_start_matches("browser_");
    format!("{file}-{tag}-{}@example.com", rand_digits(10))
}

/// Waits `ms` milliseconds.
pub async fn sleep_ms(ms: i32) {
    leptos_supabase_auth::__internal::browser::sleep_ms(ms).await
}

/// GETs a path of the emulator; panics unless it answers 2xx with JSON.
pub async fn emu_get(path: &str) -> Value {
    let resp =
        Request::get(&[emulator(), path].concat()).send().await.expect("GET reaches the emulator");
    assert!(resp.ok(), "GET {path}: status {}", resp.status());
    resp.json().await.expect("JSON answer")
}

/// POSTs JSON to a path of the emulator; panics unless it answers 2xx with JSON.
pub async fn emu_post(path: &str, body: Value) -> Value {
    let resp = Request::post(&[emulator(), path].concat())
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .expect("request")
        .send()
        .await
        .expect("POST reaches the emulator");
    assert!(resp.ok(), "POST {path}: status {}", resp.status());
    resp.json().await.expect("JSON answer")
}

/// A confirmed user with [`PASSWORD`] through the test controls, optionally with a verified TOTP
/// factor and/or phone factor; returns its id and the ids of the seeded factors.
pub async fn create_user(
    email: &str,
    totp_secret: Option<&str>,
    phone: Option<&str>,
) -> (String, Vec<String>) {
    let mut body = json!({"email": email, "password": PASSWORD});
    if let Some(s) = totp_secret {
        body["totp_secret"] = json!(s);
    }
    if let Some(p) = phone {
        body["phone"] = json!(p);
    }
    let v = emu_post("/_emulator/users", body).await;
    let id = v["id"].as_str().expect("user id").to_owned();
    let factors = v["factors"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["id"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    (id, factors)
}

/// The text of the newest mail to `email` whose subject contains `subject_word` (waits up to 3 s).
pub async fn latest_mail(email: &str, subject_word: &str) -> String {
    let query = js_sys::encode_uri_component(&format!("to:{email} subject:{subject_word}"));
    for _ in 0..30 {
        let list = emu_get(&format!("/_mail/api/v1/search?query={query}")).await;
        if let Some(id) = list["messages"][0]["ID"].as_str() {
            let msg = emu_get(&format!("/_mail/api/v1/message/{id}")).await;
            return msg["Text"].as_str().expect("Text").to_owned();
        }
        sleep_ms(100).await;
    }
    panic!("no mail to {email} with {subject_word:?} in the subject");
}

/// The digits after `Code: ` in a mail.
pub fn code_in(text: &str) -> String {
    let rest = text.split("Code: ").nth(1).expect("a `Code: ` line");
    rest.chars().take_while(char::is_ascii_digit).collect()
}

/// The code in the newest mail to `email` whose subject contains `subject_word`.
pub async fn latest_mail_code(email: &str, subject_word: &str) -> String {
    code_in(&latest_mail(email, subject_word).await)
}

/// The emulator's clock (unix seconds; tests may have moved it).
pub async fn emulator_now() -> u64 {
    emu_get("/_emulator/clock").await["now"].as_i64().expect("now") as u64
}

// RFC 6238 TOTP (SHA1, 6 digits, 30 s): a tiny SHA1 + HMAC, enough for test codes. Checked
// against the RFC's vectors by `totp_helper_matches_rfc6238` in browser_api.rs.

/// SHA-1 of `data` (FIPS 180-4).
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x6745_2301, 0xEFCD_AB89, 0x98BA_DCFE, 0x1032_5476, 0xC3D2_E1F0];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&(data.len() as u64 * 8).to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let t =
                a.rotate_left(5).wrapping_add(f).wrapping_add(e).wrapping_add(k).wrapping_add(*wi);
            (e, d, c, b, a) = (d, c, b.rotate_left(30), a, t);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (chunk, x) in out.chunks_mut(4).zip(h) {
        chunk.copy_from_slice(&x.to_be_bytes());
    }
    out
}

/// HMAC-SHA1 (RFC 2104).
pub fn hmac_sha1(key: &[u8], msg: &[u8]) -> [u8; 20] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..20].copy_from_slice(&sha1(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    inner.extend_from_slice(msg);
    let mut outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    outer.extend_from_slice(&sha1(&inner));
    sha1(&outer)
}

/// Decodes RFC 4648 base32 (padding and spaces ignored, any case).
pub fn base32_decode(s: &str) -> Vec<u8> {
    let (mut bits, mut n, mut out) = (0u32, 0u32, Vec::new());
    for c in s.bytes().filter(|c| *c != b'=' && *c != b' ') {
        let v = match c.to_ascii_uppercase() {
            c @ b'A'..=b'Z' => c - b'A',
            c @ b'2'..=b'7' => c - b'2' + 26,
            other => panic!("not base32: {}", other as char),
        };
        bits = (bits << 5) | u32::from(v);
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// The 6-digit code of a base32 `secret` at unix time `unix`.
pub fn totp(secret: &str, unix: u64) -> String {
    let h = hmac_sha1(&base32_decode(secret), &(unix / 30).to_be_bytes());
    let o = usize::from(h[19] & 0x0f);
    let bin = u32::from_be_bytes([h[o], h[o + 1], h[o + 2], h[o + 3]]) & 0x7fff_ffff;
    format!("{:06}", bin % 1_000_000)
}

/// The current code of `secret` by the emulator's clock (which tests may have moved).
pub async fn totp_now(secret: &str) -> String {
    totp(secret, emulator_now().await)
}

/// A base32 secret of 20 random bytes.
pub fn random_secret() -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    (0..32).map(|_| A[(js_sys::Math::random() * 32.0) as usize % 32] as char).collect()
}
