//! One module per command; each moves bytes between the machine and core.

pub mod diagnose;
pub mod doctor;
pub mod fleet;
pub mod init;
pub mod propose;
pub mod registry;

use clap::CommandFactory as _;
use std::io::Write as _;

/// Prints one JSON line: what every command's `--json` prints.
pub fn print_json<T: serde::Serialize>(value: &T) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", petrova_core::encoding::text::json_line(value));
}

/// The plan schema: the published copy, or one generated from the types.
pub fn schema(generate: bool) -> String {
    if generate {
        petrova_core::plan::generated_schema_pretty()
    } else {
        petrova_core::plan::schema_pretty()
    }
}

/// Prints a completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) {
    let mut command = crate::args::Cli::command();
    clap_complete::generate(shell, &mut command, "petrova", &mut std::io::stdout());
}
