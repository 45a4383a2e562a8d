// The server face's exports: the middleware, local verification, the nonce stores and the header
// codecs. Alone as `x402-wasm/server` (pkg/server, over a module built without the client face)
// and as `x402-wasm/server/evm` (pkg/server-evm, EVM alone), and at the root as server-api.js
// (over the module with both). The entry initializes the module
// beside it before any of these can be called.
export {
  verifyPayment,
  findMatchingRequirements,
  decodePaymentSignatureHeader,
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  encodePaymentSignatureHeader,
  encodePaymentRequiredHeader,
  encodePaymentResponseHeader,
} from "./x402_wasm.js";
export { paymentMiddleware, withPayment, createPaymentHandler, setSettlementOverrides } from "./server.js";
export { InMemoryNonceStore, durableObjectNonceStore } from "./nonces.js";
