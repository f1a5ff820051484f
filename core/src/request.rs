//! Serializable requests for embedders (the wasm binding, the Action, the
//! browser preview): one struct in, core's answer out, so that a binding is
//! only "deserialize → call → serialize".

use crate::encoding::text::{runner_safe, shown};
use crate::error::{Code, ConfigError, Diagnostic, Exit, Failure, Frontend, Knob};
use crate::github::apply::{ApplyResult, RejectReason};
use crate::governance::diagnosis::{self, DiagnoseOutput, ScanInput, Window};
use crate::governance::source::{Checkout, SourceErrorKind};
use crate::operator::registry::{self, Registry, RepoEntry};
use crate::operator::settings::{Settings, Vars};
use crate::plan::validate::{DiagnosisStore, ValidationInput};
use crate::proposal::propose::{self, Outcome, Proposal, ProposeInput, ProposeOutput};
use serde::{Deserialize, Serialize};

/// The registry file as the caller read it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RegistrySource {
    /// Its text.
    pub source: String,
    /// Its path, for messages.
    pub path: String,
}

impl RegistrySource {
    /// The source of a registry file read as bytes, refused (exit 3,
    /// `registry_syntax` at the line) unless it is UTF-8, as the CLI refuses it.
    pub fn from_bytes(bytes: &[u8], path: &str) -> Result<RegistrySource, Failure> {
        Ok(RegistrySource {
            source: registry::decode(bytes, path)?.to_owned(),
            path: path.to_owned(),
        })
    }
}

/// Which registry entry to act on: by slug, else the entry whose URL names `repository`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Target {
    /// A registry slug.
    #[serde(default)]
    pub slug: Option<String>,
    /// `owner/name` (e.g. `GITHUB_REPOSITORY`), used when `slug` is absent.
    #[serde(default)]
    pub repository: Option<String>,
}

/// Parses the registry and picks the target entry.
pub fn resolve(
    registry_src: &RegistrySource,
    target: &Target,
) -> Result<(Registry, RepoEntry), Failure> {
    let registry = registry::parse(&registry_src.source, &registry_src.path)?;
    let entry = match (
        target.slug.as_deref().filter(|s| !s.is_empty()),
        target.repository.as_deref(),
    ) {
        (Some(slug), _) => registry.require(slug, &registry_src.path)?.clone(),
        (None, Some(repository)) => registry
            .find_by_repository(repository)
            .cloned()
            .ok_or_else(|| {
                ConfigError::new(
                    Code::UnknownRepo,
                    &registry_src.path,
                    None,
                    format!(
                        "no registry entry has the url of `{}`",
                        repository.escape_debug()
                    ),
                )
                .with_hint("name the target slug explicitly")
            })?,
        (None, None) => {
            return Err(ConfigError::new(
                Code::UnknownRepo,
                &registry_src.path,
                None,
                "no target: give a slug or the repository",
            )
            .into())
        }
    };
    Ok((registry, entry))
}

/// `registry matrix` for embedders: the registry as a GitHub Actions `strategy.matrix`.
pub fn matrix(
    registry_src: &RegistrySource,
    filters: &[String],
) -> Result<registry::Matrix, Failure> {
    let registry = registry::parse(&registry_src.source, &registry_src.path)?;
    registry::matrix(&registry, filters).map_err(|m| Failure::new(Code::SettingInvalid, m))
}

/// `diagnose` for embedders.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DiagnoseRequest {
    /// The registry.
    pub registry: RegistrySource,
    /// The repository.
    pub target: Target,
    /// First day.
    pub since: String,
    /// Last day.
    #[serde(default)]
    pub until: Option<String>,
    /// The front end's clock (RFC 3339); `PETROVA_NOW` in `env` overrides it.
    pub scanned_at: String,
    /// The checkout's commit.
    #[serde(default)]
    pub head: Option<String>,
    /// The operator's environment (core reads the settings it knows).
    #[serde(default)]
    pub env: Vars,
    /// Who asks (spells hints).
    #[serde(default)]
    pub frontend: Frontend,
}

/// A diagnosis request's window and settings, checked before any scan.
pub struct DiagnosePlan {
    /// The window.
    pub window: Window,
    /// The settings.
    pub settings: Settings,
    /// The scan time.
    pub scanned_at: String,
}

