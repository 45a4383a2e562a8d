// The reference resource server: @x402/hono's paymentMiddleware with @x402/core's
// x402ResourceServer and @x402/evm's exact scheme, served by @hono/node-server on loopback.
import { Hono } from "hono";
import { listen } from "./listen.mjs";
import { paymentMiddleware, x402ResourceServer } from "@x402/hono";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";

/** Serves GET /weather for `amount` atomic units of the chain's token, paid to its payTo. */
export async function startHonoServer(chain, facilitatorUrl, { amount = "1000" } = {}) {
  const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl })).register(
    chain.network,
    new ExactEvmScheme(),
  );
  const price = { amount, asset: chain.token.address, extra: { name: chain.token.name, version: chain.token.version } };
  const app = new Hono();
  app.use(
    paymentMiddleware(
      {
        "GET /weather": {
          accepts: { scheme: "exact", network: chain.network, payTo: chain.addresses.payTo, price },
          description: "Weather (reference server)",
          mimeType: "application/json",
        },
      },
      resourceServer,
    ),
  );
  app.get("/weather", (c) => c.json({ city: "Porto", forecast: "cloudy", server: "@x402/hono" }));
  return listen(app);
}
