//! EIP-712 with a Casper domain, as `casper-eip-712` encodes it.
//!
//! The domain is `EIP712Domain(string name,string version,string chain_name,bytes32
//! contract_package_hash)`, with `chain_name` the full CAIP-2 network (`casper:casper-test`). The
//! message is EIP-3009's `TransferWithAuthorization`, whose `address` fields hold 33-byte Casper
//! keys (a tag byte and an account hash): such an address is encoded as keccak256 of its 33 bytes,
//! a 20-byte one as on Ethereum.

use alloy_primitives::{keccak256, B256, U256};
use alloy_sol_types::{sol, SolStruct};
use serde_json::{json, Value};

use crate::error::{Error, Result};

sol! {
    /// The Casper EIP-712 domain.
    #[derive(Debug, PartialEq, Eq)]
    struct EIP712Domain {
        string name;
        string version;
        string chain_name;
        bytes32 contract_package_hash;
    }
}

/// The domain of a CEP-18 token on `network`.
pub fn domain(name: &str, version: &str, network: &str, package_hash: B256) -> EIP712Domain {
    EIP712Domain {
        name: name.to_owned(),
        version: version.to_owned(),
        chain_name: network.to_owned(),
        contract_package_hash: package_hash,
    }
}

impl EIP712Domain {
    /// The domain separator.
    pub fn separator(&self) -> B256 {
        self.eip712_hash_struct()
    }
}

/// An `address` value of the typed data: 20 bytes (Ethereum) or 33 bytes (Casper).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// Padded to 32 bytes.
    Eth([u8; 20]),
    /// Tag byte and account or package hash; encoded as its keccak256.
    Casper([u8; 33]),
}

impl Address {
    /// Hex of 20 or 33 bytes, any case, no `0x`.
    pub fn from_hex(hex: &str) -> Option<Self> {
        let bytes = alloy_primitives::hex::decode(hex).ok()?;
        match bytes.len() {
            20 => bytes.try_into().ok().map(Address::Eth),
            33 => bytes.try_into().ok().map(Address::Casper),
            _ => None,
        }
    }

    /// The 32-byte word it is encoded as.
    pub fn word(&self) -> B256 {
        match self {
            Address::Eth(a) => {
                let mut w = B256::ZERO;
                w[12..].copy_from_slice(a);
                w
            }
            Address::Casper(a) => keccak256(a),
        }
    }

    /// Lowercase hex, no `0x`.
    pub fn to_hex(&self) -> String {
        match self {
            Address::Eth(a) => alloy_primitives::hex::encode(a),
            Address::Casper(a) => alloy_primitives::hex::encode(a),
        }
    }
}

/// The signed authorization, as hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferWithAuthorization {
    /// Payer.
    pub from: Address,
    /// Recipient.
    pub to: Address,
    /// Atomic amount.
    pub value: U256,
    /// Unix seconds after which it is valid.
    pub valid_after: U256,
    /// Unix seconds before which it is valid.
    pub valid_before: U256,
    /// 32 random bytes.
    pub nonce: B256,
}

/// The type string, the same as EIP-3009's.
pub const TRANSFER_WITH_AUTHORIZATION: &str =
    "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)";

impl TransferWithAuthorization {
    /// hashStruct of the message.
    pub fn struct_hash(&self) -> B256 {
        let mut words = Vec::with_capacity(7 * 32);
        for word in [
            keccak256(TRANSFER_WITH_AUTHORIZATION),
            self.from.word(),
            self.to.word(),
            self.value.into(),
            self.valid_after.into(),
            self.valid_before.into(),
            self.nonce,
        ] {
            words.extend_from_slice(word.as_slice());
        }
        keccak256(words)
    }

    /// The digest signed: keccak256(`0x1901` ‖ domain separator ‖ hashStruct).
    pub fn digest(&self, domain: &EIP712Domain) -> B256 {
        let mut bytes = Vec::with_capacity(66);
        bytes.extend_from_slice(&[0x19, 0x01]);
        bytes.extend_from_slice(domain.separator().as_slice());
        bytes.extend_from_slice(self.struct_hash().as_slice());
        keccak256(bytes)
    }

