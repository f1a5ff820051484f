//! The dry run of the worked example (SPEC §6): exact text, the `--json` shape,
//! a key that depends on the plan only, and nothing written or sent.

use petrova_tests::{tree_diff, tree_state, Run, Sandbox, SLUG};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn sandbox() -> (tempfile::TempDir, Sandbox, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    sb.diagnose("2026-04-22");
    // The example plan as shipped: its diagnosis id must be the one a fresh
    // diagnose of the example workspace gives.
    let fix = sb.ws.join("fix.json");
    (tmp, sb, fix)
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn key_of(run: &Run) -> String {
    run.json()["idempotency_key"]
        .as_str()
        .expect("key")
        .to_owned()
}

#[test]
fn dry_run_text_is_exactly_the_worked_example() {
    let (_tmp, sb, fix) = sandbox();
    let run = sb.propose(&fix, &[]);
    run.expect_code(0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert!(run.stdout.ends_with('\n'));
    let short = lines[0]
        .strip_prefix("propose_fix → dry_run ")
        .expect("first line");
    assert!(is_hex(short, 12), "{short}");
    assert_eq!(lines[1], "  upholds: MR-7, MR-12");
    let branch8 = lines[2]
        .strip_prefix("  branch: petrova/propose-fix/")
        .expect("branch line");
    assert!(is_hex(branch8, 8), "{branch8}");
    assert_eq!(&short[..8], branch8);
    assert_eq!(
        lines[3],
        "  create backend/migrations/0046_kahn_internal_rls.sql (192 B)"
    );
    let key = key_of(&sb.propose(&fix, &["--json"]));
    assert_eq!(
        &key[..12],
        short,
        "the text shows the JSON key's first 12 digits"
    );
    insta::assert_snapshot!("dry_run_text", run.stdout);
}

#[test]
fn dry_run_json_has_every_documented_key() {
    let (_tmp, sb, fix) = sandbox();
    let run = sb.propose(&fix, &["--json"]);
    run.expect_code(0);
    assert_eq!(run.stdout.lines().count(), 1);
    let out = run.json();
    let keys: BTreeSet<&str> = out
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "verb",
            "outcome",
            "title",
            "idempotency_key",
            "branch",
            "upholds",
            "changes",
            "pr",
            "body"
        ])
    );
    assert_eq!(out["verb"], "propose_fix");
    assert_eq!(out["outcome"], "dry_run");
    assert_eq!(
        out["title"], "fix(rls): add policy for tenant-scoped reads (audit-rls)",
        "the title GitHub gets"
    );
    let key = out["idempotency_key"].as_str().expect("key");
    assert!(is_hex(key, 64), "{key}");
    assert_eq!(
        out["branch"],
        format!("petrova/propose-fix/{}", &key[..8]).as_str()
    );
    assert_eq!(out["upholds"], serde_json::json!(["MR-7", "MR-12"]));
    assert_eq!(
        out["changes"],
        serde_json::json!([{"operation": "create", "path": "backend/migrations/0046_kahn_internal_rls.sql", "bytes": 192}])
    );
    assert_eq!(out["pr"], Value::Null);
    let body = out["body"].as_str().expect("body");
    assert!(body.starts_with("## Petrova action: `propose_fix`\n\n<!-- petrova:metadata -->\n"));
    let meta = petrova_core::proposal::body::parse_metadata(body).expect("metadata");
    assert_eq!(meta.idempotency_key, key);
    assert_eq!(meta.target_repo, SLUG);
    assert_eq!(meta.actor, "fleet:kahn-implementer");
    assert_eq!(meta.triggered_by.kind, "audit_fail");
    assert_eq!(meta.triggered_by.reference, "ci-run-12345");
    assert_eq!(meta.applied_at, sb.now);
    assert_eq!(meta.schema_version, 1);
    assert_eq!(
        meta.schema_fingerprint,
        petrova_core::plan::schema_fingerprint()
    );
    assert!(petrova_tests::body_structure_problems(body).is_empty());
    // `render` prints the same body; `--body-only` too.
    let p = fix.display().to_string();
    let common = [
        SLUG,
        "--input",
        &p,
        "--actor",
        "fleet:kahn-implementer",
        "--triggered-by-kind",
        "audit_fail",
        "--triggered-by-ref",
        "ci-run-12345",
    ];
    let mut render = vec!["render"];
    render.extend(common);
    let printed = petrova_core::request::raw_stdout(body, key);
    assert_eq!(sb.petrova(&render).stdout, printed);
    let mut body_only = vec!["propose_fix"];
    body_only.extend(common);
    body_only.push("--body-only");
    assert_eq!(sb.petrova(&body_only).stdout, printed);
    let mut alias = vec!["propose-fix"];
    alias.extend(common);
    alias.push("--json");
    assert_eq!(sb.petrova(&alias).json(), out);
}

