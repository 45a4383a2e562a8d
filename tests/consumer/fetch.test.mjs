// wrapFetchWithPayment from the package, against a real HTTP server on loopback whose payments are
// judged by the official @x402/core and @x402/evm code (tests/js/x402-server.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { wrapFetchWithPayment, privateKeySigner, decodePaymentResponse, decodePaymentSignatureHeader } from "x402-wasm";
import { privateKeyToAccount } from "viem/accounts";
import { createServer } from "node:http";
import { startX402Server, UNKNOWN } from "../js/x402-server.mjs";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ADDRESS = privateKeyToAccount(KEY).address;
let server;

before(async () => {
  server = await startX402Server();
});
after(async () => {
  await server.close();
});

/** A signer that counts its signatures, around the wasm key. */
function countingSigner() {
  const inner = privateKeySigner(KEY);
  const spy = {
    address: inner.address,
    calls: 0,
    async signTypedData(td) {
      spy.calls += 1;
      return inner.signTypedData(td);
    },
  };
  return spy;
}

/** Log entries of requests that carried a payment to `path`. */
const paidTo = (path) => server.log.filter((e) => e.path === path && e.paymentHeader);
/** Runs fn and returns the code of the error it rejects with. */
async function codeOf(fn) {
  try {
    await fn();
  } catch (e) {
    return e.code;
  }
  assert.fail("expected a rejection");
}

test("v2: pays a 402 once, retries with PAYMENT-SIGNATURE, exposes the settlement", async () => {
  const seen = [];
  const pay = wrapFetchWithPayment(fetch, privateKeySigner(KEY), {
    onPaymentCreated: ({ paymentPayload }) => seen.push(["created", paymentPayload.x402Version]),
    onPaymentResponse: ({ settleResponse }) => seen.push(["response", settleResponse.success]),
  });
  const before = paidTo("/v2/weather").length;
  const response = await pay(`${server.url}/v2/weather`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { ok: true, path: "/v2/weather", payer: ADDRESS });
  const settle = decodePaymentResponse(response);
  assert.equal(settle.success, true);
  assert.equal(settle.network, "eip155:84532");
  assert.deepEqual(seen, [
    ["created", 2],
    ["response", true],
  ]);
  const paid = paidTo("/v2/weather").slice(before);
  assert.equal(paid.length, 1);
  assert.equal(paid[0].verify.isValid, true, "the official facilitator code accepts it");
});

test("v1: reads the JSON body terms and pays with X-PAYMENT", async () => {
  const response = await wrapFetchWithPayment(fetch, privateKeySigner(KEY))(`${server.url}/v1/weather`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("PAYMENT-RESPONSE"), null);
  assert.equal(decodePaymentResponse(response).network, "base-sepolia");
  assert.equal(decodePaymentSignatureHeader(paidTo("/v1/weather").at(-1).paymentHeader).x402Version, 1);
});

test("a viem account works as the signer", async () => {
  const response = await wrapFetchWithPayment(fetch, privateKeyToAccount(KEY))(`${server.url}/v2/weather`);
  assert.equal(response.status, 200);
});

test("Permit2 terms are paid with a Permit2 authorization", async () => {
  const response = await wrapFetchWithPayment(fetch, privateKeySigner(KEY))(`${server.url}/v2/permit2`);
  assert.equal(response.status, 200);
  const payload = decodePaymentSignatureHeader(paidTo("/v2/permit2").at(-1).paymentHeader);
  assert.ok(payload.payload.permit2Authorization);
});

