//! Client building blocks: choose a requirement, build what the wallet signs, assemble the payment.
//!
//! The flow is `select` → [`PaymentDraft::new`] → sign [`PaymentDraft::digest`] (local key) or
//! [`PaymentDraft::typed_data`] (wallet) → [`PaymentDraft::finish`]. Time and randomness come in as
//! arguments, so the whole flow is deterministic under test.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::Eip712Domain;
use serde_json::{Map, Value};

use crate::asset;
use crate::error::{Error, Result};
use crate::evm::eip712::{self, exact_permit2, Signable, TransferWithAuthorization};
use crate::evm::signature::parse_address;
use crate::evm::{
    Authorization, Eip3009Payload, Permit2Authorization, Permit2Payload, Permit2Witness,
    TokenPermissions,
};
use crate::network::{self, Family};
use crate::wire::{v1, v2, PaymentPayload, PaymentRequired, PaymentRequirements, Terms, Version};

/// How far back a v1 authorization's `validAfter` is set, as the reference v1 client does.
pub const V1_VALID_AFTER_SKEW_SECONDS: u64 = 600;

/// What a client is willing to pay with.
///
/// [`Policy::default`] allows known assets on any EVM network and caps each payment at
/// [`DEFAULT_MAX_USD`]. Any other token is paid only when it is listed in `assets` for its network
/// with a cap of its own, or when `allow_unknown_assets` is set together with `max_amount`: no token
/// is ever paid without a cap. Casper tokens are never "known": a Casper payer lists the token it pays with.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The chain families the client has a signer for (default: EVM only).
    pub families: Vec<Family>,
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
            families: vec![Family::Evm],
            networks: None,
            assets: Vec::new(),
            allow_unknown_assets: false,
            max_amount: None,
            max_usd: Some(DEFAULT_MAX_USD.to_owned()),
            max_timeout_seconds: DEFAULT_MAX_TIMEOUT_SECONDS,
        }
    }
}

/// The client options of the JS face, as JSON: `{maxAmount?, maxUsd?, maxTimeoutSeconds?, networks?,
/// assets?: [{network, asset, maxAmount?}], allowUnknownAssets?, families?}`.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PolicyOptions {
    #[serde(default)]
    max_amount: Option<String>,
    /// A decimal string or number; `false` or `null` turns the USD cap off; absent keeps the default.
    #[serde(default = "default_max_usd")]
    max_usd: Value,
    #[serde(default)]
    max_timeout_seconds: Option<u64>,
    #[serde(default)]
    networks: Option<Vec<String>>,
    #[serde(default)]
    assets: Vec<Value>,
    #[serde(default)]
    allow_unknown_assets: bool,
    #[serde(default)]
    families: Option<Vec<String>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AssetOption {
    network: String,
    asset: String,
    #[serde(default, alias = "maxAmountPerPayment")]
    max_amount: Option<String>,
}

fn default_max_usd() -> Value {
    Value::String(DEFAULT_MAX_USD.into())
}

