//! The chain as a facilitator reads it: one JSON-RPC call at a time, through [`Rpc`], which the
//! caller implements (`fetch` in a Worker, a scripted chain in tests).

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use alloy_primitives::{hex, Address, Bytes, U256};
use serde_json::{json, Value};

/// Why a JSON-RPC call gave no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// The node answered with a JSON-RPC error (a revert is one: code 3, with its data).
    Node {
        /// The error's code.
        code: i64,
        /// The error's message.
        message: String,
        /// Revert data, `0x…`, when the node gave it.
        data: Option<String>,
    },
    /// No usable answer: unreachable, timed out, an HTTP error, or not JSON-RPC.
    Transport(String),
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Node { code, message, .. } => write!(f, "node error {code}: {message}"),
            Fault::Transport(message) => write!(f, "RPC unavailable: {message}"),
        }
    }
}

/// A JSON-RPC endpoint per chain.
pub trait Rpc {
    /// Calls `method` with `params` on the chain `chain_id`: the `result`, or the fault.
    fn call(
        &self,
        chain_id: u64,
        method: &str,
        params: Value,
    ) -> impl Future<Output = Result<Value, Fault>>;
}

/// Both futures, polled together: the calls of one step go out at once.
pub(crate) async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut done_a, mut done_b) = (None, None);
    poll_fn(move |cx| {
        if done_a.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                done_a = Some(v);
            }
        }
        if done_b.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                done_b = Some(v);
            }
        }
        match (done_a.take(), done_b.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (done_a, done_b) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

/// What a simulated call came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Simulated {
    /// It would succeed: its return data (`eth_call`) or its gas (`eth_estimateGas`).
    Ok(Value),
    /// It would revert, with the node's words.
    Reverted(String),
}

/// Reads a node error as a revert: a node refuses a call it cannot run for reasons of the call's
/// own (revert, out of gas, a bad opcode), so any node error is the call's failure. Only a
/// transport fault is no answer.
fn simulated(result: Result<Value, Fault>) -> Result<Simulated, Fault> {
    match result {
        Ok(v) => Ok(Simulated::Ok(v)),
        Err(Fault::Node { message, data, .. }) => Ok(Simulated::Reverted(match data {
            Some(d) if !message.contains(&d) => format!("{message} ({d})"),
            _ => message,
        })),
        Err(e) => Err(e),
    }
}

fn call_object(from: Option<Address>, to: Address, data: &[u8]) -> Value {
    let mut call = json!({ "to": to, "data": hex::encode_prefixed(data) });
    if let Some(from) = from {
        call["from"] = json!(from);
    }
    call
}

/// `eth_call` at the latest block.
pub(crate) async fn eth_call<R: Rpc>(
    rpc: &R,
    chain_id: u64,
    from: Option<Address>,
    to: Address,
    data: &[u8],
) -> Result<Simulated, Fault> {
    let params = json!([call_object(from, to, data), "latest"]);
    simulated(rpc.call(chain_id, "eth_call", params).await)
}

/// `eth_estimateGas` of a call from `from`: the simulation a sender makes before sending.
pub(crate) async fn estimate_gas<R: Rpc>(
    rpc: &R,
    chain_id: u64,
    from: Address,
    to: Address,
    data: &[u8],
) -> Result<Simulated, Fault> {
    let params = json!([call_object(Some(from), to, data)]);
    simulated(rpc.call(chain_id, "eth_estimateGas", params).await)
}

/// Whether `address` holds code at the latest block.
pub(crate) async fn has_code<R: Rpc>(
    rpc: &R,
    chain_id: u64,
    address: Address,
) -> Result<bool, Fault> {
    let code = rpc.call(chain_id, "eth_getCode", json!([address, "latest"])).await?;
    let bytes = bytes(&code)?;
    Ok(!bytes.is_empty())
}

/// A `0x…` data string.
pub(crate) fn bytes(value: &Value) -> Result<Bytes, Fault> {
    value
        .as_str()
        .and_then(|s| s.strip_prefix("0x"))
        .and_then(|d| hex::decode(d).ok())
        .map(Bytes::from)
        .ok_or_else(|| {
            Fault::Transport(format!(
                "expected 0x-prefixed data, got {}",
                crate::json::write(value)
            ))
        })
}

/// A `0x…` quantity.
pub(crate) fn quantity(value: &Value) -> Result<U256, Fault> {
    value
        .as_str()
        .and_then(|s| s.strip_prefix("0x"))
        .filter(|d| !d.is_empty() && d.len() <= 64)
        .and_then(|d| U256::from_str_radix(d, 16).ok())
        .ok_or_else(|| {
            Fault::Transport(format!("expected a 0x quantity, got {}", crate::json::write(value)))
        })
}
