//! The server: state, the connection loop (which can reset a connection), the
//! middleware that logs, injects faults and checks authorization, and the
//! `/_fake/` controls.

use crate::model::{
    apply_edits, CommentState, CommitState, PullState, Repo, Signature, TreeEdit, TreeFile,
};
use crate::render::{self, Ctx, DOCS};
use crate::{FakeConfig, Fault, LoggedRequest, SeedPull, SeedState};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// The most a request body may hold.
const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// What the server shares between requests.
pub(crate) struct Shared {
    pub ctx: Ctx,
    pub config: FakeConfig,
    inner: Mutex<Inner>,
}

/// Everything behind the one lock.
pub(crate) struct Inner {
    pub repo: Repo,
    pub log: Vec<LoggedRequest>,
    pub faults: VecDeque<Fault>,
    /// API requests seen since start or reset.
    pub requests: u64,
    /// Bumped by each reset, so a request that straddles one logs nothing.
    pub epoch: u64,
}

/// Now, RFC 3339, seconds.
pub(crate) fn now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// A time a test gave, in the form the fake stores (`2024-01-01T00:00:00Z`),
/// so that stored times compare as strings.
fn normalize_time(field: &str, t: &str) -> Result<String, String> {
    humantime::parse_rfc3339_weak(t)
        .map(|t| humantime::format_rfc3339_seconds(t).to_string())
        .map_err(|e| format!("{field} {t:?} is not an RFC 3339 time in UTC: {e}"))
}

/// The latest of stored times.
fn latest<'a>(times: impl IntoIterator<Item = &'a String>) -> Option<String> {
    times.into_iter().max().cloned()
}

