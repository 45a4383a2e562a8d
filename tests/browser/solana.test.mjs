// The demo dapp (www/) pays a Solana route in headless Chromium through an injected Wallet
// Standard wallet whose signatures come from noble's Ed25519 in Node; our middleware (Node) takes
// the payment and the official facilitator settles it on a real SVM (LiteSVM).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { launchChromium, injectSolanaWallet } from "../js/chromium.mjs";
import { listen } from "../e2e/listen.mjs";
import { startWww } from "../../www/serve.mjs";
import { createPaymentHandler, InMemoryNonceStore } from "../../pkg/node.js";
import { startSvm, startSvmFacilitator, startSvmRpc, NETWORK, SEEDS } from "../solana/svm.mjs";

const PRICE = 10_000n;
let chain, facilitator, rpc, api, www, browser;

before(async () => {
  chain = await startSvm();
  facilitator = await startSvmFacilitator(chain);
  rpc = await startSvmRpc(chain);
  const handle = createPaymentHandler(
    { "GET /paid": { accepts: { scheme: "exact", network: NETWORK, payTo: chain.merchant, price: "$0.01" } } },
    { facilitator: { url: facilitator.url }, nonceStore: new InMemoryNonceStore() },
  );
  api = await listen({ fetch: (request) => handle(request, async () => Response.json({ forecast: "humid", paidOn: "solana" })) });
  www = await startWww({
    upstream: api.url,
    config: { resource: "/api/paid", token: { symbol: "USDC", decimals: 6 }, networkName: "Solana devnet", solanaRpcUrl: rpc.url },
  });
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close();
  await www?.close();
  await api?.close();
  await rpc?.close();
  await facilitator?.close();
});

async function openDapp(mode) {
  const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await injectSolanaWallet(page, SEEDS.payer, mode);
  await page.goto(www.url + "/");
  await page.locator('#app[data-status="ready"]').waitFor();
  return { page, problems };
}

test("the dapp pays a Solana route with the injected wallet; settled once on LiteSVM", async () => {
  const payerBefore = await chain.balanceOf(chain.payer.address);
  const { page, problems } = await openDapp("sign");
  await page.getByRole("button", { name: "Pay and fetch" }).click();
  await page.locator('#app[data-status="done"]').waitFor();
  assert.equal(await page.textContent('#terms [data-field="amount"]'), "0.01 USDC");
  assert.match(await page.textContent('#terms [data-field="network"]'), /solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1/);
  assert.equal(await page.textContent('#receipt [data-field="payer"]'), chain.payer.address);
  assert.match(await page.textContent('#receipt [data-field="transaction"]'), /^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
  assert.deepEqual(JSON.parse(await page.textContent("#content")), { forecast: "humid", paidOn: "solana" });
  assert.deepEqual(await page.evaluate(() => window.solanaWalletCalls), ["standard:connect", "solana:signTransaction"]);
  assert.deepEqual(await page.evaluate(() => window.solanaWalletChains), ["solana:devnet"], "the wallet is told the chain");
  assert.equal(await chain.balanceOf(chain.payer.address), payerBefore - PRICE);
  assert.equal(await chain.balanceOf(chain.merchant), PRICE);
  assert.equal(facilitator.settlements().length, 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test("declining in the Solana wallet shows user_rejected and nothing is paid", async () => {
  const settles = facilitator.settlements().length;
  const { page, problems } = await openDapp("reject");
  await page.getByRole("button", { name: "Pay and fetch" }).click();
  await page.locator('#app[data-status="failed"]').waitFor();
  assert.equal(await page.locator("#error").getAttribute("data-code"), "user_rejected");
  assert.equal(facilitator.settlements().length, settles);
  assert.deepEqual(problems, []);
  await page.close();
});
