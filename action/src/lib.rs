//! The wasm binding of `petrova-core`. Every export deserializes its input,
//! calls core, and serializes the result; errors cross as JS `Error`s carrying
//! core's `code`, `pointer` and `exitCode`. No decision is made here.
#![allow(clippy::needless_pass_by_value)]

use js_sys::{Array, Function, Reflect, Uint8Array};
use petrova_core::apply::{ApplyMachine, ApplyResult, Reply, RetryPolicy, Step};
use petrova_core::propose::Proposal;
use petrova_core::registry::RepoEntry;
use petrova_core::request::{self, DiagnoseRequest, Prepared, ProposeRequest, RequestError};
use petrova_core::source::{Checkout, DirEntry, EntryKind, MemoryCheckout, SourceError};
use petrova_core::validate::{DiagnosisStore, MemoryStore};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

fn js_error(message: &str, code: &str, pointer: Option<&str>, exit_code: u8) -> JsValue {
    let error = js_sys::Error::new(message);
    let _ = Reflect::set(&error, &"code".into(), &code.into());
    if let Some(pointer) = pointer {
        let _ = Reflect::set(&error, &"pointer".into(), &pointer.into());
    }
    let _ = Reflect::set(&error, &"exitCode".into(), &JsValue::from(exit_code));
    error.into()
}

fn from_json<T: DeserializeOwned>(what: &str, json: &str) -> Result<T, JsValue> {
    serde_json::from_slice(json.as_bytes())
        .map_err(|e| js_error(&format!("invalid {what}: {e}"), "binding_input", None, 2))
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned())
}

fn request_error(e: RequestError) -> JsValue {
    let mut message = e.diagnostic.to_string();
    if let Some(hint) = &e.hint {
        message.push_str(&format!("\n  hint: {hint}"));
    }
    js_error(
        &message,
        e.diagnostic.code.as_str(),
        e.diagnostic.pointer.as_deref(),
        e.exit_code,
    )
}

/// The core version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The plan JSON Schema, pretty-printed.
#[wasm_bindgen(js_name = planSchema)]
pub fn plan_schema() -> String {
    petrova_core::plan::schema_pretty()
}

/// The schema fingerprint.
#[wasm_bindgen(js_name = schemaFingerprint)]
pub fn schema_fingerprint() -> String {
    petrova_core::plan::schema_fingerprint()
}

/// A checkout served by JS callbacks: `{ list(dir), read(path), kind(path) }`;
/// `list` returns `null`, an array of `{name, kind}`, or `"<k>:<name>"` lines (k: f, d, l, o).
struct JsCheckout {
    list: Function,
    read: Function,
    kind: Function,
    this: JsValue,
}

impl JsCheckout {
    fn new(obj: &JsValue) -> Result<Self, JsValue> {
        let get = |name: &str| -> Result<Function, JsValue> {
            Reflect::get(obj, &name.into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
                .ok_or_else(|| {
                    js_error(
                        &format!("checkout object lacks a `{name}` function"),
                        "binding_input",
                        None,
                        2,
                    )
                })
        };
        Ok(JsCheckout {
            list: get("list")?,
            read: get("read")?,
            kind: get("kind")?,
            this: obj.clone(),
        })
    }

    fn call(&self, f: &Function, path: &str) -> Result<JsValue, SourceError> {
        f.call1(&self.this, &JsValue::from_str(path))
            .map_err(|e| SourceError {
                path: path.to_owned(),
                message: e
                    .as_string()
                    .or_else(|| js_sys::Error::from(e).message().as_string())
                    .unwrap_or_else(|| "read failed".to_owned()),
            })
    }
}

fn parse_kind(s: &str) -> EntryKind {
    match s {
        "file" => EntryKind::File,
        "dir" => EntryKind::Dir,
        "symlink" => EntryKind::Symlink,
        _ => EntryKind::Other,
    }
}

impl Checkout for JsCheckout {
    fn list(&self, dir: &str) -> Result<Option<Vec<DirEntry>>, SourceError> {
        let value = self.call(&self.list, dir)?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        // The compact form: one "<k>:<name>" line per entry, k in f/d/l/o.
        if let Some(text) = value.as_string() {
            let entries = text
                .split('\n')
                .filter_map(|line| {
                    let (kind, name) = line.split_once(':')?;
                    let kind = match kind {
                        "f" => EntryKind::File,
                        "d" => EntryKind::Dir,
                        "l" => EntryKind::Symlink,
                        _ => EntryKind::Other,
                    };
                    Some(DirEntry {
                        name: name.to_owned(),
                        kind,
                    })
                })
                .collect();
            return Ok(Some(entries));
        }
        let entries = Array::from(&value)
            .iter()
            .filter_map(|item| {
                let name = Reflect::get(&item, &"name".into()).ok()?.as_string()?;
                let kind = Reflect::get(&item, &"kind".into()).ok()?.as_string()?;
                Some(DirEntry {
                    name,
                    kind: parse_kind(&kind),
                })
            })
            .collect();
        Ok(Some(entries))
    }

