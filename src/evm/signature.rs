//! secp256k1 signatures as Ethereum uses them: 65-byte `r‖s‖v`, recovery, EIP-55 addresses.

use alloy_primitives::{Address, B256};
use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use sha3::{Digest, Keccak256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Why a signature could not yield a signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// Not hex, or not 65 bytes.
    #[error("signature must be 65 bytes of hex (r, s, v), got {0} characters")]
    Encoding(usize),
    /// `v` outside {0, 1, 27, 28}.
    #[error("recovery byte v = {0} is not 0, 1, 27 or 28")]
    RecoveryByte(u8),
    /// `s` in the upper half of the curve order: malleable, and refused by USDC on chain.
    #[error("s is in the upper half of the curve order (malleable signature)")]
    HighS,
    /// `r` or `s` zero or not below the curve order, or no point for `r`.
    #[error("r and s do not form a valid secp256k1 signature")]
    Invalid,
}

/// Decodes `0x`-prefixed (or bare) hex of exactly 65 bytes.
pub fn decode_signature(hex: &str) -> Result<[u8; 65], SignatureError> {
    let digits = hex.strip_prefix("0x").unwrap_or(hex);
    let mut out = [0u8; 65];
    alloy_primitives::hex::decode_to_slice(digits, &mut out)
        .map_err(|_| SignatureError::Encoding(hex.len()))?;
    Ok(out)
}

/// The address that signed `digest`, from a 65-byte `r‖s‖v` signature.
///
/// Stricter than bare `ecrecover` in one way: high-s signatures are refused, because the tokens
/// x402 settles on (USDC's `ECRecover`) refuse them and a local "valid" would fail on chain.
pub fn recover(digest: &B256, sig: &[u8; 65]) -> Result<Address, SignatureError> {
    let v = sig[64];
    let recid = match v {
        0 | 27 => 0,
        1 | 28 => 1,
        other => return Err(SignatureError::RecoveryByte(other)),
    };
    let signature = Signature::from_slice(&sig[..64]).map_err(|_| SignatureError::Invalid)?;
    if signature.normalize_s() != signature {
        return Err(SignatureError::HighS);
    }
    let recid = RecoveryId::from_byte(recid).ok_or(SignatureError::Invalid)?;
    let key = VerifyingKey::recover_from_prehash(digest.as_slice(), &signature, recid)
        .map_err(|_| SignatureError::Invalid)?;
    Ok(address_of(&key))
}

/// The Ethereum address of a public key: the last 20 bytes of keccak256 of its 64-byte point.
pub fn address_of(key: &VerifyingKey) -> Address {
    let point = key.to_sec1_point(false);
    let hash = Keccak256::digest(&point.as_bytes()[1..]);
    Address::from_slice(&hash[12..])
}

/// Parses an address, requiring a correct EIP-55 checksum when the hex is mixed-case
/// (all-lowercase and all-uppercase hex carry no checksum and are accepted).
pub fn parse_address(s: &str) -> Option<Address> {
    let digits = s.strip_prefix("0x")?;
    if digits.len() != 40 {
        return None;
    }
    let address: Address = digits.parse().ok()?;
    let has_lower = digits.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = digits.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper && address.to_checksum(None)[2..] != *digits {
        return None;
    }
    Some(address)
}

/// A secp256k1 private key that signs EIP-712 digests. Zeroized when dropped.
pub struct PrivateKey {
    key: SigningKey,
    address: Address,
}

impl PrivateKey {
    /// Reads 32 bytes of hex, with or without `0x`.
    pub fn from_hex(hex: &str) -> Result<Self> {
        let digits = hex.strip_prefix("0x").unwrap_or(hex);
        let mut bytes = Zeroizing::new([0u8; 32]);
        alloy_primitives::hex::decode_to_slice(digits, bytes.as_mut())
            .map_err(|_| Error::Key("expected 32 bytes of hex".into()))?;
        Self::from_bytes(&bytes)
    }

    /// Uses 32 big-endian bytes as the secret scalar.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self> {
        let key = SigningKey::from_slice(bytes).map_err(|_| {
            Error::Key("not a valid secp256k1 secret (zero or not below the curve order)".into())
        })?;
        let address = address_of(key.verifying_key());
        Ok(PrivateKey { key, address })
    }

    /// The address this key signs for.
    pub fn address(&self) -> Address {
        self.address
    }

    /// Signs a 32-byte digest deterministically (RFC 6979), low-s, `v` = 27 or 28.
    pub fn sign_digest(&self, digest: &B256) -> [u8; 65] {
        let (signature, recid) = self.key.sign_prehash_recoverable(digest.as_slice());
        // k256 normalizes s and adjusts the recovery id to match; normalizing again is a no-op
        // kept as a guard, since a high-s signature would fail on chain.
        let normalized = signature.normalize_s();
        let flip = normalized != signature;
        let mut out = [0u8; 65];
        out[..64].copy_from_slice(&normalized.to_bytes());
        out[64] = 27 + (u8::from(recid.is_y_odd()) ^ u8::from(flip));
        out
    }
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKey").field("address", &self.address).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256, hex};

    const ANVIL0: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    #[test]
    fn key_address_and_rfc6979_vector() {
        let key = PrivateKey::from_hex(ANVIL0).unwrap();
        assert_eq!(key.address(), address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"));
        // The shared digest's own vector: anvil key #0 over a fixed authorization.
        let digest = b256!("04939674e280fc22698fadbef639dcb6a0b111b7923c6f430a88e37ce611ebb0");
        let sig = key.sign_digest(&digest);
        assert_eq!(
            hex::encode_prefixed(sig),
            "0xc88ca0db5c38360973435b44f7ef07098ec67ffefcc930ee9ff52db80b94b91147bbea5fa1d74f9960b30d2d0f4064155f72e3ed8408451bdb2a2e16c5806f6b1c"
        );
        assert_eq!(recover(&digest, &sig).unwrap(), key.address());
    }

    #[test]
    fn refuses_malleable_and_malformed() {
        let key = PrivateKey::from_hex(ANVIL0).unwrap();
        let digest = B256::repeat_byte(7);
        let mut sig = key.sign_digest(&digest);
        // v in both conventions.
        let mut v01 = sig;
        v01[64] -= 27;
        assert_eq!(recover(&digest, &v01).unwrap(), key.address());
        let mut bad_v = sig;
        bad_v[64] = 29;
        assert_eq!(recover(&digest, &bad_v), Err(SignatureError::RecoveryByte(29)));
        // s' = n - s with v flipped recovers the same key in plain ecrecover; we refuse it.
        let high = crate::test_support::high_s(&sig[32..64]);
        sig[32..64].copy_from_slice(&high);
        sig[64] = 55 - sig[64]; // 27 <-> 28
        assert_eq!(recover(&digest, &sig), Err(SignatureError::HighS));
        assert_eq!(recover(&digest, &[0u8; 65]), Err(SignatureError::Invalid));
        assert!(decode_signature("0x1234").is_err());
        assert!(decode_signature(&format!("0x{}", "zz".repeat(65))).is_err());
        assert!(PrivateKey::from_hex(&"00".repeat(32)).is_err());
        assert!(PrivateKey::from_hex("0x12").is_err());
    }

    #[test]
    fn eip55() {
        let a = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        assert!(parse_address(a).is_some());
        assert!(parse_address(&a.to_lowercase()).is_some());
        assert!(parse_address(&a.to_uppercase().replacen("0X", "0x", 1)).is_some());
        assert!(parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD").is_none());
        assert!(parse_address("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").is_none());
        assert!(parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe").is_none());
    }
}
