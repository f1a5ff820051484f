//! The browser preview: everything that can be checked from a plan and a
//! diagnosis alone (no checkout), plus the key, the body and its HTML.

use crate::body::{self, BodyInput, Metadata, TriggeredBy};
use crate::diagnosis::DiagnoseOutput;
use crate::docs::MetaRule;
use crate::error::{Code, Diagnostic};
use crate::key::proposal_key;
use crate::plan::{self, GroundingKind, Operation, SCHEMA_VERSION};
use crate::propose::ChangeSummary;
use crate::validate;
use serde::{Deserialize, Serialize};

/// What the preview page sends.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PreviewRequest {
    /// The plan JSON text.
    pub plan: String,
    /// The `petrova diagnose --json` text.
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
}

fn default_actor() -> String {
    "fleet:preview".to_owned()
}

fn default_trigger() -> String {
    "preview".to_owned()
}

/// What the preview page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewOutput {
    /// Problems found, each with its JSON pointer.
    pub problems: Vec<Diagnostic>,
    /// Checks that need the repository's checkout and were not made.
    pub unchecked: Vec<String>,
    /// The idempotency key (when the plan parses).
    pub idempotency_key: Option<String>,
    /// Its first 12 hex digits.
    pub short_key: Option<String>,
    /// The branch.
    pub branch: Option<String>,
    /// Guards of the diagnosis, with statements.
    pub upholds: Vec<MetaRule>,
    /// The changes.
    pub changes: Vec<ChangeSummary>,
    /// The PR body's markdown.
    pub body: Option<String>,
    /// The PR body as HTML ([`body::to_html`]).
    pub body_html: Option<String>,
}

/// Checks a plan against a diagnosis and renders its body.
pub fn preview(req: &PreviewRequest) -> PreviewOutput {
    let mut out = PreviewOutput {
        problems: Vec::new(),
        unchecked: vec![
            "paths against the checkout (create/modify/delete, symlinks)".to_owned(),
            "guards and the registry profile".to_owned(),
            "finding, decision and spec references".to_owned(),
            "the actor against the registry".to_owned(),
        ],
        idempotency_key: None,
        short_key: None,
        branch: None,
        upholds: Vec::new(),
        changes: Vec::new(),
        body: None,
        body_html: None,
    };
    let diagnosis = match serde_json::from_slice::<DiagnoseOutput>(req.diagnosis.as_bytes()) {
        Ok(d) => Some(d),
        Err(e) => {
            out.problems.push(Diagnostic::at_pointer(
                Code::DiagnosisUnknown,
                "",
                format!("the diagnosis is not `petrova diagnose --json` output: {e}"),
            ));
            None
        }
    };
    let plan = match plan::parse(
        req.plan.as_bytes(),
        validate::PlanLimits::default().max_plan_bytes,
    ) {
        Ok(plan) => plan,
        Err(problems) => {
            out.problems.extend(problems);
            return out;
        }
    };
    validate::check_text_fields(&plan, &mut out.problems);
    let mut seen = std::collections::BTreeSet::new();
    for (i, change) in plan.proposed_changes.iter().enumerate() {
        if let Some((code, why)) = validate::path_problem(&change.path) {
            out.problems.push(Diagnostic::at_pointer(
                code,
                format!("/proposed_changes/{i}/path"),
                format!("`{}`: {why}", change.path.escape_debug()),
            ));
        } else if !seen.insert(change.path.as_str()) {
            out.problems.push(Diagnostic::at_pointer(
                Code::PathDuplicate,
                format!("/proposed_changes/{i}/path"),
                format!("`{}` is changed twice", change.path),
            ));
        }
        match (change.operation, change.contents.is_some()) {
            (Operation::Create | Operation::Modify, false) => {
                out.problems.push(Diagnostic::at_pointer(
                    Code::ChangeContentsMissing,
                    format!("/proposed_changes/{i}/contents"),
                    format!(
                        "{} of `{}` needs `contents`",
                        change.operation.as_str(),
                        change.path
                    ),
                ))
            }
            (Operation::Delete, true) => out.problems.push(Diagnostic::at_pointer(
                Code::ChangeContentsForbidden,
                format!("/proposed_changes/{i}/contents"),
                format!("delete of `{}` must not carry `contents`", change.path),
            )),
            _ => {}
        }
    }
    let Some(diagnosis) = diagnosis else {
        return out;
    };
    let d = &diagnosis.result;
    if plan.diagnosis_id != d.diagnosis_id {
        out.problems.push(Diagnostic::at_pointer(
            Code::DiagnosisUnknown,
            "/diagnosis_id",
            format!(
                "the plan cites `{}` but the diagnosis shown is `{}`",
                plan.diagnosis_id, d.diagnosis_id
            ),
        ));
    }
    for (i, g) in plan.mr_grounding.iter().enumerate() {
        let at = format!("/mr_grounding/{i}/ref");
        match g.kind {
            GroundingKind::MetaRule if !d.meta_rules.iter().any(|r| r.id == g.reference) => {
                out.problems.push(Diagnostic::at_pointer(
                    Code::GroundingUnknownRule,
                    at,
                    format!(
                        "meta-rule `{}` is not defined in the diagnosis",
                        g.reference
                    ),
                ));
            }
            GroundingKind::Milestone if !d.milestones.open.contains(&g.reference) => {
                out.problems.push(Diagnostic::at_pointer(
                    Code::GroundingUnknownMilestone,
                    at,
                    format!("`{}` is not an open milestone", g.reference),
                ));
            }
            _ => {}
        }
        if g.claim.trim().is_empty() {
            out.problems.push(Diagnostic::at_pointer(
                Code::GroundingClaimEmpty,
                format!("/mr_grounding/{i}/claim"),
                format!("the claim citing `{}` is blank", g.reference),
            ));
        }
    }
    out.upholds = d
        .guards
        .iter()
        .map(|id| MetaRule {
            id: id.clone(),
            statement: d
                .meta_rules
                .iter()
                .find(|r| r.id == *id)
                .map(|r| r.statement.clone())
                .unwrap_or_default(),
        })
        .collect();
    let key = proposal_key(&diagnosis.target_repo, &plan);
    let metadata = Metadata {
        verb: "propose_fix".to_owned(),
        target_repo: diagnosis.target_repo.clone(),
        idempotency_key: key.idempotency_key.clone(),
        schema_version: SCHEMA_VERSION,
        schema_fingerprint: plan::schema_fingerprint(),
        actor: req.actor.clone(),
        triggered_by: TriggeredBy {
            kind: req.triggered_by_kind.clone(),
            reference: req.triggered_by_ref.clone(),
        },
        applied_at: req.now.clone(),
    };
    let rendered = body::render(&BodyInput {
        plan: &plan,
        diagnosis: d,
        metadata: &metadata,
        upholds: &out.upholds,
        stale_against: None,
    });
    out.changes = plan
        .proposed_changes
        .iter()
        .map(|c| ChangeSummary {
            operation: c.operation,
            path: c.path.clone(),
            bytes: (c.operation != Operation::Delete)
                .then(|| c.contents.as_ref().map_or(0, String::len) as u64),
        })
        .collect();
    out.body_html = Some(body::to_html(&rendered.text));
    out.body = Some(rendered.text);
    out.idempotency_key = Some(key.idempotency_key);
    out.short_key = Some(key.short_key);
    out.branch = Some(key.branch);
    out
}
