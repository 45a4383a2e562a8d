// The client face in headless Chromium: the page loads pkg/ (browser entry), an EIP-1193 provider
// is injected whose signatures come from viem's local account (independent code, run in Node via
// exposeFunction), and wrapFetchWithPayment pays a 402 that the official @x402 verifier judges.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { launchChromium, injectWallet } from "../js/chromium.mjs";
import { privateKeyToAccount } from "viem/accounts";
import { startX402Server } from "../js/x402-server.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const account = privateKeyToAccount("0x5de4111afa1a4b94908f83536e5ce9d4da56a2ddecebf8e61ee6c96cb6f5b5ff");
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
let x402Server, site, browser;

/** Serves pkg/ and the test page, and passes /v1 and /v2 to the x402 server (same origin, no CORS). */
function startSite(apiUrl) {
  const server = createServer(async (req, res) => {
    try {
      if (req.url.startsWith("/v1/") || req.url.startsWith("/v2/")) {
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "host"));
        const upstream = await fetch(apiUrl + req.url, { method: req.method, headers });
        res.writeHead(upstream.status, Object.fromEntries(upstream.headers));
        res.end(Buffer.from(await upstream.arrayBuffer()));
        return;
      }
      const path = req.url === "/" ? "/tests/browser/page.html" : req.url.split("?")[0];
      const file = normalize(join(root, path.startsWith("/pkg/") ? path : "/tests/browser/page.html"));
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(await readFile(file));
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` })),
  );
}

/** A page with an injected provider: `mode` "sign" answers through viem, "reject" as a user refusal (4001). */
async function walletPage(mode) {
  const page = await browser.newPage();
  await injectWallet(page, account, mode);
  await page.goto(site.url + "/");
  await page.waitForFunction(() => document.title === "ready");
  return page;
}

before(async () => {
  x402Server = await startX402Server();
  site = await startSite(x402Server.url);
  browser = await launchChromium(chromium);
});

after(async () => {
  await browser?.close();
  site?.server.close();
  await x402Server?.close();
});

test("an injected wallet pays a 402 and the official verifier accepts it", async () => {
  const page = await walletPage("sign");
  const result = await page.evaluate(async () => {
    const paidFetch = x402.wrapFetchWithPayment(fetch, x402.injectedWalletSigner(window.ethereum));
    const response = await paidFetch("/v2/weather");
    return {
      status: response.status,
      body: await response.json(),
      settle: x402.decodePaymentResponse(response),
      calls: window.walletCalls,
    };
  });
  assert.equal(result.status, 200);
  assert.equal(result.body.payer, account.address);
  assert.equal(result.settle.success, true);
  assert.equal(result.settle.payer, account.address);
  assert.deepEqual(result.calls, ["eth_requestAccounts", "eth_signTypedData_v4"]);
  const paid = x402Server.log.filter((e) => e.path === "/v2/weather" && e.paymentHeader);
  assert.equal(paid.length, 1);
  assert.equal(paid[0].verify.isValid, true);
  await page.close();
});

test("a user rejection is user_rejected and nothing is sent", async () => {
  const page = await walletPage("reject");
  const before = x402Server.log.filter((e) => e.paymentHeader).length;
  const result = await page.evaluate(async () => {
    const paidFetch = x402.wrapFetchWithPayment(fetch, x402.injectedWalletSigner(window.ethereum));
    try {
      await paidFetch("/v2/weather");
      return { thrown: false };
    } catch (e) {
      return { thrown: true, code: e.code, isError: e instanceof Error };
    }
  });
  assert.deepEqual(result, { thrown: true, code: "user_rejected", isError: true });
  assert.equal(x402Server.log.filter((e) => e.paymentHeader).length, before, "no payment reached the server");
  await page.close();
});
