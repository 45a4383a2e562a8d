// The EVM-only server face (`x402-wasm/server/evm`) in real workerd: worker/src/evm.js, bundled by
// wrangler as deployed (worker/dist-evm), its workerd entry and Durable Object store, against the
// facilitator double. Payments come from this package's full client face (Node build).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  PaymentDraft,
  privateKeySigner,
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  encodePaymentSignatureHeader,
} from "../../pkg/node.js";
import { startFacilitator } from "./facilitator.mjs";
import { startWorkerd } from "./workerd.mjs";

const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
const signer = privateKeySigner("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const URL_ = "http://worker.test/weather";
const scriptPath = fileURLToPath(new URL("../dist-evm/evm.js", import.meta.url));
let facilitator, worker, withSolana;

before(async () => {
  facilitator = await startFacilitator();
  const vars = { PAY_TO, NETWORK: "eip155:84532", PRICE: "$0.001", VERIFY: "local", FACILITATOR_URL: facilitator.url };
  worker = startWorkerd(vars, { scriptPath });
  withSolana = startWorkerd({ ...vars, SOLANA_PAY_TO: "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin" }, { scriptPath });
  await Promise.all([worker.ready, withSolana.ready]);
});

after(async () => {
  for (const mf of [worker, withSolana]) await mf?.dispose();
  await facilitator?.close();
});

const calls = (path) => facilitator.state.calls.filter((c) => c.path === path).length;

test("the EVM-only face answers 402, serves a paid request once and refuses its replay", async () => {
  const unpaid = await worker.dispatchFetch(URL_);
  assert.equal(unpaid.status, 402);
  const required = decodePaymentRequiredHeader(unpaid.headers.get("PAYMENT-REQUIRED"));
  assert.deepEqual(
    required.accepts.map((a) => a.network),
    ["eip155:84532"],
  );
  const draft = new PaymentDraft(required, 0, signer.address);
  const header = encodePaymentSignatureHeader(draft.finish(await signer.signTypedData(draft.typedData())));
  const settled = calls("/settle");
  const paid = await worker.dispatchFetch(URL_, { headers: { "PAYMENT-SIGNATURE": header } });
  assert.equal(paid.status, 200);
  assert.deepEqual(await paid.json(), { city: "Lisbon", forecast: "sunny" });
  assert.equal(decodePaymentResponseHeader(paid.headers.get("PAYMENT-RESPONSE")).success, true);
  assert.equal(calls("/settle"), settled + 1);
  const replay = await worker.dispatchFetch(URL_, { headers: { "PAYMENT-SIGNATURE": header } });
  assert.equal(replay.status, 402);
  assert.equal(decodePaymentRequiredHeader(replay.headers.get("PAYMENT-REQUIRED")).error, "invalid_exact_evm_nonce_already_used");
  assert.equal(calls("/settle"), settled + 1);
});

test("a table with a Solana offer is refused by the EVM-only face: nothing is offered or served", async () => {
  const callsBefore = facilitator.state.calls.length;
  const response = await withSolana.dispatchFetch(URL_);
  assert.equal(response.status, 500);
  assert.equal(response.headers.get("PAYMENT-REQUIRED"), null);
  const body = await response.text();
  assert.match(body, /`solana` family's, which this build leaves out/, "Miniflare's development answer carries the refusal");
  assert.doesNotMatch(body, /sunny/);
  assert.equal(facilitator.state.calls.length, callsBefore);
});
