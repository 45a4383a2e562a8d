// The paywall page's script, bundled into one file at build time and served by the middleware
// beside the wasm. It finds the browser's wallets (EIP-6963 announcements and window.ethereum for
// EVM offers, the Wallet Standard for Solana offers), connects one, pays the page's own URL through
// wrapFetchWithPayment (whose EVM signer switches the wallet to the payment's chain, adding it when
// the wallet lacks it), and shows what was bought. The terms and their words are in the page.
import init, { paywallMessage, outcomeOpen } from "../x402_wasm.js";
import { wrapFetchWithPayment, injectedWalletSigner, injectedSolanaWalletSigner, decodePaymentResponse } from "../client.js";
import { Code } from "../errors.js";

const $ = (id) => document.getElementById(id);
const config = JSON.parse($("x402-config").textContent);
const ui = {
  pay: $("x402-pay"),
  wallets: $("x402-wallets"),
  account: $("x402-account"),
  button: $("x402-pay-button"),
  status: $("x402-status"),
  content: $("x402-content"),
};
const ready = init({ module_or_path: new URL("x402_wasm_bg.wasm", import.meta.url) });
/** The offer a kind of wallet pays: the first one it can (the client, given that offer's policy, picks it). */
const offerFor = (kind) => config.offers.find((o) => o.wallet === kind);
const priceOf = (offer) => offer.dollars ?? offer.amount;

/** Writes the status line; `kind` "error" marks a failure. */
function say(text, kind = "info") {
  ui.status.textContent = text;
  ui.status.dataset.kind = kind;
}

/** Disables every button while a wallet or the server is being waited for. */
function busy(on) {
  for (const b of ui.pay.querySelectorAll("button")) b.disabled = on;
}

/** A button holding an optional icon and a label (no HTML from a wallet reaches the page). */
function button(label, icon) {
  const b = document.createElement("button");
  b.type = "button";
  if (typeof icon === "string" && /^(data:image\/|https:)/.test(icon)) {
    const img = document.createElement("img");
    img.src = icon;
    img.alt = "";
    b.append(img);
  }
  b.append(label);
  return b;
}

// Wallets, as they announce themselves: {kind, name, handle} (an EIP-1193 provider or a Wallet
// Standard wallet), offered only when some offer is theirs to pay.
const wallets = [];
let connected = null;

function addWallet(kind, name, icon, handle) {
  if (!offerFor(kind) || wallets.some((w) => w.handle === handle)) return;
  const wallet = { kind, name: String(name || "Browser wallet"), handle };
  wallets.push(wallet);
  const b = button(`Connect ${wallet.name}`, icon);
  b.addEventListener("click", () => connect(wallet));
  ui.wallets.append(b);
}

window.addEventListener("eip6963:announceProvider", (e) => {
  const { info, provider } = e.detail ?? {};
  if (typeof provider?.request === "function") addWallet("evm", info?.name, info?.icon, provider);
});
window.dispatchEvent(new Event("eip6963:requestProvider"));

const registerStandard = (...list) => {
  for (const w of list) if (w?.features?.["solana:signTransaction"]) addWallet("solana", w.name, w.icon, w);
  return () => {};
};
const standardApi = Object.freeze({ register: registerStandard });
window.addEventListener("wallet-standard:register-wallet", (e) => e.detail?.(standardApi));
window.dispatchEvent(new CustomEvent("wallet-standard:app-ready", { detail: standardApi }));

/** What the status line says while an EIP-1193 wallet is asked `method`. */
const ASKING = {
  wallet_switchEthereumChain: (w, o) => `Switch ${w} to ${o.network} when it asks…`,
  wallet_addEthereumChain: (w, o) => `Add ${o.network} to ${w} when it asks…`,
  eth_signTypedData_v4: (w, o) => `Sign the payment of ${priceOf(o)} in ${w}…`,
};

/** The wallet's EIP-1193 provider, remembering the last method asked (to word a refusal) and
 * saying what the wallet is about to ask the user. */
function watched(wallet, offer, seen) {
  return {
    request(args) {
      seen.method = args?.method ?? null;
      const asking = ASKING[seen.method];
      if (asking) say(asking(wallet.name, offer));
      return wallet.handle.request(args);
    },
  };
}

const declined = (e) => e?.code === 4001 || /reject/i.test(`${e?.name} ${e?.message}`);

/** The account `wallet` connects, and a signer over it for `offer`. */
async function account(wallet, offer, seen) {
  if (wallet.kind === "evm") {
    const [address] = await wallet.handle.request({ method: "eth_requestAccounts" });
    if (typeof address !== "string") throw new Error("the wallet named no account");
    await ready;
    const chains = config.chains;
    return { address, signer: injectedWalletSigner(watched(wallet, offer, seen), { address, chains }) };
  }
  const connect = wallet.handle.features["standard:connect"];
  const accounts = wallet.handle.accounts?.length ? wallet.handle.accounts : ((await connect?.connect())?.accounts ?? []);
  const address = accounts[0]?.address;
  if (typeof address !== "string") throw new Error("the wallet named no account");
  await ready;
  const rpcUrl = config.chains[config.terms.accepts[config.offers.indexOf(offer)].network]?.rpcUrls?.[0];
  return { address, signer: injectedSolanaWalletSigner(wallet.handle, { address, rpcUrl }) };
}

