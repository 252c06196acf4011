// Wasm's own encoding, for the scripts that rewrite modules after the build (split-parts.mjs,
// short-imports.mjs, drop-exports.mjs, blank-paths.mjs).

// The unsigned LEB128 encoding of `n`, as wasm writes sizes, counts and lengths.
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

// Reads a wasm module's bytes from `at`: unsigned LEB128 numbers and names.
export class Reader {
  constructor(bytes, at = 8) {
    this.bytes = bytes;
    this.at = at;
  }
  u32() {
    let n = 0, shift = 0, b;
    do {
      b = this.bytes[this.at++];
      n += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return n;
  }
  name() {
    const len = this.u32();
    const s = this.bytes.subarray(this.at, this.at + len).toString("utf8");
    this.at += len;
    return s;
  }
}

// The sections of a wasm module, in order: each one's id and where its payload starts and ends.
export function* sections(wasm) {
  const r = new Reader(wasm);
  while (r.at < wasm.length) {
    const id = wasm[r.at++];
    const size = r.u32();
    const start = r.at;
    r.at = start + size;
    yield { id, start, end: start + size };
  }
}
