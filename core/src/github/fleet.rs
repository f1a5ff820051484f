//! petrova's own pull requests, as a repository's listings show them.
//!
//! [`FleetPr::of`] is the one definition of a petrova PR (SPEC §10): its head
//! branch lives in the same repository, is named `petrova/propose-fix/<8 hex>`,
//! and its body's metadata block carries a key starting with those 8 hex
//! digits. Anything else — a human's PR, a forged block on another branch, a
//! fork — is never read as petrova's, never closed, never counted.
//!
//! This module also holds what the apply protocol and `sweep`/`status` share:
//! overlap and similarity of proposals, the marker of the comment petrova
//! writes before closing one of its own PRs, and the listing's pagination.
//! [`FleetMachine`] drives `petrova status` and `petrova sweep` as a sans-I/O
//! state machine, like [`super::apply::ApplyMachine`].

use super::apply::{answer, repo_path, str_at, Answer, PrState, Reply, Request, RetryPolicy, Step};
use crate::encoding::text::{path_fold, shown};
use crate::proposal::body::{parse_metadata, Metadata};
use crate::proposal::propose::PrRef;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

pub use crate::plan::key::BRANCH_PREFIX;

/// The first line of every comment petrova writes before closing one of its
/// own pull requests. A closed PR counts as petrova's own doing (never as a
/// rejection) only when such a comment was written by the PR's author — the
/// identity petrova opened it with — so nobody else can launder a rejection.
pub const CLOSING_MARKER: &str = "<!-- petrova:closing -->";

/// How many pages of 100 a listing follows before giving up (3,000 pull
/// requests or files, GitHub's own cap for a pull request's files).
pub const MAX_PAGES: u32 = 30;

/// A pull request that is petrova's, with its metadata read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetPr {
    /// Its number.
    pub number: u64,
    /// Its web address.
    pub url: String,
    /// Open, merged or closed.
    pub state: PrState,
    /// Its head branch.
    pub branch: String,
    /// Who opened it (`user.login`): the identity petrova runs as.
    pub author: String,
    /// `created_at`, as GitHub wrote it.
    pub created_at: String,
    /// `closed_at`, when closed or merged.
    pub closed_at: Option<String>,
    /// The metadata block.
    pub metadata: Metadata,
}

impl FleetPr {
    /// The pull request `pr` (an object of GitHub's pulls API) if it is a
    /// petrova PR, else `None`.
    pub fn of(pr: &Value) -> Option<FleetPr> {
        let number = pr
            .get("number")
            .and_then(Value::as_u64)
            .filter(|n| *n > 0)?;
        let branch = str_at(pr, "/head/ref")?;
        let hex = branch_hex(&branch)?;
        let head_repo = str_at(pr, "/head/repo/full_name")?;
        let base_repo = str_at(pr, "/base/repo/full_name")?;
        if !head_repo.eq_ignore_ascii_case(&base_repo) {
            return None;
        }
        let metadata = parse_metadata(pr.get("body").and_then(Value::as_str)?).ok()?;
        // The key is printed and compared later: anything but 64 hex digits
        // starting with the branch's 8 is not a petrova PR.
        if metadata.verb != "propose_fix"
            || !crate::plan::key::is_idempotency_key(&metadata.idempotency_key)
            || !metadata.idempotency_key.starts_with(hex)
        {
            return None;
        }
        Some(FleetPr {
            number,
            url: super::apply::url_at(pr, "/html_url").unwrap_or_default(),
            state: PrState::of(pr),
            author: str_at(pr, "/user/login").unwrap_or_default(),
            created_at: str_at(pr, "/created_at").unwrap_or_default(),
            closed_at: str_at(pr, "/closed_at"),
            branch,
            metadata,
        })
    }

    /// The first 12 hex digits of its key.
    pub fn short_key(&self) -> &str {
        let key = &self.metadata.idempotency_key;
        key.get(..12).unwrap_or(key)
    }

    /// A reference to it.
    pub fn pr_ref(&self) -> PrRef {
        PrRef {
            number: self.number,
            url: self.url.clone(),
        }
    }

    /// Whole days from `created_at` to `now` (0 when either is unreadable).
    pub fn age_days(&self, now_s: i64) -> i64 {
        crate::encoding::date::epoch_seconds(&self.created_at)
            .map_or(0, |created| (now_s - created).max(0) / 86_400)
    }
}

/// The 8 hex digits of a proposal branch's name, if `branch` is one.
pub fn branch_hex(branch: &str) -> Option<&str> {
    let hex = branch.strip_prefix(BRANCH_PREFIX)?;
    (hex.len() == 8
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(hex)
}

/// The paths a proposal changes, folded for comparison (NFC, lower case).
pub fn folded_paths<'a>(paths: impl IntoIterator<Item = &'a String>) -> BTreeSet<String> {
    paths.into_iter().map(|p| path_fold(p)).collect()
}

/// What makes two proposals "similar" for rejection memory: the finding,
/// decision and milestone references they cite (meta-rules and specs are
/// what every fix upholds, not what it is about).
pub fn subject_refs(metadata: &Metadata) -> BTreeSet<(String, String)> {
    metadata
        .grounding
        .iter()
        .flatten()
        .filter(|g| crate::plan::GroundingKind::is_subject(&g.kind))
        .map(|g| (g.kind.clone(), g.reference.clone()))
        .collect()
}

/// Whether `comments` (GitHub's list of issue comments) hold petrova's closing
/// marker written by `author`; `None` when the answer is not such a list.
pub fn closed_by_petrova(comments: &Value, author: &str) -> Option<bool> {
    let list = comments.as_array()?;
    Some(
        !author.is_empty()
            && list.iter().any(|c| {
                str_at(c, "/user/login").is_some_and(|login| login.eq_ignore_ascii_case(author))
                    && c.get("body")
                        .and_then(Value::as_str)
                        .is_some_and(|b| b.trim_start().starts_with(CLOSING_MARKER))
            }),
    )
}

