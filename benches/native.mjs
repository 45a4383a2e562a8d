// The same verification natively: the criterion bench benches/verify.rs (`cargo bench --bench
// verify`), read back from criterion's estimates (the median of its samples, in µs/op).
// Usage: node benches/native.mjs [--quick]; cargo's output goes to stderr.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { QUICK, emit, fromRoot, readJson } from "./lib/common.mjs";

const started = Date.now();
const quick = ["--warm-up-time", "0.5", "--measurement-time", "1", "--sample-size", "10"];
const cargo = spawnSync("cargo", ["bench", "--bench", "verify", "--", "--noplot", ...(QUICK ? quick : [])], {
  cwd: fromRoot(""),
  stdio: ["ignore", process.stderr, process.stderr],
});
if (cargo.status !== 0) throw new Error(`cargo bench exited with ${cargo.status}`);

// Every benchmark this run updated, by its criterion title.
const results = {};
for (const dir of readdirSync(fromRoot("target/criterion"))) {
  const estimates = `target/criterion/${dir}/new/estimates.json`;
  if (!existsSync(fromRoot(estimates)) || statSync(fromRoot(estimates)).mtimeMs < started) continue;
  const { median } = readJson(estimates);
  const { title } = readJson(`target/criterion/${dir}/new/benchmark.json`);
  results[title] = {
    median: median.point_estimate / 1e3,
    low: median.confidence_interval.lower_bound / 1e3,
    high: median.confidence_interval.upper_bound / 1e3,
  };
}
emit({ bench: "native", unit: "µs/op", rustc: spawnSync("rustc", ["--version"], { encoding: "utf8" }).stdout.trim(), results });
