// The peer of worker/src/index.js for the benchmarks: the same paywall built on the official
// @x402/hono middleware. It verifies and settles through the facilitator (HTTP), and needs
// nodejs_compat (wrangler.toml). Built by benches/lib/workers.mjs with `wrangler deploy --dry-run`.
import { Hono } from "hono";
import { paymentMiddleware, x402ResourceServer } from "@x402/hono";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";

const app = new Hono();
let paywall; // built on the first request, as in worker/src/index.js: it needs env, and its start-up fetches /supported

app.use((c, next) => {
  paywall ??= paymentMiddleware(
    {
      "GET /weather": {
        accepts: { scheme: "exact", network: c.env.NETWORK, payTo: c.env.PAY_TO, price: c.env.PRICE, maxTimeoutSeconds: 300 },
        description: "Today's weather",
        mimeType: "application/json",
      },
    },
    new x402ResourceServer(new HTTPFacilitatorClient({ url: c.env.FACILITATOR_URL })).register(c.env.NETWORK, new ExactEvmScheme()),
  );
  return paywall(c, next);
});

app.get("/health", (c) => c.json({ ok: true }));
app.get("/weather", (c) => c.json({ city: "Lisbon", forecast: "sunny", temperatureC: 24 }));

export default app;
