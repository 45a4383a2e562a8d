// Browser and bundler entry: the module is fetched next to this file (top-level await).
import init from "./x402_wasm.js";

await init({ module_or_path: new URL("./x402_wasm_bg.wasm", import.meta.url) });

export * from "./api.js";
