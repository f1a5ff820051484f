//! The wasm binding of `petrova-core`. Every export deserializes its input,
//! calls core, and serializes the result; errors cross as JS `Error`s carrying
//! core's `code`, `pointer` and `exitCode`. No decision is made here.
#![allow(clippy::needless_pass_by_value)]

use js_sys::{Function, Object, Reflect, Uint8Array};
use petrova_core::error::{Code, Failure, Frontend};
use petrova_core::github::apply::{ApplyMachine, ApplyResult, Reply, RetryPolicy, Step};
use petrova_core::github::fleet::{FleetMachine, FleetOutput};
use petrova_core::governance::source::{
    parse_listing, Checkout, DirEntry, EntryKind, MemoryCheckout, SourceError, SourceErrorKind,
};
use petrova_core::operator::registry::RepoEntry;
use petrova_core::operator::settings::{ActionInputs, Vars};
use petrova_core::plan::validate::{DiagnosisStore, MemoryStore};
use petrova_core::proposal::propose::Proposal;
use petrova_core::request::{self, DiagnoseRequest, Prepared, ProposeRequest};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use wasm_bindgen::prelude::*;

fn js_error(failure: &Failure) -> JsValue {
    let error = js_sys::Error::new(&failure.render());
    let d = &failure.diagnostic;
    let _ = Reflect::set(&error, &"code".into(), &d.code.as_str().into());
    if let Some(pointer) = &d.pointer {
        let _ = Reflect::set(&error, &"pointer".into(), &pointer.as_str().into());
    }
    if let Some(line) = d.line {
        let _ = Reflect::set(&error, &"line".into(), &JsValue::from(line));
    }
    let _ = Reflect::set(
        &error,
        &"exitCode".into(),
        &JsValue::from(failure.exit_code.code()),
    );
    let _ = Reflect::set(&error, &"failure".into(), &to_json(failure).into());
    error.into()
}

fn input_error(what: &str, e: impl std::fmt::Display) -> JsValue {
    js_error(&Failure::new(
        Code::InputInvalid,
        format!("invalid {what} from the embedder: {e}"),
    ))
}

fn from_json<T: DeserializeOwned>(what: &str, json: &str) -> Result<T, JsValue> {
    serde_json::from_slice(json.as_bytes()).map_err(|e| input_error(what, e))
}

fn to_json<T: Serialize>(value: &T) -> String {
    petrova_core::encoding::text::json_line(value)
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

/// A checkout served by JS callbacks: `{ list(dir), read(path), kind(path) }`.
/// `list` returns `null` or a `Uint8Array` in core's listing wire format
/// ([`parse_listing`]); `read` returns `null` or the bytes; `kind` returns
/// `null` or `file`/`dir`/`symlink`/`other`. A callback that fails throws a
/// value whose `kind` names the failure (`symlink`, `permission`,
/// `not_found`, `too_large`); core words it.
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
                .ok_or_else(|| input_error("checkout", format!("no `{name}` function")))
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
            .map_err(|thrown| {
                let kind = Reflect::get(&thrown, &"kind".into())
                    .ok()
                    .and_then(|k| k.as_string())
                    .map_or(SourceErrorKind::Other, |k| SourceErrorKind::parse(&k));
                SourceError::new(path, kind)
            })
    }
}

fn bytes_of(value: JsValue) -> Vec<u8> {
    // A Uint8Array (a Node Buffer is one) is copied once, straight into wasm
    // memory; anything else goes through a Uint8Array of it.
    value
        .dyn_into::<Uint8Array>()
        .unwrap_or_else(|other| Uint8Array::new(&other))
        .to_vec()
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
        Ok(Some(parse_listing(&bytes_of(value))))
    }

    fn read(&self, path: &str) -> Result<Option<std::borrow::Cow<'_, [u8]>>, SourceError> {
        let value = self.call(&self.read, path)?;
        if value.is_null() || value.is_undefined() {
            return Ok(None);
        }
        Ok(Some(std::borrow::Cow::Owned(bytes_of(value))))
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

