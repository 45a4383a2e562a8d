//! The `exact` scheme on EVM chains: payload shapes, EIP-712, signatures, verification.

mod draft;
pub mod eip712;
pub mod signature;
pub mod upto;
mod verify;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub(crate) mod wasm;

use alloy_primitives::Address;
use serde::Serialize;
use serde_json::{Map, Value};

pub use crate::eip3009::Authorization;
pub use upto::verify_upto;
pub use verify::verify_exact;
pub(crate) use verify::ERC6492_MAGIC;

use crate::error::{Error, Result};
use crate::family::{Draft, Drafter, Family, Payer, Verifier};
use crate::network;
use crate::verdict::Verdict;
use crate::wire::{v2, PaymentPayload, Terms, Version};

/// The CAIP-2 namespace of EVM chains.
pub const NAMESPACE: &str = "eip155";

/// The EVM family: `eip155:*` networks, and v1's legacy EVM names.
#[derive(Debug, Clone, Copy)]
pub struct Evm;

impl Family for Evm {
    fn namespace(&self) -> &'static str {
        NAMESPACE
    }

    fn claims(&self, network: &str, version: Version) -> bool {
        match version {
            // v1 names networks by legacy name: EVM judges every one that no other registered
            // family serves (an unknown one is refused by its checks, in their order).
            Version::V1 => {
                !network.contains(':')
                    && !crate::family::FAMILIES
                        .iter()
                        .any(|f| f.namespace() != NAMESPACE && f.serves(network))
            }
            Version::V2 => network.split_once(':').is_some_and(|(ns, _)| ns == NAMESPACE),
        }
    }

    fn serves(&self, network: &str) -> bool {
        network::evm_chain_id(network).is_ok()
    }

    fn schemes(&self) -> &'static [&'static str] {
        &["exact", upto::UPTO]
    }

    fn has_scheme(&self, scheme: &str, version: Version) -> bool {
        scheme == "exact" || (scheme == upto::UPTO && version == Version::V2)
    }

    fn complete_offer(&self, offer: &mut v2::PaymentRequirements) {
        if offer.scheme == upto::UPTO {
            let extra = offer.extra.get_or_insert_with(Default::default);
            extra.insert("assetTransferMethod".into(), "permit2".into());
        }
    }

    fn check_offer(&self, offer: &v2::PaymentRequirements) -> Result<()> {
        if offer.scheme != upto::UPTO {
            return Ok(());
        }
        let extra = offer.extra.as_ref();
        if extra.and_then(|e| e.get("assetTransferMethod")).and_then(|m| m.as_str())
            != Some("permit2")
        {
            return Err(Error::field(
                "extra",
                "an upto offer is paid by Permit2: extra.assetTransferMethod must be \"permit2\"",
            ));
        }
        match extra.and_then(|e| e.get(upto::FACILITATOR_ADDRESS)) {
            None => Ok(()),
            Some(v) if v.as_str().and_then(signature::parse_address).is_some() => Ok(()),
            Some(v) => Err(Error::field(
                upto::FACILITATOR_ADDRESS,
                format!("{} is not an EVM address with a valid checksum", crate::json::write(v)),
            )),
        }
    }

    fn facilitator_extra(&self, scheme: &str) -> &'static [&'static str] {
        if scheme == upto::UPTO {
            &[upto::FACILITATOR_ADDRESS]
        } else {
            &[]
        }
    }

    fn payer(&self, from: &str) -> Option<Result<Payer>> {
        from.starts_with("0x").then(|| {
            signature::parse_address(from)
                .map(Payer::from)
                .ok_or_else(|| Error::field("from", "not an EVM address with a valid checksum"))
        })
    }
}

impl Verifier for Evm {
    fn verify(&self, payload: &PaymentPayload, terms: &Terms<'_>, now: u64) -> Verdict {
        if terms.scheme == upto::UPTO {
            verify_upto(payload, terms, now)
        } else {
            verify_exact(payload, terms, now)
        }
    }
}

