// `upto` (metered payments) end to end, on a local chain with a Permit2 and an x402 upto proxy at
// their canonical addresses (test stand-ins, tests/e2e/contracts), settled by the official
// facilitator (@x402/evm's upto scheme):
//
//   client \ server        our Worker (workerd)   @x402/hono (upto server)
//   ours (wasm key)        metered cases          metered
//   @x402/fetch (upto)     metered                (reference pair, not ours)
//
// Every case reads the balances on chain: what moved is exactly the metered charge, once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { privateKeyToAccount } from "viem/accounts";
import { maxUint256 } from "viem";
import { x402Client, wrapFetchWithPayment as officialWrapFetch } from "@x402/fetch";
import { UptoEvmScheme as OfficialUptoClient } from "@x402/evm/upto/client";
import { wrapFetchWithPayment, privateKeySigner, injectedWalletSigner, decodePaymentResponse } from "../../pkg/node.js";
import { startChain } from "./chain.mjs";
import { startFacilitator } from "./facilitator.mjs";
import { startHonoServer } from "./hono-server.mjs";
import { startWorker } from "./stack.mjs";

/** The most a metered request costs (0.1 TUSD), and the least /generate charges. */
const MAX = 100_000n;
const MIN = 1_000n;

let chain, facilitator, worker, hono;

/** Approves Permit2 for the chain's token from `key` (the one-time step a Permit2 payer takes). */
async function approvePermit2(key) {
  const hash = await chain.walletClient(key).writeContract({
    address: chain.token.address,
    abi: chain.abi.token,
    functionName: "approve",
    args: [chain.permit2, maxUint256],
  });
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, "success");
}

before(async () => {
  chain = await startChain();
  facilitator = await startFacilitator(chain);
  // payers[0] and [1] approved Permit2 once; payers[2] has not (the 412 case).
  await approvePermit2(chain.keys.payers[0]);
  await approvePermit2(chain.keys.payers[1]);
  worker = await startWorker(chain, facilitator.url, { upto: { max: String(MAX), min: String(MIN) } });
  hono = await startHonoServer(chain, facilitator.url, { uptoMax: String(MAX) });
});

after(async () => {
  await hono?.close();
  await worker?.close();
  await facilitator?.close();
  await chain?.stop();
});

/** Runs `pay()` and returns its response and how much moved from `payer` to payTo. */
async function moved(payer, pay) {
  const [from0, to0] = await Promise.all([chain.balanceOf(payer), chain.balanceOf(chain.addresses.payTo)]);
  const response = await pay();
  const [from1, to1] = await Promise.all([chain.balanceOf(payer), chain.balanceOf(chain.addresses.payTo)]);
  assert.equal(from0 - from1, to1 - to0, "what left the payer is what the merchant got");
  return { response, moved: from0 - from1 };
}

/** Our client, paying the chain's test token (not a known token, so listed with a cap). */
const ours = (key, { cap = MAX, ...options } = {}, signer = privateKeySigner(key, { allowUpto: true })) =>
  wrapFetchWithPayment(fetch, signer, {
    assets: [{ network: chain.network, asset: chain.token.address, maxAmount: String(cap) }],
    ...options,
  });

