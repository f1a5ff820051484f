//! A stateful fake of the GitHub REST API (git data and pull requests), with
//! fault injection, for end-to-end tests of petrova's apply protocol.
//!
//! It serves one repository on `127.0.0.1` over plain HTTP:
//!
//! | method | path (under `/repos/{owner}/{repo}`) | |
//! | --- | --- | --- |
//! | GET | `` | the repository |
//! | GET | `/git/ref/{ref}` | one ref (`heads/main`) |
//! | GET | `/git/refs/{ref}` | one ref, or the refs it prefixes (legacy form) |
//! | POST | `/git/refs` | create a ref |
//! | PATCH, DELETE | `/git/refs/{ref}` | move (fast-forward unless `force`), delete |
//! | POST, GET | `/git/commits`, `/git/commits/{sha}` | |
//! | POST, GET | `/git/trees`, `/git/trees/{sha}[?recursive=1]` | |
//! | POST, GET | `/git/blobs`, `/git/blobs/{sha}` | |
//! | GET, POST | `/pulls` | list (state, head `owner:branch`, base, sort, direction, per_page, page), create |
//! | GET, PATCH | `/pulls/{number}` | |
//! | GET | `/pulls/{number}/files` | the files that differ from the merge base (per_page, page) |
//! | POST | `/issues/{number}/labels` | |
//! | GET, POST | `/issues/{number}/comments` | list (per_page, page), comment |
//! | POST | `/pulls/{number}/requested_reviewers` | |
//!
//! Every API request needs `authorization: Bearer <token>` (or `token <token>`).
//! Test controls live under `/_fake/` (no authorization); see [`Fault`] for
//! fault injection and the crate README for the control endpoints.

// Not petrova-core: a test server may use the clock, the network and threads.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]
#![warn(missing_docs)]

mod api;
mod model;
mod render;
mod server;

pub use model::{CommentState, CommitState, PullState, Signature};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

/// How the fake is set up.
#[derive(Clone, Debug)]
pub struct FakeConfig {
    /// Repository owner (`kahn-hq`).
    pub owner: String,
    /// Repository name (`kahn`).
    pub repo: String,
    /// Default branch (`main`).
    pub default_branch: String,
    /// The token every API request must carry.
    pub token: String,
    /// The number the first pull request gets (1234).
    pub first_pr_number: u64,
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Login of the authenticated user (author of the pull requests).
    pub login: String,
    /// Whether the repository is private.
    pub private: bool,
    /// The files of the default branch's first commit (path → content).
    pub seed_files: BTreeMap<String, String>,
}

impl Default for FakeConfig {
    fn default() -> Self {
        let mut seed_files = BTreeMap::new();
        seed_files.insert(
            "README.md".to_owned(),
            "# kahn\n\nA repository served by petrova-fake-github.\n".to_owned(),
        );
        seed_files.insert(
            "backend/migrations/0001_init.sql".to_owned(),
            "create table accounts (id bigint primary key);\n".to_owned(),
        );
        FakeConfig {
            owner: "kahn-hq".to_owned(),
            repo: "kahn".to_owned(),
            default_branch: "main".to_owned(),
            token: "test-token".to_owned(),
            first_pr_number: 1234,
            port: 0,
            login: "petrova-bot".to_owned(),
            private: false,
            seed_files,
        }
    }
}

