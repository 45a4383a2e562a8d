//! The server face's bindings: `PaymentGate`, the middleware's core. Each method returns what the
//! glue does next, down to the response to send.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{js_error, json_text, to_js, JsHeaders};
use crate::error::{Code, Error};
use crate::server::{self, Gate, Plan, Receipt, Step};
use crate::wire::{PaymentPayload, PaymentRequirements, Version};

/// A route table and the decisions for requests to it.
#[wasm_bindgen]
pub struct PaymentGate {
    gate: Gate,
}

/// What `decide` answers for a payment to carry through, `{kind: "pay", …}` (the other two
/// steps are built directly).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsPay<'a> {
    kind: &'static str,
    route: usize,
    facilitator: usize,
    x402_version: u8,
    payer: &'a str,
    nonce_key: &'a str,
    shard: &'a str,
    expires_at: u64,
    replay_reason: &'static str,
    verify_remotely: bool,
    contract_signature: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    client: Option<&'a str>,
    /// A metered payment's bounds (`upto`), for [`charge_for`] once the handler has run.
    #[serde(skip_serializing_if = "Option::is_none")]
    meter: Option<&'a server::Meter>,
    /// The body of the facilitator's `/verify` and `/settle`.
    request: FacilitatorRequest<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FacilitatorRequest<'a> {
    x402_version: u8,
    payment_payload: &'a PaymentPayload,
    payment_requirements: &'a PaymentRequirements,
}

fn version(v: u8) -> Result<Version, JsValue> {
    Ok(Version::try_from(u64::from(v))?)
}

fn receipt(x402_version: u8, header: String) -> Result<Receipt, JsValue> {
    Ok(Receipt { version: version(x402_version)?, header })
}

fn fault_code(code: &str) -> Result<Code, JsValue> {
    [Code::FacilitatorTimeout, Code::FacilitatorUnavailable, Code::FacilitatorInvalidResponse]
        .into_iter()
        .find(|c| c.as_str() == code)
        .ok_or_else(|| {
            js_error(Code::InvalidArgument, &format!("`{code}` is not a facilitator fault"))
        })
}

#[wasm_bindgen]
impl PaymentGate {
    /// Reads the route table (`{"GET /path": {accepts, description?, mimeType?}}`) and the
    /// options `{verify?, facilitatorNetworks?}`; prices are converted now, so a bad table throws
    /// here and not on a request.
    #[wasm_bindgen(constructor)]
    pub fn new(routes: JsValue, options: JsValue) -> Result<PaymentGate, JsValue> {
        let options = if options.is_undefined() || options.is_null() {
            None
        } else {
            Some(json_text(&options, "options")?)
        };
        Ok(PaymentGate { gate: Gate::new(&json_text(&routes, "routes")?, options.as_deref())? })
    }

    /// The facilitators whose `GET /supported` some offer waits for (a Solana offer's fee payer).
    pub fn awaiting(&self) -> Vec<u32> {
        self.gate.awaiting().into_iter().map(|i| i as u32).collect()
    }

    /// Completes the offers facilitator `index` serves from its `/supported` answer; returns how
    /// many are now offered.
    pub fn learn(&mut self, index: u32, supported: JsValue) -> Result<u32, JsValue> {
        let text = json_text(&supported, "supported")?;
        Ok(self.gate.learn(index as usize, &text)? as u32)
    }

    /// The body of facilitator `index`'s `POST /accepts` (faremeter): the offers it serves.
    #[wasm_bindgen(js_name = acceptsRequest)]
    pub fn accepts_request(&self, index: u32) -> Result<JsValue, JsValue> {
        to_js(&self.gate.accepts_request(index as usize))
    }

    /// Enriches the offers facilitator `index` serves from its `/accepts` answer (missing `extra`
    /// keys, a fresh blockhash hint; never what is paid or to whom); returns how many changed.
    pub fn enrich(&mut self, index: u32, answer: JsValue) -> Result<u32, JsValue> {
        let text = json_text(&answer, "accepts")?;
        Ok(self.gate.enrich(index as usize, &text)? as u32)
    }

    /// Drops the blockhash hints of the offers facilitator `index` serves; returns how many had one.
    #[wasm_bindgen(js_name = forgetHints)]
    pub fn forget_hints(&mut self, index: u32) -> u32 {
        self.gate.forget_hints(index as usize) as u32
    }

