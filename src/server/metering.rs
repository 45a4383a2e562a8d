//! What an `upto` payment is charged: the handler declares its usage after it ran, the way the
//! reference server reads it (a `Settlement-Overrides` header or argument, `{amount}` as atomic
//! units, `"$0.05"` or `"50%"` of the maximum), and the charge is that usage held between the
//! route's minimum and the signed maximum.

use alloy_primitives::U256;
use serde::Serialize;

use crate::asset;
use crate::error::{Error, Result};
use crate::wire::decimal;

/// The bounds of a metered payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Meter {
    /// The signed maximum (the offer's `amount`).
    #[serde(with = "decimal::string")]
    pub maximum: U256,
    /// The least charged (the route's `minPrice`, else zero).
    #[serde(with = "decimal::string")]
    pub minimum: U256,
    /// The token's decimals, when known, for usage declared in dollars.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
}

/// The charge, and what the middleware should tell the operator about how it was reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// Atomic units to settle.
    pub amount: U256,
    /// Why it differs from what was declared, when it does (capped, raised, unreadable).
    pub note: Option<String>,
}

impl Meter {
    /// The bounds of an offer of `amount` in `asset` on `network`, with `minimum`.
    pub fn new(maximum: U256, minimum: U256, network: &str, asset_address: &str) -> Self {
        let decimals = asset::find(network, asset_address).map(|a| a.decimals);
        Meter { maximum, minimum, decimals }
    }

    /// The charge for a declaration (the header's value, or `None` when the handler declared
    /// nothing: then the maximum, as the reference settles). As the reference reads it: a value
    /// that is not JSON is ignored (the maximum, with a note for the operator); an `amount` that
    /// cannot be resolved (a number, `"$0.05"` on a token of unknown decimals, `"1.5"`) is an
    /// error, and nothing is settled, as the reference's settlement then throws.
    pub fn charge(&self, declared: Option<&str>) -> Result<Charge, String> {
        let maximum = |note: Option<String>| Ok(Charge { amount: self.maximum, note });
        let Some(text) = declared else { return maximum(None) };
        let Ok(value) = crate::json::read(text, crate::json::Repeats::LastWins) else {
            let note = format!(
                "Settlement-Overrides `{text}` is not JSON: ignored, the maximum {} is charged",
                self.maximum
            );
            return maximum(Some(note));
        };
        let usage = match value.get("amount") {
            None | Some(serde_json::Value::Null) => return maximum(None),
            Some(serde_json::Value::String(amount)) => self.resolve(amount).map_err(|e| e.to_string())?,
            Some(other) => return Err(format!("Settlement-Overrides amount {} is not a string (atomic units, \"$0.05\" or \"50%\"): nothing is settled", crate::json::write(other))),
        };
        Ok(if usage > self.maximum {
            let note = format!(
                "declared usage {usage} is above the signed maximum {}: charged the maximum",
                self.maximum
            );
            Charge { amount: self.maximum, note: Some(note) }
        } else if usage < self.minimum {
            let note = format!(
                "declared usage {usage} is below the route's minimum {}: charged the minimum",
                self.minimum
            );
            Charge { amount: self.minimum, note: Some(note) }
        } else {
            Charge { amount: usage, note: None }
        })
    }

