//! The crate's error type: every failure that is not a verification verdict.
//!
//! A verification that *runs* and says "invalid" is not an error: it is a [`crate::Verdict`] with a
//! reference reason code. [`Error`] is for input that cannot be read at all (a header that is not
//! base64, JSON of the wrong shape, an unknown network) and for misuse of the API. Each variant has a
//! stable machine-readable [`Error::code`], which the JS binding puts on the thrown `Error` as `code`.
//!
//! [`Code`] is the one list of those codes: the Rust errors', and those the JS glue throws or
//! answers with (a wallet's refusal, a facilitator's fault, a payment being settled). The glue
//! takes them from here; a test holds `index.d.ts` to the same list.

use std::fmt;

wire_strings! {
    /// A stable error code.
    Code {
        /// A header value over the size limit.
        HeaderTooLarge = "header_too_large",
        /// A header value that is not padded standard base64.
        InvalidBase64 = "invalid_base64",
        /// JSON that does not read as the object expected.
        InvalidJson = "invalid_json",
        /// A field outside what the protocol allows.
        InvalidField = "invalid_field",
        /// An unknown or mixed `x402Version`.
        InvalidX402Version = "invalid_x402_version",
        /// A network this crate cannot pay or verify on.
        InvalidNetwork = "invalid_network",
        /// A price that does not convert to atomic units.
        InvalidPrice = "invalid_price",
        /// A private key that is not a valid key.
        InvalidPrivateKey = "invalid_private_key",
        /// No entry of `accepts` passes the client's policy.
        NoAcceptableRequirement = "no_acceptable_requirement",
        /// Only the client's cap stood in the way.
        AmountExceedsMax = "amount_exceeds_max",
        /// A signature by someone other than the payer.
        SignerMismatch = "signer_mismatch",
        /// Typed data a local key will not sign.
        UnsupportedTypedData = "unsupported_typed_data",
        /// A 402 whose terms cannot be read.
        InvalidPaymentRequired = "invalid_payment_required",
        /// A client hook aborted the payment.
        PaymentAborted = "payment_aborted",
        /// The user refused in the wallet.
        UserRejected = "user_rejected",
        /// The wallet failed otherwise.
        WalletError = "wallet_error",
        /// A call the API does not allow (a missing argument, a draft finished twice).
        InvalidArgument = "invalid_argument",
        /// A signer whose key was disposed of.
        SignerDisposed = "signer_disposed",
        /// A redirect to another origin asked for the payment.
        CrossOriginPayment = "cross_origin_payment",
        /// The facilitator did not answer in time.
        FacilitatorTimeout = "facilitator_timeout",
        /// The facilitator could not be reached, or none serves the network.
        FacilitatorUnavailable = "facilitator_unavailable",
        /// The facilitator answered with something that is not an answer.
        FacilitatorInvalidResponse = "facilitator_invalid_response",
        /// A request path that does not read one way only.
        InvalidPath = "invalid_path",
        /// Another request is settling this payment.
        PaymentInProgress = "payment_in_progress",
        /// Too many payments need a facilitator's check of a smart-wallet signature.
        TooManyDeferredChecks = "too_many_deferred_checks",
        /// The facilitator broadcast the settlement but it is not final.
        SettlementPending = "settlement_pending",
        /// A settlement whose outcome is not known.
        SettlementUnresolved = "settlement_unresolved",
        /// The protected handler failed after the payment settled.
        HandlerFailed = "handler_failed",
        /// The payer has not approved Permit2 for the token, which a Permit2 payment needs once.
        Permit2ApprovalRequired = "permit2_approval_required",
        /// A facilitator request without the bearer token the facilitator requires.
        Unauthorized = "unauthorized",
        /// A bug in this crate.
        Internal = "internal",
    }
}

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
        /// What is wrong: serde_json's account of a syntax error (with line and column), or the
        /// field reader's (the field, and what it is instead of what it should be).
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
    /// A network of a family this build leaves out (its cargo feature is off).
    #[error(
        "network `{network}` is the `{family}` family's, which this build leaves out (the cargo \
         feature `{family}`; the package's x402-wasm/client and x402-wasm/server have it)"
    )]
    FamilyLeftOut {
        /// The network as given.
        network: String,
        /// The family (and its feature's name).
        family: &'static str,
    },
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
    /// A call the API does not allow.
    #[error("{0}")]
    InvalidArgument(String),
    /// A 402 whose terms cannot be read.
    #[error("{0}")]
    InvalidPaymentRequired(String),
    /// A bug in this crate (output that does not serialize, say).
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The stable code carried to JavaScript as `error.code`.
    pub fn code(&self) -> &'static str {
        self.code_enum().as_str()
    }

    /// The code as a [`Code`].
    pub fn code_enum(&self) -> Code {
        match self {
            Error::HeaderTooLarge { .. } => Code::HeaderTooLarge,
            Error::Base64(_) => Code::InvalidBase64,
            Error::Json { .. } => Code::InvalidJson,
            Error::Field { .. } => Code::InvalidField,
            Error::Version(_) => Code::InvalidX402Version,
            Error::Network(_) | Error::FamilyLeftOut { .. } => Code::InvalidNetwork,
            Error::Price { .. } => Code::InvalidPrice,
            Error::Key(_) => Code::InvalidPrivateKey,
            Error::NoAcceptableRequirement(_) => Code::NoAcceptableRequirement,
            Error::AmountExceedsMax(_) => Code::AmountExceedsMax,
            Error::SignerMismatch { .. } => Code::SignerMismatch,
            Error::UnsupportedTypedData(_) => Code::UnsupportedTypedData,
            Error::InvalidArgument(_) => Code::InvalidArgument,
            Error::InvalidPaymentRequired(_) => Code::InvalidPaymentRequired,
            Error::Internal(_) => Code::Internal,
        }
    }

    pub(crate) fn field(field: &'static str, reason: impl fmt::Display) -> Self {
        Error::Field { field, reason: reason.to_string() }
    }

    pub(crate) fn json(what: &'static str, err: impl fmt::Display) -> Self {
        Error::Json { what, detail: err.to_string() }
    }
}

/// Shorthand for this crate's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {}", code.name());
            assert_eq!(Code::from_code(code.as_str()), Some(*code));
        }
    }
}
