//! JavaScript bindings (wasm32 only). Every export takes plain JS values, returns plain JS values,
//! and reports failure as a thrown `Error` whose `code` is [`crate::Error::code`].
//!
//! Objects cross the boundary as JSON text (`JSON.stringify` on the way in), so one strict reader
//! serves headers and objects alike and a `BigInt` or a cycle is a clean `invalid_json` error.
//! Headers cross as a getter (`name => headers.get(name)`), so Rust names every header it reads.
//! The client face is in [`client`], the server face in [`server`], each family's signer in its
//! own folder.

#[cfg(feature = "client")]
mod client;
#[cfg(feature = "facilitator")]
mod facilitator;
#[cfg(feature = "server")]
mod server;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::{Code, Error};
// What both HTTP faces share: the header codecs, the matching rule, the families' names.
#[cfg(any(feature = "client", feature = "server"))]
use crate::{
    codec::{self, Headers},
    family, matching,
    wire::{PaymentPayload, PaymentRequired, PaymentRequirements, SettleResponse},
};

/// The heap: talc in place of std's dlmalloc, the same speed here (local verify within 1–3 %) in
/// 4.8 KB less of the client face's module (−2.3 KB gzip). wasm32 has no threads in these builds.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A JS `Error` with `code` set.
pub(crate) fn js_error(code: Code, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    // Setting a property on a fresh Error cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &code.as_str().into());
    err.into()
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        js_error(e.code_enum(), &e.to_string())
    }
}

/// Objects go out as JSON text parsed by the engine: integers past 2^53 (legal in a payload's
/// extensions) lose precision as in any JSON consumer, instead of failing the call.
pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = crate::json::to_string(value)
        .map_err(|_| js_error(Code::Internal, "output is not JSON"))?;
    js_sys::JSON::parse(&text).map_err(|_| js_error(Code::Internal, "output is not JSON"))
}

/// JSON text of a JS value.
pub(crate) fn json_text(value: &JsValue, what: &'static str) -> Result<String, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Err(js_error(Code::InvalidArgument, &format!("{what} is required")));
    }
    let text = js_sys::JSON::stringify(value).map_err(|_| {
        js_error(Code::InvalidJson, &format!("{what} cannot be serialized to JSON"))
    })?;
    text.as_string()
        .ok_or_else(|| js_error(Code::InvalidJson, &format!("{what} is not JSON-serializable")))
}

/// A typed data object given to a signer, as JSON.
#[cfg(feature = "client")]
pub(crate) fn typed_data_from_js(typed_data: &JsValue) -> Result<serde_json::Value, JsValue> {
    let text = json_text(typed_data, "typedData")?;
    Ok(crate::fields::parse_lenient("typed data", &text)?)
}

/// A message's headers as JS gives them: `name => value | null`.
#[cfg(any(feature = "client", feature = "server"))]
pub(crate) struct JsHeaders(js_sys::Function);

#[cfg(any(feature = "client", feature = "server"))]
impl JsHeaders {
    pub(crate) fn new(get: js_sys::Function) -> Self {
        JsHeaders(get)
    }
}

#[cfg(any(feature = "client", feature = "server"))]
impl Headers for JsHeaders {
    fn get(&self, name: &str) -> Option<String> {
        self.0.call1(&JsValue::NULL, &name.into()).ok()?.as_string()
    }
}

#[cfg(any(feature = "client", feature = "server"))]
/// A payment given as a header value (string) or as the decoded object.
fn payment_from_js(value: &JsValue) -> Result<PaymentPayload, JsValue> {
    match value.as_string() {
        Some(header) => Ok(codec::decode_payment(&header)?),
        None => Ok(PaymentPayload::from_json(&json_text(value, "payment")?)?),
    }
}

#[cfg(any(feature = "client", feature = "server"))]
pub(crate) fn now_from_options(options: &JsValue) -> Result<u64, JsValue> {
    if !options.is_object() {
        return Ok(js_now());
    }
    let now = js_sys::Reflect::get(options, &"now".into())?;
    if now.is_undefined() {
        return Ok(js_now());
    }
    now.as_f64().and_then(safe_integer).ok_or_else(|| {
        js_error(Code::InvalidArgument, "options.now must be a non-negative integer (unix seconds)")
    })
}

