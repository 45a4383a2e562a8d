//! The client's side of `exact` on Casper: the EIP-712 authorization a Casper key signs, and the
//! proof once it has.

use alloy_primitives::{hex, B256, U256};
use serde_json::{Map, Value};

use super::eip712::{self, Address, EIP712Domain, TransferWithAuthorization};
use super::keys::PublicKey;
use super::{is_account, is_package_hash, Payload};
use crate::eip3009::{domain_parameters, Authorization, VALID_AFTER_SKEW_SECONDS};
use crate::error::{Error, Result};
use crate::family::Draft;
use crate::wire::Terms;

/// An unsigned Casper payment.
#[derive(Debug, Clone)]
pub(super) struct CasperDraft {
    domain: EIP712Domain,
    message: TransferWithAuthorization,
    key: PublicKey,
    /// `payTo` and `amount` as the requirement writes them: the facilitator compares them verbatim.
    pay_to: String,
    amount: String,
}

impl CasperDraft {
    /// The authorization for `terms` from `key`: valid from now − 600 to now + maxTimeoutSeconds.
    pub(super) fn new(
        terms: &Terms<'_>,
        key: PublicKey,
        now: u64,
        nonce: [u8; 32],
    ) -> Result<Self> {
        if !is_package_hash(terms.asset) {
            return Err(Error::field("asset", "not a Casper contract package hash (64 hex)"));
        }
        let to = Address::from_hex(terms.pay_to).filter(|_| is_account(terms.pay_to)).ok_or_else(
            || Error::field("payTo", "not a Casper account hash (00 or 01, then 64 hex)"),
        )?;
        let (name, version) = domain_parameters(terms)?;
        let package_hash: B256 =
            terms.asset.parse().map_err(|_| Error::field("asset", "not 32 bytes of hex"))?;
        let mut from = [0u8; 33];
        from[1..].copy_from_slice(&key.account_hash());
        let message = TransferWithAuthorization {
            from: Address::Casper(from),
            to,
            value: terms.amount,
            valid_after: U256::from(now.saturating_sub(VALID_AFTER_SKEW_SECONDS)),
            valid_before: U256::from(now.saturating_add(terms.max_timeout_seconds)),
            nonce: B256::from(nonce),
        };
        Ok(CasperDraft {
            domain: eip712::domain(name, version, terms.network, package_hash),
            message,
            key,
            pay_to: terms.pay_to.to_owned(),
            amount: terms.amount.to_string(),
        })
    }
}

impl Draft for CasperDraft {
    fn digest(&self) -> B256 {
        self.message.digest(&self.domain)
    }

    fn typed_data(&self) -> Value {
        self.message.typed_data(&self.domain)
    }

    fn valid_before(&self) -> U256 {
        self.message.valid_before
    }

    fn check(&self, signature: &[u8]) -> std::result::Result<(), String> {
        let sig: &[u8; 65] = signature.try_into().map_err(|_| {
            format!("a {}-byte signature is not a tagged 65-byte one", signature.len())
        })?;
        self.key.verify(self.digest().as_slice(), sig).map_err(|e| e.to_string())
    }

    fn proof(&self, signature: &[u8]) -> Map<String, Value> {
        let payload = Payload {
            signature: hex::encode(signature),
            public_key: self.key.to_hex(),
            authorization: Authorization {
                from: self.key.account(),
                to: self.pay_to.clone(),
                value: self.amount.clone(),
                valid_after: self.message.valid_after.to_string(),
                valid_before: self.message.valid_before.to_string(),
                nonce: hex::encode(self.message.nonce),
            },
        };
        match serde_json::to_value(payload) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(), // unreachable: the payload serializes to an object
        }
    }
}
