//! The Casper signer of the JS face: an ed25519 or secp256k1 secret held in wasm memory.

use wasm_bindgen::prelude::*;

use super::keys::{Algorithm, SecretKey};
use crate::error::Error;
use crate::wasm::typed_data_from_js;

/// A Casper secret key (ed25519 or secp256k1) held in wasm memory. It signs Casper x402
/// payment typed data only; it is never returned to JavaScript and is zeroized when freed.
#[wasm_bindgen]
pub struct CasperPrivateKeySigner {
    key: SecretKey,
}

#[wasm_bindgen]
impl CasperPrivateKeySigner {
    /// Reads a 32-byte hex secret (with or without `0x`) of `algorithm`: `ed25519` or `secp256k1`.
    #[wasm_bindgen(constructor)]
    pub fn new(hex_key: &str, algorithm: &str) -> Result<CasperPrivateKeySigner, JsValue> {
        let algorithm = Algorithm::from_name(algorithm).ok_or_else(|| {
            Error::Key(format!("unknown Casper key algorithm `{algorithm}` (ed25519 or secp256k1)"))
        })?;
        Ok(CasperPrivateKeySigner { key: SecretKey::from_hex(algorithm, hex_key)? })
    }

    /// The family it pays on.
    #[wasm_bindgen(getter)]
    pub fn family(&self) -> String {
        super::NAMESPACE.to_owned()
    }

    /// The tagged public key, hex: what a draft names as payer.
    #[wasm_bindgen(getter, js_name = publicKey)]
    pub fn public_key(&self) -> String {
        self.key.public_key().to_hex()
    }

    /// The account as payments name it: `00` + the account hash.
    #[wasm_bindgen(getter)]
    pub fn address(&self) -> String {
        self.key.public_key().account()
    }

    /// Signs a Casper `TransferWithAuthorization` typed data object; returns the tagged 65-byte
    /// signature as hex without `0x`.
    #[wasm_bindgen(js_name = signTypedData)]
    pub fn sign_typed_data(&self, typed_data: JsValue) -> Result<String, JsValue> {
        let digest = super::eip712::typed_data_digest(&typed_data_from_js(&typed_data)?)?;
        Ok(alloy_primitives::hex::encode(self.key.sign(digest.as_slice())))
    }
}
