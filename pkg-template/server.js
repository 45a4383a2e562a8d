// The Worker face: payment middleware for Cloudflare Workers (Hono or plain module Workers).
// Every decision (route, terms, payment, facilitator, the response to send) is made in wasm by
// PaymentGate; this file does the I/O: the nonce store, the facilitator, the handler, the bytes.
import {
  PaymentGate,
  readSettleResponse,
  readVerifyResponse,
  planInProgress,
  planTooManyDeferredChecks,
  planUnresolved,
  planFacilitatorFault,
  planHandlerFailed,
  paidHeaders,
  passedHeaders,
  chargeFor,
  settlementOverridesHeader,
} from "./x402_wasm.js";
import { Code, x402Error } from "./errors.js";
import { InMemoryNonceStore } from "./nonces.js";
import { defaultPaywall, drawPaywall, paywallAsset } from "./paywall.js";

const DEFAULT_TIMEOUT_MS = 10_000;

/** The response header a handler declares a metered (`upto`) payment's usage in (read from wasm
 * on first use: the module is not initialized when this file loads). */
let overridesHeader;
const OVERRIDES = () => (overridesHeader ??= settlementOverridesHeader());

/**
 * Declares what a metered (`upto`) request used, as `@x402/hono`'s helper of the same name:
 * `{amount}` in atomic units, `"$0.05"`, or `"50%"` of the signed maximum. `target` is a Hono
 * context, a Response, or a Headers. The middleware charges it, held between the route's
 * `minPrice` and the maximum, and takes the header off the response.
 */
export function setSettlementOverrides(target, overrides) {
  const value = JSON.stringify(overrides);
  if (typeof target?.header === "function") target.header(OVERRIDES(), value);
  else if (typeof target?.headers?.set === "function") target.headers.set(OVERRIDES(), value);
  else if (typeof target?.set === "function") target.set(OVERRIDES(), value);
  else throw x402Error(Code.InvalidArgument, "setSettlementOverrides takes a Hono context, a Response or a Headers");
}

/** `response` without the usage declaration, and the declaration (null when there is none). */
function takeOverrides(response) {
  const declared = response.headers.get(OVERRIDES());
  if (declared === null) return { response, declared };
  try {
    response.headers.delete(OVERRIDES());
    return { response, declared };
  } catch {
    // Immutable headers (a fetched response): rebuild it without the header.
    const headers = new Headers(response.headers);
    headers.delete(OVERRIDES());
    const init = { status: response.status, statusText: response.statusText, headers };
    if (response.webSocket) init.webSocket = response.webSocket;
    return { response: new Response(response.body, init), declared };
  }
}

