//! Header codec and wire parsing on arbitrary input: the bytes as a header value (base64), and the
//! same bytes as the JSON a header decodes to. Nothing here may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use x402_wasm::codec;
use x402_wasm::wire::{PaymentPayload, PaymentRequired};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    // As a header value.
    if let Ok(payload) = codec::decode_payment(&text) {
        reads_back_payment(&payload);
    }
    if let Ok(required) = codec::decode_required(&text) {
        reads_back_required(&required);
    }
    let _ = codec::decode_settle(&text);

    // As the JSON inside a header.
    if let Ok(payload) = PaymentPayload::from_json(&text) {
        reads_back_payment(&payload);
    }
    if let Ok(required) = PaymentRequired::from_json(&text) {
        reads_back_required(&required);
    }
});

/// What the crate accepted and writes as a header, it must accept again.
fn reads_back_payment(payload: &PaymentPayload) {
    let header = codec::encode(payload);
    if header.len() <= codec::MAX_HEADER_BYTES {
        let again = codec::decode_payment(&header);
        assert!(
            again.is_ok(),
            "an encoded PaymentPayload does not decode: {again:?}\nheader: {header}"
        );
    }
}

fn reads_back_required(required: &PaymentRequired) {
    assert!(required.len() > 0, "PaymentRequired parsed with no accepts");
    for i in 0..required.len() {
        assert!(required.accept(i).is_some_and(|r| r.version() == required.version()));
    }
    let header = codec::encode(required);
    if header.len() <= codec::MAX_HEADER_BYTES {
        let again = codec::decode_required(&header);
        assert!(
            again.is_ok(),
            "an encoded PaymentRequired does not decode: {again:?}\nheader: {header}"
        );
    }
}
