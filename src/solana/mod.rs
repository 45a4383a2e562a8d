//! The `exact` scheme on Solana (`solana:*`, and the v1 names `solana`, `solana-devnet`,
//! `solana-testnet`): an SPL Token or Token-2022 `TransferChecked` in a transaction whose fee
//! the facilitator pays, as `@x402/svm` builds and checks it.
//!
//! The payload is `{transaction}`: base64 of a wire transaction the payer has signed and the
//! facilitator (its fee payer, `extra.feePayer`, at index 0) signs last and sends. The reference
//! client's layout is `SetComputeUnitLimit`, `SetComputeUnitPrice`, `TransferChecked` between the
//! associated token accounts of payer and `payTo`, and a Memo; wallets may add Lighthouse
//! assertions after it.

pub mod address;
mod draft;
pub mod keys;
pub mod transaction;
mod verify;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub(crate) mod wasm;

use serde::Serialize;
use serde_json::Value;

pub use verify::{message_hash, verify_exact, MAX_COMPUTE_UNIT_PRICE, SETTLEMENT_TTL_SECONDS};

use crate::error::{Error, Result};
use crate::family::{Draft, Drafter, Family, Payer, Verifier};
use crate::network::Caip2;
use crate::verdict::Verdict;
use crate::wire::{v2, PaymentPayload, Terms, Version};
use address::Address;

/// The CAIP-2 namespace of Solana networks.
pub const NAMESPACE: &str = "solana";

/// The known Solana networks: CAIP-2 id (whose v1 name is in [`crate::network::LEGACY_OTHER`]),
/// the public RPC endpoint the reference client defaults to, and the Wallet Standard chain.
const NETWORKS: [(&str, &str, &str); 3] = [
    (
        "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp",
        "https://api.mainnet-beta.solana.com",
        "solana:mainnet",
    ),
    ("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", "https://api.devnet.solana.com", "solana:devnet"),
    ("solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z", "https://api.testnet.solana.com", "solana:testnet"),
];

/// The known network `network` names (CAIP-2 or a v1 name).
fn known(network: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    let caip2 = crate::network::to_caip2(network);
    NETWORKS.iter().find(|(id, _, _)| *id == caip2)
}

/// Whether `network` is the v1 name of a Solana network.
fn is_legacy_name(network: &str) -> bool {
    !network.contains(':') && known(network).is_some()
}

/// The compute unit limit the reference client sets.
pub const COMPUTE_UNIT_LIMIT: u32 = 20_000;
/// The compute unit price the reference client sets, in micro-lamports.
pub const COMPUTE_UNIT_PRICE: u64 = 1;

/// The Solana family: `solana:*` networks, x402 v1 and v2.
#[derive(Debug, Clone, Copy)]
pub struct Solana;

impl Family for Solana {
    fn namespace(&self) -> &'static str {
        NAMESPACE
    }

    fn claims(&self, network: &str, version: Version) -> bool {
        match version {
            Version::V1 => is_legacy_name(network),
            Version::V2 => network.split_once(':').is_some_and(|(ns, _)| ns == NAMESPACE),
        }
    }

    fn serves(&self, network: &str) -> bool {
        is_legacy_name(network) || Caip2::parse(network).is_ok_and(|c| c.namespace == NAMESPACE)
    }

    /// A mint and an owner that are addresses, a fee payer that is one when the route names it
    /// (else the server asks the facilitator's `/supported`), a memo that a client can write.
    fn check_offer(&self, offer: &v2::PaymentRequirements) -> Result<()> {
        Address::parse(&offer.asset).map_err(|e| Error::field("asset", e))?;
        Address::parse(&offer.pay_to).map_err(|e| Error::field("payTo", e))?;
        let extra = offer.extra.as_ref();
        if let Some(fee_payer) = extra.and_then(|e| e.get("feePayer")) {
            fee_payer
                .as_str()
                .ok_or_else(|| "extra.feePayer must be a string".to_owned())
                .and_then(Address::parse)
                .map_err(|e| Error::field("extra.feePayer", e))?;
        }
        match extra.and_then(|e| e.get("memo")) {
            None | Some(Value::Null) => {}
            Some(Value::String(m)) if m.len() <= verify::MAX_MEMO_BYTES => {}
            Some(_) => {
                return Err(Error::field("extra.memo", "a string of at most 256 bytes"));
            }
        }
        Ok(())
    }

    fn facilitator_extra(&self, _scheme: &str) -> &'static [&'static str] {
        &["feePayer"]
    }

    fn payer(&self, from: &str) -> Option<Result<Payer>> {
        Address::parse(from).ok().map(|a| Ok(Payer::from(a)))
    }
}

impl Verifier for Solana {
    fn verify(&self, payload: &PaymentPayload, terms: &Terms<'_>, now: u64) -> Verdict {
        verify_exact(payload, terms, now)
    }
}

impl Drafter for Solana {
    fn queries(&self, terms: &Terms<'_>) -> Vec<Value> {
        draft::queries(terms)
    }

    fn draft(
        &self,
        terms: &Terms<'_>,
        payer: &Payer,
        now: u64,
        nonce: [u8; 32],
        chain: &[Value],
    ) -> Result<Box<dyn Draft>> {
        if !self.claims(terms.network, terms.version) || !self.serves(terms.network) {
            return Err(Error::Network(terms.network.to_owned()));
        }
        let payer = Address::parse(payer.id()).map_err(|e| Error::field("from", e))?;
        Ok(Box::new(draft::SolanaDraft::new(terms, payer, now, nonce, chain)?))
    }

    /// A signed transaction, base64 (what a wallet's `signTransaction` gives back).
    fn decode_signature(&self, signature: &str) -> Result<Vec<u8>> {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(signature.as_bytes())
            .map_err(|e| Error::field("transaction", format!("not base64: {e}")))
    }
}

impl From<Address> for Payer {
    fn from(address: Address) -> Self {
        let text = address.to_string();
        Payer::new(&Solana, text.clone(), text)
    }
}

/// The public RPC endpoint of a known network, which the reference client also defaults to.
pub fn default_rpc_url(network: &str) -> Option<&'static str> {
    known(network).map(|&(_, rpc, _)| rpc)
}

/// The Wallet Standard chain of a known network (`solana:mainnet`, `solana:devnet`,
/// `solana:testnet`): what a wallet is told the transaction is for.
pub fn wallet_chain(network: &str) -> Option<&'static str> {
    known(network).map(|&(_, _, chain)| chain)
}

/// `payload` of a Solana payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payload {
    /// Base64 of the wire transaction, signed by all but the fee payer.
    pub transaction: String,
}

impl Payload {
    /// Reads `payload`; the error says which field is missing or of the wrong kind.
    pub fn read(proof: &serde_json::Map<String, Value>) -> Result<Self, String> {
        crate::fields::read_proof(proof, |mut f| {
            Ok(Payload { transaction: f.string("transaction")? })
        })
    }
}
