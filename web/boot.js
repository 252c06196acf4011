// Loads the wasm app. An external module (not Trunk's inline loader) so that a strict CSP
// (script-src 'self' 'wasm-unsafe-eval') needs no hash or nonce.
import init from "/leptos-supabase-auth.js";

// The split parts (src/split.rs) of each split point; scripts/build-app.sh writes them in.
const PARTS = {};
// The parts the page being opened shows first, fetched next to the main module instead of after
// it: the recovery wizard, the link landing page, and when a session is stored the security
// screen or the step-up page with second-factor verification.
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
  : path === "/auth/security" && stored() ? PARTS.security
  : path === "/auth/mfa" && stored() ? [...PARTS.step_up, ...PARTS.second_factor] : undefined;
for (const file of new Set(first)) {
  const link = document.createElement("link");
  link.rel = "preload";
  link.as = "fetch";
  link.crossOrigin = "anonymous";
  link.href = "/" + file;
  document.head.append(link);
}
init();
