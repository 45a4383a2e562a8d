// The interop matrix on Solana, on a real SVM (LiteSVM): every cell is a real USDC transfer,
// judged and settled by the official facilitator (`@x402/svm` on LiteSVM). A cell passes when the
// content arrives, the PAYMENT-RESPONSE names the settled transaction, and the balances moved by
// the price exactly once.
//
//                          our Worker (workerd)   @x402/hono + @x402/svm (Node)
//   our client, Node       v2                     v2
//   our client, Chromium   v2 (www/ dapp)         -
//   @x402/fetch (Node)     v2                     v2 (reference pair)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { chromium } from "playwright-core";
import { paymentMiddleware, x402ResourceServer } from "@x402/hono";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { x402Client, wrapFetchWithPayment as officialWrapFetch } from "@x402/fetch";
import { ExactSvmScheme as OfficialServerScheme } from "@x402/svm/exact/server";
import { ExactSvmScheme as OfficialClientScheme } from "@x402/svm/exact/client";
import { wrapFetchWithPayment, solanaPrivateKeySigner, decodePaymentResponse, decodePaymentResponseHeader } from "../../pkg/node.js";
import { startWorkerd } from "../../worker/test/workerd.mjs";
import { startWww } from "../../www/serve.mjs";
import { launchChromium, injectSolanaWallet } from "../js/chromium.mjs";
import { listen } from "./listen.mjs";
import { startSvm, startSvmFacilitator, startSvmRpc, NETWORK, SEEDS } from "../solana/svm.mjs";

const PRICE = 10_000n; // $0.01 of USDC
let chain, facilitator, rpc, worker, workerUrl, hono, browser;

before(async () => {
  chain = await startSvm({ payerBalance: 10_000_000n });
  facilitator = await startSvmFacilitator(chain);
  rpc = await startSvmRpc(chain);
  worker = startWorkerd(
    {
      FACILITATOR_URL: facilitator.url,
      PAY_TO: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
      NETWORK: "eip155:84532",
      PRICE: "$0.001",
      SOLANA_PAY_TO: chain.merchant,
      SOLANA_FACILITATOR_URL: facilitator.url,
      SOLANA_RPC_URL: rpc.url,
    },
    { port: 0 },
  );
  workerUrl = (await worker.ready).toString().replace(/\/$/, "");
  const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitator.url })).register(
    NETWORK,
    new OfficialServerScheme({ rpcUrl: rpc.url }),
  );
  const app = new Hono();
  app.use(
    paymentMiddleware(
      { "GET /weather": { accepts: { scheme: "exact", network: NETWORK, payTo: chain.merchant, price: "$0.01" }, description: "Weather" } },
      resourceServer,
    ),
  );
  app.get("/weather", (c) => c.json({ city: "Accra", server: "@x402/hono" }));
  hono = await listen(app);
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close();
  await hono?.close();
  await worker?.dispose();
  await rpc?.close();
  await facilitator?.close();
});

/** Runs `pay` and checks it moved exactly the price from the payer to the merchant, once. */
async function expectSettled(pay) {
  const before = [await chain.balanceOf(chain.payer.address), await chain.balanceOf(chain.merchant)];
  const sent = facilitator.sent.length;
  const { status, receipt, body } = await pay();
  assert.equal(status, 200, JSON.stringify(receipt ?? body));
  assert.equal(receipt.success, true);
  assert.equal(receipt.payer, chain.payer.address);
  assert.equal(facilitator.sent.length, sent + 1, "one transaction reached the chain");
  assert.deepEqual(
    [await chain.balanceOf(chain.payer.address), await chain.balanceOf(chain.merchant)],
    [before[0] - PRICE, before[1] + PRICE],
  );
  return body;
}

async function viaNode(fetchImpl, url) {
  const response = await fetchImpl(url);
  return { status: response.status, receipt: decodePaymentResponse(response), body: await response.json() };
}

const ours = () => wrapFetchWithPayment(fetch, solanaPrivateKeySigner(SEEDS.payer, { rpcUrl: rpc.url }));

test("our client (Node) → our Worker, v2", async () => {
  const body = await expectSettled(() => viaNode(ours(), `${workerUrl}/solana/weather`));
  assert.equal(body.city, "Lagos");
});

test("our client (Node) → @x402/hono with @x402/svm, v2 (blockhash from the server's extra)", async () => {
  const body = await expectSettled(() => viaNode(ours(), `${hono.url}/weather`));
  assert.equal(body.server, "@x402/hono");
});

test("@x402/fetch + @x402/svm (Node) → our Worker, and → @x402/hono (reference pair)", async () => {
  const client = new x402Client().register("solana:*", new OfficialClientScheme(chain.payer, { rpcUrl: rpc.url }));
  const pay = officialWrapFetch(fetch, client);
  await expectSettled(() => viaNode(pay, `${workerUrl}/solana/weather`));
  await expectSettled(() => viaNode(pay, `${hono.url}/weather`));
});

test("our client in Chromium (www/ dapp, Wallet Standard wallet) → our Worker, v2", async () => {
  const www = await startWww({
    upstream: workerUrl,
    config: {
      resource: "/api/solana/weather",
      token: { symbol: "USDC", decimals: 6 },
      networkName: "Solana devnet",
      solanaRpcUrl: rpc.url,
    },
  });
  try {
    const body = await expectSettled(async () => {
      const page = await browser.newPage();
      await injectSolanaWallet(page, SEEDS.payer);
      let paid;
      page.on("response", async (r) => {
        if (r.request().headers()["payment-signature"]) paid = { status: r.status(), header: await r.headerValue("payment-response") };
      });
      await page.goto(www.url);
      await page.getByRole("button", { name: /pay and fetch/i }).click();
      await page.locator('#app[data-status="done"]').waitFor({ timeout: 20_000 });
      const content = JSON.parse(await page.locator("#content").innerText());
      await page.close();
      return { status: paid.status, receipt: decodePaymentResponseHeader(paid.header), body: content };
    });
    assert.equal(body.city, "Lagos");
  } finally {
    await www.close();
  }
});

test("the paywall page in Chromium pays our Worker's Solana route through a Wallet Standard wallet", async () => {
  const page = await browser.newPage();
  const body = await expectSettled(async () => {
    await injectSolanaWallet(page, SEEDS.payer);
    let paid;
    page.on("response", async (r) => {
      if (r.request().headers()["payment-signature"]) paid = { status: r.status(), header: await r.headerValue("payment-response") };
    });
    const response = await page.goto(`${workerUrl}/solana/weather`);
    assert.equal(response.status(), 402);
    assert.match(await page.locator(".terms").textContent(), /\$0\.01 \(0\.01 USDC\)[\s\S]*Solana Devnet/);
    await page.getByRole("button", { name: "Connect Test Wallet (noble)" }).click();
    await page.getByRole("button", { name: "Pay $0.01 on Solana Devnet" }).click();
    await page.locator("#x402-content pre").waitFor({ timeout: 20_000 });
    const content = JSON.parse(await page.locator("#x402-content pre").textContent());
    return { status: paid.status, receipt: decodePaymentResponseHeader(paid.header), body: content };
  });
  assert.equal(body.city, "Lagos");
  // Signed once. (This test wallet keeps no `accounts` after connecting, so the signer connects
  // again to get the account object; a wallet that keeps them is asked once.)
  const calls = await page.evaluate(() => window.solanaWalletCalls);
  assert.equal(calls.filter((c) => c === "solana:signTransaction").length, 1, calls.join());
  assert.equal(calls[0], "standard:connect");
  await page.close();
});
