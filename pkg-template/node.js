// Node entry: the module is read from disk and compiled synchronously at import.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { initSync } from "./x402_wasm.js";
import { providePaywallWasm } from "./paywall.js";

initSync({ module: readFileSync(new URL("./x402_wasm_bg.wasm", import.meta.url)) });
// The paywall page's browser gets the client face's module.
providePaywallWasm(() => readFile(new URL("./client/x402_wasm_bg.wasm", import.meta.url)));

export * from "./api.js";
