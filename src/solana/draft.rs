//! What a Solana payer signs: the reference client's transaction, built for one requirement.

use alloy_primitives::{B256, U256};
use base64::Engine as _;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::address::{
    associated_token_account, is_token_program, Address, COMPUTE_BUDGET_PROGRAM, MEMO_PROGRAM,
    SET_COMPUTE_UNIT_LIMIT, SET_COMPUTE_UNIT_PRICE, TOKEN_2022_PROGRAM, TOKEN_PROGRAM,
    TRANSFER_CHECKED,
};
use super::transaction::{Header, Instruction, Message, Transaction};
use super::verify::{check_transaction, Expect, MAX_MEMO_BYTES};
use super::{default_rpc_url, COMPUTE_UNIT_LIMIT, COMPUTE_UNIT_PRICE};
use crate::asset::{self, TransferMethod};
use crate::error::{Error, Result};
use crate::family::Draft;
use crate::wire::{Terms, Version};

/// Seconds a drafted transaction is treated as valid: about the life of a recent blockhash
/// (150 slots of 400 ms), never more than the requirement's timeout.
const LIFETIME_SECONDS: u64 = 60;

/// The ids of the JSON-RPC calls a draft may need, and of their answers.
const BLOCKHASH: &str = "blockhash";
const MINT: &str = "mint";

/// The JSON-RPC calls a client makes before it can draft a payment for `terms`: the latest
/// blockhash unless `extra.recentBlockhash` gives one, and the mint's account unless its decimals
/// and program are known. Each is `{url, body}`; `url` is the network's public endpoint or null.
pub(super) fn queries(terms: &Terms<'_>) -> Vec<Value> {
    let url = default_rpc_url(terms.network);
    let mut out = Vec::new();
    if given_blockhash(terms).is_none() {
        let params = json!([{"commitment": "confirmed"}]);
        out.push(json!({"url": url, "body": rpc(BLOCKHASH, "getLatestBlockhash", params)}));
    }
    if known_mint(terms).is_none() {
        let params = json!([terms.asset, {"encoding": "base64", "commitment": "confirmed"}]);
        out.push(json!({"url": url, "body": rpc(MINT, "getAccountInfo", params)}));
    }
    out
}

fn rpc(id: &str, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// `extra.recentBlockhash` when it is base58 of 32 bytes (anything else is ignored, as the
/// reference client does).
fn given_blockhash(terms: &Terms<'_>) -> Option<[u8; 32]> {
    terms.extra_str("recentBlockhash").and_then(|s| Address::parse(s).ok()).map(|a| a.0)
}

/// The mint's decimals and token program, from the known-asset table or from `extra.decimals`
/// and `extra.tokenProgram` (as faremeter's `/accepts` writes them).
fn known_mint(terms: &Terms<'_>) -> Option<(u8, Address)> {
    if let Some(a) = asset::find(terms.network, terms.asset) {
        let program = match a.transfer {
            TransferMethod::SplToken => TOKEN_PROGRAM,
            TransferMethod::Token2022 => TOKEN_2022_PROGRAM,
            _ => return None,
        };
        return Some((a.decimals, program));
    }
    let decimals = terms.extra?.get("decimals")?.as_u64().and_then(|d| u8::try_from(d).ok())?;
    let program = Address::parse(terms.extra_str("tokenProgram")?).ok()?;
    token_program(program).map(|p| (decimals, p))
}

fn token_program(program: Address) -> Option<Address> {
    is_token_program(&program).then_some(program)
}

/// The `result` of the answer with `id`, or why there is none.
fn answer<'a>(chain: &'a [Value], id: &str) -> Result<&'a Value> {
    let reply = chain.iter().find(|r| r.get("id").and_then(Value::as_str) == Some(id));
    let Some(reply) = reply else {
        return Err(Error::field(
            "rpc",
            format!("no answer to the `{id}` query: give the Solana signer an rpcUrl"),
        ));
    };
    if let Some(e) = reply.get("error") {
        return Err(Error::field("rpc", format!("the `{id}` query failed: {e}")));
    }
    reply
        .get("result")
        .ok_or_else(|| Error::field("rpc", format!("the `{id}` answer has no result")))
}

/// The blockhash in a `getLatestBlockhash` answer.
fn blockhash_from(chain: &[Value]) -> Result<[u8; 32]> {
    let hash = answer(chain, BLOCKHASH)?.pointer("/value/blockhash").and_then(Value::as_str);
    let hash = hash.ok_or_else(|| Error::field("rpc", "getLatestBlockhash gave no blockhash"))?;
    Address::parse(hash).map(|a| a.0).map_err(|e| Error::field("rpc", e))
}

