// x402 over MCP on a local chain, settled by the official facilitator:
//
//   client \ server              ours (withX402 on McpServer)   agents (withX402 / paidTool)
//   ours (withX402Client)        every case below               pays
//   agents (withX402Client)      pays                           (the peer's own pair)
//
// Transports: the official MCP SDK's in-memory pair (Node), and its Streamable HTTP transport to a
// Worker in workerd (tests/mcp/worker). Each case reads the balances on chain and counts the tool's
// runs: one payment, one run, one transfer.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { fileURLToPath } from "node:url";
import { withX402 as agentsWithX402, withX402Client as agentsWithX402Client } from "agents/x402";
import { maxUint256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { z } from "zod";
import { withX402, withX402Client, privateKeySigner, setSettlementOverrides } from "../../pkg/node.js";
import { startChain } from "../e2e/chain.mjs";
import { startFacilitator } from "../e2e/facilitator.mjs";
import { startWorkerd } from "../../worker/test/workerd.mjs";

const PRICE = 1000n;
/** USDC's address on Base Sepolia: a default asset, the only kind `agents`' client pays. */
const USDC = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";

let chain, facilitator;
const runs = new Map();
const ran = (name) => runs.set(name, (runs.get(name) ?? 0) + 1);

before(async () => {
  chain = await startChain();
  facilitator = await startFacilitator(chain);
  // The upto tool's payer approved Permit2 once.
  const hash = await chain.walletClient(chain.keys.payers[1]).writeContract({
    address: chain.token.address,
    abi: chain.abi.token,
    functionName: "approve",
    args: [chain.permit2, maxUint256],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash });
});

after(async () => {
  await facilitator?.close();
  await chain?.stop();
});

const price = (amount = PRICE) => ({
  amount: String(amount),
  asset: chain.token.address,
  extra: { name: chain.token.name, version: chain.token.version },
});
const exact = (amount) => ({ scheme: "exact", network: chain.network, payTo: chain.addresses.payTo, price: price(amount) });

/** Our paid MCP server: `forecast` (exact), `broken` (fails), `generate` (upto, declares `used`). */
function ourServer(facilitatorUrl = facilitator.url) {
  const server = withX402(new McpServer({ name: "weather", version: "1.0.0" }), { facilitator: { url: facilitatorUrl } });
  server.paidTool(
    "forecast",
    { description: "Tomorrow's weather", inputSchema: { city: z.string() }, accepts: exact() },
    async ({ city }) => {
      ran("forecast");
      return { content: [{ type: "text", text: `${city}: sunny` }] };
    },
  );
  server.paidTool("broken", { description: "Always fails", inputSchema: {}, accepts: exact() }, async () => {
    ran("broken");
    return { isError: true, content: [{ type: "text", text: "the model is down" }] };
  });
  server.paidTool(
    "generate",
    {
      description: "Metered text",
      inputSchema: { used: z.string() },
      accepts: { scheme: "upto", network: chain.network, payTo: chain.addresses.payTo, price: price(100_000n) },
    },
    async ({ used }, _extra, usage) => {
      ran("generate");
      setSettlementOverrides(usage, { amount: used });
      return { content: [{ type: "text", text: "Once upon a time" }] };
    },
  );
  server.registerTool("free", { description: "Free", inputSchema: {} }, async () => ({ content: [{ type: "text", text: "free" }] }));
  return server;
}

/** A connected MCP client of `server` over the SDK's in-memory transport. */
async function connect(server) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "agent", version: "1.0.0" });
  await client.connect(clientSide);
  return client;
}

const assets = () => [{ network: chain.network, asset: chain.token.address, maxAmount: "100000" }];

async function moved(payer, call) {
  const before = await chain.balanceOf(payer);
  const result = await call();
  return { result, moved: before - (await chain.balanceOf(payer)) };
}

