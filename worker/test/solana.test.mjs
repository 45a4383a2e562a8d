// A Solana-priced route on the example Worker in real workerd: the Worker learns the fee payer
// from the Solana facilitator's /supported (lazily, once), this package's fetch wrapper pays with a
// key held in wasm, the Worker verifies locally and settles through the official facilitator on a
// real SVM (LiteSVM, tests/solana/svm.mjs); the balances move exactly once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  solanaPrivateKeySigner,
  privateKeySigner,
  wrapFetchWithPayment,
  decodePaymentRequiredHeader,
  decodePaymentResponse,
} from "../../pkg/node.js";
import { startFacilitator } from "./facilitator.mjs";
import { startWorkerd } from "./workerd.mjs";
import { startSvm, startSvmFacilitator, startSvmRpc, NETWORK, USDC, SEEDS } from "../../tests/solana/svm.mjs";

const BASE = "http://worker.test";
const PRICE = 10_000n;
const evm = privateKeySigner("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
let chain, solanaFacilitator, evmFacilitator, rpc, worker;

before(async () => {
  chain = await startSvm();
  solanaFacilitator = await startSvmFacilitator(chain);
  evmFacilitator = await startFacilitator();
  rpc = await startSvmRpc(chain);
  worker = startWorkerd({
    PAY_TO: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
    NETWORK: "eip155:84532",
    PRICE: "$0.001",
    VERIFY: "local",
    FACILITATOR_URL: evmFacilitator.url,
    FACILITATOR_TIMEOUT_MS: "2000",
    SOLANA_PAY_TO: chain.merchant,
    SOLANA_FACILITATOR_URL: solanaFacilitator.url,
  });
  await worker.ready;
});

after(async () => {
  await worker?.dispose();
  await solanaFacilitator?.close();
  await evmFacilitator?.close();
  await rpc?.close();
});

const workerFetch = async (request) =>
  worker.dispatchFetch(request.url, { method: request.method, headers: Object.fromEntries(request.headers) });
const balances = async () => [await chain.balanceOf(chain.payer.address), await chain.balanceOf(chain.merchant)];

test("the Solana route's 402 carries the facilitator's fee payer, asked once", async () => {
  for (let i = 0; i < 3; i++) {
    const res = await worker.dispatchFetch(`${BASE}/solana/weather`);
    assert.equal(res.status, 402);
    const { accepts } = decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED"));
    assert.deepEqual(accepts, [
      {
        scheme: "exact",
        network: NETWORK,
        amount: String(PRICE),
        asset: USDC,
        payTo: chain.merchant,
        maxTimeoutSeconds: 300,
        extra: { feePayer: solanaFacilitator.feePayer },
      },
    ]);
    // v1 clients read the body: the same offer under the v1 name.
    const v1 = await res.json();
    assert.equal(v1.accepts[0].network, "solana-devnet");
    assert.equal(v1.accepts[0].maxAmountRequired, String(PRICE));
  }
  assert.equal(solanaFacilitator.calls.filter((c) => c.path === "/supported").length, 1);
  assert.equal(evmFacilitator.state.calls.filter((c) => c.path === "/supported").length, 0, "only the facilitator a waiting offer needs");
});

test("our client pays the Worker on Solana; settled once on LiteSVM by the Solana facilitator only", async () => {
  const [payerBefore, merchantBefore] = await balances();
  const evmSettles = evmFacilitator.settlements().length;
  const signer = solanaPrivateKeySigner(SEEDS.payer, { rpcUrl: rpc.url });
  let header;
  const pay = wrapFetchWithPayment(
    async (request) => {
      header ??= request.headers.get("PAYMENT-SIGNATURE") ?? undefined;
      return workerFetch(request);
    },
    [evm, signer],
  );
  const res = await pay(`${BASE}/solana/weather`);
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(await res.json(), { city: "Lagos", forecast: "humid", temperatureC: 31 });
  const receipt = decodePaymentResponse(res);
  assert.equal(receipt.success, true);
  assert.equal(receipt.payer, chain.payer.address);
  assert.deepEqual(await balances(), [payerBefore - PRICE, merchantBefore + PRICE]);
  assert.equal(evmFacilitator.settlements().length, evmSettles);
  assert.equal(solanaFacilitator.settlements().length, 1);

  // Replayed to the Worker: refused by the Durable Object's record, before any facilitator call.
  const calls = solanaFacilitator.calls.length;
  const again = await worker.dispatchFetch(`${BASE}/solana/weather`, { headers: { "PAYMENT-SIGNATURE": header } });
  assert.equal(again.status, 402);
  assert.equal(decodePaymentRequiredHeader(again.headers.get("PAYMENT-REQUIRED")).error, "duplicate_settlement");
  assert.equal(solanaFacilitator.calls.length, calls);
  assert.deepEqual(await balances(), [payerBefore - PRICE, merchantBefore + PRICE]);
});

test("a tampered Solana payment is refused in the Worker with the reference's code, without a facilitator call", async () => {
  const signer = solanaPrivateKeySigner(SEEDS.payer, { rpcUrl: rpc.url });
  let header;
  const pay = wrapFetchWithPayment(async (request) => {
    header ??= request.headers.get("PAYMENT-SIGNATURE") ?? undefined;
    return header ? new Response("held back", { status: 418 }) : workerFetch(request);
  }, signer);
  await pay(`${BASE}/solana/weather`);
  const payload = JSON.parse(Buffer.from(header, "base64").toString());
  const wire = Buffer.from(payload.payload.transaction, "base64");
  wire[1 + 64 + 10] ^= 1; // a byte of the payer's signature
  payload.payload.transaction = wire.toString("base64");
  const calls = solanaFacilitator.calls.length;
  const res = await worker.dispatchFetch(`${BASE}/solana/weather`, {
    headers: { "PAYMENT-SIGNATURE": Buffer.from(JSON.stringify(payload)).toString("base64") },
  });
  assert.equal(res.status, 402);
  assert.equal(decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED")).error, "invalid_exact_svm_payload_signature_invalid");
  assert.equal(solanaFacilitator.calls.length, calls);
});
