// SPDX-License-Identifier: MIT
//
// Multicall: a small batch-call contract for the x402-wasm end-to-end tests, written for this
// project. Its ABI matches the three Multicall3 entry points that our tools call:
//   - aggregate3((address target, bool allowFailure, bytes callData)[])  -> viem's multicall
//   - tryAggregate(bool requireSuccess, (address target, bytes callData)[]) -> @x402/evm's
//     facilitator diagnostics (called with requireSuccess = false)
//   - aggregate((address target, bytes callData)[]) -> (blockNumber, bytes[])
// plus getBlockNumber / getCurrentBlockTimestamp / getChainId / getEthBalance for convenience.
//
// The harness installs the runtime code at the canonical Multicall3 address
// 0xcA11bde05977b3631167028862bE2a173976CA11 with anvil_setCode, so the contract has no
// constructor, no immutables and no storage. Like Multicall3 it uses a plain CALL: a call to an
// address without code "succeeds" with empty return data, and a failure that must not be allowed
// reverts with "Multicall3: call failed".
pragma solidity ^0.8.24;

contract Multicall {
    struct Call {
        address target;
        bytes callData;
    }

    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    /// Every call must succeed; returns the block number and the raw return data.
    function aggregate(Call[] calldata calls)
        external
        payable
        returns (uint256 blockNumber, bytes[] memory returnData)
    {
        blockNumber = block.number;
        returnData = new bytes[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool success, bytes memory ret) = calls[i].target.call(calls[i].callData);
            require(success, "Multicall3: call failed");
            returnData[i] = ret;
        }
    }

    /// Calls may fail unless `requireSuccess`; returns (success, returnData) per call.
    function tryAggregate(bool requireSuccess, Call[] calldata calls)
        external
        payable
        returns (Result[] memory returnData)
    {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool success, bytes memory ret) = calls[i].target.call(calls[i].callData);
            require(success || !requireSuccess, "Multicall3: call failed");
            returnData[i] = Result(success, ret);
        }
    }

    /// Each call says whether it may fail; returns (success, returnData) per call.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory returnData) {
        returnData = new Result[](calls.length);
        for (uint256 i = 0; i < calls.length; i++) {
            (bool success, bytes memory ret) = calls[i].target.call(calls[i].callData);
            require(success || calls[i].allowFailure, "Multicall3: call failed");
            returnData[i] = Result(success, ret);
        }
    }

    function getBlockNumber() external view returns (uint256) {
        return block.number;
    }

    function getCurrentBlockTimestamp() external view returns (uint256) {
        return block.timestamp;
    }

    function getChainId() external view returns (uint256) {
        return block.chainid;
    }

    function getEthBalance(address account) external view returns (uint256) {
        return account.balance;
    }
}
