//! Local verification of a payment against one requirement, at a time taken from the input.
//!
//! Input layout: 8 bytes `now` (u64, little-endian), then the payload JSON, a 0xff byte, and the
//! requirement JSON (0xff never occurs in UTF-8, so the split is unambiguous for text inputs).
#![no_main]

use libfuzzer_sys::fuzz_target;
use x402_wasm::matching;
use x402_wasm::wire::{PaymentPayload, PaymentRequirements};

fuzz_target!(|data: &[u8]| {
    let Some((now, rest)) = data.split_first_chunk::<8>() else { return };
    let now = u64::from_le_bytes(*now);
    let (payload_json, requirements_json) = match rest.iter().position(|&b| b == 0xff) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, &[][..]),
    };
    let Ok(payload) = PaymentPayload::from_json(&String::from_utf8_lossy(payload_json)) else {
        return;
    };
    let Ok(requirements) = PaymentRequirements::from_json(
        &String::from_utf8_lossy(requirements_json),
        payload.version(),
    ) else {
        return;
    };

    let verdict = x402_wasm::verify(&payload, &requirements, now);
    if verdict.is_valid() {
        assert!(verdict.payer().is_some(), "valid verdict without a payer: {verdict:?}");
        assert!(
            verdict.reason().is_none() && verdict.message().is_none(),
            "valid verdict with a reason: {verdict:?}"
        );
        assert_eq!(payload.scheme(), "exact", "valid verdict for a non-exact payload: {verdict:?}");
        assert_eq!(
            requirements.terms().scheme,
            "exact",
            "valid verdict for a non-exact requirement: {verdict:?}"
        );
        assert_eq!(
            payload.network(),
            requirements.terms().network,
            "valid verdict across networks: {verdict:?}"
        );
    } else {
        assert!(verdict.reason().is_some(), "invalid verdict without a reason: {verdict:?}");
        assert!(verdict.deferred().is_empty(), "invalid verdict with deferred checks: {verdict:?}");
    }
    let response = verdict.to_response();
    assert_eq!(response.is_valid, verdict.is_valid());
    assert_eq!(response.invalid_reason.is_some(), !verdict.is_valid());

    // The server's matching rule, against this requirement alone and after a decoy.
    let offers = [requirements];
    let alone = matching::find_match(&payload, &offers);
    assert!(alone.is_none() || alone == Some(0));
    if let PaymentPayload::V2(p) = &payload {
        if let PaymentRequirements::V2(o) = &offers[0] {
            assert_eq!(alone.is_some(), matching::accepted_matches(&p.accepted, o));
            // A payment always answers the requirement it echoes.
            assert!(
                matching::accepted_matches(&p.accepted, &p.accepted),
                "accepted does not match itself: {:?}",
                p.accepted
            );
        }
    }
});
