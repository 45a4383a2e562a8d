// The gate against Hono's own router, differentially: whatever spelling of a path Hono routes to a
// paid handler, the payment middleware must stop unpaid. The paths are randomly encoded (escaped
// letters, escaped separators and delimiters, doubled slashes, dot segments, malformed escapes,
// case), from a seeded generator; X402_ROUTE_FUZZ=<count> runs more of them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { paymentMiddleware, InMemoryNonceStore, decodePaymentRequiredHeader } from "x402-wasm";

const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
const USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const accepts = { scheme: "exact", network: "eip155:84532", payTo: PAY_TO, price: "$0.001" };
// Unpaid requests never reach the facilitator: nothing listens here.
const options = () => ({ facilitator: { url: "http://127.0.0.1:9" }, nonceStore: new InMemoryNonceStore() });

/** Route pattern (ours and Hono's, the same text) → a sample path that reaches it. Each has its own
 * price, so a gate that protects a path at another route's price is caught too. The cheap
 * `/premium/a/x` comes first: a reading that decodes `%2F` would match it for `/premium/a%2Fx`, which
 * Hono gives to `/premium/:id`. (A wildcard inside a pattern is left out: the reference reads it as
 * any run of characters, Hono as one segment, and this package keeps the reference's reading.) */
const PAID = {
  "/premium/a/x": "/premium/a/x",
  "/premium/:id": "/premium/a%2Fx",
  "/reports/summary": "/reports/summary",
  "/reports/:id": "/reports/42",
  "/api/*": "/api/v1/items",
  "/weather": "/weather",
  "/files/:name/meta": "/files/a.txt/meta",
  "/users/:id/orders/:order": "/users/7/orders/9",
  "/opt/:id?": "/opt",
};
const FREE = { "/health": "/health", "/public/:x": "/public/readme", "/reports": "/reports" };
const PRICE = Object.fromEntries(Object.keys(PAID).map((p, i) => [p, String(1000 * (i + 1))]));

/** Hono app with every route, paid handlers answering "PAID <pattern>"; `gated` puts our middleware in front. */
function app(gated) {
  const hono = new Hono();
  const table = Object.fromEntries(
    Object.keys(PAID).map((p) => [
      `GET ${p}`,
      { accepts: { ...accepts, price: { amount: PRICE[p], asset: USDC, extra: { name: "USDC", version: "2" } } } },
    ]),
  );
  if (gated) hono.use(paymentMiddleware(table, options()));
  for (const pattern of Object.keys(PAID)) hono.get(pattern, (c) => c.text(`PAID ${pattern} ${JSON.stringify(c.req.param())}`));
  for (const pattern of Object.keys(FREE)) hono.get(pattern, (c) => c.text(`free ${pattern}`));
  return hono;
}

/** A small seeded PRNG (mulberry32), so a failure names its seed and replays. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEPARATORS = [
  "%2F",
  "%2f",
  "%5C",
  "%5c",
  "%3F",
  "%3f",
  "%23",
  "%25",
  "%2e",
  "%2E",
  "%20",
  "%00",
  "%",
  "%zz",
  "%ff",
  "%c3",
  "%C3%A9",
  "%e2%82",
  "/",
  "//",
  "\\",
  ".",
  "..",
  ";",
  "?",
  "#",
];

/** One random spelling of `path`. */
function mangle(path, r) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  let out = "";
  for (const c of path) {
    const roll = r();
    if (roll < 0.12 && /[a-z0-9.]/i.test(c))
      out += `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`[r() < 0.5 ? "toUpperCase" : "toLowerCase"]();
    else if (roll < 0.16 && /[a-z]/i.test(c)) out += c.toUpperCase();
    else if (roll < 0.2 && c === "/") out += pick(["//", "/./", "\\", "%2F", "/%2e/"]);
    else out += c;
    if (r() < 0.06) out += pick(SEPARATORS);
  }
  if (r() < 0.1) out += pick(["/", "?q=1", "#f", "%2F", "/x", "%"]);
  return out.startsWith("/") ? out : `/${out}`;
}

const samples = [...Object.values(PAID), ...Object.values(FREE)];

async function answer(hono, path) {
  const res = await hono.request(`http://shop.test${path}`);
  const terms = res.headers.get("PAYMENT-REQUIRED");
  return { status: res.status, text: await res.text(), price: terms ? decodePaymentRequiredHeader(terms).accepts[0].amount : undefined };
}

/** The pattern of the paid handler that answered ("PAID <pattern> {params}"). */
const handlerOf = (text) => text.split(" ")[1];

