// The client face (`x402-wasm/client`): the fetch wrapper, its signers and the header codecs, over
// a wasm module built without the server face. The entry (node.js, web.js or workerd.js)
// initializes the module before any of these can be called.
export {
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
