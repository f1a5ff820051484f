//! `propose_fix` up to the point of talking to GitHub: validate the plan,
//! compute the key and branch, render the body, and describe the outcome in
//! the CLI's text and JSON forms.

use crate::encoding::text::{runner_safe, shown};
use crate::error::{Code, Diagnostic};
use crate::governance::docs::MetaRule;
use crate::governance::source::Checkout;
use crate::plan::key::{proposal_key, ProposalKey};
use crate::plan::validate::{self, DiagnosisStore, ValidationInput};
use crate::plan::{self, Operation, Plan, SCHEMA_VERSION};
use crate::proposal::body::{self, Body, BodyInput, Metadata, TriggeredBy};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// Inputs of a proposal beyond the checkout and the diagnosis store.
pub struct ProposeInput<'a> {
    /// What validation needs.
    pub validation: ValidationInput<'a>,
    /// `--triggered-by-kind`.
    pub triggered_by_kind: &'a str,
    /// `--triggered-by-ref`.
    pub triggered_by_ref: &'a str,
    /// The time recorded as `applied_at` (RFC 3339, UTC).
    pub now: &'a str,
    /// `--supersede`.
    pub supersede: bool,
    /// `--reconsider`: the body keeps room for the link to a rejected PR.
    pub reconsider: bool,
}

/// A validated proposal, ready for a dry run or for the apply protocol.
#[derive(Clone, Debug)]
pub struct Proposal {
    /// Key, short key and branch.
    pub key: ProposalKey,
    /// The plan.
    pub plan: Plan,
    /// The pull request's title (one line).
    pub title: String,
    /// The rendered body.
    pub body: Body,
    /// The metadata carried in the body.
    pub metadata: Metadata,
    /// Guards upheld.
    pub upholds: Vec<MetaRule>,
    /// Whether the profile asks for draft pull requests.
    pub draft: bool,
    /// Labels the profile adds, reviewers and teams it asks (after the PR is opened).
    pub shaping: Shaping,
    /// The current diagnosis id when the cited one was stale.
    pub stale_against: Option<String>,
    /// How `--apply` treats the repository's other petrova PRs.
    pub fleet: FleetPolicy,
}

/// How `--apply` treats the repository's other petrova PRs: the profile's
/// rejection memory and the run's `supersede`/`reconsider` choices.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FleetPolicy {
    /// Close open petrova PRs whose paths overlap this one's (after opening it)
    /// instead of ending in `conflict`.
    pub supersede: bool,
    /// Open the pull request even when a similar one was closed unmerged
    /// within the memory (the body links it).
    pub reconsider: bool,
    /// The profile's `reject_memory_days`.
    pub reject_memory_days: u32,
}

/// Validates and prepares a proposal. A refusal lists every problem.
pub fn prepare(
    input: &ProposeInput<'_>,
    checkout: &dyn Checkout,
    store: &dyn DiagnosisStore,
) -> Result<Proposal, Vec<Diagnostic>> {
    let mut trigger_problems = Vec::new();
    for (name, value) in [
        ("the trigger kind", input.triggered_by_kind),
        ("the trigger reference", input.triggered_by_ref),
    ] {
        if value.trim().is_empty()
            || value.chars().any(char::is_control)
            || value.chars().count() > 200
        {
            trigger_problems.push(Diagnostic::at_pointer(
                Code::TriggerInvalid,
                "",
                format!(
                    "{name} `{}` must be 1–200 characters without control characters",
                    value.escape_debug()
                ),
            ));
        }
    }
    let validated = validate::validate(&input.validation, checkout, store);
    let validated = match (validated, trigger_problems.is_empty()) {
        (Ok(v), true) => v,
        (Ok(_), false) => return Err(trigger_problems),
        (Err(mut problems), _) => {
            problems.extend(trigger_problems);
            return Err(problems);
        }
    };
    let entry = input.validation.entry;
    let key = proposal_key(&entry.slug, &validated.plan);
    let mut metadata = metadata(
        &entry.slug,
        &key,
        &validated.plan,
        input.validation.actor,
        input.triggered_by_kind,
        input.triggered_by_ref,
        input.now,
    );
    fit_metadata(&mut metadata, input.validation.limits.max_body_chars);
    let body = body::render_with_limit(
        &BodyInput {
            plan: &validated.plan,
            diagnosis: &validated.diagnosis,
            metadata: &metadata,
            upholds: &validated.upholds,
            stale_against: validated.stale_against.as_deref(),
        },
        if input.reconsider {
            input
                .validation
                .limits
                .max_body_chars
                .saturating_sub(body::RECONSIDERED_NOTE_ROOM)
        } else {
            input.validation.limits.max_body_chars
        },
    );
    Ok(Proposal {
        title: pr_title(&format!(
            "{}{}",
            input.validation.profile.title_prefix, validated.plan.title
        )),
        key,
        plan: validated.plan,
        body,
        metadata,
        upholds: validated.upholds,
        draft: input.validation.profile.draft,
        shaping: Shaping::of(input.validation.profile),
        stale_against: validated.stale_against,
        fleet: FleetPolicy {
            supersede: input.supersede,
            reconsider: input.reconsider,
            reject_memory_days: input.validation.profile.reject_memory_days,
        },
    })
}