    /// Decides a request: `{kind: "free"}` (serve it), `{kind: "respond", response}` (send that),
    /// or `{kind: "pay", …}` (a verified payment to carry through). `paths` are the views of its
    /// path (the framework's own first, then the URL's), `mount` the pattern of the sub-app the
    /// middleware runs in, `headers` the request's getter.
    pub fn decide(
        &self,
        method: &str,
        paths: Vec<String>,
        mount: Option<String>,
        url: &str,
        headers: js_sys::Function,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        if !(now.is_finite() && now >= 0.0) {
            return Err(js_error(Code::InvalidArgument, "now must be unix seconds"));
        }
        let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
        let step = self.gate.decide(
            method,
            &paths,
            mount.as_deref(),
            url,
            &JsHeaders::new(headers),
            now as u64,
        );
        match &step {
            Step::Free => object(&[("kind", "free".into())]),
            Step::Respond(plan) => {
                object(&[("kind", "respond".into()), ("response", plan_js(plan)?)])
            }
            Step::Pay(p) => {
                let v = &p.verified;
                to_js(&JsPay {
                    kind: "pay",
                    route: p.route,
                    facilitator: p.facilitator,
                    x402_version: v.payload.version() as u8,
                    payer: &v.payer,
                    nonce_key: &v.nonce_key,
                    shard: &v.shard,
                    expires_at: p.expires_at,
                    replay_reason: v.replay_reason.as_str(),
                    verify_remotely: p.verify_remotely,
                    contract_signature: p.contract_signature,
                    client: p.client.as_deref(),
                    meter: v.meter.as_ref(),
                    request: FacilitatorRequest {
                        x402_version: v.payload.version() as u8,
                        payment_payload: &v.payload,
                        payment_requirements: &v.requirements,
                    },
                })
            }
        }
    }

    /// The refusal of a request to `route` at `url` (headers: the request's getter) for `reason`.
    pub fn refuse(
        &self,
        route: u32,
        url: &str,
        headers: js_sys::Function,
        reason: &str,
    ) -> Result<JsValue, JsValue> {
        plan_js(&self.gate.route(route as usize)?.refusal(
            url,
            reason,
            &JsHeaders::new(headers),
            None,
        ))
    }

    /// The refusal of a payment the facilitator's `/verify` found invalid (`verify`: its answer).
    #[wasm_bindgen(js_name = verifyRefused)]
    pub fn verify_refused(
        &self,
        route: u32,
        url: &str,
        headers: js_sys::Function,
        verify: JsValue,
    ) -> Result<JsValue, JsValue> {
        let answer = server::read_verify(&json_text(&verify, "verify response")?)?;
        let reason = answer.invalid_reason.as_deref().unwrap_or(server::VERIFY_FALLBACK_REASON);
        plan_js(&self.gate.route(route as usize)?.refusal(
            url,
            reason,
            &JsHeaders::new(headers),
            None,
        ))
    }

    /// The refusal of a payment whose settlement failed, with its receipt (`settlement`: what
    /// `readSettleResponse` gave).
    #[wasm_bindgen(js_name = settleRefused)]
    pub fn settle_refused(
        &self,
        route: u32,
        url: &str,
        headers: js_sys::Function,
        x402_version: u8,
        reason: Option<String>,
        receipt_header: String,
    ) -> Result<JsValue, JsValue> {
        let reason = reason.as_deref().unwrap_or(server::SETTLE_FALLBACK_REASON);
        let receipt = receipt(x402_version, receipt_header)?;
        plan_js(&self.gate.route(route as usize)?.refusal(
            url,
            reason,
            &JsHeaders::new(headers),
            Some(&receipt),
        ))
    }
}

/// A JS object of `fields`.
fn object(fields: &[(&str, JsValue)]) -> Result<JsValue, JsValue> {
    let o = js_sys::Object::new();
    for (k, v) in fields {
        js_sys::Reflect::set(&o, &(*k).into(), v)?;
    }
    Ok(o.into())
}

