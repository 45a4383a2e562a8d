// The demo dapp (www/) in headless Chromium, against the x402 test server (official @x402 judge).
// The page's wallet is an injected EIP-1193 provider whose signatures come from viem in Node.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { launchChromium, injectWallet } from "../js/chromium.mjs";
import { privateKeyToAccount } from "viem/accounts";
import { startX402Server, PAY_TO } from "../js/x402-server.mjs";
import { startWww } from "../../www/serve.mjs";

const SCREENSHOT = fileURLToPath(new URL("../../target/www-paid.png", import.meta.url));
const account = privateKeyToAccount("0x5de4111afa1a4b94908f83536e5ce9d4da56a2ddecebf8e61ee6c96cb6f5b5ff");
let x402Server, www, browser;

before(async () => {
  x402Server = await startX402Server();
  www = await startWww({
    upstream: x402Server.url,
    config: { resource: "/api/v2/weather", token: { symbol: "USDC", decimals: 6 }, networkName: "Base Sepolia" },
  });
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close();
  await www?.close();
  await x402Server?.close();
});

/** The dapp with an injected wallet: `mode` "sign" signs with viem, "reject" refuses as a user (4001). */
async function openDapp(mode) {
  const page = await browser.newPage({ viewport: { width: 420, height: 900 } });
  const problems = []; // uncaught page errors
  page.on("pageerror", (e) => problems.push(e.message));
  await injectWallet(page, account, mode);
  await page.goto(www.url + "/");
  await page.locator('#app[data-status="ready"]').waitFor();
  return { page, problems };
}

const stepStates = (page) =>
  page.$$eval("[data-step]", (items) => Object.fromEntries(items.map((li) => [li.dataset.step, li.dataset.state])));

test("paying shows the terms, every step done, the receipt and the content", async () => {
  const { page, problems } = await openDapp("sign");
  assert.equal(await page.textContent("#resource"), "/api/v2/weather");
  await page.getByRole("button", { name: "Pay and fetch" }).click();
  await page.locator('#app[data-status="done"]').waitFor();

  assert.deepEqual(await stepStates(page), { requesting: "done", signing: "done", settling: "done", done: "done" });
  assert.equal(await page.textContent('#terms [data-field="amount"]'), "0.01 USDC");
  assert.match(await page.textContent('#terms [data-field="network"]'), /eip155:84532/);
  assert.match(await page.textContent('#terms [data-field="network"]'), /Base Sepolia/);
  assert.equal(await page.textContent('#terms [data-field="payTo"]'), PAY_TO);

  const receipt = page.locator("#receipt");
  assert.ok(await receipt.isVisible());
  assert.equal(await receipt.locator('[data-field="payer"]').textContent(), account.address);
  assert.equal(await receipt.locator('[data-field="amount"]').textContent(), "0.01 USDC");
  assert.match(await receipt.locator('[data-field="transaction"]').textContent(), /^0x[0-9a-f]{64}$/);

  const content = JSON.parse(await page.textContent("#content"));
  assert.deepEqual(content, { ok: true, path: "/v2/weather", payer: account.address });
  assert.ok(await page.locator("#error").isHidden());

  const paid = x402Server.log.filter((e) => e.paymentHeader);
  assert.equal(paid.length, 1);
  assert.equal(paid[0].verify.isValid, true);
  assert.equal(paid[0].served, true);

  await mkdir(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test("declining to sign shows user_rejected and nothing reaches the server paid", async () => {
  const { page, problems } = await openDapp("reject");
  const paidBefore = x402Server.log.filter((e) => e.paymentHeader).length;
  await page.getByRole("button", { name: "Pay and fetch" }).click();
  await page.locator('#app[data-status="failed"]').waitFor();

  const error = page.locator("#error");
  assert.ok(await error.isVisible());
  assert.equal(await error.getAttribute("data-code"), "user_rejected");
  assert.equal(await error.textContent(), "You declined to sign. Nothing was paid.");
  assert.deepEqual(await stepStates(page), { requesting: "done", signing: "failed", settling: "pending", done: "pending" });
  assert.equal(await page.textContent('#terms [data-field="amount"]'), "0.01 USDC");
  assert.ok(await page.locator("#receipt").isHidden());
  assert.ok(await page.locator("#content").isHidden());

  assert.equal(x402Server.log.filter((e) => e.paymentHeader).length, paidBefore, "no paid request reached the server");
  assert.deepEqual(problems, []);
  await page.close();
});
