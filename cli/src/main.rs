//! `petrova`: the command line. It reads the filesystem, the clock and the
//! environment, hands bytes to `petrova-core`, and maps outcomes to exit codes.
//! It makes no decisions of its own.
#![allow(clippy::print_stdout)]

use clap::{Args, Parser, Subcommand};
use petrova_cli::checkout::{git_head, FsCheckout};
use petrova_cli::{github, Failure};
use petrova_core::diagnosis::{self, DiagnoseOutput, ScanInput, Window};
use petrova_core::docs::ScanLimits;
use petrova_core::error::ConfigError;
use petrova_core::plan;
use petrova_core::propose::{self, ProposeInput, ProposeOutput};
use petrova_core::registry::{self, Registry};
use petrova_core::validate::{DiagnosisStore, LimitSettings, PlanLimits, ValidationInput};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
struct Cli {
    /// Folder holding registry.yaml and the checkouts [default: current folder]
    #[arg(long, global = true, env = "PETROVA_WORKSPACE", value_name = "DIR")]
    workspace: Option<PathBuf>,
    /// Registry file [default: WORKSPACE/registry.yaml]
    #[arg(long, global = true, env = "PETROVA_REGISTRY", value_name = "PATH")]
    registry: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    /// Print the JSON Schema of fix plans.
    #[command(after_help = "Example:\n  petrova schema > plan.schema.json")]
    Schema {
        /// Generate it from the plan types instead of printing the published copy (for maintainers).
        #[arg(long)]
        generate: bool,
    },
    /// Inspect the registry.
    #[command(subcommand)]
    Registry(RegistryCommand),
}

const PROPOSE_EXAMPLE: &str = "Example:
  petrova propose_fix kahn-hq --input fix.json --actor fleet:kahn-implementer \\
    --triggered-by-kind audit_fail --triggered-by-ref ci-run-12345";

#[derive(Args)]
struct ProposeArgs {
    /// Registry slug of the repository.
    slug: String,
    /// The fix plan (JSON); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// Who proposes: fleet:NAME (must be in the entry's fleets_allowed).
    #[arg(long, value_name = "fleet:NAME")]
    actor: String,
    /// What triggered the fleet, e.g. audit_fail.
    #[arg(long, value_name = "KIND")]
    triggered_by_kind: String,
    /// A reference to the trigger, e.g. ci-run-12345.
    #[arg(long, value_name = "REF")]
    triggered_by_ref: String,
    /// Accept a diagnosis whose governance docs have changed since; the PR body says so.
    #[arg(long)]
    allow_stale: bool,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    /// Print only the pull-request body.
    #[arg(long)]
    body_only: bool,
    /// Open the pull request on GitHub (needs PETROVA_GITHUB_TOKEN or GITHUB_TOKEN).
    #[arg(long)]
    apply: bool,
    /// With `render`: print the body as HTML (as the browser preview shows it).
    #[arg(long)]
    html: bool,
}

#[derive(Args)]
struct DiagnoseArgs {
    /// Registry slug of the repository.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    slug: Option<String>,
    /// Diagnose every repository of the registry that has a checkout, in parallel.
    #[arg(long)]
    all: bool,
    /// With --all: how many repositories at once [default: the number of cores]
    #[arg(long, value_name = "N", requires = "all")]
    jobs: Option<usize>,
    /// First day of the window (YYYY-MM-DD, inclusive).
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: String,
    /// Last day of the window (inclusive) [default: open-ended]
    #[arg(long, value_name = "YYYY-MM-DD")]
    until: Option<String>,
    /// Print one JSON object instead of the summary.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum RegistryCommand {
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
    },
    /// Check the registry and every checkout; exit 3 on the first problem.
    #[command(after_help = "Example:\n  petrova --registry fleet/registry.yaml registry check")]
    Check,
}

fn config_failure(e: ConfigError) -> Failure {
    let mut msg = e.diagnostic.to_string();
    if let Some(hint) = e.hint {
        msg.push_str(&format!("\n  hint: {hint}"));
    }
    Failure::Config(msg)
}

struct Context {
    workspace: PathBuf,
    registry_path: PathBuf,
}

