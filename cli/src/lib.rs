//! The I/O adapters of the `petrova` binary, as a library so that benchmarks
//! and tests can use them: the filesystem [`checkout::FsCheckout`] and the
//! octocrab executor of core's apply protocol.

pub mod checkout;
pub mod github;

/// How a command failed, and the exit code that says so.
pub enum Failure {
    /// Exit 1: the input was understood and refused.
    Refused(String),
    /// Exit 2: the command line was wrong.
    Usage(String),
    /// Exit 3: registry, checkout or token problem.
    Config(String),
    /// Exit 4: GitHub failed after retries.
    Github(String),
}

impl Failure {
    /// The documented exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Refused(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Config(_) => 3,
            Failure::Github(_) => 4,
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        match self {
            Failure::Refused(m) | Failure::Usage(m) | Failure::Config(m) | Failure::Github(m) => m,
        }
    }
}
