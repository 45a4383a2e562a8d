// What the client glue takes from the chain families beyond EVM, from the module beside it. The
// EVM-only client face (`x402-wasm/client/evm`) gets faces/evm/families.js in its place.
export {
  CasperPrivateKeySigner,
  SolanaPrivateKeySigner,
  solanaWalletChain,
  solanaMessageBytes,
  solanaSigners,
  solanaWithSignature,
} from "./x402_wasm.js";

/** Refuses nothing: this face's module carries every family. */
export function requireFamily() {}
