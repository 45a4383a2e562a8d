//! The client face's bindings: options, selection, drafts, and what the fetch wrapper reads and
//! writes on the wire.

use wasm_bindgen::prelude::*;

use super::{js_error, json_text, now_from_options, to_js, JsHeaders};
use crate::client::{self, Payer, PaymentDraft, Policy};
use crate::error::Code;
use crate::family;
use crate::wire::{PaymentPayload, PaymentRequired};

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

/// Whether a 402's body is to be read for its terms (no `PAYMENT-REQUIRED` header, or v1 preferred).
#[wasm_bindgen(js_name = wantsBody)]
pub fn wants_body(headers: js_sys::Function, prefer_v1: bool) -> bool {
    client::wants_body(&JsHeaders::new(headers), prefer_v1)
}

/// The terms of a 402 with `status`: its `PAYMENT-REQUIRED` header (read through `headers`,
/// `name => value | null`), else its `body` text as a v1 body; `prefer_v1` reverses that.
#[wasm_bindgen(js_name = readPaymentRequired)]
pub fn read_payment_required(
    headers: js_sys::Function,
    body: Option<String>,
    prefer_v1: bool,
    status: u16,
) -> Result<JsValue, JsValue> {
    let headers = JsHeaders::new(headers);
    to_js(&client::read_payment_required(&headers, body.as_deref(), prefer_v1, status)?)
}

/// Whether a request (its headers' getter) already carries a payment.
#[wasm_bindgen(js_name = carriesPayment)]
pub fn carries_payment(headers: js_sys::Function) -> bool {
    client::carries_payment(&JsHeaders::new(headers))
}

/// `[name, value]`: the header a payment is sent in, and its value.
#[wasm_bindgen(js_name = paymentHeader)]
pub fn payment_header(payload: JsValue) -> Result<Vec<String>, JsValue> {
    let payload = PaymentPayload::from_json(&json_text(&payload, "payload")?)?;
    let (name, value) = client::payment_header(&payload);
    Ok(vec![name.to_owned(), value])
}

/// The receipt of a paid response (`PAYMENT-RESPONSE`, else `X-PAYMENT-RESPONSE`), or null.
#[wasm_bindgen(js_name = readPaymentResponse)]
pub fn read_payment_response(headers: js_sys::Function) -> Result<JsValue, JsValue> {
    match client::read_receipt(&JsHeaders::new(headers))? {
        Some(receipt) => to_js(&receipt),
        None => Ok(JsValue::NULL),
    }
}

/// The paywall page's sentence for a refused paid request (its headers' getter): why, in words,
/// with the reason code; null when the answer names no reason.
#[wasm_bindgen(js_name = paywallMessage)]
pub fn paywall_message(headers: js_sys::Function) -> Option<String> {
    client::refusal_reason(&JsHeaders::new(headers)).map(|r| crate::server::failure_message(&r))
}

/// Whether a paid request's answer (`status`, its headers' getter) leaves the outcome open, so
/// that the same payment is sent again rather than a new one signed.
#[wasm_bindgen(js_name = outcomeOpen)]
pub fn outcome_open(status: u16, headers: js_sys::Function) -> bool {
    client::outcome_open(status, &JsHeaders::new(headers))
}

/// The JSON-RPC calls to make before drafting `accepts[index]` for `from` (`[{url, body}]`,
/// `url` a public endpoint or null): on Solana a blockhash and an unknown mint; none elsewhere.
#[wasm_bindgen(js_name = draftQueries)]
pub fn draft_queries(required: JsValue, index: u32, from: &str) -> Result<JsValue, JsValue> {
    let required = PaymentRequired::from_json(&json_text(&required, "paymentRequired")?)?;
    to_js(&client::queries(&required, index as usize, &Payer::parse(from)?))
}

