//! A facilitator of the `exact` scheme on EVM chains: `/verify` with the chain's checks, `/settle`
//! with its own key, `/supported`.
//!
//! The chain is read through [`Rpc`] and nothing here keeps state: the caller holds the account
//! nonce and the record of what was settled (in a Worker, a Durable Object per signer). A
//! settlement is three steps so that the caller can give the transaction its nonce between them:
//! [`Facilitator::prepare`] verifies and simulates it from the signer's account, [`Prepared::sign`]
//! signs it with a nonce, and [`Prepared::settled`] reads its receipt ([`Prepared::pending`] while
//! there is none).
//!
//! Verification is [`crate::verify()`] first, then what it defers: the payer's code for a contract
//! signature, the asset's code, and the simulated transfer (`eth_call` for `/verify`,
//! `eth_estimateGas` from the signer for `/settle`), diagnosed as the reference does when it fails.

mod exact;
mod rpc;
mod tx;

use alloy_primitives::{keccak256, Address, U256};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

pub use exact::{Method, Transfer};
pub use rpc::{Fault, Rpc};
pub use tx::{Call1559, Signed};

use crate::error::{Error, Result};
use crate::evm::signature::PrivateKey;
use crate::fields::Fields;
use crate::network;
use crate::reason::Reason;
use crate::verdict::{Deferred, Verdict, SETTLE_BUFFER_SECONDS};
use crate::wire::{
    PaymentPayload, PaymentRequirements, SettleResponse, SupportedKind, SupportedResponse,
    VerifyResponse,
};
use rpc::{estimate_gas, eth_call, has_code, join, quantity, Simulated};

/// What the signer may spend on one settlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// The highest fee per gas offered, wei.
    pub max_fee_per_gas: u128,
    /// The highest gas limit sent.
    pub max_gas: u64,
}

impl Default for Caps {
    /// 1000 gwei and 500 000 gas: far above a token transfer's, far below a drained account.
    fn default() -> Self {
        Caps { max_fee_per_gas: 1_000_000_000_000, max_gas: 500_000 }
    }
}

/// A facilitator: a key, the chains it settles on, its spending caps.
#[derive(Debug)]
pub struct Facilitator {
    key: PrivateKey,
    chains: Vec<u64>,
    caps: Caps,
}

/// A `/verify` or `/settle` body, read.
#[derive(Debug, Clone)]
pub struct Request {
    payload: PaymentPayload,
    requirements: PaymentRequirements,
}

impl Request {
    /// Reads `{x402Version, paymentPayload, paymentRequirements}`; the requirement is read in the
    /// payload's version.
    pub fn from_json(body: &str) -> Result<Request> {
        const WHAT: &str = "request body";
        let mut body = Fields::of(WHAT, "", crate::fields::parse(WHAT, body)?)?;
        let payload = PaymentPayload::from_value(body.required("paymentPayload")?)?;
        let requirements = PaymentRequirements::from_value(
            body.required("paymentRequirements")?,
            payload.version(),
        )?;
        Ok(Request { payload, requirements })
    }

    /// The network a response names: the payload's, CAIP-2 in v2, the legacy name in v1.
    pub fn network(&self) -> &str {
        self.payload.network()
    }

    /// The payment's one-time key, whatever the time: the same authorization (an EIP-3009 nonce
    /// of a payer on a token, a Permit2 nonce of a payer) has the same key, so a settlement is
    /// recorded under it. `None` when the proof cannot be read.
    pub fn key(&self) -> Option<String> {
        let terms = self.requirements.terms();
        let chain_id = network::evm_chain_id(self.payload.network()).ok()?;
        let t = exact::transfer(&self.payload, &terms)?;
        // The call's own hash closes the key: a body that names the same authorization with
        // another signature or other fields is another settlement, never this one's record.
        let call = keccak256([t.target.as_slice(), &t.data].concat());
        Some(match t.method {
            Method::Eip3009 => {
                format!("eip3009:{chain_id}:{:#x}:{:#x}:{}:{call}", t.token, t.from, t.nonce)
            }
            Method::Permit2 => {
                let nonce =
                    self.payload.proof().get("permit2Authorization")?.get("nonce")?.as_str()?;
                format!("permit2:{chain_id}:{:#x}:{nonce}:{call}", t.from)
            }
        })
    }
}

