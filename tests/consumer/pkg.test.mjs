// The built npm package, imported by name as a consumer would, checked against independent code:
// vectors signed by viem and @x402/evm, viem's recovery, and @x402/core's header codec.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as x402 from "x402-wasm";
import { recoverTypedDataAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { decodePaymentSignatureHeader as refDecode, encodePaymentSignatureHeader as refEncode } from "@x402/core/http";

const vectors = JSON.parse(readFileSync(new URL("../vectors/vectors.json", import.meta.url)));
const byName = (name) => vectors.payloads.find((p) => p.name === name);
const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/** Runs fn and returns the thrown error's code (fails if nothing is thrown). */
function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof Error, "throws an Error");
    return e.code;
  }
  assert.fail("expected a throw");
}

test("exports the documented functions by name", () => {
  for (const name of [
    "verifyPayment",
    "findMatchingRequirements",
    "selectPaymentRequirements",
    "PaymentDraft",
    "wrapFetchWithPayment",
    "privateKeySigner",
    "injectedWalletSigner",
    "casperPrivateKeySigner",
    "solanaPrivateKeySigner",
    "injectedSolanaWalletSigner",
    "draftQueries",
    "decodePaymentResponse",
    "paymentMiddleware",
    "withPayment",
    "createPaymentHandler",
    "durableObjectNonceStore",
    "InMemoryNonceStore",
    "decodePaymentSignatureHeader",
    "decodePaymentRequiredHeader",
    "decodePaymentResponseHeader",
    "encodePaymentSignatureHeader",
    "encodePaymentRequiredHeader",
    "encodePaymentResponseHeader",
  ]) {
    assert.equal(typeof x402[name], "function", name);
  }
  assert.equal(x402.initSync, undefined, "wasm plumbing stays private");
  assert.equal(x402.PrivateKeySigner, undefined, "the key holder is reached only through privateKeySigner()");
});

test("every vector verifies, from the header and from the object", () => {
  for (const v of vectors.payloads) {
    const fromHeader = x402.verifyPayment(v.header, v.requirements, { now: v.now });
    assert.equal(fromHeader.isValid, true, `${v.name}: ${fromHeader.invalidReason}`);
    assert.equal(fromHeader.payer, v.expect.payer, v.name);
    assert.ok(fromHeader.deferred.includes("simulation"), v.name);
    const fromObject = x402.verifyPayment(refDecode(v.header), v.requirements, { now: v.now });
    assert.deepEqual(fromObject, fromHeader, v.name);
    assert.equal(x402.findMatchingRequirements([v.requirements], v.header), 0, v.name);
  }
});

test("refusals carry the reference reason codes", () => {
  const v = byName("viem/v2/eip3009/eip155:84532");
  const verify = (req, now = v.now) => x402.verifyPayment(v.header, req, { now });
  assert.deepEqual(Object.keys(verify({ ...v.requirements, amount: "10001" })).sort(), [
    "invalidMessage",
    "invalidReason",
    "isValid",
    "payer",
  ]);
  assert.equal(verify({ ...v.requirements, amount: "10001" }).invalidReason, "invalid_exact_evm_payload_authorization_value_mismatch");
  assert.equal(
    verify({ ...v.requirements, payTo: "0x1111111111111111111111111111111111111111" }).invalidReason,
    "invalid_exact_evm_recipient_mismatch",
  );
  assert.equal(verify({ ...v.requirements, network: "eip155:8453" }).invalidReason, "invalid_exact_evm_network_mismatch");
  assert.equal(verify({ ...v.requirements, extra: {} }).invalidReason, "invalid_exact_evm_missing_eip712_domain");
  assert.equal(verify(v.requirements, v.now + 300).invalidReason, "invalid_exact_evm_payload_authorization_valid_before");
  const v1 = byName("viem/v1/eip3009/base-sepolia");
  assert.equal(
    x402.verifyPayment(v1.header, { ...v1.requirements, maxAmountRequired: "1" }, { now: v1.now }).invalidReason,
    "invalid_exact_evm_authorization_value",
  );
  const refused = verify({ ...v.requirements, amount: "1" });
  assert.equal(refused.isValid, false);
  assert.equal(refused.payer, v.expect.payer);
  assert.equal(refused.deferred, undefined);
});

