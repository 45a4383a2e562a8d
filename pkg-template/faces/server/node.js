// Node entry of the server face: its module is read from disk and compiled at import; the paywall
// page's browser gets the client face's module.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { initSync } from "./x402_wasm.js";
import { providePaywallWasm } from "./paywall.js";

initSync({ module: readFileSync(new URL("./x402_wasm_bg.wasm", import.meta.url)) });
providePaywallWasm(() => readFile(new URL("../client/x402_wasm_bg.wasm", import.meta.url)));

export * from "./api.js";