async function connect(wallet) {
  busy(true);
  say(`Connecting to ${wallet.name}…`);
  try {
    const offer = offerFor(wallet.kind);
    const seen = { method: null };
    const { address, signer } = await account(wallet, offer, seen);
    // One wrapper per connection: a payment whose outcome stays open is sent again, never re-signed.
    // Its policy pays the offer shown and nothing else (the page's terms are what the user accepts).
    connected = { wallet, offer, seen, pay: wrapFetchWithPayment(fetch, signer, offer.policy) };
    ui.account.textContent = `Connected to ${wallet.name} as ${address}`;
    ui.account.hidden = false;
    ui.button.textContent = `Pay ${priceOf(offer)} on ${offer.network}`;
    ui.button.hidden = false;
    say("");
    ui.button.focus();
  } catch (e) {
    if (declined(e)) say(`You declined to connect ${wallet.name}. Choose a wallet to try again.`, "error");
    else say(`${wallet.name} could not connect: ${e?.message ?? e}`, "error");
  } finally {
    busy(false);
  }
}

/** The words for an error thrown on the way to a payment (the wallet's or the client's). */
function failure(e, { offer, seen }) {
  const switching = seen.method === "wallet_switchEthereumChain" || seen.method === "wallet_addEthereumChain";
  if (e?.code === Code.UserRejected) {
    if (switching) return `You declined to switch your wallet to ${offer.network}. Nothing was paid.`;
    return "You declined to sign the payment. Nothing was paid.";
  }
  if (switching) return `Your wallet could not switch to ${offer.network}: ${e.message}. Nothing was paid.`;
  return `The payment could not be made: ${e?.message ?? e}. Nothing was paid.`;
}

async function pay() {
  busy(true);
  const { wallet, offer } = connected;
  say(`Confirm the payment of ${priceOf(offer)} in ${wallet.name}…`);
  let response;
  try {
    response = await connected.pay(location.href, { headers: { accept: config.terms.resource.mimeType || "*/*" } });
  } catch (e) {
    busy(false);
    return say(failure(e, connected), "error");
  }
  busy(false);
  const headers = (name) => response.headers.get(name);
  if (response.ok) return show(response, offer);
  if (outcomeOpen(response.status, headers)) {
    return say(
      "The payment was sent but its settlement has no final answer yet. Press Pay again: the same payment is sent, not a new one.",
      "error",
    );
  }
  say(paywallMessage(headers) ?? `The server answered ${response.status} ${response.statusText}. Nothing was served.`, "error");
}

/** Shows the paid response: an HTML page replaces this one; anything else is shown here. */
async function show(response, offer) {
  const receipt = decodePaymentResponse(response);
  try {
    sessionStorage.setItem("x402-receipt", JSON.stringify({ url: location.href, receipt }));
  } catch {
    // Storage may be off; the receipt is still on the page.
  }
  const type = (response.headers.get("content-type") ?? "").toLowerCase();
  if (type.includes("text/html")) {
    const html = await response.text();
    document.open();
    document.write(html);
    document.close();
    return;
  }
  ui.pay.hidden = true;
  document.querySelector("h1").textContent = "Paid";
  document.title = "Paid";
  const paid = document.createElement("p");
  paid.id = "x402-receipt";
  paid.textContent = `Paid ${priceOf(offer)} on ${offer.network}` + (receipt?.transaction ? `, transaction ${receipt.transaction}.` : ".");
  ui.content.replaceChildren(paid);
  if (/json|^text\/|xml|javascript/.test(type)) {
    let text = await response.text();
    if (type.includes("json")) {
      try {
        text = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // Not JSON after all: shown as it came.
      }
    }
    const pre = document.createElement("pre");
    pre.textContent = text;
    ui.content.append(pre);
  } else {
    const url = URL.createObjectURL(await response.blob());
    if (type.startsWith("image/")) {
      const img = document.createElement("img");
      img.src = url;
      img.alt = config.terms.resource.description || "The paid image";
      img.style.maxWidth = "100%";
      ui.content.append(img);
    }
    const link = document.createElement("a");
    link.href = url;
    link.download = new URL(location.href).pathname.split("/").pop() || "download";
    link.textContent = "Download what you paid for";
    ui.content.append(link);
  }
  say("");
  ui.content.hidden = false;
  ui.content.focus();
}

ui.button.addEventListener("click", pay);
ui.pay.hidden = false;
if (!offerFor("evm") && !offerFor("solana")) {
  say("No way to pay here works with a browser wallet: pay with an x402 client.", "error");
} else {
  // A wallet that sets only window.ethereum is offered once the announcements have had their turn.
  setTimeout(() => {
    if (typeof window.ethereum?.request === "function") addWallet("evm", null, null, window.ethereum);
    if (wallets.length === 0) say("No wallet found in this browser. Install a wallet, or pay with an x402 client.", "error");
  }, 150);
}
