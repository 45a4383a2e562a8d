// Solana test vectors, made without the crate: `node tests/vectors/solana.mjs` writes
// tests/vectors/solana.json. Valid payments are built by the official client (`@x402/svm` 2.27's
// ExactSvmScheme, v2 and v1) over a stub RPC that answers its mint and blockhash queries; the
// tampered ones are built and signed with `@solana/kit`, one thing wrong each, and every reason is
// what the official facilitator (`@x402/svm`'s ExactSvmScheme) answers, its simulation stubbed to
// succeed (the crate leaves simulation to the facilitator).
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import {
  AccountRole,
  address,
  appendTransactionMessageInstructions,
  compressTransactionMessageUsingAddressLookupTables,
  createKeyPairSignerFromPrivateKeyBytes,
  createTransactionMessage,
  getAddressEncoder,
  getBase64EncodedWireTransaction,
  getProgramDerivedAddress,
  partiallySignTransactionMessageWithSigners,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
} from "@solana/kit";
import { ExactSvmScheme as Client } from "@x402/svm/exact/client";
import { ExactSvmSchemeV1 as ClientV1 } from "@x402/svm/exact/v1/client";
import { ExactSvmScheme as Facilitator } from "@x402/svm/exact/facilitator";
import { ExactSvmSchemeV1 as FacilitatorV1 } from "@x402/svm/exact/v1/facilitator";
import { DEFAULT_ASSETS, V1_TO_V2_NETWORK_MAP, decodeTransactionFromPayload, transactionMessageHash } from "@x402/svm";

const TOKEN = address("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
const TOKEN_2022 = address("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
const ATA_PROGRAM = address("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
const COMPUTE_BUDGET = address("ComputeBudget111111111111111111111111111111");
const MEMO = address("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
const LIGHTHOUSE = address("L2TExMFKdjpN9kozasaurPirfHy9P8sbXoAN1qA3S95");
const SYSTEM = address("11111111111111111111111111111111");
const NETWORK = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
const USDC = address("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU"); // devnet USDC: SPL Token
const PYUSD = address("CXk2AMBfi3TwaEL2468s6zP8xq9NxTXjp9gjMgzeUynM"); // devnet PYUSD: Token-2022
const OTHER_MINT = address("Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB");
const BLOCKHASH = "CmpNeggWJ4JaWJeJ8YKN1Zypmk7uvQq3PECGUCAEMbky";

const seed = (n) => Uint8Array.from({ length: 32 }, (_, i) => (n * 31 + i * 7) & 0xff);
const payer = await createKeyPairSignerFromPrivateKeyBytes(seed(1));
const feePayer = await createKeyPairSignerFromPrivateKeyBytes(seed(2));
const stranger = await createKeyPairSignerFromPrivateKeyBytes(seed(3));
const payTo = (await createKeyPairSignerFromPrivateKeyBytes(seed(4))).address;
const enc = getAddressEncoder();

// The official client asks RPC for the mint (decimals, program) and, without
// extra.recentBlockhash, for a blockhash: a stub answers both.
const MINTS = { [USDC]: TOKEN, [PYUSD]: TOKEN_2022, [OTHER_MINT]: TOKEN };
function mintData() {
  const d = new Uint8Array(82);
  d[44] = 6; // decimals
  d[45] = 1; // initialized
  return Buffer.from(d).toString("base64");
}
const rpc = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const { id, method, params } = JSON.parse(body);
    let result;
    if (method === "getAccountInfo") {
      const owner = MINTS[params[0]];
      result = {
        context: { slot: 1 },
        value: owner ? { data: [mintData(), "base64"], executable: false, lamports: 1461600, owner, rentEpoch: 0, space: 82 } : null,
      };
    } else if (method === "getLatestBlockhash") {
      result = { context: { slot: 1 }, value: { blockhash: BLOCKHASH, lastValidBlockHeight: 150 } };
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ jsonrpc: "2.0", id, result }));
  });
});
await new Promise((r) => rpc.listen(0, "127.0.0.1", r));
const rpcUrl = `http://127.0.0.1:${rpc.address().port}`;

