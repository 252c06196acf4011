#!/usr/bin/env bash
# Installs what is missing, builds the release SPA and starts the emulator serving it, with
# seeded demo users. One process is the whole demo: open the printed URL.
#   PORT=54321 (default)   DB=path/to/file.sqlite to keep users across restarts
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. scripts/env.sh
trunk build --release
cargo build --release -p gotrue-emulator
port="${PORT:-54321}"
echo
echo "  App:    http://localhost:$port/   (security keys and passkeys need this name, not 127.0.0.1)"
echo "  Inbox:  http://localhost:$port/_mail/   (emails, SMS and the demo TOTP code)"
echo "  Social: \"Continue with Keycloak\" opens the emulator's test provider (demo accounts, offline)"
echo
# The demo relaxes GoTrue's 60 s wait between two emails to one user to 10 s, and lets codes
# last an hour like a Supabase project (the app's default `otp_expiry_secs`; GoTrue's own: a day).
export GOTRUE_SMTP_MAX_FREQUENCY="${GOTRUE_SMTP_MAX_FREQUENCY:-10}"
export GOTRUE_MAILER_OTP_EXP="${GOTRUE_MAILER_OTP_EXP:-3600}"
# Sign-ups confirm their address by the emailed code or link, as on a Supabase project (the
# emulator's own default signs them in at once).
export GOTRUE_MAILER_AUTOCONFIRM="${GOTRUE_MAILER_AUTOCONFIRM:-false}"
# "Continue without an account" on the home page (anonymous users, converted by signing up).
export GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED="${GOTRUE_EXTERNAL_ANONYMOUS_USERS_ENABLED:-true}"
# --webauthn: security keys (MFA) and passkeys on, relying party localhost (any port).
# --test-provider: "Continue with Keycloak" leads to the emulator's own test provider (a page of
# demo accounts, not a real sign-in), so social sign-in and identity linking work offline.
exec target/release/gotrue-emulator --port "$port" --serve-dir dist --seed-demo --webauthn \
  --test-provider ${DB:+--db "$DB"}