impl Context {
    fn new(cli: &Cli) -> Self {
        let workspace = cli.workspace.clone().unwrap_or_else(|| PathBuf::from("."));
        let registry_path = cli
            .registry
            .clone()
            .unwrap_or_else(|| workspace.join("registry.yaml"));
        Context {
            workspace,
            registry_path,
        }
    }

    fn registry(&self) -> Result<Registry, Failure> {
        let shown = self.registry_path.display().to_string();
        let src = fs::read(&self.registry_path).map_err(|e| {
            Failure::Config(format!(
                "cannot read registry {shown}: {e}\n  hint: pass --registry PATH, set PETROVA_REGISTRY, or put registry.yaml in the workspace (--workspace / PETROVA_WORKSPACE)"
            ))
        })?;
        registry::parse_bytes(&src, &shown).map_err(config_failure)
    }

    fn checkout_dir(&self, entry: &registry::RepoEntry) -> Result<PathBuf, Failure> {
        let dir = self.workspace.join(&entry.checkout);
        if !dir.is_dir() {
            return Err(Failure::Config(format!(
                "checkout of `{}` not found at {}\n  hint: clone {} there, or set `path:` in the registry entry",
                entry.slug,
                dir.display(),
                entry.url
            )));
        }
        Ok(dir)
    }

