// Cloudflare Workers entry: wrangler imports the .wasm as a compiled WebAssembly.Module, and the
// client face's bytes (.bin, a Data module) only when the paywall page's browser asks for them.
import wasmModule from "./x402_wasm_bg.wasm";
import { initSync } from "./x402_wasm.js";
import { providePaywallWasm } from "./paywall.js";

initSync({ module: wasmModule });
providePaywallWasm(async () => (await import("./client/x402_wasm_bg.bin")).default);

export * from "./api.js";
export { X402NonceStore } from "./durable.js";
