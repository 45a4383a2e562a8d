// The paywall page in headless Chromium, end to end: a person opens a paid URL of our Worker (in
// workerd), gets the page, connects an injected wallet (signatures by viem in Node), which the page
// switches (or adds) to the payment's chain, pays, and sees the content; the official facilitator
// settles on anvil. Refusals (connect, switch, signature), an underfunded payer and a failed
// settlement each end in their own words with nothing moved. Screenshots go to target/paywall/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { privateKeyToAccount } from "viem/accounts";
import { launchChromium, injectWallet } from "../js/chromium.mjs";
import { startChain, CHAIN_ID } from "./chain.mjs";
import { startFacilitator } from "./facilitator.mjs";
import { startWorker, AMOUNT } from "./stack.mjs";
import { createPaymentHandler, InMemoryNonceStore } from "../../pkg/node.js";

const SHOTS = fileURLToPath(new URL("../../target/paywall/", import.meta.url));
const MAINNET = 1;
let chain, facilitator, worker, localWorker, browser;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  chain = await startChain();
  facilitator = await startFacilitator(chain);
  worker = await startWorker(chain, facilitator.url);
  // Verifies locally only: an underfunded payer reaches the handler, and its settlement fails.
  localWorker = await startWorker(chain, facilitator.url, { verify: "local" });
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close();
  await localWorker?.close();
  await worker?.close();
  await facilitator?.close();
  await chain?.stop();
});

/** A browser page with the test wallet (`mode`, `wallet` options of injectWallet) at `url`. */
async function open(key, mode, wallet, url = `${worker.url}/weather`) {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone's width
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  await injectWallet(page, privateKeyToAccount(key), mode, { announce: true, ...wallet });
  const response = await page.goto(url);
  return { page, response, errors };
}

const status = (page) => page.locator("#x402-status").textContent();
const calls = (page) => page.evaluate(() => window.walletCalls);

/** Connects the announced test wallet; resolves once the pay button shows (or the status speaks). */
async function connect(page) {
  await page.getByRole("button", { name: "Connect Test Wallet (viem)" }).click();
}

async function payAndWait(page) {
  await page.locator("#x402-pay-button").click();
  await page.waitForFunction(
    () =>
      !document.getElementById("x402-content")?.hidden ||
      document.getElementById("x402-status")?.dataset.kind === "error" ||
      !document.getElementById("x402-paywall"),
    null,
    { timeout: 30_000 },
  );
}

test("the page shows the terms, switches the wallet to the chain, pays, and shows the content", async () => {
  const key = chain.keys.payers[0];
  const payer = privateKeyToAccount(key).address;
  const [payerBefore, payToBefore] = [await chain.balanceOf(payer), await chain.balanceOf(chain.addresses.payTo)];
  const { page, response, errors } = await open(key, "sign", { chainId: MAINNET, chains: [MAINNET, CHAIN_ID] });
  assert.equal(response.status(), 402);
  assert.match(response.headers()["content-type"], /text\/html/);
  await page.getByRole("heading", { name: "Payment required" }).waitFor();
  assert.match(await page.locator(".terms").textContent(), new RegExp(`${AMOUNT} atomic units of token ${chain.token.address}`));
  assert.match(await page.locator(".terms").textContent(), /Base Sepolia/);
  await page.getByRole("button", { name: "Connect Test Wallet (viem)" }).waitFor();
  // One wallet: the EIP-6963 announcement and window.ethereum are the same provider.
  assert.equal(await page.locator("#x402-wallets button").count(), 1);
  await page.screenshot({ path: `${SHOTS}terms.png`, fullPage: true });
  const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(await fits(), "no sideways scrolling at a phone's width");

  await connect(page);
  await page.locator("#x402-pay-button").waitFor();
  assert.match(await page.locator("#x402-account").textContent(), new RegExp(payer));
  await payAndWait(page);
  assert.equal(await status(page), "");
  assert.match(await page.locator("#x402-content").textContent(), /Paid .* on Base Sepolia, transaction 0x[0-9a-f]{64}\./);
  assert.match(await page.locator("#x402-content pre").textContent(), /"city": "Lisbon"/);
  await page.screenshot({ path: `${SHOTS}paid.png`, fullPage: true });
  assert.ok(await fits(), "the paid content fits a phone's width too");
  assert.equal(await page.evaluate(() => document.activeElement.id), "x402-content", "focus moves to what was bought");

  const seen = await calls(page);
  assert.ok(seen.indexOf("wallet_switchEthereumChain") < seen.indexOf("eth_signTypedData_v4"), seen.join());
  assert.equal(seen.filter((m) => m === "eth_signTypedData_v4").length, 1, "signed once");
  assert.equal(await page.evaluate(() => window.wallet.active), CHAIN_ID);
  assert.equal(await chain.balanceOf(payer), payerBefore - BigInt(AMOUNT));
  assert.equal(await chain.balanceOf(chain.addresses.payTo), payToBefore + BigInt(AMOUNT));
  const receipt = await page.evaluate(() => JSON.parse(sessionStorage.getItem("x402-receipt")));
  assert.equal(receipt.receipt.success, true);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a wallet without the chain adds it, then pays", async () => {
  const key = chain.keys.payers[1];
  const payer = privateKeyToAccount(key).address;
  const before = await chain.balanceOf(payer);
  const { page } = await open(key, "sign", { chainId: MAINNET, chains: [MAINNET] });
  await connect(page);
  await payAndWait(page);
  assert.match(await page.locator("#x402-content").textContent(), /transaction 0x/);
  const seen = await calls(page);
  assert.ok(seen.includes("wallet_addEthereumChain"), seen.join());
  assert.equal(await chain.balanceOf(payer), before - BigInt(AMOUNT));
  await page.close();
});

