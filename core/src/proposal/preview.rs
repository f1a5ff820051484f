//! The browser preview: the offline half of validation (every check that
//! needs no checkout, [`validate::check_offline`]) and the very render a dry
//! run makes — the same key, title, upholds, metadata, change summaries and
//! body — from a plan and a diagnosis alone.

use crate::error::{Code, Diagnostic};
use crate::governance::diagnosis::DiagnoseOutput;
use crate::governance::docs::MetaRule;
use crate::operator::registry::Profile;
use crate::operator::settings::{Settings, Vars};
use crate::plan;
use crate::plan::key::proposal_key;
use crate::plan::validate::{self, Offline};
use crate::proposal::body::{self, BodyInput};
use crate::proposal::propose::{self, ChangeSummary};
use serde::{Deserialize, Serialize};

/// What the preview page sends.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PreviewRequest {
    /// The plan JSON text.
    pub plan: String,
    /// The `petrova diagnose --json` text (or the Action's diagnosis file).
    pub diagnosis: String,
    /// `fleet:NAME` shown in the metadata.
    #[serde(default = "default_actor")]
    pub actor: String,
    /// Trigger kind shown in the metadata.
    #[serde(default = "default_trigger")]
    pub triggered_by_kind: String,
    /// Trigger ref shown in the metadata.
    #[serde(default = "default_trigger")]
    pub triggered_by_ref: String,
    /// `applied_at` shown in the metadata.
    pub now: String,
    /// The repository's profile and its name, when known: its checks are then made too.
    #[serde(default)]
    pub profile: Option<NamedProfile>,
    /// The operator's settings (`PETROVA_MAX_BODY_CHARS`, …), when known.
    #[serde(default)]
    pub env: Vars,
}

/// A registry profile with its name.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NamedProfile {
    /// The profile's name.
    pub name: String,
    /// The profile.
    #[serde(flatten)]
    pub profile: Profile,
}

fn default_actor() -> String {
    "fleet:preview".to_owned()
}

fn default_trigger() -> String {
    "preview".to_owned()
}

/// Which input of the preview a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreviewInput {
    /// The plan box.
    Plan,
    /// The diagnosis box.
    Diagnosis,
    /// The settings (profile, limits).
    Settings,
}

/// A problem and the input it is in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewProblem {
    /// The input to fix.
    pub input: PreviewInput,
    /// The problem (its pointer points into that input).
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}

/// What the preview page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewOutput {
    /// Problems found, each with its input and location.
    pub problems: Vec<PreviewProblem>,
    /// Checks that need the repository's checkout and were not made.
    pub unchecked: Vec<String>,
    /// The idempotency key (when the plan parses).
    pub idempotency_key: Option<String>,
    /// Its first 12 hex digits.
    pub short_key: Option<String>,
    /// The branch.
    pub branch: Option<String>,
    /// The pull request's title as GitHub will get it.
    pub title: Option<String>,
    /// Guards of the diagnosis, with statements, each once.
    pub upholds: Vec<MetaRule>,
    /// The changes.
    pub changes: Vec<ChangeSummary>,
    /// The PR body's markdown.
    pub body: Option<String>,
    /// The PR body as HTML ([`body::to_html`]).
    pub body_html: Option<String>,
    /// What was shortened in the body, if anything.
    pub body_shortened: Option<String>,
}

fn problem(input: PreviewInput, diagnostic: Diagnostic) -> PreviewProblem {
    PreviewProblem { input, diagnostic }
}

