// The reference v1 resource server: legacy x402-hono 1.x (X-PAYMENT, JSON 402 body), served by
// @hono/node-server, settling through the same official facilitator. On this chain (id 84532) the
// v1 name "base-sepolia" is the local chain.
import { Hono } from "hono";
import { serve } from "@hono/node-server";
import { paymentMiddleware } from "x402-hono";

/** Serves GET /weather for `amount` atomic units of the chain's token. */
export async function startHonoV1Server(chain, facilitatorUrl, { amount = "1000" } = {}) {
  const app = new Hono();
  app.use(paymentMiddleware(chain.addresses.payTo, {
    "GET /weather": {
      price: { amount, asset: { address: chain.token.address, decimals: chain.token.decimals, eip712: { name: chain.token.name, version: chain.token.version } } },
      network: "base-sepolia",
      config: { description: "Weather (reference v1 server)", mimeType: "application/json" },
    },
  }, { url: facilitatorUrl }));
  app.get("/weather", (c) => c.json({ city: "Faro", forecast: "windy", server: "x402-hono@1" }));
  const server = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
