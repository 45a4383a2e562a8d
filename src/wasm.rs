//! JavaScript bindings (wasm32 only). Every export takes plain JS values, returns plain JS values,
//! and reports failure as a thrown `Error` whose `code` is [`crate::Error::code`].
//!
//! Objects cross the boundary as JSON text (`JSON.stringify` on the way in), so one strict reader
//! serves headers and objects alike and a `BigInt` or a cycle is a clean `invalid_json` error.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::evm::signature::PrivateKey;
use crate::wire::{PaymentPayload, PaymentRequired, PaymentRequirements, SettleResponse};
use crate::{codec, matching};

/// A JS `Error` with `code` set.
fn js_error(code: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    // Setting a property on a fresh Error cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &code.into());
    err.into()
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        js_error(e.code(), &e.to_string())
    }
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error("internal", &e.to_string()))
}

/// JSON text of a JS value; strings are taken as JSON text already when `string_is_json`.
fn json_text(value: &JsValue, what: &'static str) -> Result<String, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Err(js_error("invalid_argument", &format!("{what} is required")));
    }
    let text = js_sys::JSON::stringify(value)
        .map_err(|_| js_error("invalid_json", &format!("{what} cannot be serialized to JSON")))?;
    text.as_string().ok_or_else(|| js_error("invalid_json", &format!("{what} is not JSON-serializable")))
}

/// A payment given as a header value (string) or as the decoded object.
fn payment_from_js(value: &JsValue) -> Result<PaymentPayload, JsValue> {
    match value.as_string() {
        Some(header) => Ok(codec::decode_payment(&header)?),
        None => Ok(PaymentPayload::from_json(&json_text(value, "payment")?)?),
    }
}

fn now_from_options(options: &JsValue) -> Result<u64, JsValue> {
    if !options.is_object() {
        return Ok(js_now());
    }
    let now = js_sys::Reflect::get(options, &"now".into())?;
    if now.is_undefined() {
        return Ok(js_now());
    }
    match now.as_f64() {
        Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => Ok(n as u64),
        _ => Err(js_error("invalid_argument", "options.now must be a non-negative integer (unix seconds)")),
    }
}

fn js_now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifyResult {
    #[serde(flatten)]
    response: crate::wire::VerifyResponse,
    /// Checks left to the facilitator (chain state); present when valid.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    deferred: Vec<&'static str>,
}

/// Verifies a payment locally: signature, recipient, amount, asset, network and time window.
///
/// `payment` is a `PAYMENT-SIGNATURE` / `X-PAYMENT` header value or a decoded PaymentPayload;
/// `requirements` is the PaymentRequirements it must satisfy, in the payload's version.
/// Returns `{isValid, invalidReason?, invalidMessage?, payer?, deferred?}`.
#[wasm_bindgen(js_name = verifyPayment)]
pub fn verify_payment(payment: JsValue, requirements: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let payload = payment_from_js(&payment)?;
    let requirements = PaymentRequirements::from_json(&json_text(&requirements, "requirements")?, payload.version())?;
    let now = now_from_options(&options)?;
    let verdict = crate::verify(&payload, &requirements, now);
    to_js(&VerifyResult {
        response: verdict.to_response(),
        deferred: verdict.deferred.iter().map(|d| d.as_str()).collect(),
    })
}

/// The index in `offers` of the requirement a payment answers (the resource server's matching
/// rule), or -1.
#[wasm_bindgen(js_name = findMatchingRequirements)]
pub fn find_matching_requirements(offers: JsValue, payment: JsValue) -> Result<i32, JsValue> {
    let payload = payment_from_js(&payment)?;
    let offers_json = json_text(&offers, "offers")?;
    let values: Vec<serde_json::Value> =
        serde_json::from_str(&offers_json).map_err(|e| Error::json("PaymentRequirements[]", e))?;
    let mut parsed = Vec::with_capacity(values.len());
    for v in values {
        parsed.push(PaymentRequirements::from_json(&v.to_string(), payload.version())?);
    }
    Ok(matching::find_match(&payload, &parsed).map_or(-1, |i| i as i32))
}

/// Decodes a `PAYMENT-SIGNATURE` or `X-PAYMENT` header value into a PaymentPayload.
#[wasm_bindgen(js_name = decodePaymentSignatureHeader)]
pub fn decode_payment_signature_header(header: &str) -> Result<JsValue, JsValue> {
    to_js(&codec::decode_payment(header)?)
}

/// Decodes a `PAYMENT-REQUIRED` header value into a PaymentRequired.
#[wasm_bindgen(js_name = decodePaymentRequiredHeader)]
pub fn decode_payment_required_header(header: &str) -> Result<JsValue, JsValue> {
    to_js(&codec::decode_required(header)?)
}

/// Decodes a `PAYMENT-RESPONSE` or `X-PAYMENT-RESPONSE` header value into a SettleResponse.
#[wasm_bindgen(js_name = decodePaymentResponseHeader)]
pub fn decode_payment_response_header(header: &str) -> Result<JsValue, JsValue> {
    to_js(&codec::decode_settle(header)?)
}

/// Encodes a PaymentPayload (validated) as a `PAYMENT-SIGNATURE` / `X-PAYMENT` header value.
#[wasm_bindgen(js_name = encodePaymentSignatureHeader)]
pub fn encode_payment_signature_header(payload: JsValue) -> Result<String, JsValue> {
    Ok(codec::encode(&PaymentPayload::from_json(&json_text(&payload, "payload")?)?))
}

/// Encodes a PaymentRequired (validated) as a `PAYMENT-REQUIRED` header value.
#[wasm_bindgen(js_name = encodePaymentRequiredHeader)]
pub fn encode_payment_required_header(required: JsValue) -> Result<String, JsValue> {
    Ok(codec::encode(&PaymentRequired::from_json(&json_text(&required, "paymentRequired")?)?))
}

/// Encodes a SettleResponse (validated) as a `PAYMENT-RESPONSE` header value.
#[wasm_bindgen(js_name = encodePaymentResponseHeader)]
pub fn encode_payment_response_header(response: JsValue) -> Result<String, JsValue> {
    let text = json_text(&response, "settleResponse")?;
    let settle: SettleResponse = serde_json::from_str(&text).map_err(|e| Error::json("SettleResponse", e))?;
    Ok(codec::encode(&settle))
}

/// Builds a payment for entry `index` of a PaymentRequired and signs it with a local key.
/// Used by tests and by `privateKeySigner`; `options.now` (unix seconds) pins the clock.
#[wasm_bindgen(js_name = createPaymentWithKey)]
pub fn create_payment_with_key(required: JsValue, index: u32, private_key: &str, options: JsValue) -> Result<JsValue, JsValue> {
    let required = PaymentRequired::from_json(&json_text(&required, "paymentRequired")?)?;
    let key = PrivateKey::from_hex(private_key)?;
    let now = now_from_options(&options)?;
    let draft = crate::client::PaymentDraft::new(&required, index as usize, key.address(), now, crate::client::random_nonce()?)?;
    let signature = key.sign_digest(&draft.digest());
    to_js(&draft.finish(&signature))
}
