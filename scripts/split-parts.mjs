// Ties the split modules to the pages (run by scripts/build-app.sh, after wasm-opt):
//  1. the files of each split point, read from the comments wasm-split-cli puts in its loader
//     (`/* recovery, security */` above each `const __chunk_N`): its split_<point>.wasm and the
//     shared chunk_N.wasm it needs;
//  2. a pack for each page that opens with split code (PACKS below): one file, pack_<name>.wasm,
//     holding every module those points need, so the page fetches one file next to the main
//     module instead of dozens (the security screen's 36 modules: 38.0 KB brotli one by one,
//     28.8 KB as one file). A pack is a valid wasm module made of custom sections only,
//     one per module (named by its file), so servers compress and type it like any wasm;
//  3. a later pack for a part a page shows after its first load (LATER below): the part's
//     modules that the page's pack does not hold, asked for by the part's loader;
//  4. the loader (__wasm_split.js) takes a module from the pack boot.js chose (`pack(name)`)
//     or a later pack when one has it, and fetches its file otherwise, or when the pack cannot
//     be fetched.
// Usage: node split-parts.mjs <dir with __wasm_split.js and the modules>
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { leb } from "./wasm-leb.mjs";

// The packs, by the name boot.js asks for: the split points each page shows first. A copy of
// `PACKS` in src/split.rs, which a native test checks it against (and boot.js's list).
const PACKS = {
  recovery: ["recovery"],
  sign_up: ["sign_up"],
  confirm: ["confirm"],
  callback: ["callback"],
  security: ["security"],
  mfa: ["step_up", "second_factor"],
};
// Parts a page fetches later, each as one file too: the part's modules that the page's pack
// does not hold, `pack_<name>.wasm`, fetched when the part is first loaded (the passkeys
// section: 5 files, 9.8 KB brotli one by one, 9.0 KB as one). A copy of `LATER` in src/split.rs.
const LATER = {
  passkeys: { page: "security", parts: ["passkeys"] },
};

const [dir] = process.argv.slice(2);
const loaderPath = `${dir}/__wasm_split.js`;
let loader = readFileSync(loaderPath, "utf8");

const parts = {};
for (const [, point] of loader.matchAll(/export const __wasm_split_load_(\w+)\s*=/g)) {
  parts[point] = [`split_${point}.wasm`];
}
for (const [, points, n] of loader.matchAll(/\/\* ([\w, ]+) \*\/\s*const __chunk_(\d+)/g)) {
  for (const point of points.split(", ")) (parts[point] ||= []).push(`chunk_${n}.wasm`);
}
// A split point with no code of its own has no module.
for (const point in parts) parts[point] = parts[point].filter((f) => existsSync(`${dir}/${f}`));

const section = (name, payload) => {
  const body = Buffer.concat([leb(name.length), Buffer.from(name), payload]);
  return Buffer.concat([Buffer.from([0]), leb(body.length), body]);
};
// A pack whose split points are all missing belongs to a feature this build leaves out (the
// `social` callback, the passkeys); one missing some of them is a mistake in the lists above.
const built = (name, points) => {
  const missing = points.filter((p) => !parts[p]);
  if (missing.length > 0 && missing.length < points.length) {
    throw new Error(`pack ${name}: no split point ${missing}`);
  }
  return missing.length === 0;
};
for (const [name, points] of Object.entries(PACKS)) {
  if (!built(name, points)) continue;
  const files = [...new Set(points.flatMap((p) => parts[p] ?? []))];
  const head = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  const sections = files.map((f) => section(f, readFileSync(`${dir}/${f}`)));
  writeFileSync(`${dir}/pack_${name}.wasm`, Buffer.concat([head, ...sections]));
}

for (const [name, { page, parts: points }] of Object.entries(LATER)) {
  if (!built(name, points)) continue;
  const early = new Set(PACKS[page].flatMap((p) => parts[p] ?? []));
  const files = [...new Set(points.flatMap((p) => parts[p] ?? []))].filter((f) => !early.has(f));
  const head = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  const sections = files.map((f) => section(f, readFileSync(`${dir}/${f}`)));
  writeFileSync(`${dir}/pack_${name}.wasm`, Buffer.concat([head, ...sections]));
  // Its parts' loaders ask for it first.
  for (const point of points) {
    const start = `export const __wasm_split_load_${point} = wrapAsyncCb(makeLoad(`;
    const at = loader.indexOf(start);
    const end = loader.indexOf("]));", at);
    if (at < 0 || end < 0) throw new Error(`later pack ${name}: no loader for ${point}`);
    loader = loader.slice(0, at) +
      `export const __wasm_split_load_${point} = wrapAsyncCb(later(${JSON.stringify(name)}, makeLoad(` +
      loader.slice(at + start.length, end) + "])));" + loader.slice(end + 4);
  }
}

let fetches = 0;
loader = loader.replace(/fetch\(new URL\("\.\/(\w+\.wasm)", import\.meta\.url\)\)/g, (_, file) => {
  fetches++;
  return `moduleResponse(${JSON.stringify(file)})`;
});
if (fetches === 0) throw new Error(`${loaderPath}: no module fetch to route through the packs`);
loader += `
// The packs asked for (scripts/split-parts.mjs), compiled: the page's first, then the later
// ones; and the modules already taken from one.
const packs = [];
const asked = new Set();
const taken = new Set();
/** Fetches pack_<name>.wasm now: the split modules it holds are then taken from it. */
export function pack(name) {
  if (asked.has(name)) return;
  asked.add(name);
  const compiled = WebAssembly.compileStreaming(fetch(new URL(\`./pack_\${name}.wasm\`, import.meta.url)));
  compiled.catch(() => {});
  packs.push(compiled);
}
// A part's loader that asks for its later pack first.
function later(name, load) {
  return () => {
    pack(name);
    return load();
  };
}
// A module from a pack the first time (a retry fetches its file), its file when no pack has it
// or a pack could not be fetched.
async function moduleResponse(file) {
  let bytes;
  if (!taken.has(file)) {
    for (const p of packs) {
      const compiled = await p.catch(() => undefined);
      bytes = compiled && WebAssembly.Module.customSections(compiled, file)[0];
      if (bytes) break;
    }
  }
  taken.add(file);
  return bytes ? new Response(bytes, { headers: { "Content-Type": "application/wasm" } })
    : fetch(new URL(\`./\${file}\`, import.meta.url));
}
`;
writeFileSync(loaderPath, loader);
