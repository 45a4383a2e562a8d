// Facilitators side by side on one local chain (anvil, automining, our EIP-3009 token): ours, the
// facilitator Worker in workerd (worker/dist-facilitator), and the official one (@x402/core's
// x402Facilitator with @x402/evm's exact scheme, settling with viem) in a Node child process.
// Each gets the same number of fresh payers and answers, one request at a time, a /verify and then
// a /settle of each payer's payment (viem-signed). Wall time is measured here; CPU is read from
// /proc for the facilitator's own processes (workerd's, or the Node child's), so the chain's and
// this client's work are not counted. Usage: node benches/facilitator.mjs [--quick]
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { createPublicClient, defineChain, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { QUICK, emit, log, summaryByField } from "./lib/common.mjs";
import { cpuNs, workerdPids } from "./lib/workers.mjs";

if (process.argv[2] === "--child") {
  // The official facilitator for the chain at RPC_URL, signing with KEY.
  const { startFacilitator } = await import("../tests/e2e/facilitator.mjs");
  const { CHAIN_ID, NETWORK } = await import("../tests/e2e/chain.mjs");
  const chain = defineChain({
    id: CHAIN_ID,
    name: "anvil",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [process.env.RPC_URL] } },
  });
  const facilitator = await startFacilitator({
    keys: { facilitator: process.env.KEY },
    rpcUrl: process.env.RPC_URL,
    network: NETWORK,
    publicClient: createPublicClient({ chain, transport: http(process.env.RPC_URL) }),
  });
  process.send({ url: facilitator.url });
} else {
  await main();
}

async function main() {
  const { startChain } = await import("../tests/e2e/chain.mjs");
  const { eip3009Body } = await import("../tests/e2e/payments.mjs");
  const { startFacilitatorWorkerd } = await import("../worker/test/workerd.mjs");
  const PAYERS = QUICK ? 3 : 25;
  const chain = await startChain();
  const stops = [() => chain.stop()];
  try {
    // Fresh payers, minted by the deployer before either facilitator starts sending.
    const deployer = chain.walletClient(chain.keys.deployer);
    const payers = [];
    for (let i = 0; i < 2 * PAYERS; i++) {
      const key = generatePrivateKey();
      const hash = await deployer.writeContract({
        address: chain.token.address,
        abi: chain.abi.token,
        functionName: "mint",
        args: [privateKeyToAccount(key).address, 10_000n],
      });
      await chain.publicClient.waitForTransactionReceipt({ hash });
      payers.push(key);
    }

    const child = fork(fileURLToPath(import.meta.url), ["--child"], {
      env: { ...process.env, RPC_URL: chain.rpcUrl, KEY: chain.keys.facilitator },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    stops.push(() => child.kill());
    const official = { url: (await new Promise((r) => child.once("message", r))).url, cpu: () => cpuNs([child.pid]) };

    const earlier = new Set(workerdPids());
    // Ours signs with the deployer's key (its minting is done), the official one with #1.
    const mf = startFacilitatorWorkerd(
      { FACILITATOR_KEY: chain.keys.deployer, NETWORK: chain.network, RPC_URL: chain.rpcUrl },
      { port: 0 },
    );
    stops.push(() => mf.dispose());
    const oursUrl = (await mf.ready).toString().replace(/\/$/, "");
    const pids = workerdPids().filter((p) => !earlier.has(p));
    const ours = { url: oursUrl, cpu: () => cpuNs(pids) };

    const results = {};
    for (const [name, facilitator, keys] of [
      ["ours", ours, payers.slice(0, PAYERS)],
      ["official", official, payers.slice(PAYERS)],
    ]) {
      // One warm-up round trip (the first /supported), not counted.
      await (await fetch(`${facilitator.url}/supported`)).arrayBuffer();
      const records = [];
      for (const key of keys) {
        const body = JSON.stringify(await eip3009Body(chain, key));
        const record = {};
        for (const route of ["verify", "settle"]) {
          const cpu0 = facilitator.cpu();
          const t0 = performance.now();
          const res = await fetch(`${facilitator.url}/${route}`, { method: "POST", headers: { "content-type": "application/json" }, body });
          const answer = await res.json();
          record[`${route}Wall`] = performance.now() - t0;
          record[`${route}Cpu`] = (facilitator.cpu() - cpu0) / 1e6;
          const ok = route === "verify" ? answer.isValid : answer.success;
          if (!ok) throw new Error(`${name} /${route}: ${JSON.stringify(answer)}`);
        }
        records.push(record);
      }
      results[name] = summaryByField(records);
      const s = results[name];
      log(
        `facilitator ${name}: verify ${s.verifyWall.median.toFixed(2)} ms wall / ${s.verifyCpu.median.toFixed(2)} ms CPU; settle ${s.settleWall.median.toFixed(2)} ms wall / ${s.settleCpu.median.toFixed(2)} ms CPU`,
      );
    }
    emit({ payers: PAYERS, results });
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
