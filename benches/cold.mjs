// Cold start in workerd: a fresh workerd per sample; its start-up (spawn to ready: workerd itself,
// Miniflare's own workers, compiling and evaluating the Worker's modules) and then its very first
// request, either unpaid (the 402) or paid (a valid payment: ours verifies it in wasm and settles
// through the facilitator; @x402/hono fetches /supported, then verifies and settles through it).
// CPU is read from /proc for the workerd processes; wall time is measured here, in Node.
// The facilitator double runs on loopback in a child process. Usage: node benches/cold.mjs [--quick]
import { performance } from "node:perf_hooks";
import { QUICK, emit, log, summaryByField } from "./lib/common.mjs";
import { startFacilitatorProcess } from "./lib/facilitator-process.mjs";
import { KINDS, cpuNs, signPayment, startWorker, termsOf, workerdPids } from "./lib/workers.mjs";

const SAMPLES = QUICK ? 1 : 5;
const facilitator = await startFacilitatorProcess();

// One warm instance of each Worker, for its terms (payments are signed against them), and so that
// every sample starts with workerd's binary and the bundles in the page cache.
// The example Worker (worker/dist) runs beside them, for reference: more routes, a paywall page.
const kinds = [...KINDS, "example"];
const terms = {};
for (const kind of kinds) {
  const worker = await startWorker(kind, facilitator.url);
  terms[kind] = await termsOf(worker);
  await worker.mf.dispose();
}

/** One fresh workerd running `kind`, and its first request. */
async function sample(kind, first) {
  const headers = first === "paid" ? { "PAYMENT-SIGNATURE": await signPayment(terms[kind]) } : {};
  const earlier = new Set(workerdPids());
  const t0 = performance.now();
  const worker = await startWorker(kind, facilitator.url);
  const startupWall = performance.now() - t0;
  const pids = workerdPids().filter((p) => !earlier.has(p));
  const startupCpu = cpuNs(pids);
  const calls = await facilitator.calls();
  const t1 = performance.now();
  const res = await worker.mf.dispatchFetch(worker.url, { headers });
  await res.arrayBuffer();
  const requestWall = performance.now() - t1;
  const requestCpu = cpuNs(pids) - startupCpu;
  const expected = { paid: 200, unpaid: kind === "empty" ? 200 : 402 }[first];
  if (res.status !== expected) throw new Error(`${kind} ${first}: status ${res.status}, expected ${expected}`);
  const facilitatorCalls = (await facilitator.calls()) - calls;
  await worker.mf.dispose();
  return { startupCpu: startupCpu / 1e6, startupWall, requestCpu: requestCpu / 1e6, requestWall, facilitatorCalls };
}

const cases = [
  ["empty", "unpaid"],
  ...kinds.flatMap((kind) => [
    [kind, "unpaid"],
    [kind, "paid"],
  ]),
];
const samples = Object.fromEntries(cases.map(([kind, first]) => [`${kind}/${first}`, []]));
for (let i = 0; i < SAMPLES; i++) {
  for (const [kind, first] of cases) samples[`${kind}/${first}`].push(await sample(kind, first));
  log(`cold: sample ${i + 1}/${SAMPLES}`);
}
facilitator.close();

const results = {};
for (const [name, list] of Object.entries(samples)) {
  results[name] = summaryByField(list);
  const r = results[name];
  log(
    `cold ${name}: start-up ${r.startupCpu.median.toFixed(1)} ms CPU / ${r.startupWall.median.toFixed(1)} ms wall; first request ${r.requestCpu.median.toFixed(2)} ms CPU / ${r.requestWall.median.toFixed(2)} ms wall; facilitator calls ${r.facilitatorCalls.median}`,
  );
}
emit({ bench: "cold", unit: "ms", samples: SAMPLES, results });
