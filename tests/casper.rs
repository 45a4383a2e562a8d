//! Casper: payments signed by noble (tests/vectors/casper.mjs) verify, our client reproduces them
//! byte for byte, and each local reason code comes from one thing wrong. Runs natively and in wasm.
#![cfg(feature = "casper")]

mod common;

use serde_json::{json, Value};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
use x402_wasm::casper::keys::{Algorithm, PublicKey, SecretKey};
use x402_wasm::casper::NAMESPACE as CASPER;
use x402_wasm::client::{self, Payer, PaymentDraft, Policy};
use x402_wasm::wire::PaymentRequired;
use x402_wasm::{codec, Reason};

fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors/casper.json")).expect("casper.json parses")
}

fn now() -> u64 {
    vectors()["now"].as_u64().unwrap()
}

/// (payload, requirements) of the vector signed with `algorithm`, decoded from its header.
fn case(algorithm: &str) -> (Value, Value) {
    let v = vectors();
    let p = v["payments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["algorithm"] == algorithm)
        .unwrap()
        .clone();
    let payload: Value =
        serde_json::from_str(&codec::decode_to_json(p["header"].as_str().unwrap()).unwrap())
            .unwrap();
    (payload, v["requirements"].clone())
}

/// The reason the `algorithm` vector gets after `mutate` changed (payload, requirements, now).
fn reason(
    algorithm: &str,
    mutate: impl FnOnce(&mut Value, &mut Value, &mut u64),
) -> Option<&'static str> {
    let (mut payload, mut req) = case(algorithm);
    let mut now = now();
    mutate(&mut payload, &mut req, &mut now);
    let verdict = common::verify_json(&payload, &req, now);
    if !verdict.is_valid() {
        assert_eq!(verdict.payer(), None, "the reference names no payer on refusal");
    }
    verdict.reason().map(Reason::as_str)
}

fn both(mutate: impl Fn(&mut Value, &mut Value, &mut u64)) -> [Option<&'static str>; 2] {
    [reason("ed25519", &mutate), reason("secp256k1", &mutate)]
}

#[test]
fn independent_signatures_verify() {
    for algorithm in ["ed25519", "secp256k1"] {
        let (payload, req) = case(algorithm);
        let verdict = common::verify_json(&payload, &req, now());
        assert!(verdict.is_valid(), "{algorithm}: {:?}", verdict.message());
        assert_eq!(verdict.payer(), payload["payload"]["authorization"]["from"].as_str());
    }
}

#[test]
fn our_client_reproduces_the_independent_payments() {
    let v = vectors();
    for p in v["payments"].as_array().unwrap() {
        let algorithm = Algorithm::from_name(p["algorithm"].as_str().unwrap()).unwrap();
        let key = SecretKey::from_hex(algorithm, p["secretKey"].as_str().unwrap()).unwrap();
        assert_eq!(key.public_key().to_hex(), p["payload"]["payload"]["publicKey"]);
        let required = PaymentRequired::from_json(
            &json!({"x402Version": 2, "resource": p["payload"]["resource"], "accepts": [v["requirements"]]}).to_string(),
        )
        .unwrap();
        let nonce: [u8; 32] = alloy_primitives::hex::decode(
            p["payload"]["payload"]["authorization"]["nonce"].as_str().unwrap(),
        )
        .unwrap()
        .try_into()
        .unwrap();
        let draft =
            PaymentDraft::new(&required, 0, Payer::from(key.public_key()), now(), nonce).unwrap();
        assert_eq!(draft.digest().to_string(), p["digest"].as_str().unwrap());
        let typed = draft.typed_data();
        assert_eq!(x402_wasm::casper::eip712::typed_data_digest(&typed).unwrap(), draft.digest());
        let signature = key.sign(draft.digest().as_slice());
        assert_eq!(
            alloy_primitives::hex::encode(signature),
            p["payload"]["payload"]["signature"].as_str().unwrap(),
            "RFC 6979 / ed25519 are deterministic"
        );
        let payload = draft.finish_checked(&signature).unwrap();
        assert_eq!(serde_json::to_value(&payload).unwrap(), p["payload"]);
    }
}

#[test]
fn finish_checked_refuses_another_keys_signature() {
    let (payload, req) = case("ed25519");
    let required = PaymentRequired::from_json(
        &json!({"x402Version": 2, "resource": payload["resource"], "accepts": [req]}).to_string(),
    )
    .unwrap();
    let payer = SecretKey::from_hex(Algorithm::Ed25519, &"01".repeat(32)).unwrap();
    let other = SecretKey::from_hex(Algorithm::Ed25519, &"02".repeat(32)).unwrap();
    let draft =
        PaymentDraft::new(&required, 0, Payer::from(payer.public_key()), now(), [3; 32]).unwrap();
    let err = draft.finish_checked(&other.sign(&[0; 32])).unwrap_err();
    assert_eq!(err.code(), "signer_mismatch");
}

