//! The example workflows stay true to `action.yml`: every `with:` key of a
//! petrova step is an input, every `steps.<id>.outputs.<name>` read from a
//! petrova step is an output, and the matrix command works on the example registry.

use petrova_core::encoding::yaml::{self, Value};
use petrova_tests::petrova_bin;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("read yaml");
    yaml::value_from_str(&text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
}

fn keys(map: &Value, field: &str) -> Vec<String> {
    map.get(field)
        .and_then(Value::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn is_petrova(uses: &str) -> bool {
    uses == "./" || uses.starts_with("petrova-dev/petrova@")
}

#[test]
fn example_workflows_use_only_inputs_and_outputs_that_exist() {
    let action = load(&root().join("action.yml"));
    let inputs = keys(&action, "inputs");
    let outputs = keys(&action, "outputs");
    let commands = ["diagnose", "propose_fix", "matrix", "sweep", "status"];
    let mut checked_steps = 0;
    for name in ["fleet-diagnose.yml", "propose-fix.yml", "fleet-sweep.yml"] {
        let path = root().join("examples/workflows").join(name);
        let text = std::fs::read_to_string(&path).expect("read");
        let workflow = load(&path);
        let jobs = workflow
            .get("jobs")
            .and_then(Value::as_mapping)
            .expect("jobs");
        let mut petrova_steps: BTreeMap<String, ()> = BTreeMap::new();
        for (_, job) in jobs {
            for step in job
                .get("steps")
                .and_then(Value::as_sequence)
                .expect("steps")
            {
                let Some(uses) = step.get("uses").and_then(Value::as_str) else {
                    continue;
                };
                if !is_petrova(uses) {
                    continue;
                }
                checked_steps += 1;
                for key in keys(step, "with") {
                    assert!(
                        inputs.contains(&key),
                        "{name}: input `{key}` is not in action.yml"
                    );
                }
                let command = step
                    .get("with")
                    .and_then(|w| w.get("command"))
                    .and_then(Value::as_str)
                    .expect("command");
                assert!(
                    commands.contains(&command),
                    "{name}: unknown command `{command}`"
                );
                if let Some(id) = step.get("id").and_then(Value::as_str) {
                    petrova_steps.insert(id.to_owned(), ());
                }
            }
        }
        // Every `steps.<id>.outputs.<name>` of a petrova step names a real output.
        for (pos, _) in text.match_indices("steps.") {
            let rest = &text[pos + 6..];
            let mut parts = rest.splitn(3, '.');
            let (Some(id), Some("outputs"), Some(tail)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let output: String = tail
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if petrova_steps.contains_key(id) {
                assert!(
                    outputs.contains(&output),
                    "{name}: output `{output}` of step `{id}` is not in action.yml"
                );
            }
        }
    }
    assert!(
        checked_steps >= 7,
        "expected the examples to use the action, found {checked_steps} steps"
    );
}

#[test]
fn matrix_command_fans_out_the_example_registry() {
    let out = Command::new(petrova_bin())
        .args([
            "--workspace",
            "examples/workspace",
            "registry",
            "matrix",
            "--filter",
            "role=production",
        ])
        .current_dir(root())
        .output()
        .expect("run petrova");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let matrix: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        matrix,
        serde_json::json!({"include": [{"slug": "kahn-hq", "repository": "kahn-hq/kahn", "default_branch": "main", "role": "production", "profile": "standard"}]})
    );
    let none = Command::new(petrova_bin())
        .args([
            "--workspace",
            "examples/workspace",
            "registry",
            "matrix",
            "--filter",
            "role=sandbox",
        ])
        .current_dir(root())
        .output()
        .expect("run petrova");
    assert_eq!(
        String::from_utf8_lossy(&none.stdout).trim(),
        r#"{"include":[]}"#
    );
    let bad = Command::new(petrova_bin())
        .args([
            "--workspace",
            "examples/workspace",
            "registry",
            "matrix",
            "--filter",
            "colour=red",
        ])
        .current_dir(root())
        .output()
        .expect("run petrova");
    assert_eq!(bad.status.code(), Some(2));
}
