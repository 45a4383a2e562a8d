// One full local verification in wasm under Node: header decode, JSON, EIP-712 digest, recovery,
// rules. Same vector as the native criterion bench (benches/verify.rs). Prints the median µs/op of
// several runs. Usage: node benches/verify.mjs (after scripts/build-pkg.sh)
import { readFileSync } from "node:fs";
import { verifyPayment } from "../pkg/node.js";

const vectors = JSON.parse(readFileSync(new URL("../tests/vectors/vectors.json", import.meta.url)));
const v = vectors.payloads.find((p) => p.name === "viem/v2/eip3009/eip155:84532");
const options = { now: v.now };

function run(iterations) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    if (!verifyPayment(v.header, v.requirements, options).isValid) throw new Error("vector must verify");
  }
  return Number(process.hrtime.bigint() - start) / 1e3 / iterations;
}

run(200); // warm up
const runs = Array.from({ length: 9 }, () => run(500)).sort((a, b) => a - b);
console.log(`wasm (Node ${process.version}) verify v2 eip3009: median ${runs[4].toFixed(1)} µs/op over 9 runs of 500 (min ${runs[0].toFixed(1)}, max ${runs[8].toFixed(1)})`);
