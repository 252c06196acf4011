//! The signed-in user: `GET /user`, `PUT /user`, `GET /reauthenticate`.

use super::client::{GoTrue, Method};
use super::{ApiError, User, UserUpdate};

impl GoTrue {
    /// `GET /user`: the user of this access token, with factors.
    pub async fn get_user(&self, access_token: &str) -> Result<User, ApiError> {
        self.send(Method::Get, "/user", Some(access_token), None).await
    }

    /// `PUT /user`: changes the password (needs aal2 when MFA is on: `insufficient_aal`) or
    /// the address, whose confirmation links land on `redirect_to`.
    pub async fn update_user(
        &self,
        access_token: &str,
        update: &UserUpdate,
        redirect_to: Option<&str>,
    ) -> Result<User, ApiError> {
        let path = super::front::with_redirect("/user", redirect_to);
        self.send(Method::Put, &path, Some(access_token), Some(update.to_json())).await
    }

    /// `GET /reauthenticate`: emails a nonce to confirm a password change.
    pub async fn reauthenticate(&self, access_token: &str) -> Result<(), ApiError> {
        self.send_raw(Method::Get, "/reauthenticate", Some(access_token), None).await.map(drop)
    }
}
