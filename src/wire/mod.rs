//! Wire objects of x402 v1 and v2, with the exact JSON field names of each version.
//!
//! Versioned structs live in [`v1`] and [`v2`]; the enums here ([`PaymentPayload`],
//! [`PaymentRequired`], [`PaymentRequirements`]) hold either and are read by their `x402Version`.
//! Amounts, times and nonces are decimal strings on the wire and [`U256`] inside. Unknown fields are
//! kept in each struct's `unknown` map, so an object read and written again says the same thing.

pub mod decimal;
pub mod v1;
pub mod v2;

use alloy_primitives::U256;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::fields::Fields;
use crate::network;

/// A protocol version this crate speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// x402 v1: JSON 402 body, `X-PAYMENT`, legacy network names.
    V1 = 1,
    /// x402 v2: `PAYMENT-REQUIRED` / `PAYMENT-SIGNATURE`, CAIP-2 networks.
    V2 = 2,
}

impl Version {
    /// Reads the `x402Version` of a JSON object without reading the rest into types.
    pub fn of_json(json: &str, what: &'static str) -> Result<Self> {
        Self::of(&fields_of(json, what)?)
    }

    /// The `x402Version` of an object's fields, left among them.
    fn of(f: &Fields<'_>) -> Result<Self> {
        let Some(value) = f.peek(VERSION) else {
            return Err(f.error(format!("missing field `{VERSION}`")));
        };
        let found = value.as_u64().ok_or_else(|| {
            f.error(format!("`{VERSION}` is not a whole number, expected 1 or 2"))
        })?;
        Self::try_from(found)
    }
}

const VERSION: &str = "x402Version";

/// Takes the `x402Version` of a `want` object from its fields.
fn version(f: &mut Fields<'_>, want: Version) -> Result<u8> {
    let found = f.u64(VERSION)?;
    if found == want as u64 {
        Ok(want as u8)
    } else {
        Err(Error::Version(found))
    }
}

/// The fields of the JSON object `json`, a `what`.
fn fields_of(json: &str, what: &'static str) -> Result<Fields<'static>> {
    Fields::of(what, "", crate::fields::parse(what, json)?)
}

impl TryFrom<u64> for Version {
    type Error = Error;
    fn try_from(v: u64) -> Result<Self> {
        match v {
            1 => Ok(Version::V1),
            2 => Ok(Version::V2),
            other => Err(Error::Version(other)),
        }
    }
}

/// A signed payment of either version.
// Held briefly, one at a time: the size of the larger version is no cost worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PaymentPayload {
    /// Sent in `X-PAYMENT`.
    V1(v1::PaymentPayload),
    /// Sent in `PAYMENT-SIGNATURE`.
    V2(v2::PaymentPayload),
}

impl PaymentPayload {
    /// Parses JSON, choosing the version by its `x402Version`.
    pub fn from_json(json: &str) -> Result<Self> {
        const WHAT: &str = "PaymentPayload";
        Self::from_value(crate::fields::parse(WHAT, json)?)
    }

    /// Reads a JSON value already parsed (by [`crate::fields::parse`], which refuses a key
    /// written twice).
    pub(crate) fn from_value(value: Value) -> Result<Self> {
        let f = Fields::of("PaymentPayload", "", value)?;
        Ok(match Version::of(&f)? {
            Version::V1 => PaymentPayload::V1(v1::PaymentPayload::read(f)?),
            Version::V2 => PaymentPayload::V2(v2::PaymentPayload::read(f)?),
        })
    }

    /// The protocol version.
    pub fn version(&self) -> Version {
        match self {
            PaymentPayload::V1(_) => Version::V1,
            PaymentPayload::V2(_) => Version::V2,
        }
    }

    /// The scheme the payer chose.
    pub fn scheme(&self) -> &str {
        match self {
            PaymentPayload::V1(p) => &p.scheme,
            PaymentPayload::V2(p) => &p.accepted.scheme,
        }
    }

    /// The network the payer chose, as written on the wire (legacy name in v1, CAIP-2 in v2).
    pub fn network(&self) -> &str {
        match self {
            PaymentPayload::V1(p) => &p.network,
            PaymentPayload::V2(p) => &p.accepted.network,
        }
    }

    /// The scheme-specific proof.
    pub fn proof(&self) -> &Map<String, Value> {
        match self {
            PaymentPayload::V1(p) => &p.payload,
            PaymentPayload::V2(p) => &p.payload,
        }
    }
}

/// What a 402 asks for, in either version.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PaymentRequired {
    /// The JSON body of a v1 402.
    V1(v1::PaymentRequired),
    /// The `PAYMENT-REQUIRED` header of a v2 402.
    V2(v2::PaymentRequired),
}

