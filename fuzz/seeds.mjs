// Seed corpus for the fuzz targets, built from the crate's test vectors.
//
//   node fuzz/seeds.mjs        (from the repository root or anywhere; no dependencies)
//
// Reads tests/vectors/vectors.json and rewrites fuzz/corpus/<target>/ with a handful of real inputs
// per target, in the byte layout that target's harness reads (see fuzz/fuzz_targets/*.rs). The
// output is deterministic and committed; the fuzzers read it and write what they find elsewhere.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
const vectors = JSON.parse(readFileSync(new URL("tests/vectors/vectors.json", root), "utf8"));
const casper = JSON.parse(readFileSync(new URL("tests/vectors/casper.json", root), "utf8"));
const solana = JSON.parse(readFileSync(new URL("tests/vectors/solana.json", root), "utf8"));
const corpus = new URL("fuzz/corpus/", root);

const SEP = Buffer.from([0xff]); // separates the parts of a multi-part input
const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64");
const unb64 = (header) => Buffer.from(header, "base64").toString("utf8");
const parts = (...xs) => Buffer.concat(xs.flatMap((x, i) => (i ? [SEP, Buffer.from(x)] : [Buffer.from(x)])));
const u64le = (n) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

const payload = (name) => {
  const p = vectors.payloads.find((p) => p.name === name);
  if (!p) throw new Error(`no payload vector ${name}`);
  return p;
};
const typed = (name) => {
  const t = vectors.typedData.find((t) => t.name === name);
  if (!t) throw new Error(`no typed-data vector ${name}`);
  return t;
};

const V2_EIP3009 = payload("viem/v2/eip3009/eip155:84532");
const V2_EIP3009_BASE = payload("viem/v2/eip3009/eip155:8453");
const V2_USDT = payload("viem/v2/eip3009/eip155:42220/usdt");
const V1_EIP3009 = payload("viem/v1/eip3009/base-sepolia");
const V2_PERMIT2 = payload("viem/v2/permit2/eip155:4326");
const SDK_V2_EIP3009 = payload("@x402/evm/v2/eip3009/eip155:84532");
const SDK_V2_PERMIT2 = payload("@x402/evm/v2/permit2/eip155:4326");
const SDK_V1_EIP3009 = payload("@x402/evm/v1/eip3009/base-sepolia");

const [CASPER_ED, CASPER_SECP] = casper.payments.map((p) => ({ ...p, now: casper.now, requirements: casper.requirements }));

const resource = { url: "https://api.example.com/weather", description: "Weather", mimeType: "application/json" };

// The 402 terms a v2 server would send, built from the requirements the vectors were paid against.
const requiredV2 = (...ps) => ({ x402Version: 2, error: "Payment required", resource, accepts: ps.map((p) => p.requirements) });
const requiredV1 = (...ps) => ({ x402Version: 1, error: "X-PAYMENT header is required", accepts: ps.map((p) => p.requirements) });

// eth_signTypedData_v4 objects: the vectors hold domain and message; types are the x402 definitions.
const DOMAIN_FIELDS = { name: "string", version: "string", chainId: "uint256", verifyingContract: "address" };
const TYPES = {
  eip3009: {
    TransferWithAuthorization: [
      ["from", "address"], ["to", "address"], ["value", "uint256"],
      ["validAfter", "uint256"], ["validBefore", "uint256"], ["nonce", "bytes32"],
    ],
  },
  "permit2-exact": {
    PermitWitnessTransferFrom: [
      ["permitted", "TokenPermissions"], ["spender", "address"], ["nonce", "uint256"], ["deadline", "uint256"], ["witness", "Witness"],
    ],
    TokenPermissions: [["token", "address"], ["amount", "uint256"]],
    Witness: [["to", "address"], ["validAfter", "uint256"]],
  },
};
TYPES["permit2-upto"] = {
  ...TYPES["permit2-exact"],
  Witness: [["to", "address"], ["facilitator", "address"], ["validAfter", "uint256"]],
};
const typedData = (t) => {
  const types = { EIP712Domain: Object.keys(t.domain).map((name) => ({ name, type: DOMAIN_FIELDS[name] })) };
  for (const [struct, fields] of Object.entries(TYPES[t.kind])) types[struct] = fields.map(([name, type]) => ({ name, type }));
  const primaryType = Object.keys(TYPES[t.kind])[0];
  return { types, primaryType, domain: t.domain, message: t.message };
};

