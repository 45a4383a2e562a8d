// An x402 paywall: /weather and /reports/:id cost money, /health is free. Payments are verified in
// wasm inside the Worker, settled through the facilitator, and each one is used once (Durable Object).
import { Hono } from "hono";
import { paymentMiddleware, durableObjectNonceStore, X402NonceStore } from "x402-wasm";

export { X402NonceStore };

/** The paid routes, from the Worker's vars: a money price on the network's default asset, or, with
 * ASSET set, an amount of that token (TOKEN_NAME / TOKEN_VERSION are its EIP-712 domain). */
function routes(env) {
  const price = env.ASSET
    ? { amount: env.AMOUNT ?? "1000", asset: env.ASSET, extra: { name: env.TOKEN_NAME, version: env.TOKEN_VERSION } }
    : env.PRICE;
  const accepts = { scheme: "exact", network: env.NETWORK, payTo: env.PAY_TO, price, maxTimeoutSeconds: 300 };
  return {
    "GET /weather": { accepts, description: "Today's weather", mimeType: "application/json" },
    "GET /reports/:id": { accepts, description: "A report", mimeType: "application/json" },
  };
}

const app = new Hono();
let paywall;

app.use(async (c, next) => {
  paywall ??= paymentMiddleware(routes(c.env), {
    facilitator: { url: c.env.FACILITATOR_URL, timeoutMs: Number(c.env.FACILITATOR_TIMEOUT_MS ?? 10_000) },
    verify: c.env.VERIFY,
    nonceStore: durableObjectNonceStore(c.env.X402_NONCES),
  });
  return paywall(c, next);
});

app.get("/health", (c) => c.json({ ok: true }));
app.get("/weather", (c) => c.json({ city: "Lisbon", forecast: "sunny", temperatureC: 24 }));
app.get("/reports/:id", (c) => {
  const id = c.req.param("id");
  if (id === "missing") return c.json({ error: "no such report" }, 404);
  if (id === "broken") return c.json({ error: "report generator failed" }, 500);
  if (id === "empty") return c.body(null, 204);
  return c.json({ id, body: `report ${id}` });
});

export default app;