/// Why petrova closes one of its own pull requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Closing {
    /// A newer proposal changing some of the same files replaces it.
    Superseded {
        /// The successor's number.
        by: u64,
        /// The successor's short key.
        key: String,
    },
    /// It stayed open longer than the profile's `expires_days`.
    Expired {
        /// Its age in days.
        age_days: i64,
        /// The profile's `expires_days`.
        expires_days: u32,
    },
}

impl Closing {
    /// The comment petrova writes before closing. It holds only numbers,
    /// hex digits and petrova's own words, nothing a plan or a body wrote.
    pub fn comment(&self) -> String {
        match self {
            Closing::Superseded { by, key } => format!(
                "{CLOSING_MARKER}\nClosed by petrova: superseded by #{by} (proposal `{key}`), which changes some of the same files."
            ),
            Closing::Expired {
                age_days,
                expires_days,
            } => format!(
                "{CLOSING_MARKER}\nClosed by petrova: this proposal was open for {age_days} days, longer than the profile's `expires_days` ({expires_days}). The fleet may propose it again."
            ),
        }
    }
}

/// Whether a listing's `Link` header names a next page.
pub fn has_next_page(headers: &BTreeMap<String, String>) -> bool {
    headers.get("link").is_some_and(|link| {
        link.split(',').any(|part| {
            part.split(';')
                .skip(1)
                .any(|p| p.trim().eq_ignore_ascii_case("rel=\"next\""))
        })
    })
}

/// The paths a pull request's files list names (a rename names both sides);
/// `None` when the answer is not such a list.
pub fn paths_of_files(files: &Value) -> Option<Vec<String>> {
    let list = files.as_array()?;
    let mut paths = Vec::new();
    for f in list {
        paths.push(str_at(f, "/filename")?);
        if let Some(previous) = str_at(f, "/previous_filename") {
            paths.push(previous);
        }
    }
    Some(paths)
}

/// The path of one page of a repository's pull requests.
pub fn pulls_page(repo: &str, state: &str, sort: &str, page: u32) -> String {
    format!("{repo}/pulls?state={state}&sort={sort}&direction=desc&per_page=100&page={page}")
}

/// The path of one page of a pull request's files.
pub fn files_page(repo: &str, number: u64, page: u32) -> String {
    format!("{repo}/pulls/{number}/files?per_page=100&page={page}")
}

/// The path of a pull request's (issue) comments, first page, newest last.
pub fn comments_path(repo: &str, number: u64, page: u32) -> String {
    if page <= 1 {
        format!("{repo}/issues/{number}/comments?per_page=100")
    } else {
        format!("{repo}/issues/{number}/comments?per_page=100&page={page}")
    }
}

/// What one page of a pull request's comments (GitHub lists them oldest
/// first) says about petrova's closing marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerSearch {
    /// A comment by the PR's author starts with [`CLOSING_MARKER`].
    Found,
    /// Not on this page: read page `n`.
    NextPage(u32),
    /// Not on any page read. Past [`MAX_PAGES`] (anyone may comment) the
    /// answer is `Absent`: the PR then counts as rejected by a human, and a
    /// closing comment may be written once more — both the safe side.
    Absent,
}

/// Looks for the closing marker on page `page` of a pull request's comments;
/// `None` when the answer is not a list of comments.
pub fn search_marker(
    comments: &Value,
    headers: &BTreeMap<String, String>,
    author: &str,
    page: u32,
) -> Option<MarkerSearch> {
    let found = closed_by_petrova(comments, author)?;
    let more = has_next_page(headers) && comments.as_array().is_some_and(|c| !c.is_empty());
    Some(if found {
        MarkerSearch::Found
    } else if more && page < MAX_PAGES {
        MarkerSearch::NextPage(page + 1)
    } else {
        MarkerSearch::Absent
    })
}

/// The three requests that close one of petrova's PRs: read its comments
/// (a run that died after commenting does not comment twice), comment, close.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseStep {
    /// `GET …/issues/{n}/comments`, page `page` (from 1).
    ReadComments {
        /// The page.
        page: u32,
    },
    /// `POST …/issues/{n}/comments`.
    Comment,
    /// `PATCH …/pulls/{n}` with `state: closed`.
    Close,
}

impl CloseStep {
    /// The request for this step on pull request `number`.
    pub fn request(self, repo: &str, number: u64, closing: &Closing) -> Request {
        match self {
            CloseStep::ReadComments { page } => Request::get(comments_path(repo, number, page)),
            CloseStep::Comment => Request::post(
                format!("{repo}/issues/{number}/comments"),
                json!({ "body": closing.comment() }),
            ),
            CloseStep::Close => Request::new(
                "PATCH",
                format!("{repo}/pulls/{number}"),
                Some(json!({ "state": "closed" })),
            ),
        }
    }

    /// What the step does, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            CloseStep::ReadComments { .. } => "reading a pull request's comments",
            CloseStep::Comment => "commenting on a pull request",
            CloseStep::Close => "closing a pull request",
        }
    }
}

// ---------------------------------------------------------------------------
// `petrova status` and `petrova sweep`

/// Which fleet command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FleetCommand {
    /// List every petrova PR (open, merged, closed).
    Status,
    /// Close open petrova PRs older than `expires_days` (`apply`), or say
    /// which would be closed.
    Sweep {
        /// The profile's `expires_days`; `None`: nothing expires.
        expires_days: Option<u32>,
        /// Act, rather than say what would be done.
        apply: bool,
    },
}