test("an unpaid call gets the terms in structuredContent and as text; the tool does not run", async () => {
  const client = await connect(ourServer());
  const result = await client.callTool({ name: "forecast", arguments: { city: "Porto" } });
  assert.equal(result.isError, true);
  const terms = result.structuredContent;
  assert.equal(terms.x402Version, 2);
  assert.equal(terms.resource.url, "mcp://tool/forecast");
  assert.equal(terms.accepts[0].amount, String(PRICE));
  assert.deepEqual(JSON.parse(result.content[0].text), terms);
  assert.equal(runs.get("forecast"), undefined);
  const free = await client.callTool({ name: "free", arguments: {} });
  assert.equal(free.content[0].text, "free");
});

test("our client pays a paid tool once: it runs once, the price moves once, the receipt is in _meta", async () => {
  const key = chain.keys.payers[0];
  let created = 0;
  const client = withX402Client(await connect(ourServer()), privateKeySigner(key), {
    assets: assets(),
    onPaymentCreated: () => void created++,
  });
  const before = runs.get("forecast") ?? 0;
  const { result, moved: amount } = await moved(chain.addresses.payers[0], () =>
    client.callTool({ name: "forecast", arguments: { city: "Porto" } }),
  );
  assert.equal(result.isError, undefined, JSON.stringify(result));
  assert.equal(result.content[0].text, "Porto: sunny");
  assert.equal(amount, PRICE);
  assert.equal(runs.get("forecast"), before + 1);
  assert.equal(created, 1);
  const receipt = result._meta["x402/payment-response"];
  assert.equal(receipt.success, true);
  assert.equal((await chain.transactionReceipt(receipt.transaction)).status, "success");
  // The tools list shows the price.
  const { tools } = await client.listTools();
  assert.match(tools.find((t) => t.name === "forecast").description, /paid tool/);
});

/** A payment for `forecast` signed by our client, captured before it is sent, and not sent. */
async function signedPayment(key) {
  let payment;
  const client = withX402Client(await connect(ourServer()), privateKeySigner(key), {
    assets: assets(),
    onPaymentCreated: ({ paymentPayload }) => {
      payment = paymentPayload;
      throw new Error("captured");
    },
  });
  await assert.rejects(client.callTool({ name: "forecast", arguments: { city: "Porto" } }), /captured/);
  return payment;
}

test("a replayed payment, a payment for another amount and concurrent copies: one run, one transfer", async () => {
  const payer = chain.addresses.payers[2];
  const payment = await signedPayment(chain.keys.payers[2]);
  const client = await connect(ourServer());
  const call = (p) => client.callTool({ name: "forecast", arguments: { city: "Faro" }, _meta: { "x402/payment": p } });
  const before = runs.get("forecast") ?? 0;
  const { result: results, moved: amount } = await moved(payer, () => Promise.all([call(payment), call(payment), call(payment)]));
  assert.equal(results.filter((r) => !r.isError).length, 1, "one of the copies is served");
  assert.equal(amount, PRICE, "and paid once");
  assert.equal(runs.get("forecast"), before + 1);
  const replay = await moved(payer, () => call(payment));
  assert.equal(replay.result.isError, true);
  assert.equal(replay.result.structuredContent.error, "invalid_exact_evm_nonce_already_used");
  assert.equal(replay.moved, 0n);
  const cheaper = structuredClone(await signedPayment(chain.keys.payers[2]));
  cheaper.accepted.amount = "1";
  const wrong = await call(cheaper);
  assert.equal(wrong.isError, true);
  assert.equal(wrong.structuredContent.error, "No matching payment requirements");
  assert.equal(runs.get("forecast"), before + 1);
});

test("a tool that fails settles nothing; a facilitator that is down runs nothing", async () => {
  const key = chain.keys.payers[0];
  const client = withX402Client(await connect(ourServer()), privateKeySigner(key), { assets: assets() });
  const failed = await moved(chain.addresses.payers[0], () => client.callTool({ name: "broken", arguments: {} }));
  assert.equal(failed.result.isError, true);
  assert.equal(failed.result.content[0].text, "the model is down");
  assert.equal(failed.result._meta?.["x402/payment-response"], undefined);
  assert.equal(failed.moved, 0n);

  const down = withX402Client(await connect(ourServer("http://127.0.0.1:9")), privateKeySigner(key), { assets: assets() });
  const before = runs.get("forecast") ?? 0;
  const fault = await moved(chain.addresses.payers[0], () => down.callTool({ name: "forecast", arguments: { city: "Braga" } }));
  assert.equal(fault.result.isError, true);
  assert.equal(fault.result._meta["x402/status"] >= 500, true, JSON.stringify(fault.result));
  assert.equal(fault.moved, 0n);
  assert.equal(runs.get("forecast") ?? 0, before);
});

