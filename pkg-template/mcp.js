// x402 over MCP (the x402 MCP transport, specs/transports-v2/mcp.md): paid tools on an MCP server
// (`@modelcontextprotocol/sdk`'s McpServer), and an MCP Client whose `callTool` pays them.
//
// Neither side has payment logic of its own. A paid tool call is carried through the HTTP faces
// as a synthetic request: the server runs it through `createPaymentHandler` (so verification in
// wasm, the nonce store, never serving unpaid, settling once after success, and every refusal are
// the middleware's), and the client pays through `wrapFetchWithPayment` (so caps, allow-lists,
// hooks and never paying twice are the fetch wrapper's). This file only maps MCP's fields to
// those messages and back.
import { createPaymentHandler } from "./server.js";
import { wrapFetchWithPayment } from "./client.js";
import {
  headerNames,
  paymentHeader,
  readPaymentRequired,
  readPaymentResponse,
  decodePaymentSignatureHeader,
  encodePaymentRequiredHeader,
  encodePaymentResponseHeader,
} from "./x402_wasm.js";
import { Code, x402Error } from "./errors.js";
import { InMemoryNonceStore } from "./nonces.js";

/** `_meta` keys of the MCP transport. */
const PAYMENT = "x402/payment";
const PAYMENT_RESPONSE = "x402/payment-response";
/** Cloudflare `agents`' keys: its server puts the terms here (not in `structuredContent`), its
 * client reads only these, and its tools list says a tool is paid and its price. */
const AGENTS_TERMS = "x402/error";
const AGENTS_PAID = "agents-x402/paymentRequired";
const AGENTS_PRICE = "agents-x402/priceUSD";
/** The HTTP status of a refusal that is not a 402 (409 in progress, 503 unresolved, …). */
const STATUS = "x402/status";

let names;
const header = () => (names ??= headerNames());

/** The resource URL of a tool, as the reference MCP server names it. */
const toolUrl = (name) => `mcp://tool/${name}`;

/** A message's headers as wasm reads them. */
const getter = (message) => (name) => message.headers.get(name);

/** The tool result of a refusal: the terms in `structuredContent` and as JSON text (the
 * transport's two forms), and in `_meta` for `agents` clients. */
function paymentRequiredResult(paymentRequired, receipt) {
  const text = JSON.stringify(paymentRequired);
  const meta = { [AGENTS_TERMS]: paymentRequired };
  if (receipt) meta[PAYMENT_RESPONSE] = receipt;
  return { isError: true, structuredContent: paymentRequired, content: [{ type: "text", text }], _meta: meta };
}

/** The payment of a tool call: `_meta["x402/payment"]`, an object (the transport) or a base64
 * token (`agents`); null when there is none or it does not read. */
function paymentOf(extra) {
  const meta = extra?._meta ?? extra?.mcpReq?._meta;
  const payment = meta?.[PAYMENT];
  if (typeof payment === "string") {
    try {
      return decodePaymentSignatureHeader(payment);
    } catch {
      return null; // unreadable counts as no payment, as a header that does not decode
    }
  }
  return payment && typeof payment === "object" ? payment : null;
}

/** What a tools list shows of a paid tool's price (Cloudflare `agents`' keys). */
function priceMeta(accepts) {
  const first = Array.isArray(accepts) ? accepts[0] : accepts;
  const money = typeof first?.price === "string" ? first.price.match(/^\$(\d+(?:\.\d+)?)$/) : null;
  return money ? { [AGENTS_PAID]: true, [AGENTS_PRICE]: money[1] } : { [AGENTS_PAID]: true };
}

/** Payment handlers by options object and tool: a stateless MCP server is built anew for each
 * request, and its tools must keep one handler (one table) across them; and all the tools of one
 * options object share one nonce store, as the routes of one middleware do, so a payment used for
 * one tool is refused by another. */
const handlers = new WeakMap();

function handlerFor(options, name, route) {
  let kept = handlers.get(options);
  if (!kept) {
    const store = options.nonceStore ?? new InMemoryNonceStore();
    if (!options.nonceStore) console.warn("x402: no nonceStore given to withX402, so used payments are remembered in this isolate only");
    kept = { tools: new Map(), options: { ...options, nonceStore: store } };
    handlers.set(options, kept);
  }
  const key = `${name}\n${JSON.stringify(route)}`;
  let handle = kept.tools.get(key);
  if (!handle) kept.tools.set(key, (handle = createPaymentHandler(route, kept.options)));
  return handle;
}