/// What the operator's profile adds to every pull request once it is open:
/// labels (one call) and review requests (one call). A plan never sets them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shaping {
    /// Labels to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// Users to ask for a review.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviewers: Vec<String>,
    /// Teams (slugs) to ask for a review.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub team_reviewers: Vec<String>,
}

impl Shaping {
    /// The profile's shaping.
    pub fn of(profile: &crate::operator::registry::Profile) -> Shaping {
        Shaping {
            labels: profile.labels.clone(),
            reviewers: profile.reviewers.clone(),
            team_reviewers: profile.team_reviewers.clone(),
        }
    }

    /// Whether nothing is to be done.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.reviewers.is_empty() && self.team_reviewers.is_empty()
    }
}

/// The metadata block of a proposal: the one builder the CLI, the Action and
/// the preview share.
pub fn metadata(
    target_repo: &str,
    key: &ProposalKey,
    plan: &Plan,
    actor: &str,
    triggered_by_kind: &str,
    triggered_by_ref: &str,
    now: &str,
) -> Metadata {
    use crate::proposal::body::{GroundingRef, METADATA_LIST_BYTES, METADATA_MAX_CHANGES};
    let within = |items: &[&str], max: usize| {
        items.len() <= max && items.iter().map(|s| s.len()).sum::<usize>() <= METADATA_LIST_BYTES
    };
    let paths: Vec<&str> = plan
        .proposed_changes
        .iter()
        .map(|c| c.path.as_str())
        .collect();
    let refs: Vec<&str> = plan
        .mr_grounding
        .iter()
        .map(|g| g.reference.as_str())
        .collect();
    Metadata {
        diagnosis_id: Some(plan.diagnosis_id.clone()),
        grounding: within(&refs, usize::MAX).then(|| {
            plan.mr_grounding
                .iter()
                .map(|g| GroundingRef {
                    kind: g.kind.as_str().to_owned(),
                    reference: g.reference.clone(),
                })
                .collect()
        }),
        changes: within(&paths, METADATA_MAX_CHANGES)
            .then(|| paths.iter().map(|p| (*p).to_owned()).collect()),
        verb: "propose_fix".to_owned(),
        target_repo: target_repo.to_owned(),
        idempotency_key: key.idempotency_key.clone(),
        schema_version: SCHEMA_VERSION,
        schema_fingerprint: plan::schema_fingerprint(),
        actor: actor.to_owned(),
        triggered_by: TriggeredBy {
            kind: triggered_by_kind.to_owned(),
            reference: triggered_by_ref.to_owned(),
        },
        applied_at: now.to_owned(),
    }
}

