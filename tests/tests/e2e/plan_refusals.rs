//! A table of bad fix plans: for each, `propose_fix --json` must exit 1 with
//! outcome `refused`, list exactly the expected (code, JSON pointer) problems,
//! and write nothing anywhere (SPEC §5: "A refused plan writes nothing").
//!
//! Every case starts from `examples/workspace/fix.json` with the diagnosis id
//! of a fresh `diagnose` in a temporary copy of the example workspace.

use petrova_core::Code;
use petrova_tests::{example_plan, tree_diff, tree_state, Sandbox, ACTOR, SLUG};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fs;

const SINCE: &str = "2026-04-22";
const DECISION: &str = "docs/decisions/2026-04-28-phase-7-close.md";

enum PlanSource {
    /// The example plan, edited.
    Edit(fn(&mut Value, &Sandbox)),
    /// Bytes built from the example plan.
    Raw(fn(&Value) -> Vec<u8>),
}

struct Case {
    name: &'static str,
    /// Runs before `diagnose`.
    setup: fn(&Sandbox),
    /// Runs after `diagnose`, before the plan is proposed.
    after_diagnose: fn(&Sandbox),
    plan: PlanSource,
    actor: &'static str,
    kind: &'static str,
    reference: String,
    extra: Vec<&'static str>,
    expected: Vec<(&'static str, &'static str)>,
}

fn case(name: &'static str, expected: &[(&'static str, &'static str)]) -> Case {
    Case {
        name,
        setup: |_| {},
        after_diagnose: |_| {},
        plan: PlanSource::Edit(|_, _| {}),
        actor: ACTOR,
        kind: "audit_fail",
        reference: "ci-run-12345".to_owned(),
        extra: Vec::new(),
        expected: expected.to_vec(),
    }
}

impl Case {
    fn edit(mut self, f: fn(&mut Value, &Sandbox)) -> Self {
        self.plan = PlanSource::Edit(f);
        self
    }
    fn raw(mut self, f: fn(&Value) -> Vec<u8>) -> Self {
        self.plan = PlanSource::Raw(f);
        self
    }
    fn setup(mut self, f: fn(&Sandbox)) -> Self {
        self.setup = f;
        self
    }
    fn after_diagnose(mut self, f: fn(&Sandbox)) -> Self {
        self.after_diagnose = f;
        self
    }
    fn actor(mut self, actor: &'static str) -> Self {
        self.actor = actor;
        self
    }
    fn trigger(mut self, kind: &'static str, reference: &str) -> Self {
        self.kind = kind;
        self.reference = reference.to_owned();
        self
    }
}

// ----- plan editing helpers -----

/// Sets the value at a JSON pointer; the last segment may be a new key or an array index.
fn set(plan: &mut Value, pointer: &str, value: Value) {
    let (parent, last) = pointer.rsplit_once('/').expect("pointer");
    match plan.pointer_mut(parent).expect("parent exists") {
        Value::Object(map) => {
            map.insert(last.to_owned(), value);
        }
        Value::Array(items) => {
            let i: usize = last.parse().expect("index");
            items[i] = value;
        }
        other => panic!("cannot set into {other}"),
    }
}

fn remove(plan: &mut Value, pointer: &str) {
    let (parent, last) = pointer.rsplit_once('/').expect("pointer");
    match plan.pointer_mut(parent).expect("parent exists") {
        Value::Object(map) => {
            map.remove(last).expect("key exists");
        }
        Value::Array(items) => {
            items.remove(last.parse::<usize>().expect("index"));
        }
        other => panic!("cannot remove from {other}"),
    }
}

fn push(plan: &mut Value, pointer: &str, value: Value) {
    plan.pointer_mut(pointer)
        .and_then(Value::as_array_mut)
        .expect("array")
        .push(value);
}

fn change(plan: &mut Value, op: &str, path: &str, contents: Option<&str>) -> Value {
    let mut c = json!({"path": path, "operation": op});
    if let Some(text) = contents {
        c["contents"] = json!(text);
    }
    let _ = plan;
    c
}

/// Replaces the single change of the example plan.
fn only_change(plan: &mut Value, op: &str, path: &str, contents: Option<&str>) {
    let c = change(plan, op, path, contents);
    plan["proposed_changes"] = json!([c]);
}

fn set_path(plan: &mut Value, path: &str) {
    set(plan, "/proposed_changes/0/path", json!(path));
}

fn append_to(sb: &Sandbox, rel: &str, text: &str) {
    let path = sb.file(rel);
    let mut s = fs::read_to_string(&path).expect("read");
    s.push_str(text);
    fs::write(path, s).expect("write");
}

/// The example's guards plus an append-only guard on a numbered folder
/// `adr/` holding 0001 and 0002 (and 0003 in `adr/_superseded/`).
fn numbered_adr_folder(sb: &Sandbox) {
    append_to(
        sb,
        ".petrova.yml",
        "  - rule: MR-7\n    kind: append_only\n    paths: [adr/]\n",
    );
    fs::create_dir_all(sb.file("adr/_superseded")).expect("mkdir");
    fs::write(sb.file("adr/0001-first.md"), "# 1. First\n").expect("write");
    fs::write(sb.file("adr/0002-second.md"), "# 2. Second\n").expect("write");
    fs::write(sb.file("adr/_superseded/0003-third.md"), "# 3. Third\n").expect("write");
}

const TIGHT_REGISTRY: &str = "repos:
  - slug: kahn-hq
    url: https://github.com/kahn-hq/kahn
    default_branch: main
    role: production
    profile: migrations-only
    fleets_allowed: [kahn-implementer]
    added: \"2026-04-29\"
