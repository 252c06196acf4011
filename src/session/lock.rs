//! A cross-tab mutex for token refresh, so that a rotated refresh token is never used twice.
//!
//! Uses the Web Locks API (`navigator.locks.request`) where available; elsewhere a lease in
//! `localStorage` (write, wait, read back) serialises the tabs well enough for refresh.

use std::future::Future;

/// Runs `job` while holding the lock `name` in every tab of this origin.
///
/// Returns `None` only if the lock machinery itself failed and the job did not run.
#[cfg(target_arch = "wasm32")]
pub async fn with_lock<T, Fut, F>(name: &str, job: F) -> Option<T>
where
    F: FnOnce() -> Fut + 'static,
    Fut: Future<Output = T> + 'static,
    T: 'static,
{
    use std::{cell::RefCell, rc::Rc};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(catch, js_namespace = ["navigator", "locks"], js_name = request)]
        fn locks_request(
            name: &str,
            callback: &Closure<dyn FnMut(JsValue) -> js_sys::Promise>,
        ) -> Result<js_sys::Promise, JsValue>;
    }

    let job = Rc::new(RefCell::new(Some(job)));
    let out: Rc<RefCell<Option<T>>> = Rc::default();
    let (j, o) = (job.clone(), out.clone());
    let callback = Closure::<dyn FnMut(JsValue) -> js_sys::Promise>::new(move |_| {
        let fut = j.borrow_mut().take().map(|f| f());
        let o = o.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            if let Some(fut) = fut {
                let value = fut.await;
                *o.borrow_mut() = Some(value);
            }
            Ok(JsValue::UNDEFINED)
        })
    });
    if let Ok(promise) = locks_request(name, &callback) {
        let _ = JsFuture::from(promise).await;
    }
    drop(callback);
    if let Some(v) = out.borrow_mut().take() {
        return Some(v);
    }
    let job = job.borrow_mut().take()?;
    Some(with_lease(name, job).await)
}

/// The fallback of [`with_lock`] for browsers without Web Locks: runs `job` while this tab holds
/// a lease on `name` in `localStorage` (key `lsa.lock.<name>`, 10 s, released when the job ends).
/// A lease that is held waits for its holder (or its expiry, at most ~10 s).
#[cfg(target_arch = "wasm32")]
pub async fn with_lease<T, Fut, F>(name: &str, job: F) -> T
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = T>,
{
    let _lease = lease::Lease::acquire(name).await;
    job().await
}

/// Off the browser there is one "tab": run the job.
#[cfg(not(target_arch = "wasm32"))]
pub async fn with_lock<T, Fut, F>(_name: &str, job: F) -> Option<T>
where
    F: FnOnce() -> Fut + 'static,
    Fut: Future<Output = T> + 'static,
    T: 'static,
{
    Some(job().await)
}

#[cfg(target_arch = "wasm32")]
mod lease {
    use crate::json::{FromJson, Object, Value};
    use crate::platform::browser::sleep_ms;
    use crate::platform::storage::{self, Area};

    /// Who holds the lease, and until when (local ms).
    #[derive(PartialEq)]
    struct Holder {
        owner: String,
        until: i64,
    }

    impl FromJson for Holder {
        fn from_json(v: &Value) -> Option<Self> {
            Some(Holder { owner: v.string("owner")?, until: v.int_at("until")? })
        }
    }

    /// A lease on a `localStorage` key, released on drop.
    pub struct Lease {
        key: String,
        owner: String,
    }

    fn holder(key: &str) -> Option<Holder> {
        storage::get_json(Area::Local, key)
    }

    impl Lease {
        /// Waits (at most about 16 s) until no other live holder has the key, then takes it.
        pub async fn acquire(name: &str) -> Lease {
            let key = ["lsa.lock.", name].concat();
            // An integer: formatting an f64 would pull float printing into the bundle.
            let owner = ((js_sys::Math::random() * 4_294_967_296.0) as u32).to_string();
            for _ in 0..200 {
                let now = js_sys::Date::now() as i64;
                if holder(&key).filter(|h| h.until > now).is_none() {
                    let mine = Object::new().str("owner", &owner).int("until", now + 10_000);
                    storage::set(Area::Local, &key, &mine.finish());
                    sleep_ms(30).await;
                    if holder(&key).is_some_and(|h| h.owner == owner) {
                        break;
                    }
                }
                sleep_ms(50).await;
            }
            Lease { key, owner }
        }
    }

    impl Drop for Lease {
        fn drop(&mut self) {
            if holder(&self.key).is_some_and(|h| h.owner == self.owner) {
                storage::remove(Area::Local, &self.key);
            }
        }
    }
}