async function ata(owner, program, mint) {
  const [pda] = await getProgramDerivedAddress({
    programAddress: ATA_PROGRAM,
    seeds: [enc.encode(owner), enc.encode(program), enc.encode(mint)],
  });
  return pda;
}

function requirements({ mint = USDC, amount = "10000", extra = {} } = {}) {
  return {
    scheme: "exact",
    network: NETWORK,
    amount,
    asset: mint,
    payTo,
    maxTimeoutSeconds: 60,
    extra: { feePayer: feePayer.address, ...extra },
  };
}
function requirementsV1(r) {
  const { amount, ...rest } = r;
  return {
    ...rest,
    network: "solana-devnet",
    maxAmountRequired: amount,
    resource: "https://api.example/paid",
    description: "",
    mimeType: "",
  };
}
const v2Payload = (req, payload) => ({ x402Version: 2, resource: { url: "https://api.example/paid" }, accepted: req, payload });
const v1Payload = (req, payload) => ({ x402Version: 1, scheme: req.scheme, network: req.network, payload });

const u32 = (n) => new Uint8Array(new Uint32Array([n]).buffer);
const u64 = (n) => new Uint8Array(new BigUint64Array([BigInt(n)]).buffer);
const limitIx = (units = 20000) => ({ programAddress: COMPUTE_BUDGET, data: Uint8Array.of(2, ...u32(units)) });
const priceIx = (micro = 1) => ({ programAddress: COMPUTE_BUDGET, data: Uint8Array.of(3, ...u64(micro)) });
const memoIx = (text) => ({ programAddress: MEMO, data: new TextEncoder().encode(text) });

/** A kit-built payment: the reference layout, with `change` applied to its parts. */
async function kitPayment(change = {}) {
  const c = {
    mint: USDC,
    program: TOKEN,
    owner: payTo,
    authority: payer,
    amount: 10000n,
    discriminator: 12,
    feePayer: feePayer.address,
    limit: limitIx(),
    price: priceIx(),
    memo: memoIx("a1b2c3d4e5f60718293a4b5c6d7e8f90"),
    extra: [],
    ...change,
  };
  const transfer = {
    programAddress: c.program,
    accounts: [
      { address: await ata(c.authority.address, c.program, c.mint), role: AccountRole.WRITABLE },
      { address: c.mint, role: AccountRole.READONLY },
      { address: await ata(c.owner, c.program, c.mint), role: AccountRole.WRITABLE },
      { address: c.authority.address, role: AccountRole.READONLY_SIGNER, signer: c.authority },
    ],
    data: Uint8Array.of(c.discriminator, ...u64(c.amount), 6),
  };
  const ixs = c.instructions ?? [c.limit, c.price, transfer, c.memo, ...c.extra].filter(Boolean);
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayer(c.feePayer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: BLOCKHASH, lastValidBlockHeight: 150n }, m),
    (m) => appendTransactionMessageInstructions(ixs, m),
  );
  const signed = await partiallySignTransactionMessageWithSigners(message);
  return { transaction: getBase64EncodedWireTransaction(signed), transfer };
}

/** The wire transaction with byte `at` of signature slot `slot` flipped (or the slot zeroed). */
function tamperSignature(b64, slot, { zero = false } = {}) {
  const bytes = Buffer.from(b64, "base64");
  const start = 1 + 64 * slot;
  if (zero) bytes.fill(0, start, start + 64);
  else bytes[start + 5] ^= 1;
  return bytes.toString("base64");
}

const managed = {
  getAddresses: () => [feePayer.address],
  simulateTransaction: async () => undefined,
  signTransaction: async () => {
    throw new Error("not settled here");
  },
  sendTransaction: async () => {
    throw new Error("not settled here");
  },
  confirmTransaction: async () => undefined,
};
const facilitator = new Facilitator(managed);
const facilitatorV1 = new FacilitatorV1(managed);

async function judge(version, payload, req) {
  const f = version === 1 ? facilitatorV1 : facilitator;
  const r = await f.verify(payload, req);
  return { isValid: r.isValid, reason: r.invalidReason ?? null, payer: r.payer ?? "" };
}

