// The demo dapp: pays for one API call with the browser wallet and shows each step.
// State for tests and styles: #app[data-status] is loading | ready | no-wallet | busy | done | failed;
// each step is li[data-step][data-state] with pending | active | done | skipped | failed;
// errors are #error[data-code].

const $ = (id) => document.getElementById(id);
const app = $("app");
const payButton = $("pay");

const MESSAGES = {
  user_rejected: "You declined to sign. Nothing was paid.",
  amount_exceeds_max:
    "The price is above this page's spending limit (0.10 USD, or 0.10 of a token the package does not know). Nothing was paid.",
  no_acceptable_requirement: "The server asks for a payment this page cannot make. Nothing was paid.",
};

let config;
let x402;
let paidFetch;
let current = null; // the run in progress: { step, requirements }

try {
  config = await (await fetch("config.json")).json();
  if (typeof config.resource !== "string") throw new Error("config.json has no resource");
  $("resource").textContent = config.resource;
  x402 = await import("./pkg/web.js");
  // One signer per chain family the browser has a wallet for: EIP-1193 (window.ethereum) for EVM,
  // a Wallet Standard wallet that signs Solana transactions for Solana.
  const signers = [];
  if (window.ethereum) signers.push(x402.injectedWalletSigner(window.ethereum));
  const solanaWallet = standardWallets().find((w) => w.features?.["solana:signTransaction"]);
  if (solanaWallet) signers.push(x402.injectedSolanaWalletSigner(solanaWallet, { rpcUrl: config.solanaRpcUrl }));
  if (signers.length === 0) {
    setStatus("no-wallet");
    showError({ code: "no_wallet", message: "No wallet found. Install a browser wallet to pay." });
  } else {
    // Made once, so that a payment whose answer was lost is sent again on the next click, not paid twice.
    paidFetch = x402.wrapFetchWithPayment(fetch, signers, {
      // The demo token is not one the package knows: a token it does not know is taken up to 0.10
      // of a token of config.token.decimals (atomic units, so 0.10 USD for the demo's USD token;
      // known stablecoins keep the package's own 0.10 USD cap).
      allowUnknownAssets: true,
      maxAmount: 10n ** BigInt(config.token?.decimals ?? 6) / 10n,
      // Called with the requirement that will be paid, before the wallet is asked to sign it.
      onBeforePaymentCreation({ selectedRequirements }) {
        showTerms(selectedRequirements);
        advance("signing");
      },
      onPaymentCreated({ requirements }) {
        current.requirements = requirements;
        showTerms(requirements); // the terms actually paid
        advance("settling");
      },
    });
    $("wallet").textContent = "Wallet found. It will ask you to connect and to sign the payment.";
    payButton.disabled = false;
    payButton.addEventListener("click", pay);
    setStatus("ready");
  }
} catch (e) {
  setStatus("failed");
  showError({ code: e.code ?? "load_failed", message: `The page could not start: ${e.message}` });
}

/** The Wallet Standard wallets of the page: those registered before it loaded answer
 * `wallet-standard:app-ready`; those registering later dispatch `wallet-standard:register-wallet`. */
function standardWallets() {
  const wallets = [];
  const api = Object.freeze({ register: (...ws) => wallets.push(...ws) });
  window.addEventListener("wallet-standard:register-wallet", (event) => event.detail?.(api));
  window.dispatchEvent(new CustomEvent("wallet-standard:app-ready", { detail: api }));
  return wallets;
}

async function pay() {
  reset();
  payButton.disabled = true;
  current = { step: null, requirements: null };
  setStatus("busy");
  advance("requesting");
  try {
    const response = await paidFetch(config.resource);
    const settlement = x402.decodePaymentResponse(response);
    if (!response.ok) throw await refusal(response, settlement);
    if (current.step === "requesting") {
      // No 402: the resource was free, nothing was signed or settled.
      mark("signing", "skipped");
      mark("settling", "skipped");
    }
    advance("done");
    mark("done", "done");
    if (current.requirements) showReceipt(settlement, current.requirements);
    showContent(await response.text());
    setStatus("done");
  } catch (e) {
    mark(current.step, "failed");
    showError({ code: e.code ?? "error", message: MESSAGES[e.code] ?? e.message });
    setStatus("failed");
  } finally {
    payButton.disabled = false;
  }
}

