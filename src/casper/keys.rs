//! Casper keys: tagged public keys, account hashes, and signatures as Casper makes them.
//!
//! A Casper public key is an algorithm tag and the raw key: `01` ‖ 32-byte ed25519, or `02` ‖
//! 33-byte compressed secp256k1. A signature is the same tag ‖ 64 bytes. ed25519 signs the message
//! itself; secp256k1 signs SHA-256 of the message (ECDSA, low-s, no recovery byte).

use blake2::{Blake2b256, Digest};
use k256::ecdsa::signature::{Signer as _, Verifier as _};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// A Casper signature algorithm, by its tag byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// Tag `01`.
    Ed25519,
    /// Tag `02`.
    Secp256k1,
}

impl Algorithm {
    /// The tag byte that prefixes keys and signatures.
    pub fn tag(self) -> u8 {
        match self {
            Algorithm::Ed25519 => 1,
            Algorithm::Secp256k1 => 2,
        }
    }

    fn from_tag(tag: u8) -> Option<Self> {
        match tag {
            1 => Some(Algorithm::Ed25519),
            2 => Some(Algorithm::Secp256k1),
            _ => None,
        }
    }

    /// The lowercase name, as hashed into an account hash and accepted by [`Algorithm::from_name`].
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "ed25519",
            Algorithm::Secp256k1 => "secp256k1",
        }
    }

    /// `ed25519` or `secp256k1`, any case.
    pub fn from_name(name: &str) -> Option<Self> {
        [Algorithm::Ed25519, Algorithm::Secp256k1]
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
    }
}

/// Why a Casper signature does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// Not 65 bytes of hex.
    #[error("signature must be 65 bytes of hex (algorithm tag and 64 bytes), got {0} characters")]
    Encoding(usize),
    /// The signature's tag is not the public key's algorithm.
    #[error("signature tag {0:#04x} does not match the public key's algorithm")]
    TagMismatch(u8),
    /// A secp256k1 `s` in the upper half of the curve order, which Casper's own verifier refuses.
    #[error("s is in the upper half of the curve order (malleable signature)")]
    HighS,
    /// The signature is not the key's over the message.
    #[error("signature does not verify against the public key")]
    Invalid,
}

