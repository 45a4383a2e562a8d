// The demo: the whole x402 stack on this machine (no internet, no real keys or money), one paid
// request from Node with every step printed, then the dapp stays up. `--once` exits after the
// receipt. Run through scripts/demo.sh, which installs and builds first.
import { privateKeyToAccount } from "viem/accounts";
import { wrapFetchWithPayment, privateKeySigner, solanaPrivateKeySigner, decodePaymentResponse } from "../pkg/node.js";
import { startStack } from "../tests/e2e/stack.mjs";
import { SEEDS, USDC } from "../tests/solana/svm.mjs";

const once = process.argv.includes("--once");
const port = (name, fallback) => Number(process.env[name] ?? fallback);
const units = (atomic, decimals) => {
  const s = atomic.toString().padStart(decimals + 1, "0");
  return `${s.slice(0, -decimals)}.${s.slice(-decimals)}`.replace(/\.?0+$/, "");
};

console.log("x402-wasm demo: everything runs on this machine; the chain, the token and the keys are local test ones.\n");
const stack = await startStack({
  ports: { facilitator: port("FACILITATOR_PORT", 4022), worker: port("WORKER_PORT", 8787), www: port("WWW_PORT", 5173) },
});
const { chain, facilitator, solana, worker, hono, www } = stack;
const { token } = chain;
const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

console.log(
  `[chain]        anvil ${chain.rpcUrl} (chain id ${chain.chainId}); ${token.name} (${token.symbol}), an EIP-3009 token, at ${token.address}`,
);
console.log(`[facilitator]  the official @x402/core + @x402/evm facilitator at ${facilitator.url}`);
console.log(`[solana]       LiteSVM (in process) with devnet USDC ${USDC} and funded test keys; its RPC at ${solana.rpc.url}`);
console.log(`[facilitator]  the official @x402/core + @x402/svm facilitator on LiteSVM at ${solana.facilitator.url}`);
console.log(`[worker]       our Worker in workerd at ${worker.url}: GET /weather and GET /solana/weather are paid, GET /health is free`);
console.log(`[reference]    @x402/hono at ${hono.url}/weather`);
console.log(`[dapp]         ${www.url}\n`);

const key = chain.keys.payers[0];
const payer = privateKeyToAccount(key).address;
const before = await chain.balanceOf(payer);
console.log(`Paying from Node: wrapFetchWithPayment + privateKeySigner (the key stays in wasm), payer ${payer}`);
console.log(`  → GET ${worker.url}/weather`);
const pay = wrapFetchWithPayment(fetch, privateKeySigner(key), {
  assets: [{ network: chain.network, asset: token.address, maxAmount: 10n ** BigInt(token.decimals) / 10n }], // 0.10 of the demo token
  onPaymentRequired: ({ paymentRequired }) => {
    const r = paymentRequired.accepts[0];
    console.log(`  ← 402 Payment Required: ${units(r.amount, token.decimals)} ${token.symbol} on ${r.network} to ${r.payTo}`);
  },
  onPaymentCreated: ({ paymentPayload }) => {
    const a = paymentPayload.payload.authorization;
    console.log(
      `  ✎ signed an EIP-3009 authorization in wasm: ${a.value} units, valid until ${new Date(a.validBefore * 1000).toISOString()}, nonce ${a.nonce.slice(0, 18)}…`,
    );
    console.log("  → the same request again, with PAYMENT-SIGNATURE");
  },
});
const response = await pay(`${worker.url}/weather`);
const receipt = decodePaymentResponse(response);
console.log(`  ← ${response.status} ${response.statusText}: ${await response.text()}`);
if (!receipt?.success) {
  console.error(`Payment failed: ${JSON.stringify(receipt)}`);
  await stack.stop();
  process.exit(1);
}
const mined = await chain.transactionReceipt(receipt.transaction);
console.log(`\nReceipt: payer ${receipt.payer}, ${units(before - (await chain.balanceOf(payer)), token.decimals)} ${token.symbol} paid,`);
console.log(`         transaction ${receipt.transaction} (${mined?.status}, block ${mined?.blockNumber}) on ${receipt.network}`);
console.log(
  `Balances: payer ${units(await chain.balanceOf(payer), token.decimals)} ${token.symbol}, merchant ${units(await chain.balanceOf(chain.addresses.payTo), token.decimals)} ${token.symbol}`,
);

// The same from a Solana key: a USDC transfer the facilitator pays the fee of and settles on LiteSVM.
const svm = solana.chain;
const solanaBefore = await svm.balanceOf(svm.payer.address);
console.log(`\nPaying on Solana: solanaPrivateKeySigner (the key stays in wasm), payer ${svm.payer.address}`);
console.log(`  → GET ${worker.url}/solana/weather`);
const payOnSolana = wrapFetchWithPayment(fetch, solanaPrivateKeySigner(SEEDS.payer, { rpcUrl: solana.rpc.url }), {
  onPaymentRequired: ({ paymentRequired }) => {
    const r = paymentRequired.accepts[0];
    console.log(`  ← 402 Payment Required: ${units(r.amount, 6)} USDC on ${r.network} to ${r.payTo}, fees paid by ${r.extra.feePayer}`);
  },
  onPaymentCreated: ({ paymentPayload }) => {
    console.log(`  ✎ signed a TransferChecked transaction in wasm (${paymentPayload.payload.transaction.length} base64 characters)`);
    console.log("  → the same request again, with PAYMENT-SIGNATURE");
  },
});
const solanaResponse = await payOnSolana(`${worker.url}/solana/weather`);
const solanaReceipt = decodePaymentResponse(solanaResponse);
console.log(`  ← ${solanaResponse.status} ${solanaResponse.statusText}: ${await solanaResponse.text()}`);
if (!solanaReceipt?.success) {
  console.error(`Payment failed: ${JSON.stringify(solanaReceipt)}`);
  await stack.stop();
  process.exit(1);
}
console.log(
  `\nReceipt: payer ${solanaReceipt.payer}, ${units(solanaBefore - (await svm.balanceOf(svm.payer.address)), 6)} USDC paid, transaction ${solanaReceipt.transaction} on ${solanaReceipt.network}`,
);
console.log(
  `Balances: payer ${units(await svm.balanceOf(svm.payer.address), 6)} USDC, merchant ${units(await svm.balanceOf(svm.merchant), 6)} USDC`,
);

if (once) {
  await stack.stop();
  process.exit(0);
}
console.log(`\nThe dapp is up at ${www.url}`);
console.log(
  `To pay from a browser wallet, add the network ${chain.rpcUrl} (chain id ${chain.chainId}) and import the test key ${chain.keys.payers[1]}.`,
);
console.log("Ctrl-C stops everything.");
