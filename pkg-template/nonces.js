// The nonce stores: where each payment's one-time use is recorded. One set of transitions
// (`step`) for every store; the in-memory store here, the Durable Object one in durable.js.

/** Seconds a settlement may stay in flight before the same payment may take it over (the isolate
 * that sent it to /settle may have died mid-call). */
const SETTLE_LEASE_SECONDS = 60;
/** How many entries one call of the in-memory store looks at for expiry. */
const PURGE_PER_CALL = 32;

/**
 * The life of a payment's key, as pure transitions on its entry `{state, expiresAt, owner, since}`.
 *
 * States: `reserved` (verified, being served), `settling` (sent to /settle), `unknown` (/settle gave
 * no final answer: the money may have moved), `retrying` (the same payment came back to finish an
 * unknown settlement), `settled`. Every request that holds a key holds it under its own `owner`
 * token: a step by a request that no longer owns the key changes nothing, except `commit`, which
 * always records that money moved.
 *
 * `reserve` answers true (the key is yours), `"retry"` (an unknown settlement of this payment is
 * yours to finish: settle it again, the facilitator reconciles), `"busy"` (another request holds it:
 * answer "in progress", not "used") or false (settled: a replay).
 */
export const step = {
  reserve(entry, { now, expiresAt, owner }) {
    if (!entry || entry.expiresAt < now) return { answer: true, next: { state: "reserved", expiresAt, owner } };
    if (entry.state === "settled") return { answer: false };
    if (entry.state === "unknown" || (entry.state === "settling" && entry.since + SETTLE_LEASE_SECONDS < now)) {
      return { answer: "retry", next: { ...entry, state: "retrying", owner } };
    }
    return { answer: "busy" };
  },
  settling: (entry, { now, owner }) =>
    entry?.owner === owner && entry.state !== "settled" ? { ...entry, state: "settling", since: now } : undefined,
  unknown: (entry, { owner }) => (entry?.owner === owner && entry.state !== "settled" ? { ...entry, state: "unknown" } : undefined),
  /** `null`: delete the entry. Only a key that never went to /settle, or that /settle refused, is freed. */
  release: (entry, { owner }) => (entry?.owner === owner && entry.state !== "settled" ? null : undefined),
  commit: (entry, { now, expiresAt }) => ({ state: "settled", expiresAt: Math.max(entry?.expiresAt ?? 0, expiresAt ?? now + 3600) }),
};

/** Nonce reservations in this isolate's memory: for tests and single-isolate deployments. */
export class InMemoryNonceStore {
  #entries = new Map();

  #apply(key, next) {
    if (next === null) this.#entries.delete(key);
    else if (next !== undefined) this.#entries.set(key, next);
  }

  /** Reserves `key` until `expiresAt` (unix seconds) for `owner`: true, `"retry"`, `"busy"` or false (see `step`). */
  async reserve(key, expiresAt, owner) {
    const now = Math.floor(Date.now() / 1000);
    // Oldest first: a few expired entries go on every call, so no call pays for all of them.
    let looked = 0;
    for (const [k, e] of this.#entries) {
      if (looked++ >= PURGE_PER_CALL) break;
      if (e.expiresAt < now) this.#entries.delete(k);
    }
    const { answer, next } = step.reserve(this.#entries.get(key), { now, expiresAt, owner });
    if (answer === true) this.#entries.delete(key); // re-inserted last: the purge walks oldest first
    this.#apply(key, next);
    return answer;
  }

  /** Marks the key as sent to /settle. */
  async settling(key, owner) {
    this.#apply(key, step.settling(this.#entries.get(key), { now: Math.floor(Date.now() / 1000), owner }));
  }

  /** Marks the key's settlement as having no final answer: the same payment may come back to finish it. */
  async unknown(key, owner) {
    this.#apply(key, step.unknown(this.#entries.get(key), { owner }));
  }

  /** Frees a key whose payment moved no money. */
  async release(key, owner) {
    this.#apply(key, step.release(this.#entries.get(key), { owner }));
  }

  /** Records that the payment settled: never released, whoever holds the key. */
  async commit(key, owner, expiresAt) {
    this.#apply(key, step.commit(this.#entries.get(key), { now: Math.floor(Date.now() / 1000), expiresAt }));
  }
}

/**
 * A nonce store over the `X402NonceStore` Durable Object namespace `namespace`: consistent across
 * isolates. Keys are spread over objects by `shard` (the payer, as the gate names it), so one
 * payer's payments meet in one object; a call without a shard goes to the key's own object.
 */
export function durableObjectNonceStore(namespace) {
  const stub = (key, shard) => namespace.get(namespace.idFromName(shard ?? key));
  return {
    reserve: (key, expiresAt, owner, shard) => stub(key, shard).reserve(key, expiresAt, owner),
    settling: (key, owner, shard) => stub(key, shard).settling(key, owner),
    unknown: (key, owner, shard) => stub(key, shard).unknown(key, owner),
    release: (key, owner, shard) => stub(key, shard).release(key, owner),
    commit: (key, owner, expiresAt, shard) => stub(key, shard).commit(key, owner, expiresAt),
  };
}
