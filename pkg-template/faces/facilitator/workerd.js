// Cloudflare Workers entry of the facilitator face: wrangler imports the .wasm as a compiled module.
//
//   const { worker, Signer } = facilitatorWorker((env) => ({
//     privateKey: env.FACILITATOR_KEY, rpc: { "eip155:8453": env.RPC_URL }, token: env.FACILITATOR_TOKEN,
//     signer: env.FACILITATOR_SIGNER,
//   }));
//   export default worker;
//   export { Signer as X402FacilitatorSigner };
//
// `signer` is the Durable Object namespace bound to the exported class: /settle runs in the one
// object of the signer's address, which holds its account nonces and its record of settlements.
import wasmModule from "./x402_wasm_bg.wasm";
import { DurableObject } from "cloudflare:workers";
import { initSync } from "./x402_wasm.js";
import { createFacilitator } from "./facilitator.js";
import { Code, x402Error } from "./errors.js";

initSync({ module: wasmModule });

export * from "./facilitator.js";

/** The Worker and its Durable Object class, configured from the Worker's `env` by `configure`. */
export function facilitatorWorker(configure) {
  let made;
  const facilitatorOf = (env) => {
    if (made) return made;
    const options = configure(env);
    const namespace = options.signer;
    // One signer, one record: isolates each settling with the key would reuse its nonces.
    if (!namespace?.idFromName)
      throw x402Error(Code.InvalidArgument, "facilitatorWorker: signer must be the Durable Object namespace of the exported Signer class");
    const settle = (body) => namespace.get(namespace.idFromName(made.address)).settle(body);
    made = createFacilitator({ ...options, settle });
    return made;
  };

  class Signer extends DurableObject {
    #settle;
    constructor(ctx, env) {
      super(ctx, env);
      // The facilitator's own Settler, over this object's storage.
      this.#settle = createFacilitator({ ...configure(env), storage: ctx.storage }).settle;
    }

    /** The SettleResponse for a /settle body (JSON text). */
    settle(body) {
      return this.#settle(body);
    }
  }

  return { worker: { fetch: (request, env) => facilitatorOf(env).fetch(request) }, Signer };
}
