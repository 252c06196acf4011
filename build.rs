//! Writes `style/lsa.css` without its comments and extra whitespace to `$OUT_DIR/lsa.css`: the
//! copy compiled into the crate (`src/style.rs`), about 450 B brotli less on every page. The
//! file in `style/` keeps its comments for the hosts that read or link it.

fn main() {
    println!("cargo::rerun-if-changed=style/lsa.css");
    let css = std::fs::read_to_string("style/lsa.css").expect("style/lsa.css");
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(std::path::Path::new(&out).join("lsa.css"), minify(&css)).expect("write");
}

/// Drops comments, collapses each run of whitespace to one space and drops it next to `{`, `}`,
/// `;` and `,`. The stylesheet has no strings or URLs that hold `/*` or meaningful runs of
/// spaces (`src/style.rs` tests that only whitespace and comments went).
fn minify(css: &str) -> String {
    let mut text = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        let end = rest[start..].find("*/").map_or(rest.len(), |e| start + e + 2);
        text.push(' ');
        rest = &rest[end..];
    }
    text.push_str(rest);
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        let glued = |c: char| matches!(c, '{' | '}' | ';' | ',');
        if !out.is_empty() && !out.ends_with(glued) && !word.starts_with(glued) {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
