//! WebAuthn for MFA `webauthn` factors and passkeys: creation / request options, parsing of the
//! browser's `PublicKeyCredential.toJSON()`, and real verification of both ceremonies
//! (client data type, challenge and origin; RP id hash; user presence and, when asked for, user
//! verification; attestation `none` or `packed` self-attestation; ES256 signatures; sign count).
//!
//! Only ES256 (COSE alg -7, P-256) keys are accepted; the options still list GoTrue's ten
//! algorithms (authenticators pick the first they support, and -7 comes first).

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ciborium::Value as Cbor;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::{json, Map, Value};
use sha2::Digest;

/// GoTrue's (go-webauthn's) default `pubKeyCredParams`, in its order.
pub const ALGS: [i64; 10] = [-7, -35, -36, -257, -258, -259, -37, -38, -39, -8];
/// The only algorithm verified here: ES256.
pub const ES256: i64 = -7;
/// go-webauthn's default ceremony timeout in milliseconds.
pub const TIMEOUT_MS: i64 = 300_000;

pub use crate::store::StoredCredential;

/// What a ceremony was started with.
#[derive(Debug, Clone)]
pub struct Expect<'a> {
    /// The challenge, base64url.
    pub challenge: &'a str,
    /// RP id (its SHA-256 must open the authenticator data).
    pub rp_id: &'a str,
    /// Allowed origins (`*` wildcards allowed, e.g. `http://localhost:*`).
    pub origins: &'a [String],
    /// Require the UV flag (`userVerification: "required"`).
    pub require_uv: bool,
}

impl<'a> Expect<'a> {
    /// A ceremony of this server: the configured RP id and origins, user verification not
    /// required (GoTrue's "preferred").
    pub fn with_config(config: &'a crate::config::Config, challenge: &'a str) -> Self {
        Expect {
            challenge,
            rp_id: &config.webauthn_rp_id,
            origins: &config.webauthn_rp_origins,
            require_uv: false,
        }
    }
}

/// Why a response was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Not a well-formed credential (GoTrue: 400 "Invalid credential_response").
    Parse(String),
    /// Well-formed but it does not verify.
    Verify(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Parse(m) => write!(f, "invalid credential: {m}"),
            Error::Verify(m) => write!(f, "verification failed: {m}"),
        }
    }
}

fn parse_err(m: impl Into<String>) -> Error {
    Error::Parse(m.into())
}
fn verify_err(m: impl Into<String>) -> Error {
    Error::Verify(m.into())
}

/// Base64url with or without padding (go-webauthn's `URLEncodedBase64`).
pub fn b64url_decode(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).ok()
}

/// Base64url without padding.
pub fn b64url(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

/// A fresh 32-byte challenge, base64url.
pub fn new_challenge() -> String {
    b64url(&crate::util::random_bytes::<32>())
}

/// `user.id` of the options: the user's UUID string as bytes, base64url.
pub fn user_handle(user_id: &str) -> String {
    b64url(user_id.as_bytes())
}

fn sha256(b: &[u8]) -> Vec<u8> {
    sha2::Sha256::digest(b).to_vec()
}

fn cred_params() -> Value {
    json!(ALGS.iter().map(|a| json!({"type": "public-key", "alg": a})).collect::<Vec<_>>())
}

/// A `{type, id, transports}` descriptor (transports left out when empty).
pub fn descriptor(id: &str, transports: &[String]) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!("public-key"));
    m.insert("id".into(), json!(id));
    if !transports.is_empty() {
        m.insert("transports".into(), json!(transports));
    }
    Value::Object(m)
}

/// `PublicKeyCredentialCreationOptions` in GoTrue's JSON shape.
#[allow(clippy::too_many_arguments)]
pub fn creation_options(
    rp_id: &str,
    rp_name: &str,
    user_id: &str,
    user_name: &str,
    challenge: &str,
    exclude: &[Value],
    authenticator_selection: Value,
    attestation_none: bool,
) -> Value {
    let mut m = Map::new();
    m.insert("rp".into(), json!({"name": rp_name, "id": rp_id}));
    m.insert(
        "user".into(),
        json!({"name": user_name, "displayName": user_name, "id": user_handle(user_id)}),
    );
    m.insert("challenge".into(), json!(challenge));
    m.insert("pubKeyCredParams".into(), cred_params());
    m.insert("timeout".into(), json!(TIMEOUT_MS));
    if !exclude.is_empty() {
        m.insert("excludeCredentials".into(), json!(exclude));
    }
    m.insert("authenticatorSelection".into(), authenticator_selection);
    if attestation_none {
        m.insert("attestation".into(), json!("none"));
    }
    Value::Object(m)
}

