//! The `exact` scheme's checks on Casper, in the reference facilitator's order and with its codes.
//!
//! Beyond the reference, three checks that the chain would make at settlement anyway: `publicKey`
//! must be the key of `from` (its account hash behind the `00` tag), the signature's tag must be
//! the key's algorithm, and a secp256k1 `s` must be low. Each fails with
//! `invalid_exact_casper_invalid_signature`. On refusal `payer` is left out, as the reference does.

use alloy_primitives::B256;

use super::eip712::{self, Address, TransferWithAuthorization};
use super::keys::{decode_signature, PublicKey};
use super::{is_account, is_hex, is_package_hash, Payload};

use crate::reason::Reason;
use crate::verdict::{Deferred, Replay, Verdict, SETTLE_BUFFER_SECONDS};
use crate::wire::{decimal, PaymentPayload, Terms};

/// Verifies an `exact` payment on a Casper network at unix time `now`.
pub fn verify_exact(payload: &PaymentPayload, terms: &Terms<'_>, now: u64) -> Verdict {
    match check(payload, terms, now) {
        Ok((payer, replay)) => {
            Verdict::Valid { payer, deferred: vec![Deferred::Simulation], replay }
        }
        Err((reason, message)) => Verdict::invalid(reason, None, message),
    }
}

type Refusal = (Reason, String);

fn fail<T>(reason: Reason, message: impl Into<String>) -> Result<T, Refusal> {
    Err((reason, message.into()))
}

/// A time bound: decimal digits that fit an `i64`, as the reference reads them.
fn seconds(field: &str, value: &str) -> Result<u64, Refusal> {
    value
        .parse::<u64>()
        .ok()
        .filter(|&n| value.bytes().all(|b| b.is_ascii_digit()) && n <= i64::MAX as u64)
        .map_or_else(|| fail(Reason::ExactCasperMalformedPayload, format!("invalid {field}")), Ok)
}

fn check(
    payload: &PaymentPayload,
    terms: &Terms<'_>,
    now: u64,
) -> Result<(String, Replay), Refusal> {
    use Reason::*;
    if payload.scheme() != "exact" || terms.scheme != "exact" {
        return fail(
            ExactCasperUnsupportedScheme,
            format!(
                "scheme must be `exact` (payload `{}`, requirement `{}`)",
                payload.scheme(),
                terms.scheme
            ),
        );
    }
    if payload.network() != terms.network {
        return fail(
            ExactCasperNetworkMismatch,
            format!("payload network `{}` is not `{}`", payload.network(), terms.network),
        );
    }
    let p = Payload::read(payload.proof())
        .or_else(|e| fail(ExactCasperMalformedPayload, format!("payload: {e}")))?;
    let a = &p.authorization;
    if [
        &p.signature,
        &p.public_key,
        &a.from,
        &a.to,
        &a.value,
        &a.valid_after,
        &a.valid_before,
        &a.nonce,
    ]
    .iter()
    .any(|s| s.is_empty())
    {
        return fail(ExactCasperMalformedPayload, "missing authorization fields");
    }
    let amount = terms.amount.to_string();
    if a.to != terms.pay_to {
        return fail(
            ExactCasperPayToMismatch,
            format!("authorization.to `{}` is not payTo `{}`", a.to, terms.pay_to),
        );
    }
    if a.value != amount {
        return fail(
            ExactCasperAmountMismatch,
            format!("authorization.value `{}` is not amount `{amount}`", a.value),
        );
    }
    if !is_account(terms.pay_to) || !is_account(&a.to) {
        return fail(ExactCasperInvalidPayTo, "invalid payTo account-hash");
    }
    if terms.amount.is_zero() {
        return fail(ExactCasperInvalidAmount, "amount must be positive");
    }
    if !is_package_hash(terms.asset) {
        return fail(
            ExactCasperInvalidAsset,
            format!("asset `{}` is not a contract package hash (64 hex)", terms.asset),
        );
    }
    let valid_after = seconds("validAfter", &a.valid_after)?;
    let valid_before = seconds("validBefore", &a.valid_before)?;
    if valid_after > now {
        return fail(
            ExactCasperNotYetValid,
            format!("validAfter {valid_after} is after now ({now})"),
        );
    }
    if now > valid_before {
        return fail(
            ExactCasperPayloadExpired,
            format!("validBefore {valid_before} has passed (now {now})"),
        );
    }
    if valid_before - now < SETTLE_BUFFER_SECONDS {
        return fail(
            ExactCasperInsufficientTimeToSettle,
            format!(
                "validBefore {valid_before} leaves less than {SETTLE_BUFFER_SECONDS} s to settle"
            ),
        );
    }
    if crate::network::Caip2::parse(terms.network).is_err() {
        return fail(
            ExactCasperNetworkMismatch,
            format!("`{}` is not a CAIP-2 network", terms.network),
        );
    }
    let name = terms.extra_str("name").filter(|s| !s.is_empty());
    let Some(name) = name else {
        return fail(ExactCasperMissingTokenName, "requirement extra.name is required");
    };
    let version = terms.extra_str("version").filter(|s| !s.is_empty());
    let Some(version) = version else {
        return fail(ExactCasperMissingTokenVersion, "requirement extra.version is required");
    };
    let address = |field: &str, hex: &str| {
        Address::from_hex(hex).map_or_else(
            || {
                fail(
                    ExactCasperMalformedPayload,
                    format!("invalid {field}: not 20 or 33 bytes of hex"),
                )
            },
            Ok,
        )
    };
    let message = TransferWithAuthorization {
        from: address("from", &a.from)?,
        to: address("to", &a.to)?,
        value: decimal::parse(&a.value)
            .or_else(|_| fail(ExactCasperMalformedPayload, "invalid value"))?,
        valid_after: alloy_primitives::U256::from(valid_after),
        valid_before: alloy_primitives::U256::from(valid_before),
        nonce: Some(&a.nonce)
            .filter(|n| is_hex(n, 64))
            .and_then(|n| n.parse::<B256>().ok())
            .map_or_else(|| fail(ExactCasperMalformedPayload, "invalid nonce"), Ok)?,
    };
    let package_hash: B256 =
        terms.asset.parse().or_else(|_| fail(ExactCasperInvalidAsset, "invalid asset"))?;
    let digest = message.digest(&eip712::domain(name, version, terms.network, package_hash));
    let signature = decode_signature(&p.signature)
        .or_else(|e| fail(ExactCasperInvalidSignature, e.to_string()))?;
    let key = PublicKey::from_hex(&p.public_key)
        .or_else(|e| fail(ExactCasperInvalidSignature, format!("publicKey: {e}")))?;
    if !key.account().eq_ignore_ascii_case(&a.from) {
        return fail(
            ExactCasperInvalidSignature,
            format!("publicKey is the key of account {}, not of from `{}`", key.account(), a.from),
        );
    }
    key.verify(digest.as_slice(), &signature)
        .or_else(|e| fail(ExactCasperInvalidSignature, e.to_string()))?;
    // Casper nonces are per (network, token, payer).
    let payer = a.from.to_ascii_lowercase();
    let key = format!(
        "casper:{}:{}:{payer}:{}",
        terms.network,
        terms.asset.to_ascii_lowercase(),
        a.nonce.to_ascii_lowercase()
    );
    // The Casper facilitator has no code for a used nonce: it refuses a replay as a payment
    // that fails verification at settlement.
    let replay = Replay::new(key, payer, valid_before, ExactCasperVerificationFailed);
    Ok((a.from.clone(), replay))
}