/// What `sweep` did or would do with one pull request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepAction {
    /// Younger than `expires_days`: left open.
    Kept,
    /// Older: a dry run would close it.
    WouldClose,
    /// Older: closed (with the comment).
    Closed,
}

/// One petrova PR as `status` and `sweep` report it; every field but the
/// number, state, address and age comes from its metadata block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetRow {
    /// Its number.
    pub number: u64,
    /// `open`, `merged` or `closed`.
    pub state: String,
    /// Its web address.
    pub url: String,
    /// The proposal's idempotency key (64 hex).
    pub idempotency_key: String,
    /// `fleet:NAME`.
    pub actor: String,
    /// What made the fleet act.
    pub triggered_by: crate::proposal::body::TriggeredBy,
    /// The diagnosis the plan cited (absent in older bodies).
    pub diagnosis_id: Option<String>,
    /// When it was opened.
    pub created_at: String,
    /// Whole days since it was opened.
    pub age_days: i64,
    /// The paths it changes (absent when the metadata block does not list them).
    pub paths: Option<Vec<String>>,
    /// For `sweep`: what was (or would be) done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<SweepAction>,
}

impl FleetRow {
    /// The first 12 hex digits of its key (`-` should a row ever carry
    /// something else: nothing but hex digits reaches an output).
    pub fn short_key(&self) -> &str {
        if crate::plan::key::is_idempotency_key(&self.idempotency_key) {
            &self.idempotency_key[..12]
        } else {
            "-"
        }
    }

    fn of(pr: &FleetPr, now_s: i64) -> FleetRow {
        FleetRow {
            number: pr.number,
            state: match pr.state {
                PrState::Open => "open",
                PrState::Merged => "merged",
                PrState::Closed => "closed",
            }
            .to_owned(),
            url: pr.url.clone(),
            idempotency_key: pr.metadata.idempotency_key.clone(),
            actor: pr.metadata.actor.clone(),
            triggered_by: pr.metadata.triggered_by.clone(),
            diagnosis_id: pr.metadata.diagnosis_id.clone(),
            created_at: pr.created_at.clone(),
            age_days: pr.age_days(now_s),
            paths: pr.metadata.changes.clone(),
            action: None,
        }
    }
}

/// The result of `status` or `sweep` on one repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetOutput {
    /// `status` or `sweep`.
    pub verb: String,
    /// The registry slug.
    pub target_repo: String,
    /// `listed` (status), `swept` (sweep --apply), `dry_run` (sweep), or
    /// `failed` (with `error`).
    pub outcome: String,
    /// The profile's `expires_days` (sweep).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_days: Option<u32>,
    /// The petrova PRs, newest first.
    pub pulls: Vec<FleetRow>,
    /// `status` only: the repository has more pull requests than petrova
    /// lists ([`MAX_PAGES`] pages of 100), and `pulls` holds the petrova PRs
    /// among the newest of them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// Why the run failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::error::Failure>,
}

/// What a truncated `status` says.
fn truncation_note() -> String {
    format!(
        "only the newest {} pull requests were read",
        MAX_PAGES * 100
    )
}

impl FleetOutput {
    /// The documented exit code.
    pub fn exit_code(&self) -> crate::error::Exit {
        self.error
            .as_ref()
            .map_or(crate::error::Exit::Done, |f| f.exit_code)
    }

    /// One JSON line per pull request (what `--json` prints), each carrying
    /// the verb, the repository and the outcome; a run that failed or found
    /// nothing prints one line without a pull request.
    pub fn json_lines(&self) -> String {
        let mut out = String::new();
        let head = |row: Option<&FleetRow>| {
            let mut v = json!({"verb": self.verb, "target_repo": self.target_repo, "outcome": self.outcome});
            if let Some(days) = self.expires_days {
                v["expires_days"] = json!(days);
            }
            if self.truncated {
                v["truncated"] = json!(true);
            }
            if let Some(row) = row {
                v["pr"] = serde_json::to_value(row).unwrap_or(Value::Null);
            }
            if let Some(error) = &self.error {
                v["error"] = serde_json::to_value(error).unwrap_or(Value::Null);
            }
            v
        };
        if self.pulls.is_empty() || self.error.is_some() {
            out.push_str(&crate::encoding::text::json_line(&head(None)));
            out.push('\n');
        }
        for row in &self.pulls {
            out.push_str(&crate::encoding::text::json_line(&head(Some(row))));
            out.push('\n');
        }
        out
    }

    /// The human form: a heading line, then one line per pull request, every
    /// value shown on one line and safe for the runner.
    pub fn render_text(&self) -> String {
        let mut s = String::new();
        let n = self.pulls.len();
        let plural = if n == 1 { "" } else { "s" };
        match (self.verb.as_str(), self.expires_days) {
            ("sweep", None) => {
                let _ = writeln!(
                    s,
                    "sweep {} → {}: the profile sets no expires_days; nothing expires",
                    shown(&self.target_repo),
                    self.outcome
                );
            }
            ("sweep", Some(days)) => {
                let acting = self
                    .pulls
                    .iter()
                    .filter(|r| r.action != Some(SweepAction::Kept))
                    .count();
                let verb = if self.outcome == "swept" {
                    "closed"
                } else {
                    "would close"
                };
                let _ = writeln!(
                    s,
                    "sweep {} → {} ({verb} {acting} of {n} open petrova PR{plural} older than {days} days)",
                    shown(&self.target_repo),
                    self.outcome
                );
            }
            _ => {
                let _ = writeln!(
                    s,
                    "status {} → {} ({n} petrova PR{plural})",
                    shown(&self.target_repo),
                    self.outcome
                );
            }
        }
        for row in &self.pulls {
            let paths = row.paths.as_ref().map_or_else(
                || "(paths not in metadata)".to_owned(),
                |p| shown(&p.join(", ")).into_owned(),
            );
            let action = match row.action {
                Some(SweepAction::Kept) => "kept ",
                Some(SweepAction::WouldClose) => "would close ",
                Some(SweepAction::Closed) => "closed ",
                None => "",
            };
            let _ = writeln!(
                s,
                "  {action}PR #{} {} {} {}d {} {}:{} {} {paths}",
                row.number,
                row.state,
                row.short_key(),
                row.age_days,
                shown(&row.actor),
                shown(&row.triggered_by.kind),
                shown(&row.triggered_by.reference),
                shown(row.diagnosis_id.as_deref().unwrap_or("-")),
            );
        }
        if self.truncated {
            let _ = writeln!(s, "  ({})", truncation_note());
        }
        if let Some(error) = &self.error {
            let _ = writeln!(s, "  error: {}", shown(&error.diagnostic.message));
        }
        crate::encoding::text::runner_safe(&s).into_owned()
    }

