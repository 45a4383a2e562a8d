// Solana on a real SVM (LiteSVM, in process): our fetch wrapper pays a Solana-priced route of our
// middleware (Node), the official facilitator (`@x402/svm` on LiteSVM) verifies and settles it,
// and the token balances move exactly once; the official client (`@x402/fetch` + `@x402/svm`)
// pays the same route. The Worker (workerd) cells are in worker/test/solana.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createKeyPairSignerFromPrivateKeyBytes, getAddressEncoder, getTransactionDecoder } from "@solana/kit";
import { x402Client, wrapFetchWithPayment as officialWrapFetch } from "@x402/fetch";
import { ExactSvmScheme as OfficialClient } from "@x402/svm/exact/client";
import { ExactSvmScheme as OfficialFacilitator } from "@x402/svm/exact/facilitator";
import {
  createPaymentHandler,
  wrapFetchWithPayment,
  solanaPrivateKeySigner,
  decodePaymentResponse,
  decodePaymentRequiredHeader,
  InMemoryNonceStore,
} from "../../pkg/node.js";
import { failed } from "./litesvm.mjs";
import { ata, startSvm, startSvmFacilitator, startSvmRpc, NETWORK, USDC, SEEDS } from "./svm.mjs";

const PRICE = 10_000n; // $0.01 of USDC (6 decimals)
let chain, facilitator, rpc, handle;

before(async () => {
  chain = await startSvm();
  facilitator = await startSvmFacilitator(chain);
  rpc = await startSvmRpc(chain);
  handle = createPaymentHandler(
    { "GET /paid": { accepts: { scheme: "exact", network: NETWORK, payTo: chain.merchant, price: "$0.01" }, description: "paid" } },
    { facilitator: { url: facilitator.url }, nonceStore: new InMemoryNonceStore() },
  );
});

after(async () => {
  await facilitator?.close();
  await rpc?.close();
});

/** Our middleware as a fetch function (no network between client and server). */
const server = (request) => handle(request, async () => Response.json({ secret: "paid content" }));

/** Balances of payer and merchant, as a pair. */
const balances = async () => [await chain.balanceOf(chain.payer.address), await chain.balanceOf(chain.merchant)];

test("the 402 offers USDC on Solana with the facilitator's fee payer from its /supported", async () => {
  const res = await server(new Request("http://shop.test/paid"));
  assert.equal(res.status, 402);
  const [offer] = decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED")).accepts;
  assert.deepEqual(offer, {
    scheme: "exact",
    network: NETWORK,
    amount: String(PRICE),
    asset: USDC,
    payTo: chain.merchant,
    maxTimeoutSeconds: 300,
    extra: { feePayer: facilitator.feePayer },
  });
  assert.equal(facilitator.calls.filter((c) => c.path === "/supported").length, 1, "asked once, then cached");
  await server(new Request("http://shop.test/paid"));
  assert.equal(facilitator.calls.filter((c) => c.path === "/supported").length, 1);
});

