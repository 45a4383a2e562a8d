// A paid MCP tool in a Worker: POST /mcp speaks the MCP Streamable HTTP transport (stateless, one
// server per request, as the SDK's stateless mode is meant to be used), and `forecast` costs
// AMOUNT of ASSET on NETWORK, paid to PAY_TO. Used payments are kept in a Durable Object.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { z } from "zod";
import { withX402, durableObjectNonceStore, X402NonceStore } from "x402-wasm";

export { X402NonceStore };

/** The payment options, one object per environment: the tools' payment handlers are kept with it
 * across requests (the MCP server itself is built per request). */
const optionsByEnv = new WeakMap();
function paymentOptions(env) {
  if (!optionsByEnv.has(env)) {
    optionsByEnv.set(env, { facilitator: { url: env.FACILITATOR_URL }, nonceStore: durableObjectNonceStore(env.X402_NONCES) });
  }
  return optionsByEnv.get(env);
}

function mcpServer(env) {
  const server = withX402(new McpServer({ name: "weather-worker", version: "1.0.0" }), paymentOptions(env));
  const price = { amount: env.AMOUNT, asset: env.ASSET, extra: { name: env.TOKEN_NAME, version: env.TOKEN_VERSION } };
  server.paidTool(
    "forecast",
    {
      description: "Tomorrow's weather",
      inputSchema: { city: z.string() },
      accepts: { scheme: "exact", network: env.NETWORK, payTo: env.PAY_TO, price },
    },
    async ({ city }) => ({ content: [{ type: "text", text: `${city}: clear skies (from a Worker)` }] }),
  );
  return server;
}

export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname !== "/mcp") return new Response("not found", { status: 404 });
    const server = mcpServer(env);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    return transport.handleRequest(request);
  },
};
