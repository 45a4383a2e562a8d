// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {TestPermit2} from "./Permit2.sol";

/// A test stand-in for the x402 exact Permit2 proxy, installed with anvil_setCode at its canonical
/// address; it calls the Permit2 at the canonical address (a constant: setCode runs no constructor).
///
/// `settle(permit, owner, witness, signature)` is the call a facilitator makes. It refuses a zero
/// owner (`InvalidOwner`) or recipient (`InvalidDestination`) and a payment before the witness's
/// `validAfter` (`PaymentTooEarly`), then asks Permit2 to move the whole permitted amount to
/// `witness.to`, with the witness hash of `Witness(address to,uint256 validAfter)`, so Permit2's
/// signature check covers recipient and start.
contract TestExactPermit2Proxy {
    address public constant PERMIT2 = 0x000000000022D473030F116dDEE9F6B43aC78BA3;

    string public constant WITNESS_TYPE_STRING =
        "Witness witness)TokenPermissions(address token,uint256 amount)Witness(address to,uint256 validAfter)";
    bytes32 public constant WITNESS_TYPEHASH = keccak256("Witness(address to,uint256 validAfter)");

    struct Witness {
        address to;
        uint256 validAfter;
    }

    error InvalidOwner();
    error InvalidDestination();
    error PaymentTooEarly();

    function settle(
        TestPermit2.PermitTransferFrom calldata permit,
        address owner,
        Witness calldata witness,
        bytes calldata signature
    ) external {
        if (owner == address(0)) revert InvalidOwner();
        if (witness.to == address(0)) revert InvalidDestination();
        if (block.timestamp < witness.validAfter) revert PaymentTooEarly();
        bytes32 witnessHash = keccak256(abi.encode(WITNESS_TYPEHASH, witness.to, witness.validAfter));
        TestPermit2(PERMIT2).permitWitnessTransferFrom(
            permit,
            TestPermit2.SignatureTransferDetails({to: witness.to, requestedAmount: permit.permitted.amount}),
            owner,
            witnessHash,
            WITNESS_TYPE_STRING,
            signature
        );
    }
}
