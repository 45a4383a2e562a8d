//! x402 version 2 wire objects (CAIP-2 networks, `amount`, `resource` object, `accepted` echo).

use alloy_primitives::U256;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::decimal;

/// The resource a payment is for, sent once in [`PaymentRequired`] and echoed in [`PaymentPayload`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceInfo {
    /// The URL of the paid resource.
    pub url: String,
    /// Human-readable description (the reference server sends `""` when none is configured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// MIME type of the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Fields this crate does not know, kept so an echo is faithful.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// One way to pay that a server accepts (an entry of `accepts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequirements {
    /// Payment scheme, e.g. `"exact"`.
    pub scheme: String,
    /// CAIP-2 network, e.g. `"eip155:8453"`.
    pub network: String,
    /// Amount in the asset's atomic units.
    #[serde(with = "decimal::string")]
    pub amount: U256,
    /// Token contract (EVM address) or the family's asset identifier.
    pub asset: String,
    /// Recipient.
    pub pay_to: String,
    /// How long a signed payment stays valid, in seconds.
    pub max_timeout_seconds: u64,
    /// Scheme-specific data; on EVM the token's EIP-712 `name` and `version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<Map<String, Value>>,
    /// Fields this crate does not know, kept so the `accepted` echo is faithful.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// The body of a v2 402: what the server accepts for a resource (header `PAYMENT-REQUIRED`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequired {
    /// Always 2.
    pub x402_version: u8,
    /// Why payment is asked for (`"Payment required"`, or the previous attempt's reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The paid resource.
    pub resource: ResourceInfo,
    /// The accepted ways to pay, in the server's order of preference.
    pub accepts: Vec<PaymentRequirements>,
    /// Extensions the server declares (`bazaar`, `payment-identifier`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Map<String, Value>>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// A signed payment (header `PAYMENT-SIGNATURE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentPayload {
    /// Always 2.
    pub x402_version: u8,
    /// The resource, copied from the [`PaymentRequired`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceInfo>,
    /// The chosen entry of `accepts`, copied verbatim.
    pub accepted: PaymentRequirements,
    /// Scheme-specific proof (EIP-3009 or Permit2 authorization and signature on EVM).
    pub payload: Map<String, Value>,
    /// The server's extensions with the client's additions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Map<String, Value>>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}
