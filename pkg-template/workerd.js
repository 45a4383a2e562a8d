// Cloudflare Workers entry: wrangler imports the .wasm as a compiled WebAssembly.Module.
import wasmModule from "./x402_wasm_bg.wasm";
import { initSync } from "./x402_wasm.js";

initSync({ module: wasmModule });

export * from "./api.js";
export { X402NonceStore } from "./durable.js";
