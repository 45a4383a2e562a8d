// The interop matrix, on a real chain: every cell is a real transfer of our EIP-3009 token,
// judged and settled by the official facilitator. A cell passes when the content arrives, the
// PAYMENT-RESPONSE names a mined transaction, and the balances moved by the price exactly once.
//
//                          our Worker (workerd)   @x402/hono (Node)
//   our client, Node       v1, v2                 v2 (and v1 against x402-hono 1.x, the v1 reference)
//   our client, Chromium   v2 (www/ dapp)         v2 (www/ dapp)
//   @x402/fetch (Node)     v2                     v2
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { launchChromium, injectWallet } from "../js/chromium.mjs";
import { privateKeyToAccount } from "viem/accounts";
import { x402Client, wrapFetchWithPayment as officialWrapFetch } from "@x402/fetch";
import { ExactEvmScheme as OfficialClientScheme } from "@x402/evm/exact/client";
import {
  wrapFetchWithPayment,
  privateKeySigner,
  decodePaymentResponse,
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
} from "../../pkg/node.js";
import { startStack, startWorker, AMOUNT } from "./stack.mjs";
import { startWww } from "../../www/serve.mjs";
import { startHonoV1Server } from "./legacy/hono-v1.mjs";

let stack, browser;
const price = BigInt(AMOUNT);

