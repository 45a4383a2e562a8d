// Casper test vectors, made without the crate: `node tests/vectors/casper.mjs` writes
// tests/vectors/casper.json. The EIP-712 digest is built with viem (the Casper domain through
// hashDomain with Casper's domain type; the message's 33-byte addresses hashed by keccak256, as
// casper-eip-712 encodes them), keys and signatures with noble (ed25519; secp256k1 as Casper uses
// it: ECDSA over SHA-256 of the digest, low-s), account hashes with noble's BLAKE2b.
// Deterministic: fixed keys, nonces and clock.
import { writeFileSync } from "node:fs";
import { concat, encodeAbiParameters, hashDomain, keccak256, stringToHex, toHex } from "viem";
import { ed25519 } from "@noble/curves/ed25519";
import { secp256k1 } from "@noble/curves/secp256k1";
import { blake2b } from "@noble/hashes/blake2b";
import { sha256 } from "@noble/hashes/sha256";

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const bytes = (h) => Uint8Array.from(Buffer.from(h.replace(/^0x/, ""), "hex"));

const DOMAIN_TYPE = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chain_name", type: "string" },
  { name: "contract_package_hash", type: "bytes32" },
];
const TRANSFER = "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)";

/** A 20- or 33-byte `address` value as casper-eip-712 encodes it into one word. */
function addressWord(h) {
  const b = bytes(h);
  if (b.length === 33) return keccak256(b);
  if (b.length === 20) return toHex(b, { size: 32 });
  throw new Error(`address of ${b.length} bytes`);
}

function digestOf({ name, version, network, asset }, m) {
  const domainSeparator = hashDomain({
    domain: { name, version, chain_name: network, contract_package_hash: `0x${asset}` },
    types: { EIP712Domain: DOMAIN_TYPE },
  });
  const structHash = keccak256(
    encodeAbiParameters(
      ["bytes32", "bytes32", "bytes32", "uint256", "uint256", "uint256", "bytes32"].map((type) => ({ type })),
      [
        keccak256(stringToHex(TRANSFER)),
        addressWord(m.from),
        addressWord(m.to),
        BigInt(m.value),
        BigInt(m.validAfter),
        BigInt(m.validBefore),
        `0x${m.nonce}`,
      ],
    ),
  );
  return { domainSeparator, structHash, digest: keccak256(concat(["0x1901", domainSeparator, structHash])) };
}

// The generator checks itself against casper-x402's hash_test.go before writing anything.
{
  const cph = "aabbccddeeff0011223344556677889900aabbccddeeff001122334455667788";
  const { digest } = digestOf(
    { name: "TestToken", version: "1", network: "casper-test", asset: cph },
    { from: `01${cph}`, to: `00${cph}`, value: "1000000", validAfter: "1700000000", validBefore: "1700001000", nonce: cph },
  );
  if (digest !== "0xf49af32a160ef6078d23bd28c15e0e8d6d29e58f4cb88ed8582e958dfa07533b")
    throw new Error(`hash_test digest mismatch: ${digest}`);
}

const KEYS = {
  ed25519: {
    tag: "01",
    publicKey: (secret) => ed25519.getPublicKey(secret),
    sign: (secret, digest) => ed25519.sign(digest, secret),
  },
  secp256k1: {
    tag: "02",
    publicKey: (secret) => secp256k1.getPublicKey(secret, true),
    sign: (secret, digest) => secp256k1.sign(sha256(digest), secret, { lowS: true }).toCompactRawBytes(),
  },
};

/** `00` + BLAKE2b-256(algorithm name ‖ 0x00 ‖ raw key): a Casper account as x402 names it. */
function account(algorithm, rawKey) {
  const preimage = bytes(concat([stringToHex(algorithm), "0x00", toHex(rawKey)]));
  return `00${hex(blake2b(preimage, { dkLen: 32 }))}`;
}

// And against the Casper Go SDK's account-hash test.
if (
  account("ed25519", bytes("5a372b0e230bf9393e2df0b3de857bb0e17370884bb881f840cb1482bb2922cf")) !==
  "00ba81d84377c5a6c285febca972fe4b531e146cb0fc0f7a5cb9f0e974fc2f6367"
) {
  throw new Error("account hash mismatch");
}

const NOW = 1_800_000_000;
const requirements = {
  scheme: "exact",
  network: "casper:casper-test",
  amount: "2500000",
  asset: "7d1e1c5f5cbc35ac8b7a95b4d4a1e1a5e1df2f9ddab5ccf2f1a5a7eaae0c3a11",
  payTo: "00c0ffee0000000000000000000000000000000000000000000000000000c0ffee",
  maxTimeoutSeconds: 300,
  extra: { name: "Cep18x402", version: "1" },
};

function payment(algorithm, secretHex, nonce) {
  const k = KEYS[algorithm];
  const secret = bytes(secretHex);
  const raw = k.publicKey(secret);
  const authorization = {
    from: account(algorithm, raw),
    to: requirements.payTo,
    value: requirements.amount,
    validAfter: String(NOW - 600),
    validBefore: String(NOW + requirements.maxTimeoutSeconds),
    nonce,
  };
  const hashes = digestOf({ ...requirements.extra, network: requirements.network, asset: requirements.asset }, authorization);
  const signature = `${k.tag}${hex(k.sign(secret, bytes(hashes.digest)))}`;
  const payload = {
    x402Version: 2,
    resource: { url: "https://worker.test/casper", description: "", mimeType: "" },
    accepted: requirements,
    payload: { signature, publicKey: `${k.tag}${hex(raw)}`, authorization },
  };
  return {
    name: `noble/${algorithm}`,
    algorithm,
    secretKey: secretHex,
    ...hashes,
    header: Buffer.from(JSON.stringify(payload)).toString("base64"),
    payload,
  };
}

const out = {
  generatedBy: "tests/vectors/casper.mjs (viem + @noble/curves + @noble/hashes)",
  now: NOW,
  requirements,
  payments: [payment("ed25519", "4f".repeat(32), "5a".repeat(32)), payment("secp256k1", "2c".repeat(32), "a5".repeat(32))],
};
writeFileSync(new URL("./casper.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote tests/vectors/casper.json: ${out.payments.map((p) => p.name).join(", ")}`);
