//! The apply protocol as a sans-I/O state machine.
//!
//! [`ApplyMachine`] decides every GitHub request of `propose_fix --apply`: it
//! looks up pull requests on the proposal's branch and reads their metadata,
//! builds one commit holding all changes through the Git Data API, creates the
//! branch, opens the pull request, and decides what an "already exists" answer
//! or a transient failure means. The caller (the CLI over octocrab, the Action
//! over `fetch`) only sends the requests it is given and feeds back the
//! responses, so both executors behave identically.
//!
//! Fresh apply: list PRs, base ref, base commit, tree, commit, ref, PR — 7
//! requests. Re-run with an open PR: 1 request.

use super::fleet::{self, CloseStep, Closing, FleetPr, MarkerSearch};
use crate::operator::registry::RepoEntry;
use crate::plan::{GroundingKind, Operation};
use crate::proposal::body::parse_metadata;
use crate::proposal::propose::{Outcome, PrRef, Proposal};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The trailer line that ties a branch's commit to its proposal.
pub const KEY_TRAILER: &str = "Petrova-Idempotency-Key";

/// An HTTP request for the executor to send, relative to the API base URL.
/// It carries every header but `authorization`: the token stays with the
/// executor, and every executor sends the same requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// `GET`, `POST` or `PATCH`.
    pub method: String,
    /// Path and query, e.g. `/repos/o/r/pulls?state=all`.
    pub path: String,
    /// Headers to send (names lower-case), `authorization` excepted.
    pub headers: BTreeMap<String, String>,
    /// JSON body, if any.
    pub body: Option<Value>,
}

/// Where a pull request stands, as petrova reads GitHub's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrState {
    /// Open for review.
    Open,
    /// Merged (GitHub reports it `closed` with a `merged_at`).
    Merged,
    /// Closed without merging: a human said no.
    Closed,
}

impl PrState {
    /// The state of a pull request object from GitHub's REST API.
    pub fn of(pr: &Value) -> PrState {
        if pr.get("merged_at").is_some_and(|m| !m.is_null())
            || pr.get("merged") == Some(&Value::Bool(true))
        {
            PrState::Merged
        } else if pr.get("state").and_then(Value::as_str) == Some("open") {
            PrState::Open
        } else {
            PrState::Closed
        }
    }
}

/// The `user-agent` petrova sends.
pub const USER_AGENT: &str = concat!("petrova/", env!("CARGO_PKG_VERSION"));

impl Request {
    /// A request with petrova's headers.
    pub fn new(method: &str, path: String, body: Option<Value>) -> Self {
        let mut headers = BTreeMap::new();
        headers.insert(
            "accept".to_owned(),
            "application/vnd.github+json".to_owned(),
        );
        headers.insert("x-github-api-version".to_owned(), "2022-11-28".to_owned());
        headers.insert("user-agent".to_owned(), USER_AGENT.to_owned());
        if body.is_some() {
            headers.insert("content-type".to_owned(), "application/json".to_owned());
        }
        Request {
            method: method.to_owned(),
            path,
            headers,
            body,
        }
    }

    /// A `GET` of `path`.
    pub fn get(path: String) -> Self {
        Request::new("GET", path, None)
    }

    /// A `POST` of `body` to `path`.
    pub fn post(path: String, body: Value) -> Self {
        Request::new("POST", path, Some(body))
    }
}

/// `/repos/<owner>/<name>`, each part percent-encoded: the one spelling of a
/// repository's API path.
pub fn repo_path(owner: &str, name: &str) -> String {
    format!("/repos/{}/{}", encode(owner), encode(name))
}

/// What the executor observed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reply {
    /// An HTTP response.
    Response {
        /// Status code.
        status: u16,
        /// Headers, names lower-cased.
        #[serde(default)]
        headers: BTreeMap<String, String>,
        /// The body text.
        #[serde(default)]
        body: String,
    },
    /// No response: timeout, connection reset, DNS…
    Transport {
        /// What happened.
        message: String,
    },
}

/// What to do next; `R` is how the protocol ends (an apply result by default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step<R = ApplyResult> {
    /// Wait `delay_ms`, then send `request` and report its reply.
    Send {
        /// Milliseconds to wait first (0 unless retrying).
        delay_ms: u64,
        /// The request.
        request: Request,
    },
    /// Finished.
    Done {
        /// The result.
        result: R,
    },
}

/// How an apply ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ApplyResult {
    /// A documented outcome (applied, skipped_*, conflict).
    Finished {
        /// The outcome.
        outcome: Outcome,
        /// The pull request concerned, if any.
        pr: Option<PrRef>,
        /// For a conflict: what differs.
        detail: Option<String>,
        /// For a skipped run: the existing pull request's body, which is what
        /// GitHub shows (this run's trigger and time are not in it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        existing_body: Option<String>,
        /// What went wrong after this run opened the pull request (a label or
        /// review request GitHub refused): the run still applied.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<String>,
        /// For `skipped_rejected`: why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rejected: Option<RejectReason>,
        /// For a `conflict` over paths: the open petrova PRs that overlap.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        overlapping: Vec<PrRef>,
        /// The petrova PRs this run closed as superseded.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        superseded: Vec<PrRef>,
        /// The rejected PR this run reconsidered (linked from the body).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reconsidered: Option<PrRef>,
    },
    /// The token or repository is wrong (exit 3).
    Configuration {
        /// What to fix.
        message: String,
        /// Whether the token is what to check (a front end then says how it takes one).
        #[serde(default)]
        token: bool,
    },
    /// GitHub kept failing, or answered unexpectedly (exit 4). A re-run resumes safely.
    GithubFailed {
        /// What happened.
        message: String,
    },
}

impl ApplyResult {
    /// The documented exit code.
    pub fn exit_code(&self) -> crate::error::Exit {
        match self {
            ApplyResult::Finished { outcome, .. } => outcome.exit_code(),
            ApplyResult::Configuration { .. } => crate::error::Exit::Config,
            ApplyResult::GithubFailed { .. } => crate::error::Exit::Github,
        }
    }
}

/// Bounded retries for transient failures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// First backoff delay; doubled on each retry.
    pub base_delay_ms: u64,
    /// No single wait is longer than this, whatever `retry-after` says.
    pub max_delay_ms: u64,
}

impl RetryPolicy {
    /// Builds a policy from optional textual settings (environment variables
    /// `PETROVA_RETRY_ATTEMPTS`, `PETROVA_RETRY_BASE_MS`, `PETROVA_RETRY_MAX_MS`),
    /// each falling back to its default on its own.
    pub fn from_settings(
        attempts: Option<&str>,
        base_ms: Option<&str>,
        max_ms: Option<&str>,
    ) -> Result<RetryPolicy, String> {
        let number = crate::operator::settings::whole_number::<u64>;
        let d = RetryPolicy::default();
        let attempts = number(
            "PETROVA_RETRY_ATTEMPTS",
            attempts,
            u64::from(d.max_attempts),
        )?;
        Ok(RetryPolicy {
            max_attempts: u32::try_from(attempts).unwrap_or(u32::MAX).max(1),
            base_delay_ms: number("PETROVA_RETRY_BASE_MS", base_ms, d.base_delay_ms)?,
            max_delay_ms: number("PETROVA_RETRY_MAX_MS", max_ms, d.max_delay_ms)?,
        })
    }
}

impl RetryPolicy {
    /// The wait before retry number `attempt` (1-based): the base delay,
    /// doubled each time, capped.
    pub fn backoff(&self, attempt: u32) -> u64 {
        let factor = 1u64 << attempt.saturating_sub(1).min(16);
        self.base_delay_ms
            .saturating_mul(factor)
            .min(self.max_delay_ms)
    }
}

/// A reply as every protocol first reads it: a failure worth retrying (no
/// response, 5xx, a rate limit), or an HTTP answer with its JSON body.
pub(crate) enum Answer<'a> {
    /// Retry, after `delay_ms` when GitHub said how long.
    Transient {
        /// What happened.
        why: String,
        /// GitHub's own wait, if it gave one.
        delay_ms: Option<u64>,
        /// Whether the request may have taken effect (no response, 5xx), as
        /// opposed to a rate limit, which refused it.
        ambiguous: bool,
    },
    /// Any other answer.
    Http {
        /// Status code.
        status: u16,
        /// Headers, names lower-cased.
        headers: &'a BTreeMap<String, String>,
        /// The body as JSON (`null` when it is not JSON).
        json: Value,
    },
}

