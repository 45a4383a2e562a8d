//! The Solana signer of the JS face: an Ed25519 key held in wasm memory.

use base64::Engine as _;
use wasm_bindgen::prelude::*;

use super::address::Address;
use super::keys::SecretKey;
use super::transaction::Transaction;
use crate::error::Error;

/// The Wallet Standard chain of a Solana network (`solana:devnet`, …), or undefined.
#[wasm_bindgen(js_name = solanaWalletChain)]
pub fn solana_wallet_chain(network: &str) -> Option<String> {
    super::wallet_chain(network).map(str::to_owned)
}

fn decode_wire(transaction: &str) -> Result<Transaction, JsValue> {
    let wire = base64::engine::general_purpose::STANDARD
        .decode(transaction.as_bytes())
        .map_err(|e| Error::field("transaction", format!("not base64: {e}")))?;
    Ok(Transaction::decode(&wire).map_err(|e| Error::field("transaction", e))?)
}

/// The message bytes of a base64 wire transaction: what its signers sign.
#[wasm_bindgen(js_name = solanaMessageBytes)]
pub fn solana_message_bytes(transaction: &str) -> Result<Vec<u8>, JsValue> {
    Ok(decode_wire(transaction)?.message_bytes)
}

/// The addresses that sign a base64 wire transaction, in slot order.
#[wasm_bindgen(js_name = solanaSigners)]
pub fn solana_signers(transaction: &str) -> Result<Vec<String>, JsValue> {
    let tx = decode_wire(transaction)?;
    let signers = usize::from(tx.message.header.signers);
    Ok(tx.message.keys[..signers].iter().map(ToString::to_string).collect())
}

/// The base64 wire transaction with `signature` (64 bytes) in the slot of `signer`.
#[wasm_bindgen(js_name = solanaWithSignature)]
pub fn solana_with_signature(
    transaction: &str,
    signer: &str,
    signature: &[u8],
) -> Result<String, JsValue> {
    let mut tx = decode_wire(transaction)?;
    let address = Address::parse(signer).map_err(|e| Error::field("signer", e))?;
    let slot = tx.slot(&address).ok_or_else(|| {
        Error::field("signer", format!("{signer} does not sign this transaction"))
    })?;
    tx.signatures[slot] = signature
        .try_into()
        .map_err(|_| Error::field("signature", format!("{} bytes, not 64", signature.len())))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(tx.encode()))
}

/// A Solana key held in wasm memory. It signs x402 transfers only; it is never returned to
/// JavaScript and is zeroized when freed.
#[wasm_bindgen]
pub struct SolanaPrivateKeySigner {
    key: SecretKey,
}

#[wasm_bindgen]
impl SolanaPrivateKeySigner {
    /// Reads a secret: base58 of the 64-byte keypair (as wallets export it) or of the 32-byte
    /// seed, or those bytes (a `Uint8Array` or an array, as `solana-keygen` writes them).
    #[wasm_bindgen(constructor)]
    pub fn new(secret: JsValue) -> Result<SolanaPrivateKeySigner, JsValue> {
        let key = if let Some(text) = secret.as_string() {
            SecretKey::from_base58(&text)?
        } else if secret.is_instance_of::<js_sys::Uint8Array>() || js_sys::Array::is_array(&secret)
        {
            let bytes = zeroize::Zeroizing::new(js_sys::Uint8Array::from(secret).to_vec());
            SecretKey::from_bytes(&bytes)?
        } else {
            return Err(
                Error::Key("a Solana secret is base58 text or 32 or 64 bytes".into()).into()
            );
        };
        Ok(SolanaPrivateKeySigner { key })
    }

    /// The family it pays on.
    #[wasm_bindgen(getter)]
    pub fn family(&self) -> String {
        super::NAMESPACE.to_owned()
    }

    /// The address (base58 public key): what a draft names as payer.
    #[wasm_bindgen(getter)]
    pub fn address(&self) -> String {
        self.key.address().to_string()
    }

    /// Signs a base64 wire transaction that is an x402 transfer by this key; returns it signed,
    /// base64.
    #[wasm_bindgen(js_name = signTransaction)]
    pub fn sign_transaction(&self, transaction: &str) -> Result<String, JsValue> {
        let engine = base64::engine::general_purpose::STANDARD;
        let wire = engine
            .decode(transaction.as_bytes())
            .map_err(|e| Error::field("transaction", format!("not base64: {e}")))?;
        Ok(engine.encode(self.key.sign_transfer(&wire)?))
    }
}
