// Node entry of the client face: its module is read from disk and compiled at import.
import { readFileSync } from "node:fs";
import { initSync } from "./x402_wasm.js";

initSync({ module: readFileSync(new URL("./x402_wasm_bg.wasm", import.meta.url)) });

export * from "./api.js";
