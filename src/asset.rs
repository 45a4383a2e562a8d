//! Known tokens per network, and money (`"$0.01"`) to atomic units.
//!
//! [`ASSETS`] is data: the reference's default-asset table (the first entry of a network is the
//! asset a money price converts to) plus tokens of facilitators this crate serves (USDT0 on Plasma).
//! Each entry carries what signing needs: the EIP-712 `name`/`version` and the decimals.

use alloy_primitives::U256;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::network;

/// How a token is moved by the `exact` scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferMethod {
    /// EIP-3009 `transferWithAuthorization` (USDC, USDT0).
    Eip3009,
    /// Permit2 `permitWitnessTransferFrom` through the x402 proxy.
    Permit2,
    /// Solana: `TransferChecked` of the SPL Token program.
    SplToken,
    /// Solana: `TransferChecked` of the Token-2022 program.
    Token2022,
}

impl TransferMethod {
    /// The wire value of `extra.assetTransferMethod`.
    pub fn as_str(self) -> &'static str {
        match self {
            TransferMethod::Eip3009 => "eip3009",
            TransferMethod::Permit2 => "permit2",
            TransferMethod::SplToken => "spl-token",
            TransferMethod::Token2022 => "token-2022",
        }
    }
}

/// A token this crate knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    /// CAIP-2 network.
    pub network: &'static str,
    /// Contract address, EIP-55 checksummed (on Solana the mint, base58).
    pub address: &'static str,
    /// EIP-712 domain `name` (empty on Solana).
    pub name: &'static str,
    /// EIP-712 domain `version` (empty on Solana).
    pub version: &'static str,
    /// Decimals of the atomic unit.
    pub decimals: u8,
    /// Ticker, used to pick a non-default asset by a price such as `"1.50 USDT"`.
    pub symbol: &'static str,
    /// How the `exact` scheme moves it.
    pub transfer: TransferMethod,
    /// Whether it implements EIP-2612 `permit` (matters only for Permit2 tokens).
    pub eip2612: bool,
}

impl Asset {
    /// The `extra` a requirement for this asset carries, as the reference server builds it:
    /// `{name, version}` unless it is a Permit2 token without EIP-2612, plus `assetTransferMethod`
    /// for Permit2 tokens; nothing for a Solana mint (its server adds the facilitator's fee payer).
    pub fn extra(&self) -> Map<String, Value> {
        let mut extra = Map::new();
        if self.transfer == TransferMethod::Eip3009 || self.eip2612 {
            extra.insert("name".into(), self.name.into());
            extra.insert("version".into(), self.version.into());
        }
        if self.transfer == TransferMethod::Permit2 {
            extra.insert("assetTransferMethod".into(), self.transfer.as_str().into());
        }
        extra
    }
}

const fn usd(
    network: &'static str,
    address: &'static str,
    name: &'static str,
    version: &'static str,
    symbol: &'static str,
) -> Asset {
    Asset {
        network,
        address,
        name,
        version,
        decimals: 6,
        symbol,
        transfer: TransferMethod::Eip3009,
        eip2612: false,
    }
}

const fn spl(
    network: &'static str,
    address: &'static str,
    symbol: &'static str,
    transfer: TransferMethod,
) -> Asset {
    Asset { network, address, name: "", version: "", decimals: 6, symbol, transfer, eip2612: false }
}

const SOLANA: &str = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp";
const SOLANA_DEVNET: &str = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
const SOLANA_TESTNET: &str = "solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z";

const fn permit2(
    network: &'static str,
    address: &'static str,
    name: &'static str,
    decimals: u8,
    symbol: &'static str,
    eip2612: bool,
) -> Asset {
    Asset {
        network,
        address,
        name,
        version: "1",
        decimals,
        symbol,
        transfer: TransferMethod::Permit2,
        eip2612,
    }
}