test("several accepts: the first one the policy allows, or the one select() picks", async () => {
  const amountPaid = () => decodePaymentSignatureHeader(paidTo("/v2/multi").at(-1).paymentHeader).accepted.amount;
  // Default: unknown token refused, 0.50 USDC over the $0.10 cap, 0.05 USDC paid.
  assert.equal((await wrapFetchWithPayment(fetch, privateKeySigner(KEY))(`${server.url}/v2/multi`)).status, 200);
  assert.equal(amountPaid(), "50000");
  assert.equal((await wrapFetchWithPayment(fetch, privateKeySigner(KEY), { maxUsd: false })(`${server.url}/v2/multi`)).status, 200);
  assert.equal(amountPaid(), "500000");
  const allowUnknown = wrapFetchWithPayment(fetch, privateKeySigner(KEY), {
    assets: [{ network: "eip155:84532", asset: UNKNOWN, maxAmount: "10" }],
  });
  assert.equal((await allowUnknown(`${server.url}/v2/multi`)).status, 200);
  assert.equal(amountPaid(), "10");
  const pickLast = wrapFetchWithPayment(fetch, privateKeySigner(KEY), { maxUsd: "1", select: (c) => c.at(-1) });
  assert.equal((await pickLast(`${server.url}/v2/multi`)).status, 200);
  assert.equal(amountPaid(), "50000");
});

test("caps and allow-lists refuse before anything is signed or sent", async () => {
  const signer = countingSigner();
  const before = server.log.filter((e) => e.paymentHeader).length;
  const url = `${server.url}/v2/weather`;
  assert.equal(await codeOf(() => wrapFetchWithPayment(fetch, signer, { maxAmount: "9999" })(url)), "amount_exceeds_max");
  assert.equal(await codeOf(() => wrapFetchWithPayment(fetch, signer, { maxAmount: 9999n })(url)), "amount_exceeds_max");
  assert.equal(await codeOf(() => wrapFetchWithPayment(fetch, signer, { maxUsd: "0.009" })(url)), "amount_exceeds_max");
  assert.equal(await codeOf(() => wrapFetchWithPayment(fetch, signer, { networks: ["eip155:8453"] })(url)), "no_acceptable_requirement");
  assert.equal(
    await codeOf(() => wrapFetchWithPayment(fetch, signer, { networks: ["base-sepolia"], maxAmount: "1" })(url)),
    "amount_exceeds_max",
  );
  assert.equal(signer.calls, 0);
  assert.equal(server.log.filter((e) => e.paymentHeader).length, before);
  // The cap itself is allowed.
  assert.equal((await wrapFetchWithPayment(fetch, signer, { maxAmount: "10000" })(url)).status, 200);
});

test("hooks: onPaymentRequired can abort", async () => {
  const signer = countingSigner();
  let terms;
  const pay = wrapFetchWithPayment(fetch, signer, {
    onPaymentRequired: ({ paymentRequired }) => {
      terms = paymentRequired;
      return { abort: true, reason: "budget" };
    },
  });
  assert.equal(await codeOf(() => pay(`${server.url}/v2/weather`)), "payment_aborted");
  assert.equal(terms.accepts[0].amount, "10000");
  assert.equal(signer.calls, 0);
});

test("hooks see the requirement that is paid, and the typed data before the wallet does", async () => {
  // /v2/multi lists an unknown token first: the consent hook must show what is paid (attack review M4).
  const signer = countingSigner();
  const seen = [];
  const pay = wrapFetchWithPayment(fetch, signer, {
    onPaymentRequired: ({ selectedRequirements }) => {
      seen.push(["required", selectedRequirements.amount]);
    },
    onBeforePaymentCreation: ({ selectedRequirements, typedData }) => {
      seen.push(["before", selectedRequirements.amount, typedData.message.value]);
      return { abort: true, reason: "the user said no" };
    },
  });
  assert.equal(await codeOf(() => pay(`${server.url}/v2/multi`)), "payment_aborted");
  assert.deepEqual(seen, [
    ["required", "50000"],
    ["before", "50000", "50000"],
  ]);
  assert.equal(signer.calls, 0, "aborted before signing");
});