/// Checks a plan against a diagnosis and renders its body as a dry run would.
pub fn preview(req: &PreviewRequest) -> PreviewOutput {
    let mut unchecked = vec![
        "paths against the checkout (create/modify/delete, symlinks)".to_owned(),
        "guards of .petrova.yml".to_owned(),
        "finding, decision and spec references".to_owned(),
        "the actor against the registry".to_owned(),
        "whether the diagnosis is still current".to_owned(),
    ];
    if req.profile.is_none() {
        unchecked.push("the registry profile (paths, sizes, file count)".to_owned());
    }
    let mut out = PreviewOutput {
        problems: Vec::new(),
        unchecked,
        idempotency_key: None,
        short_key: None,
        branch: None,
        title: None,
        upholds: Vec::new(),
        changes: Vec::new(),
        body: None,
        body_html: None,
        body_shortened: None,
    };
    let limits = match Settings::from_vars(&req.env) {
        Ok(settings) => settings.limits,
        Err(failure) => {
            out.problems
                .push(problem(PreviewInput::Settings, failure.diagnostic));
            validate::PlanLimits::default()
        }
    };
    let diagnosis = read_diagnosis(&req.diagnosis, &mut out.problems);
    let plan = match plan::parse(req.plan.as_bytes(), limits.max_plan_bytes) {
        Ok(plan) => plan,
        Err(problems) => {
            out.problems
                .extend(problems.into_iter().map(|p| problem(PreviewInput::Plan, p)));
            return out;
        }
    };
    let d = diagnosis.as_ref().map(|o| &o.result);
    let no_milestones = Vec::new();
    // Without the checkout's .petrova.yml, the default layout names the meta-rules.
    let own_config = [
        crate::governance::docs::CONFIG_FILE.to_owned(),
        crate::governance::docs::RepoConfig::default().meta_rules,
    ];
    let ctx = Offline {
        own_config: &own_config,
        profile: req.profile.as_ref().map(|p| (&p.profile, p.name.as_str())),
        rules: d.map_or(&[], |d| d.meta_rules.as_slice()),
        open_milestones: d.map_or(&no_milestones, |d| &d.milestones.open),
    };
    let mut plan_problems = Vec::new();
    validate::check_offline(&plan, &ctx, &mut plan_problems);
    if diagnosis.is_none() {
        // Without a diagnosis there is nothing to check references against.
        plan_problems.retain(|p| {
            !matches!(
                p.code,
                Code::GroundingUnknownRule | Code::GroundingUnknownMilestone
            )
        });
    }
    out.problems.extend(
        plan_problems
            .into_iter()
            .map(|p| problem(PreviewInput::Plan, p)),
    );
    let Some(diagnosis) = diagnosis else {
        return out;
    };
    let d = &diagnosis.result;
    if plan.diagnosis_id != d.diagnosis_id {
        out.problems.push(problem(
            PreviewInput::Plan,
            Diagnostic::at_pointer(
                Code::DiagnosisUnknown,
                "/diagnosis_id",
                format!(
                    "the plan cites `{}` but the diagnosis shown is `{}`",
                    plan.diagnosis_id.escape_debug(),
                    d.diagnosis_id
                ),
            ),
        ));
    }
    out.upholds = validate::upholds(d.guards.iter().map(String::as_str), &d.meta_rules);
    let key = proposal_key(&diagnosis.target_repo, &plan);
    let mut metadata = propose::metadata(
        &diagnosis.target_repo,
        &key,
        &plan,
        &req.actor,
        &req.triggered_by_kind,
        &req.triggered_by_ref,
        &req.now,
    );
    propose::fit_metadata(&mut metadata, limits.max_body_chars);
    let rendered = body::render_with_limit(
        &BodyInput {
            plan: &plan,
            diagnosis: d,
            metadata: &metadata,
            upholds: &out.upholds,
            stale_against: None,
        },
        limits.max_body_chars,
    );
    out.changes = propose::change_summaries(&plan);
    let prefix = req
        .profile
        .as_ref()
        .map_or("", |p| p.profile.title_prefix.as_str());
    out.title = Some(propose::pr_title(&format!("{prefix}{}", plan.title)));
    out.body_html = Some(body::to_html(&rendered.text));
    out.body = Some(rendered.text);
    out.body_shortened = rendered.shortened;
    out.idempotency_key = Some(key.idempotency_key);
    out.short_key = Some(key.short_key);
    out.branch = Some(key.branch);
    out
}

/// Reads the diagnosis box: blank says what to paste; anything else must be a diagnosis.
fn read_diagnosis(text: &str, problems: &mut Vec<PreviewProblem>) -> Option<DiagnoseOutput> {
    if text.trim().is_empty() {
        problems.push(problem(
            PreviewInput::Diagnosis,
            Diagnostic::at_pointer(
                Code::DiagnosisUnknown,
                "",
                "no diagnosis yet: paste the plan's diagnosis here (the output of `diagnose` as JSON, or the Action's diagnosis-file)",
            ),
        ));
        return None;
    }
    match serde_json::from_slice::<DiagnoseOutput>(text.as_bytes()) {
        Ok(d) => Some(d),
        Err(e) => {
            problems.push(problem(
                PreviewInput::Diagnosis,
                Diagnostic {
                    line: Some(e.line()).filter(|l| *l > 0),
                    ..Diagnostic::at_pointer(
                        Code::DiagnosisUnknown,
                        "",
                        format!("this is not a diagnosis (the output of `diagnose` as JSON): {e}"),
                    )
                },
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_diagnosis_box_says_what_to_paste() {
        let out = preview(&PreviewRequest {
            plan: "{}".into(),
            diagnosis: "  \n".into(),
            actor: default_actor(),
            triggered_by_kind: default_trigger(),
            triggered_by_ref: default_trigger(),
            now: "2026-04-29T14:32:18Z".into(),
            profile: None,
            env: Vars::new(),
        });
        let p = &out.problems[0];
        assert_eq!(p.input, PreviewInput::Diagnosis);
        assert!(p.diagnostic.message.starts_with("no diagnosis yet"));
        assert!(!p.diagnostic.message.contains("EOF"));
        assert!(out
            .problems
            .iter()
            .skip(1)
            .all(|p| p.input == PreviewInput::Plan));
    }
}
