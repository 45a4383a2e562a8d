//! Chain families and their registry.
//!
//! A family is everything about the `exact` scheme that differs from one kind of chain to another:
//! which networks it serves, how its proof reads and verifies, what its payer and signatures look
//! like, what a client drafts and a server offers. Each implements [`Family`], [`Verifier`] and
//! [`Drafter`] in its own folder ([`crate::evm`], [`crate::casper`], [`crate::solana`]);
//! [`FAMILIES`] lists them, and the rest of the crate ([`crate::verify()`], [`crate::client`],
//! [`crate::server`], the JS bindings) only looks a family up here and asks it. A new family is a
//! folder that implements the three traits, and one line in `registry!` below.

use std::fmt;

use alloy_primitives::{B256, U256};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::verdict::Verdict;
use crate::wire::{v2, PaymentPayload, Terms, Version};

/// The registry, once per face: the same families, in the same order, as [`Family`] (what every
/// face asks), as [`Verifier`] and as [`Drafter`]. A trait object's vtable links every method of
/// its trait, so each face's methods live in their own trait and list: a module that never
/// verifies (the client face's) links no family's checks, and one that never drafts (the server
/// face's, the facilitator's) links no drafts.
macro_rules! registry {
    ($($(#[$cfg:meta])* $family:path),* $(,)?) => {
        /// Every family this build knows, in the order they are asked.
        pub static FAMILIES: &[&dyn Family] = &[$($(#[$cfg])* &$family),*];
        /// [`FAMILIES`] as verifiers: read only by [`verifier`].
        static VERIFIERS: &[&dyn Verifier] = &[$($(#[$cfg])* &$family),*];
        /// [`FAMILIES`] as drafters: read only by [`drafter`].
        static DRAFTERS: &[&dyn Drafter] = &[$($(#[$cfg])* &$family),*];
    };
}

registry!(
    crate::evm::Evm,
    #[cfg(feature = "casper")]
    crate::casper::Casper,
    #[cfg(feature = "solana")]
    crate::solana::Solana,
);

/// One chain family's `exact` scheme, the same interface for every family.
pub trait Family: Sync {
    /// The CAIP-2 namespace (`eip155`, `casper`): how clients and options name the family.
    fn namespace(&self) -> &'static str;

    /// Whether a payment on `network` (as a requirement of `version` writes it) is this family's
    /// to verify, before any check has run: the network's namespace, or a v1 legacy name.
    fn claims(&self, network: &str, version: Version) -> bool;

    /// Whether this family can pay and verify on `network` (CAIP-2 or a v1 legacy name).
    fn serves(&self, network: &str) -> bool;

    /// The schemes this family pays and verifies (`exact`; on EVM also `upto`, v2 only).
    fn schemes(&self) -> &'static [&'static str] {
        &["exact"]
    }

    /// Whether this family pays and verifies `scheme` in `version`.
    fn has_scheme(&self, scheme: &str, version: Version) -> bool {
        let _ = version;
        self.schemes().contains(&scheme)
    }

    /// Adds to a route's offer what its scheme always carries (EVM `upto`: Permit2 as the
    /// transfer method), before [`Family::check_offer`].
    fn complete_offer(&self, offer: &mut v2::PaymentRequirements) {
        let _ = offer;
    }

    /// What a server checks of a route's offer on this family when its table loads, so that an
    /// offer no client could pay fails at start-up.
    fn check_offer(&self, offer: &v2::PaymentRequirements) -> Result<()>;

    /// The `extra` keys of an offer of `scheme` that only its facilitator knows, read from its
    /// `/supported` kinds (Solana: `feePayer`; EVM `upto`: `facilitatorAddress`). An offer
    /// without them waits for the facilitator's answer.
    fn facilitator_extra(&self, scheme: &str) -> &'static [&'static str] {
        let _ = scheme;
        &[]
    }

    /// The payer named by `from` in this family's form (an address, a public key): `None` when
    /// the form is not this family's, an error when it is but the value is malformed.
    fn payer(&self, from: &str) -> Option<Result<Payer>>;
}

/// A family's server half: its verification. Reached only through [`verifier`].
pub trait Verifier: Family {
    /// Verifies a payment of one of its [`Family::schemes`] at unix time `now`: the proof is read once, into the
    /// family's typed payload, and the reference facilitator's checks run on it in its order, with
    /// its reason codes. A valid verdict names the payment's one-time key, and the reason a
    /// server refuses it with when it comes again.
    fn verify(&self, payload: &PaymentPayload, terms: &Terms<'_>, now: u64) -> Verdict;
}

/// A family's client half: what a client asks the chain, the draft a wallet signs, the
/// signature it returns. Reached only through [`drafter`].
pub trait Drafter: Family {
    /// The JSON-RPC calls a client makes before drafting a payment for `terms` (`{url, body}`,
    /// `url` a public endpoint or null): on Solana a blockhash and an unknown mint; none elsewhere.
    fn queries(&self, _terms: &Terms<'_>) -> Vec<Value> {
        Vec::new()
    }

    /// The unsigned payment for `terms`, paid by `payer` (of this family) at unix time `now`
    /// with a 32-byte random `nonce`; `chain` holds the JSON-RPC answers to [`Drafter::queries`].
    fn draft(
        &self,
        terms: &Terms<'_>,
        payer: &Payer,
        now: u64,
        nonce: [u8; 32],
        chain: &[Value],
    ) -> Result<Box<dyn Draft>>;

    /// A signature as this family's wallets return it, as bytes.
    fn decode_signature(&self, signature: &str) -> Result<Vec<u8>>;
}

/// An unsigned payment of one family: what a wallet signs, and the proof once it has. Not `Debug`:
/// a trait object carries every method of its trait, so each family's `Debug` would be in the
/// client's module for nothing (the [`PaymentDraft`](crate::client::PaymentDraft) around it is).
pub trait Draft: Send + Sync {
    /// The digest a local key signs (on Solana, which signs whole messages, the message's hash).
    fn digest(&self) -> B256;
    /// The typed data a wallet is given to sign.
    fn typed_data(&self) -> Value;
    /// The signer method that signs it: `signTypedData`, or on Solana `signTransaction`.
    fn method(&self) -> &'static str {
        "signTypedData"
    }
    /// What [`Draft::method`] is given: the typed data, or on Solana the unsigned transaction.
    fn to_sign(&self) -> Value {
        self.typed_data()
    }
    /// Unix time (seconds) after which the signed payment is no longer valid.
    fn valid_before(&self) -> U256;
    /// Whether `signature` is the payer's over [`Draft::digest`] (on Solana: whether the signed
    /// transaction is the payer's and pays the terms); the detail when it is not.
    fn check(&self, signature: &[u8]) -> std::result::Result<(), String>;
    /// The scheme's proof (`payload` of the PaymentPayload), carrying `signature`.
    fn proof(&self, signature: &[u8]) -> Map<String, Value>;
}

/// The family a client pays with unless told otherwise, and of a signer that names none: the
/// first in [`FAMILIES`] (EVM).
pub fn default() -> &'static dyn Family {
    FAMILIES[0]
}

/// The family that judges a payment on `network` in `version`, as its verifier.
pub fn verifier(network: &str, version: Version) -> Option<&'static dyn Verifier> {
    VERIFIERS.iter().copied().find(|f| f.claims(network, version))
}

/// `family`'s drafter (every family of [`FAMILIES`] has one: `registry!` lists them alike).
pub fn drafter(family: &dyn Family) -> Result<&'static dyn Drafter> {
    let namespace = family.namespace();
    DRAFTERS.iter().copied().find(|f| f.namespace() == namespace).ok_or_else(|| {
        Error::field("from", format!("no family of this build drafts on `{namespace}`"))
    })
}

/// The family that serves `network` (CAIP-2 or a v1 legacy name).
pub fn serving(network: &str) -> Option<&'static dyn Family> {
    FAMILIES.iter().copied().find(|f| f.serves(network))
}

/// The families a build may leave out (cargo features, named as their CAIP-2 namespaces).
const OPTIONAL: [&str; 2] = ["casper", "solana"];

/// The families this build leaves out, by namespace (and feature name).
pub fn left_out_families() -> impl Iterator<Item = &'static str> {
    OPTIONAL.into_iter().filter(|ns| by_namespace(ns).is_none())
}

/// The family that would serve `network` (CAIP-2 or a v1 legacy name, read as the families read
/// them) but that this build left out: such a network is refused by name, not taken as one no
/// family knows.
pub fn left_out(network: &str) -> Option<&'static str> {
    let caip2 = crate::network::to_caip2(network);
    let namespace = crate::network::Caip2::parse(&caip2).ok()?.namespace;
    left_out_families().find(|&ns| ns == namespace)
}

/// The family of a CAIP-2 namespace.
pub fn by_namespace(namespace: &str) -> Option<&'static dyn Family> {
    FAMILIES.iter().copied().find(|f| f.namespace() == namespace)
}

/// The namespaces of [`FAMILIES`], for messages.
pub fn namespaces() -> String {
    FAMILIES.iter().map(|f| f.namespace()).collect::<Vec<_>>().join(", ")
}

/// Who pays, in their family's form.
#[derive(Clone)]
pub struct Payer {
    family: &'static dyn Family,
    id: String,
    wire: String,
}

impl Payer {
    /// A payer of `family`: `id` is how the family reads it back (an address, a public key),
    /// `wire` how payments name it. Families make these; others read them with [`Payer::parse`].
    pub fn new(family: &'static dyn Family, id: String, wire: String) -> Self {
        Payer { family, id, wire }
    }

    /// Reads a payer in any family's form: the first family whose form `from` has decides.
    pub fn parse(from: &str) -> Result<Payer> {
        FAMILIES.iter().find_map(|f| f.payer(from)).unwrap_or_else(|| {
            Err(Error::field(
                "from",
                format!("not a payer of any family this build pays on ({})", namespaces()),
            ))
        })
    }

    /// The family the payer pays on.
    pub fn family(&self) -> &'static dyn Family {
        self.family
    }

    /// The payer in its family's form, as [`Family::payer`] reads it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The payer as a payment names it (a checksummed address; `00` + a Casper account hash).
    pub fn to_wire(&self) -> String {
        self.wire.clone()
    }
}

impl fmt::Debug for Payer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Payer({}:{})", self.family.namespace(), self.id)
    }
}