class FacilitatorError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** The facilitator's HTTP API: POST /verify and POST /settle; its answers are read in wasm. */
function facilitatorClient({ url, headers, createHeaders, timeoutMs = DEFAULT_TIMEOUT_MS }) {
  if (typeof url !== "string" || !url) throw x402Error(Code.InvalidArgument, "options.facilitator.url is required");
  const base = url.replace(/\/+$/, "");
  const call = async (kind, body) => {
    const extra = createHeaders ? ((await createHeaders())?.[kind] ?? {}) : (headers ?? {});
    let res;
    try {
      res = await fetch(`${base}/${kind}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...extra },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: res.status, json: await res.json() };
    } catch (e) {
      if (e?.name === "TimeoutError")
        throw new FacilitatorError(Code.FacilitatorTimeout, `facilitator /${kind} did not answer within ${timeoutMs} ms`);
      if (res)
        throw new FacilitatorError(
          Code.FacilitatorInvalidResponse,
          `facilitator /${kind} answered ${res.status} with a body that is not JSON`,
        );
      throw new FacilitatorError(Code.FacilitatorUnavailable, `facilitator /${kind} is unreachable: ${e?.message ?? e}`);
    }
  };
  /** Reads an answer in wasm; a malformed one is a fault, not an answer. */
  const read = (reader, ...args) => {
    try {
      return reader(...args);
    } catch (e) {
      throw new FacilitatorError(Code.FacilitatorInvalidResponse, e.message);
    }
  };
  return {
    /** The facilitator's `GET /supported` answer (its kinds, with what only it knows: a Solana fee payer). */
    async supported() {
      const extra = createHeaders ? ((await createHeaders())?.supported ?? {}) : (headers ?? {});
      const res = await fetch(`${base}/supported`, { headers: extra, signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new FacilitatorError(Code.FacilitatorInvalidResponse, `facilitator /supported answered ${res.status}`);
      return res.json();
    },
    /** faremeter's `POST /accepts`: the offers it serves, enriched (fee payer, blockhash, decimals). */
    async accepts(body) {
      const { status, json } = await call("accepts", body);
      if (status !== 200) throw new FacilitatorError(Code.FacilitatorInvalidResponse, `facilitator /accepts answered ${status}`);
      return json;
    },
    async verify(body) {
      const { json } = await call("verify", body);
      return read(readVerifyResponse, json);
    },
    /** `{settlement, header, outcome}`, read by the same Rust reader as every receipt. */
    async settle(body) {
      const { status, json } = await call("settle", body);
      return read(readSettleResponse, json, status);
    },
  };
}

/** A plan from wasm, as a Response; a browser's 402 gets `paywall` (the operator's page, or the
 * default page's options). */
function respond(plan, paywall) {
  if (plan.log) console.error(`x402: ${plan.log}`);
  let body = plan.body;
  if (plan.paywall && paywall != null) {
    if (typeof paywall === "function") body = paywall(plan.paywall);
    else if (typeof paywall === "string") body = paywall;
    else body = drawPaywall(paywall, plan.paywall, plan.offers);
  }
  return new Response(body, { status: plan.status, headers: plan.headers });
}

/** `response` with `extra` headers (pairs), carrying `body` and its WebSocket. */
function withHeaders(response, extra, body = response.body) {
  const headers = new Headers(response.headers);
  for (const [k, v] of extra) headers.set(k, v);
  const init = { status: response.status, statusText: response.statusText, headers };
  if (response.webSocket) init.webSocket = response.webSocket;
  return new Response(body, init);
}

/** Statuses whose responses carry no body. */
const NULL_BODY = new Set([101, 204, 205, 304]);

/** A message's headers as the gate reads them. */
const getter = (message) => (name) => message.headers.get(name);

/**
 * The paid response: the handler's, with the receipt. Money has moved, so nothing here may throw:
 * a response that cannot be rebuilt (a WebSocket upgrade, an immutable one) goes out as it is.
 */
function deliver(response, content, version, receipt) {
  try {
    const upgrade = Boolean(response.webSocket) || response.status === 101;
    const headers = paidHeaders(version, receipt, getter(response), upgrade);
    return withHeaders(response, headers, upgrade || NULL_BODY.has(response.status) ? null : content);
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
    for (const [kind, id] of Object.entries(keys))
      if (id !== undefined) counts.set(`${kind}:${id}`, (counts.get(`${kind}:${id}`) ?? 0) + 1);
    return true;
  };
}

/** Milliseconds before a failed (or incomplete) `GET /supported` is tried again. */
const SUPPORTED_RETRY_MS = 30_000;
/** How long `/accepts` answers are used by default: they carry a blockhash (~60 s of life). */
const ACCEPTS_MAX_AGE_MS = 10_000;
/** An answer older than this is refreshed before the request is answered (up to the wait). */
const ACCEPTS_STALE_MS = 45_000;
/** A blockhash hint older than this is dropped rather than offered: it no longer lands. */
const HINT_LIFE_MS = 60_000;

/**
 * Runs `start()` as background work of the request in `ctx` (Workers cancel what a finished
 * request did not hand to `waitUntil`), and forgets it after `limitMs` so that a call that never
 * settles cannot stop the next one from starting (`task.active()`).
 */
function backgroundTask(limitMs) {
  const task = { promise: null, startedAt: 0 };
  /** Whether a call runs (one older than `limitMs` no longer counts). */
  task.active = () => task.promise !== null && Date.now() - task.startedAt < limitMs;
  task.run = (ctx, start) => {
    if (task.active()) return task.promise;
    task.startedAt = Date.now();
    const promise = start().finally(() => {
      if (task.promise === promise) task.promise = null;
    });
    task.promise = promise;
    try {
      ctx?.waitUntil?.(promise);
    } catch {
      // Not every runtime has a waitUntil that takes promises at this point.
    }
    return promise;
  };
  return task;
}

/** Waits for `promises`, at most `waitMs`; whether there was anything to wait for. */
async function waitAtMost(promises, waitMs) {
  if (promises.length === 0) return false;
  let timer;
  await Promise.race([Promise.all(promises), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
  clearTimeout(timer);
  return true;
}

/**
 * Fetches, lazily, the `/supported` of each facilitator some offer waits for (a Solana offer's fee
 * payer), and hands it to the gate; lists the call a request may wait for (the handler waits at
 * most `supportedWaitMs`: a 402 that can be answered without the waiting offers is not held up).
 */
function supportedLearner(gate, facilitators, limitMs) {
  const task = backgroundTask(limitMs);
  let failedAt = -Infinity;
  let done = false; // no offer waits: nothing to ask, ever again
  return (ctx) => {
    if (done) return [];
    if (!task.active()) {
      if (Date.now() - failedAt < SUPPORTED_RETRY_MS) return [];
      const wanted = Array.from(gate.awaiting());
      if (wanted.length === 0) {
        done = true;
        return [];
      }
      task.run(ctx, async () => {
        try {
          for (const i of wanted) gate.learn(i, await facilitators[i].supported());
          if (gate.awaiting().length > 0) {
            failedAt = Date.now(); // a kind it does not list: ask again later
            console.error("x402: a facilitator's /supported lists no kind some offer waits for (a Solana fee payer)");
          }
        } catch (e) {
          failedAt = Date.now();
          console.error(`x402: a facilitator's /supported could not be read: ${e?.message ?? e}`);
        }
      });
    }
    return [task.promise];
  };
}