test("bad input throws an Error with a code and never traps the module", () => {
  const v = byName("viem/v2/eip3009/eip155:84532");
  assert.equal(
    codeOf(() => x402.verifyPayment("not base64!", v.requirements)),
    "invalid_base64",
  );
  assert.equal(
    codeOf(() => x402.verifyPayment(Buffer.from("{").toString("base64"), v.requirements)),
    "invalid_json",
  );
  assert.equal(
    codeOf(() => x402.verifyPayment("A".repeat(70_000), v.requirements)),
    "header_too_large",
  );
  assert.equal(
    codeOf(() => x402.verifyPayment(Buffer.from('{"x402Version":3}').toString("base64"), v.requirements)),
    "invalid_x402_version",
  );
  assert.equal(
    codeOf(() => x402.verifyPayment(v.header, { ...v.requirements, amount: 10n })),
    "invalid_json",
  );
  assert.equal(
    codeOf(() => x402.verifyPayment(v.header, { ...v.requirements, amount: "-1" })),
    "invalid_json",
  );
  assert.equal(
    codeOf(() => x402.verifyPayment(v.header, undefined)),
    "invalid_argument",
  );
  assert.equal(
    codeOf(() => x402.verifyPayment(v.header, v.requirements, { now: -1 })),
    "invalid_argument",
  );
  assert.equal(
    codeOf(() => x402.decodePaymentResponseHeader("e30=")),
    "invalid_json",
  );
  assert.equal(
    codeOf(() => new x402.PaymentDraft({}, 0, "0x00")),
    "invalid_json",
  );
  assert.equal(
    codeOf(() => x402.privateKeySigner("0x00")),
    "invalid_private_key",
  );
  // After all of that the module still answers.
  assert.equal(x402.verifyPayment(v.header, v.requirements, { now: v.now }).isValid, true);
});

test("headers interoperate with @x402/core's codec", () => {
  for (const v of vectors.payloads) {
    const ours = x402.decodePaymentSignatureHeader(v.header);
    assert.deepEqual(ours, refDecode(v.header), v.name);
    assert.deepEqual(refDecode(x402.encodePaymentSignatureHeader(ours)), ours, v.name);
  }
  const settle = { success: true, transaction: "0xabc", network: "eip155:84532", payer: "0x857b06519E91e3A54538791bDbb0E22373e36b66" };
  assert.deepEqual(x402.decodePaymentResponseHeader(x402.encodePaymentResponseHeader(settle)), settle);
  const required = {
    x402Version: 2,
    resource: { url: "https://x.test/r" },
    accepts: [byName("viem/v2/eip3009/eip155:84532").requirements],
  };
  assert.deepEqual(x402.decodePaymentRequiredHeader(x402.encodePaymentRequiredHeader(required)), required);
});

