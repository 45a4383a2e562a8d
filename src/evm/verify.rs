//! The `exact` scheme's checks on EVM, in the reference facilitator's order.
//!
//! Where the reference throws on malformed input (an unreadable payload, a malformed `asset` or
//! `payTo`, a network without a chain id) this returns a verdict with `invalid_payload`,
//! `invalid_payment_requirements` or `invalid_network` instead, at the point the reference would
//! have thrown. One deliberate difference: high-s signatures are refused here
//! (`invalid_exact_evm_signature`); the reference lets them through to a settlement that fails.

use alloy_primitives::{Address, B256, U256};
use serde_json::{Map, Value};

use super::eip712::{self, exact_permit2, Signable, TransferWithAuthorization};
use super::signature::{decode_signature, parse_address, recover};
use super::{Eip3009Payload, Permit2Authorization, Permit2Payload};
use crate::network;
use crate::reason::Reason;
use crate::verdict::{Deferred, Replay, Verdict, SETTLE_BUFFER_SECONDS};
use crate::wire::{decimal, PaymentPayload, Terms, Version};

/// Verifies an `exact` payment on an EVM network. See the module docs for the order.
pub fn verify_exact(payload: &PaymentPayload, terms: &Terms<'_>, now: u64) -> Verdict {
    let proof = payload.proof();
    if proof.contains_key("permit2Authorization") && payload.version() == Version::V2 {
        verify_permit2(payload, terms, now)
    } else {
        verify_eip3009(payload, terms, now)
    }
}

/// A field of the proof read as a string, for `payer` before the proof is fully parsed.
pub(super) fn payer_of<'a>(proof: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    proof.get(key)?.get("from")?.as_str()
}

/// An address compared the way viem's `getAddress` does: any case, checksum not enforced.
pub(super) fn loose_address(s: &str) -> Option<Address> {
    let digits = s.strip_prefix("0x")?;
    (digits.len() == 40).then(|| digits.parse().ok()).flatten()
}

/// A uint256 field: canonical decimal, or the reason the reference would give.
fn uint(field: &str, value: &str, overflow: Reason) -> Result<U256, (Reason, String)> {
    decimal::parse(value).map_err(|e| {
        let reason = if value.bytes().all(|b| b.is_ascii_digit())
            && !value.is_empty()
            && !value.starts_with('0')
        {
            overflow
        } else {
            Reason::InvalidPayload
        };
        (reason, format!("{field}: {e}"))
    })
}

/// Checks shared by both payload kinds before the proof is read: scheme, domain, asset, network.
/// Returns the chain id and asset.
fn preamble(
    payload: &PaymentPayload,
    terms: &Terms<'_>,
    payer: Option<&str>,
    scheme_reason: Reason,
    needs_domain: bool,
) -> Result<(u64, Address), Verdict> {
    let fail = |reason, msg: String| Verdict::invalid(reason, payer, msg);
    if payload.scheme() != "exact" || terms.scheme != "exact" {
        return Err(fail(
            scheme_reason,
            format!(
                "scheme must be `exact` (payload `{}`, requirement `{}`)",
                payload.scheme(),
                terms.scheme
            ),
        ));
    }
    // v1 resolves the chain from the payload's legacy name before anything else.
    let v1_chain = match payload {
        PaymentPayload::V1(p) => Some(
            network::evm_chain_id(&p.network)
                .ok()
                .filter(|_| !p.network.contains(':'))
                .ok_or_else(|| {
                    fail(
                        Reason::ExactEvmNetworkMismatch,
                        format!("unknown v1 network `{}`", p.network),
                    )
                })?,
        ),
        PaymentPayload::V2(_) => None,
    };
    let has = |k| terms.extra_str(k).is_some_and(|s| !s.is_empty());
    if needs_domain && !(has("name") && has("version")) {
        return Err(fail(
            Reason::ExactEvmMissingEip712Domain,
            "requirement extra must carry the token's EIP-712 name and version".into(),
        ));
    }
    let asset = loose_address(terms.asset).ok_or_else(|| {
        fail(
            Reason::InvalidPaymentRequirements,
            format!("asset `{}` is not an address", terms.asset),
        )
    })?;
    if payload.network() != terms.network {
        return Err(fail(
            Reason::ExactEvmNetworkMismatch,
            format!("payload network `{}` is not `{}`", payload.network(), terms.network),
        ));
    }
    let chain_id = match v1_chain {
        Some(id) => id,
        None => network::eip155_chain_id(terms.network).map_err(|_| {
            fail(Reason::InvalidNetwork, format!("`{}` is not an eip155 network", terms.network))
        })?,
    };
    Ok((chain_id, asset))
}