/// `PublicKeyCredentialRequestOptions` in GoTrue's JSON shape (`allowCredentials` and
/// `userVerification` only when given).
pub fn request_options(
    rp_id: &str,
    challenge: &str,
    allow: &[Value],
    user_verification: Option<&str>,
) -> Value {
    let mut m = Map::new();
    m.insert("challenge".into(), json!(challenge));
    m.insert("timeout".into(), json!(TIMEOUT_MS));
    m.insert("rpId".into(), json!(rp_id));
    if !allow.is_empty() {
        m.insert("allowCredentials".into(), json!(allow));
    }
    if let Some(uv) = user_verification {
        m.insert("userVerification".into(), json!(uv));
    }
    Value::Object(m)
}

/// go-webauthn's `SessionData` JSON for a ceremony (what GoTrue shows in
/// `last_webauthn_challenge_data.challenge.web_authn_session_data`).
pub fn session_data(
    challenge: &str,
    rp_id: &str,
    user_id: &str,
    allowed: Option<&[String]>,
) -> Value {
    let mut m = Map::new();
    m.insert("challenge".into(), json!(challenge));
    m.insert("rpId".into(), json!(rp_id));
    m.insert("user_id".into(), json!(STANDARD.encode(user_id.as_bytes())));
    if let Some(ids) = allowed {
        let std: Vec<String> =
            ids.iter().filter_map(|i| b64url_decode(i)).map(|b| STANDARD.encode(b)).collect();
        m.insert("allowed_credentials".into(), json!(std));
    }
    m.insert("expires".into(), json!("0001-01-01T00:00:00Z"));
    m.insert("userVerification".into(), json!(""));
    if allowed.is_none() {
        m.insert("credParams".into(), cred_params());
    }
    Value::Object(m)
}

/// `CollectedClientData`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientData {
    /// `webauthn.create` / `webauthn.get`.
    pub kind: String,
    /// The challenge as the browser saw it.
    pub challenge: String,
    /// The page's origin.
    pub origin: String,
    /// `crossOrigin`.
    pub cross_origin: bool,
}

/// Parsed authenticator data.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthData {
    /// SHA-256 of the RP id.
    pub rp_id_hash: Vec<u8>,
    /// Flags byte (UP 0x01, UV 0x04, BE 0x08, BS 0x10, AT 0x40, ED 0x80).
    pub flags: u8,
    /// Signature counter.
    pub sign_count: u32,
    /// Attested credential data (registration): AAGUID, credential id, COSE key bytes.
    pub attested: Option<(Vec<u8>, Vec<u8>, Vec<u8>)>,
}

const UP: u8 = 0x01;
const UV: u8 = 0x04;
const AT: u8 = 0x40;

/// Parses authenticator data (W3C WebAuthn §6.1).
pub fn parse_auth_data(b: &[u8]) -> Result<AuthData, Error> {
    if b.len() < 37 {
        return Err(parse_err("authenticator data too short"));
    }
    let flags = b[32];
    let sign_count = u32::from_be_bytes([b[33], b[34], b[35], b[36]]);
    let mut attested = None;
    if flags & AT != 0 {
        if b.len() < 55 {
            return Err(parse_err("attested credential data too short"));
        }
        let aaguid = b[37..53].to_vec();
        let len = u16::from_be_bytes([b[53], b[54]]) as usize;
        if len > 1023 || b.len() < 55 + len {
            return Err(parse_err("bad credential id length"));
        }
        let cred_id = b[55..55 + len].to_vec();
        let rest = &b[55 + len..];
        let mut cursor = rest;
        let _: Cbor =
            ciborium::de::from_reader(&mut cursor).map_err(|_| parse_err("bad COSE key"))?;
        let used = rest.len() - cursor.len();
        attested = Some((aaguid, cred_id, rest[..used].to_vec()));
    }
    Ok(AuthData { rp_id_hash: b[..32].to_vec(), flags, sign_count, attested })
}

