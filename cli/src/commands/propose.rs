//! `petrova propose_fix` (dry run or `--apply`) and `petrova render`.

use crate::args::ProposeArgs;
use petrova_cli::checkout::FsCheckout;
use petrova_cli::github::{self, GithubConfig};
use petrova_cli::host::{self, Workspace};
use petrova_core::error::{Exit, Failure, Frontend};
use petrova_core::proposal::propose::ProposeOutput;
use petrova_core::request::{self, ProposeRequest, Target};
use std::io::Write as _;

/// Runs the command; `body_only` prints only the body (`render`, `--body-only`).
pub fn run(ws: &Workspace, args: &ProposeArgs, body_only: bool) -> Result<(), Failure> {
    let apply = args.apply && !body_only;
    // Configuration first: an --apply run without a token stops before reading anything else.
    let token = github::token_from_env();
    if apply {
        request::require_token(token.as_deref(), Frontend::Cli)?;
    }
    let plan_bytes = host::read_plan(&args.input)?;
    let mut req = ProposeRequest {
        registry: ws.registry()?,
        target: Target {
            slug: Some(args.slug.clone()),
            repository: None,
        },
        actor: args.actor.clone(),
        triggered_by_kind: args.triggered_by_kind.clone(),
        triggered_by_ref: args.triggered_by_ref.clone(),
        allow_stale: args.allow_stale,
        supersede: args.supersede,
        reconsider: args.reconsider,
        now: host::clock(),
        env: host::vars(),
        frontend: Frontend::Cli,
        registry_in_checkout: None,
    };
    let (_, entry) = request::resolve(&req.registry, &req.target)?;
    let dir = ws.checkout_dir(&entry)?;
    req.registry_in_checkout = host::path_inside(&dir, &ws.registry_path);
    let prepared = request::prepare(&req, &plan_bytes, &FsCheckout::new(dir), &ws.store())?;
    let mut stdout = std::io::stdout().lock();
    if body_only && !args.json {
        if let Ok(proposal) = &prepared.proposal {
            let body = &proposal.body.text;
            let text = if args.html {
                petrova_core::proposal::body::to_html(body)
            } else {
                body.clone()
            };
            let key = &proposal.key.idempotency_key;
            let _ = write!(stdout, "{}", request::raw_stdout(&text, key));
        }
        return match &prepared.proposal {
            Ok(_) => Ok(()),
            // Without the refusal text on stdout, the problems go to standard error.
            Err(problems) => Err(request::refusal(problems, true)),
        };
    }
    let (output, exit, error): (ProposeOutput, Exit, Option<Failure>) = match &prepared.proposal {
        Ok(proposal) if apply => {
            let config = GithubConfig::new(token, prepared.github()?)?;
            let result = github::apply(&config, proposal, &prepared.entry)?;
            let report = request::apply_report(proposal, &result, Frontend::Cli);
            (report.output, report.exit_code, report.error)
        }
        _ => (prepared.dry_run_output(), prepared.dry_run_exit(), None),
    };
    if args.json {
        super::print_json(&output);
    } else {
        let _ = write!(stdout, "{}", output.render_text());
    }
    match error {
        Some(failure) => Err(failure),
        None if exit == Exit::Done => Ok(()),
        None => Err(request::refusal(&output.problems, false)),
    }
}
