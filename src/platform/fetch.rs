//! The browser's `fetch`, tied to the future that waits for it: a request whose future is
//! dropped before it ends (the store's request timeout) is aborted, not left running.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (window or worker), as gloo-net binds it.
    #[wasm_bindgen(js_name = fetch)]
    pub(crate) fn fetch(request: &web_sys::Request) -> js_sys::Promise;
}

/// The abort switch of one request: aborts it when dropped, that is when the future sending it
/// is dropped (a timeout). Once the answer has been read, aborting changes nothing.
pub(crate) struct AbortOnDrop(Option<web_sys::AbortController>);

impl AbortOnDrop {
    /// A switch whose signal `init` (the request to make) carries.
    pub(crate) fn new(init: &web_sys::RequestInit) -> AbortOnDrop {
        let controller = web_sys::AbortController::new().ok();
        if let Some(c) = &controller {
            init.set_signal(Some(&c.signal()));
        }
        AbortOnDrop(controller)
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(c) = &self.0 {
            c.abort();
        }
    }
}
