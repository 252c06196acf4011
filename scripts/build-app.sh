#!/usr/bin/env bash
# Builds an app's wasm, split into lazily loaded chunks: Trunk runs this as its post_build hook
# (Trunk.toml), so `trunk build [--release]` and `trunk serve` stay the commands. The standalone
# app runs it as it is; a host runs it from its own folder with `--bin <its binary>` (the host
# example: examples/host-app/Trunk.toml), and its binary's package has a `split` feature that
# turns on `leptos-supabase-auth/split`. Options:
#   --bin NAME   the binary to build, in the Trunk.toml's folder (default: the standalone app)
#   --page FILE  act only when Trunk builds this HTML file (a host's other pages build alone)
#   --locales    serve the section's locale files (this script's package's locales/) at
#                /locales, where AuthConfig looks by default: a host copies nothing
#   LSA_CARGO_ARGS (environment): more cargo arguments, e.g. `--no-default-features`.
# Trunk has no split step of its own, so the Rust half of its pipeline is here:
#   1. cargo builds the binary with the `split` feature; the final link keeps its relocations
#      (`--emit-relocs`), which the splitter needs to move code between modules;
#   2. wasm-split-cli (crates.io `wasm_split_cli_support`) cuts the wasm at the `#[wasm_split]`
#      points (src/split.rs): the main module, one `split_*.wasm` per point, shared
#      `chunk_*.wasm`, and `__wasm_split.js`, the loader the main module imports;
#   3. wasm-bindgen makes the JS glue for the main module (the names index.html and boot.js load),
#      and drop-exports.mjs takes out the stream classes of leptos's server functions, which
#      this app never uses (-1.7 KB brotli);
#   4. in release, wasm-opt optimizes every module (the flags measured smallest on every module) and
#      drops the sections browsers ignore (producers, target_features: about 200 B a module),
#      blank-paths.mjs blanks the source paths kept for panic messages, which a release build
#      never shows (-0.6 KB), and short-imports.mjs gives the main module's imports short
#      names (-3.8 KB brotli);
#   5. split-parts.mjs packs the modules of each page that opens with split code into one
#      pack_<page>.wasm, which boot.js fetches next to the main module, and routes the loader's
#      fetches through it;
#   6. in release, terser minifies the two JS files (-2.1 KB brotli) and boot.js;
#   7. the staged locale files lose their header (comments for translators).
# The loader only fetches and instantiates modules: nothing is evaluated, so the strict CSP holds.
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
out="${TRUNK_STAGING_DIR:?run by trunk (Trunk.toml hook), or set TRUNK_STAGING_DIR}"
profile="${TRUNK_PROFILE:-debug}"
name=leptos-supabase-auth
app="$src"
locales=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) name="$2"; app="$PWD"; shift 2 ;;
    --locales) locales=1; shift ;;
    --page)
      [ "$(basename "${TRUNK_HTML_FILE:-$2}")" = "$2" ] || exit 0
      shift 2 ;;
    *) echo "build-app.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
TOOLS_DIR="${LSA_TOOLS_DIR:-$HOME/.cache/leptos-supabase-auth-tools}"
# The optimiser and minifier: scripts/setup.sh's, else the ones on PATH (a host's own install:
# binaryen 132 from npm, not an older distribution package, and terser).
tool() { local t="$TOOLS_DIR/node_modules/.bin/$1"; [ -x "$t" ] && echo "$t" || echo "$1"; }
WASM_OPT="${WASM_OPT:-$(tool wasm-opt)}"
TERSER="${TERSER:-$(tool terser)}"

cd "$app"
# shellcheck disable=SC2206 # LSA_CARGO_ARGS is a list of words
args=(--bin "$name" --features split --target wasm32-unknown-unknown ${LSA_CARGO_ARGS:-})
dir=debug
if [ "$profile" = release ]; then args+=(--release); dir=release; fi
# `cargo rustc` hands the link flag to this binary's link only, so the library and its
# dependencies are the same builds as without splitting.
cargo rustc "${args[@]}" -- -C link-arg=--emit-relocs
target=$(cargo metadata --format-version 1 --no-deps --offline |
  node -e 'console.log(JSON.parse(require("fs").readFileSync(0)).target_directory)')
wasm="$target/wasm32-unknown-unknown/$dir/$name.wasm"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
wasm-split-cli "$wasm" "$work" --out-name "$name" --target web
wasm-bindgen --target web --keep-lld-exports --weak-refs --no-typescript --out-name "$name" \
  --out-dir "$work/bindgen" "$work/$name.wasm"
rm "$work/$name.wasm"
mv "$work/bindgen/"* "$work/"
rmdir "$work/bindgen"
node "$src/scripts/drop-exports.mjs" "$work/${name}_bg.wasm" "$work/$name.js"

# wasm-opt warns once per module that it skips the name section's subsection 3 (label names,
# which rustc writes and binaryen does not read): ~90 harmless lines before what a person waits
# for. Only that line is dropped; anything else it prints, errors included, shows.
quiet_opt() {
  local rc=0 err
  err=$(mktemp)
  "$WASM_OPT" "$@" 2> "$err" || rc=$?
  grep -Ev '^warning: unknown name subsection with id 3 at [0-9]+$' "$err" >&2 || true
  rm -f "$err"
  return "$rc"
}

if [ "$profile" = release ]; then
  for module in "$work"/*.wasm; do
    quiet_opt --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      -O2 --flatten --rereloop -O2 --flatten --rereloop -O2 \
      --strip-producers --strip-target-features "$module" -o "$module"
  done
  node "$src/scripts/blank-paths.mjs" "$work"/*.wasm
  node "$src/scripts/short-imports.mjs" "$work/${name}_bg.wasm" "$work/$name.js"
fi
node "$src/scripts/split-parts.mjs" "$work"
if [ "$profile" = release ]; then
  for js in "$work"/*.js; do
    "$TERSER" "$js" --module --compress --mangle -o "$js"
  done
  # boot.js, which Trunk has already copied into the staging folder (web/index.html).
  if [ -f "$out/boot.js" ]; then
    "$TERSER" "$out/boot.js" --module --compress --mangle -o "$out/boot.js"
  fi
fi
cp "$work"/* "$out/"
if [ "$locales" = 1 ]; then
  mkdir -p "$out/locales" && cp "$src"/locales/*.txt "$out/locales/"
fi
# The locale files as served, without their header: the reviewer's note and glossary are for
# translators, not browsers (about 0.6 KB brotli of a language's first load).
if [ -d "$out/locales" ]; then
  for f in "$out"/locales/*.txt; do sed -i -e '/^#/d' -e '/^[[:space:]]*$/d' "$f"; done
fi