impl PartialEq for Payer {
    fn eq(&self, other: &Self) -> bool {
        self.family.namespace() == other.family.namespace() && self.id == other.id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_family_left_out_is_named_and_one_built_in_is_not() {
        // What a build with every family serves with an optional one: each is either served here
        // or named as left out, never both, never neither.
        let optional = [
            ("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", "solana"),
            ("solana-devnet", "solana"),
            ("solana", "solana"),
            ("casper:casper-test", "casper"),
        ];
        for (network, feature) in optional {
            let built = by_namespace(feature).is_some();
            assert_eq!(left_out(network), (!built).then_some(feature), "{network}");
            assert_eq!(
                serving(network).map(|f| f.namespace()),
                built.then_some(feature),
                "{network}"
            );
        }
        // What no build serves with an optional family: never named as left out.
        let long = format!("solana:{}", "a".repeat(33));
        for network in [
            "eip155:8453",
            "base",
            "cosmos:hub",
            "",
            ":",
            "casper",
            "casper:",
            "solana:",
            "solana: x",
            "solana:a:b",
            "Solana:x",
            "solana:x\n",
            &long,
        ] {
            assert_eq!(left_out(network), None, "{network:?}");
            assert!(serving(network).is_none_or(|f| f.namespace() == "eip155"), "{network:?}");
        }
        assert_eq!(
            left_out_families().collect::<Vec<_>>(),
            OPTIONAL.into_iter().filter(|ns| by_namespace(ns).is_none()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn every_family_is_found_by_its_namespace_and_serves_its_networks() {
        for f in FAMILIES {
            assert_eq!(by_namespace(f.namespace()).map(|g| g.namespace()), Some(f.namespace()));
            assert_eq!(drafter(*f).map(|d| d.namespace()).ok(), Some(f.namespace()));
        }
        let namespaces: Vec<_> = FAMILIES.iter().map(|f| f.namespace()).collect();
        assert_eq!(VERIFIERS.iter().map(|f| f.namespace()).collect::<Vec<_>>(), namespaces);
        assert_eq!(DRAFTERS.iter().map(|f| f.namespace()).collect::<Vec<_>>(), namespaces);
        assert_eq!(serving("eip155:8453").map(|f| f.namespace()), Some("eip155"));
        assert_eq!(serving("base").map(|f| f.namespace()), Some("eip155"));
        assert_eq!(verifier("base", Version::V1).map(|f| f.namespace()), Some("eip155"));
        assert_eq!(verifier("atlantis", Version::V1).map(|f| f.namespace()), Some("eip155"));
        assert!(verifier("eip155:8453", Version::V1).is_none(), "v1 names networks by legacy name");
        // A v1 name no registered family serves is EVM's to refuse, in its checks' order.
        assert_eq!(verifier("tron", Version::V1).map(|f| f.namespace()), Some("eip155"));
        for network in ["eip155:01", "atlantis"] {
            assert!(serving(network).is_none(), "{network}");
        }
        #[cfg(feature = "casper")]
        {
            assert_eq!(serving("casper:casper-test").map(|f| f.namespace()), Some("casper"));
            assert!(serving("casper:").is_none());
            assert!(verifier("casper:casper-test", Version::V1).is_none(), "Casper is v2 only");
        }
        #[cfg(feature = "solana")]
        {
            let mainnet = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp";
            assert_eq!(serving(mainnet).map(|f| f.namespace()), Some("solana"));
            assert_eq!(
                verifier("solana-devnet", Version::V1).map(|f| f.namespace()),
                Some("solana")
            );
            assert_eq!(verifier(mainnet, Version::V2).map(|f| f.namespace()), Some("solana"));
        }
        assert!(Payer::parse("nobody").is_err());
    }
}
