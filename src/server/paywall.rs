//! The page a browser gets for a paid route it has not paid: the terms in plain words, rendered
//! here so they read without a script, and the page script (served by the middleware beside the
//! wasm) that connects a wallet, switches its chain, pays, and shows what was bought.

use alloy_primitives::U256;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::asset;
use crate::error::{Error, Result};
use crate::network;
use crate::wire::v2;

/// The default page's options (`paywall` in the middleware options).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Paywall {
    /// The site's name, in the title and above the terms.
    #[serde(default)]
    app_name: Option<String>,
    /// A logo's URL, shown beside the name.
    #[serde(default)]
    app_logo: Option<String>,
    /// The accent colour of buttons and links: `#rgb` or `#rrggbb`.
    #[serde(default)]
    accent: Option<String>,
    /// The page script's URL (the wasm is fetched beside it); without one the page has no script.
    #[serde(default)]
    script: Option<String>,
    /// `wallet_addEthereumChain` parameters by CAIP-2 network, for wallets that lack a chain.
    #[serde(default)]
    chains: Map<String, Value>,
}

impl Paywall {
    /// Refuses what the page could not show safely.
    pub fn checked(self) -> Result<Paywall> {
        if let Some(accent) = &self.accent {
            let hex = accent.strip_prefix('#').unwrap_or("");
            if !matches!(hex.len(), 3 | 6) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::InvalidArgument(format!(
                    "paywall options: accent {accent:?} is not a #rgb or #rrggbb colour"
                )));
            }
        }
        Ok(self)
    }

    /// The page for `terms`.
    pub fn page(&self, terms: &v2::PaymentRequired) -> String {
        let app = self.app_name.as_deref().filter(|n| !n.is_empty());
        let what = terms
            .resource
            .description
            .as_deref()
            .filter(|d| !d.is_empty())
            .unwrap_or(&terms.resource.url);
        let offers: Vec<Offer> = terms.accepts.iter().map(Offer::of).collect();
        let mut html = String::with_capacity(4096);
        html.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.push_str("<meta name=\"robots\" content=\"noindex\">\n");
        html.push_str(&format!(
            "<title>Payment required{}</title>\n",
            app.map(|a| format!(" · {}", escape(a))).unwrap_or_default()
        ));
        html.push_str(&style(self.accent.as_deref().unwrap_or("#1d4ed8")));
        html.push_str("</head>\n<body>\n<main id=\"x402-paywall\">\n");
        if app.is_some() || self.app_logo.is_some() {
            html.push_str("<header>");
            if let Some(logo) = &self.app_logo {
                let alt = app.map(|a| format!("{a} logo")).unwrap_or_else(|| "Logo".into());
                html.push_str(&format!(
                    "<img src=\"{}\" alt=\"{}\" width=\"40\" height=\"40\">",
                    escape(logo),
                    escape(&alt)
                ));
            }
            if let Some(app) = app {
                html.push_str(&format!("<span>{}</span>", escape(app)));
            }
            html.push_str("</header>\n");
        }
        html.push_str("<h1>Payment required</h1>\n");
        html.push_str(&format!("<p class=\"what\">{}</p>\n", escape(what)));
        match offers.as_slice() {
            [] => html.push_str("<p>This resource names no way to pay.</p>\n"),
            [first, rest @ ..] => {
                html.push_str(&first.terms_list());
                if !rest.is_empty() {
                    html.push_str("<details><summary>Other ways to pay</summary><ul>\n");
                    for offer in rest {
                        html.push_str(&format!("<li>{}</li>\n", offer.sentence()));
                    }
                    html.push_str("</ul></details>\n");
                }
            }
        }
        html.push_str(concat!(
            "<section id=\"x402-pay\" aria-labelledby=\"x402-pay-title\" hidden>\n",
            "<h2 id=\"x402-pay-title\">Pay with your wallet</h2>\n",
            "<div id=\"x402-wallets\" class=\"wallets\"></div>\n",
            "<p id=\"x402-account\" hidden></p>\n",
            "<button id=\"x402-pay-button\" type=\"button\" hidden></button>\n",
            "<p id=\"x402-status\" role=\"status\" aria-live=\"polite\"></p>\n",
            "</section>\n",
            "<section id=\"x402-content\" aria-label=\"Paid content\" tabindex=\"-1\" hidden></section>\n",
            "<noscript><p>This page pays through a script. Without one, pay with an x402 client, ",
            "such as <code>wrapFetchWithPayment</code> from x402-wasm.</p></noscript>\n",
            "</main>\n",
        ));
        if let Some(script) = &self.script {
            let config = Config {
                terms,
                offers: offers.iter().map(Offer::json).collect(),
                chains: self.chains_for(terms),
            };
            html.push_str(&format!(
                "<script type=\"application/json\" id=\"x402-config\">{}</script>\n",
                script_json(&config)
            ));
            html.push_str(&format!(
                "<script type=\"module\" src=\"{}\"></script>\n",
                escape(script)
            ));
        }
        html.push_str("</body>\n</html>\n");
        html
    }

    /// The `wallet_addEthereumChain` parameters of the EVM networks in `terms`: the operator's,
    /// else the known public ones.
    fn chains_for(&self, terms: &v2::PaymentRequired) -> Map<String, Value> {
        let mut out = Map::new();
        for r in &terms.accepts {
            let Ok(id) = network::eip155_chain_id(&r.network) else { continue };
            let given = self.chains.get(&r.network).or_else(|| self.chains.get(&id.to_string()));
            if let Some(params) = given.cloned().or_else(|| known_chain(id)) {
                out.insert(r.network.clone(), params);
            }
        }
        out
    }
}