/// An in-memory checkout from a JS object `{path: bytes}`; each value is a
/// `Uint8Array` (or a string, taken as its UTF-8 bytes).
fn memory_checkout(files: &JsValue) -> Result<MemoryCheckout, JsValue> {
    let object = files
        .dyn_ref::<Object>()
        .ok_or_else(|| input_error("files", "not an object"))?;
    let mut checkout = MemoryCheckout::new();
    for pair in Object::entries(object).iter() {
        let pair = js_sys::Array::from(&pair);
        let path = pair
            .get(0)
            .as_string()
            .ok_or_else(|| input_error("files", "a path is not a string"))?;
        let value = pair.get(1);
        let bytes = match value.as_string() {
            Some(text) => text.into_bytes(),
            None => bytes_of(value),
        };
        checkout.insert_file(&path, bytes);
    }
    Ok(checkout)
}

/// The Action's inputs (`INPUT_*` variables in `env_json`), parsed by core.
#[wasm_bindgen(js_name = actionInputs)]
pub fn action_inputs(env_json: &str) -> Result<String, JsValue> {
    let vars: Vars = from_json("environment", env_json)?;
    ActionInputs::from_vars(&vars)
        .map(|inputs| to_json(&inputs))
        .map_err(|f| js_error(&f))
}

/// The registry as a GitHub Actions `strategy.matrix`; `filters_json` is an array of `KEY=VALUE`.
#[wasm_bindgen(js_name = registryMatrix)]
pub fn registry_matrix(registry_json: &str, filters_json: &str) -> Result<String, JsValue> {
    let registry: request::RegistrySource = from_json("registry", registry_json)?;
    let filters: Vec<String> = from_json("filters", filters_json)?;
    request::matrix(&registry, &filters)
        .map(|m| to_json(&m))
        .map_err(|f| js_error(&f))
}

/// `diagnose` over a JS checkout; returns the JSON object.
#[wasm_bindgen]
pub fn diagnose(request_json: &str, checkout: &JsValue) -> Result<String, JsValue> {
    let req: DiagnoseRequest = from_json("diagnose request", request_json)?;
    let checkout = JsCheckout::new(checkout)?;
    request::diagnose(&req, &checkout)
        .map(|out| to_json(&out))
        .map_err(|f| js_error(&f))
}

/// `diagnose` over files given as an object `{path: bytes}`.
#[wasm_bindgen(js_name = diagnoseFiles)]
pub fn diagnose_files(request_json: &str, files: &JsValue) -> Result<String, JsValue> {
    let req: DiagnoseRequest = from_json("diagnose request", request_json)?;
    request::diagnose(&req, &memory_checkout(files)?)
        .map(|out| to_json(&out))
        .map_err(|f| js_error(&f))
}

/// Where to cache a diagnosis, relative to the cache folder (write every path; read in order).
#[wasm_bindgen(js_name = diagnosisCachePaths)]
pub fn diagnosis_cache_paths(target_repo: &str, id: &str) -> String {
    to_json(&petrova_core::governance::diagnosis::cache_paths(
        target_repo,
        id,
    ))
}

/// The cache file's text for a diagnosis (the same bytes the CLI writes).
#[wasm_bindgen(js_name = diagnosisCacheText)]
pub fn diagnosis_cache_text(output_json: &str) -> Result<String, JsValue> {
    let output: petrova_core::governance::diagnosis::DiagnoseOutput =
        from_json("diagnosis", output_json)?;
    Ok(petrova_core::governance::diagnosis::cache_text(&output))
}

/// The human summary of a diagnosis; `cached` is where the cache file went.
#[wasm_bindgen(js_name = diagnosisSummary)]
pub fn diagnosis_summary(output_json: &str, cached: Option<String>) -> Result<String, JsValue> {
    let output: petrova_core::governance::diagnosis::DiagnoseOutput =
        from_json("diagnosis", output_json)?;
    Ok(petrova_core::governance::diagnosis::render_summary(
        &output,
        cached.as_deref(),
    ))
}

/// The text for a `propose_fix` output JSON (dry run, applied, skipped, refused, failed).
#[wasm_bindgen(js_name = renderOutputText)]
pub fn render_output_text(output_json: &str) -> Result<String, JsValue> {
    let output: petrova_core::proposal::propose::ProposeOutput =
        from_json("propose output", output_json)?;
    Ok(output.render_text())
}

/// The `::error` workflow command for a failure (the JSON a thrown error carries as `failure`).
#[wasm_bindgen(js_name = failureCommand)]
pub fn failure_command(failure_json: &str) -> Result<String, JsValue> {
    let failure: Failure = from_json("failure", failure_json)?;
    Ok(request::failure_command(&failure))
}

