//! The published crates hold what a user needs and nothing else (`cargo package --list`): the
//! section its code, build script, stylesheet, locale files and the split build a host can run
//! (`scripts/build-app.sh` and its helpers); the emulator its code. No test suites, recordings,
//! other scripts, examples or figures.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::process::Command;

/// The files `cargo package` would put in `krate`'s `.crate`.
fn packaged(krate: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline", "-p", krate])
        .current_dir(root)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo package --list -p {krate}: {stderr}");
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect()
}

/// Paths no package may hold but those `allowed`: tests, recordings, the e2e crate, scripts,
/// the standalone app's page, examples, figures.
fn assert_nothing_extra(krate: &str, files: &[String], allowed: &[String]) {
    let extra: Vec<_> = files
        .iter()
        .filter(|f| !allowed.contains(f))
        .filter(|f| {
            ["tests/", "emulator/", "scripts/", "web/", "examples/", "target/", "dist", ".ci/"]
                .iter()
                .any(|p| f.starts_with(p))
                || [".png", ".jpg", ".svg", ".jsonl", ".mjs", ".sh"].iter().any(|e| f.ends_with(e))
        })
        .collect();
    assert!(extra.is_empty(), "{krate} would publish {extra:?}");
}

#[test]
fn the_section_packages_its_code_stylesheet_and_locales_only() {
    let files = packaged("leptos-supabase-auth");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut needed =
        vec!["Cargo.toml", "README.md", "src/lib.rs", "style/lsa.css", "locales/de.txt"];
    // The build script (when the crate has one) builds the stylesheet in.
    if root.join("build.rs").exists() {
        needed.push("build.rs");
    }
    for n in needed {
        assert!(files.iter().any(|f| f == n), "the package lacks {n}: {files:?}");
    }
    let locales = std::fs::read_dir(root.join("locales")).unwrap().count();
    assert_eq!(files.iter().filter(|f| f.starts_with("locales/")).count(), locales);
    // The split build: the script and every helper it or a helper runs, no other script.
    let mut split = vec!["scripts/build-app.sh".to_owned()];
    let mut i = 0;
    while let Some(file) = split.get(i).cloned() {
        let text = std::fs::read_to_string(root.join(&file)).unwrap();
        for (at, _) in text.match_indices(".mjs") {
            let start = text[..at].rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-'));
            let name = format!("scripts/{}.mjs", &text[start.map_or(0, |s| s + 1)..at]);
            if root.join(&name).exists() && !split.contains(&name) {
                split.push(name);
            }
        }
        i += 1;
    }
    assert!(split.len() >= 5, "the split build's helpers: {split:?}");
    for n in &split {
        assert!(files.contains(n), "the package lacks {n}: {files:?}");
    }
    assert_nothing_extra("leptos-supabase-auth", &files, &split);
}

#[test]
fn the_emulator_packages_its_code_only() {
    let files = packaged("gotrue-emulator");
    for n in ["Cargo.toml", "README.md", "src/lib.rs", "src/main.rs"] {
        assert!(files.iter().any(|f| f == n), "the package lacks {n}: {files:?}");
    }
    assert_nothing_extra("gotrue-emulator", &files, &[]);
}

/// What a host inherits pins no exact version (`=x.y.z`): the section's dependencies.
#[test]
fn the_section_pins_no_exact_versions() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let pinned: Vec<_> = manifest.lines().filter(|l| l.contains("\"=")).collect();
    assert!(pinned.is_empty(), "exact pins: {pinned:?}");
}
