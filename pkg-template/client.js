// The client face: a fetch wrapper that pays 402s, and the signers it pays with.
// Every decision (reading terms, choosing, building and checking the payment) is made in wasm;
// this file moves requests, headers and bytes.
import {
  PaymentDraft,
  PrivateKeySigner,
  draftQueries,
  selectPaymentRequirements,
  findMatchingRequirements,
  checkPaymentOptions,
  readPaymentRequired,
  wantsBody,
  readPaymentResponse,
  carriesPayment,
  paymentHeader,
  outcomeOpen,
  networkFamily,
  defaultFamily,
  permit2Approval,
} from "./x402_wasm.js";
import { Code, x402Error } from "./errors.js";
import {
  CasperPrivateKeySigner,
  SolanaPrivateKeySigner,
  solanaWalletChain,
  solanaMessageBytes,
  solanaSigners,
  solanaWithSignature,
  requireFamily,
} from "./families.js";

/** Signers made here take the wallet JSON form of typed data (uint256 as decimal strings). */
const JSON_TYPED_DATA = Symbol("x402-wasm.jsonTypedData");

/** Typed data in wallet JSON form: bigints (viem style) become decimal strings. */
function jsonTypedData(typedData) {
  return JSON.parse(JSON.stringify(typedData, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
}

/**
 * A signer that holds its key in wasm memory: the key is never handed back to JavaScript, is
 * zeroized when freed, and signs x402 payment typed data only.
 */
export function privateKeySigner(hexKey, { allowUpto = false } = {}) {
  return keySigner(
    new PrivateKeySigner(hexKey, allowUpto === true),
    (key) => ({ family: key.family, address: key.address, upto: allowUpto === true }),
    jsonTypedData,
  );
}

/** A signer over a key held in wasm; `dispose()` zeroizes and frees the key, after which it signs nothing. */
function keySigner(key, fields, prepare = (t) => t) {
  let live = key;
  return Object.freeze({
    ...fields(key),
    [JSON_TYPED_DATA]: true,
    async signTypedData(typedData) {
      if (!live) throw x402Error(Code.SignerDisposed, "this signer was disposed: its key is gone");
      return live.signTypedData(prepare(typedData));
    },
    dispose() {
      live?.free();
      live = null;
    },
  });
}

/**
 * A Casper signer whose key lives in wasm memory, like `privateKeySigner`: `secretKey` is the
 * 32-byte secret as hex, `algorithm` "ed25519" (default) or "secp256k1". It pays `casper:*`
 * requirements; `address` is the account (`00` + account hash) and `publicKey` the tagged key.
 */
export function casperPrivateKeySigner(secretKey, { algorithm = "ed25519" } = {}) {
  return keySigner(new CasperPrivateKeySigner(secretKey, algorithm), (key) => ({
    family: key.family,
    address: key.address,
    publicKey: key.publicKey,
  }));
}

/**
 * A Solana signer whose key lives in wasm memory: `secret` is base58 of the 64-byte keypair (as
 * wallets export it) or of the 32-byte seed, or those bytes (`solana-keygen`'s JSON array). It
 * signs x402 transfers only. `rpcUrl` answers what a requirement leaves out (a blockhash, an
 * unknown mint's decimals); by default the network's public endpoint.
 */
export function solanaPrivateKeySigner(secret, { rpcUrl } = {}) {
  let live = new SolanaPrivateKeySigner(secret);
  return Object.freeze({
    family: live.family,
    address: live.address,
    rpcUrl,
    async signTransaction(transaction) {
      if (!live) throw x402Error(Code.SignerDisposed, "this signer was disposed: its key is gone");
      return live.signTransaction(transaction);
    },
    dispose() {
      live?.free();
      live = null;
    },
  });
}

/**
 * A `@solana/kit` signer (a `TransactionPartialSigner`, such as `createKeyPairSignerFromBytes`
 * makes: what `@x402/svm`'s client takes) as a Solana signer of this package: it signs the
 * message of the draft's transaction, and the signature is put in its slot in wasm.
 */
function fromKitSigner(kit, rpcUrl) {
  requireFamily("solana");
  return Object.freeze({
    family: "solana",
    address: kit.address,
    rpcUrl,
    async signTransaction(transaction) {
      const signatures = Object.fromEntries(Array.from(solanaSigners(transaction), (a) => [a, null]));
      const [dictionary] = await kit.signTransactions([Object.freeze({ messageBytes: solanaMessageBytes(transaction), signatures })]);
      const signature = dictionary?.[kit.address];
      if (!(signature instanceof Uint8Array)) throw x402Error(Code.WalletError, "the kit signer returned no signature for its address");
      return solanaWithSignature(transaction, kit.address, signature);
    },
  });
}

/** Whether `s` is a `@solana/kit` transaction signer rather than one of this package's. */
const isKitSigner = (s) => typeof s?.signTransactions === "function" && typeof s.address === "string" && s.family === undefined;

const base64ToBytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const bytesToBase64 = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));

