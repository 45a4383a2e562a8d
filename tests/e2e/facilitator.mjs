// The official x402 facilitator, built from @x402/core (x402Facilitator) and @x402/evm (the exact
// scheme, v2 and v1, and upto, v2), settling with a viem wallet on the local chain, behind a small HTTP server
// (tests/js/facilitator-http.mjs). It is the independent judge of every payment in the
// end-to-end suite.
import { createWalletClient, http, publicActions } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { x402Facilitator } from "@x402/core/facilitator";
import { toFacilitatorEvmSigner } from "@x402/evm";
import { ExactEvmScheme } from "@x402/evm/exact/facilitator";
import { ExactEvmSchemeV1 } from "@x402/evm/exact/v1/facilitator";
import { UptoEvmScheme } from "@x402/evm/upto/facilitator";
import { serveFacilitator } from "../js/facilitator-http.mjs";

/** Starts the facilitator for `chain` (the harness of chain.mjs) on 127.0.0.1; `port` 0 = any. */
export async function startFacilitator(chain, { port = 0 } = {}) {
  const account = privateKeyToAccount(chain.keys.facilitator);
  const wallet = createWalletClient({ account, chain: chain.publicClient.chain, transport: http(chain.rpcUrl) }).extend(publicActions);
  const signer = toFacilitatorEvmSigner({
    address: account.address,
    readContract: (a) => wallet.readContract({ ...a, args: a.args ?? [] }),
    verifyTypedData: (a) => wallet.verifyTypedData(a),
    writeContract: (a) => wallet.writeContract(a),
    sendTransaction: (a) => wallet.sendTransaction(a),
    waitForTransactionReceipt: (a) => wallet.waitForTransactionReceipt(a),
    getCode: (a) => wallet.getCode(a),
  });
  const facilitator = new x402Facilitator()
    .register(chain.network, new ExactEvmScheme(signer))
    .register(chain.network, new UptoEvmScheme(signer))
    .registerV1(["base-sepolia"], new ExactEvmSchemeV1(signer));

  return { ...(await serveFacilitator(facilitator, { port })), address: account.address };
}