before(async () => {
  stack = await startStack();
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Our client with a local key; the demo token is not a known asset, so it is listed, capped at one token. */
const ours = (key, options = {}) =>
  wrapFetchWithPayment(fetch, privateKeySigner(key), {
    assets: [{ network: stack.chain.network, asset: stack.chain.token.address, maxAmount: 10n ** BigInt(stack.chain.token.decimals) }],
    ...options,
  });

/** Runs `pay` and checks it moved exactly the price from `payer` to payTo, once, in a mined transaction. */
async function expectSettled(payer, pay) {
  const { chain } = stack;
  const [payerBefore, payToBefore] = [await chain.balanceOf(payer), await chain.balanceOf(chain.addresses.payTo)];
  const { status, receipt, body } = await pay();
  assert.equal(status, 200, JSON.stringify(receipt));
  assert.equal(receipt.success, true);
  assert.equal(receipt.payer.toLowerCase(), payer.toLowerCase());
  const mined = await chain.transactionReceipt(receipt.transaction);
  assert.equal(mined?.status, "success", "the PAYMENT-RESPONSE transaction is mined");
  assert.equal(await chain.balanceOf(payer), payerBefore - price, "payer paid the price once");
  assert.equal(await chain.balanceOf(chain.addresses.payTo), payToBefore + price, "payTo received it once");
  return body;
}

async function viaNode(fetchImpl, url) {
  const response = await fetchImpl(url);
  return { status: response.status, receipt: decodePaymentResponse(response), body: await response.json() };
}

test("our client (Node) → our Worker, v2", async () => {
  const key = stack.chain.keys.payers[0];
  const body = await expectSettled(privateKeyToAccount(key).address, () => viaNode(ours(key), `${stack.worker.url}/weather`));
  assert.equal(body.city, "Lisbon");
});

test("our client (Node) → our Worker, v1", async () => {
  const key = stack.chain.keys.payers[0];
  let version;
  const pay = ours(key, {
    preferVersion: 1,
    onPaymentCreated: ({ paymentPayload }) => {
      version = paymentPayload.x402Version;
    },
  });
  await expectSettled(privateKeyToAccount(key).address, () => viaNode(pay, `${stack.worker.url}/reports/1`));
  assert.equal(version, 1);
});

test("our client (Node) → @x402/hono, v2", async () => {
  const key = stack.chain.keys.payers[1];
  const body = await expectSettled(privateKeyToAccount(key).address, () => viaNode(ours(key), `${stack.hono.url}/weather`));
  assert.equal(body.server, "@x402/hono");
});

test("our client (Node) → the reference v1 Hono middleware (x402-hono 1.x), v1", async () => {
  // @x402/hono 2.x reads only PAYMENT-SIGNATURE; the v1 reference server is the legacy package.
  const legacy = await startHonoV1Server(stack.chain, stack.facilitator.url, { amount: AMOUNT });
  try {
    const key = stack.chain.keys.payers[1];
    let version;
    const pay = ours(key, {
      onPaymentCreated: ({ paymentPayload }) => {
        version = paymentPayload.x402Version;
      },
    });
    const body = await expectSettled(privateKeyToAccount(key).address, () => viaNode(pay, `${legacy.url}/weather`));
    assert.equal(body.server, "x402-hono@1");
    assert.equal(version, 1);
  } finally {
    await legacy.close();
  }
});

test("@x402/fetch (Node) → our Worker, and → @x402/hono (reference pair)", async () => {
  const account = privateKeyToAccount(stack.chain.keys.payers[2]);
  const client = new x402Client().register("eip155:*", new OfficialClientScheme(account));
  client.setSpendControls(false);
  const pay = officialWrapFetch(fetch, client);
  await expectSettled(account.address, () => viaNode(pay, `${stack.worker.url}/weather`));
  await expectSettled(account.address, () => viaNode(pay, `${stack.hono.url}/weather`));
});

/** Pays through the www/ dapp in Chromium, with an injected wallet that signs through viem. */
async function viaDapp(wwwUrl, key) {
  const account = privateKeyToAccount(key);
  const page = await browser.newPage();
  await injectWallet(page, account);
  let paid;
  page.on("response", async (r) => {
    if (r.request().headers()["payment-signature"]) paid = { status: r.status(), header: await r.headerValue("payment-response") };
  });
  await page.goto(wwwUrl);
  await page.getByRole("button", { name: /pay and fetch/i }).click();
  await page.locator("#receipt").filter({ hasText: "0x" }).waitFor({ timeout: 20_000 });
  const body = JSON.parse(await page.locator("#content").innerText());
  await page.screenshot({ path: new URL("../../target/www-e2e.png", import.meta.url).pathname, fullPage: true });
  await page.close();
  return { status: paid.status, receipt: decodePaymentResponseHeader(paid.header), body };
}

test("our client in Chromium (www/ dapp, injected wallet) → our Worker, v2", async () => {
  const key = stack.chain.keys.payers[1];
  const body = await expectSettled(privateKeyToAccount(key).address, () => viaDapp(stack.www.url, key));
  assert.equal(body.city, "Lisbon");
});

test("our client in Chromium (www/ dapp) → @x402/hono, v2", async () => {
  const www = await startWww({ upstream: stack.hono.url, config: { resource: "/api/weather", token: { symbol: "TUSD", decimals: 6 } } });
  try {
    const key = stack.chain.keys.payers[2];
    const body = await expectSettled(privateKeyToAccount(key).address, () => viaDapp(www.url, key));
    assert.equal(body.server, "@x402/hono");
  } finally {
    await www.close();
  }
});

test("a replayed payment is refused and moves no money", async () => {
  const { chain } = stack;
  const key = chain.keys.payers[0];
  let header;
  const pay = ours(key, {
    onPaymentCreated: ({ paymentPayload }) => {
      header = Buffer.from(JSON.stringify(paymentPayload)).toString("base64");
    },
  });
  assert.equal((await pay(`${stack.worker.url}/weather`)).status, 200);
  const before = await chain.balanceOf(chain.addresses.payTo);
  const replay = await fetch(`${stack.worker.url}/weather`, { headers: { "PAYMENT-SIGNATURE": header } });
  assert.equal(replay.status, 402);
  assert.equal(decodePaymentRequiredHeader(replay.headers.get("PAYMENT-REQUIRED")).error, "invalid_exact_evm_nonce_already_used");
  assert.equal(await chain.balanceOf(chain.addresses.payTo), before);
});

test("an underfunded payer gets the facilitator's reason and no content", async () => {
  const { chain } = stack;
  const before = await chain.balanceOf(chain.addresses.payTo);
  const response = await ours(chain.keys.underfunded)(`${stack.worker.url}/weather`);
  assert.equal(response.status, 402);
  // The Worker's default asks the facilitator's /verify before the handler: refused there, never settled.
  assert.equal(decodePaymentResponse(response), null, "nothing was sent to /settle");
  assert.match(
    decodePaymentRequiredHeader(response.headers.get("PAYMENT-REQUIRED")).error,
    /insufficient_balance|insufficient_funds|transaction_failed|simulation_failed/,
  );
  assert.doesNotMatch(await response.text(), /Lisbon/);
  assert.equal(await chain.balanceOf(chain.addresses.payTo), before);
});

test("the same payment sent to two Workers at once settles once", async () => {
  const { chain } = stack;
  const second = await startWorker(chain, stack.facilitator.url);
  try {
    const key = chain.keys.payers[2];
    const payer = privateKeyToAccount(key).address;
    let header;
    await ours(key, {
      onPaymentCreated: ({ paymentPayload }) => {
        header = Buffer.from(JSON.stringify(paymentPayload)).toString("base64");
        throw Object.assign(new Error("stop before sending"), { code: "test_stop" });
      },
    })(`${stack.worker.url}/weather`).catch((e) => assert.equal(e.code, "test_stop"));
    const before = await chain.balanceOf(payer);
    const answers = await Promise.all(
      [stack.worker.url, second.url].map((u) => fetch(`${u}/weather`, { headers: { "PAYMENT-SIGNATURE": header } })),
    );
    const statuses = answers.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 402]);
    assert.equal(await chain.balanceOf(payer), before - price, "moved once");
  } finally {
    await second.close();
  }
});