/// Drops the metadata's lists while they would take more than a quarter of
/// the body's character limit, so that the metadata block always fits whole,
/// however low the operator set the limit: the paths first (readers then take
/// them from the pull request's files), then the groundings rejection memory
/// does not compare (spec, meta-rule), then the rest — only then is a closed
/// PR beyond rejection memory's reach.
pub fn fit_metadata(metadata: &mut Metadata, max_body_chars: usize) {
    let budget = max_body_chars / 4;
    let size = |m: &Metadata| {
        m.changes
            .iter()
            .flatten()
            .map(|p| p.chars().count() + 8)
            .sum::<usize>()
            + m.grounding
                .iter()
                .flatten()
                .map(|g| g.reference.chars().count() + g.kind.len() + 16)
                .sum::<usize>()
    };
    if size(metadata) > budget {
        metadata.changes = None;
    }
    if size(metadata) > budget {
        if let Some(grounding) = &mut metadata.grounding {
            grounding.retain(|g| crate::plan::GroundingKind::is_subject(&g.kind));
        }
    }
    if size(metadata) > budget {
        metadata.grounding = None;
    }
}

/// What each change does, with its new size: the one builder the outputs and
/// the preview share.
pub fn change_summaries(plan: &Plan) -> Vec<ChangeSummary> {
    plan.proposed_changes
        .iter()
        .map(|c| ChangeSummary {
            operation: c.operation,
            path: c.path.clone(),
            bytes: (c.operation != Operation::Delete)
                .then(|| c.contents.as_ref().map_or(0, String::len) as u64),
        })
        .collect()
}

/// How many problems text and annotations show; JSON carries them all.
pub const MAX_SHOWN_PROBLEMS: usize = 50;

/// The plan title folded to one line of at most 256 characters (GitHub's
/// limit), with its mentions and closing keywords inert.
pub fn pr_title(title: &str) -> String {
    // The title is also the commit message's first line: mentions and closing
    // keywords from the plan are made inert in both.
    let title = crate::encoding::text::inert_references(title);
    let folded = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= 256 {
        folded
    } else {
        let mut cut: String = folded.chars().take(255).collect();
        cut.push('…');
        cut
    }
}

/// How a `propose_fix` run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Validated; nothing sent.
    DryRun,
    /// A pull request was opened (or finished) by this run.
    Applied,
    /// An open pull request with the same key exists.
    SkippedIdempotent,
    /// A closed, unmerged pull request with the same key exists: a human said no.
    SkippedRejected,
    /// A merged pull request with the same key exists.
    SkippedMerged,
    /// The branch or its pull request carries another key; nothing was touched.
    Conflict,
    /// The plan was refused.
    Refused,
    /// An apply run stopped on a configuration or GitHub failure (exit 3 or 4).
    Failed,
}

impl Outcome {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::DryRun => "dry_run",
            Outcome::Applied => "applied",
            Outcome::SkippedIdempotent => "skipped_idempotent",
            Outcome::SkippedRejected => "skipped_rejected",
            Outcome::SkippedMerged => "skipped_merged",
            Outcome::Conflict => "conflict",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }

    /// The documented exit code: 0 done, 1 refused.
    pub fn exit_code(self) -> crate::error::Exit {
        match self {
            Outcome::Conflict | Outcome::Refused => crate::error::Exit::Refused,
            // The failure itself says 3 or 4; a report carries it.
            Outcome::Failed => crate::error::Exit::Github,
            _ => crate::error::Exit::Done,
        }
    }
}

/// One change as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSummary {
    /// `create`, `modify` or `delete`.
    pub operation: Operation,
    /// The path.
    pub path: String,
    /// New size in bytes; `null` for delete.
    pub bytes: Option<u64>,
}

/// A pull request reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrRef {
    /// Its number.
    pub number: u64,
    /// Its web address.
    pub url: String,
}

