// The public surface, shared by every entry point. The wasm module is initialized by the entry
// (node.js, web.js or workerd.js) before any of these can be called.
export {
  verifyPayment,
  findMatchingRequirements,
  decodePaymentSignatureHeader,
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  encodePaymentSignatureHeader,
  encodePaymentRequiredHeader,
  encodePaymentResponseHeader,
  createPaymentWithKey,
} from "./x402_wasm.js";