/// One offer, in words.
struct Offer {
    network: String,
    amount: String,
    dollars: Option<String>,
    pay_to: String,
    /// Whether an injected EIP-1193 wallet pays it (an EVM network).
    injected: bool,
    /// The client options that pay this offer and nothing more: what the payer consents to by
    /// pressing the page's button.
    policy: Value,
}

impl Offer {
    fn of(r: &v2::PaymentRequirements) -> Offer {
        let known = asset::find(&r.network, &r.asset);
        let amount = match known {
            Some(a) => format!("{} {}", units(r.amount, a.decimals), a.symbol),
            None => format!("{} atomic units of token {}", r.amount, r.asset),
        };
        // Every asset this crate knows is a US-dollar stablecoin.
        let dollars = known.map(|a| format!("${}", units(r.amount, a.decimals)));
        let mut policy = json!({
            "networks": [r.network],
            "schemes": [r.scheme],
            "maxTimeoutSeconds": r.max_timeout_seconds,
        });
        match known {
            Some(a) => policy["maxUsd"] = units(r.amount, a.decimals).into(),
            None => {
                policy["assets"] = json!([{"network": r.network, "asset": r.asset,
                    "maxAmount": r.amount.to_string()}]);
            }
        }
        Offer {
            network: network_name(&r.network),
            amount,
            dollars,
            pay_to: r.pay_to.clone(),
            injected: network::eip155_chain_id(&r.network).is_ok(),
            policy,
        }
    }

    fn price(&self) -> String {
        match &self.dollars {
            Some(d) => format!("{} ({})", escape(d), escape(&self.amount)),
            None => escape(&self.amount),
        }
    }

    fn terms_list(&self) -> String {
        format!(
            "<dl class=\"terms\">\n<dt>Price</dt><dd id=\"x402-price\">{}</dd>\n<dt>Network</dt><dd>{}</dd>\n<dt>Paid to</dt><dd><code>{}</code></dd>\n</dl>\n",
            self.price(),
            escape(&self.network),
            escape(&self.pay_to)
        )
    }

    fn sentence(&self) -> String {
        format!(
            "{} on {}, to <code>{}</code>",
            self.price(),
            escape(&self.network),
            escape(&self.pay_to)
        )
    }

    fn json(&self) -> Value {
        json!({"network": self.network, "amount": self.amount, "dollars": self.dollars,
            "injected": self.injected, "policy": self.policy})
    }
}

/// `amount` atomic units of a `decimals`-place token, as a decimal without trailing zeros.
fn units(amount: U256, decimals: u8) -> String {
    let digits = amount.to_string();
    let places = usize::from(decimals);
    if places == 0 {
        return digits;
    }
    let padded = format!("{digits:0>width$}", width = places + 1);
    let (int, frac) = padded.split_at(padded.len() - places);
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int.to_owned()
    } else {
        format!("{int}.{frac}")
    }
}

/// A network as people name it: `eip155:84532` is "Base Sepolia".
pub fn network_name(network: &str) -> String {
    let caip2 = network::to_caip2(network);
    let name = match caip2.as_ref() {
        "casper:casper" => return "Casper".into(),
        "casper:casper-test" => return "Casper Testnet".into(),
        n => network::caip2_to_legacy(n),
    };
    match name {
        Some(legacy) => legacy
            .split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(" "),
        None => match network::eip155_chain_id(&caip2) {
            Ok(id) => format!("EVM chain {id}"),
            Err(_) => caip2.into_owned(),
        },
    }
}