/// Header pairs as `[[name, value], …]`, which `new Headers()` takes.
fn pairs_js(pairs: &[(&'static str, String)]) -> JsValue {
    pairs
        .iter()
        .map(|(k, v)| js_sys::Array::of2(&(*k).into(), &v.into()))
        .collect::<js_sys::Array>()
        .into()
}

/// A plan as `{status, headers, body, paywall?, offers?, log?}`, built directly (its body is text
/// already); `offers` are the paywall's offers in words.
fn plan_js(plan: &Plan) -> Result<JsValue, JsValue> {
    let o = object(&[
        ("status", plan.status.into()),
        ("headers", pairs_js(&plan.headers)),
        ("body", plan.body.as_str().into()),
    ])?;
    if let Some(terms) = &plan.paywall {
        js_sys::Reflect::set(&o, &"paywall".into(), &to_js(terms)?)?;
        js_sys::Reflect::set(&o, &"offers".into(), &to_js(&server::describe_offers(terms))?)?;
    }
    if let Some(log) = &plan.log {
        js_sys::Reflect::set(&o, &"log".into(), &log.as_str().into())?;
    }
    Ok(o)
}

/// Reads a facilitator's `/verify` answer strictly; throws `facilitator_invalid_response`.
#[wasm_bindgen(js_name = readVerifyResponse)]
pub fn read_verify_response(answer: JsValue) -> Result<JsValue, JsValue> {
    let text = json_text(&answer, "verify response")?;
    let verify = server::read_verify(&text).map_err(|e| invalid_response("verify", &e))?;
    to_js(&verify)
}

/// Reads a facilitator's `/settle` answer with HTTP `status` into `{settlement, header,
/// outcome}` (`outcome`: "settled", "pending" or "refused"); throws `facilitator_invalid_response`.
#[wasm_bindgen(js_name = readSettleResponse)]
pub fn read_settle_response(answer: JsValue, status: Option<u16>) -> Result<JsValue, JsValue> {
    let text = json_text(&answer, "settle response")?;
    let settlement = server::read_settle(&text, status.unwrap_or(200))
        .map_err(|e| invalid_response("settle", &e))?;
    to_js(&settlement)
}

fn invalid_response(kind: &str, e: &Error) -> JsValue {
    js_error(
        Code::FacilitatorInvalidResponse,
        &format!("facilitator /{kind} answered with an unexpected body: {e}"),
    )
}

/// What a metered payment is charged (`meter`: the pay step's `{maximum, minimum, decimals?}`;
/// `declared`: the handler's `Settlement-Overrides` value, if any): `{amount, note?}`, the amount in
/// atomic units, held between the route's minimum and the signed maximum; `note` says why it
/// differs from the declaration. An amount that cannot be read throws `invalid_argument`: nothing
/// is to be settled.
#[wasm_bindgen(js_name = chargeFor)]
pub fn charge_for(
    maximum: &str,
    minimum: &str,
    decimals: Option<u8>,
    declared: Option<String>,
) -> Result<JsValue, JsValue> {
    let bound = |name: &str, s: &str| {
        crate::wire::decimal::parse(s)
            .map_err(|e| js_error(Code::InvalidArgument, &format!("meter {name}: {e}")))
    };
    let meter = server::Meter {
        maximum: bound("maximum", maximum)?,
        minimum: bound("minimum", minimum)?,
        decimals,
    };
    let charge =
        meter.charge(declared.as_deref()).map_err(|e| js_error(Code::InvalidArgument, &e))?;
    let amount = charge.amount.to_string();
    match &charge.note {
        Some(note) => object(&[("amount", amount.into()), ("note", note.as_str().into())]),
        None => object(&[("amount", amount.into())]),
    }
}

/// The response header a handler declares a metered payment's usage in (`Settlement-Overrides`).
#[wasm_bindgen(js_name = settlementOverridesHeader)]
pub fn settlement_overrides_header() -> String {
    crate::codec::header::SETTLEMENT_OVERRIDES.to_owned()
}

/// 409: another request is serving this very payment.
#[wasm_bindgen(js_name = planInProgress)]
pub fn plan_in_progress() -> Result<JsValue, JsValue> {
    plan_js(&server::in_progress())
}

/// 429: too many smart-wallet checks this minute.
#[wasm_bindgen(js_name = planTooManyDeferredChecks)]
pub fn plan_too_many_deferred_checks() -> Result<JsValue, JsValue> {
    plan_js(&server::too_many_deferred_checks())
}

/// 503: a settlement with no final answer (`outcome` "pending" when the facilitator said so).
#[wasm_bindgen(js_name = planUnresolved)]
pub fn plan_unresolved(
    x402_version: u8,
    receipt_header: String,
    outcome: &str,
) -> Result<JsValue, JsValue> {
    plan_js(&server::unresolved(&receipt(x402_version, receipt_header)?, outcome == "pending"))
}

/// A facilitator fault (`code`: one of the `facilitator_*` codes) before or after `/settle`.
#[wasm_bindgen(js_name = planFacilitatorFault)]
pub fn plan_facilitator_fault(
    code: &str,
    detail: &str,
    after_settle: bool,
) -> Result<JsValue, JsValue> {
    plan_js(&server::facilitator_fault(fault_code(code)?, detail, after_settle))
}

/// 500: the handler failed after the payment settled.
#[wasm_bindgen(js_name = planHandlerFailed)]
pub fn plan_handler_failed(x402_version: u8, receipt_header: String) -> Result<JsValue, JsValue> {
    plan_js(&server::handler_failed(&receipt(x402_version, receipt_header)?))
}

/// The headers of a paid response (`headers`: its getter; `upgrade`: a WebSocket), as pairs.
#[wasm_bindgen(js_name = paidHeaders)]
pub fn paid_headers(
    x402_version: u8,
    receipt_header: String,
    headers: js_sys::Function,
    upgrade: bool,
) -> Result<JsValue, JsValue> {
    Ok(pairs_js(&server::paid_headers(
        &receipt(x402_version, receipt_header)?,
        &JsHeaders::new(headers),
        upgrade,
    )))
}

/// The headers of a response that passes through unpaid, as pairs.
#[wasm_bindgen(js_name = passedHeaders)]
pub fn passed_headers() -> Result<JsValue, JsValue> {
    Ok(pairs_js(&server::passed_headers()))
}
