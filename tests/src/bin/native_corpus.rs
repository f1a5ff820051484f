//! Prints the native/wasm agreement corpus: the example workspace's files, a
//! set of diagnose requests and at least 50 propose requests, each with the
//! output the native build of core gives. `action/test/agreement.test.mjs`
//! runs the same requests through the wasm build and demands identical bytes.
#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::disallowed_methods,
    clippy::type_complexity
)]

use petrova_core::error::Frontend;
use petrova_core::governance::source::MemoryCheckout;
use petrova_core::plan::validate::MemoryStore;
use petrova_core::request::{self, DiagnoseRequest, ProposeRequest, RegistrySource, Target};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn collect(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if let Ok(text) = fs::read_to_string(&path) {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, text);
        }
    }
}

fn checkout(files: &BTreeMap<String, String>) -> MemoryCheckout {
    let mut c = MemoryCheckout::new();
    for (p, t) in files {
        c.insert_file(p, t.clone());
    }
    c
}

/// Serializes an object with its keys in reverse order, to vary the plan bytes.
fn reversed(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .rev()
                .map(|(k, v)| format!("{}: {}", Value::String(k.clone()), reversed(v)))
                .collect();
            format!("{{ {} }}", items.join(" , "))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(reversed).collect::<Vec<_>>().join(",\n ")
        ),
        other => other.to_string(),
    }
}

