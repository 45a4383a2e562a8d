// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A test stand-in for Uniswap's Permit2, installed with anvil_setCode at the canonical Permit2
/// address: only the signature-transfer call the x402 Permit2 proxies make, with the checks that
/// decide whether a payment moves.
///
/// `permitWitnessTransferFrom` refuses, in this order: a passed deadline (`SignatureExpired`), a
/// requested amount above the permitted one (`InvalidAmount`), a used nonce (`InvalidNonce`, one
/// bit per nonce per owner, as Permit2's unordered nonces), and a signature that is not the
/// owner's ECDSA signature of the EIP-712 digest of `PermitWitnessTransferFrom` under the domain
/// `{name: "Permit2", chainId, verifyingContract: this}` with the caller as spender and the given
/// witness hash and type string (`InvalidSignature` / `InvalidSigner`). Then it moves the tokens
/// with the token's `transferFrom`, so the owner's ERC-20 allowance to this address is required,
/// as it is on chain. The domain is computed per call: code installed with setCode has no
/// constructor, so nothing may be cached at deployment.
contract TestPermit2 {
    struct TokenPermissions {
        address token;
        uint256 amount;
    }

    struct PermitTransferFrom {
        TokenPermissions permitted;
        uint256 nonce;
        uint256 deadline;
    }

    struct SignatureTransferDetails {
        address to;
        uint256 requestedAmount;
    }

    error SignatureExpired(uint256 deadline);
    error InvalidAmount(uint256 maxAmount);
    error InvalidNonce();
    error InvalidSignature();
    error InvalidSigner();
    error TransferFailed();

    bytes32 private constant DOMAIN_TYPEHASH = keccak256("EIP712Domain(string name,uint256 chainId,address verifyingContract)");
    bytes32 private constant TOKEN_PERMISSIONS_TYPEHASH = keccak256("TokenPermissions(address token,uint256 amount)");
    string private constant WITNESS_STUB =
        "PermitWitnessTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,uint256 deadline,";

    /// owner => word index => bitmap of used nonces.
    mapping(address => mapping(uint256 => uint256)) public nonceBitmap;

    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("Permit2"), block.chainid, address(this)));
    }

    function permitWitnessTransferFrom(
        PermitTransferFrom calldata permit,
        SignatureTransferDetails calldata transferDetails,
        address owner,
        bytes32 witness,
        string calldata witnessTypeString,
        bytes calldata signature
    ) external {
        if (block.timestamp > permit.deadline) revert SignatureExpired(permit.deadline);
        if (transferDetails.requestedAmount > permit.permitted.amount) revert InvalidAmount(permit.permitted.amount);
        _useNonce(owner, permit.nonce);
        bytes32 typeHash = keccak256(abi.encodePacked(WITNESS_STUB, witnessTypeString));
        bytes32 permitted = keccak256(abi.encode(TOKEN_PERMISSIONS_TYPEHASH, permit.permitted.token, permit.permitted.amount));
        bytes32 structHash = keccak256(abi.encode(typeHash, permitted, msg.sender, permit.nonce, permit.deadline, witness));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", DOMAIN_SEPARATOR(), structHash));
        _checkSigner(digest, owner, signature);
        (bool ok, bytes memory data) = permit.permitted.token.call(
            abi.encodeWithSignature("transferFrom(address,address,uint256)", owner, transferDetails.to, transferDetails.requestedAmount)
        );
        if (!ok || (data.length > 0 && !abi.decode(data, (bool)))) revert TransferFailed();
    }

    function _useNonce(address owner, uint256 nonce) private {
        uint256 bit = 1 << (nonce & 0xff);
        uint256 flipped = nonceBitmap[owner][nonce >> 8] ^= bit;
        if (flipped & bit == 0) revert InvalidNonce();
    }

    function _checkSigner(bytes32 digest, address owner, bytes calldata signature) private pure {
        if (signature.length != 65) revert InvalidSignature();
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        address signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert InvalidSignature();
        if (signer != owner) revert InvalidSigner();
    }
}
