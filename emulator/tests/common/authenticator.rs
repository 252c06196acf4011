//! A software WebAuthn authenticator for tests: P-256 keys, attestation `none`, and the JSON of
//! `PublicKeyCredential.toJSON()` as Chromium's virtual authenticator (ctap2, internal, resident
//! keys, user verification) produces it. Attestation objects, COSE keys and authenticator data
//! are built by hand with ciborium.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ciborium::Value as Cbor;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde_json::{json, Value};
use sha2::Digest;

/// Chromium's virtual authenticator AAGUID.
pub const AAGUID: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8];

/// One credential the authenticator holds.
#[derive(Clone)]
pub struct Cred {
    /// Credential id.
    pub id: Vec<u8>,
    /// Private key.
    pub key: SigningKey,
    /// RP id it is bound to.
    pub rp_id: String,
    /// User handle (discoverable credentials only).
    pub user_handle: Option<Vec<u8>>,
    /// Signature counter.
    pub count: u32,
}

/// The authenticator.
#[derive(Default)]
pub struct Authenticator {
    /// Credentials, oldest first.
    pub creds: Vec<Cred>,
    /// Sign `crossOrigin: true` into the client data (a page framed by another site).
    pub cross_origin: bool,
}

fn b64(b: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(b)
}

fn unb64(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).expect("base64url")
}

fn sha256(b: &[u8]) -> Vec<u8> {
    sha2::Sha256::digest(b).to_vec()
}

fn new_key() -> SigningKey {
    loop {
        let bytes = gotrue_emulator::util::random_bytes::<32>();
        if let Ok(k) = SigningKey::from_slice(&bytes) {
            return k;
        }
    }
}

fn client_data(kind: &str, challenge: &str, origin: &str, cross: bool) -> Vec<u8> {
    format!(
        r#"{{"type":"{kind}","challenge":"{challenge}","origin":"{origin}","crossOrigin":{cross}}}"#
    )
    .into_bytes()
}

fn cbor_bytes(v: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(v, &mut out).expect("cbor");
    out
}

/// The COSE_Key of a P-256 public key (kty EC2, alg ES256, crv P-256).
pub fn cose_key(key: &SigningKey) -> Vec<u8> {
    let p = key.verifying_key().to_encoded_point(false);
    cbor_bytes(&Cbor::Map(vec![
        (Cbor::from(1), Cbor::from(2)),
        (Cbor::from(3), Cbor::from(-7)),
        (Cbor::from(-1), Cbor::from(1)),
        (Cbor::from(-2), Cbor::Bytes(p.x().unwrap().to_vec())),
        (Cbor::from(-3), Cbor::Bytes(p.y().unwrap().to_vec())),
    ]))
}

fn spki(key: &SigningKey) -> Vec<u8> {
    let mut der = vec![
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];
    der.extend_from_slice(key.verifying_key().to_encoded_point(false).as_bytes());
    der
}

/// Authenticator data: RP id hash, flags, counter, then the attested credential data if any.
pub fn auth_data(rp_id: &str, flags: u8, count: u32, attested: Option<(&[u8], &[u8])>) -> Vec<u8> {
    let mut d = sha256(rp_id.as_bytes());
    d.push(flags);
    d.extend_from_slice(&count.to_be_bytes());
    if let Some((id, cose)) = attested {
        d.extend_from_slice(&AAGUID);
        d.extend_from_slice(&(id.len() as u16).to_be_bytes());
        d.extend_from_slice(id);
        d.extend_from_slice(cose);
    }
    d
}

impl Authenticator {
    /// `navigator.credentials.create({publicKey})` from the server's creation options JSON.
    pub fn create(&mut self, o: &Value, origin: &str) -> Value {
        let rp_id = o["rp"]["id"].as_str().expect("rp.id").to_string();
        let excluded: Vec<Vec<u8>> = o["excludeCredentials"]
            .as_array()
            .map(|a| a.iter().map(|d| unb64(d["id"].as_str().unwrap())).collect())
            .unwrap_or_default();
        assert!(
            !self.creds.iter().any(|c| excluded.contains(&c.id)),
            "InvalidStateError: the authenticator holds an excluded credential"
        );
        let resident = o["authenticatorSelection"]["residentKey"] == "required";
        let key = new_key();
        let id = gotrue_emulator::util::random_bytes::<32>().to_vec();
        let cose = cose_key(&key);
        let data = auth_data(&rp_id, 0x45, 1, Some((&id, &cose)));
        let att = cbor_bytes(&Cbor::Map(vec![
            (Cbor::from("fmt"), Cbor::from("none")),
            (Cbor::from("attStmt"), Cbor::Map(vec![])),
            (Cbor::from("authData"), Cbor::Bytes(data.clone())),
        ]));
        let user = unb64(o["user"]["id"].as_str().expect("user.id"));
        let cdj = client_data(
            "webauthn.create",
            o["challenge"].as_str().unwrap(),
            origin,
            self.cross_origin,
        );
        self.creds.push(Cred {
            id: id.clone(),
            key: key.clone(),
            rp_id,
            user_handle: resident.then_some(user),
            count: 1,
        });
        json!({
            "id": b64(&id),
            "rawId": b64(&id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64(&cdj),
                "authenticatorData": b64(&data),
                "transports": ["internal"],
                "publicKey": b64(&spki(&key)),
                "publicKeyAlgorithm": -7,
                "attestationObject": b64(&att),
            },
        })
    }

    /// `navigator.credentials.get({publicKey})` from the server's request options JSON: the
    /// first allowed credential, or without an allow list the newest discoverable one.
    pub fn get(&mut self, o: &Value, origin: &str) -> Value {
        let rp_id = o["rpId"].as_str().expect("rpId").to_string();
        let allowed: Vec<Vec<u8>> = o["allowCredentials"]
            .as_array()
            .map(|a| a.iter().map(|d| unb64(d["id"].as_str().unwrap())).collect())
            .unwrap_or_default();
        let cred = if allowed.is_empty() {
            self.creds.iter_mut().rev().find(|c| c.rp_id == rp_id && c.user_handle.is_some())
        } else {
            self.creds.iter_mut().find(|c| c.rp_id == rp_id && allowed.contains(&c.id))
        }
        .expect("NotAllowedError: no credential for these options");
        cred.count += 1;
        let data = auth_data(&rp_id, 0x05, cred.count, None);
        let cdj = client_data(
            "webauthn.get",
            o["challenge"].as_str().unwrap(),
            origin,
            self.cross_origin,
        );
        let mut signed = data.clone();
        signed.extend_from_slice(&sha256(&cdj));
        let sig: Signature = cred.key.sign(&signed);
        let mut response = json!({
            "clientDataJSON": b64(&cdj),
            "authenticatorData": b64(&data),
            "signature": b64(sig.to_der().as_bytes()),
        });
        if let Some(h) = &cred.user_handle {
            response["userHandle"] = json!(b64(h));
        }
        json!({
            "id": b64(&cred.id),
            "rawId": b64(&cred.id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": response,
        })
    }

    /// Forgets the discoverable credentials of a user (CDP `WebAuthn.removeCredential`).
    pub fn remove_user(&mut self, user_id: &str) {
        self.creds.retain(|c| c.user_handle.as_deref() != Some(user_id.as_bytes()));
    }
}

/// The same assertion with the last byte of its DER signature flipped.
pub fn tamper_signature(cred: &Value) -> Value {
    let mut c = cred.clone();
    let mut sig = unb64(c["response"]["signature"].as_str().unwrap());
    let last = sig.len() - 1;
    sig[last] ^= 1;
    c["response"]["signature"] = json!(b64(&sig));
    c
}