/// A settlement verified and simulated from the signer's account, waiting for its nonce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Prepared {
    /// The chain.
    pub chain_id: u64,
    /// The network the response names.
    pub network: String,
    /// The payer as the payload spells it.
    pub payer: String,
    /// What moves.
    pub transfer: Transfer,
    /// Gas limit (the estimate plus a fifth, within the cap).
    pub gas: u64,
    /// Fee cap per gas, wei.
    pub max_fee_per_gas: U256,
    /// Tip per gas, wei.
    pub max_priority_fee_per_gas: U256,
}

impl Prepared {
    /// The refusal to send at unix time `now` a payment that expires before it could be mined
    /// ([`SETTLE_BUFFER_SECONDS`] from now): it waited too long for its turn.
    pub fn expired(&self, now: u64) -> Option<SettleResponse> {
        if now.saturating_add(SETTLE_BUFFER_SECONDS) <= self.transfer.expires {
            return None;
        }
        let reason = match self.transfer.method {
            Method::Eip3009 => Reason::ExactEvmValidBefore,
            Method::Permit2 => Reason::Permit2DeadlineExpired,
        };
        let message = format!(
            "the payment expires at {}, less than {SETTLE_BUFFER_SECONDS} s after now ({now}): not sent",
            self.transfer.expires
        );
        Some(self.response(String::new(), Some((reason, message))))
    }

    /// The transaction with account nonce `nonce`, signed by `facilitator`'s key.
    pub fn sign(&self, facilitator: &Facilitator, nonce: u64) -> Signed {
        Call1559 {
            chain_id: self.chain_id,
            nonce,
            max_priority_fee_per_gas: self.max_priority_fee_per_gas.saturating_to(),
            max_fee_per_gas: self.max_fee_per_gas.saturating_to(),
            gas: self.gas,
            to: self.transfer.target,
            data: self.transfer.data.clone(),
        }
        .sign(&facilitator.key)
    }

    fn response(&self, transaction: String, error: Option<(Reason, String)>) -> SettleResponse {
        let (error_reason, error_message) = match error {
            Some((reason, message)) => (Some(reason.as_str().to_owned()), Some(message)),
            None => (None, None),
        };
        SettleResponse {
            success: error_reason.is_none(),
            error_reason,
            error_message,
            payer: Some(self.payer.clone()),
            transaction,
            network: self.network.clone(),
            amount: None,
            extensions: None,
        }
    }

    /// The answer once the transaction `hash` has `receipt` (`eth_getTransactionReceipt`): success
    /// only for a successful receipt that holds the promised `Transfer` event.
    pub fn settled(&self, hash: &str, receipt: &Value) -> SettleResponse {
        let status = receipt.get("status").and_then(Value::as_str);
        let error = if status != Some("0x1") {
            Some((Reason::ExactEvmTransactionFailed, format!("transaction {hash} reverted")))
        } else if !exact::moved(&self.transfer, receipt) {
            Some((
                Reason::ExactEvmTransferEventMismatch,
                format!("transaction {hash} holds no Transfer of the payment"),
            ))
        } else {
            None
        };
        self.response(hash.to_owned(), error)
    }

    /// The answer while the transaction `hash` is sent and not mined: settle again to learn the
    /// outcome (the same transaction, never a second).
    pub fn pending(&self, hash: &str, why: &str) -> SettleResponse {
        let mut response = self.response(hash.to_owned(), None);
        response.success = false;
        response.error_reason = Some(crate::client::SETTLEMENT_PENDING.to_owned());
        response.error_message = Some(why.to_owned());
        response
    }

    /// The answer when the node refused the transaction: nothing was sent.
    pub fn refused(&self, message: &str) -> SettleResponse {
        self.response(
            String::new(),
            Some((
                Reason::UnexpectedSettleError,
                format!("the node refused the transaction: {message}"),
            )),
        )
    }
}

/// The base fee of the latest block and the node's suggested tip, wei (no tip when the node has
/// no such method).
async fn fees<R: Rpc>(rpc: &R, chain_id: u64) -> std::result::Result<(U256, U256), Fault> {
    let block = rpc.call(chain_id, "eth_getBlockByNumber", json!(["latest", false]));
    let tip = rpc.call(chain_id, "eth_maxPriorityFeePerGas", json!([]));
    let (block, tip) = join(block, tip).await;
    let base = block?.get("baseFeePerGas").map(quantity).transpose()?.unwrap_or_default();
    let tip = match tip {
        Ok(v) => quantity(&v)?,
        Err(Fault::Node { .. }) => U256::ZERO,
        Err(f) => return Err(f),
    };
    Ok((base, tip))
}

