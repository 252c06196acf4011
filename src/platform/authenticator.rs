//! The browser's WebAuthn prompt (`navigator.credentials.create` / `get`): GoTrue's options JSON
//! in, the credential's JSON (`PublicKeyCredential.toJSON()`) out. The browser's own
//! `parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON` do the base64url work, so a
//! browser without them counts as one without WebAuthn ([`available`] is false). A prompt that
//! never answers is abandoned after its own timeout plus a margin: no stuck spinner. One
//! request at a time: a modal prompt first ends a waiting autofill request.

use crate::api::{ApiError, AuthenticatorError};

/// Whether this page can use security keys and passkeys.
pub fn available() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        browser::available()
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
}

/// Closes the prompt that is open now, if any (the user pressed our own cancel button): its
/// ceremony ends with [`AuthenticatorError::Cancelled`].
pub fn cancel() {
    #[cfg(target_arch = "wasm32")]
    browser::abort_slot(&browser::OPEN);
}

/// Which prompt a ceremony opens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prompt {
    /// `navigator.credentials.create`.
    Create,
    /// `navigator.credentials.get`, a modal prompt.
    Get,
    /// `navigator.credentials.get` with `mediation: "conditional"`: the browser offers the
    /// passkeys it holds in the email field's autofill, and waits (no timeout) until one is
    /// picked or the request is aborted.
    Autofill,
}

/// Makes a new credential from GoTrue's creation options (`publicKey` JSON).
pub async fn create(options: &str) -> Result<String, ApiError> {
    ceremony(Prompt::Create, options).await
}

/// Asserts an existing credential for GoTrue's request options (`publicKey` JSON).
pub async fn get(options: &str) -> Result<String, ApiError> {
    ceremony(Prompt::Get, options).await
}

/// Like [`get`], but through the browser's autofill (conditional mediation); a modal prompt
/// opened meanwhile, or [`cancel_autofill`], ends it with `Cancelled`.
pub async fn autofill(options: &str) -> Result<String, ApiError> {
    ceremony(Prompt::Autofill, options).await
}

/// Whether the browser offers passkeys in autofill (`isConditionalMediationAvailable`).
pub async fn autofill_available() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        available() && browser::autofill_available().await
    }
    #[cfg(not(target_arch = "wasm32"))]
    false
}

/// Ends the autofill request, if one waits (the sign-in page is left).
pub fn cancel_autofill() {
    #[cfg(target_arch = "wasm32")]
    browser::abort_slot(&browser::AUTOFILL);
}

