//! The one transaction a facilitator sends: EIP-1559 (type 2), no value, no access list, a call
//! to a token or a proxy. RLP is alloy-rlp's; the signature is k256's, through [`PrivateKey`].

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_rlp::{Encodable, Header};

use crate::evm::signature::PrivateKey;

/// EIP-2718 type byte of an EIP-1559 transaction.
const EIP1559: u8 = 0x02;

/// An unsigned EIP-1559 call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call1559 {
    /// Chain id (replay protection).
    pub chain_id: u64,
    /// The sender's account nonce.
    pub nonce: u64,
    /// Tip per gas, wei.
    pub max_priority_fee_per_gas: u128,
    /// Fee cap per gas, wei.
    pub max_fee_per_gas: u128,
    /// Gas limit.
    pub gas: u64,
    /// The contract called.
    pub to: Address,
    /// Calldata.
    pub data: Bytes,
}

/// A signed transaction, ready for `eth_sendRawTransaction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// `0x02 ‖ rlp([…fields, yParity, r, s])`.
    pub raw: Vec<u8>,
    /// Its hash, the transaction's id on chain.
    pub hash: B256,
}

impl Call1559 {
    /// The fields in order, value 0 and an empty access list.
    fn fields(&self, out: &mut Vec<u8>) {
        self.chain_id.encode(out);
        self.nonce.encode(out);
        self.max_priority_fee_per_gas.encode(out);
        self.max_fee_per_gas.encode(out);
        self.gas.encode(out);
        self.to.encode(out);
        U256::ZERO.encode(out);
        self.data.encode(out);
        Header { list: true, payload_length: 0 }.encode(out);
    }

    /// `type ‖ rlp(list)` around `body`.
    fn envelope(body: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(body.len() + 10);
        out.push(EIP1559);
        Header { list: true, payload_length: body.len() }.encode(&mut out);
        out.extend_from_slice(body);
        out
    }

    /// The digest the sender signs: `keccak256(0x02 ‖ rlp(fields))`.
    pub fn signing_hash(&self) -> B256 {
        let mut body = Vec::with_capacity(64 + self.data.len());
        self.fields(&mut body);
        keccak256(Self::envelope(&body))
    }

    /// Signs with `key` (RFC 6979, low-s).
    pub fn sign(&self, key: &PrivateKey) -> Signed {
        let sig = key.sign_digest(&self.signing_hash());
        let mut body = Vec::with_capacity(140 + self.data.len());
        self.fields(&mut body);
        (sig[64] - 27).encode(&mut body);
        U256::from_be_slice(&sig[..32]).encode(&mut body);
        U256::from_be_slice(&sig[32..64]).encode(&mut body);
        let raw = Self::envelope(&body);
        let hash = keccak256(&raw);
        Signed { raw, hash }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, hex};

    // Anvil's key #1; the expected bytes are viem 2.57's `signTransaction` of the same fields.
    const KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    fn call(nonce: u64, gas: u64, data: &[u8]) -> Call1559 {
        Call1559 {
            chain_id: 84532,
            nonce,
            max_priority_fee_per_gas: 1_000_000_000,
            max_fee_per_gas: 3_000_000_000,
            gas,
            to: address!("036CbD53842c5426634e7929541eC2318f3dCF7e"),
            data: Bytes::copy_from_slice(data),
        }
    }

    #[test]
    fn signs_as_viem_does() {
        let key = PrivateKey::from_hex(KEY).expect("key");
        let signed = call(7, 90_000, &hex!("deadbeef")).sign(&key);
        assert_eq!(
            hex::encode_prefixed(&signed.raw),
            "0x02f87283014a3407843b9aca0084b2d05e0083015f9094036cbd53842c5426634e7929541ec2318f3dcf7e8084deadbeefc080a0ab4d128de2f690192e2e7e336c947e6a076e21231a238ad8049d3c3d1d1efa89a01c26f22ab5156791a8f4c3eed12bd8ec38b8d016b4a4274b0306143afc2d29a0"
        );
        assert_eq!(
            signed.hash.to_string(),
            "0x9010d8d603d937124cc700d17246de6dfe7141d204183bd18ca745ff4eb13d49"
        );
        // Nonce 0 and empty data are RLP's empty string (0x80), not a zero byte.
        let zero = call(0, 21_000, &[]).sign(&key);
        assert_eq!(
            zero.hash.to_string(),
            "0xe1dbde0cf3801318d6c9341d9c1c9abaa092120cbcbd49edbfcbb0161bec5ae1"
        );
    }
}
