//! Client building blocks: selection under a policy, the authorization's time window, and a full
//! round trip (draft → sign → payload → verify). Runs natively and in wasm.

mod common;

use alloy_primitives::U256;
use serde_json::json;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
use x402_wasm::client::{select, AllowedAsset, PaymentDraft, Policy};
use x402_wasm::evm::signature::PrivateKey;
use x402_wasm::wire::{PaymentPayload, PaymentRequired};
use x402_wasm::{codec, Error};

use common::{ANVIL_KEY, KEY};
const NOW: u64 = 1_800_000_000;

fn offer(network: &str, asset: &str, amount: &str) -> serde_json::Value {
    json!({"scheme": "exact", "network": network, "amount": amount, "asset": asset,
           "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 120,
           "extra": {"name": "USDC", "version": "2"}})
}

fn required(accepts: Vec<serde_json::Value>) -> PaymentRequired {
    PaymentRequired::from_json(
        &json!({"x402Version": 2, "resource": {"url": "https://x.test/r"}, "accepts": accepts})
            .to_string(),
    )
    .unwrap()
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
    let capped =
        Policy { max_amount: Some(U256::from(100_000u64)), max_usd: None, ..Policy::default() };
    assert_eq!(select(&req, &capped).unwrap(), 2, "unknown asset skipped, over-cap skipped");
    let listed = |network: &str, cap: Option<u64>| AllowedAsset {
        network: network.into(),
        asset: UNKNOWN_TOKEN.to_lowercase(),
        max_amount: cap.map(U256::from),
    };
    let allow_unknown = Policy { assets: vec![listed("base-sepolia", None)], ..capped.clone() };
    assert_eq!(
        select(&req, &allow_unknown).unwrap(),
        0,
        "listed on its network (by legacy name), under maxAmount"
    );
    let elsewhere = Policy { assets: vec![listed("eip155:8453", None)], ..capped.clone() };
    assert_eq!(
        select(&req, &elsewhere).unwrap(),
        2,
        "a listing is for one network (attack review H3)"
    );
    let own_cap = Policy { assets: vec![listed("eip155:84532", Some(9))], ..Policy::default() };
    assert_eq!(select(&req, &own_cap).unwrap(), 2, "over the entry's own cap");
    let no_cap =
        Policy { assets: vec![listed("eip155:84532", None)], max_usd: None, ..Policy::default() };
    let unknown_only = required(vec![offer("eip155:84532", UNKNOWN_TOKEN, "10")]);
    assert_eq!(
        select(&unknown_only, &no_cap).unwrap_err().code(),
        "no_acceptable_requirement",
        "a listed token is never paid uncapped"
    );
    let unknown_uncapped = Policy { allow_unknown_assets: true, ..Policy::uncapped() };
    assert_eq!(
        select(&unknown_only, &unknown_uncapped).unwrap_err().code(),
        "no_acceptable_requirement"
    );
    let other_chain = Policy { networks: Some(vec!["base".into()]), ..Policy::uncapped() };
    let err = select(&req, &other_chain).unwrap_err();
    assert_eq!(err.code(), "no_acceptable_requirement");
    assert!(
        matches!(err, Error::NoAcceptableRequirement(ref why) if why.contains("accepts[2]")),
        "{err}"
    );
    let legacy_name = Policy { networks: Some(vec!["base-sepolia".into()]), ..Policy::uncapped() };
    assert_eq!(select(&req, &legacy_name).unwrap(), 1);
    let tiny = Policy {
        max_amount: Some(U256::from(9u64)),
        allow_unknown_assets: true,
        ..Policy::default()
    };
    assert_eq!(select(&req, &tiny).unwrap_err().code(), "amount_exceeds_max");
    // The default policy caps known stablecoins at $0.10: 50000 (0.05 USDC) passes, 500000 does not.
    assert_eq!(select(&req, &Policy::default()).unwrap(), 2);
    let only_big = required(vec![offer("eip155:84532", BASE_SEPOLIA_USDC, "100001")]);
    assert_eq!(select(&only_big, &Policy::default()).unwrap_err().code(), "amount_exceeds_max");
    let at_cap = required(vec![offer("eip155:84532", BASE_SEPOLIA_USDC, "100000")]);
    assert_eq!(select(&at_cap, &Policy::default()).unwrap(), 0, "the cap itself is allowed");
}

