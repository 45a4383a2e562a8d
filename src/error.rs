//! The crate's error type: every failure that is not a verification verdict.
//!
//! A verification that *runs* and says "invalid" is not an error: it is a [`crate::Verdict`] with a
//! reference reason code. [`Error`] is for input that cannot be read at all (a header that is not
//! base64, JSON of the wrong shape, an unknown network) and for misuse of the API. Each variant has a
//! stable machine-readable [`Error::code`], which the JS binding puts on the thrown `Error` as `code`.

use std::fmt;

/// Everything that can go wrong outside a verification verdict.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A header value longer than [`crate::codec::MAX_HEADER_BYTES`].
    #[error("header is {len} bytes, more than the {max}-byte limit")]
    HeaderTooLarge {
        /// Length of the rejected value.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A header value that is not standard, padded base64.
    #[error("header is not standard base64 with padding: {0}")]
    Base64(String),
    /// Decoded bytes that are not UTF-8 JSON of the expected shape.
    #[error("invalid {what} JSON: {detail}")]
    Json {
        /// Which object was being read (`PaymentPayload`, `PaymentRequirements`, …).
        what: &'static str,
        /// serde_json's account of the problem, with line and column.
        detail: String,
    },
    /// A field whose value is outside what the protocol allows.
    #[error("invalid field `{field}`: {reason}")]
    Field {
        /// The wire name of the field.
        field: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// An `x402Version` other than 1 or 2, or objects of two versions mixed.
    #[error("unsupported x402Version {0}")]
    Version(u64),
    /// A network this crate has no entry for, or one outside the EVM family where EVM is needed.
    #[error("unknown or unsupported network `{0}`")]
    Network(String),
    /// A price that cannot be turned into atomic units.
    #[error("invalid price `{price}`: {reason}")]
    Price {
        /// The price as given.
        price: String,
        /// Why it was refused.
        reason: String,
    },
    /// A private key that is not 32 bytes of hex, or not a valid secp256k1 scalar.
    #[error("invalid private key: {0}")]
    Key(String),
    /// No entry of `accepts` passes the client's policy.
    #[error("no acceptable payment requirement: {0}")]
    NoAcceptableRequirement(String),
    /// Entries would be acceptable but for the client's amount cap.
    #[error("payment amount exceeds the maximum: {0}")]
    AmountExceedsMax(String),
    /// A signature that does not recover to the expected signer.
    #[error("signature is not by {expected}: {detail}")]
    SignerMismatch {
        /// The address that should have signed.
        expected: String,
        /// What recovery found instead.
        detail: String,
    },
    /// Typed data this crate will not sign: only the x402 payment types are signed with a local key.
    #[error("unsupported typed data: {0}")]
    UnsupportedTypedData(String),
}

impl Error {
    /// The stable code carried to JavaScript as `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::HeaderTooLarge { .. } => "header_too_large",
            Error::Base64(_) => "invalid_base64",
            Error::Json { .. } => "invalid_json",
            Error::Field { .. } => "invalid_field",
            Error::Version(_) => "invalid_x402_version",
            Error::Network(_) => "invalid_network",
            Error::Price { .. } => "invalid_price",
            Error::Key(_) => "invalid_private_key",
            Error::NoAcceptableRequirement(_) => "no_acceptable_requirement",
            Error::AmountExceedsMax(_) => "amount_exceeds_max",
            Error::SignerMismatch { .. } => "signer_mismatch",
            Error::UnsupportedTypedData(_) => "unsupported_typed_data",
        }
    }

    pub(crate) fn field(field: &'static str, reason: impl fmt::Display) -> Self {
        Error::Field { field, reason: reason.to_string() }
    }

    pub(crate) fn json(what: &'static str, err: serde_json::Error) -> Self {
        Error::Json { what, detail: err.to_string() }
    }
}

/// Shorthand for this crate's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;