/**
 * A signer over an injected Solana wallet: a Wallet Standard wallet (its `solana:connect` and
 * `solana:signTransaction` features), or a provider whose `signTransaction(bytes)` takes and
 * returns wire bytes. The wallet may add instructions (Lighthouse assertions): the transaction it
 * returns is read again and checked before it is sent. A user rejection is `user_rejected`.
 */
export function injectedSolanaWalletSigner(wallet, { address, rpcUrl } = {}) {
  requireFamily("solana");
  const standard = wallet?.features?.["solana:signTransaction"];
  if (!standard && typeof wallet?.signTransaction !== "function") {
    throw x402Error(
      Code.InvalidArgument,
      "injectedSolanaWalletSigner needs a Wallet Standard wallet or a provider with signTransaction(bytes)",
    );
  }
  let account;
  const rejected = (e) => e?.code === 4001 || e?.name === "WalletSignTransactionError" || /reject/i.test(e?.message ?? "");
  const call = async (what, run) => {
    try {
      return await run();
    } catch (e) {
      if (rejected(e)) throw x402Error(Code.UserRejected, `the wallet refused ${what}`, e);
      throw x402Error(Code.WalletError, `${what} failed: ${e?.message ?? e}`, e);
    }
  };
  const connect = async () => {
    if (account) return account;
    let accounts = standard ? wallet.accounts : [];
    if (standard && accounts.length === 0 && wallet.features["standard:connect"]) {
      accounts = (await call("connect", () => wallet.features["standard:connect"].connect())).accounts ?? [];
    }
    const signs = (a) => !Array.isArray(a.features) || a.features.includes("solana:signTransaction");
    account = standard
      ? (accounts.find((a) => (!address || a.address === address) && signs(a)) ?? null)
      : { address: address ?? wallet.publicKey?.toString() };
    if (!account?.address) throw x402Error(Code.WalletError, "the wallet names no account");
    return account;
  };
  return Object.freeze({
    family: "solana",
    rpcUrl,
    async getAddress() {
      return (await connect()).address;
    },
    /** Signs `transaction` (base64); `network` tells the wallet which chain it is for. */
    async signTransaction(transaction, { network } = {}) {
      const bytes = base64ToBytes(transaction);
      const acct = await connect();
      const signed = await call("signTransaction", async () => {
        if (standard) {
          const chain = network === undefined ? undefined : solanaWalletChain(network);
          const [out] = await standard.signTransaction({ account: acct, transaction: bytes, ...(chain ? { chain } : {}) });
          return out.signedTransaction;
        }
        const out = await wallet.signTransaction(bytes);
        return out?.signedTransaction ?? out;
      });
      if (!(signed instanceof Uint8Array)) throw x402Error(Code.WalletError, "signTransaction returned no transaction bytes");
      return bytesToBase64(signed);
    },
  });
}

/** How long a JSON-RPC call for a draft may take. */
const RPC_TIMEOUT_MS = 10_000;

/** The JSON-RPC calls a draft needs, made against the signer's `rpcUrl` (else the network's
 * public endpoint); their answers, for wasm to read. */
