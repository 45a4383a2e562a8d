//! The adversarial catalogue (tests/adversarial/cases.json): each case changes one thing in a valid
//! vector and states what the resource server decides. Runs natively and in wasm.

mod common;

use alloy_primitives::U256;
use serde_json::{json, Value};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
use x402_wasm::evm::eip712::{self, Signable, TransferWithAuthorization};
use x402_wasm::evm::signature::{decode_signature, PrivateKey};
use x402_wasm::server::{Decision, Routes};
use x402_wasm::{codec, network};

use common::KEY;
const URL: &str = "https://api.example.com/weather";

/// The route a case is judged by: the offer of the base vector (v2 form), with overrides.
fn route_for(base: &str, over: &Value) -> Routes {
    let name = over.as_str().unwrap_or(if base.contains("/v1/") {
        "viem/v2/eip3009/eip155:84532"
    } else {
        base
    });
    let (_, mut req, _, _) = common::payload_case(name);
    if let Value::Object(o) = over {
        for (k, v) in o {
            req[k] = v.clone();
        }
    }
    let accepts = json!({"scheme": req["scheme"], "network": req["network"], "payTo": req["payTo"], "maxTimeoutSeconds": req["maxTimeoutSeconds"],
        "price": {"amount": req["amount"], "asset": req["asset"], "extra": req["extra"]}});
    Routes::from_json(&json!({"GET /weather": {"accepts": accepts}}).to_string()).unwrap()
}

fn pointer_parent<'a>(root: &'a mut Value, path: &str) -> (&'a mut Value, String) {
    let (parent, last) = path.rsplit_once('/').unwrap();
    (root.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}")), last.to_owned())
}

/// Re-signs an EIP-3009 authorization with the test key, under the domain of `offer`.
fn resign(payload: &mut Value, offer: &Value) {
    let key = PrivateKey::from_hex(KEY).unwrap();
    let a = &mut payload["payload"]["authorization"];
    a["from"] = json!(key.address().to_checksum(None));
    let u = |v: &Value| U256::from_str_radix(v.as_str().unwrap(), 10).unwrap();
    let message = TransferWithAuthorization {
        from: key.address(),
        to: a["to"].as_str().unwrap().parse().unwrap(),
        value: u(&a["value"]),
        validAfter: u(&a["validAfter"]),
        validBefore: u(&a["validBefore"]),
        nonce: a["nonce"].as_str().unwrap().parse().unwrap(),
    };
    let network = offer["network"].as_str().unwrap();
    let chain = network::evm_chain_id(network).unwrap();
    let domain = eip712::token_domain(
        offer["extra"]["name"].as_str().unwrap(),
        offer["extra"]["version"].as_str().unwrap(),
        chain,
        offer["asset"].as_str().unwrap().parse().unwrap(),
    );
    payload["payload"]["signature"] =
        json!(alloy_primitives::hex::encode_prefixed(key.sign_digest(&message.digest(&domain))));
}

fn apply(payload: &mut Value, op: &Value, offer: &Value) {
    if let Some(path) = op["set"].as_str() {
        let (parent, last) = pointer_parent(payload, path);
        parent[last] = op["value"].clone();
    } else if let Some(path) = op["remove"].as_str() {
        let (parent, last) = pointer_parent(payload, path);
        parent.as_object_mut().unwrap().remove(&last);
    } else if let Some(path) = op["lowercase"].as_str() {
        let v = payload.pointer_mut(path).unwrap();
        *v = json!(v.as_str().unwrap().to_lowercase());
    } else if let Some(name) = op["copy_accepted_from"].as_str() {
        payload["accepted"] = common::payload_case(name).1;
    } else if op.get("sign").is_some() {
        resign(payload, offer);
    } else {
        panic!("unknown op {op}");
    }
}

fn transform_signature(header: &str, f: impl FnOnce(Vec<u8>) -> Vec<u8>) -> String {
    let mut payload: Value = serde_json::from_str(&codec::decode_to_json(header).unwrap()).unwrap();
    let sig = decode_signature(payload["payload"]["signature"].as_str().unwrap()).unwrap().to_vec();
    payload["payload"]["signature"] = json!(alloy_primitives::hex::encode_prefixed(f(sig)));
    codec::encode(&payload)
}

