//! The section's stylesheet comes with the code: `style/lsa.css` is compiled in and applied once
//! per document as a constructable stylesheet (`new CSSStyleSheet()`, `replaceSync`, then
//! `document.adoptedStyleSheets`), which a strict `style-src 'self'` allows, where an injected
//! `<style>` would be blocked. Its rules sit in the cascade layer `lsa`, so any plain rule of the
//! host wins without `!important`; theming is the custom properties the file documents. A host
//! that links the file itself turns this off ([`crate::AuthConfig::with_stylesheet`]).

/// `style/lsa.css` as compiled in: without comments and extra whitespace (`build.rs`).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const SHEET: &str = include_str!(concat!(env!("OUT_DIR"), "/lsa.css"));

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
        if sheet.replace_sync(SHEET).is_ok() {
            doc.adopted_style_sheets().push(&sheet);
            ADOPTED.set(true);
        }
    }
}

#[cfg(test)]
mod tests {
    /// The words of `text` without its comments, split at whitespace and around `{};,`.
    fn words(text: &str) -> Vec<String> {
        let mut rest = text;
        let mut kept = String::new();
        while let Some(start) = rest.find("/*") {
            kept.push_str(&rest[..start]);
            kept.push(' ');
            rest = &rest[start + rest[start..].find("*/").unwrap() + 2..];
        }
        kept.push_str(rest);
        let spaced: String = kept
            .chars()
            .flat_map(|c| match c {
                '{' | '}' | ';' | ',' => vec![' ', c, ' '],
                c => vec![c],
            })
            .collect();
        spaced.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn the_compiled_in_sheet_is_the_file_less_comments_and_whitespace() {
        let file = include_str!("../style/lsa.css");
        assert_eq!(words(super::SHEET), words(file));
        assert!(!super::SHEET.contains("/*") && !super::SHEET.contains('\n'));
        assert!(super::SHEET.len() < file.len() * 9 / 10);
    }
}