    fn state_dir(&self) -> PathBuf {
        std::env::var_os("PETROVA_STATE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.workspace.join(".petrova"))
    }
}

/// The size limits set by `PETROVA_MAX_PLAN_BYTES`, `PETROVA_MAX_DOC_BYTES`
/// and `PETROVA_MAX_BODY_CHARS` (core parses and checks them).
fn limits() -> Result<PlanLimits, Failure> {
    let var = |name: &str| std::env::var(name).ok();
    LimitSettings {
        max_plan_bytes: var("PETROVA_MAX_PLAN_BYTES"),
        max_doc_bytes: var("PETROVA_MAX_DOC_BYTES"),
        max_body_chars: var("PETROVA_MAX_BODY_CHARS"),
    }
    .limits()
    .map_err(Failure::Usage)
}

/// The scan time: `PETROVA_NOW` when set (reproducible runs and tests), else the clock.
fn now() -> Result<String, Failure> {
    match std::env::var("PETROVA_NOW") {
        Ok(fixed) => match humantime::parse_rfc3339(&fixed) {
            Ok(_) => Ok(fixed),
            Err(e) => Err(Failure::Usage(format!(
                "PETROVA_NOW `{fixed}` is not an RFC 3339 time: {e}"
            ))),
        },
        Err(_) => Ok(humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = Context::new(&cli);
    let result = match &cli.command {
        Command::Diagnose(args) => diagnose(&ctx, args),
        Command::ProposeFix(args) => propose_fix(&ctx, args, args.body_only),
        Command::Render(args) => propose_fix(&ctx, args, true),
        Command::Doctor { slug, json } => doctor(&ctx, slug, *json),
        Command::Schema { generate } => {
            print!(
                "{}",
                if *generate {
                    plan::generated_schema_pretty()
                } else {
                    plan::schema_pretty()
                }
            );
            Ok(())
        }
        Command::Registry(RegistryCommand::List { json }) => registry_list(&ctx, *json),
        Command::Registry(RegistryCommand::Check) => registry_check(&ctx),
        Command::Registry(RegistryCommand::Matrix { filters, pretty }) => {
            registry_matrix(&ctx, filters, *pretty)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", failure.message());
            ExitCode::from(failure.exit_code())
        }
    }
}

fn diagnose(ctx: &Context, args: &DiagnoseArgs) -> Result<(), Failure> {
    let window = Window::parse(&args.since, args.until.as_deref()).map_err(Failure::Usage)?;
    let scan = limits()?.scan;
    let registry = ctx.registry()?;
    let Some(slug) = args.slug.as_deref() else {
        return diagnose_all(ctx, args, &registry, &window, scan);
    };
    let entry = registry
        .require(slug, &ctx.registry_path.display().to_string())
        .map_err(config_failure)?;
    let (output, cache) = diagnose_one(ctx, entry, &window, scan, &now()?)?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let json = serde_json::to_string(&output).map_err(|e| Failure::Config(e.to_string()))?;
        let _ = writeln!(stdout, "{json}");
    } else {
        let _ = write!(stdout, "{}", diagnosis::render_summary(&output));
        let _ = writeln!(stdout, "  cached: {}", cache.display());
    }
    Ok(())
}

/// Scans one repository and caches the result.
fn diagnose_one(
    ctx: &Context,
    entry: &registry::RepoEntry,
    window: &Window,
    scan: ScanLimits,
    now: &str,
) -> Result<(DiagnoseOutput, PathBuf), Failure> {
    let dir = ctx.checkout_dir(entry)?;
    let input = ScanInput {
        window: window.clone(),
        scanned_at: now.to_owned(),
        head: git_head(&dir),
        limits: scan,
    };
    let output = DiagnoseOutput::new(
        &entry.slug,
        diagnosis::diagnose(&FsCheckout::new(dir), &input),
    );
    let cache = write_cache(ctx, &output)?;
    Ok((output, cache))
}

/// `diagnose --all`: every repository with a checkout, `--jobs` at a time,
/// each reported as it finishes; one failure does not stop the others.
fn diagnose_all(
    ctx: &Context,
    args: &DiagnoseArgs,
    registry: &Registry,
    window: &Window,
    scan: ScanLimits,
) -> Result<(), Failure> {
    use std::io::IsTerminal as _;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;

    let now = now()?;
    let started = std::time::Instant::now();
    let (present, missing): (Vec<&registry::RepoEntry>, Vec<&registry::RepoEntry>) = registry
        .repos
        .iter()
        .partition(|e| ctx.workspace.join(&e.checkout).is_dir());
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let jobs = args.jobs.unwrap_or(cores).max(1).min(present.len().max(1));
    let progress = !args.json && std::io::stderr().is_terminal();
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    let mut failed = 0usize;
    let mut done = 0usize;
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            let tx = tx.clone();
            let (next, present, now) = (&next, &present, &now);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(entry) = present.get(i) else { break };
                let began = std::time::Instant::now();
                let result = diagnose_one(ctx, entry, window, scan, now);
                if tx
                    .send((entry.slug.clone(), result, began.elapsed()))
                    .is_err()
                {
                    break;
                }
            });
        }
        drop(tx);
        let mut stdout = std::io::stdout().lock();
        for (slug, result, took) in rx {
            done += 1;
            if progress {
                eprint!("\r\x1b[2K");
            }
            match result {
                Ok((output, _)) if args.json => {
                    let _ = writeln!(
                        stdout,
                        "{}",
                        serde_json::to_string(&output).unwrap_or_default()
                    );
                }
                Ok((output, _)) => {
                    let d = &output.result;
                    let _ = writeln!(
                        stdout,
                        "{slug:<24} {}  {} ({})  decisions {}  findings {}  warnings {}  {} ms",
                        d.diagnosis_id,
                        d.phase.current.as_deref().unwrap_or("-"),
                        d.phase.status.as_deref().unwrap_or("?"),
                        d.decisions.len(),
                        d.findings.len(),
                        d.warnings.len(),
                        took.as_millis()
                    );
                }
                Err(failure) => {
                    failed += 1;
                    if args.json {
                        let line = serde_json::json!({"verb": "diagnose", "target_repo": slug, "error": failure.message()});
                        let _ = writeln!(stdout, "{line}");
                    } else {
                        let _ = writeln!(
                            stdout,
                            "{slug:<24} FAILED: {}",
                            failure.message().replace('\n', " ")
                        );
                    }
                }
            }
            let _ = stdout.flush();
            if progress {
                eprint!("[{done}/{}] diagnosing…", present.len());
            }
        }
    });
    if progress {
        eprint!("\r\x1b[2K");
    }
    let skipped: Vec<&str> = missing.iter().map(|e| e.slug.as_str()).collect();
    let elapsed = started.elapsed();
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let summary = serde_json::json!({"verb": "diagnose", "summary": {
            "diagnosed": done - failed, "failed": failed, "without_checkout": skipped, "jobs": jobs, "elapsed_ms": elapsed.as_millis() as u64}});
        let _ = writeln!(stdout, "{summary}");
    } else {
        let _ = writeln!(
            stdout,
            "diagnosed {} of {} repositories with {jobs} job(s) in {:.2} s; {failed} failed; without checkout: {}",
            done - failed,
            registry.repos.len(),
            elapsed.as_secs_f64(),
            if skipped.is_empty() { "none".to_owned() } else { skipped.join(", ") }
        );
    }
    if failed > 0 {
        return Err(Failure::Config(format!(
            "{failed} of {} repositories failed to diagnose",
            present.len()
        )));
    }
    Ok(())
}

