// Loads the wasm app (an external module: the strict CSP needs no hash or nonce).
// An emailed link's token leaves the address bar before any request of this module; the app
// reads the link once from __lsaLink (src/recovery/link.rs). README: the link is a bearer token.
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

// The page's first split parts come as one pack next to the main module (split-parts.mjs):
// [path, pack, only with a stored session], checked against src/split.rs PACKS by a test.
const PACKS = [
  ["/auth/recover", "recovery", false],
  ["/auth/sign-up", "sign_up", false],
  ["/auth/confirm", "confirm", false],
  ["/auth/callback", "callback", false],
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
