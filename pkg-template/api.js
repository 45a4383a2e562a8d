// The public surface, shared by every entry point. The wasm module is initialized by the entry
// (node.js, web.js or workerd.js) before any of these can be called.
export {
  verifyPayment,
  findMatchingRequirements,
  selectPaymentRequirements,
  PaymentDraft,
  draftQueries,
  decodePaymentSignatureHeader,
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  encodePaymentSignatureHeader,
  encodePaymentRequiredHeader,
  encodePaymentResponseHeader,
} from "./x402_wasm.js";
export {
  wrapFetchWithPayment,
  privateKeySigner,
  casperPrivateKeySigner,
  solanaPrivateKeySigner,
  injectedWalletSigner,
  injectedSolanaWalletSigner,
  decodePaymentResponse,
} from "./client.js";
export { paymentMiddleware, withPayment, createPaymentHandler, setSettlementOverrides } from "./server.js";
export { withX402, withX402Client } from "./mcp.js";
export { InMemoryNonceStore, durableObjectNonceStore } from "./nonces.js";
