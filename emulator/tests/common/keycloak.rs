//! `frontdoor.py`'s fake Keycloak (realm `test`) for OAuth tests.

use base64::Engine;
use serde_json::{json, Value};

/// frontdoor.py's `Keycloak`: the realm `test` on a local port. Its token endpoint checks the
/// client (`gotrue` / `fake-secret`, Basic or form) and spends a code; its user-info endpoint
/// answers the profile of a token. The authorization endpoint needs no server: the browser's
/// visit is [`FakeKeycloak::visit`].
#[derive(Clone)]
pub struct FakeKeycloak {
    /// The realm URL (`GOTRUE_EXTERNAL_KEYCLOAK_URL`).
    pub url: String,
    data: std::sync::Arc<std::sync::Mutex<KcData>>,
}

#[derive(Default)]
struct KcData {
    codes: std::collections::HashMap<String, Value>,
    tokens: std::collections::HashMap<String, Value>,
}

type KcState = std::sync::Arc<std::sync::Mutex<KcData>>;

fn kc_answer(status: u16, body: Value) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = axum::http::StatusCode::from_u16(status).unwrap();
    (status, axum::Json(body)).into_response()
}

async fn kc_token(
    axum::extract::State(kc): axum::extract::State<KcState>,
    headers: axum::http::HeaderMap,
    body: String,
) -> axum::response::Response {
    let form: Vec<(String, String)> = gotrue_emulator::util::parse_query(&body);
    let field = |k: &str| form.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
    let mut client = (field("client_id"), field("client_secret"));
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    if let Some(b) = auth.strip_prefix("Basic ") {
        let raw = base64::engine::general_purpose::STANDARD.decode(b).unwrap_or_default();
        let raw = String::from_utf8(raw).unwrap_or_default();
        let (id, secret) = raw.split_once(':').unwrap_or(("", ""));
        let dec = |x: &str| percent_encoding::percent_decode_str(x).decode_utf8_lossy().to_string();
        client = (Some(dec(id)), Some(dec(secret)));
    }
    if client != (Some("gotrue".into()), Some("fake-secret".into())) {
        return kc_answer(401, json!({"error": "unauthorized_client"}));
    }
    let mut d = kc.lock().unwrap();
    let Some(profile) = field("code").and_then(|c| d.codes.remove(&c)) else {
        return kc_answer(
            400,
            json!({"error": "invalid_grant", "error_description": "Code not valid"}),
        );
    };
    let at = format!("kc-at-{}", gotrue_emulator::util::uuid_v4());
    d.tokens.insert(at.clone(), profile);
    kc_answer(
        200,
        json!({"access_token": at, "expires_in": 300, "refresh_expires_in": 1800,
               "refresh_token": format!("kc-rt-{}", gotrue_emulator::util::uuid_v4()),
               "token_type": "Bearer", "not-before-policy": 0, "scope": "profile email"}),
    )
}

async fn kc_userinfo(
    axum::extract::State(kc): axum::extract::State<KcState>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    let profile =
        auth.strip_prefix("Bearer ").and_then(|t| kc.lock().unwrap().tokens.get(t).cloned());
    match profile {
        Some(p) => kc_answer(200, p),
        None => kc_answer(401, json!({"error": "invalid_token"})),
    }
}

impl FakeKeycloak {
    pub async fn start() -> FakeKeycloak {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let data = KcState::default();
        let app = axum::Router::new()
            .route("/realms/test/protocol/openid-connect/token", axum::routing::post(kc_token))
            .route("/realms/test/protocol/openid-connect/userinfo", axum::routing::get(kc_userinfo))
            .with_state(data.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeKeycloak { url: format!("http://{addr}/realms/test"), data }
    }

    /// Turns the Keycloak provider on at this realm (client `gotrue` / `fake-secret`, the
    /// recording's redirect URI) and manual linking.
    pub fn configure(&self, cfg: &mut gotrue_emulator::Config) {
        cfg.manual_linking_enabled = true;
        cfg.external = vec![gotrue_emulator::config::ExternalProvider {
            name: "keycloak".into(),
            enabled: true,
            client_id: "gotrue".into(),
            secret: "fake-secret".into(),
            redirect_uri: "http://127.0.0.1:9998/callback".into(),
            url: self.url.clone(),
        }];
    }

    /// The browser at the authorization URL: `who` signed in (or, with `None`, a refusal);
    /// answers the API path of the redirect back to `/callback`.
    pub fn visit(&self, auth_url: &str, who: Option<&Value>) -> String {
        let q = gotrue_emulator::util::parse_query(auth_url.split_once('?').map_or("", |(_, q)| q));
        let get =
            |k: &str| q.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone()).unwrap_or_default();
        let back: Vec<(String, String)> = match who {
            None => vec![
                ("error".into(), "access_denied".into()),
                ("error_description".into(), "User denied the request".into()),
                ("state".into(), get("state")),
            ],
            Some(p) => {
                let code = gotrue_emulator::util::uuid_v4();
                self.data.lock().unwrap().codes.insert(code.clone(), p.clone());
                vec![
                    ("state".into(), get("state")),
                    ("session_state".into(), gotrue_emulator::util::uuid_v4()),
                    ("code".into(), code),
                ]
            }
        };
        let target = get("redirect_uri");
        let sep = if target.contains('?') { '&' } else { '?' };
        let url = format!("{target}{sep}{}", gotrue_emulator::util::encode_query(&back));
        url[url.rfind("/callback").expect("a /callback redirect URI")..].to_string()
    }
}
