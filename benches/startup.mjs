// A cold Node process: the time from the first line of a script to its first verification done,
// import included, for the same v2 EIP-3009 payment as benches/verify.mjs:
//   ours (both faces): import x402-wasm (pkg/node.js), verifyPayment;
//   ours (server face): import x402-wasm/server (pkg/server/node.js), verifyPayment;
//   ours (server face, EVM only): the same from x402-wasm/server/evm (pkg/server-evm/node.js);
//   viem: import viem, decode the header, recoverTypedDataAddress.
// Each sample is a fresh `node` process (spawned one after another, interleaved by contender);
// Node's own start-up is outside the timed span. Prints the median ms of the samples.
// Usage: node benches/startup.mjs [--quick]
import { execFileSync } from "node:child_process";
import { QUICK, emit, fromRoot, log, summary, vector } from "./lib/common.mjs";

const SAMPLES = QUICK ? 2 : 15;
const v = vector();
const header = JSON.stringify(v.header);
const requirements = JSON.stringify(v.requirements);
const now = v.now;

const ours = (entry) => `
const t0 = performance.now();
const { verifyPayment } = await import(${JSON.stringify(fromRoot(entry))});
const r = verifyPayment(${header}, ${requirements}, { now: ${now} });
if (!r.isValid) throw new Error(JSON.stringify(r));
console.log(performance.now() - t0);`;

const viem = `
const t0 = performance.now();
const { recoverTypedDataAddress, getAddress } = await import("viem");
const payment = JSON.parse(Buffer.from(${header}, "base64").toString("utf8"));
const req = ${requirements};
const a = payment.payload.authorization;
const types = { TransferWithAuthorization: [
  { name: "from", type: "address" }, { name: "to", type: "address" }, { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" }, { name: "validBefore", type: "uint256" }, { name: "nonce", type: "bytes32" } ] };
const payer = await recoverTypedDataAddress({
  domain: { name: req.extra.name, version: req.extra.version, chainId: Number(req.network.split(":")[1]), verifyingContract: getAddress(req.asset) },
  types, primaryType: "TransferWithAuthorization",
  message: { ...a, value: BigInt(a.value), validAfter: BigInt(a.validAfter), validBefore: BigInt(a.validBefore) },
  signature: payment.payload.signature,
});
if (getAddress(payer) !== getAddress(a.from)) throw new Error("wrong payer");
console.log(performance.now() - t0);`;

const contenders = {
  ours: ours("pkg/node.js"),
  oursServer: ours("pkg/server/node.js"),
  oursServerEvm: ours("pkg/server-evm/node.js"),
  viem,
};
const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
for (let i = 0; i < SAMPLES; i++) {
  for (const [name, script] of Object.entries(contenders)) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: fromRoot(""), encoding: "utf8" });
    samples[name].push(Number(out.trim()));
  }
}
const result = Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, summary(s)]));
log("startup (ms, median):", Object.fromEntries(Object.entries(result).map(([k, s]) => [k, s.median.toFixed(1)])));
emit({ bench: "startup", unit: "ms", ...result });
