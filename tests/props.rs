//! Property tests: decoding never panics on any input; encode/decode round-trips.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use proptest::prelude::*;
use serde_json::{json, Value};
use x402_wasm::codec;
use x402_wasm::wire::{PaymentPayload, PaymentRequired, PaymentRequirements, Version};

fn decimal() -> impl Strategy<Value = String> {
    prop_oneof![Just("0".to_owned()), "[1-9][0-9]{0,76}"]
}

fn requirements_v2() -> impl Strategy<Value = Value> {
    ("[a-z]{1,8}", 1u64..u64::MAX, decimal(), "0x[0-9a-fA-F]{40}", "0x[0-9a-fA-F]{40}", any::<u32>(), proptest::option::of("[ -~]{0,12}"))
        .prop_map(|(scheme, chain, amount, asset, pay_to, timeout, name)| {
            let mut r = json!({"scheme": scheme, "network": format!("eip155:{chain}"), "amount": amount,
                "asset": asset, "payTo": pay_to, "maxTimeoutSeconds": timeout});
            if let Some(name) = name {
                r["extra"] = json!({"name": name, "version": "2", "nested": {"k": [1, 2, 3]}});
            }
            r
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decoding_arbitrary_strings_never_panics(s in ".{0,300}") {
        let _ = codec::decode_payment(&s);
        let _ = codec::decode_required(&s);
        let _ = codec::decode_settle(&s);
    }

    #[test]
    fn decoding_arbitrary_bytes_as_base64_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let header = codec::encode(&Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        let _ = codec::decode_payment(&header);
        let raw = base64_of(&bytes);
        let _ = codec::decode_payment(&raw);
        let _ = codec::decode_required(&raw);
        let _ = PaymentPayload::from_json(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn requirements_round_trip(req in requirements_v2()) {
        let parsed = PaymentRequirements::from_json(&req.to_string(), Version::V2).unwrap();
        prop_assert_eq!(serde_json::to_value(&parsed).unwrap(), req.clone());
        let required = json!({"x402Version": 2, "resource": {"url": "https://x.test/r"}, "accepts": [req]});
        let decoded = codec::decode_required(&codec::encode(&required)).unwrap();
        prop_assert_eq!(serde_json::to_value(&decoded).unwrap(), required);
        let PaymentRequired::V2(_) = decoded else { panic!("v2 expected") };
    }

    /// Any JSON value put where a field of a valid payment goes yields a verdict, never a panic.
    #[test]
    fn verify_never_panics_on_mutated_fields(
        path in prop_oneof![
            Just(vec!["payload", "signature"]), Just(vec!["payload", "authorization", "from"]),
            Just(vec!["payload", "authorization", "value"]), Just(vec!["payload", "authorization", "nonce"]),
            Just(vec!["payload", "authorization", "validBefore"]), Just(vec!["payload", "authorization"]),
            Just(vec!["payload"]), Just(vec!["accepted", "network"]), Just(vec!["accepted", "extra"])],
        value in prop_oneof![
            any::<i64>().prop_map(Value::from), ".{0,80}".prop_map(Value::from), Just(Value::Null),
            Just(json!([])), Just(json!({})), "0x[0-9a-f]{0,140}".prop_map(Value::from)],
        now in any::<u64>(),
    ) {
        let (mut payload, req, _, _) = common::payload_case("viem/v2/eip3009/eip155:84532");
        let mut slot = &mut payload;
        for key in &path {
            slot = &mut slot[*key];
        }
        *slot = value;
        if let Ok(p) = PaymentPayload::from_json(&payload.to_string()) {
            let r = PaymentRequirements::from_json(&req.to_string(), p.version()).unwrap();
            let _ = x402_wasm::verify(&p, &r, now);
        }
    }

    #[test]
    fn money_parsing_never_panics(price in ".{0,40}", decimals in 0u8..40) {
        let _ = x402_wasm::asset::price_to_amount(&price, "eip155:8453");
        let _ = x402_wasm::asset::to_atomic(&price, decimals);
    }
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
