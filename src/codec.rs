//! Header codec: standard base64 (with padding) over UTF-8 JSON.
//!
//! Every x402 header that carries an object (`PAYMENT-REQUIRED`, `PAYMENT-SIGNATURE`,
//! `PAYMENT-RESPONSE`, `X-PAYMENT`, `X-PAYMENT-RESPONSE`) uses this one encoding. Decoding is
//! strict: the URL-safe alphabet, missing or extra padding, whitespace and non-zero trailing bits are
//! refused, and values over [`MAX_HEADER_BYTES`] are refused before any work is done.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::wire::{PaymentPayload, PaymentRequired, SettleResponse};

/// Header names, as the reference transport spells them.
pub mod header {
    /// v2: the server's requirements on a 402.
    pub const PAYMENT_REQUIRED: &str = "PAYMENT-REQUIRED";
    /// v2: the client's signed payment.
    pub const PAYMENT_SIGNATURE: &str = "PAYMENT-SIGNATURE";
    /// v2: the settlement result.
    pub const PAYMENT_RESPONSE: &str = "PAYMENT-RESPONSE";
    /// v1: the client's signed payment.
    pub const X_PAYMENT: &str = "X-PAYMENT";
    /// v1: the settlement result.
    pub const X_PAYMENT_RESPONSE: &str = "X-PAYMENT-RESPONSE";
    /// Set by a handler on its response to declare a metered payment's usage (`{amount}`, as
    /// `@x402/hono`'s `setSettlementOverrides`); the middleware reads it and takes it off.
    pub const SETTLEMENT_OVERRIDES: &str = "Settlement-Overrides";

    use crate::wire::Version;

    /// The header a client sends its payment in.
    pub fn payment(version: Version) -> &'static str {
        match version {
            Version::V1 => X_PAYMENT,
            Version::V2 => PAYMENT_SIGNATURE,
        }
    }

    /// The header a server sends its receipt in.
    pub fn receipt(version: Version) -> &'static str {
        match version {
            Version::V1 => X_PAYMENT_RESPONSE,
            Version::V2 => PAYMENT_RESPONSE,
        }
    }
}

/// Reads a message's headers by name (case-insensitive, as HTTP): the JS bindings pass the
/// `Headers` of a request or response, tests a closure.
pub trait Headers {
    /// The value of header `name`, if present.
    fn get(&self, name: &str) -> Option<String>;
}

impl<F: Fn(&str) -> Option<String>> Headers for F {
    fn get(&self, name: &str) -> Option<String> {
        self(name)
    }
}

/// Largest header value accepted for decoding, in bytes of base64.
///
/// A `PAYMENT-REQUIRED` with several `accepts` and a `bazaar` schema is a few KiB; 64 KiB leaves
/// room for that and stays far below what a Worker can hold without strain.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Encodes an object as a header value.
pub fn encode<T: Serialize>(value: &T) -> String {
    // Serializing plain data structs cannot fail (no maps with non-string keys).
    let json = crate::json::to_string(value).unwrap_or_default();
    STANDARD.encode(json)
}

/// Decodes a header value to its JSON text.
pub fn decode_to_json(value: &str) -> Result<String> {
    if value.len() > MAX_HEADER_BYTES {
        return Err(Error::HeaderTooLarge { len: value.len(), max: MAX_HEADER_BYTES });
    }
    let bytes = STANDARD.decode(value).map_err(|e| Error::Base64(e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| Error::Base64("decoded bytes are not UTF-8".into()))
}

/// Decodes `PAYMENT-SIGNATURE` or `X-PAYMENT`.
pub fn decode_payment(value: &str) -> Result<PaymentPayload> {
    PaymentPayload::from_json(&decode_to_json(value)?)
}

/// Decodes `PAYMENT-REQUIRED`.
pub fn decode_required(value: &str) -> Result<PaymentRequired> {
    PaymentRequired::from_json(&decode_to_json(value)?)
}

/// Decodes `PAYMENT-RESPONSE` or `X-PAYMENT-RESPONSE`.
pub fn decode_settle(value: &str) -> Result<SettleResponse> {
    SettleResponse::read(&decode_to_json(value)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_canonical_base64() {
        // "{}" is e30= in standard base64.
        assert_eq!(decode_to_json("e30=").unwrap(), "{}");
        for bad in ["e30", "e30==", "e3 0=", "e31=", "e30=\n", "-_8=", "e30=e30="] {
            assert!(matches!(decode_to_json(bad), Err(Error::Base64(_))), "{bad:?}");
        }
    }

    #[test]
    fn refuses_oversize_before_decoding() {
        let big = "A".repeat(MAX_HEADER_BYTES + 4);
        assert!(matches!(decode_to_json(&big), Err(Error::HeaderTooLarge { .. })));
    }

    #[test]
    fn refuses_non_utf8() {
        assert!(matches!(decode_to_json(&STANDARD.encode([0xff, 0xfe])), Err(Error::Base64(_))));
    }
}
