//! Shared by the integration tests: the checked-in vectors (made by viem and @x402/evm, see
//! tests/vectors/generate.mjs) and helpers to verify JSON objects.
#![allow(dead_code)]

use serde_json::Value;
use x402_wasm::codec;
use x402_wasm::wire::{PaymentPayload, PaymentRequirements};
use x402_wasm::Verdict;

/// The vectors file, parsed.
pub fn vectors() -> Value {
    serde_json::from_str(include_str!("../vectors/vectors.json")).expect("vectors.json parses")
}

/// A payload vector by name: (payload JSON, requirements JSON, now, expected payer).
pub fn payload_case(name: &str) -> (Value, Value, u64, String) {
    let v = vectors();
    let case = v["payloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no payload vector {name}"))
        .clone();
    let json = codec::decode_to_json(case["header"].as_str().unwrap()).unwrap();
    let payload: Value = serde_json::from_str(&json).unwrap();
    (
        payload,
        case["requirements"].clone(),
        case["now"].as_u64().unwrap(),
        case["expect"]["payer"].as_str().unwrap().to_owned(),
    )
}

/// Verifies JSON objects as a server would receive them.
pub fn verify_json(payload: &Value, requirements: &Value, now: u64) -> Verdict {
    let payload = PaymentPayload::from_json(&payload.to_string()).expect("payload parses");
    let requirements = PaymentRequirements::from_json(&requirements.to_string(), payload.version())
        .expect("requirements parse");
    x402_wasm::verify(&payload, &requirements, now)
}