impl Drafter for Evm {
    fn draft(
        &self,
        terms: &Terms<'_>,
        payer: &Payer,
        now: u64,
        nonce: [u8; 32],
        _chain: &[Value],
    ) -> Result<Box<dyn Draft>> {
        let from = signature::parse_address(payer.id())
            .ok_or_else(|| Error::field("from", "not an EVM address"))?;
        Ok(Box::new(draft::EvmDraft::new(terms, from, now, nonce)?))
    }

    fn decode_signature(&self, signature: &str) -> Result<Vec<u8>> {
        signature::decode_signature(signature)
            .map(Vec::from)
            .map_err(|e| Error::field("signature", e))
    }
}

impl From<Address> for Payer {
    fn from(address: Address) -> Self {
        let wire = address.to_checksum(None);
        Payer::new(&Evm, wire.clone(), wire)
    }
}

/// `payload` of an EIP-3009 payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eip3009Payload {
    /// The signed authorization.
    pub authorization: Authorization,
    /// 65-byte `r‖s‖v` hex (longer for smart-wallet signatures).
    pub signature: String,
}

/// The token and amount a Permit2 permit allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenPermissions {
    /// Token contract.
    pub token: String,
    /// Atomic amount, decimal.
    pub amount: String,
}

/// The witness the x402 Permit2 proxy checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Permit2Witness {
    /// Recipient (`payTo`).
    pub to: String,
    /// `upto` only: the facilitator allowed to settle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facilitator: Option<String>,
    /// Unix seconds after which it is valid, decimal.
    pub valid_after: String,
}

/// `payload.permit2Authorization` of a Permit2 payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Permit2Authorization {
    /// Payer.
    pub from: String,
    /// Token and amount.
    pub permitted: TokenPermissions,
    /// The x402 proxy.
    pub spender: String,
    /// Permit2 nonce, decimal uint256.
    pub nonce: String,
    /// Unix seconds, decimal.
    pub deadline: String,
    /// Recipient and start time.
    pub witness: Permit2Witness,
}

/// `payload` of a Permit2 payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Permit2Payload {
    /// 65-byte `r‖s‖v` hex.
    pub signature: String,
    /// The signed permit.
    pub permit2_authorization: Permit2Authorization,
}

// The proofs read from `payload` field by field (`crate::fields`): what is not known is ignored.

impl Eip3009Payload {
    /// Reads `payload`; the error says which field is missing or of the wrong kind.
    pub fn read(proof: &Map<String, Value>) -> Result<Self, String> {
        crate::fields::read_proof(proof, |mut f| {
            Ok(Eip3009Payload {
                authorization: Authorization::read(f.nested("authorization")?)?,
                signature: f.string("signature")?,
            })
        })
    }
}

impl Permit2Payload {
    /// Reads `payload`; the error says which field is missing or of the wrong kind.
    pub fn read(proof: &Map<String, Value>) -> Result<Self, String> {
        crate::fields::read_proof(proof, |mut f| {
            let signature = f.string("signature")?;
            let mut a = f.nested("permit2Authorization")?;
            let from = a.string("from")?;
            let mut permitted = a.nested("permitted")?;
            let permitted = TokenPermissions {
                token: permitted.string("token")?,
                amount: permitted.string("amount")?,
            };
            let spender = a.string("spender")?;
            let nonce = a.string("nonce")?;
            let deadline = a.string("deadline")?;
            let mut w = a.nested("witness")?;
            let witness = Permit2Witness {
                to: w.string("to")?,
                facilitator: w.optional_string("facilitator")?,
                valid_after: w.string("validAfter")?,
            };
            Ok(Permit2Payload {
                signature,
                permit2_authorization: Permit2Authorization {
                    from,
                    permitted,
                    spender,
                    nonce,
                    deadline,
                    witness,
                },
            })
        })
    }
}
