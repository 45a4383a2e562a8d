//! One full local verification of a v2 EIP-3009 payment: header decode, JSON, EIP-712 digest,
//! secp256k1 recovery, rules. The vector is signed by viem (tests/vectors).

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::Value;
use x402_wasm::codec;
use x402_wasm::wire::PaymentRequirements;

fn bench(c: &mut Criterion) {
    let vectors: Value =
        serde_json::from_str(include_str!("../tests/vectors/vectors.json")).unwrap();
    let case = vectors["payloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "viem/v2/eip3009/eip155:84532")
        .unwrap();
    let header = case["header"].as_str().unwrap().to_owned();
    let requirements = case["requirements"].to_string();
    let now = case["now"].as_u64().unwrap();
    c.bench_function("verify v2 eip3009 (header + requirements JSON)", |b| {
        b.iter(|| {
            let payload = codec::decode_payment(&header).unwrap();
            let req = PaymentRequirements::from_json(&requirements, payload.version()).unwrap();
            let verdict = x402_wasm::verify(&payload, &req, now);
            assert!(verdict.is_valid());
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
