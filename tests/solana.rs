//! Solana: payments built by the official client verify; kit-built tampered ones get the official
//! facilitator's reasons (tests/vectors/solana.mjs); our client builds what the official one
//! builds, and its key signs x402 transfers only. Runs natively and in wasm.
#![cfg(feature = "solana")]

mod common;

use base64::Engine as _;
use serde_json::{json, Value};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
use x402_wasm::client::{self, Payer, PaymentDraft, Policy};
use x402_wasm::solana::address::Address;
use x402_wasm::solana::keys::SecretKey;
use x402_wasm::solana::transaction::{Message, Transaction};
use x402_wasm::solana::NAMESPACE as SOLANA;
use x402_wasm::wire::PaymentRequired;
use x402_wasm::Reason;

fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors/solana.json")).expect("solana.json parses")
}

const NOW: u64 = 1_800_000_000;

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn key(seed_hex: &str) -> SecretKey {
    SecretKey::from_bytes(&alloy_primitives::hex::decode(seed_hex).unwrap()).unwrap()
}

#[test]
fn the_official_clients_payments_verify_with_its_payer_and_message_hash() {
    let v = vectors();
    for p in v["payments"].as_array().unwrap() {
        let verdict = common::verify_json(&p["payload"], &p["requirements"], NOW);
        assert!(
            verdict.is_valid(),
            "{}: {:?} {:?}",
            p["name"],
            verdict.reason(),
            verdict.message()
        );
        assert_eq!(verdict.payer(), p["payer"].as_str(), "{}", p["name"]);
        assert_eq!(verdict.deferred().len(), 1, "simulation is the facilitator's");
        let Some(replay) = verdict.replay() else { panic!("a valid verdict has a key") };
        assert_eq!(replay.key, format!("solana:{}", p["messageHash"].as_str().unwrap()));
        assert_eq!(replay.reason, Reason::DuplicateSettlement);
    }
}

/// Tampered vectors whose refusal is the facilitator's alone: only it knows its fee payers.
const FACILITATOR_ONLY: [&str; 2] = ["fee-payer-not-managed", "v1-fee-payer-not-managed"];

#[test]
fn tampered_payments_get_the_official_facilitators_reasons() {
    let v = vectors();
    let mut seen = 0;
    for t in v["tampered"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        let verdict = common::verify_json(&t["payload"], &t["requirements"], NOW);
        if FACILITATOR_ONLY.contains(&name) {
            assert!(verdict.is_valid(), "{name}: {:?}", verdict.reason());
            continue;
        }
        let ours = verdict.reason().map(Reason::as_str);
        match t["reason"].as_str() {
            None => assert_eq!(ours, None, "{name}: {:?}", verdict.message()),
            // The reference appends a detail to this one code; the code is what is compared.
            Some(theirs) => {
                let code = theirs.split(':').next().unwrap();
                assert_eq!(ours, Some(code), "{name}: {:?}", verdict.message());
                let payer = verdict.payer().unwrap_or("");
                assert_eq!(payer, t["payer"].as_str().unwrap(), "{name}: payer");
            }
        }
        seen += 1;
    }
    assert!(seen >= 35, "{seen}");
}

/// The first tampered-vector case of that name: (payload, requirements).
fn case(name: &str) -> (Value, Value) {
    let v = vectors();
    let t = v["tampered"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap().clone();
    (t["payload"].clone(), t["requirements"].clone())
}

fn reason_after(name: &str, mutate: impl FnOnce(&mut Value, &mut Value)) -> Option<&'static str> {
    let (mut payload, mut req) = case(name);
    mutate(&mut payload, &mut req);
    common::verify_json(&payload, &req, NOW).reason().map(Reason::as_str)
}

/// Re-signs `payload`'s transaction after `edit` changed its message, with the vector payer's key.
fn resign(payload: &mut Value, edit: impl FnOnce(&mut Message)) {
    let v = vectors();
    let mut tx =
        Transaction::decode(&b64(payload["payload"]["transaction"].as_str().unwrap())).unwrap();
    edit(&mut tx.message);
    tx.message_bytes = tx.message.encode();
    let payer = key(v["payerSeed"].as_str().unwrap());
    let slot = tx.slot(&payer.address()).unwrap();
    tx.signatures[slot] = payer.sign(&tx.message_bytes);
    let wire = base64::engine::general_purpose::STANDARD.encode(tx.encode());
    payload["payload"]["transaction"] = wire.into();
}

