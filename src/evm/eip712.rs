//! EIP-712 structs of the EVM schemes, their hashes, and the `eth_signTypedData_v4` JSON.
//!
//! Hashing is alloy-sol-types' (`SolStruct::eip712_encode_data`, `Eip712Domain::separator`); this
//! module names the structs, builds the domains the schemes use, keeps the hashes that repeat from
//! payment to payment, and renders the JSON a wallet is given to sign.

use std::sync::{Mutex, OnceLock, PoisonError};

use alloy_primitives::{keccak256, Address, Keccak256, B256, U256};
use alloy_sol_types::{sol, Eip712Domain, SolStruct};
use serde_json::{json, Map, Value};

use super::signature::parse_address;
use crate::error::{Error, Result};
use crate::wire::decimal;

sol! {
    /// EIP-3009 `TransferWithAuthorization`, what USDC and USDT0 verify on chain.
    #[derive(Debug, PartialEq, Eq)]
    struct TransferWithAuthorization {
        address from;
        address to;
        uint256 value;
        uint256 validAfter;
        uint256 validBefore;
        bytes32 nonce;
    }
}

/// Permit2 `PermitWitnessTransferFrom` with the `exact` scheme's witness.
pub mod exact_permit2 {
    use super::sol;
    sol! {
        /// The token and maximum amount a permit allows.
        #[derive(Debug, PartialEq, Eq)]
        struct TokenPermissions {
            address token;
            uint256 amount;
        }
        /// The x402 exact proxy's witness: where the money goes and from when.
        #[derive(Debug, PartialEq, Eq)]
        struct Witness {
            address to;
            uint256 validAfter;
        }
        /// The signed permit.
        #[derive(Debug, PartialEq, Eq)]
        struct PermitWitnessTransferFrom {
            TokenPermissions permitted;
            address spender;
            uint256 nonce;
            uint256 deadline;
            Witness witness;
        }
    }
}

/// Permit2 `PermitWitnessTransferFrom` with the `upto` scheme's witness (adds the facilitator).
pub mod upto_permit2 {
    use super::sol;
    sol! {
        /// The token and maximum amount a permit allows.
        #[derive(Debug, PartialEq, Eq)]
        struct TokenPermissions {
            address token;
            uint256 amount;
        }
        /// The x402 upto proxy's witness: recipient, the one facilitator allowed to settle, start.
        #[derive(Debug, PartialEq, Eq)]
        struct Witness {
            address to;
            address facilitator;
            uint256 validAfter;
        }
        /// The signed permit.
        #[derive(Debug, PartialEq, Eq)]
        struct PermitWitnessTransferFrom {
            TokenPermissions permitted;
            address spender;
            uint256 nonce;
            uint256 deadline;
            Witness witness;
        }
    }
}

/// The canonical Permit2 contract (same address on every chain).
pub const PERMIT2: Address = alloy_primitives::address!("000000000022D473030F116dDEE9F6B43aC78BA3");
/// The x402 exact Permit2 proxy, the only spender an `exact` permit may name.
pub const EXACT_PERMIT2_PROXY: Address =
    alloy_primitives::address!("402085c248EeA27D92E8b30b2C58ed07f9E20001");
/// The x402 upto Permit2 proxy, the only spender an `upto` permit may name.
pub const UPTO_PERMIT2_PROXY: Address =
    alloy_primitives::address!("4020A4f3b7b90ccA423B9fabCc0CE57C6C240002");

sol! {
    /// ERC-20 `approve`, which a payer sends once so that Permit2 may move its tokens.
    function approve(address spender, uint256 value) external returns (bool);
}

/// The calldata a payer sends to a token once before paying in it with Permit2:
/// `approve(PERMIT2, max)`, as
/// the reference client's `createPermit2ApprovalTx`.
pub fn permit2_approval() -> Vec<u8> {
    use alloy_sol_types::SolCall;
    approveCall { spender: PERMIT2, value: U256::MAX }.abi_encode()
}

/// The domain of an EIP-3009 token: `{name, version, chainId, verifyingContract}`.
pub fn token_domain(name: &str, version: &str, chain_id: u64, token: Address) -> Eip712Domain {
    Eip712Domain::new(
        Some(name.to_owned().into()),
        Some(version.to_owned().into()),
        Some(U256::from(chain_id)),
        Some(token),
        None,
    )
}

/// The Permit2 domain: `{name: "Permit2", chainId, verifyingContract: PERMIT2}`, no version.
pub fn permit2_domain(chain_id: u64) -> Eip712Domain {
    Eip712Domain::new(Some("Permit2".into()), None, Some(U256::from(chain_id)), Some(PERMIT2), None)
}

