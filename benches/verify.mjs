// One full local verification of a v2 EIP-3009 payment (header decode, JSON, EIP-712 digest,
// secp256k1 recovery, the field rules), three ways in one Node process, runs interleaved:
//   ours:    verifyPayment from pkg/ (wasm);
//   viem:    base64 + JSON.parse, recoverTypedDataAddress, the same field checks in plain JS;
//   x402evm: @x402/core's header decoder and @x402/evm's facilitator ExactEvmScheme.verify, with a
//            chain stub that answers at once (payer without code, so ECDSA; asset with code;
//            simulation passes) and Date.now pinned to the vector's `now`.
// And one Solana payment (tests/vectors/solana.json: the official client's, devnet USDC), two ways:
//   oursSolana: verifyPayment from pkg/ (wasm): decode, Ed25519, the reference's checks 1-19;
//   x402svm:    @x402/svm's facilitator ExactSvmScheme.verify (WebCrypto Ed25519, kit codecs), its
//               simulation answered at once (the step ours leaves to the facilitator).
// Same EVM vector as the native criterion bench (benches/verify.rs). Prints µs/op, median of runs.
// Usage: node benches/verify.mjs [--quick] (after scripts/build-pkg.sh)
import { performance } from "node:perf_hooks";
import { getAddress, isAddressEqual, recoverTypedDataAddress, verifyTypedData } from "viem";
import { decodePaymentSignatureHeader } from "@x402/core/http";
import { authorizationTypes } from "@x402/evm";
import { ExactEvmScheme } from "@x402/evm/exact/facilitator";
import { ExactSvmScheme } from "@x402/svm/exact/facilitator";
import { readFileSync } from "node:fs";
import { verifyPayment } from "../pkg/node.js";
import { QUICK, emit, log, summary, vector } from "./lib/common.mjs";

const v = vector();
const req = v.requirements;

async function viemVerify(header, now) {
  const payment = JSON.parse(Buffer.from(header, "base64").toString("utf8"));
  const {
    accepted,
    payload: { authorization: a, signature },
  } = payment;
  const fieldsOk =
    payment.x402Version === 2 &&
    accepted.scheme === "exact" &&
    req.scheme === "exact" &&
    accepted.network === req.network &&
    isAddressEqual(accepted.asset, req.asset) &&
    BigInt(a.value) === BigInt(req.amount) &&
    isAddressEqual(a.to, req.payTo) &&
    BigInt(a.validAfter) <= BigInt(now) &&
    BigInt(a.validBefore) >= BigInt(now + 6);
  if (!fieldsOk) return false;
  const payer = await recoverTypedDataAddress({
    domain: {
      name: req.extra.name,
      version: req.extra.version,
      chainId: Number(req.network.split(":")[1]),
      verifyingContract: getAddress(req.asset),
    },
    types: authorizationTypes, // the EIP-3009 TransferWithAuthorization type, as @x402/evm spells it
    primaryType: "TransferWithAuthorization",
    message: { ...a, value: BigInt(a.value), validAfter: BigInt(a.validAfter), validBefore: BigInt(a.validBefore) },
    signature,
  });
  return isAddressEqual(payer, a.from);
}

// The facilitator's chain access, answered locally: no RPC.
const stubSigner = {
  getAddresses: () => ["0x1111111111111111111111111111111111111111"],
  getCode: async ({ address }) => (isAddressEqual(address, req.asset) ? "0x6000" : "0x"),
  readContract: async () => 10n ** 30n, // balances; a simulated transfer that does not revert
  verifyTypedData: (args) => verifyTypedData(args),
};
const scheme = new ExactEvmScheme(stubSigner);

const solana = JSON.parse(readFileSync(new URL("../tests/vectors/solana.json", import.meta.url), "utf8")).payments[0];
const solanaHeader = Buffer.from(JSON.stringify(solana.payload)).toString("base64");
const svmScheme = new ExactSvmScheme({ getAddresses: () => [solana.requirements.extra.feePayer], simulateTransaction: async () => {} });

const contenders = {
  ours: () => verifyPayment(v.header, req, { now: v.now }).isValid,
  viem: () => viemVerify(v.header, v.now),
  x402evm: async () => (await scheme.verify(decodePaymentSignatureHeader(v.header), req)).isValid,
  oursSolana: () => verifyPayment(solanaHeader, solana.requirements, { now: v.now }).isValid,
  x402svm: async () => (await svmScheme.verify(decodePaymentSignatureHeader(solanaHeader), solana.requirements)).isValid,
};

/** µs per verification over `iterations` sequential calls. */
async function run(verify, iterations) {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) if (!(await verify())) throw new Error("the vector must verify");
  return ((performance.now() - start) * 1e3) / iterations;
}

const realNow = Date.now;
Date.now = () => v.now * 1000; // @x402/evm reads the clock; ours and viem take `now` explicitly
const RUNS = QUICK ? 3 : 9;
const RUN_MS = QUICK ? 20 : 400;
const iterations = {};
for (const [name, verify] of Object.entries(contenders)) {
  const warm = await run(verify, QUICK ? 5 : 200);
  iterations[name] = Math.max(3, Math.round((RUN_MS * 1e3) / warm));
}
const perOp = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
for (let r = 0; r < RUNS; r++) {
  for (const [name, verify] of Object.entries(contenders)) perOp[name].push(await run(verify, iterations[name]));
}
Date.now = realNow;

const results = Object.fromEntries(Object.entries(perOp).map(([name, us]) => [name, { ...summary(us), iterations: iterations[name] }]));
for (const [name, r] of Object.entries(results))
  log(`verify ${name}: median ${r.median.toFixed(1)} µs/op over ${r.runs} runs of ${r.iterations}`);
emit({ bench: "verify", unit: "µs/op", node: process.version, results });
