// Our facilitator Worker (worker/src/facilitator.js, in workerd) on a real chain (anvil with the
// EIP-3009 token), judged by the chain itself and beside the official facilitator (@x402/core +
// @x402/evm): @x402/hono paid by @x402/fetch through it, our Worker middleware through it, 50
// concurrent settlements, the same payment twice at once, RPC faults, and the reference's reasons.
// The payments are signed by viem, or by the official client.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { x402Client, wrapFetchWithPayment as officialWrapFetch, decodePaymentResponseHeader } from "@x402/fetch";
import { ExactEvmScheme as OfficialClientScheme } from "@x402/evm/exact/client";
import { wrapFetchWithPayment, privateKeySigner, decodePaymentResponse } from "../../pkg/node.js";
import { startFacilitatorWorkerd } from "../../worker/test/workerd.mjs";
import { startChain } from "./chain.mjs";
import { startFacilitator } from "./facilitator.mjs";
import { startHonoServer } from "./hono-server.mjs";
import { startWorker, AMOUNT } from "./stack.mjs";
import { startHonoV1Server } from "./legacy/hono-v1.mjs";
import { eip3009Body, permit2Body, requirementsOf } from "./payments.mjs";

const price = BigInt(AMOUNT);
let chain, official, proxy, ours;
const payment = (key, options) => eip3009Body(chain, key, options);
const permit2Payment = (key, options) => permit2Body(chain, key, options);

/** A JSON-RPC proxy in front of anvil whose faults a test switches on: `mode` is one of
 * "ok", "down" (503), "slow" (answers after `delayMs`), "garbage" (200, not JSON), "drop-send"
 * (the next eth_sendRawTransaction is answered with its hash and not forwarded), "no-estimate"
 * (eth_estimateGas answered with a fixed gas, so a reverting transaction is sent), "refuse-send"
 * (the next eth_sendRawTransaction is refused by the "node"), "no-receipt" (sends go through, but
 * no receipt is given: a transaction that stays unmined). */
async function startRpcProxy(upstream) {
  const state = { mode: "ok", delayMs: 0, sends: 0 };
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const call = JSON.parse(body);
    const answer = (value) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ jsonrpc: "2.0", id: call.id, ...value }));
    };
    if (state.mode === "down") return res.writeHead(503).end("unavailable");
    if (state.mode === "garbage") return res.writeHead(200, { "content-type": "application/json" }).end("<html>oops");
    if (state.mode === "slow") await new Promise((r) => setTimeout(r, state.delayMs));
    if (call.method === "eth_getTransactionReceipt" && state.mode === "no-receipt") return answer({ result: null });
    if (call.method === "eth_sendRawTransaction") {
      state.sends++;
      if (state.mode === "gateway-error") {
        // Forwarded, but answered with an error, as a gateway that timed out upstream does.
        state.mode = "ok";
        await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body });
        return answer({ error: { code: -32603, message: "upstream request timeout" } });
      }
      if (state.mode === "refuse-send") {
        state.mode = "ok";
        return answer({ error: { code: -32000, message: "insufficient funds for gas * price + value" } });
      }
      if (state.mode === "drop-send") {
        state.mode = "ok";
        const { keccak256 } = await import("viem");
        return answer({ result: keccak256(call.params[0]) });
      }
    }
    if (call.method === "eth_estimateGas" && state.mode === "no-estimate") return answer({ result: "0x30000" });
    const upstreamAnswer = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body });
    res.writeHead(upstreamAnswer.status, { "content-type": "application/json" });
    res.end(await upstreamAnswer.text());
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    state,
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
  };
}

async function startOurs(extra = {}) {
  const mf = startFacilitatorWorkerd(
    {
      FACILITATOR_KEY: chain.keys.facilitator,
      NETWORK: chain.network,
      RPC_URL: proxy.url,
      RECEIPT_TIMEOUT_MS: "3000",
      STUCK_AFTER_MS: "1000",
      RPC_TIMEOUT_MS: "1500",
      ...extra,
    },
    { port: 0 },
  );
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { url, close: () => mf.dispose() };
}

