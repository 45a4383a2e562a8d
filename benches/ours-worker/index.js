// Our side of the benchmarks' workerd rows: the peer Worker (benches/hono-worker/index.js) line for
// line, on x402-wasm's server face. The same routes, the same one paid route, the middleware built
// on the first request; it verifies in wasm (VERIFY=local) and records each payment in a Durable
// Object. The example Worker (worker/) carries more routes and its paywall page, so its first
// request builds more: a benchmark against the peer runs this one.
import { Hono } from "hono";
import { paymentMiddleware, durableObjectNonceStore, X402NonceStore } from "../../pkg/server/workerd.js";

export { X402NonceStore };

const app = new Hono();
let paywall; // built on the first request, as the peer's: it needs env

app.use((c, next) => {
  paywall ??= paymentMiddleware(
    {
      "GET /weather": {
        accepts: { scheme: "exact", network: c.env.NETWORK, payTo: c.env.PAY_TO, price: c.env.PRICE, maxTimeoutSeconds: 300 },
        description: "Today's weather",
        mimeType: "application/json",
      },
    },
    { facilitator: { url: c.env.FACILITATOR_URL }, verify: c.env.VERIFY, nonceStore: durableObjectNonceStore(c.env.X402_NONCES) },
  );
  return paywall(c, next);
});

app.get("/health", (c) => c.json({ ok: true }));
app.get("/weather", (c) => c.json({ city: "Lisbon", forecast: "sunny", temperatureC: 24 }));

export default app;