#[test]
fn policy_pays_casper_only_with_a_casper_signer_and_a_listed_token() {
    let (_, req) = case("ed25519");
    let required = PaymentRequired::from_json(
        &json!({"x402Version": 2, "resource": {"url": "https://x.test"}, "accepts": [req]})
            .to_string(),
    )
    .unwrap();
    let asset = req["asset"].as_str().unwrap().to_owned();
    let network = req["network"].as_str().unwrap().to_owned();
    let listing = |asset: String| {
        vec![client::AllowedAsset {
            network: network.clone(),
            asset,
            max_amount: Some(alloy_primitives::U256::from(10_000_000u64)),
        }]
    };
    let evm_only = Policy { assets: listing(asset.clone()), ..Policy::default() };
    assert_eq!(
        client::select(&required, &evm_only).unwrap_err().code(),
        "no_acceptable_requirement"
    );
    let unlisted = Policy { families: vec![CASPER], ..Policy::default() };
    assert_eq!(
        client::select(&required, &unlisted).unwrap_err().code(),
        "no_acceptable_requirement"
    );
    let casper = Policy {
        families: vec![CASPER],
        assets: listing(asset.to_uppercase()),
        ..Policy::default()
    };
    assert_eq!(client::select(&required, &casper).unwrap(), 0);
    let capped = Policy {
        assets: vec![client::AllowedAsset {
            max_amount: Some(alloy_primitives::U256::from(2_499_999u64)),
            ..casper.assets[0].clone()
        }],
        ..casper
    };
    assert_eq!(client::select(&required, &capped).unwrap_err().code(), "amount_exceeds_max");
}

#[test]
fn invalid_exact_casper_unsupported_scheme() {
    let r = both(|p, _, _| p["accepted"]["scheme"] = json!("upto"));
    assert_eq!(r, [Some("invalid_exact_casper_unsupported_scheme"); 2]);
}

#[test]
fn invalid_exact_casper_network_mismatch() {
    let r = both(|p, _, _| p["accepted"]["network"] = json!("casper:casper"));
    assert_eq!(r, [Some("invalid_exact_casper_network_mismatch"); 2]);
}

#[test]
fn invalid_exact_casper_malformed_payload() {
    let code = Some("invalid_exact_casper_malformed_payload");
    assert_eq!(both(|p, _, _| p["payload"]["publicKey"] = json!("")), [code; 2], "empty field");
    assert_eq!(
        both(|p, _, _| p["payload"]["authorization"]["validAfter"] = json!(1799999400)),
        [code; 2],
        "number, not string"
    );
    assert_eq!(
        both(|p, _, _| drop(p["payload"].as_object_mut().unwrap().remove("authorization"))),
        [code; 2],
        "missing"
    );
    assert_eq!(
        both(|p, _, _| p["payload"]["authorization"]["validBefore"] = json!("soon")),
        [code; 2],
        "not digits"
    );
    assert_eq!(
        both(|p, _, _| p["payload"]["authorization"]["nonce"] =
            json!(format!("0x{}", "5a".repeat(32)))),
        [code; 2],
        "0x nonce"
    );
    assert_eq!(
        both(|p, _, _| p["payload"]["authorization"]["from"] = json!("00abcd")),
        [code; 2],
        "from of 3 bytes"
    );
}

#[test]
fn invalid_exact_casper_payto_mismatch() {
    let r = both(|_, r, _| r["payTo"] = json!(format!("00{}", "ab".repeat(32))));
    assert_eq!(r, [Some("invalid_exact_casper_payto_mismatch"); 2]);
    let upper = both(|p, _, _| {
        let to = p["payload"]["authorization"]["to"].as_str().unwrap().to_uppercase();
        p["payload"]["authorization"]["to"] = json!(to);
    });
    assert_eq!(
        upper,
        [Some("invalid_exact_casper_payto_mismatch"); 2],
        "compared as strings, as the reference does"
    );
}

#[test]
fn invalid_exact_casper_amount_mismatch() {
    let r = both(|_, r, _| r["amount"] = json!("2500001"));
    assert_eq!(r, [Some("invalid_exact_casper_amount_mismatch"); 2]);
}

#[test]
fn invalid_exact_casper_invalid_payto() {
    let bad = format!("02{}", "ab".repeat(32));
    let r = both(|p, r, _| {
        r["payTo"] = json!(bad);
        p["payload"]["authorization"]["to"] = json!(bad);
    });
    assert_eq!(r, [Some("invalid_exact_casper_invalid_payto"); 2]);
}

