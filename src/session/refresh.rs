//! Keeping the session alive: what happens when a token is about to expire.
//!
//! Every new session schedules a refresh [`AuthConfig::refresh_margin`] seconds before its
//! access token expires, at the same absolute instant in every tab that holds it; the cross-tab
//! lock ([`super::lock`]) then lets exactly one tab refresh, and the others adopt the rotated
//! session from storage ([`super::tabs`]). A failed refresh signs out when the server says the
//! session is gone, and otherwise retries with a backoff. [`AuthStore::access_token`] refreshes
//! first when the token is about to expire.
//!
//! In the split app the refresh itself is a part of its own (`refresh`): a page whose token is
//! fresh does not download it, and the first refresh fetches it (a failed fetch retries, as a
//! failed refresh does).
//!
//! [`AuthConfig::refresh_margin`]: crate::AuthConfig::with_refresh_margin_secs

use super::request::not_signed_in;
use super::state::{self, classify_refresh_error, RefreshFailure};
use super::{lock, persist, AuthEvent, AuthStore};
use crate::api::ApiError;
use leptos::prelude::*;

impl AuthStore {
    /// A valid access token for the host's own calls, refreshed first when about to expire.
    pub async fn access_token(&self) -> Result<String, ApiError> {
        let session = self.session_untracked().ok_or_else(not_signed_in)?;
        if session.expires_within(persist::now(), 10) {
            self.refresh().await?;
        }
        self.session_untracked().map(|s| s.access_token).ok_or_else(not_signed_in)
    }

    /// Refreshes the session: one tab at a time, and not at all when another tab (or call)
    /// already rotated the token this call started from.
    pub async fn refresh(&self) -> Result<(), ApiError> {
        let Some(from) = self.session_untracked().map(|s| s.refresh_token) else {
            return Ok(());
        };
        #[cfg(feature = "split")]
        return match part::refresh(*self, from).await {
            Ok(refreshing) => refreshing.await,
            Err(_) => {
                self.schedule_retry();
                Err(ApiError::Transport("refresh part unavailable".into()))
            }
        };
        #[cfg(not(feature = "split"))]
        self.refresh_from(from).await
    }

    /// The body of [`AuthStore::refresh`]: the cross-tab lock, then the refresh.
    async fn refresh_from(self, from: String) -> Result<(), ApiError> {
        let store = self;
        let lock_name = [store.storage_key().as_str(), ".refresh"].concat();
        let result =
            lock::with_lock(&lock_name, move || async move { store.refresh_locked(from).await })
                .await;
        result.unwrap_or_else(|| Err(ApiError::Transport("lock unavailable".into())))
    }

    async fn refresh_locked(&self, from: String) -> Result<(), ApiError> {
        let Some(current) = self.session_untracked() else {
            return Ok(());
        };
        match persist::load(&self.storage_key()) {
            None => {
                // Signed out in another tab while we waited.
                self.end_locally();
                return Ok(());
            }
            Some(stored) if stored.refresh_token != current.refresh_token => {
                self.adopt(stored);
                return Ok(());
            }
            // Rotated here while this call waited for the lock.
            Some(_) if current.refresh_token != from => return Ok(()),
            Some(_) => {}
        }
        let epoch = self.epoch.get_value();
        self.last_refresh_ms.set_value(persist::now_ms());
        match self.request(self.api().refresh(&current.refresh_token)).await {
            Ok(resp) => {
                let still_same = self.epoch.get_value() == epoch
                    && self
                        .session_untracked()
                        .is_some_and(|s| s.refresh_token == current.refresh_token);
                if still_same {
                    self.retries.set_value(0);
                    self.adopt_response(resp, AuthEvent::TokenRefreshed)?;
                }
                Ok(())
            }
            Err(err) => {
                if self.epoch.get_value() == epoch {
                    match classify_refresh_error(&err) {
                        RefreshFailure::SignOut => self.clear_session(),
                        RefreshFailure::Retry => self.schedule_retry(),
                    }
                }
                Err(err)
            }
        }
    }

    /// Sets the timer for the current session's next refresh.
    pub(super) fn schedule_refresh(&self) {
        let Some(session) = self.session_untracked() else { return };
        let margin = self.config.with_value(|c| c.refresh_margin_secs);
        // An absolute instant, so every tab holding this session fires at the same moment;
        // the cross-tab lock then lets exactly one of them refresh.
        let ms = state::refresh_delay_ms(
            session.expires_at,
            session.lifetime(),
            persist::now_ms(),
            margin,
            self.last_refresh_ms.get_value(),
        );
        self.set_timer(ms);
    }

    fn schedule_retry(&self) {
        let attempt = self.retries.get_value();
        self.retries.set_value(attempt.saturating_add(1));
        self.set_timer(state::retry_delay_ms(attempt) as u64);
    }

    /// Refreshes after `ms` (in the browser; elsewhere there is nothing to refresh for).
    fn set_timer(&self, ms: u64) {
        if !cfg!(target_arch = "wasm32") {
            return;
        }
        if let Some(t) = self.timer.get_value() {
            t.clear();
        }
        let store = *self;
        let handle = set_timeout_with_handle(
            move || {
                leptos::task::spawn_local(async move {
                    let _ = store.refresh().await;
                })
            },
            std::time::Duration::from_millis(ms),
        );
        self.timer.set_value(handle.ok());
    }
}

/// The refresh as a split part: declared by hand because it returns a future, not a view
/// (like the locale reader, `i18n::reader`).
#[cfg(feature = "split")]
#[allow(unsafe_code, improper_ctypes_definitions)]
mod part {
    use super::{ApiError, AuthStore};
    use leptos::wasm_split::SplitLoaderError;
    use std::{future::Future, pin::Pin};

    /// A refresh under way.
    pub type Refreshing = Pin<Box<dyn Future<Output = Result<(), ApiError>>>>;

    #[leptos::wasm_split::wasm_split(refresh, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn refresh(store: AuthStore, from: String) -> Result<Refreshing, SplitLoaderError> {
        Ok(Box::pin(store.refresh_from(from)))
    }
}