/** The facilitator's duplicate-settlement key of a payload. */
const hashOf = (payload) => transactionMessageHash(decodeTransactionFromPayload(payload));

const payments = [];
for (const [name, req] of [
  ["usdc", requirements()],
  ["token-2022", requirements({ mint: PYUSD, amount: "250000" })],
  ["memo", requirements({ extra: { memo: "order-42" } })],
  ["blockhash", requirements({ extra: { recentBlockhash: "4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM" } })],
]) {
  const { payload } = await new Client(payer, { rpcUrl }).createPaymentPayload(2, req);
  const full = v2Payload(req, payload);
  const verdict = await judge(2, full, req);
  if (!verdict.isValid) throw new Error(`${name}: the official facilitator refuses its own client: ${verdict.reason}`);
  payments.push({ name, version: 2, requirements: req, payload: full, payer: verdict.payer, messageHash: hashOf(payload) });
}
{
  const req = requirementsV1(requirements());
  const { payload } = await new ClientV1(payer, { rpcUrl }).createPaymentPayload(1, req);
  const full = v1Payload(req, payload);
  const verdict = await judge(1, full, req);
  if (!verdict.isValid) throw new Error(`v1: the official facilitator refuses its own client: ${verdict.reason}`);
  payments.push({ name: "v1", version: 1, requirements: req, payload: full, payer: verdict.payer, messageHash: hashOf(payload) });
}

