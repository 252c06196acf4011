// Writes the files of each split point into boot.js (run by scripts/build-app.sh): boot.js's
// `const PARTS = {};` becomes { point: [its split_<point>.wasm, the shared chunk_N.wasm it needs] },
// read from the comments wasm-split-cli puts in its loader (`/* recovery, security */` above each
// `const __chunk_N`). Usage: node split-parts.mjs <dir with __wasm_split.js and the modules> <boot.js>
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const [dir, boot] = process.argv.slice(2);
const loader = readFileSync(`${dir}/__wasm_split.js`, "utf8");
const parts = {};
for (const [, point] of loader.matchAll(/export const __wasm_split_load_(\w+)\s*=/g)) {
  parts[point] = [`split_${point}.wasm`];
}
for (const [, points, n] of loader.matchAll(/\/\* ([\w, ]+) \*\/\s*const __chunk_(\d+)/g)) {
  for (const point of points.split(", ")) (parts[point] ||= []).push(`chunk_${n}.wasm`);
}
// A split point with no code of its own has no module.
for (const point in parts) parts[point] = parts[point].filter((f) => existsSync(`${dir}/${f}`));
const text = readFileSync(boot, "utf8");
if (!text.includes("const PARTS = {};")) throw new Error(`${boot} has no "const PARTS = {};"`);
writeFileSync(boot, text.replace("const PARTS = {};", `const PARTS = ${JSON.stringify(parts)};`));