/// Reads `reply`; `now_epoch_s` only serves `x-ratelimit-reset`.
pub(crate) fn answer(reply: &Reply, now_epoch_s: u64) -> Answer<'_> {
    match reply {
        Reply::Transport { message } => Answer::Transient {
            why: format!("no response ({message})"),
            delay_ms: None,
            ambiguous: true,
        },
        Reply::Response {
            status,
            headers,
            body,
        } => {
            let json: Value = serde_json::from_slice(body.as_bytes()).unwrap_or(Value::Null);
            let status = *status;
            if status >= 500 {
                Answer::Transient {
                    why: format!("HTTP {status}{}", github_message(&json)),
                    delay_ms: None,
                    ambiguous: true,
                }
            } else if status == 429 || (status == 403 && is_rate_limited(headers)) {
                Answer::Transient {
                    why: format!("rate limited (HTTP {status})"),
                    delay_ms: rate_limit_delay(headers, now_epoch_s),
                    ambiguous: false,
                }
            } else {
                Answer::Http {
                    status,
                    headers,
                    json,
                }
            }
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay_ms: 1_000,
            max_delay_ms: 60_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    ListPulls {
        after: ListReason,
    },
    GetBaseRef,
    GetBaseCommit {
        base_sha: String,
    },
    CreateTree {
        base_sha: String,
        base_tree: String,
    },
    CreateCommit {
        base_sha: String,
        tree_sha: String,
    },
    CreateRef {
        commit_sha: String,
    },
    GetBranchRef,
    GetTipCommit {
        tip_sha: String,
    },
    GetParentCommit {
        tip_tree: String,
        parent_sha: String,
    },
    CompareTree {
        tip_tree: String,
        parent_tree: String,
    },
    CreatePull,
    /// The profile's labels, once the pull request is open.
    AddLabels,
    /// The profile's review requests, once the pull request is open.
    RequestReviewers,
    /// One page of the repository's open pull requests (overlap).
    ListOpen {
        page: u32,
    },
    /// The first page of recently closed pull requests (rejection memory).
    ListClosed,
    /// One page of a petrova PR's files, when its metadata lists no paths.
    ReadFiles {
        number: u64,
        page: u32,
    },
    /// The comments of a closed petrova PR (page `page`): did petrova close
    /// it itself?
    CheckClosed {
        number: u64,
        why: ClosedCheck,
        page: u32,
    },
    /// Closing an overlapping petrova PR this one supersedes.
    Supersede {
        index: usize,
        step: CloseStep,
    },
    Done,
}

/// Why a closed petrova PR's comments are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClosedCheck {
    /// It carries this proposal's key.
    SameKey,
    /// It is similar to this proposal (same paths, same subject).
    Similar,
}

/// Why a run ends `skipped_rejected`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// A pull request with this proposal's key was closed unmerged.
    SameKey,
    /// A pull request changing the same paths for the same findings,
    /// decisions or milestones was closed unmerged within the profile's
    /// `reject_memory_days`.
    Similar,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListReason {
    Start,
    /// POST pulls answered that one already exists.
    PullExists,
}

/// The apply protocol for one proposal.
#[derive(Clone, Debug)]
pub struct ApplyMachine {
    owner: String,
    repo: String,
    base_branch: String,
    branch: String,
    key: String,
    title: String,
    body: String,
    draft: bool,
    shaping: crate::proposal::propose::Shaping,
    /// The pull request this run opened, while its labels and reviewers are added.
    opened: Option<PrRef>,
    /// What went wrong after the pull request was opened.
    followup_warnings: Vec<String>,
    changes: Vec<Value>,
    policy: RetryPolicy,
    state: State,
    attempt: u32,
    /// `(base commit, tree)` of the tree this run built on the base, once created.
    our_tree: Option<(String, String)>,
    /// POST pulls got no clear answer once, so a PR found later is this run's.
    pull_post_ambiguous: bool,
    list_retries: u32,
    restarts: u32,
    requests_sent: u32,
    fleet: crate::proposal::propose::FleetPolicy,
    /// The run's clock (the metadata's `applied_at`), in epoch seconds.
    now_s: i64,
    /// This proposal's paths and subject, folded for comparison.
    plan_paths: BTreeSet<String>,
    plan_refs: BTreeSet<(String, String)>,
    /// Open petrova PRs with another key.
    open_prs: Vec<FleetPr>,
    /// Petrova PRs with another key closed unmerged within the memory.
    closed_prs: Vec<FleetPr>,
    /// Paths read through the files API, for PRs whose metadata lists none.
    files: BTreeMap<u64, Vec<String>>,
    /// Similar closed PRs found to be closed by petrova itself.
    not_rejections: BTreeSet<u64>,
    /// A closed PR with this key, while its comments are read.
    same_key_closed: Option<(PrRef, String, String)>,
    /// With `supersede`, an existing open PR of this proposal whose
    /// overlapping PRs a re-run still closes: `(pr, its body)`.
    resuming: Option<(PrRef, String)>,
    /// Overlapping PRs to close, then closed.
    to_supersede: Vec<FleetPr>,
    superseded: Vec<PrRef>,
    reconsidered: Option<PrRef>,
    /// Failed attempts at the closing comment of the PR being superseded.
    comment_failures: u32,
}

impl ApplyMachine {
    /// Prepares the protocol for a validated proposal on `entry`.
    pub fn new(proposal: &Proposal, entry: &RepoEntry, policy: RetryPolicy) -> Self {
        let changes = proposal
            .plan
            .proposed_changes
            .iter()
            .map(|c| match (&c.contents, c.operation) {
                (Some(contents), Operation::Create | Operation::Modify) => {
                    json!({"path": c.path, "mode": "100644", "type": "blob", "content": contents})
                }
                _ => json!({"path": c.path, "mode": "100644", "type": "blob", "sha": null}),
            })
            .collect();
        ApplyMachine {
            owner: entry.owner.clone(),
            repo: entry.name.clone(),
            base_branch: entry.default_branch.clone(),
            branch: proposal.key.branch.clone(),
            key: proposal.key.idempotency_key.clone(),
            title: proposal.title.clone(),
            body: proposal.body.text.clone(),
            draft: proposal.draft,
            shaping: proposal.shaping.clone(),
            opened: None,
            followup_warnings: Vec::new(),
            changes,
            policy,
            state: State::ListPulls {
                after: ListReason::Start,
            },
            attempt: 0,
            our_tree: None,
            pull_post_ambiguous: false,
            list_retries: 0,
            restarts: 0,
            requests_sent: 0,
            fleet: proposal.fleet,
            now_s: crate::encoding::date::epoch_seconds(&proposal.metadata.applied_at).unwrap_or(0),
            plan_paths: fleet::folded_paths(proposal.plan.proposed_changes.iter().map(|c| &c.path)),
            plan_refs: proposal
                .plan
                .mr_grounding
                .iter()
                .filter(|g| GroundingKind::SUBJECTS.contains(&g.kind))
                .map(|g| (g.kind.as_str().to_owned(), g.reference.clone()))
                .collect(),
            open_prs: Vec::new(),
            closed_prs: Vec::new(),
            files: BTreeMap::new(),
            not_rejections: BTreeSet::new(),
            same_key_closed: None,
            resuming: None,
            to_supersede: Vec::new(),
            superseded: Vec::new(),
            reconsidered: None,
            comment_failures: 0,
        }
    }

    /// How many requests were handed out so far, retries included.
    pub fn requests_sent(&self) -> u32 {
        self.requests_sent
    }

    /// The first step.
    pub fn start(&mut self) -> Step {
        self.goto(
            State::ListPulls {
                after: ListReason::Start,
            },
            0,
        )
    }

    /// Feeds the reply to the last request; `now_epoch_s` is the caller's clock,
    /// used only to read `x-ratelimit-reset`.
    pub fn on_reply(&mut self, reply: &Reply, now_epoch_s: u64) -> Step {
        if self.state == State::Done {
            return self.finish(ApplyResult::GithubFailed {
                message: "the apply protocol had already finished".to_owned(),
            });
        }
        let (status, headers, json) = match answer(reply, now_epoch_s) {
            Answer::Transient {
                why,
                delay_ms,
                ambiguous,
            } => {
                // No answer (or a 5xx) to POST pulls: it may have opened the
                // pull request, so one found later is this run's.
                if ambiguous && self.state == State::CreatePull {
                    self.pull_post_ambiguous = true;
                }
                return self.retry(&why, delay_ms);
            }
            Answer::Http {
                status,
                headers,
                json,
            } => (status, headers, json),
        };
        if self.is_followup() {
            return self.on_followup(status, headers, &json);
        }
        if status == 401 {
            return self.finish(ApplyResult::Configuration {
                message: format!("GitHub rejected the token (HTTP 401{}); the token is wrong, expired or revoked", github_message(&json)),
                token: true,
            });
        }
        if status == 403 && says(&json, "not permitted to create or approve pull requests") {
            return self.finish(ApplyResult::Configuration {
                message: format!(
                    "GitHub Actions may not open pull requests in {}/{}{}; enable Settings → Actions → General → Workflow permissions → \"Allow GitHub Actions to create and approve pull requests\"",
                    self.owner,
                    self.repo,
                    github_message(&json)
                ),
                token: false,
            });
        }
        if status == 403 {
            return self.finish(ApplyResult::Configuration {
                message: format!(
                    "GitHub refused {} (HTTP 403{}); the token needs contents:write and pull-requests:write on {}/{}",
                    self.describe_state(),
                    github_message(&json),
                    self.owner,
                    self.repo
                ),
                token: true,
            });
        }
        self.attempt = 0;
        let state = std::mem::replace(&mut self.state, State::Done);
        self.advance(state, status, headers, &json)
    }

