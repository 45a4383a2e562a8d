// withPayment (plain module Workers) and the in-memory nonce store, run in Node with the package's
// own client paying, against the facilitator double.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  withPayment,
  createPaymentHandler,
  InMemoryNonceStore,
  PaymentDraft,
  privateKeySigner,
  decodePaymentRequiredHeader,
  encodePaymentSignatureHeader,
  decodePaymentResponse,
} from "x402-wasm";
import { startFacilitator } from "../../worker/test/facilitator.mjs";

const signer = privateKeySigner("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const routes = {
  "GET /paid/*": {
    accepts: { scheme: "exact", network: "eip155:8453", payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", price: "$0.002" },
  },
};
let facilitator, worker;
const envs = [];

before(async () => {
  facilitator = await startFacilitator();
  worker = withPayment(
    (request, env) => new Response(JSON.stringify({ path: new URL(request.url).pathname, tenant: env.TENANT })),
    routes,
    (env) => {
      envs.push(env.TENANT);
      return { facilitator: { url: facilitator.url }, nonceStore: env.STORE };
    },
  );
});
after(async () => {
  await facilitator.close();
});

const env = { TENANT: "acme", STORE: new InMemoryNonceStore() };
const call = (path, headers = {}) => worker(new Request(`https://shop.test${path}`, { headers }), env, { waitUntil() {} });

async function payment(path) {
  const required = decodePaymentRequiredHeader((await call(path)).headers.get("PAYMENT-REQUIRED"));
  const draft = new PaymentDraft(required, 0, signer.address);
  return encodePaymentSignatureHeader(draft.finish(await signer.signTypedData(draft.typedData())));
}

test("withPayment: free paths pass, paid paths answer 402 then serve once paid", async () => {
  assert.deepEqual(await (await call("/free")).json(), { path: "/free", tenant: "acme" });
  const unpaid = await call("/paid/report");
  assert.equal(unpaid.status, 402);
  assert.equal(decodePaymentRequiredHeader(unpaid.headers.get("PAYMENT-REQUIRED")).accepts[0].amount, "2000");
  const header = await payment("/paid/report");
  const paid = await call("/paid/report", { "PAYMENT-SIGNATURE": header });
  assert.equal(paid.status, 200);
  assert.deepEqual(await paid.json(), { path: "/paid/report", tenant: "acme" });
  assert.equal(decodePaymentResponse(paid).success, true);
  const replay = await call("/paid/report", { "PAYMENT-SIGNATURE": header });
  assert.equal(decodePaymentRequiredHeader(replay.headers.get("PAYMENT-REQUIRED")).error, "invalid_exact_evm_nonce_already_used");
  assert.deepEqual(envs, ["acme"], "options are built once per env");
});

test("the in-memory store: reserve once, release, commit", async () => {
  const store = new InMemoryNonceStore();
  const later = Math.floor(Date.now() / 1000) + 60;
  assert.equal(await store.reserve("k", later), true);
  assert.equal(await store.reserve("k", later), "busy");
  await store.release("k");
  assert.equal(await store.reserve("k", later), true);
  await store.commit("k");
  await store.release("k");
  assert.equal(await store.reserve("k", later), false, "a settled key is never released");
  assert.equal(await store.reserve("old", Math.floor(Date.now() / 1000) - 1), true);
  assert.equal(await store.reserve("other", later), true, "expired keys are purged");
  assert.equal(await store.reserve("old", later), true);
});

test("the in-memory store: an open settlement is claimed by its own payment, once, and only its owner moves it", async () => {
  const store = new InMemoryNonceStore();
  const later = Math.floor(Date.now() / 1000) + 60;
  assert.equal(await store.reserve("k", later, "a"), true);
  await store.settling("k", "a");
  assert.equal(await store.reserve("k", later, "b"), "busy", "in flight: a copy is told 'in progress', not 'used'");
  await store.unknown("k", "a");
  assert.equal(await store.reserve("k", later, "b"), "retry", "no final answer: the same payment finishes it");
  assert.equal(await store.reserve("k", later, "c"), "busy", "and only one copy does");
  await store.release("k", "a");
  await store.unknown("k", "a");
  assert.equal(await store.reserve("k", later, "c"), "busy", "a request that lost the key changes nothing");
  await store.release("k", "b");
  assert.equal(await store.reserve("k", later, "c"), true, "its owner frees it");
  await store.commit("k", "stale", later);
  await store.release("k", "c");
  await store.unknown("k", "c");
  assert.equal(await store.reserve("k", later, "d"), false, "a settlement is recorded whoever holds the key, and stays");
});

/** A payment for `path` on `handler`, signed by the package's own key signer. */
async function paymentFor(handler, path, version = 2) {
  const res = await handler(new Request(`https://shop.test${path}`), () => new Response("content"));
  const required = version === 2 ? decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED")) : await res.json();
  const draft = new PaymentDraft(required, 0, signer.address);
  return encodePaymentSignatureHeader(draft.finish(await signer.signTypedData(draft.typedData())));
}

test("settle-and-commit is kept alive by waitUntil, so a client that goes away cannot cut it short", async () => {
  const handler = createPaymentHandler(routes, { facilitator: { url: facilitator.url }, nonceStore: new InMemoryNonceStore() });
  const header = await paymentFor(handler, "/paid/a");
  const kept = [];
  const res = await handler(
    new Request("https://shop.test/paid/a", { headers: { "PAYMENT-SIGNATURE": header } }),
    () => new Response("content"),
    { waitUntil: (p) => kept.push(p) },
  );
  assert.equal(res.status, 200);
  assert.equal(kept.length, 1, "the settlement was handed to waitUntil");
  await kept[0];
});

test("facilitators are chosen by network for v1 payments too (v1 names as their CAIP-2 ids)", async () => {
  const other = await startFacilitator();
  try {
    const v1Routes = {
      "GET /v1": {
        accepts: { scheme: "exact", network: "eip155:84532", payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", price: "$0.001" },
      },
    };
    const handler = createPaymentHandler(v1Routes, {
      facilitator: [{ url: other.url, networks: ["eip155:84532"] }, { url: facilitator.url }],
      nonceStore: new InMemoryNonceStore(),
    });
    const header = await paymentFor(handler, "/v1", 1);
    const res = await handler(new Request("https://shop.test/v1", { headers: { "X-PAYMENT": header } }), () => new Response("content"));
    assert.equal(res.status, 200);
    assert.equal(other.settlements().length, 1, "the eip155:84532 facilitator settled the base-sepolia payment");
    assert.equal(other.settlements()[0].body.paymentRequirements.network, "base-sepolia");
  } finally {
    await other.close();
  }
});

test("no nonce store given: the in-memory default says so", () => {
  const warnings = [];
  const warn = console.warn;
  console.warn = (...args) => warnings.push(args.join(" "));
  try {
    createPaymentHandler(routes, { facilitator: { url: facilitator.url } });
    createPaymentHandler(routes, { facilitator: { url: facilitator.url } });
  } finally {
    console.warn = warn;
  }
  // Once per process: every handler above was given a store, so this is the first without one.
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /nonceStore/);
});
