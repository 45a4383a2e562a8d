//! EIP-712 digest of arbitrary `eth_signTypedData_v4` JSON: refuse or hash, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use x402_wasm::evm::eip712::typed_data_digest;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let _ = typed_data_digest(&value);
});
