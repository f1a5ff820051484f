//! Serializable requests for embedders (the wasm binding, the Action, the
//! browser preview): one struct in, core's answer out, so that a binding is
//! only "deserialize → call → serialize".

use crate::apply::ApplyResult;
use crate::diagnosis::{self, DiagnoseOutput, ScanInput, Window};
use crate::error::{Code, ConfigError, Diagnostic};
use crate::propose::{self, Outcome, Proposal, ProposeInput, ProposeOutput};
use crate::registry::{self, Registry, RepoEntry};
use crate::source::Checkout;
use crate::validate::{DiagnosisStore, LimitSettings, ValidationInput};
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
    pub fn from_bytes(bytes: &[u8], path: &str) -> Result<RegistrySource, RequestError> {
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
) -> Result<(Registry, RepoEntry), ConfigError> {
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
                    format!("no registry entry has the url of `{repository}`"),
                )
                .with_hint("pass the target slug explicitly")
            })?,
        (None, None) => {
            return Err(ConfigError::new(
                Code::UnknownRepo,
                &registry_src.path,
                None,
                "no target: give a slug or the repository",
            ))
        }
    };
    Ok((registry, entry))
}

/// `registry matrix` for embedders: the registry as a GitHub Actions `strategy.matrix`.
pub fn matrix(
    registry_src: &RegistrySource,
    filters: &[String],
) -> Result<registry::Matrix, RequestError> {
    let registry = registry::parse(&registry_src.source, &registry_src.path)?;
    registry::matrix(&registry, filters).map_err(RequestError::usage)
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
    /// Scan time (RFC 3339).
    pub scanned_at: String,
    /// The checkout's commit.
    #[serde(default)]
    pub head: Option<String>,
    /// Size limits (only the document limit applies to a scan).
    #[serde(default)]
    pub limits: LimitSettings,
}

/// Why an embedder's request failed before producing an outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestError {
    /// The documented exit code (2 usage, 3 configuration).
    pub exit_code: u8,
    /// The problem.
    pub diagnostic: Diagnostic,
    /// What to do.
    pub hint: Option<String>,
}

impl From<ConfigError> for RequestError {
    fn from(e: ConfigError) -> Self {
        RequestError {
            exit_code: 3,
            diagnostic: e.diagnostic,
            hint: e.hint,
        }
    }
}

impl RequestError {
    fn usage(message: String) -> Self {
        RequestError {
            exit_code: 2,
            diagnostic: Diagnostic {
                code: Code::RegistryInvalidValue,
                pointer: None,
                path: None,
                line: None,
                message,
            },
            hint: None,
        }
    }
}

/// Runs a diagnosis for an embedder.
pub fn diagnose(
    req: &DiagnoseRequest,
    checkout: &dyn Checkout,
) -> Result<DiagnoseOutput, RequestError> {
    let window = Window::parse(&req.since, req.until.as_deref()).map_err(RequestError::usage)?;
    let limits = req.limits.limits().map_err(RequestError::usage)?;
    let (_, entry) = resolve(&req.registry, &req.target)?;
    let input = ScanInput {
        window,
        scanned_at: req.scanned_at.clone(),
        head: req.head.clone(),
        limits: limits.scan,
    };
    Ok(DiagnoseOutput::new(
        &entry.slug,
        diagnosis::diagnose(checkout, &input),
    ))
}

/// `propose_fix` for embedders.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProposeRequest {
    /// The registry.
    pub registry: RegistrySource,
    /// The repository.
    pub target: Target,
    /// The plan file's text.
    pub plan: String,
    /// `fleet:NAME`.
    pub actor: String,
    /// Trigger kind.
    pub triggered_by_kind: String,
    /// Trigger reference.
    pub triggered_by_ref: String,
    /// Accept a stale diagnosis.
    #[serde(default)]
    pub allow_stale: bool,
    /// `applied_at` (RFC 3339).
    pub now: String,
    /// Size limits.
    #[serde(default)]
    pub limits: LimitSettings,
}