/** viem recovers the signer of a payment this package built, from the payment alone. */
async function viemSigner(payload, required) {
  const accepted = payload.x402Version === 2 ? payload.accepted : required.accepts[0];
  const chainId = payload.x402Version === 2 ? Number(accepted.network.split(":")[1]) : 84532;
  if (payload.payload.permit2Authorization) {
    const p = payload.payload.permit2Authorization;
    return recoverTypedDataAddress({
      domain: { name: "Permit2", chainId, verifyingContract: "0x000000000022D473030F116dDEE9F6B43aC78BA3" },
      types: {
        PermitWitnessTransferFrom: [
          { name: "permitted", type: "TokenPermissions" },
          { name: "spender", type: "address" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
          { name: "witness", type: "Witness" },
        ],
        TokenPermissions: [
          { name: "token", type: "address" },
          { name: "amount", type: "uint256" },
        ],
        Witness: [
          { name: "to", type: "address" },
          { name: "validAfter", type: "uint256" },
        ],
      },
      primaryType: "PermitWitnessTransferFrom",
      message: {
        ...p,
        permitted: { ...p.permitted, amount: BigInt(p.permitted.amount) },
        nonce: BigInt(p.nonce),
        deadline: BigInt(p.deadline),
        witness: { ...p.witness, validAfter: BigInt(p.witness.validAfter) },
      },
      signature: payload.payload.signature,
    });
  }
  const a = payload.payload.authorization;
  return recoverTypedDataAddress({
    domain: { name: accepted.extra.name, version: accepted.extra.version, chainId, verifyingContract: accepted.asset },
    types: {
      TransferWithAuthorization: [
        { name: "from", type: "address" },
        { name: "to", type: "address" },
        { name: "value", type: "uint256" },
        { name: "validAfter", type: "uint256" },
        { name: "validBefore", type: "uint256" },
        { name: "nonce", type: "bytes32" },
      ],
    },
    primaryType: "TransferWithAuthorization",
    message: { ...a, value: BigInt(a.value), validAfter: BigInt(a.validAfter), validBefore: BigInt(a.validBefore) },
    signature: payload.payload.signature,
  });
}

/** A payment for accepts[0], signed inside wasm by privateKeySigner. */
async function payWithKey(required, now) {
  const signer = x402.privateKeySigner(KEY);
  const draft = new x402.PaymentDraft(required, 0, signer.address, { now });
  return draft.finish(await signer.signTypedData(draft.typedData()));
}

test("payments signed in wasm are recovered by viem and pass verification", async () => {
  const address = privateKeyToAccount(KEY).address;
  const now = 1_800_000_000;
  const cases = [
    { x402Version: 2, resource: { url: "https://x.test/r" }, accepts: [byName("viem/v2/eip3009/eip155:84532").requirements] },
    { x402Version: 2, resource: { url: "https://x.test/r" }, accepts: [byName("viem/v2/permit2/eip155:4326").requirements] },
    { x402Version: 1, error: "X-PAYMENT header is required", accepts: [byName("viem/v1/eip3009/base-sepolia").requirements] },
  ];
  for (const required of cases) {
    const payload = await payWithKey(required, now);
    assert.equal(await viemSigner(payload, required), address);
    const header = refEncode(payload);
    const result = x402.verifyPayment(header, required.accepts[0], { now: now + 1 });
    assert.equal(result.isValid, true, result.invalidReason);
    assert.equal(result.payer, address);
    if (payload.x402Version === 2) assert.deepEqual(payload.accepted, required.accepts[0]);
  }
  // Two payments for the same terms never share a nonce.
  const [a, b] = await Promise.all([0, 1].map(() => payWithKey(cases[0], now)));
  assert.notEqual(a.payload.authorization.nonce, b.payload.authorization.nonce);
});

test("the local key signs x402 payment types only, and drafts check their signer", async () => {
  const signer = x402.privateKeySigner(KEY);
  const permit = {
    types: {
      Permit: [
        { name: "owner", type: "address" },
        { name: "value", type: "uint256" },
      ],
    },
    primaryType: "Permit",
    domain: { name: "USDC", version: "2", chainId: 8453, verifyingContract: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913" },
    message: { owner: signer.address, value: "115792089237316195423570985008687907853269984665640564039457584007913129639935" },
  };
  await assert.rejects(signer.signTypedData(permit), (e) => e.code === "unsupported_typed_data");
  const required = {
    x402Version: 2,
    resource: { url: "https://x.test/r" },
    accepts: [byName("viem/v2/eip3009/eip155:84532").requirements],
  };
  const draft = new x402.PaymentDraft(
    required,
    0,
    privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80").address,
  );
  const wrongKey = await signer.signTypedData(draft.typedData());
  assert.equal(
    codeOf(() => draft.finish(wrongKey)),
    "signer_mismatch",
  );
});

test("the packed package holds every file its modules import", async () => {
  // `file:` installs link the folder, so a file left out of package.json `files` shows only when packed.
  const { execFileSync } = await import("node:child_process");
  const pkgDir = new URL("../../pkg/", import.meta.url);
  const [packed] = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: pkgDir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  );
  const files = new Set(packed.files.map((f) => f.path));
  const missing = [];
  for (const file of [...files].filter((f) => f.endsWith(".js"))) {
    const source = readFileSync(new URL(file, pkgDir), "utf8");
    for (const [, from, dynamic, url] of source.matchAll(
      /(?:import|export)[^"';]*?from\s*["'](\.\.?\/[^"']+)["']|import\(\s*["'](\.\.?\/[^"']+)["']|new URL\(\s*["'](\.\.?\/[^"']+)["'],\s*import\.meta\.url/g,
    )) {
      const spec = from ?? dynamic ?? url;
      const path = new URL(spec, new URL(file, pkgDir)).pathname.slice(pkgDir.pathname.length);
      if (!files.has(path)) missing.push(`${file} imports ${spec}`);
    }
  }
  assert.deepEqual(missing, []);
  assert.ok(files.has("x402_wasm_bg.wasm") && files.has("nonces.js"));
  for (const face of ["client", "server", "client-evm", "server-evm"]) {
    assert.ok(files.has(`${face}/x402_wasm_bg.wasm`) && files.has(`${face}/api.js`), face);
  }
});
