// The Worker face: payment middleware for Cloudflare Workers (Hono or plain module Workers).
// Decisions (routes, terms, decoding, matching, verification) are made in wasm by PaymentGate;
// this file does the I/O: the nonce store, the facilitator, the handler, the headers.
import { PaymentGate, readSettleResponse } from "./x402_wasm.js";
import { x402Error } from "./client.js";
import { InMemoryNonceStore } from "./nonces.js";

const EXPOSE = "PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE";
/** Seconds a used payment's key is kept past its expiry (clock skew between us and the chain). */
const KEEP_AFTER_EXPIRY = 120;
const DEFAULT_TIMEOUT_MS = 10_000;

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
  const invalid = (kind, status) => new FacilitatorError(502, "facilitator_invalid_response", `facilitator /${kind} answered ${status} with an unexpected body`);
  const shaped = (kind, { status, json }, valid) => {
    if (json && typeof json === "object" && valid(json)) return json;
    throw invalid(kind, status);
  };
  return {
    async verify(body) {
      return shaped("verify", await call("verify", "POST", body), (j) => typeof j.isValid === "boolean");
    },
    /** `{settlement, header}`, read by the same Rust reader as every receipt. */
    async settle(body) {
      const { status, json } = await call("settle", "POST", body);
      // A 5xx is no answer about the money, whatever its body says.
      if (status >= 500) throw new FacilitatorError(502, "facilitator_invalid_response", `facilitator /settle answered ${status}`);
      try {
        return readSettleResponse(json);
      } catch {
        throw invalid("settle", status);
      }
    },
    async supported() {
      return shaped("supported", await call("supported", "GET"), (j) => Array.isArray(j.kinds));
    },
  };
}

/** Whether `network` (CAIP-2) matches a pattern: exact, `namespace:*`, or a v1 name the gate translated. */
const networkMatches = (pattern, network, v1Name) =>
  pattern === network || pattern === v1Name || (pattern.endsWith(":*") && network.startsWith(pattern.slice(0, -1)));

/**
 * One facilitator, or several each serving the networks it lists (`networks: ["casper:*"]`); a
 * facilitator without `networks` serves the rest. Returns (network, v1 name) -> client.
 */
function facilitatorRouter(config) {
  const configs = Array.isArray(config) ? config : [config];
  if (configs.length === 0) throw x402Error("invalid_argument", "options.facilitator needs at least one facilitator");
  const clients = configs.map((c) => ({ networks: c.networks, client: facilitatorClient(c) }));
  return (network, v1Name) => {
    const entry = clients.find((c) => c.networks?.some((p) => networkMatches(p, network, v1Name))) ?? clients.find((c) => !c.networks);
    if (!entry) throw new FacilitatorError(502, "facilitator_unavailable", `no facilitator is configured for ${network}`);
    return entry.client;
  };
}

/** `response` with `extra` headers (and the exposed x402 ones), carrying `body` and its WebSocket. */
function withHeaders(response, extra, body = response.body) {
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(extra)) headers.set(k, v);
  headers.set("Access-Control-Expose-Headers", EXPOSE);
  const init = { status: response.status, statusText: response.statusText, headers };
  if (response.webSocket) init.webSocket = response.webSocket;
  return new Response(body, init);
}

function json(status, body, headers = {}) {
  return withHeaders(new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } }), headers);
}

/** A facilitator fault as the client sees it: its status and code; the detail goes to the log only. */
function facilitatorFault(e) {
  console.error(`x402: ${e.message}`);
  return json(e.status, { error: e.code });
}

