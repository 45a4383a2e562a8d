// The client face's exports: the fetch wrapper, its signers and the header codecs. Alone as
// `x402-wasm/client` (pkg/client, over a module built without the server face) and as
// `x402-wasm/client/evm` (pkg/client-evm, EVM alone), and at the root as client-api.js (over the
// module with both). The entry initializes the module beside it before
// any of these can be called.
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
