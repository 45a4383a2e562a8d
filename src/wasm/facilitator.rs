//! The facilitator face: [`X402Facilitator`], the key held in wasm, the chain read through a JS
//! function `rpc(chainId, method, params) => Promise<result>` that rejects with the node's
//! `{code, message, data}` when it answered an error, and with anything else when it did not.

use std::rc::Rc;

use js_sys::{Function, Promise};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::{js_error, json_text, safe_integer, to_js};
use crate::error::{Code, Error};
use crate::evm::signature::PrivateKey;
use crate::facilitator::{
    invalid, settle_refusal, Caps, Facilitator, Fault, Prepared, Request, Rpc,
};
use crate::reason::Reason;
use crate::wire::{SettleResponse, VerifyResponse};

struct JsRpc(Function);

fn message_of(value: &JsValue) -> String {
    js_sys::Reflect::get(value, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "the RPC function failed".into())
}

impl Rpc for JsRpc {
    async fn call(&self, chain_id: u64, method: &str, params: Value) -> Result<Value, Fault> {
        let transport = |e: &JsValue| Fault::Transport(message_of(e));
        let params = to_js(&params).map_err(|e| transport(&e))?;
        let promise = self
            .0
            .call3(&JsValue::NULL, &(chain_id as f64).into(), &method.into(), &params)
            .map_err(|e| transport(&e))?;
        match JsFuture::from(Promise::resolve(&promise)).await {
            Ok(v) if v.is_null() || v.is_undefined() => Ok(Value::Null),
            Ok(v) => {
                let text = json_text(&v, "RPC result").map_err(|e| transport(&e))?;
                crate::json::read(&text, crate::json::Repeats::LastWins)
                    .map_err(|e| Fault::Transport(e.to_string()))
            }
            Err(e) => {
                let code = js_sys::Reflect::get(&e, &"code".into()).ok().and_then(|c| c.as_f64());
                match code {
                    Some(code) if code.fract() == 0.0 => Err(Fault::Node {
                        code: code as i64,
                        message: message_of(&e),
                        data: js_sys::Reflect::get(&e, &"data".into())
                            .ok()
                            .and_then(|d| d.as_string()),
                    }),
                    _ => Err(transport(&e)),
                }
            }
        }
    }
}

fn unix_seconds(now: f64) -> Result<u64, JsValue> {
    safe_integer(now).ok_or_else(|| {
        js_error(Code::InvalidArgument, "now must be a non-negative integer (unix seconds)")
    })
}

fn prepared_from_js(prepared: &JsValue) -> Result<Prepared, JsValue> {
    let text = json_text(prepared, "prepared")?;
    // Strict, as the serde derive it replaced refused a field written twice.
    let value = crate::fields::parse("prepared settlement", &text)?;
    Ok(serde_json::from_value(value).map_err(|e| Error::json("prepared settlement", e))?)
}

/// A facilitator of `exact` on EVM chains, signing with a key held in wasm (zeroized on `free()`).
#[wasm_bindgen]
pub struct X402Facilitator {
    inner: Rc<Facilitator>,
}

