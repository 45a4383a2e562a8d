//! The `exact` scheme on Casper networks (`casper:*`, x402 v2): CEP-18 tokens moved by an
//! EIP-712 `TransferWithAuthorization` signed with a Casper key, as CSPR.cloud's facilitator
//! (`make-software/casper-x402`) speaks it.
//!
//! On the wire every field is a string and hex carries no `0x`: `asset` is the token's contract
//! package hash (64 hex), `payTo` and `from` are tagged account hashes (`00` + 64 hex), `nonce` is
//! 64 hex, and the payload carries the signer's `publicKey` beside a tagged 65-byte `signature`.

pub mod eip712;
pub mod keys;
mod verify;

use serde::{Deserialize, Serialize};

pub use verify::verify_exact;

/// Decimals of a Casper token when the requirement does not say (the reference server's default).
pub const DEFAULT_DECIMALS: u8 = 9;

/// `payload` of a Casper payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload {
    /// Algorithm tag and 64-byte signature over the EIP-712 digest, hex.
    pub signature: String,
    /// The signer's tagged public key, hex.
    pub public_key: String,
    /// The signed authorization: EIP-3009's fields, in Casper's forms (`from` is `00` + an account
    /// hash, `nonce` 64 hex without `0x`; `to` and `value` are `payTo` and `amount` verbatim).
    pub authorization: crate::evm::Authorization,
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
