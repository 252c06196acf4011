//! A social sign-in provider of the tests' own: a Keycloak realm (`test`) on a local port, as
//! GoTrue's Keycloak provider talks to it. Its sign-in page needs no person: it signs in the
//! profile the test chose ([`Provider::sign_in_as`]) or refuses ([`Provider::refuse`]), and
//! sends the browser back to the API's `/callback` at once.

use crate::Env;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The realm's state: who signs in next, the codes and tokens it gave.
#[derive(Default)]
struct Realm {
    next: Option<Value>,
    codes: HashMap<String, Value>,
    tokens: HashMap<String, Value>,
}

type Shared = Arc<Mutex<Realm>>;

/// The provider, running.
#[derive(Clone)]
pub struct Provider {
    realm: Shared,
    /// The realm's URL (`GOTRUE_EXTERNAL_KEYCLOAK_URL`).
    pub url: String,
}

/// A provider profile: `sub` (new each time), `email`, verified or not, a name.
pub fn profile(email: &str, verified: bool) -> Value {
    json!({"sub": gotrue_emulator::util::uuid_v4(), "email": email, "email_verified": verified,
           "name": "Kay Cloak", "preferred_username": email.split('@').next()})
}

async fn auth(State(realm): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let next = realm.lock().unwrap().next.clone();
    let back: Vec<(String, String)> = match next {
        None => vec![
            ("error".into(), "access_denied".into()),
            ("error_description".into(), "User denied the request".into()),
            ("state".into(), get("state")),
        ],
        Some(p) => {
            let code = gotrue_emulator::util::uuid_v4();
            realm.lock().unwrap().codes.insert(code.clone(), p);
            vec![("state".into(), get("state")), ("code".into(), code)]
        }
    };
    let target = get("redirect_uri");
    let sep = if target.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{target}{sep}{}", gotrue_emulator::util::encode_query(&back)))
        .into_response()
}

async fn token(State(realm): State<Shared>, body: String) -> Response {
    let form = gotrue_emulator::util::parse_query(&body);
    let code = form.iter().find(|(k, _)| k == "code").map(|(_, v)| v.clone());
    let mut r = realm.lock().unwrap();
    let Some(profile) = code.and_then(|c| r.codes.remove(&c)) else {
        return (
            axum::http::StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    let at = format!("kc-at-{}", gotrue_emulator::util::uuid_v4());
    r.tokens.insert(at.clone(), profile);
    axum::Json(json!({"access_token": at, "expires_in": 300, "token_type": "Bearer",
                      "refresh_token": format!("kc-rt-{}", gotrue_emulator::util::uuid_v4())}))
    .into_response()
}

async fn userinfo(State(realm): State<Shared>, headers: HeaderMap) -> Response {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    let token = auth.strip_prefix("Bearer ").unwrap_or_default();
    match realm.lock().unwrap().tokens.get(token).cloned() {
        Some(p) => axum::Json(p).into_response(),
        None => {
            (axum::http::StatusCode::UNAUTHORIZED, axum::Json(json!({"error": "invalid_token"})))
                .into_response()
        }
    }
}

impl Provider {
    /// Starts the realm on a free local port.
    pub async fn start() -> Provider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("address");
        let realm = Shared::default();
        let oidc = "/realms/test/protocol/openid-connect";
        let app = axum::Router::new()
            .route(&format!("{oidc}/auth"), axum::routing::get(auth))
            .route(&format!("{oidc}/token"), axum::routing::post(token))
            .route(&format!("{oidc}/userinfo"), axum::routing::get(userinfo))
            .with_state(realm.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Provider { realm, url: format!("http://{addr}/realms/test") }
    }

    /// The next sign-in at the provider is `profile`'s.
    pub fn sign_in_as(&self, profile: &Value) {
        self.realm.lock().unwrap().next = Some(profile.clone());
    }

    /// The next sign-in at the provider is refused (`error=access_denied`).
    pub fn refuse(&self) {
        self.realm.lock().unwrap().next = None;
    }
}

impl Env {
    /// The emulator with GoTrue's Keycloak provider on at a [`Provider`] of the test's own
    /// (and manual linking on), `configure` applied too.
    pub async fn start_with_provider(
        configure: impl FnOnce(&mut gotrue_emulator::Config),
    ) -> (Env, Provider) {
        let provider = Provider::start().await;
        let port = crate::free_port();
        let url = provider.url.clone();
        let env = Env::start_with(move |c| {
            c.port = port;
            c.manual_linking_enabled = true;
            c.external = vec![gotrue_emulator::config::ExternalProvider {
                name: "keycloak".into(),
                enabled: true,
                client_id: "gotrue".into(),
                secret: "fake-secret".into(),
                redirect_uri: format!("http://127.0.0.1:{port}/auth/v1/callback"),
                url,
            }];
            configure(c);
        })
        .await;
        (env, provider)
    }
}