impl DiagnosePlan {
    /// Checks the window and the settings (exit 2 on a bad one), before
    /// anything is read.
    pub fn new(
        since: &str,
        until: Option<&str>,
        env: &Vars,
        clock: &str,
        frontend: Frontend,
    ) -> Result<DiagnosePlan, Failure> {
        let window = Window::parse(since, until, frontend)?;
        let settings = Settings::from_vars(env)?;
        let scanned_at = settings.now_or(clock);
        Ok(DiagnosePlan {
            window,
            settings,
            scanned_at,
        })
    }
}

impl DiagnoseRequest {
    /// Checks the window and the settings (exit 2 on a bad one).
    pub fn plan(&self) -> Result<DiagnosePlan, Failure> {
        DiagnosePlan::new(
            &self.since,
            self.until.as_deref(),
            &self.env,
            &self.scanned_at,
            self.frontend,
        )
    }
}

/// Runs a diagnosis for an embedder.
pub fn diagnose(req: &DiagnoseRequest, checkout: &dyn Checkout) -> Result<DiagnoseOutput, Failure> {
    let plan = req.plan()?;
    let (_, entry) = resolve(&req.registry, &req.target)?;
    Ok(diagnose_entry(&plan, &entry, req.head.clone(), checkout))
}

/// Diagnoses one registry entry's checkout (`diagnose --all` calls this per entry).
pub fn diagnose_entry(
    plan: &DiagnosePlan,
    entry: &RepoEntry,
    head: Option<String>,
    checkout: &dyn Checkout,
) -> DiagnoseOutput {
    let input = ScanInput {
        window: plan.window.clone(),
        scanned_at: plan.scanned_at.clone(),
        head,
        limits: plan.settings.limits.scan,
    };
    DiagnoseOutput::new(&entry.slug, diagnosis::diagnose(checkout, &input))
}

/// `propose_fix` for embedders.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProposeRequest {
    /// The registry.
    pub registry: RegistrySource,
    /// The repository.
    pub target: Target,
    /// `fleet:NAME`.
    pub actor: String,
    /// Trigger kind.
    pub triggered_by_kind: String,
    /// Trigger reference.
    pub triggered_by_ref: String,
    /// Accept a stale diagnosis.
    #[serde(default)]
    pub allow_stale: bool,
    /// On apply, close open petrova PRs whose paths overlap (instead of `conflict`).
    #[serde(default)]
    pub supersede: bool,
    /// On apply, open the pull request even when a similar one was rejected.
    #[serde(default)]
    pub reconsider: bool,
    /// The front end's clock (RFC 3339); `PETROVA_NOW` in `env` overrides it.
    pub now: String,
    /// The operator's environment (core reads the settings it knows).
    #[serde(default)]
    pub env: Vars,
    /// Who asks (spells hints).
    #[serde(default)]
    pub frontend: Frontend,
    /// The registry file's path inside the checkout, when it lives there
    /// (the Action's `registry` input is relative to the checkout): no plan may change it.
    #[serde(default)]
    pub registry_in_checkout: Option<String>,
}

/// A prepared proposal (or its refusal) with the entry it targets.
pub struct Prepared {
    /// The registry entry.
    pub entry: RepoEntry,
    /// The operator settings the run uses (retries, timeouts, the API URL).
    pub settings: Settings,
    /// The proposal, or every problem.
    pub proposal: Result<Proposal, Vec<Diagnostic>>,
    /// Who asked.
    pub frontend: Frontend,
}

impl Prepared {
    /// The dry-run (or refusal) output.
    pub fn dry_run_output(&self) -> ProposeOutput {
        match &self.proposal {
            Ok(p) => ProposeOutput::from_proposal(p, Outcome::DryRun, None),
            Err(problems) => ProposeOutput::refused(problems.clone()),
        }
    }

    /// The exit code of a dry run: 0, or 1 when refused.
    pub fn dry_run_exit(&self) -> Exit {
        match &self.proposal {
            Ok(_) => Exit::Done,
            Err(_) => Exit::Refused,
        }
    }

    /// The settings checked for sending a token (exit 3 when the API URL would leak it).
    pub fn github(&self) -> Result<&Settings, Failure> {
        self.settings.api_url_for_token()?;
        Ok(&self.settings)
    }

