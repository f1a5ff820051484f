//! The command line's arguments (clap). Each command lives in `commands/`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const EXAMPLES: &str = "\
Examples:
  petrova --workspace examples/workspace registry list
  petrova --workspace examples/workspace diagnose kahn-hq --since 2026-04-22
  petrova --workspace examples/workspace diagnose kahn-hq --since 2026-04-22 --json | jq -r .result.diagnosis_id

Limits (environment; see README): PETROVA_MAX_PLAN_BYTES (16 MiB), PETROVA_MAX_DOC_BYTES (2 MiB),
PETROVA_MAX_BODY_CHARS (65536, at least 4096).

Exit codes: 0 done, 1 refused, 2 usage, 3 configuration, 4 GitHub failed after retries.";

#[derive(Parser)]
#[command(name = "petrova", version, about = "Diagnose governed repositories and propose grounded, idempotent fixes.", after_help = EXAMPLES)]
pub struct Cli {
    /// Folder holding registry.yaml and the checkouts [default: current folder]
    #[arg(long, global = true, env = "PETROVA_WORKSPACE", value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// Registry file [default: WORKSPACE/registry.yaml]
    #[arg(long, global = true, env = "PETROVA_REGISTRY", value_name = "PATH")]
    pub registry: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Scan a repository's governance docs and print (and cache) a diagnosis.
    #[command(
        after_help = "Example:\n  petrova diagnose kahn-hq --since 2026-04-22 --json > /tmp/diag.json"
    )]
    Diagnose(DiagnoseArgs),
    /// Validate a fix plan and show the exact dry run (nothing is sent without --apply).
    #[command(name = "propose_fix", visible_alias = "propose-fix", after_help = PROPOSE_EXAMPLE)]
    ProposeFix(ProposeArgs),
    /// Print the pull-request body a plan would get, and nothing else.
    #[command(
        after_help = "Example:\n  petrova render kahn-hq --input fix.json --actor fleet:kahn-implementer --triggered-by-kind audit_fail --triggered-by-ref ci-run-12345 > body.md"
    )]
    Render(ProposeArgs),
    /// Check that the token can open pull requests on a repository, with a fix-it line per problem.
    #[command(after_help = "Example:\n  PETROVA_GITHUB_TOKEN=… petrova doctor kahn-hq")]
    Doctor {
        /// Registry slug of the repository.
        slug: String,
        /// Print the checks as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Find a repository's decision records and roadmap where they already are, and suggest its .petrova.yml.
    #[command(
        after_help = "Examples:\n  petrova init kahn-hq\n  petrova init --path ../service --write"
    )]
    Init(InitArgs),
    /// Print the JSON Schema of fix plans.
    #[command(after_help = "Example:\n  petrova schema > plan.schema.json")]
    Schema {
        /// Generate it from the plan types instead of printing the published copy (for maintainers).
        #[arg(long)]
        generate: bool,
        /// Accepted for uniformity: the schema is JSON already.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  petrova completions bash > ~/.local/share/bash-completion/completions/petrova\n  petrova completions zsh > \"${fpath[1]}/_petrova\""
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// List petrova's pull requests (open, merged, closed) from their metadata blocks.
    #[command(after_help = "Examples:\n  petrova status kahn-hq\n  petrova status --all --json")]
    Status(FleetArgs),
    /// Close open petrova PRs older than the profile's expires_days, with a comment (a dry run without --apply).
    #[command(after_help = "Examples:\n  petrova sweep kahn-hq\n  petrova sweep --all --apply")]
    Sweep {
        /// Which repositories.
        #[command(flatten)]
        target: FleetArgs,
        /// Close them (otherwise say which would be closed).
        #[arg(long)]
        apply: bool,
    },
    /// Inspect the registry.
    #[command(subcommand)]
    Registry(RegistryCommand),
}

#[derive(Args)]
pub struct FleetArgs {
    /// Registry slug of the repository.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub slug: Option<String>,
    /// Every repository of the registry, one after another.
    #[arg(long)]
    pub all: bool,
    /// Print one JSON line per pull request.
    #[arg(long)]
    pub json: bool,
}

