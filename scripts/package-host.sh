#!/usr/bin/env bash
# Builds the host example from the *packaged* section, outside the repository, as a project that
# depends on the published crate would: `cargo package` makes the .crate, which is unpacked into
# DIR; the host example's sources are copied next to it (DIR/host) with its dependency on that
# copy, its locale files taken from the package and no stylesheet of the section linked (none
# is: the section adopts its own). Prints the build's dist/ folder, on which the e2e layer runs
# the host example's tests (scripts/test.sh).
#   - by default Trunk builds the wasm itself (a `rel="rust"` link): nothing to set up;
#   - with --split, the package's split build does, set up as docs/embedding.md ("A split
#     build") says, with the hook copied from that page: the page's recipe is what is tested.
#
# Usage: scripts/package-host.sh DIR [--split]     (DIR is emptied first)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
out="${1:?usage: scripts/package-host.sh DIR [--split]}"
split="${2:-}"
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
cp -r examples/host-app/src examples/host-app/style examples/host-app/web/index.html \
  examples/host-app/boot.js examples/host-app/Trunk.toml examples/host-app/Cargo.toml \
  examples/host-app/Cargo.lock "$host/"
rm -rf "$host/src/bin"
# The plainest host first: Trunk builds its wasm (a `rel="rust"` link, index.html next to
# Cargo.toml), not the section's split script (the host example's hook, left out here).
sed -i "s#path = \"../..\"#path = \"$crate\"#" "$host/Cargo.toml"
sed -i -e "s#<!-- The wasm is built and split by .*#<link data-trunk rel=\"rust\" data-bin=\"host-app\" data-wasm-opt=\"z\" data-weak-refs>#" \
  -e "s#href=\"\.\./\(style\|boot\)#href=\"\1#" \
  -e "s#href=\"../../../locales\"#href=\"../leptos-supabase-auth-$version/locales\"#" "$host/index.html"
sed -i -e 's#^target = "web/index.html"#target = "index.html"#' -e '/^\[\[hooks\]\]/,/^command_arguments/d' \
  "$host/Trunk.toml"
grep -q "$crate" "$host/Cargo.toml" && grep -q "leptos-supabase-auth-$version/locales" "$host/index.html" &&
  grep -q 'rel="rust"' "$host/index.html" && grep -q 'href="boot.js"' "$host/index.html" &&
  grep -q '^target = "index.html"' "$host/Trunk.toml" && ! grep -q 'hooks' "$host/Trunk.toml" ||
  { echo "package-host: the host example's paths changed; update this script" >&2; exit 1; }
if grep -q "lsa.css" "$host/index.html"; then
  echo "package-host: the host example links the section's stylesheet" >&2; exit 1
fi
if [ "$split" = --split ]; then
  # docs/embedding.md's recipe: index.html away from Cargo.toml without a `rel="rust"` link, and
  # its Trunk.toml hook (for `my-app`, this host's `host-app`), which runs the package's script
  # and serves the package's locale files (no copy-dir of the host's).
  mkdir -p "$host/web" && mv "$host/index.html" "$host/web/"
  sed -i -e '/rel="rust"/d' -e '/rel="copy-dir"/d' -e '/locale files, served/d' -e 's#href="\(style\|boot\)#href="../\1#' \
    "$host/web/index.html"
  sed -i 's#^target = "index.html"#target = "web/index.html"#' "$host/Trunk.toml"
  { echo; sed -n '/^```toml$/,/^```$/p' docs/embedding.md | awk '/^\[\[hooks\]\]/,/^```$/' |
    grep -v '^```' | sed 's/--bin my-app/--bin host-app/'; } >> "$host/Trunk.toml"
  grep -q 'scripts/build-app.sh.* --bin host-app --locales' "$host/Trunk.toml" &&
    ! grep -q 'rel="rust"\|rel="copy-dir"' "$host/web/index.html" ||
    { echo "package-host: docs/embedding.md's split recipe changed; update this script" >&2; exit 1; }
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
