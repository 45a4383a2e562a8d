//! Client selection and drafting: which `accepts` a policy allows, and for each, the typed data a
//! wallet is shown must hash to the digest a local key signs (EVM and Casper payers).
#![no_main]

use alloy_primitives::{address, Address, U256};
use libfuzzer_sys::fuzz_target;
use x402_wasm::casper::keys::{Algorithm, SecretKey};
use x402_wasm::client::{self, Payer, PaymentDraft, Policy};
use x402_wasm::evm::eip712::{typed_data_digest, SigningScope};
use x402_wasm::wire::PaymentRequired;

const FROM: Address = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
const NOW: u64 = 1_800_000_000;
const NONCE: [u8; 32] = [0x5a; 32];

fuzz_target!(|data: &[u8]| {
    let Ok(required) = PaymentRequired::from_json(&String::from_utf8_lossy(data)) else { return };
    let policies = [
        Policy::default(),
        Policy::uncapped(),
        Policy {
            max_amount: Some(U256::from(10_000u64)),
            allow_unknown_assets: true,
            ..Policy::uncapped()
        },
        Policy {
            families: vec![x402_wasm::evm::NAMESPACE, x402_wasm::casper::NAMESPACE],
            allow_unknown_assets: true,
            ..Policy::uncapped()
        },
    ];
    let casper = SecretKey::from_hex(Algorithm::Ed25519, &"4f".repeat(32))
        .expect("a valid seed")
        .public_key();
    for policy in &policies {
        let Ok(indices) = client::acceptable(&required, policy) else { continue };
        assert!(!indices.is_empty(), "acceptable returned Ok with no index");
        assert!(indices.windows(2).all(|w| w[0] < w[1]), "indices out of order: {indices:?}");
        assert!(indices.iter().all(|&i| i < required.len()), "index past accepts: {indices:?}");
        assert_eq!(client::select(&required, policy).ok(), indices.first().copied());
        for &i in &indices {
            for payer in [Payer::from(FROM), Payer::from(casper.clone())] {
                let Ok(draft) = PaymentDraft::new(&required, i, payer.clone(), NOW, NONCE) else {
                    continue;
                };
                let typed_data = draft.typed_data();
                let digest = draft.digest();
                let rehashed = match payer.family().namespace() {
                    // The default scope: a local key signs whatever the client drafts.
                    x402_wasm::evm::NAMESPACE => {
                        typed_data_digest(&typed_data, SigningScope::default())
                    }
                    _ => x402_wasm::casper::eip712::typed_data_digest(&typed_data),
                };
                match rehashed {
                    Ok(d) => assert_eq!(
                        d, digest,
                        "typed data hashes differently from the draft\n{typed_data:#}"
                    ),
                    Err(e) => panic!("the draft's own typed data is refused: {e}\n{typed_data:#}"),
                }
                assert_eq!(draft.payer(), payer);
            }
        }
    }
});