/** Statuses whose responses carry no body. */
const NULL_BODY = new Set([101, 204, 205, 304]);
/** Reasons the reference answers with 412 instead of 402. */
const PRECONDITION = new Set(["permit2_allowance_required"]);
/** The facilitator's word for a settlement broadcast but not final (2.27). */
const SETTLEMENT_PENDING = "settlement_pending";
/** What `gate.route` answers for a path it cannot read one way only. */
const UNCLEAR_PATH = -2;

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function defaultPaywall(paymentRequired) {
  const first = paymentRequired.accepts[0];
  return `<!doctype html><meta charset="utf-8"><title>Payment required</title>
<h1>Payment required</h1><p>${escapeHtml(paymentRequired.resource.description || paymentRequired.resource.url)}</p>
<p>${escapeHtml(first.amount)} atomic units of ${escapeHtml(first.asset)} on ${escapeHtml(first.network)}, to ${escapeHtml(first.payTo)}.</p>
<p>Pay with an x402 client, e.g. <code>wrapFetchWithPayment</code> from x402-wasm.</p>`;
}

/**
 * The paid response: the handler's, with the receipt. Money has moved, so nothing here may throw:
 * a response that cannot be rebuilt (a WebSocket upgrade, an immutable one) goes out as it is.
 */
function deliver(response, content, extra) {
  try {
    if (response.webSocket || response.status === 101) return withHeaders(response, extra, null);
    const cacheControl = response.headers.get("Cache-Control");
    return withHeaders(response, { ...extra, "Cache-Control": cacheControl ? `${cacheControl}, private` : "private" }, NULL_BODY.has(response.status) ? null : content);
  } catch (e) {
    console.error("x402: a paid response could not be rebuilt; it is sent without its receipt", e);
    return response;
  }
}

/** Smart-wallet signature checks (each a /verify call no key pays for) allowed per minute and per
 * isolate: for one payer, for one client address, and for everyone. */
const DEFERRED_BUDGET = { payer: 10, client: 10, all: 100 };

/** Fixed one-minute windows of counts; a check is allowed only while every budget it draws on lasts. */
function deferredLimiter(budget) {
  let window = 0;
  let counts = new Map();
  return (keys) => {
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== window) {
      window = minute;
      counts = new Map();
    }
    const over = Object.entries(keys).some(([kind, id]) => id !== undefined && (counts.get(`${kind}:${id}`) ?? 0) >= budget[kind]);
    if (over) return false;
    for (const [kind, id] of Object.entries(keys)) if (id !== undefined) counts.set(`${kind}:${id}`, (counts.get(`${kind}:${id}`) ?? 0) + 1);
    return true;
  };
}

/** A 409 for a payment another request is still serving: not a replay, so not "used". */
const inProgress = () =>
  json(409, { error: "payment_in_progress", message: "this payment is being settled by another request: send the same payment again shortly, do not sign a new one" }, { "Retry-After": "2" });

let warnedInMemory = false;

/**
 * The framework-free core: `handle(request, next, ctx, routing)` answers a request, calling `next()`
 * (the protected handler, returning a Response) only for a verified, reserved payment. `routing`
 * gives a framework's own view of the path: `{paths: [its decoded path], mount: the pattern of
 * the sub-app the middleware runs in}`; the gate protects the request if any view matches a route.
 */
