//! The `exact` scheme on Casper networks (`casper:*`, x402 v2): CEP-18 tokens moved by an
//! EIP-712 `TransferWithAuthorization` signed with a Casper key, as CSPR.cloud's facilitator
//! (`make-software/casper-x402`) speaks it.
//!
//! On the wire every field is a string and hex carries no `0x`: `asset` is the token's contract
//! package hash (64 hex), `payTo` and `from` are tagged account hashes (`00` + 64 hex), `nonce` is
//! 64 hex, and the payload carries the signer's `publicKey` beside a tagged 65-byte `signature`.

mod draft;
pub mod eip712;
pub mod keys;
mod verify;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub(crate) mod wasm;

use serde::Serialize;

pub use verify::verify_exact;

use crate::eip3009::Authorization;
use crate::error::{Error, Result};
use crate::family::{Draft, Drafter, Family, Payer, Verifier};
use crate::network::Caip2;
use crate::verdict::Verdict;
use crate::wire::{v2, PaymentPayload, Terms, Version};
use keys::PublicKey;

/// The CAIP-2 namespace of Casper networks.
pub const NAMESPACE: &str = "casper";

/// The Casper family: `casper:*` networks, x402 v2 only.
#[derive(Debug, Clone, Copy)]
pub struct Casper;

impl Family for Casper {
    fn namespace(&self) -> &'static str {
        NAMESPACE
    }

    fn claims(&self, network: &str, version: Version) -> bool {
        version == Version::V2 && network.split_once(':').is_some_and(|(ns, _)| ns == NAMESPACE)
    }

    fn serves(&self, network: &str) -> bool {
        Caip2::parse(network).is_ok_and(|c| c.namespace == NAMESPACE)
    }

    /// What the reference server refuses, refused when the table loads.
    fn check_offer(&self, offer: &v2::PaymentRequirements) -> Result<()> {
        if !is_package_hash(&offer.asset) {
            return Err(Error::field(
                "asset",
                format!(
                    "`{}` is not a Casper contract package hash (64 hex, no prefix)",
                    offer.asset
                ),
            ));
        }
        if !is_account(&offer.pay_to) {
            return Err(Error::field(
                "payTo",
                format!("`{}` is not a Casper account hash (00 or 01, then 64 hex)", offer.pay_to),
            ));
        }
        let extra = offer.extra.as_ref();
        for key in ["name", "version"] {
            let value = extra.and_then(|e| e.get(key)).and_then(serde_json::Value::as_str);
            if value.is_none_or(str::is_empty) {
                return Err(Error::field(
                    "extra",
                    format!("a Casper token needs extra.{key} (its EIP-712 domain)"),
                ));
            }
        }
        Ok(())
    }

    fn payer(&self, from: &str) -> Option<Result<Payer>> {
        PublicKey::from_hex(from).ok().map(|key| Ok(Payer::from(key)))
    }
}

impl Verifier for Casper {
    fn verify(&self, payload: &PaymentPayload, terms: &Terms<'_>, now: u64) -> Verdict {
        verify_exact(payload, terms, now)
    }
}

impl Drafter for Casper {
    fn draft(
        &self,
        terms: &Terms<'_>,
        payer: &Payer,
        now: u64,
        nonce: [u8; 32],
        _chain: &[serde_json::Value],
    ) -> Result<Box<dyn Draft>> {
        if !self.claims(terms.network, terms.version) || !self.serves(terms.network) {
            return Err(Error::Network(terms.network.to_owned()));
        }
        let key = PublicKey::from_hex(payer.id()).map_err(|e| Error::field("from", e))?;
        Ok(Box::new(draft::CasperDraft::new(terms, key, now, nonce)?))
    }

    fn decode_signature(&self, signature: &str) -> Result<Vec<u8>> {
        keys::decode_signature(signature).map(Vec::from).map_err(|e| Error::field("signature", e))
    }
}

impl From<PublicKey> for Payer {
    fn from(key: PublicKey) -> Self {
        Payer::new(&Casper, key.to_hex(), key.account())
    }
}

/// Decimals of a Casper token when the requirement does not say (the reference server's default).
pub const DEFAULT_DECIMALS: u8 = 9;

/// `payload` of a Casper payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload {
    /// Algorithm tag and 64-byte signature over the EIP-712 digest, hex.
    pub signature: String,
    /// The signer's tagged public key, hex.
    pub public_key: String,
    /// The signed authorization: EIP-3009's fields, in Casper's forms (`from` is `00` + an account
    /// hash, `nonce` 64 hex without `0x`; `to` and `value` are `payTo` and `amount` verbatim).
    pub authorization: Authorization,
}

impl Payload {
    /// Reads `payload`; the error says which field is missing or of the wrong kind.
    pub fn read(proof: &serde_json::Map<String, serde_json::Value>) -> Result<Self, String> {
        crate::fields::read_proof(proof, |mut f| {
            Ok(Payload {
                signature: f.string("signature")?,
                public_key: f.string("publicKey")?,
                authorization: Authorization::read(f.nested("authorization")?)?,
            })
        })
    }
}

/// Whether `s` is `n` hex digits (any case).
pub(crate) fn is_hex(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `s` is a tagged account or package hash, as `payTo` must be: `00` or `01`, then 64 hex.
pub fn is_account(s: &str) -> bool {
    (s.starts_with("00") || s.starts_with("01")) && is_hex(s, 66)
}

/// Whether `s` is a contract package hash, as `asset` must be: 64 hex, no prefix.
pub fn is_package_hash(s: &str) -> bool {
    is_hex(s, 64)
}
