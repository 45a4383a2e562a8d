// The nonce store as a Durable Object: one consistent record of which payments were used, across
// every isolate. Bind it as a Durable Object class and pass `durableObjectNonceStore(env.BINDING)`.
// The states and transitions are `step`'s (nonces.js).
import { DurableObject } from "cloudflare:workers";
import { step } from "./nonces.js";

const PURGE_EVERY_MS = 60 * 60 * 1000;
const now = () => Math.floor(Date.now() / 1000);

export class X402NonceStore extends DurableObject {
  // Each method reads, decides and writes with nothing but storage calls in between, so no other
  // request to this object interleaves (the input gate).
  async #apply(key, next) {
    if (next === null) await this.ctx.storage.delete(key);
    else if (next !== undefined) await this.ctx.storage.put(key, next);
  }

  /** Reserves `key` until `expiresAt` (unix seconds) for `owner`: true, `"retry"`, `"busy"` or false. */
  async reserve(key, expiresAt, owner) {
    const { answer, next } = step.reserve(await this.ctx.storage.get(key), { now: now(), expiresAt, owner });
    await this.#apply(key, next);
    if (answer === true && (await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + PURGE_EVERY_MS);
    return answer;
  }

  /** Marks the key as sent to /settle. */
  async settling(key, owner) {
    await this.#apply(key, step.settling(await this.ctx.storage.get(key), { now: now(), owner }));
  }

  /** Marks the key's settlement as having no final answer. */
  async unknown(key, owner) {
    await this.#apply(key, step.unknown(await this.ctx.storage.get(key), { owner }));
  }

  /** Frees a key whose payment moved no money. */
  async release(key, owner) {
    await this.#apply(key, step.release(await this.ctx.storage.get(key), { owner }));
  }

  /** Records that the payment settled: never released, whoever holds the key. */
  async commit(key, owner, expiresAt) {
    await this.#apply(key, step.commit(await this.ctx.storage.get(key), { now: now(), expiresAt }));
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
