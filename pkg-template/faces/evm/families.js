// families.js of the EVM-only faces: their module has no Casper and no Solana, so a signer for
// either is refused when it is made, with the face that has it named.
import { Code, x402Error } from "./errors.js";

/** Refuses `family`: this face's module does not carry it. */
export function requireFamily(family) {
  throw x402Error(Code.InvalidNetwork, `x402-wasm/client/evm pays on EVM networks only: ${family} signers are in x402-wasm/client`);
}

const absent = (family) =>
  function () {
    requireFamily(family);
  };
export const CasperPrivateKeySigner = absent("Casper");
export const SolanaPrivateKeySigner = absent("Solana");
export const solanaWalletChain = absent("Solana");
export const solanaMessageBytes = absent("Solana");
export const solanaSigners = absent("Solana");
export const solanaWithSignature = absent("Solana");