/// Public parameters of the chains a stock wallet may lack.
fn known_chain(id: u64) -> Option<Value> {
    let (name, rpc, explorer) = match id {
        8453 => ("Base", "https://mainnet.base.org", "https://basescan.org"),
        84_532 => ("Base Sepolia", "https://sepolia.base.org", "https://sepolia.basescan.org"),
        43_114 => {
            ("Avalanche C-Chain", "https://api.avax.network/ext/bc/C/rpc", "https://snowtrace.io")
        }
        43_113 => (
            "Avalanche Fuji",
            "https://api.avax-test.network/ext/bc/C/rpc",
            "https://testnet.snowtrace.io",
        ),
        137 => ("Polygon", "https://polygon-rpc.com", "https://polygonscan.com"),
        42_161 => ("Arbitrum One", "https://arb1.arbitrum.io/rpc", "https://arbiscan.io"),
        _ => return None,
    };
    let symbol = match id {
        43_114 | 43_113 => "AVAX",
        137 => "POL",
        _ => "ETH",
    };
    Some(json!({
        "chainName": name,
        "rpcUrls": [rpc],
        "nativeCurrency": {"name": symbol, "symbol": symbol, "decimals": 18},
        "blockExplorerUrls": [explorer],
    }))
}

/// What a payer is told when the server refused its payment for `reason` (a facilitator's or
/// this crate's code): a sentence for the page, with the code.
pub fn failure_message(reason: &str) -> String {
    let has = |w: &str| reason.contains(w);
    let sentence = if has("insufficient_balance") || has("insufficient_funds") {
        "Your wallet does not hold enough of the token for this payment. Nothing was paid."
    } else if has("expired") || has("valid_before") || has("deadline") {
        "The payment expired before it reached the server. Nothing was paid; try again."
    } else if has("nonce") {
        "This payment was already used. Nothing more was paid; try again."
    } else if has("signature") {
        "The server could not verify the signature your wallet made. Nothing was paid."
    } else if has("settle") || has("transaction") || has("simulation") {
        "The payment could not be settled on chain. Nothing was paid."
    } else {
        "The server refused the payment. Nothing was paid."
    };
    format!("{sentence} ({reason})")
}

/// `value` as JSON that is safe inside a `<script>` element: no `<`, `>` or `&` (JSON has them
/// only inside strings, where `\u003c` reads the same).
fn script_json(value: &impl Serialize) -> String {
    // Plain data serializes without fail.
    let json = serde_json::to_string(value).unwrap_or_default();
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// What the page script reads: the terms, each offer in words, the chains a wallet may add.
#[derive(Serialize)]
struct Config<'a> {
    terms: &'a v2::PaymentRequired,
    offers: Vec<Value>,
    chains: Map<String, Value>,
}