/// A struct the schemes sign, with the values of its message as wallets expect them in JSON.
pub trait Signable: SolStruct {
    /// The message object of `eth_signTypedData_v4`: addresses checksummed, integers as decimal
    /// strings, bytes32 as 0x-hex.
    fn message_json(&self) -> Value;

    /// keccak256 of the struct's `encodeType`, computed once.
    fn type_hash() -> B256;

    /// The digest a wallet signs under `domain`: alloy's `eip712_signing_hash`, with the struct's
    /// type hash and the domain's separator computed once instead of per payment (for an EIP-3009
    /// payment 6 of its 10 Keccak permutations, and the `encodeType` strings built for them).
    fn digest(&self, domain: &Eip712Domain) -> B256 {
        let mut data = Keccak256::new();
        data.update(Self::type_hash());
        data.update(self.eip712_encode_data());
        let mut input = [0u8; 2 + 32 + 32];
        input[..2].copy_from_slice(&[0x19, 0x01]);
        input[2..34].copy_from_slice(separator(domain).as_slice());
        input[34..].copy_from_slice(data.finalize().as_slice());
        keccak256(input)
    }

    /// The full `eth_signTypedData_v4` request object under `domain`.
    fn typed_data(&self, domain: &Eip712Domain) -> Value {
        typed_data_json(domain, Self::NAME, &Self::eip712_encode_type(), self.message_json())
    }
}

/// The separator of `domain`, kept for the last domain asked: a server verifies payments in the
/// few domains of the tokens it is paid in, a client signs in one at a time.
fn separator(domain: &Eip712Domain) -> B256 {
    static LAST: Mutex<Option<(Eip712Domain, B256)>> = Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(PoisonError::into_inner);
    match &*last {
        Some((kept, separator)) if kept == domain => *separator,
        _ => {
            let separator = domain.separator();
            *last = Some((domain.clone(), separator));
            separator
        }
    }
}

/// [`Signable::type_hash`] for a struct of `sol!`: one hash per type, made on first use.
macro_rules! type_hash_once {
    () => {
        fn type_hash() -> B256 {
            static HASH: OnceLock<B256> = OnceLock::new();
            *HASH.get_or_init(|| keccak256(Self::eip712_encode_type().as_bytes()))
        }
    };
}

impl Signable for TransferWithAuthorization {
    type_hash_once!();

    fn message_json(&self) -> Value {
        json!({
            "from": self.from.to_checksum(None),
            "to": self.to.to_checksum(None),
            "value": self.value.to_string(),
            "validAfter": self.validAfter.to_string(),
            "validBefore": self.validBefore.to_string(),
            "nonce": self.nonce.to_string(),
        })
    }
}

impl Signable for exact_permit2::PermitWitnessTransferFrom {
    type_hash_once!();

    fn message_json(&self) -> Value {
        json!({
            "permitted": {
                "token": self.permitted.token.to_checksum(None),
                "amount": self.permitted.amount.to_string(),
            },
            "spender": self.spender.to_checksum(None),
            "nonce": self.nonce.to_string(),
            "deadline": self.deadline.to_string(),
            "witness": {
                "to": self.witness.to.to_checksum(None),
                "validAfter": self.witness.validAfter.to_string(),
            },
        })
    }
}

impl Signable for upto_permit2::PermitWitnessTransferFrom {
    type_hash_once!();

    fn message_json(&self) -> Value {
        json!({
            "permitted": {
                "token": self.permitted.token.to_checksum(None),
                "amount": self.permitted.amount.to_string(),
            },
            "spender": self.spender.to_checksum(None),
            "nonce": self.nonce.to_string(),
            "deadline": self.deadline.to_string(),
            "witness": {
                "to": self.witness.to.to_checksum(None),
                "facilitator": self.witness.facilitator.to_checksum(None),
                "validAfter": self.witness.validAfter.to_string(),
            },
        })
    }
}

/// The `types` entries of a struct, read from its EIP-712 `encodeType` string
/// (`A(uint256 x,B b)B(address y)` → `{A: [{name: x, type: uint256}, …], B: […]}`).
fn struct_types(encode_type: &str) -> Map<String, Value> {
    let mut types = Map::new();
    for def in encode_type.split_inclusive(')') {
        let Some((name, fields)) = def.trim_end_matches(')').split_once('(') else { continue };
        let fields: Vec<Value> = fields
            .split(',')
            .filter(|f| !f.is_empty())
            .filter_map(|f| f.split_once(' '))
            .map(|(ty, name)| json!({ "name": name, "type": ty }))
            .collect();
        types.insert(name.to_owned(), Value::Array(fields));
    }
    types
}