test("the client refuses before signing: over its cap, or not confirmed", async () => {
  const key = chain.keys.payers[0];
  let created = 0;
  const capped = withX402Client(await connect(ourServer()), privateKeySigner(key), {
    assets: [{ network: chain.network, asset: chain.token.address, maxAmount: String(PRICE - 1n) }],
    onPaymentCreated: () => void created++,
  });
  await assert.rejects(capped.callTool({ name: "forecast", arguments: { city: "Porto" } }), (e) => e.code === "amount_exceeds_max");
  let asked;
  const declined = withX402Client(await connect(ourServer()), privateKeySigner(key), {
    assets: assets(),
    confirm: (requirements) => {
      asked = requirements;
      return false;
    },
    onPaymentCreated: () => void created++,
  });
  await assert.rejects(declined.callTool({ name: "forecast", arguments: { city: "Porto" } }), (e) => e.code === "payment_aborted");
  assert.equal(asked.amount, String(PRICE));
  assert.equal(created, 0, "nothing was signed");
});

test("an upto tool charges the usage it declares", async () => {
  const key = chain.keys.payers[1];
  const client = withX402Client(await connect(ourServer()), privateKeySigner(key, { allowUpto: true }), { assets: assets() });
  const { result, moved: amount } = await moved(chain.addresses.payers[1], () =>
    client.callTool({ name: "generate", arguments: { used: "4321" } }),
  );
  assert.equal(result.isError, undefined, JSON.stringify(result));
  assert.equal(amount, 4321n);
  assert.equal(result._meta["x402/payment-response"].amount, "4321");
});

/** Installs a copy of the test token at USDC's Base Sepolia address, named as USDC is there
 * ("USDC", version "2"), and gives `to` some: what `agents`' client pays by default. */
async function usdcAtItsAddress(to) {
  const { artifacts } = (await import("../e2e/chain.mjs")).compileContracts();
  const deployer = chain.walletClient(chain.keys.deployer);
  const hash = await deployer.deployContract({ abi: chain.abi.token, bytecode: artifacts.X402TestToken.bytecode, args: ["USDC", "2"] });
  const { contractAddress } = await chain.publicClient.waitForTransactionReceipt({ hash });
  await chain.rpc("anvil_setCode", [USDC, await chain.rpc("eth_getCode", [contractAddress, "latest"])]);
  for (const slot of ["0x0", "0x1"]) {
    await chain.rpc("anvil_setStorageAt", [USDC, slot, await chain.rpc("eth_getStorageAt", [contractAddress, slot, "latest"])]);
  }
  const mint = await deployer.writeContract({ address: USDC, abi: chain.abi.token, functionName: "mint", args: [to, 1_000_000n] });
  await chain.publicClient.waitForTransactionReceipt({ hash: mint });
}

