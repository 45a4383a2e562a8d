//! Shared by the integration tests: the checked-in vectors (made by viem and @x402/evm, see
//! tests/vectors/generate.mjs) and helpers to verify JSON objects.
#![allow(dead_code)]

use alloy_primitives::U256;
use serde::Deserialize;
use serde_json::Value;
use x402_wasm::codec;
use x402_wasm::wire::{PaymentPayload, PaymentRequirements};
use x402_wasm::Verdict;

/// The test payer's key (the address the vectors were signed for is derived from it).
pub const KEY: &str = "0x5de4111afa1a4b94908f83536e5ce9d4da56a2ddecebf8e61ee6c96cb6f5b5ff";
/// Anvil's first account: a second, independent payer.
pub const ANVIL_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/// The order of secp256k1.
const SECP256K1_N: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

/// The high-s twin of a 65-byte `r‖s‖v` signature: s' = n − s, v flipped (27 ↔ 28). Plain
/// ecrecover accepts it and recovers the same signer; a strict verifier refuses it.
pub fn malleate_bytes(mut sig: Vec<u8>) -> Vec<u8> {
    let n = U256::from_str_radix(SECP256K1_N, 16).expect("n is hex");
    let s = U256::from_be_slice(&sig[32..64]);
    sig[32..64].copy_from_slice(&(n - s).to_be_bytes::<32>());
    sig[64] = 55 - sig[64];
    sig
}

/// [`malleate_bytes`] on a `0x` hex signature.
pub fn malleate(sig: &str) -> String {
    let bytes = x402_wasm::evm::signature::decode_signature(sig).expect("a 65-byte signature");
    alloy_primitives::hex::encode_prefixed(malleate_bytes(bytes.to_vec()))
}

/// A payload vector as tests/vectors/vectors.json holds it.
#[derive(Debug, Clone, Deserialize)]
pub struct PayloadVector {
    /// `signer/version/kind/network`.
    pub name: String,
    /// Who signed it (`viem`, `@x402/evm`).
    pub source: String,
    /// Its x402 version.
    pub version: u8,
    /// The `PAYMENT-SIGNATURE` / `X-PAYMENT` value.
    pub header: String,
    /// What it pays.
    pub requirements: Value,
    /// The unix time it is valid at.
    pub now: u64,
    /// What verification must say.
    pub expect: Expect,
}

/// The expected verdict of a vector.
#[derive(Debug, Clone, Deserialize)]
pub struct Expect {
    /// The payer.
    pub payer: String,
}

/// The vectors file, parsed.
pub fn vectors() -> Value {
    serde_json::from_str(include_str!("../vectors/vectors.json")).expect("vectors.json parses")
}

/// Every payload vector.
pub fn payload_vectors() -> Vec<PayloadVector> {
    serde_json::from_value(vectors()["payloads"].clone()).expect("payload vectors have their shape")
}

/// A payload vector by name: (payload JSON, requirements JSON, now, expected payer).
pub fn payload_case(name: &str) -> (Value, Value, u64, String) {
    let case = payload_vectors()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no payload vector {name}"));
    let json = codec::decode_to_json(&case.header).unwrap();
    let payload: Value = serde_json::from_str(&json).unwrap();
    (payload, case.requirements, case.now, case.expect.payer)
}

/// Verifies JSON objects as a server would receive them.
pub fn verify_json(payload: &Value, requirements: &Value, now: u64) -> Verdict {
    let payload = PaymentPayload::from_json(&payload.to_string()).expect("payload parses");
    let requirements = PaymentRequirements::from_json(&requirements.to_string(), payload.version())
        .expect("requirements parse");
    x402_wasm::verify(&payload, &requirements, now)
}