#[test]
fn key_is_stable_across_runs_clocks_actors_and_triggers() {
    let (_tmp, mut sb, fix) = sandbox();
    let first = sb.propose(&fix, &["--json"]);
    first.expect_code(0);
    let key = key_of(&first);
    assert_eq!(
        key_of(&sb.propose(&fix, &["--json"])),
        key,
        "same run again"
    );
    for now in [
        "2026-04-29T14:32:18Z",
        "2030-01-01T00:00:00Z",
        "2026-04-29T14:30:00.123456Z",
    ] {
        sb.now = now.to_owned();
        let run = sb.propose(&fix, &["--json"]);
        run.expect_code(0);
        assert_eq!(key_of(&run), key, "PETROVA_NOW={now}");
        let meta = petrova_core::proposal::body::parse_metadata(
            run.json()["body"].as_str().expect("body"),
        )
        .expect("meta");
        assert_eq!(meta.applied_at, now, "the time is recorded, not hashed");
    }
    let p = fix.display().to_string();
    let other = sb.petrova(&[
        "propose_fix",
        SLUG,
        "--input",
        &p,
        "--actor",
        "fleet:kahn-diagnostics",
        "--triggered-by-kind",
        "schedule",
        "--triggered-by-ref",
        "ci-run-99999",
        "--json",
    ]);
    other.expect_code(0);
    assert_eq!(
        key_of(&other),
        key,
        "actor and trigger are recorded, not hashed"
    );
    // The same plan re-serialised (pretty vs compact) is the same fix.
    let compact = serde_json::to_vec(&petrova_tests::example_plan()).expect("json");
    let compact_path = sb.write_plan("compact.json", &compact);
    assert_eq!(key_of(&sb.propose(&compact_path, &["--json"])), key);
    // The plan read from standard input is the same fix too.
    let mut cmd = std::process::Command::new(petrova_tests::petrova_bin());
    cmd.arg("--workspace")
        .arg(&sb.ws)
        .args([
            "propose_fix",
            SLUG,
            "--input",
            "-",
            "--actor",
            "fleet:kahn-implementer",
            "--triggered-by-kind",
            "k",
            "--triggered-by-ref",
            "r",
            "--json",
        ])
        .env("PETROVA_NOW", &sb.now)
        .env("PETROVA_STATE_DIR", &sb.state)
        .stdin(std::fs::File::open(&fix).expect("open fix.json"));
    assert_eq!(key_of(&petrova_tests::run(&mut cmd)), key);
}

