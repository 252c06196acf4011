//! Languages: which one the section shows, its texts, and its plurals and numbers.
//!
//! English is built in ([`Strings::EN`]). Each other language is a locale file,
//! `locales/<tag>.txt` in this crate, fetched only when that language is chosen and read into
//! a [`Strings`]. The choice is the host's (`AuthConfig::with_locale`) or else the browser's
//! (`navigator.languages`), matched by [`negotiate`]. Plural forms and numbers come from the
//! browser's `Intl`, which costs the wasm nothing.
//!
//! A locale file is UTF-8 text: `#` comment lines (the header: the language, a reviewer's note,
//! a glossary), then one `key = text` line per field of [`Strings`] in the table's order, each
//! followed by the other plural forms of a text with a count, `key[few] = text` (CLDR
//! categories; the plain line is `other`).

use crate::config::AuthConfig;
use crate::strings::Strings;
use leptos::prelude::*;

/// The languages with a locale file, besides English.
pub const LOCALES: [&str; 20] = [
    "ar", "de", "es", "fr", "he", "hi", "id", "it", "ja", "ko", "nl", "pl", "pt-BR", "ru", "sv",
    "th", "tr", "uk", "vi", "zh-CN",
];

/// The locale to show for preferred languages, most preferred first (as `navigator.languages`
/// or a host's choice): the first preference that has a table, matched by language and region,
/// else by language alone (`pt` and `pt-PT` → `pt-BR`, `zh-Hans-CN` → `zh-CN`, `de-AT` → `de`);
/// English (`en`) when none does.
///
/// Traditional Chinese (`zh-Hant`, `zh-TW`, `zh-HK`, `zh-MO`) matches nothing rather than
/// Simplified Chinese: the next preference, or English, is the better guess.
pub fn negotiate<S: AsRef<str>>(preferred: &[S]) -> &'static str {
    for tag in preferred {
        let Some(want) = Subtags::of(tag.as_ref()) else { continue };
        let is = |a: Option<&str>, b: &str| a.is_some_and(|a| a.eq_ignore_ascii_case(b));
        if want.lang == "en" {
            return "en";
        }
        let traditional = is(want.script, "hant")
            || (want.script.is_none() && ["tw", "hk", "mo"].iter().any(|r| is(want.region, r)));
        if want.lang == "zh" && traditional {
            continue;
        }
        let have = |l: &'static str| Subtags::of(l).map(|h| (h.lang, h.region));
        let exact = |l: &&'static str| {
            have(l)
                .is_some_and(|(lang, r)| lang == want.lang && r.is_some_and(|r| is(want.region, r)))
        };
        let base = |l: &&'static str| have(l).is_some_and(|(lang, _)| lang == want.lang);
        let mut locales = LOCALES.iter().copied();
        if let Some(l) = locales.clone().find(exact).or_else(|| locales.find(base)) {
            return l;
        }
    }
    "en"
}

/// A tag's language (lower case; old codes become today's: `iw` → `he`, `in` → `id`), script
/// and region subtags (`zh-Hans_CN` → `zh`, `Hans`, `CN`).
struct Subtags<'a> {
    lang: &'static str,
    script: Option<&'a str>,
    region: Option<&'a str>,
}

impl<'a> Subtags<'a> {
    /// None for an empty tag, or a language this crate has no table for (nor English).
    fn of(tag: &'a str) -> Option<Subtags<'a>> {
        let mut parts = tag.trim().split(['-', '_']);
        let first = parts.next()?;
        let lang = match first.to_ascii_lowercase().as_str() {
            "iw" => "he",
            "in" => "id",
            "en" => "en",
            l => LOCALES.iter().map(|t| t.split('-').next().unwrap_or(t)).find(|b| *b == l)?,
        };
        let (mut script, mut region) = (None, None);
        for p in parts {
            match p.len() {
                4 if script.is_none() && region.is_none() => script = Some(p),
                2 | 3 if region.is_none() => region = Some(p),
                _ => {}
            }
        }
        Some(Subtags { lang, script, region })
    }
}

/// The writing direction of a language: `rtl` for Arabic, Hebrew, Persian and Urdu.
pub fn dir(lang: &str) -> &'static str {
    match lang.split('-').next().unwrap_or_default() {
        "ar" | "he" | "fa" | "ur" => "rtl",
        _ => "ltr",
    }
}

