#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already there:
# the wasm32 target, rustfmt, clippy and rust-src, the wasm-bindgen CLI at the crate's pinned version, Chromium and its driver,
# and the npm packages of package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
# The gates of the test command: formatting and lints; and the standard library's source, which
# scripts/build-pkg.sh compiles with the crate (a panic there is one trap instruction).
for component in rustfmt clippy rust-src; do
  rustup component list --installed | grep -q "^$component" || rustup component add "$component"
done

# The CLI must equal the wasm-bindgen crate in Cargo.lock (pinned with "=" in Cargo.toml).
wb_version=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"/\1/p;}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wb_version" ]; then
  # Not --locked: the CLI's own lockfile pins a crate version the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$wb_version"
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if [ ! -x node_modules/.bin/wasm-opt ] || ! npm ls --silent >/dev/null 2>&1; then
  npm ci --no-audit --no-fund
fi