/** A refusal on the way: its words, no signature unless `signed`, no token moved. */
async function refused(mode, wallet, words, { signed = false } = {}) {
  const key = chain.keys.payers[2];
  const payer = privateKeyToAccount(key).address;
  const before = await chain.balanceOf(payer);
  const { page } = await open(key, mode, wallet);
  await connect(page);
  if (mode !== "reject-connect") await payAndWait(page);
  await page.waitForFunction(() => document.getElementById("x402-status").dataset.kind === "error");
  assert.match(await status(page), words);
  assert.equal(await page.locator("#x402-content").isHidden(), true);
  assert.equal((await calls(page)).includes("eth_signTypedData_v4"), signed);
  assert.equal(await chain.balanceOf(payer), before);
  await page.screenshot({ path: `${SHOTS}${mode}.png`, fullPage: true });
  await page.close();
}

test("a refused connection says so, and nothing is asked of the wallet after", async () => {
  await refused("reject-connect", {}, /You declined to connect Test Wallet \(viem\)/);
});

test("a refused chain switch says so, with nothing signed", async () => {
  await refused("reject-switch", { chainId: MAINNET, chains: [MAINNET, CHAIN_ID] }, /You declined to switch your wallet to Base Sepolia/);
});

test("a refused signature says so, with nothing paid", async () => {
  await refused("reject", {}, /You declined to sign the payment\. Nothing was paid\./, { signed: true });
});

test("an underfunded payer is told the facilitator's reason, and nothing is served", async () => {
  const { page } = await open(chain.keys.underfunded, "sign", {});
  await connect(page);
  await payAndWait(page);
  const words = await status(page);
  assert.match(words, /^Your wallet does not hold enough of the token for this payment\. Nothing was paid\. \(.*insufficient.*\)$/);
  assert.equal(await page.locator("#x402-content").isHidden(), true);
  assert.equal(await chain.balanceOf(chain.addresses.underfunded), 1n);
  await page.screenshot({ path: `${SHOTS}underfunded.png`, fullPage: true });
  await page.close();
});

test("a failed settlement is shown with its reason, and the content is not", async () => {
  // The handler ran (local verification), then the facilitator's /settle refused the transfer.
  const { page } = await open(chain.keys.underfunded, "sign", {}, `${localWorker.url}/weather`);
  await connect(page);
  await payAndWait(page);
  assert.match(await status(page), /Nothing was paid\. \([a-z0-9_]+\)$/);
  assert.equal(await page.locator("#x402-content").isHidden(), true);
  assert.doesNotMatch(await page.content(), /Lisbon/);
  assert.equal(await chain.balanceOf(chain.addresses.underfunded), 1n);
  await page.screenshot({ path: `${SHOTS}settle-failed.png`, fullPage: true });
  await page.close();
});

