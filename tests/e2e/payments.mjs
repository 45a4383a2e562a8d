// x402 payments signed by viem for the chain of chain.mjs, as a facilitator's /verify and /settle
// body `{x402Version, paymentPayload, paymentRequirements}`: EIP-3009 and Permit2 (the x402 exact
// proxy as spender), v2.
import { randomBytes } from "node:crypto";
import { getAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";

/** The price of /weather on every server, in atomic units (0.001 TUSD). */
export const AMOUNT = "1000";

export const requirementsOf = (chain, overrides = {}) => ({
  scheme: "exact",
  network: chain.network,
  amount: AMOUNT,
  asset: chain.token.address,
  payTo: chain.addresses.payTo,
  maxTimeoutSeconds: 300,
  extra: { name: chain.token.name, version: chain.token.version },
  ...overrides,
});

/** The /verify and /settle body of a v2 payment of `accepted` with `proof`. */
const bodyOf = (accepted, proof) => ({
  x402Version: 2,
  paymentPayload: {
    x402Version: 2,
    resource: { url: "http://x/weather", description: "", mimeType: "application/json" },
    accepted,
    payload: proof,
  },
  paymentRequirements: accepted,
});

/** A v2 EIP-3009 payment signed by viem, as `{x402Version, paymentPayload, paymentRequirements}`. */
export async function eip3009Body(chain, key, { value = AMOUNT, validBefore, nonce } = {}) {
  const account = privateKeyToAccount(key);
  const now = Math.floor(Date.now() / 1000);
  const authorization = {
    from: account.address,
    to: getAddress(chain.addresses.payTo),
    value,
    validAfter: "0",
    validBefore: String(validBefore ?? now + 300),
    nonce: nonce ?? `0x${randomBytes(32).toString("hex")}`,
  };
  const signature = await account.signTypedData({
    domain: { name: chain.token.name, version: chain.token.version, chainId: chain.chainId, verifyingContract: chain.token.address },
    types: {
      TransferWithAuthorization: [
        { name: "from", type: "address" },
        { name: "to", type: "address" },
        { name: "value", type: "uint256" },
        { name: "validAfter", type: "uint256" },
        { name: "validBefore", type: "uint256" },
        { name: "nonce", type: "bytes32" },
      ],
    },
    primaryType: "TransferWithAuthorization",
    message: { ...authorization, value: BigInt(authorization.value), validAfter: 0n, validBefore: BigInt(authorization.validBefore) },
  });
  const accepted = requirementsOf(chain);
  return bodyOf(accepted, { signature, authorization });
}

/** A v2 Permit2 payment (the x402 exact proxy as spender) signed by viem. */
export async function permit2Body(chain, key, { amount = AMOUNT } = {}) {
  const account = privateKeyToAccount(key);
  const deadline = String(Math.floor(Date.now() / 1000) + 300);
  const nonce = BigInt(`0x${randomBytes(32).toString("hex")}`).toString();
  const permit2Authorization = {
    from: account.address,
    permitted: { token: chain.token.address, amount },
    spender: chain.exactProxy,
    nonce,
    deadline,
    witness: { to: getAddress(chain.addresses.payTo), validAfter: "0" },
  };
  const signature = await account.signTypedData({
    domain: { name: "Permit2", chainId: chain.chainId, verifyingContract: chain.permit2 },
    types: {
      PermitWitnessTransferFrom: [
        { name: "permitted", type: "TokenPermissions" },
        { name: "spender", type: "address" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint256" },
        { name: "witness", type: "Witness" },
      ],
      TokenPermissions: [
        { name: "token", type: "address" },
        { name: "amount", type: "uint256" },
      ],
      Witness: [
        { name: "to", type: "address" },
        { name: "validAfter", type: "uint256" },
      ],
    },
    primaryType: "PermitWitnessTransferFrom",
    message: {
      permitted: { token: chain.token.address, amount: BigInt(amount) },
      spender: chain.exactProxy,
      nonce: BigInt(nonce),
      deadline: BigInt(deadline),
      witness: { to: permit2Authorization.witness.to, validAfter: 0n },
    },
  });
  const accepted = requirementsOf(chain, {
    extra: { name: chain.token.name, version: chain.token.version, assetTransferMethod: "permit2" },
  });
  return bodyOf(accepted, { signature, permit2Authorization });
}
