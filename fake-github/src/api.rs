//! The GitHub endpoints. Every handler takes the one lock for the whole of its
//! work, so concurrent requests are serialised (8 racing creates of one ref:
//! one 201 and seven 422s).

use crate::model::{
    apply_edits, is_sha, valid_path, valid_ref_name, CommentState, PullState, Signature, TreeEdit,
    TreeFile,
};
use crate::render::{self, basic_error, validation_error, DOCS};
use crate::server::{now, reply, Shared};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

type S = State<Arc<Shared>>;

const DOC_CREATE_REF: &str = "https://docs.github.com/rest/git/refs#create-a-reference";
const DOC_UPDATE_REF: &str = "https://docs.github.com/rest/git/refs#update-a-reference";
const DOC_DELETE_REF: &str = "https://docs.github.com/rest/git/refs#delete-a-reference";
const DOC_CREATE_COMMIT: &str = "https://docs.github.com/rest/git/commits#create-a-commit";
const DOC_CREATE_TREE: &str = "https://docs.github.com/rest/git/trees#create-a-tree";
const DOC_CREATE_BLOB: &str = "https://docs.github.com/rest/git/blobs#create-a-blob";
const DOC_LIST_PULLS: &str = "https://docs.github.com/rest/pulls/pulls#list-pull-requests";
const DOC_CREATE_PULL: &str = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request";
const DOC_UPDATE_PULL: &str = "https://docs.github.com/rest/pulls/pulls#update-a-pull-request";
const DOC_ADD_LABELS: &str = "https://docs.github.com/rest/issues/labels#add-labels-to-an-issue";
const DOC_REQUEST_REVIEWERS: &str =
    "https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request";
const DOC_CREATE_COMMENT: &str =
    "https://docs.github.com/rest/issues/comments#create-an-issue-comment";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/repos/{owner}/{repo}", get(get_repo))
        .route("/repos/{owner}/{repo}/git/ref/{*ref}", get(get_ref))
        .route(
            "/repos/{owner}/{repo}/actions/permissions/workflow",
            get(get_workflow_permissions),
        )
        .route(
            "/repos/{owner}/{repo}/git/refs",
            axum::routing::post(create_ref),
        )
        .route(
            "/repos/{owner}/{repo}/git/refs/{*ref}",
            get(get_refs).patch(update_ref).delete(delete_ref),
        )
        .route(
            "/repos/{owner}/{repo}/git/commits",
            axum::routing::post(create_commit),
        )
        .route("/repos/{owner}/{repo}/git/commits/{sha}", get(get_commit))
        .route(
            "/repos/{owner}/{repo}/git/trees",
            axum::routing::post(create_tree),
        )
        .route("/repos/{owner}/{repo}/git/trees/{sha}", get(get_tree))
        .route(
            "/repos/{owner}/{repo}/git/blobs",
            axum::routing::post(create_blob),
        )
        .route("/repos/{owner}/{repo}/git/blobs/{sha}", get(get_blob))
        .route(
            "/repos/{owner}/{repo}/pulls",
            get(list_pulls).post(create_pull),
        )
        .route(
            "/repos/{owner}/{repo}/pulls/{number}",
            get(get_pull).patch(update_pull),
        )
        .route(
            "/repos/{owner}/{repo}/pulls/{number}/files",
            get(list_pull_files),
        )
        .route(
            "/repos/{owner}/{repo}/issues/{number}/labels",
            axum::routing::post(add_labels),
        )
        .route(
            "/repos/{owner}/{repo}/issues/{number}/comments",
            get(list_comments).post(create_comment),
        )
        .route(
            "/repos/{owner}/{repo}/pulls/{number}/requested_reviewers",
            axum::routing::post(request_reviewers),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
}

/// A GitHub error answer (kept small: a `Response` is large).
pub(crate) struct ApiErr {
    status: StatusCode,
    body: Value,
}

impl IntoResponse for ApiErr {
    fn into_response(self) -> Response {
        reply(self.status, &self.body)
    }
}

type Res<T> = Result<T, ApiErr>;

pub(crate) async fn not_found() -> Response {
    reply(StatusCode::NOT_FOUND, &basic_error("Not Found", DOCS, 404))
}

fn not_found_now() -> ApiErr {
    ApiErr {
        status: StatusCode::NOT_FOUND,
        body: basic_error("Not Found", DOCS, 404),
    }
}

fn unprocessable(message: &str, doc: &str) -> ApiErr {
    ApiErr {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        body: basic_error(message, doc, 422),
    }
}

fn invalid(errors: Value, doc: &str) -> ApiErr {
    ApiErr {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        body: validation_error(errors, doc),
    }
}

