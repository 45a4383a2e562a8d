// The facilitator face: x402's POST /verify, POST /settle and GET /supported over HTTP, for any
// x402 server (@x402/core's HTTPFacilitatorClient is the client it serves). The protocol, the
// checks, the transaction and the key are wasm's (X402Facilitator). This file holds the I/O: the
// JSON-RPC endpoints, the routes and their bearer token, and the Settler, which gives each
// transaction its account nonce and records each settlement under its payment's key so that a
// payment is sent once, whoever asks how often.
import { X402Facilitator } from "./x402_wasm.js";
import { Code, x402Error } from "./errors.js";

const MAX_BODY_BYTES = 64 * 1024;
const unixNow = () => Math.floor(Date.now() / 1000);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** What a node says when it did not take a transaction (geth, reth, Nethermind, Erigon, anvil). */
const REFUSED =
  /insufficient funds|fee too low|underpriced|less than (the )?block base fee|intrinsic gas|exceeds block gas limit|gas limit reached|invalid sender|invalid signature|nonce too low|nonce too high|already used|oversized|tx fee .* exceeds/i;
/** The words of a refusal because the account nonce is taken. */
const NONCE_TAKEN = /nonce too low|nonce.*(used|already)/i;
const json = (value, status = 200) => new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

/** A JSON-RPC error the node answered: what wasm reads as the node's word (a revert is one). */
class NodeError extends Error {
  constructor({ code, message, data }) {
    super(String(message ?? "node error"));
    this.code = code;
    if (typeof data === "string") this.data = data;
    else if (typeof data?.data === "string") this.data = data.data;
  }
}

/**
 * `rpc(chainId, method, params)` over HTTP JSON-RPC: `endpoints` maps a chain id to its URL. It
 * resolves to the `result`, rejects with a `NodeError` (numeric `code`) when the node answered an
 * error, and with a plain `Error` when there was no answer (down, slow, not JSON-RPC).
 */