/// The decimals and program of the mint in a `getAccountInfo` answer (base64 data): an
/// initialized SPL mint owned by Token or Token-2022.
fn mint_from(chain: &[Value], mint: &str) -> Result<(u8, Address)> {
    let bad = |why: &str| Error::field("asset", format!("mint {mint}: {why}"));
    let value = answer(chain, MINT)?.get("value").filter(|v| !v.is_null());
    let value = value.ok_or_else(|| bad("no such account"))?;
    let owner = value.get("owner").and_then(Value::as_str).ok_or_else(|| bad("no owner"))?;
    let program = Address::parse(owner)
        .ok()
        .and_then(token_program)
        .ok_or_else(|| bad("not created by the Token or Token-2022 program"))?;
    let data = value.pointer("/data/0").and_then(Value::as_str).ok_or_else(|| bad("no data"))?;
    let data = base64::engine::general_purpose::STANDARD
        .decode(data.as_bytes())
        .map_err(|_| bad("data is not base64"))?;
    // The Mint layout: authority option (36 bytes), supply (8), decimals (1), initialized (1), …
    if data.len() < 82 || data[45] != 1 {
        return Err(bad("not an initialized mint"));
    }
    Ok((data[44], program))
}

/// A Solana payment built but not signed.
#[derive(Debug)]
pub(super) struct SolanaDraft {
    unsigned: Transaction,
    payer: Address,
    version: Version,
    fee_payer: String,
    asset: String,
    pay_to: String,
    amount: U256,
    memo: Option<Value>,
    valid_before: u64,
}

impl SolanaDraft {
    pub(super) fn new(
        terms: &Terms<'_>,
        payer: Address,
        now: u64,
        nonce: [u8; 32],
        chain: &[Value],
    ) -> Result<Self> {
        let fee_payer = terms.extra_str("feePayer").ok_or_else(|| {
            Error::field("extra.feePayer", "the requirement names no fee payer to pay the fees")
        })?;
        let fee_payer_key =
            Address::parse(fee_payer).map_err(|e| Error::field("extra.feePayer", e))?;
        if fee_payer_key == payer {
            return Err(Error::field(
                "from",
                "the payer is the fee payer: the facilitator refuses it",
            ));
        }
        let mint = Address::parse(terms.asset).map_err(|e| Error::field("asset", e))?;
        let owner = Address::parse(terms.pay_to).map_err(|e| Error::field("payTo", e))?;
        let amount = u64::try_from(terms.amount)
            .map_err(|_| Error::field("amount", "more than a token amount can hold (u64)"))?;
        let (decimals, program) = match known_mint(terms) {
            Some(known) => known,
            None => mint_from(chain, terms.asset)?,
        };
        let blockhash = match given_blockhash(terms) {
            Some(hash) => hash,
            None => blockhash_from(chain)?,
        };
        let memo = match terms.extra.and_then(|e| e.get("memo")) {
            Some(Value::String(m)) if !m.is_empty() => {
                if m.len() > MAX_MEMO_BYTES {
                    return Err(Error::field(
                        "extra.memo",
                        format!("more than {MAX_MEMO_BYTES} bytes"),
                    ));
                }
                m.as_bytes().to_vec()
            }
            None | Some(Value::Null) | Some(Value::String(_)) => {
                alloy_primitives::hex::encode(&nonce[..16]).into_bytes()
            }
            Some(_) => return Err(Error::field("extra.memo", "must be a string")),
        };
        let source = associated_token_account(&payer, &program, &mint);
        let destination = associated_token_account(&owner, &program, &mint);

        let mut data = vec![TRANSFER_CHECKED];
        data.extend_from_slice(&amount.to_le_bytes());
        data.push(decimals);
        let mut limit = vec![SET_COMPUTE_UNIT_LIMIT];
        limit.extend_from_slice(&COMPUTE_UNIT_LIMIT.to_le_bytes());
        let mut price = vec![SET_COMPUTE_UNIT_PRICE];
        price.extend_from_slice(&COMPUTE_UNIT_PRICE.to_le_bytes());
        let calls = [
            Call { program: COMPUTE_BUDGET_PROGRAM, accounts: vec![], data: limit },
            Call { program: COMPUTE_BUDGET_PROGRAM, accounts: vec![], data: price },
            Call {
                program,
                accounts: vec![
                    (source, Role::Writable),
                    (mint, Role::Readonly),
                    (destination, Role::Writable),
                    (payer, Role::Signer),
                ],
                data,
            },
            Call { program: MEMO_PROGRAM, accounts: vec![], data: memo },
        ];
        let message = compile(fee_payer_key, &calls, blockhash);
        Ok(SolanaDraft {
            unsigned: Transaction::unsigned(message),
            payer,
            version: terms.version,
            fee_payer: fee_payer.to_owned(),
            asset: terms.asset.to_owned(),
            pay_to: terms.pay_to.to_owned(),
            amount: terms.amount,
            memo: terms.extra.and_then(|e| e.get("memo")).cloned(),
            valid_before: now.saturating_add(LIFETIME_SECONDS.min(terms.max_timeout_seconds)),
        })
    }