impl PaymentRequired {
    /// Parses JSON, choosing the version by its `x402Version`.
    pub fn from_json(json: &str) -> Result<Self> {
        let f = fields_of(json, "PaymentRequired")?;
        let required = match Version::of(&f)? {
            Version::V1 => PaymentRequired::V1(v1::PaymentRequired::read(f)?),
            Version::V2 => PaymentRequired::V2(v2::PaymentRequired::read(f)?),
        };
        if required.is_empty() {
            return Err(Error::field("accepts", "must have at least one entry"));
        }
        Ok(required)
    }

    /// The protocol version.
    pub fn version(&self) -> Version {
        match self {
            PaymentRequired::V1(_) => Version::V1,
            PaymentRequired::V2(_) => Version::V2,
        }
    }

    /// Whether `accepts` is empty (never, for one read by [`PaymentRequired::from_json`]).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of entries in `accepts`.
    pub fn len(&self) -> usize {
        match self {
            PaymentRequired::V1(p) => p.accepts.len(),
            PaymentRequired::V2(p) => p.accepts.len(),
        }
    }

    /// Entry `i` of `accepts`, in its version.
    pub fn accept(&self, i: usize) -> Option<PaymentRequirements> {
        match self {
            PaymentRequired::V1(p) => p.accepts.get(i).cloned().map(PaymentRequirements::V1),
            PaymentRequired::V2(p) => p.accepts.get(i).cloned().map(PaymentRequirements::V2),
        }
    }
}

/// One entry of `accepts`, in either version.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PaymentRequirements {
    /// v1 shape (`maxAmountRequired`, legacy network).
    V1(v1::PaymentRequirements),
    /// v2 shape (`amount`, CAIP-2 network).
    V2(v2::PaymentRequirements),
}

impl PaymentRequirements {
    /// Parses JSON in the shape of `version`.
    pub fn from_json(json: &str, version: Version) -> Result<Self> {
        Self::read(fields_of(json, "PaymentRequirements")?, version)
    }

    /// Reads a JSON value already parsed, as [`PaymentPayload::from_value`].
    pub(crate) fn from_value(value: Value, version: Version) -> Result<Self> {
        Self::read(Fields::of("PaymentRequirements", "", value)?, version)
    }

    /// Parses a JSON list of requirements, each in the shape of `version`.
    pub fn list_from_json(json: &str, version: Version) -> Result<Vec<Self>> {
        const WHAT: &str = "PaymentRequirements[]";
        crate::fields::objects(WHAT, crate::fields::parse(WHAT, json)?, |f| Self::read(f, version))
    }

    fn read(f: Fields<'_>, version: Version) -> Result<Self> {
        Ok(match version {
            Version::V1 => PaymentRequirements::V1(v1::PaymentRequirements::read(f)?),
            Version::V2 => PaymentRequirements::V2(v2::PaymentRequirements::read(f)?),
        })
    }

    /// The protocol version of this shape.
    pub fn version(&self) -> Version {
        match self {
            PaymentRequirements::V1(_) => Version::V1,
            PaymentRequirements::V2(_) => Version::V2,
        }
    }

    /// The version-independent view used by verification and selection.
    pub fn terms(&self) -> Terms<'_> {
        match self {
            PaymentRequirements::V1(r) => Terms {
                version: Version::V1,
                scheme: &r.scheme,
                network: &r.network,
                amount: r.max_amount_required,
                asset: &r.asset,
                pay_to: &r.pay_to,
                max_timeout_seconds: r.max_timeout_seconds,
                extra: r.extra.as_ref(),
            },
            PaymentRequirements::V2(r) => Terms {
                version: Version::V2,
                scheme: &r.scheme,
                network: &r.network,
                amount: r.amount,
                asset: &r.asset,
                pay_to: &r.pay_to,
                max_timeout_seconds: r.max_timeout_seconds,
                extra: r.extra.as_ref(),
            },
        }
    }
}

/// The fields of a requirement that every version has, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Terms<'a> {
    /// Which version the requirement came in.
    pub version: Version,
    /// Payment scheme.
    pub scheme: &'a str,
    /// Network as written (legacy name in v1, CAIP-2 in v2).
    pub network: &'a str,
    /// Amount in atomic units (`maxAmountRequired` in v1).
    pub amount: U256,
    /// Token contract.
    pub asset: &'a str,
    /// Recipient.
    pub pay_to: &'a str,
    /// Validity window the server allows, in seconds.
    pub max_timeout_seconds: u64,
    /// Scheme-specific data.
    pub extra: Option<&'a Map<String, Value>>,
}

impl Terms<'_> {
    /// A string field of `extra`, if present.
    pub fn extra_str(&self, key: &str) -> Option<&str> {
        self.extra?.get(key)?.as_str()
    }
}

