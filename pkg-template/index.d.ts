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
  invalidReason?: string;
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

/** Every error thrown by this package is an `Error` with a stable `code`. */
export interface X402Error extends Error {
  code:
    | "header_too_large"
    | "invalid_base64"
    | "invalid_json"
    | "invalid_field"
    | "invalid_x402_version"
    | "invalid_network"
    | "invalid_price"
    | "invalid_private_key"
    | "no_acceptable_requirement"
    | "invalid_argument"
    | "internal";
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

/**
 * Builds and signs (inside wasm, RFC 6979) a payment for `accepts[index]` with a local private key.
 * `options.now` pins the clock.
 */
export function createPaymentWithKey(
  required: PaymentRequired | PaymentRequiredV1,
  index: number,
  privateKey: string,
  options?: VerifyOptions,
): PaymentPayload | PaymentPayloadV1;
