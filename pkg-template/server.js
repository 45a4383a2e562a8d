// The Worker face: payment middleware for Cloudflare Workers (Hono or plain module Workers).
// Decisions (routes, terms, decoding, matching, verification) are made in wasm by PaymentGate;
// this file does the I/O: the nonce store, the facilitator, the handler, the headers.
import { PaymentGate, encodePaymentResponseHeader } from "./x402_wasm.js";
import { x402Error } from "./client.js";

const EXPOSE = "PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE";
/** Seconds a used payment's key is kept past its expiry (clock skew between us and the chain). */
const KEEP_AFTER_EXPIRY = 120;
const DEFAULT_TIMEOUT_MS = 10_000;

/** Nonce reservations in this isolate's memory: for tests and single-isolate deployments. */
export class InMemoryNonceStore {
  #entries = new Map();

  /** Reserves `key` until `expiresAt` (unix seconds); false if it is reserved or used. */
  async reserve(key, expiresAt) {
    const now = Math.floor(Date.now() / 1000);
    for (const [k, e] of this.#entries) if (e.expiresAt < now) this.#entries.delete(k);
    if (this.#entries.has(key)) return false;
    this.#entries.set(key, { state: "reserved", expiresAt });
    return true;
  }

  /** Frees a reservation whose payment was not settled. */
  async release(key) {
    if (this.#entries.get(key)?.state === "reserved") this.#entries.delete(key);
  }

  /** Marks a reservation as settled: it is never released. */
  async commit(key) {
    const entry = this.#entries.get(key);
    if (entry) entry.state = "settled";
  }
}

/**
 * A nonce store over the `X402NonceStore` Durable Object namespace `namespace`: consistent across
 * isolates. Keys are spread over objects by payer, so one payer's payments meet in one object.
 */
export function durableObjectNonceStore(namespace) {
  const stub = (key) => namespace.get(namespace.idFromName(key.split(":").at(-2) ?? key));
  return {
    reserve: (key, expiresAt) => stub(key).reserve(key, expiresAt),
    release: (key) => stub(key).release(key),
    commit: (key) => stub(key).commit(key),
  };
}

class FacilitatorError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The facilitator's HTTP API: POST /verify, POST /settle, GET /supported. */
function facilitatorClient({ url, headers, createHeaders, timeoutMs = DEFAULT_TIMEOUT_MS }) {
  if (typeof url !== "string" || !url) throw x402Error("invalid_argument", "options.facilitator.url is required");
  const base = url.replace(/\/+$/, "");
  const call = async (kind, method, body) => {
    const extra = createHeaders ? ((await createHeaders())?.[kind] ?? {}) : (headers ?? {});
    let res;
    let json;
    try {
      res = await fetch(`${base}/${kind}`, {
        method,
        headers: { "content-type": "application/json", ...extra },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      json = await res.json();
    } catch (e) {
      if (e?.name === "TimeoutError") throw new FacilitatorError(504, "facilitator_timeout", `facilitator /${kind} did not answer within ${timeoutMs} ms`);
      if (res) throw new FacilitatorError(502, "facilitator_invalid_response", `facilitator /${kind} answered ${res.status} with a body that is not JSON`);
      throw new FacilitatorError(502, "facilitator_unavailable", `facilitator /${kind} is unreachable: ${e?.message ?? e}`);
    }
    return { status: res.status, json };
  };
  const shaped = (kind, { status, json }, valid) => {
    if (json && typeof json === "object" && valid(json)) return json;
    throw new FacilitatorError(502, "facilitator_invalid_response", `facilitator /${kind} answered ${status} with an unexpected body`);
  };
  return {
    async verify(body) {
      return shaped("verify", await call("verify", "POST", body), (j) => typeof j.isValid === "boolean");
    },
    async settle(body) {
      // success:true must name its transaction: a settlement without one is not a settlement.
      const optionalString = (v) => v === undefined || v === null || typeof v === "string";
      return shaped("settle", await call("settle", "POST", body), (j) =>
        typeof j.success === "boolean" && typeof j.network === "string" &&
        optionalString(j.transaction) && optionalString(j.amount) && optionalString(j.errorReason) && optionalString(j.payer) &&
        (!j.success || (typeof j.transaction === "string" && j.transaction.length > 0)));
    },
    async supported() {
      return shaped("supported", await call("supported", "GET"), (j) => Array.isArray(j.kinds));
    },
  };
}

/** Whether `network` matches a pattern: exact, or `namespace:*`. */
const networkMatches = (pattern, network) => pattern === network || (pattern.endsWith(":*") && network.startsWith(pattern.slice(0, -1)));

/**
 * One facilitator, or several each serving the networks it lists (`networks: ["casper:*"]`); a
 * facilitator without `networks` serves the rest. Returns network -> client.
 */
function facilitatorRouter(config) {
  const configs = Array.isArray(config) ? config : [config];
  if (configs.length === 0) throw x402Error("invalid_argument", "options.facilitator needs at least one facilitator");
  const clients = configs.map((c) => ({ networks: c.networks, client: facilitatorClient(c) }));
  return (network) => {
    const entry = clients.find((c) => c.networks?.some((p) => networkMatches(p, network))) ?? clients.find((c) => !c.networks);
    if (!entry) throw new FacilitatorError(502, "facilitator_unavailable", `no facilitator is configured for ${network}`);
    return entry.client;
  };
}

function withHeaders(response, extra) {
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  headers.set("Access-Control-Expose-Headers", EXPOSE);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

function json(status, body, headers = {}) {
  return withHeaders(new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }), headers);
}

/** Statuses whose responses carry no body. */
const NULL_BODY = new Set([101, 204, 205, 304]);
/** Reasons the reference answers with 412 instead of 402. */
const PRECONDITION = new Set(["permit2_allowance_required"]);

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function defaultPaywall(paymentRequired) {
  const first = paymentRequired.accepts[0];
  return `<!doctype html><meta charset="utf-8"><title>Payment required</title>
<h1>Payment required</h1><p>${escapeHtml(paymentRequired.resource.description || paymentRequired.resource.url)}</p>
<p>${escapeHtml(first.amount)} atomic units of ${escapeHtml(first.asset)} on ${escapeHtml(first.network)}, to ${escapeHtml(first.payTo)}.</p>
<p>Pay with an x402 client, e.g. <code>wrapFetchWithPayment</code> from x402-wasm.</p>`;
}

/**
 * The framework-free core: `handle(request, next, ctx)` answers a request, calling `next()` (the
 * protected handler, returning a Response) only for a verified, reserved payment.
 */
export function createPaymentHandler(routes, options = {}) {
  const gate = new PaymentGate(routes);
  const facilitatorFor = facilitatorRouter(options.facilitator ?? {});
  const mode = options.verify ?? "local";
  if (mode !== "local" && mode !== "local+facilitator") throw x402Error("invalid_argument", `options.verify must be "local" or "local+facilitator"`);
  const store = options.nonceStore ?? new InMemoryNonceStore();
  const { onVerified, onSettled, onSettleFailed, paywall } = options;

  const refuse = (route, request, url, error, extra = {}) => {
    const terms = gate.paymentRequired(route, url.href, error);
    const headers = { "PAYMENT-REQUIRED": terms.header, "Cache-Control": "no-store", ...extra };
    const accept = request.headers.get("Accept") ?? "";
    const agent = request.headers.get("User-Agent") ?? "";
    if (accept.includes("text/html") && agent.includes("Mozilla") && Object.keys(extra).length === 0) {
      const html = typeof paywall === "function" ? paywall(terms.paymentRequired) : (paywall ?? defaultPaywall(terms.paymentRequired));
      return withHeaders(new Response(html, { status: 402, headers: { "content-type": "text/html; charset=utf-8" } }), headers);
    }
    return json(PRECONDITION.has(error) ? 412 : 402, terms.v1Body, headers);
  };

  return async function handle(request, next, ctx) {
    const url = new URL(request.url);
    const route = gate.route(request.method, url.pathname);
    if (route < 0) return next();


    const now = Math.floor(Date.now() / 1000);
    const decision = gate.evaluate(route, url.href, request.headers.get("PAYMENT-SIGNATURE"), request.headers.get("X-PAYMENT"), now);
    switch (decision.kind) {
      case "unpaid":
        return refuse(route, request, url, "Payment required");
      case "no_match":
        return refuse(route, request, url, decision.error);
      case "invalid":
        return refuse(route, request, url, decision.reason);
    }

    let facilitator;
    try {
      facilitator = facilitatorFor(decision.paymentRequirements.network);
    } catch (e) {
      return json(e.status, { error: e.code, message: e.message });
    }
    const key = decision.nonceKey;
    if (!(await store.reserve(key, decision.validBefore + KEEP_AFTER_EXPIRY))) {
      return refuse(route, request, url, decision.replayReason);
    }
    const body = { x402Version: decision.x402Version, paymentPayload: decision.paymentPayload, paymentRequirements: decision.paymentRequirements };
    const responseHeader = decision.x402Version === 1 ? "X-PAYMENT-RESPONSE" : "PAYMENT-RESPONSE";
    let settling = false;
    try {
      // A signature only the chain can check (smart wallet) is never taken on local word alone.
      if (mode === "local+facilitator" || decision.deferred.includes("contract_signature")) {
        const verdict = await facilitator.verify(body);
        if (!verdict.isValid) {
          await store.release(key);
          return refuse(route, request, url, verdict.invalidReason ?? "invalid_payment");
        }
      }
      await onVerified?.({ payer: decision.payer, paymentPayload: decision.paymentPayload, requirements: decision.paymentRequirements });

      const response = await next();
      if (response.status >= 400) {
        await store.release(key);
        return withHeaders(response, {});
      }
      // Buffer the content: it is released only once the money has moved.
      const content = await response.arrayBuffer();
      settling = true;
      const settlement = await facilitator.settle(body);
      const receipt = encodePaymentResponseHeader(settlement);
      if (!settlement.success) {
        await store.release(key);
        await onSettleFailed?.({ payer: decision.payer, settlement });
        return refuse(route, request, url, settlement.errorReason ?? "settlement_failed", { [responseHeader]: receipt });
      }
      // Paid: from here on nothing may lose the content.
      try {
        await store.commit(key);
        await onSettled?.({ payer: decision.payer, settlement });
      } catch (e) {
        console.error("x402: after a successful settlement", e);
      }
      const cacheControl = response.headers.get("Cache-Control");
      return withHeaders(
        new Response(NULL_BODY.has(response.status) ? null : content, { status: response.status, statusText: response.statusText, headers: response.headers }),
        { [responseHeader]: receipt, "Cache-Control": cacheControl ? `${cacheControl}, private` : "private" },
      );
    } catch (e) {
      // A settlement that may have happened keeps its reservation: the payment is never honoured twice.
      if (!settling) await store.release(key);
      if (e instanceof FacilitatorError) return json(e.status, { error: e.code, message: e.message });
      throw e;
    }
  };
}

/** Payment middleware for Hono: `app.use(paymentMiddleware(routes, options))`. */
export function paymentMiddleware(routes, options) {
  const handle = createPaymentHandler(routes, options);
  return async (c, next) => {
    let ctx;
    try {
      ctx = c.executionCtx;
    } catch {
      ctx = undefined; // not on Workers
    }
    let ran = false;
    const response = await handle(c.req.raw, async () => {
      ran = true;
      await next();
      return c.res;
    }, ctx);
    if (ran) c.res = undefined; // replace the handler's response instead of merging into it
    c.res = response;
    return c.res;
  };
}

/** Wraps a module Worker's fetch handler: `export default { fetch: withPayment(handler, routes, options) }`.
 * `options` may be a function of `env` (for bindings such as the facilitator URL or the nonce store). */
export function withPayment(handler, routes, options) {
  const handlers = new WeakMap();
  const forEnv = (env) => {
    const key = env && typeof env === "object" ? env : forEnv;
    if (!handlers.has(key)) handlers.set(key, createPaymentHandler(routes, typeof options === "function" ? options(env) : options));
    return handlers.get(key);
  };
  return (request, env, ctx) => forEnv(env)(request, () => handler(request, env, ctx), ctx);
}
