//! JavaScript bindings (wasm32 only). Every export takes plain JS values, returns plain JS values,
//! and reports failure as a thrown `Error` whose `code` is [`crate::Error::code`].
//!
//! Objects cross the boundary as JSON text (`JSON.stringify` on the way in), so one strict reader
//! serves headers and objects alike and a `BigInt` or a cycle is a clean `invalid_json` error.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::client::{self, Payer, PaymentDraft, Policy};
use crate::error::Error;
use crate::evm::signature::{decode_signature, parse_address, PrivateKey};
use crate::network::Family;
use crate::wire::{PaymentPayload, PaymentRequired, PaymentRequirements, SettleResponse, Version};
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

/// Objects go out as JSON text parsed by the engine: integers past 2^53 (legal in a payload's
/// extensions) lose precision as in any JSON consumer, instead of failing the call.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| js_error("internal", &e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| js_error("internal", "output is not JSON"))
}

/// JSON text of a JS value; strings are taken as JSON text already when `string_is_json`.
fn json_text(value: &JsValue, what: &'static str) -> Result<String, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Err(js_error("invalid_argument", &format!("{what} is required")));
    }
    let text = js_sys::JSON::stringify(value)
        .map_err(|_| js_error("invalid_json", &format!("{what} cannot be serialized to JSON")))?;
    text.as_string()
        .ok_or_else(|| js_error("invalid_json", &format!("{what} is not JSON-serializable")))
}

/// A payment given as a header value (string) or as the decoded object.
fn payment_from_js(value: &JsValue) -> Result<PaymentPayload, JsValue> {
    match value.as_string() {
        Some(header) => Ok(codec::decode_payment(&header)?),
        None => Ok(PaymentPayload::from_json(&json_text(value, "payment")?)?),
    }
}

/// A typed data object given to a signer, as JSON.
fn typed_data_from_js(typed_data: &JsValue) -> Result<serde_json::Value, JsValue> {
    let text = json_text(typed_data, "typedData")?;
    Ok(serde_json::from_str(&text).map_err(|e| Error::json("typed data", e))?)
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
        Some(n)
            if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 =>
        {
            Ok(n as u64)
        }
        _ => Err(js_error(
            "invalid_argument",
            "options.now must be a non-negative integer (unix seconds)",
        )),
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
        deferred: verdict.deferred.iter().map(|d| d.as_str()).collect(),
    })
}

/// The index in `offers` of the requirement a payment answers (the resource server's matching
/// rule), or -1.
#[wasm_bindgen(js_name = findMatchingRequirements)]
pub fn find_matching_requirements(offers: JsValue, payment: JsValue) -> Result<i32, JsValue> {
    let payload = payment_from_js(&payment)?;
    let offers_json = json_text(&offers, "offers")?;
    let bad = |e| Error::json("PaymentRequirements[]", e);
    let parsed: Vec<PaymentRequirements> = match payload.version() {
        Version::V1 => {
            serde_json::from_str::<Vec<crate::wire::v1::PaymentRequirements>>(&offers_json)
                .map_err(bad)?
                .into_iter()
                .map(PaymentRequirements::V1)
                .collect()
        }
        Version::V2 => {
            serde_json::from_str::<Vec<crate::wire::v2::PaymentRequirements>>(&offers_json)
                .map_err(bad)?
                .into_iter()
                .map(PaymentRequirements::V2)
                .collect()
        }
    };
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
    let settle: SettleResponse =
        serde_json::from_str(&text).map_err(|e| Error::json("SettleResponse", e))?;
    Ok(codec::encode(&settle))
}

/// Reads a facilitator's `/settle` answer (strictly: see `SettleResponse::from_json`) into
/// `{settlement, header}`: the normalized SettleResponse and its `PAYMENT-RESPONSE` value.
#[wasm_bindgen(js_name = readSettleResponse)]
pub fn read_settle_response(response: JsValue) -> Result<JsValue, JsValue> {
    let settlement = SettleResponse::from_json(&json_text(&response, "settleResponse")?)?;
    #[derive(Serialize)]
    struct Receipt<'a> {
        settlement: &'a SettleResponse,
        header: String,
    }
    to_js(&Receipt { header: codec::encode(&settlement), settlement: &settlement })
}