async function chainAnswers(queries, rpcUrl) {
  return Promise.all(
    queries.map(async ({ url, body }) => {
      const endpoint = rpcUrl ?? url;
      if (!endpoint) throw x402Error(Code.InvalidArgument, `${body.method} needs an RPC endpoint: give the signer an rpcUrl`);
      let res;
      try {
        res = await fetch(endpoint, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
        });
      } catch (e) {
        throw x402Error(Code.WalletError, `${body.method} at ${endpoint} failed: ${e?.message ?? e}`, e);
      }
      if (!res.ok) throw x402Error(Code.WalletError, `${body.method} at ${endpoint} answered ${res.status}`);
      try {
        return await res.json();
      } catch (e) {
        throw x402Error(Code.WalletError, `${body.method} at ${endpoint} answered with a body that is not JSON`, e);
      }
    }),
  );
}

/**
 * A signer over an EIP-1193 provider (`window.ethereum`): `eth_requestAccounts` once, then
 * `eth_signTypedData_v4`. A user rejection (code 4001) is thrown as `user_rejected`.
 *
 * Many wallets refuse typed data whose domain names another chain than the active one, so before
 * signing (or sending) it puts the wallet on the payment's chain: `wallet_switchEthereumChain`,
 * and for a chain the wallet lacks (4902) `wallet_addEthereumChain` with its parameters from
 * `chains` (`{"eip155:8453": {chainName, rpcUrls, nativeCurrency, blockExplorerUrls?}}`).
 * `switchChain: false` turns that off: a wallet on another chain is then a `wallet_error`.
 */
