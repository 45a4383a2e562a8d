// Browser and bundler entry: the module is fetched next to this file (top-level await).
import init from "./x402_wasm.js";
import { providePaywallWasm } from "./paywall.js";

await init({ module_or_path: new URL("./x402_wasm_bg.wasm", import.meta.url) });
// The paywall page's browser gets the client face's module.
const clientWasm = new URL("./client/x402_wasm_bg.wasm", import.meta.url);
providePaywallWasm(() => fetch(clientWasm).then((r) => r.arrayBuffer()));

export * from "./api.js";
