// An x402 paywall: /weather, /reports/:id, the /article page and the /live WebSocket cost money (and /casper/weather, on Casper, when
// CASPER_ASSET is set; /solana/weather, in USDC on Solana, when SOLANA_PAY_TO is set; the metered /generate and
// /meter, `upto` UPTO_MAX at most, when UPTO_MAX is set), /health is free. Payments are verified in
// wasm inside the Worker, settled through the facilitator, and each one is used once (Durable Object).
import { Hono } from "hono";
import { paymentMiddleware, durableObjectNonceStore, setSettlementOverrides, X402NonceStore } from "x402-wasm/server";

export { X402NonceStore };

/** The paid routes, from the Worker's vars: a money price on the network's default asset, or, with
 * ASSET set, an amount of that token (TOKEN_NAME / TOKEN_VERSION are its EIP-712 domain). */
function routes(env) {
  const price = env.ASSET
    ? { amount: env.AMOUNT ?? "1000", asset: env.ASSET, extra: { name: env.TOKEN_NAME, version: env.TOKEN_VERSION } }
    : env.PRICE;
  const accepts = { scheme: "exact", network: env.NETWORK, payTo: env.PAY_TO, price, maxTimeoutSeconds: 300 };
  const table = {
    "GET /weather": { accepts, description: "Today's weather", mimeType: "application/json" },
    "GET /reports/:id": { accepts, description: "A report", mimeType: "application/json" },
    "GET /article": { accepts, description: "Today's long read", mimeType: "text/html" },
    "GET /live": { accepts, description: "Live weather over a WebSocket", mimeType: "text/plain" },
  };
  if (env.UPTO_MAX) {
    // Metered routes (`upto`): the payer signs for UPTO_MAX at most, and is charged what the handler
    // declares it used; /generate charges at least UPTO_MIN, /meter may charge nothing.
    const max = env.ASSET ? { ...price, amount: env.UPTO_MAX } : env.UPTO_MAX;
    const upto = { scheme: "upto", network: env.NETWORK, payTo: env.PAY_TO, price: max, maxTimeoutSeconds: 300 };
    const min = env.ASSET ? { amount: env.UPTO_MIN ?? "0", asset: env.ASSET } : env.UPTO_MIN;
    table["GET /generate"] = {
      accepts: { ...upto, minPrice: min },
      description: "Text generation, billed by the token",
      mimeType: "application/json",
    };
    table["GET /meter"] = { accepts: upto, description: "Metered data, billed by the byte", mimeType: "application/json" };
  }
  if (env.CASPER_ASSET) {
    // A Casper-priced route: an amount of a CEP-18 token (its contract package hash).
    const casper = {
      scheme: "exact",
      network: env.CASPER_NETWORK ?? "casper:casper-test",
      payTo: env.CASPER_PAY_TO,
      price: {
        amount: env.CASPER_AMOUNT ?? "1000000",
        asset: env.CASPER_ASSET,
        extra: { name: env.CASPER_TOKEN_NAME ?? "Cep18x402", version: env.CASPER_TOKEN_VERSION ?? "1" },
      },
      maxTimeoutSeconds: 300,
    };
    table["GET /casper/weather"] = { accepts: casper, description: "Today's weather, paid on Casper", mimeType: "application/json" };
  }
  if (env.SOLANA_PAY_TO) {
    // A Solana-priced route: money on the network's USDC. The fee payer is the facilitator's,
    // read from its /supported on first use.
    const solana = {
      scheme: "exact",
      network: env.SOLANA_NETWORK ?? "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
      payTo: env.SOLANA_PAY_TO,
      price: env.SOLANA_PRICE ?? "$0.01",
      maxTimeoutSeconds: 300,
    };
    table["GET /solana/weather"] = { accepts: solana, description: "Today's weather, paid on Solana", mimeType: "application/json" };
  }
  return table;
}

/** The facilitator, with CASPER_FACILITATOR_URL a second one for casper:* (CSPR.cloud takes its
 * access token in the authorization header), and with SOLANA_FACILITATOR_URL one for solana:*. */
function facilitators(env) {
  const timeoutMs = Number(env.FACILITATOR_TIMEOUT_MS ?? 10_000);
  const list = [];
  if (env.CASPER_FACILITATOR_URL) {
    const headers = env.CASPER_FACILITATOR_TOKEN ? { authorization: env.CASPER_FACILITATOR_TOKEN } : undefined;
    list.push({ url: env.CASPER_FACILITATOR_URL, networks: ["casper:*"], headers, timeoutMs });
  }
  if (env.SOLANA_FACILITATOR_URL) list.push({ url: env.SOLANA_FACILITATOR_URL, networks: ["solana:*"], timeoutMs });
  const main = { url: env.FACILITATOR_URL, timeoutMs };
  return list.length ? [...list, main] : main;
}

/** The paywall page a browser gets: the site's name, and the RPC endpoints its wallets use (a
 * Solana wallet's client reads a blockhash from SOLANA_RPC_URL when it is set). */
function paywallOptions(env) {
  const chains = {};
  if (env.SOLANA_RPC_URL) chains[env.SOLANA_NETWORK ?? "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"] = { rpcUrls: [env.SOLANA_RPC_URL] };
  return { appName: "x402-wasm example", chains };
}

const app = new Hono();
let paywall;

app.use(async (c, next) => {
  paywall ??= paymentMiddleware(routes(c.env), {
    facilitator: facilitators(c.env),
    verify: c.env.VERIFY,
    settleBeforeHandler: c.env.SETTLE_BEFORE_HANDLER === "true",
    nonceStore: durableObjectNonceStore(c.env.X402_NONCES),
    paywall: paywallOptions(c.env),
  });
  return paywall(c, next);
});

app.get("/health", (c) => c.json({ ok: true }));
app.get("/weather", (c) => c.json({ city: "Lisbon", forecast: "sunny", temperatureC: 24 }));
app.get("/article", (c) =>
  c.html('<!doctype html><title>Today\'s long read</title><h1>The long read</h1><p id="article">Paid prose, in full.</p>'),
);
app.get("/casper/weather", (c) => c.json({ city: "Zug", forecast: "snow", temperatureC: -2 }));
app.get("/solana/weather", (c) => c.json({ city: "Lagos", forecast: "humid", temperatureC: 31 }));
/** The metered handlers: `?used=N` atomic units (or `$0.01`, `50%`); `?fail` answers 500; no `used` declares nothing. */
const metered = (c) => {
  if (c.req.query("fail") !== undefined) return c.json({ error: "the model failed" }, 500);
  const used = c.req.query("used");
  if (used !== undefined) setSettlementOverrides(c, { amount: used });
  return c.json({ text: "Once upon a time", used: used ?? null });
};
app.get("/generate", metered);
app.get("/meter", metered);
app.get("/live", (c) => {
  if (c.req.header("Upgrade") !== "websocket") return c.json({ error: "expected a WebSocket upgrade" }, 426);
  const [client, server] = Object.values(new WebSocketPair());
  server.accept();
  server.send("live: sunny, 24 C");
  return new Response(null, { status: 101, webSocket: client });
});
app.get("/reports/:id", (c) => {
  const id = c.req.param("id");
  if (id === "missing") return c.json({ error: "no such report" }, 404);
  if (id === "broken") return c.json({ error: "report generator failed" }, 500);
  if (id === "empty") return c.body(null, 204);
  return c.json({ id, body: `report ${id}` });
});

export default app;