/// The `eth_signTypedData_v4` object of `message`, a `primary_type` of `encode_type` (one
/// function for every struct: it only renders).
fn typed_data_json(
    domain: &Eip712Domain,
    primary_type: &str,
    encode_type: &str,
    message: Value,
) -> Value {
    let mut domain_fields = Vec::new();
    let mut domain_json = Map::new();
    if let Some(name) = &domain.name {
        domain_fields.push(json!({"name": "name", "type": "string"}));
        domain_json.insert("name".into(), name.as_ref().into());
    }
    if let Some(version) = &domain.version {
        domain_fields.push(json!({"name": "version", "type": "string"}));
        domain_json.insert("version".into(), version.as_ref().into());
    }
    if let Some(chain_id) = domain.chain_id {
        domain_fields.push(json!({"name": "chainId", "type": "uint256"}));
        // Wallets take chainId as a JSON number; every real chain id fits in u64.
        let id: u64 = chain_id.try_into().unwrap_or(u64::MAX);
        domain_json.insert("chainId".into(), id.into());
    }
    if let Some(contract) = domain.verifying_contract {
        domain_fields.push(json!({"name": "verifyingContract", "type": "address"}));
        domain_json.insert("verifyingContract".into(), contract.to_checksum(None).into());
    }
    if let Some(salt) = domain.salt {
        domain_fields.push(json!({"name": "salt", "type": "bytes32"}));
        domain_json.insert("salt".into(), salt.to_string().into());
    }
    let mut types = Map::new();
    types.insert("EIP712Domain".into(), Value::Array(domain_fields));
    types.extend(struct_types(encode_type));
    json!({
        "types": types,
        "primaryType": primary_type,
        "domain": domain_json,
        "message": message,
    })
}

/// What a local key agrees to sign besides exact payments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SigningScope {
    /// Permit2 `upto` permits, which authorize up to an amount that is settled later.
    pub upto: bool,
}

/// The digest of an `eth_signTypedData_v4` object, for the x402 payment types only
/// (`TransferWithAuthorization`, Permit2 `PermitWitnessTransferFrom` with the exact or upto witness).
///
/// The object's `types` must be exactly this crate's definitions, so what is hashed is what the
/// object shows. Anything else is [`Error::UnsupportedTypedData`]: a local key signs payments, not
/// arbitrary messages a server might slip in. A Permit2 permit is signed only under the Permit2
/// domain and for the x402 proxy as spender (a permit for any other spender could move every
/// token the payer approved to Permit2), and an `upto` permit only when `scope.upto` allows it.
pub fn typed_data_digest(typed_data: &Value, scope: SigningScope) -> Result<B256> {
    let bad = |why: &str| Error::UnsupportedTypedData(why.to_owned());
    let domain = typed_data_domain(&typed_data["domain"])
        .ok_or_else(|| bad("domain must be {name, version?, chainId, verifyingContract}"))?;
    let m = &typed_data["message"];
    let primary = typed_data["primaryType"].as_str().unwrap_or_default();
    if primary == "PermitWitnessTransferFrom" {
        let upto = m["witness"].get("facilitator").is_some();
        let permit2 = domain.name.as_deref() == Some("Permit2")
            && domain.version.is_none()
            && domain.chain_id.is_some()
            && domain.verifying_contract == Some(PERMIT2)
            && domain.salt.is_none();
        if !permit2 {
            return Err(bad("a Permit2 permit is signed only under the Permit2 domain (name \"Permit2\", the canonical Permit2 contract)"));
        }
        let proxy = if upto { UPTO_PERMIT2_PROXY } else { EXACT_PERMIT2_PROXY };
        if m["spender"].as_str().and_then(|s| s.parse::<Address>().ok()) != Some(proxy) {
            return Err(bad("a Permit2 permit is signed only with the x402 proxy (exact or upto, as the witness says) as spender"));
        }
        if upto && !scope.upto {
            return Err(bad("an upto permit authorizes more than one price: this signer was not allowed to sign upto permits"));
        }
    }
    let digest = match primary {
        "TransferWithAuthorization" => {
            checked::<TransferWithAuthorization>(typed_data, &domain, || {
                Some(TransferWithAuthorization {
                    from: address_field(&m["from"])?,
                    to: address_field(&m["to"])?,
                    value: uint_field(&m["value"])?,
                    validAfter: uint_field(&m["validAfter"])?,
                    validBefore: uint_field(&m["validBefore"])?,
                    nonce: m["nonce"]
                        .as_str()?
                        .parse()
                        .ok()
                        .filter(|_| m["nonce"].as_str().map(str::len) == Some(66))?,
                })
            })
        }
        "PermitWitnessTransferFrom" if m["witness"].get("facilitator").is_some() => {
            checked::<upto_permit2::PermitWitnessTransferFrom>(typed_data, &domain, || {
                Some(upto_permit2::PermitWitnessTransferFrom {
                    permitted: upto_permit2::TokenPermissions {
                        token: address_field(&m["permitted"]["token"])?,
                        amount: uint_field(&m["permitted"]["amount"])?,
                    },
                    spender: address_field(&m["spender"])?,
                    nonce: uint_field(&m["nonce"])?,
                    deadline: uint_field(&m["deadline"])?,
                    witness: upto_permit2::Witness {
                        to: address_field(&m["witness"]["to"])?,
                        facilitator: address_field(&m["witness"]["facilitator"])?,
                        validAfter: uint_field(&m["witness"]["validAfter"])?,
                    },
                })
            })
        }
        "PermitWitnessTransferFrom" => {
            checked::<exact_permit2::PermitWitnessTransferFrom>(typed_data, &domain, || {
                Some(exact_permit2::PermitWitnessTransferFrom {
                    permitted: exact_permit2::TokenPermissions {
                        token: address_field(&m["permitted"]["token"])?,
                        amount: uint_field(&m["permitted"]["amount"])?,
                    },
                    spender: address_field(&m["spender"])?,
                    nonce: uint_field(&m["nonce"])?,
                    deadline: uint_field(&m["deadline"])?,
                    witness: exact_permit2::Witness {
                        to: address_field(&m["witness"]["to"])?,
                        validAfter: uint_field(&m["witness"]["validAfter"])?,
                    },
                })
            })
        }
        other => return Err(bad(&format!("primaryType `{other}` is not an x402 payment type"))),
    };
    digest.ok_or_else(|| {
        bad(&format!("{primary}: types or message do not match the x402 definition"))
    })
}

