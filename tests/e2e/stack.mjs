// The whole x402 stack on loopback, started by this repository alone: a local chain with our
// EIP-3009 token (chain.mjs), the official facilitator (facilitator.mjs), a Solana SVM (LiteSVM)
// with USDC and its official facilitator (tests/solana/svm.mjs), our Worker in workerd (the
// wrangler bundle in worker/dist, via Miniflare), the reference @x402/hono server, and the www/
// dapp. Everything is stopped by stop().
import { startWorkerd } from "../../worker/test/workerd.mjs";
import { startChain } from "./chain.mjs";
import { startFacilitator } from "./facilitator.mjs";
import { startHonoServer } from "./hono-server.mjs";
import { startWww } from "../../www/serve.mjs";
import { startSvm, startSvmFacilitator, startSvmRpc } from "../solana/svm.mjs";

import { AMOUNT } from "./payments.mjs";

export { AMOUNT };

/** Our example Worker in workerd, pointed at `facilitatorUrl`, paid in the chain's token. */
export async function startWorker(chain, facilitatorUrl, { port = 0, verify, solana, upto } = {}) {
  const mf = startWorkerd(
    {
      FACILITATOR_URL: facilitatorUrl,
      PAY_TO: chain.addresses.payTo,
      NETWORK: chain.network,
      ASSET: chain.token.address,
      TOKEN_NAME: chain.token.name,
      TOKEN_VERSION: chain.token.version,
      AMOUNT,
      ...(verify ? { VERIFY: verify } : {}),
      ...(upto ? { UPTO_MAX: upto.max, UPTO_MIN: upto.min } : {}),
      ...(solana ? { SOLANA_PAY_TO: solana.payTo, SOLANA_FACILITATOR_URL: solana.facilitatorUrl } : {}),
    },
    { port },
  );
  const url = (await mf.ready).toString().replace(/\/$/, "");
  return { url, close: () => mf.dispose() };
}

export async function startStack({ ports = {} } = {}) {
  const stops = [];
  try {
    const chain = await startChain();
    stops.push(() => chain.stop());
    const facilitator = await startFacilitator(chain, { port: ports.facilitator ?? 0 });
    stops.push(() => facilitator.close());
    const svm = await startSvm({ payerBalance: 10_000_000n });
    const svmFacilitator = await startSvmFacilitator(svm);
    stops.push(() => svmFacilitator.close());
    const svmRpc = await startSvmRpc(svm);
    stops.push(() => svmRpc.close());
    const solana = { chain: svm, facilitator: svmFacilitator, rpc: svmRpc };
    const worker = await startWorker(chain, facilitator.url, {
      port: ports.worker ?? 0,
      solana: { payTo: svm.merchant, facilitatorUrl: svmFacilitator.url },
    });
    stops.push(() => worker.close());
    const hono = await startHonoServer(chain, facilitator.url, { amount: AMOUNT });
    stops.push(() => hono.close());
    const www = await startWww({
      upstream: worker.url,
      port: ports.www ?? 0,
      config: {
        resource: "/api/weather",
        token: { symbol: chain.token.symbol, decimals: chain.token.decimals },
        networkName: "local anvil chain",
      },
    });
    stops.push(() => www.close());
    const stop = async () => {
      for (const s of stops.reverse()) await s().catch(() => {});
    };
    return { chain, facilitator, solana, worker, hono, www, stop };
  } catch (e) {
    for (const s of stops.reverse()) await s().catch(() => {});
    throw e;
  }
}