profiles:
  migrations-only:
    max_files: 2
    allow: [backend/migrations/]
    max_file_bytes: 100
";

fn tight_profile(sb: &Sandbox) {
    fs::write(sb.ws.join("registry.yaml"), TIGHT_REGISTRY).expect("registry");
}

/// A second governed repository, `other-repo`, with its own checkout and a
/// different governance view (so its diagnosis id differs).
fn add_other_repo(sb: &Sandbox) {
    let path = sb.ws.join("registry.yaml");
    let mut reg = fs::read_to_string(&path).expect("registry");
    reg.push_str(
        "- slug: other-repo\n  url: https://github.com/kahn-hq/other\n  default_branch: main\n  role: sandbox\n  profile: standard\n  fleets_allowed: [kahn-implementer]\n  added: \"2026-04-29\"\n",
    );
    fs::write(path, reg).expect("registry");
    let other = sb.ws.join("other-repo");
    fs::create_dir_all(other.join("docs")).expect("mkdir");
    fs::write(other.join("docs/meta-rules.md"), "- MR-1 — one rule\n").expect("write");
    fs::write(
        other.join("docs/roadmap.md"),
        "## Phase-1\n\nStatus: open\n",
    )
    .expect("write");
}

fn cases() -> Vec<Case> {
    let long_ref = "r".repeat(201);
    vec![
        // ----- schema -----
        case("plan_syntax: not JSON", &[("plan_syntax", "")]).raw(|_| b"{\"title\": }".to_vec()),
        case("plan_syntax: empty file", &[("plan_syntax", "")]).raw(|_| Vec::new()),
        case("plan_syntax: truncated", &[("plan_syntax", "")]).raw(|p| {
            let s = serde_json::to_vec(p).expect("json");
            s[..s.len() / 2].to_vec()
        }),
        case("plan_syntax: trailing garbage", &[("plan_syntax", "")]).raw(|p| {
            let mut s = serde_json::to_vec(p).expect("json");
            s.extend_from_slice(b" {}");
            s
        }),
        case("plan_syntax: invalid UTF-8", &[("plan_syntax", "")]).raw(|p| {
            serde_json::to_string(p)
                .expect("json")
                .replacen("fix(rls)", "fix(\u{FFFD})", 1)
                .replace('\u{FFFD}', "\u{0}")
                .into_bytes()
                .into_iter()
                .map(|b| if b == 0 { 0xff } else { b })
                .collect()
        }),
        case("plan_duplicate_key: top level", &[("plan_duplicate_key", "")]).raw(|p| {
            let s = serde_json::to_string(p).expect("json");
            s.replacen("{", "{\"title\":\"shadow\",", 1).into_bytes()
        }),
        case("plan_duplicate_key: nested", &[("plan_duplicate_key", "")]).raw(|p| {
            let s = serde_json::to_string(p).expect("json");
            s.replacen("\"operation\":\"create\"", "\"operation\":\"create\",\"operation\":\"delete\"", 1)
                .into_bytes()
        }),
        case("plan_type: title is a number", &[("plan_type", "/title")])
            .edit(|p, _| set(p, "/title", json!(5))),
        case("plan_type: the plan is an array", &[("plan_type", "")]).raw(|_| b"[]".to_vec()),
        case(
            "plan_type: several wrong types",
            &[
                ("plan_type", "/proposed_changes"),
                ("plan_type", "/test_plan/0"),
                ("plan_type", "/mr_grounding/1/claim"),
            ],
        )
        .edit(|p, _| {
            set(p, "/proposed_changes", json!({}));
            set(p, "/test_plan/0", json!(["nested"]));
            set(p, "/mr_grounding/1/claim", Value::Null);
        }),
        case("plan_missing_field: rationale", &[("plan_missing_field", "/rationale")])
            .edit(|p, _| remove(p, "/rationale")),
        case(
            "plan_missing_field: nested",
            &[
                ("plan_missing_field", "/proposed_changes/0/path"),
                ("plan_missing_field", "/mr_grounding/2/claim"),
            ],
        )
        .edit(|p, _| {
            remove(p, "/proposed_changes/0/path");
            remove(p, "/mr_grounding/2/claim");
        }),
        case(
            "plan_unknown_field: top level and nested",
            &[
                ("plan_unknown_field", "/extra"),
                ("plan_unknown_field", "/proposed_changes/0/mode"),
                ("plan_unknown_field", "/mr_grounding/0/a~1b~0c"),
            ],
        )
        .edit(|p, _| {
            set(p, "/extra", json!(true));
            set(p, "/proposed_changes/0/mode", json!("755"));
            // A key holding `/` and `~`: the pointer escapes them (RFC 6901).
            p["mr_grounding"][0]["a/b~c"] = json!(1);
        }),
        case(
            "plan_bad_value: operation and grounding kind",
            &[
                ("plan_bad_value", "/proposed_changes/0/operation"),
                ("plan_bad_value", "/mr_grounding/0/kind"),
            ],
        )
        .edit(|p, _| {
            set(p, "/proposed_changes/0/operation", json!("rename"));
            set(p, "/mr_grounding/0/kind", json!("rumor"));
        }),
        case("plan_bad_value: operation in the wrong case", &[("plan_bad_value", "/proposed_changes/0/operation")])
            .edit(|p, _| set(p, "/proposed_changes/0/operation", json!("Create"))),
        case("plan_too_large: over 16 MiB", &[("plan_too_large", "")]).raw(|p| {
            let mut p = p.clone();
            p["rationale"] = json!("x".repeat(16 * 1024 * 1024));
            serde_json::to_vec(&p).expect("json")
        }),
        // ----- text fields -----
        case("title_empty", &[("title_empty", "/title")]).edit(|p, _| set(p, "/title", json!(" \n\t "))),
        case("rationale_empty", &[("rationale_empty", "/rationale")])
            .edit(|p, _| set(p, "/rationale", json!(""))),
        case("test_plan_empty: no entry", &[("test_plan_empty", "/test_plan")])
            .edit(|p, _| set(p, "/test_plan", json!([]))),
        case("test_plan_empty: blank entry", &[("test_plan_empty", "/test_plan/1")])
            .edit(|p, _| set(p, "/test_plan/1", json!("   "))),
        case("grounding_empty", &[("grounding_empty", "/mr_grounding")])
            .edit(|p, _| set(p, "/mr_grounding", json!([]))),
        case(
            "change_create_exists: the same file but for case (one file on macOS and Windows)",
            &[("change_create_exists", "/proposed_changes/0/path")],
        )
        .edit(|p, _| {
            only_change(
                p,
                "create",
                "Docs/Decisions/2026-04-22-audit-rls-checkpoint-in-ci.md",
                Some("# Rewritten\n"),
            )
        }),
        case("path_protected: CODEOWNERS", &[("path_protected", "/proposed_changes/0/path")])
            .edit(|p, _| set(p, "/proposed_changes/0/path", json!("CODEOWNERS"))),
        case("grounding_too_many: 101", &[("grounding_too_many", "/mr_grounding")]).edit(|p, _| {
            let one = json!({"kind": "meta_rule", "ref": "MR-7", "claim": "cited again"});
            set(p, "/mr_grounding", json!(vec![one; 101]))
        }),
        case("grounding_claim_empty", &[("grounding_claim_empty", "/mr_grounding/1/claim")])
            .edit(|p, _| set(p, "/mr_grounding/1/claim", json!(" "))),
        case("changes_empty", &[("changes_empty", "/proposed_changes")])
            .edit(|p, _| set(p, "/proposed_changes", json!([]))),
        case(
            "every text field empty at once",
            &[
                ("title_empty", "/title"),
                ("rationale_empty", "/rationale"),
                ("test_plan_empty", "/test_plan"),
                ("grounding_empty", "/mr_grounding"),
                ("changes_empty", "/proposed_changes"),
            ],
        )
        .edit(|p, _| {
            set(p, "/title", json!(""));
            set(p, "/rationale", json!(""));
            set(p, "/test_plan", json!([]));
            set(p, "/mr_grounding", json!([]));
            set(p, "/proposed_changes", json!([]));
        }),
        // ----- grounding -----
        case("grounding_unknown_rule", &[("grounding_unknown_rule", "/mr_grounding/0/ref")])
            .edit(|p, _| set(p, "/mr_grounding/0/ref", json!("MR-99"))),
        case("grounding_unknown_rule: a mention is not a definition", &[("grounding_unknown_rule", "/mr_grounding/0/ref")])
            .edit(|p, _| set(p, "/mr_grounding/0/ref", json!("mr-2"))),
        case("grounding_missing_finding", &[("grounding_missing_finding", "/mr_grounding/1/ref")])
            .edit(|p, _| set(p, "/mr_grounding/1/ref", json!("docs/findings/20260428-1430-nope.md"))),
        case("grounding_missing_finding: a folder", &[("grounding_missing_finding", "/mr_grounding/1/ref")])
            .edit(|p, _| set(p, "/mr_grounding/1/ref", json!("docs/findings"))),
        case("grounding_missing_finding: leaves the repository", &[("grounding_missing_finding", "/mr_grounding/1/ref")])
            .edit(|p, _| set(p, "/mr_grounding/1/ref", json!("../registry.yaml"))),
        case("grounding_missing_decision", &[("grounding_missing_decision", "/mr_grounding/3/ref")]).edit(|p, _| {
            push(p, "/mr_grounding", json!({"kind":"decision","ref":"docs/decisions/2026-04-30-nope.md","claim":"c"}))
        }),
        case("grounding_not_a_record: a file outside the decisions folder", &[("grounding_not_a_record", "/mr_grounding/3/ref")])
            .edit(|p, _| push(p, "/mr_grounding", json!({"kind":"decision","ref":"README.md","claim":"c"}))),
        case("grounding_not_a_record: the folder's own README", &[("grounding_not_a_record", "/mr_grounding/3/ref")])
            .setup(|sb| std::fs::write(sb.file("docs/decisions/README.md"), "# Decisions\n").expect("write"))
            .edit(|p, _| push(p, "/mr_grounding", json!({"kind":"decision","ref":"docs/decisions/README.md","claim":"c"}))),
        case("grounding_superseded: names its successor", &[("grounding_superseded", "/mr_grounding/3/ref")])
            .setup(|sb| {
                std::fs::write(
                    sb.file("docs/decisions/2025-10-01-tenant-column-filters.md"),
                    "# Tenant column filters\n\n## Status\n\nSuperseded by [RLS](2025-11-04-adopt-postgres-rls.md)\n",
                )
                .expect("write");
            })
            .edit(|p, _| push(p, "/mr_grounding", json!({"kind":"decision","ref":"docs/decisions/2025-10-01-tenant-column-filters.md","claim":"c"}))),
        case("guard_append_only: a numbered folder's number already taken", &[("guard_append_only", "/proposed_changes/0/path")])
            .setup(numbered_adr_folder)
            .edit(|p, _| only_change(p, "create", "adr/0003-again.md", Some("x"))),
        case("guard_append_only: a numbered folder asks for the next number", &[("guard_append_only", "/proposed_changes/0/path")])
            .setup(numbered_adr_folder)
            .edit(|p, _| only_change(p, "create", "adr/0009-skips-ahead.md", Some("x"))),
        case("guard_append_only: a dated name in a numbered folder", &[("guard_append_only", "/proposed_changes/0/path")])
            .setup(numbered_adr_folder)
            .edit(|p, _| only_change(p, "create", "adr/2026-05-01-dated.md", Some("x"))),
        case("guard_append_only: two new records cannot take the same next number", &[("guard_append_only", "/proposed_changes/1/path")])
            .setup(numbered_adr_folder)
            .edit(|p, _| {
                p["proposed_changes"] = json!([
                    {"path": "adr/0004-fourth.md", "operation": "create", "contents": "x"},
                    {"path": "adr/0004-also-fourth.md", "operation": "create", "contents": "x"}
                ]);
            }),
        case("grounding_missing_spec", &[("grounding_missing_spec", "/mr_grounding/2/ref")])
            .edit(|p, _| set(p, "/mr_grounding/2/ref", json!("docs/spec/nope.md#tenant-scoping"))),
        case("grounding_missing_anchor", &[("grounding_missing_anchor", "/mr_grounding/2/ref")])
            .edit(|p, _| set(p, "/mr_grounding/2/ref", json!("docs/spec/rls.md#tenant-scope"))),
        case("grounding_missing_anchor: anchors are lower-case", &[("grounding_missing_anchor", "/mr_grounding/2/ref")])
            .edit(|p, _| set(p, "/mr_grounding/2/ref", json!("docs/spec/rls.md#Tenant-Scoping"))),
        case("grounding_unknown_milestone: a done milestone", &[("grounding_unknown_milestone", "/mr_grounding/3/ref")])
            .edit(|p, _| push(p, "/mr_grounding", json!({"kind":"milestone","ref":"M7.8.1","claim":"c"}))),
        case("grounding_unknown_milestone: no such milestone", &[("grounding_unknown_milestone", "/mr_grounding/3/ref")])
            .edit(|p, _| push(p, "/mr_grounding", json!({"kind":"milestone","ref":"M9.9.9","claim":"c"}))),
        // ----- diagnosis -----
        case("diagnosis_bad_id", &[("diagnosis_bad_id", "/diagnosis_id")])
            .edit(|p, _| set(p, "/diagnosis_id", json!("diag-EB2ACC380DEC5D0A"))),
        case("diagnosis_bad_id: a path", &[("diagnosis_bad_id", "/diagnosis_id")])
            .edit(|p, _| set(p, "/diagnosis_id", json!("../../registry"))),
        case("diagnosis_unknown", &[("diagnosis_unknown", "/diagnosis_id")])
            .edit(|p, _| set(p, "/diagnosis_id", json!("diag-0000000000000000"))),
        case("diagnosis_unknown: the cache entry is corrupt", &[("diagnosis_unknown", "/diagnosis_id")])
            .after_diagnose(|sb| {
                // Corrupt every cached copy: `<id>.json` and `<slug>/<id>.json`.
                let mut dirs = vec![sb.state.join("diagnoses")];
                while let Some(dir) = dirs.pop() {
                    for entry in fs::read_dir(dir).expect("cache dir") {
                        let path = entry.expect("entry").path();
                        if path.is_dir() {
                            dirs.push(path);
                        } else {
                            fs::write(path, b"{not json").expect("corrupt");
                        }
                    }
                }
            }),
        case("diagnosis_foreign", &[("diagnosis_foreign", "/diagnosis_id")])
            .setup(add_other_repo)
            .edit(|p, sb| {
                let foreign = sb.diagnose_slug("other-repo", SINCE);
                set(p, "/diagnosis_id", json!(foreign));
            }),
        case("diagnosis_stale: a decision in the window edited", &[("diagnosis_stale", "/diagnosis_id")])
            .after_diagnose(|sb| append_to(sb, DECISION, "\nAddendum.\n")),
        case("diagnosis_stale: the meta-rules edited", &[("diagnosis_stale", "/diagnosis_id")])
            .after_diagnose(|sb| append_to(sb, "docs/meta-rules.md", "\n- **MR-14** — a new rule\n")),
        // ----- actor and trigger -----
        case("actor_invalid: no fleet prefix", &[("actor_invalid", "")]).actor("kahn-implementer"),
        case("actor_invalid: empty name", &[("actor_invalid", "")]).actor("fleet:"),
        case("actor_invalid: refused before the plan is read", &[("actor_invalid", "")])
            .actor("fleet:kahn implementer")
            .raw(|_| b"not json".to_vec()),
        case("actor_not_allowed", &[("actor_not_allowed", "")]).actor("fleet:intruder"),
        case("actor_not_allowed: refused before the plan is read", &[("actor_not_allowed", "")])
            .actor("fleet:KAHN-IMPLEMENTER")
            .edit(|p, _| set(p, "/diagnosis_id", json!("nope"))),
        case("trigger_invalid: empty kind", &[("trigger_invalid", "")]).trigger("", "ci-run-12345"),
        case("trigger_invalid: control character in ref", &[("trigger_invalid", "")]).trigger("audit_fail", "ci-run\n12345"),
        case("trigger_invalid: both", &[("trigger_invalid", ""), ("trigger_invalid", "")]).trigger(" ", &long_ref),
        case("trigger_invalid with plan problems", &[("title_empty", "/title"), ("trigger_invalid", "")])
            .trigger("audit_fail", "\t")
            .edit(|p, _| set(p, "/title", json!(""))),
        // ----- paths -----
        case("path_empty", &[("path_empty", "/proposed_changes/0/path")]).edit(|p, _| set_path(p, "")),
        case(
            "path_absolute",
            &[("path_absolute", "/proposed_changes/0/path"), ("path_absolute", "/proposed_changes/1/path")],
        )
        .edit(|p, _| {
            set_path(p, "/etc/passwd");
            let c = change(p, "create", "C:/Windows/x.sql", Some("x"));
            push(p, "/proposed_changes", c);
        }),
        case(
            "path_parent",
            &[("path_parent", "/proposed_changes/0/path"), ("path_parent", "/proposed_changes/1/path")],
        )
        .edit(|p, _| {
            set_path(p, "../outside.sql");
            let c = change(p, "create", "backend/../../registry.yaml", Some("x"));
            push(p, "/proposed_changes", c);
        }),
        case(
            "path_not_normalized",
            &[
                ("path_not_normalized", "/proposed_changes/0/path"),
                ("path_not_normalized", "/proposed_changes/1/path"),
                ("path_not_normalized", "/proposed_changes/2/path"),
            ],
        )
        .edit(|p, _| {
            set_path(p, "backend//migrations/x.sql");
            let a = change(p, "create", "./x.sql", Some("x"));
            let b = change(p, "create", "backend/x/", Some("x"));
            push(p, "/proposed_changes", a);
            push(p, "/proposed_changes", b);
        }),
        case("path_backslash", &[("path_backslash", "/proposed_changes/0/path")])
            .edit(|p, _| set_path(p, "backend\\migrations\\0046.sql")),
        case(
            "path_control",
            &[("path_control", "/proposed_changes/0/path"), ("path_control", "/proposed_changes/1/path")],
        )
        .edit(|p, _| {
            set_path(p, "backend/x\u{0}.sql");
            let c = change(p, "create", "backend/y\n.sql", Some("x"));
            push(p, "/proposed_changes", c);
        }),
        case(
            "path_git",
            &[
                ("path_git", "/proposed_changes/0/path"),
                ("path_git", "/proposed_changes/1/path"),
                ("path_git", "/proposed_changes/2/path"),
            ],
        )
        .edit(|p, _| {
            set_path(p, ".git/hooks/pre-commit");
            let a = change(p, "create", "vendor/lib/.git/config", Some("x"));
            let b = change(p, "create", ".GIT/config", Some("x"));
            push(p, "/proposed_changes", a);
            push(p, "/proposed_changes", b);
        }),
        case("path_symlink: through a linked folder", &[("path_symlink", "/proposed_changes/0/path")])
            .setup(|sb| petrova_tests::symlink(std::path::Path::new("migrations"), &sb.file("backend/linked")))
            .edit(|p, _| set_path(p, "backend/linked/0046_kahn_internal_rls.sql")),
        case("path_symlink: a link leaving the checkout", &[("path_symlink", "/proposed_changes/0/path")])
            .setup(|sb| petrova_tests::symlink(&sb.root.join("plans"), &sb.file("outside")))
            .edit(|p, _| set_path(p, "outside/evil.sql")),
        case("path_symlink: modifying a link itself", &[("path_symlink", "/proposed_changes/0/path")])
            .setup(|sb| petrova_tests::symlink(std::path::Path::new("README.md"), &sb.file("README.link")))
            .edit(|p, _| only_change(p, "modify", "README.link", Some("x"))),
        case("path_unreadable: a file name longer than the filesystem allows", &[("path_unreadable", "/proposed_changes/0/path")])
            .edit(|p, _| set_path(p, &format!("backend/migrations/{}.sql", "n".repeat(300)))),
        case("path_duplicate", &[("path_duplicate", "/proposed_changes/1/path")]).edit(|p, _| {
            let c = p["proposed_changes"][0].clone();
            push(p, "/proposed_changes", c);
        }),
        // ----- operations against the checkout -----
        case("change_create_exists", &[("change_create_exists", "/proposed_changes/0/path")])
            .edit(|p, _| only_change(p, "create", "README.md", Some("# new\n"))),
        case(
            "change_target_missing: modify and delete",
            &[
                ("change_target_missing", "/proposed_changes/0/path"),
                ("change_target_missing", "/proposed_changes/1/path"),
            ],
        )
        .edit(|p, _| {
            only_change(p, "modify", "backend/migrations/0099_nope.sql", Some("x"));
            let c = change(p, "delete", "scripts/nope.py", None);
            push(p, "/proposed_changes", c);
        }),
        case("change_not_file", &[("change_not_file", "/proposed_changes/0/path")])
            .edit(|p, _| only_change(p, "modify", "backend/migrations", Some("x"))),
        case("change_not_file: delete a folder", &[("change_not_file", "/proposed_changes/0/path")])
            .edit(|p, _| only_change(p, "delete", "scripts", None)),
        case("change_parent_not_dir", &[("change_parent_not_dir", "/proposed_changes/0/path")])
            .edit(|p, _| only_change(p, "create", "README.md/child.md", Some("x"))),
        case("change_contents_missing", &[("change_contents_missing", "/proposed_changes/0/contents")])
            .edit(|p, _| remove(p, "/proposed_changes/0/contents")),
        case("change_contents_forbidden", &[("change_contents_forbidden", "/proposed_changes/0/contents")])
            .edit(|p, _| only_change(p, "delete", "backend/Makefile", Some(""))),
        // ----- profile -----
        case("profile_too_many_files", &[("profile_too_many_files", "/proposed_changes")]).edit(|p, _| {
            let changes: Vec<Value> = (0..21)
                .map(|i| json!({"path": format!("backend/migrations/{:04}_x.sql", 100 + i), "operation": "create", "contents": "SELECT 1;\n"}))
                .collect();
            p["proposed_changes"] = Value::Array(changes);
        }),
        case(
            "path_protected: .github/ whatever the profile",
            &[("path_protected", "/proposed_changes/0/path"), ("path_protected", "/proposed_changes/1/path")],
        )
        .edit(|p, _| {
            only_change(p, "create", ".github/workflows/ci.yml", Some("on: push\n"));
            let c = change(p, "create", ".github/workflows", Some("x"));
            push(p, "/proposed_changes", c);
        }),
        case(
            "profile_forbidden_path: a custom profile's forbid adds to the protected set",
            &[("profile_forbidden_path", "/proposed_changes/0/path")],
        )
        .setup(|sb| {
            let registry = TIGHT_REGISTRY
                .replace("profile: migrations-only", "profile: no-secrets")
                .replace("  migrations-only:\n    max_files: 2\n    allow: [backend/migrations/]\n    max_file_bytes: 100\n", "  no-secrets:\n    forbid: [backend/secrets/]\n");
            fs::write(sb.ws.join("registry.yaml"), registry).expect("registry");
        })
        .edit(|p, _| only_change(p, "create", "backend/secrets/key.txt", Some("x\n"))),
        case("profile_file_too_large: standard, over 1 MiB", &[("profile_file_too_large", "/proposed_changes/0/contents")])
            .edit(|p, _| set(p, "/proposed_changes/0/contents", json!("-".repeat(1024 * 1024 + 1)))),
        case("profile_file_too_large: custom profile", &[("profile_file_too_large", "/proposed_changes/0/contents")])
            .setup(tight_profile),
        case(
            "profile_path_not_allowed: custom profile",
            &[("profile_path_not_allowed", "/proposed_changes/0/path")],
        )
        .setup(tight_profile)
        .edit(|p, _| only_change(p, "create", "backend/migrations_old/x.sql", Some("x"))),
        case(
            "custom profile: every limit at once",
            &[
                ("profile_too_many_files", "/proposed_changes"),
                ("profile_file_too_large", "/proposed_changes/0/contents"),
                ("profile_path_not_allowed", "/proposed_changes/1/path"),
                ("profile_path_not_allowed", "/proposed_changes/2/path"),
            ],
        )
        .setup(tight_profile)
        .edit(|p, _| {
            let a = change(p, "create", "docs/notes.md", Some("x"));
            let b = change(p, "modify", "README.md", Some("x"));
            push(p, "/proposed_changes", a);
            push(p, "/proposed_changes", b);
        }),
        // ----- guards -----
        case("guard_append_only: modify a decision", &[("guard_append_only", "/proposed_changes/0/path")])
            .edit(|p, _| only_change(p, "modify", DECISION, Some("# rewritten\n"))),
        case("guard_append_only: delete a decision", &[("guard_append_only", "/proposed_changes/0/path")])
            .edit(|p, _| only_change(p, "delete", "docs/decisions/2025-11-04-adopt-postgres-rls.md", None)),
        case(
            "guard_append_only: misnamed new decisions",
            &[
                ("guard_append_only", "/proposed_changes/0/path"),
                ("guard_append_only", "/proposed_changes/1/path"),
                ("guard_append_only", "/proposed_changes/2/path"),
            ],
        )
        .edit(|p, _| {
            only_change(p, "create", "docs/decisions/notes.md", Some("# n\n"));
            let a = change(p, "create", "docs/decisions/2026-02-30-impossible-date.md", Some("# n\n"));
            let b = change(p, "create", "docs/decisions/sub/2026-04-30-nested.txt", Some("# n\n"));
            push(p, "/proposed_changes", a);
            push(p, "/proposed_changes", b);
        }),
        case(
            "guard_append_only with change_create_exists",
            &[("change_create_exists", "/proposed_changes/0/path"), ("guard_append_only", "/proposed_changes/0/path")],
        )
        .edit(|p, _| only_change(p, "create", DECISION, Some("# again\n"))),
        case(
            "guard_read_only: modify CLAUDE.md (also protected)",
            &[("guard_read_only", "/proposed_changes/0/path"), ("path_protected", "/proposed_changes/0/path")],
        )
            .edit(|p, _| only_change(p, "modify", "CLAUDE.md", Some("# edited by hand\n"))),
        case(
            "guard_read_only: delete CLAUDE.md without contents check",
            &[("guard_read_only", "/proposed_changes/0/path"), ("path_protected", "/proposed_changes/0/path")],
        )
        .edit(|p, _| only_change(p, "delete", "CLAUDE.md", None)),
        case("guard_config_invalid: broken .petrova.yml", &[("guard_config_invalid", "")])
            .setup(|sb| fs::write(sb.file(".petrova.yml"), "guards:\n  - rule: MR-7\n    kind: sometimes\n    paths: [x]\n").expect("write")),
        case("guard_config_invalid: .petrova.yml is not YAML", &[("guard_config_invalid", "")])
            .setup(|sb| fs::write(sb.file(".petrova.yml"), "guards: [\n").expect("write")),
        // ----- combinations -----
        case(
            "kitchen sink",
            &[
                ("diagnosis_unknown", "/diagnosis_id"),
                ("title_empty", "/title"),
                ("grounding_claim_empty", "/mr_grounding/0/claim"),
                ("grounding_unknown_rule", "/mr_grounding/0/ref"),
                ("grounding_missing_anchor", "/mr_grounding/2/ref"),
                ("path_parent", "/proposed_changes/0/path"),
                ("guard_read_only", "/proposed_changes/1/path"),
                ("path_protected", "/proposed_changes/1/path"),
                ("change_contents_missing", "/proposed_changes/2/contents"),
                ("change_target_missing", "/proposed_changes/2/path"),
                ("trigger_invalid", ""),
            ],
        )
        .trigger("audit_fail", "")
        .edit(|p, _| {
            set(p, "/diagnosis_id", json!("diag-ffffffffffffffff"));
            set(p, "/title", json!(""));
            set(p, "/mr_grounding/0", json!({"kind":"meta_rule","ref":"MR-0","claim":""}));
            set(p, "/mr_grounding/2/ref", json!("docs/spec/rls.md#nope"));
            set_path(p, "../x.sql");
            let a = change(p, "modify", "CLAUDE.md", Some("x"));
            let b = change(p, "modify", "src/missing.rs", None);
            push(p, "/proposed_changes", a);
            push(p, "/proposed_changes", b);
        }),
    ]
}

