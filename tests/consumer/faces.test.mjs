// The package's faces alone, imported by name as a consumer would: `x402-wasm/client` and
// `x402-wasm/server`, each over a wasm module built without the other face, and each for EVM alone
// (`/client/evm`, `/server/evm`). The client face pays the server face (facilitator double); each
// face leaves the other's exports out.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as client from "x402-wasm/client";
import * as server from "x402-wasm/server";
import * as both from "x402-wasm";
import * as clientEvm from "x402-wasm/client/evm";
import * as serverEvm from "x402-wasm/server/evm";
import { startFacilitator } from "../../worker/test/facilitator.mjs";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const routes = {
  "GET /paid": {
    accepts: { scheme: "exact", network: "eip155:8453", payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", price: "$0.002" },
  },
};
/** A Solana devnet offer (USDC, its fee payer named), which only the full faces can pay or verify. */
const SOLANA_OFFER = Object.freeze({
  scheme: "exact",
  network: "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
  amount: "1000",
  asset: "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU",
  payTo: "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
  maxTimeoutSeconds: 60,
  extra: Object.freeze({ feePayer: "2wKupLR9q6wXYppw8Gr2NvWxKBUqm4PPJKkQfoxHDBg4" }),
});
let facilitator;

before(async () => {
  facilitator = await startFacilitator();
});
after(async () => {
  await facilitator.close();
});

test("each face exports its own half and the shared codecs", () => {
  for (const name of ["wrapFetchWithPayment", "privateKeySigner", "injectedWalletSigner", "PaymentDraft", "decodePaymentResponse"]) {
    assert.equal(typeof client[name], "function", `client face: ${name}`);
    assert.equal(server[name], undefined, `server face leaves out ${name}`);
  }
  for (const name of ["paymentMiddleware", "withPayment", "createPaymentHandler", "verifyPayment", "InMemoryNonceStore"]) {
    assert.equal(typeof server[name], "function", `server face: ${name}`);
    assert.equal(client[name], undefined, `client face leaves out ${name}`);
  }
  for (const name of ["decodePaymentRequiredHeader", "encodePaymentSignatureHeader", "findMatchingRequirements"]) {
    assert.equal(typeof client[name], "function");
    assert.equal(typeof server[name], "function");
  }
  // The root export still has both faces.
  assert.equal(typeof both.wrapFetchWithPayment, "function");
  assert.equal(typeof both.paymentMiddleware, "function");
});

/** `payer` (a client face) pays `payee` (a server face) once through its middleware, and a replay
 * of the same header is refused; returns the header sent. */
async function paysOnceAndRefusesTheReplay(payer, payee) {
  const handle = payee.createPaymentHandler(routes, {
    facilitator: { url: facilitator.url },
    nonceStore: new payee.InMemoryNonceStore(),
  });
  const app = (request) => handle(request, () => new Response("paid content"));
  let sent;
  const transport = async (input, init) => {
    const request = new Request(input, init);
    if (request.headers.has("PAYMENT-SIGNATURE")) sent = request.headers.get("PAYMENT-SIGNATURE");
    return app(request);
  };
  const before = facilitator.settlements().length;
  const paid = await payer.wrapFetchWithPayment(transport, payer.privateKeySigner(KEY))("https://shop.test/paid");
  assert.equal(paid.status, 200);
  assert.equal(await paid.text(), "paid content");
  assert.equal(payer.decodePaymentResponse(paid).success, true);
  assert.equal(facilitator.settlements().length, before + 1);
  const replay = await app(new Request("https://shop.test/paid", { headers: { "PAYMENT-SIGNATURE": sent } }));
  assert.equal(payee.decodePaymentRequiredHeader(replay.headers.get("PAYMENT-REQUIRED")).error, "invalid_exact_evm_nonce_already_used");
  return sent;
}

test("the client face pays the server face once, and a replay is refused", async () => {
  await paysOnceAndRefusesTheReplay(client, server);
});

test("a payment drafted by the client face verifies in the server face", async () => {
  const required = client.decodePaymentRequiredHeader(
    (
      await server.createPaymentHandler(routes, { facilitator: { url: facilitator.url }, nonceStore: new server.InMemoryNonceStore() })(
        new Request("https://shop.test/paid"),
        () => new Response("never"),
      )
    ).headers.get("PAYMENT-REQUIRED"),
  );
  const signer = client.privateKeySigner(KEY);
  const draft = new client.PaymentDraft(required, 0, signer.address);
  const payload = draft.finish(await signer.signTypedData(draft.typedData()));
  const verdict = server.verifyPayment(payload, required.accepts[0]);
  assert.equal(verdict.isValid, true, JSON.stringify(verdict));
  assert.equal(verdict.payer, signer.address);
});

// The EVM-only faces: `x402-wasm/client/evm` and `x402-wasm/server/evm`, over modules built without
// Casper and Solana. Their surface is the full faces' (moving to them is a rename of the import);
// what they lack is refused by name, never paid or served.
test("the EVM-only faces export what the full faces do", () => {
  assert.deepEqual(Object.keys(clientEvm).sort(), Object.keys(client).sort());
  assert.deepEqual(Object.keys(serverEvm).sort(), Object.keys(server).sort());
});

test("the EVM-only client face pays the EVM-only server face once, and a replay is refused", async () => {
  const sent = await paysOnceAndRefusesTheReplay(clientEvm, serverEvm);
  // The full server face takes the same payment: the EVM-only client's is the full client's.
  const payment = server.decodePaymentSignatureHeader(sent);
  assert.equal(server.verifyPayment(payment, payment.accepted).isValid, true);
});

test("the EVM-only client face refuses Casper and Solana signers that the full face makes", () => {
  const kit = { address: "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin", signTransactions: async () => [] };
  const wallet = { signTransaction: async (bytes) => bytes };
  const makers = {
    casperPrivateKeySigner: (face) => face.casperPrivateKeySigner("4f".repeat(32)),
    solanaPrivateKeySigner: (face) => face.solanaPrivateKeySigner(new Uint8Array(32)),
    injectedSolanaWalletSigner: (face) => face.injectedSolanaWalletSigner(wallet),
    "a @solana/kit signer": (face) => face.wrapFetchWithPayment(fetch, kit),
    "a hand-made Solana signer": (face) =>
      face.wrapFetchWithPayment(fetch, { family: "solana", address: kit.address, signTransaction: async (t) => t }),
  };
  for (const [name, make] of Object.entries(makers)) {
    assert.doesNotThrow(() => make(client), `the full face makes ${name}`);
    assert.throws(
      () => make(clientEvm),
      (e) => e.code === "invalid_network" && e.message.includes("(x402-wasm/client has every family)"),
      name,
    );
  }
  // A family neither face has is the crate's to refuse, alike in both.
  const unknown = { family: "evm", address: KEY, signTypedData: async () => "0x" };
  for (const face of [client, clientEvm]) {
    assert.throws(
      () => face.wrapFetchWithPayment(fetch, unknown),
      (e) => e.code === "invalid_field" && /`evm` is not a chain family/.test(e.message),
    );
  }
});

test("the EVM-only client face's module has no Solana drafts: it does not offer to pay what the full face pays", () => {
  const required = {
    x402Version: 2,
    resource: { url: "https://shop.test/paid" },
    accepts: [SOLANA_OFFER],
  };
  const options = { families: ["solana"] };
  assert.deepEqual([...client.selectPaymentRequirements(required, options)], [0]);
  assert.throws(
    () => clientEvm.selectPaymentRequirements(required, options),
    (e) => e.code === "invalid_field" && e.message.includes("this build pays on (eip155)"),
  );
});

test("the EVM-only server face refuses a Solana payment the full face reads, and a Solana route the full face serves", async () => {
  const payment = { x402Version: 2, accepted: SOLANA_OFFER, payload: { transaction: "AQ==" } };
  const full = server.verifyPayment(payment, SOLANA_OFFER);
  assert.equal(full.isValid, false);
  assert.match(full.invalidReason, /svm/, "the full face reads it as a Solana payment");
  const evm = serverEvm.verifyPayment(payment, SOLANA_OFFER);
  assert.equal(evm.isValid, false);
  assert.equal(evm.invalidReason, "invalid_network");
  // In v1 too, where the EVM family would otherwise claim a legacy name no family of its build serves.
  const v1Requirements = {
    scheme: "exact",
    network: "solana-devnet",
    maxAmountRequired: "1000",
    resource: "https://shop.test/paid",
    description: "",
    mimeType: "",
    payTo: SOLANA_OFFER.payTo,
    maxTimeoutSeconds: 60,
    asset: SOLANA_OFFER.asset,
    extra: SOLANA_OFFER.extra,
  };
  const v1Payment = { x402Version: 1, scheme: "exact", network: "solana-devnet", payload: { transaction: "AQ==" } };
  assert.match(server.verifyPayment(v1Payment, v1Requirements).invalidReason, /svm/);
  assert.equal(serverEvm.verifyPayment(v1Payment, v1Requirements).invalidReason, "invalid_network");
  const { scheme, network, payTo, asset, extra } = SOLANA_OFFER;
  const solanaRoutes = { "GET /paid": { accepts: { scheme, network, payTo, price: { amount: "1000", asset }, extra } } };
  const request = () => new Request("https://shop.test/paid");
  const handler = () => new Response("paid content");
  const options = (face) => ({ facilitator: { url: facilitator.url }, nonceStore: new face.InMemoryNonceStore() });
  const offered = await server.createPaymentHandler(solanaRoutes, options(server))(request(), handler);
  assert.equal(offered.status, 402);
  assert.equal(server.decodePaymentRequiredHeader(offered.headers.get("PAYMENT-REQUIRED")).accepts[0].network, network);
  // The EVM-only face refuses the table rather than offer what it cannot verify.
  await assert.rejects(
    async () => serverEvm.createPaymentHandler(solanaRoutes, options(serverEvm))(request(), handler),
    (e) => e.code === "invalid_network" && e.message.includes("`solana` family"),
  );
});