/// A JS number that is a non-negative integer JavaScript holds exactly (at most 2^53 − 1).
pub(crate) fn safe_integer(n: f64) -> Option<u64> {
    (n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0)
        .then_some(n as u64)
}

#[cfg(any(feature = "client", feature = "server"))]
pub(crate) fn js_now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// The stable error codes, by name: `{InvalidArgument: "invalid_argument", …}`. The JS glue
/// throws and answers with these, never with a literal of its own.
#[wasm_bindgen(js_name = errorCodes)]
pub fn error_codes() -> Result<JsValue, JsValue> {
    let codes: serde_json::Map<String, serde_json::Value> =
        Code::ALL.iter().map(|code| (code.name().to_owned(), code.as_str().into())).collect();
    to_js(&codes)
}

#[cfg(any(feature = "client", feature = "server"))]
/// The v2 header names, for transports that carry x402 in other fields (MCP's `_meta`) and cross
/// the HTTP faces through synthetic messages: `{paymentRequired, paymentSignature, paymentResponse}`.
#[wasm_bindgen(js_name = headerNames)]
pub fn header_names() -> Result<JsValue, JsValue> {
    use crate::codec::header;
    let names: serde_json::Map<String, serde_json::Value> = [
        ("paymentRequired", header::PAYMENT_REQUIRED),
        ("paymentSignature", header::PAYMENT_SIGNATURE),
        ("paymentResponse", header::PAYMENT_RESPONSE),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into()))
    .collect();
    to_js(&names)
}

#[cfg(any(feature = "client", feature = "server"))]
/// The chain family (CAIP-2 namespace) that pays on `network`, or undefined.
#[wasm_bindgen(js_name = networkFamily)]
pub fn network_family(network: &str) -> Option<String> {
    family::serving(network).map(|f| f.namespace().to_owned())
}

#[cfg(any(feature = "client", feature = "server"))]
/// The chain families (CAIP-2 namespaces) this build leaves out: none in the full faces, Casper
/// and Solana in the EVM-only ones.
#[wasm_bindgen(js_name = familiesLeftOut)]
pub fn families_left_out() -> Vec<String> {
    family::left_out_families().map(str::to_owned).collect()
}

#[cfg(any(feature = "client", feature = "server"))]
/// The family of a signer that names none (an EIP-1193 wallet, a viem account): EVM.
#[wasm_bindgen(js_name = defaultFamily)]
pub fn default_family() -> String {
    family::default().namespace().to_owned()
}

#[cfg(feature = "server")]
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
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = verifyPayment)]
pub fn verify_payment(
    payment: JsValue,
    requirements: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let payload = payment_from_js(&payment)?;
    let requirements = PaymentRequirements::from_json(
        &json_text(&requirements, "requirements")?,
        payload.version(),
    )?;
    let now = now_from_options(&options)?;
    let verdict = crate::verify(&payload, &requirements, now);
    to_js(&VerifyResult {
        response: verdict.to_response(),
        deferred: verdict.deferred().iter().map(|d| d.as_str()).collect(),
    })
}

#[cfg(any(feature = "client", feature = "server"))]
/// The index in `offers` of the requirement a payment answers (the resource server's matching
/// rule), or -1.
#[wasm_bindgen(js_name = findMatchingRequirements)]
pub fn find_matching_requirements(offers: JsValue, payment: JsValue) -> Result<i32, JsValue> {
    let payload = payment_from_js(&payment)?;
    let parsed =
        PaymentRequirements::list_from_json(&json_text(&offers, "offers")?, payload.version())?;
    Ok(matching::find_match(&payload, &parsed).map_or(-1, |i| i as i32))
}

#[cfg(any(feature = "client", feature = "server"))]
/// Decodes a `PAYMENT-SIGNATURE` or `X-PAYMENT` header value into a PaymentPayload.
#[wasm_bindgen(js_name = decodePaymentSignatureHeader)]
pub fn decode_payment_signature_header(header: &str) -> Result<JsValue, JsValue> {
    to_js(&codec::decode_payment(header)?)
}

#[cfg(any(feature = "client", feature = "server"))]
/// Decodes a `PAYMENT-REQUIRED` header value into a PaymentRequired.
#[wasm_bindgen(js_name = decodePaymentRequiredHeader)]
pub fn decode_payment_required_header(header: &str) -> Result<JsValue, JsValue> {
    to_js(&codec::decode_required(header)?)
}

