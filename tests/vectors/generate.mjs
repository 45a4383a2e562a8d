// Test-vector generator for x402-wasm: run `node tests/vectors/generate.mjs` from the
// repository root. It writes tests/vectors/vectors.json containing
//   - domains:   the EIP-712 domain separator of every known asset,
//   - typedData: signed EIP-3009 and Permit2 (exact / upto) typed data with viem's
//                domain separator, struct hash, digest and signature,
//   - payloads:  complete x402 PaymentPayload headers (v1 and v2), built with viem
//                directly and with the official @x402 client SDK.
// These vectors are the crate's independent truth: they come only from viem and the
// @x402 packages. Never import anything from the crate (src/, pkg/) into this script.
// Output is deterministic except for the @x402/evm payloads (random nonces, clock).

import { readFileSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { getAddress, getTypesForEIP712Domain, hashDomain, hashStruct, hashTypedData } from "viem";
import { keccak256, maxUint256, recoverTypedDataAddress, stringToHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { x402Client } from "@x402/core/client";
import { encodePaymentSignatureHeader } from "@x402/core/http";
import { DEFAULT_ASSETS, authorizationTypes, permit2WitnessTypes, uptoPermit2WitnessTypes } from "@x402/evm";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { ExactEvmSchemeV1 } from "@x402/evm/exact/v1/client";
import { getEvmChainIdV1 } from "@x402/evm/v1";

const packageVersion = (name) => JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url))).version;

// [network, asset, EIP-712 name, EIP-712 version, decimals]
const ASSETS = [
  ["eip155:8453", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "USD Coin", "2", 6],
  ["eip155:84532", "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "USDC", "2", 6],
  ["eip155:1", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "USD Coin", "2", 6],
  ["eip155:43114", "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E", "USD Coin", "2", 6],
  ["eip155:43113", "0x5425890298aed601595a70AB815c96711a31Bc65", "USD Coin", "2", 6],
  ["eip155:4326", "0xFAfDdbb3FC7688494971a79cc65DCa3EF82079E7", "MegaUSD", "1", 18],
  ["eip155:143", "0x754704Bc059F8C67012fEd69BC8A327a5aafb603", "USDC", "2", 6],
  ["eip155:988", "0x779Ded0c9e1022225f8E0630b35a9b54bE713736", "USDT0", "1", 6],
  ["eip155:2201", "0x78Cf24370174180738C5B8E352B6D14c83a6c9A9", "USDT0", "1", 6],
  ["eip155:9745", "0xB8CE59FC3717ada4C02eaDF9682A9e934F625ebb", "USDT0", "1", 6],
  ["eip155:137", "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", "USD Coin", "2", 6],
  ["eip155:42161", "0xaf88d065e77c8cC2239327C5EDb3A432268e5831", "USD Coin", "2", 6],
  ["eip155:421614", "0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d", "USD Coin", "2", 6],
  ["eip155:31612", "0xdD468A1DDc392dcdbEf6db6e34E89AA338F9F186", "Mezo USD", "1", 18],
  ["eip155:31611", "0x118917a40FAF1CD7a13dB0Ef56C86De7973Ac503", "Mezo USD", "1", 18],
  ["eip155:723487", "0x33ad9e4BD16B69B5BFdED37D8B5D9fF9aba014Fb", "Stable Coin", "1", 6],
  ["eip155:72344", "0x33ad9e4BD16B69B5BFdED37D8B5D9fF9aba014Fb", "Stable Coin", "1", 6],
  ["eip155:36900", "0x9cb8142aEBBcdc60AF7c97Af897A67A8f3CA71C2", "USDC.e", "2", 6],
  ["eip155:190415", "0x401eCb1D350407f13ba348573E5630B83638E30D", "Bridged USDC", "2", 6],
  ["eip155:181228", "0x401eCb1D350407f13ba348573E5630B83638E30D", "Bridged USDC", "2", 6],
  ["eip155:50", "0xfA2958CB79b0491CC627c1557F441eF849Ca8eb1", "USDC", "2", 6],
  ["eip155:51", "0xb5AB69F7bBada22B28e79C8FFAECe55eF1c771D4", "USDC", "2", 6],
  ["eip155:38833", "0xA5b8BF902b2844dA17d4506cc827F7F1681735E7", "USDC", "1", 6],
  ["eip155:14", "0xe7cd86e13AC4309349F30B3435a9d337750fC82D", "USD\u20AE0", "1", 6],
  ["eip155:42220", "0xcebA9300f2b948710d2653dD7B07f33A8B32118C", "USDC", "2", 6],
  ["eip155:42220", "0x48065fbBE25f71C9282ddf5e1cD6D6A887483D5e", "Tether USD", "1", 6],
  ["eip155:42220", "0xD2ab3C9A02DBBAB236BfEC45D1d755DF4267F771", "Tether America USD", "1", 6],
  ["eip155:11142220", "0x01C5C0122039549AD1493B8220cABEdD739BC44E", "USDC", "2", 6],
  ["eip155:1329", "0xe15fC38F6D8c56aF07bbCBe3BAf5708A2Bf42392", "USDC", "2", 6],
  ["eip155:1328", "0x4fCF1784B31630811181f670Aea7A7bEF803eaED", "USDC", "2", 6],
].map(([network, asset, name, version, decimals]) => {
  if (getAddress(asset) !== asset) throw new Error(`asset ${asset} is not checksummed`);
  return { network, asset, name, version, decimals, chainId: Number(network.split(":")[1]) };
});

const assetOn = (network, name) => ASSETS.find((a) => a.network === network && (name === undefined || a.name === name));

const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83536e5ce9d4da56a2ddecebf8e61ee6c96cb6f5b5ff",
  keccak256(stringToHex("x402-wasm vector key 1")),
  keccak256(stringToHex("x402-wasm vector key 2")),
];
const ACCOUNTS = KEYS.map((key) => privateKeyToAccount(key));

