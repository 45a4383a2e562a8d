//! EIP-712 digest of arbitrary typed-data JSON, EVM (`eth_signTypedData_v4`) and Casper: refuse
//! or hash, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use x402_wasm::evm::eip712::{typed_data_digest, SigningScope};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let _ = typed_data_digest(&value, SigningScope::default());
    let _ = typed_data_digest(&value, SigningScope { upto: true });
    let _ = x402_wasm::casper::eip712::typed_data_digest(&value);
});