test("the attack review's paths: escaped literals with a separator inside the parameter", async () => {
  const gated = app(true);
  for (const path of [
    "/r%65ports/x%2Fy",
    "/r%65ports/x%5Cy",
    "/r%65ports/x%3Fy",
    "/r%65ports/x%23y",
    "/ap%69/%3Fx/y",
    "/api",
    "/api/",
    "/%57eather",
    "/files/a%2Fb/m%65ta",
    "/opt",
    "/opt/1",
    "/premium/a%2Fx",
    "/premium/a%5Cx",
  ]) {
    const { status, text, price } = await answer(gated, path);
    assert.doesNotMatch(text, /^PAID/, `${path} was served free`);
    assert.equal(status, 402, path);
    const ran = (await answer(app(false), path)).text;
    if (ran.startsWith("PAID")) assert.equal(price, PRICE[handlerOf(ran)], `${path} is priced as the route Hono runs`);
  }
  // Hono itself serves these from the paid handlers: the test would catch a gate that let them by.
  const open = app(false);
  assert.match((await answer(open, "/r%65ports/x%2Fy")).text, /^PAID \/reports\/:id/);
  assert.match((await answer(open, "/api")).text, /^PAID \/api\/\*/);
  // Free routes stay free; a path with an escape no reading agrees on is refused, not served.
  assert.equal((await answer(gated, "/health")).status, 200);
  assert.equal((await answer(gated, "/reports")).status, 200);
  assert.equal((await answer(gated, "/health%zz")).status, 400);
});

test("differential: no random spelling that Hono routes to a paid handler gets past the gate", async () => {
  const count = Number(process.env.X402_ROUTE_FUZZ ?? 3000);
  const seed = Number(process.env.X402_ROUTE_SEED ?? 0x402);
  const r = rng(seed);
  const open = app(false);
  const gated = app(true);
  let reachedPaid = 0;
  let protectedCount = 0;
  for (let i = 0; i < count; i++) {
    const path = mangle(samples[Math.floor(r() * samples.length)], r);
    let url;
    try {
      url = new URL(`http://shop.test${path}`);
    } catch {
      continue; // not a URL a request can carry
    }
    const plain = await answer(open, url.pathname + url.search);
    if (!plain.text.startsWith("PAID")) continue;
    reachedPaid++;
    const { status, text, price } = await answer(gated, url.pathname + url.search);
    assert.ok(!text.startsWith("PAID"), `seed ${seed}, case ${i}: ${path} reached ${plain.text} unpaid (status ${status})`);
    assert.ok(status === 402 || status === 400, `seed ${seed}, case ${i}: ${path} answered ${status}`);
    if (status === 402) {
      assert.equal(
        price,
        PRICE[handlerOf(plain.text)],
        `seed ${seed}, case ${i}: ${path} runs ${handlerOf(plain.text)} but is priced as another route`,
      );
    }
    protectedCount++;
  }
  // The generator must reach paid handlers through odd spellings often, or it proves nothing.
  assert.ok(reachedPaid > count / 5, `only ${reachedPaid} of ${count} spellings reached a paid handler`);
  console.log(
    `# route differential: ${count} spellings, ${reachedPaid} routed by Hono to a paid handler, ${protectedCount} protected, 0 served free (seed ${seed})`,
  );
});

test("sub-apps and basePath: a table written for @x402/hono protects the sub-app's routes", async () => {
  const sub = new Hono();
  sub.use(paymentMiddleware({ "GET /report": { accepts } }, options()));
  sub.get("/report", (c) => c.text("PAID sub"));
  sub.get("/free", (c) => c.text("free sub"));
  const root = new Hono();
  root.route("/v1", sub);
  root.get("/report", (c) => c.text("free root"));
  assert.equal((await answer(root, "/v1/report")).status, 402);
  assert.equal((await answer(root, "/v1/r%65port")).status, 402);
  assert.equal((await answer(root, "/v1/free")).status, 200);
  assert.equal((await answer(root, "/report")).text, "free root", "the table is the sub-app's: the root's /report is not gated");

  // Inside the mount, the sub-app's own reading prices the request: not the catch-all.
  const priced = new Hono();
  priced.use(paymentMiddleware({ "GET /premium/:id": { accepts: { ...accepts, price: "$1" } }, "GET /*": { accepts } }, options()));
  priced.get("/premium/:id", (c) => c.text("PAID premium"));
  const v1 = new Hono();
  v1.route("/v1", priced);
  const premium = await answer(v1, "/v1/premium/42");
  assert.equal(premium.status, 402);
  assert.equal(premium.price, "1000000", "priced as /premium/:id, the handler Hono runs");

  const tenants = new Hono();
  tenants.use(paymentMiddleware({ "GET /report": { accepts } }, options()));
  tenants.get("/report", (c) => c.text("PAID tenant"));
  const byTenant = new Hono();
  byTenant.route("/:tenant", tenants);
  assert.equal((await answer(byTenant, "/acme/report")).status, 402, "a parameterized mount");

  const based = new Hono().basePath("/api");
  based.use(paymentMiddleware({ "GET /report": { accepts } }, options()));
  based.get("/report", (c) => c.text("PAID based"));
  assert.equal((await answer(based, "/api/report")).status, 402);

  const fullPaths = new Hono();
  fullPaths.use(paymentMiddleware({ "GET /v1/report": { accepts } }, options()));
  fullPaths.get("/report", (c) => c.text("PAID full"));
  const mounted = new Hono();
  mounted.route("/v1", fullPaths);
  assert.equal((await answer(mounted, "/v1/report")).status, 402, "a table of full paths still works");
});
