//! The resource server's rule for which offered requirement a payment answers.
//!
//! v2 (as the reference server 2.27): every field but `extra` must be equal (key order aside,
//! values typed and case-sensitive, numbers by value as JS compares them: `2` is `2.0`), and the payer's `extra` must contain the server's `extra`
//! (the payer may add keys, not drop or change any), but for the keys a server refreshes between
//! its 402 and the payment ([`DYNAMIC_EXTRA`], as the reference's Solana scheme declares them).
//! v1 payloads name only scheme and network.

use serde_json::{Map, Value};

use crate::wire::{v2, PaymentPayload, PaymentRequirements};

/// `extra` keys an offer may change between its 402 and the payment: a Solana blockhash hint, which
/// only helps the client build its transaction and is not part of what is paid.
pub const DYNAMIC_EXTRA: [&str; 2] = ["recentBlockhash", "lastValidBlockHeight"];

/// Whether `accepted` (from a v2 payload) answers the `offered` requirement.
pub fn accepted_matches(
    accepted: &v2::PaymentRequirements,
    offered: &v2::PaymentRequirements,
) -> bool {
    let (Ok(Value::Object(a)), Ok(Value::Object(o))) =
        (serde_json::to_value(accepted), serde_json::to_value(offered))
    else {
        return false;
    };
    if !equal_but(&a, &o, "extra") {
        return false;
    }
    let fixed = |(k, _): &(&String, &Value)| !DYNAMIC_EXTRA.contains(&k.as_str());
    match (o.get("extra"), a.get("extra")) {
        (None, _) => true,
        (Some(Value::Object(o)), Some(Value::Object(a))) => {
            o.iter().filter(fixed).all(|(k, v)| a.get(k).is_some_and(|a| contains(a, v)))
        }
        (Some(Value::Object(o)), None) => !o.iter().any(|entry| fixed(&entry)),
        (Some(o), Some(a)) => same(a, o),
        (Some(_), None) => false,
    }
}

/// Whether two objects are [`same`] but for `key`.
fn equal_but(a: &Map<String, Value>, b: &Map<String, Value>, key: &str) -> bool {
    let others = |m: &Map<String, Value>| m.len() - usize::from(m.contains_key(key));
    others(a) == others(b)
        && a.iter().filter(|(k, _)| *k != key).all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
}

/// Whether two values are equal as the reference compares what `JSON.parse` gave it: numbers by
/// value (`2` and `2.0` are one number to JS, two to serde_json), objects key order aside,
/// anything else as written.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Whether `outer` contains `inner`: objects key by key (recursively), anything else [`same`].
fn contains(outer: &Value, inner: &Value) -> bool {
    match (outer, inner) {
        (Value::Object(outer), Value::Object(inner)) => subset(outer, inner),
        _ => same(outer, inner),
    }
}

fn subset(outer: &Map<String, Value>, inner: &Map<String, Value>) -> bool {
    inner.iter().all(|(k, v)| outer.get(k).is_some_and(|o| contains(o, v)))
}

/// The index of the first offered requirement the payment answers, in offer order.
pub fn find_match(payload: &PaymentPayload, offers: &[PaymentRequirements]) -> Option<usize> {
    offers.iter().position(|offer| match (payload, offer) {
        (PaymentPayload::V2(p), PaymentRequirements::V2(o)) => accepted_matches(&p.accepted, o),
        (PaymentPayload::V1(p), PaymentRequirements::V1(o)) => {
            p.scheme == o.scheme && p.network == o.network
        }
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Version;
    use serde_json::json;

    fn req(v: Value) -> v2::PaymentRequirements {
        match PaymentRequirements::from_json(&v.to_string(), Version::V2).unwrap() {
            PaymentRequirements::V2(r) => r,
            PaymentRequirements::V1(_) => unreachable!("read as v2"),
        }
    }

    fn base() -> Value {
        json!({"scheme": "exact", "network": "eip155:84532", "amount": "10000",
               "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
               "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 300,
               "extra": {"name": "USDC", "version": "2"}})
    }

    #[test]
    fn equal_core_and_extra_superset() {
        let offered = req(base());
        assert!(accepted_matches(&req(base()), &offered));
        let mut more = base();
        more["extra"]["note"] = json!("client addition");
        assert!(accepted_matches(&req(more), &offered));
        let mut fewer = base();
        fewer["extra"].as_object_mut().unwrap().remove("version");
        assert!(!accepted_matches(&req(fewer), &offered));
        for (k, v) in [
            ("amount", json!("10001")),
            ("maxTimeoutSeconds", json!(301)),
            ("network", json!("eip155:8453")),
            ("payTo", json!("0x209693bc6afc0c5328ba36faf03c514ef312287c")),
            ("scheme", json!("upto")),
        ] {
            let mut changed = base();
            changed[k] = v;
            assert!(!accepted_matches(&req(changed), &offered), "{k}");
        }
        // A refreshed blockhash hint does not make an older payment another one.
        let mut hinted = base();
        hinted["extra"]["recentBlockhash"] = json!("new");
        let mut older = base();
        older["extra"]["recentBlockhash"] = json!("old");
        assert!(accepted_matches(&req(older), &req(hinted.clone())));
        assert!(accepted_matches(&req(base()), &req(hinted)));
        // Numbers compare as JS compares them: a float written `2.0` by one side is `2` to the other.
        let mut floats = base();
        floats["extra"]["weights"] = json!([2.0, {"w": -0.0}]);
        let mut ints = base();
        ints["extra"]["weights"] = json!([2, {"w": 0}]);
        assert!(accepted_matches(&req(ints.clone()), &req(floats.clone())));
        assert!(accepted_matches(&req(floats.clone()), &req(ints)));
        for other in
            [json!([2.5, {"w": 0}]), json!([2, {"w": 1}]), json!(["2", {"w": 0}]), json!([2])]
        {
            let mut changed = base();
            changed["extra"]["weights"] = other.clone();
            assert!(!accepted_matches(&req(changed), &req(floats.clone())), "{other}");
        }
        let mut unknown = base();
        unknown["outputSchema"] = json!({});
        assert!(
            !accepted_matches(&req(unknown), &offered),
            "an extra core key on one side differs"
        );
    }
}
