//! Client building blocks: choose a requirement, build what the wallet signs, assemble the payment.
//!
//! The flow is `select` → [`PaymentDraft::new`] → sign [`PaymentDraft::digest`] (local key) or
//! [`PaymentDraft::typed_data`] (wallet) → [`PaymentDraft::finish`]. Time and randomness come in as
//! arguments, so the whole flow is deterministic under test.

mod draft;
mod http;

use alloy_primitives::U256;
use serde_json::Value;

pub use crate::family::Payer;
pub use draft::{queries, PaymentDraft};
pub use http::{
    carries_payment, outcome_open, payment_header, read_payment_required, read_receipt,
    refusal_reason, wants_body, REUSE_MARGIN_SECONDS, SETTLEMENT_PENDING,
};

use crate::asset;
use crate::error::{Error, Result};
use crate::family;
use crate::fields::Fields;
use crate::network;
use crate::wire::{PaymentRequired, Terms, Version};

/// What a client is willing to pay with.
///
/// [`Policy::default`] allows known assets on any EVM network and caps each payment at
/// [`DEFAULT_MAX_USD`]. Any other token is paid only when it is listed in `assets` for its network
/// with a cap of its own, or when `allow_unknown_assets` is set together with `max_amount`: no token
/// is ever paid without a cap. Casper tokens are never "known": a Casper payer lists the token it pays with.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The chain families the client has a signer for, by namespace (default: EVM only).
    pub families: Vec<&'static str>,
    /// Allowed networks (CAIP-2 or legacy names); `None` allows all.
    pub networks: Option<Vec<String>>,
    /// Tokens allowed besides the known ones, each on one network.
    pub assets: Vec<AllowedAsset>,
    /// Accept assets this crate does not know, up to `max_amount` (refused without it).
    pub allow_unknown_assets: bool,
    /// Largest amount per payment, in atomic units, for any asset.
    pub max_amount: Option<U256>,
    /// Largest payment in US dollars (decimal string), for the known tokens (all USD stablecoins,
    /// each counted at $1 as the reference client does).
    pub max_usd: Option<String>,
    /// Longest validity a server may ask a payment to have (`maxTimeoutSeconds`).
    pub max_timeout_seconds: u64,
    /// The schemes paid, in the client's order of preference (default `exact`, then `upto`,
    /// whose cap applies to the maximum it signs). Between offers of one scheme the server's
    /// order stands.
    pub schemes: Vec<&'static str>,
}

/// A token a client pays with besides the known ones (the reference's `allowedAssets` entry).
#[derive(Debug, Clone, PartialEq)]
pub struct AllowedAsset {
    /// Its network, CAIP-2 or a legacy name.
    pub network: String,
    /// Its address (EVM) or contract package hash (Casper).
    pub asset: String,
    /// Largest amount per payment in atomic units; without it, the policy's `max_amount` applies,
    /// and without that the token is not paid.
    pub max_amount: Option<U256>,
}

/// The per-payment cap a client has unless told otherwise, as the legacy reference client had it.
pub const DEFAULT_MAX_USD: &str = "0.10";

/// The longest payment validity a client signs unless told otherwise (the reference server asks 300 s).
pub const DEFAULT_MAX_TIMEOUT_SECONDS: u64 = 3600;

impl Default for Policy {
    fn default() -> Self {
        Policy {
            families: vec![family::default().namespace()],
            networks: None,
            assets: Vec::new(),
            allow_unknown_assets: false,
            max_amount: None,
            max_usd: Some(DEFAULT_MAX_USD.to_owned()),
            max_timeout_seconds: DEFAULT_MAX_TIMEOUT_SECONDS,
            schemes: DEFAULT_SCHEMES.to_vec(),
        }
    }
}

/// The schemes a client pays unless told otherwise, preferred in this order.
pub const DEFAULT_SCHEMES: [&str; 2] = ["exact", "upto"];