fn cbor_int(v: &Cbor) -> Option<i128> {
    v.as_integer().map(i128::from)
}

fn cbor_map_get(m: &[(Cbor, Cbor)], key: i128) -> Option<&Cbor> {
    m.iter().find(|(k, _)| cbor_int(k) == Some(key)).map(|(_, v)| v)
}

/// An ES256 COSE key (kty 2, alg -7, crv 1) as an uncompressed SEC1 point.
pub fn cose_es256_point(cose: &[u8]) -> Result<Vec<u8>, Error> {
    let v: Cbor = ciborium::de::from_reader(cose).map_err(|_| parse_err("bad COSE key"))?;
    let m = v.as_map().ok_or_else(|| parse_err("COSE key is not a map"))?;
    let alg = cbor_map_get(m, 3).and_then(cbor_int);
    if alg != Some(ES256 as i128) {
        return Err(verify_err(format!("unsupported COSE algorithm {alg:?} (only ES256)")));
    }
    if cbor_map_get(m, 1).and_then(cbor_int) != Some(2)
        || cbor_map_get(m, -1).and_then(cbor_int) != Some(1)
    {
        return Err(verify_err("COSE key is not an EC2 P-256 key"));
    }
    let x = cbor_map_get(m, -2).and_then(Cbor::as_bytes);
    let y = cbor_map_get(m, -3).and_then(Cbor::as_bytes);
    match (x, y) {
        (Some(x), Some(y)) if x.len() == 32 && y.len() == 32 => {
            let mut p = vec![0x04];
            p.extend_from_slice(x);
            p.extend_from_slice(y);
            VerifyingKey::from_sec1_bytes(&p).map_err(|_| verify_err("point not on P-256"))?;
            Ok(p)
        }
        _ => Err(verify_err("COSE key coordinates missing")),
    }
}

/// A parsed `PublicKeyCredential` (registration or assertion), raw parts kept for the JSON
/// GoTrue records.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// `id`.
    pub id: String,
    /// `rawId` bytes.
    pub raw_id: Vec<u8>,
    /// `authenticatorAttachment` (`""` when absent).
    pub attachment: String,
    /// `clientDataJSON` bytes.
    pub client_data_json: Vec<u8>,
    /// Parsed client data.
    pub client_data: ClientData,
    /// Authenticator data bytes.
    pub auth_data_raw: Vec<u8>,
    /// Parsed authenticator data.
    pub auth_data: AuthData,
    /// Registration: attestation format and statement.
    pub attestation: Option<(String, Vec<(Cbor, Cbor)>)>,
    /// Assertion: DER signature.
    pub signature: Vec<u8>,
    /// Assertion: user handle (empty when absent).
    pub user_handle: Vec<u8>,
    /// Registration: transports.
    pub transports: Vec<String>,
    /// The credential JSON as GoTrue re-serializes it (`Raw`).
    pub raw: Value,
}

fn str_field<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn b64_field(v: &Value, k: &str) -> Result<Vec<u8>, Error> {
    let s = str_field(v, k).ok_or_else(|| parse_err(format!("{k} missing")))?;
    b64url_decode(s).ok_or_else(|| parse_err(format!("{k} is not base64url")))
}

