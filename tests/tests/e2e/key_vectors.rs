//! Idempotency-key stability vectors (`tests/data/key-vectors.json`, SPEC §6).
//!
//! Each vector holds a plan as byte-exact JSON text, the target repository and
//! the expected key. The keys were generated once with the native
//! implementation and cross-checked with an independent Python computation
//! (`json.dumps(sort_keys=True, separators=(',', ':'), ensure_ascii=False)`,
//! SHA-256). The wasm build runs the same file. The file is pure ASCII so that
//! no editor can normalise the Unicode inside the plans.

use petrova_core::plan;
use petrova_core::plan::key::proposal_key;
use serde_json::Value;
use std::collections::BTreeMap;

fn vectors() -> Vec<Value> {
    let path = petrova_tests::repo_root().join("tests/data/key-vectors.json");
    let bytes = std::fs::read(&path).expect("read key vectors");
    assert!(
        bytes.is_ascii(),
        "key-vectors.json must stay ASCII (\\u escapes)"
    );
    match serde_json::from_slice(&bytes).expect("key vectors are JSON") {
        Value::Array(items) => items,
        other => panic!("expected an array, got {other}"),
    }
}

fn keys() -> BTreeMap<String, String> {
    vectors()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().expect("name").to_owned(),
                v["idempotency_key"].as_str().expect("key").to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_vector_gives_its_key() {
    let vectors = vectors();
    assert!(vectors.len() >= 30, "{} vectors", vectors.len());
    let mut failures = Vec::new();
    for v in &vectors {
        let name = v["name"].as_str().expect("name");
        let text = v["plan"].as_str().expect("plan");
        let repo = v["target_repo"].as_str().expect("target_repo");
        let want = v["idempotency_key"].as_str().expect("idempotency_key");
        assert_eq!(want.len(), 64, "{name}");
        match plan::parse(text.as_bytes(), 1 << 24) {
            Ok(plan) => {
                let key = proposal_key(repo, &plan);
                if key.idempotency_key != want {
                    failures.push(format!("{name}: {} != {want}", key.idempotency_key));
                }
                assert_eq!(key.short_key, want[..12], "{name}");
                assert_eq!(
                    key.branch,
                    format!("petrova/propose-fix/{}", &want[..8]),
                    "{name}"
                );
            }
            Err(problems) => failures.push(format!("{name}: does not parse: {problems:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What the vectors are for: which spellings are the same plan, which are not.
#[test]
fn vector_relations() {
    let keys = keys();
    let k = |name: &str| keys.get(name).unwrap_or_else(|| panic!("no vector {name}"));
    let same: &[&[&str]] = &[
        // Whitespace and key order are not part of the plan.
        &[
            "base-compact",
            "base-pretty",
            "base-pretty-tabs-crlf",
            "base-all-json-whitespace",
            "base-keys-reversed",
            "base-nested-keys-reversed",
        ],
        // Escapes are decoded before hashing.
        &[
            "title-e-acute-literal",
            "title-e-acute-escaped",
            "title-e-acute-escaped-upper-hex",
        ],
        &["title-nfd-literal", "title-nfd-escaped"],
        &["base-compact", "title-ascii-escape", "path-escaped-solidus"],
        &[
            "rationale-rocket-literal",
            "rationale-rocket-surrogate-escape",
        ],
        &[
            "rationale-newline-short-escape",
            "rationale-newline-unicode-escape",
        ],
        // `null` for an optional field is the same as leaving it out.
        &["edit-rationale-absent", "edit-rationale-null"],
        &["contents-absent", "contents-null"],
    ];
    for group in same {
        for name in &group[1..] {
            assert_eq!(k(group[0]), k(name), "{} vs {name}", group[0]);
        }
    }
    let differ: &[(&str, &str)] = &[
        // No Unicode normalisation: NFC and NFD are different plans.
        ("title-e-acute-literal", "title-nfd-literal"),
        ("base-compact", "base-other-repo"),
        ("base-compact", "title-trailing-space"),
        ("edit-rationale-absent", "edit-rationale-empty"),
        ("contents-absent", "contents-empty"),
        ("delete-without-contents", "delete-with-empty-contents"),
        ("three-changes", "three-changes-reversed"),
        ("base-compact", "test-plan-empty"),
        ("base-compact", "grounding-empty"),
    ];
    for (a, b) in differ {
        assert_ne!(k(a), k(b), "{a} vs {b}");
    }
    let distinct: std::collections::BTreeSet<&String> = keys.values().collect();
    assert!(
        distinct.len() >= 25,
        "the vectors cover many different plans"
    );
}

/// The example plan's key is the one the dry run prints.
#[test]
fn example_vector_matches_the_example_file() {
    let fix = std::fs::read_to_string(petrova_tests::example_workspace().join("fix.json"))
        .expect("fix.json");
    let vector = vectors()
        .into_iter()
        .find(|v| v["name"] == "example-fix-json")
        .expect("example vector");
    let plan = plan::parse(fix.as_bytes(), 1 << 24).expect("fix.json parses");
    let key = proposal_key("kahn-hq", &plan);
    if vector["plan"].as_str() == Some(fix.as_str()) {
        assert_eq!(vector["idempotency_key"], key.idempotency_key.as_str());
    } else {
        // The example changed since the vectors were made; the vector stays as it was.
        let old =
            plan::parse(vector["plan"].as_str().expect("plan").as_bytes(), 1 << 24).expect("parse");
        assert_eq!(
            vector["idempotency_key"],
            proposal_key("kahn-hq", &old).idempotency_key.as_str()
        );
    }
}

/// An independent computation of each key: canonical JSON written here from
/// a generic JSON value (keys sorted by code point, `null` optionals dropped,
/// serde_json's minimal string escaping), then SHA-256 — the same recipe the
/// Python cross-check used when the vectors were made.
#[test]
fn keys_match_an_independent_canonical_encoding() {
    use sha2::{Digest, Sha256};
    fn canonical(v: &Value, out: &mut String) {
        match v {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> =
                    map.iter().filter(|(_, item)| !item.is_null()).collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                out.push('{');
                for (i, (k, item)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    canonical(item, out);
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    canonical(item, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    for v in vectors() {
        let plan: Value = serde_json::from_str(v["plan"].as_str().expect("plan")).expect("json");
        let doc = serde_json::json!({
            "verb": "propose_fix",
            "target_repo": v["target_repo"],
            "schema_version": 1,
            "plan": plan,
        });
        let mut text = String::new();
        canonical(&doc, &mut text);
        let hex: String = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(v["idempotency_key"], hex.as_str(), "{}", v["name"]);
    }
}
