//! The `exact` scheme's checks on Solana, in the reference facilitator's order and with its codes.
//!
//! Checks 1–19 of the reference run here; the last, simulation, needs RPC and is left to the
//! facilitator ([`Deferred::Simulation`]). So is whether `extra.feePayer` is one of the
//! facilitator's keys: a server verifies against its own offer, whose fee payer the facilitator
//! named. Where the reference's decoder is lenient and the chain is not, this refuses: an index
//! past the keys cannot be decoded; bytes after the message (the reference's signature check
//! covers them) are refused after its checks; a key listed twice, a transfer whose authority does
//! not sign or whose token accounts are read-only, fail after its checks as its simulation would;
//! a transaction over the 1232 bytes a validator takes fails so before any signature is checked;
//! compute budget data longer than its value is malformed.

use alloy_primitives::U256;
use base64::Engine as _;
use ed25519_dalek::{Signature, VerifyingKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::address::{
    associated_token_account, is_token_program, Address, COMPUTE_BUDGET_PROGRAM,
    LIGHTHOUSE_PROGRAM, MEMO_PROGRAM, SET_COMPUTE_UNIT_LIMIT, SET_COMPUTE_UNIT_PRICE,
    TOKEN_PROGRAM, TRANSFER_CHECKED,
};
use super::transaction::{Message, Transaction};
use super::Payload;
use crate::reason::Reason;
use crate::verdict::{Deferred, Replay, Verdict};
use crate::wire::{PaymentPayload, Terms, Version};

/// The highest compute unit price the reference accepts, in micro-lamports (5 lamports per unit).
pub const MAX_COMPUTE_UNIT_PRICE: u64 = 5_000_000;
/// The most bytes `extra.memo` may have (the reference client's limit).
pub const MAX_MEMO_BYTES: usize = 256;
/// How long a verified transaction's key is kept (the reference facilitator's settlement cache):
/// longer than a blockhash lives, so the transaction cannot land after its key is dropped.
pub const SETTLEMENT_TTL_SECONDS: u64 = 120;

/// The largest wire transaction a validator takes (an IPv6 packet's payload).
pub const MAX_TRANSACTION_BYTES: usize = 1232;

/// Verifies an `exact` payment on a Solana network at unix time `now`.
pub fn verify_exact(payload: &PaymentPayload, terms: &Terms<'_>, now: u64) -> Verdict {
    match check(payload, terms) {
        Ok((payer, tx)) => {
            let hash = message_hash(&tx.message_bytes);
            let replay = Replay::new(
                format!("solana:{hash}"),
                payer.clone(),
                now.saturating_add(SETTLEMENT_TTL_SECONDS),
                Reason::DuplicateSettlement,
            );
            Verdict::Valid { payer, deferred: vec![Deferred::Simulation], replay }
        }
        // The reference names the payer on refusal once the transfer names one, and "" before.
        Err(Refusal { reason, payer, message }) => {
            Verdict::invalid(reason, Some(payer.as_deref().unwrap_or("")), message)
        }
    }
}

/// The reference facilitator's transaction key: base64 of sha256 of the message bytes (the
/// fee payer's signature, which it adds, is not part of it).
pub fn message_hash(message_bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(message_bytes))
}

/// A refusal: the reason, the payer once the transfer names one, and a detail.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub reason: Reason,
    pub payer: Option<String>,
    pub message: String,
}

fn fail<T>(reason: Reason, message: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal { reason, payer: None, message: message.into() })
}

/// What a transaction must pay, read from a requirement.
#[derive(Debug, Clone)]
pub(crate) struct Expect<'a> {
    pub version: Version,
    pub fee_payer: &'a str,
    pub asset: &'a str,
    pub pay_to: &'a str,
    pub amount: U256,
    /// `extra.memo` when it is set (truthy, as the reference reads it).
    pub memo: Option<&'a Value>,
}

