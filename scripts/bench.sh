#!/usr/bin/env bash
# Micro-benchmark of one full local verify: native (criterion) and wasm in Node.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install.sh
export PATH="$PWD/node_modules/.bin:$PATH"
cargo bench --bench verify -- --noplot
./scripts/build-pkg.sh
node benches/verify.mjs