const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
const PERMIT2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3";
const EXACT_PROXY = "0x402085c248EeA27D92E8b30b2C58ed07f9E20001";
const UPTO_PROXY = "0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002";
const RESOURCE = { url: "https://api.example.com/weather", description: "Weather", mimeType: "application/json" };
const NOW = 1800000000;

// EIP-712 struct fields written as in Solidity: "address from,uint256 value" -> [{ name, type }].
const fields = (spec) =>
  spec
    .split(",")
    .map((field) => field.split(" "))
    .map(([type, name]) => ({ name, type }));
const permitFields = "TokenPermissions permitted,address spender,uint256 nonce,uint256 deadline,Witness witness";
const permit2Types = (witness) => ({
  PermitWitnessTransferFrom: fields(permitFields),
  TokenPermissions: fields("address token,uint256 amount"),
  Witness: fields(witness),
});
const eip3009Fields = "address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce";
const KINDS = {
  eip3009: { primaryType: "TransferWithAuthorization", types: { TransferWithAuthorization: fields(eip3009Fields) } },
  "permit2-exact": { primaryType: "PermitWitnessTransferFrom", types: permit2Types("address to,uint256 validAfter") },
  "permit2-upto": {
    primaryType: "PermitWitnessTransferFrom",
    types: permit2Types("address to,address facilitator,uint256 validAfter"),
  },
};

// Cross-checks against the official SDK: our type definitions and asset table must agree.
const SDK_TYPES = {
  eip3009: authorizationTypes,
  "permit2-exact": permit2WitnessTypes,
  "permit2-upto": uptoPermit2WitnessTypes,
};
for (const [kind, sdkTypes] of Object.entries(SDK_TYPES)) {
  if (!isDeepStrictEqual(KINDS[kind].types, sdkTypes)) throw new Error(`${kind} types differ from @x402/evm`);
}
for (const [network, sdkAssets] of Object.entries(DEFAULT_ASSETS)) {
  for (const sdk of sdkAssets) {
    const ours = ASSETS.find((a) => a.network === network && a.asset === getAddress(sdk.asset));
    if (!ours || ours.name !== sdk.name || ours.version !== sdk.version || ours.decimals !== sdk.decimals) {
      throw new Error(`DEFAULT_ASSETS ${network} ${sdk.asset} disagrees with the asset table`);
    }
  }
}

const toJson = (value) => JSON.parse(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v)));

// Converts a JSON message (uint256 as decimal strings) into viem's form (bigints),
// keeping only the fields of the struct type.
function fromJson(types, type, value) {
  if (type === "uint256") return BigInt(value);
  if (!types[type]) return value;
  return Object.fromEntries(types[type].map((f) => [f.name, fromJson(types, f.type, value[f.name])]));
}