export function createPaymentHandler(routes, options = {}) {
  const gate = new PaymentGate(routes);
  const facilitatorFor = facilitatorRouter(options.facilitator ?? {});
  const mode = options.verify ?? "local+facilitator";
  if (mode !== "local" && mode !== "local+facilitator") throw x402Error("invalid_argument", `options.verify must be "local+facilitator" (default) or "local"`);
  const settleFirst = options.settleBeforeHandler === true;
  if (!options.nonceStore && !warnedInMemory) {
    warnedInMemory = true;
    console.warn("x402: no nonceStore given, so used payments are remembered in this isolate only; on Workers pass durableObjectNonceStore(env.X402_NONCES)");
  }
  const store = options.nonceStore ?? new InMemoryNonceStore();
  if (typeof store.settling !== "function" || typeof store.unknown !== "function") {
    console.warn("x402: the nonceStore has no settling()/unknown(): a settlement with no final answer cannot be finished by the same payment, which is then refused as a replay");
  }
  const deferredAllowed = deferredLimiter({ ...DEFERRED_BUDGET, ...options.deferredChecksPerMinute });
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

  return async function handle(request, next, ctx, routing = {}) {
    const url = new URL(request.url);
    // The framework's own reading first: it decides the route (the price); the URL's adds protection.
    const route = gate.route(request.method, [...(routing.paths ?? []), url.pathname], routing.mount);
    if (route === UNCLEAR_PATH) return json(400, { error: "invalid_path", message: "the request path has escapes that do not decode one way only" });
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
      facilitator = facilitatorFor(decision.network, decision.paymentRequirements.network);
    } catch (e) {
      return facilitatorFault(e);
    }
    const contractSignature = decision.deferred.includes("contract_signature");
    const client = request.headers.get("CF-Connecting-IP") ?? undefined;
    if (contractSignature && !deferredAllowed({ payer: decision.payer.toLowerCase(), client, all: "" })) {
      return json(429, { error: "too_many_deferred_checks", message: "too many smart-wallet payments to check; try again in a minute" }, { "Retry-After": "60" });
    }
    const key = decision.nonceKey;
    const expiresAt = decision.validBefore + KEEP_AFTER_EXPIRY;
    const owner = crypto.randomUUID();
    const claimed = await store.reserve(key, expiresAt, owner);
    if (claimed === "busy") return inProgress();
    if (!claimed) return refuse(route, request, url, decision.replayReason);
    // An earlier settlement of this very payment has no final answer: finish it, do not refuse it.
    const retry = claimed === "retry";
    const body = { x402Version: decision.x402Version, paymentPayload: decision.paymentPayload, paymentRequirements: decision.paymentRequirements };
    const responseHeader = decision.x402Version === 1 ? "X-PAYMENT-RESPONSE" : "PAYMENT-RESPONSE";
    // Until /settle is called nothing has moved: the key is released on any failure. After, it
    // stays claimable by the same payment only (`unknown`), never free for a replay.
    let sentToSettle = retry;
    let recorded = false; // the settlement already wrote the key's state
    const free = async () => {
      if (recorded) return;
      if (sentToSettle) await store.unknown?.(key, owner);
      else await store.release(key, owner);
    };

    /** Settles (once more if the facilitator says pending), recording each step; `ctx.waitUntil`
     * keeps it running if the client goes away. */
    const settle = () => {
      const run = (async () => {
        sentToSettle = true;
        await store.settling?.(key, owner);
        try {
          let result = await facilitator.settle(body);
          if (isPending(result)) result = await facilitator.settle(body);
          if (result.settlement.success) {
            await safely(() => store.commit(key, owner, expiresAt));
          } else if (isPending(result) || retry) {
            // No final answer; or a refusal of a payment whose earlier settlement may have gone
            // through (a facilitator that does not reconcile says "nonce used"): the key is not
            // freed, and the payer is told to send the same payment again.
            await store.unknown?.(key, owner);
            result.unresolved = true;
          } else {
            await store.release(key, owner);
          }
          return result;
        } catch (e) {
          await store.unknown?.(key, owner);
          recorded = true;
          throw e;
        }
      })();
      try {
        ctx?.waitUntil?.(run.catch(() => {}));
      } catch {
        // Not every runtime has a waitUntil that takes promises at this point.
      }
      return run;
    };
    const pending = (result) =>
      json(503, { error: isPending(result) ? SETTLEMENT_PENDING : "settlement_unresolved", message: "the settlement of this payment has no final answer yet: send the same payment again, do not sign a new one" },
        { [responseHeader]: result.header, "Retry-After": "5" });
    const unsettled = async (result) => {
      await safely(() => onSettleFailed?.({ payer: decision.payer, settlement: result.settlement }));
      return refuse(route, request, url, result.settlement.errorReason ?? "settlement_failed", { [responseHeader]: result.header });
    };
    /** Settles, then answers: open, refused, or `onPaid(result)` once the money moved. */
    const settleThen = async (onPaid) => {
      const result = await settle();
      if (result.unresolved) return pending(result);
      if (!result.settlement.success) return unsettled(result);
      await safely(() => onSettled?.({ payer: decision.payer, settlement: result.settlement }));
      return onPaid(result);
    };

    try {
      // The handler runs only for a payment known to be fundable: the facilitator's /verify, unless
      // the operator chose "local" (then it may run for unfunded payers). A smart-wallet signature
      // is never taken on local word alone. A retry was verified when it was first presented.
      if (!retry && (mode === "local+facilitator" || contractSignature)) {
        const verdict = await facilitator.verify(body);
        if (!verdict.isValid) {
          await free();
          return refuse(route, request, url, verdict.invalidReason ?? "invalid_payment");
        }
      }
      await onVerified?.({ payer: decision.payer, paymentPayload: decision.paymentPayload, requirements: decision.paymentRequirements });

      if (settleFirst) {
        // Paid before the handler ran: whatever it answers, its answer is what was bought, and
        // even a handler that throws leaves the payer its receipt.
        return await settleThen(async (result) => {
          try {
            const response = await next();
            return deliver(response, NULL_BODY.has(response.status) ? null : await response.arrayBuffer(), { [responseHeader]: result.header });
          } catch (e) {
            console.error("x402: the handler failed after the payment was settled", e);
            return json(500, { error: "handler_failed" }, { [responseHeader]: result.header });
          }
        });
      }

      const response = await next();
      if (response.status >= 400) {
        await free();
        return withHeaders(response, {});
      }
      // Buffer the content: it is released only once the money has moved.
      const content = NULL_BODY.has(response.status) ? null : await response.arrayBuffer();
      return await settleThen((result) => deliver(response, content, { [responseHeader]: result.header }));
    } catch (e) {
      await free();
      if (e instanceof FacilitatorError) {
        // Sent to /settle with no final answer: the client is to re-send this same payment.
        if (sentToSettle) return json(e.status, { error: e.code, message: "the settlement has no final answer: send the same payment again, do not sign a new one" }, { "Retry-After": "5" });
        return facilitatorFault(e);
      }
      throw e;
    }
  };
}

