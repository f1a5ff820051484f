//! Response bodies: GitHub's documented examples (fixtures/*.json, extracted from
//! GitHub's REST description by fixtures/extract.mjs) with the fake's state laid
//! over them, so every documented field is present.
//!
//! What is rewritten in the examples:
//! - every `https://api.github.com/repos/octocat/Hello-World…` URL points at this
//!   server's base URL and repository, every other `https://api.github.com…` URL
//!   at this server, and `https://github.com/octocat/Hello-World…` at
//!   `https://github.com/{owner}/{repo}…`;
//! - users are rebuilt from the example's user with the configured login;
//! - fields that would claim things the fake never did are neutralised: labels,
//!   milestone, assignees, reviewers and `requested_teams` are empty (the
//!   example's team lacks the required `type`), `locked` is false, `auto_merge`
//!   and `active_lock_reason` are null, `merged_by` is null unless merged;
//! - the repository is not a fork and has no template: `parent` and `source`
//!   are dropped and `template_repository` is null; a pull request's head from
//!   a fork (seeded by a test) shows the same repository under the fork
//!   owner's name, with `fork` true;
//! - the examples' tree URLs lack `/git/` (`…/Hello-World/trees/{sha}`) and
//!   their subtree entries point at `/git/blobs/`: the fake uses `/git/trees/`.

use crate::model::{
    CommentState, CommitState, FileDiff, PullState, Repo, Signature, TopEntry, Tree,
};
use base64::Engine as _;
use serde_json::{json, Map, Value};
use std::sync::LazyLock;

macro_rules! fixture {
    ($name:ident, $file:literal) => {
        static $name: LazyLock<Value> = LazyLock::new(|| {
            serde_json::from_str(include_str!(concat!("../fixtures/", $file)))
                .unwrap_or(Value::Null)
        });
    };
}

fixture!(GIT_REF, "git-ref.json");
fixture!(GIT_COMMIT, "git-commit.json");
fixture!(GIT_COMMIT_GET, "git-commit-get.json");
fixture!(GIT_TREE, "git-tree.json");
fixture!(GIT_TREE_GET, "git-tree-get.json");
fixture!(BLOB, "blob.json");
fixture!(SHORT_BLOB, "short-blob.json");
fixture!(PULL_REQUEST, "pull-request.json");
fixture!(PULL_REQUEST_SIMPLE, "pull-request-simple.json");
fixture!(FULL_REPOSITORY, "full-repository.json");
fixture!(ISSUE_COMMENT, "issue-comment.json");
fixture!(DIFF_ENTRY, "diff-entry.json");
fixture!(BASIC_ERROR, "basic-error.json");
fixture!(VALIDATION_ERROR, "validation-error.json");

/// The generic documentation URL GitHub gives with a 404 or 401.
pub const DOCS: &str = "https://docs.github.com/rest";

/// What a rendering needs to know besides the object.
#[derive(Clone, Debug)]
pub(crate) struct Ctx {
    /// This server, e.g. `http://127.0.0.1:1234` (no trailing slash).
    pub api: String,
    pub owner: String,
    pub repo: String,
    pub login: String,
    pub repo_id: u64,
    pub default_branch: String,
    pub private: bool,
}

impl Ctx {
    /// `{api}/repos/{owner}/{repo}`.
    pub fn repo_api(&self) -> String {
        format!("{}/repos/{}/{}", self.api, self.owner, self.repo)
    }

    /// `https://github.com/{owner}/{repo}`.
    pub fn repo_html(&self) -> String {
        format!("https://github.com/{}/{}", self.owner, self.repo)
    }

    fn rewrite_str(&self, s: &str) -> String {
        s.replace(
            "https://api.github.com/repos/octocat/Hello-World",
            &self.repo_api(),
        )
        .replace("https://github.com/octocat/Hello-World", &self.repo_html())
        .replace(
            "octocat/Hello-World",
            &format!("{}/{}", self.owner, self.repo),
        )
        .replace("https://api.github.com", &self.api)
    }

    fn rewrite(&self, v: &mut Value) {
        match v {
            Value::String(s) => *s = self.rewrite_str(s),
            Value::Array(a) => a.iter_mut().for_each(|x| self.rewrite(x)),
            Value::Object(o) => o.values_mut().for_each(|x| self.rewrite(x)),
            _ => {}
        }
    }

