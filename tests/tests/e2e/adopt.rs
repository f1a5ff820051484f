//! Decision records as teams already keep them (`tests/data/adopt/`, one
//! repository per shape: adr-tools, MADR, log4brains, by hand, one folder per
//! record): exact titles, dates, statuses, successors and warnings, and the
//! diagnosis id following the records in the window and the undated ones.

use petrova_core::error::Frontend;
use petrova_core::governance::diagnosis::{self, Decision, Diagnosis, ScanInput, Window};
use petrova_core::governance::docs::ScanLimits;
use petrova_core::governance::source::{Checkout, MemoryCheckout};
use serde_json::Value;
use std::path::Path;

const FIXTURES: [&str; 5] = ["adr-tools", "madr", "log4brains", "by-hand", "folders"];

fn fixture_dir(name: &str) -> std::path::PathBuf {
    petrova_tests::repo_root()
        .join("tests/data/adopt")
        .join(name)
}

/// The fixture's files (but its `expected.json`) as an in-memory checkout.
fn checkout(name: &str) -> MemoryCheckout {
    memory_of(&fixture_dir(name))
}

/// A folder's files as an in-memory checkout, without `expected.json`.
fn memory_of(root: &Path) -> MemoryCheckout {
    let mut c = MemoryCheckout::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            let rel = path
                .strip_prefix(root)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                stack.push(path);
            } else if rel != "expected.json" {
                c.insert_file(&rel, std::fs::read(&path).expect("read"));
            }
        }
    }
    c
}

fn scan(c: &MemoryCheckout, since: &str) -> Diagnosis {
    diagnosis::diagnose(
        c,
        &ScanInput {
            window: Window::parse(since, None, Frontend::Cli).expect("window"),
            scanned_at: "2026-04-29T14:30:00Z".into(),
            head: None,
            limits: ScanLimits::default(),
        },
    )
}

fn row(d: &Decision, dated: bool) -> Value {
    let mut fields = Vec::new();
    if dated {
        fields.push(Value::from(d.date.clone()));
    }
    fields.extend([
        Value::from(d.path.clone()),
        Value::from(d.title.clone()),
        Value::from(d.status.clone()),
        Value::from(d.superseded_by.clone()),
    ]);
    Value::Array(fields)
}

#[test]
fn every_shape_reads_exactly() {
    for name in FIXTURES {
        let expected: Value = serde_json::from_slice(
            &std::fs::read(fixture_dir(name).join("expected.json")).expect("expected.json"),
        )
        .expect("json");
        let d = scan(&checkout(name), "2000-01-01");
        let decisions: Vec<Value> = d.decisions.iter().map(|x| row(x, true)).collect();
        let undated: Vec<Value> = d.undated_decisions.iter().map(|x| row(x, false)).collect();
        let warnings: Vec<Value> = d
            .warnings
            .iter()
            .map(|w| Value::from(format!("{} {}", w.code, w.path.as_deref().unwrap_or(""))))
            .collect();
        assert_eq!(
            Value::Array(decisions),
            expected["decisions"],
            "{name}: decisions"
        );
        assert_eq!(
            Value::Array(undated),
            expected["undated"],
            "{name}: undated"
        );
        assert_eq!(
            Value::Array(warnings),
            expected["warnings"],
            "{name}: warnings"
        );
    }
}

/// Undated records are listed whatever the window; dated ones only inside it.
#[test]
fn undated_records_are_in_every_window() {
    let c = checkout("adr-tools");
    for since in ["2000-01-01", "2019-06-01", "2030-01-01"] {
        let d = scan(&c, since);
        let undated: Vec<&str> = d
            .undated_decisions
            .iter()
            .map(|x| x.path.as_str())
            .collect();
        assert_eq!(
            undated,
            ["doc/adr/0004-publish-nightly-builds.md"],
            "{since}"
        );
    }
    let dated: Vec<String> = scan(&c, "2019-06-01")
        .decisions
        .iter()
        .map(|x| x.path.clone())
        .collect();
    assert_eq!(dated, ["doc/adr/0003-build-with-a-shell-script.md"]);
}

/// The id names the governance view: it changes when a record in the window
/// or an undated one changes, and stays when one outside the window does —
/// whether its name or only its text dates it.
#[test]
fn the_id_follows_the_records_in_view() {
    let cases: [(&str, &str, &str, bool); 6] = [
        (
            "log4brains",
            "2021-01-01",
            "docs/adr/20210113-ship-as-one-package.md",
            true,
        ),
        (
            "log4brains",
            "2021-01-01",
            "docs/adr/20200925-use-lunr-for-search.md",
            false,
        ),
        (
            "adr-tools",
            "2019-06-01",
            "doc/adr/0004-publish-nightly-builds.md",
            true,
        ),
        (
            "adr-tools",
            "2019-06-01",
            "doc/adr/0003-build-with-a-shell-script.md",
            true,
        ),
        (
            "adr-tools",
            "2019-06-01",
            "doc/adr/0001-record-architecture-decisions.md",
            false,
        ),
        (
            "by-hand",
            "2022-01-01",
            "architecture/decisions/2021-09-drop-the-vpn.md",
            true,
        ),
    ];
    for (fixture, since, path, changes) in cases {
        let c = checkout(fixture);
        let before = scan(&c, since).diagnosis_id;
        let mut edited = c.clone();
        let mut bytes = c
            .read(path)
            .ok()
            .flatten()
            .expect("the record exists")
            .into_owned();
        bytes.extend_from_slice(b"\nOne more line of context.\n");
        edited.insert_file(path, bytes);
        let after = scan(&edited, since).diagnosis_id;
        assert_eq!(
            before != after,
            changes,
            "{fixture} since {since}: editing {path} {} change the id",
            if changes { "must" } else { "must not" }
        );
    }
}

