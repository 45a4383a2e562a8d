// Local-chain harness for the x402-wasm end-to-end tests.
//
//   const chain = await startChain();   // anvil on 127.0.0.1:<free port>, chain id 84532
//   ... chain.rpcUrl, chain.token.address, chain.keys.payers[0], chain.publicClient ...
//   await chain.stop();
//
// What startChain does:
//   1. starts the anvil binary of @foundry-rs/anvil-linux-amd64 on a port the OS picked, with
//      --chain-id 84532 (Base Sepolia's id, so the v1 network name "base-sepolia" maps to it),
//      automining, quiet; waits until it answers eth_chainId. The child is killed by stop(), and
//      also when this Node process exits or gets SIGINT/SIGTERM/SIGHUP;
//   2. while anvil boots, compiles contracts/X402TestToken.sol and contracts/Multicall.sol with
//      solc-js (standard JSON, optimizer on, evmVersion "cancun"); once per process (cached);
//   3. deploys X402TestToken("Test USD", "1") from anvil account #0, installs the Multicall runtime
//      code at the canonical Multicall3 address with anvil_setCode, and mints test balances.
//
// Accounts (anvil's default mnemonic, keys #0..#6): deployer #0, facilitator #1 (pays settlement
// gas), payTo #2 (the merchant), payers #3 #4 #5 (10 TUSD = 10_000_000 units each), underfunded #6
// (1 unit). Every account also has anvil's 10000 ETH.
//
// startChain() resolves to:
//   { rpcUrl, chainId: 84532, network: "eip155:84532", chain (viem chain, contracts.multicall3 set),
//     token: { address, name: "Test USD", version: "1", decimals: 6, symbol: "TUSD" },
//     multicall: "0xcA11bde05977b3631167028862bE2a173976CA11",
//     keys / addresses: { deployer, facilitator, payTo, payers: [3], underfunded } (addresses checksummed),
//     abi: { token, multicall }, publicClient, walletClient(key), rpc(method, params),
//     balanceOf(address) -> bigint, transactionReceipt(hash) -> receipt | null,
//     timings: { compileMs, anvilReadyMs, setupMs, totalMs }, stop() -> Promise }
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { createPublicClient, createWalletClient, defineChain, getAddress, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";

const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));

export const CHAIN_ID = 84532;
export const NETWORK = `eip155:${CHAIN_ID}`;
export const MULTICALL3_ADDRESS = "0xcA11bde05977b3631167028862bE2a173976CA11";
/** Permit2 and the x402 upto proxy: the test stand-ins are installed at the canonical addresses. */
export const PERMIT2_ADDRESS = "0x000000000022D473030F116dDEE9F6B43aC78BA3";
export const UPTO_PROXY_ADDRESS = "0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002";
export const EXACT_PROXY_ADDRESS = "0x402085c248EeA27D92E8b30b2C58ed07f9E20001";
export const TOKEN_NAME = "Test USD";
export const TOKEN_VERSION = "1";
export const PAYER_BALANCE = 10_000_000n; // 10 TUSD
export const UNDERFUNDED_BALANCE = 1n;

/** The well-known private keys of anvil's default mnemonic ("test test ... junk"), #0..#6. */
export const ANVIL_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
];

const ANVIL_BIN = join(dirname(require.resolve("@foundry-rs/anvil-linux-amd64/package.json")), "bin", "anvil");

// ---- compilation ---------------------------------------------------------------------------

/**
 * solc settings used for both contracts (exported so tests and reports can show them).
 * The optimizer is on, but its Yul step is off: with it, solc-js needs ~2.2 s instead of ~1.5 s
 * here (the Yul optimizer works hard on the ABI coder of Multicall's struct arrays), and the
 * bytecode size does not matter on a test chain.
 */
export const SOLC_SETTINGS = {
  optimizer: { enabled: true, runs: 200, details: { yul: false } },
  evmVersion: "cancun",
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
};

let compiled; // cached { artifacts, solcVersion, ms }

/**
 * Compiles both contracts once per process. Returns
 * { solcVersion, ms, artifacts: { X402TestToken: { abi, bytecode, deployedBytecode }, Multicall: {…} } }.
 * Throws on any solc error (warnings are returned in `warnings`).
 */
