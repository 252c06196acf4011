// First-load benchmark driver (run by scripts/bench.sh; not a test).
//
// Loads BENCH_URL in headless Chromium through playwright-core (never `playwright install`:
// it drives /usr/bin/chromium), each time with a fresh --user-data-dir:
//   1. one recording load: every response the page fetched, with its body (what a user downloads);
//   2. BENCH_RUNS timed loads: navigation start -> first form field (or button of a card) present and enabled, measured
//      inside the page (performance.now(), whose origin is navigation start) by a script that the
//      driver injects before any page script runs (DevTools, so the page's CSP does not apply);
//      then the JS heap in use (after a forced GC, through the DevTools protocol).
// Sizes: raw; gzip -9 (`gzip -9 -n`); brotli -q 11 (the `brotli` CLI when BENCH_BROTLI names it,
// otherwise Node's zlib brotli at quality 11, window 22: the same library and settings).
//
// Environment: BENCH_NODE_MODULES (the directory holding playwright-core), BENCH_URL, BENCH_RUNS, BENCH_CHROMIUM, BENCH_BROTLI (optional), BENCH_JSON=1
// (one JSON object on one line), BENCH_TIMEOUT_MS (per load, default 15000), BENCH_LABEL (shown in
// the title), BENCH_SUMMARY (optional: a file to which one line is appended, tab-separated:
// BENCH_SUMMARY_NAME, BENCH_GATED, total brotli bytes, median ready ms), BENCH_SIGN_IN=1 (measure
// the page signed in: a user is signed up and signed in once, through the sign-in form, and every
// measured load starts from a fresh profile holding that localStorage; BENCH_SIGN_IN=mfa: the
// user has a verified authenticator app, so the password alone leaves the second factor pending).

import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import zlib from "node:zlib";

// playwright-core lives in a tools cache, not next to this file: resolve it from there.
const require = createRequire(join(process.env.BENCH_NODE_MODULES || ".", "noop.js"));
const { chromium } = require("playwright-core");

process.on("unhandledRejection", (err) => fail(err));
function fail(err) {
  console.error(`bench: ${err && err.message ? err.message : err}`);
  process.exit(1);
}

const url = process.env.BENCH_URL;
const runs = Number(process.env.BENCH_RUNS || 20);
const executablePath = process.env.BENCH_CHROMIUM || "/usr/bin/chromium";
const brotliCli = process.env.BENCH_BROTLI || "";
const asJson = process.env.BENCH_JSON === "1";
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS || 15000);
if (!url) {
  console.error("BENCH_URL is not set");
  process.exit(2);
}

// Flags that avoid stalls on a closed network (reference/toolchain.md).
const args = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-dev-shm-usage",
];

// Injected before the page's own scripts. Reports once, through the console, when the first
// visible-type form field, or a button of a card (the security screen opens its forms on demand),
// exists and is enabled (fieldset-disabled counts as disabled).
const READY_PROBE = `(() => {
  const SELECTOR = 'input:not([type=hidden]):enabled, select:enabled, textarea:enabled, .lsa-card button:enabled';
  let done = false;
  const check = () => {
    if (done || !document.querySelector(SELECTOR)) return;
    done = true;
    const t = performance.now();
    observer.disconnect();
    console.debug('__lsa_bench_ready__ ' + t);
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true,
                               attributeFilter: ['disabled'] });
  document.addEventListener('DOMContentLoaded', check);
})();`;

