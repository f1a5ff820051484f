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
    fn walk(root: &Path, dir: &Path, c: &mut MemoryCheckout) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("fixture folder")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let rel = path
                .strip_prefix(root)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            if path.is_dir() {
                walk(root, &path, c);
            } else if rel != "expected.json" {
                c.insert_file(&rel, std::fs::read(&path).expect("fixture file"));
            }
        }
    }
    let root = fixture_dir(name);
    let mut c = MemoryCheckout::new();
    walk(&root, &root, &mut c);
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