    fn advance(
        &mut self,
        state: State,
        status: u16,
        headers: &BTreeMap<String, String>,
        json: &Value,
    ) -> Step {
        match (state, status) {
            (State::ListPulls { after }, 200) => self.on_pulls(after, json),
            (State::ListOpen { page }, 200) => self.on_open_page(page, headers, json),
            (State::ListClosed, 200) => self.on_closed_page(json),
            (State::ReadFiles { number, page }, 200) => self.on_files(number, page, headers, json),
            (State::CheckClosed { number, why, page }, 200) => {
                self.on_closed_comments(number, why, page, headers, json)
            }
            (State::GetBaseRef, 200) => match sha_at(json, "/object/sha") {
                Some(base_sha) => self.goto(State::GetBaseCommit { base_sha }, 0),
                None => self.unexpected("the base ref", status, json),
            },
            (State::GetBaseRef, 404) => self.base_branch_missing(),
            (State::GetBaseCommit { base_sha }, 200) => match sha_at(json, "/tree/sha") {
                Some(base_tree) => self.goto(
                    State::CreateTree {
                        base_sha,
                        base_tree,
                    },
                    0,
                ),
                None => self.unexpected("the base commit", status, json),
            },
            (State::CreateTree { base_sha, .. }, 201) => match sha_at(json, "/sha") {
                Some(tree_sha) => {
                    self.our_tree = Some((base_sha.clone(), tree_sha.clone()));
                    self.goto(State::CreateCommit { base_sha, tree_sha }, 0)
                }
                None => self.unexpected("the new tree", status, json),
            },
            (State::CreateCommit { .. }, 201) => match sha_at(json, "/sha") {
                Some(commit_sha) => self.goto(State::CreateRef { commit_sha }, 0),
                None => self.unexpected("the new commit", status, json),
            },
            (State::CreateRef { .. }, 201) => self.goto(State::CreatePull, 0),
            (State::CreateRef { .. }, 422) if says(json, "already exists") => {
                self.goto(State::GetBranchRef, 0)
            }
            (State::GetBranchRef, 200) => match sha_at(json, "/object/sha") {
                Some(tip_sha) => self.goto(State::GetTipCommit { tip_sha }, 0),
                None => self.unexpected("the branch ref", status, json),
            },
            (State::GetBranchRef, 404) => {
                self.restart("the branch vanished while it was being inspected")
            }
            (State::GetTipCommit { tip_sha }, 200) => self.on_tip(&tip_sha, json),
            (State::GetParentCommit { tip_tree, .. }, 200) => match sha_at(json, "/tree/sha") {
                Some(parent_tree) => self.goto(
                    State::CompareTree {
                        tip_tree,
                        parent_tree,
                    },
                    0,
                ),
                None => self.unexpected("the branch's parent commit", status, json),
            },
            (State::CompareTree { tip_tree, .. }, 201) => match sha_at(json, "/sha") {
                Some(planned) if planned == tip_tree => self.goto(State::CreatePull, 0),
                Some(planned) => self.tip_changed(&tip_tree, &planned),
                None => self.unexpected("the comparison tree", status, json),
            },
            (State::CreatePull, 201) => self.on_pull_created(json),
            (State::CreatePull, 422) if says(json, "already exists") => self.goto(
                State::ListPulls {
                    after: ListReason::PullExists,
                },
                0,
            ),
            (
                State::ListPulls { .. }
                | State::ListOpen { .. }
                | State::ListClosed
                | State::GetBaseCommit { .. },
                404,
            ) => self.repository_missing(),
            (state, _) => {
                self.state = state;
                let what = self.describe_state();
                self.unexpected(&what, status, json)
            }
        }
    }

    fn base_branch_missing(&mut self) -> Step {
        let message = format!(
            "branch `{}` of {}/{} was not found; check `default_branch` in the registry and that the token can read the repository",
            self.base_branch, self.owner, self.repo
        );
        self.finish(ApplyResult::Configuration {
            message,
            token: true,
        })
    }

    fn repository_missing(&mut self) -> Step {
        let message = format!(
            "repository {}/{} was not found, or the token cannot see it",
            self.owner, self.repo
        );
        self.finish(ApplyResult::Configuration {
            message,
            token: true,
        })
    }

    fn tip_changed(&mut self, tip_tree: &str, planned: &str) -> Step {
        let detail = format!(
            "branch `{}` carries this proposal's key but its tip holds tree {tip_tree}, not the planned tree {planned}; someone changed it",
            self.branch
        );
        self.conflict(None, detail)
    }

    fn on_pull_created(&mut self, json: &Value) -> Step {
        let number = json.get("number").and_then(Value::as_u64);
        // The pull request exists once GitHub gives its number; an address
        // that is not a plain URL is left out rather than passed on.
        match number {
            Some(number) => {
                let url = url_at(json, "/html_url").unwrap_or_default();
                self.opened = Some(PrRef { number, url });
                self.followup(&State::CreatePull)
            }
            None => self.unexpected("the new pull request", 201, json),
        }
    }

    fn on_pulls(&mut self, after: ListReason, json: &Value) -> Step {
        let Some(pulls) = json.as_array() else {
            return self.unexpected("the pull-request list", 200, json);
        };
        let mut ours: Vec<(u64, String, PrState, String, String)> = Vec::new();
        let mut foreign: Vec<String> = Vec::new();
        for pr in pulls {
            if str_at(pr, "/head/ref").is_some_and(|r| r != self.branch) {
                continue;
            }
            let number = pr.get("number").and_then(Value::as_u64).unwrap_or(0);
            let url = url_at(pr, "/html_url").unwrap_or_default();
            let state = PrState::of(pr);
            match parse_metadata(pr.get("body").and_then(Value::as_str).unwrap_or("")) {
                Ok(meta) if meta.idempotency_key == self.key => {
                    let body = pr
                        .get("body")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned();
                    ours.push((
                        number,
                        url,
                        state,
                        body,
                        str_at(pr, "/user/login").unwrap_or_default(),
                    ));
                }
                Ok(meta) => foreign.push(format!(
                    "PR #{number} carries key {}",
                    &meta.idempotency_key.chars().take(12).collect::<String>()
                )),
                Err(e) => foreign.push(format!(
                    "PR #{number} has no readable petrova metadata ({e})"
                )),
            }
        }
        for wanted in [PrState::Open, PrState::Merged, PrState::Closed] {
            if let Some((number, url, _, body, author)) =
                ours.iter().find(|(_, _, s, _, _)| *s == wanted)
            {
                let outcome = match wanted {
                    PrState::Open
                        if after == ListReason::PullExists && self.pull_post_ambiguous =>
                    {
                        Outcome::Applied
                    }
                    PrState::Open => Outcome::SkippedIdempotent,
                    PrState::Merged => Outcome::SkippedMerged,
                    PrState::Closed => Outcome::SkippedRejected,
                };
                let pr = PrRef {
                    number: *number,
                    url: url.clone(),
                };
                if outcome == Outcome::Applied {
                    if *number == 0 {
                        return self.unexpected(
                            "the pull-request list (a pull request without a number)",
                            200,
                            json,
                        );
                    }
                    // This run's own POST opened it: the profile's labels and reviewers follow.
                    self.opened = Some(pr);
                    return self.followup(&State::CreatePull);
                }
                if after == ListReason::Start && *number > 0 {
                    if outcome == Outcome::SkippedIdempotent && self.fleet.supersede {
                        // A run that opened this PR may have died before closing
                        // the PRs it supersedes: finish that, and stay skipped.
                        self.resuming = Some((pr, body.clone()));
                        return self.goto(State::ListOpen { page: 1 }, 0);
                    }
                    if outcome == Outcome::SkippedRejected {
                        // Petrova's own closing (superseded, expired) is no rejection.
                        self.same_key_closed = Some((pr, body.clone(), author.clone()));
                        return self.goto(
                            State::CheckClosed {
                                number: *number,
                                why: ClosedCheck::SameKey,
                                page: 1,
                            },
                            0,
                        );
                    }
                }
                let rejected =
                    (outcome == Outcome::SkippedRejected).then_some(RejectReason::SameKey);
                return self.skipped(outcome, pr, Some(body.clone()), rejected);
            }
        }
        if !foreign.is_empty() {
            return self.conflict(
                None,
                format!(
                    "branch `{}` already has pull requests of another proposal: {}",
                    self.branch,
                    foreign.join("; ")
                ),
            );
        }
        match after {
            ListReason::Start => self.goto(State::ListOpen { page: 1 }, 0),
            // GitHub said a PR exists but does not list it yet: its index lags. Ask again, boundedly.
            ListReason::PullExists if self.list_retries < self.policy.max_attempts => {
                self.list_retries += 1;
                let delay = self.backoff(self.list_retries);
                self.goto(State::ListPulls { after }, delay)
            }
            ListReason::PullExists => self.finish(ApplyResult::GithubFailed {
                message: format!("GitHub says a pull request for `{}` exists but does not list it; run again later", self.branch),
            }),
        }
    }

    /// A run that ends on an existing pull request (`skipped_*`).
    fn skipped(
        &mut self,
        outcome: Outcome,
        pr: PrRef,
        existing_body: Option<String>,
        rejected: Option<RejectReason>,
    ) -> Step {
        let result = ApplyResult::Finished {
            outcome,
            pr: Some(pr),
            detail: None,
            existing_body,
            warnings: std::mem::take(&mut self.followup_warnings),
            rejected,
            overlapping: Vec::new(),
            superseded: std::mem::take(&mut self.superseded),
            reconsidered: None,
        };
        self.finish(result)
    }

