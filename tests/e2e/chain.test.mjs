// Tests of the local-chain harness (chain.mjs) and of X402TestToken / Multicall, judged by
// independent code: signatures come from viem's signTypedData, digests from viem's hashTypedData,
// "plain ecrecover" is the EVM's own precompile at address 0x01, and batch reads go through viem's
// multicall (aggregate3) and the tryAggregate call shape that @x402/evm's facilitator uses.
// Starts and stops its own anvil. Run: node --test tests/e2e/chain.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import {
  concat,
  domainSeparator,
  getAddress,
  hashTypedData,
  keccak256,
  numberToHex,
  pad,
  parseAbi,
  parseEventLogs,
  parseSignature,
  slice,
  toHex,
  toBytes,
  encodeFunctionData,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { startChain, compileContracts, MULTICALL3_ADDRESS } from "./chain.mjs";

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const TRANSFER_TYPES = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

let chain;
let facilitator; // wallet client of the facilitator account (pays gas)

before(async () => {
  chain = await startChain();
  facilitator = chain.walletClient(chain.keys.facilitator);
});
after(async () => {
  await chain?.stop();
});

// ---- helpers -------------------------------------------------------------------------------

const freshNonce = () => toHex(randomBytes(32));
const now = async () => (await chain.publicClient.getBlock()).timestamp;

/** A TransferWithAuthorization message and its signature by `key` (viem, not our code). */
async function authorize(key, { to = chain.addresses.payTo, value = 1_000n, validAfter = 0n, validBefore, nonce } = {}) {
  const account = privateKeyToAccount(key);
  const message = {
    from: account.address,
    to,
    value,
    validAfter,
    validBefore: validBefore ?? (await now()) + 3600n,
    nonce: nonce ?? freshNonce(),
  };
  const typedData = {
    domain: { name: "Test USD", version: "1", chainId: 84532, verifyingContract: chain.token.address },
    types: TRANSFER_TYPES,
    primaryType: "TransferWithAuthorization",
    message,
  };
  const signature = await account.signTypedData(typedData);
  return { message, signature, digest: hashTypedData(typedData), ...parseSignature(signature) };
}

const baseArgs = (m) => [m.from, m.to, m.value, m.validAfter, m.validBefore, m.nonce];
const vrsArgs = (a, v = a.v, r = a.r, s = a.s) => [...baseArgs(a.message), Number(v), r, s];
const bytesArgs = (a, signature = a.signature) => [...baseArgs(a.message), signature];

const simulate = (args) =>
  chain.publicClient.simulateContract({
    account: facilitator.account,
    address: chain.token.address,
    abi: chain.abi.token,
    functionName: "transferWithAuthorization",
    args,
  });

/** The revert string of a failed call (viem decodes Error(string)). */
async function revertReason(promise) {
  try {
    await promise;
  } catch (e) {
    const reverted = e.walk?.((x) => x.name === "ContractFunctionRevertedError");
    if (reverted) return reverted.reason;
    throw e;
  }
  assert.fail("expected a revert");
}

/** Sends transferWithAuthorization from the facilitator; returns the receipt. */
async function send(args, extra = {}) {
  const hash = await facilitator.writeContract({
    address: chain.token.address,
    abi: chain.abi.token,
    functionName: "transferWithAuthorization",
    args,
    ...extra,
  });
  return chain.publicClient.waitForTransactionReceipt({ hash });
}

const authorizationState = (from, nonce) =>
  chain.publicClient.readContract({
    address: chain.token.address,
    abi: chain.abi.token,
    functionName: "authorizationState",
    args: [from, nonce],
  });

/** The EVM's own ecrecover (precompile 0x01), with none of the token's extra checks. */
async function plainEcrecover(digest, v, r, s) {
  const { data } = await chain.publicClient.call({
    to: "0x0000000000000000000000000000000000000001",
    data: concat([digest, pad(numberToHex(v)), r, s]),
  });
  return data && data !== "0x" ? getAddress(slice(data, 12)) : null;
}

// ---- the harness ---------------------------------------------------------------------------