/**
 * Adds `paidTool(name, config, handler)` to an McpServer. `config` is `registerTool`'s
 * (`description`, `inputSchema`, `annotations`, …) plus `accepts` (payment options as a route
 * takes them: exact, or upto with the tool declaring its usage) and `mimeType`. `options` are
 * `paymentMiddleware`'s (facilitator, nonceStore, verify, hooks). The handler is
 * `(args, extra, usage)`: it runs only for a verified, reserved payment, the payment settles only
 * when it succeeds (a result with `isError` or a throw settles nothing), and an `upto` tool
 * declares what it used with `setSettlementOverrides(usage, {amount})`. A server built per request
 * (the SDK's stateless mode) keeps its payment state when given the same `options` object.
 */
export function withX402(server, options) {
  if (typeof server?.registerTool !== "function") throw x402Error(Code.InvalidArgument, "withX402 needs an McpServer (registerTool)");
  if (options === null || typeof options !== "object")
    throw x402Error(Code.InvalidArgument, "withX402 needs options ({facilitator, nonceStore?, …})");
  // A tool result is known only after it ran: settling first would charge for a failed call.
  if (options.settleBeforeHandler)
    throw x402Error(Code.InvalidArgument, "settleBeforeHandler does not apply to MCP tools: a failed tool call is not charged");
  function paidTool(name, config, handler) {
    const { accepts, mimeType = "application/json", ...toolConfig } = config ?? {};
    const description = toolConfig.description ?? `Tool: ${name}`;
    const handle = handlerFor(options, name, { accepts, description, mimeType });
    const _meta = { ...toolConfig._meta, ...priceMeta(accepts) };
    const output = toolConfig.outputSchema;
    // The SDK calls a tool without an input schema with `extra` alone.
    const callback = toolConfig.inputSchema
      ? (args, extra) => callPaid(handle, name, args, extra, handler, output)
      : (extra) => callPaid(handle, name, {}, extra, handler, output);
    return server.registerTool(name, { ...toolConfig, _meta }, callback);
  }
  Object.defineProperty(server, "paidTool", { value: paidTool, configurable: true });
  return server;
}

/**
 * Whether a tool's result breaks its declared output schema (a zod schema, or a raw shape of zod
 * fields, as `registerTool` takes): the SDK would refuse such a result after the call, so it must
 * count as a failure before anything is settled.
 */
function breaksOutput(schema, result) {
  if (!schema || result.isError) return false;
  const content = result.structuredContent;
  if (content === null || typeof content !== "object") return true;
  if (typeof schema.safeParse === "function") return !schema.safeParse(content).success;
  return Object.entries(schema).some(([key, field]) => typeof field?.safeParse === "function" && !field.safeParse(content[key]).success);
}

/** One call of a paid tool, through the payment handler. */
async function callPaid(handle, name, args, extra, handler, output) {
  const headers = new Headers();
  const payment = paymentOf(extra);
  if (payment) {
    try {
      const [key, value] = paymentHeader(payment);
      headers.set(key, value);
    } catch {
      // A payment that does not read is no payment: the terms are answered.
    }
  }
  const request = new Request(toolUrl(name), { method: "POST", headers, body: JSON.stringify(args ?? {}) });
  let result;
  const response = await handle(request, async () => {
    const usage = new Headers();
    try {
      result = await handler(args, extra, usage);
      if (result === null || typeof result !== "object") throw new Error("the tool returned no result");
      if (breaksOutput(output, result)) {
        result = {
          isError: true,
          content: [{ type: "text", text: "Output validation error: the result does not match the tool's output schema" }],
        };
      }
    } catch (e) {
      result = { isError: true, content: [{ type: "text", text: `Tool execution failed: ${e?.message ?? e}` }] };
    }
    usage.set("content-type", "application/json");
    // A failed call answers 500: the middleware settles nothing for it.
    return new Response(JSON.stringify(result), { status: result.isError ? 500 : 200, headers: usage });
  });
  const receipt = readPaymentResponse(getter(response));
  if (response.status === 402 || response.status === 412) {
    const paymentRequired = readPaymentRequired(getter(response), undefined, false, response.status);
    const refused = paymentRequiredResult(paymentRequired, receipt);
    // 412: the payer has not approved Permit2; a paying client approves it once, then pays.
    if (response.status === 412) refused._meta[STATUS] = 412;
    return refused;
  }
  if (response.status < 400 && result !== undefined) {
    return receipt ? { ...result, _meta: { ...result._meta, [PAYMENT_RESPONSE]: receipt } } : result;
  }
  if (result?.isError && response.status === 500) return result; // the tool failed: nothing settled
  // Another refusal (in progress, a facilitator fault, an unresolved settlement): its status lets
  // a paying client tell an open outcome from a final one.
  const text = await response.text();
  const meta = { [STATUS]: response.status };
  if (receipt) meta[PAYMENT_RESPONSE] = receipt;
  return { isError: true, content: [{ type: "text", text }], _meta: meta };
}

