//! What the middleware answers, as complete plans: status, headers, body. The JS glue sends a plan
//! as it is, so every status, header name and code of the server face is decided here.

use alloy_primitives::U256;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::paywall::Offer;
use super::{Route, PAYMENT_REQUIRED};
use crate::codec::{self, header, Headers};
use crate::error::Code;
use crate::network;
use crate::reason::Reason;
use crate::wire::{decimal, v2, Version};

/// The x402 headers a browser page may read from a cross-origin answer.
const EXPOSED: &str = "PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE";
const EXPOSE_HEADERS: &str = "Access-Control-Expose-Headers";
const CACHE_CONTROL: &str = "Cache-Control";
const CONTENT_TYPE: &str = "content-type";
const RETRY_AFTER: &str = "Retry-After";
const JSON: &str = "application/json";
/// Where a Worker learns who is calling (the deferred-check budget is kept per client).
pub const CLIENT_ADDRESS: &str = "CF-Connecting-IP";

/// The reason of a refusal when the facilitator's `/verify` gives none.
pub const VERIFY_FALLBACK_REASON: &str = "invalid_payment";
/// The reason of a refusal when the facilitator's `/settle` gives none.
pub const SETTLE_FALLBACK_REASON: &str = "settlement_failed";
/// The v1 body's `error` when no payment was sent (v2 says [`PAYMENT_REQUIRED`]).
const V1_PAYMENT_REQUIRED: &str = "X-PAYMENT header is required";
/// What a payer is told when the outcome of a settlement is open.
const SEND_AGAIN: &str =
    "the settlement of this payment has no final answer yet: send the same payment again, do not sign a new one";

/// A response to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// HTTP status.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(&'static str, String)>,
    /// The body: JSON, or the default paywall page.
    pub body: String,
    /// When the body is the default paywall page: the terms it shows, for an operator's own page.
    pub paywall: Option<v2::PaymentRequired>,
    /// A detail for the operator's log, not for the client.
    pub log: Option<String>,
}

