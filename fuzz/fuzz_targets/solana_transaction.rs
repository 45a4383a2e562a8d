//! Solana wire transactions from arbitrary bytes: decoding, re-encoding, local verification
//! against a fixed requirement (v2 and v1), and the key's refusal to sign what is not an x402
//! transfer. Nothing here may panic.
#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use serde_json::json;
use x402_wasm::solana::keys::SecretKey;
use x402_wasm::solana::transaction::{Message, Transaction};
use x402_wasm::wire::{PaymentPayload, PaymentRequirements, Version};

const FEE_PAYER: &str = "EPDqDEaAKwgBuJkJaL2eS9MvLPRVLHma6g1MzuGKyp9K";
const NETWORK: &str = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";

fuzz_target!(|data: &[u8]| {
    if let Ok(tx) = Transaction::decode(data) {
        // What was read writes back to the same bytes, and reads again the same.
        assert_eq!(tx.encoded_len(), data.len());
        if tx.trailing == 0 {
            assert_eq!(tx.encode(), data, "re-encoding changed the transaction");
            assert_eq!(Message::decode(&tx.message_bytes).as_ref(), Ok(&tx.message));
        }
        assert_eq!(tx.message.encode().len() + tx.trailing, tx.message_bytes.len());
    }
    let _ = SecretKey::from_bytes(&[7; 32]).map(|k| k.sign_transfer(data));

    let transaction = base64::engine::general_purpose::STANDARD.encode(data);
    let requirement = json!({"scheme": "exact", "network": NETWORK, "amount": "10000",
        "asset": "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU",
        "payTo": "4bMPU2eAhZRq6vSeegCLAt9U4EyJFcCF2wcWrhcTTXFj", "maxTimeoutSeconds": 60,
        "extra": {"feePayer": FEE_PAYER, "memo": "m"}});
    let v2 =
        json!({"x402Version": 2, "accepted": requirement, "payload": {"transaction": transaction}});
    let mut v1_req = requirement.clone();
    v1_req["network"] = json!("solana-devnet");
    v1_req["maxAmountRequired"] = json!("10000");
    v1_req["resource"] = json!("https://x.test/");
    v1_req["description"] = json!("");
    v1_req["mimeType"] = json!("");
    let v1 = json!({"x402Version": 1, "scheme": "exact", "network": "solana-devnet",
        "payload": {"transaction": transaction}});
    for (payload, req, version) in [(v2, requirement, Version::V2), (v1, v1_req, Version::V1)] {
        let payload = PaymentPayload::from_json(&payload.to_string()).expect("payload");
        let req = PaymentRequirements::from_json(&req.to_string(), version).expect("requirement");
        let verdict = x402_wasm::verify(&payload, &req, 1_800_000_000);
        if verdict.is_valid() {
            let tx = Transaction::decode(data).expect("a valid payment decodes");
            assert_eq!(tx.message.keys[0].to_string(), FEE_PAYER);
            assert!(verdict.replay().is_some_and(|r| r.key.starts_with("solana:")));
        } else {
            assert!(verdict.reason().is_some());
        }
    }
});
