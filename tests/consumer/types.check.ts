// Type-checked with `tsc --noEmit` (strict): every export used as a consumer would use it.
import {
  verifyPayment,
  findMatchingRequirements,
  selectPaymentRequirements,
  PaymentDraft,
  decodePaymentSignatureHeader,
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  encodePaymentSignatureHeader,
  encodePaymentRequiredHeader,
  encodePaymentResponseHeader,
  wrapFetchWithPayment,
  privateKeySigner,
  casperPrivateKeySigner,
  injectedWalletSigner,
  solanaPrivateKeySigner,
  injectedSolanaWalletSigner,
  draftQueries,
  decodePaymentResponse,
  type PaymentRequirements,
  type PaymentRequired,
  type LocalVerifyResponse,
  type SettleResponse,
  type X402Error,
  type TypedData,
  type Signer,
  type KitTransactionSigner,
  paymentMiddleware,
  withPayment,
  setSettlementOverrides,
  withX402,
  withX402Client,
  type Permit2Approval,
  createPaymentHandler,
  InMemoryNonceStore,
  durableObjectNonceStore,
  type Routes,
  type NonceStore,
  type PaymentMiddlewareOptions,
} from "x402-wasm";

const routes: Routes = {
  "GET /weather": {
    accepts: { scheme: "exact", network: "eip155:8453", payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", price: "$0.01" },
    description: "Weather",
  },
  "/items/:id": {
    accepts: [
      {
        scheme: "exact",
        network: "eip155:31337",
        payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
        price: { amount: "1", asset: "0x5FbDB2315678afecb367f032d93F642f64180aa3", extra: { name: "T", version: "1" } },
      },
    ],
  },
};
const store: NonceStore = new InMemoryNonceStore();
const serverOptions: PaymentMiddlewareOptions = {
  facilitator: { url: "http://127.0.0.1:4022", timeoutMs: 500 },
  verify: "local",
  nonceStore: store,
  onSettled: ({ settlement }) => void settlement.transaction,
};
const honoMiddleware = paymentMiddleware(routes, serverOptions);
const twoFacilitators: PaymentMiddlewareOptions = {
  facilitator: [
    { url: "https://casper-facilitator.test", networks: ["casper:*"], headers: { authorization: "token" } },
    { url: "http://127.0.0.1:4022" },
  ],
};
const casper = casperPrivateKeySigner("4f".repeat(32), { algorithm: "secp256k1" });
const casperFamily: "casper" = casper.family;
const payBoth = wrapFetchWithPayment(fetch, [privateKeySigner("0x" + "11".repeat(32)), casper], {
  assets: [{ network: "casper:casper-test", asset: "ab".repeat(32), maxAmount: "1000000" }],
});
casper.dispose();
void [
  twoFacilitators,
  casperFamily,
  payBoth,
  selectPaymentRequirements({ x402Version: 2, resource: { url: "u" }, accepts: [] }, { families: ["casper"] }),
];
const moduleWorker = {
  fetch: withPayment(
    (request: Request, env: { NONCES: unknown }) => new Response("ok"),
    routes,
    (env) => ({ ...serverOptions, nonceStore: durableObjectNonceStore(env.NONCES) }),
  ),
};
const core = createPaymentHandler(routes, serverOptions);
void [honoMiddleware, moduleWorker, core];

const requirements: PaymentRequirements = {
  scheme: "exact",
  network: "eip155:84532",
  amount: "10000",
  asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
  payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
  maxTimeoutSeconds: 300,
  extra: { name: "USDC", version: "2" },
};
const required: PaymentRequired = { x402Version: 2, resource: { url: "https://x.test/r" }, accepts: [requirements] };

const result: LocalVerifyResponse = verifyPayment("eyJ9", requirements, { now: 1 });
const reason: string | undefined = result.invalidReason;
const index: number = findMatchingRequirements([requirements], "eyJ9");
const indices: Uint32Array = selectPaymentRequirements(required, { maxUsd: false, networks: ["base-sepolia"] });

const signer = privateKeySigner("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const draft = new PaymentDraft(required, 0, signer.address, { now: 1_800_000_000 });
const typed: TypedData = draft.typedData();
const until: number = draft.validBefore;

async function pay(): Promise<void> {
  const payload = draft.finish(await signer.signTypedData(typed));
  const header: string = encodePaymentSignatureHeader(payload);
  const back = decodePaymentSignatureHeader(header);
  const v: 1 | 2 = back.x402Version;
  const requiredHeader: string = encodePaymentRequiredHeader(required);
  const decodedRequired = decodePaymentRequiredHeader(requiredHeader);
  const settle: SettleResponse = decodePaymentResponseHeader(
    encodePaymentResponseHeader({ success: true, transaction: "0x", network: "eip155:84532" }),
  );

  const wallet = injectedWalletSigner({ request: async () => ["0x0000000000000000000000000000000000000001"] });
  const account: string = await wallet.getAddress();
  const custom: Signer = { address: account, signTypedData: async () => "0x" };
  const paidFetch = wrapFetchWithPayment(fetch, custom, {
    maxAmount: 10_000n,
    maxUsd: "0.05",
    assets: [{ network: "eip155:84532", asset: "0x036CbD53842c5426634e7929541eC2318f3dCF7e", maxAmount: 5_000n }],
    maxTimeoutSeconds: 600,
    preferVersion: 2,
    select: (candidates) => candidates[0],
    onPaymentRequired: ({ paymentRequired, selectedRequirements }) =>
      paymentRequired.accepts.length > 3 || selectedRequirements.scheme !== "exact" ? { abort: true, reason: "too many" } : undefined,
    onBeforePaymentCreation: ({ typedData }) => (typedData.primaryType === "TransferWithAuthorization" ? undefined : { abort: true }),
    onPaymentCreated: ({ paymentPayload }) => void paymentPayload.x402Version,
    onPaymentResponse: ({ settleResponse }) => void settleResponse?.transaction,
  });
  const response: Response = await paidFetch("https://x.test/r", { method: "GET" });
  const receipt: SettleResponse | null = decodePaymentResponse(response);
  try {
    await paidFetch(new URL("https://x.test/r"));
  } catch (e) {
    const code: X402Error["code"] = (e as X402Error).code;
    void code;
  }
  void [v, decodedRequired, settle, receipt];
}

void [reason, index, indices, until, pay];

// Solana: a key in wasm, an injected wallet, and the draft's signer method.
const sol = solanaPrivateKeySigner(new Uint8Array(32), { rpcUrl: "http://127.0.0.1:8899" });
const solFamily: "solana" = sol.family;
const wallet = injectedSolanaWalletSigner({ signTransaction: async (tx: Uint8Array) => tx });
async function solanaPay(): Promise<string> {
  const queries = draftQueries(required, 0, sol.address);
  const solDraft = new PaymentDraft(required, 0, sol.address, { chain: queries.map((q) => q.body) });
  const method: "signTypedData" | "signTransaction" = solDraft.method;
  const input = solDraft.toSign();
  return typeof input === "string" ? wallet.signTransaction(await sol.signTransaction(input)) : method;
}
void solFamily;
void solanaPay;

// A @solana/kit signer is taken as it is.
const kitSigner: KitTransactionSigner = { address: "EghjTg5d84cu8CzUj5EG8fdXSdD39Fzzx9KVLFBcGwmY", signTransactions: async () => [] };
void wrapFetchWithPayment(fetch, [kitSigner, signer], { solanaRpcUrl: "http://127.0.0.1:8899" });

// upto: a key allowed to sign maxima, the schemes it pays, the one-time Permit2 approval, and a
// metered route whose handler declares its usage.
const metering = privateKeySigner("0x" + "22".repeat(32), { allowUpto: true });
const allowsUpto: boolean = metering.upto;
void wrapFetchWithPayment(fetch, metering, {
  schemes: ["exact", "upto"],
  maxAmount: 100_000n,
  approvePermit2: async (approval: Permit2Approval) => approval.transaction.data,
});
void wrapFetchWithPayment(fetch, injectedWalletSigner({ request: async () => null }), { approvePermit2: true });
void paymentMiddleware(
  {
    "GET /generate": {
      accepts: {
        scheme: "upto",
        network: "eip155:84532",
        payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
        price: "$0.10",
        minPrice: "$0.01",
      },
    },
  },
  { facilitator: { url: "https://facilitator.example" } },
);
setSettlementOverrides(new Headers(), { amount: "1234" });
void allowsUpto;

// MCP: a paid tool on a server, and a client that pays it (structural stand-ins for the SDK's classes).
const mcpServer = withX402({ registerTool: (..._args: unknown[]) => undefined }, { facilitator: { url: "https://facilitator.example" } });
mcpServer.paidTool(
  "forecast",
  {
    description: "Weather",
    accepts: { scheme: "exact", network: "eip155:84532", payTo: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", price: "$0.01" },
  },
  async (_args, _extra, usage) => {
    setSettlementOverrides(usage, { amount: "10" });
    return { content: [{ type: "text", text: "sunny" }] };
  },
);
const mcpClient = withX402Client({ callTool: async () => ({}), listTools: async () => ({ tools: [] }) }, signer, {
  confirm: (requirements) => requirements.network === "eip155:84532",
});
void mcpClient;

// An injected wallet that is switched (or given a chain to add) before it signs.
void injectedWalletSigner(
  { request: async () => null },
  {
    switchChain: true,
    chains: {
      "eip155:8453": {
        chainName: "Base",
        rpcUrls: ["https://mainnet.base.org"],
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      },
    },
  },
);

// The facilitator face.
import { createFacilitator, facilitatorWorker, type SettlerStorage } from "x402-wasm/facilitator";
const ownFacilitator = createFacilitator({ privateKey: "0x11", rpc: { "eip155:8453": "https://rpc.example" }, maxGas: 300_000 });
void ownFacilitator.fetch(new Request("https://f.example/supported"));
void ownFacilitator.settle("{}").then((r) => r.success);
const storage: SettlerStorage = { get: async () => undefined, put: async () => {}, delete: async () => true };
void storage;
void facilitatorWorker((env: { KEY: string }) => ({ privateKey: env.KEY, rpc: {}, signer: undefined }));

// The EVM-only faces carry the full faces' types.
import { wrapFetchWithPayment as payOnEvm, privateKeySigner as evmKey } from "x402-wasm/client/evm";
import { paymentMiddleware as evmMiddleware } from "x402-wasm/server/evm";
void payOnEvm(fetch, evmKey("0x11"));
void evmMiddleware({}, { facilitator: { url: "https://f.example" } });