#[test]
fn invalid_exact_casper_invalid_amount() {
    let r = both(|p, r, _| {
        r["amount"] = json!("0");
        p["payload"]["authorization"]["value"] = json!("0");
    });
    assert_eq!(r, [Some("invalid_exact_casper_invalid_amount"); 2]);
}

#[test]
fn invalid_exact_casper_invalid_asset() {
    let r = both(|_, r, _| r["asset"] = json!(format!("hash-{}", "7d".repeat(32))));
    assert_eq!(r, [Some("invalid_exact_casper_invalid_asset"); 2]);
}

#[test]
fn time_window_codes() {
    assert_eq!(both(|_, _, now| *now -= 601), [Some("invalid_exact_casper_not_yet_valid"); 2]);
    assert_eq!(both(|_, _, now| *now += 301), [Some("invalid_exact_casper_payload_expired"); 2]);
    assert_eq!(
        both(|_, _, now| *now += 295),
        [Some("invalid_exact_casper_insufficient_time_to_settle"); 2]
    );
    assert_eq!(both(|_, _, now| *now += 294), [None; 2], "6 s left is enough");
}

#[test]
fn missing_token_name_and_version() {
    assert_eq!(
        both(|_, r, _| drop(r["extra"].as_object_mut().unwrap().remove("name"))),
        [Some("invalid_exact_casper_missing_token_name"); 2]
    );
    assert_eq!(
        both(|_, r, _| r["extra"]["version"] = json!("")),
        [Some("invalid_exact_casper_missing_token_version"); 2]
    );
}

#[test]
fn invalid_exact_casper_invalid_signature() {
    let code = [Some("invalid_exact_casper_invalid_signature"); 2];
    // The signature covers the domain: another token name is another digest.
    assert_eq!(both(|_, r, _| r["extra"]["name"] = json!("USDC")), code, "domain");
    assert_eq!(
        both(|p, _, _| p["payload"]["signature"] =
            json!(&p["payload"]["signature"].as_str().unwrap()[..128])),
        code,
        "64 bytes"
    );
    assert_eq!(
        both(|p, _, _| {
            let sig = p["payload"]["signature"].as_str().unwrap();
            let flipped = if sig.ends_with('0') { "1" } else { "0" };
            p["payload"]["signature"] = json!(format!("{}{flipped}", &sig[..129]));
        }),
        code,
        "tampered"
    );
    assert_eq!(
        both(|p, _, _| {
            let sig = p["payload"]["signature"].as_str().unwrap();
            let tag = if sig.starts_with("01") { "02" } else { "01" };
            p["payload"]["signature"] = json!(format!("{tag}{}", &sig[2..]));
        }),
        code,
        "algorithm tag not the key's"
    );
}

#[test]
fn public_key_must_be_the_key_of_from() {
    // Beyond the reference: a valid signature by a key that is not `from`'s account is refused.
    let (mut payload, req) = case("ed25519");
    let (other, _) = case("secp256k1");
    let stranger = &other["payload"]["authorization"]["from"];
    payload["payload"]["authorization"]["from"] = stranger.clone();
    let verdict = common::verify_json(&payload, &req, now());
    assert_eq!(verdict.reason(), Some(Reason::ExactCasperInvalidSignature));
    assert!(verdict.message().unwrap().contains("not of from"));
    // The same account under the package tag (01) is not the payer's account either.
    let (mut payload, _) = case("ed25519");
    let from =
        payload["payload"]["authorization"]["from"].as_str().unwrap().replacen("00", "01", 1);
    payload["payload"]["authorization"]["from"] = json!(from);
    assert_eq!(
        common::verify_json(&payload, &req, now()).reason(),
        Some(Reason::ExactCasperInvalidSignature)
    );
}

#[test]
fn v1_casper_is_not_a_network() {
    let (payload, req) = case("ed25519");
    let v1 = json!({"x402Version": 1, "scheme": "exact", "network": "casper:casper-test", "payload": payload["payload"]});
    let v1_req = json!({"scheme": "exact", "network": "casper:casper-test", "maxAmountRequired": req["amount"], "resource": "https://x.test",
        "description": "", "mimeType": "", "payTo": req["payTo"], "maxTimeoutSeconds": 300, "asset": req["asset"], "extra": req["extra"]});
    assert_eq!(common::verify_json(&v1, &v1_req, now()).reason(), Some(Reason::InvalidNetwork));
}

#[test]
fn keys_round_trip_their_public_form() {
    for algorithm in [Algorithm::Ed25519, Algorithm::Secp256k1] {
        let key = SecretKey::from_hex(algorithm, &"3c".repeat(32)).unwrap().public_key();
        assert_eq!(PublicKey::from_hex(&key.to_hex()).unwrap().account(), key.account());
    }
}