const nonceBytes32 = (name) => keccak256(stringToHex(name));
const nonceUint256 = (name) => BigInt(nonceBytes32(name));
const separator = (domain) => hashDomain({ domain, types: { EIP712Domain: getTypesForEIP712Domain({ domain }) } });
const eip3009Domain = (a) => ({ name: a.name, version: a.version, chainId: a.chainId, verifyingContract: a.asset });
const permit2Domain = (chainId) => ({ name: "Permit2", chainId, verifyingContract: PERMIT2 });

const signKind = (account, kind, domain, message) => account.signTypedData({ domain, ...KINDS[kind], message });

function typedEntry(name, kind, domain, message, signer, signature) {
  const { types, primaryType } = KINDS[kind];
  const structHash = hashStruct({ types, primaryType, data: message });
  const digest = hashTypedData({ domain, types, primaryType, message });
  const domainSeparator = separator(domain);
  return { name, kind, domain, message: toJson(message), domainSeparator, structHash, digest, signer, signature };
}

async function signedEntry(name, kind, account, domain, message) {
  return typedEntry(name, kind, domain, message, account.address, await signKind(account, kind, domain, message));
}

// ---------------------------------------------------------------- domains

const domains = ASSETS.map(({ decimals, ...a }) => ({ ...a, domainSeparator: separator(eip3009Domain(a)) }));

// ---------------------------------------------------------------- typedData

const pick = (values, i) => values[i % values.length];
const VALUES = [10000n, 0n, maxUint256, 1n, 1000000n, 123456789012345678901234567890n];
const VALID_AFTER = [0n, 1740672089n, 1n, 1800000000n];
const VALID_BEFORE = [9999999999n, maxUint256, 1740672154n];

const typedData = [];
for (const [i, a] of ASSETS.entries()) {
  const account = ACCOUNTS[i % ACCOUNTS.length];
  const name = `eip3009/${a.network}/${a.asset}`;
  const to = i % 2 ? PAY_TO : ACCOUNTS[(i + 1) % ACCOUNTS.length].address;
  const [value, validAfter, validBefore] = [pick(VALUES, i), pick(VALID_AFTER, i), pick(VALID_BEFORE, i)];
  const message = { from: account.address, to, value, validAfter, validBefore, nonce: nonceBytes32(name) };
  typedData.push(await signedEntry(name, "eip3009", account, eip3009Domain(a), message));
}

// The example from the x402 specification, with its published signature.
const spec = {
  domain: eip3009Domain(assetOn("eip155:84532")),
  message: {
    from: "0x857b06519E91e3A54538791bDbb0E22373e36b66",
    to: PAY_TO,
    value: 10000n,
    validAfter: 1740672089n,
    validBefore: 1740672154n,
    nonce: "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480",
  },
  signature:
    "0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce6496642e377d6da8dbbf5836e9bd15092f9ecab05ded3d6293af148b571c",
};
const specSigner = await recoverTypedDataAddress({ ...spec, ...KINDS.eip3009 });
if (specSigner !== spec.message.from) throw new Error(`spec example recovers to ${specSigner}`);
typedData.push(typedEntry("eip3009/spec-example", "eip3009", spec.domain, spec.message, specSigner, spec.signature));

// [network, amount, deadline, witness validAfter]
const PERMIT2_EXACT = [
  ["eip155:8453", 10000n, 9999999999n, 0n],
  ["eip155:4326", 10n ** 16n, 1800000300n, 0n],
  ["eip155:38833", 0n, 1740672154n, 1740672089n],
  ["eip155:84532", maxUint256, maxUint256, 1n],
  ["eip155:31612", 10n ** 18n, 2000000000n, 0n],
  ["eip155:723487", 1n, 9999999999n, 1800000000n],
];
const PERMIT2_UPTO = [
  ["eip155:4326", 5n * 10n ** 16n, 1800000300n, 0n],
  ["eip155:8453", 1000000n, 9999999999n, 1740672089n],
  ["eip155:38833", maxUint256, maxUint256, 0n],
];
for (const [kind, spender, rows] of [
  ["permit2-exact", EXACT_PROXY, PERMIT2_EXACT],
  ["permit2-upto", UPTO_PROXY, PERMIT2_UPTO],
]) {
  for (const [i, [network, amount, deadline, validAfter]] of rows.entries()) {
    const account = ACCOUNTS[(i + 2) % ACCOUNTS.length];
    const a = assetOn(network);
    const name = `${kind}/${network}`;
    const to = i % 2 ? ACCOUNTS[i % ACCOUNTS.length].address : PAY_TO;
    const facilitator = ACCOUNTS[(i + 4) % ACCOUNTS.length].address;
    const witness = kind === "permit2-upto" ? { to, facilitator, validAfter } : { to, validAfter };
    const message = { permitted: { token: a.asset, amount }, spender, nonce: nonceUint256(name), deadline, witness };
    typedData.push(await signedEntry(name, kind, account, permit2Domain(a.chainId), message));
  }
}