    /// One page of open pull requests: the petrova PRs of other proposals.
    fn on_open_page(
        &mut self,
        page: u32,
        headers: &BTreeMap<String, String>,
        json: &Value,
    ) -> Step {
        let Some(list) = json.as_array() else {
            return self.unexpected("the open pull requests", 200, json);
        };
        let key = self.key.clone();
        self.open_prs.extend(
            list.iter()
                .filter_map(FleetPr::of)
                .filter(|p| p.state == PrState::Open && p.metadata.idempotency_key != key),
        );
        if fleet::has_next_page(headers) && !list.is_empty() {
            if page >= fleet::MAX_PAGES {
                return self.finish(ApplyResult::GithubFailed {
                    message: format!(
                        "{}/{} has more than {} open pull requests; petrova reads at most {} pages",
                        self.owner,
                        self.repo,
                        fleet::MAX_PAGES * 100,
                        fleet::MAX_PAGES
                    ),
                });
            }
            return self.goto(State::ListOpen { page: page + 1 }, 0);
        }
        let mut seen = BTreeSet::new();
        self.open_prs.retain(|p| seen.insert(p.number));
        if self.resuming.is_some() {
            return self.next_files();
        }
        self.goto(State::ListClosed, 0)
    }

    /// Recently closed pull requests: petrova PRs closed unmerged within the memory.
    fn on_closed_page(&mut self, json: &Value) -> Step {
        let Some(list) = json.as_array() else {
            return self.unexpected("the closed pull requests", 200, json);
        };
        let since = self.now_s - i64::from(self.fleet.reject_memory_days) * 86_400;
        let key = self.key.clone();
        self.closed_prs = list
            .iter()
            .filter_map(FleetPr::of)
            .filter(|p| p.state == PrState::Closed && p.metadata.idempotency_key != key)
            .filter(|p| {
                p.closed_at
                    .as_deref()
                    .and_then(crate::encoding::date::epoch_seconds)
                    .is_some_and(|closed| closed >= since && self.fleet.reject_memory_days > 0)
            })
            .collect();
        self.next_files()
    }

    /// The paths of a petrova PR: its metadata's, else those read from its files.
    fn paths_of<'a>(&'a self, pr: &'a FleetPr) -> Option<&'a [String]> {
        pr.metadata
            .changes
            .as_deref()
            .or_else(|| self.files.get(&pr.number).map(Vec::as_slice))
    }

    /// Whether a closed PR could be similar before its paths are known.
    fn same_subject(&self, pr: &FleetPr) -> bool {
        !self.plan_refs.is_empty() && fleet::subject_refs(&pr.metadata) == self.plan_refs
    }

    /// Reads the files of the next PR whose paths the decision needs and its
    /// metadata does not list; then decides.
    fn next_files(&mut self) -> Step {
        let needs = self
            .open_prs
            .iter()
            .chain(self.closed_prs.iter().filter(|p| self.same_subject(p)))
            .find(|p| p.metadata.changes.is_none() && !self.files.contains_key(&p.number))
            .map(|p| p.number);
        match needs {
            Some(number) => {
                self.files.insert(number, Vec::new());
                self.goto(State::ReadFiles { number, page: 1 }, 0)
            }
            None => self.decide(),
        }
    }

    fn on_files(
        &mut self,
        number: u64,
        page: u32,
        headers: &BTreeMap<String, String>,
        json: &Value,
    ) -> Step {
        let Some(paths) = fleet::paths_of_files(json) else {
            return self.unexpected("a pull request's files", 200, json);
        };
        let more = fleet::has_next_page(headers) && !paths.is_empty();
        self.files.entry(number).or_default().extend(paths);
        if more && page < fleet::MAX_PAGES {
            return self.goto(
                State::ReadFiles {
                    number,
                    page: page + 1,
                },
                0,
            );
        }
        self.next_files()
    }

    /// Overlap, then rejection memory (SPEC §10's order), once every path is known.
    fn decide(&mut self) -> Step {
        let overlapping: Vec<FleetPr> = self
            .open_prs
            .iter()
            .filter(|p| {
                self.paths_of(p).is_some_and(|paths| {
                    paths.iter().any(|x| {
                        self.plan_paths
                            .contains(&crate::encoding::text::path_fold(x))
                    })
                })
            })
            .cloned()
            .collect();
        if let Some((pr, _)) = &self.resuming {
            // Only what this PR superseded when it opened: the PRs opened
            // before it (GitHub numbers them in order). A newer overlapping
            // proposal is not this run's to close.
            let own = pr.number;
            self.to_supersede = overlapping.into_iter().filter(|p| p.number < own).collect();
            return self.followup(&State::Done);
        }
        if !overlapping.is_empty() && !self.fleet.supersede {
            let named: Vec<String> = overlapping
                .iter()
                .map(|p| format!("#{} (key {})", p.number, p.short_key()))
                .collect();
            let detail = format!(
                "the plan changes paths that open petrova pull request{} {} already change{}",
                if named.len() == 1 { "" } else { "s" },
                named.join(", "),
                if named.len() == 1 { "s" } else { "" },
            );
            return self.finish(ApplyResult::Finished {
                outcome: Outcome::Conflict,
                pr: overlapping.first().map(FleetPr::pr_ref),
                detail: Some(detail),
                existing_body: None,
                warnings: Vec::new(),
                rejected: None,
                overlapping: overlapping.iter().map(FleetPr::pr_ref).collect(),
                superseded: Vec::new(),
                reconsidered: None,
            });
        }
        self.to_supersede = overlapping;
        let similar = self
            .closed_prs
            .iter()
            .filter(|p| !self.not_rejections.contains(&p.number) && self.same_subject(p))
            .find(|p| {
                self.paths_of(p)
                    .is_some_and(|paths| fleet::folded_paths(paths) == self.plan_paths)
            })
            .map(|p| p.number);
        match similar {
            Some(number) => self.goto(
                State::CheckClosed {
                    number,
                    why: ClosedCheck::Similar,
                    page: 1,
                },
                0,
            ),
            None => self.goto(State::GetBaseRef, 0),
        }
    }

    /// The comments of a closed PR: petrova's own closing is no rejection.
    fn on_closed_comments(
        &mut self,
        number: u64,
        why: ClosedCheck,
        page: u32,
        headers: &BTreeMap<String, String>,
        json: &Value,
    ) -> Step {
        let author = match why {
            ClosedCheck::SameKey => self
                .same_key_closed
                .as_ref()
                .map(|(_, _, author)| author.clone())
                .unwrap_or_default(),
            ClosedCheck::Similar => self
                .closed_prs
                .iter()
                .find(|p| p.number == number)
                .map(|p| p.author.clone())
                .unwrap_or_default(),
        };
        let by_petrova = match fleet::search_marker(json, headers, &author, page) {
            None => return self.unexpected("a pull request's comments", 200, json),
            Some(MarkerSearch::NextPage(page)) => {
                return self.goto(State::CheckClosed { number, why, page }, 0)
            }
            Some(found) => found == MarkerSearch::Found,
        };
        match (why, by_petrova) {
            (ClosedCheck::SameKey, true) => {
                self.same_key_closed = None;
                self.goto(State::ListOpen { page: 1 }, 0)
            }
            (ClosedCheck::SameKey, false) => match self.same_key_closed.take() {
                Some((pr, body, _)) => self.skipped(
                    Outcome::SkippedRejected,
                    pr,
                    Some(body),
                    Some(RejectReason::SameKey),
                ),
                None => self.unexpected("a pull request's comments", 200, json),
            },
            (ClosedCheck::Similar, true) => {
                self.not_rejections.insert(number);
                self.decide()
            }
            (ClosedCheck::Similar, false) => {
                let Some(pr) = self.closed_prs.iter().find(|p| p.number == number) else {
                    return self.unexpected("a pull request's comments", 200, json);
                };
                let pr_ref = pr.pr_ref();
                if self.fleet.reconsider {
                    // The note goes into the body when the PR is created.
                    self.reconsidered = Some(pr_ref);
                    return self.goto(State::GetBaseRef, 0);
                }
                // The rejected PR is another proposal: this run's body is reported.
                self.skipped(
                    Outcome::SkippedRejected,
                    pr_ref,
                    None,
                    Some(RejectReason::Similar),
                )
            }
        }
    }

    fn on_tip(&mut self, tip_sha: &str, json: &Value) -> Step {
        let message = str_at(json, "/message").unwrap_or_default();
        let trailer = format!("{KEY_TRAILER}: {}", self.key);
        if !message.lines().any(|l| l.trim() == trailer) {
            return self.conflict(
                None,
                format!(
                    "branch `{}` exists and its tip {tip_sha} is not this proposal's commit",
                    self.branch
                ),
            );
        }
        let Some(tip_tree) = sha_at(json, "/tree/sha") else {
            return self.unexpected("the branch's tip commit", 200, json);
        };
        let Some(parent_sha) = sha_at(json, "/parents/0/sha") else {
            return self.unexpected("the branch's tip commit", 200, json);
        };
        match &self.our_tree {
            Some((base, tree)) if *base == parent_sha => {
                if *tree == tip_tree {
                    self.goto(State::CreatePull, 0)
                } else {
                    let tree = tree.clone();
                    self.conflict(None, format!(
                        "branch `{}` carries this proposal's key but its tip holds tree {tip_tree}, not the planned tree {tree}; someone changed it",
                        self.branch
                    ))
                }
            }
            _ => self.goto(
                State::GetParentCommit {
                    tip_tree,
                    parent_sha,
                },
                0,
            ),
        }
    }

