// Browser and bundler entry of the client face: its module is fetched next to this file.
import init from "./x402_wasm.js";

await init({ module_or_path: new URL("./x402_wasm_bg.wasm", import.meta.url) });

export * from "./api.js";