fn doctor(ctx: &Context, slug: &str, json: bool) -> Result<(), Failure> {
    let config = github::GithubConfig::from_env()?;
    let registry = ctx.registry()?;
    let entry = registry
        .require(slug, &ctx.registry_path.display().to_string())
        .map_err(config_failure)?;
    let doctor = github::doctor(&config, entry)?;
    if json {
        println!(
            "{}",
            serde_json::to_string(doctor.checks()).map_err(|e| Failure::Config(e.to_string()))?
        );
    } else {
        print!("{}", doctor.render_text());
    }
    match doctor.exit_code() {
        0 => Ok(()),
        4 => Err(Failure::Github(format!(
            "GitHub gave no usable answer to some checks of `{slug}`; run doctor again"
        ))),
        _ => Err(Failure::Config(format!(
            "doctor found problems with `{slug}`; see the fix lines above"
        ))),
    }
}

fn registry_matrix(ctx: &Context, filters: &[String], pretty: bool) -> Result<(), Failure> {
    let registry = ctx.registry()?;
    let matrix = registry::matrix(&registry, filters).map_err(Failure::Usage)?;
    let text = if pretty {
        serde_json::to_string_pretty(&matrix)
    } else {
        serde_json::to_string(&matrix)
    };
    println!("{}", text.map_err(|e| Failure::Config(e.to_string()))?);
    Ok(())
}

/// Caches the diagnosis by id so that `propose_fix` can load it; written atomically.
fn write_cache(ctx: &Context, output: &DiagnoseOutput) -> Result<PathBuf, Failure> {
    let dir = ctx.state_dir().join("diagnoses");
    let fail = |e: std::io::Error| {
        Failure::Config(format!("cannot write the diagnosis cache in {}: {e}\n  hint: set PETROVA_STATE_DIR to a writable folder", dir.display()))
    };
    fs::create_dir_all(&dir).map_err(fail)?;
    let json = serde_json::to_string_pretty(output).map_err(|e| Failure::Config(e.to_string()))?;
    let mut written = Vec::new();
    for rel in diagnosis::cache_paths(&output.target_repo, &output.result.diagnosis_id) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(fail)?;
        }
        write_atomic(&path, format!("{json}\n").as_bytes()).map_err(fail)?;
        written.push(path);
    }
    // The documented location, `<id>.json`, is the one to show.
    Ok(written.pop().unwrap_or(dir))
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

fn registry_list(ctx: &Context, json: bool) -> Result<(), Failure> {
    let registry = ctx.registry()?;
    let mut stdout = std::io::stdout().lock();
    if json {
        let text =
            serde_json::to_string(&registry.repos).map_err(|e| Failure::Config(e.to_string()))?;
        let _ = writeln!(stdout, "{text}");
        return Ok(());
    }
    for r in &registry.repos {
        let _ = writeln!(
            stdout,
            "{:<20} {:<10} {:<10} {}  fleets: {}",
            r.slug,
            r.role.as_str(),
            r.profile,
            r.repository(),
            r.fleets_allowed.join(", ")
        );
    }
    Ok(())
}

fn registry_check(ctx: &Context) -> Result<(), Failure> {
    let registry = ctx.registry()?;
    let mut problems = Vec::new();
    for entry in &registry.repos {
        if let Err(Failure::Config(m) | Failure::Refused(m) | Failure::Usage(m)) =
            ctx.checkout_dir(entry)
        {
            problems.push(m);
        }
    }
    if problems.is_empty() {
        println!(
            "registry ok: {} repositories, every checkout present",
            registry.repos.len()
        );
        Ok(())
    } else {
        Err(Failure::Config(problems.join("\nerror: ")))
    }
}

