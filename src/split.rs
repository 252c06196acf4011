//! Split points: code that a first load does not run. Each feature declares its own with
//! [`points!`], next to the views they show: the sign-up page, the emailed-code step and the
//! sign-in page's offers (`front`), the recovery wizard, its later steps and the
//! emailed link's landing page (`recovery`), the step-up page and the sign-in page's passkey
//! button (`pages`), the signed-in security screen, its forms, its passkeys section and what
//! that section's buttons open (`security`), second-factor verification and the authenticator
//! app's QR code (`components`). Three split points return a future, not a view, and are
//! declared by hand: the locale file reader (`locale`, in `i18n`), the session's refresh
//! (`refresh`, in `session::refresh`) and the start of a social sign-in (`oauth_start`, in
//! `session::oauth`: the buttons are on the sign-in page's first load, what they start is not).
//!
//! With the `split` feature (the standalone app, built by `scripts/build-app.sh`) each is a wasm
//! part of its own, fetched the first time it is shown, so signing in does not download the
//! settings screen. Without it (hosts, tests) they are plain views. The pages that open on
//! split code get their parts as one pack next to the main module ([`PACKS`]).
//!
//! This module imports no feature: the features call it.

#[cfg(feature = "split")]
use leptos::prelude::*;

/// Declares split points, next to their feature. Each item
///
/// ```text
/// /// Docs.
/// #[part(security)] pub(crate) fn security_screen(leaving: StoredValue<bool>) => view! { <Screen leaving/> };
/// ```
///
/// becomes a function of that name and arguments that shows the view. With the `split` feature
/// it shows nothing until the part `security` (`split_security.wasm` and the chunks it shares)
/// is fetched, then the view; a failed fetch is an alert with *Try again* (`#[part(name,
/// card)]`: in a card of its own, for a whole page). The part names are the wasm files' names,
/// which `scripts/split-parts.mjs` packs ([`PACKS`]); each is declared once in the crate.
/// The arguments are cloned for every attempt, so they are `Clone + Send + Sync`.
macro_rules! points {
    ($(
        $(#[doc = $doc:literal])*
        #[part($part:ident $(, $card:ident)?)]
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) => $view:expr;
    )+) => {
        $(
            $(#[doc = $doc])*
            $vis fn $name($($arg: $ty),*) -> ::leptos::prelude::AnyView {
                #[cfg(feature = "split")]
                return $crate::split::lazy($crate::split::points!(@card $($card)?), move || {
                    split_points::$name($(::core::clone::Clone::clone(&$arg)),*)
                });
                #[cfg(not(feature = "split"))]
                ::leptos::prelude::IntoAny::into_any($view)
            }
        )+

        /// The split points of this module: the macro turns each fn into an `async fn` that
        /// loads its part first (a failed load is the `Err`); its loader (and the same one for
        /// the locale reader, `i18n::reader`) is the only `unsafe` code in the crate. The view
        /// is built untracked: it is built inside the `Suspend`, which would otherwise re-run
        /// whenever a signal the page reads changes.
        #[cfg(feature = "split")]
        #[allow(unsafe_code, improper_ctypes_definitions)]
        mod split_points {
            use super::*;
            $(
                #[::leptos::wasm_split::wasm_split($part, wasm_split_path = ::leptos::wasm_split, fallible)]
                pub fn $name(
                    $($arg: $ty),*
                ) -> Result<::leptos::prelude::AnyView, ::leptos::wasm_split::SplitLoaderError> {
                    Ok(::leptos::prelude::untrack(move || ::leptos::prelude::IntoAny::into_any($view)))
                }
            )+
        }
    };
    (@card card) => { true };
    (@card) => { false };
}
pub(crate) use points;

/// Shows a split point's view once its part is loaded (nothing before: one small fetch). If the
/// fetch fails (offline), an alert with a retry button (in a card of its own for a whole
/// page, `card`); a retry fetches again.
#[cfg(feature = "split")]
pub(crate) fn lazy<Fut>(card: bool, load: impl Fn() -> Fut + Send + Sync + 'static) -> AnyView
where
    Fut: std::future::Future<Output = Result<AnyView, leptos::wasm_split::SplitLoaderError>>
        + 'static,
{
    shown_when_loaded(card, std::sync::Arc::new(move || Box::pin(load()) as Loading))
}

/// A split point's load, boxed so that [`shown_when_loaded`] is one function for them all.
#[cfg(feature = "split")]
type Loading = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<AnyView, leptos::wasm_split::SplitLoaderError>>>,
>;

/// The body of [`lazy`], not generic: the suspense and retry code is in the bundle once
/// instead of once per split point (measured: a generic body repeated it for every point).
#[cfg(feature = "split")]
#[inline(never)]
fn shown_when_loaded(
    card: bool,
    load: std::sync::Arc<dyn Fn() -> Loading + Send + Sync>,
) -> AnyView {
    let attempt = RwSignal::new(0u32);
    let retry = move || attempt.update(|n| *n += 1);
    (move || {
        attempt.track();
        let part = load();
        Suspend::new(send_wrapper::SendWrapper::new(async move {
            part.await.unwrap_or_else(|_| view! { <LoadFailed card retry/> }.into_any())
        }))
    })
    .into_any()
}

/// What a failed part fetch shows.
#[cfg(feature = "split")]
#[component]
fn LoadFailed(card: bool, retry: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let s = crate::use_auth().strings();
    view! {
        <div class:lsa-card=card>
            <p class="lsa-alert" role="alert">{s.err_load_part}</p>
            <button type="button" class="lsa-button" on:click=move |_| retry()>{s.retry}</button>
        </div>
    }
}

/// A page that opens on split code: `web/boot.js` fetches its pack, `pack_<name>.wasm`, next to
/// the main module (for a signed-in page only when a session is stored), and
/// `scripts/split-parts.mjs` builds that pack from the page's first parts.
#[cfg(test)]
struct Pack {
    name: &'static str,
    route: crate::AuthRoute,
    stored_session: bool,
    parts: &'static [&'static str],
}

/// The packs: the one list that `web/boot.js` (paths, names, the session's storage key) and
/// `scripts/split-parts.mjs` (names, parts) copy; the tests below fail when a copy drifts.
#[cfg(test)]
const PACKS: &[Pack] = {
    use crate::AuthRoute::*;
    &[
        Pack { name: "recovery", route: Recover, stored_session: false, parts: &["recovery"] },
        Pack { name: "sign_up", route: SignUp, stored_session: false, parts: &["sign_up"] },
        Pack { name: "confirm", route: Confirm, stored_session: false, parts: &["confirm"] },
        Pack { name: "callback", route: Callback, stored_session: false, parts: &["callback"] },
        Pack { name: "security", route: Security, stored_session: true, parts: &["security"] },
        Pack {
            name: "mfa",
            route: Mfa,
            stored_session: true,
            parts: &["step_up", "second_factor"],
        },
    ]
};

/// A part a page shows after its first load, fetched as one file: its modules that the page's
/// pack does not hold (`pack_<name>.wasm`, which the part's loader asks for).
#[cfg(test)]
struct Later {
    name: &'static str,
    page: &'static str,
    parts: &'static [&'static str],
}