#[cfg(any(feature = "client", feature = "server"))]
/// Decodes a `PAYMENT-RESPONSE` or `X-PAYMENT-RESPONSE` header value into a SettleResponse.
#[wasm_bindgen(js_name = decodePaymentResponseHeader)]
pub fn decode_payment_response_header(header: &str) -> Result<JsValue, JsValue> {
    to_js(&codec::decode_settle(header)?)
}

#[cfg(any(feature = "client", feature = "server"))]
/// Encodes a PaymentPayload (validated) as a `PAYMENT-SIGNATURE` / `X-PAYMENT` header value.
#[wasm_bindgen(js_name = encodePaymentSignatureHeader)]
pub fn encode_payment_signature_header(payload: JsValue) -> Result<String, JsValue> {
    Ok(codec::encode(&PaymentPayload::from_json(&json_text(&payload, "payload")?)?))
}

#[cfg(any(feature = "client", feature = "server"))]
/// Encodes a PaymentRequired (validated) as a `PAYMENT-REQUIRED` header value.
#[wasm_bindgen(js_name = encodePaymentRequiredHeader)]
pub fn encode_payment_required_header(required: JsValue) -> Result<String, JsValue> {
    Ok(codec::encode(&PaymentRequired::from_json(&json_text(&required, "paymentRequired")?)?))
}

#[cfg(any(feature = "client", feature = "server"))]
/// Encodes a SettleResponse (validated) as a `PAYMENT-RESPONSE` header value.
#[wasm_bindgen(js_name = encodePaymentResponseHeader)]
pub fn encode_payment_response_header(response: JsValue) -> Result<String, JsValue> {
    let settle = SettleResponse::read(&json_text(&response, "settleResponse")?)?;
    Ok(codec::encode(&settle))
}

#[cfg(test)]
#[cfg(all(feature = "client", feature = "server"))]
mod tests {
    //! The JS boundary itself, run by wasm-bindgen-test in Node, Chromium and a dedicated worker.
    use super::client::{select_payment_requirements, JsPaymentDraft};
    use super::*;
    use crate::evm::wasm::PrivateKeySigner;
    use wasm_bindgen_test::wasm_bindgen_test;

    const KEY: &str = "0x5de4111afa1a4b94908f83536e5ce9d4da56a2ddecebf8e61ee6c96cb6f5b5ff";
    const NOW: f64 = 1_800_000_000.0;

    fn js(json: &str) -> JsValue {
        js_sys::JSON::parse(json).unwrap()
    }

    fn required(amount: &str) -> JsValue {
        js(&format!(
            r#"{{"x402Version":2,"resource":{{"url":"https://x.test/r"}},"accepts":[{{"scheme":"exact","network":"eip155:84532","amount":"{amount}","asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e","payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","maxTimeoutSeconds":300,"extra":{{"name":"USDC","version":"2"}}}}]}}"#
        ))
    }

    fn now() -> JsValue {
        let o = js_sys::Object::new();
        js_sys::Reflect::set(&o, &"now".into(), &NOW.into()).unwrap();
        o.into()
    }

    fn code(err: JsValue) -> String {
        js_sys::Reflect::get(&err, &"code".into()).unwrap().as_string().unwrap()
    }

    #[wasm_bindgen_test]
    fn draft_signer_and_verify_round_trip_across_the_boundary() {
        let signer = PrivateKeySigner::new(KEY, None).unwrap();
        let req = required("10000");
        let mut draft = JsPaymentDraft::new(req.clone(), 0, &signer.address(), now()).unwrap();
        assert_eq!(draft.valid_before().unwrap(), NOW + 300.0);
        let signature = signer.sign_typed_data(draft.typed_data().unwrap()).unwrap();
        let payload = draft.finish(&signature).unwrap();
        assert_eq!(
            code(draft.finish(&signature).unwrap_err()),
            "invalid_argument",
            "a draft finishes once"
        );
        let header = encode_payment_signature_header(payload).unwrap();
        let accepts = js_sys::Reflect::get(&req, &"accepts".into()).unwrap();
        let offer = js_sys::Reflect::get(&accepts, &0.into()).unwrap();
        let result = verify_payment(header.clone().into(), offer, now()).unwrap();
        assert_eq!(js_sys::Reflect::get(&result, &"isValid".into()).unwrap(), JsValue::TRUE);
        assert_eq!(
            js_sys::Reflect::get(&result, &"payer".into()).unwrap().as_string().unwrap(),
            signer.address()
        );
        assert_eq!(find_matching_requirements(accepts, header.into()).unwrap(), 0);
    }