/// The repository the fake starts with: the default branch at one commit that
/// holds the configured files.
fn seed(config: &FakeConfig) -> Repo {
    let mut repo = Repo {
        next_pr_number: config.first_pr_number,
        next_pr_id: 1_900_000_000 + config.first_pr_number,
        next_comment_id: 2_400_000_001,
        actions_can_open_pulls: true,
        ..Repo::default()
    };
    let mut tree = BTreeMap::new();
    for (path, content) in &config.seed_files {
        let sha = repo.put_blob(content.as_bytes().to_vec());
        tree.insert(
            path.clone(),
            TreeFile {
                mode: "100644".to_owned(),
                sha,
            },
        );
    }
    let tree = repo.put_tree(&tree);
    let who = Signature {
        name: "Kahn Maintainer".to_owned(),
        email: "maintainer@example.com".to_owned(),
        date: "2024-01-01T00:00:00Z".to_owned(),
    };
    let sha = repo.put_commit(
        tree,
        Vec::new(),
        "Initial commit".to_owned(),
        who.clone(),
        who,
    );
    repo.refs
        .insert(format!("refs/heads/{}", config.default_branch), sha);
    repo
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent data behind (every
        // change is made in one go), so a poisoned lock is still usable.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn reset(&self) {
        let mut inner = self.lock();
        let counter = inner.repo.commit_counter;
        inner.repo = seed(&self.config);
        inner.repo.commit_counter = inner.repo.commit_counter.max(counter);
        inner.log.clear();
        inner.faults.clear();
        inner.requests = 0;
        inner.epoch += 1;
    }

    pub fn pulls(&self) -> Vec<PullState> {
        let inner = self.lock();
        inner
            .repo
            .pulls
            .iter()
            .map(|p| PullState {
                head_sha: render::current_head_sha(&inner.repo, p),
                ..p.clone()
            })
            .collect()
    }

    pub fn commit_files(&self, sha: &str) -> Option<BTreeMap<String, String>> {
        let inner = self.lock();
        let tree = inner.repo.commit_tree(sha)?;
        Some(
            tree.iter()
                .map(|(path, f)| {
                    let content = inner
                        .repo
                        .blobs
                        .get(&f.sha)
                        .map(|b| String::from_utf8_lossy(&b.content).into_owned())
                        .unwrap_or_default();
                    (path.clone(), content)
                })
                .collect(),
        )
    }

    fn with_pull<F: FnOnce(&mut Repo, usize)>(&self, number: u64, f: F) -> Option<PullState> {
        let mut inner = self.lock();
        let i = inner.repo.pulls.iter().position(|p| p.number == number)?;
        f(&mut inner.repo, i);
        let p = &inner.repo.pulls[i];
        Some(PullState {
            head_sha: render::current_head_sha(&inner.repo, p),
            ..p.clone()
        })
    }

    pub fn close_pull(&self, number: u64) -> Option<PullState> {
        self.with_pull(number, |repo, i| {
            if repo.pulls[i].state == "open" {
                let head = render::current_head_sha(repo, &repo.pulls[i]);
                let t = now();
                let p = &mut repo.pulls[i];
                p.head_sha = head;
                p.state = "closed".to_owned();
                p.closed_at = Some(t.clone());
                p.updated_at = t;
            }
        })
    }

    pub fn reopen_pull(&self, number: u64) -> Option<PullState> {
        self.with_pull(number, |repo, i| {
            let p = &mut repo.pulls[i];
            if p.state == "closed" && !p.merged {
                p.state = "open".to_owned();
                p.closed_at = None;
                p.updated_at = now();
            }
        })
    }

    pub fn edit_pull(
        &self,
        number: u64,
        body: Option<String>,
        title: Option<String>,
    ) -> Option<PullState> {
        self.with_pull(number, |repo, i| {
            let p = &mut repo.pulls[i];
            if let Some(b) = body {
                p.body = Some(b);
            }
            if let Some(t) = title {
                p.title = t;
            }
            p.updated_at = now();
        })
    }

    /// Merges: a merge commit on the base whose tree is the base's with the
    /// head's changes (since the merge base) laid over it (head wins).
    pub fn merge_pull(&self, number: u64, delete_branch: bool) -> Option<PullState> {
        let login = self.ctx.login.clone();
        self.with_pull(number, |repo, i| {
            if repo.pulls[i].state != "open" {
                return;
            }
            let owner = repo.pulls[i].head_owner(&self.ctx.owner).to_owned();
            let head = render::current_head_sha(repo, &repo.pulls[i]);
            let base_branch = repo.pulls[i].base.clone();
            let head_branch = repo.pulls[i].head.clone();
            let Some(base) = repo.branch_tip(&base_branch).cloned() else {
                return;
            };
            let empty = BTreeMap::new();
            let mb = repo.merge_base(&base, &head);
            let mb_tree = mb
                .as_deref()
                .and_then(|m| repo.commit_tree(m))
                .unwrap_or(&empty)
                .clone();
            let head_tree = repo.commit_tree(&head).unwrap_or(&empty).clone();
            let mut tree = repo.commit_tree(&base).unwrap_or(&empty).clone();
            let paths: std::collections::BTreeSet<String> =
                mb_tree.keys().chain(head_tree.keys()).cloned().collect();
            for path in paths {
                if mb_tree.get(&path) != head_tree.get(&path) {
                    match head_tree.get(&path) {
                        Some(f) => {
                            tree.insert(path, f.clone());
                        }
                        None => {
                            tree.remove(&path);
                        }
                    }
                }
            }
            let tree_sha = repo.put_tree(&tree);
            let t = now();
            let who = Signature {
                name: login.clone(),
                email: format!("{login}@users.noreply.github.com"),
                date: t.clone(),
            };
            let message = format!(
                "Merge pull request #{number} from {owner}/{head_branch}\n\n{}",
                repo.pulls[i].title
            );
            let merge = repo.put_commit(
                tree_sha,
                vec![base, head.clone()],
                message,
                who.clone(),
                who,
            );
            repo.refs
                .insert(format!("refs/heads/{base_branch}"), merge.clone());
            // A fork's branch is not this repository's to delete.
            if delete_branch && repo.pulls[i].fork_owner.is_none() {
                repo.refs.remove(&format!("refs/heads/{head_branch}"));
            }
            let p = &mut repo.pulls[i];
            p.head_sha = head;
            p.state = "closed".to_owned();
            p.merged = true;
            p.merged_at = Some(t.clone());
            p.closed_at = Some(t.clone());
            p.updated_at = t;
            p.merge_commit_sha = Some(merge);
        })
    }

    pub fn seed_branch(
        &self,
        branch: &str,
        from: Option<&str>,
        files: &[(String, Option<String>)],
        message: &str,
    ) -> Option<String> {
        let mut inner = self.lock();
        let repo = &mut inner.repo;
        let from = from.unwrap_or(&self.config.default_branch);
        let parent = repo.branch_tip(from)?.clone();
        let base = repo.commit_tree(&parent)?.clone();
        let edits: Vec<TreeEdit> = files
            .iter()
            .map(|(path, content)| match content {
                Some(c) => TreeEdit::File {
                    path: path.clone(),
                    file: TreeFile {
                        mode: "100644".to_owned(),
                        sha: repo.put_blob(c.as_bytes().to_vec()),
                    },
                },
                None => TreeEdit::Remove { path: path.clone() },
            })
            .collect();
        let tree = apply_edits(&base, &edits);
        let tree = repo.put_tree(&tree);
        let who = Signature {
            name: "Kahn Maintainer".to_owned(),
            email: "maintainer@example.com".to_owned(),
            date: now(),
        };
        let sha = repo.put_commit(tree, vec![parent], message.to_owned(), who.clone(), who);
        repo.refs
            .insert(format!("refs/heads/{branch}"), sha.clone());
        Some(sha)
    }

    pub fn comments(&self, number: u64) -> Option<Vec<CommentState>> {
        let inner = self.lock();
        let p = inner.repo.pulls.iter().find(|p| p.number == number)?;
        Some(p.comments.clone())
    }

    pub fn add_comment(&self, number: u64, login: &str, body: &str) -> Option<u64> {
        let mut inner = self.lock();
        crate::api::add_comment(&mut inner.repo, number, login, body.to_owned()).map(|c| c.id)
    }

    /// Adds a pull request in the given state without going through the API.
    pub fn seed_pull(&self, seed: SeedPull) -> Result<u64, String> {
        if seed.head.is_empty() {
            return Err("a seeded pull request needs a head branch".to_owned());
        }
        let created_at = match &seed.created_at {
            Some(t) => normalize_time("created_at", t)?,
            None => now(),
        };
        let closed_at = match (seed.state, &seed.closed_at) {
            (SeedState::Open, Some(_)) => {
                return Err("closed_at is for a closed or merged pull request".to_owned())
            }
            (SeedState::Open, None) => None,
            (_, Some(t)) => Some(normalize_time("closed_at", t)?),
            (_, None) => Some(created_at.clone()),
        };
        let mut inner = self.lock();
        let repo = &mut inner.repo;
        let base = seed
            .base
            .unwrap_or_else(|| self.config.default_branch.clone());
        let Some(base_tip) = repo.branch_tip(&base).cloned() else {
            return Err(format!("there is no base branch {base}"));
        };
        let head_sha = repo.branch_tip(&seed.head).cloned().unwrap_or(base_tip);
        let number = repo.next_pr_number;
        repo.next_pr_number += 1;
        let id = repo.next_pr_id;
        repo.next_pr_id += 1;
        let merged = seed.state == SeedState::Merged;
        let updated_at = latest([&created_at].into_iter().chain(&closed_at))
            .unwrap_or_else(|| created_at.clone());
        repo.pulls.push(PullState {
            number,
            id,
            state: if seed.state == SeedState::Open {
                "open"
            } else {
                "closed"
            }
            .to_owned(),
            title: seed.title,
            body: seed.body,
            head: seed.head,
            head_sha,
            base,
            draft: false,
            merged,
            merged_at: if merged { closed_at.clone() } else { None },
            closed_at,
            created_at,
            updated_at,
            // No merge commit is made: the base branch does not change.
            merge_commit_sha: None,
            html_url: format!("{}/pull/{number}", self.ctx.repo_html()),
            labels: seed.labels,
            requested_reviewers: Vec::new(),
            requested_teams: Vec::new(),
            author: seed.author,
            fork_owner: seed.fork_owner,
            comments: Vec::new(),
        });
        Ok(number)
    }

    /// Moves a pull request's `created_at` and (once closed) `closed_at`, and
    /// with it `updated_at`: the latest of those and its comments.
    pub fn set_pull_times(
        &self,
        number: u64,
        created_at: Option<&str>,
        closed_at: Option<&str>,
    ) -> Result<Option<PullState>, String> {
        let created_at = created_at
            .map(|t| normalize_time("created_at", t))
            .transpose()?;
        let closed_at = closed_at
            .map(|t| normalize_time("closed_at", t))
            .transpose()?;
        Ok(self.with_pull(number, |repo, i| {
            let p = &mut repo.pulls[i];
            if let Some(t) = created_at {
                p.created_at = t;
            }
            if let (Some(t), "closed") = (closed_at, p.state.as_str()) {
                if p.merged {
                    p.merged_at = Some(t.clone());
                }
                p.closed_at = Some(t);
            }
            let times = [&p.created_at]
                .into_iter()
                .chain(&p.closed_at)
                .chain(p.comments.iter().map(|c| &c.created_at));
            if let Some(t) = latest(times) {
                p.updated_at = t;
            }
        }))
    }

    pub fn state_json(&self) -> Value {
        let pulls = self.pulls();
        let inner = self.lock();
        json!({
            "repository": format!("{}/{}", self.config.owner, self.config.repo),
            "default_branch": self.config.default_branch,
            "pulls": pulls,
            "refs": inner.repo.refs,
            "next_pr_number": inner.repo.next_pr_number,
            "requests": inner.requests,
            "pending_faults": inner.faults.len(),
        })
    }
}

