// The example Worker, bundled by wrangler exactly as deployed (worker/dist), run in real workerd
// through Miniflare, against a facilitator double on loopback. Payments come from this package's
// own client (Node build), read from the Worker's own 402.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  PaymentDraft,
  privateKeySigner,
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  encodePaymentSignatureHeader,
} from "../../pkg/node.js";
import { startFacilitator } from "./facilitator.mjs";
import { startWorkerd } from "./workerd.mjs";
import { serializeErc6492Signature } from "viem";

const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const signer = privateKeySigner(KEY);
const BASE = "http://worker.test";
let facilitator, worker, workerWithVerify, workerDefault, workerSettleFirst;

function startWorker(vars) {
  const all = { PAY_TO, NETWORK: "eip155:84532", PRICE: "$0.001", VERIFY: "local", FACILITATOR_TIMEOUT_MS: "500", ...vars };
  return startWorkerd(Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)));
}

before(async () => {
  facilitator = await startFacilitator();
  worker = startWorker({ FACILITATOR_URL: facilitator.url });
  workerWithVerify = startWorker({ FACILITATOR_URL: facilitator.url, VERIFY: "local+facilitator" });
  // As deployed: the example's wrangler.toml sets no VERIFY, so the package's default holds.
  workerDefault = startWorker({ FACILITATOR_URL: facilitator.url, VERIFY: undefined });
  workerSettleFirst = startWorker({ FACILITATOR_URL: facilitator.url, VERIFY: undefined, SETTLE_BEFORE_HANDLER: "true" });
  await Promise.all([worker.ready, workerWithVerify.ready, workerDefault.ready, workerSettleFirst.ready]);
});

after(async () => {
  for (const mf of [worker, workerWithVerify, workerDefault, workerSettleFirst]) await mf?.dispose();
  await facilitator?.close();
});

const calls = (path) => facilitator.state.calls.filter((c) => c.path === path).length;

const get = (path, headers = {}, mf = worker) => mf.dispatchFetch(BASE + path, { headers });

/** The Worker's terms for `path` and a payment for them, signed at `now` (unix seconds). */
async function pay(path, { now = Math.floor(Date.now() / 1000), version = 2, mf = worker } = {}) {
  const res = await get(path, {}, mf);
  assert.equal(res.status, 402);
  const required = version === 2 ? decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED")) : await res.json();
  const draft = new PaymentDraft(required, 0, signer.address, { now });
  const payload = draft.finish(await signer.signTypedData(draft.typedData()));
  return { payload, header: encodePaymentSignatureHeader(payload), name: version === 2 ? "PAYMENT-SIGNATURE" : "X-PAYMENT" };
}

/** The error a 402 carries in its PAYMENT-REQUIRED header. */
const reasonOf = (res) => decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED")).error;

test("a route with no price runs untouched", async () => {
  const res = await get("/health");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { ok: true });
  assert.equal(res.headers.get("PAYMENT-REQUIRED"), null);
});

test("no payment: 402 with the v2 header, the v1 body, no-store and exposed headers", async () => {
  const res = await get("/weather?units=metric");
  assert.equal(res.status, 402);
  assert.equal(res.headers.get("Cache-Control"), "no-store");
  assert.match(res.headers.get("Access-Control-Expose-Headers"), /PAYMENT-REQUIRED, PAYMENT-RESPONSE/);
  const terms = reasonOf(res) && decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED"));
  assert.equal(terms.x402Version, 2);
  assert.equal(terms.error, "Payment required");
  assert.deepEqual(terms.resource, { url: `${BASE}/weather?units=metric`, description: "Today's weather", mimeType: "application/json" });
  assert.deepEqual(terms.accepts, [
    {
      scheme: "exact",
      network: "eip155:84532",
      amount: "1000",
      asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
      payTo: PAY_TO,
      maxTimeoutSeconds: 300,
      extra: { name: "USDC", version: "2" },
    },
  ]);
  const v1 = await res.json();
  assert.equal(v1.x402Version, 1);
  assert.equal(v1.error, "X-PAYMENT header is required");
  assert.equal(v1.accepts[0].network, "base-sepolia");
  assert.equal(v1.accepts[0].maxAmountRequired, "1000");
});

