//! One test per reason code this crate decides locally, each from a valid vector with one thing
//! wrong. Runs natively and in wasm.

mod common;

use serde_json::{json, Value};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
use x402_wasm::Reason;

const V2: &str = "viem/v2/eip3009/eip155:84532";
const V1: &str = "viem/v1/eip3009/base-sepolia";
const P2: &str = "viem/v2/permit2/eip155:4326";
const OTHER: &str = "0x1111111111111111111111111111111111111111";

/// Verifies the named vector after `mutate` changed (payload, requirements, now).
fn reason(
    name: &str,
    mutate: impl FnOnce(&mut Value, &mut Value, &mut u64),
) -> Option<&'static str> {
    let (mut payload, mut req, mut now, _) = common::payload_case(name);
    mutate(&mut payload, &mut req, &mut now);
    let verdict = common::verify_json(&payload, &req, now);
    assert!(verdict.deferred().is_empty() || verdict.is_valid());
    verdict.reason().map(Reason::as_str)
}

fn set_accepted(payload: &mut Value, req: &mut Value, key: &str, value: Value) {
    payload["accepted"][key] = value.clone();
    req[key] = value;
}

#[test]
fn the_unmodified_vectors_are_valid() {
    for name in [V2, V1, P2] {
        assert_eq!(reason(name, |_, _, _| {}), None, "{name}");
    }
}

#[test]
fn invalid_exact_evm_scheme() {
    assert_eq!(
        reason(V2, |_, r, _| r["scheme"] = json!("exotic")),
        Some("invalid_exact_evm_scheme")
    );
    assert_eq!(reason(V1, |p, _, _| p["scheme"] = json!("upto")), Some("invalid_exact_evm_scheme"));
}

#[test]
fn unsupported_scheme_when_neither_side_is_a_scheme_of_the_family() {
    assert_eq!(
        reason(V2, |p, r, _| set_accepted(p, r, "scheme", json!("exotic"))),
        Some("unsupported_scheme")
    );
    // v1 has no upto.
    assert_eq!(
        reason(V1, |p, r, _| {
            p["scheme"] = json!("upto");
            r["scheme"] = json!("upto");
        }),
        Some("unsupported_scheme")
    );
}

#[test]
fn an_exact_payload_for_an_upto_requirement_is_not_an_upto_payload() {
    // The reference routes on the requirement's scheme: its upto facilitator reads no permit here.
    assert_eq!(reason(V2, |_, r, _| r["scheme"] = json!("upto")), Some("unsupported_payload_type"));
    assert_eq!(
        reason(V2, |p, r, _| set_accepted(p, r, "scheme", json!("upto"))),
        Some("unsupported_payload_type")
    );
    assert_eq!(
        reason(P2, |p, r, _| set_accepted(p, r, "scheme", json!("upto"))),
        Some("unsupported_payload_type"),
        "an exact permit names no facilitator"
    );
}

#[test]
fn invalid_exact_evm_missing_eip712_domain() {
    assert_eq!(
        reason(V2, |_, r, _| {
            r["extra"].as_object_mut().unwrap().remove("version");
        }),
        Some("invalid_exact_evm_missing_eip712_domain")
    );
    assert_eq!(
        reason(V2, |_, r, _| r["extra"]["name"] = json!("")),
        Some("invalid_exact_evm_missing_eip712_domain")
    );
    assert_eq!(
        reason(V1, |_, r, _| {
            r.as_object_mut().unwrap().remove("extra");
        }),
        Some("invalid_exact_evm_missing_eip712_domain")
    );
}

#[test]
fn invalid_exact_evm_network_mismatch() {
    assert_eq!(
        reason(V2, |_, r, _| r["network"] = json!("eip155:8453")),
        Some("invalid_exact_evm_network_mismatch")
    );
    assert_eq!(
        reason(V1, |_, r, _| r["network"] = json!("base")),
        Some("invalid_exact_evm_network_mismatch")
    );
    // v1: a payload network with no chain id is refused first, with the same code.
    assert_eq!(
        reason(V1, |p, r, _| {
            p["network"] = json!("atlantis");
            r["network"] = json!("atlantis");
        }),
        Some("invalid_exact_evm_network_mismatch")
    );
}

