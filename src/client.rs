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
use crate::evm::{Authorization, Eip3009Payload, Permit2Authorization, Permit2Payload, Permit2Witness, TokenPermissions};
use crate::network;
use crate::wire::{v1, v2, PaymentPayload, PaymentRequired, PaymentRequirements, Terms, Version};

/// How far back a v1 authorization's `validAfter` is set, as the reference v1 client does.
pub const V1_VALID_AFTER_SKEW_SECONDS: u64 = 600;

/// What a client is willing to pay with. The default allows any known asset on any EVM network,
/// with no amount cap; callers set the caps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Policy {
    /// Allowed networks (CAIP-2 or legacy names); `None` allows all.
    pub networks: Option<Vec<String>>,
    /// Allowed asset addresses in addition to the known tokens.
    pub assets: Vec<String>,
    /// Accept assets this crate does not know.
    pub allow_unknown_assets: bool,
    /// Largest amount per payment, in atomic units.
    pub max_amount: Option<U256>,
}

impl Policy {
    /// Why `terms` is refused, or `None` if it is acceptable.
    pub fn refusal(&self, terms: &Terms<'_>) -> Option<String> {
        if terms.scheme != "exact" {
            return Some(format!("scheme `{}` is not supported", terms.scheme));
        }
        if network::evm_chain_id(terms.network).is_err() {
            return Some(format!("network `{}` is not a supported EVM network", terms.network));
        }
        if let Some(allowed) = &self.networks {
            let caip = network::legacy_to_caip2(terms.network);
            let listed = allowed.iter().any(|n| n == terms.network || Some(n) == caip.as_ref() || network::legacy_to_caip2(n).as_deref() == Some(terms.network));
            if !listed {
                return Some(format!("network `{}` is not in the allowed networks", terms.network));
            }
        }
        let known = asset::find(terms.network, terms.asset).is_some();
        let listed = self.assets.iter().any(|a| a.eq_ignore_ascii_case(terms.asset));
        if !(known || listed || self.allow_unknown_assets) {
            return Some(format!("asset {} on {} is neither a known token nor allowed", terms.asset, terms.network));
        }
        if let Some(max) = self.max_amount {
            if terms.amount > max {
                return Some(format!("amount {} exceeds the maximum {max}", terms.amount));
            }
        }
        None
    }
}

/// The index of the first entry of `accepts` that `policy` allows (the server's order is its
/// preference, as in the reference client's default selector).
pub fn select(required: &PaymentRequired, policy: &Policy) -> Result<usize> {
    let mut refusals = Vec::new();
    for i in 0..required.len() {
        let Some(req) = required.accept(i) else { break };
        match policy.refusal(&req.terms()) {
            None => return Ok(i),
            Some(why) => refusals.push(format!("accepts[{i}]: {why}")),
        }
    }
    Err(Error::NoAcceptableRequirement(refusals.join("; ")))
}

/// 32 random bytes from the platform's CSPRNG (`crypto.getRandomValues` in wasm).
pub fn random_nonce() -> Result<[u8; 32]> {
    let mut nonce = [0u8; 32];
    getrandom::fill(&mut nonce).map_err(|e| Error::field("nonce", format!("no randomness available: {e}")))?;
    Ok(nonce)
}

/// The message to be signed, by kind.
#[derive(Debug, Clone, PartialEq)]
enum Message {
    Eip3009(TransferWithAuthorization),
    Permit2(exact_permit2::PermitWitnessTransferFrom),
}

/// A payment built but not yet signed.
#[derive(Debug, Clone)]
pub struct PaymentDraft {
    accepted: PaymentRequirements,
    resource: Option<v2::ResourceInfo>,
    extensions: Option<Map<String, Value>>,
    domain: Eip712Domain,
    message: Message,
    from: Address,
}

impl PaymentDraft {
    /// Builds the authorization for entry `index` of `required`, paid by `from` at unix time `now`
    /// with a 32-byte random `nonce`. The time window follows the reference client: `validBefore`
    /// = now + maxTimeoutSeconds; `validAfter` = 0 in v2, now − 600 in v1.
    pub fn new(required: &PaymentRequired, index: usize, from: Address, now: u64, nonce: [u8; 32]) -> Result<Self> {
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
        let chain_id = match terms.version {
            Version::V1 if terms.network.contains(':') => return Err(Error::Network(terms.network.to_owned())),
            Version::V1 => network::evm_chain_id(terms.network)?,
            Version::V2 => network::eip155_chain_id(terms.network)?,
        };
        let asset = parse_address(terms.asset).ok_or_else(|| Error::field("asset", "not an EVM address"))?;
        let pay_to = parse_address(terms.pay_to).ok_or_else(|| Error::field("payTo", "not an EVM address"))?;
        let valid_before = U256::from(now.saturating_add(terms.max_timeout_seconds));
        let valid_after = match terms.version {
            Version::V1 => U256::from(now.saturating_sub(V1_VALID_AFTER_SKEW_SECONDS)),
            Version::V2 => U256::ZERO,
        };
        let permit2 = terms.version == Version::V2 && terms.extra_str("assetTransferMethod") == Some("permit2");
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
            let (Some(name), Some(version)) = (terms.extra_str("name"), terms.extra_str("version")) else {
                return Err(Error::field("extra", "EIP-712 domain parameters (name, version) are required"));
            };
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
        Ok(PaymentDraft { accepted, resource, extensions, domain, message, from })
    }

    /// The EIP-712 digest to sign.
    pub fn digest(&self) -> B256 {
        match &self.message {
            Message::Eip3009(m) => m.digest(&self.domain),
            Message::Permit2(m) => m.digest(&self.domain),
        }
    }

    /// The `eth_signTypedData_v4` object to give a wallet.
    pub fn typed_data(&self) -> Value {
        match &self.message {
            Message::Eip3009(m) => m.typed_data(&self.domain),
            Message::Permit2(m) => m.typed_data(&self.domain),
        }
    }

    /// The requirement being paid.
    pub fn accepted(&self) -> &PaymentRequirements {
        &self.accepted
    }

    /// The payer the draft was built for.
    pub fn payer(&self) -> Address {
        self.from
    }

    /// The signed payment, given the payer's signature over [`Self::digest`].
    pub fn finish(self, signature: &[u8; 65]) -> PaymentPayload {
        let from = self.from;
        let signature = alloy_primitives::hex::encode_prefixed(signature);
        let proof = match &self.message {
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
                    permitted: TokenPermissions { token: m.permitted.token.to_checksum(None), amount: m.permitted.amount.to_string() },
                    spender: m.spender.to_checksum(None),
                    nonce: m.nonce.to_string(),
                    deadline: m.deadline.to_string(),
                    witness: Permit2Witness { to: m.witness.to.to_checksum(None), facilitator: None, valid_after: m.witness.validAfter.to_string() },
                },
            }),
        };
        let proof = match proof {
            Ok(Value::Object(map)) => map,
            _ => Map::new(), // unreachable: both payloads serialize to objects
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