/// Binds, seeds and serves; returns the address, the state and the serving task.
pub(crate) async fn start(
    config: FakeConfig,
) -> std::io::Result<(SocketAddr, Arc<Shared>, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
    let addr = listener.local_addr()?;
    let ctx = Ctx {
        api: format!("http://{addr}"),
        owner: config.owner.clone(),
        repo: config.repo.clone(),
        login: config.login.clone(),
        repo_id: 731_000_001,
        default_branch: config.default_branch.clone(),
        private: config.private,
    };
    let shared = Arc::new(Shared {
        ctx,
        inner: Mutex::new(Inner {
            repo: seed(&config),
            log: Vec::new(),
            faults: VecDeque::new(),
            requests: 0,
            epoch: 0,
        }),
        config,
    });
    let router = router(shared.clone());
    let task = tokio::spawn(accept_loop(listener, router));
    Ok((addr, shared, task))
}

fn router(shared: Arc<Shared>) -> Router {
    let api = crate::api::routes()
        .layer(middleware::from_fn_with_state(shared.clone(), api_layer))
        .with_state(shared.clone());
    let controls = Router::new()
        .route(
            "/_fake/faults",
            post(push_faults).get(list_faults).delete(clear_faults),
        )
        .route("/_fake/log", get(get_log))
        .route("/_fake/reset", post(reset))
        .route("/_fake/state", get(state))
        .route("/_fake/pulls", post(seed_pull))
        .route("/_fake/pulls/{number}/{action}", post(pull_action))
        .route("/_fake/branches", post(seed_branch))
        .route(
            "/_fake/actions-can-open-pulls/{allowed}",
            post(set_actions_can_open_pulls),
        )
        .route("/_fake/branches/{*branch}", get(branch))
        .with_state(shared);
    controls.merge(api)
}

