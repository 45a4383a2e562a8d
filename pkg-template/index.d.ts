// Types of the x402-wasm package. Wire shapes follow x402 v1 and v2 as the reference SDK spells them.

/** An x402 protocol version. */
export type X402Version = 1 | 2;

/** The resource a v2 payment is for. */
export interface ResourceInfo {
  url: string;
  description?: string;
  mimeType?: string;
  [key: string]: unknown;
}

/** One accepted way to pay, x402 v2 (CAIP-2 network, `amount`). */
export interface PaymentRequirements {
  scheme: string;
  network: string;
  /** Atomic units, canonical decimal string. */
  amount: string;
  asset: string;
  payTo: string;
  maxTimeoutSeconds: number;
  extra?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One accepted way to pay, x402 v1 (legacy network name, `maxAmountRequired`). */
export interface PaymentRequirementsV1 {
  scheme: string;
  network: string;
  /** Atomic units, canonical decimal string. */
  maxAmountRequired: string;
  resource: string;
  description: string;
  mimeType: string;
  outputSchema?: Record<string, unknown> | null;
  payTo: string;
  maxTimeoutSeconds: number;
  asset: string;
  extra?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The `PAYMENT-REQUIRED` header (v2). */
export interface PaymentRequired {
  x402Version: 2;
  error?: string;
  resource: ResourceInfo;
  accepts: PaymentRequirements[];
  extensions?: Record<string, unknown>;
}

/** The JSON body of a v1 402. */
export interface PaymentRequiredV1 {
  x402Version: 1;
  error: string;
  accepts: PaymentRequirementsV1[];
}

/** A signed v2 payment (`PAYMENT-SIGNATURE`). */
export interface PaymentPayload {
  x402Version: 2;
  resource?: ResourceInfo;
  accepted: PaymentRequirements;
  payload: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

/** A signed v1 payment (`X-PAYMENT`). */
export interface PaymentPayloadV1 {
  x402Version: 1;
  scheme: string;
  network: string;
  payload: Record<string, unknown>;
}

/** The facilitator's `/verify` answer shape. */
export interface VerifyResponse {
  isValid: boolean;
  /** A reference reason code, e.g. `invalid_exact_evm_payload_authorization_value_mismatch`. */
  invalidReason?: Reason | (string & {});
  invalidMessage?: string;
  payer?: string;
  extensions?: Record<string, unknown>;
}

/** Checks a local verification leaves to the facilitator because they need chain state. */
export type DeferredCheck = "asset_deployed" | "simulation" | "contract_signature";

/** What `verifyPayment` returns: the VerifyResponse shape, plus what was left to the chain. */
export interface LocalVerifyResponse extends VerifyResponse {
  deferred?: DeferredCheck[];
}

/** The `PAYMENT-RESPONSE` / `X-PAYMENT-RESPONSE` header: the facilitator's `/settle` answer. */
export interface SettleResponse {
  success: boolean;
  errorReason?: string;
  errorMessage?: string;
  payer?: string;
  transaction: string;
  network: string;
  amount?: string;
  extensions?: Record<string, unknown>;
}

export interface VerifyOptions {
  /** Unix time in seconds; defaults to the current time. */
  now?: number;
}

/**
 * The code of every error this package throws, and of every error body its middleware answers
 * with (`{error: code}`): one list, the crate's `Code`.
 */
export type ErrorCode =
  | "unauthorized"
  | "header_too_large"
  | "invalid_base64"
  | "invalid_json"
  | "invalid_field"
  | "invalid_x402_version"
  | "invalid_network"
  | "invalid_price"
  | "invalid_private_key"
  | "no_acceptable_requirement"
  | "amount_exceeds_max"
  | "signer_mismatch"
  | "unsupported_typed_data"
  | "invalid_payment_required"
  | "payment_aborted"
  | "user_rejected"
  | "wallet_error"
  | "invalid_argument"
  | "signer_disposed"
  | "cross_origin_payment"
  | "facilitator_timeout"
  | "facilitator_unavailable"
  | "facilitator_invalid_response"
  | "invalid_path"
  | "payment_in_progress"
  | "too_many_deferred_checks"
  | "settlement_pending"
  | "settlement_unresolved"
  | "handler_failed"
  | "permit2_approval_required"
  | "internal";

/**
 * A reason a payment is refused, as this package decides it: the reference SDK's codes, character
 * for character (a facilitator may answer with others, so wire fields carry `string`).
 */
export type Reason =
  | "permit2_proxy_not_deployed"
  | "permit2_insufficient_balance"
  | "permit2_simulation_failed"
  | "invalid_exact_evm_transfer_event_mismatch"
  | "eip6492_factory_not_allowed"
  | "unexpected_verify_error"
  | "unexpected_settle_error"
  | "invalid_exact_evm_scheme"
  | "invalid_exact_evm_missing_eip712_domain"
  | "invalid_exact_evm_network_mismatch"
  | "invalid_exact_evm_signature"
  | "invalid_exact_evm_recipient_mismatch"
  | "invalid_exact_evm_payload_authorization_valid_before"
  | "invalid_exact_evm_payload_authorization_valid_after"
  | "invalid_exact_evm_payload_authorization_value_mismatch"
  | "invalid_exact_evm_authorization_value"
  | "invalid_exact_evm_nonce_already_used"
  | "invalid_exact_evm_insufficient_balance"
  | "invalid_exact_evm_token_name_mismatch"
  | "invalid_exact_evm_token_version_mismatch"
  | "invalid_exact_evm_eip3009_not_supported"
  | "invalid_exact_evm_transaction_simulation_failed"
  | "invalid_exact_evm_transaction_failed"
  | "asset_not_deployed_contract"
  | "unsupported_payload_type"
  | "invalid_permit2_spender"
  | "invalid_permit2_recipient_mismatch"
  | "invalid_permit2_signature"
  | "permit2_deadline_expired"
  | "permit2_not_yet_valid"
  | "permit2_amount_mismatch"
  | "permit2_token_mismatch"
  | "permit2_allowance_required"
  | "permit2_invalid_nonce"
  | "invalid_upto_evm_scheme"
  | "invalid_upto_evm_network_mismatch"
  | "upto_facilitator_mismatch"
  | "invalid_upto_evm_payload_settlement_exceeds_amount"
  | "upto_amount_exceeds_permitted"
  | "upto_unauthorized_facilitator"
  | "invalid_upto_evm_transaction_failed"
  | "invalid_exact_casper_unsupported_scheme"
  | "invalid_exact_casper_network_mismatch"
  | "invalid_exact_casper_malformed_payload"
  | "invalid_exact_casper_payto_mismatch"
  | "invalid_exact_casper_amount_mismatch"
  | "invalid_exact_casper_invalid_payto"
  | "invalid_exact_casper_invalid_amount"
  | "invalid_exact_casper_invalid_asset"
  | "invalid_exact_casper_payload_expired"
  | "invalid_exact_casper_not_yet_valid"
  | "invalid_exact_casper_insufficient_time_to_settle"
  | "invalid_exact_casper_missing_token_name"
  | "invalid_exact_casper_missing_token_version"
  | "invalid_exact_casper_failed_to_hash"
  | "invalid_exact_casper_invalid_signature"
  | "invalid_exact_casper_verification_failed"
  | "invalid_exact_casper_build_deploy_failed"
  | "invalid_exact_casper_sign_deploy_failed"
  | "invalid_exact_casper_put_deploy_failed"
  | "invalid_exact_casper_wait_deploy_failed"
  | "invalid_exact_svm_unsupported_scheme"
  | "invalid_exact_svm_network_mismatch"
  | "invalid_exact_svm_payload_missing_fee_payer"
  | "invalid_exact_svm_payload_transaction_could_not_be_decoded"
  | "invalid_exact_svm_fee_payer_mismatch"
  | "invalid_exact_svm_payload_signature_invalid"
  | "invalid_exact_svm_payload_transaction_instructions_length"
  | "invalid_exact_svm_payload_transaction_instructions_compute_limit_instruction"
  | "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction"
  | "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction_too_high"
  | "invalid_exact_svm_payload_no_transfer_instruction"
  | "invalid_exact_svm_payload_transaction_fee_payer_transferring_funds"
  | "invalid_exact_svm_payload_mint_mismatch"
  | "invalid_exact_svm_payload_recipient_mismatch"
  | "invalid_exact_svm_payload_amount_mismatch"
  | "invalid_exact_svm_payload_unknown_fourth_instruction"
  | "invalid_exact_svm_payload_unknown_fifth_instruction"
  | "invalid_exact_svm_payload_unknown_sixth_instruction"
  | "invalid_exact_svm_payload_unknown_seventh_instruction"
  | "invalid_exact_svm_payload_memo_count"
  | "invalid_exact_svm_payload_memo_mismatch"
  | "invalid_exact_svm_transaction_simulation_failed"
  | "transaction_simulation_failed"
  | "invalid_exact_svm_smart_wallet_alt_resolution_not_available"
  | "duplicate_settlement"
  | "network_mismatch"
  | "invalid_payload"
  | "invalid_payment_requirements"
  | "invalid_network"
  | "invalid_x402_version"
  | "unsupported_scheme";

/** Every error thrown by this package is an `Error` with a stable `code`. */
export interface X402Error extends Error {
  code: ErrorCode;
}

/**
 * Verifies a payment locally, without I/O: signature (EIP-3009 or Permit2), recipient, amount,
 * asset, network and time window, with the reference facilitator's reason codes and order.
 * Balance, nonce state and contract signatures are left to the facilitator (`deferred`).
 */
export function verifyPayment(
  payment: string | PaymentPayload | PaymentPayloadV1,
  requirements: PaymentRequirements | PaymentRequirementsV1,
  options?: VerifyOptions,
): LocalVerifyResponse;

/** Index in `offers` of the requirement a payment answers (the resource server's rule), or -1. */
export function findMatchingRequirements(
  offers: PaymentRequirements[] | PaymentRequirementsV1[],
  payment: string | PaymentPayload | PaymentPayloadV1,
): number;

export function decodePaymentSignatureHeader(header: string): PaymentPayload | PaymentPayloadV1;
export function decodePaymentRequiredHeader(header: string): PaymentRequired | PaymentRequiredV1;
export function decodePaymentResponseHeader(header: string): SettleResponse;
export function encodePaymentSignatureHeader(payload: PaymentPayload | PaymentPayloadV1): string;
export function encodePaymentRequiredHeader(required: PaymentRequired | PaymentRequiredV1): string;
export function encodePaymentResponseHeader(response: SettleResponse): string;

/** EIP-712 typed data as `eth_signTypedData_v4` takes it (uint256 values as decimal strings). */
export interface TypedData {
  types: Record<string, { name: string; type: string }[]>;
  primaryType: string;
  /** EVM: `{name, version, chainId, verifyingContract}`; Casper: `{name, version, chain_name, contract_package_hash}`. */
  domain: {
    name?: string;
    version?: string;
    chainId?: number;
    verifyingContract?: string;
    chain_name?: string;
    contract_package_hash?: string;
  };
  message: Record<string, unknown>;
}

/** What pays: any object with an address and `signTypedData` (viem accounts fit); on Solana,
 * `signTransaction` instead. */
export interface Signer {
  /** The chain family it signs for (CAIP-2 namespace); absent means `eip155`. */
  readonly family?: "eip155" | "casper" | "solana";
  address?: string;
  /** A non-EVM signer that pays by key (Casper) names its public key here; a draft's payer is
   * then the key, not the address. */
  readonly publicKey?: string;
  getAddress?(): Promise<string>;
  /** Gets viem-style typed data (bigint uints) unless the signer was made by this package. */
  signTypedData?(typedData: any): Promise<string>;
  /** Solana: signs a base64 wire transaction (its own slot) and returns it, base64. */
  signTransaction?(transaction: string): Promise<string>;
  /** Solana: the JSON-RPC endpoint for what a requirement leaves out (a blockhash, a mint's decimals). */
  readonly rpcUrl?: string;
}

/** A signer of typed data (EVM, Casper). */
export interface TypedDataSigner extends Signer {
  /** `context.network`: the CAIP-2 network of the payment being signed. */
  signTypedData(typedData: any, context?: { network?: string }): Promise<string>;
}

/** The subset of EIP-1193 the wallet signer uses. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] | object }): Promise<any>;
}

/** A signer whose key is held in wasm: `dispose()` zeroizes and frees it, after which it signs nothing. */
export interface KeySigner extends Signer {
  readonly address: string;
  dispose(): void;
}

/**
 * Signs inside wasm; the key never returns to JavaScript and is zeroized when freed. It signs x402
 * payments only: EIP-3009 authorizations, and Permit2 permits under the Permit2 domain for the x402
 * exact proxy (the upto proxy too with `allowUpto`).
 */
export function privateKeySigner(
  hexKey: string,
  options?: { allowUpto?: boolean },
): KeySigner & TypedDataSigner & { readonly upto: boolean };

/**
 * A Casper key (32-byte secret as hex), signing inside wasm like `privateKeySigner`; it pays
 * `casper:*` requirements. `address` is the account (`00` + account hash).
 */
export function casperPrivateKeySigner(
  secretKey: string,
  options?: { algorithm?: "ed25519" | "secp256k1" },
): KeySigner & TypedDataSigner & { readonly family: "casper"; readonly publicKey: string };

/**
 * A Solana key (base58 of the 64-byte keypair or 32-byte seed, or those bytes), signing inside
 * wasm; it signs x402 transfers only (compute budget, TransferChecked, memo). `rpcUrl` answers
 * what a requirement leaves out; default the network's public endpoint.
 */
export function solanaPrivateKeySigner(
  secret: string | Uint8Array | number[],
  options?: { rpcUrl?: string },
): KeySigner & { readonly family: "solana"; signTransaction(transaction: string): Promise<string> };

/** A Wallet Standard wallet's `solana:signTransaction`, or a provider that signs wire bytes. */
export type SolanaWallet =
  | { accounts: readonly { address: string }[]; features: Record<string, any> }
  | {
      publicKey?: { toString(): string };
      signTransaction(transaction: Uint8Array): Promise<Uint8Array | { signedTransaction: Uint8Array }>;
    };

/** Signs through an injected Solana wallet; what it returns is checked against the terms before it is sent. */
export function injectedSolanaWalletSigner(
  wallet: SolanaWallet,
  options?: { address?: string; rpcUrl?: string },
): Signer & { readonly family: "solana"; getAddress(): Promise<string>; signTransaction(transaction: string): Promise<string> };

/** What `wallet_addEthereumChain` is given for a chain the wallet lacks (EIP-3085, without `chainId`). */
export interface AddEthereumChainParameter {
  chainName: string;
  rpcUrls: string[];
  nativeCurrency: { name: string; symbol: string; decimals: number };
  blockExplorerUrls?: string[];
  iconUrls?: string[];
}

/**
 * Signs through an injected wallet (`eth_requestAccounts`, `eth_signTypedData_v4`); sends a
 * transaction (`eth_sendTransaction`, e.g. the one-time Permit2 approval) and waits until it is
 * mined. Before either it puts the wallet on the payment's chain (`wallet_switchEthereumChain`, and
 * `wallet_addEthereumChain` with `chains[network]` for a chain the wallet lacks), as many wallets
 * refuse typed data for another chain; `switchChain: false` makes that a `wallet_error` instead.
 */
export function injectedWalletSigner(
  provider: Eip1193Provider,
  options?: { address?: string; switchChain?: boolean; chains?: Record<string, AddEthereumChainParameter> },
): TypedDataSigner & {
  getAddress(): Promise<string>;
  sendTransaction(transaction: { to: string; data: string }, options?: { timeoutMs?: number; network?: string }): Promise<string>;
};

/** The one-time approval a Permit2 payment needs, as `approvePermit2` is given it. */
export interface Permit2Approval {
  network: string;
  /** The token, and the transaction's target. */
  token: string;
  owner: string;
  /** Permit2's address. */
  spender: string;
  /** `approve(Permit2, max)` on the token. */
  transaction: { to: string; data: string };
}

/** A token paid besides the known ones: on one network, with a cap (atomic units). */
export interface AllowedAsset {
  network: string;
  /** EVM address or Casper contract package hash. */
  asset: string;
  /** Largest payment in atomic units; required unless `maxAmount` is set. `maxAmountPerPayment` is read too. */
  maxAmount?: string | bigint;
  maxAmountPerPayment?: string;
}

/** Options of `wrapFetchWithPayment`; every cap and list narrows what is paid, and no token is paid uncapped. */
export interface PaymentOptions {
  /** The JSON-RPC endpoint of a `@solana/kit` signer given as it is (its own signers take `rpcUrl`). */
  solanaRpcUrl?: string;
  /** Largest amount per payment in atomic units, any asset. */
  maxAmount?: string | bigint;
  /** Largest payment in USD for the known stablecoins; default "0.10"; `false` turns it off. */
  maxUsd?: string | number | false | null;
  /** Allowed networks, CAIP-2 (`eip155:8453`) or v1 names (`base`). */
  networks?: string[];
  /** Longest validity a server may ask a payment to have, in seconds; default 3600. */
  maxTimeoutSeconds?: number;
  /** Tokens allowed besides the known ones, each on its network with a cap. */
  assets?: AllowedAsset[];
  /** Pay in tokens this package does not know; needs `maxAmount`. */
  allowUnknownAssets?: boolean;
  /** Pay a 402 that a redirect led to on another origin; default false (`cross_origin_payment`). */
  allowCrossOriginPayment?: boolean;
  /**
   * The schemes paid, in order of preference; default `["exact", "upto"]` (`["exact"]` for a
   * `privateKeySigner` made without `allowUpto`). An `upto` payment signs its maximum: the caps
   * apply to that, whatever the server later charges.
   */
  schemes?: ("exact" | "upto")[];
  /**
   * A server that answers 412 (`permit2_allowance_required`): the payer must approve Permit2 once.
   * `true` sends the approval with the signer's `sendTransaction` (an injected wallet's); a function
   * sends it itself and resolves once it is mined. Then the same payment is sent again. Without
   * it the 412 throws `permit2_approval_required`.
   */
  approvePermit2?: true | ((approval: Permit2Approval) => Promise<unknown>);
  /** Chooses among the acceptable requirements (server order); default the first. */
  select?(
    candidates: (PaymentRequirements | PaymentRequirementsV1)[],
    paymentRequired: PaymentRequired | PaymentRequiredV1,
  ): (PaymentRequirements | PaymentRequirementsV1) | Promise<PaymentRequirements | PaymentRequirementsV1>;
  /** Which terms to read when a 402 carries both: 2 (header, default) or 1 (JSON body). */
  preferVersion?: X402Version;
  /** Called with the terms and the requirement chosen to be paid; `{abort: true}` throws `payment_aborted`. */
  onPaymentRequired?(context: {
    paymentRequired: PaymentRequired | PaymentRequiredV1;
    selectedRequirements: PaymentRequirements | PaymentRequirementsV1;
    request: Request;
  }): void | { abort?: boolean; reason?: string } | Promise<void | { abort?: boolean; reason?: string }>;
  /** Called with the chosen requirement and the typed data before the signer sees it; `{abort: true}` throws `payment_aborted`. */
  onBeforePaymentCreation?(context: {
    paymentRequired: PaymentRequired | PaymentRequiredV1;
    selectedRequirements: PaymentRequirements | PaymentRequirementsV1;
    typedData: TypedData;
  }): void | { abort?: boolean; reason?: string } | Promise<void | { abort?: boolean; reason?: string }>;
  /** Called with the signed payment before it is sent. */
  onPaymentCreated?(context: {
    paymentPayload: PaymentPayload | PaymentPayloadV1;
    requirements: PaymentRequirements | PaymentRequirementsV1;
  }): void | Promise<void>;
  /** Called with the paid response and its decoded settlement (null when absent). */
  onPaymentResponse?(context: { response: Response; settleResponse: SettleResponse | null }): void | Promise<void>;
}

/** `fetch` that pays a 402 once and retries with the payment. */
/** A `@solana/kit` transaction signer (`createKeyPairSignerFromBytes`, as `@x402/svm` takes it). */
export interface KitTransactionSigner {
  readonly address: string;
  signTransactions(
    transactions: readonly { messageBytes: Uint8Array; signatures: Record<string, Uint8Array | null> }[],
  ): Promise<readonly Record<string, Uint8Array>[]>;
}

export function wrapFetchWithPayment(
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>,
  signer: Signer | KitTransactionSigner | (Signer | KitTransactionSigner)[],
  options?: PaymentOptions,
): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** The settlement a paid response carries (`PAYMENT-RESPONSE` / `X-PAYMENT-RESPONSE`), or null. */
export function decodePaymentResponse(response: Response): SettleResponse | null;

/** Indices of the acceptable entries of `accepts` under the options' caps and lists (server order). */
export function selectPaymentRequirements(
  paymentRequired: PaymentRequired | PaymentRequiredV1,
  options?: Pick<
    PaymentOptions,
    "maxAmount" | "maxUsd" | "maxTimeoutSeconds" | "networks" | "assets" | "allowUnknownAssets" | "schemes"
  > & {
    /** The chain families the client can sign for; default `["eip155"]`. */
    families?: ("eip155" | "casper" | "solana")[];
  },
): Uint32Array;

/** A payment built but not signed; for custom signing flows. */
export class PaymentDraft {
  /** `from`: the payer's EVM address, on Casper its tagged public key (hex), on Solana its
   * address. `chain`: the JSON-RPC answers to `draftQueries` (Solana). */
  constructor(
    paymentRequired: PaymentRequired | PaymentRequiredV1,
    index: number,
    from: string,
    options?: VerifyOptions & { chain?: unknown[] },
  );
  /** The object a wallet signs with `eth_signTypedData_v4`. */
  typedData(): TypedData;
  /** The signer method that signs it: `signTypedData`, or on Solana `signTransaction`. */
  readonly method: "signTypedData" | "signTransaction";
  /** What `method` is given: the typed data, or on Solana the unsigned transaction (base64). */
  toSign(): TypedData | string;
  /** Unix seconds until which the payment is valid. */
  readonly validBefore: number;
  /** The payment, once the signature is checked to be the payer's (`signer_mismatch` otherwise). */
  finish(signature: string): PaymentPayload | PaymentPayloadV1;
  free(): void;
}

/** A payment option of a route, as `@x402/hono` takes it. */
export interface PaymentOption {
  scheme: string;
  network: string;
  payTo: string;
  /** Money on the network's default asset (`"$0.01"`, `0.01`, `"1.50 USDT"`), or an asset amount. */
  price: string | number | { amount: string; asset: string; extra?: Record<string, unknown> };
  maxTimeoutSeconds?: number;
  extra?: Record<string, unknown>;
  /**
   * `upto` only: the least a payment is charged, whatever the handler declares (same forms as
   * `price`, in its asset). The price is the maximum the payer signs.
   */
  minPrice?: string | number | { amount: string; asset: string };
}

export interface RouteConfig {
  accepts: PaymentOption | PaymentOption[];
  description?: string;
  mimeType?: string;
}

/** `"GET /weather"`, `"/items/:id"`, `"/api/*"`: first match wins. A bare RouteConfig protects everything. */
export type Routes = Record<string, RouteConfig> | RouteConfig;

/**
 * Where used payments are recorded: each (payer, nonce) is honoured once. A key is `reserved`,
 * then `settling` (sent to /settle), then `settled`; or `unknown` when /settle gave no final answer.
 * Every call also gets `shard`, the part of the key that groups one payer's payments (a store that
 * spreads keys over objects keeps one payer's in one).
 */
export interface NonceStore {
  /**
   * Reserves `key` until `expiresAt` (unix seconds) for the request `owner`: true; `"retry"` when the
   * key is `unknown` (or `settling` past a 60 s lease) and the caller is to finish that settlement;
   * `"busy"` when another request holds it (answered 409); false when settled (a replay).
   */
  reserve(key: string, expiresAt: number, owner: string, shard?: string): Promise<boolean | "retry" | "busy">;
  /** Marks the key as sent to /settle (only for its owner). Without it and `unknown`, an open settlement cannot be finished. */
  settling?(key: string, owner: string, shard?: string): Promise<void>;
  /** Marks the key's settlement as having no final answer (only for its owner). */
  unknown?(key: string, owner: string, shard?: string): Promise<void>;
  /** Frees a key whose payment moved no money (only for its owner; never a settled key). */
  release(key: string, owner?: string, shard?: string): Promise<void>;
  /** Records that the payment settled, whoever holds the key. */
  commit(key: string, owner?: string, expiresAt?: number, shard?: string): Promise<void>;
}

export interface FacilitatorConfig {
  url: string;
  headers?: Record<string, string>;
  createHeaders?(): Promise<{
    verify?: Record<string, string>;
    settle?: Record<string, string>;
    supported?: Record<string, string>;
    accepts?: Record<string, string>;
  }>;
  /** Per call; a slower facilitator is answered with 504. Default 10000. */
  timeoutMs?: number;
  /** With several facilitators: the networks this one settles (`"casper:*"`, `"eip155:8453"`). */
  networks?: string[];
  /** faremeter's `POST /accepts`: the 402's offers are enriched by this facilitator (fee payer,
   * a recent blockhash, decimals), refreshed once `maxAgeMs` old (default 10000: a blockhash lives
   * about a minute). Only missing `extra` keys and the blockhash hint are taken, never what is paid. */
  accepts?: boolean | { maxAgeMs?: number };
}

/** The JSON-RPC calls to make before drafting `accepts[index]` for `from` (Solana: a blockhash, an unknown mint). */
export function draftQueries(
  paymentRequired: PaymentRequired | PaymentRequiredV1,
  index: number,
  from: string,
): { url: string | null; body: unknown }[];

export interface PaymentMiddlewareOptions {
  /** One facilitator, or one per network family (the first listing a payment's network, else the first without `networks`). */
  facilitator: FacilitatorConfig | FacilitatorConfig[];
  /**
   * "local+facilitator" (default): verify in wasm, then ask the facilitator's /verify, so the
   * handler runs only for a payment known to be fundable. "local": wasm only; the handler may then
   * run for unfunded payers (settlement fails after it).
   */
  verify?: "local" | "local+facilitator";
  /** Settle before running the handler (for expensive handlers); its answer, whatever it is, is what was paid for. */
  settleBeforeHandler?: boolean;
  /** Smart-wallet signature checks (facilitator calls no key pays for) allowed per minute per isolate:
   * for one payer, one client address (`CF-Connecting-IP`), and in all; default 10, 10, 100. */
  deferredChecksPerMinute?: { payer?: number; client?: number; all?: number };
  /** How long a request waits for a facilitator's `GET /supported` (a Solana offer's fee payer)
   * before the 402 goes out without the offers still waiting; default 1500 ms. */
  supportedWaitMs?: number;
  /** Hono: the pattern of the sub-app this middleware runs in, when Hono does not say (`c.req.matchedRoutes`). */
  mount?: string;
  /** Default: an in-memory store (one isolate; a warning is logged). Use `durableObjectNonceStore` across isolates. */
  nonceStore?: NonceStore;
  onVerified?(context: {
    payer: string;
    paymentPayload: PaymentPayload | PaymentPayloadV1;
    requirements: PaymentRequirements | PaymentRequirementsV1;
  }): void | Promise<void>;
  onSettled?(context: { payer: string; settlement: SettleResponse }): void | Promise<void>;
  onSettleFailed?(context: { payer: string; settlement: SettleResponse }): void | Promise<void>;
  /**
   * What a browser (`Accept: text/html`) gets for an unpaid paid route. By default, a page that
   * shows the terms, connects an injected wallet (EIP-6963 or `window.ethereum`; a Wallet Standard
   * wallet for Solana), switches it to the payment's chain, pays and shows the content (an HTML
   * page replaces the paywall); its script and wasm are served by this
   * middleware under `path`. Options style it; a string or a function of the terms replaces it.
   */
  paywall?: PaywallOptions | string | ((paymentRequired: PaymentRequired) => string);
}

/** The default paywall page's options. */
export interface PaywallOptions {
  /** The page's heading and title; default "Payment required". */
  title?: string;
  /** The site's name, in the title and above the terms. */
  appName?: string;
  /** A logo's URL, shown beside the name. */
  appLogo?: string;
  /** Buttons' colour, `#rgb` or `#rrggbb`; default `#1d4ed8`. */
  accent?: string;
  /** By CAIP-2 network (or EVM chain id): `wallet_addEthereumChain` parameters, for wallets that
   * lack the chain (Base, Base Sepolia, Avalanche, Polygon and Arbitrum are known); on Solana
   * `{rpcUrls: [url]}`, the endpoint the page's client reads a blockhash from. */
  chains?: Record<string, AddEthereumChainParameter | { rpcUrls: string[] }>;
  /** The URL path (starting and ending with `/`) the page's script and wasm are served under:
   * it must reach this middleware. Default `/__x402/<build id>/`, cached by browsers for good. */
  path?: string;
}

/**
 * Declares what a metered (`upto`) request used, as `@x402/hono`'s helper: `{amount}` in atomic
 * units, `"$0.05"` (known tokens) or `"50%"` of the maximum. `target` is a Hono context, a Response or
 * a Headers. The middleware charges it, held between the route's `minPrice` and the signed maximum
 * (no declaration charges the maximum, as the reference does), and takes it off the response.
 */
export function setSettlementOverrides(target: unknown, overrides: { amount?: string }): void;

/** Hono middleware: `app.use(paymentMiddleware(routes, options))`. */
export function paymentMiddleware(
  routes: Routes,
  options: PaymentMiddlewareOptions,
): (c: any, next: () => Promise<void>) => Promise<Response>;

/** A module Worker's fetch handler with payments: `export default { fetch: withPayment(handler, routes, options) }`. */
export function withPayment<Env = unknown, Ctx = unknown>(
  handler: (request: Request, env: Env, ctx: Ctx) => Response | Promise<Response>,
  routes: Routes,
  options: PaymentMiddlewareOptions | ((env: Env) => PaymentMiddlewareOptions),
): (request: Request, env: Env, ctx: Ctx) => Promise<Response>;

/**
 * The framework-free core: answers `request`, calling `next()` only for a verified payment.
 * `routing` adds a framework's view of the path: its decoded path(s), and the pattern of the
 * sub-app it is mounted at; the request is protected if any view matches a route.
 */
export function createPaymentHandler(
  routes: Routes,
  options: PaymentMiddlewareOptions,
): (
  request: Request,
  next: () => Promise<Response>,
  ctx?: { waitUntil(promise: Promise<unknown>): void },
  routing?: { paths?: string[]; mount?: string },
) => Promise<Response>;

/** A paid MCP tool's configuration: `registerTool`'s, plus its payment options (as a route takes them). */
export interface PaidToolConfig {
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: Record<string, unknown>;
  _meta?: Record<string, unknown>;
  accepts: PaymentOption | PaymentOption[];
  /** The resource's MIME type in the terms; default "application/json". */
  mimeType?: string;
}

/** An MCP tool result (the fields the payment flow reads and writes). */
export interface ToolResult {
  content: unknown[];
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  _meta?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * Adds `paidTool(name, config, handler)` to an McpServer (`@modelcontextprotocol/sdk`): the x402 MCP
 * transport, payments verified in wasm, replay-protected by the nonce store, the tool run only for
 * a verified payment and settled only after it succeeds; the receipt in `_meta["x402/payment-response"]`.
 * `usage` is where an `upto` tool declares what it used (`setSettlementOverrides(usage, {amount})`).
 */
export function withX402<S extends { registerTool: (...args: any[]) => unknown }>(
  server: S,
  options: PaymentMiddlewareOptions,
): S & {
  paidTool(
    name: string,
    config: PaidToolConfig,
    handler: (args: any, extra: any, usage: Headers) => ToolResult | Promise<ToolResult>,
  ): unknown;
};

/**
 * Makes an MCP Client's `callTool` pay the tools that ask for payment, with the fetch wrapper's
 * signers, caps (on by default), allow-lists, hooks and never-pay-twice rules. `confirm` is asked
 * before each payment (false refuses it: `payment_aborted`). `listTools` shows paid tools' prices.
 */
export function withX402Client<C extends { callTool: (...args: any[]) => unknown; listTools: (...args: any[]) => unknown }>(
  client: C,
  signer: Signer | KitTransactionSigner | (Signer | KitTransactionSigner)[],
  options?: PaymentOptions & {
    confirm?(
      requirements: PaymentRequirements | PaymentRequirementsV1,
      context: { paymentRequired: PaymentRequired | PaymentRequiredV1 },
    ): boolean | Promise<boolean>;
  },
): C;

/** Reservations in this isolate's memory. */
export class InMemoryNonceStore implements NonceStore {
  reserve(key: string, expiresAt: number, owner?: string): Promise<boolean | "retry" | "busy">;
  settling(key: string, owner?: string): Promise<void>;
  unknown(key: string, owner?: string): Promise<void>;
  release(key: string): Promise<void>;
  commit(key: string): Promise<void>;
}

/** A NonceStore over the `X402NonceStore` Durable Object namespace binding. */
export function durableObjectNonceStore(namespace: unknown): NonceStore;

/** The Durable Object class to bind (workerd entry only): `export { X402NonceStore } from "x402-wasm"`. */
export declare const X402NonceStore: unknown;
