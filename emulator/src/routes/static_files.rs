//! `--serve-dir`: the built SPA at `/`, with `index.html` for deep links.

use std::path::{Component, Path, PathBuf};

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::SharedState;
use crate::error::ApiError;

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// A request path mapped under `root`, or `None` when it tries to leave it.
fn resolve(root: &Path, uri_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(uri_path).decode_utf8_lossy();
    let mut p = root.to_path_buf();
    for c in Path::new(decoded.trim_start_matches('/')).components() {
        match c {
            Component::Normal(s) => p.push(s),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(p)
}

/// The Content-Security-Policy of pages served by the emulator.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// `Referrer-Policy: no-referrer`: a page opened from an emailed link carries its token in the
/// address; no request the page makes (scripts, wasm, styles, other sites) may send it on.
pub const NO_REFERRER: HeaderValue = HeaderValue::from_static("no-referrer");

/// Serves a file, or `index.html` for any other GET (deep links), with the CSP header; every
/// answer (errors too) carries [`NO_REFERRER`].
pub async fn serve(state: SharedState, req: Request) -> Response {
    let mut resp = serve_file(state, req).await;
    resp.headers_mut().insert(header::REFERRER_POLICY, NO_REFERRER);
    resp
}

async fn serve_file(state: SharedState, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let api = ["/auth/v1", "/_mail", "/_sms", "/_emulator", "/_provider"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")));
    let Some(root) = state.config.serve_dir.clone().filter(|_| !api) else {
        return ApiError::not_found("not_found", "404 page not found").into_response();
    };
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let mut file = resolve(&root, &path);
    if let Some(f) = &file {
        if f.is_dir() {
            file = Some(f.join("index.html"));
        }
    }
    let file = match file.filter(|f| f.is_file()) {
        Some(f) => f,
        None => root.join("index.html"),
    };
    let Ok(bytes) = tokio::fs::read(&file).await else {
        return ApiError::not_found("not_found", "404 page not found").into_response();
    };
    let mut resp = (StatusCode::OK, bytes).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&file)));
    if file.file_name().is_some_and(|n| n == "index.html") {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    if state.config.csp {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    resp
}