test("our client pays with a key in wasm; the official facilitator settles it on LiteSVM, once", async () => {
  const [payerBefore, merchantBefore] = await balances();
  const signer = solanaPrivateKeySigner(SEEDS.payer, { rpcUrl: rpc.url });
  assert.equal(signer.address, chain.payer.address);
  let header;
  const pay = wrapFetchWithPayment(async (request) => {
    header ??= request.headers.get("PAYMENT-SIGNATURE") ?? undefined;
    return server(request);
  }, signer);
  const res = await pay("http://shop.test/paid");
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(await res.json(), { secret: "paid content" });
  const receipt = decodePaymentResponse(res);
  assert.equal(receipt.success, true);
  assert.equal(receipt.network, NETWORK);
  assert.equal(receipt.payer, chain.payer.address);
  assert.match(receipt.transaction, /^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
  assert.deepEqual(await balances(), [payerBefore - PRICE, merchantBefore + PRICE]);
  assert.equal(facilitator.sent.length, 1);

  // The same payment again: refused before the facilitator is asked, and nothing moves.
  const settles = facilitator.settlements().length;
  const again = await server(new Request("http://shop.test/paid", { headers: { "PAYMENT-SIGNATURE": header } }));
  assert.equal(again.status, 402);
  assert.equal(decodePaymentRequiredHeader(again.headers.get("PAYMENT-REQUIRED")).error, "duplicate_settlement");
  assert.equal(facilitator.settlements().length, settles);
  assert.deepEqual(await balances(), [payerBefore - PRICE, merchantBefore + PRICE]);
  signer.dispose();
});

test("our client's payment passes the official facilitator's verify as it is, and chain checks the fee payer's signature", async () => {
  const signer = solanaPrivateKeySigner(SEEDS.payer, { rpcUrl: rpc.url });
  let body;
  const pay = wrapFetchWithPayment(async (request) => {
    const header = request.headers.get("PAYMENT-SIGNATURE");
    if (!header) return server(request);
    body = JSON.parse(atob(header));
    return new Response("held", { status: 418 });
  }, signer);
  await pay("http://shop.test/paid");
  assert.ok(body, "a payment was sent");
  const official = new OfficialFacilitator({
    getAddresses: () => [facilitator.feePayer],
    simulateTransaction: async (wire) => chain.simulate(getTransactionDecoder().decode(Buffer.from(wire, "base64"))),
  });
  const verdict = await official.verify(body, body.accepted);
  assert.deepEqual(verdict, { isValid: true, invalidReason: undefined, payer: chain.payer.address });
  // With a forged fee-payer signature, the SVM's signature check refuses it and nothing moves.
  const before = await chain.balanceOf(chain.merchant);
  const forged = getTransactionDecoder().decode(Buffer.from(body.payload.transaction, "base64"));
  const result = chain.svm.sendTransaction({
    ...forged,
    signatures: { ...forged.signatures, [facilitator.feePayer]: new Uint8Array(64).fill(7) },
  });
  assert.ok(failed(result), "a forged fee-payer signature does not land");
  assert.match(result.toString(), /SignatureFailure/);
  assert.equal(await chain.balanceOf(chain.merchant), before);
  signer.dispose();
});

test("a wallet that returns another transfer is caught before anything is sent", async () => {
  const honest = solanaPrivateKeySigner(SEEDS.payer, { rpcUrl: rpc.url });
  const other = await createKeyPairSignerFromPrivateKeyBytes(SEEDS.stranger);
  // Signs with the payer's key, but as a wallet that swapped the draft for a payment to itself.
  const rogue = {
    family: "solana",
    address: honest.address,
    rpcUrl: rpc.url,
    signTransaction: async (tx) => {
      const bytes = Buffer.from(tx, "base64");
      // The destination is the fourth key of our layout (fee payer, payer, source, destination, …):
      // after the signatures, the version byte, the header and the key count.
      const at = 1 + 64 * 2 + 1 + 3 + 1 + 32 * 3;
      bytes.set(getAddressEncoder().encode(await ata(other.address)), at);
      return honest.signTransaction(bytes.toString("base64"));
    },
  };
  const sent = [];
  const pay = wrapFetchWithPayment(async (request) => {
    if (request.headers.get("PAYMENT-SIGNATURE")) sent.push(request);
    return server(request);
  }, rogue);
  await assert.rejects(pay("http://shop.test/paid"), (e) => e.code === "signer_mismatch" && /recipient_mismatch/.test(e.message));
  assert.equal(sent.length, 0, "nothing was sent");
  honest.dispose();
});

test("the official client (@x402/fetch + @x402/svm) pays our middleware; settled once on LiteSVM", async () => {
  const [payerBefore, merchantBefore] = await balances();
  const client = new x402Client().register("solana:*", new OfficialClient(chain.payer, { rpcUrl: rpc.url }));
  const pay = officialWrapFetch(server, client);
  const res = await pay(new Request("http://shop.test/paid"));
  assert.equal(res.status, 200, await res.clone().text());
  assert.deepEqual(await res.json(), { secret: "paid content" });
  assert.deepEqual(await balances(), [payerBefore - PRICE, merchantBefore + PRICE]);
});

test("with faremeter's /accepts the 402 carries a fresh blockhash and decimals: a client pays with no RPC at all", async () => {
  const enriched = createPaymentHandler(
    { "GET /paid": { accepts: { scheme: "exact", network: NETWORK, payTo: chain.merchant, price: "$0.01" } } },
    { facilitator: { url: facilitator.url, accepts: { maxAgeMs: 50 } }, nonceStore: new InMemoryNonceStore() },
  );
  const serve = (request) => enriched(request, async () => Response.json({ secret: "paid content" }));
  const offer = async () =>
    decodePaymentRequiredHeader((await serve(new Request("http://shop.test/paid"))).headers.get("PAYMENT-REQUIRED")).accepts[0];
  const first = await offer();
  assert.equal(first.extra.recentBlockhash, chain.blockhash());
  assert.equal(first.extra.feePayer, facilitator.feePayer);
  assert.equal(first.extra.decimals, 6);
  assert.deepEqual(
    { amount: first.amount, asset: first.asset, payTo: first.payTo },
    { amount: String(PRICE), asset: USDC, payTo: chain.merchant },
    "what is paid is the route's",
  );

  // An RPC that is never there: the payment is built from the 402 alone.
  const [payerBefore] = await balances();
  const signer = solanaPrivateKeySigner(SEEDS.payer, { rpcUrl: "http://127.0.0.1:9" });
  const res = await wrapFetchWithPayment(serve, signer)("http://shop.test/paid");
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(await chain.balanceOf(chain.payer.address), payerBefore - PRICE);

  // A new blockhash on the chain: once the answer is older than maxAgeMs, the 402 carries it.
  chain.svm.expireBlockhash();
  await new Promise((r) => setTimeout(r, 80));
  await offer(); // starts the refresh behind this request
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await offer()).extra.recentBlockhash, chain.blockhash());
  assert.notEqual(chain.blockhash(), first.extra.recentBlockhash);
  signer.dispose();
});

