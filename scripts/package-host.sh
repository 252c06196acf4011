#!/usr/bin/env bash
# Builds the host example from the *packaged* section, outside the repository, as a project that
# depends on the published crate would: `cargo package` makes the .crate, which is unpacked into
# DIR; the host example's sources are copied next to it (DIR/host) with its dependency on that
# copy, its locale files taken from the package, and no stylesheet of the section linked (none
# is: the section adopts its own). Prints the build's dist/ folder. The e2e layer then runs the
# host example's style test on it (scripts/test.sh).
#
# Usage: scripts/package-host.sh DIR     (DIR is emptied first)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
out="${1:?usage: scripts/package-host.sh DIR}"
rm -rf "$out" && mkdir -p "$out"
out="$(cd "$out" && pwd)"
repo="$(pwd)"

cargo package --no-verify --allow-dirty --offline -q -p leptos-supabase-auth >&2
version=$(cargo metadata --no-deps --format-version 1 --offline |
  node -e 'const m = JSON.parse(require("fs").readFileSync(0)); console.log(m.packages.find((p) => p.name === "leptos-supabase-auth").version)')
tar -xzf "${CARGO_TARGET_DIR:-target}/package/leptos-supabase-auth-$version.crate" -C "$out"
crate="$out/leptos-supabase-auth-$version"

host="$out/host"
mkdir -p "$host"
cp -r examples/host-app/src examples/host-app/style examples/host-app/index.html \
  examples/host-app/boot.js examples/host-app/Trunk.toml examples/host-app/Cargo.toml \
  examples/host-app/Cargo.lock "$host/"
rm -rf "$host/src/bin"
sed -i "s#path = \"../..\"#path = \"$crate\"#" "$host/Cargo.toml"
sed -i "s#href=\"../../locales\"#href=\"../leptos-supabase-auth-$version/locales\"#" "$host/index.html"
grep -q "$crate" "$host/Cargo.toml" && grep -q "leptos-supabase-auth-$version/locales" "$host/index.html" ||
  { echo "package-host: the host example's paths changed; update this script" >&2; exit 1; }
if grep -q "lsa.css" "$host/index.html"; then
  echo "package-host: the host example links the section's stylesheet" >&2; exit 1
fi
# The repository's wasm settings (.cargo/config.toml: stack size, erased component types), and
# the host example's Cargo output folder, so that its dependencies are not built again.
mkdir -p "$host/.cargo"
{
  echo '[build]'
  echo "target-dir = \"$repo/target/host-app\""
  sed -n '/^\[target.wasm32-unknown-unknown\]/,$p' .cargo/config.toml | grep -v '^runner'
} > "$host/.cargo/config.toml"
(cd "$host" && trunk build --release) >&2
echo "$host/dist"
