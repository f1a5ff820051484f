//! Arbitrary bytes as a fix plan: `plan::parse`, then the whole `propose_fix`
//! preparation (`request::prepare`: registry, actor, diagnosis cache, re-scan,
//! paths, profile, guards, grounding, key, body) against the fixed repository.
//!
//! Beyond "never panics" it checks: a parsed plan survives a JSON round trip;
//! a refusal names at least one problem, each with a message and a pointer;
//! an accepted plan's body fits GitHub's limit and carries its metadata; and
//! nothing petrova would print for it — the dry-run or refusal text, the JSON
//! line, the annotations, the body wrapped for standard output — holds a line
//! GitHub's runner would obey that petrova did not write itself (no line
//! starts with `::` but petrova's own `::error`, no `##[`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use petrova_core::plan;
use petrova_core::proposal::body::{self, GITHUB_BODY_LIMIT};
use petrova_core::request;
use petrova_fuzz::{checkout, request as propose_request, store};
use petrova_tests::github_view::runner_problems;

fn assert_runner_safe(what: &str, text: &str, own: &[&str]) {
    let problems = runner_problems(text, own);
    assert!(problems.is_empty(), "{what}: {problems:?}\n{text}");
}

fuzz_target!(|data: &[u8]| {
    // A small limit as well, so that `plan_too_large` is reachable.
    let _ = plan::parse(data, 1024);
    if let Ok(parsed) = plan::parse(data, 16 * 1024 * 1024) {
        let again = serde_json::to_vec(&parsed).expect("a plan serializes");
        assert_eq!(
            plan::parse(&again, usize::MAX).as_ref(),
            Ok(&parsed),
            "a parsed plan must survive a JSON round trip"
        );
    }
    let prepared = request::prepare(&propose_request(), data, checkout(), store())
        .expect("the fixed registry and target resolve");
    match &prepared.proposal {
        Ok(proposal) => {
            let text = &proposal.body.text;
            assert!(text.chars().count() <= GITHUB_BODY_LIMIT);
            assert_eq!(
                body::parse_metadata(text).as_ref(),
                Ok(&proposal.metadata),
                "the body's metadata must read back"
            );
            let printed = request::raw_stdout(text, &proposal.key.idempotency_key);
            assert_runner_safe("the body on stdout", &printed, &[]);
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "a refusal names its problems");
            for p in problems {
                assert!(!p.message.is_empty(), "{p:?}");
                assert!(p.pointer.is_some(), "plan problems carry a pointer: {p:?}");
            }
            for line in request::annotations(problems, "fix.json") {
                assert!(!line.contains(['\n', '\r']), "one line: {line:?}");
                assert_runner_safe("an annotation", &line, &["error"]);
            }
        }
    }
    let output = prepared.dry_run_output();
    assert_runner_safe("the text", &output.render_text(), &[]);
    assert_runner_safe(
        "the JSON",
        &petrova_core::encoding::text::json_line(&output),
        &[],
    );
});
