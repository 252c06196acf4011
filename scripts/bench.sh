#!/usr/bin/env bash
# First-load benchmark of the release SPA (not a test). Prints, for one route:
#   - every file the first page load fetched (as recorded in the browser), raw / gzip -9 /
#     brotli -q 11 bytes, and the total;
#   - the median time over N fresh headless-Chromium loads (fresh --user-data-dir each) from
#     navigation start until the first form field is present and enabled, and the JS heap in use.
# The SPA is served by the emulator (`--serve-dir`, index.html fallback for deep links).
#
# Usage: scripts/bench.sh [--no-build] [--route /auth/sign-in] [--runs 20] [--dist dist] [--json]
#                          [--emulator PATH]
#   --no-build       use the existing dist/ instead of running `trunk build --release`
#   --route P        the page to load (default /auth/sign-in)
#   --runs N         timed loads (default 20)
#   --dist DIR       the build to serve (default dist)
#   --json           print one JSON object instead of the table
#   --emulator PATH  the gotrue-emulator binary (default: target/release, else target/debug,
#                    else built)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

BUILD=1 ROUTE=/auth/sign-in RUNS=20 DIST=dist JSON=0 EMU=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --route) ROUTE="$2"; shift ;;
    --route=*) ROUTE="${1#*=}" ;;
    --runs) RUNS="$2"; shift ;;
    --runs=*) RUNS="${1#*=}" ;;
    --dist) DIST="$2"; shift ;;
    --dist=*) DIST="${1#*=}" ;;
    --json) JSON=1 ;;
    --emulator) EMU="$2"; shift ;;
    --emulator=*) EMU="${1#*=}" ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$ROUTE" in /*) ;; *) ROUTE="/$ROUTE" ;; esac
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "bench: --runs needs a positive number" >&2; exit 2; }

log() { echo "[bench] $*" >&2; }

TOOLS_DIR="${LSA_TOOLS_DIR:-$HOME/.cache/leptos-supabase-auth-tools}"
BENCH_TOOLS="$TOOLS_DIR/bench"
PLAYWRIGHT_VERSION=1.65.1
CHROMIUM="${CHROME_BIN:-/usr/bin/chromium}"

# --- tools: playwright-core (drives the system Chromium; no browser download), brotli
if [ ! -x "$CHROMIUM" ] || { [ "$BUILD" = 1 ] && ! command -v trunk >/dev/null; }; then
  bash scripts/setup.sh >&2
fi
installed_pw=$(node -p "require('$BENCH_TOOLS/node_modules/playwright-core/package.json').version" 2>/dev/null || true)
if [ "$installed_pw" != "$PLAYWRIGHT_VERSION" ]; then
  log "installing playwright-core $PLAYWRIGHT_VERSION into $BENCH_TOOLS"
  mkdir -p "$BENCH_TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$BENCH_TOOLS" "playwright-core@$PLAYWRIGHT_VERSION" >&2
fi
BROTLI=""
if command -v brotli >/dev/null; then
  BROTLI=$(command -v brotli)
else
  log "brotli CLI missing: installing it from apt"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if { $SUDO apt-get install -y -qq brotli >/dev/null 2>&1 ||
       { $SUDO apt-get update -qq >/dev/null 2>&1 && $SUDO apt-get install -y -qq brotli >/dev/null 2>&1; }; } &&
     command -v brotli >/dev/null; then
    BROTLI=$(command -v brotli)
  else
    log "apt has no brotli here: using Node's zlib brotli (same library, quality 11, window 22)"
  fi
fi

# --- the release build
if [ "$BUILD" = 1 ]; then
  log "trunk build --release --dist $DIST"
  trunk build --release --dist "$DIST" >&2
fi
[ -f "$DIST/index.html" ] || { echo "bench: $DIST/index.html missing (build first or drop --no-build)" >&2; exit 1; }

# --- the emulator serving the build (release binary if there is one, else debug)
TARGET="${CARGO_TARGET_DIR:-target}"
[ -z "$EMU" ] || [ -x "$EMU" ] || { echo "bench: $EMU is not an executable" >&2; exit 2; }
[ -n "$EMU" ] || for b in "$TARGET/release/gotrue-emulator" "$TARGET/debug/gotrue-emulator"; do
  [ -x "$b" ] && { EMU="$b"; break; }
done
if [ -z "$EMU" ]; then
  log "building gotrue-emulator"
  cargo build -q -p gotrue-emulator >&2
  EMU="$TARGET/debug/gotrue-emulator"
fi
OUT=$(mktemp -d)
cleanup() { [ -n "${EMU_PID:-}" ] && kill "$EMU_PID" 2>/dev/null; rm -rf "$OUT"; }
trap cleanup EXIT
"$EMU" --port 0 --serve-dir "$DIST" > "$OUT/emulator.log" 2>&1 &
EMU_PID=$!
URL=""
for _ in $(seq 100); do
  URL=$(grep -Eo "listening on http://[0-9.:]+" "$OUT/emulator.log" | head -1 | sed 's/listening on //' || true)
  [ -n "$URL" ] && break
  sleep 0.1
done
[ -n "$URL" ] || { echo "bench: the emulator did not start" >&2; cat "$OUT/emulator.log" >&2; exit 1; }
LABEL="$(git rev-parse --short HEAD 2>/dev/null || echo build)"
[ "$BUILD" = 1 ] || LABEL="existing $DIST (HEAD $LABEL)"
log "serving $DIST at $URL with $EMU; $RUNS fresh loads of $ROUTE"

BENCH_NODE_MODULES="$BENCH_TOOLS" BENCH_URL="$URL$ROUTE" BENCH_RUNS="$RUNS" BENCH_CHROMIUM="$CHROMIUM" \
  BENCH_BROTLI="$BROTLI" BENCH_JSON="$JSON" BENCH_LABEL="$LABEL" \
  node scripts/bench/measure.mjs
