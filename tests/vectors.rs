//! The checked-in vectors, asserted against this crate: digests, recovery, verification.
//! Runs natively (`cargo test`) and in wasm (`cargo test --target wasm32-unknown-unknown`).

mod common;

use alloy_primitives::{b256, Address, B256, U256};
use alloy_sol_types::SolStruct;
use serde_json::{json, Value};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
use x402_wasm::asset::ASSETS;
use x402_wasm::codec;
use x402_wasm::evm::eip712::{
    self, exact_permit2, upto_permit2, Signable, TransferWithAuthorization,
};
use x402_wasm::evm::signature::{decode_signature, recover};
use x402_wasm::matching;
use x402_wasm::wire::{PaymentPayload, PaymentRequirements};
use x402_wasm::Deferred;

fn addr(v: &Value) -> Address {
    v.as_str().unwrap().parse().unwrap()
}
fn uint(v: &Value) -> U256 {
    v.as_str().unwrap().parse().unwrap()
}
fn b32(v: &Value) -> B256 {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn spec_example_recovers_with_pinned_clock() {
    // The x402 spec's example authorization, under the Base Sepolia USDC domain.
    let domain = eip712::token_domain(
        "USDC",
        "2",
        84532,
        "0x036CbD53842c5426634e7929541eC2318f3dCF7e".parse().unwrap(),
    );
    let message = TransferWithAuthorization {
        from: "0x857b06519E91e3A54538791bDbb0E22373e36b66".parse().unwrap(),
        to: "0x209693Bc6afc0C5328bA36FaF03C514EF312287C".parse().unwrap(),
        value: U256::from(10_000u64),
        validAfter: U256::from(1_740_672_089u64),
        validBefore: U256::from(1_740_672_154u64),
        nonce: b256!("f3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480"),
    };
    assert_eq!(
        domain.separator(),
        b256!("71f17a3b2ff373b803d70a5a07c046c1a2bc8e89c09ef722fcb047abe94c9818")
    );
    assert_eq!(
        message.eip712_hash_struct(),
        b256!("49ad644555c7bdf3ea4fc022a4940ae5589b230b1dde0065c5504fa19bbe39a4")
    );
    let digest = message.digest(&domain);
    assert_eq!(digest, b256!("f256992871671abcb27ff92885a7afa46218724e5fc0bac35d050115aa1d22e6"));
    let sig = decode_signature("0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce6496642e377d6da8dbbf5836e9bd15092f9ecab05ded3d6293af148b571c").unwrap();
    assert_eq!(recover(&digest, &sig).unwrap(), message.from);

    // As a full v2 payment: valid inside its window, refused 5 s before it closes.
    let requirements = json!({"scheme": "exact", "network": "eip155:84532", "amount": "10000",
        "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
        "maxTimeoutSeconds": 60, "extra": {"name": "USDC", "version": "2"}});
    let payload = json!({"x402Version": 2, "accepted": requirements, "payload": {
        "signature": "0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce6496642e377d6da8dbbf5836e9bd15092f9ecab05ded3d6293af148b571c",
        "authorization": {"from": "0x857b06519E91e3A54538791bDbb0E22373e36b66", "to": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
            "value": "10000", "validAfter": "1740672089", "validBefore": "1740672154",
            "nonce": "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480"}}});
    let ok = common::verify_json(&payload, &requirements, 1_740_672_100);
    assert!(ok.is_valid(), "{ok:?}");
    assert_eq!(ok.payer(), Some("0x857b06519E91e3A54538791bDbb0E22373e36b66"));
    let late = common::verify_json(&payload, &requirements, 1_740_672_149);
    assert_eq!(
        late.reason().map(|r| r.as_str()),
        Some("invalid_exact_evm_payload_authorization_valid_before")
    );
}

#[test]
fn every_typed_data_vector_hashes_and_recovers() {
    let v = common::vectors();
    let entries = v["typedData"].as_array().unwrap();
    assert!(entries.len() >= 40);
    for t in entries {
        let (d, m) = (&t["domain"], &t["message"]);
        let chain_id = d["chainId"].as_u64().unwrap();
        let (domain, struct_hash, digest, rendered) = match t["kind"].as_str().unwrap() {
            "eip3009" => {
                let domain = eip712::token_domain(
                    d["name"].as_str().unwrap(),
                    d["version"].as_str().unwrap(),
                    chain_id,
                    addr(&d["verifyingContract"]),
                );
                let msg = TransferWithAuthorization {
                    from: addr(&m["from"]),
                    to: addr(&m["to"]),
                    value: uint(&m["value"]),
                    validAfter: uint(&m["validAfter"]),
                    validBefore: uint(&m["validBefore"]),
                    nonce: b32(&m["nonce"]),
                };
                (
                    domain.clone(),
                    msg.eip712_hash_struct(),
                    msg.digest(&domain),
                    msg.typed_data(&domain),
                )
            }
            "permit2-exact" => {
                let domain = eip712::permit2_domain(chain_id);
                let msg = exact_permit2::PermitWitnessTransferFrom {
                    permitted: exact_permit2::TokenPermissions {
                        token: addr(&m["permitted"]["token"]),
                        amount: uint(&m["permitted"]["amount"]),
                    },
                    spender: addr(&m["spender"]),
                    nonce: uint(&m["nonce"]),
                    deadline: uint(&m["deadline"]),
                    witness: exact_permit2::Witness {
                        to: addr(&m["witness"]["to"]),
                        validAfter: uint(&m["witness"]["validAfter"]),
                    },
                };
                (
                    domain.clone(),
                    msg.eip712_hash_struct(),
                    msg.digest(&domain),
                    msg.typed_data(&domain),
                )
            }
            "permit2-upto" => {
                let domain = eip712::permit2_domain(chain_id);
                let msg = upto_permit2::PermitWitnessTransferFrom {
                    permitted: upto_permit2::TokenPermissions {
                        token: addr(&m["permitted"]["token"]),
                        amount: uint(&m["permitted"]["amount"]),
                    },
                    spender: addr(&m["spender"]),
                    nonce: uint(&m["nonce"]),
                    deadline: uint(&m["deadline"]),
                    witness: upto_permit2::Witness {
                        to: addr(&m["witness"]["to"]),
                        facilitator: addr(&m["witness"]["facilitator"]),
                        validAfter: uint(&m["witness"]["validAfter"]),
                    },
                };
                (
                    domain.clone(),
                    msg.eip712_hash_struct(),
                    msg.digest(&domain),
                    msg.typed_data(&domain),
                )
            }
            other => panic!("unknown kind {other}"),
        };
        let name = &t["name"];
        assert_eq!(domain.separator(), b32(&t["domainSeparator"]), "{name}: domain separator");
        assert_eq!(struct_hash, b32(&t["structHash"]), "{name}: struct hash");
        assert_eq!(digest, b32(&t["digest"]), "{name}: digest");
        // What a wallet is given to sign carries the same domain and message viem signed.
        assert_eq!(rendered["domain"], *d, "{name}: typed-data domain");
        assert_eq!(rendered["message"], *m, "{name}: typed-data message");
        let sig = decode_signature(t["signature"].as_str().unwrap()).unwrap();
        assert_eq!(recover(&digest, &sig).unwrap(), addr(&t["signer"]), "{name}: signer");
    }
}

#[test]
fn domain_separator_pinned_for_every_asset() {
    let v = common::vectors();
    let pinned = v["domains"].as_array().unwrap();
    let evm: Vec<_> = ASSETS.iter().filter(|a| a.network.starts_with("eip155:")).collect();
    assert_eq!(pinned.len(), evm.len(), "one pinned separator per EVM asset");
    for asset in evm {
        let p = pinned
            .iter()
            .find(|p| p["network"] == asset.network && p["asset"] == asset.address)
            .unwrap_or_else(|| {
                panic!("no pinned separator for {} {}", asset.network, asset.address)
            });
        assert_eq!(
            (p["name"].as_str().unwrap(), p["version"].as_str().unwrap()),
            (asset.name, asset.version),
            "{}",
            asset.network
        );
        let chain_id = x402_wasm::network::eip155_chain_id(asset.network).unwrap();
        let domain = eip712::token_domain(
            asset.name,
            asset.version,
            chain_id,
            asset.address.parse().unwrap(),
        );
        assert_eq!(
            domain.separator(),
            b32(&p["domainSeparator"]),
            "{} {}",
            asset.network,
            asset.symbol
        );
    }
}

#[test]
fn every_payload_vector_verifies_and_matches_its_offer() {
    let payloads = common::payload_vectors();
    assert!(
        payloads.iter().any(|p| p.source == "@x402/evm"),
        "the official SDK's own payloads are included"
    );
    for p in &payloads {
        let name = &p.name;
        let payload = codec::decode_payment(&p.header).unwrap();
        assert_eq!(payload.version() as u8, p.version, "{name}");
        let requirements =
            PaymentRequirements::from_json(&p.requirements.to_string(), payload.version()).unwrap();
        let verdict = x402_wasm::verify(&payload, &requirements, p.now);
        assert!(verdict.is_valid(), "{name}: {verdict:?}");
        assert_eq!(verdict.payer(), Some(p.expect.payer.as_str()), "{name}");
        assert!(
            verdict.deferred().contains(&Deferred::Simulation),
            "{name}: chain checks are left to the facilitator"
        );
        assert_eq!(
            matching::find_match(&payload, std::slice::from_ref(&requirements)),
            Some(0),
            "{name}: matches its offer"
        );
        // The header round-trips through our encoder to the same object.
        let again = codec::decode_payment(&codec::encode(&payload)).unwrap();
        assert_eq!(again, payload, "{name}: encode/decode");
        if let PaymentPayload::V2(p2) = &payload {
            assert_eq!(
                serde_json::to_value(&p2.accepted).unwrap(),
                p.requirements,
                "{name}: accepted echoed faithfully"
            );
        }
    }
}