test("our client pays our metered Worker: the usage is charged, held between the minimum and the maximum", async () => {
  const payer = chain.addresses.payers[0];
  const pay = ours(chain.keys.payers[0]);
  for (const [used, charged] of [
    ["2500", 2_500n],
    ["250000", MAX], // above the signed maximum: capped
    ["10", MIN], // below the route's minimum: raised
    ["50%", 50_000n],
    ["33.33%", 33_330n],
  ]) {
    const { response, moved: amount } = await moved(payer, () => pay(`${worker.url}/generate?used=${encodeURIComponent(used)}`));
    assert.equal(response.status, 200, `${used}: ${await response.clone().text()}`);
    assert.equal(amount, charged, `used ${used}`);
    const receipt = decodePaymentResponse(response);
    assert.equal(receipt.success, true);
    assert.equal(receipt.amount, String(charged), "PAYMENT-RESPONSE reports the amount charged");
    assert.equal(response.headers.get("settlement-overrides"), null, "the declaration stays on the server");
  }
  // A handler that declares nothing is charged the maximum, as the reference server does.
  const { moved: undeclared } = await moved(payer, () => pay(`${worker.url}/generate`));
  assert.equal(undeclared, MAX);
  // An amount that cannot be read (dollars on a token of unknown decimals) settles nothing and
  // serves nothing, as the reference's settlement throws on it.
  const unreadable = await moved(payer, () => pay(`${worker.url}/generate?used=${encodeURIComponent("$0.05")}`));
  assert.equal(unreadable.response.status, 500);
  assert.equal(unreadable.moved, 0n);
});

test("zero usage settles nothing on a route without a minimum; a failing handler settles nothing", async () => {
  const payer = chain.addresses.payers[0];
  const pay = ours(chain.keys.payers[0]);
  const zero = await moved(payer, () => pay(`${worker.url}/meter?used=0`));
  assert.equal(zero.response.status, 200);
  assert.equal(zero.moved, 0n);
  const receipt = decodePaymentResponse(zero.response);
  assert.deepEqual([receipt.success, receipt.amount, receipt.transaction], [true, "0", ""]);

  const failed = await moved(payer, () => pay(`${worker.url}/generate?used=5000&fail`));
  assert.equal(failed.response.status, 500);
  assert.equal(failed.moved, 0n);
  assert.equal(decodePaymentResponse(failed.response), null, "no receipt: nothing was settled");
});

test("a metered payment is used once: the same header again is refused, and nothing moves twice", async () => {
  const payer = chain.addresses.payers[1];
  let header;
  const spy = async (input, init) => {
    const request = new Request(input, init);
    header ??= request.headers.get("payment-signature") ?? undefined;
    return fetch(request);
  };
  const wrapped = wrapFetchWithPayment(spy, privateKeySigner(chain.keys.payers[1], { allowUpto: true }), {
    assets: [{ network: chain.network, asset: chain.token.address, maxAmount: String(MAX) }],
  });
  const first = await moved(payer, () => wrapped(`${worker.url}/generate?used=3000`));
  assert.equal(first.response.status, 200);
  assert.equal(first.moved, 3_000n);
  assert.ok(header, "the paid request carried a payment");
  const replay = await moved(payer, () => fetch(`${worker.url}/generate?used=3000`, { headers: { "payment-signature": header } }));
  assert.equal(replay.response.status, 402);
  assert.equal(replay.moved, 0n);
  const required = JSON.parse(atob(replay.response.headers.get("payment-required")));
  assert.equal(required.error, "permit2_invalid_nonce");
});

test("@x402/fetch with the official upto client pays our metered Worker", async () => {
  const account = privateKeyToAccount(chain.keys.payers[1]);
  const client = new x402Client().register("eip155:*", new OfficialUptoClient(account));
  client.setSpendControls(false);
  const pay = officialWrapFetch(fetch, client);
  const { response, moved: amount } = await moved(account.address, () => pay(`${worker.url}/generate?used=4200`));
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(amount, 4_200n);
});

test("our client pays @x402/hono's upto server: the amount its handler declares moves", async () => {
  const payer = chain.addresses.payers[0];
  const pay = ours(chain.keys.payers[0]);
  const { response, moved: amount } = await moved(payer, () => pay(`${hono.url}/generate?used=1234`));
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(amount, 1_234n);
  assert.equal(decodePaymentResponse(response).amount, "1234");
});