    fn read(&self, path: &str) -> Result<Option<std::borrow::Cow<'_, [u8]>>, SourceError> {
        let value = self.call(&self.read, path)?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        // A Uint8Array (a Node Buffer is one) is copied once, straight into
        // wasm memory; anything else goes through a Uint8Array of it.
        let array = value
            .dyn_into::<Uint8Array>()
            .unwrap_or_else(|other| Uint8Array::new(&other));
        Ok(Some(std::borrow::Cow::Owned(array.to_vec())))
    }

    fn kind(&self, path: &str) -> Result<Option<EntryKind>, SourceError> {
        let value = self.call(&self.kind, path)?;
        Ok(value.as_string().map(|k| parse_kind(&k)))
    }
}

/// A diagnosis store served by a JS callback `load(relativePath) -> Uint8Array | null`.
struct JsStore {
    load: Function,
}

impl DiagnosisStore for JsStore {
    fn read(&self, relative_path: &str) -> Option<Vec<u8>> {
        let value = self
            .load
            .call1(&JsValue::NULL, &JsValue::from_str(relative_path))
            .ok()?;
        if value.is_null() || value.is_undefined() {
            None
        } else if let Some(s) = value.as_string() {
            Some(s.into_bytes())
        } else {
            Some(Uint8Array::new(&value).to_vec())
        }
    }
}

fn memory_checkout(files_json: &str) -> Result<MemoryCheckout, JsValue> {
    let files: BTreeMap<String, String> = from_json("files", files_json)?;
    let mut checkout = MemoryCheckout::new();
    for (path, contents) in files {
        checkout.insert_file(&path, contents);
    }
    Ok(checkout)
}

/// The registry as a GitHub Actions `strategy.matrix`; `filters_json` is an array of `KEY=VALUE`.
#[wasm_bindgen(js_name = registryMatrix)]
pub fn registry_matrix(registry_json: &str, filters_json: &str) -> Result<String, JsValue> {
    let registry: request::RegistrySource = from_json("registry", registry_json)?;
    let filters: Vec<String> = from_json("filters", filters_json)?;
    request::matrix(&registry, &filters)
        .map(|m| to_json(&m))
        .map_err(request_error)
}

/// `diagnose` over a JS checkout; returns the `--json` object.
#[wasm_bindgen]
pub fn diagnose(request_json: &str, checkout: &JsValue) -> Result<String, JsValue> {
    let req: DiagnoseRequest = from_json("diagnose request", request_json)?;
    let checkout = JsCheckout::new(checkout)?;
    request::diagnose(&req, &checkout)
        .map(|out| to_json(&out))
        .map_err(request_error)
}

/// `diagnose` over files given as a JSON object `{path: text}`.
#[wasm_bindgen(js_name = diagnoseFiles)]
pub fn diagnose_files(request_json: &str, files_json: &str) -> Result<String, JsValue> {
    let req: DiagnoseRequest = from_json("diagnose request", request_json)?;
    request::diagnose(&req, &memory_checkout(files_json)?)
        .map(|out| to_json(&out))
        .map_err(request_error)
}

/// Where to cache a diagnosis, relative to the cache folder (write every path; read in order).
#[wasm_bindgen(js_name = diagnosisCachePaths)]
pub fn diagnosis_cache_paths(target_repo: &str, id: &str) -> String {
    to_json(&petrova_core::diagnosis::cache_paths(target_repo, id))
}

