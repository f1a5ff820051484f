//! petrova-core: the pure decision logic of petrova.
//!
//! Nothing in this crate touches the filesystem, the environment, the clock or the
//! network (`clippy.toml` enforces it). Callers hand in bytes, directory listings
//! and timestamps through [`source::Checkout`] and plain arguments; every decision
//! — what a governance document means, which plan is valid, what the idempotency
//! key is, what the pull-request body says — is made here, once, so the native CLI
//! and the WebAssembly build agree byte for byte.
#![warn(missing_docs)]

pub mod encoding;
pub mod error;
pub mod github;
pub mod governance;
pub mod operator;
pub mod plan;
pub mod proposal;
pub mod request;

pub use error::{Code, Diagnostic};
