//! The EVM signer of the JS face: a secp256k1 key held in wasm memory.

use wasm_bindgen::prelude::*;

use super::eip712::{typed_data_digest, SigningScope};
use super::signature::PrivateKey;
use crate::wasm::typed_data_from_js;

/// A secp256k1 key held in wasm memory. It signs x402 payment typed data only; it is never
/// returned to JavaScript and is zeroized when freed.
#[wasm_bindgen]
pub struct PrivateKeySigner {
    key: PrivateKey,
    scope: SigningScope,
}

#[wasm_bindgen]
impl PrivateKeySigner {
    /// Reads a 32-byte hex key (with or without `0x`); `allow_upto` lets it sign Permit2 `upto`
    /// permits too (off by default).
    #[wasm_bindgen(constructor)]
    pub fn new(hex_key: &str, allow_upto: Option<bool>) -> Result<PrivateKeySigner, JsValue> {
        let scope = SigningScope { upto: allow_upto.unwrap_or(false) };
        Ok(PrivateKeySigner { key: PrivateKey::from_hex(hex_key)?, scope })
    }

    /// The family it pays on.
    #[wasm_bindgen(getter)]
    pub fn family(&self) -> String {
        super::NAMESPACE.to_owned()
    }

    /// The checksummed address.
    #[wasm_bindgen(getter)]
    pub fn address(&self) -> String {
        self.key.address().to_checksum(None)
    }

    /// Signs an `eth_signTypedData_v4` object of an x402 payment type; returns 65-byte hex.
    #[wasm_bindgen(js_name = signTypedData)]
    pub fn sign_typed_data(&self, typed_data: JsValue) -> Result<String, JsValue> {
        let digest = typed_data_digest(&typed_data_from_js(&typed_data)?, self.scope)?;
        Ok(alloy_primitives::hex::encode_prefixed(self.key.sign_digest(&digest)))
    }
}

/// The one-time approval a Permit2 payment needs, for `token`: `{to, data, spender}` (the token,
/// the `approve(Permit2, max)` calldata, and Permit2's address).
#[wasm_bindgen(js_name = permit2Approval)]
pub fn permit2_approval(token: &str) -> Result<JsValue, JsValue> {
    let address = super::signature::parse_address(token).ok_or_else(|| {
        crate::wasm::js_error(
            crate::error::Code::InvalidArgument,
            &format!("`{token}` is not an EVM address"),
        )
    })?;
    let o = js_sys::Object::new();
    let data = alloy_primitives::hex::encode_prefixed(super::eip712::permit2_approval());
    for (k, v) in [
        ("to", address.to_checksum(None)),
        ("data", data),
        ("spender", super::eip712::PERMIT2.to_checksum(None)),
    ] {
        js_sys::Reflect::set(&o, &k.into(), &v.into())?;
    }
    Ok(o.into())
}
