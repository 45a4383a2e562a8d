//! What the paywall page says: each offer of a 402 in plain words (token units and dollars, the
//! network's name), the client options that pay it and nothing more, the parameters a wallet
//! needs to add its chain, and a refusal as a sentence. The page itself is drawn by the glue.

use alloy_primitives::U256;
use serde::Serialize;
use serde_json::{json, Value};

use crate::asset;
use crate::network;
use crate::wire::v2;

/// One offer of a 402, as the paywall page shows and pays it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Offer {
    /// The network as people name it.
    pub network: String,
    /// The amount in token units with the ticker, or atomic units of an unknown token.
    pub amount: String,
    /// The amount in dollars, for the known (US-dollar) stablecoins.
    pub dollars: Option<String>,
    /// Who is paid.
    pub pay_to: String,
    /// The kind of browser wallet that pays it: `"evm"` (EIP-1193), `"solana"` (Wallet Standard).
    pub wallet: Option<&'static str>,
    /// The client options that pay this offer and nothing more: what the payer consents to by
    /// pressing the page's button.
    pub policy: Value,
    /// `wallet_addEthereumChain` parameters of its chain, for the public chains a wallet may lack.
    pub chain: Option<Value>,
}

impl Offer {
    /// `r` in words.
    pub fn of(r: &v2::PaymentRequirements) -> Offer {
        let mut policy = json!({
            "networks": [r.network],
            "schemes": [r.scheme],
            "maxTimeoutSeconds": r.max_timeout_seconds,
        });
        let (amount, dollars) = match asset::find(&r.network, &r.asset) {
            Some(a) => {
                // Every asset this crate knows is a US-dollar stablecoin.
                let decimal = units(r.amount, a.decimals);
                let amount = format!("{decimal} {}", a.symbol);
                let dollars = format!("${decimal}");
                policy["maxUsd"] = decimal.into();
                (amount, Some(dollars))
            }
            None => {
                policy["assets"] = json!([{"network": r.network, "asset": r.asset,
                    "maxAmount": r.amount.to_string()}]);
                (format!("{} atomic units of token {}", r.amount, r.asset), None)
            }
        };
        let chain_id = network::eip155_chain_id(&r.network).ok();
        let wallet = match chain_id {
            Some(_) => Some("evm"),
            None if network::to_caip2(&r.network).starts_with("solana:") => Some("solana"),
            None => None,
        };
        Offer {
            network: network_name(&r.network),
            amount,
            dollars,
            pay_to: r.pay_to.clone(),
            wallet,
            policy,
            chain: chain_id.and_then(known_chain),
        }
    }

    /// The price as one phrase: `$0.01 (0.01 USDC)`.
    pub fn price(&self) -> String {
        match &self.dollars {
            Some(d) => format!("{d} ({})", self.amount),
            None => self.amount.clone(),
        }
    }
}

/// Every offer of `terms`, in words.
pub fn describe(terms: &v2::PaymentRequired) -> Vec<Offer> {
    terms.accepts.iter().map(Offer::of).collect()
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
                // Legacy names are ASCII: no Unicode case tables are needed (they weigh 10 KB).
                let mut w = w.to_owned();
                if let Some(first) = w.get_mut(..1) {
                    first.make_ascii_uppercase();
                }
                w
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::PaymentRequired;

    fn terms(network: &str, asset: &str, amount: u64) -> v2::PaymentRequired {
        let required = PaymentRequired::from_json(&json!({
            "x402Version": 2,
            "error": "Payment required",
            "resource": {"url": "https://x.test/r", "description": "A report", "mimeType": "text/plain"},
            "accepts": [{"scheme": "exact", "network": network, "amount": amount.to_string(), "asset": asset,
                "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 60, "extra": {}}],
        })
        .to_string());
        match required.unwrap() {
            PaymentRequired::V2(r) => r,
            PaymentRequired::V1(_) => unreachable!("read as v2"),
        }
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
        let [offer] = describe(&terms("eip155:84532", usdc, 1000)).try_into().unwrap();
        assert_eq!(offer.price(), "$0.001 (0.001 USDC)");
        assert_eq!(offer.network, "Base Sepolia");
        assert_eq!(offer.wallet, Some("evm"));
        assert_eq!(offer.chain.unwrap()["chainName"], "Base Sepolia");
        assert_eq!(
            offer.policy,
            json!({"networks": ["eip155:84532"], "schemes": ["exact"],
            "maxTimeoutSeconds": 60, "maxUsd": "0.001"})
        );
        let token = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
        let [offer] = describe(&terms("eip155:31337", token, 7)).try_into().unwrap();
        assert_eq!(offer.price(), format!("7 atomic units of token {token}"));
        assert_eq!(offer.chain, None, "a local chain's parameters are the operator's to give");
        assert_eq!(
            offer.policy["assets"],
            json!([{"network": "eip155:31337", "asset": token, "maxAmount": "7"}])
        );
        let [offer] =
            describe(&terms("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", "x", 1)).try_into().unwrap();
        assert_eq!(offer.wallet, Some("solana"));
        let [offer] = describe(&terms("casper:casper-test", "x", 1)).try_into().unwrap();
        assert_eq!(offer.wallet, None);
    }

    #[test]
    fn refusals_read_as_sentences_with_their_code() {
        let m = failure_message("invalid_exact_evm_insufficient_balance");
        assert!(m.starts_with("Your wallet does not hold enough"), "{m}");
        assert!(m.ends_with("(invalid_exact_evm_insufficient_balance)"));
        assert!(failure_message("something_new").starts_with("The server refused"));
    }
}