// One thing wrong each; `req` defaults to the plain USDC requirement.
const base = requirements();
const good = (await kitPayment()).transaction;
const cases = [
  ["kit-valid", {}],
  ["amount", { amount: 9999n }],
  ["amount-over", { amount: 10001n }],
  ["recipient", { owner: stranger.address }],
  ["mint", { mint: OTHER_MINT }],
  ["token-2022-program-on-a-token-mint", { program: TOKEN_2022 }],
  ["fourth-instruction", { memo: null, extra: [{ programAddress: SYSTEM, data: Uint8Array.of(1) }] }],
  ["fifth-instruction", { extra: [{ programAddress: SYSTEM, data: Uint8Array.of(1) }] }],
  ["sixth-instruction", { extra: [memoIx("x"), { programAddress: SYSTEM, data: Uint8Array.of(1) }] }],
  ["seventh-instruction", { extra: [memoIx("x"), memoIx("y"), { programAddress: SYSTEM, data: Uint8Array.of(1) }] }],
  ["lighthouse-allowed", { extra: [{ programAddress: LIGHTHOUSE, data: Uint8Array.of(9, 9) }] }],
  ["eight-instructions", { extra: [memoIx("1"), memoIx("2"), memoIx("3"), memoIx("4")] }],
  ["two-instructions", { instructions: [limitIx(), priceIx()] }],
  ["price-too-high", { price: priceIx(5_000_001) }],
  ["price-at-max", { price: priceIx(5_000_000) }],
  ["no-limit", { limit: priceIx(), price: priceIx() }],
  ["no-price", { price: limitIx() }],
  ["limit-short-data", { limit: { programAddress: COMPUTE_BUDGET, data: Uint8Array.of(2, 1) } }],
  ["plain-transfer", { discriminator: 3 }],
  ["fee-payer-authority", { authority: feePayer }],
  ["fee-payer-mismatch", { feePayer: stranger.address }],
  ["no-memo-allowed", { memo: null }],
];
const tampered = [];
for (const [name, change] of cases) {
  const { transaction } = await kitPayment(change);
  const payload = v2Payload(base, { transaction });
  tampered.push({ name, version: 2, requirements: base, payload, ...(await judge(2, payload, base)) });
}
const more = [
  ["signature-flipped", base, { transaction: tamperSignature(good, 1) }],
  ["signature-missing", base, { transaction: tamperSignature(good, 1, { zero: true }) }],
  ["not-base64", base, { transaction: "%%%" }],
  ["not-a-transaction", base, { transaction: Buffer.from("hello").toString("base64") }],
  ["trailing-byte", base, { transaction: Buffer.concat([Buffer.from(good, "base64"), Buffer.of(0)]).toString("base64") }],
  ["memo-mismatch", requirements({ extra: { memo: "order-42" } }), { transaction: good }],
  ["no-fee-payer", { ...base, extra: {} }, { transaction: good }],
  [
    "fee-payer-not-managed",
    requirements({ extra: { feePayer: stranger.address } }),
    { transaction: (await kitPayment({ feePayer: stranger.address })).transaction },
  ],
];
for (const [name, req, proof] of more) {
  const payload = v2Payload(req, proof);
  tampered.push({ name, version: 2, requirements: req, payload, ...(await judge(2, payload, req)) });
}
{
  const { transaction } = await kitPayment({ extra: [memoIx("1"), memoIx("2")] });
  const payload = v2Payload(requirements({ extra: { memo: "1" } }), { transaction });
  tampered.push({
    name: "memo-count",
    version: 2,
    requirements: payload.accepted,
    payload,
    ...(await judge(2, payload, payload.accepted)),
  });
}
{
  const { transaction } = await kitPayment({ memo: memoIx("order-42") });
  const req = requirements({ extra: { memo: "order-42" } });
  const payload = v2Payload(req, { transaction });
  tampered.push({ name: "memo-match", version: 2, requirements: req, payload, ...(await judge(2, payload, req)) });
}
// v1: its own codes for scheme, network and fee payer, and at most six instructions.
const v1req = requirementsV1(base);
for (const [name, change, reqChange] of [
  ["v1-valid", {}, {}],
  ["v1-seven-instructions", { extra: [memoIx("1"), memoIx("2"), memoIx("3")] }, {}],
  ["v1-network", {}, { network: "solana" }],
  ["v1-fee-payer-not-managed", { feePayer: stranger.address }, { extra: { feePayer: stranger.address } }],
]) {
  const { transaction } = await kitPayment(change);
  const req = { ...v1req, ...reqChange };
  const payload = v1Payload(v1req, { transaction });
  tampered.push({ name, version: 1, requirements: req, payload, ...(await judge(1, payload, req)) });
}
{
  const payload = v2Payload({ ...base, scheme: "upto" }, { transaction: good });
  tampered.push({ name: "scheme", version: 2, requirements: base, payload, ...(await judge(2, payload, base)) });
}
{
  // The destination loaded from an address lookup table: resolving it needs RPC.
  const { transfer } = await kitPayment();
  const table = stranger.address;
  const message = compressTransactionMessageUsingAddressLookupTables(
    pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayer(feePayer.address, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: BLOCKHASH, lastValidBlockHeight: 150n }, m),
      (m) => appendTransactionMessageInstructions([limitIx(), priceIx(), transfer, memoIx("alt")], m),
    ),
    { [table]: [transfer.accounts[2].address] },
  );
  const transaction = getBase64EncodedWireTransaction(await partiallySignTransactionMessageWithSigners(message));
  const payload = v2Payload(base, { transaction });
  tampered.push({ name: "lookup-table", version: 2, requirements: base, payload, ...(await judge(2, payload, base)) });
}
{
  const payload = v2Payload({ ...base, network: "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp" }, { transaction: good });
  tampered.push({ name: "network-mismatch", version: 2, requirements: base, payload, ...(await judge(2, payload, base)) });
}

rpc.close();
const out = {
  comment:
    "Made by tests/vectors/solana.mjs: payments by @x402/svm 2.27's client, tampered ones by @solana/kit; reasons from @x402/svm's facilitator (simulation stubbed to pass).",
  network: NETWORK,
  feePayer: feePayer.address,
  feePayerSeed: Buffer.from(seed(2)).toString("hex"),
  payer: payer.address,
  payerSeed: Buffer.from(seed(1)).toString("hex"),
  payTo,
  blockhash: BLOCKHASH,
  defaultAssets: DEFAULT_ASSETS,
  v1Networks: V1_TO_V2_NETWORK_MAP,
  payments,
  tampered,
};
writeFileSync(new URL("./solana.json", import.meta.url), JSON.stringify(out, null, 2) + "\n");
console.log(
  `${payments.length} payments, ${tampered.length} tampered: ${tampered.map((t) => `${t.name}=${t.reason ?? "valid"}`).join(" ")}`,
);
