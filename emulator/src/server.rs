//! Running the service: binding, the connection loop, stopping.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

use crate::config::Config;
use crate::routes::fault_layer::DropConnection;
use crate::state::AppState;

/// A running server; it stops when dropped (or with [`Running::stop`]).
#[derive(Debug)]
pub struct Running {
    /// The bound address (the real port when 0 was asked for).
    pub addr: SocketAddr,
    /// The server's state (clock, outboxes, data) for in-process tests.
    pub state: Arc<AppState>,
    shutdown: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Running {
    /// `http://HOST:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting and closes open connections; waits for the accept loop to end.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

/// The error that makes hyper close a connection without answering (injected `drop` faults).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

/// Binds `config.host:config.port` (port 0 picks one) and serves in a tokio task.
pub async fn spawn(config: Config) -> std::io::Result<Running> {
    let listener = TcpListener::bind((config.host.as_str(), config.port)).await?;
    let addr = listener.local_addr()?;
    // Links and the default site URL must be reachable: a wildcard bind is reached over loopback.
    let ip = match addr.ip() {
        std::net::IpAddr::V4(v) if v.is_unspecified() => {
            std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)
        }
        std::net::IpAddr::V6(v) if v.is_unspecified() => {
            std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST)
        }
        other => other,
    };
    let host = if ip.is_ipv6() { format!("[{ip}]") } else { ip.to_string() };
    let state = AppState::new(config, format!("http://{host}:{}", addr.port()))?;
    seed(&state);
    let router = crate::routes::router(state.clone());
    let (tx, rx) = watch::channel(false);
    let task = tokio::spawn(accept_loop(listener, router, rx));
    Ok(Running { addr, state, shutdown: tx, task: Some(task) })
}

async fn accept_loop(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    loop {
        let (stream, remote) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => break,
        };
        let router = router.clone();
        let mut conn_shutdown = shutdown.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    let router = router.clone();
                    async move {
                        req.extensions_mut().insert(ConnectInfo(remote));
                        let resp = match router.oneshot(req.map(axum::body::Body::new)).await {
                            Ok(r) => r,
                            Err(e) => match e {},
                        };
                        if resp.extensions().get::<DropConnection>().is_some() {
                            return Err(Dropped);
                        }
                        Ok::<_, Dropped>(resp)
                    }
                },
            );
            let conn = hyper::server::conn::http1::Builder::new()
                // Go's net/http writes canonical (title-case) header names; some clients rely on it.
                .title_case_headers(true)
                .serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = conn_shutdown.changed() => {}
            }
        });
    }
}

/// The whole service as a router (for oneshot tests), reachable at `config.host:config.port`.
pub fn app(config: Config) -> Router {
    let origin = format!("http://{}:{}", config.host, config.port);
    let state = match AppState::new(config.clone(), origin.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gotrue-emulator: {e}; falling back to an in-memory store");
            AppState::new(Config { db_path: None, ..config }, origin)
                .expect("in-memory state cannot fail")
        }
    };
    seed(&state);
    crate::routes::router(state)
}

/// The demo users, when `--seed-demo` is on.
fn seed(state: &AppState) {
    if state.config.seed_demo {
        crate::domain::seed::seed_demo(state);
    }
}