/// The later packs: `scripts/split-parts.mjs` copies this list; a test fails when it drifts.
#[cfg(test)]
const LATER: &[Later] = &[Later { name: "passkeys", page: "security", parts: &["passkeys"] }];

#[cfg(test)]
mod tests {
    use super::{LATER, PACKS};
    use std::collections::BTreeMap;

    /// The quoted strings of a line of JS, in order.
    fn quoted(line: &str) -> Vec<String> {
        line.split('"').skip(1).step_by(2).map(str::to_owned).collect()
    }

    /// The lines of `text` between the line that starts with `start` and the next `end` line.
    fn block<'a>(text: &'a str, start: &str, end: &str) -> Vec<&'a str> {
        let mut lines = text.lines().skip_while(|l| !l.starts_with(start));
        assert!(lines.next().is_some(), "no `{start}`");
        lines.take_while(|l| l.trim() != end).collect()
    }

    /// The `#[part(name…)]` of every split point declared in the crate's sources.
    fn declared_parts() -> Vec<String> {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for line in text.lines().map(str::trim).filter(|l| l.starts_with("#[part(")) {
                        let name = &line["#[part(".len()..];
                        let end = name.find([',', ')']).unwrap();
                        let name = name[..end].trim();
                        // (not the macro's own pattern)
                        if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                            found.push(name.to_owned());
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
        found
    }

    #[test]
    fn split_parts_mjs_packs_the_parts_of_the_table() {
        let mjs = include_str!("../scripts/split-parts.mjs");
        let packs: BTreeMap<String, Vec<String>> = block(mjs, "const PACKS = {", "};")
            .into_iter()
            .map(|l| (l.trim().split(':').next().unwrap().to_owned(), quoted(l)))
            .collect();
        let table: BTreeMap<String, Vec<String>> = PACKS
            .iter()
            .map(|p| (p.name.to_owned(), p.parts.iter().map(|s| s.to_string()).collect()))
            .collect();
        assert_eq!(packs, table, "scripts/split-parts.mjs PACKS");
    }

    #[test]
    fn split_parts_mjs_packs_the_later_parts_of_the_table() {
        let mjs = include_str!("../scripts/split-parts.mjs");
        let later: Vec<Vec<String>> = block(mjs, "const LATER = {", "};")
            .into_iter()
            .map(|l| {
                let name = l.trim().split(':').next().unwrap().to_owned();
                [vec![name], quoted(l)].concat()
            })
            .collect();
        let table: Vec<Vec<String>> = LATER
            .iter()
            .map(|l| {
                let head = [l.name, l.page].map(str::to_owned);
                [head.to_vec(), l.parts.iter().map(|s| s.to_string()).collect()].concat()
            })
            .collect();
        assert_eq!(later, table, "scripts/split-parts.mjs LATER");
        let declared = declared_parts();
        for l in LATER {
            assert!(PACKS.iter().any(|p| p.name == l.page), "later pack {}: no page pack", l.name);
            for part in l.parts {
                assert!(declared.iter().any(|d| d == part), "no split point declares `{part}`");
            }
        }
    }

    #[test]
    fn boot_js_asks_for_the_packs_of_the_table_by_path() {
        let boot = include_str!("../web/boot.js");
        let base = crate::AuthConfig::new("", "").base;
        let pages: Vec<(String, String, bool)> = block(boot, "const PACKS = [", "];")
            .into_iter()
            .map(|l| match quoted(l).as_slice() {
                [path, name] => (path.clone(), name.clone(), l.contains("true")),
                _ => panic!("web/boot.js PACKS line: {l}"),
            })
            .collect();
        let table: Vec<_> = PACKS
            .iter()
            .map(|p| (p.route.path(&base), p.name.to_owned(), p.stored_session))
            .collect();
        assert_eq!(pages, table, "web/boot.js PACKS");
        let key = crate::AuthConfig::new("", "").storage_key().to_owned();
        let line = boot.lines().find(|l| l.starts_with("const SESSION_KEY =")).unwrap();
        assert_eq!(quoted(line), [key], "web/boot.js SESSION_KEY");
    }

    #[test]
    fn every_part_is_declared_once_and_the_packs_name_declared_parts() {
        let declared = declared_parts();
        for part in &declared {
            let times = declared.iter().filter(|d| *d == part).count();
            assert_eq!(times, 1, "part `{part}` is declared {times} times");
        }
        for part in PACKS.iter().flat_map(|p| p.parts) {
            assert!(declared.iter().any(|d| d == part), "no split point declares part `{part}`");
        }
        assert!(declared.len() >= 14, "split points found: {declared:?}");
    }
}