    /// The step summary: a markdown table whose cells are made inert (no
    /// HTML, mention, closing keyword or cell break survives).
    pub fn step_summary(&self) -> String {
        let mut s = format!("### petrova {}: {}\n\n", self.verb, cell(&self.target_repo));
        if let Some(error) = &self.error {
            let _ = writeln!(s, "{}\n", cell(&error.diagnostic.message));
        }
        if self.truncated {
            let _ = writeln!(
                s,
                "The repository has more pull requests: {}.\n",
                truncation_note()
            );
        }
        if self.pulls.is_empty() {
            s.push_str("No petrova pull requests.\n");
            return s;
        }
        let sweep = self.verb == "sweep";
        s.push_str("| PR | state | key | actor | trigger | diagnosis | age | paths |");
        s.push_str(if sweep { " sweep |\n" } else { "\n" });
        s.push_str("|---:|---|---|---|---|---|---:|---|");
        s.push_str(if sweep { "---|\n" } else { "\n" });
        for (shown_rows, row) in self.pulls.iter().enumerate() {
            // GitHub takes at most 1 MiB of step summary; a row is a few KiB
            // at most (cells are cut), so stopping past half of that is safe.
            if s.len() > crate::request::MAX_SUMMARY_TEXT_BYTES {
                let _ = writeln!(
                    s,
                    "\n… and {} more: the result file lists every pull request.",
                    self.pulls.len() - shown_rows
                );
                break;
            }
            let paths = row
                .paths
                .as_ref()
                .map_or_else(|| "—".to_owned(), |p| cell(&p.join(", ")));
            let _ = write!(
                s,
                "| #{} | {} | `{}` | {} | {} | {} | {}d | {paths} |",
                row.number,
                row.state,
                row.short_key(),
                cell(&row.actor),
                cell(&format!(
                    "{}: {}",
                    row.triggered_by.kind, row.triggered_by.reference
                )),
                cell(row.diagnosis_id.as_deref().unwrap_or("—")),
                row.age_days,
            );
            if sweep {
                let action = match row.action {
                    Some(SweepAction::Kept) | None => "kept",
                    Some(SweepAction::WouldClose) => "would close",
                    Some(SweepAction::Closed) => "closed",
                };
                let _ = write!(s, " {action} |");
            }
            s.push('\n');
        }
        s
    }
}

