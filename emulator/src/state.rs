//! The server's state: settings, clock, derived URLs and the locked data (auth data, outboxes,
//! faults), written through to SQLite when configured. The rules that change it live in
//! [`crate::domain`].

use std::sync::{Arc, Mutex, MutexGuard};

use crate::clock::Clock;
use crate::config::Config;
use crate::faults::Fault;
use crate::outbox::Outbox;
use crate::store::{Db, Micros, Persist};
use crate::test_provider::Grants;

/// Everything behind the lock.
#[derive(Debug, Default)]
pub struct ServerData {
    /// Auth data (persisted).
    pub db: Db,
    /// Sent mail and SMS.
    pub outbox: Outbox,
    /// Pending injected faults.
    pub faults: Vec<Fault>,
    /// Send times of recent emails (for `GOTRUE_RATE_LIMIT_EMAIL_SENT`).
    pub email_sent: Vec<Micros>,
    /// The built-in test provider's codes and tokens (`--test-provider`).
    pub test_provider: Grants,
}

/// The server's state.
#[derive(Debug)]
pub struct AppState {
    /// Settings.
    pub config: Config,
    /// The clock (test controls can move it).
    pub clock: Clock,
    /// `GOTRUE_SITE_URL`, or the server's origin.
    pub site_url: String,
    /// The API's external URL, ending in `/auth/v1`.
    pub external_url: String,
    /// The server's own origin (`http://host:port`).
    pub origin: String,
    data: Mutex<ServerData>,
    persist: Option<Mutex<Persist>>,
}

impl AppState {
    /// Builds the state for a server reachable at `origin` (e.g. `http://127.0.0.1:54321`);
    /// the built-in test provider, when on, is set up at that origin.
    pub fn new(config: Config, origin: String) -> std::io::Result<Arc<Self>> {
        let mut config = config.normalized();
        let site_url = config.site_url.clone().unwrap_or_else(|| origin.clone());
        let external_url = config
            .api_external_url
            .clone()
            .unwrap_or_else(|| format!("{origin}/auth/v1"))
            .trim_end_matches('/')
            .to_string();
        crate::test_provider::install(&mut config, &origin, &external_url);
        let mut data = ServerData::default();
        let persist = match &config.db_path {
            Some(p) => {
                let persist = Persist::open(p)?;
                data.db = persist.load()?;
                Some(Mutex::new(persist))
            }
            None => None,
        };
        let state = Arc::new(AppState {
            config,
            clock: Clock::new(),
            site_url,
            external_url,
            origin,
            data: Mutex::new(data),
            persist,
        });
        Ok(state)
    }

    fn lock(&self) -> MutexGuard<'_, ServerData> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Reads the state.
    pub fn read<R>(&self, f: impl FnOnce(&ServerData) -> R) -> R {
        f(&self.lock())
    }

    /// Changes the state and writes the auth data through to SQLite when configured.
    pub fn write<R>(&self, f: impl FnOnce(&mut ServerData) -> R) -> R {
        let mut g = self.lock();
        let r = f(&mut g);
        if let Some(p) = &self.persist {
            let mut p = p.lock().unwrap_or_else(|e| e.into_inner());
            if let Err(e) = p.save(&g.db) {
                eprintln!("gotrue-emulator: could not save state: {e}");
            }
        }
        r
    }

    /// Changes state that is not persisted (outboxes, faults).
    pub fn volatile<R>(&self, f: impl FnOnce(&mut ServerData) -> R) -> R {
        f(&mut self.lock())
    }

    /// Now, in microseconds.
    pub fn now(&self) -> Micros {
        self.clock.now_micros()
    }
}

/// A state for unit tests: in memory, cheap bcrypt, reachable at `http://127.0.0.1:9999`.
#[cfg(test)]
pub(crate) fn test_state(
    configure: impl FnOnce(&mut crate::config::Config),
) -> std::sync::Arc<AppState> {
    let mut config = crate::config::Config { bcrypt_cost: 4, ..Default::default() };
    configure(&mut config);
    AppState::new(config, "http://127.0.0.1:9999".into()).expect("in-memory state")
}
