// The reference resource server: @x402/hono's paymentMiddleware with @x402/core's
// x402ResourceServer and @x402/evm's exact scheme (and, with `uptoMax`, its upto scheme on a
// metered GET /generate), served by @hono/node-server on loopback.
import { Hono } from "hono";
import { listen } from "./listen.mjs";
import { paymentMiddleware, setSettlementOverrides, x402ResourceServer } from "@x402/hono";
import { HTTPFacilitatorClient } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";
import { UptoEvmScheme } from "@x402/evm/upto/server";

/** Serves GET /weather for `amount` atomic units of the chain's token, paid to its payTo; with
 * `uptoMax`, GET /generate for up to that much, charged `?used=N` (the reference's own helper). */
export async function startHonoServer(chain, facilitatorUrl, { amount = "1000", uptoMax } = {}) {
  const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl }))
    .register(chain.network, new ExactEvmScheme())
    .register(chain.network, new UptoEvmScheme());
  const extra = { name: chain.token.name, version: chain.token.version };
  const price = { amount, asset: chain.token.address, extra };
  const routes = {
    "GET /weather": {
      accepts: { scheme: "exact", network: chain.network, payTo: chain.addresses.payTo, price },
      description: "Weather (reference server)",
      mimeType: "application/json",
    },
  };
  if (uptoMax) {
    routes["GET /generate"] = {
      accepts: { scheme: "upto", network: chain.network, payTo: chain.addresses.payTo, price: { ...price, amount: uptoMax } },
      description: "Metered generation (reference server)",
      mimeType: "application/json",
    };
  }
  const app = new Hono();
  app.use(paymentMiddleware(routes, resourceServer));
  app.get("/weather", (c) => c.json({ city: "Porto", forecast: "cloudy", server: "@x402/hono" }));
  app.get("/generate", (c) => {
    const used = c.req.query("used");
    if (used !== undefined) setSettlementOverrides(c, { amount: used });
    return c.json({ text: "Once upon a time", server: "@x402/hono" });
  });
  return listen(app);
}
