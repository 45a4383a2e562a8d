//! The `exact` scheme on EVM, on chain: the call that moves the money (EIP-3009
//! `transferWithAuthorization`, or the x402 Permit2 proxy's `settle`) and, when its simulation
//! fails, the reads that say why, in the reference facilitator's order.

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::{sol_data, SolCall, SolEvent, SolType};
use serde_json::Value;

use super::rpc::{eth_call, join, Fault, Rpc, Simulated};
use crate::evm::eip712::{EXACT_PERMIT2_PROXY, PERMIT2};
use crate::evm::signature::decode_signature;
use crate::evm::ERC6492_MAGIC;
use crate::evm::{Eip3009Payload, Permit2Payload};
use crate::reason::Reason;
use crate::wire::{decimal, PaymentPayload, Terms};

/// The contracts' functions and events, as the facilitator calls and reads them.
mod abi {
    alloy_sol_types::sol! {
    function transferWithAuthorization(address from, address to, uint256 value, uint256 validAfter, uint256 validBefore, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external;
    function transferWithAuthorization(address from, address to, uint256 value, uint256 validAfter, uint256 validBefore, bytes32 nonce, bytes signature) external;
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool);
    function balanceOf(address account) external view returns (uint256);
    function allowance(address owner, address spender) external view returns (uint256);
    function name() external view returns (string);
    function version() external view returns (string);
    event Transfer(address indexed from, address indexed to, uint256 value);

    struct TokenPermissions { address token; uint256 amount; }
    struct PermitTransferFrom { TokenPermissions permitted; uint256 nonce; uint256 deadline; }
    struct Witness { address to; uint256 validAfter; }
    function settle(PermitTransferFrom permit, address owner, Witness witness, bytes signature) external;
    }
}
use abi::*;

/// How the money moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// The token's `transferWithAuthorization`.
    Eip3009,
    /// The x402 exact Permit2 proxy's `settle`.
    Permit2,
}

/// A verified payment as the chain will see it: who pays whom how much of what, and the call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transfer {
    /// How the money moves.
    pub method: Method,
    /// The token.
    pub token: Address,
    /// The payer.
    pub from: Address,
    /// The recipient.
    pub to: Address,
    /// Atomic units.
    pub value: U256,
    /// The contract called: the token, or the Permit2 proxy.
    pub target: Address,
    /// The calldata.
    pub data: Bytes,
    /// The signature is not ECDSA: only the chain can judge it (ERC-1271, ERC-6492).
    pub contract_signature: bool,
    /// The signature carries the ERC-6492 suffix (a wallet not yet deployed).
    pub counterfactual: bool,
    /// EIP-3009 only: the authorization's nonce.
    pub nonce: B256,
    /// When the authorization (`validBefore`) or permit (`deadline`) expires, unix seconds.
    pub expires: u64,
}

fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    alloy_primitives::hex::decode(s.strip_prefix("0x").unwrap_or(s)).ok()
}

fn uint(s: &str) -> Option<U256> {
    decimal::parse(s).ok()
}

/// The transfer a payment that passed local verification asks for. `None` when its proof cannot
/// be read, which local verification has already refused.
pub(super) fn transfer(payload: &PaymentPayload, terms: &Terms<'_>) -> Option<Transfer> {
    let proof = payload.proof();
    if proof.contains_key("permit2Authorization") && payload.version() == crate::wire::Version::V2 {
        return permit2_transfer(proof);
    }
    let p = Eip3009Payload::read(proof).ok()?;
    let a = &p.authorization;
    let (from, to) = (a.from.parse::<Address>().ok()?, a.to.parse::<Address>().ok()?);
    let (value, valid_after, valid_before) =
        (uint(&a.value)?, uint(&a.valid_after)?, uint(&a.valid_before)?);
    let nonce = a.nonce.parse::<B256>().ok()?;
    let token = terms.asset.parse::<Address>().ok()?;
    let (data, contract_signature, counterfactual) = match decode_signature(&p.signature) {
        Ok(sig) => {
            let call = transferWithAuthorization_0Call {
                from,
                to,
                value,
                validAfter: valid_after,
                validBefore: valid_before,
                nonce,
                // The token's ecrecover takes 27/28; the payload may say 0/1.
                v: if sig[64] < 27 { sig[64] + 27 } else { sig[64] },
                r: B256::from_slice(&sig[..32]),
                s: B256::from_slice(&sig[32..64]),
            };
            (call.abi_encode(), false, false)
        }
        Err(_) => {
            let signature = hex_bytes(&p.signature)?;
            let counterfactual = signature.ends_with(&ERC6492_MAGIC);
            let call = transferWithAuthorization_1Call {
                from,
                to,
                value,
                validAfter: valid_after,
                validBefore: valid_before,
                nonce,
                signature: signature.into(),
            };
            (call.abi_encode(), true, counterfactual)
        }
    };
    Some(Transfer {
        method: Method::Eip3009,
        token,
        from,
        to,
        value,
        target: token,
        data: data.into(),
        contract_signature,
        counterfactual,
        nonce,
        expires: valid_before.saturating_to(),
    })
}