/// Cached diagnoses on disk: `STATE_DIR/diagnoses/<id>.json`.
struct FsStore(PathBuf);

impl DiagnosisStore for FsStore {
    fn read(&self, relative_path: &str) -> Option<Vec<u8>> {
        // Core builds these paths from a registry slug and a checked id, so they stay inside the folder.
        fs::read(self.0.join("diagnoses").join(relative_path)).ok()
    }
}

fn read_input(path: &Path) -> Result<Vec<u8>, Failure> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map_err(|e| {
            Failure::Usage(format!("cannot read the plan from standard input: {e}"))
        })?;
        return Ok(buf);
    }
    fs::read(path)
        .map_err(|e| Failure::Usage(format!("cannot read --input {}: {e}", path.display())))
}

fn propose_fix(ctx: &Context, args: &ProposeArgs, body_only: bool) -> Result<(), Failure> {
    // Configuration first: an --apply run without a token stops before reading anything else.
    let github = if args.apply && !body_only {
        Some(github::GithubConfig::from_env()?)
    } else {
        None
    };
    let plan_bytes = read_input(&args.input)?;
    let registry = ctx.registry()?;
    let entry = registry
        .require(&args.slug, &ctx.registry_path.display().to_string())
        .map_err(config_failure)?;
    let profile = registry.profile_of(entry);
    let dir = ctx.checkout_dir(entry)?;
    let now = now()?;
    let input = ProposeInput {
        validation: ValidationInput {
            entry,
            profile: &profile,
            actor: &args.actor,
            plan_bytes: &plan_bytes,
            allow_stale: args.allow_stale,
            limits: limits()?,
        },
        triggered_by_kind: &args.triggered_by_kind,
        triggered_by_ref: &args.triggered_by_ref,
        now: &now,
    };
    let prepared = propose::prepare(&input, &FsCheckout::new(dir), &FsStore(ctx.state_dir()));
    let mut failure = None;
    let output = match (&prepared, github) {
        (Ok(proposal), None) => {
            ProposeOutput::from_proposal(proposal, propose::Outcome::DryRun, None)
        }
        (Ok(proposal), Some(config)) => {
            let result = github::apply(&config, proposal, entry)?;
            let report = petrova_core::request::apply_report(proposal, &result);
            match (report.output, report.exit_code, report.error) {
                (Some(output), code, error) => {
                    if code != 0 {
                        failure = Some(Failure::Refused(error.unwrap_or_default()));
                    }
                    output
                }
                (None, code, error) => {
                    let error = error.unwrap_or_default();
                    if args.json {
                        // Machines reading stdout still get one JSON object saying what was attempted.
                        let line = serde_json::json!({
                            "verb": "propose_fix", "outcome": "failed", "exit_code": code, "error": error,
                            "idempotency_key": proposal.key.idempotency_key, "branch": proposal.key.branch,
                        });
                        println!("{line}");
                    }
                    return Err(if code == 3 {
                        Failure::Config(error)
                    } else {
                        Failure::Github(error)
                    });
                }
            }
        }
        (Err(problems), _) => ProposeOutput::refused(problems.clone()),
    };
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let json = serde_json::to_string(&output).map_err(|e| Failure::Config(e.to_string()))?;
        let _ = writeln!(stdout, "{json}");
    } else if body_only {
        if let Ok(proposal) = &prepared {
            if args.html {
                let _ = write!(
                    stdout,
                    "{}",
                    petrova_core::body::to_html(&proposal.body.text)
                );
            } else {
                let _ = write!(stdout, "{}", proposal.body.text);
            }
        }
    } else {
        let _ = write!(stdout, "{}", output.render_text());
    }
    if let Some(failure) = failure {
        return Err(failure);
    }
    match prepared {
        Ok(_) => Ok(()),
        Err(problems) => {
            let detail = if args.json || !body_only {
                String::new()
            } else {
                problems.iter().map(|p| format!("\n  {p}")).collect()
            };
            Err(Failure::Refused(format!(
                "plan refused ({} problem{}){detail}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            )))
        }
    }
}
