#!/usr/bin/env bash
# Runs every test layer (installing what is missing first) and prints a summary per layer:
#   lint     cargo fmt --check, clippy -D warnings (native, wasm32 csr and split, ssr; the library
#            with the fewest and with all of its optional parts), cargo doc -D warnings
#   native   cargo test: pure logic, the emulator over real HTTP, its fidelity test, doc tests
#   browser  wasm-bindgen-test in headless Chromium against a running emulator
#   e2e      the release SPA served by the emulator, driven in Chromium through chromedriver
# Exits non-zero if a layer fails or runs no test. `LAYERS="native e2e" scripts/test.sh` runs some.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
. scripts/env.sh

LAYERS="${LAYERS:-lint native browser e2e}"
LOG_DIR="${LOG_DIR:-target/test-logs}"
mkdir -p "$LOG_DIR"

# Everything the browser and e2e layers start lives in this run's folder, whose path is on the
# command line of each browser, chromedriver and emulator (profiles, logs, TMPDIR): at the end,
# or if this script is stopped, whatever still runs from it is killed and the folder removed.
RUN_TMP=$(mktemp -d "${TMPDIR:-/tmp}/lsa-e2e-run.XXXXXX") || exit 1
# Kills what runs from folder $1 (its path on the command line), then removes the folder.
sweep() {
  for _ in 1 2 3 4 5 6 7 8 9 10; do pkill -KILL -f -- "$1" || break; sleep 0.3; done
  rm -rf -- "$1"
}
trap 'sweep "$RUN_TMP"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# After a layer: fails (and cleans up) if a process started from folder $1 still runs, and, with
# $2 = strict, if a browser profile or temporary folder is left in it (the e2e harness removes
# its own; wasm-bindgen-test-runner leaves Chromium's temp folders, which are only removed).
# Notes test browsers on the machine that are not this run's.
leftovers() {
  local dir=$1 mode=$2 left=0
  if pgrep -f -- "$dir" > /dev/null; then
    echo "LEAK: still running from $dir:"; pgrep -fa -- "$dir" | cut -c1-240; left=1
  fi
  local files
  files=$(find "$dir" -mindepth 1 -maxdepth 2 \( -name 'env-*' -o -name 'profile-*' -o -name '*chromium*' -o -name '*Chromium*' \) 2>/dev/null)
  if [ -n "$files" ] && [ "$mode" = strict ]; then
    echo "LEAK: left in $dir:"; echo "$files" | head -20; left=1
  elif [ -n "$files" ]; then
    echo "removing what the test runner left in $dir: $(echo "$files" | wc -l) Chromium folders"
  fi
  sweep "$dir"
  local others
  others=$(pgrep -fa -- 'lsa-e2e' | grep -v -- "$RUN_TMP" | cut -c1-160)
  [ -z "$others" ] || printf 'note: lsa-e2e processes not started by this run (another run?):\n%s\n' "$others"
  [ "$left" -eq 0 ] && echo "leak check: nothing was left running from $dir (now removed)"
  return $left
}
declare -A PASSED FAILED STATUS
total_passed=0 total_failed=0 broken=0

# Sums `test result: ... N passed; M failed` lines of a log.
count() { grep -Eo "test result: [A-Za-z]+\. [0-9]+ passed; [0-9]+ failed" "$1" | awk '{p+=$4; f+=$6} END {print p+0, f+0}'; }

layer() {
  local name=$1; shift
  local log="$LOG_DIR/$name.log"
  echo "=== layer $name: $*"
  if "$@" 2>&1 | tee "$log"; then STATUS[$name]=ok; else STATUS[$name]=FAILED; broken=1; fi
  read -r p f < <(count "$log")
  PASSED[$name]=$p; FAILED[$name]=$f
  total_passed=$((total_passed + p)); total_failed=$((total_failed + f))
  if [ "$name" != lint ] && [ "$p" -eq 0 ] && [ "${STATUS[$name]}" = ok ]; then STATUS[$name]="FAILED (no test ran)"; broken=1; fi
}

lint() {
  cargo fmt --all --check &&
  cargo clippy --workspace --all-targets -- -D warnings &&
  cargo clippy -p leptos-supabase-auth --lib --bins --tests --features csr,test-internals --target wasm32-unknown-unknown -- -D warnings &&
  cargo clippy -p leptos-supabase-auth --bins --features split --target wasm32-unknown-unknown -- -D warnings &&
  cargo clippy -p leptos-supabase-auth --lib --features ssr -- -D warnings &&
  cargo clippy -p leptos-supabase-auth --lib --features hydrate --target wasm32-unknown-unknown -- -D warnings &&
  # The optional parts (webauthn, phone, qr) stay additive: all of them are the defaults of the
  # runs above; here the fewest, for wasm32 and natively with the unit tests.
  cargo clippy -p leptos-supabase-auth --lib --no-default-features --features csr --target wasm32-unknown-unknown -- -D warnings &&
  cargo clippy -p leptos-supabase-auth --lib --tests --no-default-features -- -D warnings &&
  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps -p leptos-supabase-auth -p gotrue-emulator --quiet
}