    fn request(&self) -> Option<Request> {
        let repo = repo_path(&self.owner, &self.repo);
        let get = Request::get;
        let post = Request::post;
        Some(match &self.state {
            State::ListPulls { .. } => get(format!(
                "{repo}/pulls?state=all&head={}&per_page=100",
                encode(&format!("{}:{}", self.owner, self.branch))
            )),
            State::GetBaseRef => get(format!(
                "{repo}/git/ref/heads/{}",
                encode_ref(&self.base_branch)
            )),
            State::GetBaseCommit { base_sha } => get(format!("{repo}/git/commits/{base_sha}")),
            State::CreateTree { base_tree, .. } => post(
                format!("{repo}/git/trees"),
                json!({"base_tree": base_tree, "tree": self.changes}),
            ),
            State::CreateCommit { base_sha, tree_sha } => post(
                format!("{repo}/git/commits"),
                json!({"message": format!("{}\n\n{KEY_TRAILER}: {}\n", self.title, self.key), "tree": tree_sha, "parents": [base_sha]}),
            ),
            State::CreateRef { commit_sha } => post(
                format!("{repo}/git/refs"),
                json!({"ref": format!("refs/heads/{}", self.branch), "sha": commit_sha}),
            ),
            State::GetBranchRef => {
                get(format!("{repo}/git/ref/heads/{}", encode_ref(&self.branch)))
            }
            State::GetTipCommit { tip_sha } => get(format!("{repo}/git/commits/{tip_sha}")),
            State::GetParentCommit { parent_sha, .. } => {
                get(format!("{repo}/git/commits/{parent_sha}"))
            }
            State::CompareTree { parent_tree, .. } => post(
                format!("{repo}/git/trees"),
                json!({"base_tree": parent_tree, "tree": self.changes}),
            ),
            State::CreatePull => post(
                format!("{repo}/pulls"),
                json!({"title": self.title, "head": self.branch, "base": self.base_branch, "body": self.pull_body(), "draft": self.draft}),
            ),
            State::AddLabels => post(
                format!("{repo}/issues/{}/labels", self.opened.as_ref()?.number),
                json!({"labels": self.shaping.labels}),
            ),
            State::RequestReviewers => {
                let mut asked = serde_json::Map::new();
                if !self.shaping.reviewers.is_empty() {
                    asked.insert("reviewers".to_owned(), json!(self.shaping.reviewers));
                }
                if !self.shaping.team_reviewers.is_empty() {
                    asked.insert(
                        "team_reviewers".to_owned(),
                        json!(self.shaping.team_reviewers),
                    );
                }
                post(
                    format!(
                        "{repo}/pulls/{}/requested_reviewers",
                        self.opened.as_ref()?.number
                    ),
                    Value::Object(asked),
                )
            }
            State::ListOpen { page } => get(fleet::pulls_page(&repo, "open", "created", *page)),
            State::ListClosed => get(fleet::pulls_page(&repo, "closed", "updated", 1)),
            State::ReadFiles { number, page } => get(fleet::files_page(&repo, *number, *page)),
            State::CheckClosed { number, page, .. } => {
                get(fleet::comments_path(&repo, *number, *page))
            }
            State::Supersede { index, step } => {
                let successor = self
                    .opened
                    .as_ref()
                    .or(self.resuming.as_ref().map(|(pr, _)| pr))?;
                let closing = Closing::Superseded {
                    by: successor.number,
                    key: self.key.chars().take(12).collect(),
                };
                step.request(&repo, self.to_supersede.get(*index)?.number, &closing)
            }
            State::Done => return None,
        })
    }

    fn goto(&mut self, state: State, delay_ms: u64) -> Step {
        self.state = state;
        self.attempt = 0;
        self.send(delay_ms)
    }

    fn send(&mut self, delay_ms: u64) -> Step {
        match self.request() {
            Some(request) => {
                self.requests_sent += 1;
                Step::Send { delay_ms, request }
            }
            None => self.finish(ApplyResult::GithubFailed {
                message: "nothing left to send".to_owned(),
            }),
        }
    }

    fn retry(&mut self, why: &str, delay_ms: Option<u64>) -> Step {
        self.attempt += 1;
        // A comment that may have been posted is never posted again blindly:
        // the comments are read first (boundedly), and the marker found there
        // lets the run go straight to closing.
        if let State::Supersede {
            index,
            step: CloseStep::Comment,
        } = self.state
        {
            self.comment_failures += 1;
            self.attempt = self.comment_failures;
            if self.comment_failures < self.policy.max_attempts {
                let delay = delay_ms
                    .unwrap_or_else(|| self.backoff(self.comment_failures))
                    .min(self.policy.max_delay_ms);
                self.state = State::Supersede {
                    index,
                    step: CloseStep::ReadComments { page: 1 },
                };
                return self.send(delay);
            }
        }
        if self.attempt >= self.policy.max_attempts {
            let what = self.describe_state();
            if self.is_followup() {
                // The pull request exists: a call that keeps failing is a warning.
                self.followup_warnings.push(format!(
                    "GitHub failed {what} after {} attempts: {why}; the pull request is open without them",
                    self.attempt
                ));
                let from = std::mem::replace(&mut self.state, State::Done);
                return self.followup(&from);
            }
            return self.finish(ApplyResult::GithubFailed {
                message: format!("GitHub failed {what} after {} attempts: {why}; nothing half-done is lost, run again to resume", self.attempt),
            });
        }
        let delay = delay_ms
            .unwrap_or_else(|| self.backoff(self.attempt))
            .min(self.policy.max_delay_ms);
        self.send(delay)
    }

    fn backoff(&self, attempt: u32) -> u64 {
        self.policy.backoff(attempt)
    }

    /// The body the pull request is opened with: the rendered one, with the
    /// note linking a reconsidered PR when there is one.
    fn pull_body(&self) -> String {
        match &self.reconsidered {
            Some(pr) => crate::proposal::body::with_reconsidered(&self.body, pr),
            None => self.body.clone(),
        }
    }

    fn restart(&mut self, why: &str) -> Step {
        // Everything read before is read again: the listings may have changed.
        self.open_prs.clear();
        self.closed_prs.clear();
        self.files.clear();
        self.not_rejections.clear();
        self.same_key_closed = None;
        self.resuming = None;
        self.to_supersede.clear();
        self.reconsidered = None;
        self.restarts += 1;
        if self.restarts > 2 {
            return self.finish(ApplyResult::GithubFailed {
                message: format!("{why}; gave up after restarting twice"),
            });
        }
        self.goto(
            State::ListPulls {
                after: ListReason::Start,
            },
            self.backoff(self.restarts),
        )
    }

    fn conflict(&mut self, pr: Option<PrRef>, detail: String) -> Step {
        self.finish(ApplyResult::Finished {
            outcome: Outcome::Conflict,
            pr,
            detail: Some(detail),
            existing_body: None,
            warnings: Vec::new(),
            rejected: None,
            overlapping: Vec::new(),
            superseded: Vec::new(),
            reconsidered: None,
        })
    }

    /// After this run opened its pull request (`from` = `CreatePull`) or
    /// finished one follow-up call: the next of the profile's calls (labels,
    /// then review requests), then the closing of each superseded PR, then
    /// the end: `applied` (or, resuming, `skipped_idempotent`) with any warnings.
    fn followup(&mut self, from: &State) -> Step {
        let reviewers =
            !self.shaping.reviewers.is_empty() || !self.shaping.team_reviewers.is_empty();
        let next = match from {
            State::CreatePull if !self.shaping.labels.is_empty() => Some(State::AddLabels),
            State::CreatePull | State::AddLabels if reviewers => Some(State::RequestReviewers),
            _ => None,
        };
        if let Some(state) = next {
            return self.goto(state, 0);
        }
        let index = match from {
            State::Supersede { index, .. } => index + 1,
            _ => 0,
        };
        if index < self.to_supersede.len() {
            self.comment_failures = 0;
            return self.goto(
                State::Supersede {
                    index,
                    step: CloseStep::ReadComments { page: 1 },
                },
                0,
            );
        }
        if let Some((pr, body)) = self.resuming.take() {
            return self.skipped(Outcome::SkippedIdempotent, pr, Some(body), None);
        }
        let result = ApplyResult::Finished {
            outcome: Outcome::Applied,
            pr: self.opened.clone(),
            detail: None,
            existing_body: None,
            warnings: std::mem::take(&mut self.followup_warnings),
            rejected: None,
            overlapping: Vec::new(),
            superseded: std::mem::take(&mut self.superseded),
            reconsidered: self.reconsidered.take(),
        };
        self.finish(result)
    }

    /// Whether the pull request is open and the run is adding the profile's
    /// labels or review requests, or closing the PRs it supersedes.
    fn is_followup(&self) -> bool {
        matches!(
            self.state,
            State::AddLabels | State::RequestReviewers | State::Supersede { .. }
        )
    }