async fn accept_loop(listener: TcpListener, router: Router) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    conns.spawn(serve_connection(stream, router.clone()));
                }
                // Out of descriptors and the like: wait a little.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    // Dropping the JoinSet (when this task is aborted) aborts every connection.
}

/// Lets a handler drop its connection without answering.
#[derive(Clone)]
pub(crate) struct ConnKill(Arc<Notify>);

async fn serve_connection(stream: TcpStream, router: Router) {
    // A second descriptor on the socket, to set SO_LINGER 0 (so closing sends
    // RST, a "connection reset") while hyper owns the stream.
    let dup = socket2::SockRef::from(&stream).try_clone().ok();
    let kill = Arc::new(Notify::new());
    let kill_ext = ConnKill(kill.clone());
    let service = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(kill_ext.clone());
        let mut router = router.clone();
        async move { tower_service::Service::call(&mut router, req).await }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        () = kill.notified() => {
            if let Some(s) = &dup {
                let _ = s.set_linger(Some(Duration::ZERO));
            }
        }
    }
    drop(dup);
}

/// A JSON answer with GitHub's content type.
pub(crate) fn reply(status: StatusCode, body: &Value) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

fn body_value(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
    }
}

fn fault_matches(f: &Fault, index: u64, method: &Method, path: &str) -> bool {
    f.method
        .as_deref()
        .is_none_or(|m| m.eq_ignore_ascii_case(method.as_str()))
        && f.path_prefix.as_deref().is_none_or(|p| path.starts_with(p))
        && f.nth.is_none_or(|n| n == index)
}

