//! The section's stylesheet comes with the code: `style/lsa.css` is compiled in and applied once
//! per document as a constructable stylesheet (`new CSSStyleSheet()`, `replaceSync`, then
//! `document.adoptedStyleSheets`), which a strict `style-src 'self'` allows, where an injected
//! `<style>` would be blocked. Its rules sit in the cascade layer `lsa`, so any plain rule of the
//! host wins without `!important`; theming is the custom properties the file documents. A host
//! that links the file itself turns this off ([`crate::AuthConfig::with_stylesheet`]).

/// Adopts the stylesheet into the document, unless this document already has it.
pub(crate) fn adopt() {
    #[cfg(target_arch = "wasm32")]
    {
        use std::cell::Cell;
        thread_local!(static ADOPTED: Cell<bool> = const { Cell::new(false) });
        if ADOPTED.get() {
            return;
        }
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let Ok(sheet) = web_sys::CssStyleSheet::new() else { return };
        if sheet.replace_sync(include_str!("../style/lsa.css")).is_ok() {
            doc.adopted_style_sheets().push(&sheet);
            ADOPTED.set(true);
        }
    }
}