/// A facilitator's answer to `/verify` (also what local verification returns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct VerifyResponse {
    /// Whether the payment may be settled.
    pub is_valid: bool,
    /// The reason code when it may not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_reason: Option<String>,
    /// A human-readable account of the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_message: Option<String>,
    /// The paying address, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer: Option<String>,
    /// Extension data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Map<String, Value>>,
}

/// A facilitator's answer to `/settle`; carried in `PAYMENT-RESPONSE` / `X-PAYMENT-RESPONSE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SettleResponse {
    /// Whether the transfer went through.
    pub success: bool,
    /// The reason code on failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_reason: Option<String>,
    /// A human-readable account of the failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The paying address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer: Option<String>,
    /// Transaction hash; `""` on failure (`null` is read as `""`).
    pub transaction: String,
    /// Network settled on (CAIP-2 in v2, legacy name in v1).
    pub network: String,
    /// Amount actually settled, in atomic units (schemes that settle less than the maximum).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// Extension data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Map<String, Value>>,
}

impl SettleResponse {
    /// Reads the shape alone: `success` a boolean, `network` a string, the rest optional.
    pub fn read(json: &str) -> Result<Self> {
        let mut f = fields_of(json, "SettleResponse")?;
        Ok(SettleResponse {
            success: f.boolean("success")?,
            error_reason: f.optional_string("errorReason")?,
            error_message: f.optional_string("errorMessage")?,
            payer: f.optional_string("payer")?,
            transaction: f.optional_string("transaction")?.unwrap_or_default(),
            network: f.string("network")?,
            amount: f.optional_string("amount")?,
            extensions: f.optional_object("extensions")?,
        })
    }

    /// Reads a facilitator's `/settle` answer strictly: the shape above, and a success that names
    /// its transaction (a settlement without one is not a settlement), unless it settled an
    /// `amount` of `"0"` (a metered payment that used nothing: no transaction is sent). Both faces
    /// read it this way.
    pub fn from_json(json: &str) -> Result<Self> {
        let settle = Self::read(json)?;
        if settle.success && settle.transaction.is_empty() && settle.amount.as_deref() != Some("0")
        {
            return Err(Error::field(
                "transaction",
                "a successful settlement must name its transaction",
            ));
        }
        Ok(settle)
    }
}

impl VerifyResponse {
    /// Reads a `/verify` answer: `isValid` a boolean, the rest optional.
    pub fn from_json(json: &str) -> Result<Self> {
        let mut f = fields_of(json, "VerifyResponse")?;
        Ok(VerifyResponse {
            is_valid: f.boolean("isValid")?,
            invalid_reason: f.optional_string("invalidReason")?,
            invalid_message: f.optional_string("invalidMessage")?,
            payer: f.optional_string("payer")?,
            extensions: f.optional_object("extensions")?,
        })
    }
}

/// One (version, scheme, network) a facilitator supports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportedKind {
    /// Protocol version.
    pub x402_version: u8,
    /// Scheme.
    pub scheme: String,
    /// Network (legacy name for v1 kinds).
    pub network: String,
    /// Scheme data the facilitator publishes (e.g. a fee payer or facilitator address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<Map<String, Value>>,
}

/// A facilitator's answer to `/supported`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SupportedResponse {
    /// What it can verify and settle.
    pub kinds: Vec<SupportedKind>,
    /// Extension keys it understands.
    #[serde(default)]
    pub extensions: Vec<String>,
    /// Its signing addresses by CAIP-2 pattern.
    #[serde(default)]
    pub signers: Map<String, Value>,
}

impl v1::PaymentRequirements {
    /// The v2 form of this requirement and its resource, where the network has a CAIP-2 name.
    pub fn to_v2(&self) -> Result<(v2::PaymentRequirements, v2::ResourceInfo)> {
        let network = network::legacy_to_caip2(&self.network)
            .ok_or_else(|| Error::Network(self.network.clone()))?;
        let requirements = v2::PaymentRequirements {
            scheme: self.scheme.clone(),
            network,
            amount: self.max_amount_required,
            asset: self.asset.clone(),
            pay_to: self.pay_to.clone(),
            max_timeout_seconds: self.max_timeout_seconds,
            extra: self.extra.clone(),
            unknown: self.unknown.clone(),
        };
        let resource = v2::ResourceInfo {
            url: self.resource.clone(),
            description: Some(self.description.clone()),
            mime_type: Some(self.mime_type.clone()),
            unknown: Map::new(),
        };
        Ok((requirements, resource))
    }
}

