//! The client's side of EVM payments: the authorization to sign (`exact`: EIP-3009, or Permit2
//! where the requirement asks for it; `upto`: a Permit2 permit for the maximum) and the proof once
//! it is signed.

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::Eip712Domain;
use serde_json::{Map, Value};

use super::eip712::{self, exact_permit2, upto_permit2, Signable, TransferWithAuthorization};
use super::signature::{parse_address, recover};
use super::{
    Eip3009Payload, Permit2Authorization, Permit2Payload, Permit2Witness, TokenPermissions,
};
use crate::eip3009::{domain_parameters, Authorization, VALID_AFTER_SKEW_SECONDS};
use crate::error::{Error, Result};
use crate::family::Draft;
use crate::network;
use crate::wire::{Terms, Version};

/// The message to be signed, by kind.
#[derive(Debug, Clone, PartialEq)]
enum Message {
    Eip3009(TransferWithAuthorization),
    Permit2(exact_permit2::PermitWitnessTransferFrom),
    Upto(upto_permit2::PermitWitnessTransferFrom),
}

/// An unsigned EVM payment.
#[derive(Debug, Clone)]
pub(super) struct EvmDraft {
    domain: Eip712Domain,
    message: Message,
    from: Address,
}

impl EvmDraft {
    /// The authorization for `terms` from `from`: `validBefore` = now + maxTimeoutSeconds;
    /// `validAfter` = 0 in v2, now − 600 in v1 (as the reference clients).
    pub(super) fn new(terms: &Terms<'_>, from: Address, now: u64, nonce: [u8; 32]) -> Result<Self> {
        let chain_id = match terms.version {
            Version::V1 if terms.network.contains(':') => {
                return Err(Error::Network(terms.network.to_owned()))
            }
            Version::V1 => network::evm_chain_id(terms.network)?,
            Version::V2 => network::eip155_chain_id(terms.network)?,
        };
        let asset = parse_address(terms.asset)
            .ok_or_else(|| Error::field("asset", "not an EVM address"))?;
        let pay_to = parse_address(terms.pay_to)
            .ok_or_else(|| Error::field("payTo", "not an EVM address"))?;
        let valid_before = U256::from(now.saturating_add(terms.max_timeout_seconds));
        let valid_after = match terms.version {
            Version::V1 => U256::from(now.saturating_sub(VALID_AFTER_SKEW_SECONDS)),
            Version::V2 => U256::ZERO,
        };
        let permit2 = terms.version == Version::V2
            && terms.extra_str("assetTransferMethod") == Some("permit2");
        let (domain, message) = if terms.scheme == super::upto::UPTO {
            // The maximum is signed; the named facilitator alone may settle a part of it.
            let facilitator = terms
                .extra_str(super::upto::FACILITATOR_ADDRESS)
                .and_then(parse_address)
                .ok_or_else(|| {
                    Error::field(
                        "extra.facilitatorAddress",
                        "an upto requirement names the facilitator that settles it",
                    )
                })?;
            if terms.version != Version::V2 {
                return Err(Error::field("scheme", "upto is an x402 v2 scheme"));
            }
            let message = upto_permit2::PermitWitnessTransferFrom {
                permitted: upto_permit2::TokenPermissions { token: asset, amount: terms.amount },
                spender: eip712::UPTO_PERMIT2_PROXY,
                nonce: U256::from_be_bytes(nonce),
                deadline: valid_before,
                witness: upto_permit2::Witness { to: pay_to, facilitator, validAfter: U256::ZERO },
            };
            (eip712::permit2_domain(chain_id), Message::Upto(message))
        } else if permit2 {
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
        Ok(EvmDraft { domain, message, from })
    }
}

/// A signed Permit2 permit's fields, whichever witness it has (`upto`'s names the facilitator).
struct Permit {
    token: Address,
    amount: U256,
    spender: Address,
    nonce: U256,
    deadline: U256,
    to: Address,
    facilitator: Option<Address>,
    valid_after: U256,
}

impl Permit {
    /// The payload the reference clients send: addresses checksummed, integers in decimal.
    fn payload(self, signature: String, from: String) -> Permit2Payload {
        Permit2Payload {
            signature,
            permit2_authorization: Permit2Authorization {
                from,
                permitted: TokenPermissions {
                    token: self.token.to_checksum(None),
                    amount: self.amount.to_string(),
                },
                spender: self.spender.to_checksum(None),
                nonce: self.nonce.to_string(),
                deadline: self.deadline.to_string(),
                witness: Permit2Witness {
                    to: self.to.to_checksum(None),
                    facilitator: self.facilitator.map(|f| f.to_checksum(None)),
                    valid_after: self.valid_after.to_string(),
                },
            },
        }
    }
}

impl Draft for EvmDraft {
    fn digest(&self) -> B256 {
        match &self.message {
            Message::Eip3009(m) => m.digest(&self.domain),
            Message::Permit2(m) => m.digest(&self.domain),
            Message::Upto(m) => m.digest(&self.domain),
        }
    }

    fn typed_data(&self) -> Value {
        match &self.message {
            Message::Eip3009(m) => m.typed_data(&self.domain),
            Message::Permit2(m) => m.typed_data(&self.domain),
            Message::Upto(m) => m.typed_data(&self.domain),
        }
    }

    fn valid_before(&self) -> U256 {
        match &self.message {
            Message::Eip3009(m) => m.validBefore,
            Message::Permit2(m) => m.deadline,
            Message::Upto(m) => m.deadline,
        }
    }

    fn check(&self, signature: &[u8]) -> std::result::Result<(), String> {
        let sig: &[u8; 65] = signature
            .try_into()
            .map_err(|_| format!("a {}-byte signature is not 65 bytes", signature.len()))?;
        match recover(&self.digest(), sig) {
            Ok(signer) if signer == self.from => Ok(()),
            Ok(signer) => Err(format!("recovered {}", signer.to_checksum(None))),
            Err(e) => Err(e.to_string()),
        }
    }

    fn proof(&self, signature: &[u8]) -> Map<String, Value> {
        let signature = alloy_primitives::hex::encode_prefixed(signature);
        let from = self.from.to_checksum(None);
        let proof = match &self.message {
            Message::Eip3009(m) => serde_json::to_value(Eip3009Payload {
                authorization: Authorization {
                    from,
                    to: m.to.to_checksum(None),
                    value: m.value.to_string(),
                    valid_after: m.validAfter.to_string(),
                    valid_before: m.validBefore.to_string(),
                    nonce: m.nonce.to_string(),
                },
                signature,
            }),
            Message::Permit2(m) => serde_json::to_value(
                Permit {
                    token: m.permitted.token,
                    amount: m.permitted.amount,
                    spender: m.spender,
                    nonce: m.nonce,
                    deadline: m.deadline,
                    to: m.witness.to,
                    facilitator: None,
                    valid_after: m.witness.validAfter,
                }
                .payload(signature, from),
            ),
            Message::Upto(m) => serde_json::to_value(
                Permit {
                    token: m.permitted.token,
                    amount: m.permitted.amount,
                    spender: m.spender,
                    nonce: m.nonce,
                    deadline: m.deadline,
                    to: m.witness.to,
                    facilitator: Some(m.witness.facilitator),
                    valid_after: m.witness.validAfter,
                }
                .payload(signature, from),
            ),
        };
        match proof {
            Ok(Value::Object(map)) => map,
            _ => Map::new(), // unreachable: both payloads serialize to objects
        }
    }
}