impl Plan {
    /// A JSON response: `body` is JSON text.
    fn json(status: u16, body: String, mut headers: Vec<(&'static str, String)>) -> Plan {
        headers.insert(0, (CONTENT_TYPE, JSON.into()));
        headers.push((EXPOSE_HEADERS, EXPOSED.into()));
        Plan { status, headers, body, paywall: None, log: None }
    }

    fn error(
        status: u16,
        code: Code,
        message: Option<&str>,
        headers: Vec<(&'static str, String)>,
    ) -> Plan {
        let body = match message {
            Some(message) => json!({ "error": code.as_str(), "message": message }),
            None => json!({ "error": code.as_str() }),
        };
        Plan::json(status, crate::json::write(&body), headers)
    }
}

/// A settlement's receipt, as it goes back to the payer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The protocol version of the payment (it names the header).
    pub version: Version,
    /// The `PAYMENT-RESPONSE` / `X-PAYMENT-RESPONSE` value.
    pub header: String,
}

impl Receipt {
    fn pair(&self) -> (&'static str, String) {
        (header::receipt(self.version), self.header.clone())
    }
}

/// 400: a path with escapes that do not decode one way only, on a host with paid routes.
pub fn invalid_path() -> Plan {
    let message = "the request path has escapes that do not decode one way only";
    Plan::error(400, Code::InvalidPath, Some(message), Vec::new())
}

/// 409: another request is serving this very payment (not a replay, so not "used").
pub fn in_progress() -> Plan {
    let message = "this payment is being settled by another request: send the same payment again shortly, do not sign a new one";
    Plan::error(409, Code::PaymentInProgress, Some(message), vec![(RETRY_AFTER, "2".into())])
}

/// 429: the budget of smart-wallet checks (each a facilitator call no key pays for) is spent.
pub fn too_many_deferred_checks() -> Plan {
    let message = "too many smart-wallet payments to check; try again in a minute";
    Plan::error(429, Code::TooManyDeferredChecks, Some(message), vec![(RETRY_AFTER, "60".into())])
}

/// 503: a settlement without a final answer (`pending`: the facilitator said so).
pub fn unresolved(receipt: &Receipt, pending: bool) -> Plan {
    let code = if pending { Code::SettlementPending } else { Code::SettlementUnresolved };
    let headers = vec![receipt.pair(), (RETRY_AFTER, "5".into())];
    Plan::error(503, code, Some(SEND_AGAIN), headers)
}

/// A facilitator that timed out (504) or failed (502). After the payment went to `/settle` the
/// payer is told to send it again; before, only the code goes out and `detail` to the log.
pub fn facilitator_fault(code: Code, detail: &str, after_settle: bool) -> Plan {
    let status = if code == Code::FacilitatorTimeout { 504 } else { 502 };
    let mut plan = if after_settle {
        let message = "the settlement has no final answer: send the same payment again, do not sign a new one";
        Plan::error(status, code, Some(message), vec![(RETRY_AFTER, "5".into())])
    } else {
        Plan::error(status, code, None, Vec::new())
    };
    plan.log = Some(detail.to_owned());
    plan
}

/// 500: a request this crate cannot decide (a bug): refused, never served.
pub fn internal(detail: &str) -> Plan {
    let mut plan = Plan::error(500, Code::Internal, None, Vec::new());
    plan.log = Some(detail.to_owned());
    plan
}

/// 500: the handler failed after the payment settled; the payer keeps the receipt.
pub fn handler_failed(receipt: &Receipt) -> Plan {
    Plan::error(500, Code::HandlerFailed, None, vec![receipt.pair()])
}

/// The headers a paid response gets: the receipt and, unless it is a protocol upgrade (a
/// WebSocket), `Cache-Control: private` added to its own, so no shared cache serves it unpaid.
pub fn paid_headers(
    receipt: &Receipt,
    response: &impl Headers,
    upgrade: bool,
) -> Vec<(&'static str, String)> {
    let mut headers = vec![receipt.pair()];
    if !upgrade {
        // An empty Cache-Control is no directive: it becomes `private`, as a missing one does.
        let cache = response
            .get(CACHE_CONTROL)
            .filter(|c| !c.is_empty())
            .map_or("private".into(), |c| format!("{c}, private"));
        headers.push((CACHE_CONTROL, cache));
    }
    headers.push((EXPOSE_HEADERS, EXPOSED.into()));
    headers
}

/// The headers a response that passes through unpaid gets (the handler refused the request).
pub fn passed_headers() -> Vec<(&'static str, String)> {
    vec![(EXPOSE_HEADERS, EXPOSED.into())]
}

impl Route {
    /// The refusal of a request to this route at `url`, with `error` as the reason (or the
    /// sentence of an unpaid request): 402 with the terms (412 for a missing Permit2 approval,
    /// as the reference answers), and `receipt` when a settlement failed. A browser asking for a
    /// page gets the paywall page instead of the v1 body.
    pub fn refusal(
        &self,
        url: &str,
        error: &str,
        request: &impl Headers,
        receipt: Option<&Receipt>,
    ) -> Plan {
        let resource =
            ResourceView { url, description: &self.description, mime_type: &self.mime_type };
        let terms = TermsV2 { x402_version: 2, error, resource, accepts: &self.accepts };
        let mut headers = vec![
            (header::PAYMENT_REQUIRED, codec::encode(&terms)),
            (CACHE_CONTROL, "no-store".into()),
        ];
        headers.extend(receipt.map(Receipt::pair));
        let wants_page = request.get("Accept").is_some_and(|a| a.contains("text/html"))
            && request.get("User-Agent").is_some_and(|a| a.contains("Mozilla"));
        if wants_page && receipt.is_none() {
            let terms = self.payment_required(url, error);
            headers.insert(0, (CONTENT_TYPE, "text/html; charset=utf-8".into()));
            headers.push((EXPOSE_HEADERS, EXPOSED.into()));
            let body = paywall_page(&terms);
            return Plan { status: 402, headers, body, paywall: Some(terms), log: None };
        }
        let status = if error == Reason::Permit2AllowanceRequired.as_str() { 412 } else { 402 };
        let error = if error == PAYMENT_REQUIRED { V1_PAYMENT_REQUIRED } else { error };
        let accepts = self
            .accepts
            .iter()
            .filter_map(|r| {
                Some(EntryV1 {
                    scheme: &r.scheme,
                    network: network::caip2_to_legacy(&r.network)?,
                    max_amount_required: r.amount,
                    resource: url,
                    description: &self.description,
                    mime_type: &self.mime_type,
                    pay_to: &r.pay_to,
                    max_timeout_seconds: r.max_timeout_seconds,
                    asset: &r.asset,
                    extra: r.extra.as_ref(),
                })
            })
            .collect();
        // Plain data serializes without fail.
        let body = crate::json::to_string(&TermsV1 { x402_version: 1, error, accepts })
            .unwrap_or_default();
        Plan::json(status, body, headers)
    }
}

/// The v2 terms, borrowed from the route: the JSON of [`Route::payment_required`], without
/// copying the route's requirements for every 402 (a test holds the two equal).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TermsV2<'a> {
    x402_version: u8,
    error: &'a str,
    resource: ResourceView<'a>,
    accepts: &'a [v2::PaymentRequirements],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceView<'a> {
    url: &'a str,
    description: &'a str,
    mime_type: &'a str,
}

/// The v1 body, borrowed: the JSON of [`Route::payment_required_v1`] (a route's requirements
/// carry no unknown fields, so none are written).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TermsV1<'a> {
    x402_version: u8,
    error: &'a str,
    accepts: Vec<EntryV1<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EntryV1<'a> {
    scheme: &'a str,
    network: &'static str,
    #[serde(with = "decimal::string")]
    max_amount_required: U256,
    resource: &'a str,
    description: &'a str,
    mime_type: &'a str,
    pay_to: &'a str,
    max_timeout_seconds: u64,
    asset: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra: Option<&'a Map<String, Value>>,
}

