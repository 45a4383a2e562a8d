// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {TestPermit2} from "./Permit2.sol";

/// A test stand-in for the x402 upto Permit2 proxy, installed with anvil_setCode at its canonical
/// address; it calls the Permit2 at the canonical address (a constant: setCode runs no constructor).
///
/// `settle(permit, amount, owner, witness, signature)` is the call the official facilitator makes.
/// It refuses an amount above the permitted maximum (`AmountExceedsPermitted`), a caller other than
/// the witness's facilitator (`UnauthorizedFacilitator`), a zero amount (`InvalidAmount`), a zero
/// owner (`InvalidOwner`) or recipient (`InvalidDestination`), and a payment before the witness's
/// `validAfter` (`PaymentTooEarly`); then asks Permit2 to move `amount` to `witness.to`, with the
/// witness hash of `Witness(address to,address facilitator,uint256 validAfter)`, so Permit2's
/// signature check covers recipient, facilitator and start. `PERMIT2()` is what the facilitator
/// reads to tell that the proxy is deployed.
contract TestUptoPermit2Proxy {
    address public constant PERMIT2 = 0x000000000022D473030F116dDEE9F6B43aC78BA3;

    string public constant WITNESS_TYPE_STRING =
        "Witness witness)TokenPermissions(address token,uint256 amount)Witness(address to,address facilitator,uint256 validAfter)";
    bytes32 public constant WITNESS_TYPEHASH = keccak256("Witness(address to,address facilitator,uint256 validAfter)");

    struct Witness {
        address to;
        address facilitator;
        uint256 validAfter;
    }

    event Settled();

    error AmountExceedsPermitted();
    error UnauthorizedFacilitator();
    error InvalidAmount();
    error InvalidOwner();
    error InvalidDestination();
    error PaymentTooEarly();

    function settle(
        TestPermit2.PermitTransferFrom calldata permit,
        uint256 amount,
        address owner,
        Witness calldata witness,
        bytes calldata signature
    ) external {
        if (amount > permit.permitted.amount) revert AmountExceedsPermitted();
        if (msg.sender != witness.facilitator) revert UnauthorizedFacilitator();
        if (amount == 0) revert InvalidAmount();
        if (owner == address(0)) revert InvalidOwner();
        if (witness.to == address(0)) revert InvalidDestination();
        if (block.timestamp < witness.validAfter) revert PaymentTooEarly();
        bytes32 witnessHash = keccak256(abi.encode(WITNESS_TYPEHASH, witness.to, witness.facilitator, witness.validAfter));
        TestPermit2(PERMIT2).permitWitnessTransferFrom(
            permit,
            TestPermit2.SignatureTransferDetails({to: witness.to, requestedAmount: amount}),
            owner,
            witnessHash,
            WITNESS_TYPE_STRING,
            signature
        );
        emit Settled();
    }
}
