//! x402 version 1 wire objects (legacy network names, `maxAmountRequired`, `X-PAYMENT`).

use alloy_primitives::U256;
use serde::Serialize;
use serde_json::{Map, Value};

use super::{decimal, version, Version};
use crate::error::Result;
use crate::fields::Fields;

/// One way to pay that a v1 server accepts.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequirements {
    /// Payment scheme, e.g. `"exact"`.
    pub scheme: String,
    /// Legacy network name, e.g. `"base-sepolia"`.
    pub network: String,
    /// Amount in the asset's atomic units.
    #[serde(with = "decimal::string")]
    pub max_amount_required: U256,
    /// URL of the paid resource.
    pub resource: String,
    /// Human-readable description.
    pub description: String,
    /// MIME type of the resource.
    pub mime_type: String,
    /// Input/output description (superseded by the v2 `bazaar` extension).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Value>,
    /// Recipient.
    pub pay_to: String,
    /// How long a signed payment stays valid, in seconds.
    pub max_timeout_seconds: u64,
    /// Token contract.
    pub asset: String,
    /// Scheme-specific data; on EVM the token's EIP-712 `name` and `version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<Map<String, Value>>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// The JSON body of a v1 402.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentRequired {
    /// Always 1.
    pub x402_version: u8,
    /// Why payment is asked for.
    pub error: String,
    /// The accepted ways to pay.
    pub accepts: Vec<PaymentRequirements>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

/// A signed v1 payment (header `X-PAYMENT`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentPayload {
    /// Always 1.
    pub x402_version: u8,
    /// The scheme paid with.
    pub scheme: String,
    /// The legacy network name paid on.
    pub network: String,
    /// Scheme-specific proof.
    pub payload: Map<String, Value>,
    /// Fields this crate does not know.
    #[serde(flatten)]
    pub unknown: Map<String, Value>,
}

// Read from JSON values field by field, as in `v2`. `description`, `mimeType` and `error` may
// be absent (read as `""`), but not `null`, as serde's `default` took them.

impl PaymentRequirements {
    pub(crate) fn read(mut f: Fields<'_>) -> Result<Self> {
        Ok(PaymentRequirements {
            scheme: f.string("scheme")?,
            network: f.string("network")?,
            max_amount_required: f.decimal("maxAmountRequired")?,
            resource: f.string("resource")?,
            description: f.string_or_empty("description")?,
            mime_type: f.string_or_empty("mimeType")?,
            output_schema: f.optional("outputSchema"),
            pay_to: f.string("payTo")?,
            max_timeout_seconds: f.u64("maxTimeoutSeconds")?,
            asset: f.string("asset")?,
            extra: f.optional_object("extra")?,
            unknown: f.rest(),
        })
    }
}

impl PaymentRequired {
    pub(crate) fn read(mut f: Fields<'_>) -> Result<Self> {
        let x402_version = version(&mut f, Version::V1)?;
        let error = f.string_or_empty("error")?;
        let accepts = f.objects("accepts", PaymentRequirements::read)?;
        Ok(PaymentRequired { x402_version, error, accepts, unknown: f.rest() })
    }
}

impl PaymentPayload {
    pub(crate) fn read(mut f: Fields<'_>) -> Result<Self> {
        Ok(PaymentPayload {
            x402_version: version(&mut f, Version::V1)?,
            scheme: f.string("scheme")?,
            network: f.string("network")?,
            payload: f.object("payload")?,
            unknown: f.rest(),
        })
    }
}