/// Throws core's failure for a registry (`what` = `registry`) or plan
/// (`what` = `plan`) file the embedder could not read; `kind` as for checkouts.
#[wasm_bindgen(js_name = unreadable)]
pub fn unreadable(what: &str, path: &str, kind: &str) -> Result<(), JsValue> {
    let file = if what == "registry" {
        request::RunFile::Registry
    } else {
        request::RunFile::Plan
    };
    let failure =
        request::file_unreadable(file, path, SourceErrorKind::parse(kind), Frontend::Action);
    Err(js_error(&failure))
}

/// Throws core's failure (exit 3) when a run that talks to GitHub has no token;
/// the token itself stays with the embedder.
#[wasm_bindgen(js_name = requireToken)]
pub fn require_token(present: bool) -> Result<(), JsValue> {
    request::require_token(present.then_some("present"), Frontend::Action).map_err(|f| js_error(&f))
}

/// Throws core's failure for an error the embedder did not expect (a bug, or a
/// broken runner: an output file that cannot be written).
#[wasm_bindgen(js_name = internalError)]
pub fn internal_error(message: &str) -> Result<(), JsValue> {
    Err(js_error(&Failure::new(Code::Internal, message)))
}

/// The browser preview: problems, key, branch, upholds, changes, title, body and its HTML.
#[wasm_bindgen]
pub fn preview(request_json: &str) -> Result<String, JsValue> {
    let req: petrova_core::proposal::preview::PreviewRequest =
        from_json("preview request", request_json)?;
    Ok(to_json(&petrova_core::proposal::preview::preview(&req)))
}

/// A body's HTML as the preview shows it (raw HTML escaped, comments dropped).
#[wasm_bindgen(js_name = renderHtml)]
pub fn render_html(markdown: &str) -> String {
    petrova_core::proposal::body::to_html(markdown)
}

/// The registry source (`{source, path}` JSON) of a registry file's bytes;
/// one that is not UTF-8 is refused (exit 3) as the CLI refuses it.
#[wasm_bindgen(js_name = registrySource)]
pub fn registry_source(bytes: &[u8], path: &str) -> Result<String, JsValue> {
    request::RegistrySource::from_bytes(bytes, path)
        .map(|source| to_json(&source))
        .map_err(|f| js_error(&f))
}

/// The petrova metadata a pull-request body carries (what the apply protocol reads
/// back from existing pull requests), as JSON. Errors carry core's `code`
/// (`metadata_missing`, `metadata_no_block`, `metadata_invalid`) and, when the
/// YAML error has one, the `line` inside the block; `exitCode` is 1, as for the
/// other problems in user content.
#[wasm_bindgen(js_name = parseMetadata)]
pub fn parse_metadata(body: &str) -> Result<String, JsValue> {
    petrova_core::proposal::body::parse_metadata(body)
        .map(|metadata| to_json(&metadata))
        .map_err(|e| {
            let mut diagnostic = petrova_core::Diagnostic::at_pointer(e.code(), "", e.to_string());
            diagnostic.pointer = None;
            if let petrova_core::proposal::body::MetadataError::Invalid {
                line: Some(line), ..
            } = &e
            {
                diagnostic.line = Some(*line);
            }
            js_error(&Failure::from_diagnostic(diagnostic))
        })
}

