//! The resource server's decisions on the signed vectors. Runs natively and in wasm.

mod common;

use serde_json::json;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
use x402_wasm::codec;
use x402_wasm::server::{Decision, Routes};
use x402_wasm::Reason;

fn weather_routes(amount: &str) -> Routes {
    Routes::from_json(&json!({"GET /weather": {"accepts": {"scheme": "exact", "network": "eip155:84532",
        "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
        "price": {"amount": amount, "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "extra": {"name": "USDC", "version": "2"}}},
        "description": "Weather", "mimeType": "application/json"}}).to_string()).unwrap()
}

#[test]
fn v2_and_v1_payments_are_verified_with_a_nonce_key() {
    let routes = weather_routes("10000");
    let (_, route) = routes.find("GET", "/weather").unwrap();
    let url = "https://api.example.com/weather";
    assert_eq!(route.evaluate(url, None, None, 0), Decision::Unpaid);
    assert_eq!(
        route.evaluate(url, Some("%%garbage%%"), None, 0),
        Decision::Unpaid,
        "undecodable counts as unpaid"
    );

    let (payload, _, now, payer) = common::payload_case("viem/v2/eip3009/eip155:84532");
    let header = codec::encode(&payload);
    let Decision::Verified(v) = route.evaluate(url, Some(&header), None, now) else {
        panic!("v2 must verify")
    };
    assert_eq!(v.payer, payer);
    let nonce = payload["payload"]["authorization"]["nonce"].as_str().unwrap();
    assert_eq!(
        v.nonce_key,
        format!(
            "eip3009:84532:0x036cbd53842c5426634e7929541ec2318f3dcf7e:{}:{}",
            payer.to_lowercase(),
            nonce
        )
    );
    assert_eq!(
        v.valid_before,
        payload["payload"]["authorization"]["validBefore"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
    );

    let (v1_payload, _, v1_now, v1_payer) = common::payload_case("viem/v1/eip3009/base-sepolia");
    let Decision::Verified(v) =
        route.evaluate(url, None, Some(&codec::encode(&v1_payload)), v1_now)
    else {
        panic!("v1 must verify")
    };
    assert_eq!(v.payer, v1_payer);
    assert_eq!(v.requirements.version(), x402_wasm::wire::Version::V1);

    // Too late: the reason code, and no facilitator call is implied.
    let Decision::Invalid { reason, .. } =
        route.evaluate(url, Some(&header), None, v.valid_before + 100)
    else {
        panic!()
    };
    assert_eq!(reason, Reason::ExactEvmValidBefore);
}

#[test]
fn a_payment_for_other_terms_does_not_match() {
    let routes = weather_routes("20000");
    let (_, route) = routes.find("GET", "/weather").unwrap();
    let (payload, _, now, _) = common::payload_case("viem/v2/eip3009/eip155:84532");
    assert_eq!(
        route.evaluate("https://x.test/weather", Some(&codec::encode(&payload)), None, now),
        Decision::NoMatch
    );
    // v1 payloads name scheme and network only: the amount check is verification's.
    let (v1_payload, _, v1_now, _) = common::payload_case("viem/v1/eip3009/base-sepolia");
    let Decision::Invalid { reason, .. } =
        route.evaluate("https://x.test/weather", None, Some(&codec::encode(&v1_payload)), v1_now)
    else {
        panic!()
    };
    assert_eq!(reason, Reason::ExactEvmAuthorizationValue);
}

#[test]
fn terms_in_both_versions() {
    let routes = weather_routes("10000");
    let (_, route) = routes.find("GET", "/weather").unwrap();
    let v2 =
        serde_json::to_value(route.payment_required("https://x.test/weather", "Payment required"))
            .unwrap();
    assert_eq!(
        v2["resource"],
        json!({"url": "https://x.test/weather", "description": "Weather", "mimeType": "application/json"})
    );
    assert_eq!(v2["accepts"][0]["amount"], "10000");
    let v1 = serde_json::to_value(
        route.payment_required_v1("https://x.test/weather", "X-PAYMENT header is required"),
    )
    .unwrap();
    assert_eq!(v1["accepts"][0]["network"], "base-sepolia");
    assert_eq!(v1["accepts"][0]["maxAmountRequired"], "10000");
    assert_eq!(v1["accepts"][0]["resource"], "https://x.test/weather");
}

#[test]
fn one_authorization_has_one_key_whatever_the_wrapping() {
    let routes = weather_routes("10000");
    let (_, route) = routes.find("GET", "/weather").unwrap();
    let url = "https://x.test/weather";
    let (payload, _, now, _) = common::payload_case("viem/v2/eip3009/eip155:84532");
    let Decision::Verified(as_v2) = route.evaluate(url, Some(&codec::encode(&payload)), None, now)
    else {
        panic!()
    };
    // The same signed authorization, re-wrapped as a v1 payment, with a decoy Permit2 object.
    let v1 = json!({"x402Version": 1, "scheme": "exact", "network": "base-sepolia", "payload": {
        "authorization": payload["payload"]["authorization"], "signature": payload["payload"]["signature"],
        "permit2Authorization": {"from": "0x1111111111111111111111111111111111111111", "nonce": "1", "deadline": "9999999999"}}});
    let Decision::Verified(as_v1) = route.evaluate(url, None, Some(&codec::encode(&v1)), now)
    else {
        panic!("v1 wrapping verifies")
    };
    assert_eq!(as_v1.nonce_key, as_v2.nonce_key, "the store sees one payment");
}

#[test]
fn a_payment_valid_for_longer_than_the_route_allows_is_refused() {
    let routes = weather_routes("10000");
    let (_, route) = routes.find("GET", "/weather").unwrap();
    let (payload, _, _, _) = common::payload_case("viem/v2/eip3009/eip155:84532");
    let header = codec::encode(&payload);
    let valid_before: u64 =
        payload["payload"]["authorization"]["validBefore"].as_str().unwrap().parse().unwrap();
    // Signed for maxTimeoutSeconds (300) from `now`: seen from 10 minutes earlier it would outlive
    // the nonce record kept for it.
    let early = valid_before - 300 - x402_wasm::server::CLOCK_SKEW_SECONDS - 1;
    let Decision::Invalid { reason, message, .. } =
        route.evaluate("https://x.test/weather", Some(&header), None, early)
    else {
        panic!("must be refused")
    };
    assert_eq!(reason, Reason::InvalidPayload, "{message}");
    assert!(matches!(
        route.evaluate("https://x.test/weather", Some(&header), None, early + 1),
        Decision::Verified(_)
    ));
}

#[test]
fn a_settle_answer_is_read_one_way() {
    use x402_wasm::wire::SettleResponse;
    let ok = SettleResponse::from_json(
        r#"{"success":false,"errorReason":"x","transaction":null,"network":"eip155:8453"}"#,
    )
    .unwrap();
    assert_eq!(ok.transaction, "", "null is no transaction, as the JS check took it");
    for bad in [
        r#"{"success":true,"transaction":"","network":"eip155:8453"}"#,
        r#"{"success":true,"network":"eip155:8453"}"#,
        r#"{"success":"yes","transaction":"0x1","network":"n"}"#,
        r#"{"success":true,"transaction":"0x1"}"#,
    ] {
        assert!(SettleResponse::from_json(bad).is_err(), "{bad}");
    }
}

/// The offers of a gate's 402 for GET /x, as JSON.
fn offered(gate: &x402_wasm::server::Gate) -> Vec<serde_json::Value> {
    let route = gate.route(0).unwrap();
    route.accepts.iter().map(|o| serde_json::to_value(o).unwrap()).collect()
}

#[test]
fn a_facilitator_enriches_offers_but_never_changes_what_is_paid() {
    use x402_wasm::server::Gate;
    const SOL_PAY_TO: &str = "4bMPU2eAhZRq6vSeegCLAt9U4EyJFcCF2wcWrhcTTXFj";
    const FEE_PAYER: &str = "EPDqDEaAKwgBuJkJaL2eS9MvLPRVLHma6g1MzuGKyp9K";
    let routes = json!({"GET /x": {"accepts": [
        {"scheme": "exact", "network": "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", "payTo": SOL_PAY_TO, "price": "$0.01"},
        {"scheme": "exact", "network": "eip155:84532", "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "price": "$0.01"},
    ]}});
    let mut gate = Gate::new(&routes.to_string(), None).unwrap();
    // The Solana offer waits for its fee payer: only the EVM offer is in the 402.
    assert_eq!(offered(&gate).len(), 1);
    assert_eq!(gate.awaiting(), vec![0]);
    let request = gate.accepts_request(0);
    assert_eq!(request["accepts"].as_array().unwrap().len(), 2, "both offers are sent");

    let sent = request["accepts"].as_array().unwrap();
    let of = |ns: &str| {
        sent.iter().find(|o| o["network"].as_str().unwrap().starts_with(ns)).unwrap().clone()
    };
    let mut sol = of("solana:");
    sol["extra"] = json!({"feePayer": FEE_PAYER, "recentBlockhash": "Hash1", "decimals": 6});
    let mut evm = of("eip155:");
    evm["extra"] = json!({"name": "Other Name", "chainId": 84532});
    // A facilitator that tries to redirect the payment: that entry answers no offer.
    let mut redirect = of("eip155:");
    redirect["payTo"] = json!("0x1111111111111111111111111111111111111111");
    redirect["extra"] = json!({"attacker": true});
    let answer = json!({"x402Version": 2, "accepts": [redirect, sol.clone(), evm]});
    assert_eq!(gate.enrich(0, &answer.to_string()).unwrap(), 2);
    let offers = offered(&gate);
    assert_eq!(offers.len(), 2, "the Solana offer has its fee payer now");
    assert_eq!(
        offers[0]["network"], "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
        "in its declared place"
    );
    assert_eq!(offers[0]["payTo"], SOL_PAY_TO);
    assert_eq!(
        offers[0]["extra"],
        json!({"feePayer": FEE_PAYER, "recentBlockhash": "Hash1", "decimals": 6})
    );
    assert_eq!(offers[1]["payTo"], "0x209693Bc6afc0C5328bA36FaF03C514EF312287C");
    assert_eq!(offers[1]["extra"]["name"], "USDC", "a key the offer has is not overwritten");
    assert_eq!(offers[1]["extra"]["chainId"], 84532, "a missing one is added");
    assert!(offers[1]["extra"].get("attacker").is_none());

    // A refresh changes the blockhash hint only.
    sol["extra"] =
        json!({"feePayer": "11111111111111111111111111111112", "recentBlockhash": "Hash2"});
    gate.enrich(0, &json!({"accepts": [sol]}).to_string()).unwrap();
    let offers = offered(&gate);
    assert_eq!(offers[0]["extra"]["recentBlockhash"], "Hash2");
    assert_eq!(offers[0]["extra"]["feePayer"], FEE_PAYER, "the fee payer once known stays");
    assert!(gate.enrich(0, "{}").is_err(), "an answer without accepts is an error");
}

#[test]
fn offers_learn_their_fee_payer_from_supported_once() {
    use x402_wasm::server::Gate;
    let routes = json!({"GET /x": {"accepts": {"scheme": "exact", "network": "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
        "payTo": "4bMPU2eAhZRq6vSeegCLAt9U4EyJFcCF2wcWrhcTTXFj", "price": "$0.01"}}});
    let options = json!({"facilitatorNetworks": [["eip155:*"], ["solana:*"]]});
    let mut gate = Gate::new(&routes.to_string(), Some(&options.to_string())).unwrap();
    assert_eq!(gate.awaiting(), vec![1], "only the facilitator that serves the offer is asked");
    let supported = json!({"kinds": [
        {"x402Version": 1, "scheme": "exact", "network": "solana-devnet", "extra": {"feePayer": "V1Payer111111111111111111111111111111111111"}},
        {"x402Version": 2, "scheme": "exact", "network": "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", "extra": {"feePayer": "EPDqDEaAKwgBuJkJaL2eS9MvLPRVLHma6g1MzuGKyp9K"}},
    ]});
    assert_eq!(
        gate.learn(0, &supported.to_string()).unwrap(),
        0,
        "another facilitator's kinds do not apply"
    );
    assert_eq!(gate.learn(1, &supported.to_string()).unwrap(), 1);
    assert_eq!(
        offered(&gate)[0]["extra"]["feePayer"],
        "EPDqDEaAKwgBuJkJaL2eS9MvLPRVLHma6g1MzuGKyp9K",
        "the v2 kind first"
    );
    assert!(gate.awaiting().is_empty());
}