test("a payer without a Permit2 approval gets a coded error, or approves once with approvePermit2 and pays", async () => {
  const key = chain.keys.payers[2];
  const payer = chain.addresses.payers[2];
  await assert.rejects(ours(key)(`${worker.url}/generate?used=2000`), (e) => e.code === "permit2_approval_required");
  let asked;
  const pay = ours(key, {
    approvePermit2: async (approval) => {
      asked = approval;
      const hash = await chain.walletClient(key).sendTransaction(approval.transaction);
      await chain.publicClient.waitForTransactionReceipt({ hash });
    },
  });
  const { response, moved: amount } = await moved(payer, () => pay(`${worker.url}/generate?used=2000`));
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(amount, 2_000n);
  assert.deepEqual([asked.token, asked.owner, asked.spender], [chain.token.address, payer, chain.permit2]);
});

test("caps apply to the signed maximum, and a wasm key signs upto only when allowed", async () => {
  const key = chain.keys.payers[0];
  // The handler would charge 10 units, but the payer would sign for MAX: over a cap of MAX - 1.
  await assert.rejects(ours(key, { cap: MAX - 1n })(`${worker.url}/meter?used=10`), (e) => e.code === "amount_exceeds_max");
  await assert.rejects(ours(key, {}, privateKeySigner(key))(`${worker.url}/meter?used=10`), (e) => e.code === "no_acceptable_requirement");
});

/** An EIP-1193 wallet over `key`: viem signs its typed data and sends its transactions; it
 * confirms everything (what a user who clicks "approve" does); `calls` lists the methods used. */
function wallet(key, chainId = chain.chainId) {
  const account = privateKeyToAccount(key);
  const calls = [];
  const provider = {
    calls,
    async request({ method, params }) {
      calls.push(method);
      if (method === "eth_requestAccounts") return [account.address];
      if (method === "eth_chainId") return `0x${chainId.toString(16)}`;
      if (method === "eth_signTypedData_v4") {
        const { types, primaryType, domain, message } = JSON.parse(params[1]);
        delete types.EIP712Domain;
        return account.signTypedData({ types, primaryType, domain, message });
      }
      if (method === "eth_sendTransaction") return chain.walletClient(key).sendTransaction({ to: params[0].to, data: params[0].data });
      if (method === "eth_getTransactionReceipt") return chain.rpc(method, params);
      throw Object.assign(new Error(`unsupported ${method}`), { code: 4200 });
    },
  };
  return provider;
}

test("an injected wallet pays upto, sending the one-time Permit2 approval itself (approvePermit2: true)", async () => {
  // A fresh payer: anvil's key #7 (its default accounts all hold ETH), given tokens, no Permit2 approval.
  const key = "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356";
  const payer = privateKeyToAccount(key).address;
  const mint = await chain.walletClient(chain.keys.deployer).writeContract({
    address: chain.token.address,
    abi: chain.abi.token,
    functionName: "mint",
    args: [payer, 1_000_000n],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash: mint });
  // A wallet on another chain that cannot switch is not asked to sign, nor to send the approval.
  const elsewhere = wallet(key, 1);
  await assert.rejects(
    ours(key, { approvePermit2: true }, injectedWalletSigner(elsewhere))(`${worker.url}/generate?used=7777`),
    (e) => e.code === "wallet_error" && /wallet_switchEthereumChain/.test(e.message),
  );
  assert.ok(!elsewhere.calls.includes("eth_signTypedData_v4") && !elsewhere.calls.includes("eth_sendTransaction"));
  const provider = wallet(key);
  const pay = ours(key, { approvePermit2: true }, injectedWalletSigner(provider));
  const { response, moved: amount } = await moved(payer, () => pay(`${worker.url}/generate?used=7777`));
  assert.equal(response.status, 200, await response.clone().text());
  assert.equal(amount, 7_777n);
  assert.deepEqual(
    provider.calls.filter((m) => m !== "eth_getTransactionReceipt"),
    ["eth_requestAccounts", "eth_chainId", "eth_signTypedData_v4", "eth_chainId", "eth_sendTransaction"],
    "one signature, one approval: the same payment is sent again after it",
  );
});
