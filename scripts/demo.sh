#!/usr/bin/env bash
# The demo command (README): installs what is missing, builds the package and the Worker, then starts
# chain + facilitator + Worker + dapp, makes one paid request from Node and prints each step and the
# receipt. The dapp stays up until Ctrl-C; pass --once to exit after the receipt.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install.sh >/dev/null
export PATH="$PWD/node_modules/.bin:$PATH" WRANGLER_SEND_METRICS=false WRANGLER_SEND_ERROR_REPORTS=false
./scripts/build-pkg.sh >/dev/null 2>&1
(cd worker && npm ci --no-audit --no-fund >/dev/null && wrangler deploy --dry-run --outdir dist >/dev/null)
exec node scripts/demo.mjs "$@"
