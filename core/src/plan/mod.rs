//! The fix plan a fleet writes (`fix.json`): its types, its JSON Schema
//! (generated from these types), and parsing that reports every structural
//! problem with a JSON pointer.

pub mod guard;
pub mod key;
pub mod protect;
pub mod validate;

use crate::encoding::canonical::{sha256_hex, to_canonical};
use crate::error::{Code, Diagnostic};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// The version of the plan schema; part of every idempotency key.
pub const SCHEMA_VERSION: u32 = 1;

/// A machine-written proposal to change one governed repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema-gen", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "schema-gen",
    schemars(
        title = "petrova fix plan",
        description = "A fleet's proposal to change one governed repository (schema_version 1)."
    )
)]
pub struct Plan {
    /// The diagnosis the plan was composed from (`petrova diagnose` prints it).
    pub diagnosis_id: String,
    /// The pull request's title.
    pub title: String,
    /// Why the change is needed; opens the pull request body.
    pub rationale: String,
    /// The files to create, modify or delete.
    pub proposed_changes: Vec<Change>,
    /// How a reviewer can check the change; at least one entry.
    pub test_plan: Vec<String>,
    /// Governance the plan rests on: meta-rules, findings, specs; at least one entry.
    pub mr_grounding: Vec<Grounding>,
}

/// One file change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema-gen", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Repository-relative, normalized, `/`-separated path.
    pub path: String,
    /// What to do with the file.
    pub operation: Operation,
    /// The whole new file (create, modify); absent for delete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents: Option<String>,
    /// Why this file changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit_rationale: Option<String>,
}

/// What a change does to its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema-gen", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// A new file; the path must not exist.
    Create,
    /// Replace an existing file's contents.
    Modify,
    /// Remove an existing file.
    Delete,
}

impl Operation {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Modify => "modify",
            Operation::Delete => "delete",
        }
    }
}

/// A citation of the repository's own governance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema-gen", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Grounding {
    /// What is cited.
    pub kind: GroundingKind,
    /// `MR-<n>`, a finding or decision path, `spec-path#anchor`, or a milestone id.
    #[serde(rename = "ref")]
    pub reference: String,
    /// What the cited document supports.
    pub claim: String,
}

/// The kinds of governance a plan may cite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema-gen", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroundingKind {
    /// A meta-rule id defined in the meta-rules document.
    MetaRule,
    /// A finding file's path.
    Finding,
    /// A spec file's path, optionally with `#anchor` of one of its headings.
    Spec,
    /// A decision file's path.
    Decision,
    /// An open milestone id from the roadmap.
    Milestone,
}

impl GroundingKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            GroundingKind::MetaRule => "meta_rule",
            GroundingKind::Finding => "finding",
            GroundingKind::Spec => "spec",
            GroundingKind::Decision => "decision",
            GroundingKind::Milestone => "milestone",
        }
    }

    /// The kinds that name what a proposal is about (a finding, a decision,
    /// a milestone): rejection memory compares proposals by them.
    pub const SUBJECTS: [GroundingKind; 3] = [
        GroundingKind::Finding,
        GroundingKind::Decision,
        GroundingKind::Milestone,
    ];

    /// Whether `kind`, as the metadata block spells it, is one of [`Self::SUBJECTS`].
    pub fn is_subject(kind: &str) -> bool {
        Self::SUBJECTS.iter().any(|k| k.as_str() == kind)
    }
}

/// The published plan schema (`schema/plan.schema.json`), embedded. It is
/// generated from the types above (feature `schema-gen`, which the wasm build
/// leaves out to stay small); a test keeps the two identical.
pub const PUBLISHED_SCHEMA: &str = include_str!("../../../schema/plan.schema.json");

/// The plan's JSON Schema as a value (parsed once).
pub fn schema() -> &'static Value {
    static PARSED: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    PARSED
        .get_or_init(|| serde_json::from_slice(PUBLISHED_SCHEMA.as_bytes()).unwrap_or(Value::Null))
}

/// The schema as `petrova schema` prints it: pretty JSON with a final newline.
pub fn schema_pretty() -> String {
    PUBLISHED_SCHEMA.to_owned()
}

/// Generates the schema from the types (what `schema/plan.schema.json` must hold).
#[cfg(feature = "schema-gen")]
pub fn generated_schema_pretty() -> String {
    let mut value = serde_json::to_value(schemars::schema_for!(Plan)).unwrap_or(Value::Null);
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "x-petrova-schema-version".to_owned(),
            Value::from(SCHEMA_VERSION),
        );
    }
    // Going through the canonical form keeps keys sorted even if a dependency
    // turned on serde_json's `preserve_order`.
    let sorted: Value =
        serde_json::from_slice(to_canonical(&value).as_bytes()).unwrap_or(Value::Null);
    let mut s = serde_json::to_string_pretty(&sorted).unwrap_or_default();
    s.push('\n');
    s
}