fn pay_to(terms: &Terms<'_>, payer: Option<&str>) -> Result<Address, Verdict> {
    loose_address(terms.pay_to).ok_or_else(|| {
        Verdict::invalid(
            Reason::InvalidPaymentRequirements,
            payer,
            format!("payTo `{}` is not an address", terms.pay_to),
        )
    })
}

/// Reads the signature: `Ok(Some)` for 65 bytes, `Ok(None)` for a longer smart-wallet signature
/// of a shape such wallets make ([`contract_signature_shape`]); anything else is an error.
fn signature_bytes(hex: &str) -> Result<Option<[u8; 65]>, String> {
    match decode_signature(hex) {
        Ok(sig) => Ok(Some(sig)),
        Err(e) => {
            let digits = hex.strip_prefix("0x").unwrap_or(hex);
            if digits.len() <= 130 {
                return Err(e.to_string());
            }
            let bytes = alloy_primitives::hex::decode(digits).map_err(|_| e.to_string())?;
            contract_signature_shape(&bytes).map(|()| None)
        }
    }
}

/// The ERC-6492 suffix: a signature of a wallet not yet deployed.
pub(crate) const ERC6492_MAGIC: [u8; 32] = [
    0x64, 0x92, 0x64, 0x92, 0x64, 0x92, 0x64, 0x92, 0x64, 0x92, 0x64, 0x92, 0x64, 0x92, 0x64, 0x92,
    0x64, 0x92, 0x64, 0x92, 0x64, 0x92, 0x64, 0x92, 0x64, 0x92, 0x64, 0x92, 0x64, 0x92, 0x64, 0x92,
];
/// The longest smart-wallet signature taken (a WebAuthn passkey signature wrapped in ERC-6492 with
/// its factory call is about 1.5 KB).
pub const MAX_CONTRACT_SIGNATURE_BYTES: usize = 8192;

/// Whether a signature longer than 65 bytes has a shape smart wallets make, so that a facilitator
/// is asked about it only then (each such payment costs a `/verify` call, with no key needed):
/// - ERC-6492: `abi.encode(address factory, bytes factoryCalldata, bytes signature) ‖ magic`,
///   decoded strictly, with a factory, a call and an inner signature of one of these shapes;
/// - ERC-1271, ABI-encoded (Coinbase Smart Wallet's `SignatureWrapper`, most ERC-4337 accounts):
///   whole 32-byte words whose first word is the offset of data inside the signature;
/// - ERC-1271, concatenated 65-byte ECDSA signatures (Safe owners).
pub fn contract_signature_shape(sig: &[u8]) -> Result<(), String> {
    use alloy_sol_types::SolValue;
    if sig.len() > MAX_CONTRACT_SIGNATURE_BYTES {
        return Err(format!(
            "a {}-byte signature is longer than any wallet's ({MAX_CONTRACT_SIGNATURE_BYTES})",
            sig.len()
        ));
    }
    if let Some(body) = sig.strip_suffix(&ERC6492_MAGIC) {
        let (factory, call, inner) = <(Address, alloy_primitives::Bytes, alloy_primitives::Bytes)>::abi_decode_params_validate(body)
            .map_err(|e| format!("ERC-6492 signature does not decode: {e}"))?;
        if factory.is_zero() || call.is_empty() {
            return Err("ERC-6492 signature has no factory or no factory call".into());
        }
        return match inner.len() {
            65 => Ok(()),
            n if n > 65 && !inner.ends_with(&ERC6492_MAGIC) => contract_signature_shape(&inner),
            n => Err(format!("ERC-6492 inner signature of {n} bytes is not a signature")),
        };
    }
    // The first word is a small offset: 24 zero bytes, then a multiple of 32 inside the signature.
    let abi_encoded = sig.len() % 32 == 0 && sig[..24].iter().all(|&b| b == 0) && {
        let offset = u64::from_be_bytes(sig[24..32].try_into().unwrap_or_default());
        offset >= 32 && offset < sig.len() as u64 && offset % 32 == 0
    };
    if abi_encoded || sig.len() % 65 == 0 {
        return Ok(());
    }
    Err(format!("a {}-byte signature is neither ECDSA (65 bytes) nor a smart-wallet shape (ERC-6492, ABI-encoded ERC-1271, concatenated ECDSA)", sig.len()))
}

