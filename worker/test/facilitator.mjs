// A facilitator test double on loopback: /verify, /settle and /supported with switchable faults.
// It records every call, so tests can count settlements. (The real facilitator, settling on a
// local chain, comes with the end-to-end suite.)
import { createServer } from "node:http";

/**
 * Modes: "ok", "error500", "hang", "garbage", "settle_fail", "no_tx", "verify_invalid",
 * "fail_null_tx" (a refusal with `transaction: null`), "pending" (every /settle answers the 2.27
 * `settlement_pending` with a transaction), "pending_once" / "hang_settle_once" (the next /settle
 * is pending / never answered, later ones succeed), and "hang_then_nonce_used" (the next /settle is
 * never answered, later ones say the nonce is used, as a facilitator that does not reconcile does).
 * `state.delayMs` delays every answer.
 */
export async function startFacilitator() {
  const state = { mode: "ok", calls: [], delayMs: 0 };
  let txCounter = 0;
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const path = req.url;
      const body = raw ? JSON.parse(raw) : undefined;
      state.calls.push({ path, body, headers: req.headers });
      const payer = body?.paymentPayload?.payload?.authorization?.from ?? body?.paymentPayload?.payload?.permit2Authorization?.from;
      const network = body?.paymentRequirements?.network;
      const write = (status, value) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(typeof value === "string" ? value : JSON.stringify(value));
      };
      // `delayMs`: every answer comes that much later, as from a facilitator across the internet.
      const send = (status, value) => (state.delayMs ? setTimeout(write, state.delayMs, status, value) : write(status, value));
      if (path === "/supported")
        return send(200, { kinds: [{ x402Version: 2, scheme: "exact", network: "eip155:84532" }], extensions: [], signers: {} });
      switch (state.mode) {
        case "hang":
          return; // never answers
        case "error500":
          return send(500, { error: "internal" });
        case "garbage":
          return send(200, "<html>not json");
      }
      if (path === "/verify") {
        if (state.mode === "verify_invalid")
          return send(200, { isValid: false, invalidReason: "invalid_exact_evm_insufficient_balance", payer });
        return send(200, { isValid: true, payer });
      }
      if (path === "/settle") {
        const pendingTx = `0x${"e".repeat(64)}`;
        if (state.mode === "hang_settle_once") {
          state.mode = "ok";
          return; // never answers
        }
        if (state.mode === "hang_then_nonce_used") {
          state.mode = "nonce_used";
          return; // never answers (and, as far as the next call can tell, settled)
        }
        if (state.mode === "nonce_used")
          return send(200, { success: false, errorReason: "invalid_exact_evm_nonce_already_used", transaction: "", network, payer });
        if (state.mode === "pending" || state.mode === "pending_once") {
          if (state.mode === "pending_once") state.mode = "ok";
          return send(200, { success: false, errorReason: "settlement_pending", transaction: pendingTx, network, payer });
        }
        if (state.mode === "fail_null_tx")
          return send(200, { success: false, errorReason: "invalid_exact_evm_insufficient_balance", transaction: null, network, payer });
        if (state.mode === "settle_fail") {
          return send(200, { success: false, errorReason: "invalid_exact_evm_insufficient_balance", transaction: "", network, payer });
        }
        if (state.mode === "no_tx") return send(200, { success: true, network, payer });
        txCounter += 1;
        // Casper transaction hashes are bare hex; EVM ones 0x-prefixed.
        const tx = txCounter.toString(16).padStart(64, "0");
        return send(200, { success: true, transaction: network?.startsWith("casper:") ? tx : `0x${tx}`, network, payer });
      }
      send(404, { error: "not found" });
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    state,
    settlements: () => state.calls.filter((c) => c.path === "/settle"),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}
