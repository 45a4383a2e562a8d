// families.js of the EVM-only client face: its module has no Casper and no Solana, so a signer
// of another family is refused when it is made (or handed to the fetch wrapper), with the face
// that has every family named.
import { defaultFamily } from "./x402_wasm.js";
import { Code, x402Error } from "./errors.js";

const refuse = (what) => {
  throw x402Error(Code.InvalidNetwork, `x402-wasm/client/evm pays on EVM networks only, not ${what} (x402-wasm/client has every family)`);
};

/** Refuses a signer of `family` (a CAIP-2 namespace) other than EVM's. */
export function requireFamily(family) {
  if (family !== defaultFamily()) refuse(`with a ${family} signer`);
}

const absent = (what) =>
  function () {
    refuse(what);
  };
export const CasperPrivateKeySigner = absent("with a Casper key");
export const SolanaPrivateKeySigner = absent("with a Solana key");
export const solanaWalletChain = absent("on Solana");
export const solanaMessageBytes = absent("on Solana");
export const solanaSigners = absent("on Solana");
export const solanaWithSignature = absent("on Solana");