/// The `--json` form of a `propose_fix` run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposeOutput {
    /// Always `propose_fix`.
    pub verb: String,
    /// How it ended.
    pub outcome: Outcome,
    /// The pull request's title as GitHub gets it (null when refused).
    pub title: Option<String>,
    /// 64 hex digits (null when refused).
    pub idempotency_key: Option<String>,
    /// The branch (null when refused).
    pub branch: Option<String>,
    /// Guards upheld.
    pub upholds: Vec<String>,
    /// The changes.
    pub changes: Vec<ChangeSummary>,
    /// The pull request, when one exists.
    pub pr: Option<PrRef>,
    /// The rendered body (null when refused).
    pub body: Option<String>,
    /// Why a run was refused or ended in conflict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Diagnostic>,
    /// What was shortened in the body, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_shortened: Option<String>,
    /// The current diagnosis id when the cited one was stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_against: Option<String>,
    /// Why an apply run failed (outcome `failed`), with its exit code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::error::Failure>,
    /// What the profile adds once the pull request is open.
    #[serde(default, skip_serializing_if = "Shaping::is_empty")]
    pub shaping: Shaping,
    /// What went wrong after the pull request was opened (a label or review
    /// request GitHub refused): the run still applied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Diagnostic>,
    /// For `skipped_rejected`: `same_key` (this proposal's PR was closed
    /// unmerged) or `similar` (a PR changing the same paths for the same
    /// grounding was, within the profile's `reject_memory_days`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<crate::github::apply::RejectReason>,
    /// For a `conflict` over paths: the open petrova PRs that overlap.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overlapping: Vec<PrRef>,
    /// The petrova PRs this run closed as superseded (`--supersede`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub superseded: Vec<PrRef>,
    /// The rejected PR this run proposed again (`--reconsider`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconsidered: Option<PrRef>,
    /// What the operator can do next, spelled for the front end that ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl ProposeOutput {
    /// The output of an apply run that stopped on a configuration or GitHub
    /// failure: what was attempted, for machines reading it.
    pub fn failed(proposal: &Proposal, failure: crate::error::Failure) -> Self {
        let mut output = ProposeOutput::from_proposal(proposal, Outcome::Failed, None);
        output.error = Some(failure);
        output
    }

    /// The output for a prepared proposal.
    pub fn from_proposal(proposal: &Proposal, outcome: Outcome, pr: Option<PrRef>) -> Self {
        ProposeOutput {
            verb: "propose_fix".to_owned(),
            outcome,
            title: Some(proposal.title.clone()),
            idempotency_key: Some(proposal.key.idempotency_key.clone()),
            branch: Some(proposal.key.branch.clone()),
            upholds: proposal.upholds.iter().map(|r| r.id.clone()).collect(),
            changes: change_summaries(&proposal.plan),
            pr,
            body: Some(proposal.body.text.clone()),
            problems: Vec::new(),
            body_shortened: proposal.body.shortened.clone(),
            stale_against: proposal.stale_against.clone(),
            error: None,
            shaping: proposal.shaping.clone(),
            warnings: Vec::new(),
            reason: None,
            overlapping: Vec::new(),
            superseded: Vec::new(),
            reconsidered: None,
            hint: None,
        }
    }

    /// The output for a refused plan.
    pub fn refused(problems: Vec<Diagnostic>) -> Self {
        ProposeOutput {
            verb: "propose_fix".to_owned(),
            outcome: Outcome::Refused,
            title: None,
            idempotency_key: None,
            branch: None,
            upholds: Vec::new(),
            changes: Vec::new(),
            pr: None,
            body: None,
            problems,
            body_shortened: None,
            stale_against: None,
            error: None,
            shaping: Shaping::default(),
            warnings: Vec::new(),
            reason: None,
            overlapping: Vec::new(),
            superseded: Vec::new(),
            reconsidered: None,
            hint: None,
        }
    }

    /// The human form printed on standard output, safe for the runner (see
    /// [`crate::encoding::text`]). A failed run prints nothing there: its error
    /// is reported as the run's failure.
    pub fn render_text(&self) -> String {
        runner_safe(&self.text_lines()).into_owned()
    }

    /// The lines of [`ProposeOutput::render_text`], every outside value shown.
    fn text_lines(&self) -> String {
        let mut s = String::new();
        if self.outcome == Outcome::Failed {
            return s;
        }
        let short = self
            .idempotency_key
            .as_deref()
            .map(|k| &k[..12.min(k.len())])
            .unwrap_or("");
        if self.outcome == Outcome::Refused {
            let n = self.problems.len();
            let _ = writeln!(
                s,
                "propose_fix → refused ({n} problem{})",
                if n == 1 { "" } else { "s" }
            );
            for p in self.problems.iter().take(MAX_SHOWN_PROBLEMS) {
                let _ = writeln!(s, "  {p}");
                if let Some(hint) = &p.hint {
                    let _ = writeln!(s, "    hint: {}", shown(hint));
                }
            }
            if n > MAX_SHOWN_PROBLEMS {
                let _ = writeln!(
                    s,
                    "  … and {} more (every problem is in the JSON output)",
                    n - MAX_SHOWN_PROBLEMS
                );
            }
            return s;
        }
        let _ = writeln!(s, "propose_fix → {} {short}", self.outcome.as_str());
        let upholds = if self.upholds.is_empty() {
            "(none)".to_owned()
        } else {
            shown(&self.upholds.join(", ")).into_owned()
        };
        let _ = writeln!(s, "  upholds: {upholds}");
        if let Some(current) = &self.stale_against {
            let _ = writeln!(s, "  stale: the diagnosis no longer matches the checkout (now {current}); accepted as stale");
        }
        let branch = self.branch.as_deref().unwrap_or("");
        match (self.outcome, &self.pr) {
            (Outcome::DryRun, _) => {
                let _ = writeln!(s, "  branch: {branch}");
                for c in &self.changes {
                    match c.bytes {
                        Some(b) => {
                            let _ = writeln!(
                                s,
                                "  {} {} ({})",
                                c.operation.as_str(),
                                shown(&c.path),
                                body::format_size(b)
                            );
                        }
                        None => {
                            let _ = writeln!(s, "  {} {}", c.operation.as_str(), shown(&c.path));
                        }
                    }
                }
                self.shaping_lines(&mut s);
            }
            (Outcome::Applied, Some(pr)) => {
                let _ = writeln!(s, "  PR #{} {branch}", pr.number);
                let _ = writeln!(s, "  {}", shown(&pr.url));
            }
            (Outcome::Conflict, _) if !self.overlapping.is_empty() => {
                let _ = writeln!(s, "  branch: {branch}");
                for pr in &self.overlapping {
                    let _ = writeln!(s, "  overlaps: PR #{} {}", pr.number, shown(&pr.url));
                }
            }
            (_, Some(pr)) => {
                let _ = writeln!(s, "  PR #{} (existing)", pr.number);
                let _ = writeln!(s, "  {}", shown(&pr.url));
            }
            (_, None) => {
                let _ = writeln!(s, "  branch: {branch}");
            }
        }
        match (self.reason, &self.pr) {
            (Some(crate::github::apply::RejectReason::SameKey), _) => {
                let _ = writeln!(
                    s,
                    "  reason: same_key (this proposal's pull request was closed without merging)"
                );
            }
            (Some(crate::github::apply::RejectReason::Similar), Some(pr)) => {
                let _ = writeln!(s, "  reason: similar (PR #{} changed the same paths for the same grounding and was closed without merging)", pr.number);
            }
            _ => {}
        }
        for pr in &self.superseded {
            let _ = writeln!(
                s,
                "  superseded: PR #{} (closed with a comment linking this one)",
                pr.number
            );
        }
        if let Some(pr) = &self.reconsidered {
            let _ = writeln!(
                s,
                "  reconsiders: PR #{} (closed without merging; the body links it)",
                pr.number
            );
        }
        for p in &self.problems {
            let _ = writeln!(s, "  {p}");
        }
        for w in &self.warnings {
            let _ = writeln!(s, "  warning: {w}");
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(s, "  hint: {}", shown(hint));
        }
        s
    }

    /// What a dry run says the profile will add once the PR is open.
    fn shaping_lines(&self, s: &mut String) {
        let list = |items: &[String]| shown(&items.join(", ")).into_owned();
        if !self.shaping.labels.is_empty() {
            let _ = writeln!(s, "  labels: {}", list(&self.shaping.labels));
        }
        let mut asked = self.shaping.reviewers.clone();
        asked.extend(
            self.shaping
                .team_reviewers
                .iter()
                .map(|t| format!("team {t}")),
        );
        if !asked.is_empty() {
            let _ = writeln!(s, "  review requested from: {}", list(&asked));
        }
    }
}
