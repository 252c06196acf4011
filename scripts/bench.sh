#!/usr/bin/env bash
# First-load benchmark of the release SPA (not a test). Prints, for each page measured:
#   - every file the first page load fetched (as recorded in the browser), raw / gzip -9 /
#     brotli -q 11 bytes, and the total;
#   - the median time over N fresh headless-Chromium loads (fresh --user-data-dir each) from
#     navigation start until the first form field (or a card's button) is present and enabled,
#     and the JS heap in use;
# then one summary line per page with its brotli total next to the budget (150 KiB brotli for
# any auth page's first load, the project's bundle budget). Exits 1 when a page of the SPA is over the budget
# (with --host, also when a host build is over its own).
# The default pages are the sign-in page, the recovery wizard and the security screen, the last
# both signed out (it redirects to sign-in: what it fetches on the way is counted) and signed in
# (a user signed in once through the form; each load starts from a fresh profile holding that
# localStorage, so what is counted is the screen's own first load), and the step-up page with
# a second factor pending (a user with an authenticator app, signed in with the password only);
# the signed-in security screen once more with passkeys on at the server (it then shows its
# passkeys section too), and the sign-in page with four social providers on (its buttons).
# The SPA is served by the emulator (`--serve-dir`, index.html fallback for deep links).
#
# Usage: scripts/bench.sh [--no-build] [--route /auth/sign-in]... [--runs 20] [--dist dist]
#                          [--mfa /auth/mfa]... [--passkeys /auth/security]... [--budget-kib 150]
#                          [--host] [--json] [--emulator PATH]
#   --no-build       use the existing dist/ (and examples/host-app/dist) instead of building
#   --route P        a page to load; repeat for several (default: /auth/sign-in /auth/sign-up
#                    /auth/recover /auth/security)
#   --signed-in P    a page to load signed in; repeat for several (default: /auth/security;
#                    with --route only, none)
#   --mfa P          a page to load with a second factor pending; repeat for several (default:
#                    /auth/mfa; with --route or --signed-in only, none)
#   --passkeys P     a page to load signed in with passkeys on at the server (default:
#                    /auth/security; with --route, --signed-in or --mfa only, none)
#   --providers P    a page to load with four social providers on at the server (Google,
#                    GitHub, GitLab, Keycloak; default: /auth/sign-in; with --route,
#                    --signed-in, --mfa or --passkeys only, none)
#   --runs N         timed loads per page (default 20)
#   --dist DIR       the build to serve (default dist)
#   --budget-kib N   the first-load budget per page, brotli KiB (default 150)
#   --host           also build and measure the host example (examples/host-app, split by
#                    the section's script) at /account/sign-in, with all of the section's
#                    optional parts and with none (--no-default-features: password sign-in,
#                    recovery, TOTP), and the same host without the section (its `bare` bin);
#                    prints the section's share (host minus bare) and each build against its
#                    host budget (240 and 170 KB), which gates the exit status too
#   --json           print one JSON object ({budget_bytes, pages: [...]}) instead of the tables
#   --emulator PATH  the gotrue-emulator binary (default: target/release, else target/debug,
#                    else built)
#   --locale TAG     also measure the sign-in page with the browser in language TAG (e.g. de):
#                    its locale file is fetched on first load; repeat for several
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

