// Cloudflare Workers entry of the server face: wrangler imports the .wasm as a compiled module,
// and the client face's bytes (a Data module) only when the paywall page's browser asks for them.
import wasmModule from "./x402_wasm_bg.wasm";
import { initSync } from "./x402_wasm.js";
import { providePaywallWasm } from "./paywall.js";

initSync({ module: wasmModule });
providePaywallWasm(async () => (await import("../client/x402_wasm_bg.bin")).default);

export * from "./api.js";
export { X402NonceStore } from "./durable.js";
