// Loads the wasm app. An external module (not Trunk's inline loader) so that a strict CSP
// (script-src 'self' 'wasm-unsafe-eval') needs no hash or nonce.
import init from "/leptos-supabase-auth.js";
import { pack } from "/__wasm_split.js";

// The split parts (src/split.rs) the page being opened shows first come as one pack
// (scripts/split-parts.mjs), fetched next to the main module instead of after it: the recovery
// wizard, the link landing page, and when a session is stored the security screen or the
// step-up page with second-factor verification.
const stored = () => {
  try {
    return localStorage.getItem("lsa.session.v1") !== null;
  } catch {
    return false;
  }
};
const path = location.pathname.replace(/\/+$/, "");
const first = path === "/auth/recover" ? "recovery"
  : path === "/auth/confirm" ? "confirm"
  : path === "/auth/security" && stored() ? "security"
  : path === "/auth/mfa" && stored() ? "mfa" : undefined;
if (first) pack(first);
init();
