//! Properties of the diagnosis id through the CLI (SPEC §4): it names the
//! governance view, not the commit, the clock or the order files sit on disk.

use petrova_tests::{Sandbox, SLUG};
use std::fs;
use std::path::Path;

const SINCE: &str = "2026-04-22";

fn append(path: &Path, text: &str) {
    let mut s = fs::read_to_string(path).expect("read");
    s.push_str(text);
    fs::write(path, s).expect("write");
}

/// One edit of the checkout, and whether the id must stay the same.
struct Edit {
    name: &'static str,
    apply: fn(&Sandbox),
    same_id: bool,
}

#[test]
fn id_follows_the_governance_view_only() {
    let edits = [
        Edit {
            name: "nothing changed",
            apply: |_| {},
            same_id: true,
        },
        Edit {
            name: "decision in the window edited",
            apply: |sb| {
                append(
                    &sb.file("docs/decisions/2026-04-28-phase-7-close.md"),
                    "\nAddendum.\n",
                )
            },
            same_id: false,
        },
        Edit {
            name: "decision on the first day of the window edited",
            apply: |sb| {
                append(
                    &sb.file("docs/decisions/2026-04-22-audit-rls-checkpoint-in-ci.md"),
                    " ",
                )
            },
            same_id: false,
        },
        Edit {
            name: "decision the day before the window edited",
            apply: |sb| {
                append(
                    &sb.file("docs/decisions/2026-04-21-phase-7-scope-freeze.md"),
                    "\nAddendum.\n",
                )
            },
            same_id: true,
        },
        Edit {
            name: "old decision edited",
            apply: |sb| {
                append(
                    &sb.file("docs/decisions/2025-11-04-adopt-postgres-rls.md"),
                    "\nAddendum.\n",
                )
            },
            same_id: true,
        },
        Edit {
            name: "decision outside the window added",
            apply: |sb| {
                fs::write(
                    sb.file("docs/decisions/2026-01-01-new-year.md"),
                    "# New year\n",
                )
                .expect("write")
            },
            same_id: true,
        },
        Edit {
            name: "decision inside the window added",
            apply: |sb| {
                fs::write(sb.file("docs/decisions/2026-04-29-late.md"), "# Late\n").expect("write")
            },
            same_id: false,
        },
        Edit {
            name: "decision in the window deleted",
            apply: |sb| {
                fs::remove_file(sb.file("docs/decisions/2026-04-24-service-tenant-naming.md"))
                    .expect("rm")
            },
            same_id: false,
        },
        Edit {
            name: "finding in the window edited",
            apply: |sb| {
                append(
                    &sb.file("docs/findings/20260428-1430-rls-tenant-drift.md"),
                    "\nMore.\n",
                )
            },
            same_id: false,
        },
        Edit {
            name: "finding outside the window edited",
            apply: |sb| {
                append(
                    &sb.file("docs/findings/20260415-2210-soak-b3-p95-regression.md"),
                    "\nMore.\n",
                )
            },
            same_id: true,
        },
        Edit {
            name: "meta-rules edited (prose only)",
            apply: |sb| append(&sb.file("docs/meta-rules.md"), "\nA closing remark.\n"),
            same_id: false,
        },
        Edit {
            name: "roadmap edited",
            apply: |sb| {
                append(
                    &sb.file("docs/roadmap.md"),
                    "- [ ] M8.1.2 — another backlog item\n",
                )
            },
            same_id: false,
        },
        Edit {
            name: ".petrova.yml edited (comment only)",
            apply: |sb| append(&sb.file(".petrova.yml"), "# trailing comment\n"),
            same_id: false,
        },
        Edit {
            name: "code file edited",
            apply: |sb| {
                append(
                    &sb.file("backend/migrations/0045_tenants_service_name_check.sql"),
                    "-- note\n",
                )
            },
            same_id: true,
        },
        Edit {
            name: "code file added",
            apply: |sb| {
                fs::write(sb.file("backend/migrations/0046_new.sql"), "SELECT 1;\n").expect("write")
            },
            same_id: true,
        },
        Edit {
            name: "CLAUDE.md and README edited",
            apply: |sb| {
                append(&sb.file("CLAUDE.md"), "\nx\n");
                append(&sb.file("README.md"), "\nx\n");
            },
            same_id: true,
        },
        Edit {
            name: "a git HEAD appears (head changes, id does not)",
            apply: |sb| {
                let git = sb.checkout().join(".git");
                fs::create_dir_all(&git).expect("mkdir .git");
                fs::write(
                    git.join("HEAD"),
                    "0123456789abcdef0123456789abcdef01234567\n",
                )
                .expect("write");
            },
            same_id: true,
        },
    ];
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = Sandbox::new(&tmp.path().join("base")).diagnose(SINCE);
    let mut failures = Vec::new();
    for edit in &edits {
        let tmp = tempfile::tempdir().expect("tempdir");
        let sb = Sandbox::new(tmp.path());
        (edit.apply)(&sb);
        let id = sb.diagnose(SINCE);
        if (id == base) != edit.same_id {
            failures.push(format!(
                "{}: id {id} vs base {base}; expected {}",
                edit.name,
                if edit.same_id {
                    "the same id"
                } else {
                    "a new id"
                }
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn id_ignores_the_clock_and_the_head() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut sb = Sandbox::new(tmp.path());
    let first = sb
        .petrova(&["diagnose", SLUG, "--since", SINCE, "--json"])
        .json();
    sb.now = "2031-01-01T00:00:00Z".to_owned();
    let git = sb.checkout().join(".git");
    fs::create_dir_all(&git).expect("mkdir");
    fs::write(
        git.join("HEAD"),
        "fedcba9876543210fedcba9876543210fedcba98\n",
    )
    .expect("write");
    let second = sb
        .petrova(&["diagnose", SLUG, "--since", SINCE, "--json"])
        .json();
    assert_eq!(second["result"]["scanned_at"], "2031-01-01T00:00:00Z");
    assert_eq!(
        second["result"]["head"],
        "fedcba9876543210fedcba9876543210fedcba98"
    );
    assert_eq!(
        first["result"]["diagnosis_id"],
        second["result"]["diagnosis_id"]
    );
}

#[test]
fn id_changes_with_the_window() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    let a = sb.diagnose("2026-04-22");
    let b = sb.diagnose("2026-04-23");
    let open = sb.diagnose("2026-04-20");
    assert_ne!(a, b);
    assert_ne!(a, open);
    let bounded = sb.petrova(&[
        "diagnose",
        SLUG,
        "--since",
        "2026-04-22",
        "--until",
        "2030-01-01",
        "--json",
    ]);
    // Same documents, but the window is part of the view.
    assert_ne!(bounded.json()["result"]["diagnosis_id"], a.as_str());
}

const DOCS: &[(&str, &str)] = &[
    (
        ".petrova.yml",
        "guards:\n  - rule: MR-1\n    kind: append_only\n    paths: [docs/decisions/]\n",
    ),
    (
        "docs/meta-rules.md",
        "# Rules\n\n- MR-1 — decisions are append-only\n- MR-2 — findings carry a status\n",
    ),
    (
        "docs/roadmap.md",
        "# Roadmap\n\n## Phase-1\n\nStatus: open\n\n- [ ] M1.1 — first\n- [ ] M1.2 — second\n",
    ),
    ("docs/decisions/2026-04-22-a.md", "# A\n"),
    ("docs/decisions/2026-04-23-b.md", "# B\n"),
    ("docs/decisions/2026-04-23-c.md", "# C\n"),
    ("docs/decisions/2026-04-24-d.md", "# D\n"),
    ("docs/decisions/2026-04-25-e.md", "# E\n"),
    ("docs/decisions/2026-04-26-f.md", "# F\n"),
    ("docs/decisions/2026-04-27-g.md", "# G\n"),
    ("docs/decisions/notes.md", "# not dated: a warning\n"),
    ("docs/findings/20260423-0900-x.md", "# X\n\nStatus: open\n"),
    (
        "docs/findings/20260423-0900-y.md",
        "# Y\n\nStatus: resolved\n",
    ),
    ("docs/findings/20260424-1200-z.md", "# Z\n\nStatus: maybe\n"),
    ("docs/findings/junk.md", "no heading\n"),
];

fn build(root: &Path, order: &[usize]) -> String {
    let sb = Sandbox::empty(root);
    fs::write(
        sb.ws.join("registry.yaml"),
        "- slug: kahn-hq\n  url: https://github.com/kahn-hq/kahn\n  default_branch: main\n  role: sandbox\n  profile: standard\n  fleets_allowed: [x]\n  added: \"2026-04-29\"\n",
    )
    .expect("registry");
    for &i in order {
        let (rel, text) = DOCS[i];
        let path = sb.checkout().join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }
    let run = sb.petrova(&["diagnose", SLUG, "--since", SINCE, "--json"]);
    run.expect_code(0);
    // The whole result, warnings included, must not depend on the order on disk.
    let mut out = run.json();
    out["result"]["scanned_at"] = serde_json::Value::Null;
    serde_json::to_string(&out).expect("json")
}

#[test]
fn creation_order_on_disk_does_not_matter() {
    let forward: Vec<usize> = (0..DOCS.len()).collect();
    let backward: Vec<usize> = forward.iter().rev().copied().collect();
    let mut interleaved: Vec<usize> = forward.iter().step_by(2).copied().collect();
    interleaved.extend(forward.iter().skip(1).step_by(2).rev());
    let tmp = tempfile::tempdir().expect("tempdir");
    let a = build(&tmp.path().join("a"), &forward);
    let b = build(&tmp.path().join("b"), &backward);
    let c = build(&tmp.path().join("c"), &interleaved);
    assert_eq!(a, b);
    assert_eq!(a, c);
    let v: serde_json::Value = serde_json::from_str(&a).expect("json");
    assert_eq!(v["result"]["decisions"].as_array().map(Vec::len), Some(7));
    assert_eq!(v["result"]["findings"].as_array().map(Vec::len), Some(3));
    // Two findings with the same timestamp are ordered by path.
    assert_eq!(
        v["result"]["findings"][0]["path"],
        "docs/findings/20260423-0900-x.md"
    );
    assert_eq!(
        v["result"]["findings"][1]["path"],
        "docs/findings/20260423-0900-y.md"
    );
    let warnings: Vec<String> = v["result"]["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| {
            format!(
                "{} {}",
                w["code"].as_str().unwrap_or(""),
                w["path"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        warnings,
        [
            "doc_bad_status docs/findings/20260424-1200-z.md",
            "doc_no_title docs/findings/junk.md",
        ]
    );
}