test("harness: chain, accounts, token metadata, balances, multicall code", async (t) => {
  const { publicClient: pc, addresses: a } = chain;
  t.diagnostic(`timings ${JSON.stringify(chain.timings)}`);
  assert.deepEqual(compileContracts().warnings, []);
  assert.equal(await pc.getChainId(), 84532);
  assert.equal(chain.chainId, 84532);
  assert.equal(chain.network, "eip155:84532");
  assert.match(chain.rpcUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(pc.chain.id, 84532);
  assert.equal(pc.chain.contracts.multicall3.address, MULTICALL3_ADDRESS);
  assert.equal(chain.multicall, "0xcA11bde05977b3631167028862bE2a173976CA11");

  // The hardcoded keys are anvil's accounts #0..#6, in order.
  const accounts = (await chain.rpc("eth_accounts")).map((x) => getAddress(x));
  assert.deepEqual(accounts.slice(0, 7), [a.deployer, a.facilitator, a.payTo, ...a.payers, a.underfunded]);
  for (const [role, key] of Object.entries(chain.keys)) {
    const keys = Array.isArray(key) ? key : [key];
    const addrs = Array.isArray(a[role]) ? a[role] : [a[role]];
    assert.deepEqual(
      keys.map((k) => privateKeyToAccount(k).address),
      addrs,
      role,
    );
  }

  assert.deepEqual(chain.token, { address: chain.token.address, name: "Test USD", version: "1", decimals: 6, symbol: "TUSD" });
  assert.equal(chain.token.address, getAddress(chain.token.address));
  const read = (functionName, args = []) => pc.readContract({ address: chain.token.address, abi: chain.abi.token, functionName, args });
  assert.equal(await read("name"), "Test USD");
  assert.equal(await read("version"), "1");
  assert.equal(await read("symbol"), "TUSD");
  assert.equal(await read("decimals"), 6);
  assert.equal(await read("totalSupply"), 30_000_001n);
  assert.equal(
    await read("DOMAIN_SEPARATOR"),
    domainSeparator({ domain: { name: "Test USD", version: "1", chainId: 84532, verifyingContract: chain.token.address } }),
  );
  assert.equal(
    await read("TRANSFER_WITH_AUTHORIZATION_TYPEHASH"),
    keccak256(
      toBytes("TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"),
    ),
  );

  // Balances of the funded roles (the payers are fresh per chain; the payer tests below use
  // #3 and #4, so this reads #5 and the underfunded account, which nothing else spends).
  assert.equal(await chain.balanceOf(a.payers[2]), 10_000_000n);
  assert.equal(await chain.balanceOf(a.underfunded), 1n);
  assert.equal(await chain.balanceOf(a.facilitator), 0n);

  // Multicall's runtime code is installed verbatim at the canonical address.
  assert.equal(await pc.getCode({ address: MULTICALL3_ADDRESS }), compileContracts().artifacts.Multicall.deployedBytecode);

  assert.equal(await chain.transactionReceipt(freshNonce()), null);
});

// ---- transferWithAuthorization -------------------------------------------------------------

for (const overload of ["v,r,s", "bytes signature"]) {
  test(`transferWithAuthorization (${overload}) moves exactly value, burns the nonce, rejects reuse`, async () => {
    const key = overload === "v,r,s" ? chain.keys.payers[0] : chain.keys.payers[1];
    const value = 1_234_567n;
    const auth = await authorize(key, { value });
    const { from, to, nonce } = auth.message;
    const args = overload === "v,r,s" ? vrsArgs(auth) : bytesArgs(auth);
    const fromBefore = await chain.balanceOf(from);
    const toBefore = await chain.balanceOf(to);
    assert.equal(await authorizationState(from, nonce), false);

    const receipt = await send(args);
    assert.equal(receipt.status, "success");
    assert.equal(getAddress(receipt.from), chain.addresses.facilitator);
    assert.deepEqual(await chain.transactionReceipt(receipt.transactionHash), receipt);

    assert.equal(await chain.balanceOf(from), fromBefore - value);
    assert.equal(await chain.balanceOf(to), toBefore + value);
    assert.equal(await authorizationState(from, nonce), true);

    const events = parseEventLogs({ abi: chain.abi.token, logs: receipt.logs });
    assert.deepEqual(
      events.map((e) => [e.eventName, e.args]),
      [
        ["AuthorizationUsed", { authorizer: from, nonce }],
        ["Transfer", { from, to, value }],
      ],
    );

    // Reuse: refused in simulation, and a mined attempt reverts without moving funds.
    assert.equal(await revertReason(simulate(args)), "authorization is used or canceled");
    const again = await send(args, { gas: 200_000n });
    assert.equal(again.status, "reverted");
    assert.equal(await chain.balanceOf(from), fromBefore - value);
  });
}

test("high-s twin of a valid signature: plain ecrecover accepts it, the token refuses it", async () => {
  const auth = await authorize(chain.keys.payers[0]);
  const { from, nonce } = auth.message;
  const highS = pad(numberToHex(SECP256K1_N - BigInt(auth.s)), { size: 32 });
  const flippedV = auth.v === 27n ? 28n : 27n;
  assert.ok(BigInt(highS) > SECP256K1_N / 2n);

  // The EVM's ecrecover recovers the payer from both the original and the twin.
  assert.equal(await plainEcrecover(auth.digest, auth.v, auth.r, auth.s), from);
  assert.equal(await plainEcrecover(auth.digest, flippedV, auth.r, highS), from);

  const twinBytes = concat([auth.r, highS, numberToHex(flippedV, { size: 1 })]);
  assert.equal(await revertReason(simulate(vrsArgs(auth, flippedV, auth.r, highS))), "invalid signature 's' value");
  assert.equal(await revertReason(simulate(bytesArgs(auth, twinBytes))), "invalid signature 's' value");
  assert.equal(await authorizationState(from, nonce), false);

  // The original signature is still good for that nonce.
  await simulate(vrsArgs(auth));
});

test("malformed signatures: bad v, wrong signer, wrong length, tampered message", async () => {
  const auth = await authorize(chain.keys.payers[0]);
  for (const v of [0n, 1n, 29n]) {
    assert.equal(await revertReason(simulate(vrsArgs(auth, v))), "invalid signature 'v' value", `v=${v}`);
  }
  // v as a bare y-parity (0/1) in the 65-byte form.
  const yParityForm = concat([auth.r, auth.s, numberToHex(auth.yParity, { size: 1 })]);
  assert.equal(await revertReason(simulate(bytesArgs(auth, yParityForm))), "invalid signature 'v' value");

  // Signed by someone else (payer #4) for payer #3's funds.
  const other = await authorize(chain.keys.payers[1]);
  const forged = { ...other, message: { ...other.message, from: auth.message.from } };
  assert.equal(await revertReason(simulate(vrsArgs(forged))), "invalid signature");
  // Any changed field changes the digest, so the recovered signer is not `from`.
  const tampered = { ...auth, message: { ...auth.message, value: auth.message.value + 1n } };
  assert.equal(await revertReason(simulate(bytesArgs(tampered))), "invalid signature");

  assert.equal(await revertReason(simulate(bytesArgs(auth, slice(auth.signature, 0, 64)))), "invalid signature length");
  assert.equal(await revertReason(simulate(bytesArgs(auth, concat([auth.signature, "0x00"])))), "invalid signature length");
});

test("time window: not yet valid and expired authorizations revert", async () => {
  const t = await now();
  const early = await authorize(chain.keys.payers[0], { validAfter: t + 3600n, validBefore: t + 7200n });
  assert.equal(await revertReason(simulate(vrsArgs(early))), "authorization is not yet valid");
  const expired = await authorize(chain.keys.payers[0], { validAfter: 0n, validBefore: t - 1n });
  assert.equal(await revertReason(simulate(bytesArgs(expired))), "authorization is expired");
  const long = await authorize(chain.keys.payers[0], { validAfter: 0n, validBefore: 1n });
  assert.equal(await revertReason(simulate(vrsArgs(long))), "authorization is expired");
});

test("underfunded payer: the transfer reverts and the nonce stays unused", async () => {
  const auth = await authorize(chain.keys.underfunded, { value: 2n });
  assert.equal(await revertReason(simulate(vrsArgs(auth))), "transfer amount exceeds balance");
  const receipt = await send(bytesArgs(auth), { gas: 200_000n });
  assert.equal(receipt.status, "reverted");
  assert.equal(await chain.balanceOf(chain.addresses.underfunded), 1n);
  assert.equal(await authorizationState(auth.message.from, auth.message.nonce), false);

  // Exactly the balance is fine.
  const all = await authorize(chain.keys.underfunded, { value: 1n });
  assert.equal((await send(vrsArgs(all))).status, "success");
  assert.equal(await chain.balanceOf(chain.addresses.underfunded), 0n);
});

// ---- Multicall -----------------------------------------------------------------------------

test("multicall: viem aggregate3 reads balanceOf / name / version / authorizationState", async () => {
  const payer = chain.addresses.payers[2];
  const used = await authorize(chain.keys.payers[2], { value: 5n });
  assert.equal((await send(vrsArgs(used))).status, "success");
  const token = { address: chain.token.address, abi: chain.abi.token };
  const unused = freshNonce();

  const results = await chain.publicClient.multicall({
    contracts: [
      { ...token, functionName: "balanceOf", args: [payer] },
      { ...token, functionName: "name" },
      { ...token, functionName: "version" },
      { ...token, functionName: "authorizationState", args: [payer, used.message.nonce] },
      { ...token, functionName: "authorizationState", args: [payer, unused] },
      { ...token, functionName: "transferFrom", args: [payer, payer, 1n] }, // reverts: no allowance
    ],
  });
  assert.deepEqual(results.slice(0, 5), [
    { status: "success", result: 10_000_000n - 5n },
    { status: "success", result: "Test USD" },
    { status: "success", result: "1" },
    { status: "success", result: true },
    { status: "success", result: false },
  ]);
  assert.equal(results[5].status, "failure");
  assert.match(results[5].error.message, /transfer amount exceeds allowance/);

  // allowFailure: false turns a failing call into a thrown error.
  await assert.rejects(
    chain.publicClient.multicall({
      allowFailure: false,
      contracts: [{ ...token, functionName: "transferFrom", args: [payer, payer, 1n] }],
    }),
  );
});

test("multicall: tryAggregate (as @x402/evm's facilitator calls it) and aggregate", async () => {
  const mcAbi = parseAbi([
    "function tryAggregate(bool requireSuccess, (address target, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)",
    "function aggregate((address target, bytes callData)[] calls) payable returns (uint256 blockNumber, bytes[] returnData)",
    "function getChainId() view returns (uint256)",
  ]);
  const payer = chain.addresses.payers[2];
  const call = (functionName, args = []) => ({
    target: chain.token.address,
    callData: encodeFunctionData({ abi: chain.abi.token, functionName, args }),
  });
  const badAuth = await authorize(chain.keys.payers[2], { validBefore: 1n });
  const calls = [
    call("balanceOf", [payer]),
    call("transferWithAuthorization", vrsArgs(badAuth)), // reverts: expired
    { target: "0x000000000000000000000000000000000000dEaD", callData: "0x12345678" }, // no code
  ];
  const read = (functionName, args) => chain.publicClient.readContract({ address: MULTICALL3_ADDRESS, abi: mcAbi, functionName, args });

  const tried = await read("tryAggregate", [false, calls]);
  assert.equal(tried.length, 3);
  assert.deepEqual(tried[0], { success: true, returnData: pad(numberToHex(await chain.balanceOf(payer))) });
  assert.equal(tried[1].success, false);
  assert.ok(tried[1].returnData.startsWith("0x08c379a0")); // Error(string)
  assert.deepEqual(tried[2], { success: true, returnData: "0x" }); // like Multicall3: plain CALL
  await assert.rejects(read("tryAggregate", [true, calls]), /Multicall3: call failed/);

  const [blockNumber, returnData] = await read("aggregate", [[calls[0], call("name")]]);
  // Uncached: viem keeps a block number for its polling interval, and earlier tests mine blocks.
  assert.equal(blockNumber, await chain.publicClient.getBlockNumber({ cacheTime: 0 }));
  assert.equal(returnData[0], pad(numberToHex(await chain.balanceOf(payer))));
  await assert.rejects(read("aggregate", [calls]), /Multicall3: call failed/);
  assert.equal(await read("getChainId"), 84532n);
});
