# Sourced by the scripts: puts the pinned tools on PATH and sets offline defaults.
# shellcheck shell=bash
LSA_TOOLS_DIR="${LSA_TOOLS_DIR:-$HOME/.cache/leptos-supabase-auth-tools}"
export PATH="$HOME/.cargo/bin:$LSA_TOOLS_DIR/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROME_BIN="${CHROME_BIN:-/usr/bin/chromium}"