type Problems = Vec<(String, String)>;

fn run_case(case: &Case) -> Result<(), String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    (case.setup)(&sb);
    let id = sb.diagnose(SINCE);
    (case.after_diagnose)(&sb);
    let mut base = example_plan();
    base["diagnosis_id"] = json!(id);
    let bytes = match case.plan {
        PlanSource::Edit(f) => {
            let mut plan = base;
            f(&mut plan, &sb);
            serde_json::to_vec_pretty(&plan).expect("json")
        }
        PlanSource::Raw(f) => f(&base),
    };
    let plan_path = sb.write_plan("plan.json", &bytes);
    let plan_arg = plan_path.display().to_string();

    let before = tree_state(&sb.root);
    let mut args = vec![
        "propose_fix",
        SLUG,
        "--input",
        &plan_arg,
        "--actor",
        case.actor,
        "--triggered-by-kind",
        case.kind,
        "--triggered-by-ref",
        &case.reference,
        "--json",
    ];
    args.extend(case.extra.iter().copied());
    let run = sb.petrova(&args);
    let after = tree_state(&sb.root);

    let mut errors = Vec::new();
    let diff = tree_diff(&before, &after);
    if !diff.is_empty() {
        errors.push(format!("wrote to disk: {diff:?}"));
    }
    if run.code != 1 {
        errors.push(format!(
            "exit {} (expected 1); stderr: {}",
            run.code, run.stderr
        ));
    }
    let out: Value = match serde_json::from_str(&run.stdout) {
        Ok(v) => v,
        Err(e) => {
            errors.push(format!("stdout is not JSON ({e}): {}", run.stdout));
            return Err(errors.join("\n    "));
        }
    };
    if out["outcome"] != "refused"
        || out["idempotency_key"] != Value::Null
        || out["body"] != Value::Null
    {
        errors.push(format!(
            "outcome {} key {} body null: {}",
            out["outcome"],
            out["idempotency_key"],
            out["body"].is_null()
        ));
    }
    let mut got: Problems = out["problems"]
        .as_array()
        .map(|ps| {
            ps.iter()
                .map(|p| {
                    (
                        p["code"].as_str().unwrap_or("?").to_owned(),
                        p["pointer"].as_str().unwrap_or("<none>").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    got.sort();
    let mut want: Problems = case
        .expected
        .iter()
        .map(|(c, p)| ((*c).to_owned(), (*p).to_owned()))
        .collect();
    want.sort();
    if got != want {
        let messages: Vec<String> = out["problems"]
            .as_array()
            .map(|ps| ps.iter().map(|p| p["message"].to_string()).collect())
            .unwrap_or_default();
        errors.push(format!(
            "problems\n      got  {got:?}\n      want {want:?}\n      messages {messages:#?}"
        ));
    }
    if let Some(ps) = out["problems"].as_array() {
        for p in ps {
            if p["message"].as_str().is_none_or(str::is_empty) {
                errors.push(format!("a problem without a message: {p}"));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n    "))
    }
}

#[test]
fn bad_plans_are_refused_exactly_and_write_nothing() {
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut names = BTreeSet::new();
    let mut failures = Vec::new();
    for case in &cases {
        assert!(names.insert(case.name), "duplicate case name {}", case.name);
        if let Err(e) = run_case(case) {
            failures.push(format!("{}:\n    {e}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Every plan-related code of `core/src/error.rs` (from `plan_too_large` to
/// `guard_config_invalid`) has at least one case in the table.
#[test]
fn every_plan_code_has_a_case() {
    let covered: BTreeSet<&str> = cases()
        .iter()
        .flat_map(|c| c.expected.iter().map(|(code, _)| *code))
        .collect();
    for code in &covered {
        assert!(Code::parse(code).is_some(), "`{code}` is not a code");
    }
    let missing: Vec<&str> = petrova_tests::plan_codes()
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !covered.contains(c))
        .collect();
    assert!(missing.is_empty(), "plan codes without a case: {missing:?}");
}

/// The control: the unedited example plan passes in the same setting, so each
/// case above fails only because of its edit.
#[test]
fn the_example_plan_is_accepted() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    let mut plan = example_plan();
    plan["diagnosis_id"] = json!(sb.diagnose(SINCE));
    // Cite every kind of grounding, valid ones.
    push(
        &mut plan,
        "/mr_grounding",
        json!({"kind":"decision","ref":DECISION,"claim":"the phase closed"}),
    );
    push(
        &mut plan,
        "/mr_grounding",
        json!({"kind":"milestone","ref":"M7.8.2","claim":"the open milestone"}),
    );
    push(
        &mut plan,
        "/mr_grounding",
        json!({"kind":"spec","ref":"docs/spec/api.md","claim":"no anchor"}),
    );
    push(
        &mut plan,
        "/mr_grounding",
        json!({"kind":"spec","ref":"docs/spec/api.md#b3-endpoint-v1runs-read","claim":"B3"}),
    );
    // A new, well-named decision is fine under the append-only guard.
    push(
        &mut plan,
        "/proposed_changes",
        json!({"path":"docs/decisions/2026-04-30-rls-on-runs.md","operation":"create","contents":"# RLS on runs\n"}),
    );
    let path = sb.write_plan("plan.json", &serde_json::to_vec(&plan).expect("json"));
    let before = tree_state(&sb.root);
    let run = sb.propose(&path, &["--json"]);
    run.expect_code(0);
    assert_eq!(run.json()["outcome"], "dry_run");
    assert_eq!(run.json()["upholds"], json!(["MR-7", "MR-12"]));
    assert!(tree_diff(&before, &tree_state(&sb.root)).is_empty());
}

#[test]
fn allow_stale_passes_and_the_body_states_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    let id = sb.diagnose(SINCE);
    append_to(&sb, DECISION, "\nAddendum.\n");
    let mut fresh_sb = sb.clone();
    fresh_sb.state = sb.root.join("state-fresh");
    let current = fresh_sb.diagnose(SINCE);
    assert_ne!(id, current);
    let mut plan = example_plan();
    plan["diagnosis_id"] = json!(id);
    let path = sb.write_plan("plan.json", &serde_json::to_vec(&plan).expect("json"));

    let refused = sb.propose(&path, &["--json"]);
    refused.expect_code(1);
    assert_eq!(refused.json()["problems"][0]["code"], "diagnosis_stale");
    let message = refused.json()["problems"][0]["message"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(
        message.contains(&id) && message.contains(&current),
        "{message}"
    );

    let before = tree_state(&sb.root);
    let json_run = sb.propose(&path, &["--allow-stale", "--json"]);
    json_run.expect_code(0);
    let out = json_run.json();
    assert_eq!(out["outcome"], "dry_run");
    assert_eq!(out["stale_against"], current.as_str());
    let body = out["body"].as_str().expect("body");
    assert!(body.contains("accepted as stale"), "{body}");
    assert!(
        !body.contains("--allow-stale"),
        "a front end's spelling never reaches a body: {body}"
    );
    assert!(body.contains(&id) && body.contains(&current), "{body}");
    let text = sb.propose(&path, &["--allow-stale"]);
    text.expect_code(0);
    assert!(
        text.stdout.contains("stale") && text.stdout.contains(&current),
        "{}",
        text.stdout
    );
    assert!(tree_diff(&before, &tree_state(&sb.root)).is_empty());
}

#[test]
fn refusals_in_text_form_name_every_problem() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    let mut plan = example_plan();
    plan["diagnosis_id"] = json!(sb.diagnose(SINCE));
    plan["title"] = json!("");
    set(&mut plan, "/proposed_changes/0/path", json!("CLAUDE.md"));
    set(&mut plan, "/proposed_changes/0/operation", json!("modify"));
    let path = sb.write_plan("plan.json", &serde_json::to_vec(&plan).expect("json"));
    let run = sb.propose(&path, &[]);
    run.expect_code(1);
    assert!(
        run.stdout
            .starts_with("propose_fix → refused (3 problems)\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("/title: title is empty [title_empty]"),
        "{}",
        run.stdout
    );
    // The guard message names the rule, its statement and the path.
    assert!(
        run.stdout
            .contains("/proposed_changes/0/path: MR-12 (CLAUDE.md is a projection, not a source)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("[guard_read_only]"), "{}", run.stdout);
    assert!(
        run.stderr.contains("plan refused (3 problems)"),
        "{}",
        run.stderr
    );
}

/// Two registry entries whose checkouts hold the same governance documents
/// (a production repository and its staging mirror, say) get the same
/// diagnosis id, because the id hashes the result without `target_repo`; both
/// are cached at `diagnoses/<id>.json`, so the second `diagnose` overwrites the
/// first and a plan for the first repository is then refused as
/// `diagnosis_foreign` although it was just diagnosed.
///
/// Fixed: diagnoses are cached under `diagnoses/<slug>/<id>.json` too, and that
/// path is read first (`diagnosis::cache_paths`).
#[test]
fn identical_repositories_do_not_share_a_cache_entry() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    let path = sb.ws.join("registry.yaml");
    let mut reg = fs::read_to_string(&path).expect("registry");
    reg.push_str("- slug: kahn-staging\n  url: https://github.com/kahn-hq/kahn-staging\n  default_branch: main\n  role: staging\n  profile: standard\n  fleets_allowed: [kahn-implementer]\n  added: \"2026-04-29\"\n");
    fs::write(path, reg).expect("registry");
    petrova_tests::copy_dir(&sb.checkout(), &sb.ws.join("kahn-staging"));
    let id = sb.diagnose(SINCE);
    let _staging = sb.diagnose_slug("kahn-staging", SINCE);
    let mut plan = example_plan();
    plan["diagnosis_id"] = json!(id);
    let plan_path = sb.write_plan("plan.json", &serde_json::to_vec(&plan).expect("json"));
    let run = sb.propose(&plan_path, &["--json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}
