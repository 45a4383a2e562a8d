//! `upto` on EVM: payments made by the official client and by viem verify; tampered ones get the
//! official facilitator's reasons and payers (tests/vectors/upto.mjs, on anvil); our client
//! builds, byte for byte, the payment the official client built; a server offers `upto` only
//! once it knows the facilitator, and charges within the signed bounds. Runs natively and in wasm.

mod common;

use serde_json::{json, Value};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
use x402_wasm::client::{self, PaymentDraft, Policy};
use x402_wasm::evm::signature::PrivateKey;
use x402_wasm::server::{Decision, Routes};
use x402_wasm::wire::{PaymentPayload, PaymentRequired};
use x402_wasm::Reason;

fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors/upto.json")).expect("upto.json parses")
}

/// anvil's key #3, the payer of the vectors (payers[0] of the end-to-end chain).
const PAYER_KEY: &str = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";

/// Reasons the facilitator reaches only through the chain; locally the payment is valid, with the
/// check that finds them left to the facilitator.
const ON_CHAIN: [(&str, &str); 3] = [
    ("asset_not_deployed_contract", "asset_deployed"),
    ("permit2_allowance_required", "simulation"),
    ("permit2_insufficient_balance", "simulation"),
];

#[test]
fn official_and_viem_payments_verify_with_the_facilitators_payer() {
    let v = vectors();
    let now = v["now"].as_u64().unwrap();
    for p in v["payments"].as_array().unwrap() {
        let verdict = common::verify_json(&p["payload"], &p["requirements"], now);
        assert!(verdict.is_valid(), "{}: {verdict:?}", p["name"]);
        assert_eq!(verdict.payer(), p["payer"].as_str(), "{}", p["name"]);
        let deferred: Vec<_> = verdict.deferred().iter().map(|d| d.as_str()).collect();
        assert_eq!(deferred, ["asset_deployed", "simulation"], "{}", p["name"]);
        let nonce = p["payload"]["payload"]["permit2Authorization"]["nonce"].as_str().unwrap();
        let key = &verdict.replay().unwrap().key;
        assert!(key.starts_with("permit2:84532:0x") && key.ends_with(nonce), "{key}");
    }
}

#[test]
fn tampered_payments_get_the_facilitators_reason_and_payer() {
    let v = vectors();
    let now = v["now"].as_u64().unwrap();
    let mut local = 0;
    for t in v["tampered"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        let reason = t["reason"].as_str().expect("every tampered vector is refused");
        let verdict = common::verify_json(&t["payload"], &t["requirements"], now);
        if let Some((_, check)) = ON_CHAIN.iter().find(|(r, _)| *r == reason) {
            assert!(verdict.is_valid(), "{name}: {verdict:?}");
            let deferred: Vec<_> = verdict.deferred().iter().map(|d| d.as_str()).collect();
            assert!(deferred.contains(check), "{name}: {check} is left to the facilitator");
            continue;
        }
        local += 1;
        assert_eq!(verdict.reason().map(Reason::as_str), Some(reason), "{name}: {verdict:?}");
        assert_eq!(verdict.payer(), t["payer"].as_str(), "{name}: payer");
    }
    assert!(local >= 13, "most checks are local ({local})");
}

#[test]
fn every_local_upto_check_is_made_by_some_vector() {
    let v = vectors();
    let reasons: Vec<&str> =
        v["tampered"].as_array().unwrap().iter().filter_map(|t| t["reason"].as_str()).collect();
    for r in [
        Reason::UnsupportedPayloadType,
        Reason::UptoEvmScheme,
        Reason::UptoEvmNetworkMismatch,
        Reason::Permit2Spender,
        Reason::Permit2RecipientMismatch,
        Reason::UptoFacilitatorMismatch,
        Reason::Permit2DeadlineExpired,
        Reason::Permit2NotYetValid,
        Reason::Permit2AmountMismatch,
        Reason::Permit2TokenMismatch,
        Reason::Permit2Signature,
    ] {
        assert!(reasons.contains(&r.as_str()), "no vector checks {}", r.as_str());
    }
}