/// The first 12 hex digits of SHA-256 of the canonical schema JSON (computed once:
/// every proposal's metadata carries it).
pub fn schema_fingerprint() -> String {
    static FINGERPRINT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    FINGERPRINT
        .get_or_init(|| sha256_hex(to_canonical(schema()).as_bytes())[..12].to_owned())
        .clone()
}

/// Parses plan bytes, collecting every structural problem with its JSON pointer.
///
/// Syntax errors stop at the first (JSON offers nothing after it); schema
/// problems (types, unknown and missing fields, bad enum values, duplicate keys)
/// are all reported together.
pub fn parse(bytes: &[u8], max_bytes: usize) -> Result<Plan, Vec<Diagnostic>> {
    if bytes.len() > max_bytes {
        return Err(vec![Diagnostic::at_pointer(
            Code::PlanTooLarge,
            "",
            format!(
                "plan is {} bytes, over the limit of {max_bytes} bytes",
                bytes.len()
            ),
        )]);
    }
    let value = parse_strict_json(bytes).map_err(|d| vec![d])?;
    let schema = schema();
    let mut problems = Vec::new();
    check_against_schema(&value, schema, schema, "", &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    serde_json::from_value(value).map_err(|e| {
        vec![Diagnostic::at_pointer(
            Code::PlanType,
            "",
            format!("plan does not match the schema: {e}"),
        )]
    })
}

/// Parses JSON, refusing duplicate object keys (which other parsers resolve differently).
pub fn parse_strict_json(bytes: &[u8]) -> Result<Value, Diagnostic> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = StrictValue::deserialize(&mut de).and_then(|v| de.end().map(|()| v.0));
    result.map_err(|e| {
        let (code, message) = match e.to_string() {
            m if m.contains("duplicate key") => (Code::PlanDuplicateKey, m),
            m => (Code::PlanSyntax, m),
        };
        let message = message.split(" at line ").next().unwrap_or("").to_owned();
        let mut d = Diagnostic::at_pointer(
            code,
            "",
            format!(
                "plan is not valid JSON: {message} (line {}, column {})",
                e.line(),
                e.column()
            ),
        );
        d.line = Some(e.line());
        d
    })
}

struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = StrictValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<StrictValue, E> {
        Ok(StrictValue(
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
        ))
    }
    fn visit_str<E>(self, v: &str) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }
    fn visit_none<E>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StrictValue, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(StrictValue(Value::Array(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<StrictValue, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let StrictValue(value) = access.next_value()?;
            if map.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate key `{key}`")));
            }
            map.insert(key, value);
        }
        Ok(StrictValue(Value::Object(map)))
    }
}

/// Escapes one JSON-pointer segment (`~` → `~0`, `/` → `~1`).
pub fn pointer_segment(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("string `{}`", s.chars().take(40).collect::<String>()),
        other => json_type(other).to_owned(),
    }
}