/// The idempotency key, short key and branch of a plan for a repository slug.
#[wasm_bindgen(js_name = proposalKey)]
pub fn proposal_key(target_repo: &str, plan_json: &str) -> Result<String, JsValue> {
    let limit = petrova_core::plan::validate::PlanLimits::default().max_plan_bytes;
    match petrova_core::plan::parse(plan_json.as_bytes(), limit) {
        Ok(plan) => Ok(to_json(&petrova_core::plan::key::proposal_key(
            target_repo,
            &plan,
        ))),
        Err(problems) => Err(js_error(&Failure::from_diagnostic(problems[0].clone()))),
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

    /// The exit code of a dry run (0, or 1 when refused).
    #[wasm_bindgen(getter, js_name = exitCode)]
    pub fn exit_code(&self) -> u8 {
        self.inner.dry_run_exit().code()
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

    /// Where and how to send requests: `{"api_url","http_timeout_ms"}`, after
    /// core checked that the token may travel to that URL (else it throws, exit 3).
    pub fn executor(&self) -> Result<String, JsValue> {
        let settings = self.inner.github().map_err(|f| js_error(&f))?;
        Ok(to_json(&serde_json::json!({
            "api_url": settings.api_url,
            "http_timeout_ms": settings.http_timeout_ms,
        })))
    }

    /// Starts the apply protocol with the operator's retry settings.
    pub fn apply(&self) -> Result<ApplyRun, JsValue> {
        let proposal = self.inner.to_apply().map_err(|f| js_error(&f))?;
        Ok(ApplyRun::new(
            proposal.clone(),
            &self.inner.entry,
            self.inner.settings.retry,
            self.inner.frontend,
        ))
    }
}

/// Validates a plan (its bytes as read) against a JS checkout and a JS diagnosis store.
#[wasm_bindgen]
pub fn prepare(
    request_json: &str,
    plan_bytes: &[u8],
    checkout: &JsValue,
    load_diagnosis: Function,
) -> Result<PreparedProposal, JsValue> {
    let req: ProposeRequest = from_json("propose request", request_json)?;
    let checkout = JsCheckout::new(checkout)?;
    request::prepare(
        &req,
        plan_bytes,
        &checkout,
        &JsStore {
            load: load_diagnosis,
        },
    )
    .map(|inner| PreparedProposal { inner })
    .map_err(|f| js_error(&f))
}

/// Validates a plan against files `{path: bytes}` and diagnoses `{id: json}`.
#[wasm_bindgen(js_name = prepareFiles)]
pub fn prepare_files(
    request_json: &str,
    plan_bytes: &[u8],
    files: &JsValue,
    diagnoses_json: &str,
) -> Result<PreparedProposal, JsValue> {
    let req: ProposeRequest = from_json("propose request", request_json)?;
    let diagnoses: BTreeMap<String, String> = from_json("diagnoses", diagnoses_json)?;
    let store = MemoryStore::from_outputs(diagnoses.into_values().map(String::into_bytes));
    request::prepare(&req, plan_bytes, &memory_checkout(files)?, &store)
        .map(|inner| PreparedProposal { inner })
        .map_err(|f| js_error(&f))
}

/// One run of the apply protocol; the caller executes each request with `fetch`.
#[wasm_bindgen]
pub struct ApplyRun {
    proposal: Proposal,
    machine: ApplyMachine,
    result: Option<ApplyResult>,
    frontend: Frontend,
}

impl ApplyRun {
    fn new(proposal: Proposal, entry: &RepoEntry, policy: RetryPolicy, frontend: Frontend) -> Self {
        let machine = ApplyMachine::new(&proposal, entry, policy);
        ApplyRun {
            proposal,
            machine,
            result: None,
            frontend,
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
        self.finished().map(|report| to_json(&report))
    }

    /// The report's output alone, serialized by core (what the CLI prints with `--json`).
    #[wasm_bindgen(js_name = outputJson)]
    pub fn output_json(&self) -> Result<String, JsValue> {
        self.finished().map(|report| to_json(&report.output))
    }
}

impl ApplyRun {
    fn finished(&self) -> Result<request::ApplyReport, JsValue> {
        match &self.result {
            Some(result) => Ok(request::apply_report(&self.proposal, result, self.frontend)),
            None => Err(input_error("apply run", "the protocol has not finished")),
        }
    }
}

/// The Action's outputs for a run, as a JSON array of `[name, value]` pairs
/// (`verb`: `diagnose`, `propose_fix` or `matrix`; see core's `action_outputs`).
#[wasm_bindgen(js_name = actionOutputs)]
pub fn action_outputs(verb: &str, json: &str, cached: Option<String>) -> Result<String, JsValue> {
    request::action_outputs(verb, json, cached.as_deref())
        .map(|pairs| to_json(&pairs))
        .map_err(|f| js_error(&f))
}

/// The step summary markdown for a run; `output_json` is a `propose_fix` output, or null.
#[wasm_bindgen(js_name = stepSummary)]
pub fn step_summary(
    verb: &str,
    text: &str,
    output_json: Option<String>,
) -> Result<String, JsValue> {
    let output: Option<petrova_core::proposal::propose::ProposeOutput> = match output_json {
        Some(json) => Some(from_json("propose output", &json)?),
        None => None,
    };
    Ok(request::step_summary(verb, text, output.as_ref()))
}

/// `status` or `sweep` as a request asks (one repository, or each with `all`).
#[wasm_bindgen]
pub struct FleetJob {
    runs: Vec<request::FleetRun>,
    settings: petrova_core::operator::settings::Settings,
    now: String,
}

/// Prepares `status` or `sweep` from a request (`FleetRequest` as JSON).
#[wasm_bindgen(js_name = prepareFleet)]
pub fn prepare_fleet(request_json: &str) -> Result<FleetJob, JsValue> {
    let req: request::FleetRequest = from_json("fleet request", request_json)?;
    let (runs, settings, now) = request::fleet(&req).map_err(|f| js_error(&f))?;
    Ok(FleetJob {
        runs,
        settings,
        now,
    })
}

#[wasm_bindgen]
impl FleetJob {
    /// How many repositories it covers.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> usize {
        self.runs.len()
    }

    /// Where and how to send requests (as [`PreparedProposal::executor`]).
    pub fn executor(&self) -> Result<String, JsValue> {
        let api_url = self
            .settings
            .api_url_for_token()
            .map_err(|f| js_error(&f))?;
        Ok(to_json(&serde_json::json!({
            "api_url": api_url,
            "http_timeout_ms": self.settings.http_timeout_ms,
        })))
    }

    /// The protocol of repository `index`.
    pub fn run(&self, index: usize) -> Result<FleetProtocol, JsValue> {
        let run = self
            .runs
            .get(index)
            .ok_or_else(|| input_error("fleet run", format!("no repository {index}")))?;
        Ok(FleetProtocol {
            machine: FleetMachine::new(&run.entry, run.command, &self.now, self.settings.retry),
            output: None,
        })
    }
}

/// One repository's `status` or `sweep`; the caller executes each request with `fetch`.
#[wasm_bindgen]
pub struct FleetProtocol {
    machine: FleetMachine,
    output: Option<FleetOutput>,
}

impl FleetProtocol {
    fn record(&mut self, step: Step<FleetOutput>) -> String {
        if let Step::Done { result } = &step {
            self.output = Some(result.clone());
        }
        to_json(&step)
    }

    fn finished(&self) -> Result<&FleetOutput, JsValue> {
        self.output
            .as_ref()
            .ok_or_else(|| input_error("fleet run", "the protocol has not finished"))
    }
}

#[wasm_bindgen]
impl FleetProtocol {
    /// The first step as JSON (as [`ApplyRun::start`]).
    pub fn start(&mut self) -> String {
        let step = self.machine.start();
        self.record(step)
    }

    /// Feeds a reply and returns the next step (as [`ApplyRun::reply`]).
    pub fn reply(&mut self, reply_json: &str, now_epoch_s: f64) -> Result<String, JsValue> {
        let reply: Reply = from_json("reply", reply_json)?;
        let step = self.machine.on_reply(&reply, now_epoch_s.max(0.0) as u64);
        Ok(self.record(step))
    }

    /// The output as one JSON object.
    #[wasm_bindgen(js_name = outputJson)]
    pub fn output_json(&self) -> Result<String, JsValue> {
        self.finished().map(to_json)
    }

    /// The output as the CLI prints it.
    pub fn text(&self) -> Result<String, JsValue> {
        self.finished().map(FleetOutput::render_text)
    }

    /// The output as the CLI's `--json` prints it: one line per pull request.
    #[wasm_bindgen(js_name = jsonLines)]
    pub fn json_lines(&self) -> Result<String, JsValue> {
        self.finished().map(FleetOutput::json_lines)
    }

    /// The step summary (a table).
    pub fn summary(&self) -> Result<String, JsValue> {
        self.finished().map(FleetOutput::step_summary)
    }

    /// The documented exit code.
    #[wasm_bindgen(getter, js_name = exitCode)]
    pub fn exit_code(&self) -> Result<u8, JsValue> {
        self.finished().map(|o| o.exit_code().code())
    }

    /// Why the run failed, as core's failure JSON, or null.
    pub fn error(&self) -> Result<Option<String>, JsValue> {
        self.finished().map(|o| o.error.as_ref().map(to_json))
    }
}