// ---------------------------------------------------------------- payloads

const nameVersion = (a) => ({ name: a.name, version: a.version });
const v2Requirements = (a, amount, extra = nameVersion(a)) => ({
  scheme: "exact",
  network: a.network,
  asset: a.asset,
  amount,
  payTo: PAY_TO,
  maxTimeoutSeconds: 300,
  extra,
});
const v1Requirements = (network, a, amount) => ({
  scheme: "exact",
  network,
  maxAmountRequired: amount,
  resource: RESOURCE.url,
  description: RESOURCE.description,
  mimeType: RESOURCE.mimeType,
  payTo: PAY_TO,
  maxTimeoutSeconds: 300,
  asset: a.asset,
  extra: nameVersion(a),
});
const isV1 = (requirements) => requirements.maxAmountRequired !== undefined;
const chainIdOf = (requirements) =>
  isV1(requirements) ? getEvmChainIdV1(requirements.network) : Number(requirements.network.split(":")[1]);

// The typed data a payload signs, derived from the payload and its requirements only.
function payloadTypedData(inner, requirements) {
  const chainId = chainIdOf(requirements);
  if (inner.authorization) {
    const domain = { ...nameVersion(requirements.extra), chainId, verifyingContract: getAddress(requirements.asset) };
    return { kind: "eip3009", domain, data: inner.authorization };
  }
  return { kind: "permit2-exact", domain: permit2Domain(chainId), data: inner.permit2Authorization };
}

function payloadEntry(name, source, payload, requirements, now) {
  const [version, header] = [payload.x402Version, encodePaymentSignatureHeader(payload)];
  const payer = payloadTypedData(payload.payload, requirements).data.from;
  return { name, source, version, header, requirements, now, expect: { isValid: true, payer } };
}

// Builds and signs a PaymentPayload with viem only, at the fixed time NOW.
async function viemPayload(name, account, requirements) {
  const inner =
    requirements.extra.assetTransferMethod === "permit2"
      ? {
          permit2Authorization: {
            from: account.address,
            permitted: { token: requirements.asset, amount: requirements.amount },
            spender: EXACT_PROXY,
            nonce: nonceUint256(name).toString(),
            deadline: String(NOW + 300),
            witness: { to: requirements.payTo, validAfter: "0" },
          },
        }
      : {
          authorization: {
            from: account.address,
            to: requirements.payTo,
            value: requirements.amount ?? requirements.maxAmountRequired,
            validAfter: String(isV1(requirements) ? NOW - 600 : 0),
            validBefore: String(NOW + 300),
            nonce: nonceBytes32(name),
          },
        };
  const { kind, domain, data } = payloadTypedData(inner, requirements);
  const { types, primaryType } = KINDS[kind];
  inner.signature = await signKind(account, kind, domain, fromJson(types, primaryType, data));
  const payload = isV1(requirements)
    ? { x402Version: 1, scheme: requirements.scheme, network: requirements.network, payload: inner }
    : { x402Version: 2, resource: RESOURCE, accepted: requirements, payload: inner };
  return payloadEntry(name, "viem", payload, requirements, NOW);
}