/**
 * For each facilitator configured with `accepts` (faremeter's `POST /accepts`), enriches the offers
 * it serves, and again once the answer is `maxAgeMs` old. A request waits (at most `waitMs`) only
 * for a first answer or one too old to pay with; otherwise the refresh runs behind it. When no
 * answer has come for longer than a blockhash lives, the blockhash hint is dropped.
 */
function acceptsEnricher(gate, facilitators, configs, limitMs) {
  const state = configs.map((c) =>
    c?.accepts
      ? { maxAgeMs: c.accepts.maxAgeMs ?? ACCEPTS_MAX_AGE_MS, at: -Infinity, okAt: -Infinity, task: backgroundTask(limitMs) }
      : null,
  );
  return (ctx) => {
    const waits = [];
    state.forEach((s, i) => {
      if (!s) return;
      if (!s.task.active() && Date.now() - s.at >= s.maxAgeMs) {
        s.task.run(ctx, async () => {
          try {
            gate.enrich(i, await facilitators[i].accepts(gate.acceptsRequest(i)));
            s.okAt = Date.now();
          } catch (e) {
            console.error(`x402: a facilitator's /accepts could not be read: ${e?.message ?? e}`);
            if (Date.now() - s.okAt > HINT_LIFE_MS) gate.forgetHints(i);
          } finally {
            s.at = Date.now();
          }
        });
      }
      if (s.task.active() && Date.now() - s.okAt >= ACCEPTS_STALE_MS) waits.push(s.task.promise);
    });
    return waits;
  };
}

let warnedInMemory = false;

/**
 * The framework-free core: `handle(request, next, ctx, routing)` answers a request, calling `next()`
 * (the protected handler, returning a Response) only for a verified, reserved payment. `routing`
 * gives a framework's own view of the path: `{paths: [its decoded path], mount: the pattern of
 * the sub-app the middleware runs in}`; the gate protects the request if any view matches a route.
 */