test("options that would pay a token uncapped are refused when the client is made", () => {
  const make = (options) => () => wrapFetchWithPayment(fetch, privateKeySigner(KEY), options);
  const code = (options) => {
    try {
      make(options)();
    } catch (e) {
      return e.code;
    }
    return "ok";
  };
  assert.equal(code({ assets: [UNKNOWN] }), "invalid_field", "a bare address: on which network, up to what?");
  assert.equal(code({ assets: [{ network: "eip155:84532", asset: UNKNOWN }] }), "invalid_field");
  assert.equal(code({ allowUnknownAssets: true }), "invalid_field");
  assert.equal(code({ assets: [{ network: "eip155:84532", asset: UNKNOWN, maxAmount: 10n }] }), "ok");
  assert.equal(code({ allowUnknownAssets: true, maxAmount: "10" }), "ok");
});

test("a listed token is paid on its network only, up to its cap", async () => {
  const multi = `${server.url}/v2/multi`;
  const paidAmount = () => decodePaymentSignatureHeader(paidTo("/v2/multi").at(-1).paymentHeader).accepted.amount;
  const elsewhere = wrapFetchWithPayment(fetch, privateKeySigner(KEY), {
    assets: [{ network: "eip155:8453", asset: UNKNOWN, maxAmount: "10" }],
  });
  assert.equal((await elsewhere(multi)).status, 200);
  assert.equal(paidAmount(), "50000", "listed for Base, so not paid on Base Sepolia");
  const under = wrapFetchWithPayment(fetch, privateKeySigner(KEY), {
    assets: [{ network: "eip155:84532", asset: UNKNOWN, maxAmount: "9" }],
  });
  assert.equal((await under(multi)).status, 200);
  assert.equal(paidAmount(), "50000", "over the entry's own cap");
});

test("a 402 reached through a redirect to another origin is not paid", async () => {
  const signer = countingSigner();
  const redirector = createServer((req, res) => {
    res.writeHead(302, { location: `${server.url}/v2/weather` });
    res.end();
  });
  await new Promise((r) => redirector.listen(0, "127.0.0.1", r));
  try {
    // 127.0.0.1 and localhost are different origins.
    const from = `http://localhost:${redirector.address().port}/go`;
    assert.equal(await codeOf(() => wrapFetchWithPayment(fetch, signer)(from)), "cross_origin_payment");
    assert.equal(signer.calls, 0);
    const allowed = await wrapFetchWithPayment(fetch, signer, { allowCrossOriginPayment: true })(from);
    assert.equal(allowed.status, 200);
  } finally {
    redirector.close();
  }
});

