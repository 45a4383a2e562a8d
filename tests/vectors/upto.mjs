// `upto` test vectors, made without the crate: `node tests/vectors/upto.mjs` writes
// tests/vectors/upto.json. It starts the local chain of the end-to-end tests (anvil, the test
// token, the Permit2 and upto proxy stand-ins) and the official facilitator (@x402/evm 2.27's upto
// scheme). Valid payments are made by the official client (`@x402/evm/upto/client`) and by viem's
// signTypedData; the tampered ones are signed with viem, one thing wrong each, and every reason and
// payer is what the official facilitator's /verify answers on that chain at `now`.
import { writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { getAddress, maxUint256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { UptoEvmScheme as Client } from "@x402/evm/upto/client";
import { startChain } from "../e2e/chain.mjs";
import { startFacilitator } from "../e2e/facilitator.mjs";

const OUT = new URL("./upto.json", import.meta.url);
const EXACT_PROXY = "0x402085c248EeA27D92E8b30b2C58ed07f9E20001";
const UPTO_PROXY = "0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002";
const PERMIT2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3";
const STRANGER = "0x1111111111111111111111111111111111111111";
const MAX = "100000";

const TYPES = {
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
    { name: "facilitator", type: "address" },
    { name: "validAfter", type: "uint256" },
  ],
};

const chain = await startChain();
const facilitator = await startFacilitator(chain);
try {
  const now = Math.floor(Date.now() / 1000);
  const [payer, unapproved] = chain.keys.payers.map((k) => privateKeyToAccount(k));
  const underfunded = privateKeyToAccount(chain.keys.underfunded);
  for (const key of [chain.keys.payers[0], chain.keys.underfunded]) {
    const hash = await chain.walletClient(key).writeContract({
      address: chain.token.address,
      abi: chain.abi.token,
      functionName: "approve",
      args: [PERMIT2, maxUint256],
    });
    await chain.publicClient.waitForTransactionReceipt({ hash });
  }
  const requirements = {
    scheme: "upto",
    network: chain.network,
    amount: MAX,
    asset: chain.token.address,
    payTo: chain.addresses.payTo,
    maxTimeoutSeconds: 3600,
    extra: {
      name: chain.token.name,
      version: chain.token.version,
      assetTransferMethod: "permit2",
      facilitatorAddress: facilitator.address,
    },
  };
  const resource = { url: "https://api.example/generate", description: "metered", mimeType: "application/json" };
  const wrap = (payload, accepted = requirements) => ({ x402Version: 2, resource, accepted, payload });

  /** A viem-signed upto permit for `requirements`, with `change` applied to the authorization
   * before signing, `signer` signing, and `after` applied after. */
  const permit = async ({ change = (a) => a, signer = payer, after = (a) => a, reqs = requirements } = {}) => {
    let auth = {
      from: signer.address,
      permitted: { token: getAddress(reqs.asset), amount: reqs.amount },
      spender: UPTO_PROXY,
      nonce: BigInt(`0x${randomBytes(32).toString("hex")}`).toString(),
      deadline: String(now + 600),
      witness: { to: getAddress(reqs.payTo), facilitator: getAddress(reqs.extra.facilitatorAddress), validAfter: "0" },
    };
    auth = change(structuredClone(auth));
    const signature = await signer.signTypedData({
      domain: { name: "Permit2", chainId: chain.chainId, verifyingContract: PERMIT2 },
      types: TYPES,
      primaryType: "PermitWitnessTransferFrom",
      message: {
        permitted: { token: auth.permitted.token, amount: BigInt(auth.permitted.amount) },
        spender: auth.spender,
        nonce: BigInt(auth.nonce),
        deadline: BigInt(auth.deadline),
        witness: { to: auth.witness.to, facilitator: auth.witness.facilitator, validAfter: BigInt(auth.witness.validAfter) },
      },
    });
    return { signature, permit2Authorization: after(structuredClone(auth)) };
  };

  const verify = async (paymentPayload, paymentRequirements) => {
    const res = await fetch(`${facilitator.url}/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ x402Version: 2, paymentPayload, paymentRequirements }),
    });
    if (!res.ok) throw new Error(`facilitator /verify answered ${res.status}: ${await res.text()}`);
    return res.json();
  };

  const payments = [];
  const official = await new Client(payer).createPaymentPayload(2, requirements);
  payments.push({ name: "official client", payload: wrap(official.payload), requirements });
  payments.push({ name: "viem", payload: wrap(await permit()), requirements });

  const other = { ...requirements, asset: STRANGER };
  const tampered = [
    ["spender is the exact proxy", await permit({ change: (a) => ({ ...a, spender: EXACT_PROXY }) })],
    ["witness pays another address", await permit({ change: (a) => ({ ...a, witness: { ...a.witness, to: STRANGER } }) })],
    ["witness names another facilitator", await permit({ change: (a) => ({ ...a, witness: { ...a.witness, facilitator: STRANGER } }) })],
    ["deadline 3 s away", await permit({ change: (a) => ({ ...a, deadline: String(now + 3) }) })],
    ["valid only in 10 minutes", await permit({ change: (a) => ({ ...a, witness: { ...a.witness, validAfter: String(now + 600) } }) })],
    ["permits less than the maximum", await permit({ change: (a) => ({ ...a, permitted: { ...a.permitted, amount: "99999" } }) })],
    ["permits more than the maximum", await permit({ change: (a) => ({ ...a, permitted: { ...a.permitted, amount: "100001" } }) })],
    ["another token", await permit({ change: (a) => ({ ...a, permitted: { ...a.permitted, token: STRANGER } }) })],
    ["signed by another key", await permit({ signer: unapproved, after: (a) => ({ ...a, from: payer.address }) })],
    ["nonce changed after signing", await permit({ after: (a) => ({ ...a, nonce: "1" }) })],
    ["deadline changed after signing", await permit({ after: (a) => ({ ...a, deadline: String(now + 900) }) })],
    ["witness without a facilitator", await permit({ after: (a) => ({ ...a, witness: { to: a.witness.to, validAfter: "0" } }) })],
    ["payer never approved Permit2", await permit({ signer: unapproved })],
    ["payer holds 1 unit", await permit({ signer: underfunded })],
  ].map(([name, payload]) => ({ name, payload: wrap(payload), requirements }));
  tampered.push({ name: "accepted says exact", payload: wrap(await permit(), { ...requirements, scheme: "exact" }), requirements });
  tampered.push({
    name: "accepted on another chain",
    payload: wrap(await permit(), { ...requirements, network: "eip155:8453" }),
    requirements,
  });
  tampered.push({ name: "asset has no code", payload: wrap(await permit({ reqs: other }), other), requirements: other });

  for (const v of [...payments, ...tampered]) {
    const answer = await verify(v.payload, v.requirements);
    v.reason = answer.isValid ? null : answer.invalidReason;
    v.payer = answer.payer ?? null;
  }
  for (const p of payments) if (p.reason !== null) throw new Error(`${p.name} is refused by the official facilitator: ${p.reason}`);

  const out = {
    generator: "tests/vectors/upto.mjs: @x402/evm 2.27 upto client and facilitator, viem, on anvil",
    now,
    chainId: chain.chainId,
    facilitator: facilitator.address,
    payments,
    tampered,
  };
  writeFileSync(OUT, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`wrote ${OUT.pathname}: ${payments.length} payments, ${tampered.length} tampered`);
  for (const t of tampered) console.log(`  ${t.name}: ${t.reason}`);
} finally {
  await facilitator.close();
  await chain.stop();
}