/// Checks that `signature` over `digest` recovers to `from`. `Ok(false)` means a contract
/// signature that only the chain can judge.
fn check_signer(digest: &B256, signature: &str, from: Address) -> Result<bool, String> {
    match signature_bytes(signature)? {
        None => Ok(false),
        Some(sig) => {
            let signer = recover(digest, &sig).map_err(|e| e.to_string())?;
            if signer == from {
                Ok(true)
            } else {
                Err(format!(
                    "signature recovers to {}, not {}",
                    signer.to_checksum(None),
                    from.to_checksum(None)
                ))
            }
        }
    }
}

fn verify_eip3009(payload: &PaymentPayload, terms: &Terms<'_>, now: u64) -> Verdict {
    let proof = payload.proof();
    let payer = payer_of(proof, "authorization");
    let fail = |reason, msg: String| Verdict::invalid(reason, payer, msg);
    let (chain_id, asset) = match preamble(payload, terms, payer, Reason::ExactEvmScheme, true) {
        Ok(v) => v,
        Err(verdict) => return verdict,
    };
    let parsed = match Eip3009Payload::read(proof) {
        Ok(p) => p,
        Err(e) => return fail(Reason::InvalidPayload, format!("EIP-3009 payload: {e}")),
    };
    let a = &parsed.authorization;
    let sig_reason = Reason::ExactEvmSignature;
    let numbers = (|| {
        Ok::<_, (Reason, String)>((
            uint("value", &a.value, sig_reason)?,
            uint("validAfter", &a.valid_after, sig_reason)?,
            uint("validBefore", &a.valid_before, sig_reason)?,
        ))
    })();
    let (value, valid_after, valid_before) = match numbers {
        Ok(n) => n,
        Err((reason, msg)) => return fail(reason, msg),
    };

    // Signature. Typed-data fields must be well-formed (EIP-55 where mixed-case) to be signed at all.
    let (Some(from), Some(to)) = (parse_address(&a.from), parse_address(&a.to)) else {
        return fail(
            sig_reason,
            "authorization from/to must be addresses with a valid EIP-55 checksum".into(),
        );
    };
    let Some(nonce) =
        a.nonce.strip_prefix("0x").filter(|n| n.len() == 64).and_then(|n| n.parse::<B256>().ok())
    else {
        return fail(sig_reason, "authorization nonce must be 0x and 64 hex digits".into());
    };
    let name = terms.extra_str("name").unwrap_or_default();
    let version = terms.extra_str("version").unwrap_or_default();
    let domain = eip712::token_domain(name, version, chain_id, asset);
    let message = TransferWithAuthorization {
        from,
        to,
        value,
        validAfter: valid_after,
        validBefore: valid_before,
        nonce,
    };
    let ecdsa_checked = match check_signer(&message.digest(&domain), &parsed.signature, from) {
        Ok(checked) => checked,
        Err(msg) => return fail(sig_reason, msg),
    };

    let pay_to = match pay_to(terms, payer) {
        Ok(p) => p,
        Err(v) => return v,
    };
    if to != pay_to {
        return fail(
            Reason::ExactEvmRecipientMismatch,
            format!(
                "authorization pays {}, not payTo {}",
                to.to_checksum(None),
                pay_to.to_checksum(None)
            ),
        );
    }
    let now = U256::from(now);
    if valid_before < now + U256::from(SETTLE_BUFFER_SECONDS) {
        return fail(Reason::ExactEvmValidBefore, format!("validBefore {valid_before} is less than {SETTLE_BUFFER_SECONDS} s after now ({now})"));
    }
    if valid_after > now {
        return fail(
            Reason::ExactEvmValidAfter,
            format!("validAfter {valid_after} is after now ({now})"),
        );
    }
    if value != terms.amount {
        let reason = match payload.version() {
            Version::V1 => Reason::ExactEvmAuthorizationValue,
            Version::V2 => Reason::ExactEvmValueMismatch,
        };
        return fail(
            reason,
            format!("authorization value {value} is not the required {}", terms.amount),
        );
    }

    let mut deferred = Vec::with_capacity(3);
    if !ecdsa_checked {
        deferred.push(Deferred::ContractSignature);
    }
    if payload.version() == Version::V2 {
        deferred.push(Deferred::AssetDeployed);
    }
    deferred.push(Deferred::Simulation);
    // EIP-3009 nonces are per (chain, token, payer).
    let payer = a.from.to_ascii_lowercase();
    let key = format!(
        "eip3009:{chain_id}:{}:{payer}:{}",
        terms.asset.to_ascii_lowercase(),
        a.nonce.to_ascii_lowercase()
    );
    let replay = Replay::new(key, payer, saturating_u64(valid_before), NONCE_USED);
    Verdict::Valid { payer: a.from.clone(), deferred, replay }
}