async fn ceremony(prompt: Prompt, options: &str) -> Result<String, ApiError> {
    #[cfg(target_arch = "wasm32")]
    {
        browser::ceremony(prompt, options).await.map_err(ApiError::Authenticator)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (prompt, options);
        Err(ApiError::Authenticator(AuthenticatorError::Unavailable))
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::*;
    use js_sys::{Function, Object, Reflect, JSON};
    use wasm_bindgen::{prelude::wasm_bindgen, JsCast, JsValue};

    /// How long past the options' own `timeout` a silent prompt is waited for (ms).
    const MARGIN_MS: f64 = 10_000.0;
    /// The wait when the options give no timeout (GoTrue's is five minutes).
    const DEFAULT_TIMEOUT_MS: f64 = 300_000.0;

    type Slot = std::cell::RefCell<Option<web_sys::AbortController>>;
    thread_local! {
        /// The abort switch of the modal prompt open now.
        pub static OPEN: Slot = const { std::cell::RefCell::new(None) };
        /// The abort switch of the autofill request waiting now.
        pub static AUTOFILL: Slot = const { std::cell::RefCell::new(None) };
    }

    /// Aborts the request in `slot`, if any.
    pub fn abort_slot(slot: &'static std::thread::LocalKey<Slot>) {
        if let Some(abort) = slot.with(|s| s.borrow_mut().take()) {
            abort.abort();
        }
    }

    pub async fn autofill_available() -> bool {
        let pkc = get(&js_sys::global(), "PublicKeyCredential");
        let Ok(check) = get(&pkc, "isConditionalMediationAvailable").dyn_into::<Function>() else {
            return false;
        };
        let Ok(promise) = check.call0(&pkc).and_then(|p| p.dyn_into::<js_sys::Promise>()) else {
            return false;
        };
        wasm_bindgen_futures::JsFuture::from(promise).await.is_ok_and(|v| v.is_truthy())
    }

    #[wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(js_namespace = PublicKeyCredential, js_name = parseCreationOptionsFromJSON, catch)]
        fn parse_creation(json: &JsValue) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = PublicKeyCredential, js_name = parseRequestOptionsFromJSON, catch)]
        fn parse_request(json: &JsValue) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_namespace = ["navigator", "credentials"], js_name = create, catch)]
        fn credentials_create(options: &JsValue) -> Result<js_sys::Promise, JsValue>;
        #[wasm_bindgen(js_namespace = ["navigator", "credentials"], js_name = get, catch)]
        fn credentials_get(options: &JsValue) -> Result<js_sys::Promise, JsValue>;
    }

    fn get(target: &JsValue, key: &str) -> JsValue {
        Reflect::get(target, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    pub fn available() -> bool {
        let Some(window) = web_sys::window() else { return false };
        let pkc = get(&js_sys::global(), "PublicKeyCredential");
        window.is_secure_context()
            && pkc.is_function()
            && get(&pkc, "parseCreationOptionsFromJSON").is_function()
            && get(&pkc, "parseRequestOptionsFromJSON").is_function()
            && !get(&window.navigator(), "credentials").is_undefined()
    }

    fn refused(e: JsValue) -> AuthenticatorError {
        match get(&e, "name").as_string() {
            Some(name) => AuthenticatorError::from_name(&name),
            None => AuthenticatorError::Other("Error".into()),
        }
    }

    pub async fn ceremony(prompt: Prompt, options: &str) -> Result<String, AuthenticatorError> {
        // One request at a time: a modal prompt ends a waiting autofill request.
        abort_slot(&AUTOFILL);
        let create = prompt == Prompt::Create;
        let json = JSON::parse(options).map_err(|_| AuthenticatorError::Other("options".into()))?;
        let wait = get(&json, "timeout").as_f64().unwrap_or(DEFAULT_TIMEOUT_MS) + MARGIN_MS;
        let public_key = if create { parse_creation(&json) } else { parse_request(&json) };
        let public_key = public_key.map_err(refused)?;
        let abort = web_sys::AbortController::new().map_err(refused)?;
        let request = Object::new();
        let set = |k: &str, v: &JsValue| Reflect::set(&request, &JsValue::from_str(k), v);
        set("publicKey", &public_key).map_err(refused)?;
        set("signal", abort.signal().as_ref()).map_err(refused)?;
        let slot = if prompt == Prompt::Autofill {
            set("mediation", &JsValue::from_str("conditional")).map_err(refused)?;
            &AUTOFILL
        } else {
            &OPEN
        };
        let promise = if create { credentials_create(&request) } else { credentials_get(&request) };
        let answer = wasm_bindgen_futures::JsFuture::from(promise.map_err(refused)?);
        slot.with(|s| *s.borrow_mut() = Some(abort.clone()));
        let answered = if prompt == Prompt::Autofill {
            Some(answer.await)
        } else {
            crate::platform::browser::timeout(wait.min(600_000.0) as i32, answer).await
        };
        // Cleared only if it is still this request's switch (a newer one may have replaced it).
        slot.with(|s| {
            let mut s = s.borrow_mut();
            if s.as_ref().is_some_and(|a| a.signal() == abort.signal()) {
                *s = None;
            }
        });
        let credential = match answered {
            None => {
                abort.abort();
                return Err(AuthenticatorError::TimedOut);
            }
            Some(result) => result.map_err(refused)?,
        };
        if credential.is_null() || credential.is_undefined() {
            return Err(AuthenticatorError::Cancelled);
        }
        let to_json = get(&credential, "toJSON").dyn_into::<Function>().map_err(refused)?;
        let plain = to_json.call0(&credential).map_err(refused)?;
        JSON::stringify(&plain)
            .map_err(refused)?
            .as_string()
            .ok_or_else(|| AuthenticatorError::Other("credential".into()))
    }
}