export function injectedWalletSigner(provider, { address, switchChain = true, chains = {} } = {}) {
  if (!provider || typeof provider.request !== "function") {
    throw x402Error(Code.InvalidArgument, "injectedWalletSigner needs an EIP-1193 provider with request()");
  }
  let account = address;
  const rejected = (e) => e?.code === 4001 || e?.code === "ACTION_REJECTED";
  const call = async (args) => {
    try {
      return await provider.request(args);
    } catch (e) {
      if (rejected(e)) throw x402Error(Code.UserRejected, `the wallet refused ${args.method}`, e);
      throw x402Error(Code.WalletError, `${args.method} failed: ${e?.message ?? e}`, e);
    }
  };
  const activeChain = async () => BigInt(await call({ method: "eth_chainId" }));
  /** Puts the wallet on chain `id` (a bigint; `network` names it in messages and in `chains`). */
  const onChain = async (id, network) => {
    const current = await activeChain();
    if (current === id) return;
    if (!switchChain) {
      throw x402Error(
        Code.WalletError,
        `the wallet is on chain ${current}; this payment is for ${network}: switch the wallet first (switchChain is off)`,
      );
    }
    const chainId = `0x${id.toString(16)}`;
    try {
      await call({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
    } catch (e) {
      const code = e.cause?.code ?? e.cause?.data?.originalError?.code;
      if (code !== 4902) throw e;
      const known = chains[network] ?? chains[String(id)];
      if (!known) {
        throw x402Error(
          Code.WalletError,
          `the wallet does not know ${network}: give its parameters in the chains option to add it`,
          e.cause,
        );
      }
      await call({ method: "wallet_addEthereumChain", params: [{ ...known, chainId }] });
      // A wallet switches to the chain it added (EIP-3085); one that did not is asked to.
      if ((await activeChain()) !== id) await call({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
    }
    if ((await activeChain()) !== id) throw x402Error(Code.WalletError, `the wallet did not switch to ${network}`);
  };
  /** The chain of a CAIP-2 network, as a bigint. */
  const chainOf = (network) => BigInt(network.slice(network.indexOf(":") + 1));
  return Object.freeze({
    [JSON_TYPED_DATA]: true,
    async getAddress() {
      if (!account) {
        const accounts = await call({ method: "eth_requestAccounts" });
        if (!Array.isArray(accounts) || typeof accounts[0] !== "string") {
          throw x402Error(Code.WalletError, "eth_requestAccounts returned no account");
        }
        account = accounts[0];
      }
      return account;
    },
    async signTypedData(typedData, { network } = {}) {
      const from = await this.getAddress();
      const domainChain = typedData?.domain?.chainId;
      if (domainChain !== undefined && domainChain !== null) {
        const id = BigInt(domainChain);
        await onChain(id, network ?? `chain ${id}`);
      }
      return call({ method: "eth_signTypedData_v4", params: [from, JSON.stringify(jsonTypedData(typedData))] });
    },
    /** Sends `{to, data}` from the account (`eth_sendTransaction`) and waits until it is mined;
     * with `network` (CAIP-2), on that chain (switching the wallet to it, as for signing). */
    async sendTransaction({ to, data }, { timeoutMs = 120_000, network } = {}) {
      const from = await this.getAddress();
      if (network !== undefined) await onChain(chainOf(network), network);
      const hash = await call({ method: "eth_sendTransaction", params: [{ from, to, data }] });
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const receipt = await call({ method: "eth_getTransactionReceipt", params: [hash] });
        if (receipt) {
          if (receipt.status !== "0x1") throw x402Error(Code.WalletError, `transaction ${hash} reverted`);
          return hash;
        }
        if (Date.now() > deadline) throw x402Error(Code.WalletError, `transaction ${hash} was not mined within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 500));
      }
    },
  });
}

/**
 * After a 412 (the payer has not approved Permit2 for the token): the approval `options.approvePermit2`
 * sends, then whether to retry. `true` sends it with the signer's `sendTransaction` (an injected
 * wallet's); a function is given `{network, token, owner, spender, transaction}` and resolves once
 * it is mined. Without the option the 412 is an error with a code.
 */
async function approvePermit2(approve, payer, payload, approved) {
  const { network, asset: token } = payload.accepted;
  const owner = payload.payload?.permit2Authorization?.from;
  const { to, data, spender } = permit2Approval(token);
  // Once per token, network and payer: a server that answers 412 again does not get another
  // transaction (and its gas) out of the payer.
  const once = `${network} ${token} ${owner}`.toLowerCase();
  if (!approve || approved.has(once)) {
    throw x402Error(
      Code.Permit2ApprovalRequired,
      `${owner} has not approved Permit2 (${spender}) to move ${token} on ${network}: approve it once (option approvePermit2) and pay again`,
    );
  }
  const transaction = { to, data };
  if (typeof approve === "function") await approve({ network, token, owner, spender, transaction });
  else if (typeof payer.sendTransaction === "function") await payer.sendTransaction(transaction, { network });
  else
    throw x402Error(
      Code.InvalidArgument,
      "approvePermit2: true needs a signer with sendTransaction(); pass a function that sends the approval",
    );
  approved.add(once);
}

/** The settlement result of a paid response (`PAYMENT-RESPONSE`, else `X-PAYMENT-RESPONSE`), or null. */
export function decodePaymentResponse(response) {
  return readPaymentResponse(getter(response));
}

/** A message's headers as wasm reads them. */
const getter = (message) => (name) => message.headers.get(name);

/** viem-style typed data for a signer of unknown make: bigint uints, no EIP712Domain entry. */
function toViemTypedData(typedData) {
  const { EIP712Domain, ...types } = typedData.types;
  const convert = (typeName, value) => {
    const fields = types[typeName];
    if (!fields) return /^u?int\d*$/.test(typeName) ? BigInt(value) : value;
    return Object.fromEntries(fields.map((f) => [f.name, convert(f.type, value[f.name])]));
  };
  return { ...typedData, types, message: convert(typedData.primaryType, typedData.message) };
}

/** What a draft names as payer: a non-EVM signer's public key where it has one (Casper pays by
 * key), else its address (a viem account's `publicKey` is not its payer). */
async function signerPayer(signer) {
  if (signer.family !== undefined && signer.family !== defaultFamily() && typeof signer.publicKey === "string") return signer.publicKey;
  const address = typeof signer.getAddress === "function" ? await signer.getAddress() : signer.address;
  if (typeof address !== "string") throw x402Error(Code.InvalidArgument, "the signer has no address");
  return address;
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes ?? new Uint8Array()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The terms of a 402, read in wasm: the v2 header, else a v1 JSON body (`preferVersion: 1`
 * reverses that). */
async function readTerms(response, preferVersion) {
  const preferV1 = preferVersion === 1;
  const headers = getter(response);
  let body = null;
  if (wantsBody(headers, preferV1)) {
    try {
      body = await response.clone().text();
    } catch {
      // No readable body: no v1 terms.
    }
  }
  return readPaymentRequired(headers, body, preferV1, response.status);
}

/**
 * Wraps `fetch` so that a 402 is paid once and the request retried with the payment.
 * `signer` is one signer or an array of them, one per chain family (EVM, Casper, Solana; a
 * `@solana/kit` signer is taken as it is, with `solanaRpcUrl` for what its 402 leaves out): only
 * requirements some signer can pay are considered.
 *
 * Options: `maxAmount` (atomic units, string or bigint), `maxUsd` (default "0.10"; `false` turns it
 * off), `maxTimeoutSeconds`, `networks`, `assets` (`[{network, asset, maxAmount}]`),
 * `allowUnknownAssets` (with `maxAmount`), `select(candidates, paymentRequired)`, `preferVersion`,
 * `allowCrossOriginPayment`, and hooks `onPaymentRequired` and `onBeforePaymentCreation` (both see
 * the chosen requirement; either may return `{abort: true, reason}`), `onPaymentCreated`,
 * `onPaymentResponse`.
 */
export function wrapFetchWithPayment(fetchImpl, signer, options = {}) {
  if (typeof fetchImpl !== "function") throw x402Error(Code.InvalidArgument, "wrapFetchWithPayment needs a fetch function");
  const signers = new Map();
  for (const given of Array.isArray(signer) ? signer : [signer]) {
    const s = isKitSigner(given) ? fromKitSigner(given, options.solanaRpcUrl) : given;
    if (!s || (typeof s.signTypedData !== "function" && typeof s.signTransaction !== "function")) {
      throw x402Error(Code.InvalidArgument, "the signer must have signTypedData(typedData) (Solana: signTransaction(tx))");
    }
    const family = s.family ?? defaultFamily();
    requireFamily(family);
    if (signers.has(family)) throw x402Error(Code.InvalidArgument, `two signers for the ${family} family`);
    signers.set(family, s);
  }
  const { select, preferVersion = 2, onPaymentRequired, onBeforePaymentCreation, onPaymentCreated, onPaymentResponse } = options;
  const policy = {
    maxAmount: options.maxAmount === undefined ? undefined : String(options.maxAmount),
    maxUsd: options.maxUsd,
    maxTimeoutSeconds: options.maxTimeoutSeconds,
    networks: options.networks,
    assets: options.assets?.map((a) =>
      a && typeof a === "object" && a.maxAmount !== undefined ? { ...a, maxAmount: String(a.maxAmount) } : a,
    ),
    allowUnknownAssets: options.allowUnknownAssets,
    families: [...signers.keys()],
    // `upto` signs a maximum: a key held in wasm pays it only when made with allowUpto.
    schemes: options.schemes ?? (signers.get(defaultFamily())?.upto === false ? ["exact"] : undefined),
  };
  // A policy that would pay some token uncapped is refused now, not on the first 402.
  checkPaymentOptions(policy);
  // Signed payments whose paid retry got no final answer, by request, until they expire.
  const unanswered = new Map();
  // The Permit2 approvals this client has sent (one per token, network and payer).
  const approvals = new Set();
  const aborted = (hook, verdict) => {
    if (verdict && verdict.abort)
      throw x402Error(Code.PaymentAborted, `payment aborted by ${hook}: ${verdict.reason ?? "no reason given"}`);
  };

  return async function fetchWithPayment(input, init) {
    const request = new Request(input, init);
    if (carriesPayment(getter(request))) {
      // Already carries a payment: never pay again.
      return fetchImpl(request);
    }
    // Read the body once, so the request can be sent twice (streams included).
    const body = request.body === null ? undefined : await request.arrayBuffer();
    const send = (extra, url = request.url) => {
      const headers = new Headers(request.headers);
      for (const [k, v] of Object.entries(extra ?? {})) headers.set(k, v);
      if (url === request.url) return fetchImpl(new Request(request, { headers, body }));
      const { method, redirect, signal, credentials, cache, integrity, keepalive, referrerPolicy } = request;
      return fetchImpl(
        new Request(url, { method, headers, body, redirect, signal, credentials, cache, integrity, keepalive, referrerPolicy }),
      );
    };

    const response = await send();
    if (response.status !== 402) return response;
    // The paid request goes where the 402 came from (a redirect is not followed twice).
    const target = response.url || request.url;
    // A redirect may lead anywhere: pay only the origin that was asked, unless told otherwise.
    if (
      response.redirected &&
      response.url &&
      new URL(response.url).origin !== new URL(request.url).origin &&
      options.allowCrossOriginPayment !== true
    ) {
      throw x402Error(
        Code.CrossOriginPayment,
        `the request was redirected to ${new URL(response.url).origin}, which asks for payment; refused (allowCrossOriginPayment)`,
      );
    }

    const paymentRequired = await readTerms(response, preferVersion);
    const key = `${request.method} ${request.url} ${await sha256Hex(body)}`;
    const now = Math.floor(Date.now() / 1000);
    let kept = unanswered.get(key);
    if (kept && (kept.reusableUntil < now || findMatchingRequirements(paymentRequired.accepts, kept.payload) < 0)) {
      unanswered.delete(key);
      kept = undefined;
    }

    if (!kept) {
      // Choose first, so that every hook and the wallet see the requirement that is paid.
      const indices = Array.from(selectPaymentRequirements(paymentRequired, policy));
      const candidates = indices.map((i) => paymentRequired.accepts[i]);
      let index = indices[0];
      if (select) {
        const chosen = await select(candidates, paymentRequired);
        const at = candidates.indexOf(chosen);
        if (at < 0) throw x402Error(Code.InvalidArgument, "select() must return one of the candidates it was given");
        index = indices[at];
      }
      const selectedRequirements = paymentRequired.accepts[index];
      if (onPaymentRequired) {
        aborted(
          "onPaymentRequired",
          await onPaymentRequired({ paymentRequired, selectedRequirements, request: new Request(request, { body }) }),
        );
      }
      const payer = signers.get(networkFamily(selectedRequirements.network));
      const from = await signerPayer(payer);
      const queries = draftQueries(paymentRequired, index, from);
      const chain = queries.length ? await chainAnswers(queries, payer.rpcUrl) : undefined;
      const draft = new PaymentDraft(paymentRequired, index, from, { now, chain });
      try {
        const method = draft.method;
        const typedData = draft.toSign();
        if (onBeforePaymentCreation) {
          aborted("onBeforePaymentCreation", await onBeforePaymentCreation({ paymentRequired, selectedRequirements, typedData }));
        }
        if (typeof payer[method] !== "function")
          throw x402Error(Code.InvalidArgument, `the ${payer.family ?? "EVM"} signer has no ${method}()`);
        const input = method === "signTypedData" && !payer[JSON_TYPED_DATA] ? toViemTypedData(typedData) : typedData;
        const signature = await payer[method](input, { network: selectedRequirements.network });
        kept = { reusableUntil: draft.reusableUntil, payload: draft.finish(signature) };
      } finally {
        draft.free();
      }
      kept.header = paymentHeader(kept.payload);
      if (onPaymentCreated) await onPaymentCreated({ paymentPayload: kept.payload, requirements: selectedRequirements });
    }

    unanswered.set(key, kept);
    const [headerName, headerValue] = kept.header;
    let paid = await send({ [headerName]: headerValue }, target);
    if (paid.status === 412 && kept.payload.payload?.permit2Authorization) {
      // Refused before anything moved: approve Permit2 once, then send the same payment again.
      const payer = signers.get(networkFamily(kept.payload.accepted.network));
      try {
        await approvePermit2(options.approvePermit2, payer, kept.payload, approvals);
      } catch (e) {
        if (unanswered.get(key) === kept) unanswered.delete(key);
        throw e;
      }
      paid = await send({ [headerName]: headerValue }, target);
    }
    // A final answer arrived: the payment was judged, so it is never sent again. An open outcome
    // (5xx, 409, settlement pending) keeps it: the next call re-sends this same payment. Only the
    // call that holds the kept payment may drop it (a concurrent call may have replaced it).
    if (!outcomeOpen(paid.status, getter(paid)) && unanswered.get(key) === kept) unanswered.delete(key);
    if (onPaymentResponse) await onPaymentResponse({ response: paid.clone(), settleResponse: decodePaymentResponse(paid) });
    return paid;
  };
}
