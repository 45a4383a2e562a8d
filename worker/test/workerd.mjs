// Runs the example Worker as wrangler bundled it (worker/dist) in workerd through Miniflare, with
// its Durable Object nonce store. Shared by the Worker suite, the CPU measurement, the end-to-end
// stack, and (with `scriptPath`) the paid MCP Worker of tests/mcp.
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";

/** A Miniflare instance of the example Worker (or the bundle at `scriptPath`, which binds the same
 * Durable Object) with `bindings` as its vars; `port` exposes it on loopback. */
export function startWorkerd(bindings, { port, scriptPath = fileURLToPath(new URL("../dist/index.js", import.meta.url)) } = {}) {
  return new Miniflare({
    scriptPath,
    modules: true,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
      { type: "Data", include: ["**/*.bin"] },
    ],
    compatibilityDate: "2026-04-01",
    durableObjects: { X402_NONCES: { className: "X402NonceStore", useSQLite: true } },
    bindings,
    ...(port === undefined ? {} : { host: "127.0.0.1", port }),
  });
}

/** A Miniflare instance of the facilitator Worker (worker/dist-facilitator) with `bindings` as
 * its vars (FACILITATOR_KEY, NETWORK, RPC_URL, …) and its signer's Durable Object. */
export function startFacilitatorWorkerd(bindings, { port } = {}) {
  return new Miniflare({
    scriptPath: fileURLToPath(new URL("../dist-facilitator/facilitator.js", import.meta.url)),
    modules: true,
    modulesRules: [
      { type: "ESModule", include: ["**/*.js"] },
      { type: "CompiledWasm", include: ["**/*.wasm"] },
    ],
    compatibilityDate: "2026-04-01",
    durableObjects: { FACILITATOR_SIGNER: { className: "X402FacilitatorSigner", useSQLite: true } },
    bindings,
    ...(port === undefined ? {} : { host: "127.0.0.1", port }),
  });
}