fn take_fault(
    faults: &mut VecDeque<Fault>,
    index: u64,
    method: &Method,
    path: &str,
) -> Option<Fault> {
    let i = faults
        .iter()
        .position(|f| fault_matches(f, index, method, path))?;
    let f = faults.get_mut(i)?;
    f.times = f.times.saturating_sub(1);
    let taken = f.clone();
    if f.times == 0 {
        faults.remove(i);
    }
    Some(taken)
}

fn fault_response(f: &Fault) -> Response {
    let status =
        StatusCode::from_u16(f.status.unwrap_or(500)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match &f.body {
        Some(Value::String(s)) => {
            let mut r = (status, s.clone()).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            r
        }
        Some(v) => reply(status, v),
        None => reply(
            status,
            &render::basic_error(
                status.canonical_reason().unwrap_or("Error"),
                DOCS,
                status.as_u16(),
            ),
        ),
    };
    for (k, v) in &f.headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::try_from(k.as_str()),
            HeaderValue::try_from(v.as_str()),
        ) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}

fn authorized(shared: &Shared, req: &Request) -> bool {
    let Some(value) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some((scheme, token)) = value.trim().split_once(' ') else {
        return false;
    };
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token"))
        && token.trim() == shared.config.token
}

enum Done {
    Respond(Response),
    Reset,
}

