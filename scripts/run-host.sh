#!/usr/bin/env bash
# The host example (examples/host-app) against the emulator, in one command: installs the pinned
# tools if missing, builds the example (release, Trunk, offline) and serves it with the emulator
# and its demo users at http://127.0.0.1:54321/ (API /auth/v1, inbox /_mail/). Ctrl-C stops it.
#   scripts/run-host.sh [more gotrue-emulator flags, e.g. --port 8000]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
(cd examples/host-app && trunk build --release)
# Codes last an hour, like a Supabase project and as the auth section says (GoTrue's own: a day).
export GOTRUE_MAILER_OTP_EXP="${GOTRUE_MAILER_OTP_EXP:-3600}"
exec cargo run -q -p gotrue-emulator -- --serve-dir examples/host-app/dist --seed-demo "$@"