    /// A user (or organisation) object shaped like the examples' `user`.
    pub fn user(&self, login: &str, id: u64, kind: &str) -> Value {
        let mut u = PULL_REQUEST
            .get("user")
            .cloned()
            .unwrap_or_else(|| json!({}));
        if let Value::Object(o) = &mut u {
            for v in o.values_mut() {
                if let Value::String(s) = v {
                    *s = s
                        .replace(
                            "https://api.github.com/users/octocat",
                            &format!("{}/users/{login}", self.api),
                        )
                        .replace(
                            "https://github.com/octocat",
                            &format!("https://github.com/{login}"),
                        );
                }
            }
            o.insert("login".into(), json!(login));
            o.insert("id".into(), json!(id));
            o.insert(
                "node_id".into(),
                json!(node_id(
                    if kind == "Organization" {
                        "O_kgDO"
                    } else {
                        "U_kgDO"
                    },
                    &id.to_string()
                )),
            );
            o.insert(
                "avatar_url".into(),
                json!(format!("https://avatars.githubusercontent.com/u/{id}?v=4")),
            );
            o.insert("type".into(), json!(kind));
            o.insert("site_admin".into(), json!(false));
        }
        u
    }

    /// A team of the owner, shaped as the recorded pull request's requested team.
    pub fn team(&self, slug: &str, id: u64) -> Value {
        let mut t = PULL_REQUEST
            .pointer("/requested_teams/0")
            .cloned()
            .unwrap_or_else(|| json!({}));
        if let Value::Object(o) = &mut t {
            let api = &self.api;
            o.insert("id".into(), json!(id));
            o.insert("parent".into(), Value::Null);
            o.insert("type".into(), json!("organization"));
            o.insert("slug".into(), json!(slug));
            o.insert("name".into(), json!(slug));
            o.insert("url".into(), json!(format!("{api}/teams/{id}")));
            o.insert(
                "html_url".into(),
                json!(format!(
                    "https://github.com/orgs/{}/teams/{slug}",
                    self.owner
                )),
            );
            o.insert(
                "members_url".into(),
                json!(format!("{api}/teams/{id}/members{{/member}}")),
            );
            o.insert(
                "repositories_url".into(),
                json!(format!("{api}/teams/{id}/repos")),
            );
        }
        t
    }

