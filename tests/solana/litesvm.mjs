// LiteSVM's native engine (npm `litesvm-linux-x64-gnu`, a prebuilt napi module), behind the few
// calls the Solana suites make. The `litesvm` wrapper package is not used: its optional binaries
// for other platforms are not in this registry, so a lock file with it cannot be installed with
// `npm ci`. Transactions are @solana/kit ones, handed to the engine as wire bytes.
import { createRequire } from "node:module";
import { getAddressDecoder, getAddressEncoder, getTransactionEncoder } from "@solana/kit";

const native = createRequire(import.meta.url)("litesvm-linux-x64-gnu");
const addressBytes = (address) => getAddressEncoder().encode(address);

/** An in-process SVM with the default programs (SPL Token, Token-2022, ATA, Memo, …). */
export class Svm {
  #inner = new native.LiteSvm();

  /** Signature checks on or off (on by default); returns this. */
  withSigverify(on) {
    this.#inner.setSigverify(on);
    return this;
  }

  latestBlockhash() {
    return this.#inner.latestBlockhash();
  }

  /** A new blockhash: transactions of the old one no longer land. */
  expireBlockhash() {
    this.#inner.expireBlockhash();
  }

  minimumBalanceForRentExemption(bytes) {
    return this.#inner.minimumBalanceForRentExemption(BigInt(bytes));
  }

  airdrop(address, lamports) {
    return this.#inner.airdrop(addressBytes(address), BigInt(lamports));
  }

  /** Writes an account as it is, outside any transaction. */
  setAccount({ address, lamports, data, programAddress, executable = false }) {
    this.#inner.setAccount(addressBytes(address), new native.Account(BigInt(lamports), data, addressBytes(programAddress), executable, 0n));
  }

  /** `{exists, data, lamports, programAddress, executable}`. */
  getAccount(address) {
    const a = this.#inner.getAccount(addressBytes(address));
    if (a === null) return { exists: false };
    return {
      exists: true,
      data: a.data(),
      lamports: a.lamports(),
      programAddress: getAddressDecoder().decode(a.owner()),
      executable: a.executable(),
    };
  }

  /** Runs a kit transaction; the engine's result (a failure has `err()`). */
  sendTransaction(tx) {
    return this.#inner.sendVersionedTransaction(getTransactionEncoder().encode(tx));
  }

  simulateTransaction(tx) {
    return this.#inner.simulateVersionedTransaction(getTransactionEncoder().encode(tx));
  }
}

/** Whether an engine result is a failure. */
export const failed = (result) => result instanceof native.FailedTransactionMetadata;