/// A refusal before any transaction, as `/settle` answers it on `network`.
pub fn settle_refusal(network: &str, verify: VerifyResponse) -> SettleResponse {
    SettleResponse {
        success: false,
        error_reason: verify.invalid_reason,
        error_message: verify.invalid_message,
        payer: verify.payer,
        transaction: String::new(),
        network: network.to_owned(),
        amount: None,
        extensions: None,
    }
}

/// A `/verify` refusal with `reason`.
pub fn invalid(reason: Reason, payer: Option<&str>, message: impl Into<String>) -> VerifyResponse {
    Verdict::invalid(reason, payer, message).to_response()
}

/// A payment past the checks that need no chain.
struct Local {
    payer: String,
    chain_id: u64,
    transfer: Transfer,
    deferred: Vec<Deferred>,
}

/// The chain's answer to a check, or the fault that left it unanswered.
type Checked<T> = std::result::Result<T, VerifyResponse>;

impl Facilitator {
    /// A facilitator signing with `key` on the `networks` listed (`eip155:<id>`).
    pub fn new(key: PrivateKey, networks: &[String], caps: Caps) -> Result<Facilitator> {
        let chains =
            networks.iter().map(|n| network::eip155_chain_id(n)).collect::<Result<Vec<u64>>>()?;
        if chains.is_empty() {
            return Err(Error::field("networks", "a facilitator settles on at least one network"));
        }
        Ok(Facilitator { key, chains, caps })
    }

    /// The chain ids it settles on, in the order of its networks.
    pub fn chains(&self) -> &[u64] {
        &self.chains
    }

    /// The address that signs and pays the gas.
    pub fn address(&self) -> Address {
        self.key.address()
    }

    /// `/supported`: `exact` in v2 on each network, and in v1 under its legacy name where it has
    /// one; the signer for `eip155:*`.
    pub fn supported(&self) -> SupportedResponse {
        let mut kinds = Vec::new();
        for &id in &self.chains {
            let caip2 = format!("{}:{id}", crate::evm::NAMESPACE);
            let kind = |v: u8, network: String| SupportedKind {
                x402_version: v,
                scheme: "exact".into(),
                network,
                extra: None,
            };
            if let Some(legacy) = network::caip2_to_legacy(&caip2) {
                kinds.push(kind(1, legacy.to_owned()));
            }
            kinds.push(kind(2, caip2));
        }
        let mut signers = Map::new();
        signers.insert(
            format!("{}:*", crate::evm::NAMESPACE),
            json!([self.address().to_checksum(None)]),
        );
        SupportedResponse { kinds, extensions: Vec::new(), signers }
    }

    /// `/verify`: local checks, then the chain's (`eth_call` simulation).
    pub async fn verify<R: Rpc>(&self, rpc: &R, request: &Request, now: u64) -> VerifyResponse {
        let checked = match self.local(request, now) {
            Ok(local) => self.check(rpc, request, local, None).await,
            Err(refusal) => Err(refusal),
        };
        match checked {
            Ok((payer, ..)) => {
                VerifyResponse { is_valid: true, payer: Some(payer), ..Default::default() }
            }
            Err(refusal) => refusal,
        }
    }

    /// `/settle`'s first step: the checks of [`Facilitator::verify`], the transfer simulated from
    /// the signer's account (`eth_estimateGas`), and fees within the caps. A refusal is the answer.
    pub async fn prepare<R: Rpc>(
        &self,
        rpc: &R,
        request: &Request,
        now: u64,
    ) -> std::result::Result<Prepared, SettleResponse> {
        let network = request.network().to_owned();
        let refuse = |v: VerifyResponse| settle_refusal(&network, v);
        let local = self.local(request, now).map_err(refuse)?;
        // The fees are read while the chain checks the payment: one round trip, not two.
        let chain_id = local.chain_id;
        let (checked, fees) =
            join(self.check(rpc, request, local, Some(self.address())), fees(rpc, chain_id)).await;
        let (payer, chain_id, transfer, gas) = checked.map_err(refuse)?;
        let fault =
            |f: Fault| refuse(invalid(Reason::UnexpectedSettleError, Some(&payer), f.to_string()));
        if gas > self.caps.max_gas {
            return Err(refuse(invalid(
                Reason::UnexpectedSettleError,
                Some(&payer),
                format!("the transfer needs {gas} gas, above the cap of {}", self.caps.max_gas),
            )));
        }
        let gas = gas.saturating_add(gas / 5).min(self.caps.max_gas);
        let (base, tip) = fees.map_err(fault)?;
        let cap = U256::from(self.caps.max_fee_per_gas);
        let tip = tip.min(cap);
        if base + tip > cap {
            return Err(refuse(invalid(
                Reason::UnexpectedSettleError,
                Some(&payer),
                format!("base fee {base} wei plus tip {tip} is above the cap of {cap} wei per gas"),
            )));
        }
        let max_fee = (base * U256::from(2) + tip).min(cap);
        Ok(Prepared {
            chain_id,
            network,
            payer,
            transfer,
            gas,
            max_fee_per_gas: max_fee,
            max_priority_fee_per_gas: tip,
        })
    }

