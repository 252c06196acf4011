//! Linked identities (`/user/identities`): the user's ways to sign in, connecting a provider's
//! account to the signed-in user, and disconnecting one.

use super::client::{GoTrue, Method};
use super::oauth::Authorize;
use super::ApiError;
use crate::json::{FromJson, Value};

/// One way the user signs in: the email address, or an account at a provider.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identity {
    /// Its id (`identity_id`), what a disconnect names.
    pub id: String,
    /// `email`, `phone`, or the provider (`google`, `github`…).
    pub provider: String,
    /// The account's address at that provider, when it has one.
    pub email: String,
    /// When it was connected (RFC 3339).
    pub created_at: String,
}

impl FromJson for Identity {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Identity {
            id: v.string("identity_id")?,
            provider: v.string("provider")?,
            email: v
                .get("identity_data")
                .and_then(|d| d.string("email"))
                .unwrap_or_else(|| v.text("email")),
            created_at: v.text("created_at"),
        })
    }
}

/// The `identities` of a `GET /user` answer.
struct Identities(Vec<Identity>);

impl FromJson for Identities {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Identities(v.items("identities").iter().filter_map(Identity::from_json).collect()))
    }
}

/// The linking call's answer: where the browser goes.
struct Url(String);

impl FromJson for Url {
    fn from_json(v: &Value) -> Option<Self> {
        v.string("url").map(Url)
    }
}

impl GoTrue {
    /// `GET /user`'s identities.
    pub async fn identities(&self, access_token: &str) -> Result<Vec<Identity>, ApiError> {
        let got: Identities = self.send(Method::Get, "/user", Some(access_token), None).await?;
        Ok(got.0)
    }

    /// `GET /user/identities/authorize`: the provider's address that connects an account to
    /// the signed-in user (404 `manual_linking_disabled` when the project has linking off).
    pub async fn link_identity_url(
        &self,
        access_token: &str,
        a: &Authorize<'_>,
    ) -> Result<String, ApiError> {
        let path = ["/user/identities/authorize?", &a.query_string(), "&skip_http_redirect=true"];
        let got: Url = self.send(Method::Get, &path.concat(), Some(access_token), None).await?;
        Ok(got.0)
    }

    /// `DELETE /user/identities/{id}` (422 `single_identity_not_deletable` for the last one).
    pub async fn unlink_identity(&self, access_token: &str, id: &str) -> Result<(), ApiError> {
        let path = ["/user/identities/", id].concat();
        self.send_raw(Method::Delete, &path, Some(access_token), None).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::read;

    /// A user with an email identity and a Keycloak one, as real GoTrue answers
    /// (`frontdoor.jsonl`, section 7).
    #[test]
    fn identities_of_a_user() {
        let answer = r#"{"id":"u","identities":[
            {"identity_id":"i1","id":"u","user_id":"u","identity_data":{"email":"a@x.example","sub":"u"},"provider":"email","created_at":"2026-12-06T23:10:04Z"},
            {"identity_id":"i2","id":"kc","user_id":"u","identity_data":{"email":"kay@idp.example","name":"Kay"},"provider":"keycloak","created_at":"2026-12-07T08:00:00Z"},
            {"provider":"broken"}]}"#;
        let got = read::<Identities>(answer).unwrap().0;
        assert_eq!(got.len(), 2, "an entry without its id is left out");
        assert_eq!(got[1].id, "i2");
        assert_eq!(got[1].provider, "keycloak");
        assert_eq!(got[1].email, "kay@idp.example");
        assert_eq!(got[0].created_at, "2026-12-06T23:10:04Z");
        assert!(read::<Identities>(r#"{"id":"u"}"#).unwrap().0.is_empty());
    }

    #[test]
    fn the_linking_answer() {
        assert_eq!(
            read::<Url>(r#"{"url":"http://idp/auth?x=1"}"#).unwrap().0,
            "http://idp/auth?x=1"
        );
        assert!(read::<Url>("{}").is_none());
    }
}