    /// GitHub's answer to a follow-up call (transient failures were retried
    /// by [`Self::retry`], which turns the last one into a warning). The pull
    /// request exists: a refusal becomes a warning and the run still applies.
    fn on_followup(
        &mut self,
        status: u16,
        headers: &BTreeMap<String, String>,
        json: &Value,
    ) -> Step {
        let from = std::mem::replace(&mut self.state, State::Done);
        if !(200..300).contains(&status) {
            self.state = from;
            let what = self.describe_state();
            let from = std::mem::replace(&mut self.state, State::Done);
            let consequence = match from {
                State::Supersede { .. } => {
                    "it stays open; run again with the same choice to close it"
                }
                _ => "the pull request is open without them",
            };
            self.followup_warnings.push(format!(
                "GitHub refused {what} (HTTP {status}{}); {consequence}",
                github_message(json)
            ));
            return self.followup(&from);
        }
        if let State::Supersede { index, step } = from {
            let next = match step {
                CloseStep::ReadComments { page } => {
                    let author = self
                        .to_supersede
                        .get(index)
                        .map(|p| p.author.clone())
                        .unwrap_or_default();
                    match fleet::search_marker(json, headers, &author, page) {
                        Some(MarkerSearch::Found) => Some(CloseStep::Close),
                        Some(MarkerSearch::NextPage(page)) => {
                            Some(CloseStep::ReadComments { page })
                        }
                        Some(MarkerSearch::Absent) => Some(CloseStep::Comment),
                        None => {
                            self.followup_warnings.push(format!(
                                "unexpected answer reading the comments of superseded #{}; it stays open",
                                self.to_supersede.get(index).map_or(0, |p| p.number)
                            ));
                            None
                        }
                    }
                }
                CloseStep::Comment => Some(CloseStep::Close),
                CloseStep::Close => {
                    if let Some(pr) = self.to_supersede.get(index) {
                        self.superseded.push(pr.pr_ref());
                    }
                    None
                }
            };
            if let Some(step) = next {
                return self.goto(State::Supersede { index, step }, 0);
            }
        }
        self.followup(&from)
    }

    fn unexpected(&mut self, what: &str, status: u16, json: &Value) -> Step {
        self.finish(ApplyResult::GithubFailed {
            message: format!(
                "unexpected answer reading {what}: HTTP {status}{}",
                github_message(json)
            ),
        })
    }

    fn finish(&mut self, result: ApplyResult) -> Step {
        self.state = State::Done;
        Step::Done { result }
    }

    fn describe_state(&self) -> String {
        match &self.state {
            State::ListPulls { .. } => "listing pull requests",
            State::GetBaseRef => "reading the base branch",
            State::GetBaseCommit { .. } => "reading the base commit",
            State::CreateTree { .. } | State::CompareTree { .. } => "creating a tree",
            State::CreateCommit { .. } => "creating the commit",
            State::CreateRef { .. } => "creating the branch",
            State::GetBranchRef => "reading the branch",
            State::GetTipCommit { .. } | State::GetParentCommit { .. } => {
                "reading the branch's commits"
            }
            State::CreatePull => "opening the pull request",
            State::AddLabels => "adding the profile's labels",
            State::RequestReviewers => "requesting the profile's reviewers",
            State::ListOpen { .. } => "listing open pull requests",
            State::ListClosed => "listing closed pull requests",
            State::ReadFiles { .. } => "reading a pull request's files",
            State::CheckClosed { .. } => "reading a closed pull request's comments",
            State::Supersede { step, index } => {
                return format!(
                    "{} (superseded #{})",
                    step.describe(),
                    self.to_supersede.get(*index).map_or(0, |p| p.number)
                )
            }
            State::Done => "after finishing",
        }
        .to_owned()
    }
}

