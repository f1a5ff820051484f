//! `petrova status` and `petrova sweep`: petrova's pull requests on GitHub,
//! one repository after another.

use crate::args::FleetArgs;
use petrova_cli::github::{self, GithubConfig};
use petrova_cli::host::{self, Workspace};
use petrova_core::error::{Exit, Failure, Frontend};
use petrova_core::request::{self, FleetRequest, Target};
use std::io::Write as _;

/// Runs `verb` (`status` or `sweep`); each repository's lines are printed as
/// soon as it is done. The exit code is the first failure's, else 0.
pub fn run(ws: &Workspace, args: &FleetArgs, verb: &str, apply: bool) -> Result<(), Failure> {
    let token = github::token_from_env();
    request::require_token(token.as_deref(), Frontend::Cli)?;
    let req = FleetRequest {
        registry: ws.registry()?,
        target: Target {
            slug: args.slug.clone(),
            repository: None,
        },
        all: args.all,
        verb: verb.to_owned(),
        apply,
        now: host::clock(),
        env: host::vars(),
    };
    let (runs, settings, now) = request::fleet(&req)?;
    let config = GithubConfig::new(token, &settings)?;
    let mut first_failure: Option<Failure> = None;
    for fleet_run in &runs {
        let output = github::fleet(&config, fleet_run, &now)?;
        {
            let mut stdout = std::io::stdout().lock();
            let text = if args.json {
                output.json_lines()
            } else {
                output.render_text()
            };
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
        }
        if output.exit_code() != Exit::Done && first_failure.is_none() {
            first_failure = output.error.clone();
        }
    }
    first_failure.map_or(Ok(()), Err)
}