/// Hashes the struct `build` reads from the message, if the object's `types` are `T`'s.
fn checked<T: Signable>(
    typed_data: &Value,
    domain: &Eip712Domain,
    build: impl FnOnce() -> Option<T>,
) -> Option<B256> {
    // The types but the domain's are `T`'s, in any order (as maps compare).
    let types = typed_data["types"].as_object()?;
    let expected = struct_types(&T::eip712_encode_type());
    let own = || types.iter().filter(|(name, _)| *name != "EIP712Domain");
    if own().count() != expected.len() || !own().all(|(name, t)| expected.get(name) == Some(t)) {
        return None;
    }
    let message = build()?;
    // Every field of the message is read: an unknown extra field would be shown but not signed.
    if message.message_json()
        != normalized_message(&typed_data["message"], &message.message_json())?
    {
        return None;
    }
    Some(message.digest(domain))
}

/// The message with its values in this crate's JSON form, keys as given (for the completeness check).
fn normalized_message(given: &Value, ours: &Value) -> Option<Value> {
    match (given, ours) {
        (Value::Object(g), Value::Object(o)) => {
            let mut out = Map::new();
            for (k, v) in g {
                out.insert(k.clone(), normalized_message(v, o.get(k)?)?);
            }
            Some(Value::Object(out))
        }
        (_, o) => Some(o.clone()),
    }
}

fn typed_data_domain(d: &Value) -> Option<Eip712Domain> {
    let d = d.as_object()?;
    if d.keys().any(|k| !matches!(k.as_str(), "name" | "version" | "chainId" | "verifyingContract"))
    {
        return None;
    }
    let chain_id = match d.get("chainId")? {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.parse().ok()?,
        _ => return None,
    };
    Some(Eip712Domain::new(
        Some(d.get("name")?.as_str()?.to_owned().into()),
        match d.get("version") {
            None => None,
            Some(v) => Some(v.as_str()?.to_owned().into()),
        },
        Some(U256::from(chain_id)),
        Some(address_field(d.get("verifyingContract")?)?),
        None,
    ))
}

fn address_field(v: &Value) -> Option<Address> {
    parse_address(v.as_str()?)
}