/// The 402 the vectors' requirements came in.
fn required(requirements: &Value) -> PaymentRequired {
    let body = json!({"x402Version": 2, "resource": {"url": "https://api.example/generate"}, "accepts": [requirements]});
    PaymentRequired::from_json(&body.to_string()).unwrap()
}

#[test]
fn our_client_builds_the_payment_the_official_client_built() {
    let v = vectors();
    let official = &v["payments"][0];
    assert_eq!(official["name"], "official client");
    let auth = &official["payload"]["payload"]["permit2Authorization"];
    let requirements = &official["requirements"];
    // The official client's nonce and clock: the rest is the requirement's.
    let nonce: alloy_primitives::U256 = auth["nonce"].as_str().unwrap().parse().unwrap();
    let deadline: u64 = auth["deadline"].as_str().unwrap().parse().unwrap();
    let now = deadline - requirements["maxTimeoutSeconds"].as_u64().unwrap();
    let key = PrivateKey::from_hex(PAYER_KEY).unwrap();
    let draft =
        PaymentDraft::new(&required(requirements), 0, key.address(), now, nonce.to_be_bytes())
            .unwrap();
    let signature = key.sign_digest(&draft.digest());
    let payload = draft.finish(&signature);
    let PaymentPayload::V2(ours) = payload else { panic!("upto is v2") };
    // RFC 6979 signatures: the same key over the same permit gives the same signature.
    assert_eq!(Value::Object(ours.payload), official["payload"]["payload"]);
}

