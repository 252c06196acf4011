//! Languages: with the browser set to each of the twenty locales, the sign-in, recovery and
//! security screens show no English text, a wrong password's alert is in that language, and the
//! section's root carries `lang` and `dir`; an unknown language falls back to English; the
//! longest languages and a right-to-left one fit a 390 px phone.

use e2e::{Browser, Env, PASSWORD};
use std::collections::{BTreeSet, HashMap};

const LOCALES: [&str; 20] = [
    "ar", "de", "es", "fr", "he", "hi", "id", "it", "ja", "ko", "nl", "pl", "pt-BR", "ru", "sv",
    "th", "tr", "uk", "vi", "zh-CN",
];

/// A locale file's texts by key (its `key = text` lines).
fn table(tag: &str) -> HashMap<String, String> {
    let path = format!("{}/../../locales/{tag}.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// Whether `text` is `template` with its `{placeholders}` filled in.
fn fills(template: &str, text: &str) -> bool {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c + 1);
        pieces.push(&rest[..open]);
        rest = &rest[close..];
    }
    pieces.push(rest);
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if pieces.len() == 1 {
        return text == first;
    }
    let Some(mut left) = text.strip_prefix(first) else { return false };
    for piece in &pieces[1..pieces.len() - 1] {
        match left.find(piece) {
            Some(i) => left = &left[i + piece.len()..],
            None => return false,
        }
    }
    left.ends_with(last)
}

/// Every text a person can read or hear on the page now: text nodes, and the `aria-label`,
/// `alt`, `title` and `placeholder` attributes.
async fn texts(b: &Browser) -> BTreeSet<String> {
    let script = "const out = []; \
        const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); \
        while (w.nextNode()) { const t = w.currentNode.textContent.trim(); if (t) out.push(t); } \
        for (const el of document.body.querySelectorAll('[aria-label],[alt],[title],[placeholder]')) \
          for (const a of ['aria-label','alt','title','placeholder']) { const v = el.getAttribute(a); if (v) out.push(v.trim()); } \
        return out;";
    let list = b.js(script).await;
    list.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
}

/// Waits until the section's root says `lang`; returns its `dir`.
async fn wait_lang(b: &Browser, lang: &str) -> String {
    let script = "const m = document.querySelector('main'); \
        return m && m.getAttribute('lang') ? [m.getAttribute('lang'), m.getAttribute('dir')] : null;";
    e2e::eventually(&format!("lang {lang}"), || async {
        let got = b.js(script).await;
        (got[0].as_str() == Some(lang)).then(|| got[1].as_str().unwrap_or_default().to_owned())
    })
    .await
}

/// Signs `email` in through the sign-in page in language `tag` (texts `t`), on to Security.
async fn to_security(b: &Browser, t: &HashMap<String, String>, tag: &str, email: &str) {
    b.goto("/auth/sign-in?next=/auth/security").await;
    wait_lang(b, tag).await;
    b.fill(&t["email_label"], email).await;
    b.fill(&t["password_label"], PASSWORD).await;
    b.click(&t["sign_in_button"]).await;
    b.heading(&t["security_title"]).await;
}

/// The English texts of the three screens, and of a wrong password's alert.
async fn english(env: &Env, email: &str) -> BTreeSet<String> {
    let b = env.browser().await;
    let mut all = BTreeSet::new();
    b.goto("/auth/sign-in").await;
    assert_eq!(wait_lang(&b, "en").await, "ltr");
    b.heading("Sign in").await;
    all.extend(texts(&b).await);
    b.goto("/auth/recover").await;
    b.heading("Reset your password").await;
    all.extend(texts(&b).await);
    b.sign_in_with("/auth/sign-in?next=/auth/security", email, PASSWORD).await;
    b.heading("Security").await;
    all.extend(texts(&b).await);
    b.close().await;
    all
}

