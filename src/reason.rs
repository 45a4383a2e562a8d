//! Reason codes, spelled as the reference SDK spells them (2.27), character for character.
//!
//! A facilitator may answer with codes this crate does not list; wire types therefore carry the
//! code as a string, and [`Reason`] is what this crate itself decides.

wire_strings! {
    /// A reason a payment is refused.
    Reason {
        /// Scheme is not `exact` on the payload or the requirement.
        ExactEvmScheme = "invalid_exact_evm_scheme",
        /// `extra.name` / `extra.version` missing, so no EIP-712 domain.
        ExactEvmMissingEip712Domain = "invalid_exact_evm_missing_eip712_domain",
        /// The payload's network differs from the requirement's.
        ExactEvmNetworkMismatch = "invalid_exact_evm_network_mismatch",
        /// The signature does not recover to `authorization.from`, or is malformed or malleable.
        ExactEvmSignature = "invalid_exact_evm_signature",
        /// `authorization.to` is not `payTo`.
        ExactEvmRecipientMismatch = "invalid_exact_evm_recipient_mismatch",
        /// `validBefore` is past, or less than 6 s away.
        ExactEvmValidBefore = "invalid_exact_evm_payload_authorization_valid_before",
        /// `validAfter` is in the future.
        ExactEvmValidAfter = "invalid_exact_evm_payload_authorization_valid_after",
        /// v2: `authorization.value` differs from `amount`.
        ExactEvmValueMismatch = "invalid_exact_evm_payload_authorization_value_mismatch",
        /// v1: `authorization.value` differs from `maxAmountRequired`.
        ExactEvmAuthorizationValue = "invalid_exact_evm_authorization_value",
        /// The authorization's nonce was already used on chain (or reserved by this server).
        ExactEvmNonceAlreadyUsed = "invalid_exact_evm_nonce_already_used",
        /// The payer's balance is below the amount.
        ExactEvmInsufficientBalance = "invalid_exact_evm_insufficient_balance",
        /// The token's on-chain name differs from `extra.name`.
        ExactEvmTokenNameMismatch = "invalid_exact_evm_token_name_mismatch",
        /// The token's on-chain version differs from `extra.version`.
        ExactEvmTokenVersionMismatch = "invalid_exact_evm_token_version_mismatch",
        /// The token has no EIP-3009 `authorizationState`.
        ExactEvmEip3009NotSupported = "invalid_exact_evm_eip3009_not_supported",
        /// Simulation failed for another reason.
        ExactEvmTransactionSimulationFailed = "invalid_exact_evm_transaction_simulation_failed",
        /// The settlement transaction reverted.
        ExactEvmTransactionFailed = "invalid_exact_evm_transaction_failed",
        /// The asset address has no contract code.
        AssetNotDeployedContract = "asset_not_deployed_contract",
        /// The settlement's receipt holds no `Transfer(from, to, value)` of the token.
        ExactEvmTransferEventMismatch = "invalid_exact_evm_transfer_event_mismatch",
        /// An ERC-6492 signature of a wallet not deployed, whose factory is not allowed.
        Eip6492FactoryNotAllowed = "eip6492_factory_not_allowed",
        /// The facilitator could not verify: its chain did not answer.
        UnexpectedVerifyError = "unexpected_verify_error",
        /// The facilitator could not settle: its chain did not answer, or refused the transaction.
        UnexpectedSettleError = "unexpected_settle_error",
        /// A Permit2 payload under a scheme other than `exact`, or an unreadable `upto` payload.
        UnsupportedPayloadType = "unsupported_payload_type",
        /// The permit's spender is not the x402 Permit2 proxy.
        Permit2Spender = "invalid_permit2_spender",
        /// The witness recipient is not `payTo`.
        Permit2RecipientMismatch = "invalid_permit2_recipient_mismatch",
        /// The permit signature does not recover to `from`.
        Permit2Signature = "invalid_permit2_signature",
        /// The permit's deadline is past, or less than 6 s away.
        Permit2DeadlineExpired = "permit2_deadline_expired",
        /// The witness `validAfter` is in the future.
        Permit2NotYetValid = "permit2_not_yet_valid",
        /// The permitted amount differs from `amount`.
        Permit2AmountMismatch = "permit2_amount_mismatch",
        /// The permitted token is not the asset.
        Permit2TokenMismatch = "permit2_token_mismatch",
        /// The payer has not approved Permit2 for the token (HTTP 412 in the reference server).
        Permit2AllowanceRequired = "permit2_allowance_required",
        /// Permit2: the x402 exact proxy has no code on this chain.
        Permit2ProxyNotDeployed = "permit2_proxy_not_deployed",
        /// Permit2: the payer holds less than the amount.
        Permit2InsufficientBalance = "permit2_insufficient_balance",
        /// Permit2: the proxy's `settle` would revert for another reason.
        Permit2SimulationFailed = "permit2_simulation_failed",
        /// A Permit2 nonce already used (on chain, or reserved by this server).
        Permit2InvalidNonce = "permit2_invalid_nonce",
        /// `upto`: the scheme is not `upto` on the payload or the requirement.
        UptoEvmScheme = "invalid_upto_evm_scheme",
        /// `upto`: the payload's network differs from the requirement's.
        UptoEvmNetworkMismatch = "invalid_upto_evm_network_mismatch",
        /// `upto`: the witness names another facilitator than the requirement's `facilitatorAddress`.
        UptoFacilitatorMismatch = "upto_facilitator_mismatch",
        /// `upto` settlement: the amount to settle is above the signed maximum.
        UptoEvmSettlementExceedsAmount = "invalid_upto_evm_payload_settlement_exceeds_amount",
        /// `upto` settlement: the proxy refused an amount above the permitted one.
        UptoAmountExceedsPermitted = "upto_amount_exceeds_permitted",
        /// `upto` settlement: the transaction was not sent by the witness's facilitator.
        UptoUnauthorizedFacilitator = "upto_unauthorized_facilitator",
        /// `upto` settlement: the transaction reverted.
        UptoEvmTransactionFailed = "invalid_upto_evm_transaction_failed",
        /// Casper: the payload's scheme is not `exact`.
        ExactCasperUnsupportedScheme = "invalid_exact_casper_unsupported_scheme",
        /// Casper: the payload's network differs from the requirement's, or is not a Casper network.
        ExactCasperNetworkMismatch = "invalid_exact_casper_network_mismatch",
        /// Casper: a payload field is missing, not a string, or not of its format.
        ExactCasperMalformedPayload = "invalid_exact_casper_malformed_payload",
        /// Casper: `authorization.to` is not `payTo` (compared as strings).
        ExactCasperPayToMismatch = "invalid_exact_casper_payto_mismatch",
        /// Casper: `authorization.value` is not `amount` (compared as strings).
        ExactCasperAmountMismatch = "invalid_exact_casper_amount_mismatch",
        /// Casper: `payTo` is not a tagged account hash (`00` or `01` and 64 hex).
        ExactCasperInvalidPayTo = "invalid_exact_casper_invalid_payto",
        /// Casper: the amount is zero or empty.
        ExactCasperInvalidAmount = "invalid_exact_casper_invalid_amount",
        /// Casper: `asset` is not a contract package hash (64 hex).
        ExactCasperInvalidAsset = "invalid_exact_casper_invalid_asset",
        /// Casper: `validBefore` has passed.
        ExactCasperPayloadExpired = "invalid_exact_casper_payload_expired",
        /// Casper: `validAfter` is in the future.
        ExactCasperNotYetValid = "invalid_exact_casper_not_yet_valid",
        /// Casper: `validBefore` is less than 6 s away.
        ExactCasperInsufficientTimeToSettle = "invalid_exact_casper_insufficient_time_to_settle",
        /// Casper: `extra.name` is missing or empty.
        ExactCasperMissingTokenName = "invalid_exact_casper_missing_token_name",
        /// Casper: `extra.version` is missing or empty.
        ExactCasperMissingTokenVersion = "invalid_exact_casper_missing_token_version",
        /// Casper: the typed data cannot be hashed (e.g. a value past uint256).
        ExactCasperFailedToHash = "invalid_exact_casper_failed_to_hash",
        /// Casper: the signature is malformed, does not verify against `publicKey`, or `publicKey` is
        /// not the key of `from` (the last is this crate's check; the reference facilitator omits it).
        ExactCasperInvalidSignature = "invalid_exact_casper_invalid_signature",
        /// Casper settlement: the payment failed verification at settle time.
        ExactCasperVerificationFailed = "invalid_exact_casper_verification_failed",
        /// Casper settlement: the transaction could not be built.
        ExactCasperBuildDeployFailed = "invalid_exact_casper_build_deploy_failed",
        /// Casper settlement: the transaction could not be signed.
        ExactCasperSignDeployFailed = "invalid_exact_casper_sign_deploy_failed",
        /// Casper settlement: the node refused the transaction.
        ExactCasperPutDeployFailed = "invalid_exact_casper_put_deploy_failed",
        /// Casper settlement: the transaction failed or was not seen executed.
        ExactCasperWaitDeployFailed = "invalid_exact_casper_wait_deploy_failed",
        /// Solana: the scheme is not `exact` (v2).
        ExactSvmUnsupportedScheme = "invalid_exact_svm_unsupported_scheme",
        /// Solana: the payload's network differs from the requirement's (v2).
        ExactSvmNetworkMismatch = "invalid_exact_svm_network_mismatch",
        /// Solana: the requirement has no `extra.feePayer`.
        ExactSvmMissingFeePayer = "invalid_exact_svm_payload_missing_fee_payer",
        /// Solana: the transaction is not base64 of a wire transaction with a readable message.
        ExactSvmTransactionCouldNotBeDecoded =
            "invalid_exact_svm_payload_transaction_could_not_be_decoded",
        /// Solana: the message's first account is not `extra.feePayer`.
        ExactSvmFeePayerMismatch = "invalid_exact_svm_fee_payer_mismatch",
        /// Solana: a signature of a signer other than the fee payer is missing or does not verify.
        ExactSvmSignatureInvalid = "invalid_exact_svm_payload_signature_invalid",
        /// Solana: fewer than 3 or more than 7 (v1: 6) instructions.
        ExactSvmInstructionsLength = "invalid_exact_svm_payload_transaction_instructions_length",
        /// Solana: the first instruction is not `SetComputeUnitLimit`.
        ExactSvmComputeLimitInstruction =
            "invalid_exact_svm_payload_transaction_instructions_compute_limit_instruction",
        /// Solana: the second instruction is not `SetComputeUnitPrice`.
        ExactSvmComputePriceInstruction =
            "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction",
        /// Solana: the compute unit price is above 5 lamports per unit.
        ExactSvmComputePriceTooHigh =
            "invalid_exact_svm_payload_transaction_instructions_compute_price_instruction_too_high",
        /// Solana: the third instruction is not a Token or Token-2022 `TransferChecked`.
        ExactSvmNoTransferInstruction = "invalid_exact_svm_payload_no_transfer_instruction",
        /// Solana: the transfer's authority is the fee payer.
        ExactSvmFeePayerTransferringFunds =
            "invalid_exact_svm_payload_transaction_fee_payer_transferring_funds",
        /// Solana: the transfer's mint is not the asset.
        ExactSvmMintMismatch = "invalid_exact_svm_payload_mint_mismatch",
        /// Solana: the destination is not the associated token account of `payTo`.
        ExactSvmRecipientMismatch = "invalid_exact_svm_payload_recipient_mismatch",
        /// Solana: the transferred amount is not the amount required.
        ExactSvmAmountMismatch = "invalid_exact_svm_payload_amount_mismatch",
        /// Solana: the fourth instruction is neither Memo nor Lighthouse.
        ExactSvmUnknownFourthInstruction = "invalid_exact_svm_payload_unknown_fourth_instruction",
        /// Solana: the fifth instruction is neither Memo nor Lighthouse.
        ExactSvmUnknownFifthInstruction = "invalid_exact_svm_payload_unknown_fifth_instruction",
        /// Solana: the sixth instruction is neither Memo nor Lighthouse.
        ExactSvmUnknownSixthInstruction = "invalid_exact_svm_payload_unknown_sixth_instruction",
        /// Solana: the seventh instruction is neither Memo nor Lighthouse.
        ExactSvmUnknownSeventhInstruction = "invalid_exact_svm_payload_unknown_seventh_instruction",
        /// Solana: `extra.memo` is set but the transaction has not exactly one Memo instruction.
        ExactSvmMemoCount = "invalid_exact_svm_payload_memo_count",
        /// Solana: the Memo instruction's text is not `extra.memo`.
        ExactSvmMemoMismatch = "invalid_exact_svm_payload_memo_mismatch",
        /// Solana: the transaction would fail when simulated (here: what a local reading proves).
        ExactSvmTransactionSimulationFailed = "invalid_exact_svm_transaction_simulation_failed",
        /// Solana v1: the transaction would fail when simulated.
        TransactionSimulationFailed = "transaction_simulation_failed",
        /// Solana: the transaction uses address lookup tables, which need RPC to resolve.
        ExactSvmAltResolutionNotAvailable =
            "invalid_exact_svm_smart_wallet_alt_resolution_not_available",
        /// The same transaction was settled (or is being settled) already.
        DuplicateSettlement = "duplicate_settlement",
        /// v1 payload and requirement name different networks.
        NetworkMismatch = "network_mismatch",
        /// The payload cannot be read as the scheme's proof (this crate; the reference throws).
        InvalidPayload = "invalid_payload",
        /// The requirement itself is unusable: a malformed asset or payTo (this crate; the reference throws).
        InvalidPaymentRequirements = "invalid_payment_requirements",
        /// The network is not one this crate can verify on (this crate; the reference throws).
        InvalidNetwork = "invalid_network",
        /// Payload and requirement of different protocol versions.
        InvalidX402Version = "invalid_x402_version",
        /// The scheme is not one this crate verifies.
        UnsupportedScheme = "unsupported_scheme",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &r in Reason::ALL {
            assert!(seen.insert(r.as_str()), "duplicate {r}");
            assert_eq!(Reason::from_code(r.as_str()), Some(r));
        }
    }
}