test("browsers get a paywall page", async () => {
  const res = await get("/weather", { Accept: "text/html,application/xhtml+xml", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)" });
  assert.equal(res.status, 402);
  assert.match(res.headers.get("content-type"), /text\/html/);
  assert.ok(res.headers.get("PAYMENT-REQUIRED"));
  const page = await res.text();
  // The terms in words (the route's "$0.001" is Base Sepolia's USDC), and the script that pays.
  assert.match(page, /Payment required[\s\S]*\$0\.001 \(0\.001 USDC\)[\s\S]*Base Sepolia/);
  const src = page.match(/<script type="module" src="(\/__x402\/[0-9a-f]{16}\/paywall\.js)"><\/script>/)?.[1];
  assert.ok(src, "the page loads its script from the middleware");
  const script = await get(src, {});
  assert.equal(script.status, 200);
  assert.equal(script.headers.get("cache-control"), "public, max-age=31536000, immutable");
  // A POST to the asset path is not an asset request: it goes on to the app.
  assert.equal((await worker.dispatchFetch(BASE + src, { method: "POST" })).status, 404);
});

test("v2: a valid payment is served with PAYMENT-RESPONSE after exactly one settlement", async () => {
  const before = facilitator.settlements().length;
  const { header, name } = await pay("/weather");
  const res = await get("/weather", { [name]: header });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { city: "Lisbon", forecast: "sunny", temperatureC: 24 });
  const receipt = decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE"));
  assert.equal(receipt.success, true);
  assert.equal(receipt.payer, signer.address);
  assert.equal(res.headers.get("Cache-Control"), "private");
  assert.equal(facilitator.settlements().length, before + 1);
  assert.equal(facilitator.state.calls.filter((c) => c.path === "/verify").length, 0, "verify: local never calls /verify");
  const settled = facilitator.settlements().at(-1).body;
  assert.equal(settled.x402Version, 2);
  assert.equal(settled.paymentRequirements.amount, "1000");
});

test("v1: X-PAYMENT is verified and answered with X-PAYMENT-RESPONSE", async () => {
  const { header, name } = await pay("/weather", { version: 1 });
  assert.equal(name, "X-PAYMENT");
  const res = await get("/weather", { [name]: header });
  assert.equal(res.status, 200);
  assert.equal(decodePaymentResponseHeader(res.headers.get("X-PAYMENT-RESPONSE")).success, true);
  assert.equal(facilitator.settlements().at(-1).body.x402Version, 1);
});

test("invalid payments get their reason code and the facilitator is never called", async () => {
  const calls = facilitator.state.calls.length;
  const expired = await pay("/weather", { now: Math.floor(Date.now() / 1000) - 1000 });
  assert.equal(reasonOf(await get("/weather", { [expired.name]: expired.header })), "invalid_exact_evm_payload_authorization_valid_before");

  const tampered = await pay("/weather");
  const sig = tampered.payload.payload.signature;
  tampered.payload.payload.signature = sig.slice(0, 10) + (sig[10] === "0" ? "1" : "0") + sig.slice(11);
  assert.equal(
    reasonOf(await get("/weather", { "PAYMENT-SIGNATURE": encodePaymentSignatureHeader(tampered.payload) })),
    "invalid_exact_evm_signature",
  );

  const otherTerms = await pay("/weather");
  otherTerms.payload.accepted.amount = "1";
  assert.equal(
    reasonOf(await get("/weather", { "PAYMENT-SIGNATURE": encodePaymentSignatureHeader(otherTerms.payload) })),
    "No matching payment requirements",
  );

  const v1 = await pay("/weather", { version: 1 });
  v1.payload.payload.authorization.value = "999";
  assert.equal(reasonOf(await get("/weather", { "X-PAYMENT": encodePaymentSignatureHeader(v1.payload) })), "invalid_exact_evm_signature");

  const v1wrongNetwork = await pay("/weather", { version: 1 });
  v1wrongNetwork.payload.network = "base";
  assert.equal(
    reasonOf(await get("/weather", { "X-PAYMENT": encodePaymentSignatureHeader(v1wrongNetwork.payload) })),
    "No matching payment requirements",
  );
  assert.equal(facilitator.state.calls.length, calls);
});

