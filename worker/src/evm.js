// A paywall on the EVM-only server face (`x402-wasm/server/evm`) as a plain module Worker: GET
// /weather costs PRICE on NETWORK. With SOLANA_PAY_TO set, the table also names a Solana offer,
// which this face refuses when the table loads. Run in workerd by worker/test/evm.test.mjs.
import { withPayment, durableObjectNonceStore, X402NonceStore } from "x402-wasm/server/evm";

export { X402NonceStore };

/** The paid routes, from the Worker's vars. */
function routes(env) {
  const accepts = [{ scheme: "exact", network: env.NETWORK, payTo: env.PAY_TO, price: env.PRICE }];
  if (env.SOLANA_PAY_TO)
    accepts.push({ scheme: "exact", network: "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", payTo: env.SOLANA_PAY_TO, price: env.PRICE });
  return { "GET /weather": { accepts, description: "Today's weather", mimeType: "application/json" } };
}

const weather = () => Response.json({ city: "Lisbon", forecast: "sunny" });
let paywall; // built on the first request: it needs env

export default {
  fetch(request, env, ctx) {
    paywall ??= withPayment(weather, routes(env), {
      facilitator: { url: env.FACILITATOR_URL },
      verify: env.VERIFY,
      nonceStore: durableObjectNonceStore(env.X402_NONCES),
    });
    return paywall(request, env, ctx);
  },
};