/// Every known token. The first entry of each network is its default asset.
pub const ASSETS: &[Asset] = &[
    usd("eip155:8453", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913", "USD Coin", "2", "USDC"),
    usd("eip155:84532", "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "USDC", "2", "USDC"),
    usd("eip155:1", "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", "USD Coin", "2", "USDC"),
    usd("eip155:43114", "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E", "USD Coin", "2", "USDC"),
    usd("eip155:43113", "0x5425890298aed601595a70AB815c96711a31Bc65", "USD Coin", "2", "USDC"),
    permit2(
        "eip155:4326",
        "0xFAfDdbb3FC7688494971a79cc65DCa3EF82079E7",
        "MegaUSD",
        18,
        "MegaUSD",
        true,
    ),
    usd("eip155:143", "0x754704Bc059F8C67012fEd69BC8A327a5aafb603", "USDC", "2", "USDC"),
    usd("eip155:988", "0x779Ded0c9e1022225f8E0630b35a9b54bE713736", "USDT0", "1", "USDT0"),
    usd("eip155:2201", "0x78Cf24370174180738C5B8E352B6D14c83a6c9A9", "USDT0", "1", "USDT0"),
    usd("eip155:9745", "0xB8CE59FC3717ada4C02eaDF9682A9e934F625ebb", "USDT0", "1", "USDT0"),
    usd("eip155:137", "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", "USD Coin", "2", "USDC"),
    usd("eip155:42161", "0xaf88d065e77c8cC2239327C5EDb3A432268e5831", "USD Coin", "2", "USDC"),
    usd("eip155:421614", "0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d", "USD Coin", "2", "USDC"),
    permit2(
        "eip155:31612",
        "0xdD468A1DDc392dcdbEf6db6e34E89AA338F9F186",
        "Mezo USD",
        18,
        "mUSD",
        true,
    ),
    permit2(
        "eip155:31611",
        "0x118917a40FAF1CD7a13dB0Ef56C86De7973Ac503",
        "Mezo USD",
        18,
        "mUSD",
        true,
    ),
    permit2(
        "eip155:723487",
        "0x33ad9e4BD16B69B5BFdED37D8B5D9fF9aba014Fb",
        "Stable Coin",
        6,
        "SBC",
        true,
    ),
    permit2(
        "eip155:72344",
        "0x33ad9e4BD16B69B5BFdED37D8B5D9fF9aba014Fb",
        "Stable Coin",
        6,
        "SBC",
        true,
    ),
    usd("eip155:36900", "0x9cb8142aEBBcdc60AF7c97Af897A67A8f3CA71C2", "USDC.e", "2", "USDC.e"),
    usd(
        "eip155:190415",
        "0x401eCb1D350407f13ba348573E5630B83638E30D",
        "Bridged USDC",
        "2",
        "USDC.e",
    ),
    usd(
        "eip155:181228",
        "0x401eCb1D350407f13ba348573E5630B83638E30D",
        "Bridged USDC",
        "2",
        "USDC.e",
    ),
    usd("eip155:50", "0xfA2958CB79b0491CC627c1557F441eF849Ca8eb1", "USDC", "2", "USDC"),
    usd("eip155:51", "0xb5AB69F7bBada22B28e79C8FFAECe55eF1c771D4", "USDC", "2", "USDC"),
    permit2("eip155:38833", "0xA5b8BF902b2844dA17d4506cc827F7F1681735E7", "USDC", 6, "USDC", false),
    usd("eip155:14", "0xe7cd86e13AC4309349F30B3435a9d337750fC82D", "USD\u{20AE}0", "1", "USDT0"),
    usd("eip155:42220", "0xcebA9300f2b948710d2653dD7B07f33A8B32118C", "USDC", "2", "USDC"),
    usd("eip155:42220", "0x48065fbBE25f71C9282ddf5e1cD6D6A887483D5e", "Tether USD", "1", "USDT"),
    usd(
        "eip155:42220",
        "0xD2ab3C9A02DBBAB236BfEC45D1d755DF4267F771",
        "Tether America USD",
        "1",
        "USAT",
    ),
    usd("eip155:11142220", "0x01C5C0122039549AD1493B8220cABEdD739BC44E", "USDC", "2", "USDC"),
    usd("eip155:1329", "0xe15fC38F6D8c56aF07bbCBe3BAf5708A2Bf42392", "USDC", "2", "USDC"),
    usd("eip155:1328", "0x4fCF1784B31630811181f670Aea7A7bEF803eaED", "USDC", "2", "USDC"),
    spl(SOLANA, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", "USDC", TransferMethod::SplToken),
    spl(SOLANA, "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB", "USDT", TransferMethod::SplToken),
    spl(SOLANA, "2u1tszSeqZ3qBWF3uNGPFc8TzMk2tdiwknnRMWGWjGWH", "USDG", TransferMethod::Token2022),
    spl(SOLANA, "2b1kV6DkPAnxd5ixfnxCpjxmKwqjjaYmCZfHsFu24GXo", "PYUSD", TransferMethod::Token2022),
    spl(SOLANA, "CASHx9KJUStyftLFWGvEVf59SGeG9sh5FfcnZMVPCASH", "CASH", TransferMethod::Token2022),
    spl(SOLANA_DEVNET, DEVNET_USDC, "USDC", TransferMethod::SplToken),
    spl(SOLANA_DEVNET, DEVNET_USDG, "USDG", TransferMethod::Token2022),
    spl(SOLANA_DEVNET, DEVNET_PYUSD, "PYUSD", TransferMethod::Token2022),
    spl(SOLANA_TESTNET, DEVNET_USDC, "USDC", TransferMethod::SplToken),
    spl(SOLANA_TESTNET, DEVNET_USDG, "USDG", TransferMethod::Token2022),
    spl(SOLANA_TESTNET, DEVNET_PYUSD, "PYUSD", TransferMethod::Token2022),
];

// Devnet and testnet share their default mints.
const DEVNET_USDC: &str = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";
const DEVNET_USDG: &str = "4F6PM96JJxngmHnZLBh9n58RH4aTVNWvDs2nuwrT5BP7";
const DEVNET_PYUSD: &str = "CXk2AMBfi3TwaEL2468s6zP8xq9NxTXjp9gjMgzeUynM";

/// The asset a money price converts to on `network` (CAIP-2 or legacy name).
pub fn default_asset(network: &str) -> Option<&'static Asset> {
    let network = network::to_caip2(network);
    ASSETS.iter().find(|a| a.network == network)
}

/// The known asset with ticker `symbol` (case-insensitive) on `network`.
pub fn by_symbol(network: &str, symbol: &str) -> Option<&'static Asset> {
    let network = network::to_caip2(network);
    ASSETS.iter().find(|a| a.network == network && a.symbol.eq_ignore_ascii_case(symbol))
}

/// The known asset at `address` on `network`: hex addresses compare case-insensitively, base58
/// (Solana) exactly.
pub fn find(network: &str, address: &str) -> Option<&'static Asset> {
    let network = network::to_caip2(network);
    ASSETS.iter().find(|a| a.network == network && same_address(&network, a.address, address))
}