fn parse_common(v: &Value) -> Result<(String, Vec<u8>, Vec<u8>, ClientData), Error> {
    let id = str_field(v, "id").unwrap_or("");
    if id.is_empty() {
        return Err(parse_err("id missing"));
    }
    let id_bytes = b64url_decode(id).ok_or_else(|| parse_err("id is not base64url"))?;
    if str_field(v, "type") != Some("public-key") {
        return Err(parse_err("type must be public-key"));
    }
    let raw_id = b64_field(v, "rawId")?;
    if raw_id != id_bytes {
        return Err(parse_err("id and rawId differ"));
    }
    let resp = v.get("response").ok_or_else(|| parse_err("response missing"))?;
    let cdj = b64_field(resp, "clientDataJSON")?;
    let cd: Value = serde_json::from_slice(&cdj).map_err(|_| parse_err("bad clientDataJSON"))?;
    let client_data = ClientData {
        kind: str_field(&cd, "type").unwrap_or("").into(),
        challenge: str_field(&cd, "challenge").unwrap_or("").into(),
        origin: str_field(&cd, "origin").unwrap_or("").into(),
        cross_origin: cd.get("crossOrigin").and_then(Value::as_bool).unwrap_or(false),
    };
    if client_data.kind.is_empty() || client_data.challenge.is_empty() {
        return Err(parse_err("client data incomplete"));
    }
    Ok((id.to_string(), raw_id, cdj, client_data))
}

fn raw_json(v: &Value, response: Map<String, Value>) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), v["id"].clone());
    m.insert("type".into(), v["type"].clone());
    m.insert("rawId".into(), v["rawId"].clone());
    if let Some(e) = v.get("clientExtensionResults").and_then(Value::as_object) {
        if !e.is_empty() {
            m.insert("clientExtensionResults".into(), Value::Object(e.clone()));
        }
    }
    m.insert("response".into(), Value::Object(response));
    if let Some(a) = str_field(v, "authenticatorAttachment").filter(|a| !a.is_empty()) {
        m.insert("authenticatorAttachment".into(), json!(a));
    }
    Value::Object(m)
}

/// A [`Parsed`] from the parts both ceremonies have (no attestation, signature, user handle or
/// transports yet).
fn assemble(
    v: &Value,
    (id, raw_id, client_data_json, client_data): (String, Vec<u8>, Vec<u8>, ClientData),
    response: Map<String, Value>,
    auth_data_raw: Vec<u8>,
    auth_data: AuthData,
) -> Parsed {
    Parsed {
        raw: raw_json(v, response),
        id,
        raw_id,
        attachment: str_field(v, "authenticatorAttachment").unwrap_or("").into(),
        client_data_json,
        client_data,
        auth_data_raw,
        auth_data,
        attestation: None,
        signature: Vec::new(),
        user_handle: Vec::new(),
        transports: Vec::new(),
    }
}

/// Parses a registration response (`navigator.credentials.create(...).toJSON()`).
pub fn parse_registration(v: &Value) -> Result<Parsed, Error> {
    let common = parse_common(v)?;
    let resp = &v["response"];
    let att = b64_field(resp, "attestationObject")?;
    let obj: Cbor =
        ciborium::de::from_reader(&att[..]).map_err(|_| parse_err("bad attestation object"))?;
    let m = obj.as_map().ok_or_else(|| parse_err("attestation object is not a map"))?;
    let get = |k: &str| m.iter().find(|(key, _)| key.as_text() == Some(k)).map(|(_, v)| v);
    let fmt = get("fmt").and_then(Cbor::as_text).ok_or_else(|| parse_err("fmt missing"))?;
    let stmt = get("attStmt").and_then(Cbor::as_map).cloned().unwrap_or_default();
    let auth_data_raw = get("authData")
        .and_then(Cbor::as_bytes)
        .cloned()
        .ok_or_else(|| parse_err("authData missing"))?;
    let auth_data = parse_auth_data(&auth_data_raw)?;
    if auth_data.attested.is_none() {
        return Err(parse_err("no attested credential data"));
    }
    let transports: Vec<String> = resp
        .get("transports")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let mut r = Map::new();
    r.insert("clientDataJSON".into(), resp["clientDataJSON"].clone());
    r.insert("attestationObject".into(), resp["attestationObject"].clone());
    if !transports.is_empty() {
        r.insert("transports".into(), json!(transports));
    }
    r.insert(
        "authenticatorData".into(),
        resp.get("authenticatorData").cloned().unwrap_or(Value::Null),
    );
    r.insert("publicKey".into(), resp.get("publicKey").cloned().unwrap_or(Value::Null));
    r.insert(
        "publicKeyAlgorithm".into(),
        resp.get("publicKeyAlgorithm").cloned().unwrap_or(json!(0)),
    );
    Ok(Parsed {
        attestation: Some((fmt.to_string(), stmt)),
        transports,
        ..assemble(v, common, r, auth_data_raw, auth_data)
    })
}