/// Reads a locale file (see the module doc) for the language `lang`. None unless it has
/// exactly one text per field of [`Strings`], each plural form after its text.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn parse(text: &'static str, lang: &'static str) -> Option<Strings> {
    let mut texts = Vec::new();
    let mut forms = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(" = ")?;
        match key.strip_suffix(']').and_then(|k| k.split_once('[')) {
            Some((_, category)) => forms.push((texts.len().checked_sub(1)?, category, value)),
            None => texts.push(value),
        }
    }
    let mut next = texts.iter().copied();
    let mut short = false;
    let plurals: Vec<_> = forms.into_iter().map(|(i, cat, form)| (texts[i], cat, form)).collect();
    let strings = Strings::from_texts(
        &mut || {
            next.next().unwrap_or_else(|| {
                short = true;
                ""
            })
        },
        lang,
        Box::leak(plurals.into_boxed_slice()),
    );
    (!short && next.next().is_none()).then_some(strings)
}

/// The CLDR plural category (`one`, `few`, `other`, …) of `n` in `lang`, from the browser's
/// `Intl.PluralRules` (outside a browser: English's rule).
pub(crate) fn plural_category(lang: &str, n: u64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let locales = js_sys::Array::of1(&lang.into());
        let rules = js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new());
        rules.select(n as f64).into()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = lang;
        if n == 1 { "one" } else { "other" }.to_owned()
    }
}

/// `n` written as `lang` writes numbers (`Number.prototype.toLocaleString`).
pub(crate) fn number(lang: &str, n: u64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Number::from(n as f64).to_locale_string(lang).into()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = lang;
        n.to_string()
    }
}

/// A calendar date (`2026-11-23`) as `lang` writes it (`Intl.DateTimeFormat`, medium style:
/// `23.11.2026`, `Nov 23, 2026`); unchanged outside a browser.
pub(crate) fn date(lang: &str, ymd: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let options = js_sys::Object::new();
        let set = |k: &str, v: &str| js_sys::Reflect::set(&options, &k.into(), &v.into());
        let _ = (set("dateStyle", "medium"), set("timeZone", "UTC"));
        let day = js_sys::Date::new(&ymd.into());
        if day.get_time().is_nan() {
            return ymd.to_owned();
        }
        day.to_locale_date_string(lang, &options).into()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = lang;
        ymd.to_owned()
    }
}

/// Days from the calendar date `from` to `to` (both `2026-11-23`); None unless both are dates.
pub(crate) fn days_between(from: &str, to: &str) -> Option<i64> {
    Some(day_number(to)? - day_number(from)?)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn day_number(ymd: &str) -> Option<i64> {
    let mut parts = ymd.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Today's calendar date in UTC (`2026-12-07`), as GoTrue's times are; empty outside a browser.
pub(crate) fn today() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::Date::new_0().to_iso_string()).chars().take(10).collect()
    }
    #[cfg(not(target_arch = "wasm32"))]
    String::new()
}

/// `days` days ago as `lang` says it (`Intl.RelativeTimeFormat`, `numeric: "auto"`): `today`,
/// `yesterday`, `3 days ago`; outside a browser, English.
pub(crate) fn days_ago(lang: &str, days: i64) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let locales = js_sys::Array::of1(&lang.into());
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"numeric".into(), &"auto".into());
        let format = js_sys::Intl::RelativeTimeFormat::new(&locales, &options);
        format.format(-(days as f64), "day").into()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = lang;
        match days {
            0 => "today".to_owned(),
            1 => "yesterday".to_owned(),
            n => format!("{n} days ago"),
        }
    }
}

impl Strings {
    /// `text`, one of this table's texts with a count (`{n}`, `{s}` or `{minutes}`), for the
    /// count `n`: in the plural form the browser's `Intl.PluralRules` picks for this language,
    /// with `n` written as the language writes numbers.
    pub fn count(&self, text: &'static str, n: u64) -> String {
        let category = plural_category(self.lang, n);
        let form = self
            .plurals
            .iter()
            .find(|(other, cat, _)| std::ptr::eq(*other, text) && *cat == category)
            .map_or(text, |p| p.2);
        let n = number(self.lang, n);
        form.replace("{n}", &n).replace("{s}", &n).replace("{minutes}", &n)
    }