#[test]
fn what_the_chain_refuses_is_refused_after_the_references_checks() {
    // A key listed twice: the reference's simulation fails.
    let twice = reason_after("kit-valid", |p, _| {
        resign(p, |m| {
            let mint = m.instructions[2].accounts[1];
            m.keys.push(m.keys[usize::from(mint)]);
            m.header.readonly_unsigned += 1;
        })
    });
    assert_eq!(twice, Some("invalid_exact_svm_transaction_simulation_failed"));
    // Compute budget data longer than its value.
    let long = reason_after("kit-valid", |p, _| resign(p, |m| m.instructions[0].data.push(0)));
    assert_eq!(
        long,
        Some("invalid_exact_svm_payload_transaction_instructions_compute_limit_instruction")
    );
    // Bytes after the message, signed over: the reference's signature check passes them.
    let v = vectors();
    let trailing = reason_after("kit-valid", |p, _| {
        let mut tx =
            Transaction::decode(&b64(p["payload"]["transaction"].as_str().unwrap())).unwrap();
        tx.message_bytes.push(7);
        let payer = key(v["payerSeed"].as_str().unwrap());
        tx.signatures[1] = payer.sign(&tx.message_bytes);
        p["payload"]["transaction"] =
            base64::engine::general_purpose::STANDARD.encode(tx.encode()).into();
    });
    assert_eq!(trailing, Some("invalid_exact_svm_payload_transaction_could_not_be_decoded"));
    // A transfer "by" an account that does not sign: only the fee payer signs, and the token
    // program would refuse it; it must not name a payer who paid nothing.
    let (good, req) = case("kit-valid");
    let mut tx =
        Transaction::decode(&b64(good["payload"]["transaction"].as_str().unwrap())).unwrap();
    tx.message.header.signers = 1;
    tx.message.header.readonly_signed = 0;
    tx.message_bytes = tx.message.encode();
    tx.signatures.truncate(1);
    let mut unsigned = good.clone();
    unsigned["payload"]["transaction"] =
        base64::engine::general_purpose::STANDARD.encode(tx.encode()).into();
    let verdict = common::verify_json(&unsigned, &req, NOW);
    assert_eq!(
        verdict.reason().map(Reason::as_str),
        Some("invalid_exact_svm_transaction_simulation_failed")
    );
    // Token accounts marked read-only.
    let readonly = reason_after("kit-valid", |p, _| resign(p, |m| m.header.readonly_unsigned = 6));
    assert_eq!(readonly, Some("invalid_exact_svm_transaction_simulation_failed"));
    // v1 spells the simulation code without its prefix.
    let v1 = reason_after("v1-valid", |p, _| {
        resign(p, |m| {
            let mint = m.instructions[2].accounts[1];
            m.keys.push(m.keys[usize::from(mint)]);
            m.header.readonly_unsigned += 1;
        })
    });
    assert_eq!(v1, Some("transaction_simulation_failed"));
}

#[test]
fn undecodable_indices_and_amounts_past_u64() {
    // Hand-made bytes with an index past the keys: the decoder refuses them.
    let dangling = reason_after("kit-valid", |p, _| {
        let mut tx =
            Transaction::decode(&b64(p["payload"]["transaction"].as_str().unwrap())).unwrap();
        tx.message.instructions[2].accounts[0] = 200;
        tx.message_bytes = tx.message.encode();
        p["payload"]["transaction"] =
            base64::engine::general_purpose::STANDARD.encode(tx.encode()).into();
    });
    assert_eq!(dangling, Some("invalid_exact_svm_payload_transaction_could_not_be_decoded"));
    let huge = reason_after("kit-valid", |p, r| {
        let amount = json!("18446744073709551616"); // 2^64
        r["amount"] = amount.clone();
        p["accepted"]["amount"] = amount;
    });
    assert_eq!(huge, Some("invalid_exact_svm_payload_amount_mismatch"));
    let no_payload = reason_after("kit-valid", |p, _| p["payload"] = json!({"tx": "AA=="}));
    assert_eq!(no_payload, Some("invalid_exact_svm_payload_transaction_could_not_be_decoded"));
}