/// A value from a metadata block in a markdown table cell: escaped as one line
/// of plan text is (no HTML, no live mention or closing keyword, no image),
/// with `|` as an entity so it cannot end the cell, no `##[`, and a trailing
/// backslash kept off the delimiter.
pub fn cell(value: &str) -> String {
    let text = crate::proposal::body::inline(&shown(value), Some(200));
    // `|` as an entity cannot end the cell; `##[` (the runner's legacy
    // command) never appears in what petrova writes, even in a file.
    let text = text.replace('|', "&#124;").replace("##[", "#&#35;[");
    if text.ends_with('\\') {
        format!("{text} ")
    } else {
        text
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum FleetState {
    List { page: u32 },
    Close { index: usize, step: CloseStep },
    Done,
}

/// `petrova status` and `petrova sweep` on one repository, as a state machine.
#[derive(Clone, Debug)]
pub struct FleetMachine {
    repo: String,
    slug: String,
    command: FleetCommand,
    now_s: i64,
    policy: RetryPolicy,
    state: FleetState,
    attempt: u32,
    pulls: Vec<FleetPr>,
    rows: Vec<FleetRow>,
    requests_sent: u32,
    /// Failed attempts at the closing comment of the PR being closed.
    comment_failures: u32,
    /// `status` stopped after [`MAX_PAGES`] pages.
    truncated: bool,
}

impl FleetMachine {
    /// Prepares the command for `entry`; `now` is the caller's clock (RFC 3339).
    pub fn new(
        entry: &crate::operator::registry::RepoEntry,
        command: FleetCommand,
        now: &str,
        policy: RetryPolicy,
    ) -> FleetMachine {
        FleetMachine {
            repo: repo_path(&entry.owner, &entry.name),
            slug: entry.slug.clone(),
            command,
            now_s: crate::encoding::date::epoch_seconds(now).unwrap_or(0),
            policy,
            state: FleetState::List { page: 1 },
            attempt: 0,
            pulls: Vec::new(),
            rows: Vec::new(),
            requests_sent: 0,
            comment_failures: 0,
            truncated: false,
        }
    }

    /// How many requests were handed out so far, retries included.
    pub fn requests_sent(&self) -> u32 {
        self.requests_sent
    }

    /// The first step. A sweep of a profile without `expires_days` sends nothing.
    pub fn start(&mut self) -> Step<FleetOutput> {
        if let FleetCommand::Sweep {
            expires_days: None, ..
        } = self.command
        {
            return self.done(None);
        }
        self.goto(FleetState::List { page: 1 }, 0)
    }

    /// Feeds the reply to the last request.
    pub fn on_reply(&mut self, reply: &Reply, now_epoch_s: u64) -> Step<FleetOutput> {
        let (status, headers, json) = match answer(reply, now_epoch_s) {
            Answer::Transient { why, delay_ms, .. } => return self.retry(&why, delay_ms),
            Answer::Http {
                status,
                headers,
                json,
            } => (status, headers, json),
        };
        if status == 401 || status == 403 || status == 404 {
            let message = match status {
                401 => "GitHub rejected the token (HTTP 401); the token is wrong, expired or revoked".to_owned(),
                404 => format!("{} was not found, or the token cannot see it (HTTP 404, {})", self.slug, self.describe()),
                _ => format!("GitHub refused {} (HTTP 403{}); the token needs pull-requests:write (and issues:write to comment) on {}", self.describe(), super::apply::github_message(&json), self.slug),
            };
            return self.fail(crate::error::Code::GithubAccess, message);
        }
        if !(200..300).contains(&status) {
            let message = format!(
                "unexpected answer {}: HTTP {status}{}",
                self.describe(),
                super::apply::github_message(&json)
            );
            return self.fail(crate::error::Code::GithubFailed, message);
        }
        self.attempt = 0;
        match self.state.clone() {
            FleetState::List { page } => self.on_page(page, headers, &json),
            FleetState::Close { index, step } => self.on_close(index, step, headers, &json),
            FleetState::Done => self.fail(
                crate::error::Code::GithubFailed,
                "the protocol had already finished".to_owned(),
            ),
        }
    }

    fn on_page(
        &mut self,
        page: u32,
        headers: &BTreeMap<String, String>,
        json: &Value,
    ) -> Step<FleetOutput> {
        let Some(list) = json.as_array() else {
            return self.fail(
                crate::error::Code::GithubFailed,
                "unexpected answer listing pull requests: not a list".to_owned(),
            );
        };
        self.pulls.extend(list.iter().filter_map(FleetPr::of));
        if has_next_page(headers) && !list.is_empty() {
            if page < MAX_PAGES {
                return self.goto(FleetState::List { page: page + 1 }, 0);
            }
            // Status lists every state of a repository of any size: past the
            // last page it reads, it says what it left out. Sweep must see
            // the oldest open PRs, which come last: it stops instead.
            if self.command != FleetCommand::Status {
                return self.fail(
                    crate::error::Code::GithubFailed,
                    format!(
                        "{} has more than {} open pull requests; petrova reads at most {MAX_PAGES} pages",
                        self.slug,
                        MAX_PAGES * 100
                    ),
                );
            }
            self.truncated = true;
        }
        // A pull request listed twice (it moved between pages) counts once.
        let mut seen = BTreeSet::new();
        self.pulls.retain(|p| seen.insert(p.number));
        let now = self.now_s;
        self.rows = self.pulls.iter().map(|p| FleetRow::of(p, now)).collect();
        if let FleetCommand::Sweep {
            expires_days: Some(days),
            apply,
        } = self.command
        {
            let limit = i64::from(days) * 86_400;
            for (row, pr) in self.rows.iter_mut().zip(&self.pulls) {
                let age = crate::encoding::date::epoch_seconds(&pr.created_at)
                    .map_or(0, |created| now - created);
                // An expired PR is `would_close` until its close call succeeds;
                // whatever the listing says, only an open PR is ever closed.
                row.action = Some(if age <= limit || pr.state != PrState::Open {
                    SweepAction::Kept
                } else {
                    SweepAction::WouldClose
                });
            }
            if apply {
                return self.next_close(0);
            }
        }
        self.done(None)
    }

    fn next_close(&mut self, from: usize) -> Step<FleetOutput> {
        match (from..self.rows.len())
            .find(|i| self.rows[*i].action == Some(SweepAction::WouldClose))
        {
            Some(index) => self.goto(
                FleetState::Close {
                    index,
                    step: CloseStep::ReadComments { page: 1 },
                },
                0,
            ),
            None => self.done(None),
        }
    }

    fn on_close(
        &mut self,
        index: usize,
        step: CloseStep,
        headers: &BTreeMap<String, String>,
        json: &Value,
    ) -> Step<FleetOutput> {
        let next = match step {
            CloseStep::ReadComments { page } => {
                match search_marker(json, headers, &self.pulls[index].author, page) {
                    None => {
                        return self.fail(
                            crate::error::Code::GithubFailed,
                            "unexpected answer reading a pull request's comments: not a list"
                                .to_owned(),
                        )
                    }
                    Some(MarkerSearch::Found) => CloseStep::Close,
                    Some(MarkerSearch::NextPage(page)) => CloseStep::ReadComments { page },
                    Some(MarkerSearch::Absent) => CloseStep::Comment,
                }
            }
            CloseStep::Comment => CloseStep::Close,
            CloseStep::Close => {
                self.rows[index].action = Some(SweepAction::Closed);
                self.rows[index].state = "closed".to_owned();
                return self.next_close(index + 1);
            }
        };
        self.goto(FleetState::Close { index, step: next }, 0)
    }

    fn closing(&self, index: usize) -> Closing {
        let expires_days = match self.command {
            FleetCommand::Sweep {
                expires_days: Some(d),
                ..
            } => d,
            _ => 0,
        };
        Closing::Expired {
            age_days: self.rows.get(index).map_or(0, |r| r.age_days),
            expires_days,
        }
    }

    fn request(&self) -> Option<Request> {
        Some(match &self.state {
            FleetState::List { page } => {
                let state = match self.command {
                    FleetCommand::Status => "all",
                    FleetCommand::Sweep { .. } => "open",
                };
                Request::get(pulls_page(&self.repo, state, "created", *page))
            }
            FleetState::Close { index, step } => step.request(
                &self.repo,
                self.pulls.get(*index)?.number,
                &self.closing(*index),
            ),
            FleetState::Done => return None,
        })
    }

    fn describe(&self) -> String {
        match &self.state {
            FleetState::List { .. } => "listing pull requests".to_owned(),
            FleetState::Close { index, step } => format!(
                "{} (#{})",
                step.describe(),
                self.pulls.get(*index).map_or(0, |p| p.number)
            ),
            FleetState::Done => "after finishing".to_owned(),
        }
    }

    fn goto(&mut self, state: FleetState, delay_ms: u64) -> Step<FleetOutput> {
        self.state = state;
        self.attempt = 0;
        self.send(delay_ms)
    }

    fn send(&mut self, delay_ms: u64) -> Step<FleetOutput> {
        match self.request() {
            Some(request) => {
                self.requests_sent += 1;
                Step::Send { delay_ms, request }
            }
            None => self.fail(
                crate::error::Code::GithubFailed,
                "nothing left to send".to_owned(),
            ),
        }
    }

    fn retry(&mut self, why: &str, delay_ms: Option<u64>) -> Step<FleetOutput> {
        self.attempt += 1;
        // A comment that may have been posted is not posted again blindly:
        // the comments are read first (the marker then leads to closing).
        if let FleetState::Close {
            index,
            step: CloseStep::Comment,
        } = self.state
        {
            self.comment_failures += 1;
            self.attempt = self.comment_failures;
            if self.comment_failures < self.policy.max_attempts {
                let delay = delay_ms
                    .unwrap_or_else(|| self.policy.backoff(self.comment_failures))
                    .min(self.policy.max_delay_ms);
                self.state = FleetState::Close {
                    index,
                    step: CloseStep::ReadComments { page: 1 },
                };
                return self.send(delay);
            }
        }
        if self.attempt >= self.policy.max_attempts {
            let message = format!(
                "GitHub failed {} after {} attempts: {why}; run again to resume",
                self.describe(),
                self.attempt
            );
            return self.fail(crate::error::Code::GithubFailed, message);
        }
        let delay = delay_ms
            .unwrap_or_else(|| self.policy.backoff(self.attempt))
            .min(self.policy.max_delay_ms);
        self.send(delay)
    }

    fn fail(&mut self, code: crate::error::Code, message: String) -> Step<FleetOutput> {
        let mut failure = crate::error::Failure::new(code, message);
        if code == crate::error::Code::GithubFailed {
            failure = failure.with_hint("run again: a re-run resumes where this one stopped");
        }
        self.done(Some(failure))
    }

    fn done(&mut self, error: Option<crate::error::Failure>) -> Step<FleetOutput> {
        self.state = FleetState::Done;
        let (expires_days, outcome) = match self.command {
            FleetCommand::Status => (None, "listed"),
            FleetCommand::Sweep {
                expires_days,
                apply,
            } => (expires_days, if apply { "swept" } else { "dry_run" }),
        };
        let outcome = if error.is_some() { "failed" } else { outcome };
        Step::Done {
            result: FleetOutput {
                verb: match self.command {
                    FleetCommand::Status => "status",
                    FleetCommand::Sweep { .. } => "sweep",
                }
                .to_owned(),
                target_repo: self.slug.clone(),
                outcome: outcome.to_owned(),
                expires_days,
                pulls: self.rows.clone(),
                truncated: self.truncated,
                error,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "4f8c3e21d97a00000000000000000000000000000000000000000000000000aa";

    fn body(key: &str) -> String {
        format!("## Petrova action: `propose_fix`\n\n<!-- petrova:metadata -->\n```yaml\npetrova:\n  verb: propose_fix\n  target_repo: kahn-hq\n  idempotency_key: {key}\n  schema_version: 1\n  schema_fingerprint: '000000000000'\n  actor: fleet:f\n  triggered_by:\n    kind: k\n    ref: r\n  applied_at: 2026-04-29T14:32:18Z\n```\n")
    }

    #[allow(clippy::needless_pass_by_value)] // Cases read better with owned `json!` values.
    fn pr(number: u64, head: &str, head_repo: Value, body: Value) -> Value {
        json!({"number": number, "state": "open", "html_url": "u", "user": {"login": "petrova-bot"},
               "created_at": "2026-04-01T00:00:00Z", "body": body,
               "head": {"ref": head, "repo": head_repo}, "base": {"ref": "main", "repo": {"full_name": "kahn-hq/kahn"}}})
    }

    /// `command` on the example repository, one attempt per request.
    fn machine(command: FleetCommand) -> FleetMachine {
        let registry = crate::operator::registry::parse(
            "- slug: kahn-hq\n  url: https://github.com/kahn-hq/kahn\n  default_branch: main\n  role: production\n  profile: standard\n  fleets_allowed: [f]\n  added: \"2026-04-29\"\n",
            "registry.yaml",
        )
        .expect("registry");
        let policy = RetryPolicy {
            max_attempts: 1,
            base_delay_ms: 0,
            max_delay_ms: 0,
        };
        FleetMachine::new(&registry.repos[0], command, "2026-04-29T14:32:18Z", policy)
    }

    fn check(name: &str, value: &Value, petrova: bool) {
        assert_eq!(FleetPr::of(value).is_some(), petrova, "{name}");
    }

    #[test]
    fn a_petrova_pr_is_a_same_repo_head_named_for_its_key() {
        let same = json!({"full_name": "kahn-hq/kahn"});
        let branch = "petrova/propose-fix/4f8c3e21";
        let b = json!(body(KEY));
        check("petrova's", &pr(7, branch, same.clone(), b.clone()), true);
        check(
            "owner case differs",
            &pr(7, branch, json!({"full_name": "Kahn-HQ/kahn"}), b.clone()),
            true,
        );
        check(
            "a fork",
            &pr(7, branch, json!({"full_name": "mallory/kahn"}), b.clone()),
            false,
        );
        check(
            "a deleted fork",
            &pr(7, branch, Value::Null, b.clone()),
            false,
        );
        check(
            "a human's branch",
            &pr(7, "alice/fix", same.clone(), b.clone()),
            false,
        );
        check(
            "upper-case hex",
            &pr(7, "petrova/propose-fix/4F8C3E21", same.clone(), b.clone()),
            false,
        );
        check(
            "nine hex digits",
            &pr(7, "petrova/propose-fix/4f8c3e21d", same.clone(), b.clone()),
            false,
        );
        check(
            "a key of another prefix",
            &pr(7, "petrova/propose-fix/12345678", same.clone(), b.clone()),
            false,
        );
        check("no body", &pr(7, branch, same.clone(), Value::Null), false);
        check(
            "a body without metadata",
            &pr(7, branch, same.clone(), json!("hand-written")),
            false,
        );
        check("no number", &pr(0, branch, same.clone(), b), false);
        // The key is printed later: only 64 hex digits are one.
        for key in [
            "4f8c3e21|<b>",
            "4f8c3e21abc\u{e9}\n::error::x",
            &format!("{}\u{202e}", &KEY[..63]),
            &KEY.to_uppercase().replace("4F8C3E21", "4f8c3e21"),
        ] {
            // A JSON string is a YAML double-quoted scalar.
            let quoted = |k: &str| json!(body(&Value::from(k).to_string()));
            check(
                "quoted key",
                &pr(7, branch, same.clone(), quoted(KEY)),
                true,
            );
            check(key, &pr(7, branch, same.clone(), quoted(key)), false);
        }
    }

    #[test]
    fn the_marker_is_looked_for_page_by_page_up_to_the_cap() {
        let marker = json!([{"user": {"login": "petrova-bot"}, "body": CLOSING_MARKER}]);
        let other = json!([{"user": {"login": "mallory"}, "body": "hi"}]);
        let next = BTreeMap::from([(
            "link".to_owned(),
            "<https://x/?page=9>; rel=\"next\"".to_owned(),
        )]);
        let last = BTreeMap::new();
        for (comments, headers, page, expected) in [
            (&marker, &next, 1, Some(MarkerSearch::Found)),
            (&other, &next, 1, Some(MarkerSearch::NextPage(2))),
            (&other, &last, 1, Some(MarkerSearch::Absent)),
            (&other, &next, MAX_PAGES, Some(MarkerSearch::Absent)),
            (&json!([]), &next, 3, Some(MarkerSearch::Absent)),
            (&json!({"message": "x"}), &next, 1, None),
        ] {
            assert_eq!(
                search_marker(comments, headers, "petrova-bot", page),
                expected,
                "{comments} page {page}"
            );
        }
        assert_eq!(
            comments_path("/repos/o/r", 7, 1),
            "/repos/o/r/issues/7/comments?per_page=100"
        );
        assert_eq!(
            comments_path("/repos/o/r", 7, 2),
            "/repos/o/r/issues/7/comments?per_page=100&page=2"
        );
    }

    /// Status on a repository with more pull requests than it reads lists the
    /// petrova PRs among the newest and says so; sweep, which needs the
    /// oldest, stops instead.
    #[test]
    fn status_past_the_last_page_it_reads_says_so_and_sweep_stops() {
        let page = json!([pr(
            7,
            "petrova/propose-fix/4f8c3e21",
            json!({"full_name": "kahn-hq/kahn"}),
            json!(body(KEY))
        )])
        .to_string();
        for (command, outcome) in [
            (FleetCommand::Status, "listed"),
            (
                FleetCommand::Sweep {
                    expires_days: Some(1),
                    apply: false,
                },
                "failed",
            ),
        ] {
            let mut m = machine(command);
            let mut step = m.start();
            let mut requests = 0;
            let output = loop {
                match step {
                    Step::Done { result } => break result,
                    Step::Send { .. } => {
                        requests += 1;
                        let reply = Reply::Response {
                            status: 200,
                            headers: BTreeMap::from([(
                                "link".to_owned(),
                                "<https://x/?page=99>; rel=\"next\"".to_owned(),
                            )]),
                            body: page.clone(),
                        };
                        step = m.on_reply(&reply, 0);
                    }
                }
            };
            assert_eq!(requests, MAX_PAGES, "{outcome}");
            assert_eq!(output.outcome, outcome);
            if outcome == "listed" {
                assert!(output.truncated);
                assert_eq!(output.pulls.len(), 1, "listed twice, counted once");
                assert!(output
                    .render_text()
                    .contains("(only the newest 3000 pull requests were read)"));
                assert!(output.json_lines().contains("\"truncated\":true"));
                assert!(output.step_summary().contains("only the newest 3000"));
            } else {
                assert!(!output.truncated);
            }
        }
    }

    #[test]
    fn the_link_header_says_whether_a_next_page_exists() {
        let link = |v: &str| BTreeMap::from([("link".to_owned(), v.to_owned())]);
        for (header, next) in [
            (link("<https://api.github.com/repositories/1/pulls?page=2>; rel=\"next\", <https://api.github.com/repositories/1/pulls?page=5>; rel=\"last\""), true),
            (link("<https://api.github.com/repositories/1/pulls?page=1>; rel=\"prev\", <https://api.github.com/repositories/1/pulls?page=1>; rel=\"first\""), false),
            (link("<https://x/?rel=\"next\">; rel=\"last\""), false),
            (BTreeMap::new(), false),
        ] {
            assert_eq!(has_next_page(&header), next, "{header:?}");
        }
    }

    #[test]
    fn only_the_authors_marker_says_petrova_closed_it() {
        let comment = |login: &str, body: &str| json!({"user": {"login": login}, "body": body});
        for (comments, author, expected) in [
            (
                json!([comment("petrova-bot", "<!-- petrova:closing -->\nClosed")]),
                "petrova-bot",
                Some(true),
            ),
            (
                json!([comment("Petrova-Bot", "  <!-- petrova:closing -->")]),
                "petrova-bot",
                Some(true),
            ),
            (
                json!([comment("mallory", "<!-- petrova:closing -->")]),
                "petrova-bot",
                Some(false),
            ),
            (
                json!([comment("petrova-bot", "quote: <!-- petrova:closing -->")]),
                "petrova-bot",
                Some(false),
            ),
            (
                json!([comment("", "<!-- petrova:closing -->")]),
                "",
                Some(false),
            ),
            (json!([]), "petrova-bot", Some(false)),
            (json!({"message": "Not Found"}), "petrova-bot", None),
        ] {
            assert_eq!(
                closed_by_petrova(&comments, author),
                expected,
                "{comments} {author}"
            );
        }
    }

    #[test]
    fn table_cells_cannot_break_the_row_mention_or_make_html() {
        for (value, expected) in [
            ("fleet:kahn", "fleet:kahn"),
            ("a | b", "a &#124; b"),
            ("ends with \\", "ends with \\ "),
            ("@alice", "@\u{2060}alice"),
            ("<b>x</b>", "&lt;b>x&lt;/b>"),
            ("two\nlines", "two\\nlines"),
            ("# heading", "\\# heading"),
            ("##[error]x", "\\#&#35;[error]x"),
        ] {
            assert_eq!(cell(value), expected, "{value:?}");
        }
    }

    /// However many pull requests a status lists, its step summary stays
    /// under GitHub's 1 MiB, and says how many rows it left to the result file.
    #[test]
    fn a_long_status_table_stays_under_a_mebibyte() {
        let long = "a-rather-long-folder-name/".repeat(40);
        let row = |n: u64| FleetRow {
            number: n,
            state: "open".into(),
            url: String::new(),
            idempotency_key: KEY.into(),
            actor: format!("fleet:{long}"),
            triggered_by: crate::proposal::body::TriggeredBy {
                kind: long.clone(),
                reference: long.replace('a', "|"),
            },
            diagnosis_id: Some(long.clone()),
            created_at: "2026-04-01T00:00:00Z".into(),
            age_days: 3,
            paths: Some(vec![long.clone(); 3]),
            action: None,
        };
        let output = FleetOutput {
            verb: "status".into(),
            target_repo: "kahn-hq".into(),
            outcome: "listed".into(),
            expires_days: None,
            pulls: (1..=3000).map(row).collect(),
            truncated: true,
            error: None,
        };
        let summary = output.step_summary();
        assert!(summary.len() < 1024 * 1024, "{}", summary.len());
        let rows = summary.lines().filter(|l| l.starts_with("| #")).count();
        assert!(rows > 100, "{rows}");
        assert!(
            summary.ends_with(&format!(
                "\n\n… and {} more: the result file lists every pull request.\n",
                3000 - rows
            )),
            "{}",
            &summary[summary.len() - 200..]
        );
    }

    /// Sweep closes only what the listing says is open, whatever the
    /// `state=open` query asked for.
    #[test]
    fn sweep_never_closes_a_pr_the_listing_says_is_merged_or_closed() {
        let same = json!({"full_name": "kahn-hq/kahn"});
        let mut merged = pr(
            7,
            "petrova/propose-fix/4f8c3e21",
            same.clone(),
            json!(body(KEY)),
        );
        merged["state"] = json!("closed");
        merged["merged_at"] = json!("2026-04-02T00:00:00Z");
        let mut closed = pr(8, "petrova/propose-fix/4f8c3e21", same, json!(body(KEY)));
        closed["state"] = json!("closed");
        let command = FleetCommand::Sweep {
            expires_days: Some(1),
            apply: true,
        };
        let mut m = machine(command);
        assert!(matches!(m.start(), Step::Send { .. }));
        let reply = Reply::Response {
            status: 200,
            headers: BTreeMap::new(),
            body: json!([merged, closed]).to_string(),
        };
        let Step::Done { result } = m.on_reply(&reply, 0) else {
            panic!("sweep sent a request about a PR that is not open");
        };
        assert_eq!(result.pulls.len(), 2);
        assert!(result
            .pulls
            .iter()
            .all(|r| r.action == Some(SweepAction::Kept)));
    }

    #[test]
    fn epoch_ages_count_whole_days() {
        let mut p = FleetPr::of(&pr(
            7,
            "petrova/propose-fix/4f8c3e21",
            json!({"full_name": "kahn-hq/kahn"}),
            json!(body(KEY)),
        ))
        .expect("petrova's");
        let now = crate::encoding::date::epoch_seconds("2026-04-30T23:59:59Z").expect("now");
        assert_eq!(p.age_days(now), 29);
        p.created_at = "not a time".into();
        assert_eq!(p.age_days(now), 0);
    }
}