fn created(body: &Value, location: &str) -> Response {
    let mut r = reply(StatusCode::CREATED, body);
    if let Ok(v) = HeaderValue::try_from(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// The repository must be the one served (GitHub compares names case-insensitively).
fn check_repo(shared: &Shared, owner: &str, repo: &str) -> Res<()> {
    if owner.eq_ignore_ascii_case(&shared.config.owner)
        && repo.eq_ignore_ascii_case(&shared.config.repo)
    {
        Ok(())
    } else {
        Err(not_found_now())
    }
}

/// The body as a JSON object (400 "Problems parsing JSON" otherwise).
fn json_object(body: &[u8]) -> Res<serde_json::Map<String, Value>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(o)) => Ok(o),
        _ => Err(ApiErr {
            status: StatusCode::BAD_REQUEST,
            body: basic_error("Problems parsing JSON", DOCS, 400),
        }),
    }
}

fn missing(field: &str, doc: &str) -> ApiErr {
    unprocessable(
        &format!("Invalid request.\n\n\"{field}\" wasn't supplied."),
        doc,
    )
}

fn wrong_type(field: &str, ty: &str, doc: &str) -> ApiErr {
    unprocessable(
        &format!("Invalid request.\n\nFor '{field}', expected {ty}."),
        doc,
    )
}

/// A required string field.
fn req_str(o: &serde_json::Map<String, Value>, field: &str, doc: &str) -> Res<String> {
    match o.get(field) {
        None | Some(Value::Null) => Err(missing(field, doc)),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(wrong_type(field, "string", doc)),
    }
}

/// An optional string field (null counts as absent).
fn opt_str(o: &serde_json::Map<String, Value>, field: &str, doc: &str) -> Res<Option<String>> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(wrong_type(field, "string", doc)),
    }
}

fn opt_bool(o: &serde_json::Map<String, Value>, field: &str, doc: &str) -> Res<Option<bool>> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(wrong_type(field, "boolean", doc)),
    }
}

fn query_map(q: Option<&str>) -> Vec<(String, String)> {
    q.map(|q| {
        q.split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect()
    })
    .unwrap_or_default()
}

fn percent_decode(s: &str) -> String {
    let hex = |b: u8| -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    };
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match bytes[i] {
            b'%' if i + 2 < bytes.len() => hex(bytes[i + 1])
                .zip(hex(bytes[i + 2]))
                .map(|(h, l)| h * 16 + l),
            _ => None,
        };
        match (decoded, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn get_query<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    q.iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// One page of a listing, answered as GitHub pages: `per_page` (default 30,
/// 1 to 100) and `page` (from 1) come from the query, and a `Link` header
/// names the `prev`, `next`, `last` and `first` pages that apply, each as
/// `url` with the query repeated and another `page`.
fn paged<T>(
    items: &[T],
    q: &[(String, String)],
    url: &str,
    render: impl FnMut(&T) -> Value,
) -> Response {
    let per_page = get_query(q, "per_page")
        .and_then(|v| v.parse::<usize>().ok())
        .map_or(30, |n| n.clamp(1, 100));
    let page = get_query(q, "page")
        .and_then(|v| v.parse::<usize>().ok())
        .map_or(1, |n| n.max(1));
    let shown: Vec<Value> = items
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(render)
        .collect();
    let mut resp = reply(StatusCode::OK, &Value::Array(shown));
    let last = items.len().div_ceil(per_page).max(1);
    let link_to = |n: usize| -> String {
        let mut parts: Vec<String> = q
            .iter()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.push(format!("page={n}"));
        format!("<{url}?{}>", parts.join("&"))
    };
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", link_to(page - 1)));
    }
    if page < last {
        links.push(format!("{}; rel=\"next\"", link_to(page + 1)));
        links.push(format!("{}; rel=\"last\"", link_to(last)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"first\"", link_to(1)));
    }
    if !links.is_empty() {
        if let Ok(v) = HeaderValue::try_from(links.join(", ")) {
            resp.headers_mut().insert(header::LINK, v);
        }
    }
    resp
}

// ----- repository -----

async fn get_repo(State(shared): S, Path((owner, repo)): Path<(String, String)>) -> Response {
    if let Err(r) = check_repo(&shared, &owner, &repo) {
        return r.into_response();
    }
    reply(StatusCode::OK, &shared.ctx.full_repository())
}

/// `GET /repos/{o}/{r}/actions/permissions/workflow` (GitHub's shape).
async fn get_workflow_permissions(
    State(shared): S,
    Path((owner, repo)): Path<(String, String)>,
) -> Response {
    if let Err(r) = check_repo(&shared, &owner, &repo) {
        return r.into_response();
    }
    let allowed = shared.lock().repo.actions_can_open_pulls;
    reply(
        StatusCode::OK,
        &serde_json::json!({"default_workflow_permissions": "read", "can_approve_pull_request_reviews": allowed}),
    )
}

// ----- refs -----