fn uint_field(v: &Value) -> Option<U256> {
    match v {
        Value::String(s) => decimal::parse(s).ok(),
        Value::Number(n) => n.as_u64().map(U256::from),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256, keccak256};

    /// Our digest is alloy's `eip712_signing_hash`, for each struct, whichever domain came before.
    #[test]
    fn digests_are_alloys_signing_hashes_across_domains() {
        let usdc =
            token_domain("USDC", "2", 84532, address!("036CbD53842c5426634e7929541eC2318f3dCF7e"));
        let other_version = token_domain("USDC", "1", 84532, usdc.verifying_contract.unwrap());
        let other_chain = token_domain("USDC", "2", 8453, usdc.verifying_contract.unwrap());
        let domains =
            [usdc.clone(), other_version, usdc.clone(), other_chain, permit2_domain(1), usdc];
        let eip3009 = TransferWithAuthorization {
            from: address!("209693Bc6afc0C5328bA36FaF03C514EF312287C"),
            to: address!("036CbD53842c5426634e7929541eC2318f3dCF7e"),
            value: U256::from(10_000),
            validAfter: U256::ZERO,
            validBefore: U256::from(1_800_000_000),
            nonce: B256::repeat_byte(7),
        };
        let permitted = |amount| exact_permit2::TokenPermissions { token: eip3009.to, amount };
        let exact = exact_permit2::PermitWitnessTransferFrom {
            permitted: permitted(U256::from(5)),
            spender: PERMIT2,
            nonce: U256::from(9),
            deadline: U256::from(1_800_000_000),
            witness: exact_permit2::Witness { to: eip3009.from, validAfter: U256::ZERO },
        };
        let upto = upto_permit2::PermitWitnessTransferFrom {
            permitted: upto_permit2::TokenPermissions { token: eip3009.to, amount: U256::from(5) },
            spender: PERMIT2,
            nonce: U256::from(9),
            deadline: U256::from(1_800_000_000),
            witness: upto_permit2::Witness {
                to: eip3009.from,
                facilitator: eip3009.to,
                validAfter: U256::ZERO,
            },
        };
        let mut seen = std::collections::HashSet::new();
        for domain in &domains {
            assert_eq!(eip3009.digest(domain), eip3009.eip712_signing_hash(domain));
            assert_eq!(exact.digest(domain), exact.eip712_signing_hash(domain));
            assert_eq!(upto.digest(domain), upto.eip712_signing_hash(domain));
            seen.insert(eip3009.digest(domain));
        }
        assert_eq!(seen.len(), 4, "each domain signs apart");
    }

    /// The typehashes are keccak256 of the encodeType strings the spec gives.
    #[test]
    fn typehashes_match_the_spec_strings() {
        assert_eq!(
            keccak256(TransferWithAuthorization::eip712_encode_type().as_bytes()),
            b256!("7c7c6cdb67a18743f49ec6fa9b35f50d52ed05cbed4cc592e13b44501c1a2267")
        );
        assert_eq!(
            exact_permit2::PermitWitnessTransferFrom::eip712_encode_type(),
            "PermitWitnessTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,uint256 deadline,Witness witness)TokenPermissions(address token,uint256 amount)Witness(address to,uint256 validAfter)"
        );
        assert_eq!(
            upto_permit2::PermitWitnessTransferFrom::eip712_encode_type(),
            "PermitWitnessTransferFrom(TokenPermissions permitted,address spender,uint256 nonce,uint256 deadline,Witness witness)TokenPermissions(address token,uint256 amount)Witness(address to,address facilitator,uint256 validAfter)"
        );
    }

    #[test]
    fn typed_data_json_shape() {
        let domain =
            token_domain("USDC", "2", 84532, address!("036CbD53842c5426634e7929541eC2318f3dCF7e"));
        let auth = TransferWithAuthorization {
            from: address!("857b06519E91e3A54538791bDbb0E22373e36b66"),
            to: address!("209693Bc6afc0C5328bA36FaF03C514EF312287C"),
            value: U256::from(10_000u64),
            validAfter: U256::from(1_740_672_089u64),
            validBefore: U256::from(1_740_672_154u64),
            nonce: b256!("f3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480"),
        };
        let td = auth.typed_data(&domain);
        assert_eq!(td["primaryType"], "TransferWithAuthorization");
        assert_eq!(td["domain"]["chainId"], 84532);
        assert_eq!(td["domain"]["verifyingContract"], "0x036CbD53842c5426634e7929541eC2318f3dCF7e");
        assert_eq!(td["types"]["EIP712Domain"].as_array().unwrap().len(), 4);
        assert_eq!(
            td["types"]["TransferWithAuthorization"][5],
            json!({"name": "nonce", "type": "bytes32"})
        );
        assert_eq!(td["message"]["value"], "10000");
        let p2 = permit2_domain(8453);
        assert!(p2.version.is_none());
    }
}