async function withFreshBrowser(fn) {
  const dir = mkdtempSync(join(tmpdir(), "lsa-bench-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath, headless: true, args, viewport: { width: 1000, height: 800 },
    // The browser's language (navigator.languages, Accept-Language): bench.sh --locale.
    ...(process.env.BENCH_LOCALE ? { locale: process.env.BENCH_LOCALE } : {}),
  });
  try {
    return await fn(context);
  } finally {
    await context.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

// The current 6-digit TOTP code (RFC 6238: SHA-1, 30 s) of a base32 secret.
function totp(secret) {
  let bits = "";
  for (const c of secret.replace(/=+$/, "")) bits += "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const h = createHmac("sha1", key).update(counter).digest();
  const o = h[19] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, "0");
}

// Gives the user of `token` a verified authenticator app (enrol, challenge, verify).
async function addTotp(origin, token) {
  const call = async (path, body) => {
    const r = await fetch(`${origin}/auth/v1${path}`, {
      method: "POST", body: JSON.stringify(body),
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    });
    if (!r.ok) throw new Error(`${path} for the second-factor load: HTTP ${r.status}`);
    return r.json();
  };
  const factor = await call("/factors", { factor_type: "totp", friendly_name: "bench" });
  const challenge = await call(`/factors/${factor.id}/challenge`, {});
  await call(`/factors/${factor.id}/verify`, { challenge_id: challenge.id, code: totp(factor.totp.secret) });
}

// The localStorage of a signed-in user, as the app wrote it (BENCH_SIGN_IN=1, or mfa), else null.
async function signedInStorage() {
  const mode = process.env.BENCH_SIGN_IN;
  if (mode !== "1" && mode !== "mfa") return null;
  const origin = new URL(url).origin;
  const email = `bench-${Date.now()}@example.com`, password = "Bench-password-1";
  const signUp = await fetch(`${origin}/auth/v1/signup`, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }),
  });
  if (!signUp.ok) throw new Error(`sign-up for the signed-in load: HTTP ${signUp.status}`);
  if (mode === "mfa") await addTotp(origin, (await signUp.json()).access_token);
  return withFreshBrowser(async (context) => {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(`${origin}/auth/sign-in`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForFunction(() => localStorage.getItem("lsa.session.v1"), null, { timeout: timeoutMs });
    return page.evaluate(() => JSON.stringify(Object.fromEntries(Object.entries(localStorage))));
  });
}
let storage = null;