test("replay: the same payment twice is refused; 50 at once settle exactly once", async () => {
  const once = await pay("/weather");
  assert.equal((await get("/weather", { [once.name]: once.header })).status, 200);
  const again = await get("/weather", { [once.name]: once.header });
  assert.equal(again.status, 402);
  assert.equal(reasonOf(again), "invalid_exact_evm_nonce_already_used");

  const before = facilitator.settlements().length;
  const burst = await pay("/weather");
  const answers = await Promise.all(Array.from({ length: 50 }, () => get("/weather", { [burst.name]: burst.header })));
  const statuses = answers.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 200).length, 1, `statuses: ${statuses}`);
  // While the first is being served the copies are "in progress" (409), after it "used" (402):
  // never a signal to sign a new payment while this one may still settle.
  assert.equal(statuses.filter((s) => s === 402 || s === 409).length, 49, `statuses: ${statuses}`);
  assert.ok(statuses.includes(409), `statuses: ${statuses}`);
  const bodies = await Promise.all(answers.map((r) => r.text()));
  assert.equal(bodies.filter((b) => b.includes("Lisbon")).length, 1, "delivered once");
  assert.equal(facilitator.settlements().length, before + 1);
});

test("50 distinct payments at once: 50 deliveries, 50 settlements", async () => {
  const before = facilitator.settlements().length;
  const payments = await Promise.all(Array.from({ length: 50 }, () => pay("/weather")));
  const answers = await Promise.all(payments.map((p) => get("/weather", { [p.name]: p.header })));
  assert.deepEqual([...new Set(answers.map((r) => r.status))], [200]);
  assert.equal(facilitator.settlements().length, before + 50);
  const nonces = new Set(
    facilitator
      .settlements()
      .slice(before)
      .map((c) => c.body.paymentPayload.payload.authorization.nonce),
  );
  assert.equal(nonces.size, 50);
});

test("handler errors are not settled and free the payment", async () => {
  const before = facilitator.settlements().length;
  const p = await pay("/reports/missing");
  const first = await get("/reports/missing", { [p.name]: p.header });
  assert.equal(first.status, 404);
  assert.equal((await get("/reports/missing", { [p.name]: p.header })).status, 404, "released, so not 'already used'");
  const q = await pay("/reports/broken");
  assert.equal((await get("/reports/broken", { [q.name]: q.header })).status, 500);
  assert.equal(facilitator.settlements().length, before);
  // The freed payment still buys a report once.
  assert.equal((await get("/reports/7", { [p.name]: p.header })).status, 200);
});