#[test]
fn clients_pay_upto_only_as_told_and_cap_the_maximum() {
    let v = vectors();
    let requirements = &v["payments"][0]["requirements"];
    let req = required(requirements);
    let listed = |cap: &str, schemes: Value| {
        Policy::from_json(&json!({"assets": [{"network": "eip155:84532", "asset": requirements["asset"], "maxAmount": cap}], "schemes": schemes}).to_string()).unwrap()
    };
    assert_eq!(client::select(&req, &listed("100000", json!(["exact", "upto"]))).unwrap(), 0);
    assert_eq!(
        client::select(&req, &listed("99999", json!(["exact", "upto"]))).unwrap_err().code(),
        "amount_exceeds_max",
        "the cap is on the signed maximum"
    );
    assert_eq!(
        client::select(&req, &listed("100000", json!(["exact"]))).unwrap_err().code(),
        "no_acceptable_requirement"
    );
    assert!(Policy::from_json(r#"{"schemes": ["streaming"]}"#).is_err());
    // Between an exact and an upto offer, the client's order decides (exact first by default).
    let mut exact = requirements.clone();
    exact["scheme"] = json!("exact");
    exact["amount"] = json!("1000");
    let both = PaymentRequired::from_json(
        &json!({"x402Version": 2, "resource": {"url": "u"}, "accepts": [requirements, exact]})
            .to_string(),
    )
    .unwrap();
    assert_eq!(client::select(&both, &listed("100000", json!(["exact", "upto"]))).unwrap(), 1);
    assert_eq!(client::select(&both, &listed("100000", json!(["upto", "exact"]))).unwrap(), 0);
    // No facilitator named: nothing to sign.
    let mut anonymous = requirements.clone();
    anonymous["extra"].as_object_mut().unwrap().remove("facilitatorAddress");
    let key = PrivateKey::from_hex(PAYER_KEY).unwrap();
    assert!(PaymentDraft::new(&required(&anonymous), 0, key.address(), 1, [1; 32]).is_err());
}

const PAY_TO: &str = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const TOKEN: &str = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const FACILITATOR: &str = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

fn metered_routes(min: Option<&str>) -> Value {
    let mut option = json!({"scheme": "upto", "network": "eip155:84532", "payTo": PAY_TO,
        "price": {"amount": "100000", "asset": TOKEN, "extra": {"name": "Test USD", "version": "1"}}});
    if let Some(min) = min {
        option["minPrice"] = json!({"amount": min, "asset": TOKEN});
    }
    json!({"GET /generate": {"accepts": [option,
        {"scheme": "exact", "network": "eip155:84532", "payTo": PAY_TO,
         "price": {"amount": "1000", "asset": TOKEN, "extra": {"name": "Test USD", "version": "1"}}}]}})
}

#[test]
fn an_upto_offer_waits_for_its_facilitator_and_is_v2_only() {
    use x402_wasm::server::Gate;
    let mut gate = Gate::new(&metered_routes(Some("1000")).to_string(), None).unwrap();
    let route = gate.route(0).unwrap();
    assert_eq!(route.accepts.len(), 1, "only the exact offer until the facilitator is known");
    assert_eq!(gate.awaiting(), vec![0]);
    let supported = json!({"kinds": [{"x402Version": 2, "scheme": "upto", "network": "eip155:84532",
        "extra": {"facilitatorAddress": FACILITATOR}}]});
    assert_eq!(gate.learn(0, &supported.to_string()).unwrap(), 1);
    let route = gate.route(0).unwrap();
    let upto = serde_json::to_value(&route.accepts[0]).unwrap();
    assert_eq!(upto["scheme"], "upto", "in its declared place");
    assert_eq!(
        upto["extra"],
        json!({"name": "Test USD", "version": "1", "assetTransferMethod": "permit2", "facilitatorAddress": FACILITATOR})
    );
    let v1 = route.payment_required_v1("https://x/generate", "");
    assert_eq!(v1.accepts.len(), 1, "v1 has no upto");
    assert_eq!(v1.accepts[0].scheme, "exact");
}

#[test]
fn a_verified_upto_payment_carries_its_bounds() {
    let v = vectors();
    let now = v["now"].as_u64().unwrap();
    let official = &v["payments"][0];
    let mut routes = metered_routes(Some("1000"));
    routes["GET /generate"]["accepts"][0]["price"]["asset"] =
        official["requirements"]["asset"].clone();
    routes["GET /generate"]["accepts"][0]["minPrice"]["asset"] =
        official["requirements"]["asset"].clone();
    routes["GET /generate"]["accepts"][0]["payTo"] = official["requirements"]["payTo"].clone();
    routes["GET /generate"]["accepts"][0]["maxTimeoutSeconds"] = json!(3600);
    routes["GET /generate"]["accepts"][0]["extra"] =
        json!({"facilitatorAddress": official["requirements"]["extra"]["facilitatorAddress"]});
    let table = Routes::from_json(&routes.to_string()).unwrap();
    let route = table.get(0).unwrap();
    let header = x402_wasm::codec::encode(&official["payload"]);
    match route.evaluate("https://api.example/generate", Some(&header), None, now) {
        Decision::Verified(v) => {
            let meter = v.meter.expect("an upto payment is metered");
            assert_eq!(meter.maximum, alloy_primitives::U256::from(100_000u64));
            assert_eq!(meter.minimum, alloy_primitives::U256::from(1_000u64));
            assert_eq!(meter.charge(Some(r#"{"amount":"5"}"#)).unwrap().amount.to::<u64>(), 1_000);
        }
        other => panic!("{other:?}"),
    }
    for (bad, why) in [
        (json!({"amount": "100001", "asset": TOKEN}), "above the price"),
        (json!({"amount": "1", "asset": PAY_TO}), "another asset"),
    ] {
        let mut r = metered_routes(None);
        r["GET /generate"]["accepts"][0]["minPrice"] = bad;
        assert!(Routes::from_json(&r.to_string()).is_err(), "{why}");
    }
    let mut exact_min = metered_routes(None);
    exact_min["GET /generate"]["accepts"][1]["minPrice"] = json!({"amount": "1", "asset": TOKEN});
    assert!(Routes::from_json(&exact_min.to_string()).is_err(), "exact has no minimum");
}