// Route tables like the Worker example's (worker/src/index.js) and the server tests'.
const option = { scheme: "exact", network: "eip155:84532", payTo: PAY_TO, price: "$0.01", maxTimeoutSeconds: 300 };
const workerRoutes = {
  "GET /weather": { accepts: option, description: "Today's weather", mimeType: "application/json" },
  "GET /reports/:id": { accepts: option, description: "A report", mimeType: "application/json" },
};
const patternRoutes = {
  "GET /weather": { accepts: option },
  "/items/:id": { accepts: option },
  "POST /files/[name]/meta": { accepts: option },
  "/api/*/v1": { accepts: option },
};
const priceRoutes = {
  "/a": {
    accepts: [
      { scheme: "exact", network: "eip155:8453", payTo: PAY_TO, price: "$2.50" },
      { scheme: "exact", network: "eip155:31337", payTo: PAY_TO, maxTimeoutSeconds: 60,
        price: { amount: "7", asset: "0x5FbDB2315678afecb367f032d93F642f64180aa3", extra: { name: "T", version: "1" } } },
      { scheme: "exact", network: "eip155:4326", payTo: PAY_TO, price: "0.01 MegaUSD" },
    ],
    description: "A",
    mimeType: "text/plain",
  },
};

// A Casper route priced as the vectors were paid, and Casper typed data as our drafts write it.
const casperRoutes = {
  "GET /casper": { accepts: { scheme: "exact", network: casper.requirements.network, payTo: casper.requirements.payTo,
    price: { amount: casper.requirements.amount, asset: casper.requirements.asset, extra: casper.requirements.extra } } },
};
const casperTypedData = (p) => {
  const f = (name, type) => ({ name, type });
  const a = p.payload.payload.authorization;
  return {
    types: {
      EIP712Domain: [f("name", "string"), f("version", "string"), f("chain_name", "string"), f("contract_package_hash", "bytes32")],
      TransferWithAuthorization: [f("from", "address"), f("to", "address"), f("value", "uint256"), f("validAfter", "uint256"), f("validBefore", "uint256"), f("nonce", "bytes32")],
    },
    primaryType: "TransferWithAuthorization",
    domain: { ...casper.requirements.extra, chain_name: casper.requirements.network, contract_package_hash: casper.requirements.asset },
    message: a,
  };
};