/// Parses an assertion (`navigator.credentials.get(...).toJSON()`).
pub fn parse_assertion(v: &Value) -> Result<Parsed, Error> {
    let common = parse_common(v)?;
    let resp = &v["response"];
    let auth_data_raw = b64_field(resp, "authenticatorData")?;
    let auth_data = parse_auth_data(&auth_data_raw)?;
    let signature = b64_field(resp, "signature")?;
    let user_handle = match str_field(resp, "userHandle") {
        Some(s) if !s.is_empty() => {
            b64url_decode(s).ok_or_else(|| parse_err("userHandle is not base64url"))?
        }
        _ => Vec::new(),
    };
    let mut r = Map::new();
    r.insert("clientDataJSON".into(), resp["clientDataJSON"].clone());
    r.insert("authenticatorData".into(), resp["authenticatorData"].clone());
    r.insert("signature".into(), resp["signature"].clone());
    if !user_handle.is_empty() {
        r.insert("userHandle".into(), resp["userHandle"].clone());
    }
    Ok(Parsed { signature, user_handle, ..assemble(v, common, r, auth_data_raw, auth_data) })
}

fn origin_allowed(origin: &str, allowed: &[String]) -> bool {
    allowed.iter().any(|a| {
        a == origin
            || (a.contains('*')
                && crate::glob::Glob::compile(a, &['.', '/']).is_ok_and(|g| g.matches(origin)))
    })
}

fn check_common(p: &Parsed, kind: &str, e: &Expect<'_>) -> Result<(), Error> {
    if p.client_data.kind != kind {
        return Err(verify_err(format!("client data type is not {kind}")));
    }
    if !crate::util::ct_eq(&p.client_data.challenge, e.challenge) {
        return Err(verify_err("challenge mismatch"));
    }
    if !origin_allowed(&p.client_data.origin, e.origins) {
        return Err(verify_err(format!("origin {} not allowed", p.client_data.origin)));
    }
    // A ceremony run in a cross-origin frame (another site embedding the page) is refused.
    // GoTrue v2.196 lets go-webauthn ignore it (TopOrigin verification off); this is stricter.
    if p.client_data.cross_origin {
        return Err(verify_err("cross-origin ceremony"));
    }
    if p.auth_data.rp_id_hash != sha256(e.rp_id.as_bytes()) {
        return Err(verify_err("RP id hash mismatch"));
    }
    if p.auth_data.flags & UP == 0 {
        return Err(verify_err("user not present"));
    }
    if e.require_uv && p.auth_data.flags & UV == 0 {
        return Err(verify_err("user not verified"));
    }
    Ok(())
}

fn verify_sig(point: &[u8], signed: &[u8], der: &[u8]) -> Result<(), Error> {
    let key = VerifyingKey::from_sec1_bytes(point).map_err(|_| verify_err("bad stored key"))?;
    let sig = Signature::from_der(der).map_err(|_| verify_err("bad signature encoding"))?;
    key.verify(signed, &sig).map_err(|_| verify_err("bad signature"))
}