export function compileContracts() {
  if (compiled) return compiled;
  const started = performance.now();
  const solc = require("solc");
  const files = ["X402TestToken.sol", "Multicall.sol", "Permit2.sol", "UptoPermit2Proxy.sol", "ExactPermit2Proxy.sol"];
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(files.map((f) => [f, { content: readFileSync(join(HERE, "contracts", f), "utf8") }])),
    settings: SOLC_SETTINGS,
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const diagnostics = output.errors ?? [];
  const errors = diagnostics.filter((e) => e.severity === "error");
  if (errors.length) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);
  const artifact = (file, name) => {
    const c = output.contracts[file][name];
    return { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}`, deployedBytecode: `0x${c.evm.deployedBytecode.object}` };
  };
  compiled = {
    solcVersion: solc.version(),
    warnings: diagnostics.filter((e) => e.severity !== "error").map((e) => e.formattedMessage),
    artifacts: {
      X402TestToken: artifact("X402TestToken.sol", "X402TestToken"),
      Permit2: artifact("Permit2.sol", "TestPermit2"),
      UptoPermit2Proxy: artifact("UptoPermit2Proxy.sol", "TestUptoPermit2Proxy"),
      ExactPermit2Proxy: artifact("ExactPermit2Proxy.sol", "TestExactPermit2Proxy"),
      Multicall: artifact("Multicall.sol", "Multicall"),
    },
    ms: 0,
  };
  compiled.ms = Math.round(performance.now() - started);
  return compiled;
}

// ---- anvil process -------------------------------------------------------------------------

const liveChildren = new Set();
let exitHooksInstalled = false;

function killAll(signal = "SIGKILL") {
  for (const child of liveChildren) {
    try {
      child.kill(signal);
    } catch {}
  }
  liveChildren.clear();
}

/** Kill every anvil we started when Node exits, or on SIGINT/SIGTERM (then re-raise the signal). */
function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on("exit", () => killAll());
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    const onSignal = () => {
      killAll();
      process.removeListener(sig, onSignal);
      // If nobody else handles the signal, behave like Node's default: die by it.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}

/** A port the OS says is free on 127.0.0.1 (bind port 0, read it, close). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function rpc(url, method, params = [], timeoutMs = 10_000) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await res.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/**
 * Spawns anvil on a free port. Returns { child, rpcUrl, ready() }; ready() resolves to null once
 * anvil answers eth_chainId, or to a message if anvil exited first (e.g. it lost the port race).
 */
async function spawnAnvil({ timeoutMs, verbose, extraArgs }) {
  const port = await freePort();
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", String(CHAIN_ID), ...extraArgs];
  if (!verbose) args.push("--quiet");
  const child = spawn(ANVIL_BIN, args, { stdio: ["ignore", verbose ? "inherit" : "ignore", "pipe"] });
  installExitHooks();
  liveChildren.add(child);
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
    if (verbose) process.stderr.write(d);
  });
  let exited = null;
  child.on("exit", (code, signal) => {
    exited = { code, signal };
    liveChildren.delete(child);
  });
  child.on("error", (e) => (exited = { error: e }));
  // A forgotten stop() must not keep Node alive: the "exit" hook then kills anvil.
  child.unref();
  child.stderr.unref();

  const rpcUrl = `http://127.0.0.1:${port}`;
  const ready = async () => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) {
        const why = exited.error ? exited.error.message : `code ${exited.code}, signal ${exited.signal}`;
        return `anvil exited early (${why}): ${stderr.trim()}`;
      }
      let id;
      try {
        id = await rpc(rpcUrl, "eth_chainId", [], 1000);
      } catch {} // not listening yet
      if (id !== undefined) {
        if (Number(id) === CHAIN_ID) return null;
        child.kill("SIGKILL");
        throw new Error(`anvil reports chain id ${id}, expected ${CHAIN_ID}`);
      }
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`anvil did not answer eth_chainId within ${timeoutMs} ms: ${stderr.trim()}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { child, rpcUrl, ready };
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill("SIGKILL"), 2000);
    child.once("exit", () => {
      clearTimeout(hard);
      liveChildren.delete(child);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

// ---- the harness ---------------------------------------------------------------------------

/**
 * Starts a fresh local chain with the test token and Multicall installed.
 * @param {object} [options]
 * @param {number} [options.timeoutMs=15000]  how long to wait for anvil to answer
 * @param {boolean} [options.verbose=false]   show anvil's logs
 * @param {string[]} [options.anvilArgs=[]]   extra anvil arguments
 */
export async function startChain(options = {}) {
  const { timeoutMs = 15_000, verbose = false, anvilArgs = [] } = options;
  const timings = {};
  const started = performance.now();
  // anvil boots while solc compiles (compilation is synchronous and takes most of the time).
  let anvil = await spawnAnvil({ timeoutMs, verbose, extraArgs: anvilArgs });
  let t = performance.now();
  let artifacts;
  try {
    ({ artifacts } = compileContracts());
  } catch (e) {
    await stopChild(anvil.child);
    throw e;
  }
  timings.compileMs = Math.round(performance.now() - t);
  let failed = await anvil.ready();
  for (let attempt = 1; failed && /in use/i.test(failed) && attempt < 3; attempt++) {
    // Another process may have taken the free port before anvil bound it: try a new one.
    anvil = await spawnAnvil({ timeoutMs, verbose, extraArgs: anvilArgs });
    failed = await anvil.ready();
  }
  if (failed) throw new Error(failed);
  const { child, rpcUrl } = anvil;
  timings.anvilReadyMs = Math.round(performance.now() - started);

  const stop = () => stopChild(child);
  try {
    t = performance.now();
    const chain = defineChain({
      id: CHAIN_ID,
      name: "Local anvil (Base Sepolia chain id)",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [rpcUrl] } },
      contracts: { multicall3: { address: MULTICALL3_ADDRESS } },
      blockTime: 1000, // automine; keeps viem's polling interval at its 500 ms floor
      testnet: true,
    });
    const transport = http(rpcUrl, { retryCount: 0 });
    const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 });
    const walletClient = (key) => createWalletClient({ account: privateKeyToAccount(key), chain, transport, pollingInterval: 50 });

    const keys = {
      deployer: ANVIL_KEYS[0],
      facilitator: ANVIL_KEYS[1],
      payTo: ANVIL_KEYS[2],
      payers: [ANVIL_KEYS[3], ANVIL_KEYS[4], ANVIL_KEYS[5]],
      underfunded: ANVIL_KEYS[6],
    };
    const addr = (key) => privateKeyToAccount(key).address; // checksummed
    const addresses = {
      deployer: addr(keys.deployer),
      facilitator: addr(keys.facilitator),
      payTo: addr(keys.payTo),
      payers: keys.payers.map(addr),
      underfunded: addr(keys.underfunded),
    };

    // Deploy the token, then mint, all from the deployer (automine: one block per transaction).
    const deployer = walletClient(keys.deployer);
    const tokenAbi = artifacts.X402TestToken.abi;
    const deployHash = await deployer.deployContract({
      abi: tokenAbi,
      bytecode: artifacts.X402TestToken.bytecode,
      args: [TOKEN_NAME, TOKEN_VERSION],
    });
    const deployReceipt = await publicClient.waitForTransactionReceipt({ hash: deployHash });
    if (deployReceipt.status !== "success" || !deployReceipt.contractAddress) throw new Error("token deployment failed");
    const tokenAddress = getAddress(deployReceipt.contractAddress);

    for (const [address, artifact] of [
      [MULTICALL3_ADDRESS, artifacts.Multicall],
      [PERMIT2_ADDRESS, artifacts.Permit2],
      [UPTO_PROXY_ADDRESS, artifacts.UptoPermit2Proxy],
      [EXACT_PROXY_ADDRESS, artifacts.ExactPermit2Proxy],
    ]) {
      await publicClient.request({ method: "anvil_setCode", params: [address, artifact.deployedBytecode] });
    }

    const mints = [...addresses.payers.map((to) => [to, PAYER_BALANCE]), [addresses.underfunded, UNDERFUNDED_BALANCE]];
    for (const [to, amount] of mints) {
      const hash = await deployer.writeContract({ address: tokenAddress, abi: tokenAbi, functionName: "mint", args: [to, amount] });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`mint to ${to} failed`);
    }
    timings.setupMs = Math.round(performance.now() - t);
    timings.totalMs = Math.round(performance.now() - started);

    const balanceOf = (address) =>
      publicClient.readContract({ address: tokenAddress, abi: tokenAbi, functionName: "balanceOf", args: [address] });
    const transactionReceipt = async (hash) => {
      try {
        return await publicClient.getTransactionReceipt({ hash });
      } catch (e) {
        if (e?.name === "TransactionReceiptNotFoundError") return null;
        throw e;
      }
    };

    return {
      rpcUrl,
      chainId: CHAIN_ID,
      network: NETWORK,
      chain,
      token: { address: tokenAddress, name: TOKEN_NAME, version: TOKEN_VERSION, decimals: 6, symbol: "TUSD" },
      multicall: MULTICALL3_ADDRESS,
      keys,
      addresses,
      abi: {
        token: tokenAbi,
        multicall: artifacts.Multicall.abi,
        permit2: artifacts.Permit2.abi,
        uptoProxy: artifacts.UptoPermit2Proxy.abi,
      },
      permit2: PERMIT2_ADDRESS,
      uptoProxy: UPTO_PROXY_ADDRESS,
      exactProxy: EXACT_PROXY_ADDRESS,
      publicClient,
      walletClient,
      rpc: (method, params) => rpc(rpcUrl, method, params),
      balanceOf,
      transactionReceipt,
      timings,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