/** A 2.27 facilitator's non-final answer: broadcast, not yet confirmed. */
const isPending = (result) => !result.settlement.success && result.settlement.errorReason === SETTLEMENT_PENDING && result.settlement.transaction !== "";

/** Runs a step after money moved: its failure is logged, never thrown. */
async function safely(step) {
  try {
    await step();
  } catch (e) {
    console.error("x402: after a settlement", e);
  }
}

let warnedNoMount = false;

/** How Hono routes this request: its decoded path, and the pattern of the sub-app (`app.route`,
 * `basePath`) this middleware was registered in, as `@x402/hono` reads them; `mount` (the
 * option) when given, or when this Hono does not tell. */
function honoRouting(c, mount) {
  const routing = { paths: [] };
  try {
    if (typeof c.req.path === "string") routing.paths.push(c.req.path);
    const base = c.req.matchedRoutes?.[c.req.routeIndex]?.basePath;
    if (typeof base === "string") routing.mount = base;
  } catch {
    // Read below.
  }
  if (typeof mount === "string") routing.mount = mount;
  else if (routing.mount === undefined && !warnedNoMount) {
    warnedNoMount = true;
    console.warn("x402: this Hono does not say where the middleware is mounted (c.req.matchedRoutes); in a sub-app or under basePath pass options.mount, or write the route table with full paths");
  }
  return routing;
}

/** Payment middleware for Hono: `app.use(paymentMiddleware(routes, options))`. In a sub-app or
 * under `basePath` the table may be written as the sub-app sees its paths, as for `@x402/hono`. */
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
    }, ctx, honoRouting(c, options?.mount));
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