test("a disposed key signs nothing; an upto permit is signed only when allowed", async () => {
  const signer = privateKeySigner(KEY);
  signer.dispose();
  assert.equal(await codeOf(() => signer.signTypedData({})), "signer_disposed");
  const permit = (witness) => ({
    types: {
      PermitWitnessTransferFrom: [
        { name: "permitted", type: "TokenPermissions" },
        { name: "spender", type: "address" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
        { name: "witness", type: "Witness" },
      ],
      TokenPermissions: [
        { name: "token", type: "address" },
        { name: "amount", type: "uint256" },
      ],
      Witness: witness.facilitator
        ? [
            { name: "to", type: "address" },
            { name: "facilitator", type: "address" },
            { name: "validAfter", type: "uint256" },
          ]
        : [
            { name: "to", type: "address" },
            { name: "validAfter", type: "uint256" },
          ],
    },
    primaryType: "PermitWitnessTransferFrom",
    domain: { name: "Permit2", chainId: 84532, verifyingContract: "0x000000000022D473030F116dDEE9F6B43aC78BA3" },
    message: {
      permitted: { token: UNKNOWN, amount: "1000" },
      spender: witness.facilitator ? "0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002" : "0x402085c248EeA27D92E8b30b2C58ed07f9E20001",
      nonce: "1",
      deadline: "2000000000",
      witness,
    },
  });
  const exact = permit({ to: ADDRESS, validAfter: "0" });
  const upto = permit({ to: ADDRESS, facilitator: ADDRESS, validAfter: "0" });
  assert.match(await privateKeySigner(KEY).signTypedData(exact), /^0x[0-9a-f]{130}$/);
  assert.equal(await codeOf(() => privateKeySigner(KEY).signTypedData(upto)), "unsupported_typed_data");
  assert.match(await privateKeySigner(KEY, { allowUpto: true }).signTypedData(upto), /^0x[0-9a-f]{130}$/);
  const drain = { ...exact, message: { ...exact.message, spender: ADDRESS } };
  assert.equal(
    await codeOf(() => privateKeySigner(KEY).signTypedData(drain)),
    "unsupported_typed_data",
    "any other spender could drain Permit2 approvals",
  );
});

test("a settlement the server calls pending keeps the payment: the next call sends it again", async () => {
  const signer = countingSigner();
  let attempt = 0;
  const flaky = async (request) => {
    if (!request.headers.has("PAYMENT-SIGNATURE")) return fetch(request);
    attempt += 1;
    if (attempt === 1) {
      const receipt = Buffer.from(
        JSON.stringify({ success: false, errorReason: "settlement_pending", transaction: `0x${"e".repeat(64)}`, network: "eip155:84532" }),
      ).toString("base64");
      return new Response("{}", { status: 402, headers: { "PAYMENT-RESPONSE": receipt } });
    }
    return fetch(request);
  };
  const pay = wrapFetchWithPayment(flaky, signer);
  assert.equal((await pay(`${server.url}/v2/weather`)).status, 402);
  assert.equal((await pay(`${server.url}/v2/weather`)).status, 200);
  assert.equal(signer.calls, 1, "one signature for both attempts");
});

test("a payment another request is still settling (409) is kept and sent again", async () => {
  const signer = countingSigner();
  let attempt = 0;
  const busy = async (request) => {
    if (!request.headers.has("PAYMENT-SIGNATURE")) return fetch(request);
    attempt += 1;
    return attempt === 1 ? new Response(JSON.stringify({ error: "payment_in_progress" }), { status: 409 }) : fetch(request);
  };
  const pay = wrapFetchWithPayment(busy, signer);
  assert.equal((await pay(`${server.url}/v2/weather`)).status, 409);
  assert.equal((await pay(`${server.url}/v2/weather`)).status, 200);
  assert.equal(signer.calls, 1);
});

test("a streamed request body is sent again with the payment", async () => {
  const body = new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode("hello "));
      c.enqueue(new TextEncoder().encode("stream"));
      c.close();
    },
  });
  const response = await wrapFetchWithPayment(fetch, privateKeySigner(KEY))(`${server.url}/v2/echo`, {
    method: "POST",
    body,
    duplex: "half",
  });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { received: "hello stream" });
});

test("after a dropped connection the same payment is sent again, never a second one", async () => {
  const signer = countingSigner();
  const pay = wrapFetchWithPayment(fetch, signer);
  await assert.rejects(pay(`${server.url}/v2/drop-once`), TypeError);
  const response = await pay(`${server.url}/v2/drop-once`);
  assert.equal(response.status, 200);
  assert.equal(signer.calls, 1, "signed once");
  const attempts = paidTo("/v2/drop-once");
  assert.equal(attempts.length, 2);
  assert.equal(attempts[0].paymentHeader, attempts[1].paymentHeader, "the very same payload");
  // Once answered, a new request is a new payment.
  assert.equal((await pay(`${server.url}/v2/drop-once`)).status, 200);
  assert.equal(signer.calls, 2);
});

test("payment-identifier: an id is added when the server declares the extension", async () => {
  const response = await wrapFetchWithPayment(fetch, privateKeySigner(KEY))(`${server.url}/v2/idempotent`);
  assert.equal(response.status, 200);
  const payload = decodePaymentSignatureHeader(paidTo("/v2/idempotent").at(-1).paymentHeader);
  assert.match(payload.extensions["payment-identifier"].info.id, /^pay_[0-9a-f]{32}$/);
});

test("a request that already carries a payment is never paid again", async () => {
  const signer = countingSigner();
  const response = await wrapFetchWithPayment(fetch, signer)(`${server.url}/v2/weather`, { headers: { "PAYMENT-SIGNATURE": "e30=" } });
  assert.equal(response.status, 402);
  assert.equal(signer.calls, 0);
});

