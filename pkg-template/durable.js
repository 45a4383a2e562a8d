// The nonce store as a Durable Object: one consistent record of which payments were used, across
// every isolate. Bind it as a Durable Object class and pass `durableObjectNonceStore(env.BINDING)`.
// The states and the rule for taking a key over are `claim`'s (nonces.js).
import { DurableObject } from "cloudflare:workers";
import { claim } from "./nonces.js";

const PURGE_EVERY_MS = 60 * 60 * 1000;
const now = () => Math.floor(Date.now() / 1000);

export class X402NonceStore extends DurableObject {
  /** Reserves `key` until `expiresAt` (unix seconds): true, `"retry"`, or false if in use or used. */
  async reserve(key, expiresAt) {
    // No await between the read and the write but storage calls, so no other request interleaves.
    const entry = await this.ctx.storage.get(key);
    const claimed = claim(entry, now());
    if (claimed === true) await this.ctx.storage.put(key, { state: "reserved", expiresAt });
    if (claimed === "retry") await this.ctx.storage.put(key, { ...entry, state: "settling", since: now() });
    if (claimed === true && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + PURGE_EVERY_MS);
    return claimed;
  }

  /** Marks a reservation as sent to /settle. */
  async settling(key) {
    await this.#mark(key, { state: "settling", since: now() });
  }

  /** Marks a settlement whose outcome is unknown: the same payment may come back to finish it. */
  async unknown(key) {
    await this.#mark(key, { state: "unknown" });
  }

  /** Frees a key whose payment did not move money (not served, or refused by /settle). */
  async release(key) {
    const entry = await this.ctx.storage.get(key);
    if (entry && entry.state !== "settled") await this.ctx.storage.delete(key);
  }

  /** Marks a reservation as settled: it is never released. */
  async commit(key) {
    await this.#mark(key, { state: "settled" });
  }

  async #mark(key, change) {
    const entry = await this.ctx.storage.get(key);
    if (entry && entry.state !== "settled") await this.ctx.storage.put(key, { ...entry, ...change });
  }

  /** Drops expired keys (a payment past its validBefore can no longer settle anywhere), a page at a time. */
  async alarm() {
    const t = now();
    let startAfter;
    for (;;) {
      const page = await this.ctx.storage.list({ limit: 512, startAfter });
      if (page.size === 0) break;
      const expired = [...page].filter(([, e]) => e.expiresAt < t).map(([k]) => k);
      for (let i = 0; i < expired.length; i += 128) await this.ctx.storage.delete(expired.slice(i, i + 128));
      startAfter = [...page.keys()].at(-1);
      if (page.size < 512) break;
    }
    if ((await this.ctx.storage.list({ limit: 1 })).size > 0) await this.ctx.storage.setAlarm(Date.now() + PURGE_EVERY_MS);
  }
}