    /// The checks made without the chain: the network is one it serves, the scheme, and local
    /// verification. A payment refused here costs no RPC call.
    // The refusal is the answer itself, made once per request: no boxing buys anything here.
    #[allow(clippy::result_large_err)]
    fn local(&self, request: &Request, now: u64) -> Checked<Local> {
        let Request { payload, requirements } = request;
        let terms = requirements.terms();
        let chain_id = match network::evm_chain_id(payload.network()) {
            Ok(id) if self.chains.contains(&id) => id,
            _ => {
                return Err(invalid(
                    Reason::InvalidNetwork,
                    None,
                    format!("this facilitator does not settle on `{}`", payload.network()),
                ))
            }
        };
        if payload.scheme() != "exact" || terms.scheme != "exact" {
            return Err(invalid(
                Reason::UnsupportedScheme,
                None,
                format!("this facilitator settles `exact`, not `{}`", terms.scheme),
            ));
        }
        let verdict = crate::verify(payload, requirements, now);
        let Verdict::Valid { payer, deferred, .. } = verdict else {
            return Err(verdict.to_response());
        };
        let Some(transfer) = exact::transfer(payload, &terms) else {
            return Err(invalid(Reason::InvalidPayload, Some(&payer), "the proof cannot be read"));
        };
        Ok(Local { payer, chain_id, transfer, deferred })
    }

    /// The chain's checks of a payment that passed [`Facilitator::local`]; `sender` set simulates
    /// with `eth_estimateGas` from it and returns the gas.
    async fn check<R: Rpc>(
        &self,
        rpc: &R,
        request: &Request,
        local: Local,
        sender: Option<Address>,
    ) -> Checked<(String, u64, Transfer, u64)> {
        let terms = request.requirements.terms();
        let Local { payer, chain_id, transfer, deferred } = local;
        let fault_reason = if sender.is_some() {
            Reason::UnexpectedSettleError
        } else {
            Reason::UnexpectedVerifyError
        };
        let fault = |f: Fault| invalid(fault_reason, Some(&payer), f.to_string());
        let refuse = |reason: Reason, message: String| invalid(reason, Some(&payer), message);
        // The reads go out together; their answers are judged in the reference's order.
        let payer_code = async {
            match deferred.contains(&Deferred::ContractSignature) {
                true => has_code(rpc, chain_id, transfer.from).await.map(Some),
                false => Ok(None),
            }
        };
        let simulation = async {
            match sender {
                Some(from) => {
                    estimate_gas(rpc, chain_id, from, transfer.target, &transfer.data).await
                }
                None => eth_call(rpc, chain_id, None, transfer.target, &transfer.data).await,
            }
        };
        let ((payer_code, asset_code), simulated) =
            join(join(payer_code, has_code(rpc, chain_id, transfer.token)), simulation).await;
        if payer_code.map_err(fault)? == Some(false) {
            return Err(if transfer.counterfactual {
                refuse(
                    Reason::Eip6492FactoryNotAllowed,
                    "the payer's wallet is not deployed and this facilitator deploys none".into(),
                )
            } else {
                refuse(
                    Reason::ExactEvmSignature,
                    "a signature longer than 65 bytes from an account without code".into(),
                )
            });
        }
        // Checked in v1 too: a call to an address without code "succeeds" and moves nothing.
        if !asset_code.map_err(fault)? {
            return Err(refuse(
                Reason::AssetNotDeployedContract,
                format!("no contract at {}", transfer.token),
            ));
        }
        let simulated = simulated.map_err(fault)?;
        match simulated {
            Simulated::Ok(v) => {
                let gas = match sender {
                    Some(_) => quantity(&v).map_err(fault)?.saturating_to::<u64>(),
                    None => 0,
                };
                Ok((payer, chain_id, transfer, gas))
            }
            Simulated::Reverted(message) => {
                let reason =
                    exact::diagnose(rpc, chain_id, &transfer, &terms).await.map_err(fault)?;
                Err(refuse(reason, message))
            }
        }
    }
}