#[test]
fn invalid_network_without_chain_id() {
    assert_eq!(
        reason(V2, |p, r, _| set_accepted(p, r, "network", json!("eip155:01"))),
        Some("invalid_network")
    );
    assert_eq!(
        reason(V2, |p, r, _| set_accepted(p, r, "network", json!("cosmos:cosmoshub-4"))),
        Some("invalid_network")
    );
}

#[test]
fn invalid_exact_evm_signature() {
    let flip = |p: &mut Value, _: &mut Value, _: &mut u64| {
        // Change one hex digit of r.
        let mut sig = p["payload"]["signature"].as_str().unwrap().to_owned();
        let digit = if &sig[10..11] == "0" { "1" } else { "0" };
        sig.replace_range(10..11, digit);
        p["payload"]["signature"] = json!(sig);
    };
    assert_eq!(reason(V2, flip), Some("invalid_exact_evm_signature"));
    // Signed by another key than `from`.
    assert_eq!(
        reason(V2, |p, _, _| p["payload"]["authorization"]["from"] = json!(OTHER)),
        Some("invalid_exact_evm_signature")
    );
    // Malleable (high-s) twin, 64 bytes, v = 29, not hex.
    assert_eq!(
        reason(V2, |p, _, _| {
            let s = common::malleate(p["payload"]["signature"].as_str().unwrap());
            p["payload"]["signature"] = json!(s);
        }),
        Some("invalid_exact_evm_signature")
    );
    assert_eq!(
        reason(V2, |p, _, _| {
            let s = p["payload"]["signature"].as_str().unwrap()[..130].to_owned();
            p["payload"]["signature"] = json!(s);
        }),
        Some("invalid_exact_evm_signature")
    );
    assert_eq!(
        reason(V2, |p, _, _| {
            let s = p["payload"]["signature"].as_str().unwrap()[..130].to_owned() + "1d";
            p["payload"]["signature"] = json!(s);
        }),
        Some("invalid_exact_evm_signature")
    );
    assert_eq!(
        reason(V2, |p, _, _| p["payload"]["signature"] = json!("0xnothex")),
        Some("invalid_exact_evm_signature")
    );
    // Typed-data fields that cannot be signed: bad EIP-55, short nonce, value ≥ 2^256.
    assert_eq!(
        reason(V2, |p, _, _| p["payload"]["authorization"]["to"] =
            json!("0x209693bC6afc0C5328bA36FaF03C514EF312287C")),
        Some("invalid_exact_evm_signature")
    );
    assert_eq!(
        reason(V2, |p, _, _| p["payload"]["authorization"]["nonce"] = json!("0x01")),
        Some("invalid_exact_evm_signature")
    );
    assert_eq!(
        reason(V2, |p, _, _| p["payload"]["authorization"]["value"] = json!("1".repeat(79))),
        Some("invalid_exact_evm_signature")
    );
    // The v1 vector too.
    assert_eq!(
        reason(V1, |p, _, _| p["payload"]["authorization"]["value"] = json!("10001")),
        Some("invalid_exact_evm_signature")
    );
}

#[test]
fn invalid_payload_when_unreadable() {
    assert_eq!(
        reason(V2, |p, _, _| {
            p["payload"]["authorization"].as_object_mut().unwrap().remove("nonce");
        }),
        Some("invalid_payload")
    );
    assert_eq!(
        reason(V2, |p, _, _| p["payload"]["authorization"]["value"] = json!("0x2710")),
        Some("invalid_payload")
    );
    assert_eq!(
        reason(V2, |p, _, _| p["payload"]["authorization"]["value"] = json!(10000)),
        Some("invalid_payload")
    );
    assert_eq!(
        reason(V2, |p, _, _| p["payload"]["authorization"]["validBefore"] = json!("-1")),
        Some("invalid_payload")
    );
    assert_eq!(reason(V2, |p, _, _| p["payload"] = json!({})), Some("invalid_payload"));
}