async fn get_ref(
    State(shared): S,
    Path((owner, repo, name)): Path<(String, String, String)>,
) -> Response {
    if let Err(r) = check_repo(&shared, &owner, &repo) {
        return r.into_response();
    }
    let full = format!("refs/{name}");
    let inner = shared.lock();
    match inner.repo.refs.get(&full) {
        Some(sha) => reply(StatusCode::OK, &shared.ctx.git_ref(&full, sha)),
        None => not_found_now().into_response(),
    }
}

/// The legacy `GET git/refs/{ref}`: the ref itself, or the refs under it as an array.
async fn get_refs(
    State(shared): S,
    Path((owner, repo, name)): Path<(String, String, String)>,
) -> Response {
    if let Err(r) = check_repo(&shared, &owner, &repo) {
        return r.into_response();
    }
    let full = format!("refs/{}", name.trim_end_matches('/'));
    let inner = shared.lock();
    if let Some(sha) = inner.repo.refs.get(&full) {
        return reply(StatusCode::OK, &shared.ctx.git_ref(&full, sha));
    }
    let prefix = format!("{full}/");
    let matching: Vec<Value> = inner
        .repo
        .refs
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .map(|(k, sha)| shared.ctx.git_ref(k, sha))
        .collect();
    if matching.is_empty() {
        not_found_now().into_response()
    } else {
        reply(StatusCode::OK, &Value::Array(matching))
    }
}

