//! The middleware that applies injected faults ([`crate::faults`]): waits, answers an error,
//! drops the connection or holds the real answer, for the next matching requests.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Marks a response whose connection must be closed without sending it.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

/// Middleware applying the first matching fault.
pub async fn fault_layer(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let Some(f) = state.volatile(|data| crate::faults::take(&mut data.faults, &method, &path))
    else {
        return next.run(req).await;
    };
    if f.delay_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(f.delay_ms)).await;
    }
    if f.drop {
        let mut resp = StatusCode::BAD_GATEWAY.into_response();
        resp.extensions_mut().insert(DropConnection);
        return resp;
    }
    match f.error() {
        Some(e) => e.into_response(),
        None => {
            let resp = next.run(req).await;
            tokio::time::sleep(std::time::Duration::from_millis(f.hold_ms)).await;
            resp
        }
    }
}