#[test]
fn invalid_payment_requirements_when_asset_or_pay_to_malformed() {
    assert_eq!(
        reason(V2, |p, r, _| set_accepted(p, r, "asset", json!("0x1234"))),
        Some("invalid_payment_requirements")
    );
    assert_eq!(
        reason(V2, |p, r, _| set_accepted(p, r, "payTo", json!("merchant"))),
        Some("invalid_payment_requirements")
    );
}

#[test]
fn invalid_exact_evm_recipient_mismatch() {
    assert_eq!(
        reason(V2, |_, r, _| r["payTo"] = json!(OTHER)),
        Some("invalid_exact_evm_recipient_mismatch")
    );
    // Case does not matter for payTo (compared as addresses).
    assert_eq!(
        reason(V2, |_, r, _| {
            let lower = r["payTo"].as_str().unwrap().to_lowercase();
            r["payTo"] = json!(lower);
        }),
        None
    );
}

#[test]
fn invalid_exact_evm_payload_authorization_valid_before() {
    let valid_before = |p: &Value| {
        p["payload"]["authorization"]["validBefore"].as_str().unwrap().parse::<u64>().unwrap()
    };
    assert_eq!(
        reason(V2, |p, _, now| *now = valid_before(p) - 5),
        Some("invalid_exact_evm_payload_authorization_valid_before")
    );
    assert_eq!(
        reason(V2, |p, _, now| *now = valid_before(p) - 6),
        None,
        "exactly 6 s left is enough"
    );
    assert_eq!(
        reason(V1, |p, _, now| *now = valid_before(p) + 1),
        Some("invalid_exact_evm_payload_authorization_valid_before")
    );
}

#[test]
fn invalid_exact_evm_payload_authorization_valid_after() {
    let valid_after = |p: &Value| {
        p["payload"]["authorization"]["validAfter"].as_str().unwrap().parse::<u64>().unwrap()
    };
    assert_eq!(
        reason(V1, |p, _, now| *now = valid_after(p) - 1),
        Some("invalid_exact_evm_payload_authorization_valid_after")
    );
    assert_eq!(reason(V1, |p, _, now| *now = valid_after(p)), None, "valid from validAfter itself");
}

#[test]
fn invalid_exact_evm_payload_authorization_value_mismatch() {
    assert_eq!(
        reason(V2, |_, r, _| r["amount"] = json!("10001")),
        Some("invalid_exact_evm_payload_authorization_value_mismatch")
    );
    assert_eq!(
        reason(V2, |_, r, _| r["amount"] = json!("9999")),
        Some("invalid_exact_evm_payload_authorization_value_mismatch"),
        "exact, not at-least"
    );
}

#[test]
fn invalid_exact_evm_authorization_value_in_v1() {
    assert_eq!(
        reason(V1, |_, r, _| r["maxAmountRequired"] = json!("10001")),
        Some("invalid_exact_evm_authorization_value")
    );
    assert_eq!(
        reason(V1, |_, r, _| r["maxAmountRequired"] = json!("9999")),
        Some("invalid_exact_evm_authorization_value")
    );
}

#[test]
fn invalid_x402_version_when_versions_differ() {
    let (payload, _, now, _) = common::payload_case(V2);
    let (_, v1_req, _, _) = common::payload_case(V1);
    let payload = x402_wasm::wire::PaymentPayload::from_json(&payload.to_string()).unwrap();
    let req = x402_wasm::wire::PaymentRequirements::from_json(
        &v1_req.to_string(),
        x402_wasm::wire::Version::V1,
    )
    .unwrap();
    assert_eq!(x402_wasm::verify(&payload, &req, now).reason(), Some(Reason::InvalidX402Version));
}

#[test]
fn unsupported_payload_type_for_permit2_under_another_scheme() {
    assert_eq!(reason(P2, |_, r, _| r["scheme"] = json!("upto")), Some("unsupported_payload_type"));
}

