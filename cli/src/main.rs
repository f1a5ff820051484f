//! `petrova`: the command line. It reads the filesystem, the clock and the
//! environment, hands bytes to `petrova-core` through the same embedder API
//! as the wasm binding (`petrova_core::request`), prints what core rendered and
//! exits with the code core decided. It makes no decisions of its own.
#![allow(clippy::print_stdout)]

mod args;
mod commands;

use args::{Cli, Command, RegistryCommand};
use clap::Parser as _;
use petrova_cli::host::Workspace;
use petrova_core::error::Failure;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ws = Workspace::new(cli.workspace.clone(), cli.registry.clone());
    let result = match &cli.command {
        Command::Diagnose(args) => commands::diagnose::run(&ws, args),
        Command::ProposeFix(args) => commands::propose::run(&ws, args, args.body_only),
        Command::Render(args) => commands::propose::run(&ws, args, true),
        Command::Doctor { slug, json } => commands::doctor::run(&ws, slug, *json),
        Command::Init(args) => commands::init::run(&ws, args),
        Command::Status(args) => commands::fleet::run(&ws, args, "status", false),
        Command::Sweep { target, apply } => commands::fleet::run(&ws, target, "sweep", *apply),
        Command::Schema { generate, json: _ } => {
            print!("{}", commands::schema(*generate));
            Ok(())
        }
        Command::Completions { shell } => {
            commands::completions(*shell);
            Ok(())
        }
        Command::Registry(RegistryCommand::List { json }) => commands::registry::list(&ws, *json),
        Command::Registry(RegistryCommand::Check { json }) => commands::registry::check(&ws, *json),
        Command::Registry(RegistryCommand::Matrix {
            filters,
            pretty,
            json: _,
        }) => commands::registry::matrix(&ws, filters, *pretty),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => fail(&failure),
    }
}

/// Reports a failure on standard error and exits with core's code for it.
fn fail(failure: &Failure) -> ExitCode {
    eprintln!("error: {}", failure.render());
    ExitCode::from(failure.exit_code.code())
}
