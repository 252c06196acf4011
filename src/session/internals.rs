//! Entry points for this repository's browser tests (feature `test-internals`), which drive the
//! store's private transitions directly. Not an API.

use super::{AuthEvent, AuthStore};
use crate::api::{ApiError, GoTrue, TokenResponse, User};

#[doc(hidden)]
impl AuthStore {
    pub fn __api(&self) -> GoTrue {
        self.api()
    }
    pub fn __adopt(&self, resp: TokenResponse, event: AuthEvent) -> Result<(), ApiError> {
        self.adopt_response(resp, event)
    }
    pub fn __set_user(&self, user: User) {
        self.set_user(user)
    }
    pub fn __clear_session(&self) {
        self.clear_session()
    }
    pub fn __sync_from_storage(&self) {
        self.sync_from_storage()
    }
}
