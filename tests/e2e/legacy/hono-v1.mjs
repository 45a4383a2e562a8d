// The reference v1 resource server: legacy x402-hono 1.x (X-PAYMENT, JSON 402 body), served by
// @hono/node-server, settling through the same official facilitator. On this chain (id 84532) the
// v1 name "base-sepolia" is the local chain.
import { Hono } from "hono";
import { listen } from "../listen.mjs";
import { paymentMiddleware } from "x402-hono";

/** Serves GET /weather for `amount` atomic units of the chain's token. */
export async function startHonoV1Server(chain, facilitatorUrl, { amount = "1000" } = {}) {
  const app = new Hono();
  app.use(
    paymentMiddleware(
      chain.addresses.payTo,
      {
        "GET /weather": {
          price: {
            amount,
            asset: {
              address: chain.token.address,
              decimals: chain.token.decimals,
              eip712: { name: chain.token.name, version: chain.token.version },
            },
          },
          network: "base-sepolia",
          config: { description: "Weather (reference v1 server)", mimeType: "application/json" },
        },
      },
      { url: facilitatorUrl },
    ),
  );
  app.get("/weather", (c) => c.json({ city: "Faro", forecast: "windy", server: "x402-hono@1" }));
  return listen(app);
}
