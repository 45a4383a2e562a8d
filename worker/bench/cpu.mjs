// CPU cost of the paywall inside workerd: the 402 path and a full local verify, cold and warm.
// workerd's clocks stand still during CPU work, so the cost is read from outside: the nanoseconds
// the workerd process spent on CPU (/proc/<pid>/task/*/schedstat) around requests, minus the same
// for a free route (the cost of dispatching a request at all). Run after the Worker is built:
//   (cd worker && wrangler deploy --dry-run --outdir dist) && node worker/bench/cpu.mjs
import { decodePaymentRequiredHeader } from "../../pkg/node.js";
import { startFacilitator } from "../test/facilitator.mjs";
import { startWorkerd } from "../test/workerd.mjs";
import { cpuNs, signPayment, workerdPids } from "../../benches/lib/workers.mjs";

const N = Number(process.env.N ?? 300);
const BASE = "http://worker.test";

async function measure(pids, send) {
  const start = cpuNs(pids);
  await send();
  return cpuNs(pids) - start;
}

const facilitator = await startFacilitator();
const startWorker = () =>
  startWorkerd({
    FACILITATOR_URL: facilitator.url,
    PAY_TO: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
    NETWORK: "eip155:84532",
    PRICE: "$0.001",
    VERIFY: "local",
  });
const send = (mf, path, headers = {}) => mf.dispatchFetch(BASE + path, { headers }).then((r) => r.arrayBuffer());

// A fresh isolate: its first request goes to the free route (the isolate's start-up: compiling and
// instantiating the modules, which Workers limit separately from a request's CPU), the second is
// its first 402, the third its first full local verify.
const fresh = startWorker();
await fresh.ready;
const pids = workerdPids();
const startup = await measure(pids, () => send(fresh, "/health"));
const cold402 = await measure(pids, () => send(fresh, "/weather"));

// An expired payment: the whole local verify runs (decode, digest, recovery) before the time
// check refuses it, so its cost is a full verification's, without the facilitator.
const res = await fresh.dispatchFetch(BASE + "/weather");
const terms = decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED"));
const expired = await signPayment(terms, Math.floor(Date.now() / 1000) - 3600);
const coldVerify = await measure(pids, () => send(fresh, "/weather", { "PAYMENT-SIGNATURE": expired }));

async function warm(path, headers) {
  const costs = [];
  for (let i = 0; i < N; i++) costs.push(await measure(pids, () => send(fresh, path, headers)));
  costs.sort((a, b) => a - b);
  return costs[Math.floor(N / 2)];
}
const base = await warm("/health");
const unpaid = await warm("/weather");
const verify = await warm("/weather", { "PAYMENT-SIGNATURE": expired });
await fresh.dispose();
await facilitator.close();

const ms = (ns) => (ns / 1e6).toFixed(2);
console.log(`workerd CPU per request (median of ${N}; "net" subtracts the free route's ${ms(base)} ms dispatch cost)`);
console.log(`  402 path, warm:            ${ms(unpaid)} ms   net ${ms(unpaid - base)} ms`);
console.log(`  local verify, warm:        ${ms(verify)} ms   net ${ms(verify - base)} ms`);
console.log(`  fresh isolate, first request (free route: start-up + dispatch): ${ms(startup)} ms`);
console.log(`  fresh isolate, first 402:                    ${ms(cold402)} ms`);
console.log(`  fresh isolate, first local verify:           ${ms(coldVerify)} ms`);