test("anything but 402 passes through; a 402 without terms is invalid_payment_required", async () => {
  const signer = countingSigner();
  const pay = wrapFetchWithPayment(fetch, signer);
  assert.equal((await pay(`${server.url}/free`)).status, 200);
  const bare402 = async () => new Response("pay me", { status: 402 });
  assert.equal(await codeOf(() => wrapFetchWithPayment(bare402, signer)(`${server.url}/free`)), "invalid_payment_required");
  const garbled = async () => new Response("{}", { status: 402, headers: { "PAYMENT-REQUIRED": "not base64" } });
  assert.equal(await codeOf(() => wrapFetchWithPayment(garbled, signer)(`${server.url}/free`)), "invalid_payment_required");
  assert.equal(signer.calls, 0);
});

test("preferVersion chooses between v2 header and v1 body terms when a 402 carries both", async () => {
  const v1 = await (await fetch(`${server.url}/v1/weather`)).json();
  const v2Header = (await fetch(`${server.url}/v2/weather`)).headers.get("PAYMENT-REQUIRED");
  const sent = [];
  const both = async (request) => {
    const r = new Request(request);
    const header = r.headers.get("PAYMENT-SIGNATURE") ? "PAYMENT-SIGNATURE" : r.headers.get("X-PAYMENT") ? "X-PAYMENT" : null;
    if (header) {
      sent.push(header);
      return new Response("{}", { status: 200 });
    }
    return new Response(JSON.stringify(v1), { status: 402, headers: { "PAYMENT-REQUIRED": v2Header, "content-type": "application/json" } });
  };
  await wrapFetchWithPayment(both, privateKeySigner(KEY))(`${server.url}/any`);
  await wrapFetchWithPayment(both, privateKeySigner(KEY), { preferVersion: 1 })(`${server.url}/any`);
  assert.deepEqual(sent, ["PAYMENT-SIGNATURE", "X-PAYMENT"]);
});

test("caps hold against hostile terms: odd decimals, claimed decimals, several accepts", async () => {
  const signer = countingSigner();
  const usdc = {
    scheme: "exact",
    network: "eip155:84532",
    asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
    payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
    maxTimeoutSeconds: 60,
    extra: { name: "USDC", version: "2" },
  };
  const serving = (accepts) => async () =>
    new Response("{}", {
      status: 402,
      headers: {
        "PAYMENT-REQUIRED": Buffer.from(JSON.stringify({ x402Version: 2, resource: { url: "https://x.test/r" }, accepts })).toString(
          "base64",
        ),
      },
    });
  const attempt = (accepts, options) => codeOf(() => wrapFetchWithPayment(serving(accepts), signer, options)("https://x.test/r"));
  // Amounts that are not canonical decimals make the terms unreadable: nothing is paid.
  for (const amount of ["1e5", "0.05", "-1", "050000", " 50000", "0x10", ""]) {
    assert.equal(await attempt([{ ...usdc, amount }]), "invalid_payment_required", amount);
  }
  // A server claiming other decimals changes nothing: the cap uses the token's real decimals.
  assert.equal(await attempt([{ ...usdc, amount: "100000000000000000", extra: { ...usdc.extra, decimals: 18 } }]), "amount_exceeds_max");
  // Several accepts: a cheap unknown token is not a way around the allow-list, an expensive known one not around the cap.
  assert.equal(
    await attempt([
      { ...usdc, amount: "200000" },
      { ...usdc, asset: "0x2222222222222222222222222222222222222222", amount: "1" },
    ]),
    "no_acceptable_requirement",
  );
  assert.equal(
    await attempt([
      { ...usdc, amount: "200000" },
      { ...usdc, amount: "300000" },
    ]),
    "amount_exceeds_max",
  );
  assert.equal(
    await attempt([{ ...usdc, amount: "200000" }], { maxUsd: "0.10", maxAmount: "1000000" }),
    "amount_exceeds_max",
    "both caps apply",
  );
  assert.equal(signer.calls, 0);
});
