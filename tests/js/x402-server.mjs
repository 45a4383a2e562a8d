// x402 test server: a real HTTP server on 127.0.0.1 (random port) that asks for
// payment with 402 and judges the payments our client makes with the OFFICIAL
// x402 code, so the judge is independent of the code under test:
//   - headers are encoded/decoded with @x402/core/http helpers;
//   - v2 payloads are matched to the offered requirements with
//     x402ResourceServer.findMatchingRequirements (@x402/core/server);
//   - signatures and payment rules are checked by x402Facilitator
//     (@x402/core/facilitator) with the @x402/evm exact schemes registered
//     (ExactEvmScheme for v2, ExactEvmSchemeV1 for v1).
// There is no chain. The facilitator's chain access is a stub signer: only the
// known assets have code (so payers are EOAs and signatures are checked with
// ECDSA), and contract reads / simulations succeed. Nothing is ever settled
// on chain; a paid response carries a made-up transaction hash.
//
// Usage: const { url, close, log } = await startX402Server();
// `log` gets one entry per request:
//   { method, path, paymentHeader (string|null), verify (VerifyResponse|null), served (bool) }
// (If the facilitator throws, `verify` is { isValid:false, invalidReason:"facilitator_error", invalidMessage }.)

import http from "node:http";
import { createHash } from "node:crypto";
import { x402Facilitator } from "@x402/core/facilitator";
import { x402ResourceServer } from "@x402/core/server";
import { encodePaymentRequiredHeader, decodePaymentSignatureHeader, encodePaymentResponseHeader } from "@x402/core/http";
import { ExactEvmScheme } from "@x402/evm/exact/facilitator";
import { ExactEvmSchemeV1 } from "@x402/evm/exact/v1/facilitator";

export const PAY_TO = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
export const USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e"; // Base Sepolia
export const UNKNOWN = "0x2222222222222222222222222222222222222222";
export const MEGAUSD = "0xFAfDdbb3FC7688494971a79cc65DCa3EF82079E7"; // on eip155:4326
export const MAX_TIMEOUT_SECONDS = 300;
export const USDC_EXTRA = { name: "USDC", version: "2" };
export const UNKNOWN_EXTRA = { name: "Fake", version: "1" };
export const MEGAUSD_EXTRA = { name: "MegaUSD", version: "1", assetTransferMethod: "permit2" };

const ASSETS_WITH_CODE = new Set([USDC, UNKNOWN, MEGAUSD].map((a) => a.toLowerCase()));
const EXPOSE_V2 = { "Access-Control-Expose-Headers": "PAYMENT-REQUIRED, PAYMENT-RESPONSE" };
const IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9_-]{16,128}$/;

// v2 PaymentRequirements for the exact scheme.
function exact(network, amount, asset, extra) {
  return { scheme: "exact", network, amount, asset, payTo: PAY_TO, maxTimeoutSeconds: MAX_TIMEOUT_SECONDS, extra };
}
const usdc = (amount) => exact("eip155:84532", amount, USDC, USDC_EXTRA);

// v2 paid routes: "METHOD /path" -> { accepts, extensions?, dropFirstPaid? }
const V2_ROUTES = {
  "GET /v2/weather": { accepts: [usdc("10000")] },
  "GET /v2/multi": {
    accepts: [exact("eip155:84532", "10", UNKNOWN, UNKNOWN_EXTRA), usdc("500000"), usdc("50000")],
  },
  "POST /v2/echo": { accepts: [usdc("10000")] },
  "GET /v2/permit2": {
    accepts: [exact("eip155:4326", "10000000000000000", MEGAUSD, MEGAUSD_EXTRA)],
  },
  "GET /v2/idempotent": {
    accepts: [usdc("10000")],
    extensions: { "payment-identifier": { info: { required: true }, schema: { type: "object" } } },
  },
  "GET /v2/drop-once": { accepts: [usdc("10000")], dropFirstPaid: true },
};

// Facilitator chain access without a chain. Signature checks stay in the official code.
const noChain = async () => {
  throw new Error("x402-server stub signer: no chain");
};
const stubSigner = {
  getAddresses: () => ["0x1111111111111111111111111111111111111111"],
  async getCode({ address }) {
    return ASSETS_WITH_CODE.has(String(address).toLowerCase()) ? "0x6000" : "0x";
  },
  async readContract({ functionName, args }) {
    // Multicall3 diagnostics: report every sub-call as failed; everything else "succeeds".
    if (functionName === "tryAggregate") return args[1].map(() => ({ success: false, returnData: "0x" }));
    return undefined;
  },
  verifyTypedData: noChain,
  writeContract: noChain,
  sendTransaction: noChain,
  waitForTransactionReceipt: noChain,
};

function makeJudge() {
  const facilitator = new x402Facilitator();
  facilitator.register(["eip155:84532", "eip155:4326"], new ExactEvmScheme(stubSigner));
  facilitator.registerV1(["base-sepolia"], new ExactEvmSchemeV1(stubSigner));
  // Used only for requirement matching; never initialized, so it never calls out.
  const resourceServer = new x402ResourceServer({
    verify: (p, r) => facilitator.verify(p, r),
    settle: (p, r) => facilitator.settle(p, r),
    getSupported: async () => facilitator.getSupported(),
  });
  return { facilitator, resourceServer };
}