#[test]
fn a_dry_run_writes_nothing_and_sends_nothing() {
    let (_tmp, sb, fix) = sandbox();
    // A fake API endpoint that must never be contacted, and a token that must never be shown.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let api = format!("http://{}", listener.local_addr().expect("addr"));
    let token = "ghp_petrovaTestTokenNeverShown0123456789";
    let env = [
        ("PETROVA_GITHUB_TOKEN", token),
        ("GITHUB_TOKEN", token),
        ("PETROVA_GITHUB_API_URL", api.as_str()),
        ("GITHUB_API_URL", api.as_str()),
    ];
    let before = tree_state(&sb.root);
    let p = fix.display().to_string();
    for extra in [&[][..], &["--json"][..], &["--body-only"][..]] {
        let mut args = vec![
            "propose_fix",
            SLUG,
            "--input",
            &p,
            "--actor",
            "fleet:kahn-implementer",
            "--triggered-by-kind",
            "audit_fail",
            "--triggered-by-ref",
            "ci-run-12345",
        ];
        args.extend_from_slice(extra);
        let run = sb.petrova_env(&args, &env);
        run.expect_code(0);
        assert!(!run.stdout.contains(token) && !run.stderr.contains(token));
    }
    assert!(
        tree_diff(&before, &tree_state(&sb.root)).is_empty(),
        "a dry run wrote files"
    );
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((_, peer)) => panic!("a dry run connected to the API ({peer})"),
        Err(e) => panic!("accept: {e}"),
    }
}

#[test]
fn usage_and_configuration_errors_of_propose_fix() {
    let (_tmp, sb, fix) = sandbox();
    let missing = sb.root.join("nope.json");
    let run = sb.propose(&missing, &[]);
    run.expect_code(2);
    assert!(run.stderr.contains("nope.json"), "{}", run.stderr);
    let p = fix.display().to_string();
    let run = sb.petrova(&[
        "propose_fix",
        "nope",
        "--input",
        &p,
        "--actor",
        "fleet:x",
        "--triggered-by-kind",
        "k",
        "--triggered-by-ref",
        "r",
    ]);
    run.expect_code(3);
    assert!(
        run.stderr.contains("registry.yaml") && run.stderr.contains("nope"),
        "{}",
        run.stderr
    );
    let run = sb.petrova(&["propose_fix", SLUG, "--input", &p]);
    run.expect_code(2);
    let run = sb.petrova_env(
        &[
            "propose_fix",
            SLUG,
            "--input",
            &p,
            "--actor",
            "fleet:kahn-implementer",
            "--triggered-by-kind",
            "k",
            "--triggered-by-ref",
            "r",
        ],
        &[("PETROVA_NOW", "yesterday")],
    );
    run.expect_code(2);
    assert!(run.stderr.contains("PETROVA_NOW"), "{}", run.stderr);
}

/// The step summary shows a body whole only when petrova rendered it: a
/// skipped run's body is the existing PR's, as GitHub returned it, and anyone
/// with write access may have edited it.
#[test]
fn the_step_summary_never_shows_a_body_github_returned() {
    use petrova_core::proposal::propose::ProposeOutput;
    use petrova_core::request::step_summary;
    let (_tmp, sb, fix) = sandbox();
    let run = sb.propose(&fix, &["--json"]);
    let ours: Value = serde_json::from_str(&run.stdout).expect("json");
    let hostile = "<img src=https://attacker.example/p.png>\n##[warning]x\n# Forged";
    for (outcome, reason, shown) in [
        ("applied", None, true),
        ("skipped_rejected", Some("similar"), true),
        ("skipped_idempotent", None, false),
        ("skipped_merged", None, false),
        ("skipped_rejected", Some("same_key"), false),
    ] {
        let mut out = ours.clone();
        out["outcome"] = Value::from(outcome);
        if let Some(reason) = reason {
            out["reason"] = Value::from(reason);
        }
        if !shown {
            out["body"] = Value::from(hostile);
        }
        let output: ProposeOutput = serde_json::from_value(out).expect("an output");
        let summary = step_summary("propose_fix", "text", Some(&output));
        let body = ours["body"].as_str().expect("body");
        assert_eq!(summary.contains(body), shown, "{outcome} {reason:?}");
        assert!(!summary.contains(hostile), "{outcome}");
    }
}
