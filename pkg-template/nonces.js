// The nonce stores: where each payment's one-time use is recorded. One rule (`claim`) for every
// store; the in-memory store here, the Durable Object one in durable.js.

/** Seconds a settlement may stay in flight before a re-presented payment may take it over (the
 * isolate that started it may have died mid-call). */
const SETTLE_LEASE_SECONDS = 60;
/** How many entries one call of the in-memory store looks at for expiry. */
const PURGE_PER_CALL = 32;

/**
 * The states of a payment's key: `reserved` (verified, being served), `settling` (sent to /settle),
 * `unknown` (/settle gave no final answer: the money may have moved), `settled`. A key that is
 * `unknown`, or `settling` for longer than the lease, is handed to the next request presenting
 * the same payment as `"retry"`: it is settled again (the facilitator reconciles) instead of being
 * refused as a replay, so the payer gets what it paid for and never needs to sign anew.
 */
export function claim(entry, now) {
  if (!entry || entry.expiresAt < now) return true;
  if (entry.state === "unknown" || (entry.state === "settling" && entry.since + SETTLE_LEASE_SECONDS < now)) return "retry";
  return false;
}

/** Nonce reservations in this isolate's memory: for tests and single-isolate deployments. */
export class InMemoryNonceStore {
  #entries = new Map();

  /** Reserves `key` until `expiresAt` (unix seconds): true, `"retry"` (see above), or false if it is in use or used. */
  async reserve(key, expiresAt) {
    const now = Math.floor(Date.now() / 1000);
    // Oldest first: a few expired entries go on every call, so no call pays for all of them.
    let looked = 0;
    for (const [k, e] of this.#entries) {
      if (looked++ >= PURGE_PER_CALL) break;
      if (e.expiresAt < now) this.#entries.delete(k);
    }
    const entry = this.#entries.get(key);
    const claimed = claim(entry, now);
    if (claimed === true) {
      this.#entries.delete(key);
      this.#entries.set(key, { state: "reserved", expiresAt });
    } else if (claimed === "retry") {
      entry.state = "settling";
      entry.since = now;
    }
    return claimed;
  }

  /** Marks a reservation as sent to /settle. */
  async settling(key) {
    const entry = this.#entries.get(key);
    if (entry && entry.state !== "settled") Object.assign(entry, { state: "settling", since: Math.floor(Date.now() / 1000) });
  }

  /** Marks a settlement whose outcome is unknown: the same payment may come back to finish it. */
  async unknown(key) {
    const entry = this.#entries.get(key);
    if (entry && entry.state !== "settled") entry.state = "unknown";
  }

  /** Frees a key whose payment did not move money (not served, or refused by /settle). */
  async release(key) {
    const entry = this.#entries.get(key);
    if (entry && entry.state !== "settled") this.#entries.delete(key);
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
    settling: (key) => stub(key).settling(key),
    unknown: (key) => stub(key).unknown(key),
    release: (key) => stub(key).release(key),
    commit: (key) => stub(key).commit(key),
  };
}

