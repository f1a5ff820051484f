//! Arbitrary text as a pull-request body: `body::parse_metadata` never panics,
//! and metadata it accepts renders into a body that reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use petrova_core::plan::Plan;
use petrova_core::proposal::body::{self, BodyInput};

fuzz_target!(|data: &[u8]| {
    // Bodies come from GitHub as JSON strings: always UTF-8.
    let text = String::from_utf8_lossy(data);
    let parsed = body::parse_metadata(&text);
    let Ok(metadata) = parsed else {
        return;
    };
    let plan: Plan = serde_json::from_str(PLAN).expect("the fixed plan parses");
    let rendered = body::render(&BodyInput {
        plan: &plan,
        diagnosis: petrova_fuzz::diagnosis(),
        metadata: &metadata,
        upholds: &[],
        stale_against: None,
    });
    if metadata_fits(&metadata) {
        assert_eq!(
            body::parse_metadata(&rendered.text).as_ref(),
            Ok(&metadata),
            "metadata read from a body must survive a render\n{}",
            rendered.text
        );
    }
    let _ = body::to_html(&rendered.text);
});

/// Metadata far over GitHub's limit cannot survive the last-resort cut.
fn metadata_fits(m: &body::Metadata) -> bool {
    let total: usize = [
        &m.verb,
        &m.target_repo,
        &m.idempotency_key,
        &m.schema_fingerprint,
        &m.actor,
        &m.triggered_by.kind,
        &m.triggered_by.reference,
        &m.applied_at,
    ]
    .iter()
    .map(|s| s.chars().count())
    .sum();
    total < 4_000
}

const PLAN: &str = r#"{"diagnosis_id":"diag-eb2acc380dec5d0a","title":"t","rationale":"r",
"proposed_changes":[{"path":"a.md","operation":"create","contents":"x"}],
"test_plan":["t"],"mr_grounding":[{"kind":"meta_rule","ref":"MR-2","claim":"c"}]}"#;
