//! The repository model: blobs, trees, commits, refs and pull requests, with the
//! git object ids computed the way git computes them where that is possible.
//!
//! Trees are kept flat (`path → file`), and their ids are the real git tree ids
//! of the nested trees those paths make; blob ids are real git blob ids. Commit
//! ids are NOT git's: they hash a per-server counter with the commit's content,
//! so two identical requests give two different commits (as git's timestamps do).

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

/// A file in a tree: its mode (`100644`, `100755` or `120000`) and blob id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TreeFile {
    pub mode: String,
    pub sha: String,
}

/// A tree, flat: every file under it by its path relative to it.
pub(crate) type Tree = BTreeMap<String, TreeFile>;

/// Who and when, as in a git commit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// RFC 3339 time.
    pub date: String,
}

/// A commit as the fake stores it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitState {
    /// Its id.
    pub sha: String,
    /// Its tree's id.
    pub tree: String,
    /// Its parents' ids.
    pub parents: Vec<String>,
    /// Its message.
    pub message: String,
    /// Author.
    pub author: Signature,
    /// Committer.
    pub committer: Signature,
}

/// A pull request as the fake stores it (and as `GET /_fake/state` lists it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullState {
    /// Its number.
    pub number: u64,
    /// Its database id.
    pub id: u64,
    /// `open` or `closed`.
    pub state: String,
    /// Title.
    pub title: String,
    /// Body (markdown), if any.
    pub body: Option<String>,
    /// The head branch name (no `refs/heads/`).
    pub head: String,
    /// The head commit: the branch's tip while the pull request is open and the
    /// branch exists, else the tip when it was closed (or the branch deleted).
    pub head_sha: String,
    /// The base branch name.
    pub base: String,
    /// Whether it is a draft.
    pub draft: bool,
    /// Whether it was merged.
    pub merged: bool,
    /// When it was merged.
    pub merged_at: Option<String>,
    /// When it was closed.
    pub closed_at: Option<String>,
    /// When it was opened.
    pub created_at: String,
    /// When it last changed.
    pub updated_at: String,
    /// The merge commit, once merged.
    pub merge_commit_sha: Option<String>,
    /// `https://github.com/{owner}/{repo}/pull/{number}`.
    pub html_url: String,
    /// Labels added (`POST /issues/{number}/labels`).
    #[serde(default)]
    pub labels: Vec<String>,
    /// Users asked to review (`POST /pulls/{number}/requested_reviewers`).
    #[serde(default)]
    pub requested_reviewers: Vec<String>,
    /// Teams (slugs) asked to review.
    #[serde(default)]
    pub requested_teams: Vec<String>,
    /// Who opened it (`user.login`); `None`: the token's user.
    #[serde(default)]
    pub author: Option<String>,
    /// The owner of the fork its head comes from (`head.label` is
    /// `{fork_owner}:{head}`); `None`: the head is a branch of this repository.
    #[serde(default)]
    pub fork_owner: Option<String>,
    /// Its issue comments (`POST /issues/{number}/comments`), oldest first.
    #[serde(default)]
    pub comments: Vec<CommentState>,
}

impl PullState {
    /// Whether its head is `branch` of this repository (not of a fork).
    pub(crate) fn has_local_head(&self, branch: &str) -> bool {
        self.fork_owner.is_none() && self.head == branch
    }

    /// The owner of the repository its head branch lives in.
    pub(crate) fn head_owner<'a>(&'a self, owner: &'a str) -> &'a str {
        self.fork_owner.as_deref().unwrap_or(owner)
    }
}

/// An issue comment on a pull request, as the fake stores it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentState {
    /// Its id (also in its `html_url`: `#issuecomment-{id}`).
    pub id: u64,
    /// The commenter's login.
    pub author: String,
    /// Body (markdown).
    pub body: String,
    /// When it was written (RFC 3339); it is never edited, so this is also its
    /// `updated_at`.
    pub created_at: String,
}

/// How one file differs between two trees (one entry of a pull request's files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FileDiff {
    /// Its path.
    pub path: String,
    /// `added`, `removed`, `modified`, or `changed` (only the mode differs).
    pub status: &'static str,
    /// The blob id: the new one, or for a removed file the old one.
    pub sha: String,
    /// Lines added.
    pub additions: u64,
    /// Lines deleted.
    pub deletions: u64,
}