impl v2::PaymentRequirements {
    /// The v1 form of this requirement for `resource`, where the network has a legacy name.
    pub fn to_v1(&self, resource: &v2::ResourceInfo) -> Result<v1::PaymentRequirements> {
        let network = network::caip2_to_legacy(&self.network)
            .ok_or_else(|| Error::Network(self.network.clone()))?;
        Ok(v1::PaymentRequirements {
            scheme: self.scheme.clone(),
            network: network.to_owned(),
            max_amount_required: self.amount,
            resource: resource.url.clone(),
            description: resource.description.clone().unwrap_or_default(),
            mime_type: resource.mime_type.clone().unwrap_or_default(),
            output_schema: None,
            pay_to: self.pay_to.clone(),
            max_timeout_seconds: self.max_timeout_seconds,
            asset: self.asset.clone(),
            extra: self.extra.clone(),
            unknown: self.unknown.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn payload_v2() -> Value {
        json!({
            "x402Version": 2,
            "zeta": 1,
            "accepted": {"scheme": "exact", "network": "eip155:84532", "amount": "10000",
                "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "later": true,
                "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 300,
                "extra": null, "alpha": [1]},
            "payload": {"signature": "0x"},
            "resource": null,
            "beta": "b",
        })
    }

    fn code(json: &Value) -> &'static str {
        PaymentPayload::from_json(&json.to_string()).unwrap_err().code()
    }

    #[test]
    fn unknown_fields_kept_in_order_and_written_back() {
        let PaymentPayload::V2(p) = PaymentPayload::from_json(&payload_v2().to_string()).unwrap()
        else {
            panic!("read as v2")
        };
        assert_eq!(p.unknown.keys().collect::<Vec<_>>(), ["zeta", "beta"]);
        assert_eq!(p.accepted.unknown.keys().collect::<Vec<_>>(), ["later", "alpha"]);
        assert_eq!((&p.accepted.extra, &p.resource), (&None, &None), "null is absent");
        let again = serde_json::to_value(&p).unwrap();
        assert_eq!(again["accepted"]["alpha"], json!([1]));
        assert_eq!(again["beta"], "b");
        // Written in one pass, the typed object is the text of its value tree.
        assert_eq!(crate::json::to_string(&p).unwrap(), crate::json::write(&again));
    }

    #[test]
    fn refuses_what_the_derives_refused() {
        let with = |path: &[&str], v: Value| {
            let mut json = payload_v2();
            let (last, parents) = path.split_last().unwrap();
            let mut at = &mut json;
            for p in parents {
                at = &mut at[*p];
            }
            at[*last] = v;
            json
        };
        assert_eq!(code(&with(&["accepted", "amount"], json!("01"))), "invalid_json");
        assert_eq!(code(&with(&["accepted", "amount"], json!(10000))), "invalid_json");
        assert_eq!(code(&with(&["accepted", "maxTimeoutSeconds"], json!(-1))), "invalid_json");
        assert_eq!(code(&with(&["accepted", "maxTimeoutSeconds"], json!(1.5))), "invalid_json");
        assert_eq!(code(&with(&["accepted", "scheme"], Value::Null)), "invalid_json");
        assert_eq!(code(&with(&["accepted", "extra"], json!([]))), "invalid_json");
        assert_eq!(code(&with(&["payload"], Value::Null)), "invalid_json");
        assert_eq!(code(&with(&["x402Version"], json!(3))), "invalid_x402_version");
        assert_eq!(code(&with(&["x402Version"], json!("2"))), "invalid_json");
        assert_eq!(code(&with(&["x402Version"], json!(2.0))), "invalid_json");
        assert_eq!(code(&json!([payload_v2()])), "invalid_json");
        let mut missing = payload_v2();
        missing.as_object_mut().unwrap().shift_remove("accepted");
        let e = PaymentPayload::from_json(&missing.to_string()).unwrap_err();
        assert!(e.to_string().contains("missing field `accepted`"), "{e}");

        // A v1 `description` may be absent, not null.
        let v1 = |description: Value| {
            json!({"x402Version": 1, "accepts": [{"scheme": "exact", "network": "base-sepolia",
                "maxAmountRequired": "1", "resource": "https://x.test", "description": description,
                "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 60,
                "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e"}]})
            .to_string()
        };
        assert!(PaymentRequired::from_json(&v1(json!("d"))).is_ok());
        let e = PaymentRequired::from_json(&v1(Value::Null)).unwrap_err();
        assert!(e.to_string().contains("accepts[0]: `description` is null"), "{e}");
    }

    #[test]
    fn a_key_written_twice_is_refused_at_any_depth() {
        let json = payload_v2().to_string();
        let twice = |from: &str, to: &str| json.replacen(from, to, 1);
        for doubled in [
            twice("\"beta\"", "\"beta\":1,\"beta\""),
            twice("\"signature\"", "\"signature\":\"0x\",\"signature\""),
            twice("\"amount\"", "\"amount\":\"1\",\"amount\""),
        ] {
            let e = PaymentPayload::from_json(&doubled).unwrap_err();
            assert_eq!(e.code(), "invalid_json");
            assert!(e.to_string().contains("duplicate field"), "{e}");
        }
    }
}