    /// Labels as GitHub answers them (an issue's, or a pull request's).
    pub fn labels(&self, names: &[String]) -> Value {
        let api = self.repo_api();
        names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                json!({"id": 208_045_946 + i as u64, "node_id": format!("MDU6TGFiZWwyMDgwNDU5N{i}"),
                       "url": format!("{api}/labels/{name}"), "name": name, "description": "",
                       "color": "f29513", "default": false})
            })
            .collect()
    }

    /// The repository owner.
    pub fn owner_object(&self) -> Value {
        self.user(
            &self.owner,
            100_000 + self.repo_id % 100_000,
            "Organization",
        )
    }

    /// The authenticated user.
    pub fn login_object(&self) -> Value {
        self.user(&self.login, 41_898_282, "User")
    }

    /// A user by login: the authenticated user's object for its login, else
    /// a user whose id is derived from the login (so it is stable).
    pub fn user_by_login(&self, login: &str) -> Value {
        if login == self.login {
            self.login_object()
        } else {
            self.user(login, stable_id(60_000_000, login), "User")
        }
    }

    /// `author_association` of something `login` wrote: the authenticated user
    /// is a member of the owner (as pull requests have always said), anyone
    /// else has no association.
    fn association(&self, login: &str) -> &'static str {
        if login == self.login {
            "MEMBER"
        } else {
            "NONE"
        }
    }

    /// The repository a fork owner's copy of this one would be: the same
    /// example overlaid with the fork's names, `fork` true, owned by a user,
    /// and no push permission for the token.
    fn fork_repo(&self, template: &Value, fork_owner: &str) -> Value {
        let fork = Ctx {
            owner: fork_owner.to_owned(),
            repo_id: stable_id(800_000_000, &format!("{fork_owner}/{}", self.repo)),
            ..self.clone()
        };
        let mut r = fork.overlay_repo(template);
        if let Value::Object(o) = &mut r {
            set(o, "owner", self.user_by_login(fork_owner));
            set(o, "fork", json!(true));
            set(
                o,
                "permissions",
                json!({"admin": false, "maintain": false, "push": false, "triage": false, "pull": true}),
            );
            // A user's repository belongs to no organisation.
            if o.contains_key("organization") {
                o.insert("organization".into(), Value::Null);
            }
        }
        r
    }

    fn overlay_repo(&self, template: &Value) -> Value {
        let mut r = template.clone();
        self.rewrite(&mut r);
        if let Value::Object(o) = &mut r {
            // Required by GitHub's `repository` schemas, but missing from its own example.
            set(o, "language", Value::Null);
            set(o, "id", json!(self.repo_id));
            set(
                o,
                "node_id",
                json!(node_id("R_kgDO", &self.repo_id.to_string())),
            );
            set(o, "name", json!(self.repo));
            set(
                o,
                "full_name",
                json!(format!("{}/{}", self.owner, self.repo)),
            );
            set(o, "owner", self.owner_object());
            set(o, "private", json!(self.private));
            set(
                o,
                "visibility",
                json!(if self.private { "private" } else { "public" }),
            );
            set(o, "fork", json!(false));
            set(o, "default_branch", json!(self.default_branch));
            set(o, "description", Value::Null);
            set(o, "homepage", Value::Null);
            set(o, "mirror_url", Value::Null);
            set(o, "topics", json!([]));
            set(o, "is_template", json!(false));
            set(
                o,
                "git_url",
                json!(format!("git://github.com/{}/{}.git", self.owner, self.repo)),
            );
            set(
                o,
                "permissions",
                json!({"admin": false, "maintain": false, "push": true, "triage": true, "pull": true}),
            );
            if o.contains_key("organization") {
                o.insert("organization".into(), self.owner_object());
            }
            if o.contains_key("template_repository") {
                o.insert("template_repository".into(), Value::Null);
            }
            o.remove("parent");
            o.remove("source");
        }
        r
    }

    /// `GET /repos/{owner}/{repo}`.
    pub fn full_repository(&self) -> Value {
        self.overlay_repo(&FULL_REPOSITORY)
    }

    /// A git ref object.
    pub fn git_ref(&self, name: &str, sha: &str) -> Value {
        let mut r = GIT_REF.clone();
        if let Value::Object(o) = &mut r {
            set(o, "ref", json!(name));
            set(o, "node_id", json!(node_id("REF_kwDO", name)));
            set(o, "url", json!(format!("{}/git/{}", self.repo_api(), name)));
            set(
                o,
                "object",
                json!({
                    "type": "commit",
                    "sha": sha,
                    "url": format!("{}/git/commits/{sha}", self.repo_api()),
                }),
            );
        }
        r
    }

    fn signature(s: &Signature) -> Value {
        json!({"date": s.date, "name": s.name, "email": s.email})
    }

    /// A git commit object (`created` picks the create example over the get one).
    pub fn git_commit(&self, c: &CommitState, created: bool) -> Value {
        let mut v = if created {
            GIT_COMMIT.clone()
        } else {
            GIT_COMMIT_GET.clone()
        };
        if let Value::Object(o) = &mut v {
            set(o, "sha", json!(c.sha));
            set(o, "node_id", json!(node_id("C_kwDO", &c.sha)));
            set(
                o,
                "url",
                json!(format!("{}/git/commits/{}", self.repo_api(), c.sha)),
            );
            set(
                o,
                "html_url",
                json!(format!("{}/commit/{}", self.repo_html(), c.sha)),
            );
            set(o, "author", Self::signature(&c.author));
            set(o, "committer", Self::signature(&c.committer));
            set(o, "message", json!(c.message));
            set(
                o,
                "tree",
                json!({"sha": c.tree, "url": format!("{}/git/trees/{}", self.repo_api(), c.tree)}),
            );
            set(
                o,
                "parents",
                Value::Array(
                    c.parents
                        .iter()
                        .map(|p| {
                            json!({
                                "sha": p,
                                "url": format!("{}/git/commits/{p}", self.repo_api()),
                                "html_url": format!("{}/commit/{p}", self.repo_html()),
                            })
                        })
                        .collect(),
                ),
            );
            set(
                o,
                "verification",
                json!({"verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null}),
            );
        }
        v
    }

    fn tree_entry(&self, repo: &Repo, path: &str, entry: TreeEntryRef<'_>) -> Value {
        match entry {
            TreeEntryRef::File(mode, sha) => {
                let size = repo.blobs.get(sha).map_or(0, |b| b.content.len());
                json!({
                    "path": path,
                    "mode": mode,
                    "type": "blob",
                    "size": size,
                    "sha": sha,
                    "url": format!("{}/git/blobs/{sha}", self.repo_api()),
                })
            }
            TreeEntryRef::Dir(sha) => json!({
                "path": path,
                "mode": "040000",
                "type": "tree",
                "sha": sha,
                "url": format!("{}/git/trees/{sha}", self.repo_api()),
            }),
        }
    }

    /// A git tree object: the top level, or with `recursive` every file and
    /// directory under it. `repo` must already hold every subtree (it does once
    /// `put_tree` stored the tree).
    pub fn git_tree(&self, repo: &mut Repo, sha: &str, tree: &Tree, recursive: bool) -> Value {
        let mut entries = Vec::new();
        self.collect_entries(repo, "", tree, recursive, &mut entries);
        // The create example for a top level, the get example for a listing.
        let mut v = if recursive {
            GIT_TREE_GET.clone()
        } else {
            GIT_TREE.clone()
        };
        if let Value::Object(o) = &mut v {
            set(o, "sha", json!(sha));
            set(
                o,
                "url",
                json!(format!("{}/git/trees/{sha}", self.repo_api())),
            );
            set(o, "tree", Value::Array(entries));
            set(o, "truncated", json!(false));
        }
        v
    }

    fn collect_entries(
        &self,
        repo: &mut Repo,
        prefix: &str,
        tree: &Tree,
        recursive: bool,
        out: &mut Vec<Value>,
    ) {
        for entry in crate::model::top_level(tree) {
            match entry {
                TopEntry::File(name, f) => {
                    let path = format!("{prefix}{name}");
                    out.push(self.tree_entry(repo, &path, TreeEntryRef::File(&f.mode, &f.sha)));
                }
                TopEntry::Dir(name, sub) => {
                    let path = format!("{prefix}{name}");
                    let sha = repo.put_tree(&sub);
                    out.push(self.tree_entry(repo, &path, TreeEntryRef::Dir(&sha)));
                    if recursive {
                        self.collect_entries(repo, &format!("{path}/"), &sub, true, out);
                    }
                }
            }
        }
    }

    /// `POST git/blobs` answer.
    pub fn short_blob(&self, sha: &str) -> Value {
        let mut v = SHORT_BLOB.clone();
        if let Value::Object(o) = &mut v {
            set(o, "sha", json!(sha));
            set(
                o,
                "url",
                json!(format!("{}/git/blobs/{sha}", self.repo_api())),
            );
        }
        v
    }

    /// `GET git/blobs/{sha}` answer: base64 in lines of 60 characters, as GitHub sends.
    pub fn blob(&self, sha: &str, content: &[u8]) -> Value {
        let b64 = base64::engine::general_purpose::STANDARD.encode(content);
        let mut wrapped = String::new();
        for chunk in b64.as_bytes().chunks(60) {
            wrapped.push_str(&String::from_utf8_lossy(chunk));
            wrapped.push('\n');
        }
        let mut v = BLOB.clone();
        if let Value::Object(o) = &mut v {
            set(o, "content", json!(wrapped));
            set(o, "encoding", json!("base64"));
            set(o, "sha", json!(sha));
            set(o, "size", json!(content.len()));
            set(
                o,
                "url",
                json!(format!("{}/git/blobs/{sha}", self.repo_api())),
            );
            set(o, "node_id", json!(node_id("B_kwDO", sha)));
        }
        v
    }

    /// A pull request: the full object, or the list's simple one.
    pub fn pull(&self, repo: &Repo, p: &PullState, full: bool) -> Value {
        let template: &Value = if full {
            &PULL_REQUEST
        } else {
            &PULL_REQUEST_SIMPLE
        };
        let mut v = template.clone();
        let n = p.number;
        let api = self.repo_api();
        let html = self.repo_html();
        let head_sha = current_head_sha(repo, p);
        let base_sha = repo.branch_tip(&p.base).cloned().unwrap_or_default();
        let Value::Object(o) = &mut v else {
            return v;
        };
        for side in ["head", "base"] {
            let (branch, sha) = if side == "head" {
                (&p.head, &head_sha)
            } else {
                (&p.base, &base_sha)
            };
            let repo_template = o
                .get(side)
                .and_then(|s| s.get("repo"))
                .cloned()
                .unwrap_or_else(|| json!({}));
            let fork = if side == "head" {
                p.fork_owner.as_deref()
            } else {
                None
            };
            let (owner, user, repo) = match fork {
                Some(f) => (f, self.user_by_login(f), self.fork_repo(&repo_template, f)),
                None => (
                    self.owner.as_str(),
                    self.owner_object(),
                    self.overlay_repo(&repo_template),
                ),
            };
            o.insert(
                side.into(),
                json!({
                    "label": format!("{owner}:{branch}"),
                    "ref": branch,
                    "sha": sha,
                    "user": user,
                    "repo": repo,
                }),
            );
        }
        set(o, "url", json!(format!("{api}/pulls/{n}")));
        set(o, "id", json!(p.id));
        set(o, "node_id", json!(node_id("PR_kwDO", &p.id.to_string())));
        set(o, "html_url", json!(p.html_url));
        set(o, "diff_url", json!(format!("{html}/pull/{n}.diff")));
        set(o, "patch_url", json!(format!("{html}/pull/{n}.patch")));
        set(o, "issue_url", json!(format!("{api}/issues/{n}")));
        set(o, "commits_url", json!(format!("{api}/pulls/{n}/commits")));
        set(
            o,
            "review_comments_url",
            json!(format!("{api}/pulls/{n}/comments")),
        );
        set(
            o,
            "review_comment_url",
            json!(format!("{api}/pulls/comments{{/number}}")),
        );
        set(
            o,
            "comments_url",
            json!(format!("{api}/issues/{n}/comments")),
        );
        set(
            o,
            "statuses_url",
            json!(format!("{api}/statuses/{head_sha}")),
        );
        set(o, "number", json!(n));
        set(o, "state", json!(p.state));
        set(o, "locked", json!(false));
        set(o, "title", json!(p.title));
        let author = p.author.as_deref().unwrap_or(&self.login);
        set(o, "user", self.user_by_login(author));
        set(o, "body", json!(p.body));
        set(o, "labels", self.labels(&p.labels));
        set(o, "milestone", Value::Null);
        set(o, "active_lock_reason", Value::Null);
        set(o, "created_at", json!(p.created_at));
        set(o, "updated_at", json!(p.updated_at));
        set(o, "closed_at", json!(p.closed_at));
        set(o, "merged_at", json!(p.merged_at));
        set(o, "merge_commit_sha", json!(p.merge_commit_sha));
        set(o, "assignee", Value::Null);
        set(o, "assignees", json!([]));
        let reviewers: Vec<Value> = p
            .requested_reviewers
            .iter()
            .enumerate()
            .map(|(i, login)| self.user(login, 583_231 + i as u64, "User"))
            .collect();
        set(o, "requested_reviewers", Value::Array(reviewers));
        let teams: Vec<Value> = p
            .requested_teams
            .iter()
            .enumerate()
            .map(|(i, slug)| self.team(slug, 1 + i as u64))
            .collect();
        set(o, "requested_teams", Value::Array(teams));
        set(
            o,
            "_links",
            json!({
                "self": {"href": format!("{api}/pulls/{n}")},
                "html": {"href": p.html_url},
                "issue": {"href": format!("{api}/issues/{n}")},
                "comments": {"href": format!("{api}/issues/{n}/comments")},
                "review_comments": {"href": format!("{api}/pulls/{n}/comments")},
                "review_comment": {"href": format!("{api}/pulls/comments{{/number}}")},
                "commits": {"href": format!("{api}/pulls/{n}/commits")},
                "statuses": {"href": format!("{api}/statuses/{head_sha}")},
            }),
        );
        set(o, "author_association", json!(self.association(author)));
        set(o, "auto_merge", Value::Null);
        set(o, "draft", json!(p.draft));
        if full {
            let (commits, changed, additions, deletions) =
                pull_stats(repo, p, &head_sha, &base_sha);
            let open = p.state == "open";
            set(o, "merged", json!(p.merged));
            set(o, "mergeable", if open { json!(true) } else { Value::Null });
            set(
                o,
                "rebaseable",
                if open { json!(true) } else { Value::Null },
            );
            set(
                o,
                "mergeable_state",
                json!(if open {
                    if p.draft {
                        "draft"
                    } else {
                        "clean"
                    }
                } else {
                    "unknown"
                }),
            );
            set(
                o,
                "merged_by",
                if p.merged {
                    self.login_object()
                } else {
                    Value::Null
                },
            );
            set(o, "comments", json!(p.comments.len()));
            set(o, "review_comments", json!(0));
            set(o, "maintainer_can_modify", json!(false));
            set(o, "commits", json!(commits));
            set(o, "additions", json!(additions));
            set(o, "deletions", json!(deletions));
            set(o, "changed_files", json!(changed));
        }
        v
    }
}

impl Ctx {
    /// An issue comment on pull request `number`.
    pub fn issue_comment(&self, number: u64, c: &CommentState) -> Value {
        let mut v = ISSUE_COMMENT.clone();
        let api = self.repo_api();
        if let Value::Object(o) = &mut v {
            set(o, "id", json!(c.id));
            set(o, "node_id", json!(node_id("IC_kwDO", &c.id.to_string())));
            set(o, "url", json!(format!("{api}/issues/comments/{}", c.id)));
            set(
                o,
                "html_url",
                json!(format!(
                    "{}/pull/{number}#issuecomment-{}",
                    self.repo_html(),
                    c.id
                )),
            );
            set(o, "body", json!(c.body));
            set(o, "user", self.user_by_login(&c.author));
            set(o, "created_at", json!(c.created_at));
            set(o, "updated_at", json!(c.created_at));
            set(o, "issue_url", json!(format!("{api}/issues/{number}")));
            set(o, "author_association", json!(self.association(&c.author)));
            // Nullable in the schema; the fake never pins nor minimises.
            set(o, "pin", Value::Null);
            set(o, "minimized", Value::Null);
        }
        v
    }

    /// One entry of a pull request's files. `commit` is the commit its URLs
    /// point at: the head, or for a removed file the commit it was removed
    /// from. There is no `patch` (optional in the schema; GitHub omits it too,
    /// for large and binary files).
    pub fn diff_entry(&self, f: &FileDiff, commit: &str) -> Value {
        let mut v = DIFF_ENTRY.clone();
        let path = url_path(&f.path);
        if let Value::Object(o) = &mut v {
            set(o, "sha", json!(f.sha));
            set(o, "filename", json!(f.path));
            set(o, "status", json!(f.status));
            set(o, "additions", json!(f.additions));
            set(o, "deletions", json!(f.deletions));
            set(o, "changes", json!(f.additions + f.deletions));
            set(
                o,
                "blob_url",
                json!(format!("{}/blob/{commit}/{path}", self.repo_html())),
            );
            set(
                o,
                "raw_url",
                json!(format!("{}/raw/{commit}/{path}", self.repo_html())),
            );
            set(
                o,
                "contents_url",
                json!(format!("{}/contents/{path}?ref={commit}", self.repo_api())),
            );
            o.remove("patch");
        }
        v
    }

    /// A pull request's files, in path order, at most 3000 (GitHub's cap).
    pub fn pull_files(&self, repo: &Repo, p: &PullState) -> Vec<Value> {
        let head = current_head_sha(repo, p);
        let base = repo.branch_tip(&p.base).cloned().unwrap_or_default();
        let Some(mb) = pull_merge_base(repo, p, &head, &base) else {
            return Vec::new();
        };
        let empty = Tree::new();
        let old = repo.commit_tree(&mb).unwrap_or(&empty);
        let new = repo.commit_tree(&head).unwrap_or(&empty);
        repo.diff_files(old, new)
            .iter()
            .take(MAX_PULL_FILES)
            .map(|f| {
                let commit = if f.status == "removed" { &mb } else { &head };
                self.diff_entry(f, commit)
            })
            .collect()
    }
}

/// The most files `GET pulls/{n}/files` lists.
const MAX_PULL_FILES: usize = 3000;

/// A path for a URL: every byte but unreserved ones and `/` percent-encoded.
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A number from `base` up, derived from `seed`, for ids that must be stable.
fn stable_id(base: u64, seed: &str) -> u64 {
    let h = crate::model::sha1_hex(seed.as_bytes());
    base + u64::from_str_radix(&h[..6], 16).unwrap_or(0)
}

#[derive(Clone, Copy)]
enum TreeEntryRef<'a> {
    File(&'a str, &'a str),
    Dir(&'a str),
}

/// The head commit a pull request shows now. A fork's branch is not in this
/// repository, so a fork's pull request keeps the head it was given.
pub(crate) fn current_head_sha(repo: &Repo, p: &PullState) -> String {
    if p.state == "open" && p.fork_owner.is_none() {
        if let Some(tip) = repo.branch_tip(&p.head) {
            return tip.clone();
        }
    }
    p.head_sha.clone()
}

/// The commit a pull request's changes are measured from: the merge base of
/// its head and its base.
fn pull_merge_base(repo: &Repo, p: &PullState, head: &str, base: &str) -> Option<String> {
    // Once merged, the base contains the head: measure against the base as it
    // was just before the merge (the merge commit's first parent).
    let base = p
        .merge_commit_sha
        .as_ref()
        .and_then(|m| repo.commits.get(m))
        .and_then(|c| c.parents.first())
        .map_or(base, String::as_str);
    repo.merge_base(base, head)
}

/// (commits, changed files, additions, deletions) of a pull request.
fn pull_stats(repo: &Repo, p: &PullState, head: &str, base: &str) -> (u64, u64, u64, u64) {
    let Some(mb) = pull_merge_base(repo, p, head, base) else {
        return (0, 0, 0, 0);
    };
    let head_anc = repo.ancestors(head);
    let mb_anc = repo.ancestors(&mb);
    let commits = head_anc.difference(&mb_anc).count() as u64;
    let empty = Tree::new();
    let old = repo.commit_tree(&mb).unwrap_or(&empty);
    let new = repo.commit_tree(head).unwrap_or(&empty);
    let (changed, add, del) = repo.diff_stats(old, new);
    (commits, changed, add, del)
}

fn set(o: &mut Map<String, Value>, key: &str, value: Value) {
    o.insert(key.to_owned(), value);
}

/// An opaque, stable node id.
pub(crate) fn node_id(prefix: &str, seed: &str) -> String {
    let h = crate::model::sha1_hex(format!("{prefix}{seed}").as_bytes());
    format!("{prefix}{}", &h[..16])
}

/// A basic error: `{"message", "documentation_url", "status"}`.
pub(crate) fn basic_error(message: &str, documentation_url: &str, status: u16) -> Value {
    let mut v = BASIC_ERROR.clone();
    if let Value::Object(o) = &mut v {
        set(o, "message", json!(message));
        set(o, "documentation_url", json!(documentation_url));
        set(o, "status", json!(status.to_string()));
    }
    v
}

/// A validation error: `{"message":"Validation Failed","errors":[…], …}`.
pub(crate) fn validation_error(errors: Value, documentation_url: &str) -> Value {
    let mut v = VALIDATION_ERROR.clone();
    if let Value::Object(o) = &mut v {
        set(o, "message", json!("Validation Failed"));
        set(o, "errors", errors);
        set(o, "documentation_url", json!(documentation_url));
        // Not in the schema, but GitHub sends it.
        set(o, "status", json!("422"));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_parse() {
        for v in [
            &*GIT_REF,
            &*GIT_COMMIT,
            &*GIT_COMMIT_GET,
            &*GIT_TREE,
            &*GIT_TREE_GET,
            &*BLOB,
            &*SHORT_BLOB,
            &*PULL_REQUEST,
            &*PULL_REQUEST_SIMPLE,
            &*FULL_REPOSITORY,
            &*ISSUE_COMMENT,
            &*DIFF_ENTRY,
            &*BASIC_ERROR,
            &*VALIDATION_ERROR,
        ] {
            assert!(v.is_object(), "{v}");
        }
    }
}
