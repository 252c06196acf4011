// Drops the JS classes that leptos's server-function crate brings in through wasm-streams
// (IntoUnderlyingSource, IntoUnderlyingByteSource, IntoUnderlyingSink) from the main module
// and its JS glue (run by scripts/build-app.sh right after wasm-bindgen, before wasm-opt).
// wasm-bindgen exports every `#[wasm_bindgen]` class of every dependency, so their methods stay
// in the bundle although this app has no server functions and never makes one: about 4 KB of
// wasm and 2 KB of JS. Nothing can make one either: the glue never wraps a pointer into these
// classes (no `__wrap`), and the script fails the build if it does, or if the wasm's exports and
// the glue do not match what is dropped. When a leptos release no longer has them, it does
// nothing. wasm-opt then removes the code only those exports reached.
// Usage: node drop-exports.mjs <module.wasm> <glue.js>
import { readFileSync, writeFileSync } from "node:fs";
import { leb, Reader, sections } from "./wasm-leb.mjs";

const CLASSES = ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource"];
const [wasmPath, jsPath] = process.argv.slice(2);
let js = readFileSync(jsPath, "utf8");
const wasm = readFileSync(wasmPath);
const fail = (why) => {
  console.error(`drop-exports.mjs: ${why}`);
  process.exit(1);
};

const present = CLASSES.filter((c) => js.includes(`export class ${c} {`));
if (present.length === 0) process.exit(0);
for (const c of present) {
  if (js.includes(`${c}.__wrap`)) fail(`the glue makes ${c} objects: they are used`);
  // The class, its `Symbol.dispose` line and its FinalizationRegistry.
  const start = js.indexOf(`export class ${c} {`);
  const end = js.indexOf("\n}\n", start);
  if (end < 0) fail(`no end of class ${c}`);
  js = js.slice(0, start) + js.slice(end + 3);
  const dispose = `if (Symbol.dispose) ${c}.prototype[Symbol.dispose] = ${c}.prototype.free;\n`;
  if (!js.includes(dispose)) fail(`no Symbol.dispose line for ${c}`);
  js = js.replace(dispose, "");
  const reg = js.indexOf(`const ${c}Finalization = `);
  const regEnd = js.indexOf(";\n", reg);
  if (reg < 0 || regEnd < 0) fail(`no FinalizationRegistry for ${c}`);
  js = js.slice(0, reg) + js.slice(regEnd + 2);
  if (js.includes(c)) fail(`the glue still names ${c} after dropping it`);
}
const prefixes = present.map((c) => c.toLowerCase());
const dropped = (name) =>
  prefixes.some((p) => name.startsWith(`${p}_`) || name === `__wbg_${p}_free`);
if (prefixes.some((p) => js.includes(`wasm.${p}_`) || js.includes(`wasm.__wbg_${p}_`))) {
  fail("the glue still calls an export being dropped");
}

const parts = [wasm.subarray(0, 8)];
let removed = 0;
for (const { id, start, end } of sections(wasm)) {
  if (id !== 7) {
    parts.push(Buffer.from([id]), leb(end - start), wasm.subarray(start, end));
    continue;
  }
  const r = new Reader(wasm, start);
  const count = r.u32();
  const kept = [];
  for (let i = 0; i < count; i++) {
    const entryStart = r.at;
    const name = r.name();
    r.at++; // the kind
    r.u32(); // the index
    if (dropped(name)) removed++;
    else kept.push(wasm.subarray(entryStart, r.at));
  }
  const body = Buffer.concat([leb(kept.length), ...kept]);
  parts.push(Buffer.from([7]), leb(body.length), body);
}
if (removed === 0) fail(`the wasm exports nothing of ${present.join(", ")}`);
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(jsPath, js);
