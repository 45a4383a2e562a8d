//! The EIP-3009 `TransferWithAuthorization` fields as a payload carries them: EVM and Casper
//! payments both sign these, each family in its own forms.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::fields::Fields;
use crate::wire::Terms;

/// The authorization a payer signs (`payload.authorization`), as on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// 32 random bytes: `0x` + 64 hex on EVM, 64 hex on Casper.
    pub nonce: String,
}

impl Authorization {
    /// Reads the fields of `payload.authorization`: all six, each a string.
    pub(crate) fn read(mut f: Fields<'_>) -> Result<Self> {
        Ok(Authorization {
            from: f.string("from")?,
            to: f.string("to")?,
            value: f.string("value")?,
            valid_after: f.string("validAfter")?,
            valid_before: f.string("validBefore")?,
            nonce: f.string("nonce")?,
        })
    }
}

/// How far back `validAfter` is set where a family starts a payment's window in the past (EVM
/// v1 and Casper, as their reference clients do).
pub const VALID_AFTER_SKEW_SECONDS: u64 = 600;

/// `extra.name` and `extra.version`: the token's EIP-712 domain, which an EIP-3009 payment needs.
pub(crate) fn domain_parameters<'a>(terms: &'a Terms<'_>) -> Result<(&'a str, &'a str)> {
    match (terms.extra_str("name"), terms.extra_str("version")) {
        (Some(name), Some(version)) if !name.is_empty() && !version.is_empty() => {
            Ok((name, version))
        }
        _ => Err(Error::field("extra", "EIP-712 domain parameters (name, version) are required")),
    }
}
