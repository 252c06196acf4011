//! The signed-in user: `GET /user`, `PUT /user`, `GET /reauthenticate`.

use super::client::{json, GoTrue, Method};
use super::{ApiError, User, UserUpdate};

impl GoTrue {
    /// `GET /user`: the user of this access token, with factors.
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, GoTrue};
    /// # async fn example(api: &GoTrue, access_token: &str) -> Result<(), ApiError> {
    /// let user = api.get_user(access_token).await?;
    /// for factor in user.verified_factors() {
    ///     println!("{} ({})", factor.friendly_name.as_deref().unwrap_or("-"), factor.factor_type);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn get_user(&self, access_token: &str) -> Result<User, ApiError> {
        self.send(Method::Get, "/user", Some(access_token), None).await
    }

    /// `PUT /user`: changes the password (needs aal2 when MFA is on: `insufficient_aal`).
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, ErrorCode, GoTrue, UserUpdate};
    /// # async fn example(api: &GoTrue, access_token: &str) -> Result<(), ApiError> {
    /// let update = UserUpdate { password: Some("n3w-secret".into()), ..UserUpdate::default() };
    /// match api.update_user(access_token, &update).await {
    ///     Ok(_user) => { /* password changed */ }
    ///     Err(e) if e.is(&ErrorCode::InsufficientAal) => { /* verify a factor, then retry */ }
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn update_user(
        &self,
        access_token: &str,
        update: &UserUpdate,
    ) -> Result<User, ApiError> {
        self.send(Method::Put, "/user", Some(access_token), json(update)).await
    }

    /// `GET /reauthenticate`: emails a nonce to confirm a password change.
    ///
    /// ```no_run
    /// # use leptos_supabase_auth::api::{ApiError, GoTrue, UserUpdate};
    /// # async fn example(api: &GoTrue, access_token: &str, emailed: &str)
    /// #     -> Result<(), ApiError> {
    /// api.reauthenticate(access_token).await?; // the user receives a nonce by email
    /// // …then sends it with the new password:
    /// let update = UserUpdate {
    ///     password: Some("n3w-secret".into()),
    ///     nonce: Some(emailed.into()),
    ///     ..UserUpdate::default()
    /// };
    /// api.update_user(access_token, &update).await?;
    /// # Ok(()) }
    /// ```
    pub async fn reauthenticate(&self, access_token: &str) -> Result<(), ApiError> {
        self.send_raw(Method::Get, "/reauthenticate", Some(access_token), None).await.map(drop)
    }
}