async fn create_ref(
    State(shared): S,
    Path((owner, repo)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let o = json_object(&body)?;
        let name = req_str(&o, "ref", DOC_CREATE_REF)?;
        let sha = req_str(&o, "sha", DOC_CREATE_REF)?;
        if !valid_ref_name(&name) {
            return Err(unprocessable(
                &format!("{name} is not a valid ref name."),
                DOC_CREATE_REF,
            ));
        }
        let mut inner = shared.lock();
        if !inner.repo.commits.contains_key(&sha) {
            return Err(unprocessable("Object does not exist", DOC_CREATE_REF));
        }
        if inner.repo.refs.contains_key(&name) {
            return Err(unprocessable("Reference already exists", DOC_CREATE_REF));
        }
        inner.repo.refs.insert(name.clone(), sha.clone());
        let body = shared.ctx.git_ref(&name, &sha);
        Ok(created(
            &body,
            &format!("{}/git/{name}", shared.ctx.repo_api()),
        ))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

async fn update_ref(
    State(shared): S,
    Path((owner, repo, name)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let o = json_object(&body)?;
        let sha = req_str(&o, "sha", DOC_UPDATE_REF)?;
        let force = opt_bool(&o, "force", DOC_UPDATE_REF)?.unwrap_or(false);
        let full = format!("refs/{name}");
        let mut inner = shared.lock();
        let Some(current) = inner.repo.refs.get(&full).cloned() else {
            return Err(unprocessable("Reference does not exist", DOC_UPDATE_REF));
        };
        if !inner.repo.commits.contains_key(&sha) {
            return Err(unprocessable("Object does not exist", DOC_UPDATE_REF));
        }
        if !force && !inner.repo.is_ancestor(&current, &sha) {
            return Err(unprocessable(
                "Update is not a fast forward",
                DOC_UPDATE_REF,
            ));
        }
        inner.repo.refs.insert(full.clone(), sha.clone());
        Ok(reply(StatusCode::OK, &shared.ctx.git_ref(&full, &sha)))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

async fn delete_ref(
    State(shared): S,
    Path((owner, repo, name)): Path<(String, String, String)>,
) -> Response {
    if let Err(r) = check_repo(&shared, &owner, &repo) {
        return r.into_response();
    }
    let full = format!("refs/{name}");
    let mut inner = shared.lock();
    let removed = inner.repo.refs.remove(&full);
    if removed.is_none() {
        return unprocessable("Reference does not exist", DOC_DELETE_REF).into_response();
    }
    // An open pull request whose head branch goes away keeps the tip it had.
    if let (Some(branch), Some(sha)) = (name.strip_prefix("heads/"), removed) {
        for p in &mut inner.repo.pulls {
            if p.state == "open" && p.has_local_head(branch) {
                p.head_sha.clone_from(&sha);
            }
        }
    }
    let mut resp = Response::new(axum::body::Body::empty());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    resp
}

// ----- commits -----

fn signature(
    o: &serde_json::Map<String, Value>,
    field: &str,
    default: &Signature,
) -> Res<Signature> {
    match o.get(field) {
        None | Some(Value::Null) => Ok(default.clone()),
        Some(Value::Object(s)) => Ok(Signature {
            name: req_str(s, "name", DOC_CREATE_COMMIT)?,
            email: req_str(s, "email", DOC_CREATE_COMMIT)?,
            date: opt_str(s, "date", DOC_CREATE_COMMIT)?.unwrap_or_else(|| default.date.clone()),
        }),
        Some(_) => Err(wrong_type(field, "object", DOC_CREATE_COMMIT)),
    }
}

async fn create_commit(
    State(shared): S,
    Path((owner, repo)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let o = json_object(&body)?;
        let message = req_str(&o, "message", DOC_CREATE_COMMIT)?;
        let tree = req_str(&o, "tree", DOC_CREATE_COMMIT)?;
        let parents: Vec<String> = match o.get("parents") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .map(|p| {
                    p.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| wrong_type("parents", "array of strings", DOC_CREATE_COMMIT))
                })
                .collect::<Res<_>>()?,
            Some(_) => return Err(wrong_type("parents", "array", DOC_CREATE_COMMIT)),
        };
        let login = &shared.ctx.login;
        let me = Signature {
            name: login.clone(),
            email: format!("{login}@users.noreply.github.com"),
            date: now(),
        };
        let author = signature(&o, "author", &me)?;
        let committer = signature(&o, "committer", &author)?;
        let mut inner = shared.lock();
        if !inner.repo.trees.contains_key(&tree) {
            return Err(unprocessable("Tree SHA does not exist", DOC_CREATE_COMMIT));
        }
        for p in &parents {
            if !inner.repo.commits.contains_key(p) {
                return Err(unprocessable(
                    "Parent SHA does not exist or is not a commit object",
                    DOC_CREATE_COMMIT,
                ));
            }
        }
        let sha = inner
            .repo
            .put_commit(tree, parents, message, author, committer);
        let c = inner
            .repo
            .commits
            .get(&sha)
            .cloned()
            .ok_or_else(not_found_now)?;
        Ok(created(
            &shared.ctx.git_commit(&c, true),
            &format!("{}/git/commits/{sha}", shared.ctx.repo_api()),
        ))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

async fn get_commit(
    State(shared): S,
    Path((owner, repo, sha)): Path<(String, String, String)>,
) -> Response {
    if let Err(r) = check_repo(&shared, &owner, &repo) {
        return r.into_response();
    }
    let inner = shared.lock();
    match inner.repo.commits.get(&sha.to_ascii_lowercase()) {
        Some(c) => reply(StatusCode::OK, &shared.ctx.git_commit(c, false)),
        None => not_found_now().into_response(),
    }
}

// ----- trees -----

async fn create_tree(
    State(shared): S,
    Path((owner, repo)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let o = json_object(&body)?;
        let base_tree = opt_str(&o, "base_tree", DOC_CREATE_TREE)?;
        let entries = match o.get("tree") {
            None | Some(Value::Null) => return Err(missing("tree", DOC_CREATE_TREE)),
            Some(Value::Array(a)) => a.clone(),
            Some(_) => return Err(wrong_type("tree", "array", DOC_CREATE_TREE)),
        };
        let mut inner = shared.lock();
        let base = match &base_tree {
            None => BTreeMap::new(),
            Some(sha) => match inner.repo.trees.get(sha) {
                Some(t) => t.clone(),
                None => {
                    return Err(unprocessable(
                        "base_tree is not a valid tree oid",
                        DOC_CREATE_TREE,
                    ))
                }
            },
        };
        let mut edits = Vec::new();
        for e in &entries {
            let Value::Object(e) = e else {
                return Err(wrong_type("tree", "array of objects", DOC_CREATE_TREE));
            };
            let path = req_str(e, "path", DOC_CREATE_TREE)?;
            if !valid_path(&path) {
                return Err(unprocessable(
                    "tree.path contains a malformed path component",
                    DOC_CREATE_TREE,
                ));
            }
            let mode = req_str(e, "mode", DOC_CREATE_TREE)?;
            let ty = opt_str(e, "type", DOC_CREATE_TREE)?
                .unwrap_or_else(|| if mode == "040000" { "tree" } else { "blob" }.to_owned());
            let expected_type = match mode.as_str() {
                "100644" | "100755" | "120000" => "blob",
                "040000" => "tree",
                "160000" => "commit",
                _ => {
                    return Err(unprocessable(
                        &format!("tree.mode {mode} is not a valid mode"),
                        DOC_CREATE_TREE,
                    ))
                }
            };
            if ty != expected_type {
                return Err(unprocessable(
                    &format!("tree.type {ty} does not match tree.mode {mode}"),
                    DOC_CREATE_TREE,
                ));
            }
            if ty == "commit" {
                return Err(unprocessable(
                    "submodules are not supported by this fake",
                    DOC_CREATE_TREE,
                ));
            }
            let content = opt_str(e, "content", DOC_CREATE_TREE)?;
            let sha_given = e.contains_key("sha");
            let sha = opt_str(e, "sha", DOC_CREATE_TREE)?;
            match (content, sha) {
                (Some(_), Some(_)) => {
                    return Err(unprocessable(
                        "tree.sha and tree.content cannot both be supplied",
                        DOC_CREATE_TREE,
                    ))
                }
                (Some(content), None) => {
                    if ty != "blob" {
                        return Err(unprocessable(
                            "tree.content can only be given for a blob",
                            DOC_CREATE_TREE,
                        ));
                    }
                    let sha = inner.repo.put_blob(content.into_bytes());
                    edits.push(TreeEdit::File {
                        path,
                        file: TreeFile { mode, sha },
                    });
                }
                (None, Some(sha)) => {
                    let sha = sha.to_ascii_lowercase();
                    if ty == "blob" {
                        if !is_sha(&sha) || !inner.repo.blobs.contains_key(&sha) {
                            return Err(unprocessable(
                                &format!("tree.sha {sha} is not a valid blob"),
                                DOC_CREATE_TREE,
                            ));
                        }
                        edits.push(TreeEdit::File {
                            path,
                            file: TreeFile { mode, sha },
                        });
                    } else {
                        let Some(sub) = inner.repo.trees.get(&sha).cloned() else {
                            return Err(unprocessable(
                                &format!("tree.sha {sha} is not a valid tree"),
                                DOC_CREATE_TREE,
                            ));
                        };
                        edits.push(TreeEdit::Subtree { path, tree: sub });
                    }
                }
                (None, None) if sha_given => edits.push(TreeEdit::Remove { path }),
                (None, None) => {
                    return Err(unprocessable(
                        "Must supply either tree.sha or tree.content",
                        DOC_CREATE_TREE,
                    ))
                }
            }
        }
        let tree = apply_edits(&base, &edits);
        let sha = inner.repo.put_tree(&tree);
        let body = shared.ctx.git_tree(&mut inner.repo, &sha, &tree, false);
        Ok(created(
            &body,
            &format!("{}/git/trees/{sha}", shared.ctx.repo_api()),
        ))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

async fn get_tree(
    State(shared): S,
    Path((owner, repo, sha)): Path<(String, String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    if let Err(r) = check_repo(&shared, &owner, &repo) {
        return r.into_response();
    }
    // Any value of `recursive` turns it on, as on GitHub.
    let recursive = get_query(&query_map(q.as_deref()), "recursive").is_some();
    let mut inner = shared.lock();
    // A tree id, a commit id or a branch name.
    let key = sha.to_ascii_lowercase();
    let tree_sha = if inner.repo.trees.contains_key(&key) {
        Some(key)
    } else if let Some(c) = inner.repo.commits.get(&key) {
        Some(c.tree.clone())
    } else {
        inner
            .repo
            .branch_tip(&sha)
            .and_then(|tip| inner.repo.commits.get(tip))
            .map(|c| c.tree.clone())
    };
    let Some(tree_sha) = tree_sha else {
        return not_found_now().into_response();
    };
    let Some(tree) = inner.repo.trees.get(&tree_sha).cloned() else {
        return not_found_now().into_response();
    };
    let body = shared
        .ctx
        .git_tree(&mut inner.repo, &tree_sha, &tree, recursive);
    reply(StatusCode::OK, &body)
}

// ----- blobs -----

async fn create_blob(
    State(shared): S,
    Path((owner, repo)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let o = json_object(&body)?;
        let content = req_str(&o, "content", DOC_CREATE_BLOB)?;
        let encoding =
            opt_str(&o, "encoding", DOC_CREATE_BLOB)?.unwrap_or_else(|| "utf-8".to_owned());
        let bytes = match encoding.as_str() {
            "utf-8" | "utf8" => content.into_bytes(),
            "base64" => {
                let compact: String = content
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace())
                    .collect();
                base64::engine::general_purpose::STANDARD
                    .decode(compact)
                    .map_err(|_| unprocessable("content is not valid Base64", DOC_CREATE_BLOB))?
            }
            other => {
                return Err(unprocessable(
                    &format!("encoding must be utf-8 or base64, not {other}"),
                    DOC_CREATE_BLOB,
                ))
            }
        };
        let mut inner = shared.lock();
        let sha = inner.repo.put_blob(bytes);
        Ok(created(
            &shared.ctx.short_blob(&sha),
            &format!("{}/git/blobs/{sha}", shared.ctx.repo_api()),
        ))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

async fn get_blob(
    State(shared): S,
    Path((owner, repo, sha)): Path<(String, String, String)>,
) -> Response {
    if let Err(r) = check_repo(&shared, &owner, &repo) {
        return r.into_response();
    }
    let inner = shared.lock();
    let sha = sha.to_ascii_lowercase();
    match inner.repo.blobs.get(&sha) {
        Some(b) => reply(StatusCode::OK, &shared.ctx.blob(&sha, &b.content)),
        None => not_found_now().into_response(),
    }
}

// ----- pull requests -----

async fn list_pulls(
    State(shared): S,
    Path((owner, repo)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let q = query_map(q.as_deref());
        let state = get_query(&q, "state").unwrap_or("open");
        if !matches!(state, "open" | "closed" | "all") {
            return Err(invalid(
                json!([{"value": state, "resource": "Issue", "field": "state", "code": "invalid"}]),
                DOC_LIST_PULLS,
            ));
        }
        // GitHub silently ignores a `head` without `owner:`.
        let head = get_query(&q, "head").and_then(|h| h.split_once(':'));
        let base = get_query(&q, "base");
        let sort = get_query(&q, "sort").unwrap_or("created");
        let direction =
            get_query(&q, "direction").unwrap_or(if sort == "created" { "desc" } else { "asc" });
        let inner = shared.lock();
        let mut pulls: Vec<&PullState> = inner
            .repo
            .pulls
            .iter()
            .filter(|p| state == "all" || p.state == state)
            .filter(|p| {
                head.is_none_or(|(o, b)| {
                    o.eq_ignore_ascii_case(p.head_owner(&shared.config.owner)) && p.head == b
                })
            })
            .filter(|p| base.is_none_or(|b| p.base == b))
            .collect();
        match sort {
            "updated" => {
                pulls.sort_by(|a, b| (&a.updated_at, a.number).cmp(&(&b.updated_at, b.number)))
            }
            _ => pulls.sort_by_key(|p| p.number),
        }
        if direction == "desc" {
            pulls.reverse();
        }
        let url = format!("{}/pulls", shared.ctx.repo_api());
        Ok(paged(&pulls, &q, &url, |p| {
            shared.ctx.pull(&inner.repo, p, false)
        }))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

async fn create_pull(
    State(shared): S,
    Path((owner, repo)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let o = json_object(&body)?;
        let d = DOC_CREATE_PULL;
        let title = opt_str(&o, "title", d)?;
        let head_given = opt_str(&o, "head", d)?;
        let base = opt_str(&o, "base", d)?;
        let body_text = opt_str(&o, "body", d)?;
        let draft = opt_bool(&o, "draft", d)?.unwrap_or(false);
        let mut errors = Vec::new();
        for (field, v) in [("title", &title), ("head", &head_given), ("base", &base)] {
            if v.as_deref().is_none_or(|s| s.trim().is_empty()) {
                errors.push(json!({"resource": "PullRequest", "field": field, "code": "missing_field"}));
            }
        }
        if !errors.is_empty() {
            return Err(invalid(Value::Array(errors), d));
        }
        let (title, head_given, base) = (
            title.unwrap_or_default(),
            head_given.unwrap_or_default(),
            base.unwrap_or_default(),
        );
        if title.chars().count() > 256 {
            return Err(invalid(
                json!([{"resource": "PullRequest", "field": "title", "code": "custom",
                        "message": "title is too long (maximum is 256 characters)"}]),
                d,
            ));
        }
        let head_branch = match head_given.split_once(':') {
            Some((o, b)) if o.eq_ignore_ascii_case(&shared.config.owner) => b.to_owned(),
            Some(_) => {
                return Err(invalid(
                    json!([{"resource": "PullRequest", "field": "head", "code": "invalid",
                            "message": format!("\"head\" is invalid: {head_given} is not a branch of {}/{}", shared.config.owner, shared.config.repo)}]),
                    d,
                ))
            }
            None => head_given.clone(),
        };
        let mut inner = shared.lock();
        let Some(base_tip) = inner.repo.branch_tip(&base).cloned() else {
            return Err(invalid(
                json!([{"resource": "PullRequest", "field": "base", "code": "invalid",
                        "message": format!("\"base\" is invalid: there is no branch {base}")}]),
                d,
            ));
        };
        let Some(head_tip) = inner.repo.branch_tip(&head_branch).cloned() else {
            return Err(invalid(
                json!([{"resource": "PullRequest", "field": "head", "code": "invalid",
                        "message": format!("\"head\" is invalid: there is no branch {head_branch}")}]),
                d,
            ));
        };
        if inner
            .repo
            .pulls
            .iter()
            .any(|p| p.state == "open" && p.has_local_head(&head_branch) && p.base == base)
        {
            return Err(invalid(
                json!([{"resource": "PullRequest", "code": "custom",
                        "message": format!("A pull request already exists for {}:{head_branch}.", shared.config.owner)}]),
                d,
            ));
        }
        if inner.repo.is_ancestor(&head_tip, &base_tip) {
            return Err(invalid(
                json!([{"resource": "PullRequest", "code": "custom",
                        "message": format!("No commits between {base} and {head_given}")}]),
                d,
            ));
        }
        let number = inner.repo.next_pr_number;
        inner.repo.next_pr_number += 1;
        let id = inner.repo.next_pr_id;
        inner.repo.next_pr_id += 1;
        let t = now();
        let pull = PullState {
            number,
            id,
            state: "open".to_owned(),
            title,
            body: body_text,
            head: head_branch,
            head_sha: head_tip,
            base,
            draft,
            merged: false,
            merged_at: None,
            closed_at: None,
            created_at: t.clone(),
            updated_at: t,
            merge_commit_sha: None,
            html_url: format!("{}/pull/{number}", shared.ctx.repo_html()),
            labels: Vec::new(),
            requested_reviewers: Vec::new(),
            requested_teams: Vec::new(),
            author: None,
            fork_owner: None,
            comments: Vec::new(),
        };
        let v = shared.ctx.pull(&inner.repo, &pull, true);
        inner.repo.pulls.push(pull);
        Ok(created(&v, &format!("{}/pulls/{number}", shared.ctx.repo_api())))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

async fn get_pull(
    State(shared): S,
    Path((owner, repo, number)): Path<(String, String, String)>,
) -> Response {
    if let Err(r) = check_repo(&shared, &owner, &repo) {
        return r.into_response();
    }
    let number = match pull_number(&number) {
        Ok(n) => n,
        Err(e) => return e.into_response(),
    };
    let inner = shared.lock();
    match inner.repo.pulls.iter().find(|p| p.number == number) {
        Some(p) => reply(StatusCode::OK, &shared.ctx.pull(&inner.repo, p, true)),
        None => not_found_now().into_response(),
    }
}

async fn update_pull(
    State(shared): S,
    Path((owner, repo, number)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let number = pull_number(&number)?;
        let o = json_object(&body)?;
        let d = DOC_UPDATE_PULL;
        let title = opt_str(&o, "title", d)?;
        let body_text = opt_str(&o, "body", d)?;
        let state = opt_str(&o, "state", d)?;
        let base = opt_str(&o, "base", d)?;
        let mut inner = shared.lock();
        let Some(i) = inner.repo.pulls.iter().position(|p| p.number == number) else {
            return Err(not_found_now());
        };
        // One time for closing and updating, as GitHub gives them equal.
        let t = now();
        if let Some(b) = &base {
            if inner.repo.branch_tip(b).is_none() {
                return Err(invalid(
                    json!([{"resource": "PullRequest", "field": "base", "code": "invalid"}]),
                    d,
                ));
            }
        }
        match state.as_deref() {
            None => {}
            Some("open") if inner.repo.pulls[i].state == "closed" => {
                let p = &inner.repo.pulls[i];
                if p.merged {
                    return Err(unprocessable("state cannot be changed. The pull request has been merged.", d));
                }
                if p.fork_owner.is_none() && inner.repo.branch_tip(&p.head).is_none() {
                    return Err(unprocessable(
                        "state cannot be changed. The head branch no longer exists.",
                        d,
                    ));
                }
                let (head, base) = (p.head.clone(), p.base.clone());
                if p.fork_owner.is_none()
                    && inner
                        .repo
                        .pulls
                        .iter()
                        .any(|q| q.state == "open" && q.has_local_head(&head) && q.base == base)
                {
                    return Err(invalid(
                        json!([{"resource": "PullRequest", "code": "custom",
                                "message": format!("A pull request already exists for {}:{head}.", shared.config.owner)}]),
                        d,
                    ));
                }
                let p = &mut inner.repo.pulls[i];
                p.state = "open".to_owned();
                p.closed_at = None;
            }
            Some("closed") if inner.repo.pulls[i].state == "open" => {
                let head = render::current_head_sha(&inner.repo, &inner.repo.pulls[i]);
                let p = &mut inner.repo.pulls[i];
                p.head_sha = head;
                p.state = "closed".to_owned();
                p.closed_at = Some(t.clone());
            }
            Some("open" | "closed") => {}
            Some(other) => {
                return Err(invalid(
                    json!([{"value": other, "resource": "PullRequest", "field": "state", "code": "invalid"}]),
                    d,
                ))
            }
        }
        let p = &mut inner.repo.pulls[i];
        if let Some(t) = title {
            p.title = t;
        }
        if body_text.is_some() {
            p.body = body_text;
        }
        if let Some(b) = base {
            p.base = b;
        }
        p.updated_at = t;
        let p = inner.repo.pulls[i].clone();
        Ok(reply(StatusCode::OK, &shared.ctx.pull(&inner.repo, &p, true)))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

/// The `{number}` of a path: GitHub answers 404 to anything but a number.
fn pull_number(segment: &str) -> Res<u64> {
    segment.parse().map_err(|_| not_found_now())
}

/// A list of strings at `field`, if given.
fn opt_strings(o: &serde_json::Map<String, Value>, field: &str, doc: &str) -> Res<Vec<String>> {
    match o.get(field) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str().map(str::to_owned).ok_or_else(|| {
                    invalid(
                        json!([{"resource": "Issue", "field": field, "code": "invalid"}]),
                        doc,
                    )
                })
            })
            .collect(),
        Some(_) => Err(invalid(
            json!([{"resource": "Issue", "field": field, "code": "invalid"}]),
            doc,
        )),
    }
}

/// `POST /repos/{owner}/{repo}/issues/{number}/labels`: adds labels (creating
/// the ones the repository lacks, as GitHub does) and answers every label of
/// the issue.
async fn add_labels(
    State(shared): S,
    Path((owner, repo, number)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let number = pull_number(&number)?;
        let o = json_object(&body)?;
        let labels = opt_strings(&o, "labels", DOC_ADD_LABELS)?;
        if labels.is_empty() {
            return Err(unprocessable(
                "Invalid request: no labels given",
                DOC_ADD_LABELS,
            ));
        }
        let mut inner = shared.lock();
        let Some(p) = inner.repo.pulls.iter_mut().find(|p| p.number == number) else {
            return Err(not_found_now());
        };
        for label in labels {
            if !p.labels.contains(&label) {
                p.labels.push(label);
            }
        }
        Ok(reply(StatusCode::OK, &shared.ctx.labels(&p.labels)))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

/// `POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers`: records the
/// review requests and answers the pull request.
async fn request_reviewers(
    State(shared): S,
    Path((owner, repo, number)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let number = pull_number(&number)?;
        let o = json_object(&body)?;
        let d = DOC_REQUEST_REVIEWERS;
        let reviewers = opt_strings(&o, "reviewers", d)?;
        let teams = opt_strings(&o, "team_reviewers", d)?;
        let mut inner = shared.lock();
        let Some(i) = inner.repo.pulls.iter().position(|p| p.number == number) else {
            return Err(not_found_now());
        };
        if reviewers
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&shared.config.login))
        {
            return Err(unprocessable(
                "Review cannot be requested from pull request author.",
                d,
            ));
        }
        let p = &mut inner.repo.pulls[i];
        for r in reviewers {
            if !p.requested_reviewers.contains(&r) {
                p.requested_reviewers.push(r);
            }
        }
        for t in teams {
            if !p.requested_teams.contains(&t) {
                p.requested_teams.push(t);
            }
        }
        let p = p.clone();
        let v = shared.ctx.pull(&inner.repo, &p, true);
        Ok(created(
            &v,
            &format!("{}/pulls/{number}", shared.ctx.repo_api()),
        ))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

/// `GET /repos/{owner}/{repo}/pulls/{number}/files`: the files that differ
/// between the merge base and the head, in path order, paged.
async fn list_pull_files(
    State(shared): S,
    Path((owner, repo, number)): Path<(String, String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let number = pull_number(&number)?;
        let q = query_map(q.as_deref());
        let inner = shared.lock();
        let Some(p) = inner.repo.pulls.iter().find(|p| p.number == number) else {
            return Err(not_found_now());
        };
        let files = shared.ctx.pull_files(&inner.repo, p);
        let url = format!("{}/pulls/{number}/files", shared.ctx.repo_api());
        Ok(paged(&files, &q, &url, Value::clone))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

/// `GET /repos/{owner}/{repo}/issues/{number}/comments`: a pull request's
/// comments, oldest first, paged.
async fn list_comments(
    State(shared): S,
    Path((owner, repo, number)): Path<(String, String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let number = pull_number(&number)?;
        let q = query_map(q.as_deref());
        let inner = shared.lock();
        let Some(p) = inner.repo.pulls.iter().find(|p| p.number == number) else {
            return Err(not_found_now());
        };
        let url = format!("{}/issues/{number}/comments", shared.ctx.repo_api());
        Ok(paged(&p.comments, &q, &url, |c| {
            shared.ctx.issue_comment(number, c)
        }))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

/// `POST /repos/{owner}/{repo}/issues/{number}/comments` `{"body"}`: a comment
/// by the token's user; it bumps the pull request's `updated_at`.
async fn create_comment(
    State(shared): S,
    Path((owner, repo, number)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    (|| -> Res<Response> {
        check_repo(&shared, &owner, &repo)?;
        let number = pull_number(&number)?;
        let o = json_object(&body)?;
        let text = req_str(&o, "body", DOC_CREATE_COMMENT)?;
        let mut inner = shared.lock();
        let comment = add_comment(&mut inner.repo, number, &shared.ctx.login, text)
            .ok_or_else(not_found_now)?;
        Ok(created(
            &shared.ctx.issue_comment(number, &comment),
            &format!("{}/issues/comments/{}", shared.ctx.repo_api(), comment.id),
        ))
    })()
    .unwrap_or_else(IntoResponse::into_response)
}

/// Adds a comment by `author` to pull request `number` (now, with the next
/// comment id) and bumps the pull request's `updated_at`; `None` when there is
/// no such pull request.
pub(crate) fn add_comment(
    repo: &mut crate::model::Repo,
    number: u64,
    author: &str,
    body: String,
) -> Option<CommentState> {
    let i = repo.pulls.iter().position(|p| p.number == number)?;
    let id = repo.next_comment_id;
    repo.next_comment_id += 1;
    let t = now();
    let comment = CommentState {
        id,
        author: author.to_owned(),
        body,
        created_at: t.clone(),
    };
    let p = &mut repo.pulls[i];
    p.comments.push(comment.clone());
    p.updated_at = t;
    Some(comment)
}