/// The human summary of a diagnosis (`diagnose` without `--json`).
#[wasm_bindgen(js_name = diagnosisSummary)]
pub fn diagnosis_summary(output_json: &str) -> Result<String, JsValue> {
    let output: petrova_core::diagnosis::DiagnoseOutput = from_json("diagnosis", output_json)?;
    Ok(petrova_core::diagnosis::render_summary(&output))
}

/// The CLI's text for a `propose_fix` output JSON (dry run, applied, skipped, refused).
#[wasm_bindgen(js_name = renderOutputText)]
pub fn render_output_text(output_json: &str) -> Result<String, JsValue> {
    let output: petrova_core::propose::ProposeOutput = from_json("propose output", output_json)?;
    Ok(output.render_text())
}

/// The browser preview: problems, key, branch, upholds, changes, body and its HTML.
#[wasm_bindgen]
pub fn preview(request_json: &str) -> Result<String, JsValue> {
    let req: petrova_core::preview::PreviewRequest = from_json("preview request", request_json)?;
    Ok(to_json(&petrova_core::preview::preview(&req)))
}

/// A body's HTML as the preview shows it (raw HTML escaped, comments dropped).
#[wasm_bindgen(js_name = renderHtml)]
pub fn render_html(markdown: &str) -> String {
    petrova_core::body::to_html(markdown)
}

/// The registry source (`{source, path}` JSON) of a registry file's bytes;
/// one that is not UTF-8 is refused (exit 3) as the CLI refuses it.
#[wasm_bindgen(js_name = registrySource)]
pub fn registry_source(bytes: &[u8], path: &str) -> Result<String, JsValue> {
    request::RegistrySource::from_bytes(bytes, path)
        .map(|source| to_json(&source))
        .map_err(request_error)
}

/// The petrova metadata a pull-request body carries (what the apply protocol reads
/// back from existing pull requests), as JSON. Errors carry core's `code`
/// (`metadata_missing`, `metadata_no_block`, `metadata_invalid`) and, when the
/// YAML error has one, the `line` inside the block; `exitCode` is 1, as for the
/// other problems in user content.
#[wasm_bindgen(js_name = parseMetadata)]
pub fn parse_metadata(body: &str) -> Result<String, JsValue> {
    petrova_core::body::parse_metadata(body)
        .map(|metadata| to_json(&metadata))
        .map_err(|e| {
            let error = js_error(&e.to_string(), e.code().as_str(), None, 1);
            if let petrova_core::body::MetadataError::Invalid {
                line: Some(line), ..
            } = &e
            {
                let _ = Reflect::set(&error, &"line".into(), &JsValue::from(*line));
            }
            error
        })
}

/// The idempotency key, short key and branch of a plan for a repository slug.
#[wasm_bindgen(js_name = proposalKey)]
pub fn proposal_key(target_repo: &str, plan_json: &str) -> Result<String, JsValue> {
    let limit = petrova_core::validate::PlanLimits::default().max_plan_bytes;
    match petrova_core::plan::parse(plan_json.as_bytes(), limit) {
        Ok(plan) => Ok(to_json(&petrova_core::key::proposal_key(
            target_repo,
            &plan,
        ))),
        Err(problems) => {
            let first = &problems[0];
            Err(js_error(
                &first.to_string(),
                first.code.as_str(),
                first.pointer.as_deref(),
                1,
            ))
        }
    }
}

/// A validated (or refused) proposal.
#[wasm_bindgen]
pub struct PreparedProposal {
    inner: Prepared,
}

#[wasm_bindgen]
impl PreparedProposal {
    /// Whether the plan passed validation.
    #[wasm_bindgen(getter)]
    pub fn ok(&self) -> bool {
        self.inner.proposal.is_ok()
    }

    /// The dry-run (or refusal) output as JSON.
    #[wasm_bindgen(js_name = dryRunJson)]
    pub fn dry_run_json(&self) -> String {
        to_json(&self.inner.dry_run_output())
    }

    /// The dry-run (or refusal) output as the CLI prints it.
    #[wasm_bindgen(js_name = dryRunText)]
    pub fn dry_run_text(&self) -> String {
        self.inner.dry_run_output().render_text()
    }

    /// `::error …` workflow commands for the problems, as a JSON array of strings.
    pub fn annotations(&self, plan_file: &str) -> String {
        match &self.inner.proposal {
            Ok(_) => "[]".to_owned(),
            Err(problems) => to_json(&request::annotations(problems, plan_file)),
        }
    }