test("v1: our client pays the v1 terms (X-PAYMENT, solana-devnet); the official v1 facilitator settles it", async () => {
  const [payerBefore, merchantBefore] = await balances();
  const signer = solanaPrivateKeySigner(SEEDS.payer, { rpcUrl: rpc.url });
  let sent;
  const pay = wrapFetchWithPayment(
    async (request) => {
      sent ??= request.headers.get("X-PAYMENT") ?? undefined;
      return server(request);
    },
    signer,
    { preferVersion: 1 },
  );
  const res = await pay("http://shop.test/paid");
  assert.equal(res.status, 200, await res.clone().text());
  const payload = JSON.parse(atob(sent));
  assert.deepEqual([payload.x402Version, payload.network], [1, "solana-devnet"]);
  assert.equal(decodePaymentResponse(res).success, true);
  assert.deepEqual(await balances(), [payerBefore - PRICE, merchantBefore + PRICE]);
  signer.dispose();
});

// The facilitator's own timeout is ten minutes: only the middleware's short wait lets the 402 out
// before the test's timeout.
test("a facilitator whose /supported hangs does not hold up a 402 that can be answered", { timeout: 30_000 }, async () => {
  const { createServer } = await import("node:http");
  const hanging = createServer(() => {}); // never answers
  await new Promise((r) => hanging.listen(0, "127.0.0.1", r));
  try {
    const handle = createPaymentHandler(
      {
        "GET /paid": {
          accepts: [
            { scheme: "exact", network: NETWORK, payTo: chain.merchant, price: "$0.01" },
            { scheme: "exact", network: "eip155:84532", payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", price: "$0.01" },
          ],
        },
      },
      {
        facilitator: { url: `http://127.0.0.1:${hanging.address().port}`, timeoutMs: 600_000 },
        supportedWaitMs: 100,
        nonceStore: new InMemoryNonceStore(),
      },
    );
    const res = await handle(new Request("http://shop.test/paid"), async () => new Response("never"));
    assert.equal(res.status, 402);
    const { accepts } = decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED"));
    assert.deepEqual(
      accepts.map((a) => a.network),
      ["eip155:84532"],
      "the Solana offer waits for its fee payer; the EVM one is offered",
    );
  } finally {
    hanging.closeAllConnections();
    hanging.close();
  }
});

test("a @solana/kit signer, as @x402/svm's client takes it, pays through our wrapper as it is", async () => {
  const [payerBefore, merchantBefore] = await balances();
  const pay = wrapFetchWithPayment(server, chain.payer, { solanaRpcUrl: rpc.url });
  const res = await pay("http://shop.test/paid");
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(decodePaymentResponse(res).payer, chain.payer.address);
  assert.deepEqual(await balances(), [payerBefore - PRICE, merchantBefore + PRICE]);
});
