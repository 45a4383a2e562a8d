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
 */
export async function injectWallet(page, account, mode = "sign") {
  await page.exposeFunction("__viemSignTypedData", async (json) => {
    const { types, primaryType, domain, message } = JSON.parse(json);
    delete types.EIP712Domain;
    return account.signTypedData({ types, primaryType, domain, message });
  });
  await page.addInitScript(
    ({ address, mode }) => {
      window.walletCalls = [];
      window.ethereum = {
        async request({ method, params }) {
          window.walletCalls.push(method);
          if (method === "eth_requestAccounts") return [address];
          if (method === "eth_signTypedData_v4") {
            if (mode === "reject") throw Object.assign(new Error("User rejected the request."), { code: 4001 });
            return window.__viemSignTypedData(params[1]);
          }
          throw Object.assign(new Error(`unsupported ${method}`), { code: 4200 });
        },
      };
    },
    { address: account.address, mode },
  );
}
