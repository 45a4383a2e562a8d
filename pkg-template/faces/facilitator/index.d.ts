// Types of `x402-wasm/facilitator`.
import type { SettleResponse, VerifyResponse } from "../index.js";

/** The `/supported` answer. */
export interface SupportedResponse {
  kinds: { x402Version: number; scheme: string; network: string; extra?: Record<string, unknown> }[];
  extensions: string[];
  signers: Record<string, string[]>;
}

/** `rpc(chainId, method, params)`: the JSON-RPC `result`; rejects with `{code, message, data?}` when the node answered an error. */
export type RpcFunction = (chainId: number, method: string, params: unknown[]) => Promise<unknown>;

/** Where the Settler keeps its record: a Durable Object's storage, or a Map's. */
export interface SettlerStorage {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<unknown>;
}

export interface FacilitatorOptions {
  /** The signer's key, 32 bytes of hex: held in wasm. */
  privateKey: string;
  /** The networks it settles on (`eip155:<id>`) and their JSON-RPC endpoints. */
  rpc: Record<string, string>;
  /** When set, every route requires `Authorization: Bearer <token>`. */
  token?: string;
  /** The highest fee per gas offered, wei (default 1000 gwei). */
  maxFeePerGas?: string;
  /** The highest gas limit sent (default 500 000). */
  maxGas?: number;
  rpcTimeoutMs?: number;
  receiptTimeoutMs?: number;
  pollMs?: number;
  stuckAfterMs?: number;
  /** Where /settle runs; by default a Settler in this isolate over `storage`. */
  settle?: (body: string) => Promise<SettleResponse>;
  storage?: SettlerStorage;
  rpcFunction?: RpcFunction;
}

export interface Facilitator {
  /** The signer's checksummed address. */
  readonly address: string;
  /** The HTTP face: GET …/supported, POST …/verify, POST …/settle. */
  fetch(request: Request): Promise<Response>;
  verify(body: string): Promise<VerifyResponse>;
  settle(body: string): Promise<SettleResponse>;
  supported(): SupportedResponse;
}

export function createFacilitator(options: FacilitatorOptions): Facilitator;
export function jsonRpc(endpoints: Map<number, string>, options?: { timeoutMs?: number; fetch?: typeof fetch }): RpcFunction;
export function memoryStorage(): SettlerStorage;

/** Workers only: the Worker and the Durable Object class that runs /settle for the signer. */
export function facilitatorWorker<Env>(configure: (env: Env) => FacilitatorOptions & { signer?: unknown }): {
  worker: { fetch(request: Request, env: Env): Promise<Response> };
  Signer: new (ctx: unknown, env: Env) => { settle(body: string): Promise<SettleResponse> };
};