fn permit2_transfer(proof: &serde_json::Map<String, Value>) -> Option<Transfer> {
    let p = Permit2Payload::read(proof).ok()?;
    let a = &p.permit2_authorization;
    let from = a.from.parse::<Address>().ok()?;
    let token = a.permitted.token.parse::<Address>().ok()?;
    let to = a.witness.to.parse::<Address>().ok()?;
    let value = uint(&a.permitted.amount)?;
    let deadline = uint(&a.deadline)?;
    let call = settleCall {
        permit: PermitTransferFrom {
            permitted: TokenPermissions { token, amount: value },
            nonce: uint(&a.nonce)?,
            deadline,
        },
        owner: from,
        witness: Witness { to, validAfter: uint(&a.witness.valid_after)? },
        signature: hex_bytes(&p.signature)?.into(),
    };
    Some(Transfer {
        method: Method::Permit2,
        token,
        from,
        to,
        value,
        target: EXACT_PERMIT2_PROXY,
        data: call.abi_encode().into(),
        contract_signature: false,
        counterfactual: false,
        nonce: B256::ZERO,
        expires: deadline.saturating_to(),
    })
}

/// A view call's return data, or `None` when it reverted.
async fn read<R: Rpc>(
    rpc: &R,
    chain_id: u64,
    to: Address,
    data: Vec<u8>,
) -> Result<Option<Bytes>, Fault> {
    match eth_call(rpc, chain_id, None, to, &data).await? {
        Simulated::Ok(v) => super::rpc::bytes(&v).map(Some),
        Simulated::Reverted(_) => Ok(None),
    }
}

/// A view call's return value as `T`, or `None` when it reverted or does not decode.
async fn read_as<T: SolType, R: Rpc>(
    rpc: &R,
    chain_id: u64,
    to: Address,
    data: Vec<u8>,
) -> Result<Option<T::RustType>, Fault> {
    Ok(read(rpc, chain_id, to, data).await?.and_then(|b| T::abi_decode(&b).ok()))
}

/// Why a transfer's simulation failed: the first of the reference's diagnoses that holds, else
/// the simulation's failure itself. The reads go out together.
pub(super) async fn diagnose<R: Rpc>(
    rpc: &R,
    chain_id: u64,
    t: &Transfer,
    terms: &Terms<'_>,
) -> Result<Reason, Fault> {
    let balance = read_as::<sol_data::Uint<256>, _>(
        rpc,
        chain_id,
        t.token,
        balanceOfCall { account: t.from }.abi_encode(),
    );
    match t.method {
        Method::Eip3009 => {
            let state = authorizationStateCall { authorizer: t.from, nonce: t.nonce }.abi_encode();
            let ((state, name), (version, balance)) = join(
                join(
                    read(rpc, chain_id, t.token, state),
                    read_as::<sol_data::String, _>(
                        rpc,
                        chain_id,
                        t.token,
                        nameCall {}.abi_encode(),
                    ),
                ),
                join(
                    read_as::<sol_data::String, _>(
                        rpc,
                        chain_id,
                        t.token,
                        versionCall {}.abi_encode(),
                    ),
                    balance,
                ),
            )
            .await;
            match state?.as_deref().map(|b| b.last().copied().unwrap_or(0)) {
                None => return Ok(Reason::ExactEvmEip3009NotSupported),
                Some(1) => return Ok(Reason::ExactEvmNonceAlreadyUsed),
                Some(_) => {}
            }
            if name?.is_some_and(|n| Some(n.as_str()) != terms.extra_str("name")) {
                return Ok(Reason::ExactEvmTokenNameMismatch);
            }
            if version?.is_some_and(|v| Some(v.as_str()) != terms.extra_str("version")) {
                return Ok(Reason::ExactEvmTokenVersionMismatch);
            }
            if balance?.is_some_and(|b| b < t.value) {
                return Ok(Reason::ExactEvmInsufficientBalance);
            }
            Ok(Reason::ExactEvmTransactionSimulationFailed)
        }
        Method::Permit2 => {
            let allowance = allowanceCall { owner: t.from, spender: PERMIT2 }.abi_encode();
            let ((proxy, allowance), balance) = join(
                join(
                    super::rpc::has_code(rpc, chain_id, EXACT_PERMIT2_PROXY),
                    read_as::<sol_data::Uint<256>, _>(rpc, chain_id, t.token, allowance),
                ),
                balance,
            )
            .await;
            if !proxy? {
                return Ok(Reason::Permit2ProxyNotDeployed);
            }
            if allowance?.is_some_and(|a| a < t.value) {
                return Ok(Reason::Permit2AllowanceRequired);
            }
            if balance?.is_some_and(|b| b < t.value) {
                return Ok(Reason::Permit2InsufficientBalance);
            }
            Ok(Reason::Permit2SimulationFailed)
        }
    }
}

/// Whether a receipt's logs hold the token's `Transfer(from, to, value)` the payment promised.
pub(super) fn moved(t: &Transfer, receipt: &Value) -> bool {
    let Some(logs) = receipt.get("logs").and_then(Value::as_array) else {
        return false;
    };
    logs.iter().any(|log| {
        let address =
            log.get("address").and_then(Value::as_str).and_then(|a| a.parse::<Address>().ok());
        let topics: Vec<B256> = log
            .get("topics")
            .and_then(Value::as_array)
            .map(|ts| ts.iter().filter_map(|t| t.as_str()?.parse().ok()).collect())
            .unwrap_or_default();
        let data = log.get("data").and_then(Value::as_str).and_then(hex_bytes).unwrap_or_default();
        address == Some(t.token)
            && topics.len() == 3
            && topics[0] == abi::Transfer::SIGNATURE_HASH
            && topics[1] == t.from.into_word()
            && topics[2] == t.to.into_word()
            && data.len() == 32
            && U256::from_be_slice(&data) == t.value
    })
}
