#!/usr/bin/env bash
# Every benchmark, side by side with its peers, in one run; writes BENCHMARKS.md (figures, ratios,
# the machine, the peers' versions). Nothing is asserted: the benchmarks only report.
#   ./scripts/bench.sh           full run
#   ./scripts/bench.sh --quick   (or BENCH_QUICK=1) minimal counts, to check that the harness works;
#                                writes target/bench/BENCHMARKS.md and leaves BENCHMARKS.md alone
# Each benches/*.mjs prints one JSON line, kept in target/bench/; benches/report.mjs assembles them.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--quick" ]; then export BENCH_QUICK=1; fi
export PATH="$PWD/node_modules/.bin:$PATH" WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false

# On a small machine another build skews every figure: wait until none runs (cargo, rustc,
# wasm-bindgen, wasm-opt; benches/lib/common.mjs looks for the same).
wait_for_builds() {
  while pgrep -x 'cargo|rustc' >/dev/null || pgrep -f 'wasm-bindge[n]|wasm-op[t]' >/dev/null; do
    echo "bench: another build is running; waiting" >&2
    sleep 10
  done
}

wait_for_builds
./scripts/install.sh
# The newest module build-pkg.sh writes: a pkg/ from before it is built again.
[ -f pkg/server-evm/x402_wasm_bg.wasm ] || ./scripts/build-pkg.sh
[ -f worker/dist/index.js ] || (cd worker && npm ci --no-audit --no-fund && wrangler deploy --dry-run --outdir dist >/dev/null)
[ -f worker/dist-facilitator/facilitator.js ] || (cd worker && wrangler deploy --dry-run --config facilitator.toml --outdir dist-facilitator >/dev/null)
# The reference paywall page (@x402/paywall's EVM template), unpacked once: only its size is read.
if [ ! -f target/bench/x402-paywall/package/dist/esm/evm/index.js ]; then
  mkdir -p target/bench/x402-paywall
  (cd target/bench/x402-paywall && npm pack @x402/paywall@2.12.0 --silent >/dev/null && tar xzf x402-paywall-2.12.0.tgz)
fi
# The @x402/hono peer Worker, bundled as wrangler would deploy it.
(cd benches/hono-worker && wrangler deploy --dry-run --outdir ../../target/bench/hono-worker >/dev/null)
(cd benches/ours-worker && wrangler deploy --dry-run --outdir ../../target/bench/ours-worker >/dev/null)

rm -f target/bench/*.json
failed=0
for bench in size verify native cold load startup facilitator latency; do
  echo "==> benches/$bench.mjs" >&2
  wait_for_builds
  if ! node "benches/$bench.mjs" >"target/bench/$bench.json"; then
    echo "{\"error\":\"benches/$bench.mjs failed; see its output above\"}" >"target/bench/$bench.json"
    failed=1
  fi
done
node benches/report.mjs
exit "$failed"