/// One injected fault. Faults wait in a FIFO queue; each API request (never a
/// `/_fake/` control) takes the FIRST queued fault that matches it, and each
/// fault is used `times` times (default once) and then dropped.
///
/// A fault matches a request when every criterion it sets holds: `method`
/// (case-insensitive), `path_prefix` (a prefix of the path, query excluded, as
/// sent, e.g. `/repos/kahn-hq/kahn/pulls`), `nth` (the request's 0-based index
/// among all API requests since start or the last reset). A fault with no
/// criterion matches the next request.
///
/// What it does, in this order:
/// 1. `delay_ms`: sleep first;
/// 2. `reset` without `perform_then_fail`: close the connection without an
///    answer (TCP RST), the operation is not performed;
/// 3. `status` without `perform_then_fail`: answer `status` with `headers` and
///    `body` (default: a GitHub error object naming the status), the operation
///    is not performed;
/// 4. otherwise the request is handled for real (including the authorization
///    check); then with `perform_then_fail` the real answer is discarded and
///    the client gets the `status` answer, or with `reset` too, no answer.
///
/// `delay_ms` alone therefore only slows the request down. A request, once
/// received, is always carried through even if the client gives up (a timed
/// out create has still created), as on GitHub.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// Match only this method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Match only paths that start with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_prefix: Option<String>,
    /// Match only the n-th API request (0-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nth: Option<u64>,
    /// The status to answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Headers of the fault's answer.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Body of the fault's answer: JSON, or a string sent verbatim as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Perform the request, then answer with the fault instead.
    #[serde(default, skip_serializing_if = "is_false")]
    pub perform_then_fail: bool,
    /// Sleep this long before anything else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Drop the connection without an answer.
    #[serde(default, skip_serializing_if = "is_false")]
    pub reset: bool,
    /// How many requests this fault applies to (default 1).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub times: u32,
}

fn is_false(b: &bool) -> bool {
    !*b
}
fn one() -> u32 {
    1
}
fn is_one(n: &u32) -> bool {
    *n == 1
}

impl Fault {
    /// Answer `status` without performing.
    pub fn status(status: u16) -> Self {
        Fault {
            status: Some(status),
            times: 1,
            ..Fault::default()
        }
    }

    /// Drop the connection without performing.
    pub fn reset() -> Self {
        Fault {
            reset: true,
            times: 1,
            ..Fault::default()
        }
    }

    /// Sleep, then handle normally.
    pub fn delay(ms: u64) -> Self {
        Fault {
            delay_ms: Some(ms),
            times: 1,
            ..Fault::default()
        }
    }

    /// Only for this method and path prefix.
    #[must_use]
    pub fn on(mut self, method: &str, path_prefix: &str) -> Self {
        self.method = Some(method.to_owned());
        self.path_prefix = Some(path_prefix.to_owned());
        self
    }

    /// Only for this method.
    #[must_use]
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_owned());
        self
    }

    /// Only for paths starting with this.
    #[must_use]
    pub fn path_prefix(mut self, prefix: &str) -> Self {
        self.path_prefix = Some(prefix.to_owned());
        self
    }

    /// Only for the n-th API request (0-based).
    #[must_use]
    pub fn nth(mut self, n: u64) -> Self {
        self.nth = Some(n);
        self
    }

    /// Add a header to the answer.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(name.to_owned(), value.to_owned());
        self
    }

    /// Set the answer's body.
    #[must_use]
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Perform the request first, then fail.
    #[must_use]
    pub fn perform_then_fail(mut self) -> Self {
        self.perform_then_fail = true;
        self
    }

    /// Sleep first.
    #[must_use]
    pub fn delay_ms(mut self, ms: u64) -> Self {
        self.delay_ms = Some(ms);
        self
    }

    /// Apply to this many matching requests.
    #[must_use]
    pub fn times(mut self, n: u32) -> Self {
        self.times = n;
        self
    }

    /// Whether the fault does something and can be queued.
    pub fn check(&self) -> Result<(), String> {
        if self.times == 0 {
            return Err("times must be at least 1".to_owned());
        }
        if self.status.is_none() && !self.reset && self.delay_ms.is_none() {
            return Err("a fault needs status, reset or delay_ms".to_owned());
        }
        if self.perform_then_fail && self.status.is_none() && !self.reset {
            return Err("perform_then_fail needs status or reset".to_owned());
        }
        if let Some(s) = self.status {
            if !(100..=999).contains(&s) {
                return Err(format!("status {s} is not an HTTP status"));
            }
        }
        for (k, v) in &self.headers {
            if axum::http::HeaderName::try_from(k.as_str()).is_err()
                || axum::http::HeaderValue::try_from(v.as_str()).is_err()
            {
                return Err(format!("header {k}: {v} is not a valid header"));
            }
        }
        Ok(())
    }
}

