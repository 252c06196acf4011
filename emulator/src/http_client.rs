//! Outgoing HTTP for OAuth: the code exchange at a provider's token endpoint and the read of
//! its user-info endpoint. Plain `http://` only (the emulator talks to local fakes such as a
//! test's Keycloak); answers are JSON.

use std::time::Duration;

use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// How long one request to a provider may take.
const TIMEOUT: Duration = Duration::from_secs(15);

/// Why a request to a provider failed (kept for logs; GoTrue answers a generic 500).
#[derive(Debug)]
pub struct HttpFailure(pub String);

/// Sends `req` and reads a JSON body; a non-2xx status is a failure.
async fn send(req: Request<Full<Bytes>>) -> Result<Value, HttpFailure> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let fut = async {
        let resp = client.request(req).await.map_err(|e| HttpFailure(e.to_string()))?;
        let status = resp.status();
        let body =
            resp.into_body().collect().await.map_err(|e| HttpFailure(e.to_string()))?.to_bytes();
        if !status.is_success() {
            return Err(HttpFailure(format!("status {status}")));
        }
        serde_json::from_slice(&body).map_err(|e| HttpFailure(e.to_string()))
    };
    tokio::time::timeout(TIMEOUT, fut).await.map_err(|_| HttpFailure("timed out".into()))?
}

/// `POST url` with a form body and HTTP Basic client credentials (what Go's oauth2 package
/// sends to a token endpoint).
pub async fn post_form(
    url: &str,
    form: &[(&str, &str)],
    basic: (&str, &str),
) -> Result<Value, HttpFailure> {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    use base64::Engine;
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        enc(basic.0),
        enc(basic.1)
    ));
    let req = Request::post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("authorization", format!("Basic {credentials}"))
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| HttpFailure(e.to_string()))?;
    send(req).await
}

/// `GET url` with a bearer token.
pub async fn get_json(url: &str, bearer: &str) -> Result<Value, HttpFailure> {
    let req = Request::get(url)
        .header("accept", "application/json")
        .header("authorization", format!("Bearer {bearer}"))
        .body(Full::new(Bytes::new()))
        .map_err(|e| HttpFailure(e.to_string()))?;
    send(req).await
}
