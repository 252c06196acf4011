//! WebAuthn: security keys as an MFA factor (`/factors`, `factor_type: "webauthn"`) and
//! passkeys (`/passkeys/...`). GoTrue's credential options and the browser's credential JSON
//! pass through as JSON text: the browser parses and makes them.

use super::client::{GoTrue, Method};
use super::mfa::enroll_body;
use super::{ApiError, Enrolled, TokenResponse};
use crate::json::{self, FromJson, Object, Value};

/// The options of one WebAuthn ceremony, as JSON for `PublicKeyCredential.parse…FromJSON`.
#[derive(Debug)]
pub struct Ceremony {
    /// The challenge's id, sent back with the credential.
    pub id: String,
    /// `create` (registration) or `request` (assertion).
    pub kind: Kind,
    /// The `publicKey` options (JSON text).
    pub options: String,
}

/// A passkey ceremony's options (`/passkeys/.../options`): `challenge_id` (or `id`) and
/// `options`.
impl FromJson for Ceremony {
    fn from_json(v: &Value) -> Option<Self> {
        let id = v.string("challenge_id").or_else(|| v.string("id"))?;
        Some(Ceremony { id, kind: Kind::Create, options: v.get("options")?.to_json() })
    }
}

/// Registration (`navigator.credentials.create`) or assertion (`get`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kind {
    /// A new credential.
    #[default]
    Create,
    /// An assertion of an existing one.
    Request,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Create => "create",
            Kind::Request => "request",
        }
    }
}

/// A passkey of the signed-in user (`GET /passkeys`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Passkey {
    /// Its id.
    pub id: String,
    /// The name the user gave it (`Passkey` until renamed).
    pub friendly_name: String,
    /// Creation time (RFC 3339).
    pub created_at: String,
    /// Last sign-in with it (RFC 3339), if any.
    pub last_used_at: Option<String>,
}

impl FromJson for Passkey {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Passkey {
            id: v.string("id")?,
            friendly_name: v.text("friendly_name"),
            created_at: v.text("created_at"),
            last_used_at: v.string("last_used_at"),
        })
    }
}

impl FromJson for Vec<Passkey> {
    fn from_json(v: &Value) -> Option<Self> {
        v.as_array()?.iter().map(Passkey::from_json).collect()
    }
}

/// The answer to a security key's challenge: its id, and the ceremony's kind and options.
pub(super) struct FactorChallenge(Ceremony);

impl FromJson for FactorChallenge {
    fn from_json(v: &Value) -> Option<Self> {
        let webauthn = v.get("webauthn")?;
        let kind = if webauthn.text("type") == "create" { Kind::Create } else { Kind::Request };
        let options = webauthn.get("credential_options")?.get("publicKey")?.to_json();
        Some(FactorChallenge(Ceremony { id: v.string("id")?, kind, options }))
    }
}

/// The relying party the browser is on: `rp_id` its host name, `rp_origins` its origin.
pub struct RelyingParty<'a> {
    /// The page's host name.
    pub rp_id: &'a str,
    /// The page's origin.
    pub rp_origins: [&'a str; 1],
}

/// The credential JSON the browser made (`PublicKeyCredential.toJSON()`), checked to be JSON.
pub fn credential(json_text: String) -> Result<String, ApiError> {
    match json::parse(&json_text) {
        Some(_) => Ok(json_text),
        None => Err(ApiError::Decode("the credential is not JSON".into())),
    }
}

fn challenge_body(rp: RelyingParty<'_>) -> String {
    let origins = json::array(rp.rp_origins.map(json::string));
    let rp = Object::new().str("rp_id", rp.rp_id).raw("rp_origins", &origins);
    Object::new().raw("webauthn", &rp.finish()).finish()
}

fn factor_verify_body(ceremony: &Ceremony, credential: &str) -> String {
    let webauthn = Object::new().str("type", ceremony.kind.as_str());
    let webauthn = webauthn.raw("credential_response", credential).finish();
    Object::new().str("challenge_id", &ceremony.id).raw("webauthn", &webauthn).finish()
}

fn credential_body(challenge_id: &str, credential: &str) -> Option<String> {
    Some(Object::new().str("challenge_id", challenge_id).raw("credential", credential).finish())
}

impl GoTrue {
    /// `POST /factors` for a security key (the credential is made by its first challenge).
    pub async fn enroll_webauthn(
        &self,
        access_token: &str,
        friendly_name: &str,
    ) -> Result<Enrolled, ApiError> {
        let body = Some(enroll_body("webauthn", friendly_name, None));
        self.send(Method::Post, "/factors", Some(access_token), body).await
    }

    /// `POST /factors/{id}/challenge` of a security key: `create` options while it is
    /// unverified, `request` options after.
    pub async fn challenge_webauthn(
        &self,
        access_token: &str,
        factor_id: &str,
        rp: RelyingParty<'_>,
    ) -> Result<Ceremony, ApiError> {
        let path = ["/factors/", factor_id, "/challenge"].concat();
        let body = Some(challenge_body(rp));
        let answer: FactorChallenge =
            self.send(Method::Post, &path, Some(access_token), body).await?;
        Ok(answer.0)
    }

    /// `POST /factors/{id}/verify` with the browser's credential: the session becomes aal2.
    pub async fn verify_webauthn(
        &self,
        access_token: &str,
        factor_id: &str,
        ceremony: &Ceremony,
        credential: &str,
    ) -> Result<TokenResponse, ApiError> {
        let path = ["/factors/", factor_id, "/verify"].concat();
        let body = Some(factor_verify_body(ceremony, credential));
        self.send(Method::Post, &path, Some(access_token), body).await
    }