async function verifyWith(facilitator, payload, requirements) {
  try {
    return await facilitator.verify(payload, requirements);
  } catch (e) {
    return { isValid: false, invalidReason: "facilitator_error", invalidMessage: String(e?.message ?? e) };
  }
}

function decodePayment(header) {
  try {
    const p = decodePaymentSignatureHeader(header);
    return p && typeof p === "object" && !Array.isArray(p) ? p : null;
  } catch {
    return null;
  }
}

function send(res, status, headers, body) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startX402Server() {
  const { facilitator, resourceServer } = makeJudge();
  const log = [];
  let seq = 0;
  let dropped = false;
  let base = "";

  // A unique, made-up settlement transaction hash for each paid request.
  const fakeTx = (header) => "0x" + createHash("sha256").update(`${++seq}:${header}`).digest("hex");

  async function handleV2(req, res, entry, route, body) {
    const requiredHeader = (error) => ({
      "PAYMENT-REQUIRED": encodePaymentRequiredHeader({
        x402Version: 2,
        error,
        resource: { url: base + req.url, description: "", mimeType: "application/json" },
        accepts: route.accepts,
        ...(route.extensions && { extensions: route.extensions }),
      }),
      ...EXPOSE_V2,
    });
    const payment = entry.paymentHeader === null ? null : decodePayment(entry.paymentHeader);
    if (!payment) return send(res, 402, requiredHeader("Payment required"), "{}");

    let requirements;
    try {
      if (payment.x402Version === 2) requirements = resourceServer.findMatchingRequirements(route.accepts, payment);
    } catch {
      requirements = undefined;
    }
    if (!requirements) return send(res, 402, requiredHeader("No matching payment requirements"), "{}");

    if (route.extensions?.["payment-identifier"]) {
      const id = payment.extensions?.["payment-identifier"]?.info?.id;
      if (typeof id !== "string" || !IDEMPOTENCY_KEY_RE.test(id)) {
        return send(res, 400, {}, { error: "payment identifier required" });
      }
    }

    entry.verify = await verifyWith(facilitator, payment, requirements);
    if (!entry.verify.isValid) return send(res, 402, requiredHeader(entry.verify.invalidReason), "{}");

    const { payer } = entry.verify;
    const settled = { success: true, transaction: fakeTx(entry.paymentHeader), network: requirements.network, payer };
    entry.served = true;
    const content = req.method === "POST" ? { received: body } : { ok: true, path: entry.path, payer };
    send(res, 200, { ...EXPOSE_V2, "PAYMENT-RESPONSE": encodePaymentResponseHeader(settled) }, content);
  }

  async function handleV1(req, res, entry) {
    const accepts = [
      {
        scheme: "exact",
        network: "base-sepolia",
        maxAmountRequired: "10000",
        resource: base + req.url,
        description: "Weather",
        mimeType: "application/json",
        payTo: PAY_TO,
        maxTimeoutSeconds: MAX_TIMEOUT_SECONDS,
        asset: USDC,
        extra: USDC_EXTRA,
      },
    ];
    const required = (error) => send(res, 402, {}, { x402Version: 1, error, accepts });
    const payment = entry.paymentHeader === null ? null : decodePayment(entry.paymentHeader);
    if (!payment) return required("X-PAYMENT header is required");

    const requirements = payment.x402Version === 1 && accepts.find((r) => r.scheme === payment.scheme && r.network === payment.network);
    if (!requirements) return required("No matching payment requirements");

    entry.verify = await verifyWith(facilitator, payment, requirements);
    if (!entry.verify.isValid) return required(entry.verify.invalidReason);

    const { payer } = entry.verify;
    const settled = { success: true, transaction: fakeTx(entry.paymentHeader), network: requirements.network, payer };
    entry.served = true;
    send(
      res,
      200,
      {
        "X-PAYMENT-RESPONSE": encodePaymentResponseHeader(settled),
        "Access-Control-Expose-Headers": "X-PAYMENT-RESPONSE",
      },
      { ok: true, path: entry.path, payer },
    );
  }

  async function handle(req, res) {
    const path = new URL(req.url, "http://x").pathname;
    const key = `${req.method} ${path}`;
    const route = V2_ROUTES[key];
    const headerName = key === "GET /v1/weather" ? "x-payment" : "payment-signature";
    const entry = { method: req.method, path, paymentHeader: req.headers[headerName] ?? null, verify: null, served: false };
    log.push(entry);

    if (route?.dropFirstPaid && entry.paymentHeader !== null && !dropped) {
      dropped = true;
      req.socket.destroy();
      return;
    }
    const body = await readBody(req);
    if (route) return handleV2(req, res, entry, route, body);
    if (key === "GET /v1/weather") return handleV1(req, res, entry);
    if (key === "GET /free") {
      entry.served = true;
      return send(res, 200, {}, { free: true });
    }
    send(res, 404, {}, { error: "not found" });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) send(res, 500, {}, { error: String(e?.message ?? e) });
      else res.destroy();
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  base = `http://127.0.0.1:${server.address().port}`;

  const close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { url: base, close, log };
}