/// Wraps every API request: counts and logs it, applies a fault, checks the
/// token, and carries the work through on a task of its own so that a client
/// giving up does not cancel it.
async fn api_layer(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let kill = req.extensions().get::<ConnKill>().cloned();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return reply(
                StatusCode::BAD_REQUEST,
                &render::basic_error("Problems parsing JSON", DOCS, 400),
            )
        }
    };
    let (index, epoch, fault) = {
        let mut inner = shared.lock();
        let index = inner.requests;
        inner.requests += 1;
        let fault = take_fault(&mut inner.faults, index, &method, &path);
        inner.log.push(LoggedRequest {
            index,
            method: method.to_string(),
            path: path.clone(),
            query,
            status: None,
            body: body_value(&bytes),
            response: Value::Null,
            fault: None,
        });
        (index, inner.epoch, fault)
    };
    let req = Request::from_parts(parts, Body::from(bytes));
    let task_shared = shared.clone();
    let work = tokio::spawn(async move {
        let shared = task_shared;
        let record = |status: Option<u16>, response: Value, fault: Option<String>| {
            let mut inner = shared.lock();
            if inner.epoch != epoch {
                return;
            }
            if let Some(e) = inner.log.iter_mut().rev().find(|e| e.index == index) {
                e.status = status;
                e.response = response;
                e.fault = fault;
            }
        };
        let f = fault.unwrap_or_default();
        let mut notes = Vec::new();
        if let Some(ms) = f.delay_ms {
            notes.push(format!("delay {ms}ms"));
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        let note = |notes: &Vec<String>, more: Option<String>| -> Option<String> {
            let mut all = notes.clone();
            all.extend(more);
            (!all.is_empty()).then(|| all.join(", "))
        };
        if !f.perform_then_fail {
            if f.reset {
                record(None, Value::Null, note(&notes, Some("reset".to_owned())));
                return Done::Reset;
            }
            if let Some(s) = f.status {
                let resp = fault_response(&f);
                let (parts, body) = resp.into_parts();
                let bytes = axum::body::to_bytes(body, BODY_LIMIT)
                    .await
                    .unwrap_or_default();
                record(
                    Some(s),
                    body_value(&bytes),
                    note(&notes, Some(format!("status {s}"))),
                );
                return Done::Respond(Response::from_parts(parts, Body::from(bytes)));
            }
        }
        let real = if authorized(&shared, &req) {
            next.run(req).await
        } else {
            reply(
                StatusCode::UNAUTHORIZED,
                &render::basic_error("Bad credentials", DOCS, 401),
            )
        };
        let (parts, body) = real.into_parts();
        let bytes: Bytes = axum::body::to_bytes(body, BODY_LIMIT)
            .await
            .unwrap_or_default();
        let performed = parts.status.as_u16();
        if f.perform_then_fail {
            if f.reset {
                record(
                    None,
                    Value::Null,
                    note(
                        &notes,
                        Some(format!("perform_then_fail reset (performed: {performed})")),
                    ),
                );
                return Done::Reset;
            }
            let resp = fault_response(&f);
            let status = resp.status().as_u16();
            let (fparts, fbody) = resp.into_parts();
            let fbytes = axum::body::to_bytes(fbody, BODY_LIMIT)
                .await
                .unwrap_or_default();
            record(
                Some(status),
                body_value(&fbytes),
                note(
                    &notes,
                    Some(format!(
                        "perform_then_fail {status} (performed: {performed})"
                    )),
                ),
            );
            return Done::Respond(Response::from_parts(fparts, Body::from(fbytes)));
        }
        record(Some(performed), body_value(&bytes), note(&notes, None));
        Done::Respond(Response::from_parts(parts, Body::from(bytes)))
    });
    match work.await {
        Ok(Done::Respond(resp)) => resp,
        Ok(Done::Reset) => match kill {
            Some(ConnKill(k)) => {
                k.notify_one();
                std::future::pending::<Response>().await
            }
            // Not served through our connection loop: the closest thing is an
            // answer the client cannot parse as JSON.
            None => (StatusCode::BAD_GATEWAY, "").into_response(),
        },
        Err(_) => reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            &render::basic_error("Server Error", DOCS, 500),
        ),
    }
}

// ----- controls -----

fn bad_request(message: &str) -> Response {
    reply(StatusCode::BAD_REQUEST, &json!({ "message": message }))
}

async fn push_faults(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return bad_request(&format!("not JSON: {e}")),
    };
    let list = match value {
        Value::Array(a) => a,
        other => vec![other],
    };
    let mut faults = Vec::new();
    for v in list {
        let f: Fault = match serde_json::from_value(v) {
            Ok(f) => f,
            Err(e) => return bad_request(&format!("bad fault: {e}")),
        };
        if let Err(e) = f.check() {
            return bad_request(&format!("bad fault: {e}"));
        }
        faults.push(f);
    }
    let mut inner = shared.lock();
    let n = faults.len();
    inner.faults.extend(faults);
    reply(
        StatusCode::OK,
        &json!({ "queued": n, "pending": inner.faults.len() }),
    )
}

async fn list_faults(State(shared): State<Arc<Shared>>) -> Response {
    let faults: Vec<Fault> = shared.lock().faults.iter().cloned().collect();
    reply(StatusCode::OK, &json!(faults))
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    shared.lock().faults.clear();
    reply(StatusCode::OK, &json!({ "pending": 0 }))
}

async fn get_log(State(shared): State<Arc<Shared>>) -> Response {
    let log = shared.lock().log.clone();
    reply(StatusCode::OK, &json!(log))
}

async fn reset(State(shared): State<Arc<Shared>>) -> Response {
    shared.reset();
    reply(StatusCode::OK, &shared.state_json())
}