#[wasm_bindgen]
impl X402Facilitator {
    /// `privateKey`: 32 bytes of hex. `networks`: the `eip155:<id>` it settles on. `caps`:
    /// `{maxFeePerGas?: string (wei), maxGas?: number}`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        private_key: &str,
        networks: Vec<String>,
        max_fee_per_gas: Option<String>,
        max_gas: Option<u32>,
    ) -> Result<X402Facilitator, JsValue> {
        let key = PrivateKey::from_hex(private_key)?;
        let mut caps = Caps::default();
        if let Some(fee) = max_fee_per_gas {
            caps.max_fee_per_gas = fee.parse().map_err(|_| {
                js_error(Code::InvalidArgument, "maxFeePerGas must be a decimal number of wei")
            })?;
        }
        if let Some(gas) = max_gas {
            caps.max_gas = gas.into();
        }
        Ok(X402Facilitator { inner: Rc::new(Facilitator::new(key, &networks, caps)?) })
    }

    /// The signer's checksummed address.
    #[wasm_bindgen(getter)]
    pub fn address(&self) -> String {
        self.inner.address().to_checksum(None)
    }

    /// The chain ids of its networks, in their order.
    #[wasm_bindgen(js_name = chainIds)]
    pub fn chain_ids(&self) -> Vec<f64> {
        self.inner.chains().iter().map(|&id| id as f64).collect()
    }

    /// The `/supported` answer.
    pub fn supported(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.supported())
    }

    /// The one-time key of a `/settle` body (JSON text), or undefined when it cannot be read.
    #[wasm_bindgen(js_name = settlementKey)]
    pub fn settlement_key(&self, body: &str) -> Option<String> {
        Request::from_json(body).ok()?.key()
    }

    /// `/verify` of a body (JSON text) at unix time `now`: a promise of the VerifyResponse.
    pub fn verify(&self, body: String, rpc: Function, now: f64) -> Result<Promise, JsValue> {
        let now = unix_seconds(now)?;
        let inner = Rc::clone(&self.inner);
        Ok(future_to_promise(async move {
            let response = match Request::from_json(&body) {
                Ok(request) => inner.verify(&JsRpc(rpc), &request, now).await,
                Err(e) => unreadable_verify(&e),
            };
            to_js(&response)
        }))
    }

    /// `/settle`'s first step: a promise of `{prepared}` to sign, or `{response}`, the refusal.
    pub fn prepare(&self, body: String, rpc: Function, now: f64) -> Result<Promise, JsValue> {
        let now = unix_seconds(now)?;
        let inner = Rc::clone(&self.inner);
        Ok(future_to_promise(async move {
            let outcome = match Request::from_json(&body) {
                Ok(request) => inner.prepare(&JsRpc(rpc), &request, now).await,
                Err(e) => Err(settle_refusal("", unreadable_verify(&e))),
            };
            let out = match outcome {
                Ok(prepared) => serde_json::json!({ "prepared": prepared }),
                Err(response) => serde_json::json!({ "response": response }),
            };
            to_js(&out)
        }))
    }

    /// The prepared transaction with account nonce `nonce`, signed at unix time `now`:
    /// `{raw, hash}`, or `{response}`, the refusal of a payment that would expire before it is mined.
    pub fn sign(&self, prepared: JsValue, nonce: f64, now: f64) -> Result<JsValue, JsValue> {
        let prepared = prepared_from_js(&prepared)?;
        let nonce = unix_seconds(nonce)?;
        if let Some(response) = prepared.expired(unix_seconds(now)?) {
            return to_js(&serde_json::json!({ "response": response }));
        }
        let signed = prepared.sign(&self.inner, nonce);
        to_js(&serde_json::json!({
            "raw": alloy_primitives::hex::encode_prefixed(&signed.raw),
            "hash": signed.hash.to_string(),
        }))
    }

    /// The SettleResponse once `hash` has `receipt`.
    pub fn settled(
        &self,
        prepared: JsValue,
        hash: &str,
        receipt: JsValue,
    ) -> Result<JsValue, JsValue> {
        let receipt = crate::fields::parse_lenient("receipt", &json_text(&receipt, "receipt")?)?;
        to_js(&prepared_from_js(&prepared)?.settled(hash, &receipt))
    }

    /// The SettleResponse while `hash` is sent and not mined.
    pub fn pending(&self, prepared: JsValue, hash: &str, why: &str) -> Result<JsValue, JsValue> {
        to_js(&prepared_from_js(&prepared)?.pending(hash, why))
    }

    /// The SettleResponse when the node refused to take the transaction.
    pub fn refused(&self, prepared: JsValue, message: &str) -> Result<JsValue, JsValue> {
        to_js(&prepared_from_js(&prepared)?.refused(message))
    }

    /// The SettleResponse when the settlement could not be finished (its record unavailable):
    /// `unexpected_settle_error`, naming the transaction when one was sent.
    pub fn unfinished(
        &self,
        network: &str,
        transaction: &str,
        message: &str,
    ) -> Result<JsValue, JsValue> {
        let why = invalid(Reason::UnexpectedSettleError, None, message);
        to_js(&SettleResponse { transaction: transaction.into(), ..settle_refusal(network, why) })
    }
}

fn unreadable_verify(e: &Error) -> VerifyResponse {
    invalid(Reason::InvalidPayload, None, e.to_string())
}