/// What a used key is refused with, for both payload kinds.
const NONCE_USED: Reason = Reason::ExactEvmNonceAlreadyUsed;

fn saturating_u64(n: U256) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn verify_permit2(payload: &PaymentPayload, terms: &Terms<'_>, now: u64) -> Verdict {
    let proof = payload.proof();
    let payer = payer_of(proof, "permit2Authorization");
    let fail = |reason, msg: String| Verdict::invalid(reason, payer, msg);
    let (chain_id, asset) =
        match preamble(payload, terms, payer, Reason::UnsupportedPayloadType, false) {
            Ok(v) => v,
            Err(verdict) => return verdict,
        };
    let parsed = match Permit2Payload::read(proof) {
        Ok(p) => p,
        Err(e) => return fail(Reason::InvalidPayload, format!("Permit2 payload: {e}")),
    };
    let rules =
        PermitRules { proxy: eip712::EXACT_PERMIT2_PROXY, proxy_name: "exact", upto: false };
    let permit = match check_permit(&parsed.permit2_authorization, terms, asset, now, rules) {
        Ok(permit) => permit,
        Err(verdict) => return verdict,
    };
    let CheckedPermit { from, spender, to, token, deadline, valid_after, amount, nonce, .. } =
        permit;
    let message = exact_permit2::PermitWitnessTransferFrom {
        permitted: exact_permit2::TokenPermissions { token, amount },
        spender,
        nonce,
        deadline,
        witness: exact_permit2::Witness { to, validAfter: valid_after },
    };
    let digest = message.digest(&eip712::permit2_domain(chain_id));
    permit2_signed(&digest, &parsed, from, chain_id, deadline, NONCE_USED)
}

/// What tells a scheme's permits apart: the x402 proxy they name as spender, and (`upto`) a witness
/// that names the facilitator.
pub(super) struct PermitRules {
    pub proxy: Address,
    pub proxy_name: &'static str,
    pub upto: bool,
}

/// A Permit2 permit's fields, read and checked against the offer.
pub(super) struct CheckedPermit {
    pub from: Address,
    pub spender: Address,
    pub to: Address,
    /// `upto` only.
    pub facilitator: Option<Address>,
    pub token: Address,
    pub deadline: U256,
    pub valid_after: U256,
    pub amount: U256,
    pub nonce: U256,
}

