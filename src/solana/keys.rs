//! A Solana key held in memory, which signs x402 transfers and nothing else.

use ed25519_dalek::{Signer as _, SigningKey};

use super::address::{
    is_token_program, Address, COMPUTE_BUDGET_PROGRAM, MEMO_PROGRAM, TRANSFER_CHECKED,
};
use super::transaction::{Message, Transaction};
use crate::error::{Error, Result};

/// An Ed25519 secret key; zeroized when dropped.
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// A key from its 32-byte seed, or from a 64-byte keypair (seed, then public key, as
    /// `solana-keygen` and wallets export it), whose public half must match.
    pub fn from_bytes(bytes: &[u8]) -> Result<SecretKey> {
        let seed: [u8; 32] = bytes
            .get(..32)
            .and_then(|s| s.try_into().ok())
            .filter(|_| bytes.len() == 32 || bytes.len() == 64)
            .ok_or_else(|| Error::Key(format!("{} bytes: a key is 32 or 64 bytes", bytes.len())))?;
        let key = SigningKey::from_bytes(&seed);
        if bytes.len() == 64 && bytes[32..] != key.verifying_key().to_bytes() {
            return Err(Error::Key("the keypair's public half is not its secret's".into()));
        }
        Ok(SecretKey(key))
    }

    /// A key from base58 of its 64-byte keypair (or 32-byte seed).
    pub fn from_base58(text: &str) -> Result<SecretKey> {
        let bytes = zeroize::Zeroizing::new(
            bs58::decode(text.trim())
                .into_vec()
                .map_err(|_| Error::Key("the secret is not base58".into()))?,
        );
        SecretKey::from_bytes(&bytes)
    }

    /// The address (public key).
    pub fn address(&self) -> Address {
        Address(self.0.verifying_key().to_bytes())
    }

    /// Signs `message` (raw Ed25519).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }

    /// Signs the wire transaction `wire` in this key's slot and returns it, if it is an x402
    /// transfer by this key (the layout this crate's client builds): compute budget, one
    /// `TransferChecked` with this key as its read-only authority, then Memo instructions only,
    /// and another account paying the fees.
    pub fn sign_transfer(&self, wire: &[u8]) -> Result<Vec<u8>> {
        let mut tx = Transaction::decode(wire).map_err(|e| Error::field("transaction", e))?;
        let me = self.address();
        let slot = tx.slot(&me).filter(|&s| s > 0).ok_or_else(|| {
            Error::field("transaction", format!("{me} is not a signer other than the fee payer"))
        })?;
        if !is_transfer_by(&tx.message, &me) {
            return Err(Error::field(
                "transaction",
                "this key signs x402 transfers only (compute budget, TransferChecked, memo)",
            ));
        }
        tx.signatures[slot] = self.sign(&tx.message_bytes);
        Ok(tx.encode())
    }
}

/// Whether `m` is the x402 `exact` layout with `authority` moving the tokens and doing nothing
/// else: two compute budget instructions, one `TransferChecked` whose authority it is, then Memo
/// instructions without accounts; the authority a read-only signer named by the transfer alone
/// (so no instruction can spend its SOL, or take its signature for anything else).
fn is_transfer_by(m: &Message, authority: &Address) -> bool {
    let program = |i: usize| m.instructions.get(i).and_then(|ix| m.program(ix));
    let n = m.instructions.len();
    let Some(me) = m.keys.iter().position(|k| k == authority) else { return false };
    let read_only_signer = m.is_signer(me) && !m.is_writable(me);
    let transfer_ok = m.instructions.get(2).is_some_and(|ix| {
        program(2).is_some_and(is_token_program)
            && ix.data.first() == Some(&TRANSFER_CHECKED)
            && ix.accounts.get(3).map(|&a| usize::from(a)) == Some(me)
            && ix.accounts.iter().filter(|&&a| usize::from(a) == me).count() == 1
    });
    let memo_only =
        |i: usize| program(i) == Some(&MEMO_PROGRAM) && m.instructions[i].accounts.is_empty();
    m.lookups.is_empty()
        && read_only_signer
        && (3..=7).contains(&n)
        && program(0) == Some(&COMPUTE_BUDGET_PROGRAM)
        && program(1) == Some(&COMPUTE_BUDGET_PROGRAM)
        && m.instructions[..2].iter().all(|ix| ix.accounts.is_empty())
        && transfer_ok
        && (3..n).all(memo_only)
}
