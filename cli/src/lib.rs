//! The I/O adapters of the `petrova` binary, as a library so that benchmarks
//! and tests can use them: the filesystem [`checkout::FsCheckout`], the
//! octocrab executor of core's apply protocol, and the machine's files,
//! environment and clock ([`host`]). Every failure is core's
//! [`petrova_core::error::Failure`], so exit codes are decided in core.

pub mod checkout;
pub mod github;
pub mod host;