/** The terms a tool result carries, and whether they came the `agents` way, or null. */
function termsOf(result) {
  if (!result?.isError) return null;
  const isTerms = (v) => v && typeof v === "object" && "x402Version" in v && Array.isArray(v.accepts);
  if (isTerms(result.structuredContent)) return { paymentRequired: result.structuredContent, agents: false };
  const text = result.content?.[0]?.type === "text" ? result.content[0].text : undefined;
  if (typeof text === "string") {
    try {
      const parsed = JSON.parse(text);
      if (isTerms(parsed) && parsed.resource) return { paymentRequired: parsed, agents: isTerms(result._meta?.[AGENTS_TERMS]) };
    } catch {
      // Not JSON: not terms.
    }
  }
  if (isTerms(result._meta?.[AGENTS_TERMS])) return { paymentRequired: result._meta[AGENTS_TERMS], agents: true };
  return null;
}

/** The internal URL a tool call is paid at (the client's key for never paying twice). */
const callUrl = (name) => `https://mcp.x402.invalid/tools/${encodeURIComponent(name)}`;
const CALL = "x-x402-mcp-call";

/**
 * Makes an MCP Client's `callTool` pay the tools that ask for payment, with `signer` (or
 * signers, one per family) and `wrapFetchWithPayment`'s options: caps (on by default: $0.10 of a
 * known stablecoin), allow-lists, hooks, never paying twice. `options.confirm(requirements,
 * context)` is asked before each payment; false refuses it (`payment_aborted`). `listTools`
 * shows a paid tool's price in its description. A payment is sent as the transport says (an
 * object in `_meta["x402/payment"]`), or as a base64 token to a server that answered the
 * `agents` way.
 */
export function withX402Client(client, signer, options = {}) {
  const callTool = client.callTool.bind(client);
  const listTools = client.listTools.bind(client);
  const calls = new Map();
  let seq = 0;
  const { confirm, onPaymentRequired, ...rest } = options;
  const transport = async (request) => {
    const call = calls.get(request.headers.get(CALL));
    const signature = request.headers.get(header().paymentSignature);
    let params = call.params;
    if (signature) {
      const payment = call.agents ? signature : decodePaymentSignatureHeader(signature);
      params = { ...params, _meta: { ...params._meta, [PAYMENT]: payment } };
    }
    const result = await callTool(params, call.schema, call.options);
    call.result = result;
    const headers = new Headers({ "content-type": "application/json" });
    const status = result?._meta?.[STATUS];
    // Only a refusal's status is taken: a success is 200 whatever its result says.
    const refusal = Number.isInteger(status) && status >= 400 && status <= 599 ? status : undefined;
    const terms = termsOf(result);
    if (terms) {
      call.agents = terms.agents;
      headers.set(header().paymentRequired, encodePaymentRequiredHeader(terms.paymentRequired));
      return new Response(JSON.stringify(result), { status: refusal === 412 ? 412 : 402, headers });
    }
    const receipt = result?._meta?.[PAYMENT_RESPONSE];
    if (signature && receipt?.success !== undefined) {
      try {
        headers.set(header().paymentResponse, encodePaymentResponseHeader(receipt));
      } catch {
        // A receipt that does not read is not passed on.
      }
    }
    return new Response(JSON.stringify(result), { status: result?.isError && refusal ? refusal : 200, headers });
  };
  const pay = wrapFetchWithPayment(transport, signer, {
    ...rest,
    async onPaymentRequired(context) {
      const verdict = await onPaymentRequired?.(context);
      if (verdict?.abort) return verdict;
      if (confirm && !(await confirm(context.selectedRequirements, context)))
        return { abort: true, reason: "the payment was not confirmed" };
      return undefined;
    },
  });

  const paidCallTool = async (params, schema, callOptions) => {
    const id = String(++seq);
    calls.set(id, { params, schema, options: callOptions, agents: false, result: undefined });
    try {
      await pay(callUrl(params.name), {
        method: "POST",
        headers: { [CALL]: id },
        body: JSON.stringify(params.arguments ?? {}),
      });
      return calls.get(id).result;
    } finally {
      calls.delete(id);
    }
  };
  const pricedListTools = async (params, callOptions) => {
    const listed = await listTools(params, callOptions);
    const tools = listed.tools.map((tool) => {
      if (!tool._meta?.[AGENTS_PAID]) return tool;
      const price = tool._meta[AGENTS_PRICE];
      const cost = price ? `$${price}` : "a price the server names when it is called";
      return { ...tool, description: `${tool.description ?? ""} (This is a paid tool, you will be charged ${cost} for its execution)` };
    });
    return { ...listed, tools };
  };
  Object.defineProperty(client, "callTool", { value: paidCallTool, configurable: true });
  Object.defineProperty(client, "listTools", { value: pricedListTools, configurable: true });
  return client;
}
