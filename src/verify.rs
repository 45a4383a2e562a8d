//! Local verification: a payment against one requirement, at a given time, without I/O.

use crate::error::Error;
use crate::family;
use crate::reason::Reason;
use crate::verdict::Verdict;
use crate::wire::{PaymentPayload, PaymentRequirements, Version};

/// Verifies `payload` against `requirements` at unix time `now` (seconds).
///
/// Checks the protocol version and the scheme, then hands the payment to the family that claims
/// its network ([`crate::family::FAMILIES`]), which runs the reference facilitator's checks in its
/// order, with its reason codes: `exact` on EVM (EIP-3009 and Permit2, v1 and v2) and `upto` (Permit2, v2), with the
/// `casper` feature `exact` on Casper (v2), and with the `solana` feature `exact` on Solana (v1 and
/// v2; its simulation left to the facilitator). It does not match `accepted` against the server's
/// offer: that is [`crate::matching`]'s job, done first by a server.
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
    let version = payload.version();
    // Generic rather than `&dyn Family`, so that a `dyn Verifier` is taken as it is (upcasting
    // one trait object to another needs Rust 1.86; the crate supports 1.85).
    fn unsupported<F: family::Family + ?Sized>(
        f: &F,
        schemes: [&str; 2],
        version: Version,
    ) -> bool {
        !f.has_scheme(schemes[0], version) && !f.has_scheme(schemes[1], version)
    }
    let schemes = [terms.scheme, payload.scheme()];
    let scheme_refused = || {
        Verdict::invalid(
            Reason::UnsupportedScheme,
            None,
            format!("scheme `{}` is not supported", terms.scheme),
        )
    };
    if family::FAMILIES.iter().all(|f| unsupported(*f, schemes, version)) {
        return scheme_refused();
    }
    // A network of a family this build leaves out is refused by name (EVM would otherwise claim
    // a v1 name no family of the build serves, and refuse it as an EVM network mismatch).
    if let Some(family) = family::left_out(terms.network) {
        let detail = Error::FamilyLeftOut { network: terms.network.to_owned(), family };
        return Verdict::invalid(Reason::InvalidNetwork, None, detail.to_string());
    }
    match family::verifier(terms.network, version) {
        Some(family) if unsupported(family, schemes, version) => scheme_refused(),
        Some(family) => family.verify(payload, &terms, now),
        None => Verdict::invalid(
            Reason::InvalidNetwork,
            None,
            format!("network `{}` is not one this crate verifies on", terms.network),
        ),
    }
}