native() {
  cargo test --no-fail-fast --workspace --exclude e2e &&
  cargo test -p leptos-supabase-auth --features ssr --test ssr
}

browser() {
  local out="$LOG_DIR/browser-emulator.out"
  # wasm-bindgen-test-runner's chromedriver puts Chromium's profile in TMPDIR: in the run folder.
  local dir="$RUN_TMP/browser"
  mkdir -p "$dir/tmp" "$dir/config" "$dir/cache"
  cargo build -q -p gotrue-emulator || return 1
  # Named (argv[0]) after the run folder, so that the sweep finds it if this script is stopped.
  (GOTRUE_JWT_EXP="${BROWSER_JWT_EXP:-3600}" exec -a "$dir/gotrue-emulator" \
    "${CARGO_TARGET_DIR:-target}/debug/gotrue-emulator" --port 0 --test-controls > "$out" 2>&1) &
  local pid=$!
  local url=""
  for _ in $(seq 100); do
    url=$(grep -Eo "listening on http://[0-9.:]+" "$out" | head -1 | sed 's/listening on //')
    [ -n "$url" ] && break; sleep 0.1
  done
  [ -n "$url" ] || { echo "emulator did not start"; cat "$out"; kill $pid; return 1; }
  EMULATOR_URL="$url" WASM_BINDGEN_TEST_TIMEOUT=120 \
    TMPDIR="$dir/tmp" XDG_CONFIG_HOME="$dir/config" XDG_CACHE_HOME="$dir/cache" \
    cargo test --no-fail-fast -p leptos-supabase-auth --target wasm32-unknown-unknown --features csr,test-internals --tests
  local rc=$?
  kill $pid 2>/dev/null; wait $pid 2>/dev/null
  leftovers "$dir" lenient || rc=1
  return $rc
}

e2e() {
  trunk build --release || return 1
  # The host example (its own workspace and target dir, see examples/host-app/.cargo/config.toml),
  # split by the section's script (its Trunk.toml hook) ...
  (cd examples/host-app && trunk build --release) || return 1
  # ... and with the section's fewest parts (password sign-in, recovery, TOTP): host_minimal.rs.
  (cd examples/host-app && LSA_CARGO_ARGS=--no-default-features trunk build --release --dist dist-minimal) ||
    return 1
  # Each test's chromedriver, Chromium profiles and temp files go in here (see tests/e2e/src/scratch.rs).
  local dir="$RUN_TMP/e2e"
  mkdir -p "$dir"
  LSA_E2E_TMP="$dir" cargo test --no-fail-fast -p e2e -- --test-threads=1
  local rc=$?
  # A host built from the packaged crate, outside the repository: styled, under the strict CSP.
  local packaged
  packaged=$(bash scripts/package-host.sh "$RUN_TMP/package-host") &&
    LSA_E2E_TMP="$dir" LSA_E2E_HOST_DIST="$packaged" cargo test -p e2e --test host_app \
      the_section_brings_its_styles -- --test-threads=1 || rc=1
  # ... and split by the package's script, as docs/embedding.md says: the host example's tests.
  packaged=$(bash scripts/package-host.sh "$RUN_TMP/package-host-split" --split) &&
    { [ -f "$packaged/__wasm_split.js" ] && [ -f "$packaged/locales/de.txt" ] ||
      { echo "the packaged host was not split, or has no locale files" >&2; false; }; } &&
    LSA_E2E_TMP="$dir" LSA_E2E_HOST_DIST="$packaged" cargo test -p e2e --test host_app \
      -- --test-threads=1 || rc=1
  leftovers "$dir" strict || rc=1
  return $rc
}

for l in $LAYERS; do layer "$l" "$l"; done

echo
echo "=== summary"
for l in $LAYERS; do printf '%-8s %-24s %4s passed, %s failed\n' "$l" "${STATUS[$l]}" "${PASSED[$l]}" "${FAILED[$l]}"; done
echo "$total_passed passed, $total_failed failed"
[ "$broken" -eq 0 ] && [ "$total_failed" -eq 0 ]