async function load(context, onResponse) {
  if (storage) {
    await context.addInitScript({
      content: `for (const [k, v] of Object.entries(${storage})) localStorage.setItem(k, v);`,
    });
  }
  await context.addInitScript({ content: READY_PROBE });
  const page = context.pages()[0] || (await context.newPage());
  if (onResponse) page.on("response", onResponse);
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no enabled form field or card button within ${timeoutMs} ms`)), timeoutMs);
    page.on("console", (msg) => {
      const text = msg.text();
      if (text.startsWith("__lsa_bench_ready__ ")) {
        clearTimeout(timer);
        resolve(Number(text.split(" ")[1]));
      }
    });
    page.on("pageerror", (err) => {
      clearTimeout(timer);
      reject(new Error(`page error: ${err.message}`));
    });
  });
  ready.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  await page.goto(url, { waitUntil: "commit", timeout: timeoutMs });
  const readyMs = await ready;
  return { page, readyMs };
}

async function heapUsed(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("Performance.enable");
  const { metrics } = await cdp.send("Performance.getMetrics");
  const m = metrics.find((x) => x.name === "JSHeapUsedSize");
  return m ? m.value : NaN;
}

function sizes(buf) {
  const gzip = execFileSync("gzip", ["-9", "-n", "-c"], { input: buf, maxBuffer: 1 << 28 }).length;
  const brotli = brotliCli
    ? execFileSync(brotliCli, ["-q", "11", "-c"], { input: buf, maxBuffer: 1 << 28 }).length
    : zlib.brotliCompressSync(buf, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
          [zlib.constants.BROTLI_PARAM_LGWIN]: 22,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
        },
      }).length;
  return { raw: buf.length, gzip, brotli };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

async function main() {
  storage = await signedInStorage();
  // 1. The recording load.
  const fetched = [];
  const pending = [];
  const version = await withFreshBrowser(async (context) => {
    const { page } = await load(context, (resp) => {
      const req = resp.request();
      if (resp.url().startsWith("data:")) return;
      pending.push(
        resp.body().then(
          (body) => fetched.push({ url: resp.url(), type: req.resourceType(), status: resp.status(), body }),
          () => fetched.push({ url: resp.url(), type: req.resourceType(), status: resp.status(), body: Buffer.alloc(0) }),
        ),
      );
    });
    // Anything still in flight when the form is ready belongs to the first load too.
    await page.waitForLoadState("networkidle", { timeout: timeoutMs }).catch(() => {});
    await Promise.all(pending);
    const cdp = await context.newCDPSession(page);
    const { product } = await cdp.send("Browser.getVersion");
    return product.replace(/^[A-Za-z]*Chrome\//, "");
  });

  const origin = new URL(url).origin;
  const rank = { document: 0, stylesheet: 1, script: 2 };
  const files = fetched
    .map((f) => {
      const u = new URL(f.url);
      let name = u.origin === origin ? u.pathname + u.search : f.url;
      if (f.type === "document") name += " (index.html)";
      return { name, type: f.type, status: f.status, ...sizes(f.body) };
    })
    .sort((a, b) => (rank[a.type] ?? 3) - (rank[b.type] ?? 3) || a.name.localeCompare(b.name));
  const total = files.reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }),
    { raw: 0, gzip: 0, brotli: 0 });

  // 2. The timed loads.
  const loads = [];
  for (let i = 0; i < runs; i++) {
    const r = await withFreshBrowser(async (context) => {
      const { page, readyMs } = await load(context);
      const heap = await heapUsed(context, page);
      return { readyMs, heap };
    });
    loads.push(r);
    if (!asJson) process.stderr.write(`\rload ${i + 1}/${runs}: ${r.readyMs.toFixed(1)} ms   `);
  }
  if (!asJson) process.stderr.write("\n");

  const ready = loads.map((l) => l.readyMs);
  const heaps = loads.map((l) => l.heap);
  const result = {
    url,
    label: process.env.BENCH_LABEL || "",
    gated: process.env.BENCH_GATED !== "0",
    chromium: version,
    brotli: brotliCli ? "brotli CLI -q 11" : "node zlib brotli q11 w22",
    files,
    total,
    runs,
    ready_ms: { median: median(ready), min: Math.min(...ready), p90: quantile(ready, 0.9), max: Math.max(...ready), all: ready },
    js_heap_bytes: { median: median(heaps), min: Math.min(...heaps), max: Math.max(...heaps) },
  };

  if (process.env.BENCH_SUMMARY) {
    const name = process.env.BENCH_SUMMARY_NAME || url;
    appendFileSync(process.env.BENCH_SUMMARY,
      [name, result.gated ? 1 : 0, total.brotli, result.ready_ms.median.toFixed(1)].join("\t") + "\n");
  }

  if (asJson) {
    console.log(JSON.stringify(result));
  } else {
    const kb = (n) => (n / 1024).toFixed(1);
    const rows = files.map((f) => [f.name, f.type, String(f.raw), String(f.gzip), String(f.brotli), kb(f.brotli)]);
    rows.push(["total", "", String(total.raw), String(total.gzip), String(total.brotli), kb(total.brotli)]);
    const head = ["fetched on first load", "type", "raw B", "gzip -9 B", "brotli -q 11 B", "brotli KiB"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
    console.log(`${result.label ? result.label + ": " : ""}${url}  (Chromium ${version}, brotli: ${result.brotli})`);
    console.log();
    console.log(line(head));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    rows.forEach((r, i) => {
      if (i === rows.length - 1) console.log(widths.map((w) => "-".repeat(w)).join("  "));
      console.log(line(r));
    });
    console.log();
    const ms = (x) => x.toFixed(1);
    console.log(`ready (navigation start -> first form field or card button present and enabled), ${runs} fresh loads:`);
    console.log(`  median ${ms(result.ready_ms.median)} ms   min ${ms(result.ready_ms.min)}   p90 ${ms(result.ready_ms.p90)}   max ${ms(result.ready_ms.max)}`);
    console.log(`JS heap used at ready (after GC): median ${(result.js_heap_bytes.median / 1048576).toFixed(2)} MB` +
      `   min ${(result.js_heap_bytes.min / 1048576).toFixed(2)}   max ${(result.js_heap_bytes.max / 1048576).toFixed(2)}`);
  }
}

main().catch(fail);