/// A Casper public key.
#[derive(Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// An ed25519 key.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// A secp256k1 key.
    Secp256k1(k256::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// Parses tagged hex (`01` + 64 hex, or `02` + 66 hex of a compressed point), any case, no `0x`.
    pub fn from_hex(hex: &str) -> Result<Self, String> {
        let bytes =
            alloy_primitives::hex::decode(hex).map_err(|_| "public key is not hex".to_owned())?;
        let (&tag, raw) = bytes.split_first().ok_or("public key is empty")?;
        match Algorithm::from_tag(tag) {
            Some(Algorithm::Ed25519) => {
                let raw: &[u8; 32] = raw
                    .try_into()
                    .map_err(|_| "an ed25519 public key is 32 bytes after its tag")?;
                ed25519_dalek::VerifyingKey::from_bytes(raw)
                    .map(PublicKey::Ed25519)
                    .map_err(|_| "not an ed25519 point".to_owned())
            }
            Some(Algorithm::Secp256k1) => {
                if raw.len() != 33 {
                    return Err(
                        "a secp256k1 public key is 33 bytes (compressed) after its tag".into()
                    );
                }
                k256::ecdsa::VerifyingKey::from_sec1_bytes(raw)
                    .map(PublicKey::Secp256k1)
                    .map_err(|_| "not a secp256k1 point".to_owned())
            }
            None => Err(format!("unknown public key algorithm tag {tag:#04x}")),
        }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            PublicKey::Ed25519(_) => Algorithm::Ed25519,
            PublicKey::Secp256k1(_) => Algorithm::Secp256k1,
        }
    }

    fn raw(&self) -> Vec<u8> {
        match self {
            PublicKey::Ed25519(k) => k.as_bytes().to_vec(),
            PublicKey::Secp256k1(k) => k.to_sec1_point(true).as_bytes().to_vec(),
        }
    }

    /// Tagged lowercase hex, as Casper writes it.
    pub fn to_hex(&self) -> String {
        let mut tagged = vec![self.algorithm().tag()];
        tagged.extend(self.raw());
        alloy_primitives::hex::encode(tagged)
    }

    /// The account hash: BLAKE2b-256 of the algorithm's name, a zero byte and the raw key.
    pub fn account_hash(&self) -> [u8; 32] {
        let mut h = Blake2b256::new();
        h.update(self.algorithm().name().as_bytes());
        h.update([0u8]);
        h.update(self.raw());
        h.finalize().into()
    }

    /// The account as x402 names a payer: `00` (the account tag) + the account hash, lowercase hex.
    pub fn account(&self) -> String {
        format!("00{}", alloy_primitives::hex::encode(self.account_hash()))
    }

    /// Checks a tagged 65-byte `signature` over `message` (for x402, the EIP-712 digest).
    pub fn verify(&self, message: &[u8], signature: &[u8; 65]) -> Result<(), SignatureError> {
        if signature[0] != self.algorithm().tag() {
            return Err(SignatureError::TagMismatch(signature[0]));
        }
        let raw: &[u8; 64] = signature[1..].try_into().map_err(|_| SignatureError::Invalid)?;
        match self {
            PublicKey::Ed25519(key) => key
                .verify_strict(message, &ed25519_dalek::Signature::from_bytes(raw))
                .map_err(|_| SignatureError::Invalid),
            PublicKey::Secp256k1(key) => {
                let sig =
                    k256::ecdsa::Signature::from_slice(raw).map_err(|_| SignatureError::Invalid)?;
                if sig.normalize_s() != sig {
                    return Err(SignatureError::HighS);
                }
                key.verify(message, &sig).map_err(|_| SignatureError::Invalid)
            }
        }
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

/// Decodes a tagged 65-byte signature from hex (no `0x`, as Casper writes it; `0x` is tolerated).
pub fn decode_signature(hex: &str) -> Result<[u8; 65], SignatureError> {
    let mut out = [0u8; 65];
    alloy_primitives::hex::decode_to_slice(hex.strip_prefix("0x").unwrap_or(hex), &mut out)
        .map_err(|_| SignatureError::Encoding(hex.len()))?;
    Ok(out)
}

/// A Casper secret key that signs x402 digests. Zeroized when dropped.
pub enum SecretKey {
    /// An ed25519 seed.
    Ed25519(ed25519_dalek::SigningKey),
    /// A secp256k1 scalar.
    Secp256k1(k256::ecdsa::SigningKey),
}

impl SecretKey {
    /// Reads 32 bytes of hex (with or without `0x`) as a key of `algorithm`.
    pub fn from_hex(algorithm: Algorithm, hex: &str) -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        alloy_primitives::hex::decode_to_slice(
            hex.strip_prefix("0x").unwrap_or(hex),
            bytes.as_mut(),
        )
        .map_err(|_| Error::Key("expected 32 bytes of hex".into()))?;
        match algorithm {
            Algorithm::Ed25519 => {
                Ok(SecretKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&bytes)))
            }
            Algorithm::Secp256k1 => k256::ecdsa::SigningKey::from_slice(bytes.as_ref())
                .map(SecretKey::Secp256k1)
                .map_err(|_| {
                    Error::Key(
                        "not a valid secp256k1 secret (zero or not below the curve order)".into(),
                    )
                }),
        }
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        match self {
            SecretKey::Ed25519(k) => PublicKey::Ed25519(k.verifying_key()),
            SecretKey::Secp256k1(k) => PublicKey::Secp256k1(*k.verifying_key()),
        }
    }

    /// Signs `message` as Casper does; returns the tagged 65-byte signature.
    pub fn sign(&self, message: &[u8]) -> [u8; 65] {
        let mut out = [0u8; 65];
        match self {
            SecretKey::Ed25519(k) => {
                out[0] = Algorithm::Ed25519.tag();
                out[1..].copy_from_slice(&ed25519_dalek::Signer::sign(k, message).to_bytes());
            }
            SecretKey::Secp256k1(k) => {
                // RFC 6979 over SHA-256(message); k256 returns s already low.
                let sig: k256::ecdsa::Signature = k.sign(message);
                out[0] = Algorithm::Secp256k1.tag();
                out[1..].copy_from_slice(&sig.normalize_s().to_bytes());
            }
        }
        out
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretKey").field("public_key", &self.public_key()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_hash_vector_of_the_casper_sdk() {
        let key = PublicKey::from_hex(
            "015a372b0e230bf9393e2df0b3de857bb0e17370884bb881f840cb1482bb2922cf",
        )
        .unwrap();
        assert_eq!(
            alloy_primitives::hex::encode(key.account_hash()),
            "ba81d84377c5a6c285febca972fe4b531e146cb0fc0f7a5cb9f0e974fc2f6367"
        );
        assert_eq!(
            key.to_hex(),
            "015a372b0e230bf9393e2df0b3de857bb0e17370884bb881f840cb1482bb2922cf"
        );
    }

    #[test]
    fn secp256k1_signature_vector_of_the_casper_sdk() {
        // The Go SDK's test: ECDSA over SHA-256 of a message, r‖s without tag.
        let key = PublicKey::from_hex(
            "0203a0cfb64a420751875e25372050e884b4017bad8cc5b038c7c3e24261d2b09712",
        )
        .unwrap();
        let message = "Casper Message:\n{\"email\":\"evgeniy@make.services\",\"format_id\":2,\"public_key\":\"0203a0cfb64a420751875e25372050e884b4017bad8cc5b038c7c3e24261d2b09712\",\"start_of_period\":\"2022-01-01T00:00:00.000Z\",\"tax_period_id\":5}";
        let sig = decode_signature("02cb211fe5e7d2a8fd12c020200bd7fab809587b9468d99d2c316545832e09f8b27e346768f99df77d7c0e5436943ff5cc18fb2cc0eef1ed6f894dde5ff1044ad3").unwrap();
        assert_eq!(key.verify(message.as_bytes(), &sig), Ok(()));
        assert_eq!(key.verify(b"another message", &sig), Err(SignatureError::Invalid));
        let mut ed_tag = sig;
        ed_tag[0] = 1;
        assert_eq!(key.verify(message.as_bytes(), &ed_tag), Err(SignatureError::TagMismatch(1)));
    }

    #[test]
    fn sign_verify_both_algorithms_and_refuse_malleated() {
        for algorithm in [Algorithm::Ed25519, Algorithm::Secp256k1] {
            let key = SecretKey::from_hex(algorithm, &"22".repeat(32)).unwrap();
            let public = key.public_key();
            assert_eq!(PublicKey::from_hex(&public.to_hex()).unwrap(), public);
            let sig = key.sign(&[7u8; 32]);
            assert_eq!(sig, key.sign(&[7u8; 32]), "deterministic");
            assert_eq!(public.verify(&[7u8; 32], &sig), Ok(()));
            assert_eq!(public.verify(&[8u8; 32], &sig), Err(SignatureError::Invalid));
        }
        let key = SecretKey::from_hex(Algorithm::Secp256k1, &"22".repeat(32)).unwrap();
        let mut sig = key.sign(&[7u8; 32]);
        let high = crate::test_support::high_s(&sig[33..65]);
        sig[33..65].copy_from_slice(&high);
        assert_eq!(key.public_key().verify(&[7u8; 32], &sig), Err(SignatureError::HighS));
    }

    #[test]
    fn malformed_keys_are_errors() {
        for bad in [
            "",
            "01",
            "zz",
            "03aa",
            &format!("01{}", "00".repeat(31)),
            &format!("02{}", "00".repeat(33)),
            &format!("01{}00", "5a".repeat(32)),
        ] {
            assert!(PublicKey::from_hex(bad).is_err(), "{bad}");
        }
        assert!(SecretKey::from_hex(Algorithm::Secp256k1, &"00".repeat(32)).is_err());
        assert!(SecretKey::from_hex(Algorithm::Ed25519, "0x12").is_err());
        assert_eq!(Algorithm::from_name("ED25519"), Some(Algorithm::Ed25519));
        assert_eq!(Algorithm::from_name("rsa"), None);
    }
}