impl<'a> Expect<'a> {
    /// The expectation of `terms`; `Err` when it has no fee payer.
    pub fn of(terms: &Terms<'a>) -> Result<Expect<'a>, Refusal> {
        let extra = terms.extra;
        let fee_payer = extra.and_then(|e| e.get("feePayer")).and_then(Value::as_str);
        let Some(fee_payer) = fee_payer.filter(|s| !s.is_empty()) else {
            return fail(Reason::ExactSvmMissingFeePayer, "the requirement has no extra.feePayer");
        };
        let memo = extra.and_then(|e| e.get("memo")).filter(|v| truthy(v));
        Ok(Expect {
            version: terms.version,
            fee_payer,
            asset: terms.asset,
            pay_to: terms.pay_to,
            amount: terms.amount,
            memo,
        })
    }
}

/// JavaScript's truthiness of a JSON value.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

fn check(payload: &PaymentPayload, terms: &Terms<'_>) -> Result<(String, Transaction), Refusal> {
    let v1 = terms.version == Version::V1;
    if payload.scheme() != "exact" || terms.scheme != "exact" {
        let reason = if v1 { Reason::UnsupportedScheme } else { Reason::ExactSvmUnsupportedScheme };
        return fail(reason, format!("scheme must be `exact`, not `{}`", payload.scheme()));
    }
    if payload.network() != terms.network {
        let reason = if v1 { Reason::NetworkMismatch } else { Reason::ExactSvmNetworkMismatch };
        return fail(
            reason,
            format!("payload network `{}` is not `{}`", payload.network(), terms.network),
        );
    }
    let expect = Expect::of(terms)?;
    let tx = decode_payload(payload.proof())?;
    let payer = check_transaction(&tx, &expect)?;
    Ok((payer, tx))
}

/// Reads `payload` (`{transaction}`) into a transaction.
pub(crate) fn decode_payload(proof: &Map<String, Value>) -> Result<Transaction, Refusal> {
    let undecodable = |detail: String| Refusal {
        reason: Reason::ExactSvmTransactionCouldNotBeDecoded,
        payer: None,
        message: detail,
    };
    let p = Payload::read(proof).map_err(|e| undecodable(format!("payload: {e}")))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(p.transaction.as_bytes())
        .map_err(|e| undecodable(format!("transaction is not base64: {e}")))?;
    Transaction::decode(&bytes).map_err(|e| undecodable(format!("transaction: {e}")))
}

/// Checks 7–19 of the reference on a decoded transaction; the payer (the transfer's authority)
/// when they pass.
pub(crate) fn check_transaction(tx: &Transaction, expect: &Expect<'_>) -> Result<String, Refusal> {
    use Reason::*;
    let m = &tx.message;
    if m.keys[0].to_string() != expect.fee_payer {
        return fail(
            ExactSvmFeePayerMismatch,
            format!("the fee payer is {}, not extra.feePayer {}", m.keys[0], expect.fee_payer),
        );
    }
    let v1 = expect.version == Version::V1;
    // The reference's simulation code, as each version spells it.
    let simulation =
        if v1 { TransactionSimulationFailed } else { ExactSvmTransactionSimulationFailed };
    // Before any signature is checked: a transaction no validator takes, however many signers it
    // claims, costs one comparison, not hundreds of Ed25519 verifications.
    let size = tx.encoded_len();
    if size > MAX_TRANSACTION_BYTES {
        return fail(
            simulation,
            format!("{size} bytes: a validator takes at most {MAX_TRANSACTION_BYTES}"),
        );
    }
    check_signatures(tx)?;
    if !m.lookups.is_empty() {
        // The v1 reference cannot decompile them at all; v2 needs RPC to resolve them.
        let (reason, why) = if v1 {
            (ExactSvmTransactionCouldNotBeDecoded, "v1 reads no address lookup tables")
        } else {
            (ExactSvmAltResolutionNotAvailable, "address lookup tables need RPC to resolve")
        };
        return fail(reason, why);
    }
    // What the chain refuses and the reference's reading lets through is refused after the
    // reference's checks, where its simulation would meet the refusal.
    let mut doomed = if tx.trailing > 0 {
        let why = format!("{} bytes follow the message", tx.trailing);
        Some((ExactSvmTransactionCouldNotBeDecoded, why))
    } else {
        repeated_key(m).map(|key| (simulation, format!("account {key} is listed twice")))
    };
    let ixs = &m.instructions;
    let most = if v1 { 6 } else { 7 };
    if ixs.len() < 3 || ixs.len() > most {
        return fail(
            ExactSvmInstructionsLength,
            format!("{} instructions: the scheme allows 3 to {most}", ixs.len()),
        );
    }
    compute_budget(m, 0, SET_COMPUTE_UNIT_LIMIT, ExactSvmComputeLimitInstruction, 5)?;
    let price = compute_budget(m, 1, SET_COMPUTE_UNIT_PRICE, ExactSvmComputePriceInstruction, 9)?;
    if price > MAX_COMPUTE_UNIT_PRICE {
        return fail(
            ExactSvmComputePriceTooHigh,
            format!("compute unit price {price} µlamports is above {MAX_COMPUTE_UNIT_PRICE}"),
        );
    }

    // The payer is the authority of the first token instruction with four accounts, wherever it is.
    let payer = ixs
        .iter()
        .find(|ix| m.program(ix).is_some_and(is_token_program) && ix.accounts.len() >= 4)
        .and_then(|ix| m.key(ix.accounts[3]))
        .map(|a| a.to_string());
    let Some(payer) = payer else {
        return fail(ExactSvmNoTransferInstruction, "no token transfer names an authority");
    };
    let refuse =
        |reason: Reason, message: String| Refusal { reason, payer: Some(payer.clone()), message };
    let transfer = &ixs[2];
    let program = m.program(transfer);
    if !program.is_some_and(is_token_program) {
        return Err(refuse(
            ExactSvmNoTransferInstruction,
            "the third instruction is not the Token or Token-2022 program".into(),
        ));
    }
    let d = &transfer.data;
    if d.len() < 10 || d[0] != TRANSFER_CHECKED || transfer.accounts.len() < 4 {
        return Err(refuse(
            ExactSvmNoTransferInstruction,
            "the third instruction is not TransferChecked".into(),
        ));
    }
    let [source, mint, destination, authority] =
        [0, 1, 2, 3].map(|i| m.key(transfer.accounts[i]).copied());
    let (Some(_source), Some(mint), Some(destination), Some(authority)) =
        (source, mint, destination, authority)
    else {
        return Err(refuse(
            ExactSvmNoTransferInstruction,
            "the transfer's accounts are not all in the message's keys".into(),
        ));
    };
    // The authority must sign, and the token accounts be writable, or the token program refuses
    // the transfer: a transfer "by" an account that never signed names a payer who did not pay.
    let index = |i: usize| usize::from(transfer.accounts[i]);
    if !m.is_signer(index(3)) {
        doomed.get_or_insert((
            simulation,
            format!("the transfer's authority {authority} does not sign"),
        ));
    } else if !m.is_writable(index(0)) || !m.is_writable(index(2)) {
        doomed.get_or_insert((simulation, "the transfer's token accounts are read-only".into()));
    }
    if authority.to_string() == expect.fee_payer {
        return Err(refuse(
            ExactSvmFeePayerTransferringFunds,
            "the fee payer may not be the transfer's authority".into(),
        ));
    }
    if mint.to_string() != expect.asset {
        return Err(refuse(
            ExactSvmMintMismatch,
            format!("the transfer moves mint {mint}, not {}", expect.asset),
        ));
    }
    let wanted = Address::parse(expect.pay_to).map(|owner| {
        let program = program.copied().unwrap_or(TOKEN_PROGRAM);
        associated_token_account(&owner, &program, &mint)
    });
    if wanted.as_ref() != Ok(&destination) {
        return Err(refuse(
            ExactSvmRecipientMismatch,
            format!(
                "the destination {destination} is not the associated token account of payTo {}",
                expect.pay_to
            ),
        ));
    }
    let mut amount = [0u8; 8];
    amount.copy_from_slice(&d[1..9]);
    let amount = u64::from_le_bytes(amount);
    if U256::from(amount) != expect.amount {
        return Err(refuse(
            ExactSvmAmountMismatch,
            format!("the transfer moves {amount}, not {}", expect.amount),
        ));
    }
    let unknown = [
        ExactSvmUnknownFourthInstruction,
        ExactSvmUnknownFifthInstruction,
        ExactSvmUnknownSixthInstruction,
        ExactSvmUnknownSeventhInstruction,
    ];
    for (i, ix) in ixs[3..].iter().enumerate() {
        let program = m.program(ix);
        if program != Some(&MEMO_PROGRAM) && program != Some(&LIGHTHOUSE_PROGRAM) {
            return Err(refuse(
                unknown[i],
                format!(
                    "instruction {} calls a program that is neither Memo nor Lighthouse",
                    i + 4
                ),
            ));
        }
    }
    if let Some(memo) = expect.memo {
        let memos: Vec<_> =
            ixs[3..].iter().filter(|ix| m.program(ix) == Some(&MEMO_PROGRAM)).collect();
        if memos.len() != 1 {
            return Err(refuse(
                ExactSvmMemoCount,
                format!("{} memo instructions; extra.memo asks for exactly one", memos.len()),
            ));
        }
        // As the reference's TextDecoder reads it: invalid UTF-8 replaced, a leading BOM dropped.
        let text = String::from_utf8_lossy(&memos[0].data);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if memo.as_str() != Some(text) {
            return Err(refuse(ExactSvmMemoMismatch, "the memo is not extra.memo".into()));
        }
    }
    if let Some((reason, why)) = doomed {
        return Err(refuse(reason, why));
    }
    Ok(payer)
}

/// Every signer's signature but the fee payer's (slot 0, which the facilitator fills) must be
/// present and verify over the message bytes, as the chain checks it (`verify_strict`).
fn check_signatures(tx: &Transaction) -> Result<(), Refusal> {
    for (i, signature) in tx.signatures.iter().enumerate().skip(1) {
        let key = &tx.message.keys[i];
        let valid = *signature != [0u8; 64]
            && VerifyingKey::from_bytes(&key.0).is_ok_and(|k| {
                k.verify_strict(&tx.message_bytes, &Signature::from_bytes(signature)).is_ok()
            });
        if !valid {
            return fail(
                Reason::ExactSvmSignatureInvalid,
                format!("signer {key} has no valid signature over the message"),
            );
        }
    }
    Ok(())
}

/// A key the message lists twice, which the chain refuses to load.
fn repeated_key(m: &Message) -> Option<&Address> {
    let mut keys: Vec<&Address> = m.keys.iter().collect();
    keys.sort();
    keys.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

/// Instruction `at` must be a ComputeBudget instruction with `discriminator` and a
/// little-endian value after it, `len` bytes in all: its value. Bytes after the value, which the
/// reference's parser skips and no client writes, are refused as a malformed instruction.
fn compute_budget(
    m: &Message,
    at: usize,
    discriminator: u8,
    reason: Reason,
    len: usize,
) -> Result<u64, Refusal> {
    let ix = &m.instructions[at];
    if m.program(ix) != Some(&COMPUTE_BUDGET_PROGRAM) || ix.data.first() != Some(&discriminator) {
        return fail(
            reason,
            format!(
                "instruction {} is not the compute budget's instruction {discriminator}",
                at + 1
            ),
        );
    }
    if ix.data.len() != len {
        return fail(
            reason,
            format!("instruction {} has {} bytes of data, not {len}", at + 1, ix.data.len()),
        );
    }
    let mut value = [0u8; 8];
    value[..len - 1].copy_from_slice(&ix.data[1..len]);
    Ok(u64::from_le_bytes(value))
}