/// Copies a fixture, without its `.petrova.yml` and `expected.json`, as a
/// repository that has never heard of petrova.
fn fresh_copy(name: &str, to: &Path) {
    petrova_tests::copy_dir(&fixture_dir(name), to);
    for generated in [".petrova.yml", "expected.json"] {
        let _ = std::fs::remove_file(to.join(generated));
    }
}

/// `petrova ARGS…`.
fn petrova(args: &[&str]) -> petrova_tests::Run {
    petrova_tests::run(std::process::Command::new(petrova_tests::petrova_bin()).args(args))
}

/// The keys of the `.petrova.yml` an init report suggests (its comments left out).
fn suggested(report: &Value) -> Vec<&str> {
    report["config"]
        .as_str()
        .expect("config")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect()
}

/// `petrova init --path DIR` on each shape: what it finds (formats, dates,
/// undated records, statuses, files skipped, the roadmap's phases) and the
/// `.petrova.yml` it suggests; `--write` writes exactly that, after which a
/// diagnosis reads the records as the fixture's `expected.json` says —
/// adoption in one command. A second `--write` is refused without `--force`.
#[test]
fn init_finds_each_shape_and_its_suggestion_diagnoses_it() {
    for name in FIXTURES {
        let expected: Value = serde_json::from_slice(
            &std::fs::read(fixture_dir(name).join("expected.json")).expect("expected.json"),
        )
        .expect("json");
        let want = &expected["init"];
        let tmp = tempfile::tempdir().expect("tempdir");
        let repo = tmp.path().join("repo");
        fresh_copy(name, &repo);
        let dir = repo.display().to_string();
        let run = petrova(&["init", "--path", &dir, "--json"]);
        run.expect_code(0);
        let report = run.json();
        assert_eq!(
            Value::from(suggested(&report)),
            want["config"],
            "{name}: suggested config"
        );
        let decisions = &report["decisions"];
        for key in [
            "records", "formats", "dates", "undated", "statuses", "skipped",
        ] {
            assert_eq!(decisions[key], want[key], "{name}: decisions.{key}");
        }
        match want["roadmap"].as_object() {
            None => assert_eq!(report["roadmap"], Value::Null, "{name}: roadmap"),
            Some(r) => {
                for (key, value) in r {
                    assert_eq!(&report["roadmap"][key], value, "{name}: roadmap.{key}");
                }
            }
        }
        assert!(
            !repo.join(".petrova.yml").exists(),
            "{name}: nothing written without --write"
        );

        let write = petrova(&["init", "--path", &dir, "--write"]);
        write.expect_code(0);
        let written = std::fs::read_to_string(repo.join(".petrova.yml")).expect("written");
        assert_eq!(
            written,
            report["config"].as_str().expect("config"),
            "{name}"
        );
        let d = scan(&memory_of(&repo), "2000-01-01");
        let rows: Vec<Value> = d.decisions.iter().map(|x| row(x, true)).collect();
        assert_eq!(
            Value::Array(rows),
            expected["decisions"],
            "{name}: diagnosed after init"
        );

        let again = petrova(&["init", "--path", &dir, "--write"]);
        again.expect_code(2);
        assert!(again.stderr.contains("config_exists"), "{}", again.stderr);
        let forced = petrova(&["init", "--path", &dir, "--write", "--force"]);
        forced.expect_code(0);
    }
}

/// `petrova init <slug>` reads the registry's checkout: the worked example
/// keeps every document where petrova's defaults say, and already has a
/// `.petrova.yml`.
#[test]
fn init_by_slug_on_the_worked_example() {
    let ws = petrova_tests::example_workspace().display().to_string();
    let run = petrova(&["--workspace", &ws, "init", petrova_tests::SLUG, "--json"]);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(
        suggested(&report),
        [
            "decisions: docs/decisions",
            "findings: docs/findings",
            "specs: docs/spec",
            "meta_rules: docs/meta-rules.md",
            "roadmap: docs/roadmap.md"
        ]
    );
    assert_eq!(report["config_exists"], true);
    assert_eq!(report["decisions"]["records"], 11);
    assert_eq!(report["roadmap"]["current"], "Phase-7");
}

/// `--write --force` never follows a `.petrova.yml` that is a link: the
/// write would land wherever it points, even outside the checkout.
#[cfg(unix)]
#[test]
fn init_never_writes_through_a_link() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path().join("repo");
    fresh_copy("adr-tools", &repo);
    let outside = tmp.path().join("outside.yml");
    std::os::unix::fs::symlink(&outside, repo.join(".petrova.yml")).expect("symlink");
    let dir = repo.display().to_string();
    let run = petrova(&["init", "--path", &dir, "--write", "--force"]);
    run.expect_code(3);
    assert!(run.stderr.contains("config_unwritable"), "{}", run.stderr);
    assert!(!outside.exists(), "nothing written through the link");
}