/** The error for a response that is not a success, in the user's words. */
async function refusal(response, settlement) {
  if (settlement && !settlement.success) {
    const reason = settlement.errorReason ?? settlement.errorMessage ?? "unknown reason";
    return coded("settlement_failed", `Payment failed: ${reason}. Nothing was served.`);
  }
  const terms = response.headers.get("PAYMENT-REQUIRED");
  if (response.status === 402 && current.requirements && terms) {
    let reason = "no reason given";
    try {
      reason = x402.decodePaymentRequiredHeader(terms).error ?? reason;
    } catch {
      // Unreadable terms: keep the generic reason.
    }
    return coded("payment_refused", `The server refused the payment: ${reason}. Nothing was served.`);
  }
  let detail = "";
  try {
    const body = await response.json();
    detail = body.message ?? body.error ?? "";
  } catch {
    // Not JSON: the status says it all.
  }
  return coded("http_error", `The server answered ${response.status} ${response.statusText}${detail ? `: ${detail}` : ""}.`);
}

function coded(code, message) {
  return Object.assign(new Error(message), { code });
}

// Progress

/** Marks the current step done and `step` active. */
function advance(step) {
  if (current.step) mark(current.step, "done");
  current.step = step;
  mark(step, "active");
}

function mark(step, state) {
  const item = document.querySelector(`[data-step="${step}"]`);
  item.dataset.state = state;
  item.querySelector("[data-state-text]").textContent = `: ${state}`;
  if (state === "active") item.setAttribute("aria-current", "step");
  else item.removeAttribute("aria-current");
}

function setStatus(status) {
  app.dataset.status = status;
  app.setAttribute("aria-busy", String(status === "busy"));
}

function reset() {
  for (const item of document.querySelectorAll("[data-step]")) mark(item.dataset.step, "pending");
  for (const id of ["terms-card", "receipt-card", "content-card", "error"]) $(id).hidden = true;
  delete $("error").dataset.code;
}

// Display

function showTerms(requirements) {
  fill("terms", {
    amount: formatAmount(amountOf(requirements), requirements.asset),
    network: config.networkName ? `${config.networkName} (${requirements.network})` : requirements.network,
    payTo: requirements.payTo,
  });
  $("terms-card").hidden = false;
}

function showReceipt(settlement, requirements) {
  fill("receipt", {
    payer: settlement?.payer ?? "not reported",
    amount: formatAmount(settlement?.amount ?? amountOf(requirements), requirements.asset),
    transaction: settlement?.transaction || "not reported",
  });
  $("receipt-card").hidden = false;
}

function showContent(text) {
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Not JSON: show it as it came.
  }
  $("content").textContent = shown;
  $("content-card").hidden = false;
}

function showError({ code, message }) {
  const error = $("error");
  error.dataset.code = code;
  error.textContent = message;
  error.hidden = false;
}

/** Sets the text of each [data-field] in the list `id`. */
function fill(id, values) {
  for (const [field, value] of Object.entries(values)) {
    $(id).querySelector(`[data-field="${field}"]`).textContent = value;
  }
}

/** The amount of v2 (`amount`) or v1 (`maxAmountRequired`) requirements, atomic units. */
const amountOf = (requirements) => requirements.amount ?? requirements.maxAmountRequired;

/** Atomic units in token units ("10000" with 6 decimals is "0.01 USDC"), when the token is configured. */
function formatAmount(atomic, asset) {
  const { symbol, decimals } = config.token ?? {};
  if (!Number.isInteger(decimals) || decimals < 0 || !/^\d+$/.test(atomic)) return `${atomic} atomic units of ${asset}`;
  const digits = atomic.padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return `${whole}${fraction ? `.${fraction}` : ""} ${symbol ?? asset}`;
}
