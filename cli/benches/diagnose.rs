//! `cargo bench -p petrova-cli --bench diagnose`: diagnose on a synthetic
//! 20,000-document governance repository, as ratios measured in one run.
//!
//! - diagnose with a 1-week window ÷ listing the doc folders (target ≤ 2)
//! - diagnose over the full history ÷ a bare pulldown-cmark parse of the same bytes (target ≤ 1.25)
#![allow(clippy::print_stdout, clippy::unwrap_used)]

#[path = "support/measure.rs"]
mod measure;
#[path = "support/synthetic.rs"]
mod synthetic;

use measure::median;
use petrova_cli::checkout::FsCheckout;
use petrova_core::governance::diagnosis::{self, ScanInput, Window};
use petrova_core::governance::docs::ScanLimits;
use petrova_core::governance::source::{Checkout, MemoryCheckout};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

/// Validate + render of the example plan, in memory, as the wasm build runs it.
fn bench_prepare() {
    use petrova_core::plan::validate::MemoryStore;
    use petrova_core::request::{self, DiagnoseRequest, ProposeRequest, RegistrySource, Target};
    let (memory, ws) = measure::example();
    let registry = RegistrySource {
        source: std::fs::read_to_string(ws.join("registry.yaml")).unwrap(),
        path: "registry.yaml".into(),
    };
    let target = Target {
        slug: Some("kahn-hq".into()),
        repository: None,
    };
    let diag = DiagnoseRequest {
        registry: registry.clone(),
        target: target.clone(),
        since: "2026-04-22".into(),
        until: None,
        scanned_at: "2026-04-29T14:30:00Z".into(),
        head: None,
        env: Default::default(),
        frontend: Default::default(),
    };
    let out = request::diagnose(&diag, &memory).unwrap();
    let store = MemoryStore::from_outputs([serde_json::to_vec(&out).unwrap()]);
    let req = ProposeRequest {
        registry,
        target,
        actor: "fleet:kahn-implementer".into(),
        triggered_by_kind: "audit_fail".into(),
        triggered_by_ref: "ci-run-12345".into(),
        allow_stale: false,
        supersede: false,
        reconsider: false,
        now: "2026-04-29T14:32:18Z".into(),
        env: Default::default(),
        frontend: Default::default(),
        registry_in_checkout: None,
    };
    let plan = std::fs::read(ws.join("fix.json")).unwrap();
    // `PETROVA_BENCH_PROFILE=prepare` repeats only this, for `perf record`.
    let profiling = std::env::var("PETROVA_BENCH_PROFILE").is_ok_and(|v| v == "prepare");
    let runs = if profiling { 20_000 } else { 2_000 };
    let start = Instant::now();
    for _ in 0..runs {
        let prepared = request::prepare(&req, &plan, &memory, &store).unwrap();
        black_box(prepared.dry_run_output());
    }
    println!(
        "BENCH native_prepare_us={:.1}",
        start.elapsed().as_secs_f64() * 1e6 / f64::from(runs)
    );
}

fn main() {
    bench_prepare();
    if std::env::var("PETROVA_BENCH_PROFILE").is_ok_and(|v| v == "prepare") {
        return;
    }
    let docs: usize = std::env::var("PETROVA_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let root = std::env::var_os("PETROVA_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join(format!("petrova-bench-{docs}")));
    if !root.join("docs/roadmap.md").exists() {
        println!("generating {docs} documents in {}", root.display());
        synthetic::generate(&root, docs, 7).unwrap();
    }
    let checkout = FsCheckout::new(root);
    let scan = |since: &str, until: Option<&str>| ScanInput {
        window: Window::parse(since, until, petrova_core::error::Frontend::Cli).unwrap(),
        scanned_at: "2026-04-29T00:00:00Z".into(),
        head: None,
        limits: ScanLimits::default(),
    };

    // 1. A one-week window against listing the two dated folders.
    let week = scan("2026-04-22", Some("2026-04-28"));
    let list = median(21, || {
        black_box(checkout.list("docs/decisions").unwrap());
        black_box(checkout.list("docs/findings").unwrap());
    });
    let diag_week = median(21, || {
        black_box(diagnosis::diagnose(&checkout, &week));
    });
    let found = diagnosis::diagnose(&checkout, &week);
    println!(
        "diagnose 1-week window ({} decisions, {} findings): {:?}; listing the doc folders: {:?}; ratio {:.2} (target ≤ 2)",
        found.decisions.len(),
        found.findings.len(),
        diag_week,
        list,
        diag_week.as_secs_f64() / list.as_secs_f64()
    );

    let full_fs = scan("1900-01-01", None);
    let diag_full_fs = median(5, || {
        black_box(diagnosis::diagnose(&checkout, &full_fs));
    });
    println!(
        "BENCH native_diagnose_week_ms={:.3}",
        diag_week.as_secs_f64() * 1e3
    );
    println!(
        "BENCH native_diagnose_full_ms={:.3}",
        diag_full_fs.as_secs_f64() * 1e3
    );

    // 2. The full history against a bare pulldown-cmark parse of the same bytes, both in memory.
    let mut memory = MemoryCheckout::new();
    let mut all_bytes: Vec<Vec<u8>> = Vec::new();
    for dir in ["docs/decisions", "docs/findings"] {
        for entry in checkout.list(dir).unwrap().unwrap() {
            let path = format!("{dir}/{}", entry.name);
            let bytes = checkout.read(&path).unwrap().unwrap().into_owned();
            memory.insert_file(&path, bytes.clone());
            all_bytes.push(bytes);
        }
    }
    for path in [".petrova.yml", "docs/meta-rules.md", "docs/roadmap.md"] {
        let bytes = checkout.read(path).unwrap().unwrap().into_owned();
        memory.insert_file(path, bytes.clone());
        all_bytes.push(bytes);
    }
    let total: usize = all_bytes.iter().map(Vec::len).sum();
    let full = scan("1900-01-01", None);
    let parse = median(7, || {
        for bytes in &all_bytes {
            let text = std::str::from_utf8(bytes).unwrap();
            for event in
                pulldown_cmark::Parser::new_ext(text, petrova_core::governance::markdown::options())
            {
                black_box(event);
            }
        }
    });
    if std::env::var("PETROVA_BENCH_PROFILE").is_ok_and(|v| v == "full") {
        // For `perf record`: only the in-memory full-history diagnose, repeated.
        for _ in 0..40 {
            black_box(diagnosis::diagnose(&memory, &full));
        }
        return;
    }
    let diag_full = median(7, || {
        black_box(diagnosis::diagnose(&memory, &full));
    });
    let diag_week_memory = median(21, || {
        black_box(diagnosis::diagnose(&memory, &week));
    });
    println!(
        "BENCH native_diagnose_week_memory_ms={:.3}",
        diag_week_memory.as_secs_f64() * 1e3
    );
    println!(
        "BENCH native_diagnose_full_memory_ms={:.3}",
        diag_full.as_secs_f64() * 1e3
    );
    println!(
        "diagnose full history ({} documents, {:.1} MiB): {:?}; bare pulldown-cmark parse: {:?}; ratio {:.2} (target ≤ 1.25)",
        all_bytes.len(),
        total as f64 / (1024.0 * 1024.0),
        diag_full,
        parse,
        diag_full.as_secs_f64() / parse.as_secs_f64()
    );
}
