// The official x402 facilitator, built from @x402/core (x402Facilitator) and @x402/evm (the exact
// scheme, v2 and v1), settling with a viem wallet on the local chain, behind a small HTTP server:
// POST /verify, POST /settle, GET /supported. It is the independent judge of every payment in the
// end-to-end suite. Only the HTTP wrapping is ours.
import { createServer } from "node:http";
import { createWalletClient, http, publicActions } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { x402Facilitator } from "@x402/core/facilitator";
import { toFacilitatorEvmSigner } from "@x402/evm";
import { ExactEvmScheme } from "@x402/evm/exact/facilitator";
import { ExactEvmSchemeV1 } from "@x402/evm/exact/v1/facilitator";

const json = (value) => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v));

/** Starts the facilitator for `chain` (the harness of chain.mjs) on 127.0.0.1; `port` 0 = any. */
export async function startFacilitator(chain, { port = 0 } = {}) {
  const account = privateKeyToAccount(chain.keys.facilitator);
  const wallet = createWalletClient({ account, chain: chain.publicClient.chain, transport: http(chain.rpcUrl) }).extend(publicActions);
  const signer = toFacilitatorEvmSigner({
    address: account.address,
    readContract: (a) => wallet.readContract({ ...a, args: a.args ?? [] }),
    verifyTypedData: (a) => wallet.verifyTypedData(a),
    writeContract: (a) => wallet.writeContract(a),
    sendTransaction: (a) => wallet.sendTransaction(a),
    waitForTransactionReceipt: (a) => wallet.waitForTransactionReceipt(a),
    getCode: (a) => wallet.getCode(a),
  });
  const facilitator = new x402Facilitator()
    .register(chain.network, new ExactEvmScheme(signer))
    .registerV1(["base-sepolia"], new ExactEvmSchemeV1(signer));

  const calls = [];
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", async () => {
      const send = (status, value) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(json(value));
      };
      try {
        if (req.method === "GET" && req.url === "/supported") return send(200, facilitator.getSupported());
        const body = JSON.parse(raw || "{}");
        if (req.method === "POST" && req.url === "/verify") {
          const result = await facilitator.verify(body.paymentPayload, body.paymentRequirements);
          calls.push({ path: "/verify", result });
          return send(200, result);
        }
        if (req.method === "POST" && req.url === "/settle") {
          const result = await facilitator.settle(body.paymentPayload, body.paymentRequirements);
          calls.push({ path: "/settle", result });
          return send(200, result);
        }
        send(404, { error: "not found" });
      } catch (e) {
        calls.push({ path: req.url, error: String(e?.message ?? e) });
        send(500, { error: String(e?.message ?? e) });
      }
    });
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    address: account.address,
    calls,
    settlements: () => calls.filter((c) => c.path === "/settle"),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}