/// The state a seeded pull request is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeedState {
    /// Open.
    #[default]
    Open,
    /// Closed without being merged.
    Closed,
    /// Merged (closed, `merged` true, `merged_at` = `closed_at`). No merge
    /// commit is made: the base branch does not change and
    /// `merge_commit_sha` is null.
    Merged,
}

/// A pull request for [`Controls::seed_pull`] (or `POST /_fake/pulls`, with
/// the same fields in JSON, `state` in lowercase): one that a test needs to
/// exist already, in any state, at any age, by anyone, from a fork.
///
/// Times are RFC 3339 in UTC (`2024-01-01T00:00:00Z`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SeedPull {
    /// The head branch. It need not exist: then the head commit is the base's
    /// tip (and the pull request changes no file). With `fork_owner`, a
    /// branch of this name here gives the fork's head commit, once.
    pub head: String,
    /// The base branch (default: the default branch); it must exist.
    pub base: Option<String>,
    /// Title.
    pub title: String,
    /// Body (markdown).
    pub body: Option<String>,
    /// Open, closed or merged.
    pub state: SeedState,
    /// When it was opened (default: now).
    pub created_at: Option<String>,
    /// When it was closed or merged (default: `created_at`); only for those
    /// states.
    pub closed_at: Option<String>,
    /// Who opened it (`user.login`; default: the token's user).
    pub author: Option<String>,
    /// The owner of the fork the head comes from: `head.label` is
    /// `{fork_owner}:{head}`, `head.user` and `head.repo` are the fork's.
    /// Such a head never follows a branch of this repository.
    pub fork_owner: Option<String>,
    /// Labels.
    pub labels: Vec<String>,
}

/// One API request as the fake saw it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Its 0-based index among API requests (what `nth` matches).
    pub index: u64,
    /// Method.
    pub method: String,
    /// Path, as sent.
    pub path: String,
    /// Query string, if any.
    pub query: Option<String>,
    /// The status answered; null while running or when the connection was reset.
    pub status: Option<u16>,
    /// The request body: JSON, a string when not JSON, null when empty.
    pub body: Value,
    /// The answer's body (JSON, or a string), null when none.
    pub response: Value,
    /// What fault applied, if any (e.g. `status 502`, `perform_then_fail 502
    /// (performed: 201)`, `delay 100ms`, `reset`).
    pub fault: Option<String>,
}

/// Access to a running fake's state, shared by [`FakeGithub`] and
/// [`FakeGithubHandle`] (both dereference to it).
#[derive(Clone)]
pub struct Controls {
    shared: Arc<server::Shared>,
}

impl Controls {
    /// Queues faults (after those already queued).
    ///
    /// # Panics
    /// When a fault is malformed (see [`Fault::check`]).
    pub fn push_faults(&self, faults: Vec<Fault>) {
        for f in &faults {
            if let Err(e) = f.check() {
                panic!("bad fault {f:?}: {e}");
            }
        }
        self.shared.lock().faults.extend(faults);
    }

    /// The faults still queued.
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.iter().cloned().collect()
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Every API request so far, in arrival order.
    pub fn log(&self) -> Vec<LoggedRequest> {
        self.shared.lock().log.clone()
    }

    /// Every pull request, oldest first.
    pub fn pulls(&self) -> Vec<PullState> {
        self.shared.pulls()
    }

    /// One pull request.
    pub fn pull(&self, number: u64) -> Option<PullState> {
        self.pulls().into_iter().find(|p| p.number == number)
    }

