// Blanks the source file paths that Rust keeps in a module's data for panic messages
// (`/root/.cargo/registry/src/…/reactive_graph-0.2.16/src/…/arena_item.rs`, `/rustc/<hash>/
// library/…`): about 90 paths, 0.7 KB brotli of the main module. Release builds abort on a
// panic (`panic = "abort"`) and install no panic hook, so no message that names them is ever
// shown: the bytes are dead. Each path's bytes become `.` in place: same length, so no offset in
// the module moves. Only the data section is touched, and only text that is this crate's own
// source path (`src/session/held.rs`, the files under src/) or starts with one of three exact
// prefixes (Cargo's registry sources, `$CARGO_HOME/registry/src/`, and the standard library's
// and its dependencies', `/rustc/<commit>/library/` and `/rust/deps/`) and ends at the first
// `.rs` (run by scripts/build-app.sh in release, after wasm-opt).
// Usage: CARGO_HOME=… node blank-paths.mjs <module.wasm>...
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { sections } from "./wasm-leb.mjs";

const home = process.env.CARGO_HOME || `${homedir()}/.cargo`;
const literal = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const sources = readdirSync(join(root, "src"), { recursive: true })
  .filter((f) => f.endsWith(".rs"))
  .map((f) => literal(relative(root, join(root, "src", f))))
  .sort((a, b) => b.length - a.length);
const PATH = new RegExp(
  [
    `(?:${literal(`${home}/registry/src/`)}|/rustc/[0-9a-f]{40}/library/|/rust/deps/)[\\w\\-./]*?\\.rs`,
    ...sources,
  ].join("|"),
  "g",
);

for (const file of process.argv.slice(2)) {
  const wasm = readFileSync(file);
  let blanked = 0;
  // The data section: blank within its bytes only (segment headers hold no such text).
  for (const { id, start, end } of sections(wasm)) {
    if (id !== 11) continue;
    const text = wasm.subarray(start, end).toString("latin1");
    for (const m of text.matchAll(PATH)) {
      wasm.fill(0x2e, start + m.index, start + m.index + m[0].length);
      blanked++;
    }
  }
  if (blanked) writeFileSync(file, wasm);
}