test("interop: agents' withX402Client pays our paid tool", async () => {
  const account = privateKeyToAccount(chain.keys.payers[2]);
  await usdcAtItsAddress(account.address);
  const server = withX402(new McpServer({ name: "weather", version: "1.0.0" }), { facilitator: { url: facilitator.url } });
  server.paidTool(
    "forecast",
    {
      description: "Tomorrow's weather",
      inputSchema: { city: z.string() },
      accepts: { scheme: "exact", network: chain.network, payTo: chain.addresses.payTo, price: "$0.01" },
    },
    async ({ city }) => ({ content: [{ type: "text", text: `${city}: windy` }] }),
  );
  const client = agentsWithX402Client(await connect(server), { network: chain.network, account });
  const before = await chain.balanceOf(chain.addresses.payTo);
  const usdcBefore = await chain.publicClient.readContract({
    address: USDC,
    abi: chain.abi.token,
    functionName: "balanceOf",
    args: [account.address],
  });
  // agents' callTool takes its confirmation callback first (null: none).
  const result = await client.callTool(null, { name: "forecast", arguments: { city: "Lagos" } });
  assert.equal(result.isError, undefined, JSON.stringify(result));
  assert.equal(result.content[0].text, "Lagos: windy");
  assert.equal(result._meta["x402/payment-response"].success, true);
  const usdcAfter = await chain.publicClient.readContract({
    address: USDC,
    abi: chain.abi.token,
    functionName: "balanceOf",
    args: [account.address],
  });
  assert.equal(usdcBefore - usdcAfter, 10_000n, "$0.01 of USDC moved");
  assert.equal(await chain.balanceOf(chain.addresses.payTo), before, "not in the other token");
  const { tools } = await client.listTools();
  assert.match(tools[0].description, /charged \$0\.01/, "agents reads our price from the tools list");
});

test("interop: our client pays agents' paidTool", async () => {
  const server = agentsWithX402(new McpServer({ name: "agents-weather", version: "1.0.0" }), {
    network: chain.network,
    recipient: chain.addresses.payTo,
    facilitator: { url: facilitator.url },
  });
  server.paidTool("forecast", "Tomorrow's weather", price(), { city: z.string() }, {}, async ({ city }) => {
    ran("agents");
    return { content: [{ type: "text", text: `${city}: foggy` }] };
  });
  const key = chain.keys.payers[0];
  const client = withX402Client(await connect(server), privateKeySigner(key), { assets: assets() });
  const { result, moved: amount } = await moved(chain.addresses.payers[0], () =>
    client.callTool({ name: "forecast", arguments: { city: "Oslo" } }),
  );
  assert.equal(result.isError, undefined, JSON.stringify(result));
  assert.equal(result.content[0].text, "Oslo: foggy");
  assert.equal(amount, PRICE);
  assert.equal(runs.get("agents"), 1);
});

/** The paid MCP Worker (tests/mcp/worker, bundled by wrangler) in workerd, on loopback. */
async function startMcpWorker() {
  const bindings = {
    FACILITATOR_URL: facilitator.url,
    NETWORK: chain.network,
    PAY_TO: chain.addresses.payTo,
    ASSET: chain.token.address,
    TOKEN_NAME: chain.token.name,
    TOKEN_VERSION: chain.token.version,
    AMOUNT: String(PRICE),
  };
  const mf = startWorkerd(bindings, { port: 0, scriptPath: fileURLToPath(new URL("./worker/dist/index.js", import.meta.url)) });
  const url = new URL("/mcp", await mf.ready);
  return { url, close: () => mf.dispose() };
}

