// Node entry of the facilitator face: its module is read from disk and compiled at import. In one
// process the Settler keeps its record in memory (or in the `storage` given).
import { readFileSync } from "node:fs";
import { initSync } from "./x402_wasm.js";

initSync({ module: readFileSync(new URL("./x402_wasm_bg.wasm", import.meta.url)) });

export * from "./facilitator.js";