/// `options.chain`: the JSON-RPC answers, an array (none when absent).
fn chain_from_options(options: &JsValue) -> Result<Vec<serde_json::Value>, JsValue> {
    if !options.is_object() {
        return Ok(Vec::new());
    }
    let chain = js_sys::Reflect::get(options, &"chain".into())?;
    if chain.is_undefined() || chain.is_null() {
        return Ok(Vec::new());
    }
    const WHAT: &str = "options.chain";
    let value = crate::fields::parse_lenient(WHAT, &json_text(&chain, WHAT)?)?;
    Ok(crate::fields::list(WHAT, value)?)
}

/// A payment built but not signed: give `toSign()` to the signer's `method`, then
/// `finish(signature)`.
#[wasm_bindgen(js_name = PaymentDraft)]
pub struct JsPaymentDraft {
    draft: Option<PaymentDraft>,
}

#[wasm_bindgen(js_class = PaymentDraft)]
impl JsPaymentDraft {
    /// Builds the authorization for `accepts[index]` paid by `from`: an EVM address, on Casper
    /// the payer's public key (tagged hex), on Solana its address. `options.now` pins the clock;
    /// `options.chain` holds the JSON-RPC answers to `draftQueries` (Solana). A fresh nonce is
    /// drawn, and a payment id is added when the server declares the `payment-identifier` extension.
    #[wasm_bindgen(constructor)]
    pub fn new(
        required: JsValue,
        index: u32,
        from: &str,
        options: JsValue,
    ) -> Result<JsPaymentDraft, JsValue> {
        let required = PaymentRequired::from_json(&json_text(&required, "paymentRequired")?)?;
        let from = Payer::parse(from)?;
        let now = now_from_options(&options)?;
        let chain = chain_from_options(&options)?;
        let nonce = client::random_nonce()?;
        let mut draft =
            PaymentDraft::with_chain(&required, index as usize, from, now, nonce, &chain)?;
        draft.set_payment_id(&client::payment_id()?)?;
        Ok(JsPaymentDraft { draft: Some(draft) })
    }

    fn get(&self) -> Result<&PaymentDraft, JsValue> {
        self.draft.as_ref().ok_or_else(|| {
            js_error(Code::InvalidArgument, "this payment draft was already finished")
        })
    }

    /// The typed data object for the wallet (`eth_signTypedData_v4` on EVM; uint256 values as
    /// decimal strings).
    #[wasm_bindgen(js_name = typedData)]
    pub fn typed_data(&self) -> Result<JsValue, JsValue> {
        to_js(&self.get()?.typed_data())
    }

    /// The signer method that signs it: `signTypedData`, or on Solana `signTransaction`.
    #[wasm_bindgen(getter)]
    pub fn method(&self) -> Result<String, JsValue> {
        Ok(self.get()?.method().to_owned())
    }

    /// What `method` is given: the typed data, or on Solana the unsigned transaction (base64).
    #[wasm_bindgen(js_name = toSign)]
    pub fn to_sign(&self) -> Result<JsValue, JsValue> {
        to_js(&self.get()?.to_sign())
    }

    /// Unix seconds until which the signed payment is valid.
    #[wasm_bindgen(getter, js_name = validBefore)]
    pub fn valid_before(&self) -> Result<f64, JsValue> {
        Ok(u64::try_from(self.get()?.valid_before()).unwrap_or(u64::MAX) as f64)
    }

    /// Unix seconds until which the signed payment may be sent again (a facilitator refuses one
    /// about to expire).
    #[wasm_bindgen(getter, js_name = reusableUntil)]
    pub fn reusable_until(&self) -> Result<f64, JsValue> {
        Ok(u64::try_from(self.get()?.reusable_until()).unwrap_or(u64::MAX) as f64)
    }

    /// The PaymentPayload, once `signature` (as the payer's wallet gives it) is checked to be
    /// the payer's.
    pub fn finish(&mut self, signature: &str) -> Result<JsValue, JsValue> {
        let sig = family::drafter(self.get()?.payer().family())?.decode_signature(signature)?;
        let draft = self.draft.take().ok_or_else(|| {
            js_error(Code::InvalidArgument, "this payment draft was already finished")
        })?;
        to_js(&draft.finish_checked(&sig)?)
    }
}