    /// A calendar date (`2026-11-23`) as this language writes it.
    pub fn date(&self, ymd: &str) -> String {
        date(self.lang, ymd)
    }

    /// When something happened on `ymd`, seen on `today`: `ago` (a text with `{ago}`) with the
    /// browser's relative phrase within the last 30 days ("Added 3 days ago"), else `on` (a
    /// text with `{date}`) with the date ("Added 23 Nov 2026").
    pub fn dated(&self, ymd: &str, today: &str, on: &str, ago: &str) -> String {
        match days_between(ymd, today).filter(|d| (0..=30).contains(d)) {
            Some(days) => ago.replace("{ago}", &days_ago(self.lang, days)),
            None => on.replace("{date}", &self.date(ymd)),
        }
    }
}

/// The browser's preferred languages (`navigator.languages`), most preferred first.
pub(crate) fn browser_languages() -> Vec<String> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .map(|w| w.navigator().languages().iter().filter_map(|l| l.as_string()).collect())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        Vec::new()
    }
}

/// Fetches and reads the locale file of `tag` from `url` (a folder URL such as `/locales`):
/// None when it cannot be fetched or read (the section then stays in English).
#[cfg(target_arch = "wasm32")]
pub(crate) async fn load(url: String, tag: &'static str) -> Option<&'static Strings> {
    #[cfg(feature = "split")]
    return reader::load(url, tag).await.ok()?.await;
    #[cfg(not(feature = "split"))]
    fetch_and_read(url, tag).await
}

/// The body of [`load`].
#[cfg(target_arch = "wasm32")]
async fn fetch_and_read(url: String, tag: &'static str) -> Option<&'static Strings> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let href = [url.trim_end_matches('/'), "/", tag, ".txt"].concat();
    let resp = JsFuture::from(web_sys::window()?.fetch_with_str(&href)).await.ok()?;
    let resp: web_sys::Response = resp.dyn_into().ok()?;
    if !resp.ok() {
        return None;
    }
    let text = JsFuture::from(resp.text().ok()?).await.ok()?.as_string()?;
    let strings = parse(Box::leak(text.into_boxed_str()), tag)?;
    Some(Box::leak(Box::new(strings)))
}

/// In the split app the loader (the fetch, and a line per text of the table: the biggest code
/// of this module) is a part of its own, `locale`, fetched before the first locale file:
/// English is built in and never needs it. A split point that returns a future, not a view, so
/// it is declared here and not with `split::points!`.
#[cfg(feature = "split")]
#[allow(unsafe_code, improper_ctypes_definitions)]
mod reader {
    use super::Strings;
    use leptos::wasm_split::SplitLoaderError;
    use std::{future::Future, pin::Pin};

    /// A locale file being fetched and read.
    pub type Loading = Pin<Box<dyn Future<Output = Option<&'static Strings>>>>;

    #[leptos::wasm_split::wasm_split(locale, wasm_split_path = ::leptos::wasm_split, fallible)]
    pub fn load(url: String, tag: &'static str) -> Result<Loading, SplitLoaderError> {
        Ok(Box::pin(super::fetch_and_read(url, tag)))
    }
}

/// Chooses the language for `config` and puts its table, with the host's changes
/// ([`AuthConfig::with_texts`]), in `language`: at once for English, once its locale file has
/// loaded for any other (English if it cannot be loaded). With a host's signal
/// ([`AuthConfig::with_locale_signal`]), again whenever it changes.
pub(crate) fn choose(config: AuthConfig, language: RwSignal<Option<&'static Strings>>) {
    match config.locale_signal {
        Some(signal) => {
            Effect::new(move |_| show(&config, &signal.get(), language));
        }
        None => show(&config, config.locale.as_deref().unwrap_or_default(), language),
    }
}

/// Shows the language that `wanted` (a tag; empty: the browser's languages) matches.
fn show(config: &AuthConfig, wanted: &str, language: RwSignal<Option<&'static Strings>>) {
    let preferred = match wanted {
        "" => browser_languages(),
        tag => vec![tag.to_owned()],
    };
    let tag = negotiate(&preferred);
    let (base, texts) = (config.strings, config.texts);
    let finish = move |table: Option<&'static Strings>| {
        let table = table.unwrap_or(base);
        let table = match texts {
            Some(change) => {
                let mut changed = *table;
                change(&mut changed);
                &*Box::leak(Box::new(changed))
            }
            None => table,
        };
        let _ = language.try_set(Some(table));
    };
    #[cfg(all(target_arch = "wasm32", not(feature = "ssr")))]
    if tag != "en" {
        let url = config.locales_url.clone();
        leptos::task::spawn_local(async move { finish(load(url, tag).await) });
        return;
    }
    let _ = tag;
    finish(None);
}