const seeds = {
  decode_header: {
    "header-v2-eip3009": V2_EIP3009.header,
    "header-v1-eip3009": V1_EIP3009.header,
    "header-v2-permit2": V2_PERMIT2.header,
    "header-casper": CASPER_ED.header,
    "header-sdk-v2-permit2": SDK_V2_PERMIT2.header,
    "header-required-v2": b64(requiredV2(V2_EIP3009, V2_PERMIT2)),
    "header-settle": b64({ success: true, transaction: `0x${"ab".repeat(32)}`, network: "eip155:84532", payer: V2_EIP3009.expect.payer }),
    "json-payload-v2": unb64(SDK_V2_EIP3009.header),
    "json-payload-v1": unb64(SDK_V1_EIP3009.header),
    "json-required-v1": JSON.stringify(requiredV1(V1_EIP3009)),
  },

  // now (u64 LE) ‖ payload JSON ‖ 0xff ‖ requirement JSON
  verify_payment: Object.fromEntries(
    [
      ["v2-eip3009", V2_EIP3009],
      ["v2-usdt", V2_USDT],
      ["v1-eip3009", V1_EIP3009],
      ["v2-permit2", V2_PERMIT2],
      ["sdk-v2-permit2", SDK_V2_PERMIT2],
      ["sdk-v1-eip3009", SDK_V1_EIP3009],
      ["casper-ed25519", CASPER_ED],
      ["casper-secp256k1", CASPER_SECP],
    ]
      .map(([name, p]) => [name, Buffer.concat([u64le(p.now), parts(unb64(p.header), JSON.stringify(p.requirements))])])
      .concat(
        // Solana: the official client's payments, and kit-built ones with one thing wrong.
        [...solana.payments.map((p) => [`solana-${p.name}`, p]), ...solana.tampered.slice(0, 12).map((t) => [`solana-${t.name}`, t])].map(
          ([name, p]) => [name, Buffer.concat([u64le(1_800_000_000), parts(JSON.stringify(p.payload), JSON.stringify(p.requirements))])],
        ),
      ),
  ),

  // a Solana wire transaction, raw bytes
  solana_transaction: Object.fromEntries(
    [...solana.payments.map((p) => [p.name, p.payload.payload.transaction]), ...solana.tampered.map((t) => [t.name, t.payload.payload.transaction])]
      .filter(([, tx]) => /^[A-Za-z0-9+/]+=*$/.test(tx))
      .map(([name, tx]) => [name, Buffer.from(tx, "base64")]),
  ),

  select_requirements: {
    "v2-one": JSON.stringify(requiredV2(V2_EIP3009)),
    "v2-several": JSON.stringify(requiredV2(V2_EIP3009_BASE, V2_USDT, V2_PERMIT2)),
    "v2-permit2": JSON.stringify(requiredV2(SDK_V2_PERMIT2)),
    "v2-payment-identifier": JSON.stringify({
      ...requiredV2(V2_EIP3009),
      extensions: { "payment-identifier": { info: { required: false }, schema: { type: "object" } } },
    }),
    "v1-one": JSON.stringify(requiredV1(V1_EIP3009)),
    "v2-evm-and-casper": JSON.stringify(requiredV2(V2_EIP3009, CASPER_ED)),
  },

  typed_data: {
    "eip3009-base": JSON.stringify(typedData(typed("eip3009/eip155:8453/0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"))),
    "eip3009-spec-example": JSON.stringify(typedData(typed("eip3009/spec-example"))),
    "permit2-exact": JSON.stringify(typedData(typed("permit2-exact/eip155:8453"))),
    "permit2-upto": JSON.stringify(typedData(typed("permit2-upto/eip155:4326"))),
    "casper-transfer": JSON.stringify(casperTypedData(CASPER_ED)),
  },

  // routes JSON ‖ 0xff ‖ method ‖ 0xff ‖ path ‖ 0xff ‖ payment header
  route_matching: {
    "worker-paid": parts(JSON.stringify(workerRoutes), "GET", "/weather", V2_EIP3009.header),
    "worker-param-v1": parts(JSON.stringify(workerRoutes), "GET", "/reports/42?x=1", V1_EIP3009.header),
    "patterns-unpaid": parts(JSON.stringify(patternRoutes), "POST", "/files/a.txt/meta", ""),
    "patterns-wildcard": parts(JSON.stringify(patternRoutes), "GET", "/api%2Fx/y/v1", SDK_V2_EIP3009.header),
    "bare-config": parts(JSON.stringify({ accepts: { ...option, network: "eip155:4326" } }), "PUT", "//Anything//at/all/", V2_PERMIT2.header),
    "prices": parts(JSON.stringify(priceRoutes), "GET", "/a", V2_EIP3009_BASE.header),
    "casper": parts(JSON.stringify(casperRoutes), "GET", "/casper", CASPER_SECP.header),
    "escaped-literal-separator-param": parts(JSON.stringify(workerRoutes), "GET", "/r%65ports/x%2Fy", ""),
  },

  // Hono-shaped route pattern ‖ 0xff ‖ path (the attack review's C1 and H1 spellings among them)
  path_views: {
    "param-escaped-separator": parts("/reports/:id", "/r%65ports/x%2Fy"),
    "param-escaped-backslash": parts("/reports/:id", "/r%65ports/x%5Cy?q=1"),
    "wildcard-escaped-query": parts("/api/*", "/ap%69/%3Fx/y"),
    "wildcard-bare-prefix": parts("/api/*", "/api/"),
    "malformed-escapes": parts("/files/:name/meta", "/files/a%zz%/m%65ta%ff"),
    "utf8-runs": parts("/caf\u00e9/:x", "/caf%C3%A9/%E2%82%AC%e2%82"),
    "dot-segments": parts("/a/:b/c", "/a/%2e%2e/c"),
  },
};

rmSync(corpus, { recursive: true, force: true });
let files = 0;
let bytes = 0;
for (const [target, inputs] of Object.entries(seeds)) {
  const dir = new URL(`${target}/`, corpus);
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of Object.entries(inputs)) {
    const buf = Buffer.from(data);
    writeFileSync(new URL(name, dir), buf);
    files += 1;
    bytes += buf.length;
  }
}
console.log(`wrote ${files} seeds (${bytes} bytes) to fuzz/corpus/`);