impl Policy {
    /// Reads the JS face's options (see `wrapFetchWithPayment`), as JSON: `{maxAmount?, maxUsd?,
    /// maxTimeoutSeconds?, networks?, assets?: [{network, asset, maxAmount?}], allowUnknownAssets?,
    /// families?, schemes?}` (in an `assets` entry `maxAmountPerPayment` is another name for
    /// `maxAmount`); an unknown field is refused. A token that would be paid without a cap is
    /// refused here, when the client is made: a listed asset needs its own `maxAmount` or the
    /// global one, and so does `allowUnknownAssets`.
    pub fn from_json(json: &str) -> Result<Policy> {
        let value = crate::fields::parse_lenient("payment options", json)?;
        let mut o = Fields::of("payment options", "", value)?;
        let max_amount = o.optional_string("maxAmount")?;
        // A decimal string or number; `false` or `null` turns the USD cap off; absent keeps the default.
        let max_usd = o.present("maxUsd").unwrap_or_else(|| Value::String(DEFAULT_MAX_USD.into()));
        let max_timeout_seconds = o.optional_u64("maxTimeoutSeconds")?;
        let networks = o.optional_strings("networks")?;
        let asset_entries = o.optional_list("assets")?.unwrap_or_default();
        let allow_unknown_assets = o.flag("allowUnknownAssets")?;
        let families = o.optional_strings("families")?;
        let schemes = o.optional_strings("schemes")?;
        o.deny_others()?;
        let atomic = |what: &'static str, s: &str| {
            crate::wire::decimal::parse(s).map_err(|e| Error::field(what, e))
        };
        let max_amount = max_amount.as_deref().map(|s| atomic("maxAmount", s)).transpose()?;
        let max_usd = match max_usd {
            Value::Null | Value::Bool(false) => None,
            Value::String(s) => Some(s),
            Value::Number(n) => Some(crate::json::number(&n)),
            other => {
                return Err(Error::field(
                    "maxUsd",
                    format!(
                        "expected a decimal, false or null, got {}",
                        crate::json::write(&other)
                    ),
                ))
            }
        };
        if let Some(usd) = &max_usd {
            asset::to_atomic(usd, 0).map_err(|_| {
                Error::field("maxUsd", format!("`{usd}` is not a non-negative decimal"))
            })?;
        }
        let families = match families {
            None => vec![family::default().namespace()],
            Some(names) => names
                .iter()
                .map(|n| {
                    family::by_namespace(n).map(|f| f.namespace()).ok_or_else(|| {
                        Error::field(
                            "families",
                            format!(
                                "`{n}` is not a chain family this build pays on ({})",
                                family::namespaces()
                            ),
                        )
                    })
                })
                .collect::<Result<_>>()?,
        };
        let mut assets = Vec::with_capacity(asset_entries.len());
        for entry in asset_entries {
            if let Value::String(s) = &entry {
                return Err(Error::field("assets", format!("`{s}`: an entry is {{network, asset, maxAmount}}, so a token is allowed on one network and with a cap")));
            }
            let mut a = Fields::of("assets entry", "", entry)?;
            let (network, asset) = (a.string("network")?, a.string("asset")?);
            let cap = a.optional_string_or("maxAmount", "maxAmountPerPayment")?;
            a.deny_others()?;
            let cap = cap.as_deref().map(|s| atomic("assets[].maxAmount", s)).transpose()?;
            if cap.is_none() && max_amount.is_none() {
                return Err(Error::field("assets", format!("{asset} on {network} has no cap: give the entry a maxAmount (atomic units), or set maxAmount")));
            }
            assets.push(AllowedAsset { network, asset, max_amount: cap });
        }
        if allow_unknown_assets && max_amount.is_none() {
            return Err(Error::field(
                "allowUnknownAssets",
                "paying in any token needs a cap: set maxAmount (atomic units)",
            ));
        }
        Ok(Policy {
            families,
            networks,
            assets,
            allow_unknown_assets,
            max_amount,
            max_usd,
            max_timeout_seconds: max_timeout_seconds.unwrap_or(DEFAULT_MAX_TIMEOUT_SECONDS),
            schemes: match schemes {
                None => DEFAULT_SCHEMES.to_vec(),
                Some(names) => names
                    .iter()
                    .map(|n| {
                        family::FAMILIES
                            .iter()
                            .flat_map(|f| f.schemes())
                            .find(|s| *s == n)
                            .copied()
                            .ok_or_else(|| {
                                Error::field(
                                    "schemes",
                                    format!("`{n}` is not a scheme this package pays"),
                                )
                            })
                    })
                    .collect::<Result<_>>()?,
            },
        })
    }
}

/// Why a policy refuses a requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Scheme, network or asset is not one this client pays with.
    NotAllowed(String),
    /// Acceptable but for the amount cap.
    OverCap(String),
}

impl Policy {
    /// No USD cap on the known tokens: for callers that decide amounts themselves.
    pub fn uncapped() -> Self {
        Policy { max_usd: None, ..Policy::default() }
    }

