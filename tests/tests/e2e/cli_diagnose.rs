//! `petrova diagnose` and `petrova registry` end to end, on a copy of the
//! example workspace: golden outputs, the cache file, and exit codes for
//! configuration (3) and usage (2) errors.

use petrova_tests::{Sandbox, SLUG};
use serde_json::Value;
use std::fs;

fn sandbox() -> (tempfile::TempDir, Sandbox) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    (tmp, sb)
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string").to_owned())
        .collect()
}

#[test]
fn diagnose_json_matches_the_worked_example() {
    let (_tmp, sb) = sandbox();
    let run = sb.petrova(&["diagnose", SLUG, "--since", "2026-04-22", "--json"]);
    run.expect_code(0);
    assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
    assert!(run.stdout.ends_with('\n') && run.stdout.lines().count() == 1);
    let out = run.json();
    assert_eq!(out["verb"], "diagnose");
    assert_eq!(out["target_repo"], SLUG);
    let r = &out["result"];
    assert_eq!(r["phase"]["current"], "Phase-7");
    assert_eq!(r["phase"]["status"], "closed");
    assert_eq!(strs(&r["milestones"]["open"]), ["M7.8.2", "M8.1.1"]);
    let decisions: Vec<&str> = r["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| d["path"].as_str().expect("path"))
        .collect();
    assert_eq!(decisions.len(), 4, "{decisions:?}");
    assert!(decisions.contains(&"docs/decisions/2026-04-28-phase-7-close.md"));
    let findings = r["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0]["path"],
        "docs/findings/20260428-1430-rls-tenant-drift.md"
    );
    assert_eq!(findings[0]["status"], "open");
    assert_eq!(findings[0]["at"], "2026-04-28T14:30");
    assert_eq!(strs(&r["guards"]), ["MR-7", "MR-12"]);
    assert_eq!(
        r["window"],
        serde_json::json!({"since":"2026-04-22","until":null})
    );
    assert_eq!(r["scanned_at"], sb.now.as_str());
    assert_eq!(r["head"], Value::Null, "the copy has no .git");
    assert_eq!(r["warnings"], serde_json::json!([]));
    let ids: Vec<&str> = r["meta_rules"]
        .as_array()
        .expect("meta_rules")
        .iter()
        .map(|m| m["id"].as_str().expect("id"))
        .collect();
    assert!(ids.contains(&"MR-2") && ids.contains(&"MR-7") && ids.contains(&"MR-12"));
    // Every key SPEC §4 shows is there.
    for key in [
        "diagnosis_id",
        "scanned_at",
        "head",
        "window",
        "phase",
        "milestones",
        "decisions",
        "findings",
        "meta_rules",
        "guards",
        "warnings",
    ] {
        assert!(r.get(key).is_some(), "result lacks `{key}`");
    }
    let id = r["diagnosis_id"].as_str().expect("id");
    assert!(
        petrova_core::governance::diagnosis::is_diagnosis_id(id),
        "{id}"
    );

    // The cache holds the same object, loadable by id.
    let cache = sb.state.join("diagnoses").join(format!("{id}.json"));
    let cached: Value =
        serde_json::from_slice(&fs::read(&cache).expect("cache file exists")).expect("cache json");
    assert_eq!(cached, out);

    // Golden: the exact bytes, key order included (verb, target_repo, result).
    insta::assert_snapshot!("diagnose_json", run.stdout);
}

#[test]
fn diagnose_human_summary() {
    let (_tmp, sb) = sandbox();
    let run = sb.petrova(&["diagnose", SLUG, "--since", "2026-04-22"]);
    run.expect_code(0);
    let text = sb.redact(&run.stdout);
    assert!(text.contains("phase: Phase-7 (closed)"), "{text}");
    assert!(text.contains("open milestones: M7.8.2, M8.1.1"), "{text}");
    assert!(text.contains("decisions in window: 4"), "{text}");
    assert!(text.contains("docs/decisions/2026-04-28-phase-7-close.md"));
    assert!(text.contains("[open]") && text.contains("20260428-1430-rls-tenant-drift.md"));
    assert!(text.contains("guards: MR-7, MR-12"));
    let id = sb.diagnose("2026-04-22");
    assert!(text.contains(&id), "the summary names the id");
    assert!(
        text.contains(&format!("[ROOT]/state/diagnoses/{id}.json")),
        "{text}"
    );
    insta::assert_snapshot!("diagnose_human", text);
}

#[test]
fn diagnose_until_narrows_the_window() {
    let (_tmp, sb) = sandbox();
    let run = sb.petrova(&[
        "diagnose",
        SLUG,
        "--since",
        "2026-04-22",
        "--until",
        "2026-04-24",
        "--json",
    ]);
    run.expect_code(0);
    let r = &run.json()["result"];
    let dates: Vec<&str> = r["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| d["date"].as_str().expect("date"))
        .collect();
    assert_eq!(dates, ["2026-04-22", "2026-04-24"]);
    assert_eq!(r["findings"], serde_json::json!([]));
    assert_eq!(r["window"]["until"], "2026-04-24");
    // A one-day window, since == until, is allowed.
    sb.petrova(&[
        "diagnose",
        SLUG,
        "--since",
        "2026-04-28",
        "--until",
        "2026-04-28",
    ])
    .expect_code(0);
}

#[test]
fn diagnose_default_state_dir_is_in_the_workspace() {
    let (_tmp, sb) = sandbox();
    let mut cmd = std::process::Command::new(petrova_tests::petrova_bin());
    cmd.arg("--workspace")
        .arg(&sb.ws)
        .args(["diagnose", SLUG, "--since", "2026-04-22"])
        .env_remove("PETROVA_STATE_DIR")
        .env_remove("PETROVA_REGISTRY")
        .env("PETROVA_NOW", &sb.now);
    petrova_tests::run(&mut cmd).expect_code(0);
    let id = sb.diagnose("2026-04-22");
    assert!(sb
        .ws
        .join(".petrova")
        .join("diagnoses")
        .join(format!("{id}.json"))
        .is_file());
}

#[test]
fn registry_list_and_check() {
    let (_tmp, sb) = sandbox();
    let list = sb.petrova(&["registry", "list"]);
    list.expect_code(0);
    insta::assert_snapshot!("registry_list", list.stdout);
    let json = sb.petrova(&["registry", "list", "--json"]);
    json.expect_code(0);
    let entries = json.json();
    assert_eq!(entries.as_array().map(Vec::len), Some(1));
    assert_eq!(entries[0]["slug"], SLUG);
    assert_eq!(entries[0]["url"], "https://github.com/kahn-hq/kahn");
    assert_eq!(entries[0]["profile"], "standard");
    assert_eq!(
        strs(&entries[0]["fleets_allowed"]),
        ["kahn-implementer", "kahn-diagnostics"]
    );
    let check = sb.petrova(&["registry", "check"]);
    check.expect_code(0);
    assert_eq!(
        check.stdout,
        "registry ok: 1 repositories, every checkout present\n"
    );
}

/// One configuration or usage failure: how to provoke it, the exit code, and
/// what stderr must name.
struct Failing {
    name: &'static str,
    setup: fn(&Sandbox),
    args: &'static [&'static str],
    code: i32,
    stderr_has: fn(&Sandbox) -> Vec<String>,
}

fn registry_file(sb: &Sandbox) -> Vec<String> {
    vec![sb.ws.join("registry.yaml").display().to_string()]
}

fn nothing(_: &Sandbox) {}

#[test]
fn configuration_and_usage_errors() {
    let cases = [
        Failing {
            name: "missing registry",
            setup: |sb| fs::remove_file(sb.ws.join("registry.yaml")).expect("rm"),
            args: &["diagnose", "kahn-hq", "--since", "2026-04-22"],
            code: 3,
            stderr_has: registry_file,
        },
        Failing {
            name: "missing registry (registry list)",
            setup: |sb| fs::remove_file(sb.ws.join("registry.yaml")).expect("rm"),
            args: &["registry", "list"],
            code: 3,
            stderr_has: registry_file,
        },
        Failing {
            name: "missing registry (registry check)",
            setup: |sb| fs::remove_file(sb.ws.join("registry.yaml")).expect("rm"),
            args: &["registry", "check"],
            code: 3,
            stderr_has: registry_file,
        },
        Failing {
            name: "unknown slug",
            setup: nothing,
            args: &["diagnose", "nope", "--since", "2026-04-22"],
            code: 3,
            stderr_has: |sb| {
                let mut v = registry_file(sb);
                v.push("nope".into());
                v.push("unknown_repo".into());
                v.push("kahn-hq".into()); // the hint lists the known slugs
                v
            },
        },
        Failing {
            name: "missing checkout",
            setup: |sb| fs::remove_dir_all(sb.checkout()).expect("rm checkout"),
            args: &["diagnose", "kahn-hq", "--since", "2026-04-22"],
            code: 3,
            stderr_has: |sb| vec![sb.checkout().display().to_string()],
        },
        Failing {
            name: "missing checkout (registry check)",
            setup: |sb| fs::remove_dir_all(sb.checkout()).expect("rm checkout"),
            args: &["registry", "check"],
            code: 3,
            stderr_has: |sb| vec![sb.checkout().display().to_string()],
        },
        Failing {
            name: "registry is not YAML",
            setup: |sb| fs::write(sb.ws.join("registry.yaml"), "- slug: [\n").expect("write"),
            args: &["diagnose", "kahn-hq", "--since", "2026-04-22"],
            code: 3,
            stderr_has: registry_file,
        },
        Failing {
            name: "registry with an unknown profile",
            setup: |sb| {
                let path = sb.ws.join("registry.yaml");
                let src = fs::read_to_string(&path).expect("read");
                fs::write(&path, src.replace("profile: standard", "profile: lax")).expect("write");
            },
            args: &["registry", "check"],
            code: 3,
            stderr_has: |sb| {
                let mut v = registry_file(sb);
                v.push("lax".into());
                v
            },
        },
        Failing {
            name: "bad --since date",
            setup: nothing,
            args: &["diagnose", "kahn-hq", "--since", "2026-02-30"],
            code: 2,
            stderr_has: |_| vec!["2026-02-30".into()],
        },
        Failing {
            name: "--since not a date",
            setup: nothing,
            args: &["diagnose", "kahn-hq", "--since", "last week"],
            code: 2,
            stderr_has: |_| vec!["last week".into()],
        },
        Failing {
            name: "bad --until date",
            setup: nothing,
            args: &[
                "diagnose",
                "kahn-hq",
                "--since",
                "2026-04-22",
                "--until",
                "2026-13-01",
            ],
            code: 2,
            stderr_has: |_| vec!["2026-13-01".into()],
        },
        Failing {
            name: "--until before --since",
            setup: nothing,
            args: &[
                "diagnose",
                "kahn-hq",
                "--since",
                "2026-04-22",
                "--until",
                "2026-04-21",
            ],
            code: 2,
            stderr_has: |_| vec!["2026-04-21".into(), "2026-04-22".into()],
        },
        Failing {
            name: "missing --since",
            setup: nothing,
            args: &["diagnose", "kahn-hq"],
            code: 2,
            stderr_has: |_| vec!["--since".into()],
        },
        Failing {
            name: "unknown subcommand",
            setup: nothing,
            args: &["frobnicate"],
            code: 2,
            stderr_has: |_| vec!["frobnicate".into()],
        },
    ];
    let mut failures = Vec::new();
    for case in &cases {
        let tmp = tempfile::tempdir().expect("tempdir");
        let sb = Sandbox::new(tmp.path());
        (case.setup)(&sb);
        let run = sb.petrova(case.args);
        if run.code != case.code {
            failures.push(format!(
                "{}: exit {} (expected {})\n{}",
                case.name, run.code, case.code, run.stderr
            ));
            continue;
        }
        for needle in (case.stderr_has)(&sb) {
            if !run.stderr.contains(&needle) {
                failures.push(format!(
                    "{}: stderr does not name `{needle}`:\n{}",
                    case.name, run.stderr
                ));
            }
        }
        if !run.stdout.is_empty() {
            failures.push(format!("{}: printed to stdout: {}", case.name, run.stdout));
        }
        if sb.state.join("diagnoses").exists() {
            failures.push(format!("{}: wrote a diagnosis cache", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn registry_override_by_flag_and_environment() {
    let (_tmp, sb) = sandbox();
    let moved = sb.root.join("elsewhere.yaml");
    fs::rename(sb.ws.join("registry.yaml"), &moved).expect("move registry");
    let moved_s = moved.display().to_string();
    sb.petrova(&["--registry", &moved_s, "registry", "check"])
        .expect_code(0);
    sb.petrova_env(&["registry", "check"], &[("PETROVA_REGISTRY", &moved_s)])
        .expect_code(0);
    let missing = sb.petrova(&["registry", "check"]);
    missing.expect_code(3);
    assert!(
        missing.stderr.contains("registry.yaml"),
        "{}",
        missing.stderr
    );
}
