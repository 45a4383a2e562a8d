// Assembles BENCHMARKS.md from the results of one run of scripts/bench.sh (target/bench/*.json).
// A quick run (--quick / BENCH_QUICK=1) writes target/bench/BENCHMARKS.md instead, so that the
// committed figures are always those of a full run. Usage: node benches/report.mjs [--quick]
import { execSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { QUICK, fromRoot, readJson } from "./lib/common.mjs";

const BENCHES = ["verify", "native", "cold", "load", "size", "startup", "facilitator", "latency"];
const r = Object.fromEntries(
  BENCHES.map((b) => {
    const path = `target/bench/${b}.json`;
    return [b, existsSync(fromRoot(path)) ? readJson(path) : { error: "no result" }];
  }),
);
const failed = BENCHES.filter((b) => r[b].error);

const sh = (command) => execSync(command, { cwd: fromRoot(""), encoding: "utf8" }).trim();
const version = (pkg) => readJson(`node_modules/${pkg}/package.json`).version;
const fixed = (x, digits) => (x === undefined ? "n/a" : x.toFixed(digits));
const us = (x) => fixed(x, x < 10 ? 2 : x < 1000 ? 1 : 0);
const ms = (x) => fixed(x, x < 10 ? 2 : 1);
const kib = (bytes) => fixed(bytes / 1024, 1);
const ratio = (a, b) => (a === undefined || b === undefined ? "n/a" : `${(a / b).toFixed(2)}×`);
const table = (head, rows) =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");

// --- the figures -------------------------------------------------------------------------------
const verify = r.verify.results ?? {};
const nativeEntry = Object.entries(r.native.results ?? {}).find(([title]) => title.includes("eip3009"));
const native = nativeEntry?.[1];
const cold = r.cold.results ?? {};
const load = r.load.results ?? {};
const bundles = r.size.bundles ?? {};
const workers = r.size.workers ?? {};
const paywall = r.size.paywall ?? {};
const startup = r.startup ?? {};
const facilitators = r.facilitator.results ?? {};
const latency = r.latency.results ?? {};
const m = (obj, ...keys) => keys.reduce((o, k) => o?.[k], obj)?.median;

const ROW = (what, unit, ours, peer, ratioText, fmt) => [what, unit, fmt(ours), fmt(peer), ratioText];
const summary = table(
  ["measurement", "unit", "ours", "peer", "ratio"],
  [
    ROW(
      "local verify, Node: wasm vs viem",
      "µs/op, lower is better",
      m(verify, "ours"),
      m(verify, "viem"),
      `viem/ours ${ratio(m(verify, "viem"), m(verify, "ours"))}`,
      us,
    ),
    ROW(
      "local verify, Node: wasm vs @x402/evm facilitator",
      "µs/op, lower is better",
      m(verify, "ours"),
      m(verify, "x402evm"),
      `x402evm/ours ${ratio(m(verify, "x402evm"), m(verify, "ours"))}`,
      us,
    ),
    ROW(
      "cold Node process: import + first verify, wasm (both faces) vs viem",
      "ms, lower is better",
      startup.ours?.median,
      startup.viem?.median,
      `viem/ours ${ratio(startup.viem?.median, startup.ours?.median)}`,
      ms,
    ),
    ROW(
      "cold Node process: import + first verify, wasm (server face) vs viem",
      "ms, lower is better",
      startup.oursServer?.median,
      startup.viem?.median,
      `viem/ours ${ratio(startup.viem?.median, startup.oursServer?.median)}`,
      ms,
    ),
    ROW(
      "cold Node process: import + first verify, wasm (server face, EVM only) vs viem",
      "ms, lower is better",
      startup.oursServerEvm?.median,
      startup.viem?.median,
      `viem/ours ${ratio(startup.viem?.median, startup.oursServerEvm?.median)}`,
      ms,
    ),
    ROW(
      "Solana local verify, Node: wasm vs @x402/svm facilitator",
      "µs/op, lower is better",
      m(verify, "oursSolana"),
      m(verify, "x402svm"),
      `x402svm/ours ${ratio(m(verify, "x402svm"), m(verify, "oursSolana"))}`,
      us,
    ),
    ROW(
      "local verify: wasm in Node vs native (peer column: native Rust)",
      "µs/op, lower is better",
      m(verify, "ours"),
      native?.median,
      `ours/native ${ratio(m(verify, "ours"), native?.median)}`,
      us,
    ),
    ...[
      ["unpaid", "first 402"],
      ["paid", "first paid request"],
    ].flatMap(([first, label]) => [
      ROW(
        `workerd, fresh isolate, ${label}: CPU`,
        "ms, lower is better",
        m(cold, `ours/${first}`, "requestCpu"),
        m(cold, `hono/${first}`, "requestCpu"),
        `hono/ours ${ratio(m(cold, `hono/${first}`, "requestCpu"), m(cold, `ours/${first}`, "requestCpu"))}`,
        ms,
      ),
      ROW(
        `workerd, fresh isolate, ${label}: wall`,
        "ms, lower is better",
        m(cold, `ours/${first}`, "requestWall"),
        m(cold, `hono/${first}`, "requestWall"),
        `hono/ours ${ratio(m(cold, `hono/${first}`, "requestWall"), m(cold, `ours/${first}`, "requestWall"))}`,
        ms,
      ),
    ]),
    ROW(
      "workerd start-up (spawn to ready, incl. workerd itself): CPU",
      "ms, lower is better",
      m(cold, "ours/paid", "startupCpu"),
      m(cold, "hono/paid", "startupCpu"),
      `hono/ours ${ratio(m(cold, "hono/paid", "startupCpu"), m(cold, "ours/paid", "startupCpu"))}`,
      ms,
    ),
    ...[
      ["unpaid", "402 (unpaid)"],
      ["reject", "invalid payment refused"],
    ].flatMap(([path, label]) => [
      ROW(
        `workerd under load, ${label}: throughput`,
        "req/s, higher is better",
        m(load, `ours/${path}`, "rps"),
        m(load, `hono/${path}`, "rps"),
        `ours/hono ${ratio(m(load, `ours/${path}`, "rps"), m(load, `hono/${path}`, "rps"))}`,
        (x) => fixed(x, 0),
      ),
      ROW(
        `workerd under load, ${label}: latency p50 / p99`,
        "ms, lower is better",
        [m(load, `ours/${path}`, "p50"), m(load, `ours/${path}`, "p99")],
        [m(load, `hono/${path}`, "p50"), m(load, `hono/${path}`, "p99")],
        `hono/ours p99 ${ratio(m(load, `hono/${path}`, "p99"), m(load, `ours/${path}`, "p99"))}`,
        (x) => x.map((v) => fixed(v, 0)).join(" / "),
      ),
    ]),
    ROW(
      "workerd under load, 402 (unpaid) against an empty Worker (peer column: a Worker answering ok)",
      "req/s, higher is better",
      m(load, "ours/unpaid", "rps"),
      m(load, "empty/ok", "rps"),
      `ours/empty ${ratio(m(load, "ours/unpaid", "rps"), m(load, "empty/ok", "rps"))}`,
      (x) => fixed(x, 0),
    ),
    ROW(
      `warm Worker, paid request, the facilitator answering after ${r.latency.delayMs ?? "n/a"} ms: wall (ours: 1 call, VERIFY=local; hono: 2)`,
      "ms, lower is better",
      m(latency, "ours", "wall"),
      m(latency, "hono", "wall"),
      `hono/ours ${ratio(m(latency, "hono", "wall"), m(latency, "ours", "wall"))}`,
      ms,
    ),
    ...[
      ["verify", "/verify"],
      ["settle", "/settle (sent and mined)"],
    ].flatMap(([route, label]) => [
      ROW(
        `facilitator ${label}, local chain: wall (ours: a Worker in workerd; peer: @x402/core + @x402/evm in Node)`,
        "ms, lower is better",
        m(facilitators, "ours", `${route}Wall`),
        m(facilitators, "official", `${route}Wall`),
        `official/ours ${ratio(m(facilitators, "official", `${route}Wall`), m(facilitators, "ours", `${route}Wall`))}`,
        ms,
      ),
      ROW(
        `facilitator ${label}, local chain: CPU of the facilitator's processes`,
        "ms, lower is better",
        m(facilitators, "ours", `${route}Cpu`),
        m(facilitators, "official", `${route}Cpu`),
        `official/ours ${ratio(m(facilitators, "official", `${route}Cpu`), m(facilitators, "ours", `${route}Cpu`))}`,
        ms,
      ),
    ]),
    ROW(
      "client bundle (esbuild, minified; ours incl. .wasm), gzip -9",
      "KiB, lower is better",
      bundles["client/ours"]?.total.gzip,
      bundles["client/official"]?.total.gzip,
      `official/ours ${ratio(bundles["client/official"]?.total.gzip, bundles["client/ours"]?.total.gzip)}`,
      kib,
    ),
    ROW(
      "server bundle (esbuild, minified; ours incl. .wasm), gzip -9",
      "KiB, lower is better",
      bundles["server/ours"]?.total.gzip,
      bundles["server/official"]?.total.gzip,
      `official/ours ${ratio(bundles["server/official"]?.total.gzip, bundles["server/ours"]?.total.gzip)}`,
      kib,
    ),
    ROW(
      "client bundle, EVM only (ours: x402-wasm/client/evm), gzip -9",
      "KiB, lower is better",
      bundles["client-evm/ours"]?.total.gzip,
      bundles["client/official"]?.total.gzip,
      `official/ours ${ratio(bundles["client/official"]?.total.gzip, bundles["client-evm/ours"]?.total.gzip)}`,
      kib,
    ),
    ROW(
      "server bundle, EVM only (ours: x402-wasm/server/evm), gzip -9",
      "KiB, lower is better",
      bundles["server-evm/ours"]?.total.gzip,
      bundles["server/official"]?.total.gzip,
      `official/ours ${ratio(bundles["server/official"]?.total.gzip, bundles["server-evm/ours"]?.total.gzip)}`,
      kib,
    ),
    ROW(
      "paywall page as a browser loads it (ours: HTML + script + .wasm; official: @x402/paywall's EVM page), gzip -9",
      "KiB, lower is better",
      paywall.ours?.total.gzip,
      paywall.official?.total.gzip,
      `ours/official ${ratio(paywall.ours?.total.gzip, paywall.official?.total.gzip)}`,
      kib,
    ),
    ROW(
      "Worker as wrangler bundles it (ours incl. .wasm), gzip -9",
      "KiB, lower is better",
      workers.ours?.total.gzip,
      workers.hono?.total.gzip,
      `hono/ours ${ratio(workers.hono?.total.gzip, workers.ours?.total.gzip)}`,
      kib,
    ),
  ],
);

// --- details ---------------------------------------------------------------------------------
const spread = (s, fmt) => (s ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : "n/a");
const verifyTable = table(
  ["contender", "median µs/op (min–max)", "runs × iterations"],
  [
    ...Object.entries(verify).map(([name, s]) => [name, spread(s, us), `${s.runs} × ${s.iterations}`]),
    ...Object.entries(r.native.results ?? {}).map(([title, s]) => [
      `native: ${title}`,
      `${us(s.median)} (95% CI ${us(s.low)}–${us(s.high)})`,
      "criterion",
    ]),
  ],
);
const coldTable = table(
  ["Worker / first request", "start-up CPU", "start-up wall", "request CPU", "request wall", "facilitator calls"],
  Object.entries(cold).map(([name, s]) => [
    name,
    spread(s.startupCpu, ms),
    spread(s.startupWall, ms),
    spread(s.requestCpu, ms),
    spread(s.requestWall, ms),
    s.facilitatorCalls.median,
  ]),
);
const loadTable = table(
  ["Worker / request", "req/s", "p50 ms", "p99 ms", "facilitator calls per request"],
  Object.entries(load).map(([name, s]) => [
    name,
    spread(s.rps, (x) => fixed(x, 0)),
    spread(s.p50, (x) => fixed(x, 0)),
    spread(s.p99, (x) => fixed(x, 0)),
    fixed(s.facilitatorCallsPerRequest.median, 2),
  ]),
);
const sizeRows = (name, parts) => Object.entries(parts).map(([part, s]) => [`${name}: ${part}`, s.raw, s.gzip]);
const facilitatorTable = table(
  ["contender", "/verify wall, ms", "/verify CPU, ms", "/settle wall, ms", "/settle CPU, ms"],
  ["ours", "official"].map((name) => {
    const f = facilitators[name] ?? {};
    const cell = (x) => (x ? `${ms(x.median)} (${ms(x.min)}–${ms(x.max)})` : "n/a");
    return [name, cell(f.verifyWall), cell(f.verifyCpu), cell(f.settleWall), cell(f.settleCpu)];
  }),
);
const sizeTable = table(
  ["what", "bytes", "gzip -9 bytes"],
  [
    ...Object.entries(r.size.pkg?.files ?? {}).map(([file, s]) => [`pkg/${file}`, s.raw, s.gzip]),
    [
      `pkg/, what the browser entry loads (${(r.size.pkg?.browserEntry.files ?? []).join(", ")})`,
      r.size.pkg?.browserEntry.raw,
      r.size.pkg?.browserEntry.gzip,
    ],
    ...Object.entries(bundles).flatMap(([name, parts]) => sizeRows(`${name} bundle`, parts)),
    ...Object.entries(workers).flatMap(([name, parts]) => sizeRows(`Worker ${name}`, parts)),
    ...Object.entries(paywall).flatMap(([name, parts]) => sizeRows(`paywall page ${name}`, parts)),
  ],
);

// --- the machine and the software --------------------------------------------------------------
const cpuModel = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m)?.[1] ?? "unknown";
const os = readFileSync("/etc/os-release", "utf8").match(/^PRETTY_NAME="?(.*?)"?$/m)?.[1] ?? "Linux";
const busy = BENCHES.filter((b) => r[b].machine && (r[b].machine.start.otherBuilds || r[b].machine.end.otherBuilds));
const builds = new Set(BENCHES.filter((b) => r[b].machine).flatMap((b) => [r[b].machine.start.builtAt, r[b].machine.end.builtAt]));
const loads = BENCHES.filter((b) => r[b].machine)
  .map((b) => `${b} ${r[b].machine.start.loadavg1.toFixed(2)}→${r[b].machine.end.loadavg1.toFixed(2)}`)
  .join(", ");
