// The default paywall page of the Worker face: the HTML a browser gets for an unpaid paid route
// (the terms in the words wasm gave them, readable without a script), and the page's script and
// wasm, served by the middleware under a path of this build only so that browsers keep them.
import { Code, x402Error } from "./errors.js";
import { PAYWALL_ID } from "./paywall-id.js";

/** How the entry reads the wasm's bytes (a compiled module has none to serve): set by workerd.js,
 * node.js and web.js. */
let loadWasm = null;
let wasmBytes = null;

/** Sets how the wasm's bytes are read for the paywall page's browser. */
export function providePaywallWasm(load) {
  loadWasm = load;
}

const OPTIONS = new Set(["title", "appName", "appLogo", "accent", "chains", "path"]);
const IMMUTABLE = { "cache-control": "public, max-age=31536000, immutable", "x-content-type-options": "nosniff" };

/**
 * The default page from the `paywall` option, or null for the operator's own page (a string or a
 * function of the terms). Its script and wasm are served under `path` (default `/__x402/<build id>/`).
 */
export function defaultPaywall(option) {
  if (typeof option === "string" || typeof option === "function") return null;
  const options = option ?? {};
  const bad = (why) => x402Error(Code.InvalidArgument, `paywall options: ${why}`);
  if (typeof options !== "object") throw bad("give an object, a string of HTML or a function of the terms");
  for (const key of Object.keys(options)) if (!OPTIONS.has(key)) throw bad(`unknown option ${key}`);
  const { path = `/__x402/${PAYWALL_ID}/`, accent = "#1d4ed8", chains = {} } = options;
  if (typeof path !== "string" || !/^\/(?:[^?#]*\/)?$/.test(path)) throw bad("path must be a URL path that starts and ends with /");
  if (typeof accent !== "string" || !/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(accent)) throw bad(`accent ${accent} is not #rgb or #rrggbb`);
  if (typeof chains !== "object" || chains === null) throw bad("chains maps networks to wallet_addEthereumChain parameters");
  return { ...options, accent, chains, script: `${path}paywall.js`, wasm: `${path}x402_wasm_bg.wasm` };
}

/** The page's script or wasm when `request` asks for one of them, else null. */
export async function paywallAsset(page, request, pathname) {
  if (!page || (request.method !== "GET" && request.method !== "HEAD")) return null;
  let body, type;
  if (pathname === page.script) {
    [body, type] = [(await import("./paywall-script.js")).PAYWALL_SCRIPT, "text/javascript; charset=utf-8"];
  } else if (pathname === page.wasm && loadWasm) {
    wasmBytes ??= Promise.resolve(loadWasm()).catch((e) => {
      wasmBytes = null;
      throw e;
    });
    [body, type] = [await wasmBytes, "application/wasm"];
  } else {
    return null;
  }
  return new Response(request.method === "HEAD" ? null : body, { headers: { "content-type": type, ...IMMUTABLE } });
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside a <script> element: `<`, `>` and `&` occur only in strings, where `\u003c` reads the same. */
const scriptJson = (v) => JSON.stringify(v).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const price = (o) => (o.dollars ? `${escape(o.dollars)} (${escape(o.amount)})` : escape(o.amount));

/** The page for `terms` (v2), whose `offers` wasm put in words, as `page` styles it. */
export function drawPaywall(page, terms, offers) {
  const app = page.appName ? escape(page.appName) : "";
  const title = page.title ? escape(page.title) : "Payment required";
  const what = terms.resource?.description || terms.resource?.url || "";
  // What a wallet may need to add its chain: the operator's parameters, else the public ones.
  const chains = {};
  terms.accepts.forEach(({ network }, i) => {
    const id = offers[i]?.wallet === "evm" ? String(BigInt(network.slice(network.indexOf(":") + 1))) : null;
    const given = page.chains[network] ?? (id && page.chains[id]) ?? offers[i]?.chain;
    if (given) chains[network] = given;
  });
  const [first, ...rest] = offers;
  const header =
    app || page.appLogo
      ? `<header>${page.appLogo ? `<img src="${escape(page.appLogo)}" alt="${app ? `${app} logo` : "Logo"}" width="40" height="40">` : ""}${app ? `<span>${app}</span>` : ""}</header>\n`
      : "";
  const terms_ = first
    ? `<dl class="terms">\n<dt>Price</dt><dd>${price(first)}</dd>\n<dt>Network</dt><dd>${escape(first.network)}</dd>\n<dt>Paid to</dt><dd><code>${escape(first.payTo)}</code></dd>\n</dl>\n` +
      (rest.length
        ? `<details><summary>Other ways to pay</summary><ul>\n${rest.map((o) => `<li>${price(o)} on ${escape(o.network)}, to <code>${escape(o.payTo)}</code></li>\n`).join("")}</ul></details>\n`
        : "")
    : "<p>This resource names no way to pay.</p>\n";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}${app ? ` · ${app}` : ""}</title>
<style>
:root{--accent:${page.accent};color-scheme:light}
*{box-sizing:border-box}[hidden]{display:none!important}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111827;background:#f3f4f6}
main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem;overflow-wrap:anywhere}
header{display:flex;align-items:center;gap:.75rem;font-weight:600}header img{border-radius:8px}
h1{font-size:1.6rem;margin:.75rem 0 .25rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.what{color:#374151;margin-top:0}
.terms{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;background:#fff;border:1px solid #d1d5db;border-radius:12px;padding:1rem;margin:1rem 0}
.terms dt{color:#4b5563}.terms dd{margin:0;font-weight:600}
code{font:.9em ui-monospace,monospace}
.wallets{display:flex;flex-direction:column;gap:.5rem}
button{font:inherit;min-height:44px;padding:.6rem 1rem;border-radius:10px;border:2px solid var(--accent);background:#fff;color:var(--accent);cursor:pointer;text-align:left;display:flex;align-items:center;gap:.5rem}
button img{width:24px;height:24px}
#x402-pay-button{background:var(--accent);color:#fff;width:100%;justify-content:center;font-weight:600;margin-top:.75rem}
button:disabled{opacity:.6;cursor:progress}
button:focus-visible,#x402-content:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
#x402-status{min-height:1.5em}#x402-status[data-kind=error]{color:#b91c1c;font-weight:600}
#x402-content pre{white-space:pre-wrap;background:#fff;border:1px solid #d1d5db;border-radius:12px;padding:1rem}
</style>
</head>
<body>
<main id="x402-paywall">
${header}<h1>${title}</h1>
<p class="what">${escape(what)}</p>
${terms_}<section id="x402-pay" aria-labelledby="x402-pay-title" hidden>
<h2 id="x402-pay-title">Pay with your wallet</h2>
<div id="x402-wallets" class="wallets"></div>
<p id="x402-account" hidden></p>
<button id="x402-pay-button" type="button" hidden></button>
<p id="x402-status" role="status" aria-live="polite"></p>
</section>
<section id="x402-content" aria-label="Paid content" tabindex="-1" hidden></section>
<noscript><p>This page pays through a script. Without one, pay with an x402 client, such as <code>wrapFetchWithPayment</code> from x402-wasm.</p></noscript>
</main>
<script type="application/json" id="x402-config">${scriptJson({ terms, offers, chains })}</script>
<script type="module" src="${escape(page.script)}"></script>
</body>
</html>
`;
}
