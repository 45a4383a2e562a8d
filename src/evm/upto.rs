//! The `upto` scheme on EVM: a Permit2 permit for a maximum, settled later for what was used.
//!
//! The checks run in the reference facilitator's order (`@x402/evm` 2.27 `upto/facilitator`),
//! with its codes. Two of them are made here against the offer instead of the facilitator's own
//! state: the witness's facilitator must be the offer's `extra.facilitatorAddress` (the reference
//! compares it with its signer addresses, one of which it published as that value), and a replay
//! is refused from the nonce store before any chain call. Like `exact`, malformed fields get
//! `invalid_payload` where the reference would throw.

use alloy_primitives::U256;
use serde::Deserialize;

use super::eip712::{self, upto_permit2, Signable};
use super::signature::parse_address;
use super::verify::{loose_address, pay_to, payer_of, permit2_signed, uint};
use super::Permit2Payload;
use crate::network;
use crate::reason::Reason;
use crate::verdict::{Verdict, SETTLE_BUFFER_SECONDS};
use crate::wire::{PaymentPayload, Terms, Version};

/// The scheme's name.
pub const UPTO: &str = "upto";

/// The `extra` key naming the one facilitator an `upto` permit lets settle.
pub const FACILITATOR_ADDRESS: &str = "facilitatorAddress";

/// Verifies an `upto` payment: the permit's maximum must be the offer's `amount`.
pub fn verify_upto(payload: &PaymentPayload, terms: &Terms<'_>, now: u64) -> Verdict {
    let proof = payload.proof();
    // The reference reads the payload's shape first, and names no payer when it is not one.
    let parsed = match Permit2Payload::deserialize(proof) {
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

    let p = &parsed.permit2_authorization;
    let facilitator = p.witness.facilitator.as_deref().unwrap_or_default();
    let address = |field: &str, s: &str| {
        loose_address(s).ok_or((Reason::InvalidPayload, format!("{field} `{s}` is not an address")))
    };
    let sig_reason = Reason::Permit2Signature;
    let fields = (|| {
        Ok::<_, (Reason, String)>((
            address("spender", &p.spender)?,
            address("witness.to", &p.witness.to)?,
            address("witness.facilitator", facilitator)?,
            address("permitted.token", &p.permitted.token)?,
            uint("deadline", &p.deadline, sig_reason)?,
            uint("witness.validAfter", &p.witness.valid_after, sig_reason)?,
            uint("permitted.amount", &p.permitted.amount, sig_reason)?,
            uint("nonce", &p.nonce, sig_reason)?,
        ))
    })();
    let (spender, to, witness_facilitator, token, deadline, valid_after, amount, nonce) =
        match fields {
            Ok(f) => f,
            Err((reason, msg)) => return fail(reason, msg),
        };

    if spender != eip712::UPTO_PERMIT2_PROXY {
        let msg =
            format!("spender {} is not the x402 upto Permit2 proxy", spender.to_checksum(None));
        return fail(Reason::Permit2Spender, msg);
    }
    let pay_to = match pay_to(terms, payer) {
        Ok(p) => p,
        Err(v) => return v,
    };
    if to != pay_to {
        let msg = format!(
            "witness pays {}, not payTo {}",
            to.to_checksum(None),
            pay_to.to_checksum(None)
        );
        return fail(Reason::Permit2RecipientMismatch, msg);
    }
    let offered = terms.extra_str(FACILITATOR_ADDRESS).and_then(loose_address);
    if offered != Some(witness_facilitator) {
        let msg = format!(
            "witness names facilitator {}, not the offer's facilitatorAddress {}",
            witness_facilitator.to_checksum(None),
            offered.map_or("(none)".into(), |a| a.to_checksum(None))
        );
        return fail(Reason::UptoFacilitatorMismatch, msg);
    }
    let now = U256::from(now);
    if deadline < now + U256::from(SETTLE_BUFFER_SECONDS) {
        let msg =
            format!("deadline {deadline} is less than {SETTLE_BUFFER_SECONDS} s after now ({now})");
        return fail(Reason::Permit2DeadlineExpired, msg);
    }
    if valid_after > now {
        let msg = format!("witness validAfter {valid_after} is after now ({now})");
        return fail(Reason::Permit2NotYetValid, msg);
    }
    if amount != terms.amount {
        let msg = format!("permitted maximum {amount} is not the offered maximum {}", terms.amount);
        return fail(Reason::Permit2AmountMismatch, msg);
    }
    if token != asset {
        let msg = format!(
            "permitted token {} is not the asset {}",
            token.to_checksum(None),
            asset.to_checksum(None)
        );
        return fail(Reason::Permit2TokenMismatch, msg);
    }

    let strict =
        [&p.from, &p.spender, &p.witness.to, facilitator, &p.permitted.token].map(parse_address);
    let [Some(from), Some(_), Some(_), Some(_), Some(_)] = strict else {
        let msg = "permit addresses must carry a valid EIP-55 checksum where mixed-case".into();
        return fail(sig_reason, msg);
    };
    let message = upto_permit2::PermitWitnessTransferFrom {
        permitted: upto_permit2::TokenPermissions { token, amount },
        spender,
        nonce,
        deadline,
        witness: upto_permit2::Witness {
            to,
            facilitator: witness_facilitator,
            validAfter: valid_after,
        },
    };
    let digest = message.digest(&eip712::permit2_domain(chain_id));
    permit2_signed(&digest, &parsed, from, chain_id, deadline, Reason::Permit2InvalidNonce)
}
