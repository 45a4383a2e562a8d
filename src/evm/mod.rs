//! The `exact` scheme on EVM chains: payload shapes, EIP-712, signatures, verification.

pub mod eip712;
pub mod signature;
mod verify;

use serde::{Deserialize, Serialize};

pub use verify::verify_exact;

/// The EIP-3009 authorization a payer signs (`payload.authorization`), as on the wire. Casper
/// payloads carry the same fields, in Casper's forms ([`crate::casper::Payload`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Authorization {
    /// Payer.
    pub from: String,
    /// Recipient (`payTo`).
    pub to: String,
    /// Atomic amount, decimal.
    pub value: String,
    /// Unix seconds after which it is valid, decimal.
    pub valid_after: String,
    /// Unix seconds before which it is valid, decimal.
    pub valid_before: String,
    /// 32 random bytes, `0x` + 64 hex.
    pub nonce: String,
}

/// `payload` of an EIP-3009 payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eip3009Payload {
    /// The signed authorization.
    pub authorization: Authorization,
    /// 65-byte `r‖s‖v` hex (longer for smart-wallet signatures).
    pub signature: String,
}

/// The token and amount a Permit2 permit allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPermissions {
    /// Token contract.
    pub token: String,
    /// Atomic amount, decimal.
    pub amount: String,
}

/// The witness the x402 Permit2 proxy checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permit2Witness {
    /// Recipient (`payTo`).
    pub to: String,
    /// `upto` only: the facilitator allowed to settle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator: Option<String>,
    /// Unix seconds after which it is valid, decimal.
    pub valid_after: String,
}

/// `payload.permit2Authorization` of a Permit2 payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permit2Payload {
    /// 65-byte `r‖s‖v` hex.
    pub signature: String,
    /// The signed permit.
    pub permit2_authorization: Permit2Authorization,
}

/// Checks that need chain state, which local verification leaves to the facilitator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Deferred {
    /// The asset address holds a contract.
    AssetDeployed,
    /// The transfer simulates: balance, unused nonce, token name/version, Permit2 allowance.
    Simulation,
    /// A signature longer than 65 bytes (ERC-1271 / ERC-6492 smart wallet).
    ContractSignature,
}

impl Deferred {
    /// Short name, as the JS binding lists it.
    pub fn as_str(self) -> &'static str {
        match self {
            Deferred::AssetDeployed => "asset_deployed",
            Deferred::Simulation => "simulation",
            Deferred::ContractSignature => "contract_signature",
        }
    }
}
