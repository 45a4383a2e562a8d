// What a payer waits for with a facilitator across the internet: the facilitator double answers
// every call after 50 ms, and each warm Worker serves paid requests one at a time. Ours verifies
// in wasm and calls the facilitator once (`/settle`, VERIFY=local); @x402/hono calls it twice
// (`/verify`, then `/settle`). Wall time is measured in Node around each request.
// Usage: node benches/latency.mjs [--quick]
import { performance } from "node:perf_hooks";
import { QUICK, emit, log, summaryByField } from "./lib/common.mjs";
import { startFacilitatorProcess } from "./lib/facilitator-process.mjs";
import { KINDS, signPayment, startWorker, termsOf } from "./lib/workers.mjs";

const DELAY_MS = 50;
const REQUESTS = QUICK ? 2 : 15;
const facilitator = await startFacilitatorProcess();
const results = {};
try {
  for (const kind of KINDS) {
    const worker = await startWorker(kind, facilitator.url);
    try {
      const terms = await termsOf(worker); // warm: the paywall is built, hono has read /supported
      const warm = await worker.mf.dispatchFetch(worker.url, { headers: { "PAYMENT-SIGNATURE": await signPayment(terms) } });
      await warm.arrayBuffer();
      await facilitator.setDelay(DELAY_MS);
      const records = [];
      for (let i = 0; i < REQUESTS; i++) {
        const headers = { "PAYMENT-SIGNATURE": await signPayment(terms) };
        const calls = await facilitator.calls();
        const t0 = performance.now();
        const res = await worker.mf.dispatchFetch(worker.url, { headers });
        await res.arrayBuffer();
        const wall = performance.now() - t0;
        if (res.status !== 200) throw new Error(`${kind}: status ${res.status}`);
        records.push({ wall, facilitatorCalls: (await facilitator.calls()) - calls });
      }
      await facilitator.setDelay(0);
      results[kind] = summaryByField(records);
      log(
        `latency ${kind}: paid request ${results[kind].wall.median.toFixed(1)} ms wall, ${results[kind].facilitatorCalls.median} facilitator calls`,
      );
    } finally {
      await worker.mf.dispose();
    }
  }
} finally {
  facilitator.close();
}
emit({ delayMs: DELAY_MS, requests: REQUESTS, results });
