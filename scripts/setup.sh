#!/usr/bin/env bash
# Installs everything the app and its tests need, offline-friendly and idempotent:
# the wasm32 target, trunk, wasm-bindgen-cli (same version as Cargo.lock), wasm-split-cli,
# wasm-opt (npm binaryen), terser (npm), Debian's chromium + chromium-driver. Each tool is
# installed only when missing or at the wrong version.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
. "$here/versions.env"
TOOLS_DIR="${LSA_TOOLS_DIR:-$HOME/.cache/leptos-supabase-auth-tools}"
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

log() { printf '[setup] %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  log "installing chromium + chromium-driver (apt)"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# The library asks for wasm-bindgen 0.2; Cargo.lock pins the exact version the CLI must match.
locked=$(grep -A1 '^name = "wasm-bindgen"$' "$here/../Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')
if [ -n "$locked" ] && [ "$locked" != "$WASM_BINDGEN_VERSION" ]; then
  log "Cargo.lock has wasm-bindgen $locked but versions.env pins $WASM_BINDGEN_VERSION: make them equal"
  exit 1
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 min)"
  # Not --locked: its own lockfile pins crates that fail to build here.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then
  log "installing trunk $TRUNK_VERSION (about 8 min)"
  cargo install --locked trunk --version "$TRUNK_VERSION" --force
fi

# wasm-split-cli has no --version: cargo's list of installed crates tells.
if ! command -v wasm-split-cli >/dev/null ||
   ! cargo install --list | grep -q "^wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  log "installing wasm-split-cli (wasm_split_cli_support $WASM_SPLIT_VERSION, about 2 min)"
  cargo install --locked wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --force
fi

if ! "$TOOLS_DIR/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  log "installing wasm-opt from npm binaryen@$BINARYEN_VERSION"
  mkdir -p "$TOOLS_DIR"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "binaryen@$BINARYEN_VERSION" >/dev/null
fi

if [ "$(node -p "require('$TOOLS_DIR/node_modules/terser/package.json').version" 2>/dev/null)" != "$TERSER_VERSION" ]; then
  log "installing terser $TERSER_VERSION from npm"
  mkdir -p "$TOOLS_DIR"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS_DIR" "terser@$TERSER_VERSION" >/dev/null
fi

log "ok: $(trunk --version), $(wasm-bindgen --version), wasm-split-cli $WASM_SPLIT_VERSION, $("$TOOLS_DIR/node_modules/.bin/wasm-opt" --version), $(chromium --version 2>/dev/null | head -1)"
