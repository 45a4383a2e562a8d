// A real SVM for the Solana suites: LiteSVM (in process, offline; ./litesvm.mjs) with SPL Token's devnet USDC mint
// at its devnet address, a funded payer, and the official facilitator (`@x402/core`'s
// x402Facilitator with `@x402/svm`'s exact scheme, v2 and v1) whose signer is a LiteSVM fee payer:
// it simulates on LiteSVM, adds the fee payer's signature and sends with signature checks on.
// Only the HTTP wrapping and the signer's plumbing are ours.
import { createServer } from "node:http";
import { Svm, failed } from "./litesvm.mjs";
import {
  address,
  createKeyPairFromPrivateKeyBytes,
  createKeyPairSignerFromPrivateKeyBytes,
  getAddressEncoder,
  getBase58Decoder,
  getBase64EncodedWireTransaction,
  getProgramDerivedAddress,
  getTransactionDecoder,
  partiallySignTransaction,
} from "@solana/kit";
import { x402Facilitator } from "@x402/core/facilitator";
import { ExactSvmScheme } from "@x402/svm/exact/facilitator";
import { ExactSvmSchemeV1 } from "@x402/svm/exact/v1/facilitator";
import { serveFacilitator } from "../js/facilitator-http.mjs";

export const NETWORK = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
export const USDC = address("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
export const TOKEN_PROGRAM = address("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
const ATA_PROGRAM = address("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");

/** Fixed seeds: the payer, the facilitator's fee payer, the merchant. */
const seed = (n) => Uint8Array.from({ length: 32 }, (_, i) => (n * 47 + i * 13 + 5) & 0xff);
export const SEEDS = { payer: seed(1), feePayer: seed(2), merchant: seed(3), stranger: seed(4) };

const enc = getAddressEncoder();
const b64 = (bytes) => Buffer.from(bytes).toString("base64");

export async function ata(owner, mint = USDC, program = TOKEN_PROGRAM) {
  const [pda] = await getProgramDerivedAddress({
    programAddress: ATA_PROGRAM,
    seeds: [enc.encode(owner), enc.encode(program), enc.encode(mint)],
  });
  return pda;
}

/** An SPL Token account (165 bytes): mint, owner, amount, initialized. */
function tokenAccount(mint, owner, amount) {
  const d = new Uint8Array(165);
  d.set(enc.encode(mint), 0);
  d.set(enc.encode(owner), 32);
  new DataView(d.buffer).setBigUint64(64, BigInt(amount), true);
  d[108] = 1; // AccountState::Initialized
  return d;
}

/** An SPL mint (82 bytes): no authority, `supply`, 6 decimals, initialized. */
function mintAccount(supply) {
  const d = new Uint8Array(82);
  new DataView(d.buffer).setBigUint64(36, BigInt(supply), true);
  d[44] = 6;
  d[45] = 1;
  return d;
}

/** The chain: LiteSVM with the mint, the payer's and the merchant's token accounts, SOL for fees. */
export async function startSvm({ payerBalance = 1_000_000n } = {}) {
  const svm = new Svm().withSigverify(true);
  const payer = await createKeyPairSignerFromPrivateKeyBytes(SEEDS.payer);
  const feePayer = await createKeyPairSignerFromPrivateKeyBytes(SEEDS.feePayer);
  const merchant = (await createKeyPairSignerFromPrivateKeyBytes(SEEDS.merchant)).address;
  const rent = (n) => svm.minimumBalanceForRentExemption(BigInt(n));
  svm.setAccount({ address: USDC, lamports: rent(82), data: mintAccount(payerBalance), programAddress: TOKEN_PROGRAM, executable: false });
  for (const [owner, amount] of [
    [payer.address, payerBalance],
    [merchant, 0n],
  ]) {
    svm.setAccount({
      address: await ata(owner),
      lamports: rent(165),
      data: tokenAccount(USDC, owner, amount),
      programAddress: TOKEN_PROGRAM,
      executable: false,
    });
  }
  svm.airdrop(feePayer.address, 1_000_000_000n);
  const balanceOf = async (owner) => {
    const account = svm.getAccount(await ata(owner));
    return account.exists ? new DataView(account.data.buffer, account.data.byteOffset).getBigUint64(64, true) : 0n;
  };
  /** Simulates as the facilitator's RPC does (`sigVerify: false`: the fee payer signs last);
   * throws with the failure. */
  const simulate = (tx) => {
    svm.withSigverify(false);
    try {
      const result = svm.simulateTransaction(tx);
      if (failed(result)) throw new Error(`simulation failed: ${result.toString()}`);
    } finally {
      svm.withSigverify(true);
    }
  };
  return { svm, payer, feePayer, merchant, balanceOf, simulate, blockhash: () => svm.latestBlockhash() };
}

/** The official facilitator on `chain`, over HTTP: GET /supported, POST /verify, POST /settle;
 * and POST /accepts as faremeter's facilitator answers it (ours, after its source). */
export async function startSvmFacilitator(chain, { port = 0 } = {}) {
  const { svm, feePayer } = chain;
  const feePayerKeys = await createKeyPairFromPrivateKeyBytes(SEEDS.feePayer);
  const decode = (wire) => getTransactionDecoder().decode(Buffer.from(wire, "base64"));
  const sent = [];
  const signer = {
    getAddresses: () => [feePayer.address],
    async signTransaction(wire, who) {
      if (who !== feePayer.address) throw new Error(`no key for ${who}`);
      return getBase64EncodedWireTransaction(await partiallySignTransaction([feePayerKeys], decode(wire)));
    },
    async simulateTransaction(wire) {
      chain.simulate(decode(wire));
    },
    async sendTransaction(wire) {
      const tx = decode(wire);
      const result = svm.sendTransaction(tx);
      if (failed(result)) throw new Error(`transaction failed: ${result.toString()}`);
      const signature = tx.signatures[feePayer.address];
      sent.push(wire);
      return getBase58Decoder().decode(signature);
    },
    async confirmTransaction() {},
  };
  const facilitator = new x402Facilitator()
    .register(NETWORK, new ExactSvmScheme(signer))
    .registerV1(["solana-devnet"], new ExactSvmSchemeV1(signer));
  // faremeter's enrichment of Solana requirements: the matching ones only, with what a client
  // needs to pay without RPC.
  const accepts = (body) => ({
    x402Version: 2,
    resource: body.resource,
    accepts: (body.accepts ?? [])
      .filter((r) => r.scheme === "exact" && r.network === NETWORK)
      .map((r) => ({
        ...r,
        extra: {
          ...r.extra,
          feePayer: feePayer.address,
          decimals: 6,
          recentBlockhash: svm.latestBlockhash(),
          tokenProgram: TOKEN_PROGRAM,
          features: {},
        },
      })),
  });
  const served = await serveFacilitator(facilitator, { port, routes: { "POST /accepts": accepts } });
  return { ...served, feePayer: feePayer.address, sent };
}

/** A JSON-RPC endpoint answered by LiteSVM: getLatestBlockhash and getAccountInfo (base64); open
 * to any origin, as public RPC endpoints are, for pages to call. */
export async function startSvmRpc(chain) {
  const server = createServer((req, res) => {
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("access-control-allow-headers", "content-type");
    if (req.method === "OPTIONS") return res.end();
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const { id, method, params } = JSON.parse(raw);
      let result;
      if (method === "getLatestBlockhash") {
        result = { context: { slot: 1 }, value: { blockhash: chain.blockhash(), lastValidBlockHeight: 150 } };
      } else if (method === "getAccountInfo") {
        const a = chain.svm.getAccount(address(params[0]));
        result = {
          context: { slot: 1 },
          value: a.exists
            ? {
                data: [b64(a.data), "base64"],
                executable: a.executable,
                lamports: Number(a.lamports),
                owner: a.programAddress,
                rentEpoch: 0,
                space: a.data.length,
              }
            : null,
        };
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify(
          result === undefined ? { jsonrpc: "2.0", id, error: { code: -32601, message: method } } : { jsonrpc: "2.0", id, result },
        ),
      );
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