    /// The typed data as JSON (for display or a signer): hex without `0x`, as Casper writes it;
    /// integers as decimal strings.
    pub fn typed_data(&self, domain: &EIP712Domain) -> Value {
        let field = |name: &str, ty: &str| json!({"name": name, "type": ty});
        json!({
            "types": {
                "EIP712Domain": [field("name", "string"), field("version", "string"), field("chain_name", "string"), field("contract_package_hash", "bytes32")],
                "TransferWithAuthorization": [field("from", "address"), field("to", "address"), field("value", "uint256"),
                    field("validAfter", "uint256"), field("validBefore", "uint256"), field("nonce", "bytes32")],
            },
            "primaryType": "TransferWithAuthorization",
            "domain": {
                "name": domain.name,
                "version": domain.version,
                "chain_name": domain.chain_name,
                "contract_package_hash": alloy_primitives::hex::encode(domain.contract_package_hash),
            },
            "message": {
                "from": self.from.to_hex(),
                "to": self.to.to_hex(),
                "value": self.value.to_string(),
                "validAfter": self.valid_after.to_string(),
                "validBefore": self.valid_before.to_string(),
                "nonce": alloy_primitives::hex::encode(self.nonce),
            },
        })
    }
}

/// The digest of Casper typed data in the shape [`TransferWithAuthorization::typed_data`] writes;
/// anything else is refused, so a local key signs x402 payments only.
pub fn typed_data_digest(typed_data: &Value) -> Result<B256> {
    let refuse = |why: &str| Error::UnsupportedTypedData(why.to_owned());
    let expected = TransferWithAuthorization {
        from: Address::Eth([0; 20]),
        to: Address::Eth([0; 20]),
        value: U256::ZERO,
        valid_after: U256::ZERO,
        valid_before: U256::ZERO,
        nonce: B256::ZERO,
    }
    .typed_data(&domain("", "", "", B256::ZERO));
    if typed_data.get("primaryType") != expected.get("primaryType")
        || typed_data.get("types") != expected.get("types")
    {
        return Err(refuse("only Casper TransferWithAuthorization typed data is signed"));
    }
    let text = |obj: &str, key: &str| typed_data.get(obj)?.get(key)?.as_str();
    let get = |obj: &str, key: &str| {
        text(obj, key).ok_or_else(|| refuse(&format!("{obj}.{key} must be a string")))
    };
    let b32 = |obj: &str, key: &str| -> Result<B256> {
        let mut out = B256::ZERO;
        alloy_primitives::hex::decode_to_slice(get(obj, key)?, out.as_mut_slice())
            .map_err(|_| refuse(&format!("{obj}.{key} must be 32 bytes of hex")))?;
        Ok(out)
    };
    let uint = |key: &str| {
        crate::wire::decimal::parse(get("message", key)?)
            .map_err(|e| refuse(&format!("message.{key}: {e}")))
    };
    let address = |key: &str| {
        Address::from_hex(get("message", key)?)
            .ok_or_else(|| refuse(&format!("message.{key} must be 20 or 33 bytes of hex")))
    };
    let domain = domain(
        get("domain", "name")?,
        get("domain", "version")?,
        get("domain", "chain_name")?,
        b32("domain", "contract_package_hash")?,
    );
    let message = TransferWithAuthorization {
        from: address("from")?,
        to: address("to")?,
        value: uint("value")?,
        valid_after: uint("validAfter")?,
        valid_before: uint("validBefore")?,
        nonce: b32("message", "nonce")?,
    };
    Ok(message.digest(&domain))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{b256, hex};

    const CPH: B256 = b256!("aabbccddeeff0011223344556677889900aabbccddeeff001122334455667788");

    fn casper(hex33: &str) -> Address {
        Address::from_hex(hex33).unwrap()
    }

    fn hash_test_message() -> TransferWithAuthorization {
        TransferWithAuthorization {
            from: casper("01aabbccddeeff0011223344556677889900aabbccddeeff001122334455667788"),
            to: casper("00aabbccddeeff0011223344556677889900aabbccddeeff001122334455667788"),
            value: U256::from(1_000_000u64),
            valid_after: U256::from(1_700_000_000u64),
            valid_before: U256::from(1_700_001_000u64),
            nonce: CPH,
        }
    }

    #[test]
    fn digest_vector_of_the_casper_x402_reference() {
        // casper-x402's hash_test.go: chain_name "casper-test".
        let digest = hash_test_message().digest(&domain("TestToken", "1", "casper-test", CPH));
        assert_eq!(
            digest,
            b256!("f49af32a160ef6078d23bd28c15e0e8d6d29e58f4cb88ed8582e958dfa07533b")
        );
    }

    #[test]
    fn domain_type_hash() {
        assert_eq!(
            keccak256(EIP712Domain::eip712_encode_type().as_bytes()),
            b256!("e20dd13933eeb9d6099b53d5ffd59cfd50fe774983038681a378371664fad4fb")
        );
    }

    #[test]
    fn casper_eip712_cross_language_vectors() {
        // casper-eip-712 tests/vectors.json: the two Casper-domain entries (Permit, with 20- and
        // 33-byte addresses), hashed with the same address encoding.
        let domain = domain("CasperToken", "1", "casper:casper-test", B256::repeat_byte(0x77));
        assert_eq!(
            domain.separator(),
            b256!("488cd1d6726df2bcee44969efe9fc945d057e1706bffa93a292fefca5a790b66")
        );
        let permit = |owner: &str, spender: &str, value: u64, nonce: u64, deadline: u64| {
            let mut words = keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)").to_vec();
            for w in [
                Address::from_hex(owner).unwrap().word(),
                Address::from_hex(spender).unwrap().word(),
            ] {
                words.extend_from_slice(w.as_slice());
            }
            for n in [value, nonce, deadline] {
                words.extend_from_slice(&U256::from(n).to_be_bytes::<32>());
            }
            keccak256(words)
        };
        let native = permit(
            "0101010101010101010101010101010101010101",
            "0202020202020202020202020202020202020202",
            42,
            7,
            1000,
        );
        assert_eq!(
            native,
            b256!("c30ab2a82f3cd23da374d5dd2f26ae31ef36845f85443fe1bd7bce19c93bfd5f")
        );
        let tagged = permit(
            &format!("00{}", "ab".repeat(32)),
            &format!("01{}", "cd".repeat(32)),
            42,
            1,
            0x6666ffff,
        );
        assert_eq!(
            tagged,
            b256!("3c9d714e753e49ba21597b4edd127090a9372023a4e5f2d79972af3b01c24535")
        );
        let digest = keccak256(
            [&[0x19, 0x01][..], domain.separator().as_slice(), tagged.as_slice()].concat(),
        );
        assert_eq!(
            digest,
            b256!("455d22eedf146e59cac6b8b4fa5de7f4b03747e9f4acdc85cf09f54a0c922d84")
        );
    }

    #[test]
    fn typed_data_round_trips_and_refuses_others() {
        let message = hash_test_message();
        let domain = domain("TestToken", "1", "casper:casper-test", CPH);
        let typed = message.typed_data(&domain);
        assert_eq!(typed_data_digest(&typed).unwrap(), message.digest(&domain));
        assert_eq!(
            message.digest(&domain),
            b256!("6582fa2ee7b85d7dc2ef117b2d4ed6fe1e3181f6c987703d3cbf6848003d8a1d"),
            "the live chain_name is the CAIP-2 network"
        );
        let mut other = typed.clone();
        other["primaryType"] = "Permit".into();
        assert!(typed_data_digest(&other).is_err());
        let mut bad = typed;
        bad["message"]["from"] = hex::encode([1u8; 32]).into();
        assert!(
            typed_data_digest(&bad).is_err(),
            "32-byte addresses are neither Ethereum nor Casper"
        );
    }
}
