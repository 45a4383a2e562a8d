// The facilitator face imported by name, as a consumer would: `x402-wasm/facilitator` (its Node
// entry, over its own module). Its routes, its bearer token, and /verify over an RPC function that
// answers as a chain would; the chain itself is tests/e2e/facilitator-worker.test.mjs's.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as facilitatorFace from "x402-wasm/facilitator";
import { eip3009Body } from "../e2e/payments.mjs";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const PAYER = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const chain = {
  network: "eip155:84532",
  chainId: 84532,
  token: { address: "0x036CbD53842c5426634e7929541eC2318f3dCF7e", name: "USDC", version: "2" },
  addresses: { payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C" },
};

/** An RPC function that answers as a chain where the token has code and the transfer simulates. */
function chainStub() {
  const calls = [];
  const rpc = async (chainId, method) => {
    calls.push(`${chainId} ${method}`);
    return method === "eth_getCode" ? "0x6080" : "0x";
  };
  return { rpc, calls };
}

test("the face exports the facilitator and nothing of the HTTP faces", () => {
  for (const name of ["createFacilitator", "jsonRpc", "memoryStorage", "Settler"]) {
    assert.equal(typeof facilitatorFace[name], "function", name);
  }
  for (const name of ["verifyPayment", "paymentMiddleware", "wrapFetchWithPayment", "decodePaymentSignatureHeader"]) {
    assert.equal(facilitatorFace[name], undefined, name);
  }
  assert.throws(
    () => facilitatorFace.createFacilitator({ rpc: {} }),
    (e) => e.code === "invalid_argument",
  );
  assert.throws(
    () => facilitatorFace.createFacilitator({ privateKey: "0x12", rpc: { "eip155:84532": "http://x" } }),
    (e) => e.code === "invalid_private_key",
  );
});

test("routes: /supported, /verify over the RPC function, 405, 404, and the bearer token", async () => {
  const { rpc, calls } = chainStub();
  const f = facilitatorFace.createFacilitator({
    privateKey: KEY,
    rpc: { "eip155:84532": "http://unused" },
    rpcFunction: rpc,
    token: "t0k",
  });
  const auth = { authorization: "Bearer t0k" };
  assert.equal(f.address, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
  const supported = await (await f.fetch(new Request("http://f/supported", { headers: auth }))).json();
  assert.deepEqual(supported.signers, { "eip155:*": [f.address] });
  assert.ok(supported.kinds.some((k) => k.x402Version === 2 && k.network === "eip155:84532"));
  const body = JSON.stringify(await eip3009Body(chain, PAYER));
  const verify = await f.fetch(new Request("http://f/verify", { method: "POST", headers: auth, body }));
  assert.deepEqual(await verify.json(), { isValid: true, payer: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" });
  assert.deepEqual(calls, ["84532 eth_getCode", "84532 eth_call"]);
  assert.equal((await f.fetch(new Request("http://f/verify", { headers: auth }))).status, 405);
  assert.equal((await f.fetch(new Request("http://f/elsewhere", { headers: auth }))).status, 404);
  const unauthorized = await f.fetch(new Request("http://f/verify", { method: "POST", body }));
  assert.equal(unauthorized.status, 401);
  assert.deepEqual(await unauthorized.json(), { error: "unauthorized" });
});