#[test]
fn options_give_every_token_a_cap() {
    let ok = |v: serde_json::Value| Policy::from_json(&v.to_string());
    let code = |v: serde_json::Value| ok(v).unwrap_err().code();
    assert_eq!(
        code(json!({"assets": [UNKNOWN_TOKEN]})),
        "invalid_field",
        "a bare address is not scoped to a network"
    );
    assert_eq!(
        code(json!({"assets": [{"network": "eip155:84532", "asset": UNKNOWN_TOKEN}]})),
        "invalid_field",
        "no cap"
    );
    assert_eq!(code(json!({"allowUnknownAssets": true})), "invalid_field", "no cap");
    assert_eq!(
        code(
            json!({"assets": [{"network": "eip155:84532", "asset": UNKNOWN_TOKEN, "maxAmount": "1.5"}]})
        ),
        "invalid_field"
    );
    assert_eq!(
        code(json!({"assets": [{"network": "eip155:84532", "asset": UNKNOWN_TOKEN, "cap": "1"}]})),
        "invalid_json"
    );
    let p = ok(json!({"assets": [{"network": "eip155:84532", "asset": UNKNOWN_TOKEN, "maxAmountPerPayment": "10"}]})).unwrap();
    assert_eq!(p.assets[0].max_amount, Some(U256::from(10u64)));
    assert!(ok(
        json!({"assets": [{"network": "eip155:84532", "asset": UNKNOWN_TOKEN}], "maxAmount": "10"})
    )
    .is_ok());
    assert!(ok(json!({"allowUnknownAssets": true, "maxAmount": "10"})).is_ok());
    // A server may not make a client sign a payment valid for a week.
    let mut week = offer("eip155:84532", BASE_SEPOLIA_USDC, "10");
    week["maxTimeoutSeconds"] = json!(604_800);
    let long = required(vec![week]);
    assert_eq!(select(&long, &Policy::default()).unwrap_err().code(), "no_acceptable_requirement");
    assert_eq!(select(&long, &ok(json!({"maxTimeoutSeconds": 604_800})).unwrap()).unwrap(), 0);
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
    assert_eq!(
        serde_json::to_value(&p.accepted).unwrap(),
        offer("eip155:84532", BASE_SEPOLIA_USDC, "10000")
    );
    let decoded = codec::decode_payment(&codec::encode(&payload)).unwrap();
    let verdict = x402_wasm::verify(&decoded, &req.accept(0).unwrap(), NOW + 1);
    assert!(verdict.is_valid(), "{verdict:?}");
    assert_eq!(verdict.payer(), Some(key.address().to_checksum(None).as_str()));
}

#[test]
fn v1_draft_starts_ten_minutes_back() {
    let (_, v1_req, _, _) = common::payload_case("viem/v1/eip3009/base-sepolia");
    let req = PaymentRequired::from_json(
        &json!({"x402Version": 1, "error": "", "accepts": [v1_req]}).to_string(),
    )
    .unwrap();
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
    assert_eq!(
        PaymentDraft::new(&required(vec![no_domain]), 0, key.address(), NOW, [0; 32])
            .unwrap_err()
            .code(),
        "invalid_field"
    );
    let solana = offer("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", BASE_SEPOLIA_USDC, "1");
    assert_eq!(
        PaymentDraft::new(&required(vec![solana]), 0, key.address(), NOW, [0; 32])
            .unwrap_err()
            .code(),
        "invalid_network"
    );
    let req = required(vec![offer("eip155:84532", BASE_SEPOLIA_USDC, "1")]);
    assert!(PaymentDraft::new(&req, 3, key.address(), NOW, [0; 32]).is_err());
}

#[test]
fn v1_and_v2_requirements_convert_both_ways() {
    let (_, v1_req, _, _) = common::payload_case("viem/v1/eip3009/base-sepolia");
    let PaymentRequired::V1(r) =
        PaymentRequired::from_json(&json!({"x402Version": 1, "accepts": [v1_req]}).to_string())
            .unwrap()
    else {
        panic!()
    };
    let (v2, resource) = r.accepts[0].to_v2().unwrap();
    assert_eq!(v2.network, "eip155:84532");
    assert_eq!(v2.amount, r.accepts[0].max_amount_required);
    assert_eq!(resource.url, r.accepts[0].resource);
    assert_eq!(v2.to_v1(&resource).unwrap(), r.accepts[0]);
    let mut anvil = v2.clone();
    anvil.network = "eip155:31337".into();
    assert_eq!(anvil.to_v1(&resource).unwrap_err().code(), "invalid_network");
}

#[test]
fn payment_identifier_only_when_declared() {
    let key = PrivateKey::from_hex(KEY).unwrap();
    let mut req = json!({"x402Version": 2, "resource": {"url": "https://x.test/r"}, "accepts": [offer("eip155:84532", BASE_SEPOLIA_USDC, "1")],
        "extensions": {"payment-identifier": {"info": {"required": false}, "schema": {"type": "object"}}}});
    let declared = PaymentRequired::from_json(&req.to_string()).unwrap();
    let mut draft = PaymentDraft::new(&declared, 0, key.address(), NOW, [3; 32]).unwrap();
    assert!(draft.set_payment_id("short").is_err());
    let id = x402_wasm::client::payment_id().unwrap();
    assert_eq!(id.len(), 36);
    assert!(draft.set_payment_id(&id).unwrap());
    let sig = key.sign_digest(&draft.digest());
    let PaymentPayload::V2(p) = draft.finish_checked(&sig).unwrap() else { panic!() };
    assert_eq!(
        p.extensions.unwrap()["payment-identifier"]["info"],
        json!({"required": false, "id": id})
    );
    req.as_object_mut().unwrap().remove("extensions");
    let undeclared = PaymentRequired::from_json(&req.to_string()).unwrap();
    let mut draft = PaymentDraft::new(&undeclared, 0, key.address(), NOW, [3; 32]).unwrap();
    assert!(!draft.set_payment_id(&id).unwrap());
}

