//! `cargo bench -p petrova-cli --bench cost`: what a hostile input can make
//! petrova spend, as ratios measured in one run (each should show linear cost).
//!
//! - validating a plan with 2,000 `spec` groundings ÷ (2,000 × one grounding),
//!   against a 620 KB spec: each spec is parsed once, however often it is cited;
//! - diagnosing a decision whose 800 KB front matter nests `[[[[…]]]]` ÷ one whose
//!   front matter is as large but flat: neither is handed to YAML (over 64 KiB),
//!   and a nested one under 64 KiB is refused by depth before YAML sees it.
#![allow(clippy::print_stdout, clippy::unwrap_used)]

#[path = "support/measure.rs"]
mod measure;

use measure::{example, median};
use petrova_core::governance::diagnosis::{self, DiagnoseOutput, ScanInput, Window};
use petrova_core::governance::docs::ScanLimits;
use petrova_core::plan::validate::MemoryStore;
use petrova_core::request::{self, ProposeRequest, RegistrySource, Target};
use serde_json::json;
use std::hint::black_box;

fn scan_input() -> ScanInput {
    ScanInput {
        window: Window::parse("2026-04-22", None, petrova_core::error::Frontend::Cli).unwrap(),
        scanned_at: "2026-04-29T14:30:00Z".into(),
        head: None,
        limits: ScanLimits::default(),
    }
}

fn groundings() {
    let (mut memory, ws) = example();
    // A 620 KB spec: 12,000 sections.
    let spec: String = (0..12_000)
        .map(|i| {
            format!("## Section {i}\n\nSome text about section {i}, long enough to weigh.\n\n")
        })
        .collect();
    memory.insert_file("docs/spec/big.md", spec.into_bytes());
    let out = DiagnoseOutput::new("kahn-hq", diagnosis::diagnose(&memory, &scan_input()));
    let store = MemoryStore::from_outputs([serde_json::to_vec(&out).unwrap()]);
    let req = ProposeRequest {
        registry: RegistrySource {
            source: std::fs::read_to_string(ws.join("registry.yaml")).unwrap(),
            path: "registry.yaml".into(),
        },
        target: Target {
            slug: Some("kahn-hq".into()),
            repository: None,
        },
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
    let plan = |n: usize| {
        let mut plan: serde_json::Value =
            serde_json::from_slice(&std::fs::read(ws.join("fix.json")).unwrap()).unwrap();
        plan["diagnosis_id"] = json!(out.result.diagnosis_id);
        plan["mr_grounding"] = json!((0..n)
            .map(|i| json!({"kind": "spec", "ref": format!("docs/spec/big.md#section-{}", i % 12_000), "claim": "c"}))
            .collect::<Vec<_>>());
        serde_json::to_vec(&plan).unwrap()
    };
    let (one, many) = (plan(1), plan(2_000));
    let t1 = median(7, || {
        black_box(request::prepare(&req, &one, &memory, &store).unwrap());
    });
    let t2000 = median(3, || {
        black_box(request::prepare(&req, &many, &memory, &store).unwrap());
    });
    println!(
        "validate, 2,000 spec groundings: {t2000:?}; one: {t1:?}; 2,000 ÷ 1 = {:.2} (the spec is parsed once; per grounding after the first: {:?})",
        t2000.as_secs_f64() / t1.as_secs_f64(),
        t2000.saturating_sub(t1) / 1_999
    );
}

fn front_matter() {
    let (memory, _) = example();
    let size = 800 * 1024;
    let nested = format!("status: {}{}\n", "[".repeat(size / 2), "]".repeat(size / 2));
    let flat = format!("status: {}\n", "x".repeat(size));
    let deep_small = format!("status: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    let time = |front: &str| {
        let mut c = memory.clone();
        c.insert_file(
            "docs/decisions/2026-04-25-hostile.md",
            format!("---\n{front}---\n# Hostile\n").into_bytes(),
        );
        median(5, || {
            black_box(diagnosis::diagnose(&c, &scan_input()));
        })
    };
    let (tn, tf, ts) = (time(&nested), time(&flat), time(&deep_small));
    println!(
        "diagnose, 800 KB nested front matter: {tn:?}; flat: {tf:?}; ratio {:.2} (≈ 1: linear); 40 KB nested 20,000 deep: {ts:?}",
        tn.as_secs_f64() / tf.as_secs_f64()
    );
}

fn main() {
    groundings();
    front_matter();
}