fn policy_from_js(options: &JsValue) -> Result<Policy, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(Policy::default());
    }
    Ok(Policy::from_json(&json_text(options, "options")?)?)
}

/// Checks client options as `selectPaymentRequirements` reads them; throws what it would throw.
#[wasm_bindgen(js_name = checkPaymentOptions)]
pub fn check_payment_options(options: JsValue) -> Result<(), JsValue> {
    policy_from_js(&options).map(|_| ())
}

/// The indices of `accepts` this client may pay, in the server's order. Throws
/// `no_acceptable_requirement`, or `amount_exceeds_max` when only the cap refused.
#[wasm_bindgen(js_name = selectPaymentRequirements)]
pub fn select_payment_requirements(
    required: JsValue,
    options: JsValue,
) -> Result<Vec<u32>, JsValue> {
    let required = PaymentRequired::from_json(&json_text(&required, "paymentRequired")?)?;
    let policy = policy_from_js(&options)?;
    Ok(client::acceptable(&required, &policy)?.into_iter().map(|i| i as u32).collect())
}

/// A payment built but not signed: give `typedData()` to a wallet, then `finish(signature)`.
#[wasm_bindgen(js_name = PaymentDraft)]
pub struct JsPaymentDraft {
    draft: Option<PaymentDraft>,
}

#[wasm_bindgen(js_class = PaymentDraft)]
impl JsPaymentDraft {
    /// Builds the authorization for `accepts[index]` paid by `from`: an EVM address, or on Casper
    /// the payer's public key (tagged hex). `options.now` pins the clock. A fresh nonce is drawn,
    /// and a payment id is added when the server declares the `payment-identifier` extension.
    #[wasm_bindgen(constructor)]
    pub fn new(
        required: JsValue,
        index: u32,
        from: &str,
        options: JsValue,
    ) -> Result<JsPaymentDraft, JsValue> {
        let required = PaymentRequired::from_json(&json_text(&required, "paymentRequired")?)?;
        let from = payer_from(from)?;
        let now = now_from_options(&options)?;
        let mut draft =
            PaymentDraft::new(&required, index as usize, from, now, client::random_nonce()?)?;
        draft.set_payment_id(&client::payment_id()?)?;
        Ok(JsPaymentDraft { draft: Some(draft) })
    }

    fn get(&self) -> Result<&PaymentDraft, JsValue> {
        self.draft
            .as_ref()
            .ok_or_else(|| js_error("invalid_argument", "this payment draft was already finished"))
    }

    /// The `eth_signTypedData_v4` object (uint256 values as decimal strings).
    #[wasm_bindgen(js_name = typedData)]
    pub fn typed_data(&self) -> Result<JsValue, JsValue> {
        to_js(&self.get()?.typed_data())
    }

    /// Unix seconds until which the signed payment is valid.
    #[wasm_bindgen(getter, js_name = validBefore)]
    pub fn valid_before(&self) -> Result<f64, JsValue> {
        Ok(u64::try_from(self.get()?.valid_before()).unwrap_or(u64::MAX) as f64)
    }

    /// The PaymentPayload, once `signature` (65-byte hex) is checked to be the payer's.
    pub fn finish(&mut self, signature: &str) -> Result<JsValue, JsValue> {
        let sig = match self.get()?.payer().family() {
            Family::Evm => decode_signature(signature).map_err(|e| Error::field("signature", e))?,
            #[cfg(feature = "casper")]
            Family::Casper => crate::casper::keys::decode_signature(signature)
                .map_err(|e| Error::field("signature", e))?,
        };
        let draft = self.draft.take().ok_or_else(|| {
            js_error("invalid_argument", "this payment draft was already finished")
        })?;
        to_js(&draft.finish_checked(&sig)?)
    }
}

/// A secp256k1 key held in wasm memory. It signs x402 payment typed data only; it is never
/// returned to JavaScript and is zeroized when freed.
#[wasm_bindgen]
pub struct PrivateKeySigner {
    key: PrivateKey,
    scope: crate::evm::eip712::SigningScope,
}