    /// Every ref (`refs/heads/main` → commit id).
    pub fn refs(&self) -> BTreeMap<String, String> {
        self.shared.lock().repo.refs.clone()
    }

    /// A branch's tip.
    pub fn branch_tip(&self, branch: &str) -> Option<String> {
        self.shared.lock().repo.branch_tip(branch).cloned()
    }

    /// The files (path → content, lossy UTF-8) at a branch's tip.
    pub fn branch_files(&self, branch: &str) -> Option<BTreeMap<String, String>> {
        let tip = self.branch_tip(branch)?;
        self.commit_files(&tip)
    }

    /// The files (path → content, lossy UTF-8) of a commit.
    pub fn commit_files(&self, sha: &str) -> Option<BTreeMap<String, String>> {
        self.shared.commit_files(sha)
    }

    /// A commit.
    pub fn commit(&self, sha: &str) -> Option<CommitState> {
        self.shared.lock().repo.commits.get(sha).cloned()
    }

    /// Sets the repository setting "Allow GitHub Actions to create and approve pull requests".
    pub fn set_actions_can_open_pulls(&self, allowed: bool) {
        self.shared.lock().repo.actions_can_open_pulls = allowed;
    }

    /// Closes a pull request without merging it.
    pub fn close_pull(&self, number: u64) -> Option<PullState> {
        self.shared.close_pull(number)
    }

    /// Merges a pull request: a merge commit on the base branch, the pull
    /// request closed with `merged` set.
    pub fn merge_pull(&self, number: u64) -> Option<PullState> {
        self.shared.merge_pull(number, false)
    }

    /// Reopens a closed, unmerged pull request.
    pub fn reopen_pull(&self, number: u64) -> Option<PullState> {
        self.shared.reopen_pull(number)
    }

    /// Replaces a pull request's body.
    pub fn edit_pull_body(&self, number: u64, body: &str) -> Option<PullState> {
        self.shared.edit_pull(number, Some(body.to_owned()), None)
    }

    /// A pull request's issue comments, oldest first (none when there is no
    /// such pull request).
    pub fn comments(&self, number: u64) -> Vec<CommentState> {
        self.shared.comments(number).unwrap_or_default()
    }

    /// Adds an issue comment by any login (to forge or plant markers), now;
    /// it bumps the pull request's `updated_at`. Returns the comment's id, or
    /// `None` when there is no such pull request.
    pub fn add_comment(&self, number: u64, login: &str, body: &str) -> Option<u64> {
        self.shared.add_comment(number, login, body)
    }

    /// Adds a pull request as it would be after a history (see [`SeedPull`])
    /// and returns its number; `updated_at` is the latest of its creation and
    /// closing.
    ///
    /// # Panics
    /// When `head` is empty, the base branch does not exist, a time is not
    /// RFC 3339, or an open pull request is given `closed_at`.
    pub fn seed_pull(&self, seed: SeedPull) -> u64 {
        let head = seed.head.clone();
        match self.shared.seed_pull(seed) {
            Ok(number) => number,
            Err(e) => panic!("bad seeded pull request (head {head:?}): {e}"),
        }
    }

    /// Ages a pull request: sets `created_at` and, when it is closed,
    /// `closed_at` (and `merged_at` if merged; ignored while open), then
    /// `updated_at` to the latest of those and its comments' times.
    /// `None` when there is no such pull request.
    ///
    /// # Panics
    /// When a time is not RFC 3339.
    pub fn set_pull_times(
        &self,
        number: u64,
        created_at: Option<&str>,
        closed_at: Option<&str>,
    ) -> Option<PullState> {
        match self.shared.set_pull_times(number, created_at, closed_at) {
            Ok(p) => p,
            Err(e) => panic!("bad times for pull request {number}: {e}"),
        }
    }

