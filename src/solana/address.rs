//! Solana addresses: 32 bytes written in base58, and the program-derived addresses of token
//! accounts.

use std::fmt;

use curve25519_dalek::edwards::CompressedEdwardsY;
use sha2::{Digest, Sha256};

/// A 32-byte account address (an Ed25519 public key, or a program-derived address).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Address(pub [u8; 32]);

impl Address {
    /// Reads base58 of exactly 32 bytes.
    pub fn parse(s: &str) -> Result<Address, String> {
        let mut out = [0u8; 32];
        match bs58::decode(s).onto(&mut out) {
            Ok(32) => Ok(Address(out)),
            Ok(n) => Err(format!("`{s}` is {n} bytes of base58, not a 32-byte address")),
            Err(e) => Err(format!("`{s}` is not a base58 address: {e}")),
        }
    }

    /// A constant address, from base58 known to be valid.
    const fn known(bytes: [u8; 32]) -> Address {
        Address(bytes)
    }

    /// Whether the bytes are a point on the Ed25519 curve: program-derived addresses are not.
    pub fn is_on_curve(&self) -> bool {
        CompressedEdwardsY(self.0).decompress().is_some()
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bs58::encode(self.0).into_string())
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({self})")
    }
}

/// The SPL Token program, `TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA`.
pub const TOKEN_PROGRAM: Address =
    Address::known(hex32("06ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b37913a8cf5857eff00a9"));
/// The Token-2022 program, `TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb`.
pub const TOKEN_2022_PROGRAM: Address =
    Address::known(hex32("06ddf6e1ee758fde18425dbce46ccddab61afc4d83b90d27febdf928d8a18bfc"));
/// The associated token account program, `ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL`.
pub const ASSOCIATED_TOKEN_PROGRAM: Address =
    Address::known(hex32("8c97258f4e2489f1bb3d1029148e0d830b5a1399daff1084048e7bd8dbe9f859"));
/// The compute budget program, `ComputeBudget111111111111111111111111111111`.
pub const COMPUTE_BUDGET_PROGRAM: Address =
    Address::known(hex32("0306466fe5211732ffecadba72c39be7bc8ce5bbc5f7126b2c439b3a40000000"));
/// The Memo program (v3), `MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr`.
pub const MEMO_PROGRAM: Address =
    Address::known(hex32("054a535a992921064d24e87160da387c7c35b5ddbc92bb81e41fa8404105448d"));
/// Lighthouse, whose assertions Phantom and Solflare add, `L2TExMFKdjpN9kozasaurPirfHy9P8sbXoAN1qA3S95`.
pub const LIGHTHOUSE_PROGRAM: Address =
    Address::known(hex32("04dfad7962ffb1dd925d0a9fb5e6d00ce6195ba8bb3a91fd07ef9860c5e97bb8"));

/// Whether `program` is one of the token programs (SPL Token, Token-2022).
pub fn is_token_program(program: &Address) -> bool {
    *program == TOKEN_PROGRAM || *program == TOKEN_2022_PROGRAM
}

/// The token programs' `TransferChecked` instruction: `[12, amount u64 LE, decimals u8]`.
pub const TRANSFER_CHECKED: u8 = 12;
/// The compute budget's `SetComputeUnitLimit`: `[2, units u32 LE]`.
pub const SET_COMPUTE_UNIT_LIMIT: u8 = 2;
/// The compute budget's `SetComputeUnitPrice`: `[3, micro-lamports u64 LE]`.
pub const SET_COMPUTE_UNIT_PRICE: u8 = 3;

/// 64 hex digits as bytes, at compile time.
const fn hex32(s: &str) -> [u8; 32] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => panic!("not lowercase hex"),
        }
    }
    let b = s.as_bytes();
    assert!(b.len() == 64, "64 hex digits");
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = nibble(b[2 * i]) << 4 | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

/// The program-derived address of `seeds` under `program`, with its bump: the first of bumps
/// 255, 254, … whose hash is off the curve (as `find_program_address` does).
pub fn find_program_address(seeds: &[&[u8]], program: &Address) -> Option<(Address, u8)> {
    (0..=255u8).rev().find_map(|bump| {
        let mut h = Sha256::new();
        for seed in seeds {
            h.update(seed);
        }
        h.update([bump]);
        h.update(program.0);
        h.update(b"ProgramDerivedAddress");
        let candidate = Address(h.finalize().into());
        (!candidate.is_on_curve()).then_some((candidate, bump))
    })
}

/// The associated token account of `owner` for `mint` under `token_program`.
pub fn associated_token_account(
    owner: &Address,
    token_program: &Address,
    mint: &Address,
) -> Address {
    find_program_address(&[&owner.0, &token_program.0, &mint.0], &ASSOCIATED_TOKEN_PROGRAM)
        // Each bump is an independent hash, each on the curve with probability about 1/2: all 256
        // on it does not happen.
        .map_or(Address([0; 32]), |(a, _)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_ids_are_their_base58() {
        for (a, s) in [
            (TOKEN_PROGRAM, "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"),
            (TOKEN_2022_PROGRAM, "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb"),
            (ASSOCIATED_TOKEN_PROGRAM, "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL"),
            (COMPUTE_BUDGET_PROGRAM, "ComputeBudget111111111111111111111111111111"),
            (MEMO_PROGRAM, "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr"),
            (LIGHTHOUSE_PROGRAM, "L2TExMFKdjpN9kozasaurPirfHy9P8sbXoAN1qA3S95"),
        ] {
            assert_eq!(a.to_string(), s);
            assert_eq!(Address::parse(s).unwrap(), a);
        }
    }

    #[test]
    fn parse_refuses_what_is_not_32_bytes_of_base58() {
        for bad in ["", "0OIl", "11111111111111111111111111111111111111111111111", "abc"] {
            assert!(Address::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Address::parse("11111111111111111111111111111111").unwrap(), Address([0; 32]));
    }
}