    /// Starts the apply protocol; `settings_json` is `{"attempts","base_ms","max_ms"}`, each a string or null.
    pub fn apply(&self, settings_json: &str) -> Result<ApplyRun, JsValue> {
        let settings: BTreeMap<String, Option<String>> =
            from_json("retry settings", settings_json)?;
        let get = |k: &str| settings.get(k).cloned().flatten();
        let policy = RetryPolicy::from_settings(
            get("attempts").as_deref(),
            get("base_ms").as_deref(),
            get("max_ms").as_deref(),
        )
        .map_err(|m| js_error(&m, "usage", None, 2))?;
        match &self.inner.proposal {
            Ok(proposal) => Ok(ApplyRun::new(proposal.clone(), &self.inner.entry, policy)),
            Err(_) => Err(js_error(
                "a refused plan cannot be applied",
                "refused",
                None,
                1,
            )),
        }
    }
}

/// Validates a plan against a JS checkout and a JS diagnosis store. When
/// `plan_bytes` is given it is the plan file as read (the request's `plan` is
/// then ignored), so that a plan that is not UTF-8 is refused as the CLI does.
#[wasm_bindgen]
pub fn prepare(
    request_json: &str,
    checkout: &JsValue,
    load_diagnosis: Function,
    plan_bytes: Option<Vec<u8>>,
) -> Result<PreparedProposal, JsValue> {
    let req: ProposeRequest = from_json("propose request", request_json)?;
    let checkout = JsCheckout::new(checkout)?;
    request::prepare_plan_bytes(
        &req,
        plan_bytes.as_deref().unwrap_or(req.plan.as_bytes()),
        &checkout,
        &JsStore {
            load: load_diagnosis,
        },
    )
    .map(|inner| PreparedProposal { inner })
    .map_err(request_error)
}

/// Validates a plan against files `{path: text}` and diagnoses `{id: json}`.
#[wasm_bindgen(js_name = prepareFiles)]
pub fn prepare_files(
    request_json: &str,
    files_json: &str,
    diagnoses_json: &str,
) -> Result<PreparedProposal, JsValue> {
    let req: ProposeRequest = from_json("propose request", request_json)?;
    let diagnoses: BTreeMap<String, String> = from_json("diagnoses", diagnoses_json)?;
    let store = MemoryStore::from_outputs(diagnoses.into_values().map(String::into_bytes));
    request::prepare(&req, &memory_checkout(files_json)?, &store)
        .map(|inner| PreparedProposal { inner })
        .map_err(request_error)
}

/// One run of the apply protocol; the caller executes each request with `fetch`.
#[wasm_bindgen]
pub struct ApplyRun {
    proposal: Proposal,
    machine: ApplyMachine,
    result: Option<ApplyResult>,
}

impl ApplyRun {
    fn new(proposal: Proposal, entry: &RepoEntry, policy: RetryPolicy) -> Self {
        let machine = ApplyMachine::new(&proposal, entry, policy);
        ApplyRun {
            proposal,
            machine,
            result: None,
        }
    }

    fn record(&mut self, step: Step) -> String {
        if let Step::Done { result } = &step {
            self.result = Some(result.clone());
        }
        to_json(&step)
    }
}

#[wasm_bindgen]
impl ApplyRun {
    /// The first step as JSON: `{"step":"send","delay_ms","request"}` or `{"step":"done","result"}`.
    pub fn start(&mut self) -> String {
        let step = self.machine.start();
        self.record(step)
    }

    /// Feeds a reply (`{"kind":"response","status","headers","body"}` or
    /// `{"kind":"transport","message"}`) and returns the next step.
    pub fn reply(&mut self, reply_json: &str, now_epoch_s: f64) -> Result<String, JsValue> {
        let reply: Reply = from_json("reply", reply_json)?;
        let step = self.machine.on_reply(&reply, now_epoch_s.max(0.0) as u64);
        Ok(self.record(step))
    }

    /// The final report (`output`, `exit_code`, `error`) once the protocol is done.
    pub fn report(&self) -> Result<String, JsValue> {
        match &self.result {
            Some(result) => Ok(to_json(&request::apply_report(&self.proposal, result))),
            None => Err(js_error(
                "the apply protocol has not finished",
                "not_finished",
                None,
                4,
            )),
        }
    }
}