/// The checks `exact` and `upto` permits share, in the reference facilitator's order: the fields
/// read, the spender, the recipient, (`upto`) the facilitator against the offer's
/// `facilitatorAddress`, the deadline, the start, the amount, the token, and the EIP-55 checksums
/// signing needs. The signature is [`permit2_signed`]'s.
pub(super) fn check_permit(
    p: &Permit2Authorization,
    terms: &Terms<'_>,
    asset: Address,
    now: u64,
    rules: PermitRules,
) -> Result<CheckedPermit, Verdict> {
    let payer = Some(p.from.as_str());
    let fail = |reason, msg: String| Verdict::invalid(reason, payer, msg);
    let address = |field: &str, s: &str| {
        loose_address(s).ok_or((Reason::InvalidPayload, format!("{field} `{s}` is not an address")))
    };
    let sig_reason = Reason::Permit2Signature;
    let facilitator = p.witness.facilitator.as_deref().filter(|_| rules.upto);
    let fields = (|| {
        Ok::<_, (Reason, String)>((
            address("spender", &p.spender)?,
            address("witness.to", &p.witness.to)?,
            facilitator.map(|f| address("witness.facilitator", f)).transpose()?,
            address("permitted.token", &p.permitted.token)?,
            uint("deadline", &p.deadline, sig_reason)?,
            uint("witness.validAfter", &p.witness.valid_after, sig_reason)?,
            uint("permitted.amount", &p.permitted.amount, sig_reason)?,
            uint("nonce", &p.nonce, sig_reason)?,
        ))
    })();
    let (spender, to, witness_facilitator, token, deadline, valid_after, amount, nonce) =
        fields.map_err(|(reason, msg)| fail(reason, msg))?;

    if spender != rules.proxy {
        let msg = format!(
            "spender {} is not the x402 {} Permit2 proxy",
            spender.to_checksum(None),
            rules.proxy_name
        );
        return Err(fail(Reason::Permit2Spender, msg));
    }
    let pay_to = pay_to(terms, payer)?;
    if to != pay_to {
        let msg = format!(
            "witness pays {}, not payTo {}",
            to.to_checksum(None),
            pay_to.to_checksum(None)
        );
        return Err(fail(Reason::Permit2RecipientMismatch, msg));
    }
    if rules.upto {
        let offered = terms.extra_str(super::upto::FACILITATOR_ADDRESS).and_then(loose_address);
        if offered.is_none() || offered != witness_facilitator {
            let named = |a: Option<Address>| a.map_or("(none)".into(), |a| a.to_checksum(None));
            let msg = format!(
                "witness names facilitator {}, not the offer's facilitatorAddress {}",
                named(witness_facilitator),
                named(offered)
            );
            return Err(fail(Reason::UptoFacilitatorMismatch, msg));
        }
    }
    let now = U256::from(now);
    if deadline < now + U256::from(SETTLE_BUFFER_SECONDS) {
        let msg =
            format!("deadline {deadline} is less than {SETTLE_BUFFER_SECONDS} s after now ({now})");
        return Err(fail(Reason::Permit2DeadlineExpired, msg));
    }
    if valid_after > now {
        let msg = format!("witness validAfter {valid_after} is after now ({now})");
        return Err(fail(Reason::Permit2NotYetValid, msg));
    }
    if amount != terms.amount {
        let msg = format!("permitted amount {amount} is not the required {}", terms.amount);
        return Err(fail(Reason::Permit2AmountMismatch, msg));
    }
    if token != asset {
        let msg = format!(
            "permitted token {} is not the asset {}",
            token.to_checksum(None),
            asset.to_checksum(None)
        );
        return Err(fail(Reason::Permit2TokenMismatch, msg));
    }
    let checksummed = |s: &str| parse_address(s).is_some();
    let others = [&p.spender, &p.witness.to, &p.permitted.token];
    let Some(from) = parse_address(&p.from)
        .filter(|_| others.iter().all(|s| checksummed(s)) && facilitator.is_none_or(checksummed))
    else {
        let msg = "permit addresses must carry a valid EIP-55 checksum where mixed-case".into();
        return Err(fail(sig_reason, msg));
    };
    Ok(CheckedPermit {
        from,
        spender,
        to,
        facilitator: witness_facilitator,
        token,
        deadline,
        valid_after,
        amount,
        nonce,
    })
}

/// The last local check of a Permit2 permit (`exact` or `upto`): its signature over `digest` by
/// `from`; then the valid verdict, with the chain checks left to the facilitator and the one-time
/// key. Permit2 nonces are per (chain, payer), whatever the token or the scheme, so the key is too;
/// a used one is refused with `replay_reason`.
pub(super) fn permit2_signed(
    digest: &B256,
    parsed: &Permit2Payload,
    from: Address,
    chain_id: u64,
    deadline: U256,
    replay_reason: Reason,
) -> Verdict {
    let p = &parsed.permit2_authorization;
    let ecdsa_checked = match check_signer(digest, &parsed.signature, from) {
        Ok(checked) => checked,
        Err(msg) => return Verdict::invalid(Reason::Permit2Signature, Some(&p.from), msg),
    };
    let mut deferred = vec![Deferred::AssetDeployed, Deferred::Simulation];
    if !ecdsa_checked {
        deferred.insert(0, Deferred::ContractSignature);
    }
    let payer = p.from.to_ascii_lowercase();
    let key = format!("permit2:{chain_id}:{payer}:{}", p.nonce);
    let replay = Replay::new(key, payer, saturating_u64(deadline), replay_reason);
    Verdict::Valid { payer: p.from.clone(), deferred, replay }
}
