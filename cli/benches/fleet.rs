//! `cargo bench -p petrova-cli --bench fleet`: `diagnose --all` over 200
//! synthetic repositories with `--jobs 1` and `--jobs 2`: wall time (median
//! of 3), speed-up, and peak resident memory (from `/usr/bin/time -v`).
#![allow(clippy::print_stdout, clippy::unwrap_used)]

#[path = "support/synthetic.rs"]
mod synthetic;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const REPOS: usize = 200;
const DOCS_PER_REPO: usize = 300;

fn generate(root: &Path) {
    let mut registry = String::new();
    for i in 0..REPOS {
        let slug = format!("repo-{i:03}");
        synthetic::generate(&root.join(&slug), DOCS_PER_REPO, 1 + i as u64).unwrap();
        let _ = write!(
            registry,
            "- slug: {slug}\n  url: https://github.com/fleet/{slug}\n  default_branch: main\n  role: {}\n  profile: standard\n  fleets_allowed: [bench]\n  added: \"2026-01-01\"\n",
            if i % 3 == 0 { "sandbox" } else { "production" }
        );
    }
    std::fs::write(root.join("registry.yaml"), registry).unwrap();
}

/// Runs `diagnose --all` once; returns wall time and peak RSS in KiB.
fn run(root: &Path, jobs: usize) -> (Duration, u64) {
    let state = root.join(format!(".state-{jobs}"));
    let _ = std::fs::remove_dir_all(&state);
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_petrova"))
        .args([
            "--workspace",
            root.to_str().unwrap(),
            "diagnose",
            "--all",
            "--since",
            "1900-01-01",
            "--json",
            "--jobs",
            &jobs.to_string(),
        ])
        .env("PETROVA_STATE_DIR", &state)
        .env("PETROVA_NOW", "2026-04-29T00:00:00Z")
        .output()
        .unwrap();
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8_lossy(&out.stdout).lines().count();
    assert_eq!(lines, REPOS + 1, "one line per repository and a summary");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rss = stderr
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    (took, rss)
}

fn main() {
    let root = std::env::var_os("PETROVA_BENCH_FLEET")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("petrova-fleet-200"));
    if !root.join("registry.yaml").exists() {
        println!(
            "generating {REPOS} repositories × {DOCS_PER_REPO} documents in {}",
            root.display()
        );
        generate(&root);
    }
    let mut results = Vec::new();
    for jobs in [1, 2] {
        let mut runs: Vec<(Duration, u64)> = (0..3).map(|_| run(&root, jobs)).collect();
        runs.sort();
        let (median, _) = runs[1];
        let peak = runs.iter().map(|r| r.1).max().unwrap_or(0);
        println!(
            "diagnose --all --jobs {jobs}: {median:?} (median of 3), peak RSS {:.1} MiB",
            peak as f64 / 1024.0
        );
        results.push(median);
    }
    println!(
        "speed-up --jobs 2 over --jobs 1: {:.2}×",
        results[0].as_secs_f64() / results[1].as_secs_f64()
    );
}
