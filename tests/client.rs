//! Client building blocks: selection under a policy, the authorization's time window, and a full
//! round trip (draft → sign → payload → verify). Runs natively and in wasm.

mod common;

use alloy_primitives::U256;
use serde_json::json;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
use x402_wasm::client::{select, PaymentDraft, Policy};
use x402_wasm::evm::signature::PrivateKey;
use x402_wasm::wire::{PaymentPayload, PaymentRequired};
use x402_wasm::{codec, Error};

const KEY: &str = "0x5de4111afa1a4b94908f83536e5ce9d4da56a2ddecebf8e61ee6c96cb6f5b5ff";
const NOW: u64 = 1_800_000_000;

fn offer(network: &str, asset: &str, amount: &str) -> serde_json::Value {
    json!({"scheme": "exact", "network": network, "amount": amount, "asset": asset,
           "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 120,
           "extra": {"name": "USDC", "version": "2"}})
}

fn required(accepts: Vec<serde_json::Value>) -> PaymentRequired {
    PaymentRequired::from_json(&json!({"x402Version": 2, "resource": {"url": "https://x.test/r"}, "accepts": accepts}).to_string()).unwrap()
}

const BASE_SEPOLIA_USDC: &str = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
const UNKNOWN_TOKEN: &str = "0x2222222222222222222222222222222222222222";

#[test]
fn selection_follows_server_order_under_the_policy() {
    let req = required(vec![
        offer("eip155:84532", UNKNOWN_TOKEN, "10"),
        offer("eip155:84532", BASE_SEPOLIA_USDC, "500000"),
        offer("eip155:84532", BASE_SEPOLIA_USDC, "50000"),
    ]);
    let capped = Policy { max_amount: Some(U256::from(100_000u64)), ..Policy::default() };
    assert_eq!(select(&req, &capped).unwrap(), 2, "unknown asset skipped, over-cap skipped");
    let allow_unknown = Policy { assets: vec![UNKNOWN_TOKEN.to_lowercase()], ..capped.clone() };
    assert_eq!(select(&req, &allow_unknown).unwrap(), 0);
    let other_chain = Policy { networks: Some(vec!["base".into()]), ..Policy::default() };
    let err = select(&req, &other_chain).unwrap_err();
    assert_eq!(err.code(), "no_acceptable_requirement");
    assert!(matches!(err, Error::NoAcceptableRequirement(ref why) if why.contains("accepts[2]")), "{err}");
    let legacy_name = Policy { networks: Some(vec!["base-sepolia".into()]), ..Policy::default() };
    assert_eq!(select(&req, &legacy_name).unwrap(), 1);
    let tiny = Policy { max_amount: Some(U256::from(9u64)), allow_unknown_assets: true, ..Policy::default() };
    assert!(select(&req, &tiny).is_err());
}

#[test]
fn v2_draft_window_and_round_trip() {
    let key = PrivateKey::from_hex(KEY).unwrap();
    let req = required(vec![offer("eip155:84532", BASE_SEPOLIA_USDC, "10000")]);
    let draft = PaymentDraft::new(&req, 0, key.address(), NOW, [7u8; 32]).unwrap();
    let td = draft.typed_data();
    assert_eq!(td["message"]["validAfter"], "0");
    assert_eq!(td["message"]["validBefore"], (NOW + 120).to_string());
    assert_eq!(td["message"]["nonce"], format!("0x{}", "07".repeat(32)));
    let sig = key.sign_digest(&draft.digest());
    let payload = draft.finish(&sig);
    let PaymentPayload::V2(p) = &payload else { panic!("v2") };
    assert_eq!(serde_json::to_value(&p.accepted).unwrap(), offer("eip155:84532", BASE_SEPOLIA_USDC, "10000"));
    let decoded = codec::decode_payment(&codec::encode(&payload)).unwrap();
    let verdict = x402_wasm::verify(&decoded, &req.accept(0).unwrap(), NOW + 1);
    assert!(verdict.is_valid(), "{verdict:?}");
    assert_eq!(verdict.payer, Some(key.address().to_checksum(None)));
}

