//! WebAuthn: security keys as an MFA factor (`/factors`, `factor_type: "webauthn"`) and
//! passkeys (`/passkeys/...`). GoTrue's credential options and the browser's credential JSON
//! pass through untouched ([`RawValue`]): the browser parses and makes them.

use super::client::{json, GoTrue, Method};
use super::{ApiError, Enrolled, TokenResponse};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// The options of one WebAuthn ceremony, as JSON for `PublicKeyCredential.parse…FromJSON`.
#[derive(Debug, Deserialize)]
pub struct Ceremony {
    /// The challenge's id, sent back with the credential.
    #[serde(alias = "challenge_id")]
    pub id: String,
    /// `create` (registration) or `request` (assertion).
    #[serde(skip)]
    pub kind: Kind,
    /// The `publicKey` options.
    pub options: Box<RawValue>,
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
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Passkey {
    /// Its id.
    pub id: String,
    /// The name the user gave it (`Passkey` until renamed).
    #[serde(default)]
    pub friendly_name: String,
    /// Creation time (RFC 3339).
    #[serde(default)]
    pub created_at: String,
    /// Last sign-in with it (RFC 3339), if any.
    #[serde(default)]
    pub last_used_at: Option<String>,
}

/// The relying party the browser is on: `rp_id` its host name, `rp_origins` its origin.
#[derive(Serialize)]
pub struct RelyingParty<'a> {
    /// The page's host name.
    pub rp_id: &'a str,
    /// The page's origin.
    pub rp_origins: [&'a str; 1],
}

#[derive(Serialize)]
struct FactorChallenge<'a> {
    webauthn: RelyingParty<'a>,
}

#[derive(Deserialize)]
struct FactorChallengeAnswer {
    id: String,
    webauthn: FactorCeremony,
}

#[derive(Deserialize)]
struct FactorCeremony {
    #[serde(rename = "type")]
    kind: String,
    credential_options: PublicKey,
}

#[derive(Deserialize)]
struct PublicKey {
    #[serde(rename = "publicKey")]
    public_key: Box<RawValue>,
}

#[derive(Serialize)]
struct FactorVerify<'a> {
    challenge_id: &'a str,
    webauthn: FactorCredential<'a>,
}

#[derive(Serialize)]
struct FactorCredential<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    credential_response: &'a RawValue,
}

#[derive(Serialize)]
struct CredentialBody<'a> {
    challenge_id: &'a str,
    credential: &'a RawValue,
}

#[derive(Serialize)]
struct Enroll<'a> {
    factor_type: &'a str,
    friendly_name: &'a str,
}

#[derive(Serialize)]
struct Rename<'a> {
    friendly_name: &'a str,
}

#[derive(Serialize)]
struct Empty {}

#[derive(Deserialize)]
struct Settings {
    #[serde(default)]
    passkeys_enabled: bool,
}

/// The credential JSON the browser made (`PublicKeyCredential.toJSON()`), checked to be JSON.
pub fn credential(json_text: String) -> Result<Box<RawValue>, ApiError> {
    RawValue::from_string(json_text).map_err(|e| ApiError::Decode(e.to_string()))
}

impl GoTrue {
    /// `GET /settings`: whether passkeys are on.
    pub async fn passkeys_enabled(&self) -> Result<bool, ApiError> {
        let settings: Settings = self.send(Method::Get, "/settings", None, None).await?;
        Ok(settings.passkeys_enabled)
    }

    /// `POST /factors` for a security key (the credential is made by its first challenge).
    pub async fn enroll_webauthn(
        &self,
        access_token: &str,
        friendly_name: &str,
    ) -> Result<Enrolled, ApiError> {
        let body = json(&Enroll { factor_type: "webauthn", friendly_name });
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
        let body = json(&FactorChallenge { webauthn: rp });
        let answer: FactorChallengeAnswer =
            self.send(Method::Post, &path, Some(access_token), body).await?;
        let kind = if answer.webauthn.kind == "create" { Kind::Create } else { Kind::Request };
        Ok(Ceremony { id: answer.id, kind, options: answer.webauthn.credential_options.public_key })
    }

    /// `POST /factors/{id}/verify` with the browser's credential: the session becomes aal2.
    pub async fn verify_webauthn(
        &self,
        access_token: &str,
        factor_id: &str,
        ceremony: &Ceremony,
        credential: &RawValue,
    ) -> Result<TokenResponse, ApiError> {
        let path = ["/factors/", factor_id, "/verify"].concat();
        let webauthn =
            FactorCredential { kind: ceremony.kind.as_str(), credential_response: credential };
        let body = json(&FactorVerify { challenge_id: &ceremony.id, webauthn });
        self.send(Method::Post, &path, Some(access_token), body).await
    }

    /// `POST /passkeys/registration/options` (an MFA user needs aal2).
    pub async fn passkey_registration(&self, access_token: &str) -> Result<Ceremony, ApiError> {
        let path = "/passkeys/registration/options";
        self.send(Method::Post, path, Some(access_token), json(&Empty {})).await
    }

    /// `POST /passkeys/registration/verify`: the new passkey.
    pub async fn passkey_register(
        &self,
        access_token: &str,
        challenge_id: &str,
        credential: &RawValue,
    ) -> Result<Passkey, ApiError> {
        let body = json(&CredentialBody { challenge_id, credential });
        self.send(Method::Post, "/passkeys/registration/verify", Some(access_token), body).await
    }

    /// `POST /passkeys/authentication/options` (no session needed).
    pub async fn passkey_sign_in_options(&self) -> Result<Ceremony, ApiError> {
        let mut c: Ceremony = self
            .send(Method::Post, "/passkeys/authentication/options", None, json(&Empty {}))
            .await?;
        c.kind = Kind::Request;
        Ok(c)
    }

    /// `POST /passkeys/authentication/verify`: an aal1 session (amr `passkey`).
    pub async fn passkey_sign_in(
        &self,
        challenge_id: &str,
        credential: &RawValue,
    ) -> Result<TokenResponse, ApiError> {
        let body = json(&CredentialBody { challenge_id, credential });
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
        let body = json(&Rename { friendly_name });
        self.send(Method::Patch, &path, Some(access_token), body).await
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

    #[test]
    fn passkey_options_keep_their_json() {
        let c: Ceremony = serde_json::from_str(
            r#"{"challenge_id":"c1","options":{"challenge":"xyz","rpId":"localhost"},"expires_at":1}"#,
        )
        .unwrap();
        assert_eq!(c.id, "c1");
        assert_eq!(c.options.get(), r#"{"challenge":"xyz","rpId":"localhost"}"#);
    }

    #[test]
    fn factor_verify_body() {
        let cred = credential(r#"{"id":"k","type":"public-key"}"#.into()).unwrap();
        let body = FactorVerify {
            challenge_id: "ch",
            webauthn: FactorCredential { kind: Kind::Request.as_str(), credential_response: &cred },
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"challenge_id":"ch","webauthn":{"type":"request","credential_response":{"id":"k","type":"public-key"}}}"#
        );
        assert!(credential("not json".into()).is_err());
    }
}