const PROPOSE_EXAMPLE: &str = "Example:
  petrova propose_fix kahn-hq --input fix.json --actor fleet:kahn-implementer \\
    --triggered-by-kind audit_fail --triggered-by-ref ci-run-12345";

#[derive(Args)]
pub struct ProposeArgs {
    /// Registry slug of the repository.
    pub slug: String,
    /// The fix plan (JSON); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// Who proposes: fleet:NAME (must be in the entry's fleets_allowed).
    #[arg(long, value_name = "fleet:NAME")]
    pub actor: String,
    /// What triggered the fleet, e.g. audit_fail.
    #[arg(long, value_name = "KIND")]
    pub triggered_by_kind: String,
    /// A reference to the trigger, e.g. ci-run-12345.
    #[arg(long, value_name = "REF")]
    pub triggered_by_ref: String,
    /// Accept a diagnosis whose governance docs have changed since; the PR body says so.
    #[arg(long)]
    pub allow_stale: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Print only the pull-request body.
    #[arg(long)]
    pub body_only: bool,
    /// Open the pull request on GitHub (needs PETROVA_GITHUB_TOKEN or GITHUB_TOKEN).
    #[arg(long)]
    pub apply: bool,
    /// With --apply: close open petrova PRs that change the same paths (with a comment linking the new one) instead of ending in conflict.
    #[arg(long)]
    pub supersede: bool,
    /// With --apply: open the PR even though a similar one was closed unmerged within the profile's reject_memory_days (the body links it).
    #[arg(long)]
    pub reconsider: bool,
    /// With `render`: print the body as HTML (as the browser preview shows it).
    #[arg(long)]
    pub html: bool,
}

#[derive(Args)]
pub struct DiagnoseArgs {
    /// Registry slug of the repository.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub slug: Option<String>,
    /// Diagnose every repository of the registry that has a checkout, in parallel.
    #[arg(long)]
    pub all: bool,
    /// With --all: how many repositories at once [default: the number of cores]
    #[arg(long, value_name = "N", requires = "all")]
    pub jobs: Option<usize>,
    /// First day of the window (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: String,
    /// Last day of the window (inclusive) [default: open-ended]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub until: Option<String>,
    /// Print one JSON object instead of the summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand)]
pub enum RegistryCommand {
    /// List the governed repositories.
    #[command(after_help = "Example:\n  petrova registry list --json")]
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the registry as a GitHub Actions `strategy.matrix` ({"include": [...]}).
    #[command(
        after_help = "Example (in a workflow step):\n  echo \"matrix=$(petrova registry matrix --filter role=production)\" >> \"$GITHUB_OUTPUT\""
    )]
    Matrix {
        /// Keep entries where KEY=VALUE (keys: slug, role, profile, repository, fleet); repeatable.
        #[arg(long = "filter", value_name = "KEY=VALUE")]
        filters: Vec<String>,
        /// Pretty-print instead of one line.
        #[arg(long)]
        pretty: bool,
        /// Accepted for uniformity: the matrix is JSON already.
        #[arg(long)]
        json: bool,
    },
    /// Check the registry and every checkout; exit 3 on the first problem.
    #[command(after_help = "Example:\n  petrova --registry fleet/registry.yaml registry check")]
    Check {
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `petrova init`.
#[derive(Args)]
pub struct InitArgs {
    /// Registry slug of the repository (or give --path).
    #[arg(required_unless_present = "path")]
    pub slug: Option<String>,
    /// A checkout not (yet) in the registry.
    #[arg(long, value_name = "DIR", conflicts_with = "slug")]
    pub path: Option<PathBuf>,
    /// Write the suggested .petrova.yml into the checkout.
    #[arg(long)]
    pub write: bool,
    /// With --write, replace an existing .petrova.yml.
    #[arg(long, requires = "write")]
    pub force: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}