#[test]
fn permit2_network_mismatch() {
    assert_eq!(
        reason(P2, |_, r, _| r["network"] = json!("eip155:8453")),
        Some("invalid_exact_evm_network_mismatch")
    );
}

#[test]
fn invalid_permit2_spender() {
    assert_eq!(
        reason(P2, |p, _, _| p["payload"]["permit2Authorization"]["spender"] = json!(OTHER)),
        Some("invalid_permit2_spender")
    );
}

#[test]
fn invalid_permit2_recipient_mismatch() {
    assert_eq!(
        reason(P2, |_, r, _| r["payTo"] = json!(OTHER)),
        Some("invalid_permit2_recipient_mismatch")
    );
}

#[test]
fn permit2_deadline_expired() {
    let deadline = |p: &Value| {
        p["payload"]["permit2Authorization"]["deadline"].as_str().unwrap().parse::<u64>().unwrap()
    };
    assert_eq!(reason(P2, |p, _, now| *now = deadline(p) - 5), Some("permit2_deadline_expired"));
}

#[test]
fn permit2_not_yet_valid() {
    assert_eq!(
        reason(P2, |p, _, now| p["payload"]["permit2Authorization"]["witness"]["validAfter"] =
            json!((*now + 60).to_string())),
        Some("permit2_not_yet_valid")
    );
}

#[test]
fn permit2_amount_mismatch() {
    assert_eq!(reason(P2, |_, r, _| r["amount"] = json!("1")), Some("permit2_amount_mismatch"));
}

#[test]
fn permit2_token_mismatch() {
    assert_eq!(reason(P2, |_, r, _| r["asset"] = json!(OTHER)), Some("permit2_token_mismatch"));
}

#[test]
fn invalid_permit2_signature() {
    assert_eq!(
        reason(P2, |p, _, _| p["payload"]["permit2Authorization"]["from"] = json!(OTHER)),
        Some("invalid_permit2_signature")
    );
    assert_eq!(
        reason(P2, |p, _, _| {
            let s = common::malleate(p["payload"]["signature"].as_str().unwrap());
            p["payload"]["signature"] = json!(s);
        }),
        Some("invalid_permit2_signature")
    );
    assert_eq!(
        reason(P2, |p, _, _| p["payload"]["permit2Authorization"]["nonce"] = json!("7")),
        Some("invalid_permit2_signature")
    );
}

#[test]
fn smart_wallet_signatures_are_left_to_the_facilitator() {
    let (payload, req, now, _) = common::payload_case(V2);
    let word = |n: u8| format!("{:064x}", n);
    // Shapes smart wallets make: ABI-encoded (offset word first), and two Safe owners' signatures.
    let abi = format!("0x{}{}{}{}", word(32), word(64), word(0), "cd".repeat(96));
    let safe = format!("0x{}", "1b".repeat(130));
    for sig in [abi, safe] {
        let mut p = payload.clone();
        p["payload"]["signature"] = json!(sig);
        let verdict = common::verify_json(&p, &req, now);
        assert!(verdict.is_valid(), "{sig}");
        assert!(verdict.deferred().contains(&x402_wasm::Deferred::ContractSignature));
    }
    // Long hex that no wallet makes is refused here, without a facilitator call (attack review M5).
    let erc6492_zero_factory = format!(
        "0x{}{}{}{}{}{}{}",
        word(0),
        word(96),
        word(128),
        word(0),
        word(0),
        word(0),
        "6492".repeat(16)
    );
    for sig in [
        format!("0x{}", "ab".repeat(200)),
        format!("0x{}", "ab".repeat(66)),
        format!("0x{}", "00".repeat(9000)),
        erc6492_zero_factory,
    ] {
        let mut p = payload.clone();
        p["payload"]["signature"] = json!(sig);
        assert_eq!(
            common::verify_json(&p, &req, now).reason().map(|r| r.as_str()),
            Some("invalid_exact_evm_signature"),
            "{}",
            &sig[..80.min(sig.len())]
        );
    }
}
