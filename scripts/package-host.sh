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
cp -r examples/host-app/src examples/host-app/style examples/host-app/web \
  examples/host-app/boot.js examples/host-app/Trunk.toml examples/host-app/Cargo.toml \
  examples/host-app/Cargo.lock "$host/"
rm -rf "$host/src/bin"
sed -i "s#path = \"../..\"#path = \"$crate\"#" "$host/Cargo.toml"
# The host example's hook runs the repository's script: gone, in either build.
sed -i '/^\[\[hooks\]\]/,/^command_arguments/d' "$host/Trunk.toml"
if [ "$split" = --split ]; then
  # docs/embedding.md's recipe: web/index.html as the host example has it (no `rel="rust"`
  # link), without its copy of the locale files, and that page's Trunk.toml hook (for `my-app`,
  # this host's `host-app`), which runs the package's script and serves the package's locales.
  sed -i -e '/rel="copy-dir"/d' -e '/locale files, served/d' "$host/web/index.html"
  { echo; sed -n '/^```toml$/,/^```$/p' docs/embedding.md | awk '/^\[\[hooks\]\]/,/^```$/' |
    grep -v '^```' | sed 's/--bin my-app/--bin host-app/'; } >> "$host/Trunk.toml"
  grep -q 'scripts/build-app.sh.* --bin host-app --locales' "$host/Trunk.toml" &&
    grep -q '^target = "web/index.html"' "$host/Trunk.toml" &&
    ! grep -q 'data-trunk rel="rust"\|rel="copy-dir"' "$host/web/index.html" ||
    { echo "package-host: docs/embedding.md's split recipe changed; update this script" >&2; exit 1; }
  page="$host/web/index.html"
else
  # The plainest host: Trunk builds its wasm (a `rel="rust"` link, index.html next to
  # Cargo.toml), with the locale files copied from the package.
  mv "$host/web/index.html" "$host/" && rmdir "$host/web"
  sed -i -e "s#<!-- The wasm is built and split by .*#<link data-trunk rel=\"rust\" data-bin=\"host-app\" data-wasm-opt=\"z\" data-weak-refs>#" \
    -e "s#href=\"\.\./\(style\|boot\)#href=\"\1#" \
    -e "s#href=\"../../../locales\"#href=\"../leptos-supabase-auth-$version/locales\"#" "$host/index.html"
  sed -i 's#^target = "web/index.html"#target = "index.html"#' "$host/Trunk.toml"
  grep -q "leptos-supabase-auth-$version/locales" "$host/index.html" &&
    grep -q 'rel="rust"' "$host/index.html" && grep -q 'href="boot.js"' "$host/index.html" &&
    grep -q '^target = "index.html"' "$host/Trunk.toml" ||
    { echo "package-host: the host example's paths changed; update this script" >&2; exit 1; }
  page="$host/index.html"
fi
grep -q "$crate" "$host/Cargo.toml" && ! grep -q 'build-app.sh", "--bin' "$host/Trunk.toml" ||
  { echo "package-host: the host example's Cargo.toml or hook changed; update this script" >&2; exit 1; }
if grep -q "lsa.css" "$page"; then
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
