//! A payment built but not yet signed: the payer's family drafts it, this wraps it in the
//! protocol's envelope.

use alloy_primitives::{B256, U256};
use serde_json::{Map, Value};

use super::PAYMENT_IDENTIFIER;
use crate::error::{Error, Result};
use crate::family::{self, Draft, Payer};
use crate::verdict::SETTLE_BUFFER_SECONDS;
use crate::wire::{v1, v2, PaymentPayload, PaymentRequired, PaymentRequirements};

/// The JSON-RPC calls a client makes before drafting a payment of entry `index` of `required`
/// with `payer`'s family (`{url, body}`; see [`crate::family::Drafter::queries`]).
pub fn queries(required: &PaymentRequired, index: usize, payer: &Payer) -> Vec<Value> {
    match (required.accept(index), family::drafter(payer.family())) {
        (Some(a), Ok(drafter)) => drafter.queries(&a.terms()),
        _ => Vec::new(),
    }
}

/// A payment built but not yet signed.
pub struct PaymentDraft {
    accepted: PaymentRequirements,
    resource: Option<v2::ResourceInfo>,
    extensions: Option<Map<String, Value>>,
    payer: Payer,
    body: Box<dyn Draft>,
}

impl std::fmt::Debug for PaymentDraft {
    /// The terms and the payer; the family's draft shows as its digest.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentDraft")
            .field("accepted", &self.accepted)
            .field("resource", &self.resource)
            .field("extensions", &self.extensions)
            .field("payer", &self.payer)
            .field("digest", &self.body.digest())
            .finish()
    }
}

impl PaymentDraft {
    /// Builds the authorization for entry `index` of `required`, paid by `payer` at unix time `now`
    /// with a 32-byte random `nonce`. The time window follows the reference clients: `validBefore`
    /// = now + maxTimeoutSeconds; `validAfter` = 0 in EVM v2, now − 600 in EVM v1 and on Casper.
    pub fn new(
        required: &PaymentRequired,
        index: usize,
        payer: impl Into<Payer>,
        now: u64,
        nonce: [u8; 32],
    ) -> Result<Self> {
        Self::with_chain(required, index, payer, now, nonce, &[])
    }

    /// Like [`Self::new`], with the JSON-RPC answers to [`queries`] (Solana: a blockhash, a
    /// mint's account).
    pub fn with_chain(
        required: &PaymentRequired,
        index: usize,
        payer: impl Into<Payer>,
        now: u64,
        nonce: [u8; 32],
        chain: &[Value],
    ) -> Result<Self> {
        let payer = payer.into();
        let accepted = required
            .accept(index)
            .ok_or_else(|| Error::field("accepts", format!("no entry at index {index}")))?;
        let (resource, extensions) = match required {
            PaymentRequired::V1(_) => (None, None),
            PaymentRequired::V2(r) => (Some(r.resource.clone()), r.extensions.clone()),
        };
        let terms = accepted.terms();
        if !payer.family().has_scheme(terms.scheme, terms.version) {
            return Err(Error::field("scheme", format!("`{}` is not supported", terms.scheme)));
        }
        let body = family::drafter(payer.family())?.draft(&terms, &payer, now, nonce, chain)?;
        Ok(PaymentDraft { accepted, resource, extensions, payer, body })
    }

    /// The digest a local key signs.
    pub fn digest(&self) -> B256 {
        self.body.digest()
    }

    /// The typed data object to give a wallet: `eth_signTypedData_v4` on EVM; on Casper the same
    /// shape with the Casper domain and 33-byte addresses.
    pub fn typed_data(&self) -> Value {
        self.body.typed_data()
    }

    /// The signer method that signs the payment: `signTypedData`, or on Solana `signTransaction`.
    pub fn method(&self) -> &'static str {
        self.body.method()
    }

    /// What [`Self::method`] is given: the typed data, or on Solana the unsigned transaction.
    pub fn to_sign(&self) -> Value {
        self.body.to_sign()
    }

    /// The requirement being paid.
    pub fn accepted(&self) -> &PaymentRequirements {
        &self.accepted
    }

    /// Unix time (seconds) after which the signed payment is no longer valid.
    pub fn valid_before(&self) -> U256 {
        self.body.valid_before()
    }

    /// Unix time (seconds) until which the signed payment may be sent again: a facilitator
    /// refuses one with less than [`SETTLE_BUFFER_SECONDS`] left.
    pub fn reusable_until(&self) -> U256 {
        self.valid_before().saturating_sub(U256::from(SETTLE_BUFFER_SECONDS))
    }

    /// The payer the draft was built for.
    pub fn payer(&self) -> Payer {
        self.payer.clone()
    }

    /// Sets the `payment-identifier` id when the server declared the extension; returns whether it did.
    /// The id must be 16–128 characters of `[A-Za-z0-9_-]`.
    pub fn set_payment_id(&mut self, id: &str) -> Result<bool> {
        let valid = (16..=128).contains(&id.len())
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid {
            return Err(Error::field(
                "payment-identifier",
                "id must be 16-128 characters of A-Z, a-z, 0-9, - and _",
            ));
        }
        let Some(info) = self
            .extensions
            .as_mut()
            .and_then(|e| e.get_mut(PAYMENT_IDENTIFIER))
            .and_then(|ext| ext.get_mut("info"))
            .and_then(Value::as_object_mut)
            .filter(|info| info.get("required").is_some_and(Value::is_boolean))
        else {
            return Ok(false);
        };
        info.insert("id".into(), id.into());
        Ok(true)
    }

    /// Like [`Self::finish`], but first checks that `signature` is the payer's: a wallet that
    /// signed with another account would otherwise produce a payment every server refuses.
    pub fn finish_checked(self, signature: &[u8]) -> Result<PaymentPayload> {
        if let Err(detail) = self.body.check(signature) {
            return Err(Error::SignerMismatch { expected: self.payer.to_wire(), detail });
        }
        Ok(self.finish(signature))
    }

    /// The signed payment, given the payer's signature over [`Self::digest`] (on Casper, the
    /// tagged 65-byte signature).
    pub fn finish(self, signature: &[u8]) -> PaymentPayload {
        let proof = self.body.proof(signature);
        match self.accepted {
            PaymentRequirements::V1(r) => PaymentPayload::V1(v1::PaymentPayload {
                x402_version: 1,
                scheme: r.scheme,
                network: r.network,
                payload: proof,
                unknown: Map::new(),
            }),
            PaymentRequirements::V2(r) => PaymentPayload::V2(v2::PaymentPayload {
                x402_version: 2,
                resource: self.resource,
                accepted: r,
                payload: proof,
                extensions: self.extensions,
                unknown: Map::new(),
            }),
        }
    }
}