    /// `POST /passkeys/registration/options` (an MFA user needs aal2).
    pub async fn passkey_registration(&self, access_token: &str) -> Result<Ceremony, ApiError> {
        let path = "/passkeys/registration/options";
        self.send(Method::Post, path, Some(access_token), Some("{}".into())).await
    }

    /// `POST /passkeys/registration/verify`: the new passkey.
    pub async fn passkey_register(
        &self,
        access_token: &str,
        challenge_id: &str,
        credential: &str,
    ) -> Result<Passkey, ApiError> {
        let body = credential_body(challenge_id, credential);
        self.send(Method::Post, "/passkeys/registration/verify", Some(access_token), body).await
    }

    /// `POST /passkeys/authentication/options` (no session needed).
    pub async fn passkey_sign_in_options(&self) -> Result<Ceremony, ApiError> {
        let path = "/passkeys/authentication/options";
        let mut c: Ceremony = self.send(Method::Post, path, None, Some("{}".into())).await?;
        c.kind = Kind::Request;
        Ok(c)
    }

    /// `POST /passkeys/authentication/verify`: an aal1 session (amr `passkey`).
    pub async fn passkey_sign_in(
        &self,
        challenge_id: &str,
        credential: &str,
    ) -> Result<TokenResponse, ApiError> {
        let body = credential_body(challenge_id, credential);
        self.send(Method::Post, "/passkeys/authentication/verify", None, body).await
    }

    /// `GET /passkeys`.
    pub async fn passkeys(&self, access_token: &str) -> Result<Vec<Passkey>, ApiError> {
        self.send(Method::Get, "/passkeys", Some(access_token), None).await
    }

    /// `PATCH /passkeys/{id}`: a new name.
    pub async fn rename_passkey(
        &self,
        access_token: &str,
        id: &str,
        friendly_name: &str,
    ) -> Result<Passkey, ApiError> {
        let path = ["/passkeys/", id].concat();
        let body = Object::new().str("friendly_name", friendly_name).finish();
        self.send(Method::Patch, &path, Some(access_token), Some(body)).await
    }

    /// `DELETE /passkeys/{id}` (an MFA user needs aal2).
    pub async fn delete_passkey(&self, access_token: &str, id: &str) -> Result<(), ApiError> {
        let path = ["/passkeys/", id].concat();
        self.send_raw(Method::Delete, &path, Some(access_token), None).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::read;

    #[test]
    fn passkey_options_keep_their_json() {
        let text = r#"{"challenge_id":"c1","options":{"challenge":"xyz","rpId":"localhost","timeout":60000},"expires_at":1}"#;
        let c: Ceremony = read(text).unwrap();
        assert_eq!(c.id, "c1");
        assert_eq!(c.options, r#"{"challenge":"xyz","rpId":"localhost","timeout":60000}"#);
        let c: Ceremony = read(r#"{"id":"c2","options":{}}"#).unwrap();
        assert_eq!((c.id.as_str(), c.options.as_str()), ("c2", "{}"));
        assert!(read::<Ceremony>(r#"{"challenge_id":"c1"}"#).is_none(), "no options");
    }

    #[test]
    fn a_security_key_challenge_is_read_from_its_publickey_options() {
        let text = r#"{"id":"ch","type":"webauthn","expires_at":9,"webauthn":{"type":"request","credential_options":{"publicKey":{"challenge":"abc","allowCredentials":[]}}}}"#;
        let FactorChallenge(c) = read(text).unwrap();
        assert_eq!((c.id.as_str(), c.kind), ("ch", Kind::Request));
        assert_eq!(c.options, r#"{"challenge":"abc","allowCredentials":[]}"#);
        let created = text.replace(r#""type":"request""#, r#""type":"create""#);
        assert_eq!(read::<FactorChallenge>(&created).unwrap().0.kind, Kind::Create);
    }

    #[test]
    fn passkeys_and_settings() {
        let list: Vec<Passkey> =
            read(r#"[{"id":"p1","friendly_name":"Laptop","created_at":"t","last_used_at":null},{"id":"p2"}]"#)
                .unwrap();
        assert_eq!(list[0].friendly_name, "Laptop");
        assert_eq!((list[0].last_used_at.as_deref(), list[1].friendly_name.as_str()), (None, ""));
        assert!(read::<Vec<Passkey>>(r#"[{"friendly_name":"no id"}]"#).is_none());
    }

    #[test]
    fn credential_bodies_embed_the_browsers_json() {
        let cred = credential(r#"{"id":"k","type":"public-key"}"#.into()).unwrap();
        assert_eq!(
            credential_body("ch", &cred).unwrap(),
            r#"{"challenge_id":"ch","credential":{"id":"k","type":"public-key"}}"#
        );
        assert!(credential("not json".into()).is_err());
        assert!(credential(r#"{"id":"k"} trailing"#.into()).is_err());
        let ceremony = Ceremony { id: "ch".into(), kind: Kind::Request, options: "{}".into() };
        assert_eq!(
            factor_verify_body(&ceremony, &cred),
            r#"{"challenge_id":"ch","webauthn":{"type":"request","credential_response":{"id":"k","type":"public-key"}}}"#
        );
        let rp = RelyingParty { rp_id: "localhost", rp_origins: ["http://localhost:8080"] };
        assert_eq!(
            challenge_body(rp),
            r#"{"webauthn":{"rp_id":"localhost","rp_origins":["http://localhost:8080"]}}"#
        );
    }
}