before(async () => {
  chain = await startChain();
  proxy = await startRpcProxy(chain.rpcUrl);
  ours = await startOurs();
  // The official facilitator only verifies here (its key is ours too; it sends nothing).
  official = await startFacilitator(chain);
});

after(async () => {
  await ours?.close();
  await official?.close();
  await proxy?.close();
  await chain?.stop();
});

const post = async (base, route, body, headers = {}) => {
  const res = await fetch(`${base}/${route}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
};

/** A fresh funded payer: a random key, minted `amount` of the token by the deployer. */
async function fundedPayer(amount = 10_000n) {
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address;
  const deployer = chain.walletClient(chain.keys.deployer);
  const hash = await deployer.writeContract({
    address: chain.token.address,
    abi: chain.abi.token,
    functionName: "mint",
    args: [address, amount],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash });
  return { key, address };
}

const signerNonce = () => chain.publicClient.getTransactionCount({ address: chain.addresses.facilitator });

test("/supported: exact in v2 on the chain and in v1 under its name; the signer", async () => {
  const res = await fetch(`${ours.url}/supported`);
  assert.equal(res.status, 200);
  const supported = await res.json();
  assert.deepEqual(supported.kinds, [
    { x402Version: 1, scheme: "exact", network: "base-sepolia" },
    { x402Version: 2, scheme: "exact", network: chain.network },
  ]);
  assert.deepEqual(supported.signers, { "eip155:*": [chain.addresses.facilitator] });
  assert.equal((await fetch(`${ours.url}/verify`)).status, 405);
  assert.equal((await fetch(`${ours.url}/nothing`)).status, 404);
});

test("@x402/hono with our facilitator's URL, paid by @x402/fetch: settles, the price moves once", async () => {
  const hono = await startHonoServer(chain, ours.url, { amount: AMOUNT });
  try {
    const payer = await fundedPayer();
    const account = privateKeyToAccount(payer.key);
    const client = new x402Client().register("eip155:*", new OfficialClientScheme(account));
    client.setSpendControls?.(false);
    const pay = officialWrapFetch(fetch, client);
    const before = await chain.balanceOf(chain.addresses.payTo);
    const res = await pay(`${hono.url}/weather`);
    assert.equal(res.status, 200);
    const receipt = decodePaymentResponseHeader(res.headers.get("payment-response"));
    assert.equal(receipt.success, true);
    assert.equal((await chain.transactionReceipt(receipt.transaction))?.status, "success");
    assert.equal(await chain.balanceOf(payer.address), 10_000n - price);
    assert.equal(await chain.balanceOf(chain.addresses.payTo), before + price);
  } finally {
    await hono.close();
  }
});

test("our Worker middleware with our facilitator, paid by our client: settles once", async () => {
  const worker = await startWorker(chain, ours.url);
  try {
    const payer = await fundedPayer();
    const pay = wrapFetchWithPayment(fetch, privateKeySigner(payer.key), {
      assets: [{ network: chain.network, asset: chain.token.address, maxAmount: 10_000n }],
    });
    const res = await pay(`${worker.url}/weather`);
    assert.equal(res.status, 200);
    const receipt = decodePaymentResponse(res);
    assert.equal(receipt.success, true);
    assert.equal((await chain.transactionReceipt(receipt.transaction))?.status, "success");
    assert.equal(await chain.balanceOf(payer.address), 10_000n - price);
  } finally {
    await worker.close();
  }
});

test("x402 v1: legacy x402-hono 1.x with our facilitator's URL, paid by our client in v1: settles once", async () => {
  const legacy = await startHonoV1Server(chain, ours.url, { amount: AMOUNT });
  try {
    const payer = await fundedPayer();
    let version;
    const pay = wrapFetchWithPayment(fetch, privateKeySigner(payer.key), {
      assets: [{ network: chain.network, asset: chain.token.address, maxAmount: 10_000n }],
      onPaymentCreated: ({ paymentPayload }) => {
        version = paymentPayload.x402Version;
      },
    });
    const res = await pay(`${legacy.url}/weather`);
    assert.equal(res.status, 200);
    assert.equal(version, 1);
    const receipt = decodePaymentResponse(res);
    assert.equal(receipt.success, true);
    assert.equal(receipt.network, "base-sepolia");
    assert.equal((await chain.transactionReceipt(receipt.transaction))?.status, "success");
    assert.equal(await chain.balanceOf(payer.address), 10_000n - price);
  } finally {
    await legacy.close();
  }
});

test("50 concurrent settlements from distinct payers: 50 transactions, consecutive nonces, none lost", async () => {
  const payers = [];
  for (let i = 0; i < 50; i++) payers.push(await fundedPayer());
  const bodies = await Promise.all(payers.map((p) => payment(p.key)));
  const start = await signerNonce();
  const payToBefore = await chain.balanceOf(chain.addresses.payTo);
  const answers = await Promise.all(bodies.map((b) => post(ours.url, "settle", b)));
  for (const a of answers) assert.equal(a.body.success, true, JSON.stringify(a.body));
  const hashes = new Set(answers.map((a) => a.body.transaction));
  assert.equal(hashes.size, 50);
  const nonces = await Promise.all([...hashes].map(async (hash) => (await chain.publicClient.getTransaction({ hash })).nonce));
  assert.deepEqual(
    nonces.sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => start + i),
  );
  assert.equal(await signerNonce(), start + 50);
  assert.equal(await chain.balanceOf(chain.addresses.payTo), payToBefore + 50n * price);
  for (const p of payers) assert.equal(await chain.balanceOf(p.address), 10_000n - price);
});

test("the same payment to /settle twice at once, and again later: one transaction, the first answer", async () => {
  const payer = await fundedPayer();
  const body = await payment(payer.key);
  const start = await signerNonce();
  const [a, b] = await Promise.all([post(ours.url, "settle", body), post(ours.url, "settle", body)]);
  assert.equal(a.body.success, true, JSON.stringify(a.body));
  assert.deepEqual(b.body, a.body);
  const again = await post(ours.url, "settle", body);
  assert.deepEqual(again.body, a.body);
  assert.equal(await signerNonce(), start + 1);
  assert.equal(await chain.balanceOf(payer.address), 10_000n - price);
  // A body naming the same authorization with another signature is not this payment: it gets
  // no share of its record, and is refused.
  const forged = structuredClone(body);
  forged.paymentPayload.payload.signature = `0x${"11".repeat(64)}1b`;
  const refused = await post(ours.url, "settle", forged);
  assert.equal(refused.body.success, false, JSON.stringify(refused.body));
  assert.equal(refused.body.errorReason, "invalid_exact_evm_signature");
  assert.equal(refused.body.transaction, "");
  // /verify is not a record: the authorization is used now.
  const verify = await post(ours.url, "verify", body);
  assert.equal(verify.body.invalidReason, "invalid_exact_evm_nonce_already_used");
});

test("refusals carry the reference's reasons, as the official facilitator gives them", async () => {
  const payer = await fundedPayer();
  const underfunded = await fundedPayer(1n);
  const expired = await payment(payer.key, { validBefore: Math.floor(Date.now() / 1000) + 3 });
  const used = await payment(payer.key);
  // The authorization is used on chain by someone else first (the payer's own call).
  const { v, r, s } = (() => {
    const sig = used.paymentPayload.payload.signature;
    return { r: `0x${sig.slice(2, 66)}`, s: `0x${sig.slice(66, 130)}`, v: parseInt(sig.slice(130, 132), 16) };
  })();
  const a = used.paymentPayload.payload.authorization;
  const hash = await chain.walletClient(chain.keys.deployer).writeContract({
    address: chain.token.address,
    abi: chain.abi.token,
    functionName: "transferWithAuthorization",
    args: [a.from, a.to, BigInt(a.value), 0n, BigInt(a.validBefore), a.nonce, v, r, s],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash });
  const wrongName = await payment(payer.key);
  wrongName.paymentRequirements.extra = { ...wrongName.paymentRequirements.extra, name: "Other" };
  wrongName.paymentPayload.accepted = wrongName.paymentRequirements;
  const cases = {
    invalid_exact_evm_insufficient_balance: await payment(underfunded.key),
    invalid_exact_evm_nonce_already_used: used,
    invalid_exact_evm_payload_authorization_valid_before: expired,
    invalid_exact_evm_signature: wrongName,
  };
  const start = await signerNonce();
  for (const [reason, body] of Object.entries(cases)) {
    const theirs = await post(official.url, "verify", body);
    const mine = await post(ours.url, "verify", body);
    assert.equal(theirs.body.invalidReason, reason, `official: ${JSON.stringify(theirs.body)}`);
    assert.equal(mine.body.isValid, false);
    assert.equal(mine.body.invalidReason, reason, JSON.stringify(mine.body));
    const settled = await post(ours.url, "settle", body);
    assert.equal(settled.body.success, false);
    assert.equal(settled.body.errorReason, reason, JSON.stringify(settled.body));
    assert.equal(settled.body.transaction, "");
  }
  assert.equal(await signerNonce(), start, "no transaction was sent");
});

test("RPC faults: down, slow, garbage give clear reasons and settle nothing; a dropped and a reverted transaction", async () => {
  const payer = await fundedPayer();
  const start = await signerNonce();
  for (const [mode, words] of [
    ["down", /HTTP 503/],
    ["slow", /abort|timeout|timed out/i],
    ["garbage", /JSON/],
  ]) {
    Object.assign(proxy.state, { mode, delayMs: 2500 });
    const body = await payment(payer.key);
    const verify = await post(ours.url, "verify", body);
    assert.equal(verify.body.isValid, false);
    assert.equal(verify.body.invalidReason, "unexpected_verify_error", JSON.stringify(verify.body));
    assert.match(verify.body.invalidMessage, words);
    const settle = await post(ours.url, "settle", body);
    assert.equal(settle.body.success, false);
    assert.equal(settle.body.errorReason, "unexpected_settle_error", JSON.stringify(settle.body));
    proxy.state.mode = "ok";
    // Once the RPC is back, the same payment settles, once.
    const retry = await post(ours.url, "settle", body);
    assert.equal(retry.body.success, true, `${mode}: ${JSON.stringify(retry.body)}`);
  }
  assert.equal(await signerNonce(), start + 3);
  assert.equal(await chain.balanceOf(payer.address), 10_000n - 3n * price);

  // Dropped: the node never got the first send. The answer names the transaction as pending, it
  // is sent again (the same bytes), and the next /settle learns its receipt.
  proxy.state.mode = "drop-send";
  const dropped = await payment(payer.key);
  const first = await post(ours.url, "settle", dropped);
  assert.equal(first.body.success, false);
  assert.equal(first.body.errorReason, "settlement_pending", JSON.stringify(first.body));
  assert.match(first.body.transaction, /^0x[0-9a-f]{64}$/);
  const second = await post(ours.url, "settle", dropped);
  assert.equal(second.body.success, true, JSON.stringify(second.body));
  assert.equal(second.body.transaction, first.body.transaction);
  assert.equal(await chain.balanceOf(payer.address), 10_000n - 4n * price);

  // Reverted: the simulation is skipped (the proxy answers the estimate) for an underfunded
  // payer, so the transaction is mined and reverts. The answer says so and names it; no money moved.
  const poor = await fundedPayer(1n);
  proxy.state.mode = "no-estimate";
  const reverted = await post(ours.url, "settle", await payment(poor.key));
  proxy.state.mode = "ok";
  assert.equal(reverted.body.success, false);
  assert.equal(reverted.body.errorReason, "invalid_exact_evm_transaction_failed", JSON.stringify(reverted.body));
  assert.equal((await chain.transactionReceipt(reverted.body.transaction))?.status, "reverted");
  assert.equal(await chain.balanceOf(poor.address), 1n);
});

test("nonces: a send the node refuses gives its nonce back, one a gateway errs on stands; an unmined transaction is reported stuck, then found", async () => {
  const payer = await fundedPayer();
  const start = await signerNonce();
  proxy.state.mode = "refuse-send";
  const refused = await post(ours.url, "settle", await payment(payer.key));
  assert.equal(refused.body.success, false);
  assert.equal(refused.body.errorReason, "unexpected_settle_error", JSON.stringify(refused.body));
  assert.match(refused.body.errorMessage, /insufficient funds/);
  assert.equal(refused.body.transaction, "");
  // The next settlement takes the nonce the refused one gave back: no gap.
  const next = await post(ours.url, "settle", await payment(payer.key));
  assert.equal(next.body.success, true, JSON.stringify(next.body));
  assert.equal((await chain.publicClient.getTransaction({ hash: next.body.transaction })).nonce, start);

  // A send answered with a gateway's error, which did reach the node: the record stands, and the
  // receipt gives the answer. One transaction.
  proxy.state.mode = "gateway-error";
  const through = await post(ours.url, "settle", await payment(payer.key));
  assert.equal(through.body.success, true, JSON.stringify(through.body));

  // Mined, but the node shows no receipt for longer than the bound: the answer is pending and
  // says the transaction is stuck; once receipts show, the same payment gets its final answer.
  proxy.state.mode = "no-receipt";
  const body = await payment(payer.key);
  const pending = await post(ours.url, "settle", body);
  proxy.state.mode = "ok";
  assert.equal(pending.body.errorReason, "settlement_pending", JSON.stringify(pending.body));
  assert.match(pending.body.errorMessage, /stuck/);
  const final = await post(ours.url, "settle", body);
  assert.equal(final.body.success, true, JSON.stringify(final.body));
  assert.equal(final.body.transaction, pending.body.transaction);
  assert.equal(await signerNonce(), start + 3);
  assert.equal(await chain.balanceOf(payer.address), 10_000n - 3n * price);
});

test("bearer token: every route refuses without it, and works with it", async () => {
  const guarded = await startOurs({ FACILITATOR_TOKEN: "s3cret" });
  try {
    const body = await payment((await fundedPayer()).key);
    assert.equal((await fetch(`${guarded.url}/supported`)).status, 401);
    assert.equal((await post(guarded.url, "verify", body)).status, 401);
    assert.equal((await post(guarded.url, "settle", body, { authorization: "Bearer wrong" })).status, 401);
    const ok = await post(guarded.url, "verify", body, { authorization: "Bearer s3cret" });
    assert.equal(ok.body.isValid, true, JSON.stringify(ok.body));
  } finally {
    await guarded.close();
  }
});

test("Permit2 through the x402 exact proxy: verified as the official facilitator does, settled once; unapproved is permit2_allowance_required", async () => {
  const payer = await fundedPayer();
  await chain.rpc("anvil_setBalance", [payer.address, "0xde0b6b3a7640000"]);
  const approve = await chain.walletClient(payer.key).writeContract({
    address: chain.token.address,
    abi: chain.abi.token,
    functionName: "approve",
    args: [chain.permit2, 2n ** 256n - 1n],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash: approve });
  const body = await permit2Payment(payer.key);
  const theirs = await post(official.url, "verify", body);
  assert.equal(theirs.body.isValid, true, JSON.stringify(theirs.body));
  const mine = await post(ours.url, "verify", body);
  assert.equal(mine.body.isValid, true, JSON.stringify(mine.body));
  const payToBefore = await chain.balanceOf(chain.addresses.payTo);
  const [a, b] = await Promise.all([post(ours.url, "settle", body), post(ours.url, "settle", body)]);
  assert.equal(a.body.success, true, JSON.stringify(a.body));
  assert.deepEqual(b.body, a.body);
  assert.equal(await chain.balanceOf(payer.address), 10_000n - price);
  assert.equal(await chain.balanceOf(chain.addresses.payTo), payToBefore + price);

  const unapproved = await permit2Payment((await fundedPayer()).key);
  const refusedTheirs = await post(official.url, "verify", unapproved);
  const refusedMine = await post(ours.url, "verify", unapproved);
  assert.equal(refusedTheirs.body.invalidReason, "permit2_allowance_required", JSON.stringify(refusedTheirs.body));
  assert.equal(refusedMine.body.invalidReason, "permit2_allowance_required", JSON.stringify(refusedMine.body));
});
