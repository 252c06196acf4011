//! The transport: builds requests, sends them with the browser's `fetch`, decodes answers and
//! errors.

use super::error::ApiError;
use crate::json::{self, FromJson};
use crate::platform::fetch::{fetch, AbortOnDrop};
use std::{future::Future, pin::Pin, rc::Rc};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A failed fetch step as a transport error: the JS error's `toString()`, e.g.
/// `TypeError: Failed to fetch` (what gloo-net reported).
fn js_error(value: JsValue) -> ApiError {
    ApiError::Transport(match value.dyn_into::<js_sys::Error>() {
        Ok(e) => e.to_string().into(),
        Err(v) => v.as_string().unwrap_or_else(|| "fetch failed".to_owned()),
    })
}

/// A GoTrue client for one project: its base URL (ending in `/auth/v1`) and anon key.
///
/// Cheap to clone. Every method is one HTTP request; nothing is cached.
///
#[derive(Clone, Debug, PartialEq)]
pub struct GoTrue {
    base: Rc<str>,
    anon_key: Rc<str>,
}

/// HTTP methods the client uses.
#[derive(Clone, Copy)]
pub(super) enum Method {
    Get,
    Post,
    Put,
    // Renaming a passkey.
    #[cfg_attr(not(feature = "webauthn"), allow(dead_code))]
    Patch,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl GoTrue {
    /// A client for the GoTrue API at `base` (e.g. `https://x.supabase.co/auth/v1`).
    ///
    pub fn new(base: &str, anon_key: &str) -> Self {
        Self { base: base.trim_end_matches('/').into(), anon_key: anon_key.into() }
    }

    /// The address of `path` on this server.
    #[cfg_attr(not(feature = "social"), allow(dead_code))]
    pub(super) fn url(&self, path: &str) -> String {
        [&*self.base, path].concat()
    }

    /// Sends a request and returns the raw body text of a 2xx answer. Dropping the future
    /// before it ends aborts the request (the store drops it on its timeout).
    pub(super) async fn send_raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> Result<String, ApiError> {
        let mut url = String::with_capacity(self.base.len() + path.len());
        url.push_str(&self.base);
        url.push_str(path);
        let headers = web_sys::Headers::new().map_err(js_error)?;
        let set = |name: &str, value: &str| headers.set(name, value).map_err(js_error);
        set("apikey", &self.anon_key)?;
        set("X-Supabase-Api-Version", "2024-01-01")?;
        if let Some(t) = token {
            set("Authorization", &["Bearer ", t].concat())?;
        }
        let init = web_sys::RequestInit::new();
        init.set_method(method.as_str());
        if let Some(json) = body {
            set("Content-Type", "application/json;charset=UTF-8")?;
            init.set_body(&JsValue::from(json));
        }
        init.set_headers(&headers);
        let _abort = AbortOnDrop::new(&init);
        let request = web_sys::Request::new_with_str_and_init(&url, &init).map_err(js_error)?;
        let response: web_sys::Response =
            JsFuture::from(fetch(&request)).await.map_err(js_error)?.unchecked_into();
        let status = response.status();
        let text = JsFuture::from(response.text().map_err(js_error)?).await.map_err(js_error)?;
        let text = text.as_string().unwrap_or_default();
        if (200..300).contains(&status) {
            Ok(text)
        } else {
            let retry_after = response.headers().get("retry-after").ok().flatten();
            Err(ApiError::Auth(super::error::parse_answer(status, retry_after, text).await))
        }
    }

    /// Sends a request and decodes a JSON answer of the shape `T`.
    pub(super) async fn send<T: FromJson>(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> Result<T, ApiError> {
        // Boxed and dynamic: one copy of the request code, not one per answer type.
        let raw: Pin<Box<dyn Future<Output = Result<String, ApiError>> + '_>> =
            Box::pin(self.send_raw(method, path, token, body));
        let text = raw.await?;
        let value = json::parse(&text).ok_or_else(|| decode_error("not JSON"))?;
        T::from_json(&value).ok_or_else(|| decode_error("not of the expected shape"))
    }
}

/// An answer the client cannot read (one copy of the message, not one per answer type).
fn decode_error(what: &str) -> ApiError {
    ApiError::Decode(["the answer is ", what].concat())
}