    /// The proposal to apply; a refused plan cannot be applied.
    pub fn to_apply(&self) -> Result<&Proposal, Failure> {
        self.proposal
            .as_ref()
            .map_err(|_| Failure::new(Code::PlanRefused, "a refused plan cannot be applied"))
    }
}

/// Validates and prepares a proposal for an embedder, from the plan file's
/// bytes as read, so that a plan which is not UTF-8 is refused in one place.
pub fn prepare(
    req: &ProposeRequest,
    plan_bytes: &[u8],
    checkout: &dyn Checkout,
    store: &dyn DiagnosisStore,
) -> Result<Prepared, Failure> {
    let settings = Settings::from_vars(&req.env)?;
    let (registry, entry) = resolve(&req.registry, &req.target)?;
    let profile = registry.profile_of(&entry);
    let now = settings.now_or(&req.now);
    let input = ProposeInput {
        validation: ValidationInput {
            entry: &entry,
            profile: &profile,
            actor: &req.actor,
            plan_bytes,
            allow_stale: req.allow_stale,
            limits: settings.limits,
            frontend: req.frontend,
            registry_in_checkout: req.registry_in_checkout.as_deref(),
        },
        triggered_by_kind: &req.triggered_by_kind,
        triggered_by_ref: &req.triggered_by_ref,
        now: &now,
        supersede: req.supersede,
        reconsider: req.reconsider,
    };
    let proposal = propose::prepare(&input, checkout, store);
    Ok(Prepared {
        entry,
        settings,
        proposal,
        frontend: req.frontend,
    })
}

/// How an apply run ends, for every executor alike.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyReport {
    /// The output: the documented outcome, or `failed` with what was attempted.
    pub output: ProposeOutput,
    /// The documented exit code.
    pub exit_code: Exit,
    /// Why the run did not end well (conflict, configuration, GitHub).
    pub error: Option<Failure>,
}

/// Turns the apply protocol's result into the output and exit code.
pub fn apply_report(proposal: &Proposal, result: &ApplyResult, frontend: Frontend) -> ApplyReport {
    match result {
        ApplyResult::Finished {
            outcome,
            pr,
            detail,
            existing_body,
            warnings,
            rejected,
            overlapping,
            superseded,
            reconsidered,
        } => {
            let mut output = ProposeOutput::from_proposal(proposal, *outcome, pr.clone());
            output.reason = *rejected;
            output.overlapping = overlapping.clone();
            output.superseded = superseded.clone();
            output.reconsidered = reconsidered.clone();
            if *rejected == Some(RejectReason::Similar) {
                output.hint = Some(format!(
                    "if the change is wanted after all, run again with {}",
                    frontend.spell(Knob::Reconsider)
                ));
            }
            // The body GitHub got links the reconsidered PR.
            if let Some(rejected) = reconsidered {
                output.body = Some(crate::proposal::body::with_reconsidered(
                    &proposal.body.text,
                    rejected,
                ));
            }
            output.warnings = warnings
                .iter()
                .map(|w| Diagnostic::at_pointer(Code::PrFollowupFailed, "", w.clone()))
                .collect();
            // A skipped run reports the body GitHub shows, not one rendered for this run.
            if let Some(body) = existing_body {
                output.body = Some(body.clone());
            }
            if let Some(detail) = detail {
                output.problems.push(Diagnostic::at_pointer(
                    Code::ApplyConflict,
                    "",
                    detail.clone(),
                ));
            }
            let error = (*outcome == Outcome::Conflict).then(|| {
                let failure = Failure::new(
                    Code::ApplyConflict,
                    format!(
                        "conflict: {}; nothing was touched",
                        detail
                            .as_deref()
                            .unwrap_or("another proposal owns the branch")
                    ),
                );
                if overlapping.is_empty() {
                    failure
                } else {
                    failure.with_knob(
                        frontend,
                        "to replace them (closing each with a comment linking the new one), run again with",
                        Knob::Supersede,
                        "",
                    )
                }
            });
            ApplyReport {
                output,
                exit_code: outcome.exit_code(),
                error,
            }
        }
        ApplyResult::Configuration { message, token } => {
            let mut failure = Failure::new(Code::GithubAccess, message.clone());
            if *token {
                failure = failure.with_knob(frontend, "check", Knob::Token, "");
            }
            ApplyReport {
                output: ProposeOutput::failed(proposal, failure.clone()),
                exit_code: failure.exit_code,
                error: Some(failure),
            }
        }
        ApplyResult::GithubFailed { message } => {
            let failure = Failure::new(Code::GithubFailed, message.clone())
                .with_hint("run again: a re-run resumes where this one stopped");
            ApplyReport {
                output: ProposeOutput::failed(proposal, failure.clone()),
                exit_code: failure.exit_code,
                error: Some(failure),
            }
        }
    }
}

