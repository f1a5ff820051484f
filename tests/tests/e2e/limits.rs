//! The operator's size limits (`PETROVA_MAX_PLAN_BYTES`, `PETROVA_MAX_DOC_BYTES`,
//! `PETROVA_MAX_BODY_CHARS`): each tightens what it names with a clear refusal,
//! warning or shortening, and a bad value is a usage error (exit 2).

use petrova_core::proposal::body;
use petrova_tests::{example_plan, tree_state, Sandbox, SLUG};

fn sandbox() -> (tempfile::TempDir, Sandbox) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    sb.diagnose("2026-04-22");
    (tmp, sb)
}

fn propose_env(sb: &Sandbox, plan: &std::path::Path, env: &[(&str, &str)]) -> petrova_tests::Run {
    sb.propose_env(plan, &["--json"], env)
}

#[test]
fn a_plan_over_the_configured_size_is_refused_with_its_size() {
    let (_tmp, sb) = sandbox();
    let fix = sb.ws.join("fix.json");
    let size = std::fs::metadata(&fix).expect("fix.json").len();
    let before = tree_state(&sb.ws);
    let run = propose_env(&sb, &fix, &[("PETROVA_MAX_PLAN_BYTES", "1000")]);
    run.expect_code(1);
    let json = run.json();
    assert_eq!(json["outcome"], "refused", "{}", run.stdout);
    let problems = json["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["code"], "plan_too_large");
    let message = problems[0]["message"].as_str().expect("message");
    assert!(
        message.contains(&size.to_string()) && message.contains("1000"),
        "the message names the size and the limit: {message}"
    );
    assert_eq!(tree_state(&sb.ws), before, "nothing written");
    // The same plan under the default limit passes.
    propose_env(&sb, &fix, &[]).expect_code(0);
}

#[test]
fn documents_over_the_configured_size_are_warned_about_not_parsed() {
    let (_tmp, sb) = sandbox();
    let run = sb.petrova_env(
        &["diagnose", SLUG, "--since", "2026-04-22", "--json"],
        &[("PETROVA_MAX_DOC_BYTES", "300")],
    );
    run.expect_code(0);
    let json = run.json();
    let too_large: Vec<&str> = json["result"]["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter(|w| w["code"] == "doc_too_large")
        .map(|w| w["path"].as_str().expect("path"))
        .collect();
    // Every document of the window over 300 bytes, and only those.
    let mut expected: Vec<String> = json["result"]["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .chain(json["result"]["findings"].as_array().expect("findings"))
        .map(|d| d["path"].as_str().expect("path").to_owned())
        .filter(|p| std::fs::metadata(sb.checkout().join(p)).expect("doc").len() > 300)
        .collect();
    for p in ["docs/meta-rules.md", "docs/roadmap.md"] {
        if std::fs::metadata(sb.checkout().join(p)).expect("doc").len() > 300 {
            expected.push(p.to_owned());
        }
    }
    expected.sort();
    let mut got: Vec<String> = too_large.iter().map(|s| (*s).to_owned()).collect();
    got.sort();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
}

#[test]
fn a_body_over_the_configured_budget_is_shortened_and_still_reads_back() {
    let (_tmp, sb) = sandbox();
    let mut plan = example_plan();
    plan["rationale"] = serde_json::json!("The tenant policy was never paired. ".repeat(400));
    let path = sb.write_plan("long.json", &serde_json::to_vec(&plan).expect("json"));
    let run = propose_env(&sb, &path, &[("PETROVA_MAX_BODY_CHARS", "4096")]);
    run.expect_code(0);
    let json = run.json();
    let text = json["body"].as_str().expect("body");
    assert!(
        text.chars().count() <= 4096,
        "{} chars",
        text.chars().count()
    );
    assert!(
        text.contains("shortened to fit the configured 4096-character limit"),
        "{text}"
    );
    let metadata = body::parse_metadata(text).expect("the metadata reads back");
    assert_eq!(
        metadata.idempotency_key,
        json["idempotency_key"].as_str().expect("key")
    );
    // Under GitHub's own limit the same plan is not shortened.
    let full = propose_env(&sb, &path, &[]);
    full.expect_code(0);
    assert!(!full.json()["body"]
        .as_str()
        .expect("body")
        .contains("shortened"));
}

#[test]
fn bad_limit_values_are_usage_errors() {
    let (_tmp, sb) = sandbox();
    let fix = sb.ws.join("fix.json");
    for (name, value, says) in [
        ("PETROVA_MAX_PLAN_BYTES", "lots", "is not a whole number"),
        ("PETROVA_MAX_PLAN_BYTES", "0", "at least 1"),
        ("PETROVA_MAX_DOC_BYTES", "-5", "is not a whole number"),
        (
            "PETROVA_MAX_BODY_CHARS",
            "100",
            "between 4096 and GitHub's 65536",
        ),
        (
            "PETROVA_MAX_BODY_CHARS",
            "70000",
            "between 4096 and GitHub's 65536",
        ),
    ] {
        let run = propose_env(&sb, &fix, &[(name, value)]);
        run.expect_code(2);
        assert!(
            run.stderr.contains(name) && run.stderr.contains(says),
            "{name}={value}: {}",
            run.stderr
        );
    }
    let run = sb.petrova_env(
        &["diagnose", SLUG, "--since", "2026-04-22"],
        &[("PETROVA_MAX_DOC_BYTES", "big")],
    );
    run.expect_code(2);
    assert!(
        run.stderr.contains("PETROVA_MAX_DOC_BYTES"),
        "{}",
        run.stderr
    );
}
