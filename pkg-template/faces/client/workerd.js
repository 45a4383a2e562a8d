// Cloudflare Workers entry of the client face: wrangler imports the .wasm as a compiled module.
import wasmModule from "./x402_wasm_bg.wasm";
import { initSync } from "./x402_wasm.js";

initSync({ module: wasmModule });

export * from "./api.js";