fn required_of(p: &Value) -> PaymentRequired {
    let body = match p["version"].as_u64() {
        Some(1) => json!({"x402Version": 1, "error": "", "accepts": [p["requirements"]]}),
        _ => {
            json!({"x402Version": 2, "resource": p["payload"]["resource"], "accepts": [p["requirements"]]})
        }
    };
    PaymentRequired::from_json(&body.to_string()).unwrap()
}

/// The answer of the stub RPC the vectors were made with, for `id`.
fn rpc_answers(v: &Value, program: &str) -> Vec<Value> {
    let mut mint = vec![0u8; 82];
    mint[44] = 6;
    mint[45] = 1;
    let data = base64::engine::general_purpose::STANDARD.encode(mint);
    vec![
        json!({"jsonrpc": "2.0", "id": "blockhash", "result": {"value": {"blockhash": v["blockhash"]}}}),
        json!({"jsonrpc": "2.0", "id": "mint", "result": {"value": {"owner": program, "data": [data, "base64"]}}}),
    ]
}

#[test]
fn our_client_builds_what_the_official_client_builds() {
    let v = vectors();
    let payer = key(v["payerSeed"].as_str().unwrap());
    for p in v["payments"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        let required = required_of(p);
        let theirs =
            Transaction::decode(&b64(p["payload"]["payload"]["transaction"].as_str().unwrap()))
                .unwrap();
        let program =
            theirs.message.keys[usize::from(theirs.message.instructions[2].program)].to_string();
        let from = Payer::from(payer.address());
        let draft =
            PaymentDraft::with_chain(&required, 0, from, NOW, [7; 32], &rpc_answers(&v, &program))
                .unwrap();
        assert_eq!(draft.method(), "signTransaction");
        let unsigned = b64(draft.to_sign().as_str().unwrap());
        let signed = payer.sign_transfer(&unsigned).unwrap();
        let ours = Transaction::decode(&signed).unwrap();
        // The same header, blockhash and instructions (as addresses); the memo is random in both
        // unless the server set one.
        let (a, b) = (&ours.message, &theirs.message);
        assert_eq!(
            (a.version, a.header, a.blockhash),
            (b.version, b.header, b.blockhash),
            "{name}"
        );
        let resolve = |m: &Message| -> Vec<(Address, Vec<Address>, Vec<u8>)> {
            m.instructions
                .iter()
                .map(|ix| {
                    let accounts = ix.accounts.iter().map(|&i| *m.key(i).unwrap()).collect();
                    (*m.key(ix.program).unwrap(), accounts, ix.data.clone())
                })
                .collect()
        };
        let (mut ra, mut rb) = (resolve(a), resolve(b));
        assert_eq!(ra[3].2.len(), rb[3].2.len(), "{name}: memo length");
        if p["requirements"]["extra"]["memo"].is_null() {
            assert_eq!(ra[3].2, "07".repeat(16).into_bytes(), "{name}: hex of 16 nonce bytes");
            ra[3].2.clear();
            rb[3].2.clear();
        }
        assert_eq!(ra, rb, "{name}");
        let payload = draft.finish_checked(&signed).unwrap();
        let payload = serde_json::to_value(&payload).unwrap();
        let verdict = common::verify_json(&payload, &p["requirements"], NOW);
        assert!(verdict.is_valid(), "{name}: {:?}", verdict.message());
    }
}