fn main() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workspace");
    let mut files = BTreeMap::new();
    collect(
        &workspace.join("kahn-hq"),
        &workspace.join("kahn-hq"),
        &mut files,
    );
    let registry = RegistrySource {
        source: fs::read_to_string(workspace.join("registry.yaml")).unwrap(),
        path: "registry.yaml".into(),
    };
    let target = Target {
        slug: Some("kahn-hq".into()),
        repository: None,
    };
    let memory = checkout(&files);

    let mut diagnose_cases = Vec::new();
    let mut diagnoses = BTreeMap::new();
    for (since, until) in [
        ("2026-04-22", None),
        ("2026-01-01", None),
        ("2025-01-01", Some("2026-02-01")),
        ("2026-04-28", Some("2026-04-28")),
        ("2030-01-01", None),
    ] {
        let req = DiagnoseRequest {
            registry: registry.clone(),
            target: target.clone(),
            since: since.into(),
            until: until.map(str::to_owned),
            scanned_at: "2026-04-29T14:30:00Z".into(),
            head: None,
            env: Default::default(),
            frontend: Default::default(),
        };
        let out = request::diagnose(&req, &memory).unwrap();
        let text = petrova_core::encoding::text::json_line(&out);
        diagnoses.insert(out.result.diagnosis_id.clone(), text.clone());
        diagnose_cases.push(json!({"request": req_json(&req), "native": text}));
    }

    let base: Value =
        serde_json::from_str(&fs::read_to_string(workspace.join("fix.json")).unwrap()).unwrap();
    let mut plans: Vec<(String, String)> = vec![
        (
            "example".into(),
            serde_json::to_string_pretty(&base).unwrap(),
        ),
        (
            "example compact".into(),
            serde_json::to_string(&base).unwrap(),
        ),
        ("example reversed keys".into(), reversed(&base)),
    ];
    let mut variant = |name: &str, edit: &dyn Fn(&mut Map<String, Value>)| {
        let mut v = base.clone();
        edit(v.as_object_mut().unwrap());
        plans.push((name.to_owned(), serde_json::to_string(&v).unwrap()));
    };
    let texts = [
        "ascii",
        "café",
        "cafe\u{301}",
        "emoji 🦀",
        "tab\there",
        "`code` and ``double``",
        "<script>alert(1)</script>",
        "<!-- petrova:metadata -->",
        "```yaml\npetrova:\n  verb: forged\n```",
        "unclosed ``` fence",
        "line\nbreak",
        "# heading",
        "- list",
        "> quote",
        "&amp; &lt;",
        "\u{202e}rtl",
        "null",
        "true",
        "- x",
        ": y",
        "'quoted'",
        "\"dq\"",
        "   leading",
        "trailing   ",
        "\\backslash\\",
    ];
    for (i, t) in texts.iter().enumerate() {
        variant(&format!("title {i}"), &|m| {
            m.insert("title".into(), json!(format!("fix: {t}")));
        });
        variant(&format!("rationale {i}"), &|m| {
            m.insert(
                "rationale".into(),
                json!(format!("Because {t}.\n\nMore {t}")),
            );
        });
        variant(&format!("claim {i}"), &|m| {
            m["mr_grounding"][0]["claim"] = json!(*t);
        });
        variant(&format!("contents {i}"), &|m| {
            m["proposed_changes"][0]["contents"] = json!(format!("-- {t}\n"));
        });
    }
    let refusals: Vec<(&str, Box<dyn Fn(&mut Map<String, Value>)>)> = vec![
        (
            "path parent",
            Box::new(|m| m["proposed_changes"][0]["path"] = json!("../x.sql")),
        ),
        (
            "path absolute",
            Box::new(|m| m["proposed_changes"][0]["path"] = json!("/etc/x")),
        ),
        (
            "path git",
            Box::new(|m| m["proposed_changes"][0]["path"] = json!(".git/config")),
        ),
        (
            "path backslash",
            Box::new(|m| m["proposed_changes"][0]["path"] = json!("a\\b")),
        ),
        (
            "create existing",
            Box::new(|m| m["proposed_changes"][0]["path"] = json!("CLAUDE.md")),
        ),
        (
            "modify decision",
            Box::new(|m| {
                m["proposed_changes"][0]["path"] =
                    json!("docs/decisions/2026-04-28-phase-7-close.md");
                m["proposed_changes"][0]["operation"] = json!("modify");
            }),
        ),
        (
            "delete missing",
            Box::new(|m| {
                m["proposed_changes"][0]["operation"] = json!("delete");
                m["proposed_changes"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("contents");
            }),
        ),
        (
            "workflow",
            Box::new(|m| m["proposed_changes"][0]["path"] = json!(".github/workflows/ci.yml")),
        ),
        (
            "unknown rule",
            Box::new(|m| m["mr_grounding"][0]["ref"] = json!("MR-99")),
        ),
        (
            "missing anchor",
            Box::new(|m| m["mr_grounding"][2]["ref"] = json!("docs/spec/rls.md#nope")),
        ),
        (
            "missing finding",
            Box::new(|m| m["mr_grounding"][1]["ref"] = json!("docs/findings/x.md")),
        ),
        (
            "unknown diagnosis",
            Box::new(|m| m["diagnosis_id"] = json!("diag-0000000000000000")),
        ),
        (
            "bad diagnosis id",
            Box::new(|m| m["diagnosis_id"] = json!("nope")),
        ),
        (
            "empty everything",
            Box::new(|m| {
                m["title"] = json!(" ");
                m["rationale"] = json!("");
                m["test_plan"] = json!([]);
                m["mr_grounding"] = json!([]);
            }),
        ),
        (
            "unknown field",
            Box::new(|m| {
                m.insert("extra".into(), json!(1));
            }),
        ),
        (
            "wrong types",
            Box::new(|m| {
                m["title"] = json!(5);
                m["proposed_changes"][0]["operation"] = json!("rename");
            }),
        ),
    ];
    for (name, edit) in &refusals {
        variant(name, edit.as_ref());
    }
    plans.push(("syntax error".into(), "{\"title\": ".into()));
    plans.push((
        "duplicate key".into(),
        "{\"title\":\"a\",\"title\":\"b\"}".into(),
    ));

    let mut propose_cases = Vec::new();
    let store = MemoryStore::from_outputs(diagnoses.values().map(|v| v.clone().into_bytes()));
    for (i, (name, plan)) in plans.iter().enumerate() {
        let actor = if i % 17 == 16 {
            "fleet:intruder"
        } else {
            "fleet:kahn-implementer"
        };
        let req = ProposeRequest {
            registry: registry.clone(),
            target: target.clone(),
            actor: actor.into(),
            triggered_by_kind: "audit_fail".into(),
            triggered_by_ref: format!("ci-run-{i}"),
            allow_stale: false,
            // A few plans as `--reconsider` runs: their bodies keep room for the link.
            supersede: i % 13 == 4,
            reconsider: i % 11 == 5,
            now: "2026-04-29T14:32:18Z".into(),
            // Every fifth plan under operator limits: a tight body budget
            // (long plans come back shortened) and, for a few, a tight plan size.
            env: [
                ("PETROVA_MAX_BODY_CHARS", (i % 5 == 3).then_some("4096")),
                ("PETROVA_MAX_PLAN_BYTES", (i % 25 == 8).then_some("2048")),
            ]
            .into_iter()
            .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned())))
            .collect(),
            frontend: Frontend::Action,
            registry_in_checkout: None,
        };
        let prepared = request::prepare(&req, plan.as_bytes(), &memory, &store).unwrap();
        let problems = prepared
            .proposal
            .as_ref()
            .err()
            .cloned()
            .unwrap_or_default();
        propose_cases.push(json!({
            "name": name,
            "request": serde_json::to_value(&req).unwrap(),
            "plan": plan,
            "native": {
                "dry_run_json": petrova_core::encoding::text::json_line(&prepared.dry_run_output()),
                "dry_run_text": prepared.dry_run_output().render_text(),
                "annotations": petrova_core::encoding::text::json_line(&request::annotations(&problems, "fix.json")),
            }
        }));
    }
    let corpus = json!({"files": files, "diagnoses": diagnoses, "diagnose_cases": diagnose_cases, "propose_cases": propose_cases});
    println!("{}", serde_json::to_string(&corpus).unwrap());
}

fn req_json(req: &DiagnoseRequest) -> Value {
    serde_json::to_value(req).unwrap()
}
