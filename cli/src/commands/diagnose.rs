//! `petrova diagnose <slug>` and `diagnose --all`.

use crate::args::DiagnoseArgs;
use petrova_cli::checkout::FsCheckout;
use petrova_cli::host::{self, Workspace};
use petrova_core::error::{Failure, Frontend};
use petrova_core::governance::diagnosis::{self, DiagnoseOutput, FleetSummary};
use petrova_core::operator::registry::RepoEntry;
use petrova_core::request::{self, DiagnosePlan, RegistrySource, Target};
use std::io::Write as _;
use std::path::PathBuf;

/// Runs the command.
pub fn run(ws: &Workspace, args: &DiagnoseArgs) -> Result<(), Failure> {
    // The window and the settings are checked before anything is read.
    let plan = DiagnosePlan::new(
        &args.since,
        args.until.as_deref(),
        &host::vars(),
        &host::clock(),
        Frontend::Cli,
    )?;
    let registry = ws.registry()?;
    if args.slug.is_none() {
        return all(ws, args, &plan, &registry);
    }
    let target = Target {
        slug: args.slug.clone(),
        repository: None,
    };
    let (_, entry) = request::resolve(&registry, &target)?;
    let (output, cache) = one(ws, &plan, &entry)?;
    if args.json {
        super::print_json(&output);
    } else {
        let cached = cache.display().to_string();
        let mut stdout = std::io::stdout().lock();
        let _ = write!(
            stdout,
            "{}",
            diagnosis::render_summary(&output, Some(&cached))
        );
    }
    Ok(())
}

/// Scans one repository and caches the result.
fn one(
    ws: &Workspace,
    plan: &DiagnosePlan,
    entry: &RepoEntry,
) -> Result<(DiagnoseOutput, PathBuf), Failure> {
    let dir = ws.checkout_dir(entry)?;
    let head = host::head(&dir);
    let output = request::diagnose_entry(plan, entry, head, &FsCheckout::new(dir));
    let cache = ws.write_cache(&output)?;
    Ok((output, cache))
}

/// `diagnose --all`: every repository with a checkout, `--jobs` at a time,
/// each reported as it finishes; one failure does not stop the others.
fn all(
    ws: &Workspace,
    args: &DiagnoseArgs,
    plan: &DiagnosePlan,
    registry: &RegistrySource,
) -> Result<(), Failure> {
    use std::io::IsTerminal as _;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;

    let registry = petrova_core::operator::registry::parse(&registry.source, &registry.path)?;
    let started = std::time::Instant::now();
    let (present, missing): (Vec<&RepoEntry>, Vec<&RepoEntry>) = registry
        .repos
        .iter()
        .partition(|e| ws.root.join(&e.checkout).is_dir());
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
            let (next, present) = (&next, &present);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(entry) = present.get(i) else { break };
                let began = std::time::Instant::now();
                let result = one(ws, plan, entry).map(|(output, _)| output);
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
            failed += usize::from(result.is_err());
            if progress {
                eprint!("\r\x1b[2K");
            }
            let row = diagnosis::render_fleet_row(&slug, &result, took.as_millis(), args.json);
            let _ = writeln!(stdout, "{row}");
            let _ = stdout.flush();
            if progress {
                eprint!("[{done}/{}] diagnosing…", present.len());
            }
        }
    });
    if progress {
        eprint!("\r\x1b[2K");
    }
    let summary = FleetSummary {
        diagnosed: done - failed,
        failed,
        without_checkout: missing.iter().map(|e| e.slug.clone()).collect(),
        total: registry.repos.len(),
        jobs,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    println!("{}", summary.render(args.json));
    summary.outcome()
}
