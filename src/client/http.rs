//! What the fetch wrapper reads and writes on the wire: a 402's terms, the header a payment goes
//! in, and whether a paid request's answer settles the payment's fate.

use crate::codec::{self, header, Headers};
use crate::error::{Error, Result};
use crate::verdict::SETTLE_BUFFER_SECONDS;
use crate::wire::{PaymentPayload, PaymentRequired, SettleResponse};

/// Seconds a kept payment must still be valid for to be sent again (the facilitator's margin).
pub const REUSE_MARGIN_SECONDS: u64 = SETTLE_BUFFER_SECONDS;

/// The facilitator's word for a settlement broadcast but not yet final.
pub const SETTLEMENT_PENDING: &str = "settlement_pending";

/// Whether the body of a 402 is to be read for its terms: when the v2 header is missing, or v1
/// is preferred.
pub fn wants_body(headers: &impl Headers, prefer_v1: bool) -> bool {
    prefer_v1 || headers.get(header::PAYMENT_REQUIRED).is_none()
}

/// The terms of a 402 with `status`: the v2 `PAYMENT-REQUIRED` header, else a v1 JSON `body`
/// (`prefer_v1` reverses that when both are there).
pub fn read_payment_required(
    headers: &impl Headers,
    body: Option<&str>,
    prefer_v1: bool,
    status: u16,
) -> Result<PaymentRequired> {
    let terms = headers.get(header::PAYMENT_REQUIRED);
    if terms.is_none() || prefer_v1 {
        // Terms only in a JSON object whose `x402Version` is 1: any other body carries none.
        let v1 = |b: &&str| {
            crate::json::read(b, crate::json::Repeats::LastWins).is_ok_and(|v| {
                v.get("x402Version").and_then(serde_json::Value::as_f64) == Some(1.0)
            })
        };
        if let Some(body) = body.filter(v1) {
            return PaymentRequired::from_json(body);
        }
    }
    match terms {
        Some(value) => codec::decode_required(&value).map_err(|e| {
            Error::InvalidPaymentRequired(format!(
                "the PAYMENT-REQUIRED header cannot be read: {e}"
            ))
        }),
        None => Err(Error::InvalidPaymentRequired(format!(
            "a {status} without x402 terms (no PAYMENT-REQUIRED header, no v1 body)"
        ))),
    }
}

/// Whether a request already carries a payment (it is then sent as it is, never paid again).
pub fn carries_payment(headers: &impl Headers) -> bool {
    [header::PAYMENT_SIGNATURE, header::X_PAYMENT].iter().any(|h| headers.get(h).is_some())
}

/// The header and value a payment is sent with.
pub fn payment_header(payload: &PaymentPayload) -> (&'static str, String) {
    (header::payment(payload.version()), codec::encode(payload))
}

/// The receipt of a paid response (`PAYMENT-RESPONSE`, else `X-PAYMENT-RESPONSE`), if any.
pub fn read_receipt(headers: &impl Headers) -> Result<Option<SettleResponse>> {
    let value =
        headers.get(header::PAYMENT_RESPONSE).or_else(|| headers.get(header::X_PAYMENT_RESPONSE));
    value.map(|v| codec::decode_settle(&v)).transpose()
}

/// Why a server refused a paid request: the failed settlement's `errorReason`, else the `error`
/// of the v2 terms it answered with.
pub fn refusal_reason(headers: &impl Headers) -> Option<String> {
    if let Some(reason) = read_receipt(headers).ok().flatten().and_then(|r| r.error_reason) {
        return Some(reason);
    }
    let terms = codec::decode_to_json(&headers.get(header::PAYMENT_REQUIRED)?).ok()?;
    let terms = crate::json::read(&terms, crate::json::Repeats::LastWins).ok()?;
    terms.get("error")?.as_str().filter(|e| !e.is_empty()).map(str::to_owned)
}

/// Whether a paid request's answer leaves the payment's outcome open: a 5xx (the facilitator
/// timed out mid-settlement, say), a 409 (another request is settling this payment) or a receipt
/// the facilitator calls pending. The same payment is then sent again, never a new one signed.
pub fn outcome_open(status: u16, headers: &impl Headers) -> bool {
    status >= 500
        || status == 409
        || read_receipt(headers)
            .ok()
            .flatten()
            .is_some_and(|r| r.error_reason.as_deref() == Some(SETTLEMENT_PENDING))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Version;

    fn headers<'a>(pairs: &'a [(&'a str, String)]) -> impl Headers + 'a {
        move |name: &str| {
            pairs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn terms_come_from_the_header_or_a_v1_body() {
        let v1 = r#"{"x402Version":1,"error":"","accepts":[{"scheme":"exact","network":"base","maxAmountRequired":"1","resource":"https://x.test/","payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","maxTimeoutSeconds":60,"asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"}]}"#;
        let none = headers(&[]);
        assert_eq!(
            read_payment_required(&none, Some(v1), false, 402).unwrap().version(),
            Version::V1
        );
        let err = read_payment_required(&none, Some("<html>"), false, 402).unwrap_err();
        assert_eq!(err.code(), "invalid_payment_required");
        let err = read_payment_required(&none, Some("[1, 2]"), false, 402).unwrap_err();
        assert_eq!(err.code(), "invalid_payment_required", "an array is no v1 body");
        assert!(wants_body(&none, false));
        let garbled = [(header::PAYMENT_REQUIRED, "%%".to_owned())];
        let err = read_payment_required(&headers(&garbled), Some(v1), false, 402).unwrap_err();
        assert_eq!(
            err.code(),
            "invalid_payment_required",
            "the header wins unless v1 is preferred"
        );
        let read = read_payment_required(&headers(&garbled), Some(v1), true, 402).unwrap();
        assert_eq!(read.version(), Version::V1);
        assert!(!wants_body(&headers(&garbled), false) && wants_body(&headers(&garbled), true));
    }

    #[test]
    fn an_open_outcome_keeps_the_payment() {
        let pending = SettleResponse {
            success: false,
            error_reason: Some(SETTLEMENT_PENDING.into()),
            error_message: None,
            payer: None,
            transaction: "0xabc".into(),
            network: "eip155:8453".into(),
            amount: None,
            extensions: None,
        };
        let receipt = [(header::PAYMENT_RESPONSE, codec::encode(&pending))];
        assert!(outcome_open(200, &headers(&receipt)));
        assert!(outcome_open(502, &headers(&[])) && outcome_open(409, &headers(&[])));
        assert!(!outcome_open(402, &headers(&[])) && !outcome_open(200, &headers(&[])));
        assert!(carries_payment(&headers(&[(header::X_PAYMENT, "x".into())])));
    }
}
