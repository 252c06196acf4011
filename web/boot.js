// Loads the wasm app. An external module (not Trunk's inline loader) so that a strict CSP
// (script-src 'self' 'wasm-unsafe-eval') needs no hash or nonce.
import init from "/leptos-supabase-auth.js";

// The split parts (src/split.rs) of each split point; scripts/build-app.sh writes them in.
const PARTS = {};
// The parts the page being opened shows first, fetched next to the main module instead of after
// it: the recovery wizard, the link landing page, and the security screen when a session is stored.
const stored = () => {
  try {
    return localStorage.getItem("lsa.session.v1") !== null;
  } catch {
    return false;
  }
};
const path = location.pathname.replace(/\/+$/, "");
const first = path === "/auth/recover" ? PARTS.recovery
  : path === "/auth/confirm" ? PARTS.confirm
  : path === "/auth/security" && stored() ? PARTS.security : undefined;
for (const file of first || []) {
  const link = document.createElement("link");
  link.rel = "preload";
  link.as = "fetch";
  link.crossOrigin = "anonymous";
  link.href = "/" + file;
  document.head.append(link);
}
init();
