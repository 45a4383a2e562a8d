//! # x402-wasm
//!
//! The x402 HTTP payment protocol (v1 and v2) in Rust, for WebAssembly and native use.
//!
//! The core is free of I/O: wire types ([`wire`]), the header codec ([`codec`]), networks and
//! assets ([`network`], [`asset`]), the chain families ([`family`]: [`evm`], and [`casper`] and
//! [`solana`] with the features of their names), local verification ([`verify()`], a [`Verdict`]), the server's matching
//! rule and decisions ([`matching`], [`server`]) and client building blocks ([`client`]). Clocks
//! and randomness are arguments, so everything is testable natively. On `wasm32` a thin binding
//! layer exposes the same operations to JavaScript.
//!
//! ```
//! use x402_wasm::{codec, verify, wire::PaymentRequirements};
//! # fn run(header: &str, requirements: &PaymentRequirements) -> x402_wasm::Result<()> {
//! let payload = codec::decode_payment(header)?;
//! let verdict = verify(&payload, requirements, 1_740_672_100);
//! if let Some(reason) = verdict.reason() {
//!     println!("refused: {reason}");
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(
    missing_docs,
    clippy::unwrap_used,
    rust_2018_idioms,
    unused_lifetimes,
    unused_qualifications
)]

#[macro_use]
mod macros;

pub mod asset;
#[cfg(feature = "casper")]
pub mod casper;
pub mod client;
pub mod codec;
mod eip3009;
mod error;
pub mod evm;
pub mod facilitator;
pub mod family;
mod fields;
mod json;
pub mod matching;
pub mod network;
pub mod path;
pub mod reason;
pub mod server;
#[cfg(feature = "solana")]
pub mod solana;
#[cfg(test)]
mod test_support;
mod verdict;
mod verify;
pub mod wire;

#[cfg(target_arch = "wasm32")]
mod wasm;

pub use eip3009::{Authorization, VALID_AFTER_SKEW_SECONDS};
pub use error::{Code, Error, Result};
pub use reason::Reason;
pub use verdict::{Deferred, Replay, Verdict, SETTLE_BUFFER_SECONDS};
pub use verify::verify;