/// A stored blob.
#[derive(Clone, Debug)]
pub(crate) struct Blob {
    pub content: Vec<u8>,
}

/// Everything a repository holds.
#[derive(Clone, Debug, Default)]
pub(crate) struct Repo {
    pub blobs: HashMap<String, Blob>,
    pub trees: HashMap<String, Tree>,
    pub commits: HashMap<String, CommitState>,
    /// `refs/heads/main` → commit id.
    pub refs: BTreeMap<String, String>,
    pub pulls: Vec<PullState>,
    pub next_pr_number: u64,
    pub next_pr_id: u64,
    pub next_comment_id: u64,
    /// Bumped by every commit created, so that equal requests give distinct ids.
    pub commit_counter: u64,
    /// The repository setting "Allow GitHub Actions to create and approve pull requests".
    pub actions_can_open_pulls: bool,
}

/// SHA-1 hex.
pub(crate) fn sha1_hex(data: &[u8]) -> String {
    let digest = Sha1::digest(data);
    let mut s = String::with_capacity(40);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn hex_to_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or(0))
        .collect()
}

/// git's blob id of `content`.
pub(crate) fn blob_sha(content: &[u8]) -> String {
    let mut data = format!("blob {}\0", content.len()).into_bytes();
    data.extend_from_slice(content);
    sha1_hex(&data)
}

/// Whether a string is 40 lowercase-or-uppercase hex digits.
pub(crate) fn is_sha(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether a tree path is acceptable: relative, no empty, `.`, `..` or `.git` part.
pub(crate) fn valid_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|p| {
            !p.is_empty()
                && p != "."
                && p != ".."
                && !p.eq_ignore_ascii_case(".git")
                && !p.contains('\0')
        })
}

/// Whether a ref name (`refs/heads/x`) is acceptable to git (the common rules of
/// `git check-ref-format`).
pub(crate) fn valid_ref_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("refs/") else {
        return false;
    };
    if !rest.contains('/')
        || name.ends_with('/')
        || name.ends_with('.')
        || name.contains("..")
        || name.contains("@{")
        || name.contains("//")
    {
        return false;
    }
    if name
        .chars()
        .any(|c| c.is_control() || " ~^:?*[\\".contains(c))
    {
        return false;
    }
    name.split('/')
        .all(|p| !p.is_empty() && !p.starts_with('.') && !p.ends_with(".lock"))
}

/// A change to apply to a tree.
#[derive(Clone, Debug)]
pub(crate) enum TreeEdit {
    /// Put a file at the path (replacing whatever was there).
    File { path: String, file: TreeFile },
    /// Put a whole tree at the path.
    Subtree { path: String, tree: Tree },
    /// Remove the path (a file, or everything under a directory).
    Remove { path: String },
}

fn remove_path(tree: &mut Tree, path: &str) {
    tree.remove(path);
    let prefix = format!("{path}/");
    tree.retain(|k, _| !k.starts_with(&prefix));
}

/// Removes a file that sits where a directory of `path` would be (`a` for `a/b`).
fn clear_parents(tree: &mut Tree, path: &str) {
    let mut end = 0;
    while let Some(i) = path[end..].find('/') {
        end += i;
        tree.remove(&path[..end]);
        end += 1;
    }
}

/// Applies edits in order to a copy of `base`.
pub(crate) fn apply_edits(base: &Tree, edits: &[TreeEdit]) -> Tree {
    let mut tree = base.clone();
    for edit in edits {
        match edit {
            TreeEdit::File { path, file } => {
                remove_path(&mut tree, path);
                clear_parents(&mut tree, path);
                tree.insert(path.clone(), file.clone());
            }
            TreeEdit::Subtree { path, tree: sub } => {
                remove_path(&mut tree, path);
                clear_parents(&mut tree, path);
                for (p, f) in sub {
                    tree.insert(format!("{path}/{p}"), f.clone());
                }
            }
            TreeEdit::Remove { path } => remove_path(&mut tree, path),
        }
    }
    tree
}

/// One entry of a tree's top level: a file, or a directory with its subtree.
pub(crate) enum TopEntry {
    File(String, TreeFile),
    Dir(String, Tree),
}

