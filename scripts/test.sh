#!/usr/bin/env bash
# The project's one test command (README; .ci/run calls it). On a fresh machine it installs what is
# missing, then runs every suite: native Rust (unit, vectors, reason codes, properties, doc, bench
# smoke), the npm package build, the same vectors in wasm under Node, headless Chromium and a
# dedicated worker, the package's consumer tests in Node (fetch wrapper against the official verifier,
# strict TypeScript), the injected-wallet flow and the www/ dapp in headless Chromium, the Worker example
# in workerd, the end-to-end matrix on a local chain, x402 over MCP, and the demo once. The gates come first:
# rustfmt, clippy (native, wasm32, and the build without `casper`) and prettier.
#   ./scripts/test.sh          everything (what .ci/run runs)
#   ./scripts/test.sh --fast   gates, native Rust, the package, its consumer tests and workerd
set -euo pipefail
cd "$(dirname "$0")/.."
fast=0
if [ "${1:-}" = "--fast" ]; then fast=1; fi

step() { printf '\n==> %s\n' "$*"; }

step "install (skips what is present)"
./scripts/install.sh

export CHROMEDRIVER=/usr/bin/chromedriver
export WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false
export PATH="$PWD/node_modules/.bin:$PATH"

step "gates: cargo fmt, clippy -D warnings (native, wasm32, --no-default-features, each face alone), prettier"
cargo fmt --check
(cd fuzz && cargo fmt --check)
cargo clippy --all-targets -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --tests -- -D warnings
cargo clippy --no-default-features --all-targets -- -D warnings
# Each face alone, as scripts/build-pkg.sh builds pkg/client and pkg/server, and for EVM alone
# (pkg/client-evm, pkg/server-evm).
for face in client server; do
  cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features "casper,solana,$face" -- -D warnings
  cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features "$face" -- -D warnings
done
# The facilitator's module (pkg/facilitator): EVM only.
cargo clippy --target wasm32-unknown-unknown --lib --no-default-features --features facilitator -- -D warnings
prettier --check .

step "native: unit, vectors, reason codes, properties, bench smoke"
cargo test --all-targets
# The build without Casper and Solana (the EVM-only faces): its family registry and route table.
cargo test --lib --no-default-features -- family:: server::
cargo test --doc

if [ "$fast" = 1 ]; then
  step "build pkg/"
  ./scripts/build-pkg.sh
  step "pkg/ from a consumer package: API, fetch wrapper vs the official verifier, types"
  (cd tests/consumer && npm ci --no-audit --no-fund && node --test && tsc -p tsconfig.json && echo "tsc --noEmit: ok")
  step "Solana on a real SVM (LiteSVM): our client and the official one, the official facilitator"
  node --test tests/solana/
  step "Worker face in workerd"
  (cd worker && npm ci --no-audit --no-fund && wrangler deploy --dry-run --outdir dist | grep -E "Total Upload|Worker has access")
  (cd worker && wrangler deploy --dry-run --config evm.toml --outdir dist-evm | grep -E "Total Upload|Worker has access")
  node --test worker/test/worker.test.mjs worker/test/casper.test.mjs worker/test/solana.test.mjs worker/test/evm.test.mjs
  step "fast tier passed (the full command adds fuzzing, wasm in three engines, Chromium, the demo and the chain)"
  exit 0
fi

step "fuzzing: seven cargo-fuzz targets, 20 s each, seeded from the vectors (scripts/fuzz.sh)"
./scripts/fuzz.sh 20

step "build pkg/"
./scripts/build-pkg.sh

step "wasm in Node"
cargo test --target wasm32-unknown-unknown --lib --test vectors --test reasons --test client --test server --test adversarial --test casper --test solana --test upto
step "wasm in headless Chromium (window)"
WASM_BINDGEN_USE_BROWSER=1 cargo test --target wasm32-unknown-unknown --lib --test vectors --test reasons --test client --test server --test adversarial --test casper --test solana --test upto
step "wasm in headless Chromium (dedicated worker)"
WASM_BINDGEN_USE_DEDICATED_WORKER=1 cargo test --target wasm32-unknown-unknown --lib --test vectors --test reasons --test client --test server --test adversarial --test casper --test solana --test upto

step "pkg/ imported by name from a consumer package: API, fetch wrapper vs the official verifier, types"
(cd tests/consumer && npm ci --no-audit --no-fund && node --test && tsc -p tsconfig.json && echo "tsc --noEmit: ok")

step "Solana on a real SVM (LiteSVM): our client and the official one, the official facilitator"
node --test tests/solana/

step "client face in headless Chromium: injected EIP-1193 wallet"
node --test tests/browser/

step "Worker face: example bundled by wrangler (no nodejs_compat), run in workerd via Miniflare"
(cd worker && npm ci --no-audit --no-fund && wrangler deploy --dry-run --outdir dist | grep -E "Total Upload|Worker has access")
# The EVM-only server face as a plain module Worker (worker/src/evm.js).
(cd worker && wrangler deploy --dry-run --config evm.toml --outdir dist-evm | grep -E "Total Upload|Worker has access")
node --test worker/test/worker.test.mjs worker/test/casper.test.mjs worker/test/solana.test.mjs worker/test/evm.test.mjs

step "demo smoke run (scripts/demo.mjs --once, on free ports)"
FACILITATOR_PORT=0 WORKER_PORT=0 WWW_PORT=0 node scripts/demo.mjs --once

step "end to end on a real chain: anvil + our EIP-3009 token (and Permit2 + the upto proxy), the official facilitator and ours (a Worker), our Worker, @x402/hono, x402-hono 1.x; our client and @x402/fetch in Node, the www/ dapp and the paywall page in Chromium"
(cd tests/e2e/legacy && npm ci --no-audit --no-fund)
(cd worker && wrangler deploy --dry-run --config facilitator.toml --outdir dist-facilitator | grep -E "Total Upload|Worker has access")
node --test tests/e2e/chain.test.mjs tests/e2e/matrix.test.mjs tests/e2e/solana.test.mjs tests/e2e/upto.test.mjs tests/e2e/paywall.test.mjs tests/e2e/facilitator-worker.test.mjs

step "x402 over MCP: the official MCP SDK (in memory, and Streamable HTTP to a Worker in workerd), Cloudflare agents' x402 MCP client and server as the peer, on the local chain"
(cd tests/mcp && npm ci --no-audit --no-fund && cd worker && wrangler deploy --dry-run --outdir dist | grep -E "Total Upload|Worker has access")
node --test tests/mcp/
