// Shared by the browser suites: Debian's Chromium under Playwright, and an injected EIP-1193
// wallet whose signatures come from viem running in Node (independent of the package under test).

/** Flags for headless Chromium as root on a machine without outside network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches Chromium (`$CHROMIUM` or /usr/bin/chromium) with `chromium` from playwright-core. */
export function launchChromium(chromium) {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/**
 * Before any script of `page` runs, installs `window.ethereum`: `eth_requestAccounts` answers
 * `account`'s address; `eth_signTypedData_v4` signs with viem's `account` ("sign") or refuses as
 * a user would, EIP-1193 code 4001 ("reject"). `window.walletCalls` lists the methods called.
 * The wallet is on chain `chainId` and knows `chains`: it switches to a known chain (4902 for
 * another; "reject-switch" refuses as a user, 4001), adds a chain given complete parameters, and,
 * as real wallets do, refuses typed data whose domain names another chain than the active one.
 * "reject-connect" refuses `eth_requestAccounts` (4001). With `announce`, the wallet also answers
 * EIP-6963 discovery as "Test Wallet (viem)".
 */
export async function injectWallet(page, account, mode = "sign", { chainId = 84532, chains = [chainId], announce = false } = {}) {
  await page.exposeFunction("__viemSignTypedData", async (json) => {
    const { types, primaryType, domain, message } = JSON.parse(json);
    delete types.EIP712Domain;
    return account.signTypedData({ types, primaryType, domain, message });
  });
  await page.addInitScript(
    ({ address, mode, chainId, chains, announce }) => {
      window.walletCalls = [];
      const wallet = { active: chainId, known: new Set(chains) };
      window.wallet = wallet;
      const fail = (message, code) => Object.assign(new Error(message), { code });
      window.ethereum = {
        async request({ method, params }) {
          window.walletCalls.push(method);
          if (method === "eth_requestAccounts") {
            if (mode === "reject-connect") throw fail("User rejected the request.", 4001);
            return [address];
          }
          if (method === "eth_chainId") return `0x${wallet.active.toString(16)}`;
          if (method === "wallet_switchEthereumChain") {
            const id = Number(params[0].chainId);
            if (mode === "reject-switch") throw fail("User rejected the request.", 4001);
            if (!wallet.known.has(id)) throw fail(`Unrecognized chain ID ${params[0].chainId}`, 4902);
            wallet.active = id;
            return null;
          }
          if (method === "wallet_addEthereumChain") {
            const { chainId: hex, chainName, rpcUrls, nativeCurrency } = params[0];
            if (!chainName || !Array.isArray(rpcUrls) || !nativeCurrency) throw fail("Invalid chain parameters", -32602);
            wallet.known.add(Number(hex));
            wallet.active = Number(hex); // as wallets do after adding (EIP-3085)
            return null;
          }
          if (method === "eth_signTypedData_v4") {
            if (mode === "reject") throw fail("User rejected the request.", 4001);
            // As real wallets: typed data for a chain other than the active one is refused.
            const { domain } = JSON.parse(params[1]);
            if (domain.chainId !== undefined && Number(domain.chainId) !== wallet.active)
              throw fail(`Provided chainId "${domain.chainId}" must match the active chainId "${wallet.active}"`, -32603);
            return window.__viemSignTypedData(params[1]);
          }
          throw fail(`unsupported ${method}`, 4200);
        },
      };
      if (announce) {
        const info = Object.freeze({
          uuid: "5f0c6d1e-3b4a-4c8e-9a57-2d1f0e6b7c91",
          name: "Test Wallet (viem)",
          icon: "data:image/svg+xml;base64,PHN2Zy8+",
          rdns: "test.x402-wasm",
        });
        const detail = Object.freeze({ info, provider: window.ethereum });
        const announceProvider = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
        window.addEventListener("eip6963:requestProvider", announceProvider);
        announceProvider();
      }
    },
    { address: account.address, mode, chainId, chains, announce },
  );
}

/**
 * Before any script of `page` runs, registers a Wallet Standard wallet for Solana: `standard:connect`
 * answers the account of `secretKey` (32-byte seed); `solana:signTransaction` signs the message of
 * the wire transaction it is given with noble's Ed25519 in Node, in the account's signature slot,
 * or refuses as a user would ("reject"). `window.solanaWalletCalls` lists the features called.
 */
export async function injectSolanaWallet(page, secretKey, mode = "sign") {
  const { ed25519 } = await import("@noble/curves/ed25519");
  const publicKey = ed25519.getPublicKey(secretKey);
  await page.exposeFunction("__nobleSign", (messageB64) =>
    Buffer.from(ed25519.sign(Buffer.from(messageB64, "base64"), secretKey)).toString("base64"),
  );
  const { getBase58Decoder } = await import("@solana/kit");
  await page.addInitScript(
    ({ address, key, mode }) => {
      window.solanaWalletCalls = [];
      window.solanaWalletChains = [];
      const account = { address, publicKey: Uint8Array.from(key), chains: ["solana:devnet"], features: ["solana:signTransaction"] };
      const b64 = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(""));
      /** A compact-u16 at `at`: [value, bytes read]. */
      const shortvec = (bytes, at) => {
        let value = 0;
        for (let i = 0; i < 3; i++) {
          value |= (bytes[at + i] & 0x7f) << (7 * i);
          if (!(bytes[at + i] & 0x80)) return [value, i + 1];
        }
        throw new Error("bad length");
      };
      async function signTransaction({ transaction, chain }) {
        window.solanaWalletCalls.push("solana:signTransaction");
        window.solanaWalletChains.push(chain);
        if (mode === "reject") throw Object.assign(new Error("User rejected the request."), { code: 4001 });
        const tx = Uint8Array.from(transaction);
        const [count, n] = shortvec(tx, 0);
        const messageAt = n + 64 * count;
        const message = tx.slice(messageAt);
        let at = message[0] & 0x80 ? 1 : 0; // the v0 prefix
        const signers = message[at];
        at += 3;
        const [keys, m] = shortvec(message, at);
        at += m;
        let slot = -1;
        for (let i = 0; i < Math.min(signers, keys); i++) {
          const k = message.slice(at + 32 * i, at + 32 * (i + 1));
          if (k.every((b, j) => b === account.publicKey[j])) slot = i;
        }
        if (slot < 0) throw new Error("this wallet's account does not sign that transaction");
        const signature = Uint8Array.from(atob(await window.__nobleSign(b64(message))), (c) => c.charCodeAt(0));
        tx.set(signature, n + 64 * slot);
        return [{ signedTransaction: tx }];
      }
      const wallet = Object.freeze({
        version: "1.0.0",
        name: "Test Wallet (noble)",
        icon: "data:image/svg+xml;base64,PHN2Zy8+",
        chains: ["solana:devnet"],
        accounts: [],
        features: {
          "standard:connect": {
            version: "1.0.0",
            async connect() {
              window.solanaWalletCalls.push("standard:connect");
              return { accounts: [account] };
            },
          },
          "solana:signTransaction": { version: "1.0.0", supportedTransactionVersions: ["legacy", 0], signTransaction },
        },
      });
      const register = ({ register }) => register(wallet);
      window.addEventListener("wallet-standard:app-ready", ({ detail }) => register(detail));
      window.dispatchEvent(new CustomEvent("wallet-standard:register-wallet", { detail: register }));
    },
    { address: getBase58Decoder().decode(publicKey), key: Array.from(publicKey), mode },
  );
}
