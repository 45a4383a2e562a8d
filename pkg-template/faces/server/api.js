// The server face (`x402-wasm/server`): the middleware, local verification, the nonce stores and
// the header codecs, over a wasm module built without the client face. The entry (node.js, web.js
// or workerd.js) initializes the module before any of these can be called.
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
