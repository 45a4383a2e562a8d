// Helpers shared by the benchmark scripts (benches/*.mjs). Each script prints one JSON line on
// stdout (scripts/bench.sh stores it under target/bench/) and its progress on stderr.
import { execSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

/** Minimal iteration counts: checks that the harness works, the figures mean little. */
export const QUICK = process.argv.includes("--quick") || process.env.BENCH_QUICK === "1";

/** An absolute path from one relative to the repository root. */
export const fromRoot = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export const readJson = (path) => JSON.parse(readFileSync(fromRoot(path), "utf8"));

/** The benchmarked payment: a viem-signed v2 EIP-3009 authorization, valid at `now`. */
export function vector() {
  return readJson("tests/vectors/vectors.json").payloads.find((p) => p.name === "viem/v2/eip3009/eip155:84532");
}

/** Median, min and max of some numbers (each a run's figure). */
export function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s.at(-1), runs: s.length };
}

/** The summary of each field over a list of records (one record per run or sample). */
export function summaryByField(records) {
  return Object.fromEntries(Object.keys(records[0]).map((field) => [field, summary(records.map((r) => r[field]))]));
}

export const log = (...args) => console.error(...args);

/** Other builds running now (as scripts/bench.sh waits for): they skew the figures on a small machine. */
function otherBuilds() {
  const pgrep = "pgrep -x 'cargo|rustc'; pgrep -f 'wasm-bindge[n]|wasm-op[t]'; true";
  return execSync(pgrep, { encoding: "utf8" }).split("\n").filter(Boolean).length;
}
/** When the measured builds were made: a rebuild during a run would mix two builds' figures. */
const builtAt = () =>
  ["pkg/x402_wasm_bg.wasm", "worker/dist/index.js"].map((f) => statSync(fromRoot(f), { throwIfNoEntry: false })?.mtimeMs ?? 0).join();
const state = () => ({ loadavg1: loadavg()[0], otherBuilds: otherBuilds(), builtAt: builtAt() });
const started = { ...state(), commit: execSync("git describe --always --dirty", { cwd: fromRoot(""), encoding: "utf8" }).trim() };

/** Prints the script's result line, with how busy the machine was at its start and end. */
export function emit(result) {
  const machine = { start: started, end: state() };
  console.log(JSON.stringify({ quick: QUICK, ...result, machine }));
}