test("a paid HTML page replaces the paywall, and the receipt is kept for it", async () => {
  const key = chain.keys.payers[2];
  const payer = privateKeyToAccount(key).address;
  const before = await chain.balanceOf(payer);
  const { page, errors } = await open(key, "sign", {}, `${worker.url}/article`);
  await page.getByRole("button", { name: "Connect Test Wallet (viem)" }).click();
  await payAndWait(page);
  await page.locator("#article").waitFor();
  assert.equal(await page.locator("#article").textContent(), "Paid prose, in full.");
  assert.equal(await page.title(), "Today's long read");
  assert.equal(new URL(page.url()).pathname, "/article", "the address stays the paid URL");
  const kept = await page.evaluate(() => JSON.parse(sessionStorage.getItem("x402-receipt")));
  assert.equal(kept.receipt.success, true);
  assert.match(kept.receipt.transaction, /^0x[0-9a-f]{64}$/);
  assert.equal(await chain.balanceOf(payer), before - BigInt(AMOUNT));
  assert.deepEqual(errors, []);
  await page.close();
});

test("the page's script and the client face's wasm are served by the middleware, immutable, the wasm byte for byte", async () => {
  const page = await (await fetch(`${worker.url}/weather`, { headers: { accept: "text/html", "user-agent": "Mozilla/5.0" } })).text();
  const src = page.match(/<script type="module" src="([^"]+)"><\/script>/)[1];
  const script = await fetch(new URL(src, worker.url));
  assert.equal(script.status, 200);
  assert.match(script.headers.get("content-type"), /^text\/javascript/);
  assert.match(script.headers.get("cache-control"), /immutable/);
  const wasm = await fetch(new URL(src.replace(/paywall\.js$/, "x402_wasm_bg.wasm"), worker.url));
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
  const bytes = Buffer.from(await wasm.arrayBuffer());
  // The client face's module: what the page needs, without the server face.
  assert.ok(bytes.equals(readFileSync(fileURLToPath(new URL("../../pkg/client/x402_wasm_bg.wasm", import.meta.url)))));
  const head = await fetch(new URL(src, worker.url), { method: "HEAD" });
  assert.equal(head.status, 200);
  // Another build's path is not ours: the request goes on to the app (which has no such route).
  const other = await fetch(new URL(src.replace(/\/[0-9a-f]{16}\//, "/0000000000000000/"), worker.url));
  assert.equal(other.status, 404);
});

test("the page's options style it; bad options are refused when the middleware is made; the terms stay text", async () => {
  const routes = {
    "GET /r": {
      accepts: { scheme: "exact", network: "eip155:8453", payTo: chain.addresses.payTo, price: "$1.50" },
      description: "</script><script>alert(1)</script>",
    },
  };
  const make = (paywall) =>
    createPaymentHandler(routes, { facilitator: { url: facilitator.url }, nonceStore: new InMemoryNonceStore(), paywall });
  const browserGet = async (handle) =>
    (await handle(new Request("https://x.test/r", { headers: { accept: "text/html", "user-agent": "Mozilla/5.0" } }), () => null)).text();
  const html = await browserGet(make({ appName: "Acme <News>", appLogo: "https://acme.test/logo.png", accent: "#0a7" }));
  assert.match(html, /<title>Payment required · Acme &#60;News&#62;<\/title>/);
  const titled = await browserGet(make({ title: "Unlock the <report>" }));
  assert.match(titled, /<title>Unlock the &#60;report&#62;<\/title>[\s\S]*<h1>Unlock the &#60;report&#62;<\/h1>/);
  assert.match(html, /<img src="https:\/\/acme.test\/logo.png" alt="Acme &#60;News&#62; logo"/);
  assert.match(html, /--accent:#0a7/);
  assert.match(html, /\$1\.5 \(1\.5 USDC\)/);
  assert.match(html, /<dd>Base<\/dd>/);
  // The description is text in the page and a string in the config: it opens no script.
  assert.equal(html.match(/<script/g).length, 2);
  const config = JSON.parse(html.match(/<script type="application\/json" id="x402-config">([^<]*)<\/script>/)[1]);
  assert.equal(config.terms.resource.description, routes["GET /r"].description);
  assert.equal(config.chains["eip155:8453"].chainName, "Base");
  assert.deepEqual(config.offers[0].policy, { networks: ["eip155:8453"], schemes: ["exact"], maxTimeoutSeconds: 300, maxUsd: "1.5" });
  for (const bad of [{ accent: "red;}" }, { path: "__x402/" }, { colour: "#fff" }, 7]) {
    assert.throws(() => make(bad), { code: "invalid_argument" }, JSON.stringify(bad));
  }
  assert.equal(await browserGet(make("<p>mine</p>")), "<p>mine</p>");
});