#[test]
fn finish_checked_refuses_another_signer() {
    let key = PrivateKey::from_hex(KEY).unwrap();
    let other = PrivateKey::from_hex(ANVIL_KEY).unwrap();
    let req = required(vec![offer("eip155:84532", BASE_SEPOLIA_USDC, "1")]);
    let draft = PaymentDraft::new(&req, 0, key.address(), NOW, [5; 32]).unwrap();
    let sig = other.sign_digest(&draft.digest());
    assert_eq!(draft.finish_checked(&sig).unwrap_err().code(), "signer_mismatch");
}

#[test]
fn typed_data_digest_matches_every_vector_and_refuses_other_types() {
    use x402_wasm::evm::eip712::{typed_data_digest, SigningScope};
    let v = common::vectors();
    for t in v["typedData"].as_array().unwrap() {
        // Rebuild the wallet JSON the way a client would hand it over, from the vector's domain and message.
        let td = json!({"types": types_of(t["kind"].as_str().unwrap()), "primaryType": if t["kind"] == "eip3009" { "TransferWithAuthorization" } else { "PermitWitnessTransferFrom" },
            "domain": t["domain"], "message": t["message"]});
        let all = SigningScope { upto: true };
        assert_eq!(
            typed_data_digest(&td, all).unwrap().to_string(),
            t["digest"].as_str().unwrap(),
            "{}",
            t["name"]
        );
        let mut extra_field = td.clone();
        extra_field["message"]["memo"] = json!("not signed");
        assert_eq!(
            typed_data_digest(&extra_field, all).unwrap_err().code(),
            "unsupported_typed_data"
        );
        if t["kind"] == "eip3009" {
            continue;
        }
        // A permit is signed for the x402 proxy under the Permit2 domain only, and upto only when
        // allowed (attack review M3: any other spender could drain what the payer approved to Permit2).
        let upto = td["message"]["witness"].get("facilitator").is_some();
        assert_eq!(typed_data_digest(&td, SigningScope::default()).is_ok(), !upto, "{}", t["name"]);
        let mut other_spender = td.clone();
        other_spender["message"]["spender"] = json!(BASE_SEPOLIA_USDC);
        assert_eq!(
            typed_data_digest(&other_spender, all).unwrap_err().code(),
            "unsupported_typed_data"
        );
        let mut other_contract = td.clone();
        other_contract["domain"]["verifyingContract"] = json!(BASE_SEPOLIA_USDC);
        assert_eq!(
            typed_data_digest(&other_contract, all).unwrap_err().code(),
            "unsupported_typed_data"
        );
    }
    let permit = json!({"types": {"Permit": [{"name": "owner", "type": "address"}]}, "primaryType": "Permit",
        "domain": {"name": "USDC", "version": "2", "chainId": 1, "verifyingContract": BASE_SEPOLIA_USDC}, "message": {"owner": BASE_SEPOLIA_USDC}});
    assert_eq!(
        typed_data_digest(&permit, SigningScope::default()).unwrap_err().code(),
        "unsupported_typed_data"
    );
}

/// The EIP-712 `types` of each vector kind, written out as viem's callers write them.
fn types_of(kind: &str) -> serde_json::Value {
    let f = |pairs: &[(&str, &str)]| {
        pairs.iter().map(|(n, t)| json!({"name": n, "type": t})).collect::<Vec<_>>()
    };
    match kind {
        "eip3009" => {
            json!({"TransferWithAuthorization": f(&[("from", "address"), ("to", "address"), ("value", "uint256"), ("validAfter", "uint256"), ("validBefore", "uint256"), ("nonce", "bytes32")])})
        }
        "permit2-exact" => json!({
            "PermitWitnessTransferFrom": f(&[("permitted", "TokenPermissions"), ("spender", "address"), ("nonce", "uint256"), ("deadline", "uint256"), ("witness", "Witness")]),
            "TokenPermissions": f(&[("token", "address"), ("amount", "uint256")]),
            "Witness": f(&[("to", "address"), ("validAfter", "uint256")])}),
        _ => json!({
            "PermitWitnessTransferFrom": f(&[("permitted", "TokenPermissions"), ("spender", "address"), ("nonce", "uint256"), ("deadline", "uint256"), ("witness", "Witness")]),
            "TokenPermissions": f(&[("token", "address"), ("amount", "uint256")]),
            "Witness": f(&[("to", "address"), ("facilitator", "address"), ("validAfter", "uint256")])}),
    }
}
