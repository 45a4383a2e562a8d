//! Amounts, times and nonces travel as decimal strings; inside they are exact [`U256`].
//!
//! Only the canonical form is read: ASCII digits, no sign, no leading zero (except `"0"` itself), no
//! exponent, no whitespace, and a value below 2^256. A looser reader would let one signed value be
//! written several ways, and an echoed requirement would no longer compare equal to the offer.

use alloy_primitives::U256;
use serde::Serializer;

/// Parses a canonical decimal string into a [`U256`].
pub fn parse(s: &str) -> Result<U256, &'static str> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return Err("empty decimal string");
    }
    if !bytes.iter().all(u8::is_ascii_digit) {
        return Err("not a decimal string of digits");
    }
    if bytes.len() > 1 && bytes[0] == b'0' {
        return Err("leading zero in decimal string");
    }
    if bytes.len() > 78 {
        return Err("decimal value does not fit in 256 bits");
    }
    U256::from_str_radix(s, 10).map_err(|_| "decimal value does not fit in 256 bits")
}

/// serde `with` module for a `U256` written as a decimal string (writing only: the field
/// reader takes it with [`parse`]).
pub mod string {
    use super::*;

    /// Writes the value as a decimal string.
    pub fn serialize<S: Serializer>(value: &U256, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms_only() {
        assert_eq!(parse("0"), Ok(U256::ZERO));
        assert_eq!(parse("10000"), Ok(U256::from(10_000u64)));
        let max = U256::MAX.to_string();
        assert_eq!(parse(&max), Ok(U256::MAX));
        for bad in ["", "-1", "+1", "01", "1.0", "1e6", " 1", "0x10", "１"] {
            assert!(parse(bad).is_err(), "{bad:?} must be refused");
        }
        // 2^256 is one past the largest value.
        let over = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
        assert!(parse(over).is_err());
        assert!(parse(&"9".repeat(79)).is_err());
    }
}