#[test]
fn v1_draft_starts_ten_minutes_back() {
    let (_, v1_req, _, _) = common::payload_case("viem/v1/eip3009/base-sepolia");
    let req = PaymentRequired::from_json(&json!({"x402Version": 1, "error": "", "accepts": [v1_req]}).to_string()).unwrap();
    let key = PrivateKey::from_hex(KEY).unwrap();
    let draft = PaymentDraft::new(&req, 0, key.address(), NOW, [1u8; 32]).unwrap();
    assert_eq!(draft.typed_data()["message"]["validAfter"], (NOW - 600).to_string());
    let sig = key.sign_digest(&draft.digest());
    let payload = draft.finish(&sig);
    assert!(matches!(payload, PaymentPayload::V1(ref p) if p.network == "base-sepolia"));
    assert!(x402_wasm::verify(&payload, &req.accept(0).unwrap(), NOW).is_valid());
}

#[test]
fn permit2_draft_when_the_offer_says_so() {
    let (_, p2_req, _, _) = common::payload_case("viem/v2/permit2/eip155:4326");
    let req = required(vec![p2_req]);
    let key = PrivateKey::from_hex(KEY).unwrap();
    let draft = PaymentDraft::new(&req, 0, key.address(), NOW, [9u8; 32]).unwrap();
    let td = draft.typed_data();
    assert_eq!(td["primaryType"], "PermitWitnessTransferFrom");
    assert_eq!(td["domain"]["name"], "Permit2");
    assert!(td["domain"].get("version").is_none());
    assert_eq!(td["message"]["nonce"], U256::from_be_bytes([9u8; 32]).to_string(), "decimal nonce");
    let sig = key.sign_digest(&draft.digest());
    let payload = draft.finish(&sig);
    assert!(x402_wasm::verify(&payload, &req.accept(0).unwrap(), NOW).is_valid());
}

#[test]
fn drafts_refuse_what_cannot_be_signed() {
    let key = PrivateKey::from_hex(KEY).unwrap();
    let mut no_domain = offer("eip155:84532", BASE_SEPOLIA_USDC, "1");
    no_domain["extra"] = json!({});
    assert_eq!(PaymentDraft::new(&required(vec![no_domain]), 0, key.address(), NOW, [0; 32]).unwrap_err().code(), "invalid_field");
    let solana = offer("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", BASE_SEPOLIA_USDC, "1");
    assert_eq!(PaymentDraft::new(&required(vec![solana]), 0, key.address(), NOW, [0; 32]).unwrap_err().code(), "invalid_network");
    let req = required(vec![offer("eip155:84532", BASE_SEPOLIA_USDC, "1")]);
    assert!(PaymentDraft::new(&req, 3, key.address(), NOW, [0; 32]).is_err());
}

#[test]
fn v1_and_v2_requirements_convert_both_ways() {
    let (_, v1_req, _, _) = common::payload_case("viem/v1/eip3009/base-sepolia");
    let PaymentRequired::V1(r) = PaymentRequired::from_json(&json!({"x402Version": 1, "accepts": [v1_req]}).to_string()).unwrap() else { panic!() };
    let (v2, resource) = r.accepts[0].to_v2().unwrap();
    assert_eq!(v2.network, "eip155:84532");
    assert_eq!(v2.amount, r.accepts[0].max_amount_required);
    assert_eq!(resource.url, r.accepts[0].resource);
    assert_eq!(v2.to_v1(&resource).unwrap(), r.accepts[0]);
    let mut anvil = v2.clone();
    anvil.network = "eip155:31337".into();
    assert_eq!(anvil.to_v1(&resource).unwrap_err().code(), "invalid_network");
}
