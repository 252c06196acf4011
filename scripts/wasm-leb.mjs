// The unsigned LEB128 encoding of `n`, as wasm writes sizes, counts and lengths (used by
// split-parts.mjs and short-imports.mjs).
export function leb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}