#[wasm_bindgen]
impl PrivateKeySigner {
    /// Reads a 32-byte hex key (with or without `0x`); `allow_upto` lets it sign Permit2 `upto`
    /// permits too (off by default).
    #[wasm_bindgen(constructor)]
    pub fn new(hex_key: &str, allow_upto: Option<bool>) -> Result<PrivateKeySigner, JsValue> {
        let scope = crate::evm::eip712::SigningScope { upto: allow_upto.unwrap_or(false) };
        Ok(PrivateKeySigner { key: PrivateKey::from_hex(hex_key)?, scope })
    }

    /// The checksummed address.
    #[wasm_bindgen(getter)]
    pub fn address(&self) -> String {
        self.key.address().to_checksum(None)
    }

    /// Signs an `eth_signTypedData_v4` object of an x402 payment type; returns 65-byte hex.
    #[wasm_bindgen(js_name = signTypedData)]
    pub fn sign_typed_data(&self, typed_data: JsValue) -> Result<String, JsValue> {
        let digest =
            crate::evm::eip712::typed_data_digest(&typed_data_from_js(&typed_data)?, self.scope)?;
        Ok(alloy_primitives::hex::encode_prefixed(self.key.sign_digest(&digest)))
    }
}

/// The payer of a draft: a `0x` EVM address (checksum enforced when mixed-case), else a Casper
/// public key.
fn payer_from(from: &str) -> Result<Payer, Error> {
    if from.starts_with("0x") {
        return parse_address(from)
            .map(Payer::Evm)
            .ok_or_else(|| Error::field("from", "not an EVM address with a valid checksum"));
    }
    #[cfg(feature = "casper")]
    if let Ok(key) = crate::casper::keys::PublicKey::from_hex(from) {
        return Ok(Payer::Casper(key));
    }
    Err(Error::field("from", "neither an EVM address nor a Casper public key"))
}

/// A Casper secret key (ed25519 or secp256k1) held in wasm memory. It signs Casper x402
/// payment typed data only; it is never returned to JavaScript and is zeroized when freed.
#[cfg(feature = "casper")]
#[wasm_bindgen]
pub struct CasperPrivateKeySigner {
    key: crate::casper::keys::SecretKey,
}

#[cfg(feature = "casper")]
#[wasm_bindgen]
impl CasperPrivateKeySigner {
    /// Reads a 32-byte hex secret (with or without `0x`) of `algorithm`: `ed25519` or `secp256k1`.
    #[wasm_bindgen(constructor)]
    pub fn new(hex_key: &str, algorithm: &str) -> Result<CasperPrivateKeySigner, JsValue> {
        use crate::casper::keys::{Algorithm, SecretKey};
        let algorithm = Algorithm::from_name(algorithm).ok_or_else(|| {
            Error::Key(format!("unknown Casper key algorithm `{algorithm}` (ed25519 or secp256k1)"))
        })?;
        Ok(CasperPrivateKeySigner { key: SecretKey::from_hex(algorithm, hex_key)? })
    }

    /// The tagged public key, hex.
    #[wasm_bindgen(getter, js_name = publicKey)]
    pub fn public_key(&self) -> String {
        self.key.public_key().to_hex()
    }

    /// The account as payments name it: `00` + the account hash.
    #[wasm_bindgen(getter)]
    pub fn address(&self) -> String {
        self.key.public_key().account()
    }

    /// Signs a Casper `TransferWithAuthorization` typed data object; returns the tagged 65-byte
    /// signature as hex without `0x`.
    #[wasm_bindgen(js_name = signTypedData)]
    pub fn sign_typed_data(&self, typed_data: JsValue) -> Result<String, JsValue> {
        let digest = crate::casper::eip712::typed_data_digest(&typed_data_from_js(&typed_data)?)?;
        Ok(alloy_primitives::hex::encode(self.key.sign(digest.as_slice())))
    }
}

/// A route table and the decisions for requests to it (the Worker middleware's core).
#[wasm_bindgen]
pub struct PaymentGate {
    routes: crate::server::Routes,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum JsDecision<'a> {
    Unpaid,
    NoMatch {
        error: &'static str,
    },
    Invalid {
        reason: &'static str,
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        payer: Option<&'a str>,
    },
    #[serde(rename_all = "camelCase")]
    Verified {
        x402_version: u8,
        /// The CAIP-2 network (v1 names translated), for choosing the facilitator.
        network: &'a str,
        payer: &'a str,
        nonce_key: &'a str,
        valid_before: u64,
        replay_reason: &'static str,
        payment_payload: &'a PaymentPayload,
        payment_requirements: &'a PaymentRequirements,
        deferred: &'a [&'static str],
    },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsTerms {
    /// The `PAYMENT-REQUIRED` header value (v2).
    header: String,
    /// The v2 PaymentRequired.
    payment_required: crate::wire::v2::PaymentRequired,
    /// The v1 body, for v1 clients (accepts only the requirements v1 can name).
    v1_body: crate::wire::v1::PaymentRequired,
}

