// The paywall page's script, bundled into one file at build time and served by the middleware
// beside the wasm. It finds the browser's wallets (EIP-6963 announcements, then window.ethereum),
// connects one, pays the page's own URL through wrapFetchWithPayment (whose injected signer
// switches the wallet to the payment's chain, adding it when the wallet lacks it), and shows what
// was bought. The terms and their words come from the page (rendered in wasm on the server).
import init, { paywallMessage, outcomeOpen } from "../x402_wasm.js";
import { wrapFetchWithPayment, injectedWalletSigner, decodePaymentResponse } from "../client.js";
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
// The offer an injected wallet pays (the client picks the same one: the first EVM offer).
const offer = config.offers.find((o) => o.injected);
const price = offer ? (offer.dollars ?? offer.amount) : "";

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
  if (icon) {
    const img = document.createElement("img");
    img.src = icon;
    img.alt = "";
    b.append(img);
  }
  b.append(label);
  return b;
}

// Wallets, as they announce themselves.
const wallets = [];
let connected = null;

function addWallet(info, provider) {
  if (typeof provider?.request !== "function" || wallets.some((w) => w.provider === provider)) return;
  const wallet = { name: String(info?.name || "Browser wallet"), provider };
  wallets.push(wallet);
  const b = button(`Connect ${wallet.name}`, typeof info?.icon === "string" ? info.icon : null);
  b.addEventListener("click", () => connect(wallet));
  ui.wallets.append(b);
}

window.addEventListener("eip6963:announceProvider", (e) => addWallet(e.detail?.info, e.detail?.provider));
window.dispatchEvent(new Event("eip6963:requestProvider"));

/** What the status line says while the wallet is asked `method`. */
const ASKING = {
  wallet_switchEthereumChain: (w) => `Switch ${w} to ${offer.network} when it asks…`,
  wallet_addEthereumChain: (w) => `Add ${offer.network} to ${w} when it asks…`,
  eth_signTypedData_v4: (w) => `Sign the payment of ${price} in ${w}…`,
};

/** The wallet's EIP-1193 provider, remembering the last method asked (to word a refusal) and
 * saying what the wallet is about to ask the user. */
function watched(wallet) {
  const seen = { method: null };
  return {
    seen,
    provider: {
      request(args) {
        seen.method = args?.method ?? null;
        const asking = ASKING[seen.method];
        if (asking) say(asking(wallet.name));
        return wallet.provider.request(args);
      },
    },
  };
}

async function connect(wallet) {
  busy(true);
  say(`Connecting to ${wallet.name}…`);
  try {
    const [address] = await wallet.provider.request({ method: "eth_requestAccounts" });
    if (typeof address !== "string") throw new Error("the wallet named no account");
    await ready;
    const { seen, provider } = watched(wallet);
    const signer = injectedWalletSigner(provider, { address, chains: config.chains });
    // One wrapper per connection: a payment whose outcome stays open is sent again, never re-signed.
    // Its policy pays the offer shown and nothing else (the page's terms are what the user accepts).
    connected = { wallet, address, seen, pay: wrapFetchWithPayment(fetch, signer, offer.policy) };
    ui.account.textContent = `Connected to ${wallet.name} as ${address}`;
    ui.account.hidden = false;
    ui.button.textContent = `Pay ${price} on ${offer.network}`;
    ui.button.hidden = false;
    say("");
    ui.button.focus();
  } catch (e) {
    if (e?.code === 4001) say(`You declined to connect ${wallet.name}. Choose a wallet to try again.`, "error");
    else say(`${wallet.name} could not connect: ${e?.message ?? e}`, "error");
  } finally {
    busy(false);
  }
}

/** The words for an error thrown on the way to a payment (the wallet's or the client's). */
function failure(e, seen) {
  const switching = seen.method === "wallet_switchEthereumChain" || seen.method === "wallet_addEthereumChain";
  if (e?.code === Code.UserRejected) {
    if (switching) return `You declined to switch your wallet to ${offer.network}. Nothing was paid.`;
    return "You declined to sign the payment. Nothing was paid.";
  }
  if (switching) return `Your wallet could not switch to ${offer.network}: ${e.message}. Nothing was paid.`;
  return `The payment could not be made: ${e?.message ?? e}. Nothing was paid.`;
}

async function pay() {
  const { seen } = connected;
  busy(true);
  say(`Confirm the payment of ${price} in ${connected.wallet.name}…`);
  let response;
  try {
    response = await connected.pay(location.href, { headers: { accept: config.terms.resource.mimeType || "*/*" } });
  } catch (e) {
    busy(false);
    return say(failure(e, seen), "error");
  }
  busy(false);
  const headers = (name) => response.headers.get(name);
  if (response.ok) return show(response);
  if (outcomeOpen(response.status, headers)) {
    return say(
      "The payment was sent but its settlement has no final answer yet. Press Pay again: the same payment is sent, not a new one.",
      "error",
    );
  }
  say(paywallMessage(headers) ?? `The server answered ${response.status} ${response.statusText}. Nothing was served.`, "error");
}

/** Shows the paid response: an HTML page replaces this one; anything else is shown here. */
async function show(response) {
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
  paid.textContent = `Paid ${price} on ${offer.network}` + (receipt?.transaction ? `, transaction ${receipt.transaction}.` : ".");
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
if (!offer) {
  say("No way to pay here works with a browser wallet: pay with an x402 client.", "error");
} else {
  // A wallet that sets only window.ethereum is offered once the announcements have had their turn.
  setTimeout(() => {
    if (window.ethereum && !wallets.some((w) => w.provider === window.ethereum)) addWallet(null, window.ethereum);
    if (wallets.length === 0) say("No wallet found in this browser. Install a wallet, or pay with an x402 client.", "error");
  }, 150);
}