/// Whether two spellings name one address on `network`: byte for byte on Solana (base58 is
/// case-sensitive), in any case elsewhere (hex).
pub fn same_address(network: &str, a: &str, b: &str) -> bool {
    if network::to_caip2(network).starts_with("solana:") {
        a == b
    } else {
        a.eq_ignore_ascii_case(b)
    }
}

/// A money amount read from a price: a plain decimal and an optional ticker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money<'a> {
    /// Non-negative decimal, digits with an optional fraction (`"0.01"`).
    pub decimal: &'a str,
    /// Ticker (`"USDT"`); `None` for USD or no ticker, meaning the network's default asset.
    pub symbol: Option<&'a str>,
}

/// Reads `"$0.01"`, `"0.01"`, `"$ 0.01"` or `"1.50 USDT"`. Signs, exponents, `"1."`, `".5"` and
/// thousands separators are refused.
pub fn parse_money(price: &str) -> Result<Money<'_>> {
    let bad = |reason: &str| Error::Price { price: price.to_owned(), reason: reason.to_owned() };
    let s = price.trim();
    let s = s.strip_prefix('$').map(str::trim_start).unwrap_or(s);
    let (decimal, symbol) = match s.split_once(char::is_whitespace) {
        Some((d, sym)) => (d, Some(sym.trim_start())),
        None => (s, None),
    };
    let (int, frac) = decimal.split_once('.').unwrap_or((decimal, "0"));
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || !digits(frac) {
        return Err(bad("expected a non-negative decimal such as \"$0.01\""));
    }
    let symbol = match symbol {
        None => None,
        Some(sym) => {
            let mut chars = sym.chars();
            let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '.');
            if !ok {
                return Err(bad("the ticker after the amount must be letters, digits or dots"));
            }
            (!sym.eq_ignore_ascii_case("USD")).then_some(sym)
        }
    };
    Ok(Money { decimal, symbol })
}