fn uuid_string(b: &[u8]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    if h.len() != 32 {
        return h;
    }
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// Verifies a registration; returns the credential to store.
pub fn verify_registration(p: &Parsed, e: &Expect<'_>) -> Result<StoredCredential, Error> {
    check_common(p, "webauthn.create", e)?;
    let (aaguid, cred_id, cose) =
        p.auth_data.attested.clone().ok_or_else(|| verify_err("no credential data"))?;
    if cred_id != p.raw_id {
        return Err(verify_err("credential id differs from rawId"));
    }
    let point = cose_es256_point(&cose)?;
    let (fmt, stmt) = p.attestation.clone().ok_or_else(|| verify_err("no attestation"))?;
    match fmt.as_str() {
        "none" if stmt.is_empty() => {}
        "none" => return Err(verify_err("attestation none with a statement")),
        "packed" => {
            let get =
                |k: &str| stmt.iter().find(|(key, _)| key.as_text() == Some(k)).map(|(_, v)| v);
            if get("x5c").is_some() {
                return Err(verify_err("packed attestation with a certificate is not supported"));
            }
            if get("alg").and_then(cbor_int) != Some(ES256 as i128) {
                return Err(verify_err("packed self attestation: alg mismatch"));
            }
            let sig = get("sig").and_then(Cbor::as_bytes).ok_or_else(|| verify_err("no sig"))?;
            let mut signed = p.auth_data_raw.clone();
            signed.extend_from_slice(&sha256(&p.client_data_json));
            verify_sig(&point, &signed, sig)?;
        }
        other => return Err(verify_err(format!("attestation format {other} not supported"))),
    }
    Ok(StoredCredential {
        id: b64url(&cred_id),
        public_key: b64url(&point),
        cose_key: b64url(&cose),
        sign_count: p.auth_data.sign_count,
        aaguid: uuid_string(&aaguid),
        transports: p.transports.clone(),
    })
}

/// Verifies an assertion made with `cred`; returns the new signature counter.
pub fn verify_assertion(p: &Parsed, e: &Expect<'_>, cred: &StoredCredential) -> Result<u32, Error> {
    if b64url(&p.raw_id) != cred.id {
        return Err(verify_err("unknown credential"));
    }
    check_common(p, "webauthn.get", e)?;
    let point = b64url_decode(&cred.public_key).ok_or_else(|| verify_err("bad stored key"))?;
    let mut signed = p.auth_data_raw.clone();
    signed.extend_from_slice(&sha256(&p.client_data_json));
    verify_sig(&point, &signed, &p.signature)?;
    let n = p.auth_data.sign_count;
    if (n != 0 || cred.sign_count != 0) && n <= cred.sign_count {
        return Err(verify_err("signature counter did not increase (cloned authenticator?)"));
    }
    Ok(n)
}

fn std_b64(b: &[u8]) -> Value {
    json!(STANDARD.encode(b))
}

fn auth_data_json(a: &AuthData) -> Value {
    let (aaguid, key, id) = match &a.attested {
        Some((g, id, k)) => (std_b64(g), std_b64(k), std_b64(id)),
        None => (Value::Null, Value::Null, Value::Null),
    };
    json!({
        "rpid": std_b64(&a.rp_id_hash),
        "flags": a.flags,
        "att_data": {"aaguid": aaguid, "public_key": key, "credential_id": id},
        "ext_data": null,
        "sign_count": a.sign_count,
    })
}

fn client_data_json(c: &ClientData) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!(c.kind));
    m.insert("origin".into(), json!(c.origin));
    m.insert("challenge".into(), json!(c.challenge));
    if c.cross_origin {
        m.insert("crossOrigin".into(), json!(true));
    }
    Value::Object(m)
}