const commits = [...new Set(BENCHES.map((b) => r[b].machine?.start.commit).filter(Boolean))].map((c) =>
  c.replace(/-dirty$/, " with uncommitted changes"),
);
const wasmBuilt = statSync(fromRoot("pkg/x402_wasm_bg.wasm"))
  .mtime.toISOString()
  .replace(/\.\d+Z$/, "Z");
const machine = table(
  ["", ""],
  [
    ["CPU", `${cpuModel} (/proc/cpuinfo), ${cpus().length} cores`],
    ["memory", `${(totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ["OS", `${os}, Linux ${sh("uname -r")}`],
    ["Node", process.version],
    ["rustc", r.native.rustc ?? sh("rustc --version")],
    ["load average (1 min) at start→end of each script", loads],
    [
      "other builds (cargo, rustc, wasm-bindgen, wasm-opt) seen at a script's start or end",
      busy.length ? `yes, during: ${busy.join(", ")} (those figures are skewed)` : "none",
    ],
    ["pkg/ or worker/dist rebuilt during the run", builds.size > 1 ? "yes: the figures mix two builds" : "no"],
  ],
);
const PEERS = [
  "viem",
  "@x402/core",
  "@x402/evm",
  "@x402/svm",
  "@solana/kit",
  "@x402/fetch",
  "@x402/hono",
  "@x402/extensions",
  "hono",
  "wrangler",
  "miniflare",
  "workerd",
  "esbuild",
  "autocannon",
];
const versions = table(
  ["package", "version"],
  [["x402-wasm (ours, pkg/)", `${readJson("pkg/package.json").version}, .wasm built ${wasmBuilt}`], ...PEERS.map((p) => [p, version(p)])],
);

const md = `# Benchmarks

${QUICK ? "**Quick run (minimal iteration counts): these figures only show that the harness works.**\n\n" : ""}\
Written by \`./scripts/bench.sh\` on ${new Date().toISOString().slice(0, 10)}, measured at commit ${commits.join(" and ") || "unknown"}.
**These numbers are from one machine** (below), in one run; each ratio compares contenders measured
in that same run. Medians of several runs; the details give min–max. Nothing here is asserted: the
benchmarks only report.${failed.length ? `\n\n**Failed in this run:** ${failed.map((b) => `${b} (${r[b].error})`).join(", ")}.` : ""}

${summary}

"Ours" is this crate: the wasm package in \`pkg/\`; in workerd, the peer's Worker rewritten on it
(\`benches/ours-worker/\`), and for sizes the example Worker in \`worker/\`. "Peer" is the official
TypeScript stack (\`@x402/*\` 2.27.0 on viem), or native Rust where said.

## The machine

${machine}

## Versions

${versions}

## Local verification (one v2 EIP-3009 payment)

\`benches/verify.mjs\` and \`benches/native.mjs\`. The vector \`viem/v2/eip3009/eip155:84532\` of
\`tests/vectors/vectors.json\`, verified from the base64 header to the verdict: decode, JSON,
EIP-712 digest, secp256k1 recovery, the field rules (scheme, network, asset, amount, payTo, the
validAfter/validBefore window against a fixed now).

- **ours**: \`verifyPayment\` from \`pkg/node.js\` (wasm) in Node.
- **viem**: \`Buffer\` base64 + \`JSON.parse\`, viem's \`recoverTypedDataAddress\` over the
  TransferWithAuthorization typed data, and the same field checks in plain JS.
- **x402evm**: \`@x402/core\`'s \`decodePaymentSignatureHeader\` and \`@x402/evm\`'s facilitator
  \`ExactEvmScheme.verify\` (what a facilitator runs for this payment), with a chain stub that
  answers at once (\`getCode\`: the payer has none, so ECDSA; the asset has code; \`readContract\`: the
  simulated transfer succeeds) and \`Date.now\` pinned to the vector's time.
- **native**: the criterion bench \`benches/verify.rs\` (same vector, header and requirements JSON
  to verdict), criterion's median.
- **oursSolana** and **x402svm**: one Solana payment, the official client's (devnet USDC, the first
  of \`tests/vectors/solana.json\`), from the base64 header to the verdict: ours is \`verifyPayment\`
  (wasm: the wire transaction read by hand, Ed25519, the reference's checks 1–19, the associated
  token account derived); the peer is \`@x402/svm\`'s facilitator \`ExactSvmScheme.verify\` (kit
  codecs, WebCrypto Ed25519) with its simulation answered at once, the step ours leaves to the
  facilitator.

The Node contenders run interleaved in one process; each run lasts about 0.4 s. The wasm is
\`pkg/\` as it was built (its time is under Versions); the native figure comes from the working tree,
compiled by this run.

${verifyTable}

The cold Node rows come from \`benches/startup.mjs\`: each sample is a fresh \`node\` process timed
from its script's first line to its first verification done, the import included (Node's own
start-up is not): \`x402-wasm\` (both faces, \`pkg/node.js\`), \`x402-wasm/server\`
(\`pkg/server/node.js\`), \`x402-wasm/server/evm\` (\`pkg/server-evm/node.js\`), and viem (\`import("viem")\`, then the same recovery as above); medians of
samples taken in turn.

## Cold start in workerd

\`benches/cold.mjs\`. Each sample is a fresh workerd (Miniflare 4, \`workerd\` from npm) running one
Worker; then its very first request. **Start-up** is spawn to ready: workerd itself, Miniflare's
own workers, and compiling and evaluating the Worker's modules (the \`empty\` row is a Worker that
only answers "ok", for workerd's and Miniflare's share). **Request** is that first request alone:
what the isolate did lazily (V8 compiles functions, and wasm, on first use) plus the request.
CPU is what the workerd processes used (\`/proc/<pid>/task/*/schedstat\`; workerd's own clocks
stand still during CPU work); wall time is measured in Node around \`dispatchFetch\`.

- **ours**: \`benches/ours-worker/\` (wrangler's bundle, no \`nodejs_compat\`): the hono peer's Worker
  line for line (the same Hono app, routes and paid route) on \`x402-wasm/server\`, \`VERIFY=local\`:
  the payment is verified in wasm inside the Worker, reserved in the Durable Object nonce store,
  and settled through the facilitator. The **example** rows are the example Worker (\`worker/dist\`:
  nine routes, four of them paid, and its paywall page), for reference.
- **hono**: \`benches/hono-worker/\`, the same paywall on \`@x402/hono\` + \`@x402/evm\` server +
  hono, bundled by wrangler with \`nodejs_compat\` (which it needs). It verifies **and** settles
  through the facilitator, so its first paid request includes HTTP round trips on loopback.
- Both build their paywall on the first request (it needs \`env\`); \`@x402/hono\` then fetches the
  facilitator's \`/supported\` before it answers. The last column counts the facilitator calls
  made during the request (\`/supported\`, \`/verify\`, \`/settle\`). The facilitator is a double on
  loopback (\`worker/test/facilitator.mjs\`, in a child process), so each round trip costs well under
  a millisecond here, far less than to a real facilitator.
- The paid request carries a fresh valid payment each time (signed with our client against the
  Worker's own 402 terms).

${coldTable}

## Throughput under load in workerd

\`benches/load.mjs\`. Each Worker listens on loopback (Miniflare); \`autocannon\`, in the
benchmark's Node process, sends GET /weather over ${r.load.connections ?? "n/a"} connections for ${r.load.seconds ?? "n/a"} s, ${r.load.runs ?? "n/a"} runs per row,
interleaved, after a warm-up. Every response must be a 402 (checked, not timed).

- **unpaid**: no payment header: the 402 with the terms.
- **reject**: a well-formed payment signed against the Worker's terms but expired an hour ago.
  Ours refuses it in wasm after the full verification (decode, digest, recovery, rules), without
  calling the facilitator. \`@x402/hono\` sends it to the facilitator's \`/verify\`; the double,
  set to refuse, answers \`isValid: false\` at once without any cryptography, so the hono row is a
  loopback round trip, a lower bound of what a real facilitator would cost.
- The facilitator double runs in its own process; all processes share the machine's
  ${cpus().length} cores, so these figures measure the whole loop, load generator included.

${loadTable}

## A paid request with a distant facilitator

\`benches/latency.mjs\`. Ours and hono of the cold-start table, warm, each serving ${r.latency.requests ?? "n/a"} paid requests one at a time
while the facilitator double answers every call after ${r.latency.delayMs ?? "n/a"} ms, as one across the internet would. Ours
(\`VERIFY=local\`) verifies in wasm and calls only \`/settle\`; \`@x402/hono\` calls \`/verify\` and then \`/settle\`.
Wall time in Node around \`dispatchFetch\`.

${table(
  ["contender", "paid request wall, ms", "facilitator calls"],
  ["ours", "hono"].map((name) => [
    name,
    latency[name] ? `${ms(latency[name].wall.median)} (${ms(latency[name].wall.min)}–${ms(latency[name].wall.max)})` : "n/a",
    latency[name]?.facilitatorCalls.median ?? "n/a",
  ]),
)}

## Facilitators on a local chain

\`benches/facilitator.mjs\`. anvil (automining) with our EIP-3009 token; ${r.facilitator.payers ?? "n/a"} fresh payers per
facilitator, each paying once: a \`/verify\` then a \`/settle\` of its viem-signed payment, one
request at a time over loopback HTTP. \`/settle\` includes sending the transaction and reading its
receipt (the block is mined at once).

- **ours**: the facilitator Worker (\`worker/dist-facilitator\`, wrangler's bundle of
  \`worker/src/facilitator.js\` over \`x402-wasm/facilitator\`) in workerd via Miniflare; \`/settle\`
  runs in the signer's Durable Object. Verification is wasm's, then \`eth_getCode\` of the asset and an
  \`eth_call\` simulation; settlement simulates with \`eth_estimateGas\`, reads the base fee and tip,
  signs the EIP-1559 transaction in wasm and sends it. CPU is workerd's processes, which include
  Miniflare's own routing workers.
- **official**: \`x402Facilitator\` from \`@x402/core\` with \`@x402/evm\`'s \`ExactEvmScheme\` on a viem
  wallet (\`tests/e2e/facilitator.mjs\`) behind a small Node HTTP server, in a child process whose CPU
  is read.

${facilitatorTable}

## Sizes

\`benches/size.mjs\`, sizes in bytes and after \`gzip -9\`. The client and server bundles come from
esbuild (\`--bundle --minify --format=esm\`; client \`--platform=browser\`; server \`platform:
neutral\` with the conditions workerd, worker, browser, leaving Node's built-ins to the runtime as
\`nodejs_compat\` does), from these entries:

- client, ours: \`wrapFetchWithPayment(fetch, privateKeySigner(key))\` from \`x402-wasm/client\` (every
  family), and from \`x402-wasm/client/evm\` (EVM alone, as the official entry is), plus the
  \`.wasm\` it fetches;
- client, official: \`wrapFetchWithPayment\` + \`x402Client\` from \`@x402/fetch\`, \`ExactEvmScheme\` from
  \`@x402/evm/exact/client\`, \`privateKeyToAccount\` from \`viem/accounts\`;
- server, ours: \`paymentMiddleware\` from \`x402-wasm/server\`, and from \`x402-wasm/server/evm\`,
  plus the \`.wasm\`;
- server, official: \`paymentMiddleware\` + \`x402ResourceServer\` from \`@x402/hono\`,
  \`HTTPFacilitatorClient\` from \`@x402/core/server\`, \`ExactEvmScheme\` from \`@x402/evm/exact/server\`.

The Workers are the two benchmarked above, as \`wrangler deploy --dry-run\` bundles them (not minified);
ours carries the wasm twice: compiled, and as the bytes it serves to the paywall page's browser.
The paywall page is what a browser downloads for an unpaid paid route: ours, the middleware's HTML
for \`$0.001\` on Base Sepolia, then its script and the wasm; the official, \`@x402/paywall\`'s EVM
page (\`dist/esm/evm/index.js\`, the HTML with React, wagmi and viem inlined), unpacked by
\`scripts/bench.sh\`.

${sizeTable}

## How to reproduce

\`\`\`sh
./scripts/bench.sh           # everything, then this file (about 3 minutes here, builds excluded)
./scripts/bench.sh --quick   # minimal counts, to check the harness (under a minute); writes target/bench/BENCHMARKS.md
\`\`\`

It installs what is missing (\`scripts/install.sh\`), builds \`pkg/\` and \`worker/dist\` only if they are
absent, bundles the \`@x402/hono\` peer Worker, waits while another build runs (before each step), then runs
\`benches/{size,verify,native,cold,load,startup,facilitator,latency}.mjs\` one after another (each prints one JSON line, kept in
\`target/bench/\`) and \`benches/report.mjs\`, which writes this file. Each script also runs alone,
e.g. \`node benches/verify.mjs --quick\`.
`;

const out = QUICK ? "target/bench/BENCHMARKS.md" : "BENCHMARKS.md";
writeFileSync(fromRoot(out), md);
console.log(summary);
console.error(`\nwrote ${out}${failed.length ? `; failed: ${failed.join(", ")}` : ""}`);
