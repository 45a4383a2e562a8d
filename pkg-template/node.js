// Node entry: the module is read from disk and compiled synchronously at import.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { initSync } from "./x402_wasm.js";
import { providePaywallWasm } from "./paywall.js";

const wasmUrl = new URL("./x402_wasm_bg.wasm", import.meta.url);
initSync({ module: readFileSync(wasmUrl) });
providePaywallWasm(() => readFile(wasmUrl));

export * from "./api.js";
