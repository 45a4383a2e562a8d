//! The facilitator core over a scripted chain: which RPC calls `/verify` and `/settle` make, how a
//! failed simulation is diagnosed (the reference's order), fees under the caps, and how a receipt
//! is read. The payment is the viem-signed vector; the chain end to end is tests/e2e.

mod common;

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use alloy_primitives::{keccak256, U256};
use alloy_sol_types::SolValue;
use serde_json::{json, Value};
use x402_wasm::evm::signature::PrivateKey;
use x402_wasm::facilitator::{Caps, Facilitator, Fault, Request, Rpc};

const VECTOR: &str = "viem/v2/eip3009/eip155:84532";
const SIGNER: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/// The futures here never wait: the scripted chain answers at once.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

type Answer = Box<dyn Fn(&str, &Value) -> Result<Value, Fault>>;

/// A chain that answers each call with `answer(method-or-selector, params)` and records it.
struct Scripted {
    calls: RefCell<Vec<String>>,
    answer: Answer,
}

fn selector(signature: &str) -> String {
    alloy_primitives::hex::encode_prefixed(&keccak256(signature)[..4])
}

impl Scripted {
    fn new(answer: impl Fn(&str, &Value) -> Result<Value, Fault> + 'static) -> Self {
        Scripted { calls: RefCell::new(Vec::new()), answer: Box::new(answer) }
    }

    fn calls(&self) -> Vec<String> {
        self.calls.borrow().clone()
    }
}

impl Rpc for Scripted {
    async fn call(&self, chain_id: u64, method: &str, params: Value) -> Result<Value, Fault> {
        assert_eq!(chain_id, 84532);
        // eth_call is named by the selector it calls.
        let name = match method {
            "eth_call" => params[0]["data"].as_str().unwrap_or_default()[..10].to_owned(),
            m => m.to_owned(),
        };
        self.calls.borrow_mut().push(name.clone());
        (self.answer)(&name, &params)
    }
}

fn revert() -> Fault {
    Fault::Node { code: 3, message: "execution reverted: FiatToken: bad".into(), data: None }
}

/// A token whose transfer reverts, with `state`, `balance` and name "USDC" version "2".
fn diagnosed(used: bool, balance: u64) -> Scripted {
    let twa = selector(
        "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)",
    );
    let state = selector("authorizationState(address,bytes32)");
    let name = selector("name()");
    let version = selector("version()");
    let balance_of = selector("balanceOf(address)");
    Scripted::new(move |call, _| {
        let hex = |bytes: Vec<u8>| Ok(json!(alloy_primitives::hex::encode_prefixed(bytes)));
        match call {
            "eth_getCode" => Ok(json!("0x6080")),
            c if c == twa => Err(revert()),
            c if c == state => hex(used.abi_encode()),
            c if c == name => hex("USDC".to_owned().abi_encode()),
            c if c == version => hex("2".to_owned().abi_encode()),
            c if c == balance_of => hex(U256::from(balance).abi_encode()),
            other => panic!("unexpected call {other}"),
        }
    })
}

fn facilitator(caps: Caps) -> Facilitator {
    let key = PrivateKey::from_hex(SIGNER).expect("key");
    Facilitator::new(key, &["eip155:84532".into()], caps).expect("facilitator")
}

fn request() -> (Request, u64) {
    let (payload, requirements, now, _) = common::payload_case(VECTOR);
    let body =
        json!({ "x402Version": 2, "paymentPayload": payload, "paymentRequirements": requirements });
    (Request::from_json(&body.to_string()).expect("body"), now)
}