/// The section's outermost element for the host's routes: `lang` and `dir` of the language
/// shown, and nothing inside until its texts are there.
#[component]
pub(crate) fn Section(children: ChildrenFn) -> impl IntoView {
    let auth = crate::use_auth();
    move || {
        auth.language().map(|s| {
            view! { <div class="lsa-section" lang=s.lang dir=dir(s.lang)>{children()}</div> }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn negotiation_matches_language_then_region() {
        let cases: &[(&[&str], &str)] = &[
            (&["de-DE", "en"], "de"),
            (&["de-AT"], "de"),
            (&["pt"], "pt-BR"),
            (&["pt-PT"], "pt-BR"),
            (&["pt-br"], "pt-BR"),
            (&["zh-Hans-CN"], "zh-CN"),
            (&["zh"], "zh-CN"),
            (&["zh_CN"], "zh-CN"),
            (&["zh-TW", "ja"], "ja"),
            (&["zh-Hant"], "en"),
            (&["zh-HK", "fr"], "fr"),
            (&["xx", "en-GB"], "en"),
            (&["xx"], "en"),
            (&["en-US", "de"], "en"),
            (&["", "  ", "sv-SE"], "sv"),
            (&["iw-IL"], "he"),
            (&["in"], "id"),
            (&["AR-eg"], "ar"),
            (&["deu"], "en"),
            (&[], "en"),
        ];
        for (prefs, want) in cases {
            assert_eq!(negotiate(prefs), *want, "{prefs:?}");
        }
    }

    #[test]
    fn days_between_calendar_dates() {
        assert_eq!(days_between("2026-12-07", "2026-12-07"), Some(0));
        assert_eq!(days_between("2026-12-06", "2026-12-07"), Some(1));
        assert_eq!(days_between("2026-11-30", "2026-12-07"), Some(7));
        assert_eq!(days_between("2024-02-28", "2024-03-01"), Some(2), "leap year");
        assert_eq!(days_between("2025-12-31", "2026-01-01"), Some(1));
        assert_eq!(days_between("1970-01-01", "2000-01-01"), Some(10_957));
        assert_eq!(days_between("2026-12-08", "2026-12-07"), Some(-1));
        assert_eq!(days_between("2026-13-01", "2026-12-07"), None);
        assert_eq!(days_between("", "2026-12-07"), None);
        assert_eq!(days_between("2026-12-07", ""), None);
    }

    #[test]
    fn recent_days_are_relative_older_ones_dates() {
        let s = Strings::EN;
        let dated = |ymd| s.dated(ymd, "2026-12-07", "Added {date}", "Added {ago}");
        assert_eq!(dated("2026-12-07"), "Added today");
        assert_eq!(dated("2026-12-06"), "Added yesterday");
        assert_eq!(dated("2026-11-07"), "Added 30 days ago");
        assert_eq!(dated("2026-11-06"), "Added 2026-11-06", "a month and more: the date");
        assert_eq!(dated("2026-12-09"), "Added 2026-12-09", "a clock behind: the date");
        assert_eq!(s.dated("2026-12-07", "", "Added {date}", "Added {ago}"), "Added 2026-12-07");
    }

    #[test]
    fn right_to_left_languages() {
        assert_eq!(dir("ar"), "rtl");
        assert_eq!(dir("he"), "rtl");
        assert_eq!(dir("de"), "ltr");
        assert_eq!(dir("en"), "ltr");
        assert_eq!(dir("zh-CN"), "ltr");
    }

    /// Every locale file, as shipped in `locales/`.
    fn files() -> Vec<(&'static str, &'static str)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/locales");
        LOCALES
            .iter()
            .map(|tag| {
                let path = [dir, "/", tag, ".txt"].concat();
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
                (*tag, &*Box::leak(text.into_boxed_str()))
            })
            .collect()
    }

    fn placeholders(text: &str) -> BTreeSet<&str> {
        text.match_indices('{')
            .filter_map(|(i, _)| text[i..].find('}').map(|j| &text[i..=i + j]))
            .collect()
    }

    /// Every locale has exactly the keys English has, in English's order, with the same
    /// placeholders in every form; plural forms only for texts with a count, in CLDR
    /// categories; a header with a reviewer's note and a glossary.
    #[test]
    fn every_locale_is_complete() {
        let en = Strings::EN.texts();
        let counts = ["{n}", "{s}", "{minutes}"];
        for (tag, text) in files() {
            let mut keys = Vec::new();
            for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
                let (key, value) =
                    line.split_once(" = ").unwrap_or_else(|| panic!("{tag}: {line}"));
                assert_eq!(value, value.trim(), "{tag}: {key}: spaces around the text");
                assert!(!value.is_empty(), "{tag}: {key} is empty");
                let (name, category) = match key.strip_suffix(']').and_then(|k| k.split_once('[')) {
                    Some((name, category)) => (name, Some(category)),
                    None => (key, None),
                };
                let i = Strings::KEYS.iter().position(|k| *k == name);
                let i = i.unwrap_or_else(|| panic!("{tag}: {name} is not a key English has"));
                assert_eq!(placeholders(value), placeholders(en[i]), "{tag}: {key}: placeholders");
                match category {
                    Some(c) => {
                        assert!(
                            ["zero", "one", "two", "few", "many"].contains(&c),
                            "{tag}: {key}: not a CLDR category"
                        );
                        assert!(
                            counts.iter().any(|n| en[i].contains(n)),
                            "{tag}: {key}: plural forms are for texts with a count"
                        );
                        assert_eq!(keys.last(), Some(&name), "{tag}: {key} must follow {name}");
                    }
                    None => keys.push(name),
                }
            }
            let missing: Vec<_> = Strings::KEYS.iter().filter(|k| !keys.contains(k)).collect();
            assert!(missing.is_empty(), "{tag} lacks {missing:?}");
            assert_eq!(keys, Strings::KEYS, "{tag}: keys twice or out of English's order");
            let header: String = text.lines().take_while(|l| l.starts_with('#')).collect();
            assert!(header.contains("Reviewer's note:"), "{tag}: no reviewer's note in the header");
            assert!(header.contains("Glossary:"), "{tag}: no glossary in the header");
            let strings = parse(text, tag).unwrap_or_else(|| panic!("{tag} does not parse"));
            assert_eq!(strings.lang, tag);
        }
    }

    #[test]
    fn a_file_reads_into_a_table_with_its_plural_forms() {
        let mut text = String::from("# header\n\n");
        for (key, en) in Strings::KEYS.iter().zip(Strings::EN.texts()) {
            text.push_str(&[key, " = <", en, ">\n"].concat());
            if *key == "resend_in" {
                text.push_str("resend_in[one] = in {s} second\n");
            }
        }
        let text: &'static str = Box::leak(text.into_boxed_str());
        let s = parse(text, "xx").expect("complete file");
        assert_eq!(s.sign_in_title, "<Sign in>");
        assert_eq!(s.lang, "xx");
        assert_eq!(s.count(s.resend_in, 1), "in 1 second");
        assert_eq!(s.count(s.resend_in, 5), "<You can request a new code in 5 s>");
        assert_eq!(
            Strings::EN.count(Strings::EN.resend_in, 1),
            "You can request a new code in 1 s"
        );

        let short = &text[..text.rfind("\n").unwrap()];
        let short = &short[..short.rfind('\n').unwrap()];
        assert!(parse(short, "xx").is_none(), "a file with a text missing");
        let long: &'static str = Box::leak([text, "extra = x\n"].concat().into_boxed_str());
        assert!(parse(long, "xx").is_none(), "a file with a text too many");
        assert!(parse("resend_in[one] = x\n", "xx").is_none(), "a plural form before any text");
        assert!(parse("no separator\n", "xx").is_none());
    }
}