#[tokio::test]
async fn every_locale_shows_no_english() {
    let env = Env::start().await;
    let email = "polyglot@example.com";
    env.create_user(email, PASSWORD, None, None).await;
    let english = english(&env, email).await;

    for tag in LOCALES {
        let t = table(tag);
        // A text the locale keeps as in English ("Account: {email}" in Italian) is no leak.
        let own = |x: &str| t.values().any(|template| fills(template, x));
        let leaked = |shown: BTreeSet<String>, screen: &str| {
            let left: Vec<_> = shown.iter().filter(|x| english.contains(*x) && !own(x)).collect();
            assert!(left.is_empty(), "{tag} {screen}: English on the screen: {left:?}");
        };
        let b = env.browser_in(&format!("{tag},en")).await;
        b.goto("/auth/sign-in").await;
        let dir = wait_lang(&b, tag).await;
        assert_eq!(dir, if matches!(tag, "ar" | "he") { "rtl" } else { "ltr" }, "{tag}");
        b.heading(&t["sign_in_title"]).await;
        leaked(texts(&b).await, "sign-in");

        b.fill(&t["email_label"], email).await;
        b.fill(&t["password_label"], "not-the-password").await;
        b.click(&t["sign_in_button"]).await;
        b.alert(&t["err_invalid_credentials"]).await;
        leaked(texts(&b).await, "sign-in, wrong password");

        b.goto("/auth/recover").await;
        wait_lang(&b, tag).await;
        b.find("//h1").await;
        leaked(texts(&b).await, "recovery");

        to_security(&b, &t, tag, email).await;
        leaked(texts(&b).await, "security");
        b.close().await;
    }
    env.stop().await;
}

#[tokio::test]
async fn an_unknown_language_falls_back_to_english() {
    let env = Env::start().await;
    let b = env.browser_in("xx-YY,xx").await;
    b.goto("/auth/sign-in").await;
    assert_eq!(wait_lang(&b, "en").await, "ltr");
    b.heading("Sign in").await;
    // A region of a language with a table gets that table; Portuguese gets Brazil's.
    let b2 = env.browser_in("pt-PT,pt").await;
    b2.goto("/auth/sign-in").await;
    wait_lang(&b2, "pt-BR").await;
    env.stop().await;
}

/// The elements of the section (and the page itself) that stick out of the viewport:
/// their tag, class and text, empty when everything fits.
async fn overflowing(b: &Browser) -> Vec<String> {
    let script = "const w = document.documentElement.clientWidth; const out = []; \
        if (document.documentElement.scrollWidth > w) out.push('page: ' + document.documentElement.scrollWidth + ' > ' + w); \
        for (const el of document.querySelectorAll('main *')) { \
          const r = el.getBoundingClientRect(); \
          if (r.width && (r.right > w + 0.5 || r.left < -0.5)) \
            out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.left) + '..' + Math.round(r.right) + ': ' + (el.textContent || '').trim().slice(0, 40)); \
        } \
        return out;";
    let list = b.js(script).await;
    list.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
}

/// The languages whose texts run longest (German, Russian) and a right-to-left one (Arabic) on
/// a 390 px phone: nothing sticks out of the screen and every control keeps its 24 px target,
/// on the sign-in, recovery and security screens. Screenshots go to `target/e2e-shots/`
/// (`phone-<tag>-<screen>.png`) for a person to look at.
#[tokio::test]
async fn long_and_right_to_left_languages_fit_a_phone() {
    let env = Env::start().await;
    let email = "phone-polyglot@example.com";
    env.create_user(email, PASSWORD, None, None).await;
    for tag in ["de", "ru", "ar"] {
        let t = table(tag);
        let b = env.browser_in(&format!("{tag},en")).await;
        b.client.set_window_size(390, 844).await.expect("phone size");
        let check = |screen: &'static str| {
            let b = &b;
            async move {
                let out = overflowing(b).await;
                assert!(out.is_empty(), "{tag} {screen} at 390 px: {out:#?}");
                b.assert_target_sizes(&format!("{tag} {screen}, phone")).await;
                b.screenshot(&format!("phone-{tag}-{screen}")).await;
            }
        };
        b.goto("/auth/sign-in").await;
        wait_lang(&b, tag).await;
        b.heading(&t["sign_in_title"]).await;
        check("sign-in").await;
        b.goto("/auth/recover").await;
        wait_lang(&b, tag).await;
        b.find("//h1").await;
        check("recovery").await;
        to_security(&b, &t, tag, email).await;
        check("security").await;
        b.close().await;
    }
    env.stop().await;
}
