#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm, wasm-bindgen (web glue), wasm-opt, template files.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --target wasm32-unknown-unknown --lib --no-default-features --features casper,solana
rm -rf pkg && mkdir -p pkg
wasm-bindgen --target web --out-dir pkg --out-name x402_wasm target/wasm32-unknown-unknown/release/x402_wasm.wasm
# wasm-opt from npm binaryen@132 (Debian's is too old and breaks the externref table). -O3, not
# -Os: with the crate compiled for size (Cargo.toml) the module is smaller than -Os made it before
# the family layer, and the curve arithmetic it speeds up is where verification spends its time
# (measured against -Os: local verify 298 → 216 µs, 596 KB against 605 KB before the family layer; README).
node_modules/.bin/wasm-opt -O3 pkg/x402_wasm_bg.wasm -o pkg/x402_wasm_bg.wasm
rm -f pkg/x402_wasm_bg.wasm.d.ts pkg/x402_wasm.d.ts pkg/.gitignore
cp pkg-template/* pkg/
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
node -e 'const f="pkg/package.json",p=JSON.parse(require("fs").readFileSync(f));p.version=process.argv[1];require("fs").writeFileSync(f,JSON.stringify(p,null,2)+"\n")' "$version"
raw=$(wc -c < pkg/x402_wasm_bg.wasm); gz=$(cat pkg/x402_wasm_bg.wasm pkg/x402_wasm.js pkg/api.js pkg/node.js | gzip -9 | wc -c)
echo "pkg/: wasm ${raw} bytes; wasm+js gzip ${gz} bytes"
