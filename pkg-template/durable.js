// The nonce store as a Durable Object: one consistent record of which payments were used, across
// every isolate. Bind it as a Durable Object class and pass `durableObjectNonceStore(env.BINDING)`.
import { DurableObject } from "cloudflare:workers";

const PURGE_EVERY_MS = 60 * 60 * 1000;

export class X402NonceStore extends DurableObject {
  /** Reserves `key` until `expiresAt` (unix seconds); false if it is reserved or used. */
  async reserve(key, expiresAt) {
    // No await between the read and the write but storage calls, so no other request interleaves.
    const entry = await this.ctx.storage.get(key);
    if (entry && entry.expiresAt >= Math.floor(Date.now() / 1000)) return false;
    await this.ctx.storage.put(key, { state: "reserved", expiresAt });
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + PURGE_EVERY_MS);
    return true;
  }

  /** Frees a reservation whose payment was not settled. */
  async release(key) {
    const entry = await this.ctx.storage.get(key);
    if (entry?.state === "reserved") await this.ctx.storage.delete(key);
  }

  /** Marks a reservation as settled: it is never released. */
  async commit(key) {
    const entry = await this.ctx.storage.get(key);
    if (entry) await this.ctx.storage.put(key, { ...entry, state: "settled" });
  }

  /** Drops expired keys (a payment past its validBefore can no longer settle anywhere). */
  async alarm() {
    const now = Math.floor(Date.now() / 1000);
    const expired = [...(await this.ctx.storage.list())].filter(([, e]) => e.expiresAt < now).map(([k]) => k);
    for (let i = 0; i < expired.length; i += 128) await this.ctx.storage.delete(expired.slice(i, i + 128));
    if ((await this.ctx.storage.list({ limit: 1 })).size > 0) await this.ctx.storage.setAlarm(Date.now() + PURGE_EVERY_MS);
  }
}