impl Policy {
    /// Reads the JS face's options (see `wrapFetchWithPayment`). A token that would be paid
    /// without a cap is refused here, when the client is made: a listed asset needs its own
    /// `maxAmount` or the global one, and so does `allowUnknownAssets`.
    pub fn from_json(json: &str) -> Result<Policy> {
        let o: PolicyOptions =
            serde_json::from_str(json).map_err(|e| Error::json("payment options", e))?;
        let atomic = |what: &'static str, s: &str| {
            crate::wire::decimal::parse(s).map_err(|e| Error::field(what, e))
        };
        let max_amount = o.max_amount.as_deref().map(|s| atomic("maxAmount", s)).transpose()?;
        let max_usd = match o.max_usd {
            Value::Null | Value::Bool(false) => None,
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            other => {
                return Err(Error::field(
                    "maxUsd",
                    format!("expected a decimal, false or null, got {other}"),
                ))
            }
        };
        if let Some(usd) = &max_usd {
            asset::to_atomic(usd, 0).map_err(|_| {
                Error::field("maxUsd", format!("`{usd}` is not a non-negative decimal"))
            })?;
        }
        let families = match o.families {
            None => vec![Family::Evm],
            Some(names) => names
                .iter()
                .map(|n| {
                    Family::from_namespace(n).ok_or_else(|| {
                        Error::field(
                            "families",
                            format!("`{n}` is not a chain family this package pays on"),
                        )
                    })
                })
                .collect::<Result<_>>()?,
        };
        let mut assets = Vec::with_capacity(o.assets.len());
        for entry in o.assets {
            if let Value::String(s) = &entry {
                return Err(Error::field("assets", format!("`{s}`: an entry is {{network, asset, maxAmount}}, so a token is allowed on one network and with a cap")));
            }
            let a: AssetOption =
                serde_json::from_value(entry).map_err(|e| Error::json("assets entry", e))?;
            let cap =
                a.max_amount.as_deref().map(|s| atomic("assets[].maxAmount", s)).transpose()?;
            if cap.is_none() && max_amount.is_none() {
                return Err(Error::field("assets", format!("{} on {} has no cap: give the entry a maxAmount (atomic units), or set maxAmount", a.asset, a.network)));
            }
            assets.push(AllowedAsset { network: a.network, asset: a.asset, max_amount: cap });
        }
        if o.allow_unknown_assets && max_amount.is_none() {
            return Err(Error::field(
                "allowUnknownAssets",
                "paying in any token needs a cap: set maxAmount (atomic units)",
            ));
        }
        Ok(Policy {
            families,
            networks: o.networks,
            assets,
            allow_unknown_assets: o.allow_unknown_assets,
            max_amount,
            max_usd,
            max_timeout_seconds: o.max_timeout_seconds.unwrap_or(DEFAULT_MAX_TIMEOUT_SECONDS),
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
        if terms.scheme != "exact" {
            return no(format!("scheme `{}` is not supported", terms.scheme));
        }
        let family = match terms.version {
            Version::V1 if terms.network.contains(':') => None,
            _ => Family::of(terms.network),
        };
        match family {
            None => return no(format!("network `{}` is not a supported network", terms.network)),
            Some(f) if !self.families.contains(&f) => {
                return no(format!("network `{}` needs a {} signer", terms.network, f.namespace()));
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
            a.asset.eq_ignore_ascii_case(terms.asset) && network::to_caip2(&a.network) == wanted
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

/// The EVM message to be signed, by kind.
#[derive(Debug, Clone, PartialEq)]
enum Message {
    Eip3009(TransferWithAuthorization),
    Permit2(exact_permit2::PermitWitnessTransferFrom),
}

/// Who pays: an EVM address, or a Casper public key (whose account hash is the payer).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Payer {
    /// An EVM account.
    Evm(Address),
    /// A Casper account, by its public key.
    #[cfg(feature = "casper")]
    Casper(crate::casper::keys::PublicKey),
}

impl From<Address> for Payer {
    fn from(a: Address) -> Self {
        Payer::Evm(a)
    }
}

impl Payer {
    /// The family the payer can pay on.
    pub fn family(&self) -> Family {
        match self {
            Payer::Evm(_) => Family::Evm,
            #[cfg(feature = "casper")]
            Payer::Casper(_) => Family::Casper,
        }
    }

    /// The payer as a payment names it: a checksummed address, or `00` + a Casper account hash.
    pub fn to_wire(&self) -> String {
        match self {
            Payer::Evm(a) => a.to_checksum(None),
            #[cfg(feature = "casper")]
            Payer::Casper(k) => k.account(),
        }
    }
}

/// What is signed, by family.
#[derive(Debug, Clone)]
enum Body {
    Evm {
        domain: Eip712Domain,
        message: Message,
        from: Address,
    },
    #[cfg(feature = "casper")]
    Casper {
        domain: crate::casper::eip712::EIP712Domain,
        message: crate::casper::eip712::TransferWithAuthorization,
        key: crate::casper::keys::PublicKey,
    },
}

/// A payment built but not yet signed.
#[derive(Debug, Clone)]
pub struct PaymentDraft {
    accepted: PaymentRequirements,
    resource: Option<v2::ResourceInfo>,
    extensions: Option<Map<String, Value>>,
    body: Body,
}

impl PaymentDraft {
    /// Builds the authorization for entry `index` of `required`, paid by `payer` at unix time `now`
    /// with a 32-byte random `nonce`. The time window follows the reference clients: `validBefore`
    /// = now + maxTimeoutSeconds; `validAfter` = 0 in EVM v2, now − 600 in EVM v1 and on Casper.
    pub fn new(
        required: &PaymentRequired,
        index: usize,
        payer: impl Into<Payer>,
        now: u64,
        nonce: [u8; 32],
    ) -> Result<Self> {
        let payer = payer.into();
        let accepted = required
            .accept(index)
            .ok_or_else(|| Error::field("accepts", format!("no entry at index {index}")))?;
        let (resource, extensions) = match required {
            PaymentRequired::V1(_) => (None, None),
            PaymentRequired::V2(r) => (Some(r.resource.clone()), r.extensions.clone()),
        };
        let terms = accepted.terms();
        if terms.scheme != "exact" {
            return Err(Error::field("scheme", format!("`{}` is not supported", terms.scheme)));
        }
        let body = match payer {
            Payer::Evm(from) => evm_body(&terms, from, now, nonce)?,
            #[cfg(feature = "casper")]
            Payer::Casper(key) => casper_body(&terms, key, now, nonce)?,
        };
        Ok(PaymentDraft { accepted, resource, extensions, body })
    }

    /// The EIP-712 digest to sign.
    pub fn digest(&self) -> B256 {
        match &self.body {
            Body::Evm { domain, message: Message::Eip3009(m), .. } => m.digest(domain),
            Body::Evm { domain, message: Message::Permit2(m), .. } => m.digest(domain),
            #[cfg(feature = "casper")]
            Body::Casper { domain, message, .. } => message.digest(domain),
        }
    }

    /// The typed data object to give a wallet: `eth_signTypedData_v4` on EVM; on Casper the same
    /// shape with the Casper domain and 33-byte addresses.
    pub fn typed_data(&self) -> Value {
        match &self.body {
            Body::Evm { domain, message: Message::Eip3009(m), .. } => m.typed_data(domain),
            Body::Evm { domain, message: Message::Permit2(m), .. } => m.typed_data(domain),
            #[cfg(feature = "casper")]
            Body::Casper { domain, message, .. } => message.typed_data(domain),
        }
    }

    /// The requirement being paid.
    pub fn accepted(&self) -> &PaymentRequirements {
        &self.accepted
    }

    /// Unix time (seconds) after which the signed payment is no longer valid.
    pub fn valid_before(&self) -> U256 {
        match &self.body {
            Body::Evm { message: Message::Eip3009(m), .. } => m.validBefore,
            Body::Evm { message: Message::Permit2(m), .. } => m.deadline,
            #[cfg(feature = "casper")]
            Body::Casper { message, .. } => message.valid_before,
        }
    }

    /// The payer the draft was built for.
    pub fn payer(&self) -> Payer {
        match &self.body {
            Body::Evm { from, .. } => Payer::Evm(*from),
            #[cfg(feature = "casper")]
            Body::Casper { key, .. } => Payer::Casper(key.clone()),
        }
    }

    /// Sets the `payment-identifier` id when the server declared the extension; returns whether it did.
    /// The id must be 16–128 characters of `[A-Za-z0-9_-]`.
    pub fn set_payment_id(&mut self, id: &str) -> Result<bool> {
        let valid = (16..=128).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(Error::field(
                "payment-identifier",
                "id must be 16-128 characters of A-Z, a-z, 0-9, - and _",
            ));
        }
        let Some(info) = self
            .extensions
            .as_mut()
            .and_then(|e| e.get_mut(PAYMENT_IDENTIFIER))
            .and_then(|ext| ext.get_mut("info"))
            .and_then(Value::as_object_mut)
            .filter(|info| info.get("required").is_some_and(Value::is_boolean))
        else {
            return Ok(false);
        };
        info.insert("id".into(), id.into());
        Ok(true)
    }

    /// Like [`Self::finish`], but first checks that `signature` is the payer's: a wallet that
    /// signed with another account would otherwise produce a payment every server refuses.
    pub fn finish_checked(self, signature: &[u8; 65]) -> Result<PaymentPayload> {
        let digest = self.digest();
        let expected = self.payer().to_wire();
        let mismatch =
            |detail: String| Err(Error::SignerMismatch { expected: expected.clone(), detail });
        match &self.body {
            Body::Evm { from, .. } => match crate::evm::signature::recover(&digest, signature) {
                Ok(signer) if signer == *from => {}
                Ok(signer) => return mismatch(format!("recovered {}", signer.to_checksum(None))),
                Err(e) => return mismatch(e.to_string()),
            },
            #[cfg(feature = "casper")]
            Body::Casper { key, .. } => {
                if let Err(e) = key.verify(digest.as_slice(), signature) {
                    return mismatch(e.to_string());
                }
            }
        }
        Ok(self.finish(signature))
    }

    /// The signed payment, given the payer's signature over [`Self::digest`] (on Casper, the
    /// tagged 65-byte signature).
    pub fn finish(self, signature: &[u8; 65]) -> PaymentPayload {
        let proof = match &self.body {
            Body::Evm { message, from, .. } => evm_proof(message, *from, signature),
            #[cfg(feature = "casper")]
            Body::Casper { message, key, .. } => {
                casper_proof(message, key, signature, &self.accepted)
            }
        };
        let proof = match proof {
            Ok(Value::Object(map)) => map,
            _ => Map::new(), // unreachable: every payload serializes to an object
        };
        match self.accepted {
            PaymentRequirements::V1(r) => PaymentPayload::V1(v1::PaymentPayload {
                x402_version: 1,
                scheme: r.scheme,
                network: r.network,
                payload: proof,
                unknown: Map::new(),
            }),
            PaymentRequirements::V2(r) => PaymentPayload::V2(v2::PaymentPayload {
                x402_version: 2,
                resource: self.resource,
                accepted: r,
                payload: proof,
                extensions: self.extensions,
                unknown: Map::new(),
            }),
        }
    }
}

fn evm_body(terms: &Terms<'_>, from: Address, now: u64, nonce: [u8; 32]) -> Result<Body> {
    let chain_id = match terms.version {
        Version::V1 if terms.network.contains(':') => {
            return Err(Error::Network(terms.network.to_owned()))
        }
        Version::V1 => network::evm_chain_id(terms.network)?,
        Version::V2 => network::eip155_chain_id(terms.network)?,
    };
    let asset =
        parse_address(terms.asset).ok_or_else(|| Error::field("asset", "not an EVM address"))?;
    let pay_to =
        parse_address(terms.pay_to).ok_or_else(|| Error::field("payTo", "not an EVM address"))?;
    let valid_before = U256::from(now.saturating_add(terms.max_timeout_seconds));
    let valid_after = match terms.version {
        Version::V1 => U256::from(now.saturating_sub(V1_VALID_AFTER_SKEW_SECONDS)),
        Version::V2 => U256::ZERO,
    };
    let permit2 =
        terms.version == Version::V2 && terms.extra_str("assetTransferMethod") == Some("permit2");
    let (domain, message) = if permit2 {
        let message = exact_permit2::PermitWitnessTransferFrom {
            permitted: exact_permit2::TokenPermissions { token: asset, amount: terms.amount },
            spender: eip712::EXACT_PERMIT2_PROXY,
            nonce: U256::from_be_bytes(nonce),
            deadline: valid_before,
            witness: exact_permit2::Witness { to: pay_to, validAfter: valid_after },
        };
        (eip712::permit2_domain(chain_id), Message::Permit2(message))
    } else {
        let (name, version) = domain_parameters(terms)?;
        let message = TransferWithAuthorization {
            from,
            to: pay_to,
            value: terms.amount,
            validAfter: valid_after,
            validBefore: valid_before,
            nonce: B256::from(nonce),
        };
        (eip712::token_domain(name, version, chain_id, asset), Message::Eip3009(message))
    };
    Ok(Body::Evm { domain, message, from })
}

/// `extra.name` and `extra.version`: the token's EIP-712 domain.
fn domain_parameters<'a>(terms: &'a Terms<'_>) -> Result<(&'a str, &'a str)> {
    match (terms.extra_str("name"), terms.extra_str("version")) {
        (Some(name), Some(version)) if !name.is_empty() && !version.is_empty() => {
            Ok((name, version))
        }
        _ => Err(Error::field("extra", "EIP-712 domain parameters (name, version) are required")),
    }
}

fn evm_proof(message: &Message, from: Address, signature: &[u8; 65]) -> serde_json::Result<Value> {
    let signature = alloy_primitives::hex::encode_prefixed(signature);
    match message {
        Message::Eip3009(m) => serde_json::to_value(Eip3009Payload {
            authorization: Authorization {
                from: from.to_checksum(None),
                to: m.to.to_checksum(None),
                value: m.value.to_string(),
                valid_after: m.validAfter.to_string(),
                valid_before: m.validBefore.to_string(),
                nonce: m.nonce.to_string(),
            },
            signature,
        }),
        Message::Permit2(m) => serde_json::to_value(Permit2Payload {
            signature,
            permit2_authorization: Permit2Authorization {
                from: from.to_checksum(None),
                permitted: TokenPermissions {
                    token: m.permitted.token.to_checksum(None),
                    amount: m.permitted.amount.to_string(),
                },
                spender: m.spender.to_checksum(None),
                nonce: m.nonce.to_string(),
                deadline: m.deadline.to_string(),
                witness: Permit2Witness {
                    to: m.witness.to.to_checksum(None),
                    facilitator: None,
                    valid_after: m.witness.validAfter.to_string(),
                },
            },
        }),
    }
}

#[cfg(feature = "casper")]
fn casper_body(
    terms: &Terms<'_>,
    key: crate::casper::keys::PublicKey,
    now: u64,
    nonce: [u8; 32],
) -> Result<Body> {
    use crate::casper::{self, eip712::Address as CasperAddress};
    if terms.version != Version::V2 || network::Family::of(terms.network) != Some(Family::Casper) {
        return Err(Error::Network(terms.network.to_owned()));
    }
    if !casper::is_package_hash(terms.asset) {
        return Err(Error::field("asset", "not a Casper contract package hash (64 hex)"));
    }
    let to = CasperAddress::from_hex(terms.pay_to)
        .filter(|_| casper::is_account(terms.pay_to))
        .ok_or_else(|| {
            Error::field("payTo", "not a Casper account hash (00 or 01, then 64 hex)")
        })?;
    let (name, version) = domain_parameters(terms)?;
    let package_hash: B256 =
        terms.asset.parse().map_err(|_| Error::field("asset", "not 32 bytes of hex"))?;
    let mut from = [0u8; 33];
    from[1..].copy_from_slice(&key.account_hash());
    let message = casper::eip712::TransferWithAuthorization {
        from: CasperAddress::Casper(from),
        to,
        value: terms.amount,
        valid_after: U256::from(now.saturating_sub(V1_VALID_AFTER_SKEW_SECONDS)),
        valid_before: U256::from(now.saturating_add(terms.max_timeout_seconds)),
        nonce: B256::from(nonce),
    };
    Ok(Body::Casper {
        domain: casper::eip712::domain(name, version, terms.network, package_hash),
        message,
        key,
    })
}

#[cfg(feature = "casper")]
fn casper_proof(
    message: &crate::casper::eip712::TransferWithAuthorization,
    key: &crate::casper::keys::PublicKey,
    signature: &[u8; 65],
    accepted: &PaymentRequirements,
) -> serde_json::Result<Value> {
    use alloy_primitives::hex;
    // `to` and `value` are the requirement's own strings: the facilitator compares them verbatim.
    let terms = accepted.terms();
    serde_json::to_value(crate::casper::Payload {
        signature: hex::encode(signature),
        public_key: key.to_hex(),
        authorization: Authorization {
            from: key.account(),
            to: terms.pay_to.to_owned(),
            value: terms.amount.to_string(),
            valid_after: message.valid_after.to_string(),
            valid_before: message.valid_before.to_string(),
            nonce: hex::encode(message.nonce),
        },
    })
}
