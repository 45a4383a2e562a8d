//! Helpers for the unit tests (the integration tests have theirs in tests/common).

use alloy_primitives::U256;

/// The order of secp256k1.
const SECP256K1_N: [u8; 32] =
    alloy_primitives::hex!("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");

/// The high-s twin of a signature's `s`: n − s, which plain ecrecover also accepts.
pub(crate) fn high_s(s: &[u8]) -> [u8; 32] {
    (U256::from_be_bytes(SECP256K1_N) - U256::from_be_slice(s)).to_be_bytes()
}