/// The token a run that talks to GitHub needs, or exit 3 saying how to give one.
pub fn require_token(token: Option<&str>, frontend: Frontend) -> Result<(), Failure> {
    match token.map(str::trim) {
        Some(t) if !t.is_empty() => Ok(()),
        _ => Err(Failure::new(
            Code::TokenMissing,
            "a GitHub token is needed to open pull requests (with contents:write and pull-requests:write)",
        )
        .with_knob(frontend, "set", Knob::Token, "")),
    }
}

/// A file a front end reads for a run: the registry or the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunFile {
    /// The registry file.
    Registry,
    /// The plan file.
    Plan,
}

/// Why `file` at `path` could not be read: a symlink on the way is refused
/// (exit 2: it could lead outside the workspace); otherwise the registry is a
/// configuration problem (exit 3) and the plan a usage one (exit 2).
pub fn file_unreadable(
    file: RunFile,
    path: &str,
    kind: SourceErrorKind,
    frontend: Frontend,
) -> Failure {
    let (what, input, code, knob) = match file {
        RunFile::Registry => (
            "the registry",
            "registry",
            Code::RegistryUnreadable,
            Knob::Registry,
        ),
        RunFile::Plan => ("the plan file", "input", Code::PlanUnreadable, Knob::Input),
    };
    if kind == SourceErrorKind::Symlink {
        return Failure::new(
            Code::SettingInvalid,
            format!(
                "input `{input}` `{}` is, or lies behind, a symlink; not followed (it must name a file inside the workspace)",
                path.escape_debug()
            ),
        );
    }
    let why = match kind {
        SourceErrorKind::NotFound => "does not exist",
        other => other.describe(),
    };
    Failure::new(code, format!("{what} `{}` {why}", path.escape_debug()))
        .with_knob(frontend, "check", knob, "")
}

/// The checkout of an entry is not where the registry says (exit 3).
pub fn checkout_missing(entry: &RepoEntry, shown_dir: &str) -> Failure {
    Failure::new(
        Code::CheckoutMissing,
        format!(
            "checkout of `{}` not found at {}",
            entry.slug,
            shown_dir.escape_debug()
        ),
    )
    .with_hint(format!(
        "clone {} there, or set `path:` in the registry entry",
        entry.url
    ))
}

/// How a refused plan ends a run (exit 1): "plan refused (N problems)", with
/// the problems on lines of their own when `list` (nothing else showed them).
pub fn refusal(problems: &[Diagnostic], list: bool) -> Failure {
    let n = problems.len();
    let mut message = format!(
        "plan refused ({n} problem{})",
        if n == 1 { "" } else { "s" }
    );
    if list {
        for p in problems {
            message.push_str("\n  ");
            message.push_str(&p.to_string());
        }
    }
    Failure::new(Code::PlanRefused, message)
}