/// A prepared proposal (or its refusal) with the entry it targets.
pub struct Prepared {
    /// The registry entry.
    pub entry: RepoEntry,
    /// The proposal, or every problem.
    pub proposal: Result<Proposal, Vec<Diagnostic>>,
}

impl Prepared {
    /// The dry-run (or refusal) output.
    pub fn dry_run_output(&self) -> ProposeOutput {
        match &self.proposal {
            Ok(p) => ProposeOutput::from_proposal(p, Outcome::DryRun, None),
            Err(problems) => ProposeOutput::refused(problems.clone()),
        }
    }
}

/// Validates and prepares a proposal for an embedder.
pub fn prepare(
    req: &ProposeRequest,
    checkout: &dyn Checkout,
    store: &dyn DiagnosisStore,
) -> Result<Prepared, RequestError> {
    prepare_plan_bytes(req, req.plan.as_bytes(), checkout, store)
}

/// [`prepare`] with the plan file's bytes as read (`req.plan` is ignored), so
/// that a plan which is not UTF-8 is refused exactly as the CLI refuses it.
pub fn prepare_plan_bytes(
    req: &ProposeRequest,
    plan_bytes: &[u8],
    checkout: &dyn Checkout,
    store: &dyn DiagnosisStore,
) -> Result<Prepared, RequestError> {
    let limits = req.limits.limits().map_err(RequestError::usage)?;
    let (registry, entry) = resolve(&req.registry, &req.target)?;
    let profile = registry.profile_of(&entry);
    let input = ProposeInput {
        validation: ValidationInput {
            entry: &entry,
            profile: &profile,
            actor: &req.actor,
            plan_bytes,
            allow_stale: req.allow_stale,
            limits,
        },
        triggered_by_kind: &req.triggered_by_kind,
        triggered_by_ref: &req.triggered_by_ref,
        now: &req.now,
    };
    let proposal = propose::prepare(&input, checkout, store);
    Ok(Prepared { entry, proposal })
}

/// How an apply run ends, for every executor alike.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyReport {
    /// The output, when the run reached a documented outcome.
    pub output: Option<ProposeOutput>,
    /// The documented exit code.
    pub exit_code: u8,
    /// The error message for exit codes 1 (conflict), 3 and 4.
    pub error: Option<String>,
}

/// Turns the apply protocol's result into the output and exit code.
pub fn apply_report(proposal: &Proposal, result: &ApplyResult) -> ApplyReport {
    match result {
        ApplyResult::Finished {
            outcome,
            pr,
            detail,
            existing_body,
        } => {
            let mut output = ProposeOutput::from_proposal(proposal, *outcome, pr.clone());
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
                format!(
                    "conflict: {}; nothing was touched",
                    detail
                        .as_deref()
                        .unwrap_or("another proposal owns the branch")
                )
            });
            ApplyReport {
                output: Some(output),
                exit_code: outcome.exit_code(),
                error,
            }
        }
        ApplyResult::Configuration { message } | ApplyResult::GithubFailed { message } => {
            ApplyReport {
                output: None,
                exit_code: result.exit_code(),
                error: Some(message.clone()),
            }
        }
    }
}

/// GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`) for problems.
pub fn annotations(problems: &[Diagnostic], plan_file: &str) -> Vec<String> {
    problems
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
            format!("::error {props}::{}", escape_data(&p.message))
        })
        .collect()
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotation_escaping() {
        let d = Diagnostic::at_pointer(
            Code::PathParent,
            "/proposed_changes/0/path",
            "50% bad:\nnext",
        );
        assert_eq!(
            annotations(&[d], "fix,1.json"),
            vec!["::error file=fix%2C1.json,title=petrova path_parent at /proposed_changes/0/path::50%25 bad:%0Anext"]
        );
    }
}
