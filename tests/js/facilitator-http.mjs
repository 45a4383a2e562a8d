// The official facilitator (`@x402/core`'s x402Facilitator with its schemes registered) behind a
// small HTTP server on loopback: GET /supported, POST /verify, POST /settle, and any extra
// `routes` (`{"POST /accepts": (body) => answer}`). Every call is recorded. Shared by the EVM
// end-to-end stack and the Solana suites; only this wrapping is ours.
import { createServer } from "node:http";

const json = (value) => JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v));

/** Serves `facilitator` on 127.0.0.1 (`port` 0 = any): `{url, calls, settlements(), close()}`. */
export async function serveFacilitator(facilitator, { port = 0, routes = {} } = {}) {
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
        if (req.method === "GET" && req.url === "/supported") {
          calls.push({ path: "/supported" });
          return send(200, facilitator.getSupported());
        }
        const body = JSON.parse(raw || "{}");
        const extra = routes[`${req.method} ${req.url}`];
        if (extra) {
          calls.push({ path: req.url, body });
          return send(200, await extra(body));
        }
        if (req.method === "POST" && (req.url === "/verify" || req.url === "/settle")) {
          const result = await facilitator[req.url.slice(1)](body.paymentPayload, body.paymentRequirements);
          calls.push({ path: req.url, result });
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
    calls,
    settlements: () => calls.filter((c) => c.path === "/settle"),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      }),
  };
}