fn header_for(payload: &Value, transforms: &[Value]) -> String {
    use base64::Engine;
    let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s);
    let mut header = codec::encode(payload);
    for t in transforms.iter().map(|t| t.as_str().unwrap()) {
        header = match t {
            "base64url" => {
                assert!(header.contains(['+', '/']), "the case must put + or / in the header");
                header.replace('+', "-").replace('/', "_")
            }
            "strip_padding" => {
                let mut json = payload.to_string();
                while json.len() % 3 == 0 {
                    json.push(' ');
                }
                b64(json.as_bytes()).trim_end_matches('=').to_owned()
            }
            "whitespace" => format!("{} {}", &header[..8], &header[8..]),
            "oversize" => "A".repeat(70_000),
            "duplicate_version" => {
                b64(payload.to_string().replacen('{', "{\"x402Version\":2,", 1).as_bytes())
            }
            "malleate" => transform_signature(&header, common::malleate_bytes),
            "truncate_signature" => transform_signature(&header, |s| s[..64].to_vec()),
            "v:29" => transform_signature(&header, |mut s| {
                s[64] = 29;
                s
            }),
            "v:minus27" => transform_signature(&header, |mut s| {
                s[64] -= 27;
                s
            }),
            raw if raw.starts_with("raw:") => raw[4..].to_owned(),
            json if json.starts_with("json:") => b64(&json.as_bytes()[5..]),
            hex if hex.starts_with("hex:") => {
                b64(&alloy_primitives::hex::decode(&hex[4..]).unwrap())
            }
            other => panic!("unknown header transform {other}"),
        };
    }
    header
}

fn decision_name(d: &Decision) -> String {
    match d {
        Decision::Unpaid => "unpaid".into(),
        Decision::NoMatch => "no_match".into(),
        Decision::Invalid { reason, .. } => reason.as_str().into(),
        Decision::Verified(_) => "verified".into(),
    }
}

#[test]
fn adversarial_catalogue() {
    let doc: Value = serde_json::from_str(include_str!("adversarial/cases.json")).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 40, "the catalogue keeps at least 40 cases");
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let base = case["base"].as_str().unwrap();
        let (mut payload, _, mut now, _) = common::payload_case(base);
        let routes = route_for(base, &case["route"]);
        let (_, route) = routes.find("GET", "/weather").unwrap();
        let offer = serde_json::to_value(&route.accepts[0]).unwrap();
        for op in case["ops"].as_array().into_iter().flatten() {
            if let Some(path) = op["set_both"].as_str() {
                apply(
                    &mut payload,
                    &json!({"set": format!("/accepted{path}"), "value": op["value"]}),
                    &offer,
                );
                continue;
            }
            apply(&mut payload, op, &offer);
        }
        let routes = match case["ops"]
            .as_array()
            .and_then(|ops| ops.iter().find(|o| o.get("set_both").is_some()))
        {
            Some(op) => route_for(
                base,
                &json!({ op["set_both"].as_str().unwrap().trim_start_matches('/'): op["value"] }),
            ),
            None => routes,
        };
        let (_, route) = routes.find("GET", "/weather").unwrap();
        if let Some(at) = case.get("now") {
            let proof = &payload["payload"];
            let field = at["from"].as_str().unwrap();
            let v = proof["authorization"]
                .get(field)
                .or_else(|| proof["permit2Authorization"].get(field))
                .unwrap();
            now =
                (v.as_str().unwrap().parse::<i64>().unwrap() + at["plus"].as_i64().unwrap()) as u64;
        }
        let header =
            header_for(&payload, case["header"].as_array().map(Vec::as_slice).unwrap_or_default());
        let v1 = payload["x402Version"] == 1;
        let evaluate = || {
            if v1 {
                route.evaluate(URL, None, Some(&header), now)
            } else {
                route.evaluate(URL, Some(&header), None, now)
            }
        };
        let decision = evaluate();
        let expect = &case["expect"];
        let got_decode = codec::decode_payment(&header).err().map(|e| e.code().to_owned());
        if let Some(code) = expect.get("decode") {
            if got_decode.as_deref() != code.as_str() {
                failures.push(format!("{name}: decode {got_decode:?}, expected {code}"));
            }
        }
        let want = expect["decision"].as_str().unwrap();
        let got = decision_name(&decision);
        if want == "replay" {
            let (Decision::Verified(a), Decision::Verified(b)) = (&decision, &evaluate()) else {
                failures.push(format!("{name}: expected two verifications, got {got}"));
                continue;
            };
            assert_eq!(a.nonce_key, b.nonce_key);
        } else if got != want {
            failures.push(format!("{name}: decided {got}, expected {want}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