test("over Streamable HTTP in workerd: our client pays the Worker's tool once; a replay is refused by its Durable Object", async () => {
  const worker = await startMcpWorker();
  try {
    const key = chain.keys.payers[0];
    let payment;
    const client = new Client({ name: "agent", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(worker.url));
    withX402Client(client, privateKeySigner(key), {
      assets: assets(),
      onPaymentCreated: ({ paymentPayload }) => void (payment = paymentPayload),
    });
    const { result, moved: amount } = await moved(chain.addresses.payers[0], () =>
      client.callTool({ name: "forecast", arguments: { city: "Zug" } }),
    );
    assert.equal(result.isError, undefined, JSON.stringify(result));
    assert.equal(result.content[0].text, "Zug: clear skies (from a Worker)");
    assert.equal(amount, PRICE);
    assert.equal(result._meta["x402/payment-response"].success, true);

    const plain = new Client({ name: "replayer", version: "1.0.0" });
    await plain.connect(new StreamableHTTPClientTransport(worker.url));
    const replay = await moved(chain.addresses.payers[0], () =>
      plain.callTool({ name: "forecast", arguments: { city: "Zug" }, _meta: { "x402/payment": payment } }),
    );
    assert.equal(replay.result.isError, true);
    assert.equal(replay.result.structuredContent.error, "invalid_exact_evm_nonce_already_used");
    assert.equal(replay.moved, 0n);
  } finally {
    await worker.close();
  }
});

test("a server built per request with the same options keeps its payment state (a replay to the next one is refused)", async () => {
  // Local verification only: without the shared store, the copy would run the tool before its
  // settlement failed.
  const options = { facilitator: { url: facilitator.url }, verify: "local" };
  let runs = 0;
  const build = () => {
    const server = withX402(new McpServer({ name: "stateless", version: "1.0.0" }), options);
    server.paidTool("forecast", { description: "Weather", inputSchema: { city: z.string() }, accepts: exact() }, async ({ city }) => {
      runs++;
      return { content: [{ type: "text", text: `${city}: hail` }] };
    });
    return server;
  };
  const payment = await signedPayment(chain.keys.payers[2]);
  const call = async () =>
    (await connect(build())).callTool({ name: "forecast", arguments: { city: "Bern" }, _meta: { "x402/payment": payment } });
  const first = await moved(chain.addresses.payers[2], call);
  assert.equal(first.result.isError, undefined, JSON.stringify(first.result));
  assert.equal(first.moved, PRICE);
  const second = await moved(chain.addresses.payers[2], call);
  assert.equal(second.result.isError, true);
  assert.equal(second.result.structuredContent.error, "invalid_exact_evm_nonce_already_used");
  assert.equal(second.moved, 0n);
  assert.equal(runs, 1, "the copy was refused before the tool ran");
});

test("one payment is good for one tool: sent to another tool of the same price it is refused; failed results settle nothing", async () => {
  const options = { facilitator: { url: facilitator.url }, verify: "local" };
  const server = withX402(new McpServer({ name: "tools", version: "1.0.0" }), options);
  let runs = 0;
  const tool = (name, result) =>
    server.paidTool(name, { description: name, inputSchema: { city: z.string() }, accepts: exact() }, async () => {
      runs++;
      return result();
    });
  tool("forecast", () => ({ content: [{ type: "text", text: "ok" }] }));
  tool("report", () => ({ content: [{ type: "text", text: "ok" }] }));
  server.paidTool(
    "typed",
    { description: "typed", inputSchema: { city: z.string() }, outputSchema: { temperature: z.number() }, accepts: exact() },
    async () => {
      runs++;
      return { content: [{ type: "text", text: "oops" }], structuredContent: { temperature: "warm" } };
    },
  );
  server.paidTool("empty", { description: "no result", accepts: exact() }, async () => {
    runs++;
    return null;
  });
  const client = await connect(server);
  const payment = await signedPayment(chain.keys.payers[2]);
  const call = (name) => client.callTool({ name, arguments: { city: "Vigo" }, _meta: { "x402/payment": payment } });
  const first = await moved(chain.addresses.payers[2], () => call("forecast"));
  assert.equal(first.result.isError, undefined, JSON.stringify(first.result));
  const other = await moved(chain.addresses.payers[2], () => call("report"));
  assert.equal(other.result.isError, true);
  assert.equal(other.moved, 0n);
  assert.equal(runs, 1, "the other tool did not run");

  // A result that breaks the tool's output schema, and no result at all: nothing is settled.
  const payer = chain.addresses.payers[0];
  const paying = withX402Client(client, privateKeySigner(chain.keys.payers[0]), { assets: assets() });
  const typed = await moved(payer, () => paying.callTool({ name: "typed", arguments: { city: "Vigo" } }));
  assert.equal(typed.result.isError, true);
  assert.equal(typed.moved, 0n);
  const empty = await moved(payer, () => paying.callTool({ name: "empty", arguments: {} }));
  assert.equal(empty.result.isError, true);
  assert.equal(empty.moved, 0n);
  assert.equal(runs, 3, "both ran, neither was charged");
});

test("withX402 refuses settleBeforeHandler: a failed tool call is never charged", () => {
  assert.throws(
    () => withX402(new McpServer({ name: "x", version: "1" }), { facilitator: { url: facilitator.url }, settleBeforeHandler: true }),
    (e) => e.code === "invalid_argument",
  );
});