/// Checks `value` against the subset of JSON Schema that schemars emits for
/// the plan types: `$ref`, `type`, `properties`, `required`,
/// `additionalProperties: false`, `items`, `enum`, `const` and `oneOf`/`anyOf`.
/// Driving validation from the generated schema keeps the types, the published
/// schema and the checks one and the same.
fn check_against_schema(
    value: &Value,
    schema: &Value,
    root: &Value,
    pointer: &str,
    out: &mut Vec<Diagnostic>,
) {
    let Some(schema) = schema.as_object() else {
        return;
    };
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        if let Some(resolved) = target.strip_prefix('#').and_then(|p| root.pointer(p)) {
            check_against_schema(value, resolved, root, pointer, out);
        }
        return;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
            let consts: Vec<&Value> = alternatives.iter().filter_map(|a| a.get("const")).collect();
            if consts.len() == alternatives.len() {
                check_enum(value, &consts, pointer, out);
            } else {
                let fits = alternatives.iter().any(|a| {
                    let mut scratch = Vec::new();
                    check_against_schema(value, a, root, pointer, &mut scratch);
                    scratch.is_empty()
                });
                if !fits {
                    out.push(Diagnostic::at_pointer(
                        Code::PlanType,
                        pointer,
                        format!("{} fits none of the allowed forms", describe(value)),
                    ));
                }
            }
            return;
        }
    }
    if let Some(types) = schema.get("type") {
        let allowed: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let actual = json_type(value);
        let ok = allowed.contains(&actual) || (actual == "integer" && allowed.contains(&"number"));
        if !allowed.is_empty() && !ok {
            out.push(Diagnostic::at_pointer(
                Code::PlanType,
                pointer,
                format!(
                    "expected {}, found {}",
                    allowed.join(" or "),
                    describe(value)
                ),
            ));
            return;
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        check_enum(value, &values.iter().collect::<Vec<_>>(), pointer, out);
    }
    if let Some(constant) = schema.get("const") {
        check_enum(value, &[constant], pointer, out);
    }
    match value {
        Value::Object(map) => {
            let empty = Map::new();
            let properties = schema
                .get("properties")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for field in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(field) {
                        out.push(Diagnostic::at_pointer(
                            Code::PlanMissingField,
                            format!("{pointer}/{}", pointer_segment(field)),
                            format!("missing field `{field}`"),
                        ));
                    }
                }
            }
            let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
            for (key, item) in map {
                let item_pointer = format!("{pointer}/{}", pointer_segment(key));
                match properties.get(key) {
                    Some(sub) => check_against_schema(item, sub, root, &item_pointer, out),
                    None if closed => {
                        let known: Vec<&str> = properties.keys().map(String::as_str).collect();
                        out.push(Diagnostic::at_pointer(
                            Code::PlanUnknownField,
                            item_pointer,
                            format!(
                                "unknown field `{key}`; expected one of {}",
                                known.join(", ")
                            ),
                        ));
                    }
                    None => {}
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    check_against_schema(item, item_schema, root, &format!("{pointer}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

fn check_enum(value: &Value, allowed: &[&Value], pointer: &str, out: &mut Vec<Diagnostic>) {
    if !allowed.contains(&value) {
        let names: Vec<String> = allowed
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        out.push(Diagnostic::at_pointer(
            Code::PlanBadValue,
            pointer,
            format!("{} is not one of {}", describe(value), names.join(", ")),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(json: &str) -> Vec<(Code, String)> {
        match parse(json.as_bytes(), 1 << 20) {
            Ok(_) => Vec::new(),
            Err(ps) => ps
                .into_iter()
                .map(|p| (p.code, p.pointer.unwrap_or_default()))
                .collect(),
        }
    }

    const GOOD: &str = r#"{"diagnosis_id":"diag-0123456789abcdef","title":"t","rationale":"r",
        "proposed_changes":[{"path":"a.txt","operation":"create","contents":"x"}],
        "test_plan":["make test"],"mr_grounding":[{"kind":"meta_rule","ref":"MR-1","claim":"c"}]}"#;

    #[test]
    fn good_plan_parses() {
        assert_eq!(problems(GOOD), vec![]);
    }

    #[test]
    fn every_structural_problem_at_once() {
        let bad = r#"{"diagnosis_id":7,"title":"t","rationale":"r","extra":true,
            "proposed_changes":[{"path":"a","operation":"rename"},{"operation":"create","mode":"755"}],
            "test_plan":"make test"}"#;
        assert_eq!(
            problems(bad),
            vec![
                (Code::PlanMissingField, "/mr_grounding".to_owned()),
                (Code::PlanType, "/diagnosis_id".to_owned()),
                (Code::PlanUnknownField, "/extra".to_owned()),
                (
                    Code::PlanBadValue,
                    "/proposed_changes/0/operation".to_owned()
                ),
                (
                    Code::PlanMissingField,
                    "/proposed_changes/1/path".to_owned()
                ),
                (
                    Code::PlanUnknownField,
                    "/proposed_changes/1/mode".to_owned()
                ),
                (Code::PlanType, "/test_plan".to_owned()),
            ]
        );
    }

    #[test]
    fn syntax_and_duplicates() {
        assert_eq!(
            problems("{\"title\": }"),
            vec![(Code::PlanSyntax, String::new())]
        );
        assert_eq!(
            problems(r#"{"title":"a","title":"b"}"#),
            vec![(Code::PlanDuplicateKey, String::new())]
        );
        assert_eq!(problems("[] []"), vec![(Code::PlanSyntax, String::new())]);
        assert_eq!(problems("[]"), vec![(Code::PlanType, String::new())]);
    }

    #[test]
    fn pointer_escaping() {
        assert_eq!(
            problems(r#"{"a/b~c":1}"#)
                .iter()
                .find(|p| p.0 == Code::PlanUnknownField)
                .map(|p| p.1.as_str()),
            Some("/a~1b~0c")
        );
    }

    #[test]
    fn fingerprint_is_stable_hex() {
        let fp = schema_fingerprint();
        assert_eq!(fp.len(), 12);
        assert_eq!(fp, schema_fingerprint());
    }
}

#[cfg(all(test, feature = "schema-gen"))]
mod committed_schema {
    /// Guards the published schema: regenerate with
    /// `cargo run -p petrova-cli -- schema --generate > schema/plan.schema.json` and review the diff.
    #[test]
    fn committed_schema_matches_the_types() {
        assert_eq!(
            super::PUBLISHED_SCHEMA,
            super::generated_schema_pretty(),
            "schema/plan.schema.json is out of date"
        );
    }
}
