//! Local verification: a payment against one requirement, at a given time, without I/O.

use crate::evm::{self, Deferred};
use crate::network::Family;
use crate::reason::Reason;
use crate::wire::{PaymentPayload, PaymentRequirements, VerifyResponse};

/// Seconds a payment must still be valid for when it is verified, leaving time to settle (every
/// family's facilitator uses the same margin).
pub const SETTLE_BUFFER_SECONDS: u64 = 6;

/// The outcome of a local verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `None` when every local check passed.
    pub reason: Option<Reason>,
    /// A human-readable detail for a refusal.
    pub message: Option<String>,
    /// The payer as written in the payload, when it could be read.
    pub payer: Option<String>,
    /// Checks that need chain state and are left to the facilitator (empty on refusal).
    pub deferred: Vec<Deferred>,
}

impl Verdict {
    /// Whether every local check passed.
    pub fn is_valid(&self) -> bool {
        self.reason.is_none()
    }

    pub(crate) fn valid(payer: String, deferred: Vec<Deferred>) -> Self {
        Verdict { reason: None, message: None, payer: Some(payer), deferred }
    }

    pub(crate) fn invalid(reason: Reason, payer: Option<&str>, message: impl Into<String>) -> Self {
        Verdict {
            reason: Some(reason),
            message: Some(message.into()),
            payer: payer.map(str::to_owned),
            deferred: Vec::new(),
        }
    }

    /// The facilitator's `VerifyResponse` shape: `{isValid, invalidReason?, invalidMessage?, payer?}`.
    pub fn to_response(&self) -> VerifyResponse {
        VerifyResponse {
            is_valid: self.is_valid(),
            invalid_reason: self.reason.map(|r| r.as_str().to_owned()),
            invalid_message: self.message.clone(),
            payer: self.payer.clone(),
            extensions: None,
        }
    }
}

/// Verifies `payload` against `requirements` at unix time `now` (seconds).
///
/// Runs the reference facilitator's checks in its order, with its reason codes, for the schemes and
/// networks this crate knows: `exact` on EVM (EIP-3009 and Permit2, v1 and v2) and, with the
/// `casper` feature, `exact` on Casper (v2). It does not match
/// `accepted` against the server's offer: that is [`crate::matching`]'s job, done first by a server.
pub fn verify(payload: &PaymentPayload, requirements: &PaymentRequirements, now: u64) -> Verdict {
    if payload.version() != requirements.version() {
        return Verdict::invalid(
            Reason::InvalidX402Version,
            None,
            format!(
                "payload is x402 v{} but the requirement is v{}",
                payload.version() as u8,
                requirements.version() as u8
            ),
        );
    }
    let terms = requirements.terms();
    // v1 names EVM networks only, by legacy name; v2 names every family by its CAIP-2 namespace
    // (the family's own checks judge the rest of the name).
    let family = match payload {
        PaymentPayload::V1(_) => (!terms.network.contains(':')).then_some(Family::Evm),
        PaymentPayload::V2(_) => terms
            .network
            .split_once(':')
            .and_then(|(namespace, _)| Family::from_namespace(namespace)),
    };
    if terms.scheme != "exact" && payload.scheme() != "exact" {
        return Verdict::invalid(
            Reason::UnsupportedScheme,
            None,
            format!("scheme `{}` is not supported", terms.scheme),
        );
    }
    match family {
        Some(Family::Evm) => evm::verify_exact(payload, &terms, now),
        #[cfg(feature = "casper")]
        Some(Family::Casper) if payload.version() == crate::wire::Version::V2 => {
            crate::casper::verify_exact(payload, &terms, now)
        }
        _ => Verdict::invalid(
            Reason::InvalidNetwork,
            None,
            format!("network `{}` is not one this crate verifies on", terms.network),
        ),
    }
}
