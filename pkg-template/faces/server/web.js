// Browser and bundler entry of the server face: its module is fetched next to this file; the
// paywall page's browser gets the client face's module.
import init from "./x402_wasm.js";
import { providePaywallWasm } from "./paywall.js";

await init({ module_or_path: new URL("./x402_wasm_bg.wasm", import.meta.url) });
const clientWasm = new URL("../client/x402_wasm_bg.wasm", import.meta.url);
providePaywallWasm(() => fetch(clientWasm).then((r) => r.arrayBuffer()));

export * from "./api.js";
