//! The `upto` scheme on EVM: a Permit2 permit for a maximum, settled later for what was used.
//!
//! The checks run in the reference facilitator's order (`@x402/evm` 2.27 `upto/facilitator`),
//! with its codes. Two of them are made here against the offer instead of the facilitator's own
//! state: the witness's facilitator must be the offer's `extra.facilitatorAddress` (the reference
//! compares it with its signer addresses, one of which it published as that value), and a replay
//! is refused from the nonce store before any chain call. Like `exact`, malformed fields get
//! `invalid_payload` where the reference would throw.

use super::eip712::{self, upto_permit2, Signable};
use super::verify::{
    check_permit, loose_address, payer_of, permit2_signed, CheckedPermit, PermitRules,
};
use super::Permit2Payload;
use crate::network;
use crate::reason::Reason;
use crate::verdict::Verdict;
use crate::wire::{PaymentPayload, Terms, Version};

/// The scheme's name.
pub const UPTO: &str = "upto";

/// The `extra` key naming the one facilitator an `upto` permit lets settle.
pub const FACILITATOR_ADDRESS: &str = "facilitatorAddress";

/// Verifies an `upto` payment: the permit's maximum must be the offer's `amount`.
pub fn verify_upto(payload: &PaymentPayload, terms: &Terms<'_>, now: u64) -> Verdict {
    let proof = payload.proof();
    // The reference reads the payload's shape first, and names no payer when it is not one.
    let parsed = match Permit2Payload::read(proof) {
        Ok(p) if p.permit2_authorization.witness.facilitator.is_some() => p,
        Ok(_) => {
            return Verdict::invalid(
                Reason::UnsupportedPayloadType,
                Some(""),
                "an upto payload is a Permit2 permit whose witness names the facilitator",
            )
        }
        Err(e) => {
            return Verdict::invalid(
                Reason::UnsupportedPayloadType,
                Some(""),
                format!("not an upto Permit2 payload: {e}"),
            )
        }
    };
    let payer = payer_of(proof, "permit2Authorization");
    let fail = |reason, msg: String| Verdict::invalid(reason, payer, msg);
    if payload.scheme() != UPTO || terms.scheme != UPTO {
        let msg = format!(
            "scheme must be `upto` (payload `{}`, requirement `{}`)",
            payload.scheme(),
            terms.scheme
        );
        return fail(Reason::UptoEvmScheme, msg);
    }
    if payload.version() != Version::V2 {
        return fail(Reason::UptoEvmScheme, "upto is an x402 v2 scheme".into());
    }
    if payload.network() != terms.network {
        let msg = format!("payload network `{}` is not `{}`", payload.network(), terms.network);
        return fail(Reason::UptoEvmNetworkMismatch, msg);
    }
    let Ok(chain_id) = network::eip155_chain_id(terms.network) else {
        return fail(
            Reason::InvalidNetwork,
            format!("`{}` is not an eip155 network", terms.network),
        );
    };
    let Some(asset) = loose_address(terms.asset) else {
        let msg = format!("asset `{}` is not an address", terms.asset);
        return fail(Reason::InvalidPaymentRequirements, msg);
    };

    let rules = PermitRules { proxy: eip712::UPTO_PERMIT2_PROXY, proxy_name: "upto", upto: true };
    let permit = match check_permit(&parsed.permit2_authorization, terms, asset, now, rules) {
        Ok(permit) => permit,
        Err(verdict) => return verdict,
    };
    let CheckedPermit {
        from,
        spender,
        to,
        facilitator,
        token,
        deadline,
        valid_after,
        amount,
        nonce,
    } = permit;
    // Present: the payload's shape was checked first.
    let facilitator = facilitator.unwrap_or_default();
    let message = upto_permit2::PermitWitnessTransferFrom {
        permitted: upto_permit2::TokenPermissions { token, amount },
        spender,
        nonce,
        deadline,
        witness: upto_permit2::Witness { to, facilitator, validAfter: valid_after },
    };
    let digest = message.digest(&eip712::permit2_domain(chain_id));
    permit2_signed(&digest, &parsed, from, chain_id, deadline, Reason::Permit2InvalidNonce)
}
