// An x402 facilitator as a Worker: POST /verify, POST /settle and GET /supported, as the reference
// facilitator's HTTP API, for our middleware, @x402/hono or any x402 server. It settles `exact`
// payments (EIP-3009, Permit2) on an EVM chain through any JSON-RPC endpoint, signing with its own
// key, a Worker secret (`wrangler secret put FACILITATOR_KEY`). /settle runs in the Durable
// Object of the signer, which gives transactions their account nonces and records settlements.
import { facilitatorWorker } from "x402-wasm/facilitator";

const { worker, Signer } = facilitatorWorker((env) => ({
  privateKey: env.FACILITATOR_KEY,
  rpc: { [env.NETWORK]: env.RPC_URL },
  ...(env.FACILITATOR_TOKEN ? { token: env.FACILITATOR_TOKEN } : {}),
  ...(env.RECEIPT_TIMEOUT_MS ? { receiptTimeoutMs: Number(env.RECEIPT_TIMEOUT_MS) } : {}),
  ...(env.RPC_TIMEOUT_MS ? { rpcTimeoutMs: Number(env.RPC_TIMEOUT_MS) } : {}),
  ...(env.STUCK_AFTER_MS ? { stuckAfterMs: Number(env.STUCK_AFTER_MS) } : {}),
  signer: env.FACILITATOR_SIGNER,
}));

export default worker;
export { Signer as X402FacilitatorSigner };
