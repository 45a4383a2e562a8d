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

/** A page with an injected provider: `mode` "sign" answers through viem, "reject" as a user refusal
 * (4001), "reject-switch" refuses to switch chains; `chain` is where the wallet is and what it knows. */
async function walletPage(mode, chain) {
  const page = await browser.newPage();
  await injectWallet(page, account, mode, chain);
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
  assert.deepEqual(result.calls, ["eth_requestAccounts", "eth_chainId", "eth_signTypedData_v4"]);
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

/** Pays /v2/weather from the page with `signerOptions`; what happened, and the wallet's calls and chain. */
async function payFrom(page, signerOptions) {
  return page.evaluate(async (options) => {
    const signer = x402.injectedWalletSigner(window.ethereum, options);
    try {
      const response = await x402.wrapFetchWithPayment(fetch, signer)("/v2/weather");
      return {
        status: response.status,
        settled: x402.decodePaymentResponse(response)?.success,
        calls: window.walletCalls,
        chain: window.wallet.active,
      };
    } catch (e) {
      return { code: e.code, message: e.message, calls: window.walletCalls, chain: window.wallet.active };
    }
  }, signerOptions);
}

const BASE_SEPOLIA = {
  chainName: "Base Sepolia",
  rpcUrls: ["https://sepolia.base.org"],
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  blockExplorerUrls: ["https://sepolia.basescan.org"],
};

test("a wallet on another chain is switched to the payment's chain, then signs (it refuses foreign typed data)", async () => {
  const page = await walletPage("sign", { chainId: 1, chains: [1, 84532] });
  const result = await payFrom(page);
  assert.equal(result.status, 200, JSON.stringify(result));
  assert.equal(result.settled, true);
  assert.equal(result.chain, 84532);
  assert.deepEqual(result.calls, [
    "eth_requestAccounts",
    "eth_chainId",
    "wallet_switchEthereumChain",
    "eth_chainId",
    "eth_signTypedData_v4",
  ]);
  await page.close();
});

test("a wallet without the chain adds it from the chains option, then signs", async () => {
  const page = await walletPage("sign", { chainId: 1, chains: [1] });
  const missing = await payFrom(page);
  assert.equal(missing.code, "wallet_error");
  assert.match(missing.message, /chains option/);
  assert.ok(!missing.calls.includes("eth_signTypedData_v4"));
  const result = await payFrom(page, { chains: { "eip155:84532": BASE_SEPOLIA } });
  assert.equal(result.status, 200, JSON.stringify(result));
  assert.ok(result.calls.includes("wallet_addEthereumChain"));
  assert.equal(result.chain, 84532);
  await page.close();
});

test("a refused switch is user_rejected, and with switchChain off a wallet elsewhere is wallet_error; nothing is signed or sent", async () => {
  const before = x402Server.log.filter((e) => e.paymentHeader).length;
  const refusing = await walletPage("reject-switch", { chainId: 1, chains: [1, 84532] });
  const refused = await payFrom(refusing);
  assert.equal(refused.code, "user_rejected");
  assert.ok(!refused.calls.includes("eth_signTypedData_v4"));
  await refusing.close();
  const off = await walletPage("sign", { chainId: 1, chains: [1, 84532] });
  const result = await payFrom(off, { switchChain: false });
  assert.equal(result.code, "wallet_error");
  assert.deepEqual(result.calls, ["eth_requestAccounts", "eth_chainId"]);
  assert.equal(result.chain, 1);
  await off.close();
  assert.equal(x402Server.log.filter((e) => e.paymentHeader).length, before);
});