/// `s` as HTML text or a quoted attribute value.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' | '<' | '>' | '"' | '\'' => out.push_str(&format!("&#{};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// The page's styles: readable on a phone, contrast above WCAG AA for text, `accent` on buttons.
fn style(accent: &str) -> String {
    format!(
        concat!(
            "<style>\n",
            ":root{{--accent:{};color-scheme:light}}\n",
            "*{{box-sizing:border-box}}[hidden]{{display:none!important}}\n",
            "body{{margin:0;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",sans-serif;color:#111827;background:#f3f4f6}}\n",
            "main{{max-width:34rem;margin:0 auto;padding:1.5rem 1rem;overflow-wrap:anywhere}}\n",
            "header{{display:flex;align-items:center;gap:.75rem;font-weight:600}}\n",
            "header img{{border-radius:8px}}\n",
            "h1{{font-size:1.6rem;margin:.75rem 0 .25rem}}\n",
            "h2{{font-size:1.1rem;margin:1.5rem 0 .5rem}}\n",
            ".what{{color:#374151;margin-top:0}}\n",
            ".terms{{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;background:#fff;border:1px solid #d1d5db;border-radius:12px;padding:1rem;margin:1rem 0}}\n",
            ".terms dt{{color:#4b5563}}.terms dd{{margin:0;font-weight:600;overflow-wrap:anywhere}}\n",
            "code{{font:.9em ui-monospace,monospace;overflow-wrap:anywhere}}\n",
            ".wallets{{display:flex;flex-direction:column;gap:.5rem}}\n",
            "button{{font:inherit;min-height:44px;padding:.6rem 1rem;border-radius:10px;border:2px solid var(--accent);background:#fff;color:var(--accent);cursor:pointer;text-align:left;display:flex;align-items:center;gap:.5rem}}\n",
            "button img{{width:24px;height:24px}}\n",
            "#x402-pay-button{{background:var(--accent);color:#fff;width:100%;justify-content:center;font-weight:600;margin-top:.75rem}}\n",
            "button:disabled{{opacity:.6;cursor:progress}}\n",
            "button:focus-visible,#x402-content:focus-visible{{outline:3px solid #f59e0b;outline-offset:2px}}\n",
            "#x402-status{{min-height:1.5em}}\n",
            "#x402-status[data-kind=error]{{color:#b91c1c;font-weight:600}}\n",
            "#x402-content pre{{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid #d1d5db;border-radius:12px;padding:1rem}}\n",
            "</style>\n"
        ),
        accent
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(network: &str, asset: &str, amount: u64) -> v2::PaymentRequired {
        serde_json::from_value(json!({
            "x402Version": 2,
            "error": "Payment required",
            "resource": {"url": "https://x.test/r", "description": "A <b>report</b>", "mimeType": "text/plain"},
            "accepts": [{"scheme": "exact", "network": network, "amount": amount.to_string(), "asset": asset,
                "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 60, "extra": {}}],
        }))
        .unwrap()
    }

    #[test]
    fn amounts_read_in_token_units() {
        assert_eq!(units(U256::from(1000u64), 6), "0.001");
        assert_eq!(units(U256::from(1_500_000u64), 6), "1.5");
        assert_eq!(units(U256::from(2_000_000u64), 6), "2");
        assert_eq!(units(U256::ZERO, 6), "0");
        assert_eq!(units(U256::from(7u64), 0), "7");
        assert_eq!(units(U256::from(10u64).pow(U256::from(18u64)), 18), "1");
    }

    #[test]
    fn networks_read_as_people_name_them() {
        assert_eq!(network_name("eip155:84532"), "Base Sepolia");
        assert_eq!(network_name("base"), "Base");
        assert_eq!(network_name("eip155:31337"), "EVM chain 31337");
        assert_eq!(network_name("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"), "Solana Devnet");
        assert_eq!(network_name("casper:casper-test"), "Casper Testnet");
    }

    #[test]
    fn a_known_stablecoin_shows_dollars_and_an_unknown_token_its_atomic_amount() {
        let usdc = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
        let page = Paywall::default().page(&terms("eip155:84532", usdc, 1000));
        assert!(page.contains("$0.001 (0.001 USDC)"), "{page}");
        assert!(page.contains("<dd>Base Sepolia</dd>"));
        assert!(page.contains("A &#60;b&#62;report&#60;/b&#62;"), "the description is text");
        assert!(!page.contains("<script"), "no script without its URL");
        let page = Paywall::default().page(&terms(
            "eip155:31337",
            "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            7,
        ));
        assert!(page.contains("7 atomic units of token 0x5FbDB2315678afecb367f032d93F642f64180aa3"));
    }

    #[test]
    fn the_config_cannot_close_its_script_element() {
        let mut t = terms("eip155:84532", "0x036CbD53842c5426634e7929541eC2318f3dCF7e", 1);
        t.resource.url = "https://x.test/</script><script>alert(1)</script>".into();
        let paywall = Paywall { script: Some("/__x402/p.js".into()), ..Paywall::default() };
        let page = paywall.page(&t);
        let config =
            page.split("id=\"x402-config\">").nth(1).unwrap().split("</script>").next().unwrap();
        let back: Value = serde_json::from_str(config).unwrap();
        assert_eq!(back["terms"]["resource"]["url"], t.resource.url.as_str());
        assert_eq!(back["chains"]["eip155:84532"]["chainName"], "Base Sepolia");
        assert!(page.contains("<script type=\"module\" src=\"/__x402/p.js\"></script>"));
    }

    #[test]
    fn options_are_checked() {
        let read = |v: Value| serde_json::from_value::<Paywall>(v).map_err(|e| e.to_string());
        let ok = read(json!({"appName": "Acme", "accent": "#0a7"})).unwrap().checked().unwrap();
        assert_eq!(ok.app_name.as_deref(), Some("Acme"));
        for bad in [json!({"accent": "red;}body{display:none"}), json!({"accent": "#12"})] {
            assert!(read(bad).unwrap().checked().is_err());
        }
        assert!(read(json!({"colour": "#fff"})).is_err(), "unknown options are refused");
    }

    #[test]
    fn refusals_read_as_sentences_with_their_code() {
        let m = failure_message("invalid_exact_evm_insufficient_balance");
        assert!(m.starts_with("Your wallet does not hold enough"), "{m}");
        assert!(m.ends_with("(invalid_exact_evm_insufficient_balance)"));
        assert!(failure_message("something_new").starts_with("The server refused"));
    }
}