export function jsonRpc(endpoints, { timeoutMs = 10_000, fetch: fetcher = globalThis.fetch } = {}) {
  let id = 0;
  return async (chainId, method, params) => {
    const url = endpoints.get(chainId);
    if (!url) throw new Error(`no RPC endpoint for chain ${chainId}`);
    let answer;
    try {
      const res = await fetcher(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      answer = await res.json();
    } catch (e) {
      throw new Error(`${method}: ${e?.message ?? e}`);
    }
    if (answer?.error && typeof answer.error.code === "number") throw new NodeError(answer.error);
    if (answer === null || typeof answer !== "object" || !("result" in answer)) {
      throw new Error(`${method}: the answer is not JSON-RPC`);
    }
    return answer.result;
  };
}

/**
 * Settles payments with one signer: sends go one at a time per chain, so each transaction gets the
 * next account nonce and a refused one gives its nonce back before the next is taken; receipts are
 * awaited side by side. Each payment's settlement is recorded in `storage` (`get`, `put`,
 * `delete`; a Durable Object's storage, or a Map's) under its key, before it is sent: the same
 * payment asked again, at once or later, gets the first answer, and a transaction whose outcome
 * is open is looked up (and sent again, the same bytes, if the node dropped it), never replaced
 * by a second.
 */
export class Settler {
  #f;
  #rpc;
  #storage;
  #running = new Map();
  #lanes = new Map();
  #nonces = new Map();
  #unconfirmed = new Map();
  #receiptTimeoutMs;
  #pollMs;
  #stuckAfterMs;

  constructor(facilitator, rpc, storage, { receiptTimeoutMs = 15_000, pollMs = 250, stuckAfterMs = 60_000 } = {}) {
    this.#f = facilitator;
    this.#rpc = rpc;
    this.#storage = storage;
    this.#receiptTimeoutMs = receiptTimeoutMs;
    this.#pollMs = pollMs;
    this.#stuckAfterMs = stuckAfterMs;
  }

  /** The SettleResponse for a /settle body (JSON text). */
  async settle(body) {
    const key = this.#f.settlementKey(body);
    if (key === undefined) return (await this.#f.prepare(body, this.#rpc, unixNow())).response;
    let running = this.#running.get(key);
    if (!running) {
      running = this.#settle(body, key).finally(() => this.#running.delete(key));
      this.#running.set(key, running);
    }
    return running;
  }

  async #settle(body, key) {
    let prepared;
    try {
      const record = await this.#storage.get(key);
      if (record?.response) return record.response;
      if (record?.hash) return await this.#confirm(key, record, body);
      const outcome = await this.#f.prepare(body, this.#rpc, unixNow());
      if (outcome.response) return outcome.response;
      prepared = outcome.prepared;
      return await this.#sendAndConfirm(key, prepared, body);
    } catch (e) {
      return this.#f.unfinished(prepared?.network ?? "", "", String(e?.message ?? e));
    }
  }

  async #sendAndConfirm(key, prepared, body) {
    const sent = await this.#inLane(prepared.chainId, () => this.#send(key, prepared));
    return sent.response ?? (await this.#confirm(key, sent.record, body));
  }

  /** Runs `task` after the chain's previous send. */
  #inLane(chainId, task) {
    const run = (this.#lanes.get(chainId) ?? Promise.resolve()).then(task);
    this.#lanes.set(
      chainId,
      run.catch(() => {}),
    );
    return run;
  }

  /** The transactions of a chain sent and not yet mined, by nonce: `{raw, sentAt}`. */
  #unmined(chainId) {
    let unmined = this.#unconfirmed.get(chainId);
    if (!unmined) this.#unconfirmed.set(chainId, (unmined = new Map()));
    return unmined;
  }

  /** The next account nonce. When a transaction has waited past stuckAfterMs, the node is asked
   * for the account's count first: the transactions it does not hold (a gap that would hold up
   * every later one) are sent again, and a count above ours (another sender) is taken. */
  async #nonce(chainId) {
    let next = this.#nonces.get(chainId);
    const unmined = this.#unmined(chainId);
    const stuck = [...unmined.values()].some((t) => Date.now() - t.sentAt > this.#stuckAfterMs);
    if (next === undefined || stuck) {
      const count = Number(BigInt(await this.#rpc(chainId, "eth_getTransactionCount", [this.#f.address, "pending"])));
      for (const [nonce, t] of [...unmined].sort(([a], [b]) => a - b)) {
        if (nonce < count) {
          unmined.delete(nonce); // the node holds it, or it was mined: no gap here
          continue;
        }
        await this.#rpc(chainId, "eth_sendRawTransaction", [t.raw]).catch(() => {});
        t.sentAt = Date.now();
      }
      // Ours not yet counted by the node stay ours: the next nonce is past them.
      const highest = Math.max(-1, ...unmined.keys());
      next = Math.max(next ?? 0, count, highest + 1);
    }
    return next;
  }

  /** In the lane: a nonce, the signature, the record, the send. `{record}` once the node may hold
   * it; `{response}` when nothing was sent. */
  async #send(key, prepared) {
    const { chainId } = prepared;
    for (let attempt = 0; ; attempt++) {
      const nonce = await this.#nonce(chainId);
      const signed = this.#f.sign(prepared, nonce, unixNow());
      if (signed.response) return { response: signed.response }; // it waited past its expiry
      const { raw, hash } = signed;
      const record = { prepared, nonce, raw, hash, sentAt: Date.now() };
      await this.#storage.put(key, record);
      this.#nonces.set(chainId, nonce + 1);
      this.#unmined(chainId).set(nonce, { raw, sentAt: record.sentAt });
      try {
        await this.#rpc(chainId, "eth_sendRawTransaction", [raw]);
        return { record };
      } catch (e) {
        // Only a refusal the node words as one means "not taken". Anything else (no answer, a
        // gateway's error, a duplicate in another client's words) may hold it: the record stands
        // and the confirmation decides.
        if (!(e instanceof NodeError) || !REFUSED.test(e.message)) return { record };
        await this.#storage.delete(key);
        this.#unmined(chainId).delete(nonce);
        if (NONCE_TAKEN.test(e.message) && attempt < 2) {
          this.#nonces.delete(chainId); // another sender used the account: read it again
          continue;
        }
        if (/nonce too high|nonce gap/i.test(e.message) && attempt < 2) {
          // An earlier transaction of ours never reached the node: fill the gap, then try again.
          for (const t of this.#unmined(chainId).values()) t.sentAt = 0;
          this.#nonces.delete(chainId);
          continue;
        }
        this.#nonces.set(chainId, nonce); // nothing sent: the nonce is the next one's
        return { response: this.#f.refused(prepared, e.message) };
      }
    }
  }

  /** The answer a mined transaction gives, recorded for good. */
  async #final(key, prepared, hash, receipt, nonce) {
    const response = this.#f.settled(prepared, hash, receipt);
    await this.#storage.put(key, { response });
    this.#unmined(prepared.chainId).delete(nonce);
    return response;
  }

  /** The transaction's receipt within the bound, or an open answer naming it. */
  async #confirm(key, record, body) {
    const { prepared, hash, raw, nonce } = record;
    const deadline = Date.now() + this.#receiptTimeoutMs;
    let why = `no receipt within ${this.#receiptTimeoutMs} ms`;
    // A block is often mined within milliseconds (a fast chain, a local one): look soon, then
    // less often, up to pollMs apart.
    for (let wait = 5; ; wait = Math.min(2 * wait, this.#pollMs)) {
      try {
        const receipt = await this.#rpc(prepared.chainId, "eth_getTransactionReceipt", [hash]);
        if (receipt) return this.#final(key, prepared, hash, receipt, nonce);
      } catch (e) {
        why = String(e?.message ?? e);
      }
      if (Date.now() + wait > deadline) break;
      await sleep(wait);
    }
    try {
      const known = await this.#rpc(prepared.chainId, "eth_getTransactionByHash", [hash]);
      if (known === null) {
        try {
          await this.#rpc(prepared.chainId, "eth_sendRawTransaction", [raw]);
          why = "the node had dropped the transaction: it was sent again";
        } catch (e) {
          if (!(e instanceof NodeError) || !NONCE_TAKEN.test(e.message)) throw e;
          // Its nonce went to another transaction: it can never be mined. If the payment is
          // still unused on chain, it is settled afresh; if it is used, it was most likely this
          // transaction, seen late by the node: the answer stays open.
          const outcome = await this.#f.prepare(body, this.#rpc, unixNow());
          if (outcome.prepared) {
            await this.#storage.delete(key);
            this.#unmined(prepared.chainId).delete(nonce);
            return this.#sendAndConfirm(key, outcome.prepared, body);
          }
          why = `its nonce was taken and the payment is used on chain: ${outcome.response.errorReason}`;
        }
      } else if (Date.now() - record.sentAt > this.#stuckAfterMs) {
        why = `stuck: sent ${Math.round((Date.now() - record.sentAt) / 1000)} s ago and not mined`;
      }
    } catch (e) {
      why = String(e?.message ?? e);
    }
    return this.#f.pending(prepared, hash, why);
  }
}

/** A Map as Settler storage (one process; a Worker uses a Durable Object's). */
export function memoryStorage() {
  const map = new Map();
  return {
    get: async (k) => map.get(k),
    put: async (k, v) => void map.set(k, v),
    delete: async (k) => void map.delete(k),
  };
}

function sameToken(given, expected) {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i];
  return diff === 0;
}