    /// A declared amount in atomic units: `"1000"`, `"50%"` (of the maximum, two decimals at
    /// most, floored) or `"$0.05"` (with the token's decimals, truncated as the reference does).
    fn resolve(&self, amount: &str) -> Result<U256> {
        let bad = |why: &str| Error::field("amount", format!("`{amount}`: {why}"));
        if let Some(percent) = amount.strip_suffix('%') {
            let (whole, frac) = percent.split_once('.').unwrap_or((percent, ""));
            let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
            if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 {
                return Err(bad("a percentage has at most two decimals"));
            }
            let hundredths = format!("{whole}{frac:0<2}");
            let scaled: U256 = hundredths.parse().map_err(|_| bad("too large"))?;
            // Floored division by 10^4 as dropping four decimal digits: a U256 division would
            // bring ruint's general divider (8 KB of wasm) for this one line.
            let product = self.maximum.saturating_mul(scaled).to_string();
            let kept = product.len().saturating_sub(4);
            return Ok(if kept == 0 {
                U256::ZERO
            } else {
                decimal::parse(&product[..kept]).map_err(bad)?
            });
        }
        if let Some(dollars) = amount.strip_prefix('$') {
            let decimals = self.decimals.ok_or_else(|| {
                bad("dollars need a known token's decimals: declare atomic units")
            })?;
            return asset::to_atomic(dollars, decimals).map_err(|e| bad(&e.to_string()));
        }
        decimal::parse(amount).map_err(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meter(max: u64, min: u64) -> Meter {
        Meter { maximum: U256::from(max), minimum: U256::from(min), decimals: Some(6) }
    }

    fn charged(m: &Meter, declared: Option<&str>) -> u64 {
        m.charge(declared).unwrap().amount.to::<u64>()
    }

    #[test]
    fn usage_is_charged_between_the_minimum_and_the_maximum() {
        let m = meter(100_000, 1_000);
        assert_eq!(charged(&m, Some(r#"{"amount":"2500"}"#)), 2_500);
        assert_eq!(charged(&m, Some(r#"{"amount":"250000"}"#)), 100_000, "capped");
        assert_eq!(charged(&m, Some(r#"{"amount":"10"}"#)), 1_000, "raised to the minimum");
        assert_eq!(charged(&m, Some(r#"{"amount":"0"}"#)), 1_000);
        assert_eq!(charged(&meter(100_000, 0), Some(r#"{"amount":"0"}"#)), 0, "zero is allowed");
        assert_eq!(charged(&m, None), 100_000, "no declaration: the maximum, as the reference");
        assert_eq!(charged(&m, Some("{}")), 100_000);
        assert!(m.charge(Some(r#"{"amount":"250000"}"#)).unwrap().note.is_some());
        assert!(m.charge(Some(r#"{"amount":"2500"}"#)).unwrap().note.is_none());
    }

    #[test]
    fn usage_reads_as_the_reference_reads_it() {
        let m = meter(100_000, 0);
        assert_eq!(charged(&m, Some(r#"{"amount":"50%"}"#)), 50_000);
        assert_eq!(charged(&m, Some(r#"{"amount":"33.33%"}"#)), 33_330);
        assert_eq!(charged(&meter(7, 0), Some(r#"{"amount":"50%"}"#)), 3, "floored");
        assert_eq!(charged(&meter(7, 0), Some(r#"{"amount":"0.01%"}"#)), 0);
        assert_eq!(charged(&meter(7, 0), Some(r#"{"amount":"100%"}"#)), 7);
        assert_eq!(charged(&meter(10_000, 0), Some(r#"{"amount":"0.01%"}"#)), 1);
        assert_eq!(charged(&m, Some(r#"{"amount":"$0.05"}"#)), 50_000);
        assert_eq!(charged(&m, Some(r#"{"amount":"$1"}"#)), 100_000, "capped");
        for bad in [
            r#"{"amount":"1.5"}"#,
            r#"{"amount":"-1"}"#,
            r#"{"amount":"33.333%"}"#,
            r#"{"amount":"%"}"#,
            r#"{"amount":"$x"}"#,
            r#"{"amount":7}"#,
        ] {
            assert!(m.charge(Some(bad)).is_err(), "{bad}: nothing is settled");
        }
        let ignored = m.charge(Some("not json")).unwrap();
        assert_eq!(ignored.amount, U256::from(100_000u64), "not JSON: ignored, as the reference");
        assert!(ignored.note.is_some());
        let unknown = Meter { decimals: None, ..m };
        assert!(unknown.charge(Some(r#"{"amount":"$0.05"}"#)).is_err(), "dollars need decimals");
    }
}
