// Throughput under load in workerd on loopback (autocannon, 10 connections), for two requests to
// GET /weather on each Worker: unpaid (the 402) and a well-formed payment that must be refused (signed
// against the Worker's terms, but expired). Ours refuses it in wasm after the full verification,
// without the facilitator; @x402/hono sends it to the facilitator double, set to answer
// isValid:false (a loopback round trip, no cryptography). And an empty Worker (it answers "ok"):
// the ceiling workerd, Miniflare and the load generator set. Runs interleaved; medians of runs.
// Usage: node benches/load.mjs [--quick]
import autocannon from "autocannon";
import { QUICK, emit, log, summaryByField } from "./lib/common.mjs";
import { startFacilitatorProcess } from "./lib/facilitator-process.mjs";
import { KINDS, signPayment, startWorker, termsOf } from "./lib/workers.mjs";

const RUNS = QUICK ? 1 : 3;
const SECONDS = QUICK ? 1 : 10;
const CONNECTIONS = 10;

const facilitator = await startFacilitatorProcess();
await facilitator.setMode("verify_invalid");
const targets = [];
for (const kind of KINDS) {
  const worker = await startWorker(kind, facilitator.url, { port: 0 });
  const expired = await signPayment(await termsOf(worker), Math.floor(Date.now() / 1000) - 3600);
  targets.push({ kind, path: "unpaid", worker, headers: {} });
  targets.push({ kind, path: "reject", worker, headers: { "PAYMENT-SIGNATURE": expired } });
}
targets.push({ kind: "empty", path: "ok", worker: await startWorker("empty", facilitator.url, { port: 0 }), headers: {}, status: "200" });

async function load({ worker, headers, status = "402" }, options) {
  const result = await autocannon({ url: worker.url, connections: CONNECTIONS, headers, ...options });
  const statuses = Object.keys(result.statusCodeStats);
  if (result.errors || result.timeouts || statuses.join() !== status) {
    throw new Error(`${worker.url}: errors ${result.errors}, timeouts ${result.timeouts}, statuses ${statuses}`);
  }
  return result;
}

for (const target of targets) await load(target, { amount: QUICK ? 50 : 1000 }); // warm-up
const runs = Object.fromEntries(targets.map((t) => [`${t.kind}/${t.path}`, []]));
for (let r = 0; r < RUNS; r++) {
  for (const target of targets) {
    const calls = await facilitator.calls();
    const result = await load(target, { duration: SECONDS });
    const facilitatorCalls = (await facilitator.calls()) - calls;
    runs[`${target.kind}/${target.path}`].push({
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      facilitatorCallsPerRequest: facilitatorCalls / result.requests.total,
    });
  }
}
for (const worker of new Set(targets.map((t) => t.worker))) await worker.mf.dispose();
facilitator.close();

const results = {};
for (const [name, list] of Object.entries(runs)) {
  results[name] = summaryByField(list);
  const r = results[name];
  log(
    `load ${name}: ${r.rps.median.toFixed(0)} req/s, p50 ${r.p50.median} ms, p99 ${r.p99.median} ms, facilitator calls/request ${r.facilitatorCallsPerRequest.median.toFixed(2)}`,
  );
}
emit({ bench: "load", connections: CONNECTIONS, seconds: SECONDS, runs: RUNS, results });
