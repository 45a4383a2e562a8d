//! x402 version 2 wire objects (CAIP-2 networks, `amount`, `resource` object, `accepted` echo).

use alloy_primitives::U256;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{decimal, version, Version};
use crate::error::Result;
use crate::fields::Fields;

/// The resource a payment is for, sent once in [`PaymentRequired`] and echoed in [`PaymentPayload`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceInfo {
    /// The URL of the paid resource.
    pub url: String,
    /// Human-readable description (the reference server sends `""` when none is configured).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// MIME type of the resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Fields this crate does not know, kept so an echo is faithful.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// One way to pay that a server accepts (an entry of `accepts`).
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<Map<String, Value>>,
    /// Fields this crate does not know, kept so the `accepted` echo is faithful.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// The body of a v2 402: what the server accepts for a resource (header `PAYMENT-REQUIRED`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequired {
    /// Always 2.
    pub x402_version: u8,
    /// Why payment is asked for (`"Payment required"`, or the previous attempt's reason).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The paid resource.
    pub resource: ResourceInfo,
    /// The accepted ways to pay, in the server's order of preference.
    pub accepts: Vec<PaymentRequirements>,
    /// Extensions the server declares (`bazaar`, `payment-identifier`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Map<String, Value>>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// A signed payment (header `PAYMENT-SIGNATURE`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentPayload {
    /// Always 2.
    pub x402_version: u8,
    /// The resource, copied from the [`PaymentRequired`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceInfo>,
    /// The chosen entry of `accepts`, copied verbatim.
    pub accepted: PaymentRequirements,
    /// Scheme-specific proof (EIP-3009 or Permit2 authorization and signature on EVM).
    pub payload: Map<String, Value>,
    /// The server's extensions with the client's additions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Map<String, Value>>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

// Read from JSON values field by field (`crate::fields`), with the rules serde's derives had:
// required fields must be there, `Option` fields may be absent or `null`, the fields this crate
// does not know are kept in `unknown` in their order.

impl ResourceInfo {
    pub(crate) fn read(mut f: Fields<'_>) -> Result<Self> {
        Ok(ResourceInfo {
            url: f.string("url")?,
            description: f.optional_string("description")?,
            mime_type: f.optional_string("mimeType")?,
            unknown: f.rest(),
        })
    }
}

impl PaymentRequirements {
    pub(crate) fn read(mut f: Fields<'_>) -> Result<Self> {
        Ok(PaymentRequirements {
            scheme: f.string("scheme")?,
            network: f.string("network")?,
            amount: f.decimal("amount")?,
            asset: f.string("asset")?,
            pay_to: f.string("payTo")?,
            max_timeout_seconds: f.u64("maxTimeoutSeconds")?,
            extra: f.optional_object("extra")?,
            unknown: f.rest(),
        })
    }
}

impl PaymentRequired {
    pub(crate) fn read(mut f: Fields<'_>) -> Result<Self> {
        let x402_version = version(&mut f, Version::V2)?;
        let error = f.optional_string("error")?;
        let resource = ResourceInfo::read(f.nested("resource")?)?;
        let accepts = f.objects("accepts", PaymentRequirements::read)?;
        Ok(PaymentRequired {
            x402_version,
            error,
            resource,
            accepts,
            extensions: f.optional_object("extensions")?,
            unknown: f.rest(),
        })
    }
}

impl PaymentPayload {
    pub(crate) fn read(mut f: Fields<'_>) -> Result<Self> {
        let x402_version = version(&mut f, Version::V2)?;
        let resource = match f.optional("resource") {
            None => None,
            Some(v) => Some(ResourceInfo::read(f.inner("resource", v)?)?),
        };
        let accepted = PaymentRequirements::read(f.nested("accepted")?)?;
        Ok(PaymentPayload {
            x402_version,
            resource,
            accepted,
            payload: f.object("payload")?,
            extensions: f.optional_object("extensions")?,
            unknown: f.rest(),
        })
    }
}