#[test]
fn a_wallet_that_returns_another_payment_is_caught_before_sending() {
    let v = vectors();
    let p = &v["payments"][0];
    let required = required_of(p);
    let payer = key(v["payerSeed"].as_str().unwrap());
    let draft = PaymentDraft::new(&required, 0, Payer::from(payer.address()), NOW, [1; 32]);
    let err = draft.unwrap_err();
    assert!(err.to_string().contains("rpcUrl"), "no blockhash and no RPC answer: {err}");
    let answers = rpc_answers(&v, "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
    let draft = |nonce| {
        PaymentDraft::with_chain(&required, 0, Payer::from(payer.address()), NOW, nonce, &answers)
            .unwrap()
    };
    // A signed transaction of another amount (a wallet that rewrote it) is refused.
    let (tampered, _) = case("amount");
    let other = b64(tampered["payload"]["transaction"].as_str().unwrap());
    let err = draft([1; 32]).finish_checked(&other).unwrap_err();
    assert_eq!(err.code(), "signer_mismatch");
    assert!(err.to_string().contains("invalid_exact_svm_payload_amount_mismatch"), "{err}");
    // The unsigned draft itself is refused: the payer's signature is missing.
    let unsigned = b64(draft([1; 32]).to_sign().as_str().unwrap());
    assert!(draft([1; 32]).finish_checked(&unsigned).is_err());
    // A wallet that adds a Lighthouse assertion still pays the same: accepted.
    let d = draft([2; 32]);
    let mut tx = Transaction::decode(&b64(d.to_sign().as_str().unwrap())).unwrap();
    let lighthouse = Address::parse("L2TExMFKdjpN9kozasaurPirfHy9P8sbXoAN1qA3S95").unwrap();
    tx.message.keys.push(lighthouse);
    tx.message.header.readonly_unsigned += 1;
    let index = (tx.message.keys.len() - 1) as u8;
    tx.message.instructions.push(x402_wasm::solana::transaction::Instruction {
        program: index,
        accounts: vec![],
        data: vec![1, 2],
    });
    tx.message_bytes = tx.message.encode();
    // The local key signs its own layout only; a wallet signs what it changed.
    assert!(payer.sign_transfer(&tx.encode()).is_err());
    let slot = tx.slot(&payer.address()).unwrap();
    tx.signatures[slot] = payer.sign(&tx.message_bytes);
    assert!(d.finish_checked(&tx.encode()).is_ok());
}

#[test]
fn the_key_signs_x402_transfers_only() {
    let v = vectors();
    let payer = key(v["payerSeed"].as_str().unwrap());
    let fee_payer = key(v["feePayerSeed"].as_str().unwrap());
    let (good, _) = case("kit-valid");
    let wire = b64(good["payload"]["transaction"].as_str().unwrap());
    assert!(payer.sign_transfer(&wire).is_ok());
    assert!(fee_payer.sign_transfer(&wire).is_err(), "the fee payer's slot is the facilitator's");
    for name in ["fourth-instruction", "plain-transfer", "two-instructions", "lookup-table"] {
        let (p, _) = case(name);
        let wire = b64(p["payload"]["transaction"].as_str().unwrap());
        assert!(payer.sign_transfer(&wire).is_err(), "{name}");
    }
    let (p, _) = case("recipient");
    let wire = b64(p["payload"]["transaction"].as_str().unwrap());
    let stranger = SecretKey::from_bytes(&[9; 32]).unwrap();
    assert!(stranger.sign_transfer(&wire).is_err(), "not a signer of it");
    // Keys: 32-byte seeds and 64-byte keypairs whose halves agree.
    let mut pair = alloy_primitives::hex::decode(v["payerSeed"].as_str().unwrap()).unwrap();
    pair.extend_from_slice(&payer.address().0);
    assert_eq!(SecretKey::from_bytes(&pair).unwrap().address(), payer.address());
    pair[40] ^= 1;
    assert!(SecretKey::from_bytes(&pair).is_err());
    assert!(SecretKey::from_bytes(&[1; 31]).is_err());
    let b58 = bs58_of(&pair[..32]);
    assert_eq!(SecretKey::from_base58(&b58).unwrap().address(), payer.address());
    assert_eq!(payer.address().to_string(), v["payer"].as_str().unwrap());
}

fn bs58_of(bytes: &[u8]) -> String {
    // The payer's address is base58 of its key; a seed goes through the same alphabet.
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = Vec::new();
    for &b in bytes {
        let mut carry = u32::from(b);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    std::iter::repeat_n(b'1', zeros)
        .chain(digits.iter().rev().map(|&d| ALPHABET[usize::from(d)]))
        .map(char::from)
        .collect()
}

#[test]
fn policy_pays_solana_with_a_solana_signer_and_caps_known_mints_in_usd() {
    let v = vectors();
    let required = required_of(&v["payments"][0]);
    let evm_only = Policy::default();
    assert_eq!(
        client::select(&required, &evm_only).unwrap_err().code(),
        "no_acceptable_requirement"
    );
    let solana = Policy { families: vec![SOLANA], ..Policy::default() };
    assert_eq!(client::select(&required, &solana).unwrap(), 0, "devnet USDC is a known mint");
    let mut dear = v["payments"][0].clone();
    dear["requirements"]["amount"] = json!("1000000"); // $1 of USDC, above the $0.10 default cap
    let err = client::select(&required_of(&dear), &solana).unwrap_err();
    assert_eq!(err.code(), "amount_exceeds_max");
}

#[test]
fn networks_and_default_mints_are_the_references() {
    let v = vectors();
    for (name, caip2) in v["v1Networks"].as_object().unwrap() {
        assert_eq!(x402_wasm::network::legacy_to_caip2(name).as_deref(), caip2.as_str(), "{name}");
        assert_eq!(
            x402_wasm::network::caip2_to_legacy(caip2.as_str().unwrap()),
            Some(name.as_str())
        );
    }
    let ours: Vec<_> =
        x402_wasm::asset::ASSETS.iter().filter(|a| a.network.starts_with("solana:")).collect();
    let mut count = 0;
    for (network, assets) in v["defaultAssets"].as_object().unwrap() {
        for (i, a) in assets.as_array().unwrap().iter().enumerate() {
            let mint = a["asset"].as_str().unwrap();
            let found =
                x402_wasm::asset::find(network, mint).unwrap_or_else(|| panic!("{network} {mint}"));
            assert_eq!(found.symbol, a["symbol"].as_str().unwrap());
            assert_eq!(u64::from(found.decimals), a["decimals"].as_u64().unwrap());
            let program = match found.transfer {
                x402_wasm::asset::TransferMethod::SplToken => {
                    "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
                }
                _ => "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb",
            };
            assert_eq!(program, a["tokenProgram"].as_str().unwrap(), "{mint}");
            if i == 0 {
                let default = x402_wasm::asset::default_asset(network).unwrap();
                assert_eq!(default.address, mint, "{network}: the first is the default");
            }
            count += 1;
        }
    }
    assert_eq!(count, ours.len(), "no mint the reference does not list");
    let (amount, asset) = x402_wasm::asset::price_to_amount("$0.01", "solana-devnet").unwrap();
    assert_eq!((amount.to::<u64>(), asset.symbol), (10_000, "USDC"));
}

/// The route a server would declare for the vectors' plain requirement.
fn route() -> x402_wasm::server::Routes {
    let v = vectors();
    let r = &v["tampered"].as_array().unwrap().iter().find(|t| t["name"] == "kit-valid").unwrap()
        ["requirements"];
    let accepts = json!({"scheme": "exact", "network": r["network"], "payTo": r["payTo"], "maxTimeoutSeconds": r["maxTimeoutSeconds"],
        "price": {"amount": r["amount"], "asset": r["asset"], "extra": r["extra"]}});
    x402_wasm::server::Routes::from_json(&json!({"GET /weather": {"accepts": accepts}}).to_string())
        .unwrap()
}

fn decide(payload: &Value) -> x402_wasm::server::Decision {
    let routes = route();
    let (_, route) = routes.find("GET", "/weather").unwrap();
    let header = x402_wasm::codec::encode(payload);
    route.evaluate("https://api.example.com/weather", Some(&header), None, NOW)
}

fn key_of(payload: &Value) -> String {
    match decide(payload) {
        x402_wasm::server::Decision::Verified(v) => v.nonce_key,
        other => panic!("not verified: {other:?}"),
    }
}

/// Attacks on the server's decisions, each from the kit-built payment with one thing changed.
#[test]
fn adversarial_solana_payments() {
    use x402_wasm::server::Decision;
    let (good, _) = case("kit-valid");
    let key = key_of(&good);

    // Naming another fee payer in `accepted` (the attacker's, who would then sign as fee payer and
    // spend the payer's tokens some other way) does not answer the offer.
    let mut other_fee_payer = good.clone();
    other_fee_payer["accepted"]["extra"]["feePayer"] = json!("11111111111111111111111111111112");
    assert_eq!(decide(&other_fee_payer), Decision::NoMatch);
    let mut cheaper = good.clone();
    cheaper["accepted"]["amount"] = json!("1");
    assert_eq!(decide(&cheaper), Decision::NoMatch);

    // The fee payer's slot is not part of the key: filling it does not make a second payment.
    let mut filled = good.clone();
    let mut tx =
        Transaction::decode(&b64(good["payload"]["transaction"].as_str().unwrap())).unwrap();
    tx.signatures[0] = [9; 64];
    filled["payload"]["transaction"] =
        base64::engine::general_purpose::STANDARD.encode(tx.encode()).into();
    assert_eq!(key_of(&filled), key, "one message, one key");

    // The same transaction in a v1 payload is the same payment.
    let v1 = json!({"x402Version": 1, "scheme": "exact", "network": "solana-devnet", "payload": good["payload"]});
    assert_eq!(key_of(&v1), key, "one payment, one key, whichever version spells it");

    // A non-canonical Ed25519 signature (S + L) is refused, as the chain's strict check does.
    let mut malleated = good.clone();
    let mut tx =
        Transaction::decode(&b64(good["payload"]["transaction"].as_str().unwrap())).unwrap();
    let l: [u8; 32] = alloy_primitives::hex::decode(
        "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010",
    )
    .unwrap()
    .try_into()
    .unwrap();
    let mut carry = 0u16;
    for (s, l) in tx.signatures[1][32..].iter_mut().zip(l) {
        let sum = u16::from(*s) + u16::from(l) + carry;
        *s = sum as u8;
        carry = sum >> 8;
    }
    malleated["payload"]["transaction"] =
        base64::engine::general_purpose::STANDARD.encode(tx.encode()).into();
    match decide(&malleated) {
        Decision::Invalid { reason, .. } => {
            assert_eq!(reason.as_str(), "invalid_exact_svm_payload_signature_invalid")
        }
        other => panic!("{other:?}"),
    }

    // A devnet payment shown to a mainnet route names another network: no match.
    let mut mainnet = good.clone();
    mainnet["accepted"]["network"] = json!("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp");
    assert_eq!(decide(&mainnet), Decision::NoMatch);

    // A transaction over the 1232 bytes a validator takes is refused where simulation would fail.
    let mut big = good.clone();
    resign(&mut big, |m| m.instructions[3].data = vec![b'x'; 900]);
    match decide(&big) {
        Decision::Invalid { reason, .. } => {
            assert_eq!(reason.as_str(), "invalid_exact_svm_transaction_simulation_failed")
        }
        other => panic!("{other:?}"),
    }
    let mut fits = good.clone();
    resign(&mut fits, |m| m.instructions[3].data = vec![b'x'; 600]);
    assert!(matches!(decide(&fits), Decision::Verified(_)), "{:?}", decide(&fits));
}

/// Every Solana code this crate decides is produced by some case of this file or the vectors.
#[test]
fn every_solana_reason_has_a_case() {
    let v = vectors();
    let mut seen: std::collections::BTreeSet<String> = v["tampered"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| !FACILITATOR_ONLY.contains(&t["name"].as_str().unwrap()))
        .filter_map(|t| t["reason"].as_str().map(|r| r.split(':').next().unwrap().to_owned()))
        .collect();
    // Produced by the tests above rather than by a vector.
    for code in ["invalid_exact_svm_transaction_simulation_failed", "duplicate_settlement"] {
        seen.insert(code.to_owned());
    }
    for r in Reason::ALL {
        let code = r.as_str();
        if code.starts_with("invalid_exact_svm") {
            assert!(seen.contains(code), "no case produces {code}");
        }
    }
}