const megaUsd = assetOn("eip155:4326");
const baseSepoliaV2 = v2Requirements(assetOn("eip155:84532"), "10000");
const baseSepoliaV1 = v1Requirements("base-sepolia", assetOn("eip155:84532"), "10000");
const permit2 = { assetTransferMethod: "permit2" };
const megaUsdPermit2 = v2Requirements(megaUsd, "10000000000000000", { ...nameVersion(megaUsd), ...permit2 });
// [name, key index, requirements]
const VIEM_CASES = [
  ["v2/eip3009/eip155:84532", 0, baseSepoliaV2],
  ["v2/eip3009/eip155:8453", 1, v2Requirements(assetOn("eip155:8453"), "2500000")],
  ["v2/eip3009/eip155:9745", 2, v2Requirements(assetOn("eip155:9745"), "10000")],
  ["v2/eip3009/eip155:988", 3, v2Requirements(assetOn("eip155:988"), "1")],
  ["v2/eip3009/eip155:42220/usdt", 4, v2Requirements(assetOn("eip155:42220", "Tether USD"), "999999")],
  ["v1/eip3009/base-sepolia", 2, baseSepoliaV1],
  ["v1/eip3009/base", 3, v1Requirements("base", assetOn("eip155:8453"), "10000")],
  ["v1/eip3009/avalanche", 4, v1Requirements("avalanche", assetOn("eip155:43114"), "10000")],
  ["v2/permit2/eip155:4326", 3, megaUsdPermit2],
  ["v2/permit2/eip155:38833", 4, v2Requirements(assetOn("eip155:38833"), "10000", permit2)],
];
const payloads = [];
for (const [name, key, requirements] of VIEM_CASES) {
  payloads.push(await viemPayload(`viem/${name}`, ACCOUNTS[key], requirements));
}

// The official client SDK, with its own random nonces and clock.
const sdkAccount = ACCOUNTS[4];
const client = new x402Client()
  .register("eip155:*", new ExactEvmScheme(sdkAccount))
  .registerV1("base-sepolia", new ExactEvmSchemeV1(sdkAccount))
  .setSpendControls(false);
for (const [name, requirements] of [
  ["v2/eip3009/eip155:84532", baseSepoliaV2],
  ["v2/permit2/eip155:4326", megaUsdPermit2],
  ["v1/eip3009/base-sepolia", baseSepoliaV1],
]) {
  const paymentRequired = isV1(requirements)
    ? { x402Version: 1, accepts: [requirements] }
    : { x402Version: 2, resource: RESOURCE, accepts: [requirements] };
  const payload = await client.createPaymentPayload(paymentRequired);
  const now = Math.floor(Date.now() / 1000) + 1;
  payloads.push(payloadEntry(`@x402/evm/${name}`, "@x402/evm", payload, requirements, now));
}

// ---------------------------------------------------------------- self-check and output

const versions = `viem ${packageVersion("viem")} and @x402/evm ${packageVersion("@x402/evm")}`;
const generatedBy = `tests/vectors/generate.mjs with ${versions}`;
const vectors = toJson({ generatedBy, domains, typedData, payloads });

function check(ok, what) {
  if (!ok) throw new Error(`self-check failed: ${what}`);
}
function recover({ kind, domain, data, signature }) {
  const { types, primaryType } = KINDS[kind];
  const message = fromJson(types, primaryType, data);
  return recoverTypedDataAddress({ domain, types, primaryType, message, signature });
}

check(new Set(vectors.typedData.map((t) => t.name)).size === vectors.typedData.length, "typedData names are unique");
for (const t of vectors.typedData) {
  check((await recover({ ...t, data: t.message })) === t.signer, `${t.name} recovers to its signer`);
}
for (const p of vectors.payloads) {
  const json = Buffer.from(p.header, "base64").toString("utf8");
  check(Buffer.from(json, "utf8").toString("base64") === p.header, `${p.name} header is canonical base64`);
  const payload = JSON.parse(json);
  check(payload.x402Version === p.version, `${p.name} version`);
  const matches =
    p.version === 1
      ? payload.scheme === p.requirements.scheme && payload.network === p.requirements.network
      : isDeepStrictEqual(payload.accepted, p.requirements);
  check(matches, `${p.name} payload matches its requirements`);
  const signed = payloadTypedData(payload.payload, p.requirements);
  const recovered = await recover({ ...signed, signature: payload.payload.signature });
  check(recovered === p.expect.payer, `${p.name} recovers to payer`);
  const { validAfter, validBefore, deadline } = { ...signed.data, ...signed.data.witness };
  const now = BigInt(p.now);
  check(BigInt(validAfter) <= now && BigInt(validBefore ?? deadline) >= now + 6n, `${p.name} is valid at now`);
}

const out = new URL("./vectors.json", import.meta.url);
writeFileSync(out, `${JSON.stringify(vectors, null, 2)}\n`);
const counts = `${domains.length} domains, ${typedData.length} typedData, ${payloads.length} payloads`;
console.log(`wrote ${out.pathname}: ${counts}`);