/**
 * A facilitator. `options`:
 * - `privateKey`: the signer's key, 32 bytes of hex (held in wasm; pass a Worker secret);
 * - `rpc`: `{ "eip155:<id>": url }`, the networks it settles on and their JSON-RPC endpoints;
 * - `token`: when set, every route requires `Authorization: Bearer <token>`;
 * - `maxFeePerGas` (wei, decimal string), `maxGas`: what one settlement may spend;
 * - `rpcTimeoutMs`, `receiptTimeoutMs`, `pollMs`, `stuckAfterMs`: the bounds of waiting;
 * - `settle`: `(body) => Promise<SettleResponse>`, where /settle runs (a Durable Object); by
 *   default a Settler in this isolate with `storage` (default in memory).
 * Returns `{ address, fetch(request), verify(body), settle(body), supported() }`.
 */
export function createFacilitator(options = {}) {
  const { privateKey, rpc: endpoints, token, maxFeePerGas, maxGas, rpcTimeoutMs } = options;
  if (typeof privateKey !== "string") throw x402Error(Code.InvalidArgument, "createFacilitator: privateKey is required");
  if (!endpoints || typeof endpoints !== "object")
    throw x402Error(Code.InvalidArgument, "createFacilitator: rpc must map networks to URLs");
  if (token !== undefined && (typeof token !== "string" || token.length === 0)) {
    throw x402Error(Code.InvalidArgument, "createFacilitator: token must be a non-empty string");
  }
  const networks = Object.keys(endpoints);
  const facilitator = new X402Facilitator(privateKey, networks, maxFeePerGas, maxGas);
  const urls = new Map(Array.from(facilitator.chainIds(), (id, i) => [id, endpoints[networks[i]]]));
  const rpc = options.rpcFunction ?? jsonRpc(urls, { timeoutMs: rpcTimeoutMs });
  const settler = options.settle ? null : new Settler(facilitator, rpc, options.storage ?? memoryStorage(), options);
  const settle = options.settle ?? ((body) => settler.settle(body));
  const verify = (body) => facilitator.verify(body, rpc, unixNow());

  async function fetch(request) {
    if (token !== undefined) {
      const auth = request.headers.get("authorization") ?? "";
      if (!auth.startsWith("Bearer ") || !sameToken(auth.slice(7), token)) {
        return json({ error: Code.Unauthorized }, 401);
      }
    }
    const route = new URL(request.url).pathname.replace(/\/+$/, "").split("/").at(-1);
    const method = route === "supported" ? "GET" : route === "verify" || route === "settle" ? "POST" : null;
    if (method === null) return json({ error: Code.InvalidPath }, 404);
    if (request.method !== method) return new Response(null, { status: 405, headers: { allow: method } });
    if (route === "supported") return json(facilitator.supported());
    if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return json({ error: Code.InvalidArgument }, 413);
    const body = await request.text();
    if (new TextEncoder().encode(body).length > MAX_BODY_BYTES) return json({ error: Code.InvalidArgument }, 413);
    try {
      return json(await (route === "verify" ? verify(body) : settle(body)));
    } catch (e) {
      // No answer about the money (the signer's Durable Object failed): a 5xx, so that the
      // server asks again with the same payment, and gets its record.
      return json({ error: Code.Internal, message: String(e?.message ?? e) }, 500);
    }
  }

  return { address: facilitator.address, fetch, verify, settle, supported: () => facilitator.supported() };
}