export function createPaymentHandler(routes, options = {}) {
  const configs = Array.isArray(options.facilitator) ? options.facilitator : [options.facilitator ?? {}];
  const gate = new PaymentGate(routes, { verify: options.verify, facilitatorNetworks: configs.map((c) => c?.networks ?? null) });
  const page = defaultPaywall(options.paywall);
  if (configs.length === 0) throw x402Error(Code.InvalidArgument, "options.facilitator needs at least one facilitator");
  const facilitators = configs.map(facilitatorClient);
  const settleFirst = options.settleBeforeHandler === true;
  if (!options.nonceStore && !warnedInMemory) {
    warnedInMemory = true;
    console.warn(
      "x402: no nonceStore given, so used payments are remembered in this isolate only; on Workers pass durableObjectNonceStore(env.X402_NONCES)",
    );
  }
  const store = options.nonceStore ?? new InMemoryNonceStore();
  if (typeof store.settling !== "function" || typeof store.unknown !== "function") {
    console.warn(
      "x402: the nonceStore has no settling()/unknown(): a settlement with no final answer cannot be finished by the same payment, which is then refused as a replay",
    );
  }
  const deferredAllowed = deferredLimiter({ ...DEFERRED_BUDGET, ...options.deferredChecksPerMinute });
  // What only a facilitator knows of an offer (a Solana fee payer; faremeter's enrichment), asked
  // for lazily: `prepare(ctx)` starts what is due and lists what a request should wait for.
  const waitMs = options.supportedWaitMs ?? 1500;
  const limitMs = Math.max(...configs.map((c) => c?.timeoutMs ?? DEFAULT_TIMEOUT_MS)) + 5_000;
  const learn = supportedLearner(gate, facilitators, limitMs);
  const enrich = acceptsEnricher(gate, facilitators, configs, limitMs);
  const prepare = (ctx) => waitAtMost([...learn(ctx), ...enrich(ctx)], waitMs);
  const { onVerified, onSettled, onSettleFailed } = options;
  const paywall = page ?? options.paywall;

  return async function handle(request, next, ctx, routing = {}) {
    const url = request.url;
    const pathname = new URL(url).pathname;
    if (page && (pathname === page.script || pathname === page.wasm)) {
      const asset = await paywallAsset(page, request, pathname);
      if (asset) return asset;
    }
    const headers = getter(request);
    const now = Math.floor(Date.now() / 1000);
    // The framework's own reading first: it decides the route (the price); the URL's adds protection.
    const paths = [...(routing.paths ?? []), pathname];
    let step = gate.decide(request.method, paths, routing.mount, url, headers, now);
    // A paid route first has the offers only a facilitator completes; a free one never waits.
    if (step.kind !== "free" && (await prepare(ctx))) step = gate.decide(request.method, paths, routing.mount, url, headers, now);
    if (step.kind === "free") return next();
    if (step.kind === "respond") return respond(step.response, paywall);

    const refuse = (plan) => respond(plan, paywall);
    const facilitator = facilitators[step.facilitator];
    if (step.contractSignature && !deferredAllowed({ payer: step.payer.toLowerCase(), client: step.client, all: "" })) {
      return respond(planTooManyDeferredChecks());
    }
    const { nonceKey: key, shard, expiresAt, x402Version: version } = step;
    const owner = crypto.randomUUID();
    const claimed = await store.reserve(key, expiresAt, owner, shard);
    if (claimed === "busy") return respond(planInProgress());
    if (!claimed) return refuse(gate.refuse(step.route, url, headers, step.replayReason));
    // An earlier settlement of this very payment has no final answer: finish it, do not refuse it.
    const retry = claimed === "retry";
    // Until /settle is called nothing has moved: the key is released on any failure. After, it
    // stays claimable by the same payment only (`unknown`), never free for a replay.
    let sentToSettle = retry;
    let recorded = false; // the settlement already wrote the key's state
    const free = async () => {
      if (recorded) return;
      if (sentToSettle) await store.unknown?.(key, owner, shard);
      else await store.release(key, owner, shard);
    };

    /** Settles (once more if the facilitator says pending), recording each step; `ctx.waitUntil`
     * keeps it running if the client goes away. */
    const settle = (declared = null) => {
      const body = settleBody(declared);
      const run = (async () => {
        sentToSettle = true;
        await store.settling?.(key, owner, shard);
        try {
          let result = await facilitator.settle(body);
          if (result.outcome === "pending") result = await facilitator.settle(body);
          // A settlement with no transaction settled nothing: only a metered charge of zero may.
          if (result.outcome === "settled" && !result.settlement.transaction && body.paymentRequirements?.amount !== "0") {
            throw new FacilitatorError(
              Code.FacilitatorInvalidResponse,
              "facilitator /settle answered success without a transaction for a non-zero amount",
            );
          }
          if (result.outcome === "settled") {
            await safely(() => store.commit(key, owner, expiresAt, shard));
          } else if (result.outcome === "pending" || retry) {
            // No final answer; or a refusal of a payment whose earlier settlement may have gone
            // through (a facilitator that does not reconcile says "nonce used"): the key is not
            // freed, and the payer is told to send the same payment again.
            await store.unknown?.(key, owner, shard);
            result.unresolved = true;
          } else {
            await store.release(key, owner, shard);
          }
          return result;
        } catch (e) {
          await store.unknown?.(key, owner, shard);
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
    /** The `/settle` body: for a metered payment, its requirement carries the amount charged (the
     * declared usage, held between the route's minimum and the signed maximum). */
    const settleBody = (declared) => {
      if (!step.meter) return step.request;
      const { maximum, minimum, decimals } = step.meter;
      const charge = chargeFor(maximum, minimum, decimals, declared ?? undefined);
      if (charge.note) console.warn(`x402: ${charge.note}`);
      const { paymentRequirements } = step.request;
      return { ...step.request, paymentRequirements: { ...paymentRequirements, amount: charge.amount } };
    };
    /** Settles, then answers: open, refused, or `onPaid(result)` once the money moved. */
    const settleThen = async (onPaid, declared) => {
      const result = await settle(declared);
      if (result.unresolved) return respond(planUnresolved(version, result.header, result.outcome));
      if (result.outcome !== "settled") {
        await safely(() => onSettleFailed?.({ payer: step.payer, settlement: result.settlement }));
        return refuse(gate.settleRefused(step.route, url, headers, version, result.settlement.errorReason, result.header));
      }
      await safely(() => onSettled?.({ payer: step.payer, settlement: result.settlement }));
      return onPaid(result);
    };

    try {
      // The handler runs only for a payment known to be fundable: the facilitator's /verify, unless
      // the operator chose "local" (then it may run for unfunded payers). A smart-wallet signature
      // is never taken on local word alone. A retry was verified when it was first presented.
      if (!retry && step.verifyRemotely) {
        const verdict = await facilitator.verify(step.request);
        if (!verdict.isValid) {
          await free();
          return refuse(gate.verifyRefused(step.route, url, headers, verdict));
        }
      }
      const { paymentPayload, paymentRequirements } = step.request;
      await onVerified?.({ payer: step.payer, paymentPayload, requirements: paymentRequirements });

      if (settleFirst) {
        // Paid before the handler ran: whatever it answers, its answer is what was bought, and
        // even a handler that throws leaves the payer its receipt.
        return await settleThen(async (result) => {
          try {
            // Usage declared now comes too late: a metered payment settled first is charged its maximum.
            const { response } = takeOverrides(await next());
            return deliver(response, NULL_BODY.has(response.status) ? null : await response.arrayBuffer(), version, result.header);
          } catch (e) {
            console.error("x402: the handler failed after the payment was settled", e);
            return respond(planHandlerFailed(version, result.header));
          }
        });
      }

      const { response, declared } = takeOverrides(await next());
      if (response.status >= 400) {
        await free();
        return withHeaders(response, passedHeaders());
      }
      // Buffer the content: it is released only once the money has moved.
      const content = NULL_BODY.has(response.status) ? null : await response.arrayBuffer();
      return await settleThen((result) => deliver(response, content, version, result.header), declared);
    } catch (e) {
      await free();
      // Sent to /settle with no final answer: the client is to re-send this same payment.
      if (e instanceof FacilitatorError) return respond(planFacilitatorFault(e.code, e.message, sentToSettle));
      throw e;
    }
  };
}

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
    console.warn(
      "x402: this Hono does not say where the middleware is mounted (c.req.matchedRoutes); in a sub-app or under basePath pass options.mount, or write the route table with full paths",
    );
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
    const response = await handle(
      c.req.raw,
      async () => {
        ran = true;
        await next();
        return c.res;
      },
      ctx,
      honoRouting(c, options?.mount),
    );
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