/// The top level of a flat tree, in git's order (directories compare as if
/// their names ended with `/`).
pub(crate) fn top_level(tree: &Tree) -> Vec<TopEntry> {
    let mut files: Vec<(String, TreeFile)> = Vec::new();
    let mut dirs: BTreeMap<String, Tree> = BTreeMap::new();
    for (path, file) in tree {
        match path.split_once('/') {
            None => files.push((path.clone(), file.clone())),
            Some((dir, rest)) => {
                dirs.entry(dir.to_owned())
                    .or_default()
                    .insert(rest.to_owned(), file.clone());
            }
        }
    }
    let mut entries: Vec<(Vec<u8>, TopEntry)> = files
        .into_iter()
        .map(|(n, f)| (n.clone().into_bytes(), TopEntry::File(n, f)))
        .chain(dirs.into_iter().map(|(n, t)| {
            let mut key = n.clone().into_bytes();
            key.push(b'/');
            (key, TopEntry::Dir(n, t))
        }))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().map(|(_, e)| e).collect()
}

impl Repo {
    /// Stores a blob and returns its id.
    pub fn put_blob(&mut self, content: Vec<u8>) -> String {
        let sha = blob_sha(&content);
        self.blobs.entry(sha.clone()).or_insert(Blob { content });
        sha
    }

    /// Stores a tree (and every subtree) and returns its git id.
    pub fn put_tree(&mut self, tree: &Tree) -> String {
        let mut content: Vec<u8> = Vec::new();
        for entry in top_level(tree) {
            let (mode, name, sha) = match entry {
                TopEntry::File(name, f) => (f.mode.trim_start_matches('0').to_owned(), name, f.sha),
                TopEntry::Dir(name, sub) => ("40000".to_owned(), name, self.put_tree(&sub)),
            };
            content.extend_from_slice(format!("{mode} {name}\0").as_bytes());
            content.extend_from_slice(&hex_to_bytes(&sha));
        }
        let mut data = format!("tree {}\0", content.len()).into_bytes();
        data.extend_from_slice(&content);
        let sha = sha1_hex(&data);
        self.trees
            .entry(sha.clone())
            .or_insert_with(|| tree.clone());
        sha
    }

    /// Stores a commit; its id mixes in a counter so it is new every time.
    pub fn put_commit(
        &mut self,
        tree: String,
        parents: Vec<String>,
        message: String,
        author: Signature,
        committer: Signature,
    ) -> String {
        self.commit_counter += 1;
        let mut text = format!("fake-commit {}\ntree {tree}\n", self.commit_counter);
        for p in &parents {
            text.push_str(&format!("parent {p}\n"));
        }
        text.push_str(&format!(
            "author {} <{}> {}\ncommitter {} <{}> {}\n\n{message}",
            author.name, author.email, author.date, committer.name, committer.email, committer.date
        ));
        let sha = sha1_hex(text.as_bytes());
        self.commits.insert(
            sha.clone(),
            CommitState {
                sha: sha.clone(),
                tree,
                parents,
                message,
                author,
                committer,
            },
        );
        sha
    }

    /// The files of a commit's tree.
    pub fn commit_tree(&self, commit: &str) -> Option<&Tree> {
        self.commits
            .get(commit)
            .and_then(|c| self.trees.get(&c.tree))
    }

    /// The tip of a branch.
    pub fn branch_tip(&self, branch: &str) -> Option<&String> {
        self.refs.get(&format!("refs/heads/{branch}"))
    }

    /// Every commit reachable from `tip` (itself included).
    pub fn ancestors(&self, tip: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([tip.to_owned()]);
        while let Some(sha) = queue.pop_front() {
            if !seen.insert(sha.clone()) {
                continue;
            }
            if let Some(c) = self.commits.get(&sha) {
                queue.extend(c.parents.iter().cloned());
            }
        }
        seen
    }

    /// Whether `a` is `b` or one of its ancestors.
    pub fn is_ancestor(&self, a: &str, b: &str) -> bool {
        self.ancestors(b).contains(a)
    }

    /// The nearest common ancestor of two commits (breadth first from `head`).
    pub fn merge_base(&self, base: &str, head: &str) -> Option<String> {
        let of_base = self.ancestors(base);
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([head.to_owned()]);
        while let Some(sha) = queue.pop_front() {
            if of_base.contains(&sha) {
                return Some(sha);
            }
            if !seen.insert(sha.clone()) {
                continue;
            }
            if let Some(c) = self.commits.get(&sha) {
                queue.extend(c.parents.iter().cloned());
            }
        }
        None
    }

