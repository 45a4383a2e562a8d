// The two Workers under comparison, each in its own workerd through Miniflare: ours
// (target/bench/ours-worker, built from benches/ours-worker: wasm, local verify, the Durable Object
// nonce store) and the @x402/hono peer (target/bench/hono-worker, built from benches/hono-worker),
// the same Hono app selling GET /weather for $0.001 on Base Sepolia; both built by scripts/bench.sh.
// "example" is the example Worker (worker/dist), with more routes and its paywall page.
// Also: signed payments for them, and the CPU time of the workerd processes from /proc.
import { readdirSync, readFileSync } from "node:fs";
import { Miniflare } from "miniflare";
import { PaymentDraft, privateKeySigner, decodePaymentRequiredHeader, encodePaymentSignatureHeader } from "../../pkg/node.js";
import { startWorkerd } from "../../worker/test/workerd.mjs";
import { fromRoot } from "./common.mjs";

export const KINDS = ["ours", "hono"];
const VARS = { PAY_TO: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", NETWORK: "eip155:84532", PRICE: "$0.001" };

/** A started Worker: `mf` (Miniflare), `url` (on loopback when `port` is given). `kind` is one of
 * {@link KINDS}, "example", or "empty": a Worker that only answers "ok", the share of workerd and
 * Miniflare themselves. */
export async function startWorker(kind, facilitatorUrl, { port } = {}) {
  const bindings = { ...VARS, FACILITATOR_URL: facilitatorUrl };
  const loopback = port === undefined ? {} : { host: "127.0.0.1", port };
  const mf =
    kind === "ours" || kind === "example"
      ? startWorkerd(
          { ...bindings, VERIFY: "local" },
          { port, ...(kind === "ours" ? { scriptPath: fromRoot("target/bench/ours-worker/index.js") } : {}) },
        )
      : kind === "hono"
        ? new Miniflare({
            scriptPath: fromRoot("target/bench/hono-worker/index.js"),
            modules: true,
            modulesRules: [{ type: "ESModule", include: ["**/*.js"] }],
            compatibilityDate: "2026-04-01",
            compatibilityFlags: ["nodejs_compat"],
            bindings,
            ...loopback,
          })
        : new Miniflare({
            script: "export default { fetch: () => new Response('ok') }",
            modules: true,
            compatibilityDate: "2026-04-01",
            ...loopback,
          });
  return { mf, url: new URL("/weather", await mf.ready).href };
}

/** The 402 terms a Worker offers for GET /weather. */
export async function termsOf(worker) {
  const res = await worker.mf.dispatchFetch(worker.url);
  await res.arrayBuffer();
  return decodePaymentRequiredHeader(res.headers.get("PAYMENT-REQUIRED"));
}

const signer = privateKeySigner("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

/** A PAYMENT-SIGNATURE header for the first offer of `terms`, valid from `now` (unix seconds):
 * signed an hour ago, it has expired, and a Worker verifying locally refuses it after the full check. */
export async function signPayment(terms, now = Math.floor(Date.now() / 1000)) {
  const draft = new PaymentDraft(terms, 0, signer.address, { now });
  return encodePaymentSignatureHeader(draft.finish(await signer.signTypedData(draft.typedData())));
}

/** The workerd processes this process started. */
export function workerdPids() {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, "utf8");
        return stat.includes("(workerd)") && Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid;
      } catch {
        return false; // it ended while listed
      }
    });
}

/** CPU nanoseconds used so far by all threads of these processes (/proc/<pid>/task/<tid>/schedstat).
 * workerd's own clocks stand still during CPU work, so its cost is read from outside. */
export function cpuNs(pids) {
  let total = 0;
  for (const pid of pids) {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // a thread that ended between listing and reading
      }
    }
  }
  return total;
}