    #[wasm_bindgen_test]
    fn selection_options_and_default_cap() {
        assert_eq!(
            select_payment_requirements(required("100000"), JsValue::UNDEFINED).unwrap(),
            vec![0]
        );
        assert_eq!(
            code(select_payment_requirements(required("100001"), JsValue::UNDEFINED).unwrap_err()),
            "amount_exceeds_max"
        );
        assert_eq!(
            select_payment_requirements(required("100001"), js(r#"{"maxUsd":false}"#)).unwrap(),
            vec![0]
        );
        assert_eq!(
            code(
                select_payment_requirements(
                    required("10"),
                    js(r#"{"maxAmount":"9","maxUsd":false}"#)
                )
                .unwrap_err()
            ),
            "amount_exceeds_max"
        );
        assert_eq!(
            code(
                select_payment_requirements(required("10"), js(r#"{"networks":["base"]}"#))
                    .unwrap_err()
            ),
            "no_acceptable_requirement"
        );
        assert_eq!(
            code(
                select_payment_requirements(required("10"), js(r#"{"maxUsd":"-1"}"#)).unwrap_err()
            ),
            "invalid_field"
        );
        assert_eq!(
            code(
                select_payment_requirements(required("10"), js(r#"{"maxAmont":"1"}"#)).unwrap_err()
            ),
            "invalid_json",
            "typos are not ignored"
        );
    }

    #[wasm_bindgen_test]
    fn bad_input_is_a_coded_error() {
        assert_eq!(
            code(PrivateKeySigner::new("0x1234", None).err().unwrap()),
            "invalid_private_key"
        );
        let signer = PrivateKeySigner::new(KEY, None).unwrap();
        assert_eq!(
            code(
                signer
                    .sign_typed_data(js(
                        r#"{"primaryType":"Mail","types":{},"domain":{},"message":{}}"#
                    ))
                    .unwrap_err()
            ),
            "unsupported_typed_data"
        );
        assert_eq!(
            code(JsPaymentDraft::new(required("1"), 0, "0xnot-an-address", now()).err().unwrap()),
            "invalid_field"
        );
        assert_eq!(
            code(verify_payment("%%%".into(), JsValue::NULL, JsValue::UNDEFINED).unwrap_err()),
            "invalid_base64"
        );
        let big = "A".repeat(codec::MAX_HEADER_BYTES + 4);
        assert_eq!(code(decode_payment_signature_header(&big).unwrap_err()), "header_too_large");
    }

    /// Floats are read by JS's parser and written as JS writes them: the engine is the truth.
    #[wasm_bindgen_test]
    fn numbers_read_and_write_as_json_parse_and_json_stringify_do() {
        use crate::json::{read, write, Repeats};
        let engine = |text: &str| {
            let value = js_sys::JSON::parse(text).unwrap();
            js_sys::JSON::stringify(&value).unwrap().as_string().unwrap()
        };
        for text in [
            "0",
            "-0",
            "7",
            "-7",
            "1.5",
            "0.1",
            "100.0",
            "1e21",
            "1E-7",
            "2.5e-9",
            "123456789.125",
            "0.30000000000000004",
            "0.1e1",
            "5e-324",
            "1e-400",
            "2.2250738585072014e-308",
            "1.7976931348623157e308",
            "18446744073709551616",
            "-9223372036854775809",
            "[1.25,{\"a\":-3.5e100}]",
        ] {
            let value = read(text, Repeats::Refused).unwrap();
            assert_eq!(write(&value), engine(text), "{text}");
            assert_eq!(crate::json::to_string(&value).unwrap(), engine(text), "{text}: serialized");
        }
        for text in ["1e400", "-1.8e308", "1.7976931348623159e308"] {
            assert!(read(text, Repeats::Refused).is_err(), "{text}");
            assert_eq!(engine(text), "null", "{text}: Infinity to JS");
        }
    }
}