    /// Every path that differs between two trees, in path order, with its
    /// line counts.
    pub fn diff_files(&self, old: &Tree, new: &Tree) -> Vec<FileDiff> {
        let lines = |f: Option<&TreeFile>| -> Vec<String> {
            f.and_then(|f| self.blobs.get(&f.sha))
                .map(|b| {
                    String::from_utf8_lossy(&b.content)
                        .lines()
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let paths: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        let mut out = Vec::new();
        for path in paths {
            let (a, b) = (old.get(path), new.get(path));
            let (status, sha) = match (a, b) {
                (None, Some(b)) => ("added", &b.sha),
                (Some(a), None) => ("removed", &a.sha),
                (Some(a), Some(b)) if a.sha == b.sha && a.mode == b.mode => continue,
                (Some(a), Some(b)) if a.sha == b.sha => ("changed", &b.sha),
                (Some(_), Some(b)) => ("modified", &b.sha),
                (None, None) => continue,
            };
            // A multiset difference of lines: good enough for a fake.
            let mut count: HashMap<String, i64> = HashMap::new();
            for l in lines(a) {
                *count.entry(l).or_default() -= 1;
            }
            for l in lines(b) {
                *count.entry(l).or_default() += 1;
            }
            let (mut additions, mut deletions) = (0, 0);
            for v in count.values() {
                if *v > 0 {
                    additions += v.unsigned_abs();
                } else {
                    deletions += v.unsigned_abs();
                }
            }
            out.push(FileDiff {
                path: path.clone(),
                status,
                sha: sha.clone(),
                additions,
                deletions,
            });
        }
        out
    }

    /// The paths that differ between two trees, with (old, new) line counts of
    /// the changed files: `(changed_files, additions, deletions)`.
    pub fn diff_stats(&self, old: &Tree, new: &Tree) -> (u64, u64, u64) {
        self.diff_files(old, new)
            .iter()
            .fold((0, 0, 0), |(n, a, d), f| {
                (n + 1, a + f.additions, d + f.deletions)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(repo: &mut Repo, content: &str) -> TreeFile {
        TreeFile {
            mode: "100644".into(),
            sha: repo.put_blob(content.as_bytes().to_vec()),
        }
    }

    #[test]
    fn ids_are_gits() {
        let mut repo = Repo::default();
        // `echo hello | git hash-object --stdin`
        assert_eq!(
            blob_sha(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        // The empty tree.
        assert_eq!(
            repo.put_tree(&Tree::new()),
            "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
        );
        // mkdir a a.b; printf 'hello\n' > a/b.txt; printf 'x\n' > a.txt;
        // printf y > a.b/c; git add .; git write-tree
        let mut t = Tree::new();
        t.insert("a/b.txt".into(), file(&mut repo, "hello\n"));
        t.insert("a.txt".into(), file(&mut repo, "x\n"));
        t.insert("a.b/c".into(), file(&mut repo, "y"));
        assert_eq!(
            repo.put_tree(&t),
            "fa8735bc9e5be691f965a50d34d887328f76f82e"
        );
        // printf hi > run.sh; chmod +x run.sh; git add .; git write-tree
        let run = TreeFile {
            mode: "100755".into(),
            sha: repo.put_blob(b"hi".to_vec()),
        };
        t.insert("run.sh".into(), run);
        assert_eq!(
            repo.put_tree(&t),
            "9eb5043914913103b373ac67503afa917ac205c4"
        );
    }

    #[test]
    fn edits() {
        let mut repo = Repo::default();
        let mut base = Tree::new();
        base.insert("a".into(), file(&mut repo, "1"));
        base.insert("d/x".into(), file(&mut repo, "2"));
        base.insert("d/y".into(), file(&mut repo, "3"));
        let f = file(&mut repo, "4");
        let t = apply_edits(
            &base,
            &[
                TreeEdit::Remove { path: "d".into() },
                TreeEdit::File {
                    path: "a/z".into(),
                    file: f,
                },
            ],
        );
        assert_eq!(t.keys().collect::<Vec<_>>(), vec!["a/z"]);
    }

    #[test]
    fn ref_names() {
        assert!(valid_ref_name("refs/heads/petrova/propose-fix/009a7d89"));
        assert!(!valid_ref_name("heads/main"));
        assert!(!valid_ref_name("refs/heads/a..b"));
        assert!(!valid_ref_name("refs/heads/a b"));
        assert!(!valid_ref_name("refs/heads/x.lock"));
        assert!(!valid_ref_name("refs/main"));
    }
}
