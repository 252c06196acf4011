// Gives the main module's imports from its JS glue short names (run by scripts/build-app.sh in
// release, after wasm-opt): wasm-bindgen names each one `__wbg_<name>_<16 hex digits>` under the
// module `./<out-name>_bg.js`, and both the .wasm and the glue carry every name; random hex does
// not compress (about 2.6 KB brotli on every page). Each import of that module becomes
// `a`, `b`, … and the module `w`, in the wasm's import section and in the glue, whose only uses of
// those names are the keys of its imports object. Nothing else in either file changes.
// Usage: node short-imports.mjs <module.wasm> <glue.js>
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { leb, Reader, sections } from "./wasm-leb.mjs";

const [wasmPath, jsPath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
const moduleName = `./${basename(jsPath, ".js")}_bg.js`;

const str = (s) => Buffer.concat([leb(Buffer.byteLength(s)), Buffer.from(s)]);
// Short names: a..z, A..Z, then two letters, never a JS keyword (none has one or two letters
// but `do`, `if` and `in`).
const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const short = (i) => (i < 52 ? LETTERS[i] : short(Math.floor(i / 52) - 1) + LETTERS[i % 52]);
const KEYWORDS = new Set(["do", "if", "in"]);

const renamed = new Map();
const parts = [wasm.subarray(0, 8)];
for (const { id, start, end } of sections(wasm)) {
  if (id !== 2) {
    parts.push(Buffer.from([id]), leb(end - start), wasm.subarray(start, end));
    continue;
  }
  const r = new Reader(wasm, start);
  const limits = () => {
    const flags = wasm[r.at++];
    r.u32();
    if (flags & 1) r.u32();
  };
  const entries = [];
  const count = r.u32();
  for (let i = 0; i < count; i++) {
    let module = r.name();
    let field = r.name();
    const descStart = r.at;
    const kind = wasm[r.at++];
    if (kind === 0) r.u32();
    else if (kind === 1) (r.at++, limits());
    else if (kind === 2) limits();
    else if (kind === 3) r.at += 2;
    else if (kind === 4) (r.at++, r.u32());
    else throw new Error(`${wasmPath}: import kind ${kind}`);
    if (module === moduleName) {
      if (!renamed.has(field)) {
        let n = renamed.size, s;
        do s = short(n++); while (KEYWORDS.has(s));
        renamed.set(field, s);
      }
      module = "w";
      field = renamed.get(field);
    }
    entries.push(str(module), str(field), wasm.subarray(descStart, r.at));
  }
  if (r.at !== end) throw new Error(`${wasmPath}: import section not read to its end`);
  const body = Buffer.concat([leb(count), ...entries]);
  parts.push(Buffer.from([2]), leb(body.length), body);
}
if (renamed.size === 0) throw new Error(`${wasmPath}: no import from ${moduleName}`);

let js = readFileSync(jsPath, "utf8");
const quotedModule = JSON.stringify(moduleName);
if (js.split(quotedModule).length !== 2) throw new Error(`${jsPath}: ${moduleName} not keyed once`);
js = js.replace(quotedModule, "w");
for (const [long, s] of renamed) {
  const uses = js.split(new RegExp(`(?<![\\w$])${long}(?![\\w$])`));
  if (uses.length !== 2) throw new Error(`${jsPath}: ${long} is used ${uses.length - 1} times, not once`);
  js = uses.join(s);
}
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(jsPath, js);
