//! What every family's verification says: a [`Verdict`], the checks it leaves to the facilitator
//! ([`Deferred`]), the payment's one-time key ([`Replay`]), and the settle margin.
//!
//! This is the vocabulary below the families: [`crate::evm`] and [`crate::casper`] speak it, and
//! the dispatchers ([`crate::verify()`], [`crate::server`]) read it. It imports neither.

use crate::reason::Reason;
use crate::wire::VerifyResponse;

/// Seconds a payment must still be valid for when it is verified, leaving time to settle (every
/// family's facilitator uses the same margin).
pub const SETTLE_BUFFER_SECONDS: u64 = 6;

/// The largest integer JavaScript reads exactly: times handed to JS are clamped to it.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

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

/// A verified payment's one-time key: what a server records so the payment is served once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    /// The key, built from what verification checked and the same in both protocol versions:
    /// one payment, one key, whichever way it is spelled.
    pub key: String,
    /// The part of the key that groups a payer's payments (a store shards on it).
    pub shard: String,
    /// When the payment expires (unix seconds, at most 2^53 − 1): the key need not be kept longer.
    pub valid_before: u64,
    /// The reason a server refuses the payment with once its key is used (the family's code).
    pub reason: Reason,
}

impl Replay {
    /// A key for a payment valid until `valid_before` (clamped so JavaScript reads it exactly),
    /// refused as `reason` when it comes again.
    pub fn new(key: String, shard: String, valid_before: u64, reason: Reason) -> Self {
        Replay { key, shard, valid_before: valid_before.min(MAX_SAFE_INTEGER), reason }
    }
}

/// The outcome of a local verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every local check passed.
    Valid {
        /// The payer as written in the payload.
        payer: String,
        /// Checks that need chain state and are left to the facilitator.
        deferred: Vec<Deferred>,
        /// The payment's one-time key.
        replay: Replay,
    },
    /// A check failed.
    Invalid {
        /// The reference's reason code.
        reason: Reason,
        /// A human-readable detail.
        message: String,
        /// The payer, when it could be read (and the family names it on refusal).
        payer: Option<String>,
    },
}

impl Verdict {
    /// A refusal.
    pub fn invalid(reason: Reason, payer: Option<&str>, message: impl Into<String>) -> Self {
        Verdict::Invalid { reason, message: message.into(), payer: payer.map(str::to_owned) }
    }

    /// Whether every local check passed.
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid { .. })
    }

    /// The reason of a refusal.
    pub fn reason(&self) -> Option<Reason> {
        match self {
            Verdict::Valid { .. } => None,
            Verdict::Invalid { reason, .. } => Some(*reason),
        }
    }

    /// The detail of a refusal.
    pub fn message(&self) -> Option<&str> {
        match self {
            Verdict::Valid { .. } => None,
            Verdict::Invalid { message, .. } => Some(message),
        }
    }

    /// The payer, when it could be read.
    pub fn payer(&self) -> Option<&str> {
        match self {
            Verdict::Valid { payer, .. } => Some(payer),
            Verdict::Invalid { payer, .. } => payer.as_deref(),
        }
    }

    /// The payment's one-time key (none on refusal).
    pub fn replay(&self) -> Option<&Replay> {
        match self {
            Verdict::Valid { replay, .. } => Some(replay),
            Verdict::Invalid { .. } => None,
        }
    }

    /// The checks left to the facilitator (none on refusal).
    pub fn deferred(&self) -> &[Deferred] {
        match self {
            Verdict::Valid { deferred, .. } => deferred,
            Verdict::Invalid { .. } => &[],
        }
    }

    /// The facilitator's `VerifyResponse` shape: `{isValid, invalidReason?, invalidMessage?, payer?}`.
    pub fn to_response(&self) -> VerifyResponse {
        VerifyResponse {
            is_valid: self.is_valid(),
            invalid_reason: self.reason().map(|r| r.as_str().to_owned()),
            invalid_message: self.message().map(str::to_owned),
            payer: self.payer().map(str::to_owned),
            extensions: None,
        }
    }
}