BUILD=1 ROUTES=() SIGNED_IN=() MFA=() PASSKEYS=() PROVIDERS=() LOCALES=() RUNS=20 DIST=dist JSON=0 EMU="" BUDGET_KIB=150 HOST=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) BUILD=0 ;;
    --route) ROUTES+=("$2"); shift ;;
    --route=*) ROUTES+=("${1#*=}") ;;
    --signed-in) SIGNED_IN+=("$2"); shift ;;
    --signed-in=*) SIGNED_IN+=("${1#*=}") ;;
    --mfa) MFA+=("$2"); shift ;;
    --mfa=*) MFA+=("${1#*=}") ;;
    --providers) PROVIDERS+=("$2"); shift ;;
    --providers=*) PROVIDERS+=("${1#*=}") ;;
    --passkeys) PASSKEYS+=("$2"); shift ;;
    --passkeys=*) PASSKEYS+=("${1#*=}") ;;
    --runs) RUNS="$2"; shift ;;
    --runs=*) RUNS="${1#*=}" ;;
    --dist) DIST="$2"; shift ;;
    --dist=*) DIST="${1#*=}" ;;
    --budget-kib) BUDGET_KIB="$2"; shift ;;
    --budget-kib=*) BUDGET_KIB="${1#*=}" ;;
    --host) HOST=1 ;;
    --json) JSON=1 ;;
    --locale) LOCALES+=("$2"); shift ;;
    --locale=*) LOCALES+=("${1#*=}") ;;
    --emulator) EMU="$2"; shift ;;
    --emulator=*) EMU="${1#*=}" ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ $((${#ROUTES[@]} + ${#SIGNED_IN[@]} + ${#MFA[@]} + ${#PASSKEYS[@]} + ${#PROVIDERS[@]})) -eq 0 ]; then
  ROUTES=(/auth/sign-in /auth/sign-up /auth/recover /auth/security) SIGNED_IN=(/auth/security) MFA=(/auth/mfa)
  PASSKEYS=(/auth/security) PROVIDERS=(/auth/sign-in)
fi
for i in "${!ROUTES[@]}"; do
  case "${ROUTES[$i]}" in /*) ;; *) ROUTES[$i]="/${ROUTES[$i]}" ;; esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "bench: --runs needs a positive number" >&2; exit 2; }
[[ "$BUDGET_KIB" =~ ^[1-9][0-9]*$ ]] || { echo "bench: --budget-kib needs a positive number" >&2; exit 2; }
BUDGET_BYTES=$((BUDGET_KIB * 1024))
HOST_DIST=examples/host-app/dist HOST_ROUTE=/account/sign-in
HOST_MIN_DIST=examples/host-app/dist-minimal HOST_BARE_DIST=examples/host-app/dist-bare

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
  if [ "$HOST" = 1 ]; then
    log "trunk build --release (examples/host-app: all parts, none, and without the section)"
    (cd examples/host-app && trunk build --release &&
      LSA_CARGO_ARGS=--no-default-features trunk build --release --dist dist-minimal &&
      trunk build bare.html --release --dist dist-bare) >&2
  fi
fi
[ -f "$DIST/index.html" ] || { echo "bench: $DIST/index.html missing (build first or drop --no-build)" >&2; exit 1; }
for d in "$HOST_DIST" "$HOST_MIN_DIST" "$HOST_BARE_DIST"; do
  [ "$HOST" = 0 ] || [ -f "$d/index.html" ] ||
    { echo "bench: $d/index.html missing (build it or drop --no-build)" >&2; exit 1; }
done

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
EMU_PID=""
cleanup() { [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null; rm -rf "$OUT"; }
trap cleanup EXIT

# Starts the emulator serving $1, with passkeys on when $2 = true, four social providers when
# $3 = true; sets URL and EMU_PID.
serve() {
  [ -z "$EMU_PID" ] || { kill "$EMU_PID" 2>/dev/null; wait "$EMU_PID" 2>/dev/null || true; }
  : > "$OUT/emulator.log"
  local providers=()
  if [ "${3:-false}" = true ]; then
    for p in GOOGLE GITHUB GITLAB KEYCLOAK; do
      providers+=("GOTRUE_EXTERNAL_${p}_ENABLED=true" "GOTRUE_EXTERNAL_${p}_CLIENT_ID=bench"
        "GOTRUE_EXTERNAL_${p}_SECRET=bench" "GOTRUE_EXTERNAL_${p}_REDIRECT_URI=http://127.0.0.1/callback"
        "GOTRUE_EXTERNAL_${p}_URL=http://127.0.0.1/realm")
    done
  fi
  # Sign-ups are confirmed at once (the signed-in pages' user).
  env GOTRUE_MAILER_AUTOCONFIRM=true GOTRUE_PASSKEY_ENABLED="${2:-false}" "${providers[@]}" \
    "$EMU" --port 0 --serve-dir "$1" > "$OUT/emulator.log" 2>&1 &
  EMU_PID=$!
  URL=""
  for _ in $(seq 100); do
    URL=$(grep -Eo "listening on http://[0-9.:]+" "$OUT/emulator.log" | head -1 | sed 's/listening on //' || true)
    [ -n "$URL" ] && break
    sleep 0.1
  done
  [ -n "$URL" ] || { echo "bench: the emulator did not start" >&2; cat "$OUT/emulator.log" >&2; exit 1; }
}

LABEL="$(git rev-parse --short HEAD 2>/dev/null || echo build)"
[ "$BUILD" = 1 ] || LABEL="existing $DIST (HEAD $LABEL)"
: > "$OUT/summary.tsv"

# Measures one page: $1 = dist, $2 = route, $3 = gated (1) or reported only (0), $4 = signed in
# (1) or with a second factor pending (mfa), $5 = passkeys on at the server (true), $6 = the
# browser's language, $7 = four social providers on at the server (true).
measure() {
  local name="$1 $2"
  case "${4:-0}" in 1) name="$name (signed in)" ;; mfa) name="$name (2nd factor)" ;; esac
  [ "${5:-false}" = false ] || name="$name (passkeys on)"
  [ -z "${6:-}" ] || name="$name (language $6)"
  [ "${7:-false}" = false ] || name="$name (4 providers)"
  serve "$1" "${5:-false}" "${7:-false}"
  log "serving $1 at $URL with $EMU; $RUNS fresh loads of $name"
  BENCH_NODE_MODULES="$BENCH_TOOLS" BENCH_URL="$URL$2" BENCH_RUNS="$RUNS" BENCH_CHROMIUM="$CHROMIUM" \
    BENCH_BROTLI="$BROTLI" BENCH_JSON="$JSON" BENCH_LABEL="$LABEL" BENCH_SIGN_IN="${4:-0}" \
    BENCH_SUMMARY="$OUT/summary.tsv" BENCH_SUMMARY_NAME="$name" BENCH_GATED="$3" \
    BENCH_LOCALE="${6:-}" \
    node scripts/bench/measure.mjs > "$OUT/page.out"
  if [ "$JSON" = 1 ]; then cat "$OUT/page.out" >> "$OUT/pages.json"; else cat "$OUT/page.out"; echo; fi
}

for r in "${ROUTES[@]}"; do measure "$DIST" "$r" 1; done
for r in "${SIGNED_IN[@]}"; do measure "$DIST" "$r" 1 1; done
for r in "${MFA[@]}"; do measure "$DIST" "$r" 1 mfa; done
for r in "${PASSKEYS[@]}"; do measure "$DIST" "$r" 1 1 true; done
for r in "${PROVIDERS[@]}"; do measure "$DIST" "$r" 1 0 false "" true; done
for l in "${LOCALES[@]}"; do measure "$DIST" /auth/sign-in 1 0 false "$l"; done
if [ "$HOST" = 1 ]; then
  measure "$HOST_DIST" "$HOST_ROUTE" 0
  measure "$HOST_MIN_DIST" "$HOST_ROUTE" 0
  measure "$HOST_BARE_DIST" "$HOST_ROUTE" 0
fi

# The budget: one line per page (summary.tsv: name, gated, brotli bytes, ready median ms).
OVER=0
if [ "$JSON" = 1 ]; then
  node -e '
    const fs = require("fs");
    const pages = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse);
    const budget = Number(process.argv[2]);
    const over = pages.filter((p) => p.gated && p.total.brotli > budget).map((p) => p.url);
    console.log(JSON.stringify({ budget_bytes: budget, over, pages }, null, 2));
  ' "$OUT/pages.json" "$BUDGET_BYTES"
fi
while IFS=$'\t' read -r name gated bytes ready; do
  if [ "$gated" = 0 ]; then
    verdict="host example: its budget below"
  elif [ "$bytes" -gt "$BUDGET_BYTES" ]; then
    verdict="OVER by $((bytes - BUDGET_BYTES)) B"
    OVER=1
  else
    verdict="ok, $((BUDGET_BYTES - bytes)) B to spare"
  fi
  line=$(printf '%-47s brotli %7d B = %6.1f KiB   budget %d KiB   ready %s ms   %s' \
    "$name" "$bytes" "$(awk -v b="$bytes" 'BEGIN { print b / 1024 }')" "$BUDGET_KIB" "$ready" "$verdict")
  if [ "$JSON" = 1 ]; then echo "$line" >&2; else echo "$line"; fi
done < "$OUT/summary.tsv"
if [ "$HOST" = 1 ]; then
  # The section's share: the host's first load minus the same host without the section.
  bytes_of() { awk -F'\t' -v n="$1 $HOST_ROUTE" '$1 == n { print $3 }' "$OUT/summary.tsv"; }
  bare=$(bytes_of "$HOST_BARE_DIST")
  for pair in "$HOST_DIST:all parts:245760" "$HOST_MIN_DIST:fewest parts:174080"; do
    IFS=: read -r d what budget <<< "$pair"
    b=$(bytes_of "$d")
    [ "$b" -le "$budget" ] || OVER=1
    line=$(printf 'host example, %-13s brotli %7d B (host budget %d KB: %s); the section: %d B, the host without it: %d B' \
      "$what" "$b" "$((budget / 1024))" "$([ "$b" -le "$budget" ] && echo ok || echo "over by $((b - budget)) B")" \
      "$((b - bare))" "$bare")
    if [ "$JSON" = 1 ]; then echo "$line" >&2; else echo "$line"; fi
  done
fi
exit "$OVER"