    /// Why `terms` is refused, or `None` if it is acceptable.
    pub fn refusal(&self, terms: &Terms<'_>) -> Option<Refusal> {
        let no = |why: String| Some(Refusal::NotAllowed(why));
        if !self.schemes.contains(&terms.scheme) {
            return no(format!("scheme `{}` is not one this client pays", terms.scheme));
        }
        let family = match terms.version {
            Version::V1 if terms.network.contains(':') => None,
            _ => family::serving(terms.network),
        };
        match family {
            None => return no(format!("network `{}` is not a supported network", terms.network)),
            Some(f) if !self.families.contains(&f.namespace()) => {
                return no(format!("network `{}` needs a {} signer", terms.network, f.namespace()));
            }
            Some(f) if !f.has_scheme(terms.scheme, terms.version) => {
                return no(format!(
                    "scheme `{}` is not paid on {} in x402 v{}",
                    terms.scheme,
                    f.namespace(),
                    terms.version as u8
                ));
            }
            Some(_) => {}
        }
        let wanted = network::to_caip2(terms.network);
        if let Some(allowed) = &self.networks {
            if !allowed.iter().any(|n| network::to_caip2(n) == wanted) {
                return no(format!("network `{}` is not in the allowed networks", terms.network));
            }
        }
        if terms.max_timeout_seconds > self.max_timeout_seconds {
            return no(format!(
                "maxTimeoutSeconds {} is longer than the {} s this client signs for",
                terms.max_timeout_seconds, self.max_timeout_seconds
            ));
        }
        let known = asset::find(terms.network, terms.asset);
        let listed = self.assets.iter().find(|a| {
            asset::same_address(terms.network, &a.asset, terms.asset)
                && network::to_caip2(&a.network) == wanted
        });
        // Every payment has a cap: the listed one, else maxAmount, else (known tokens) maxUsd.
        let listed_cap = listed.and_then(|a| a.max_amount).or(self.max_amount);
        if known.is_none() {
            match (listed, self.allow_unknown_assets, listed_cap) {
                (None, false, _) => {
                    return no(format!(
                        "asset {} on {} is neither a known token nor allowed",
                        terms.asset, terms.network
                    ))
                }
                (_, _, None) => {
                    return no(format!(
                        "asset {} on {} has no cap: give its entry a maxAmount, or set maxAmount",
                        terms.asset, terms.network
                    ))
                }
                _ => {}
            }
        }
        if let Some(max) = listed_cap {
            if terms.amount > max {
                return Some(Refusal::OverCap(format!(
                    "amount {} exceeds the cap {max}",
                    terms.amount
                )));
            }
        }
        if let (Some(usd), Some(token)) = (&self.max_usd, known) {
            // A malformed cap refuses everything rather than nothing.
            let cap = asset::to_atomic(usd, token.decimals).unwrap_or(U256::ZERO);
            if terms.amount > cap {
                return Some(Refusal::OverCap(format!(
                    "amount {} {} exceeds maxUsd ${usd}",
                    terms.amount, token.symbol
                )));
            }
        }
        None
    }
}

/// The indices of the entries of `accepts` that `policy` allows, in the server's order (its
/// preference). Empty is an error: [`Error::AmountExceedsMax`] when only the cap stood in the way.
pub fn acceptable(required: &PaymentRequired, policy: &Policy) -> Result<Vec<usize>> {
    let mut ok = Vec::new();
    let mut refusals = Vec::new();
    let mut only_cap = true;
    for i in 0..required.len() {
        let Some(req) = required.accept(i) else { break };
        match policy.refusal(&req.terms()) {
            None => ok.push(i),
            Some(Refusal::OverCap(why)) => refusals.push(format!("accepts[{i}]: {why}")),
            Some(Refusal::NotAllowed(why)) => {
                only_cap = false;
                refusals.push(format!("accepts[{i}]: {why}"));
            }
        }
    }
    // The client's scheme preference first; the server's order within a scheme (every acceptable
    // entry's scheme is one of the policy's).
    let scheme_of = |i: usize| required.accept(i).map(|r| r.terms().scheme.to_owned());
    let ok: Vec<usize> = policy
        .schemes
        .iter()
        .flat_map(|s| ok.iter().copied().filter(move |&i| scheme_of(i).as_deref() == Some(*s)))
        .collect();
    match (ok.is_empty(), only_cap) {
        (false, _) => Ok(ok),
        (true, true) => Err(Error::AmountExceedsMax(refusals.join("; "))),
        (true, false) => Err(Error::NoAcceptableRequirement(refusals.join("; "))),
    }
}

/// The first acceptable entry of `accepts` (the reference client's default selector).
pub fn select(required: &PaymentRequired, policy: &Policy) -> Result<usize> {
    Ok(acceptable(required, policy)?[0])
}

/// The `payment-identifier` extension key.
pub const PAYMENT_IDENTIFIER: &str = "payment-identifier";

/// A fresh payment id: `pay_` and 32 hex digits (as the reference's generator).
pub fn payment_id() -> Result<String> {
    let bytes = random_nonce()?;
    Ok(format!("pay_{}", alloy_primitives::hex::encode(&bytes[..16])))
}

/// 32 random bytes from the platform's CSPRNG (`crypto.getRandomValues` in wasm).
pub fn random_nonce() -> Result<[u8; 32]> {
    let mut nonce = [0u8; 32];
    getrandom::fill(&mut nonce)
        .map_err(|e| Error::field("nonce", format!("no randomness available: {e}")))?;
    Ok(nonce)
}
