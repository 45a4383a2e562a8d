// families.js of the EVM-only client face: its module has no Casper and no Solana, so a signer
// of either is refused when it is made (or handed to the fetch wrapper), with the face that has
// every family named. Which families are left out is the module's to say.
import { familiesLeftOut } from "./x402_wasm.js";
import { Code, x402Error } from "./errors.js";

const refuse = (what) => {
  throw x402Error(Code.InvalidNetwork, `x402-wasm/client/evm pays on EVM networks only, not ${what} (x402-wasm/client has every family)`);
};

let leftOut;

/** Refuses a signer of `family` (a CAIP-2 namespace) when this face's module leaves it out. */
export function requireFamily(family) {
  leftOut ??= familiesLeftOut();
  if (leftOut.includes(family)) refuse(`with a ${family} signer`);
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