    fn expect(&self) -> Expect<'_> {
        Expect {
            version: self.version,
            fee_payer: &self.fee_payer,
            asset: &self.asset,
            pay_to: &self.pay_to,
            amount: self.amount,
            memo: self.memo.as_ref().filter(|m| m.as_str().is_some_and(|s| !s.is_empty())),
        }
    }
}

/// How an instruction uses an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Readonly,
    Writable,
    Signer,
}

/// An instruction before compilation: a program, its accounts with their roles, its data.
struct Call {
    program: Address,
    accounts: Vec<(Address, Role)>,
    data: Vec<u8>,
}

/// A v0 message of `calls` paid by `fee_payer`: keys ordered as the runtime requires (writable
/// signers from the fee payer on, read-only signers, writable others, read-only others), each
/// group in order of first use.
fn compile(fee_payer: Address, calls: &[Call], blockhash: [u8; 32]) -> Message {
    // (key, signer, writable), merged by key.
    let mut keys: Vec<(Address, bool, bool)> = vec![(fee_payer, true, true)];
    let mut add =
        |key: Address, signer: bool, writable: bool| match keys.iter_mut().find(|k| k.0 == key) {
            Some(k) => {
                k.1 |= signer;
                k.2 |= writable;
            }
            None => keys.push((key, signer, writable)),
        };
    for call in calls {
        for &(key, role) in &call.accounts {
            add(key, role == Role::Signer, role == Role::Writable);
        }
        add(call.program, false, false);
    }
    let group = |k: &(Address, bool, bool)| match (k.1, k.2) {
        (true, true) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (false, false) => 3,
    };
    keys.sort_by_key(group); // stable: first use within a group
    let count = |g| keys.iter().filter(|k| group(k) == g).count() as u8;
    let header = Header {
        signers: count(0) + count(1),
        readonly_signed: count(1),
        readonly_unsigned: count(3),
    };
    let index = |key: &Address| keys.iter().position(|k| k.0 == *key).unwrap_or(0) as u8;
    let instructions = calls
        .iter()
        .map(|c| Instruction {
            program: index(&c.program),
            accounts: c.accounts.iter().map(|(a, _)| index(a)).collect(),
            data: c.data.clone(),
        })
        .collect();
    Message {
        version: Some(0),
        header,
        keys: keys.into_iter().map(|k| k.0).collect(),
        blockhash,
        instructions,
        lookups: vec![],
    }
}

impl Draft for SolanaDraft {
    /// sha256 of the message: the transaction's id for the facilitator's duplicate check (what a
    /// Solana key signs is the whole message, see [`Draft::to_sign`]).
    fn digest(&self) -> B256 {
        B256::from_slice(&Sha256::digest(&self.unsigned.message_bytes))
    }

    fn method(&self) -> &'static str {
        "signTransaction"
    }

    /// The unsigned wire transaction, base64: what `signTransaction` is given.
    fn to_sign(&self) -> Value {
        base64::engine::general_purpose::STANDARD.encode(self.unsigned.encode()).into()
    }

    fn typed_data(&self) -> Value {
        self.to_sign()
    }

    fn valid_before(&self) -> U256 {
        U256::from(self.valid_before)
    }

    /// `signed` is the wire transaction the wallet gave back: it may differ from the draft (a
    /// wallet may add Lighthouse assertions), so it is read again and must pass the verifier's
    /// checks for the same requirement, with the payer as its authority.
    fn check(&self, signed: &[u8]) -> std::result::Result<(), String> {
        let tx = Transaction::decode(signed).map_err(|e| format!("the signed transaction: {e}"))?;
        let payer = check_transaction(&tx, &self.expect()).map_err(|r| {
            format!("the signed transaction is refused ({}): {}", r.reason, r.message)
        })?;
        if payer != self.payer.to_string() {
            return Err(format!("the transaction is paid by {payer}"));
        }
        Ok(())
    }

    fn proof(&self, signed: &[u8]) -> Map<String, Value> {
        let mut proof = Map::new();
        let tx = base64::engine::general_purpose::STANDARD.encode(signed);
        proof.insert("transaction".into(), tx.into());
        proof
    }
}
