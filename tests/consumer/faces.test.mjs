// The package's two faces alone, imported by name as a consumer would: `x402-wasm/client` and
// `x402-wasm/server`, each over a wasm module built without the other face. The client face pays
// the server face (facilitator double); each face leaves the other's exports out.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as client from "x402-wasm/client";
import * as server from "x402-wasm/server";
import * as both from "x402-wasm";
import { startFacilitator } from "../../worker/test/facilitator.mjs";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const routes = {
  "GET /paid": {
    accepts: { scheme: "exact", network: "eip155:8453", payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", price: "$0.002" },
  },
};
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

test("the client face pays the server face once, and a replay is refused", async () => {
  const handle = server.createPaymentHandler(routes, {
    facilitator: { url: facilitator.url },
    nonceStore: new server.InMemoryNonceStore(),
  });
  const app = (request) => handle(request, () => new Response("paid content"));
  let sent;
  const transport = async (input, init) => {
    const request = new Request(input, init);
    if (request.headers.has("PAYMENT-SIGNATURE")) sent = request.headers.get("PAYMENT-SIGNATURE");
    return app(request);
  };
  const before = facilitator.settlements().length;
  const paid = await client.wrapFetchWithPayment(transport, client.privateKeySigner(KEY))("https://shop.test/paid");
  assert.equal(paid.status, 200);
  assert.equal(await paid.text(), "paid content");
  assert.equal(client.decodePaymentResponse(paid).success, true);
  assert.equal(facilitator.settlements().length, before + 1);
  const replay = await app(new Request("https://shop.test/paid", { headers: { "PAYMENT-SIGNATURE": sent } }));
  assert.equal(server.decodePaymentRequiredHeader(replay.headers.get("PAYMENT-REQUIRED")).error, "invalid_exact_evm_nonce_already_used");
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