/// Flips the repository setting that lets Actions open pull requests (`true`/`false`).
async fn set_actions_can_open_pulls(
    State(shared): State<Arc<Shared>>,
    axum::extract::Path(allowed): axum::extract::Path<bool>,
) -> Response {
    shared.lock().repo.actions_can_open_pulls = allowed;
    reply(StatusCode::OK, &shared.state_json())
}

async fn state(State(shared): State<Arc<Shared>>) -> Response {
    reply(StatusCode::OK, &shared.state_json())
}

#[derive(Deserialize, Default)]
struct PullActionBody {
    body: Option<String>,
    title: Option<String>,
    #[serde(default)]
    delete_branch: bool,
    /// The commenter (`comment`; default the token's user).
    login: Option<String>,
    created_at: Option<String>,
    closed_at: Option<String>,
}

async fn pull_action(
    State(shared): State<Arc<Shared>>,
    Path((number, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Ok(number) = number.parse::<u64>() else {
        return reply(
            StatusCode::NOT_FOUND,
            &json!({"message": "no such pull request"}),
        );
    };
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => return bad_request(&format!("bad body: {e}")),
        }
    };
    let args: PullActionBody = if value.is_null() {
        PullActionBody::default()
    } else {
        match serde_json::from_value(value) {
            Ok(a) => a,
            Err(e) => return bad_request(&format!("bad body: {e}")),
        }
    };
    let result = match action.as_str() {
        "close" => shared.close_pull(number),
        "merge" => shared.merge_pull(number, args.delete_branch),
        "reopen" => shared.reopen_pull(number),
        "edit" => shared.edit_pull(number, args.body, args.title),
        "comment" => {
            let Some(body) = args.body else {
                return bad_request("a comment needs a body");
            };
            let login = args.login.unwrap_or_else(|| shared.ctx.login.clone());
            shared
                .add_comment(number, &login, &body)
                .and_then(|_| shared.pulls().into_iter().find(|p| p.number == number))
        }
        "times" => match shared.set_pull_times(
            number,
            args.created_at.as_deref(),
            args.closed_at.as_deref(),
        ) {
            Ok(p) => p,
            Err(e) => return bad_request(&e),
        },
        _ => {
            return bad_request(&format!(
                "unknown action {action}: close, merge, reopen, edit, comment or times"
            ))
        }
    };
    match result {
        Some(p) => reply(StatusCode::OK, &json!(p)),
        None => reply(
            StatusCode::NOT_FOUND,
            &json!({"message": "no such pull request"}),
        ),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedBranchBody {
    branch: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    files: BTreeMap<String, Option<String>>,
    #[serde(default)]
    message: Option<String>,
}

/// `POST /_fake/pulls` with a [`SeedPull`] → `{"number"}`.
async fn seed_pull(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let seed: SeedPull = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return bad_request(&format!("bad body: {e}")),
    };
    match shared.seed_pull(seed) {
        Ok(number) => reply(StatusCode::OK, &json!({ "number": number })),
        Err(e) => bad_request(&e),
    }
}

async fn seed_branch(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let args: SeedBranchBody = match serde_json::from_slice(&body) {
        Ok(a) => a,
        Err(e) => return bad_request(&format!("bad body: {e}")),
    };
    let files: Vec<(String, Option<String>)> = args.files.into_iter().collect();
    match shared.seed_branch(
        &args.branch,
        args.from.as_deref(),
        &files,
        args.message.as_deref().unwrap_or("Seeded by the test"),
    ) {
        Some(sha) => reply(StatusCode::OK, &json!({ "sha": sha })),
        None => bad_request("the `from` branch does not exist"),
    }
}

async fn branch(State(shared): State<Arc<Shared>>, Path(branch): Path<String>) -> Response {
    let tip = shared.lock().repo.branch_tip(&branch).cloned();
    let Some(tip) = tip else {
        return reply(StatusCode::NOT_FOUND, &json!({"message": "no such branch"}));
    };
    let commit: Option<CommitState> = shared.lock().repo.commits.get(&tip).cloned();
    let files = shared.commit_files(&tip).unwrap_or_default();
    reply(
        StatusCode::OK,
        &json!({ "sha": tip, "commit": commit, "files": files }),
    )
}
