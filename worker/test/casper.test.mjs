// A Casper-priced route on the example Worker in real workerd: this package's fetch wrapper pays it
// with Casper keys (ed25519 and secp256k1) held in wasm, the Worker verifies locally and settles
// through the Casper facilitator (a double here, with CSPR.cloud's access-token header), never the
// EVM one. The independent signatures of tests/vectors/casper.json are checked by tests/casper.rs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  casperPrivateKeySigner,
  privateKeySigner,
  wrapFetchWithPayment,
  decodePaymentRequiredHeader,
  decodePaymentResponse,
} from "../../pkg/node.js";
import { startFacilitator } from "./facilitator.mjs";
import { startWorkerd } from "./workerd.mjs";

const BASE = "http://worker.test";
const ASSET = "7d1e1c5f5cbc35ac8b7a95b4d4a1e1a5e1df2f9ddab5ccf2f1a5a7eaae0c3a11";
const PAY_TO = "00c0ffee0000000000000000000000000000000000000000000000000000c0ffee";
const TOKEN = "cspr-cloud-access-token";
const ed25519 = casperPrivateKeySigner("4f".repeat(32));
const secp256k1 = casperPrivateKeySigner("2c".repeat(32), { algorithm: "secp256k1" });
const evm = privateKeySigner("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
let evmFacilitator, casperFacilitator, worker;

before(async () => {
  evmFacilitator = await startFacilitator();
  casperFacilitator = await startFacilitator();
  worker = startWorkerd({
    PAY_TO: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
    NETWORK: "eip155:84532",
    PRICE: "$0.001",
    VERIFY: "local",
    FACILITATOR_URL: evmFacilitator.url,
    FACILITATOR_TIMEOUT_MS: "2000",
    CASPER_ASSET: ASSET,
    CASPER_PAY_TO: PAY_TO,
    CASPER_AMOUNT: "2500000",
    CASPER_FACILITATOR_URL: casperFacilitator.url,
    CASPER_FACILITATOR_TOKEN: TOKEN,
  });
  await worker.ready;
});

after(async () => {
  await worker?.dispose();
  await evmFacilitator?.close();
  await casperFacilitator?.close();
});

/** fetch into the Worker, as a client on the network would. */
const workerFetch = async (request) =>
  worker.dispatchFetch(request.url, { method: request.method, headers: Object.fromEntries(request.headers) });
const reasonOf = (res) => decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED")).error;

/** A signed payment header for /casper/weather, from the wrapper's own onPaymentCreated hook. */
async function signedHeader(signer) {
  let header;
  const pay = wrapFetchWithPayment(
    async (request) => {
      header ??= request.headers.get("PAYMENT-SIGNATURE") ?? undefined;
      return header ? new Response("held back", { status: 418 }) : workerFetch(request);
    },
    signer,
    { assets: [{ network: "casper:casper-test", asset: ASSET, maxAmount: "2500000" }] },
  );
  await pay(`${BASE}/casper/weather`);
  return header;
}

test("the Casper route's 402 offers the CEP-18 token as configured", async () => {
  const res = await worker.dispatchFetch(`${BASE}/casper/weather`);
  assert.equal(res.status, 402);
  assert.deepEqual(decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED")).accepts, [
    {
      scheme: "exact",
      network: "casper:casper-test",
      amount: "2500000",
      asset: ASSET,
      payTo: PAY_TO,
      maxTimeoutSeconds: 300,
      extra: { name: "Cep18x402", version: "1" },
    },
  ]);
  const v1 = await res.json();
  assert.deepEqual(v1.accepts, [], "v1 cannot name a Casper network");
});

for (const [name, signer] of [
  ["ed25519", ed25519],
  ["secp256k1", secp256k1],
]) {
  test(`a ${name} Casper key pays through the fetch wrapper, settled by the Casper facilitator only`, async () => {
    const before = { evm: evmFacilitator.settlements().length, casper: casperFacilitator.settlements().length };
    const pay = wrapFetchWithPayment(workerFetch, [evm, signer], {
      assets: [{ network: "casper:casper-test", asset: ASSET, maxAmount: "2500000" }],
    });
    const res = await pay(`${BASE}/casper/weather`);
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), { city: "Zug", forecast: "snow", temperatureC: -2 });
    const receipt = decodePaymentResponse(res);
    assert.equal(receipt.success, true);
    assert.match(receipt.transaction, /^[0-9a-f]{64}$/);
    assert.equal(receipt.payer, signer.address);
    assert.equal(evmFacilitator.settlements().length, before.evm);
    const settles = casperFacilitator.settlements();
    assert.equal(settles.length, before.casper + 1);
    const call = settles.at(-1);
    assert.equal(call.headers.authorization, TOKEN);
    const { payload } = call.body.paymentPayload;
    assert.equal(payload.publicKey, signer.publicKey);
    assert.equal(payload.signature.slice(0, 2), name === "ed25519" ? "01" : "02");
    assert.match(payload.authorization.nonce, /^[0-9a-f]{64}$/);
    assert.equal(payload.authorization.from, signer.address);
    assert.deepEqual(call.body.paymentRequirements.extra, { name: "Cep18x402", version: "1" });
  });
}

test("an EVM-only client does not pay the Casper route; a Casper client does not pay an unlisted token", async () => {
  await assert.rejects(wrapFetchWithPayment(workerFetch, evm)(`${BASE}/casper/weather`), (e) => e.code === "no_acceptable_requirement");
  await assert.rejects(wrapFetchWithPayment(workerFetch, ed25519)(`${BASE}/casper/weather`), (e) => e.code === "no_acceptable_requirement");
});

test("a replayed Casper payment is refused without a second settlement", async () => {
  const header = await signedHeader(ed25519);
  const first = await worker.dispatchFetch(`${BASE}/casper/weather`, { headers: { "PAYMENT-SIGNATURE": header } });
  assert.equal(first.status, 200);
  const settled = casperFacilitator.settlements().length;
  const again = await worker.dispatchFetch(`${BASE}/casper/weather`, { headers: { "PAYMENT-SIGNATURE": header } });
  assert.equal(again.status, 402);
  assert.equal(reasonOf(again), "invalid_exact_casper_verification_failed");
  assert.equal(casperFacilitator.settlements().length, settled);
});

test("a tampered or misattributed Casper payment is refused locally with the reference's code", async () => {
  const calls = casperFacilitator.state.calls.length;
  const decoded = JSON.parse(Buffer.from(await signedHeader(secp256k1), "base64").toString());
  const send = (payload) =>
    worker.dispatchFetch(`${BASE}/casper/weather`, {
      headers: { "PAYMENT-SIGNATURE": Buffer.from(JSON.stringify(payload)).toString("base64") },
    });

  const tampered = structuredClone(decoded);
  tampered.payload.authorization.validBefore = String(Number(tampered.payload.authorization.validBefore) + 60);
  const res = await send(tampered);
  assert.equal(res.status, 402);
  assert.equal(reasonOf(res), "invalid_exact_casper_invalid_signature");

  // Signed by the secp256k1 key, but claiming the ed25519 key's account as payer.
  const misattributed = structuredClone(decoded);
  misattributed.payload.authorization.from = ed25519.address;
  assert.equal(reasonOf(await send(misattributed)), "invalid_exact_casper_invalid_signature");

  const expired = structuredClone(decoded);
  expired.payload.authorization.validBefore = "1000";
  expired.payload.authorization.validAfter = "0";
  assert.equal(reasonOf(await send(expired)), "invalid_exact_casper_payload_expired");
  assert.equal(casperFacilitator.state.calls.length, calls, "nothing reached the facilitator");
});