/// A non-negative decimal string in atomic units of a `decimals`-place token, truncating extra
/// fraction digits (as the reference does: `0.0000019` USDC is 1 unit, not 2).
pub fn to_atomic(decimal: &str, decimals: u8) -> Result<U256> {
    let bad = |reason: &str| Error::Price { price: decimal.to_owned(), reason: reason.to_owned() };
    let (int, frac) = decimal.split_once('.').unwrap_or((decimal, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad("expected a non-negative decimal"));
    }
    let places = usize::from(decimals);
    let mut digits = String::with_capacity(int.len() + places);
    digits.push_str(int);
    digits.extend(frac.chars().chain(std::iter::repeat('0')).take(places));
    U256::from_str_radix(&digits, 10).map_err(|_| bad("amount does not fit in 256 bits"))
}

/// Converts a money price on `network` to the atomic amount of the asset it names.
pub fn price_to_amount(price: &str, network: &str) -> Result<(U256, &'static Asset)> {
    let money = parse_money(price)?;
    let asset = match money.symbol {
        None => default_asset(network),
        Some(sym) => by_symbol(network, sym),
    }
    .ok_or_else(|| Error::Price {
        price: price.to_owned(),
        reason: match money.symbol {
            None => format!("no default asset configured for network {network}"),
            Some(sym) => {
                format!("no {} asset configured for network {network}", sym.to_ascii_uppercase())
            }
        },
    })?;
    Ok((to_atomic(money.decimal, asset.decimals)?, asset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_forms() {
        let ok = |p: &str, n: &str| {
            assert_eq!(price_to_amount(p, n).unwrap().0.to_string().as_str(), "10000", "{p}")
        };
        ok("$0.01", "eip155:8453");
        ok("0.01", "base");
        ok("$ 0.01", "eip155:84532");
        ok(" $0.01 ", "eip155:84532");
        ok("0.01 USD", "eip155:84532");
        ok("0.010000999", "eip155:84532"); // truncated, not rounded
        let (amount, asset) = price_to_amount("1.50 usdt", "eip155:42220").unwrap();
        assert_eq!((amount, asset.symbol), (U256::from(1_500_000u64), "USDT"));
        assert_eq!(price_to_amount("$0.01", "eip155:4326").unwrap().0, U256::from(10u64.pow(16)));
        for bad in ["-1", "$-0.01", "1.", ".5", "1e-3", "1,000", "", "$", "0.01 1X"] {
            assert!(parse_money(bad).is_err(), "{bad:?}");
        }
        assert!(price_to_amount("$0.01", "eip155:31337").is_err());
        assert!(price_to_amount("1 DAI", "eip155:8453").is_err());
    }

    #[test]
    fn extra_follows_transfer_method() {
        let base = default_asset("eip155:8453").unwrap();
        assert_eq!(
            Value::Object(base.extra()),
            serde_json::json!({"name": "USD Coin", "version": "2"})
        );
        let mega = default_asset("eip155:4326").unwrap();
        assert_eq!(
            Value::Object(mega.extra()),
            serde_json::json!({"name": "MegaUSD", "version": "1", "assetTransferMethod": "permit2"})
        );
        let igra = default_asset("eip155:38833").unwrap();
        assert_eq!(
            Value::Object(igra.extra()),
            serde_json::json!({"assetTransferMethod": "permit2"})
        );
    }
}
