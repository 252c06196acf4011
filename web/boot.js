// Loads the wasm app. An external module (not Trunk's inline loader) so that a strict CSP
// (script-src 'self' 'wasm-unsafe-eval') needs no hash or nonce.

// An emailed link carries a bearer token (`token_hash`, a PKCE `code`, or tokens in the
// fragment). It leaves the address bar, and so the history entry, before the page makes a
// request of its own: this module imports nothing before. The app reads the link once from
// `__lsaLink` and deletes it (src/recovery/link.rs): it stays in memory only. What index.html
// fetches before this runs carries no `Referer` (<meta name="referrer" content="no-referrer">).
const SECRETS = ["token_hash", "token", "code", "access_token", "refresh_token",
  "provider_token", "provider_refresh_token"];
const strip = (part) => {
  const params = new URLSearchParams(part.slice(1));
  if (!SECRETS.some((k) => params.has(k))) return part;
  for (const k of SECRETS) params.delete(k);
  const rest = params.toString();
  return rest && part[0] + rest;
};
const { pathname, search, hash } = location;
const [query, fragment] = [strip(search), strip(hash)];
if (query !== search || fragment !== hash) {
  globalThis.__lsaLink = pathname + search + hash;
  history.replaceState(history.state, "", pathname + query + fragment);
}

// The split parts (src/split.rs) the page being opened shows first come as one pack
// (scripts/split-parts.mjs), fetched next to the main module instead of after it: the recovery
// wizard, the link landing page, and when a session is stored the security screen or the
// step-up page with second-factor verification. [path, pack, only with a stored session]; a
// native test (src/split.rs) checks this list and the key against the app's.
const PACKS = [
  ["/auth/recover", "recovery", false],
  ["/auth/confirm", "confirm", false],
  ["/auth/security", "security", true],
  ["/auth/mfa", "mfa", true],
];
const SESSION_KEY = "lsa.session.v1";
const stored = () => {
  try {
    return localStorage.getItem(SESSION_KEY) !== null;
  } catch {
    return false;
  }
};
const path = pathname.replace(/\/+$/, "");
const first = PACKS.find(([p, , session]) => p === path && (!session || stored()));
const [{ default: init }, { pack }] =
  await Promise.all([import("/leptos-supabase-auth.js"), import("/__wasm_split.js")]);
if (first) pack(first[1]);
init();