#[test]
fn verify_reads_the_asset_code_and_simulates() {
    let (request, now) = request();
    let chain = Scripted::new(|call, _| match call {
        "eth_getCode" => Ok(json!("0x6080")),
        _ => Ok(json!("0x")),
    });
    let answer = block_on(facilitator(Caps::default()).verify(&chain, &request, now));
    assert!(answer.is_valid, "{answer:?}");
    assert_eq!(answer.payer.as_deref(), Some("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
    let twa = selector(
        "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)",
    );
    assert_eq!(chain.calls(), ["eth_getCode".to_owned(), twa]);
}

#[test]
fn a_failed_simulation_is_diagnosed_in_the_references_order() {
    let (request, now) = request();
    let f = facilitator(Caps::default());
    for (used, balance, reason) in [
        (true, 0, "invalid_exact_evm_nonce_already_used"),
        (false, 0, "invalid_exact_evm_insufficient_balance"),
        (false, 1_000_000, "invalid_exact_evm_transaction_simulation_failed"),
    ] {
        let answer = block_on(f.verify(&diagnosed(used, balance), &request, now));
        assert!(!answer.is_valid);
        assert_eq!(answer.invalid_reason.as_deref(), Some(reason));
        assert!(answer.invalid_message.as_deref().is_some_and(|m| m.contains("FiatToken: bad")));
    }
}

#[test]
fn no_contract_at_the_asset_is_refused_though_a_call_to_it_succeeds() {
    let (request, now) = request();
    // A call to an address without code "succeeds" and moves nothing.
    let chain = Scripted::new(|call, _| match call {
        "eth_getCode" => Ok(json!("0x")),
        _ => Ok(json!("0x")),
    });
    let answer = block_on(facilitator(Caps::default()).verify(&chain, &request, now));
    assert_eq!(answer.invalid_reason.as_deref(), Some("asset_not_deployed_contract"));
}

#[test]
fn no_answer_from_the_chain_is_an_unexpected_error_never_a_verdict_on_the_payment() {
    let (request, now) = request();
    let down = || Scripted::new(|_, _| Err(Fault::Transport("HTTP 503".into())));
    let f = facilitator(Caps::default());
    let verify = block_on(f.verify(&down(), &request, now));
    assert_eq!(verify.invalid_reason.as_deref(), Some("unexpected_verify_error"));
    assert!(verify.invalid_message.as_deref().is_some_and(|m| m.contains("HTTP 503")));
    let settle = block_on(f.prepare(&down(), &request, now)).expect_err("refused");
    assert_eq!(settle.error_reason.as_deref(), Some("unexpected_settle_error"));
    assert_eq!(settle.transaction, "");
}

#[test]
fn a_payment_refused_locally_costs_no_call() {
    let (request, now) = request();
    let chain = Scripted::new(|call, _| panic!("unexpected call {call}"));
    let late = now + 3600; // the authorization has expired
    let f = facilitator(Caps::default());
    let verify = block_on(f.verify(&chain, &request, late));
    assert_eq!(
        verify.invalid_reason.as_deref(),
        Some("invalid_exact_evm_payload_authorization_valid_before")
    );
    let settle = block_on(f.prepare(&chain, &request, late)).expect_err("refused");
    assert_eq!(
        settle.error_reason.as_deref(),
        Some("invalid_exact_evm_payload_authorization_valid_before")
    );
    assert!(chain.calls().is_empty());
}

#[test]
fn a_network_it_does_not_serve_makes_no_call() {
    let (payload, mut requirements, now, _) = common::payload_case(VECTOR);
    requirements["network"] = json!("eip155:8453");
    let mut payload = payload;
    payload["accepted"]["network"] = json!("eip155:8453");
    let body =
        json!({ "x402Version": 2, "paymentPayload": payload, "paymentRequirements": requirements });
    let request = Request::from_json(&body.to_string()).expect("body");
    let chain = Scripted::new(|call, _| panic!("unexpected call {call}"));
    let answer = block_on(facilitator(Caps::default()).verify(&chain, &request, now));
    assert_eq!(answer.invalid_reason.as_deref(), Some("invalid_network"));
}

/// A chain where the transfer simulates, with `base` fee and `tip` in wei.
fn fees(base: u64, tip: u64) -> Scripted {
    Scripted::new(move |call, _| match call {
        "eth_getCode" => Ok(json!("0x6080")),
        "eth_estimateGas" => Ok(json!("0x186a0")), // 100 000
        "eth_getBlockByNumber" => Ok(json!({ "baseFeePerGas": format!("{base:#x}") })),
        "eth_maxPriorityFeePerGas" => Ok(json!(format!("{tip:#x}"))),
        other => panic!("unexpected call {other}"),
    })
}

#[test]
fn settlement_simulates_from_the_signer_and_offers_fees_under_the_caps() {
    let (request, now) = request();
    let f = facilitator(Caps { max_fee_per_gas: 10_000_000_000, max_gas: 110_000 });
    let prepared =
        block_on(f.prepare(&fees(1_000_000_000, 500_000_000), &request, now)).expect("prepared");
    assert_eq!(prepared.gas, 110_000, "the estimate plus a fifth, within the cap");
    assert_eq!(
        prepared.max_fee_per_gas,
        U256::from(2_500_000_000u64),
        "twice the base fee plus the tip"
    );
    assert_eq!(prepared.max_priority_fee_per_gas, U256::from(500_000_000u64));
    // A base fee above the cap is refused before anything is signed.
    let refused =
        block_on(f.prepare(&fees(20_000_000_000, 0), &request, now)).expect_err("refused");
    assert_eq!(refused.error_reason.as_deref(), Some("unexpected_settle_error"));
    // The signed transaction pays the token from the signer's key.
    let signed = prepared.sign(&f, 7);
    assert_eq!(signed.raw[0], 0x02);
    // A transfer that needs more gas than the cap is refused, not sent to run out of gas.
    let tight = facilitator(Caps { max_fee_per_gas: 10_000_000_000, max_gas: 90_000 });
    let refused = block_on(tight.prepare(&fees(1, 1), &request, now)).expect_err("refused");
    assert_eq!(refused.error_reason.as_deref(), Some("unexpected_settle_error"));
    assert!(refused.error_message.as_deref().is_some_and(|m| m.contains("100000 gas")));
    // A payment that waited past its validBefore for its turn is not sent.
    assert!(prepared.expired(now).is_none());
    let late = prepared.expired(prepared.transfer.expires - 3).expect("too late");
    assert_eq!(
        late.error_reason.as_deref(),
        Some("invalid_exact_evm_payload_authorization_valid_before")
    );
    assert_eq!(late.transaction, "");
}

#[test]
fn a_receipt_is_a_success_only_with_the_promised_transfer() {
    let (request, now) = request();
    let f = facilitator(Caps::default());
    let prepared = block_on(f.prepare(&fees(1, 1), &request, now)).expect("prepared");
    let t = &prepared.transfer;
    let topic = |a: alloy_primitives::Address| a.into_word().to_string();
    let log = json!({
        "address": t.token.to_string(),
        "topics": [keccak256("Transfer(address,address,uint256)").to_string(), topic(t.from), topic(t.to)],
        "data": t.value.to_be_bytes::<32>().iter().fold("0x".to_owned(), |s, b| s + &format!("{b:02x}")),
    });
    let hash = "0x9010d8d603d937124cc700d17246de6dfe7141d204183bd18ca745ff4eb13d49";
    let ok = prepared.settled(hash, &json!({ "status": "0x1", "logs": [log] }));
    assert!(ok.success, "{ok:?}");
    assert_eq!(ok.transaction, hash);
    assert_eq!(ok.network, "eip155:84532");
    let reverted = prepared.settled(hash, &json!({ "status": "0x0", "logs": [] }));
    assert_eq!(reverted.error_reason.as_deref(), Some("invalid_exact_evm_transaction_failed"));
    assert_eq!(reverted.transaction, hash);
    let mut other = log.clone();
    other["data"] = json!(format!("0x{}", "00".repeat(31) + "01"));
    let moved_less = prepared.settled(hash, &json!({ "status": "0x1", "logs": [other] }));
    assert_eq!(
        moved_less.error_reason.as_deref(),
        Some("invalid_exact_evm_transfer_event_mismatch")
    );
    let pending = prepared.pending(hash, "not mined yet");
    assert!(!pending.success);
    assert_eq!(pending.error_reason.as_deref(), Some("settlement_pending"));
    assert_eq!(pending.transaction, hash);
}

#[test]
fn a_payment_has_one_key_whatever_the_time_and_garbage_has_none() {
    let (request, _) = request();
    let key = request.key().expect("key");
    assert!(key.starts_with("eip3009:84532:0x036cbd53842c5426634e7929541ec2318f3dcf7e:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266:0x"));
    assert!(Request::from_json("{\"paymentPayload\":1}").is_err());
}