    /// Makes `branch` point at a new commit on top of `from` (the default
    /// branch when `None`) that writes (`Some`) or deletes (`None`) files.
    /// Returns the commit id, or `None` when `from` does not exist.
    pub fn seed_branch(
        &self,
        branch: &str,
        from: Option<&str>,
        files: &[(&str, Option<&str>)],
        message: &str,
    ) -> Option<String> {
        let files: Vec<(String, Option<String>)> = files
            .iter()
            .map(|(p, c)| ((*p).to_owned(), c.map(str::to_owned)))
            .collect();
        self.shared.seed_branch(branch, from, &files, message)
    }

    /// Back to the seed: state, log, faults and request counter.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// What `GET /_fake/state` answers.
    pub fn state_json(&self) -> Value {
        self.shared.state_json()
    }
}

/// A fake running on the caller's tokio runtime; it stops when dropped.
pub struct FakeGithub {
    /// `http://127.0.0.1:PORT`, to use as the API base URL.
    pub base_url: String,
    /// The address it listens on.
    pub addr: SocketAddr,
    controls: Controls,
    task: tokio::task::JoinHandle<()>,
}

impl FakeGithub {
    /// Starts a fake on the current tokio runtime.
    ///
    /// # Panics
    /// When the port cannot be bound; see [`FakeGithub::try_start`].
    pub async fn start(config: FakeConfig) -> FakeGithub {
        match Self::try_start(config).await {
            Ok(f) => f,
            Err(e) => panic!("fake-github: cannot listen: {e}"),
        }
    }

    /// Starts a fake on the current tokio runtime.
    pub async fn try_start(config: FakeConfig) -> std::io::Result<FakeGithub> {
        let (addr, shared, task) = server::start(config).await?;
        Ok(FakeGithub {
            base_url: format!("http://{addr}"),
            addr,
            controls: Controls { shared },
            task,
        })
    }

    /// Starts a fake on a thread of its own with its own runtime (for
    /// synchronous tests, and tests that run the `petrova` binary).
    ///
    /// # Panics
    /// When the port cannot be bound or the runtime cannot be built.
    pub fn start_blocking(config: FakeConfig) -> FakeGithubHandle {
        start_blocking(config)
    }

    /// The state controls (also reachable through `Deref`).
    pub fn controls(&self) -> &Controls {
        &self.controls
    }
}

impl std::ops::Deref for FakeGithub {
    type Target = Controls;
    fn deref(&self) -> &Controls {
        &self.controls
    }
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A fake running on its own thread; it stops when dropped.
pub struct FakeGithubHandle {
    /// `http://127.0.0.1:PORT`, to use as the API base URL.
    pub base_url: String,
    /// The address it listens on.
    pub addr: SocketAddr,
    controls: Controls,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeGithubHandle {
    /// The state controls (also reachable through `Deref`).
    pub fn controls(&self) -> &Controls {
        &self.controls
    }
}

impl std::ops::Deref for FakeGithubHandle {
    type Target = Controls;
    fn deref(&self) -> &Controls {
        &self.controls
    }
}

impl Drop for FakeGithubHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts a fake on a thread of its own with its own tokio runtime.
///
/// # Panics
/// When the port cannot be bound or the runtime cannot be built.
pub fn start_blocking(config: FakeConfig) -> FakeGithubHandle {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("fake-github".to_owned())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            rt.block_on(async move {
                match FakeGithub::try_start(config).await {
                    Ok(fake) => {
                        let _ = ready_tx.send(Ok((fake.addr, fake.controls.clone())));
                        let _ = shutdown_rx.await;
                        drop(fake);
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
            rt.shutdown_timeout(std::time::Duration::from_secs(1));
        })
        .unwrap_or_else(|e| panic!("fake-github: cannot spawn its thread: {e}"));
    match ready_rx.recv() {
        Ok(Ok((addr, controls))) => FakeGithubHandle {
            base_url: format!("http://{addr}"),
            addr,
            controls,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        },
        Ok(Err(e)) => panic!("fake-github: cannot start: {e}"),
        Err(_) => panic!("fake-github: its thread died while starting"),
    }
}
