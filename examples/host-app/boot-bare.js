// Loads the wasm app. An external module (not Trunk's inline loader) so that a strict CSP
// (script-src 'self' 'wasm-unsafe-eval') needs no hash or nonce.
import init from "/bare.js";
init();
