//! Networks: CAIP-2 identifiers and the v1 legacy names.
//!
//! v2 names networks by CAIP-2 (`eip155:8453`); v1 by a legacy name (`base`). The name table is data
//! ([`LEGACY_EVM`]); it grows as the reference adds chains, without new code paths.

use crate::error::{Error, Result};

/// A parsed CAIP-2 chain identifier, `namespace:reference`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Caip2<'a> {
    /// Chain family, e.g. `eip155`, `solana`, `casper`.
    pub namespace: &'a str,
    /// Chain within the family, e.g. `8453`.
    pub reference: &'a str,
}

impl<'a> Caip2<'a> {
    /// Parses `namespace:reference` per CAIP-2 (`[-a-z0-9]{3,8}` : `[-_a-zA-Z0-9]{1,32}`).
    pub fn parse(s: &'a str) -> Result<Self> {
        let bad = || Error::Network(s.to_owned());
        let (namespace, reference) = s.split_once(':').ok_or_else(bad)?;
        let ns_ok = (3..=8).contains(&namespace.len())
            && namespace.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        let ref_ok = (1..=32).contains(&reference.len())
            && reference.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ns_ok && ref_ok {
            Ok(Caip2 { namespace, reference })
        } else {
            Err(bad())
        }
    }
}

/// v1 legacy EVM network names and their chain ids, as the reference's v1 table has them.
pub const LEGACY_EVM: &[(&str, u64)] = &[
    ("ethereum", 1),
    ("sepolia", 11_155_111),
    ("base", 8453),
    ("base-sepolia", 84_532),
    ("avalanche", 43_114),
    ("avalanche-fuji", 43_113),
    ("iotex", 4689),
    ("sei", 1329),
    ("sei-testnet", 1328),
    ("polygon", 137),
    ("polygon-amoy", 80_002),
    ("abstract", 2741),
    ("abstract-testnet", 11_124),
    ("peaq", 3338),
    ("story", 1514),
    ("educhain", 41_923),
    ("skale-base-sepolia", 324_705_682),
    ("megaeth", 4326),
    ("monad", 143),
    ("stable", 988),
    ("stable-testnet", 2201),
    ("celo", 42_220),
    ("flare", 14),
];

/// v1 legacy non-EVM names and their CAIP-2 identifiers.
pub const LEGACY_OTHER: &[(&str, &str)] = &[
    ("solana", "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"),
    ("solana-devnet", "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"),
    ("solana-testnet", "solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z"),
];

/// The chain id of an `eip155:<id>` CAIP-2 string (decimal, no leading zero, fits u64).
pub fn eip155_chain_id(network: &str) -> Result<u64> {
    let bad = || Error::Network(network.to_owned());
    let caip = Caip2::parse(network)?;
    if caip.namespace != "eip155" {
        return Err(bad());
    }
    let r = caip.reference;
    if !r.bytes().all(|b| b.is_ascii_digit()) || (r.len() > 1 && r.starts_with('0')) {
        return Err(bad());
    }
    r.parse::<u64>().map_err(|_| bad())
}

/// The chain id of an EVM network named either way: CAIP-2 (`eip155:8453`) or legacy (`base`).
pub fn evm_chain_id(network: &str) -> Result<u64> {
    if network.contains(':') {
        eip155_chain_id(network)
    } else {
        LEGACY_EVM
            .iter()
            .find(|(name, _)| *name == network)
            .map(|&(_, id)| id)
            .ok_or_else(|| Error::Network(network.to_owned()))
    }
}

/// The CAIP-2 identifier of a v1 legacy name.
pub fn legacy_to_caip2(name: &str) -> Option<String> {
    if let Some(&(_, id)) = LEGACY_EVM.iter().find(|(n, _)| *n == name) {
        return Some(format!("eip155:{id}"));
    }
    LEGACY_OTHER.iter().find(|(n, _)| *n == name).map(|&(_, c)| c.to_owned())
}

/// The CAIP-2 form of a network named either way (`base` → `eip155:8453`; CAIP-2 as given).
pub fn to_caip2(network: &str) -> std::borrow::Cow<'_, str> {
    legacy_to_caip2(network).map_or(network.into(), Into::into)
}

/// The v1 legacy name of a CAIP-2 identifier, where v1 has one.
pub fn caip2_to_legacy(network: &str) -> Option<&'static str> {
    if let Ok(id) = eip155_chain_id(network) {
        return LEGACY_EVM.iter().find(|&&(_, i)| i == id).map(|&(n, _)| n);
    }
    LEGACY_OTHER.iter().find(|&&(_, c)| c == network).map(|&(n, _)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caip2_shapes() {
        assert_eq!(eip155_chain_id("eip155:8453").unwrap(), 8453);
        assert_eq!(evm_chain_id("base-sepolia").unwrap(), 84_532);
        for bad in [
            "eip155:",
            "eip155:0x1",
            "eip155:01",
            "eip155:-1",
            "EIP155:1",
            "base",
            "eip155:99999999999999999999",
            "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp",
        ] {
            assert!(eip155_chain_id(bad).is_err(), "{bad}");
        }
        assert!(evm_chain_id("atlantis").is_err());
    }

    #[test]
    fn legacy_round_trip() {
        for &(name, id) in LEGACY_EVM {
            let caip = legacy_to_caip2(name).unwrap();
            assert_eq!(caip, format!("eip155:{id}"));
            assert_eq!(caip2_to_legacy(&caip), Some(name));
        }
        assert_eq!(caip2_to_legacy("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"), Some("solana"));
        assert_eq!(caip2_to_legacy("eip155:31337"), None);
    }
}