fn escape_html(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' | '<' | '>' | '"' | '\'' => format!("&#{};", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// The page a browser gets for a paid route it has not paid: what it costs and how to pay. The
/// middleware's glue draws the page that pays in its place (from the plan's terms and offers).
fn paywall_page(terms: &v2::PaymentRequired) -> String {
    let what = terms
        .resource
        .description
        .as_deref()
        .filter(|d| !d.is_empty())
        .unwrap_or(&terms.resource.url);
    let price = terms.accepts.first().map(Offer::of).map_or(String::new(), |first| {
        format!(
            "<p>{} on {}, to {}.</p>\n",
            escape_html(&first.price()),
            escape_html(&first.network),
            escape_html(&first.pay_to)
        )
    });
    format!(
        "<!doctype html><meta charset=\"utf-8\"><title>Payment required</title>\n<h1>Payment required</h1><p>{}</p>\n{price}<p>Pay with an x402 client, e.g. <code>wrapFetchWithPayment</code> from x402-wasm.</p>",
        escape_html(what)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::Routes;

    #[test]
    fn the_borrowed_terms_are_the_routes_terms() {
        let pay_to = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
        let table = json!({"GET /r": {"accepts": [
            {"scheme": "exact", "network": "eip155:8453", "payTo": pay_to, "price": "$0.01"},
            {"scheme": "exact", "network": "eip155:31337", "payTo": pay_to, "maxTimeoutSeconds": 60,
             "price": {"amount": "7", "asset": "0x5FbDB2315678afecb367f032d93F642f64180aa3"}},
        ], "description": "A \"report\"", "mimeType": "text/plain"}});
        let routes = Routes::from_json(&table.to_string()).unwrap();
        let route = routes.get(0).unwrap();
        let url = "https://x.test/r?q=\u{e9}";
        let none = |_: &str| None;
        for error in [PAYMENT_REQUIRED, "invalid_exact_evm_signature"] {
            let plan = route.refusal(url, error, &none, None);
            let header =
                &plan.headers.iter().find(|(k, _)| *k == header::PAYMENT_REQUIRED).unwrap().1;
            assert_eq!(header, &codec::encode(&route.payment_required(url, error)));
            let v1_error = if error == PAYMENT_REQUIRED { V1_PAYMENT_REQUIRED } else { error };
            let v1 = serde_json::to_string(&route.payment_required_v1(url, v1_error)).unwrap();
            assert_eq!(plan.body, v1);
        }
    }

    #[test]
    fn a_paid_response_is_private_to_its_payer() {
        let receipt = Receipt { version: Version::V1, header: "r".into() };
        let cached = |value: &'static str| {
            move |name: &str| (name == CACHE_CONTROL).then(|| value.to_owned())
        };
        let get = |headers: Vec<(&'static str, String)>, name: &str| {
            headers.into_iter().find(|(k, _)| *k == name).map(|(_, v)| v)
        };
        let headers = paid_headers(&receipt, &cached("max-age=60"), false);
        assert_eq!(get(headers.clone(), CACHE_CONTROL).as_deref(), Some("max-age=60, private"));
        assert_eq!(get(headers, header::X_PAYMENT_RESPONSE).as_deref(), Some("r"));
        assert_eq!(
            get(paid_headers(&receipt, &cached(""), false), CACHE_CONTROL).as_deref(),
            Some("private")
        );
        assert_eq!(
            get(paid_headers(&receipt, &cached("x"), true), CACHE_CONTROL),
            None,
            "an upgrade keeps its headers"
        );
    }
}
