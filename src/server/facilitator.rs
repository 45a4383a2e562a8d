//! The facilitator, as the middleware sees it: which one serves a network, and reading its
//! answers strictly (a malformed answer is no answer about the money).

use serde::Serialize;

use crate::client::SETTLEMENT_PENDING;
use crate::codec;
use crate::error::{Error, Result};
use crate::wire::{SettleResponse, VerifyResponse};

/// The facilitators of a middleware: each serves the networks it lists (`eip155:8453`,
/// `casper:*`, a v1 name), and one without a list serves the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facilitators {
    networks: Vec<Option<Vec<String>>>,
}

impl Facilitators {
    /// One entry per facilitator, in the operator's order: the networks it serves, or `None`.
    pub fn new(networks: Vec<Option<Vec<String>>>) -> Self {
        Facilitators { networks }
    }

    /// The facilitator for `network`, named either way (CAIP-2, or a v1 legacy name).
    pub fn of(&self, network: &str) -> Option<usize> {
        self.serving(&crate::network::to_caip2(network), network)
    }

    /// The facilitator for a payment on `network` (CAIP-2; `v1_name` the name a v1 payment used).
    pub fn serving(&self, network: &str, v1_name: &str) -> Option<usize> {
        let listed = |patterns: &Vec<String>| {
            patterns.iter().any(|p| {
                p == network
                    || p == v1_name
                    || p.strip_suffix('*')
                        .is_some_and(|ns| ns.ends_with(':') && network.starts_with(ns))
            })
        };
        self.networks
            .iter()
            .position(|n| n.as_ref().is_some_and(listed))
            .or_else(|| self.networks.iter().position(Option::is_none))
    }
}

/// What a settlement came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The money moved.
    Settled,
    /// Broadcast, not yet final: settle again to learn the outcome.
    Pending,
    /// Refused: nothing moved.
    Refused,
}

/// A facilitator's `/settle` answer, read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settlement {
    /// The answer, normalized.
    pub settlement: SettleResponse,
    /// Its `PAYMENT-RESPONSE` value.
    pub header: String,
    /// What it came to.
    pub outcome: Outcome,
}

/// Reads a `/settle` answer with HTTP `status`: a 5xx is no answer about the money, whatever
/// its body says, and the body must be a [`SettleResponse`] (see [`SettleResponse::from_json`]).
pub fn read_settle(json: &str, status: u16) -> Result<Settlement> {
    if status >= 500 {
        return Err(Error::field("status", format!("facilitator /settle answered {status}")));
    }
    let settlement = SettleResponse::from_json(json)?;
    let pending = settlement.error_reason.as_deref() == Some(SETTLEMENT_PENDING)
        && !settlement.transaction.is_empty();
    let outcome = match (settlement.success, pending) {
        (true, _) => Outcome::Settled,
        (false, true) => Outcome::Pending,
        (false, false) => Outcome::Refused,
    };
    Ok(Settlement { header: codec::encode(&settlement), settlement, outcome })
}

/// Reads a `/verify` answer: `isValid` must be a boolean.
pub fn read_verify(json: &str) -> Result<VerifyResponse> {
    VerifyResponse::from_json(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_finds_its_facilitator() {
        let f = Facilitators::new(vec![
            Some(vec!["casper:*".into()]),
            None,
            Some(vec!["eip155:8453".into(), "base-sepolia".into()]),
        ]);
        assert_eq!(f.serving("casper:casper-test", "casper:casper-test"), Some(0));
        assert_eq!(f.serving("eip155:8453", "eip155:8453"), Some(2));
        assert_eq!(f.serving("eip155:84532", "base-sepolia"), Some(2), "by the v1 name");
        assert_eq!(f.serving("eip155:1", "eip155:1"), Some(1), "the one without a list");
        let listed_only = Facilitators::new(vec![Some(vec!["casper:*".into()])]);
        assert_eq!(listed_only.serving("eip155:1", "ethereum"), None);
        assert_eq!(
            listed_only.serving("casperx:1", "casperx:1"),
            None,
            "a namespace, not a prefix"
        );
    }

    #[test]
    fn settlements_read_strictly() {
        let ok = r#"{"success":true,"transaction":"0xabc","network":"eip155:8453","payer":"0x1"}"#;
        assert_eq!(read_settle(ok, 200).unwrap().outcome, Outcome::Settled);
        assert!(read_settle(ok, 500).is_err(), "a 5xx is not an answer");
        let pending = r#"{"success":false,"errorReason":"settlement_pending","transaction":"0xabc","network":"eip155:8453"}"#;
        assert_eq!(read_settle(pending, 200).unwrap().outcome, Outcome::Pending);
        let refused = r#"{"success":false,"errorReason":"settlement_pending","transaction":"","network":"eip155:8453"}"#;
        assert_eq!(read_settle(refused, 200).unwrap().outcome, Outcome::Refused);
        assert!(read_settle(r#"{"success":true,"transaction":null,"network":"x"}"#, 200).is_err());
        assert!(read_verify(r#"{"isValid":"yes"}"#).is_err());
        assert!(read_verify(r#"{"isValid":false,"invalidReason":"x"}"#).is_ok());
    }
}