pub(crate) fn str_at(json: &Value, pointer: &str) -> Option<String> {
    json.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// A git object id from a response, which may go into a request path: only
/// ASCII letters and digits (git's are hex), so a hostile answer such as
/// `../../user` cannot steer the token elsewhere.
pub(crate) fn sha_at(json: &Value, pointer: &str) -> Option<String> {
    str_at(json, pointer)
        .filter(|s| !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A web address from a response, which petrova prints and hands to
/// workflows (`pr-url`): kept only when it is an http(s) URL of plain URL
/// characters — no quote, space, `$`, backtick, bracket or control character
/// a shell or a log could act on.
pub(crate) fn url_at(json: &Value, pointer: &str) -> Option<String> {
    str_at(json, pointer).filter(|u| {
        (u.starts_with("https://") || u.starts_with("http://"))
            && u.len() <= 2048
            && u.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~:/%#?=&+@,".contains(&b))
    })
}

/// Whether GitHub's `message` or any `errors[].message` contains `needle`
/// (GitHub puts "A pull request already exists" in `errors[].message`).
fn says(json: &Value, needle: &str) -> bool {
    let in_message = json
        .get("message")
        .and_then(Value::as_str)
        .is_some_and(|m| m.contains(needle));
    let in_errors = json
        .get("errors")
        .and_then(Value::as_array)
        .is_some_and(|errors| {
            errors.iter().any(|e| {
                e.get("message")
                    .and_then(Value::as_str)
                    .is_some_and(|m| m.contains(needle))
            })
        });
    in_message || in_errors
}

pub(crate) fn github_message(json: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = json.get("message").and_then(Value::as_str) {
        parts.push(m.to_owned());
    }
    if let Some(errors) = json.get("errors").and_then(Value::as_array) {
        parts.extend(
            errors
                .iter()
                .filter_map(|e| e.get("message").and_then(Value::as_str))
                .map(str::to_owned),
        );
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", parts.join("; "))
    }
}

fn is_rate_limited(headers: &BTreeMap<String, String>) -> bool {
    headers.contains_key("retry-after")
        || headers.get("x-ratelimit-remaining").map(String::as_str) == Some("0")
}

fn rate_limit_delay(headers: &BTreeMap<String, String>, now_epoch_s: u64) -> Option<u64> {
    if let Some(seconds) = headers
        .get("retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return Some(seconds.saturating_mul(1000));
    }
    headers
        .get("x-ratelimit-reset")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|reset| {
            reset
                .saturating_sub(now_epoch_s)
                .saturating_add(1)
                .saturating_mul(1000)
        })
}

/// Percent-encodes everything but unreserved characters (and `:` in query values).
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Encodes a ref path, keeping its `/` separators.
pub(crate) fn encode_ref(s: &str) -> String {
    s.split('/').map(encode).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operator::registry::Role;
    use crate::plan::key::ProposalKey;
    use crate::plan::{Change, Grounding, GroundingKind, Plan};
    use crate::proposal::body::{Body, Metadata, TriggeredBy};

    fn entry() -> RepoEntry {
        RepoEntry {
            slug: "kahn-hq".into(),
            url: "https://github.com/kahn-hq/kahn".into(),
            owner: "kahn-hq".into(),
            name: "kahn".into(),
            default_branch: "main".into(),
            role: Role::Production,
            profile: "standard".into(),
            fleets_allowed: vec!["f".into()],
            added: "2026-04-29".into(),
            checkout: "kahn-hq".into(),
            line: 1,
        }
    }

    const KEY: &str = "4f8c3e21d97a00000000000000000000000000000000000000000000000000aa";

    fn proposal() -> Proposal {
        let metadata = Metadata {
            verb: "propose_fix".into(),
            target_repo: "kahn-hq".into(),
            idempotency_key: KEY.into(),
            schema_version: 1,
            schema_fingerprint: "000000000000".into(),
            actor: "fleet:f".into(),
            triggered_by: TriggeredBy {
                kind: "k".into(),
                reference: "r".into(),
            },
            applied_at: "2026-04-29T14:32:18Z".into(),
            diagnosis_id: None,
            grounding: None,
            changes: None,
        };
        let body = format!("## Petrova action: `propose_fix`\n\n<!-- petrova:metadata -->\n```yaml\npetrova:\n  verb: propose_fix\n  target_repo: kahn-hq\n  idempotency_key: {KEY}\n  schema_version: 1\n  schema_fingerprint: '000000000000'\n  actor: fleet:f\n  triggered_by:\n    kind: k\n    ref: r\n  applied_at: 2026-04-29T14:32:18Z\n```\n");
        Proposal {
            key: ProposalKey {
                idempotency_key: KEY.into(),
                short_key: KEY[..12].into(),
                branch: format!("petrova/propose-fix/{}", &KEY[..8]),
            },
            plan: Plan {
                diagnosis_id: "diag-0000000000000000".into(),
                title: "t".into(),
                rationale: "r".into(),
                proposed_changes: vec![Change {
                    path: "a.sql".into(),
                    operation: Operation::Create,
                    contents: Some("x".into()),
                    edit_rationale: None,
                }],
                test_plan: vec!["t".into()],
                mr_grounding: vec![Grounding {
                    kind: GroundingKind::MetaRule,
                    reference: "MR-1".into(),
                    claim: "c".into(),
                }],
            },
            shaping: Default::default(),
            title: "t".into(),
            body: Body {
                text: body,
                shortened: None,
            },
            metadata,
            upholds: vec![],
            draft: false,
            stale_against: None,
            fleet: crate::proposal::propose::FleetPolicy {
                reject_memory_days: 30,
                ..Default::default()
            },
        }
    }

    #[allow(clippy::needless_pass_by_value)] // Scripts read better with owned `json!` values.
    fn ok(status: u16, body: Value) -> Reply {
        Reply::Response {
            status,
            headers: BTreeMap::new(),
            body: body.to_string(),
        }
    }

    fn pr(number: u64, state: &str, merged: bool, body: &str) -> Value {
        json!({"number": number, "state": state, "merged_at": if merged { json!("2026-05-01T00:00:00Z") } else { Value::Null },
               "html_url": format!("https://github.com/kahn-hq/kahn/pull/{number}"), "body": body,
               "head": {"ref": format!("petrova/propose-fix/{}", &KEY[..8])}})
    }

    /// Drives the machine through scripted replies; returns (requests as "METHOD path", result).
    fn drive(replies: Vec<Reply>) -> (Vec<String>, ApplyResult) {
        drive_proposal(&proposal(), replies)
    }

    fn drive_proposal(proposal: &Proposal, replies: Vec<Reply>) -> (Vec<String>, ApplyResult) {
        let (requests, result) = drive_requests(proposal, replies);
        let log = requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.path.split('?').next().unwrap_or("")))
            .collect();
        (log, result)
    }

    /// Like [`drive_proposal`], with the requests whole.
    fn drive_requests(proposal: &Proposal, replies: Vec<Reply>) -> (Vec<Request>, ApplyResult) {
        let mut m = ApplyMachine::new(
            proposal,
            &entry(),
            RetryPolicy {
                max_attempts: 3,
                base_delay_ms: 10,
                max_delay_ms: 100,
            },
        );
        let mut step = m.start();
        let mut log = Vec::new();
        let mut replies = replies.into_iter();
        loop {
            match step {
                Step::Done { result } => return (log, result),
                Step::Send { request, .. } => {
                    let reply = replies
                        .next()
                        .unwrap_or_else(|| panic!("no scripted reply for {}", request.path));
                    log.push(request);
                    step = m.on_reply(&reply, 0);
                }
            }
        }
    }

    fn outcome(result: &ApplyResult) -> Option<(Outcome, Option<u64>)> {
        match result {
            ApplyResult::Finished { outcome, pr, .. } => {
                Some((*outcome, pr.as_ref().map(|p| p.number)))
            }
            _ => None,
        }
    }

    fn fresh_replies() -> Vec<Reply> {
        vec![
            ok(200, json!([])),
            ok(200, json!([])),
            ok(200, json!([])),
            ok(200, json!({"object": {"sha": "base"}})),
            ok(200, json!({"tree": {"sha": "basetree"}})),
            ok(201, json!({"sha": "tree1"})),
            ok(201, json!({"sha": "commit1"})),
            ok(201, json!({"ref": "refs/heads/x"})),
            ok(
                201,
                json!({"number": 1234, "html_url": "https://github.com/kahn-hq/kahn/pull/1234"}),
            ),
        ]
    }

    /// Object ids and addresses from GitHub's answers are hostile data: an
    /// id that is not plain letters and digits never reaches a request path,
    /// and an address that is not a plain URL is left out.
    #[test]
    fn ids_and_urls_from_answers_are_checked_before_use() {
        for (sha, ok) in [
            ("0123abcdef", true),
            ("../../../../user", false),
            ("abc?x=1", false),
            ("", false),
            ("a b", false),
        ] {
            assert_eq!(sha_at(&json!({"sha": sha}), "/sha").is_some(), ok, "{sha}");
        }
        for (url, ok) in [
            ("https://github.com/kahn-hq/kahn/pull/7", true),
            ("https://github.com/o/r/pull/1234\"; echo $(id)", false),
            ("https://x/##[warning]y", false),
            ("javascript:alert(1)", false),
            ("https://x/\r::error::y", false),
        ] {
            assert_eq!(url_at(&json!({"u": url}), "/u").is_some(), ok, "{url}");
        }
        let mut replies = fresh_replies();
        replies[3] = ok(200, json!({"object": {"sha": "../../../../user"}}));
        replies.truncate(4);
        let (log, result) = drive(replies);
        assert!(log.iter().all(|r| !r.contains("..")), "{log:?}");
        assert!(
            matches!(result, ApplyResult::GithubFailed { .. }),
            "{result:?}"
        );
    }

    /// A run that restarts (the branch vanished while it was inspected) reads
    /// the listings again and opens the PR with one "Reconsidered" note, not
    /// one per pass.
    #[test]
    fn a_restart_reconsiders_once() {
        let mut p = proposal();
        p.fleet.reconsider = true;
        p.body.text.push_str("\nWhat the change does.\n");
        p.plan.mr_grounding.push(Grounding {
            kind: GroundingKind::Finding,
            reference: "docs/findings/f.md".into(),
            claim: "c".into(),
        });
        let other_key = format!("0badc0de{}", "0".repeat(56));
        let rejected_body = format!("<!-- petrova:metadata -->\n```yaml\npetrova:\n  verb: propose_fix\n  target_repo: kahn-hq\n  idempotency_key: {other_key}\n  schema_version: 1\n  schema_fingerprint: '000000000000'\n  actor: fleet:f\n  triggered_by:\n    kind: k\n    ref: r\n  applied_at: 2026-04-20T00:00:00Z\n  grounding:\n  - kind: finding\n    ref: docs/findings/f.md\n  changes:\n  - a.sql\n```\n");
        let rejected = json!([{"number": 7, "state": "closed", "merged_at": null,
            "closed_at": "2026-04-25T00:00:00Z", "created_at": "2026-04-20T00:00:00Z",
            "html_url": "https://github.com/kahn-hq/kahn/pull/7", "user": {"login": "petrova-bot"},
            "body": rejected_body,
            "head": {"ref": "petrova/propose-fix/0badc0de", "repo": {"full_name": "kahn-hq/kahn"}},
            "base": {"ref": "main", "repo": {"full_name": "kahn-hq/kahn"}}}]);
        let pass = |tail: Vec<Reply>| {
            let mut replies = vec![
                ok(200, json!([])),
                ok(200, json!([])),
                ok(200, rejected.clone()),
                ok(200, json!([])),
                ok(200, json!({"object": {"sha": "base"}})),
                ok(200, json!({"tree": {"sha": "basetree"}})),
                ok(201, json!({"sha": "tree1"})),
                ok(201, json!({"sha": "commit1"})),
            ];
            replies.extend(tail);
            replies
        };
        let mut replies = pass(vec![
            ok(422, json!({"message": "Reference already exists"})),
            ok(404, json!({"message": "Not Found"})),
        ]);
        replies.extend(pass(vec![
            ok(201, json!({"ref": "refs/heads/x"})),
            ok(
                201,
                json!({"number": 8, "html_url": "https://github.com/kahn-hq/kahn/pull/8"}),
            ),
        ]));
        let (requests, result) = drive_requests(&p, replies);
        assert_eq!(outcome(&result), Some((Outcome::Applied, Some(8))));
        let body = requests
            .iter()
            .find(|r| r.method == "POST" && r.path.ends_with("/pulls"))
            .and_then(|r| r.body.as_ref()?.get("body")?.as_str().map(str::to_owned))
            .expect("the PR was opened");
        assert_eq!(body.matches("**Reconsidered:**").count(), 1, "{body}");
        assert_eq!(
            body,
            crate::proposal::body::with_reconsidered(
                &p.body.text,
                &PrRef {
                    number: 7,
                    url: "https://github.com/kahn-hq/kahn/pull/7".into()
                }
            )
        );
    }

    /// The profile's labels and review requests follow the pull request, one
    /// call each; GitHub refusing one, or failing it past the retries, leaves
    /// the run applied with a warning naming it.
    #[test]
    fn labels_and_reviewers_follow_the_pull_request() {
        let mut shaped = proposal();
        shaped.shaping = crate::proposal::propose::Shaping {
            labels: vec!["petrova".into(), "fleet".into()],
            reviewers: vec!["alice".into()],
            team_reviewers: vec!["platform".into()],
        };
        let server_error = || ok(502, json!({"message": "Bad Gateway"}));
        let cases: Vec<(&str, Vec<Reply>, usize)> = vec![
            (
                "both accepted",
                vec![ok(200, json!([])), ok(201, json!({}))],
                0,
            ),
            (
                "labels refused",
                vec![
                    ok(422, json!({"message": "Validation Failed"})),
                    ok(201, json!({})),
                ],
                1,
            ),
            (
                "reviewers refused (not a collaborator)",
                vec![
                    ok(200, json!([])),
                    ok(
                        422,
                        json!({"message": "Reviews may only be requested from collaborators."}),
                    ),
                ],
                1,
            ),
            (
                "labels fail past the retries",
                vec![
                    server_error(),
                    server_error(),
                    server_error(),
                    ok(201, json!({})),
                ],
                1,
            ),
            (
                "a transient failure is retried",
                vec![server_error(), ok(200, json!([])), ok(201, json!({}))],
                0,
            ),
        ];
        for (name, followups, warned) in cases {
            let mut replies = fresh_replies();
            replies.extend(followups);
            let (log, result) = drive_proposal(&shaped, replies);
            assert_eq!(
                outcome(&result),
                Some((Outcome::Applied, Some(1234))),
                "{name}"
            );
            assert!(
                log.contains(&"POST /repos/kahn-hq/kahn/issues/1234/labels".to_owned()),
                "{name}: {log:?}"
            );
            assert_eq!(
                log.last().map(String::as_str),
                Some("POST /repos/kahn-hq/kahn/pulls/1234/requested_reviewers"),
                "{name}"
            );
            let ApplyResult::Finished { warnings, .. } = &result else {
                panic!("{name}: {result:?}");
            };
            assert_eq!(warnings.len(), warned, "{name}: {warnings:?}");
        }
        let (log, _) = drive_proposal(&shaped, {
            let mut r = fresh_replies();
            r.extend([ok(200, json!([])), ok(201, json!({}))]);
            r
        });
        assert_eq!(
            log.len(),
            11,
            "a fresh apply with labels and reviewers: 7 + 2 listings + 2 requests"
        );
    }

    #[test]
    fn fresh_apply_takes_nine_requests() {
        let (log, result) = drive(fresh_replies());
        assert_eq!(outcome(&result), Some((Outcome::Applied, Some(1234))));
        assert_eq!(
            log,
            vec![
                "GET /repos/kahn-hq/kahn/pulls",
                "GET /repos/kahn-hq/kahn/pulls",
                "GET /repos/kahn-hq/kahn/pulls",
                "GET /repos/kahn-hq/kahn/git/ref/heads/main",
                "GET /repos/kahn-hq/kahn/git/commits/base",
                "POST /repos/kahn-hq/kahn/git/trees",
                "POST /repos/kahn-hq/kahn/git/commits",
                "POST /repos/kahn-hq/kahn/git/refs",
                "POST /repos/kahn-hq/kahn/pulls",
            ]
        );
    }

    #[test]
    fn rerun_outcomes_take_one_request() {
        let body = proposal().body.text;
        let check = |pulls: Value, expected: Outcome| {
            // A closed PR's comments say whether a human closed it.
            let (log, result) = drive(vec![ok(200, pulls), ok(200, json!([]))]);
            let requests = if expected == Outcome::SkippedRejected {
                2
            } else {
                1
            };
            assert_eq!(log.len(), requests);
            assert_eq!(outcome(&result).map(|o| o.0), Some(expected));
        };
        check(
            json!([pr(7, "open", false, &body)]),
            Outcome::SkippedIdempotent,
        );
        check(
            json!([pr(7, "closed", false, &body)]),
            Outcome::SkippedRejected,
        );
        check(
            json!([pr(7, "closed", true, &body)]),
            Outcome::SkippedMerged,
        );
        check(
            json!([pr(7, "closed", false, &body), pr(8, "open", false, &body)]),
            Outcome::SkippedIdempotent,
        );
        check(
            json!([pr(7, "open", false, &body.replace(KEY, &"b".repeat(64)))]),
            Outcome::Conflict,
        );
        check(
            json!([pr(7, "open", false, "hand-written body")]),
            Outcome::Conflict,
        );
    }

    #[test]
    fn skipped_runs_report_the_existing_body() {
        let existing = proposal().body.text.replace(
            "applied_at: 2026-04-29T14:32:18Z",
            "applied_at: 2026-04-01T00:00:00Z",
        );
        let (_, result) = drive(vec![ok(200, json!([pr(7, "open", false, &existing)]))]);
        match result {
            ApplyResult::Finished {
                outcome: Outcome::SkippedIdempotent,
                existing_body,
                ..
            } => assert_eq!(existing_body.as_deref(), Some(existing.as_str())),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn pull_created_but_answered_502_ends_applied() {
        let mut replies = fresh_replies();
        replies.pop();
        replies.push(ok(502, json!({"message": "Bad Gateway"})));
        replies.push(ok(422, json!({"message": "Validation Failed", "errors": [{"message": "A pull request already exists for kahn-hq:petrova/propose-fix/4f8c3e21."}]})));
        replies.push(ok(
            200,
            json!([pr(1234, "open", false, &proposal().body.text)]),
        ));
        let (_, result) = drive(replies);
        assert_eq!(outcome(&result), Some((Outcome::Applied, Some(1234))));
    }

    #[test]
    fn concurrent_run_meeting_existing_pull_is_idempotent() {
        let mut replies = fresh_replies();
        replies.pop();
        replies.push(ok(422, json!({"message": "Validation Failed", "errors": [{"message": "A pull request already exists for kahn-hq:x."}]})));
        replies.push(ok(
            200,
            json!([pr(1234, "open", false, &proposal().body.text)]),
        ));
        let (_, result) = drive(replies);
        assert_eq!(
            outcome(&result),
            Some((Outcome::SkippedIdempotent, Some(1234)))
        );
    }

    #[test]
    fn existing_branch_with_our_tree_is_finished() {
        let mut replies = fresh_replies()[..7].to_vec();
        replies.push(ok(422, json!({"message": "Reference already exists"})));
        replies.push(ok(200, json!({"object": {"sha": "tip"}})));
        replies.push(ok(200, json!({"message": format!("t\n\n{KEY_TRAILER}: {KEY}\n"), "tree": {"sha": "tree1"}, "parents": [{"sha": "base"}]})));
        replies.push(ok(201, json!({"number": 1235, "html_url": "u"})));
        let (log, result) = drive(replies);
        assert_eq!(outcome(&result), Some((Outcome::Applied, Some(1235))));
        assert_eq!(log.len(), 11);
    }

    #[test]
    fn existing_branch_on_older_base_is_compared_on_its_parent() {
        let mut replies = fresh_replies()[..7].to_vec();
        replies.push(ok(422, json!({"message": "Reference already exists"})));
        replies.push(ok(200, json!({"object": {"sha": "tip"}})));
        replies.push(ok(200, json!({"message": format!("t\n\n{KEY_TRAILER}: {KEY}\n"), "tree": {"sha": "oldtree"}, "parents": [{"sha": "oldbase"}]})));
        replies.push(ok(200, json!({"tree": {"sha": "oldbasetree"}})));
        replies.push(ok(201, json!({"sha": "oldtree"})));
        replies.push(ok(201, json!({"number": 1236, "html_url": "u"})));
        let (_, result) = drive(replies);
        assert_eq!(outcome(&result), Some((Outcome::Applied, Some(1236))));
    }

    #[test]
    fn foreign_branch_is_a_conflict() {
        let mut replies = fresh_replies()[..7].to_vec();
        replies.push(ok(422, json!({"message": "Reference already exists"})));
        replies.push(ok(200, json!({"object": {"sha": "tip"}})));
        replies.push(ok(
            200,
            json!({"message": "human commit", "tree": {"sha": "t"}, "parents": [{"sha": "base"}]}),
        ));
        let (log, result) = drive(replies);
        assert_eq!(outcome(&result).map(|o| o.0), Some(Outcome::Conflict));
        assert!(
            !log.iter()
                .any(|l| l.ends_with("/pulls") && l.starts_with("POST")),
            "{log:?}"
        );
    }

    #[test]
    fn transient_failures_are_retried_then_give_up() {
        let limited = Reply::Response {
            status: 403,
            headers: BTreeMap::from([("retry-after".to_owned(), "0".to_owned())]),
            body: "{\"message\":\"secondary rate limit\"}".into(),
        };
        let mut replies = vec![
            Reply::Transport {
                message: "reset".into(),
            },
            limited,
        ];
        replies.extend(fresh_replies());
        let (log, result) = drive(replies);
        assert_eq!(outcome(&result), Some((Outcome::Applied, Some(1234))));
        assert_eq!(log.len(), 11);
        let (_, result) = drive(vec![
            ok(500, json!({})),
            ok(502, json!({})),
            ok(503, json!({})),
        ]);
        assert!(
            matches!(result, ApplyResult::GithubFailed { .. }),
            "{result:?}"
        );
        assert_eq!(result.exit_code(), crate::error::Exit::Github);
    }

    #[test]
    fn bad_token_and_missing_branch_are_configuration() {
        let (_, result) = drive(vec![ok(401, json!({"message": "Bad credentials"}))]);
        assert_eq!(result.exit_code(), crate::error::Exit::Config);
        let (_, result) = drive(vec![
            ok(200, json!([])),
            ok(200, json!([])),
            ok(200, json!([])),
            ok(404, json!({"message": "Not Found"})),
        ]);
        assert_eq!(result.exit_code(), crate::error::Exit::Config);
    }

    #[test]
    fn rate_limit_delay_honours_headers_with_a_cap() {
        let headers = BTreeMap::from([
            ("x-ratelimit-remaining".to_owned(), "0".to_owned()),
            ("x-ratelimit-reset".to_owned(), "1000".to_owned()),
        ]);
        let mut m = ApplyMachine::new(
            &proposal(),
            &entry(),
            RetryPolicy {
                max_attempts: 3,
                base_delay_ms: 10,
                max_delay_ms: 5_000,
            },
        );
        m.start();
        match m.on_reply(
            &Reply::Response {
                status: 403,
                headers,
                body: String::new(),
            },
            998,
        ) {
            Step::Send { delay_ms, .. } => assert_eq!(delay_ms, 3_000),
            other => panic!("{other:?}"),
        }
        let headers = BTreeMap::from([("retry-after".to_owned(), "3600".to_owned())]);
        match m.on_reply(
            &Reply::Response {
                status: 429,
                headers,
                body: String::new(),
            },
            0,
        ) {
            Step::Send { delay_ms, .. } => assert_eq!(delay_ms, 5_000),
            other => panic!("{other:?}"),
        }
    }
}