/// The Action's outputs for a run: `[name, value]` pairs, each value on one
/// line (control characters escaped), for `$GITHUB_OUTPUT`.
///
/// `verb` is `diagnose` (`json` is the diagnosis, `file` the cache file),
/// `propose_fix` (`json` is the output, `file` where it was written),
/// `matrix` (`json` is the matrix), or `status`/`sweep` (`json` is the
/// fleet output, `file` where it was written).
pub fn action_outputs(
    verb: &str,
    json: &str,
    file: Option<&str>,
) -> Result<Vec<(String, String)>, Failure> {
    let bad = |e: serde_json::Error| {
        Failure::new(Code::InputInvalid, format!("invalid {verb} output: {e}"))
    };
    let mut out: Vec<(&str, String)> = Vec::new();
    match verb {
        "diagnose" => {
            let output: DiagnoseOutput = serde_json::from_slice(json.as_bytes()).map_err(bad)?;
            out.push(("outcome", "diagnosed".to_owned()));
            out.push(("diagnosis-id", output.result.diagnosis_id));
            out.push(("diagnosis-file", file.unwrap_or_default().to_owned()));
        }
        "matrix" => {
            out.push(("outcome", "matrix".to_owned()));
            out.push(("matrix", json.to_owned()));
        }
        "status" | "sweep" => {
            let output: crate::github::fleet::FleetOutput =
                serde_json::from_slice(json.as_bytes()).map_err(bad)?;
            out.push(("outcome", output.outcome.clone()));
            let numbers = |keep: &dyn Fn(&crate::github::fleet::FleetRow) -> bool| {
                output
                    .pulls
                    .iter()
                    .filter(|r| keep(r))
                    .map(|r| r.number.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            };
            out.push(("pr-numbers", numbers(&|_| true)));
            if verb == "sweep" {
                use crate::github::fleet::SweepAction;
                out.push((
                    "closed",
                    numbers(&|r| r.action == Some(SweepAction::Closed)),
                ));
                out.push(("expired", numbers(&|r| r.action != Some(SweepAction::Kept))));
            }
            out.push(("result-file", file.unwrap_or_default().to_owned()));
        }
        _ => {
            let output: ProposeOutput = serde_json::from_slice(json.as_bytes()).map_err(bad)?;
            out.push(("outcome", output.outcome.as_str().to_owned()));
            if output.outcome != Outcome::Refused {
                out.push((
                    "idempotency-key",
                    output.idempotency_key.unwrap_or_default(),
                ));
                out.push(("branch", output.branch.unwrap_or_default()));
                if output.outcome != Outcome::Failed {
                    let pr = output.pr.as_ref();
                    out.push((
                        "pr-number",
                        pr.map(|p| p.number.to_string()).unwrap_or_default(),
                    ));
                    out.push(("pr-url", pr.map(|p| p.url.clone()).unwrap_or_default()));
                }
                out.push(("upholds", output.upholds.join(",")));
            }
            out.push(("result-file", file.unwrap_or_default().to_owned()));
        }
    }
    Ok(out
        .into_iter()
        .map(|(name, value)| (name.to_owned(), shown(&value).into_owned()))
        .collect())
}

/// The most of a run's text a step summary shows.
pub const MAX_SUMMARY_TEXT_BYTES: usize = 512 * 1024;

/// The step summary for a run: a heading, the text in a fence longer than
/// any backtick run inside it, then the pull-request body when there is one.
///
/// It stays under GitHub's 1 MiB for a step summary: the text is cut at
/// [`MAX_SUMMARY_TEXT_BYTES`] (saying so) and a body is at most 65,536 characters.
pub fn step_summary(verb: &str, text: &str, output: Option<&ProposeOutput>) -> String {
    let failed = output.and_then(|o| o.error.as_ref()).map(Failure::render);
    let text = failed.as_deref().unwrap_or(text);
    let cut;
    let text = if text.len() > MAX_SUMMARY_TEXT_BYTES {
        let mut end = MAX_SUMMARY_TEXT_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        cut = format!(
            "{}\n… cut at {MAX_SUMMARY_TEXT_BYTES} bytes (the whole output is in the result file)\n",
            &text[..end]
        );
        cut.as_str()
    } else {
        text
    };
    let fence = crate::proposal::body::fence_for(text, '`');
    let heading = match output {
        Some(o) => format!("### petrova {verb}: {}", o.outcome.as_str()),
        None => format!("### petrova {verb}"),
    };
    let mut s = format!("{heading}\n\n{fence}text\n{text}");
    if !text.ends_with('\n') {
        s.push('\n');
    }
    s.push_str(&fence);
    s.push('\n');
    // A failed run's body was never sent: only the text says what happened.
    // A skipped run reports the body GitHub holds — anyone with write access
    // may have edited it — so only a body petrova rendered is shown whole.
    let body = output
        .filter(|o| o.outcome != Outcome::Failed && !body_from_github(o))
        .and_then(|o| o.body.as_deref());
    if let Some(body) = body {
        s.push('\n');
        s.push_str(body);
        if !body.ends_with('\n') {
            s.push('\n');
        }
    }
    s
}

/// Whether `output.body` is the existing pull request's, as GitHub returned
/// it, rather than one petrova rendered for this run.
fn body_from_github(output: &ProposeOutput) -> bool {
    match output.outcome {
        Outcome::SkippedIdempotent | Outcome::SkippedMerged => true,
        Outcome::SkippedRejected => output.reason != Some(RejectReason::Similar),
        _ => false,
    }
}

/// `petrova init`: what the checkout keeps where, and the `.petrova.yml`
/// suggested for it. With `write`, an existing `.petrova.yml` is refused
/// unless `force` (nothing is written then).
pub fn init(
    checkout: &dyn Checkout,
    vars: &Vars,
    write: bool,
    force: bool,
) -> Result<crate::governance::adopt::InitReport, Failure> {
    let settings = Settings::from_vars(vars)?;
    let report = crate::governance::adopt::suggest(checkout, settings.limits.scan);
    if write && report.config_exists && !force {
        return Err(Failure::new(
            Code::ConfigExists,
            "`.petrova.yml` exists already; nothing written (`--force` replaces it)",
        ));
    }
    Ok(report)
}

/// Raw markdown printed to standard output (`render`, `--body-only`), where
/// plan text keeps its own lines: wrapped in `::stop-commands::TOKEN` …
/// `::TOKEN::` so that GitHub's runner obeys no line of it. The token is
/// derived from the idempotency key and lengthened until the text does not
/// hold it, so a plan that predicts it still cannot resume commands early.
pub fn raw_stdout(text: &str, key: &str) -> String {
    let mut token = format!("petrova-{}", &key[..key.len().min(16)]);
    // The runner compares the resume token without case.
    let lower = text.to_ascii_lowercase();
    while lower.contains(&token.to_ascii_lowercase()) {
        token.push('0');
    }
    let mut out = format!("::stop-commands::{token}\n{text}");
    if !text.ends_with(['\n', '\r']) {
        out.push('\n');
    }
    out.push_str(&format!("::{token}::\n"));
    out
}

/// The `::error` workflow command for a failure that ended a run.
pub fn failure_command(failure: &Failure) -> String {
    format!(
        "::error title={}::{}",
        escape_property(&format!("petrova {}", failure.diagnostic.code)),
        escape_data(&failure.render())
    )
}

/// GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`) for problems.
/// At most [`propose::MAX_SHOWN_PROBLEMS`], then one saying how many more the JSON holds.
pub fn annotations(problems: &[Diagnostic], plan_file: &str) -> Vec<String> {
    let shown_count = problems.len().min(propose::MAX_SHOWN_PROBLEMS);
    let mut lines: Vec<String> = problems[..shown_count]
        .iter()
        .map(|p| {
            let file = p.path.as_deref().unwrap_or(plan_file);
            let mut props = format!("file={}", escape_property(file));
            if let Some(line) = p.line {
                props.push_str(&format!(",line={line}"));
            }
            let title = match &p.pointer {
                Some(pointer) if !pointer.is_empty() => format!("petrova {} at {pointer}", p.code),
                _ => format!("petrova {}", p.code),
            };
            props.push_str(&format!(",title={}", escape_property(&title)));
            let message = shown(&p.message);
            format!("::error {props}::{}", escape_data(&runner_safe(&message)))
        })
        .collect();
    if problems.len() > shown_count {
        lines.push(format!(
            "::error file={},title=petrova plan refused::{} more problems, not shown here; every problem is in the JSON output (result-file)",
            escape_property(plan_file),
            problems.len() - shown_count
        ));
    }
    lines
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (a file name, a title holding a JSON pointer): shown, then escaped.
fn escape_property(s: &str) -> String {
    escape_data(&runner_safe(&shown(s)))
        .replace(':', "%3A")
        .replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_summary_stays_under_github_s_mib() {
        let text = "  create x (1 B)\n".repeat(200_000);
        let summary = step_summary("propose_fix", &text, None);
        assert!(summary.len() < 1024 * 1024, "{}", summary.len());
        assert!(summary.contains("cut at"));
        // A fence longer than any backtick run in the text keeps it one block.
        let summary = step_summary("propose_fix", "a ```` b\n", None);
        assert!(summary.contains("`````text\n"), "{summary}");
    }

    #[test]
    fn raw_stdout_resumes_commands_only_where_petrova_says() {
        let key = "4f8c3e21d97a0b6c5e4f3a2b1c0d9e8f";
        assert_eq!(
            raw_stdout("body\n", key),
            "::stop-commands::petrova-4f8c3e21d97a0b6c\nbody\n::petrova-4f8c3e21d97a0b6c::\n"
        );
        // A body that predicts the token does not get to end the wrapping.
        let forged = "x\n::petrova-4f8c3e21d97a0b6c::\n::set-output name=a::b";
        let out = raw_stdout(forged, key);
        assert!(
            out.starts_with("::stop-commands::petrova-4f8c3e21d97a0b6c0\n"),
            "{out}"
        );
        assert!(out.ends_with("b\n::petrova-4f8c3e21d97a0b6c0::\n"), "{out}");
        // The runner ignores case when it looks for the token.
        let out = raw_stdout("::PETROVA-4F8C3E21D97A0B6C::\n", key);
        assert!(
            out.starts_with("::stop-commands::petrova-4f8c3e21d97a0b6c0\n"),
            "{out}"
        );
    }

    #[test]
    fn annotation_escaping() {
        let d = Diagnostic::at_pointer(
            Code::PathParent,
            "/proposed_changes/0/path",
            "50% bad:\nnext",
        );
        assert_eq!(
            annotations(&[d], "fix,1.json"),
            vec!["::error file=fix%2C1.json,title=petrova path_parent at /proposed_changes/0/path::50%25 bad:\\nnext"],
            "a newline in a message is shown, not turned into a line of the annotation"
        );
    }
}

/// `petrova status` and `petrova sweep` for embedders.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FleetRequest {
    /// The registry.
    pub registry: RegistrySource,
    /// The repository; ignored with `all`.
    #[serde(default)]
    pub target: Target,
    /// Every repository of the registry.
    #[serde(default)]
    pub all: bool,
    /// `status` or `sweep`.
    pub verb: String,
    /// `sweep`: close the expired pull requests (else a dry run).
    #[serde(default)]
    pub apply: bool,
    /// The front end's clock (RFC 3339); `PETROVA_NOW` in `env` overrides it.
    pub now: String,
    /// The operator's environment.
    #[serde(default)]
    pub env: Vars,
}

/// One repository's `status` or `sweep`, ready to run.
#[derive(Clone, Debug)]
pub struct FleetRun {
    /// The registry entry.
    pub entry: RepoEntry,
    /// What to do.
    pub command: crate::github::fleet::FleetCommand,
}

/// The runs a `status`/`sweep` request asks for (one per repository, in
/// registry order with `all`), the settings they use, and the run's clock.
pub fn fleet(req: &FleetRequest) -> Result<(Vec<FleetRun>, Settings, String), Failure> {
    use crate::github::fleet::FleetCommand;
    let settings = Settings::from_vars(&req.env)?;
    let now = settings.now_or(&req.now);
    let apply = req.apply;
    let command = |registry: &Registry, entry: &RepoEntry| -> Result<FleetCommand, Failure> {
        match req.verb.as_str() {
            "status" => Ok(FleetCommand::Status),
            "sweep" => Ok(FleetCommand::Sweep {
                expires_days: registry.profile_of(entry).expires_days,
                apply,
            }),
            other => Err(Failure::new(
                Code::SettingInvalid,
                format!("`{}` is not status or sweep", other.escape_debug()),
            )),
        }
    };
    let runs = if req.all {
        let registry = registry::parse(&req.registry.source, &req.registry.path)?;
        registry
            .repos
            .iter()
            .map(|entry| {
                Ok(FleetRun {
                    command: command(&registry, entry)?,
                    entry: entry.clone(),
                })
            })
            .collect::<Result<Vec<_>, Failure>>()?
    } else {
        let (registry, entry) = resolve(&req.registry, &req.target)?;
        vec![FleetRun {
            command: command(&registry, &entry)?,
            entry,
        }]
    };
    Ok((runs, settings, now))
}