test("facilitator faults: nothing is served, the status says why", async (t) => {
  const cases = [
    ["error500", 502, "facilitator_invalid_response"],
    ["garbage", 502, "facilitator_invalid_response"],
    ["no_tx", 502, "facilitator_invalid_response"],
    ["hang", 504, "facilitator_timeout"],
  ];
  t.after(() => {
    facilitator.state.mode = "ok";
  });
  for (const [mode, status, code] of cases) {
    facilitator.state.mode = mode;
    const p = await pay("/weather");
    const res = await get("/weather", { [p.name]: p.header });
    const text = await res.text();
    assert.equal(res.status, status, mode);
    assert.equal(JSON.parse(text).error, code, mode);
    assert.doesNotMatch(text, /Lisbon/, `${mode}: content not released`);
  }
  facilitator.state.mode = "settle_fail";
  const p = await pay("/weather");
  const res = await get("/weather", { [p.name]: p.header });
  assert.equal(res.status, 402);
  assert.equal(decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE")).errorReason, "invalid_exact_evm_insufficient_balance");
  assert.doesNotMatch(await res.text(), /Lisbon/);
});

test("an unreachable facilitator is a 502", async () => {
  const lonely = startWorker({ FACILITATOR_URL: "http://127.0.0.1:9" });
  try {
    const { header, name } = await pay("/weather", { mf: lonely });
    const res = await get("/weather", { [name]: header }, lonely);
    assert.equal(res.status, 502);
    const text = await res.text();
    assert.equal(JSON.parse(text).error, "facilitator_unavailable");
    assert.doesNotMatch(
      text,
      /facilitator \/|unreachable|127\.0\.0\.1|refused/i,
      "the facilitator's address and error text stay in the log",
    );
  } finally {
    await lonely.dispose();
  }
});

test("local+facilitator: /verify is asked, and its refusal is final", async (t) => {
  t.after(() => {
    facilitator.state.mode = "ok";
  });
  const verifies = () => facilitator.state.calls.filter((c) => c.path === "/verify").length;
  const before = verifies();
  const ok = await pay("/weather", { mf: workerWithVerify });
  assert.equal((await get("/weather", { [ok.name]: ok.header }, workerWithVerify)).status, 200);
  assert.equal(verifies(), before + 1);
  facilitator.state.mode = "verify_invalid";
  const refused = await pay("/weather", { mf: workerWithVerify });
  const res = await get("/weather", { [refused.name]: refused.header }, workerWithVerify);
  assert.equal(res.status, 402);
  assert.equal(reasonOf(res), "invalid_exact_evm_insufficient_balance");
});

test("oversize and garbage headers are unpaid requests, and the isolate lives on", async () => {
  // 100 KB: past the package's 64 KiB cap, refused before decoding.
  const oversize = await get("/weather", { "PAYMENT-SIGNATURE": "A".repeat(100_000) });
  assert.equal(oversize.status, 402);
  assert.equal(reasonOf(oversize), "Payment required");
  const big = Buffer.from(JSON.stringify({ x402Version: 2, pad: "x".repeat(20_000) })).toString("base64");
  for (const value of [
    big,
    "A".repeat(24_000),
    "%%%not-base64%%%",
    Buffer.from('{"x402Version":2,').toString("base64"),
    Buffer.from("[]").toString("base64"),
  ]) {
    const res = await get("/weather", { "PAYMENT-SIGNATURE": value, "X-PAYMENT": value });
    assert.equal(res.status, 402);
    assert.equal(reasonOf(res), "Payment required");
  }
  assert.equal((await get("/health")).status, 200);
  const p = await pay("/weather");
  assert.equal((await get("/weather", { [p.name]: p.header })).status, 200);
});

test("no spelling of a paid path gets in free: encoded separators, run-by-run decoding, HEAD", async () => {
  // The attack review's C1: an escaped literal with a separator inside the parameter.
  for (const path of [
    "/r%65ports/x%2Fy",
    "/r%65ports/x%5Cy",
    "/r%65ports/x%3Fy",
    "/r%65ports/x%23y",
    "/reports/a%2Fb",
    "/reports/a%5Cb",
    "/%72eports/x%ff",
    "/Weather",
    "/weather/",
    "//weather",
  ]) {
    const res = await get(path);
    assert.equal(res.status, 402, path);
    assert.doesNotMatch(await res.text(), /report a|Lisbon/, path);
  }
  const head = await worker.dispatchFetch(BASE + "/weather", { method: "HEAD" });
  assert.equal(head.status, 402);
  // A path no reading agrees on is refused on a host with paid routes, not served.
  for (const path of ["/health%", "/health%zz", "/health/%c3"]) {
    const res = await get(path);
    assert.equal(res.status, 400, path);
    assert.equal((await res.json()).error, "invalid_path", path);
  }
});

test("default mode: the handler runs only once the facilitator's /verify vouches for the payer", async (t) => {
  t.after(() => {
    facilitator.state.mode = "ok";
  });
  const [verifies, settles] = [calls("/verify"), calls("/settle")];
  const ok = await pay("/weather", { mf: workerDefault });
  assert.equal((await get("/weather", { [ok.name]: ok.header }, workerDefault)).status, 200);
  assert.equal(calls("/verify"), verifies + 1);
  // A fresh key with no funds: signed correctly, so local checks pass; /verify refuses it.
  facilitator.state.mode = "verify_invalid";
  const unfunded = await pay("/reports/expensive", { mf: workerDefault });
  const res = await get("/reports/expensive", { [unfunded.name]: unfunded.header }, workerDefault);
  assert.equal(res.status, 402);
  assert.equal(reasonOf(res), "invalid_exact_evm_insufficient_balance");
  assert.doesNotMatch(await res.text(), /report expensive/);
  assert.equal(calls("/settle"), settles + 1, "the refused payment was never sent to /settle");
});

test("settleBeforeHandler: the money moves before the handler runs, and its answer carries the receipt", async (t) => {
  t.after(() => {
    facilitator.state.mode = "ok";
  });
  const settles = calls("/settle");
  const p = await pay("/reports/broken", { mf: workerSettleFirst });
  const res = await get("/reports/broken", { [p.name]: p.header }, workerSettleFirst);
  assert.equal(res.status, 500, "the handler's own answer, after payment");
  assert.equal(decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE")).success, true);
  assert.equal(calls("/settle"), settles + 1);
  facilitator.state.mode = "settle_fail";
  const q = await pay("/reports/7", { mf: workerSettleFirst });
  const refused = await get("/reports/7", { [q.name]: q.header }, workerSettleFirst);
  assert.equal(refused.status, 402);
  assert.doesNotMatch(await refused.text(), /report 7/, "no settlement, no handler");
});

test("a settlement with no final answer is finished by the same payment, never refused as a replay", async (t) => {
  t.after(() => {
    facilitator.state.mode = "ok";
  });
  // (a) /settle times out: 504, then the same payment again settles and gets the content.
  facilitator.state.mode = "hang_settle_once";
  const p = await pay("/weather");
  const first = await get("/weather", { [p.name]: p.header });
  assert.equal(first.status, 504);
  assert.doesNotMatch(await first.text(), /Lisbon/);
  const again = await get("/weather", { [p.name]: p.header });
  assert.equal(again.status, 200, "re-presented after an unknown outcome: settled again, served");
  assert.match(await again.text(), /Lisbon/);
  const third = await get("/weather", { [p.name]: p.header });
  assert.equal(reasonOf(third), "invalid_exact_evm_nonce_already_used", "once settled, a replay is refused");

  // (b) settlement_pending: retried once at once, as the reference server does.
  facilitator.state.mode = "pending_once";
  const q = await pay("/weather");
  const settles = calls("/settle");
  const res = await get("/weather", { [q.name]: q.header });
  assert.equal(res.status, 200);
  assert.equal(calls("/settle"), settles + 2);

  // A facilitator that does not reconcile: the first /settle times out (yet moved the money), the
  // next says the nonce is used. The key is not freed and the payer is not told "used": 503.
  facilitator.state.mode = "hang_then_nonce_used";
  const u = await pay("/weather");
  assert.equal((await get("/weather", { [u.name]: u.header })).status, 504);
  for (let i = 0; i < 2; i++) {
    const unresolved = await get("/weather", { [u.name]: u.header });
    assert.equal(unresolved.status, 503);
    assert.equal((await unresolved.json()).error, "settlement_unresolved");
  }
  facilitator.state.mode = "ok";

  // Still pending after the retry: 503 "send the same payment again", then it is finished.
  facilitator.state.mode = "pending";
  const r = await pay("/weather");
  const pending = await get("/weather", { [r.name]: r.header });
  assert.equal(pending.status, 503);
  assert.equal((await pending.json()).error, "settlement_pending");
  assert.equal(decodePaymentResponseHeader(pending.headers.get("PAYMENT-RESPONSE")).errorReason, "settlement_pending");
  facilitator.state.mode = "ok";
  assert.equal((await get("/weather", { [r.name]: r.header })).status, 200);
});

test("a paid WebSocket upgrade is delivered after settlement, not a 500", async () => {
  const p = await pay("/live");
  const res = await worker.dispatchFetch(BASE + "/live", { headers: { Upgrade: "websocket", [p.name]: p.header } });
  assert.equal(res.status, 101);
  assert.ok(res.webSocket, "the socket is handed over");
  assert.equal(decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE")).success, true);
  const message = new Promise((resolve) => res.webSocket.addEventListener("message", (e) => resolve(e.data)));
  res.webSocket.accept();
  assert.equal(await message, "live: sunny, 24 C");
  res.webSocket.close();
});

test("a refusal with transaction: null is a 402 with its receipt, as the JS and Rust readers agree", async (t) => {
  t.after(() => {
    facilitator.state.mode = "ok";
  });
  facilitator.state.mode = "fail_null_tx";
  const p = await pay("/weather");
  const res = await get("/weather", { [p.name]: p.header });
  assert.equal(res.status, 402);
  const receipt = decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE"));
  assert.equal(receipt.errorReason, "invalid_exact_evm_insufficient_balance");
  assert.equal(receipt.transaction, "");
});

test("a paid 204 is delivered with its receipt", async () => {
  const p = await pay("/reports/empty");
  const res = await get("/reports/empty", { [p.name]: p.header });
  assert.equal(res.status, 204);
  assert.equal(decodePaymentResponseHeader(res.headers.get("PAYMENT-RESPONSE")).success, true);
});

test("a smart-wallet signature is sent to the facilitator's /verify even in local mode; junk long hex is not", async (t) => {
  t.after(() => {
    facilitator.state.mode = "ok";
  });
  const verifies = () => calls("/verify");
  // An ERC-6492 signature as viem serializes it (a wallet not deployed yet), around an ECDSA one.
  const forge = async (signature) => {
    const p = await pay("/weather");
    p.payload.payload.signature =
      signature ??
      serializeErc6492Signature({
        address: "0x0000000000ffe8b47b3e2130213b802212439497",
        data: "0xdeadbeef",
        signature: p.payload.payload.signature,
      });
    return encodePaymentSignatureHeader(p.payload);
  };
  const before = verifies();
  facilitator.state.mode = "verify_invalid";
  const refused = await get("/weather", { "PAYMENT-SIGNATURE": await forge() });
  assert.equal(refused.status, 402);
  assert.equal(verifies(), before + 1);
  assert.doesNotMatch(await refused.text(), /Lisbon/);
  facilitator.state.mode = "ok";
  assert.equal((await get("/weather", { "PAYMENT-SIGNATURE": await forge() })).status, 200, "the facilitator vouched for it");
  // Long hex no wallet makes is refused here: no /verify call for it (attack review M5).
  const junk = await get("/weather", { "PAYMENT-SIGNATURE": await forge("0x" + "ab".repeat(200)) });
  assert.equal(reasonOf(junk), "invalid_exact_evm_signature");
  assert.equal(verifies(), before + 2);
});

test("deferred signature checks are limited per payer", async () => {
  const verifies = calls("/verify");
  const statuses = [];
  for (let i = 0; i < 12; i++) {
    const p = await pay("/weather");
    p.payload.payload.signature = serializeErc6492Signature({
      address: "0x0000000000ffe8b47b3e2130213b802212439497",
      data: "0xdeadbeef",
      signature: p.payload.payload.signature,
    });
    statuses.push((await get("/weather", { "PAYMENT-SIGNATURE": encodePaymentSignatureHeader(p.payload) })).status);
  }
  assert.ok(statuses.includes(429), `statuses: ${statuses}`);
  assert.ok(calls("/verify") - verifies <= 10, "at most 10 facilitator checks a minute for one payer (the earlier test spent some)");
});
