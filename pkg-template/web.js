// Browser and bundler entry: the module is fetched next to this file (top-level await).
import init from "./x402_wasm.js";
import { providePaywallWasm } from "./paywall.js";

const wasmUrl = new URL("./x402_wasm_bg.wasm", import.meta.url);
await init({ module_or_path: wasmUrl });
providePaywallWasm(() => fetch(wasmUrl).then((r) => r.arrayBuffer()));

export * from "./api.js";