#[wasm_bindgen]
impl PaymentGate {
    /// Reads the route table (`{"GET /path": {accepts, description?, mimeType?}}`); prices are
    /// converted now, so a bad table throws here and not on a request.
    #[wasm_bindgen(constructor)]
    pub fn new(routes: JsValue) -> Result<PaymentGate, JsValue> {
        Ok(PaymentGate {
            routes: crate::server::Routes::from_json(&json_text(&routes, "routes")?)?,
        })
    }

    /// The route protecting `method` on `paths` (the views of one request's path, the framework's
    /// own first, then the URL's; with `mount`, the pattern a sub-app is mounted at, each also
    /// without that prefix), as `Routes::route` decides it: its index; -1 when none does; -2 when
    /// none does but a view was a guess (a malformed or non-UTF-8 escape, a dot segment): refuse
    /// such a request, do not serve it.
    pub fn route(&self, method: &str, paths: Vec<String>, mount: Option<String>) -> i32 {
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        match self.routes.route(method, &paths, mount.as_deref()) {
            crate::server::RouteMatch::Paid(i) => i as i32,
            crate::server::RouteMatch::Free => -1,
            crate::server::RouteMatch::Unclear => -2,
        }
    }

    fn get(&self, route: u32) -> Result<&crate::server::Route, JsValue> {
        self.routes.get(route as usize).ok_or_else(|| js_error("invalid_argument", "no such route"))
    }

    /// The 402 terms of `route` for `url`, with `error` as the reason.
    #[wasm_bindgen(js_name = paymentRequired)]
    pub fn payment_required(&self, route: u32, url: &str, error: &str) -> Result<JsValue, JsValue> {
        let route = self.get(route)?;
        let payment_required = route.payment_required(url, error);
        let v1_error = if error == crate::server::PAYMENT_REQUIRED {
            "X-PAYMENT header is required"
        } else {
            error
        };
        to_js(&JsTerms {
            header: codec::encode(&payment_required),
            payment_required,
            v1_body: route.payment_required_v1(url, v1_error),
        })
    }

    /// What to do with a request to `route` carrying these payment headers (null when absent):
    /// `{kind: "unpaid" | "no_match" | "invalid" | "verified", …}`.
    pub fn evaluate(
        &self,
        route: u32,
        url: &str,
        payment_signature: Option<String>,
        x_payment: Option<String>,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        use crate::server::Decision;
        let now = if now.is_finite() && now >= 0.0 {
            now as u64
        } else {
            return Err(js_error("invalid_argument", "now must be unix seconds"));
        };
        let decision =
            self.get(route)?.evaluate(url, payment_signature.as_deref(), x_payment.as_deref(), now);
        match &decision {
            Decision::Unpaid => to_js(&JsDecision::Unpaid),
            Decision::NoMatch => to_js(&JsDecision::NoMatch { error: crate::server::NO_MATCH }),
            Decision::Invalid { reason, message, payer } => to_js(&JsDecision::Invalid {
                reason: reason.as_str(),
                message,
                payer: payer.as_deref(),
            }),
            Decision::Verified(v) => to_js(&JsDecision::Verified {
                x402_version: v.payload.version() as u8,
                network: &crate::network::to_caip2(v.requirements.terms().network),
                payer: &v.payer,
                nonce_key: &v.nonce_key,
                valid_before: v.valid_before,
                replay_reason: v.replay_reason.as_str(),
                payment_payload: &v.payload,
                payment_requirements: &v.requirements,
                deferred: &v.deferred,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    //! The JS boundary itself, run by wasm-bindgen-test in Node, Chromium and a dedicated worker.
    use super::*;
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
        let big = "A".repeat(crate::codec::MAX_HEADER_BYTES + 4);
        assert_eq!(code(decode_payment_signature_header(&big).unwrap_err()), "header_too_large");
    }
}