/// go-webauthn's parsed credential (`ParsedCredentialCreationData` /
/// `ParsedCredentialAssertionData`) as GoTrue stores it in `credential_response`.
pub fn parsed_json(p: &Parsed) -> Value {
    let response = match &p.attestation {
        Some((fmt, stmt)) => {
            let mut att = Map::new();
            att.insert("fmt".into(), json!(fmt));
            if !stmt.is_empty() {
                let keys: Map<String, Value> = stmt
                    .iter()
                    .filter_map(|(k, v)| {
                        let v = match v {
                            Cbor::Bytes(b) => std_b64(b),
                            Cbor::Integer(i) => json!(i128::from(*i) as i64),
                            _ => Value::Null,
                        };
                        k.as_text().map(|k| (k.to_string(), v))
                    })
                    .collect();
                att.insert("attStmt".into(), Value::Object(keys));
            }
            att.insert("AuthData".into(), auth_data_json(&p.auth_data));
            att.insert("authData".into(), std_b64(&p.auth_data_raw));
            let transports =
                if p.transports.is_empty() { Value::Null } else { json!(p.transports) };
            json!({
                "Transports": transports,
                "AttestationObject": att,
                "CollectedClientData": client_data_json(&p.client_data),
            })
        }
        None => json!({
            "Signature": std_b64(&p.signature),
            "UserHandle": if p.user_handle.is_empty() { Value::Null } else { std_b64(&p.user_handle) },
            "AuthenticatorData": auth_data_json(&p.auth_data),
            "CollectedClientData": client_data_json(&p.client_data),
        }),
    };
    let mut m = Map::new();
    m.insert("ID".into(), json!(p.id));
    m.insert("Raw".into(), p.raw.clone());
    m.insert("Type".into(), json!("public-key"));
    m.insert("rawId".into(), std_b64(&p.raw_id));
    m.insert("Response".into(), response);
    if !p.attachment.is_empty() {
        m.insert("authenticatorAttachment".into(), json!(p.attachment));
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    // A registration and an assertion made by Chromium's virtual authenticator against real
    // GoTrue (the fidelity recording), RP id localhost, origin http://localhost:28100.
    const REG: &str = r#"{"id":"wHSyzFFP_CJCueaxvLyXCdF51WcdQhdfGEYiioDSZso","type":"public-key","rawId":"wHSyzFFP_CJCueaxvLyXCdF51WcdQhdfGEYiioDSZso","response":{"publicKey":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAENUukq0spLk4EwMikWJrb4CbNucnretDFxtsWSsiR4kFl24BOYfkyoWV5dfcL4qTLiZdzXRXK-vzF4E4pC1PQBg","transports":["internal"],"clientDataJSON":"eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoicG5UaVNvTlhHd0lwbklVemlqUEtyUEs3ZXdtb2F5NEQ4WU5KSGJkNExBcyIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6MjgxMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9","attestationObject":"o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVikSZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2NFAAAAAQECAwQFBgcIAQIDBAUGBwgAIMB0ssxRT_wiQrnmsby8lwnRedVnHUIXXxhGIoqA0mbKpQECAyYgASFYIDVLpKtLKS5OBMDIpFia2-AmzbnJ63rQxcbbFkrIkeJBIlggZduATmH5MqFleXX3C-Kky4mXc10Vyvr8xeBOKQtT0AY","authenticatorData":"SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2NFAAAAAQECAwQFBgcIAQIDBAUGBwgAIMB0ssxRT_wiQrnmsby8lwnRedVnHUIXXxhGIoqA0mbKpQECAyYgASFYIDVLpKtLKS5OBMDIpFia2-AmzbnJ63rQxcbbFkrIkeJBIlggZduATmH5MqFleXX3C-Kky4mXc10Vyvr8xeBOKQtT0AY","publicKeyAlgorithm":-7},"authenticatorAttachment":"platform"}"#;
    const REG_CHALLENGE: &str = "pnTiSoNXGwIpnIUzijPKrPK7ewmoay4D8YNJHbd4LAs";
    const ASSERTION: &str = r#"{"id":"wHSyzFFP_CJCueaxvLyXCdF51WcdQhdfGEYiioDSZso","type":"public-key","rawId":"wHSyzFFP_CJCueaxvLyXCdF51WcdQhdfGEYiioDSZso","response":{"signature":"MEUCIQD57aFfQ5TKgfhJMbWKZugsWn-TYEVCfMN5FAI3tWDEAAIgWXdK62O8XzEV9_MKijIty7j2qvm9vXiDkAj7waEFdQ0","clientDataJSON":"eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoic1J6UGpRNThyOE5tcHVZbHlEVEZDLUhDdndzTGpaRDBNYWthbUVyUDNGSSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6MjgxMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9","authenticatorData":"SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg"},"authenticatorAttachment":"platform"}"#;
    const ASSERTION_CHALLENGE: &str = "sRzPjQ58r8NmpuYlyDTFC-HCvwsLjZD0MakamErP3FI";

    fn origins() -> Vec<String> {
        vec!["http://localhost:28100".to_string()]
    }

    fn expect<'a>(challenge: &'a str, origins: &'a [String]) -> Expect<'a> {
        Expect { challenge, rp_id: "localhost", origins, require_uv: false }
    }

    fn registered() -> StoredCredential {
        let p = parse_registration(&serde_json::from_str(REG).unwrap()).unwrap();
        verify_registration(&p, &expect(REG_CHALLENGE, &origins())).unwrap()
    }

    #[test]
    fn chromium_registration_verifies() {
        let c = registered();
        assert_eq!(c.id, "wHSyzFFP_CJCueaxvLyXCdF51WcdQhdfGEYiioDSZso");
        assert_eq!(c.aaguid, "01020304-0506-0708-0102-030405060708");
        assert_eq!(c.sign_count, 1);
        assert_eq!(c.transports, vec!["internal".to_string()]);
        let p = parse_registration(&serde_json::from_str(REG).unwrap()).unwrap();
        let j = parsed_json(&p);
        assert_eq!(j["Response"]["AttestationObject"]["AuthData"]["flags"], 69);
        assert_eq!(j["Response"]["CollectedClientData"]["type"], "webauthn.create");
    }

    #[test]
    fn registration_checks_challenge_origin_and_rp() {
        let p = parse_registration(&serde_json::from_str(REG).unwrap()).unwrap();
        let o = origins();
        assert!(matches!(verify_registration(&p, &expect("other", &o)), Err(Error::Verify(_))));
        let other = vec!["http://localhost:1".to_string()];
        assert!(verify_registration(&p, &expect(REG_CHALLENGE, &other)).is_err());
        let wild = vec!["http://localhost:*".to_string()];
        assert!(verify_registration(&p, &expect(REG_CHALLENGE, &wild)).is_ok());
        let e = Expect { rp_id: "example.com", ..expect(REG_CHALLENGE, &o) };
        assert!(verify_registration(&p, &e).is_err());
        // Chromium's virtual authenticator set UV, so requiring it passes.
        let e = Expect { require_uv: true, ..expect(REG_CHALLENGE, &o) };
        assert!(verify_registration(&p, &e).is_ok());
    }

    #[test]
    fn chromium_assertion_verifies_and_counts() {
        let c = registered();
        let v: Value = serde_json::from_str(ASSERTION).unwrap();
        let p = parse_assertion(&v).unwrap();
        let o = origins();
        assert_eq!(verify_assertion(&p, &expect(ASSERTION_CHALLENGE, &o), &c), Ok(2));
        // The same counter again is refused.
        let used = StoredCredential { sign_count: 2, ..c.clone() };
        assert!(verify_assertion(&p, &expect(ASSERTION_CHALLENGE, &o), &used).is_err());
        assert!(verify_assertion(&p, &expect(REG_CHALLENGE, &o), &c).is_err());
        // A flipped signature byte fails.
        let mut bad = v.clone();
        let mut sig = b64url_decode(bad["response"]["signature"].as_str().unwrap()).unwrap();
        let last = sig.len() - 1;
        sig[last] ^= 1;
        bad["response"]["signature"] = json!(b64url(&sig));
        let p = parse_assertion(&bad).unwrap();
        assert!(matches!(
            verify_assertion(&p, &expect(ASSERTION_CHALLENGE, &o), &c),
            Err(Error::Verify(_))
        ));
        let j = parsed_json(&parse_assertion(&v).unwrap());
        assert_eq!(j["Response"]["AuthenticatorData"]["flags"], 5);
        assert_eq!(j["Response"]["UserHandle"], Value::Null);
    }

    #[test]
    fn garbage_is_a_parse_error() {
        let g = json!({"id": "garbage", "rawId": "garbage", "type": "public-key", "response": {"clientDataJSON": "e30"}});
        assert!(matches!(parse_registration(&g), Err(Error::Parse(_))));
        assert!(matches!(parse_assertion(&g), Err(Error::Parse(_))));
        assert!(matches!(parse_assertion(&json!("x")), Err(Error::Parse(_))));
    }

    #[test]
    fn session_data_shapes() {
        let s = session_data("c", "localhost", "u", None);
        assert!(s.get("credParams").is_some() && s.get("allowed_credentials").is_none());
        let s = session_data("c", "localhost", "u", Some(&["wHSy".to_string()]));
        assert_eq!(s["allowed_credentials"][0], "wHSy");
        assert_eq!(user_handle("fe77e4ef"), "ZmU3N2U0ZWY");
    }
}
