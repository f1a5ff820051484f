//! Helpers shared by the end-to-end tests.
//!
//! The tests drive the real `petrova` binary. `cargo test --workspace` (and the
//! README's test command) builds it, because `petrova-cli` is a workspace member;
//! `cargo test -p petrova-tests` alone does not, so run `cargo build -p
//! petrova-cli` first in that case. [`petrova_bin`] finds the binary next to the
//! test executable and says so plainly when it is missing.
//!
//! Nothing here creates temporary folders itself: each test owns a
//! `tempfile::TempDir` and hands its path to [`Sandbox::new`], so every folder
//! is removed when the test ends.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

pub mod github_view;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// The scan time every golden output is taken at.
pub const NOW: &str = "2026-04-29T14:30:00Z";

/// The slug of the example repository.
pub const SLUG: &str = "kahn-hq";

/// The actor of the worked example.
pub const ACTOR: &str = "fleet:kahn-implementer";

/// The root of the petrova repository.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// `examples/workspace` of the repository (read only: tests work on copies).
pub fn example_workspace() -> PathBuf {
    repo_root().join("examples").join("workspace")
}

/// The `petrova` binary of the same build profile as the running test.
///
/// Looks in the folders above the test executable (`target/<profile>/deps/…`
/// → `target/<profile>/petrova`). Panics with instructions when it is missing.
pub fn petrova_bin() -> PathBuf {
    let name = format!("petrova{}", std::env::consts::EXE_SUFFIX);
    let exe = std::env::current_exe().expect("the test executable's path");
    for dir in exe.ancestors().skip(1) {
        let candidate = dir.join(&name);
        if candidate.is_file() {
            return candidate;
        }
        if dir.file_name().is_some_and(|n| n == "target") {
            break;
        }
    }
    panic!(
        "the petrova binary was not found next to {}: run cargo build -p petrova-cli first \
         (cargo test --workspace builds it)",
        exe.display()
    );
}

/// What one run of the binary did.
#[derive(Clone, Debug)]
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output parsed as one JSON value.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Panics with both streams unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// A copy of the example workspace in a caller-owned temporary folder:
/// `ROOT/ws` (the workspace), `ROOT/state` (`PETROVA_STATE_DIR`), `ROOT/plans`.
#[derive(Clone, Debug)]
pub struct Sandbox {
    /// The temporary folder.
    pub root: PathBuf,
    /// The workspace copy.
    pub ws: PathBuf,
    /// The state folder (diagnosis cache).
    pub state: PathBuf,
    /// `PETROVA_NOW` for every run.
    pub now: String,
}

impl Sandbox {
    /// Copies `examples/workspace` into `root/ws`.
    pub fn new(root: &Path) -> Sandbox {
        let sandbox = Sandbox::empty(root);
        copy_dir(&example_workspace(), &sandbox.ws);
        sandbox
    }

    /// An empty workspace folder in `root/ws`.
    pub fn empty(root: &Path) -> Sandbox {
        let sandbox = Sandbox {
            root: root.to_path_buf(),
            ws: root.join("ws"),
            state: root.join("state"),
            now: NOW.to_owned(),
        };
        fs::create_dir_all(&sandbox.ws).expect("create ws");
        fs::create_dir_all(root.join("plans")).expect("create plans");
        sandbox
    }

    /// The checkout of `kahn-hq`.
    pub fn checkout(&self) -> PathBuf {
        self.ws.join(SLUG)
    }

    /// A file of the `kahn-hq` checkout.
    pub fn file(&self, rel: &str) -> PathBuf {
        self.checkout().join(rel)
    }

    /// Runs `petrova --workspace WS ARGS…` with the sandbox's environment.
    pub fn petrova(&self, args: &[&str]) -> Run {
        self.petrova_env(args, &[])
    }

    /// Like [`Sandbox::petrova`] with extra environment variables.
    pub fn petrova_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::new(petrova_bin());
        self.configure(&mut cmd, args, env);
        run(&mut cmd)
    }

    /// Adds `--workspace WS ARGS…` to a command that runs petrova (directly or
    /// through a wrapper), with the sandbox's environment: no inherited
    /// `PETROVA_*`/`GITHUB_*`, the fixed clock and state folder, then `env`.
    pub fn configure(&self, cmd: &mut Command, args: &[&str], env: &[(&str, &str)]) {
        cmd.arg("--workspace").arg(&self.ws).args(args);
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            if k.starts_with("PETROVA_") || k.starts_with("GITHUB_") {
                cmd.env_remove(&key);
            }
        }
        cmd.env("PETROVA_NOW", &self.now)
            .env("PETROVA_STATE_DIR", &self.state)
            .current_dir(&self.root);
        for (k, v) in env {
            cmd.env(k, v);
        }
    }

    /// Runs `diagnose kahn-hq --since SINCE --json` and returns the diagnosis id.
    pub fn diagnose(&self, since: &str) -> String {
        self.diagnose_slug(SLUG, since)
    }

    /// Runs `diagnose SLUG --since SINCE --json` and returns the diagnosis id.
    pub fn diagnose_slug(&self, slug: &str, since: &str) -> String {
        let run = self.petrova(&["diagnose", slug, "--since", since, "--json"]);
        run.expect_code(0);
        run.json()["result"]["diagnosis_id"]
            .as_str()
            .expect("diagnosis_id")
            .to_owned()
    }

    /// Writes a plan file under `root/plans` (outside the workspace) and returns its path.
    pub fn write_plan(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.root.join("plans").join(name);
        fs::write(&path, bytes).expect("write plan");
        path
    }

    /// `propose_fix kahn-hq --input PLAN --actor fleet:kahn-implementer
    /// --triggered-by-kind audit_fail --triggered-by-ref ci-run-12345 EXTRA…`.
    pub fn propose(&self, plan: &Path, extra: &[&str]) -> Run {
        self.propose_env(plan, extra, &[])
    }

    /// Like [`Sandbox::propose`] with extra environment variables.
    pub fn propose_env(&self, plan: &Path, extra: &[&str], env: &[(&str, &str)]) -> Run {
        let plan = plan.to_string_lossy().into_owned();
        let mut args = propose_args(&plan);
        args.extend_from_slice(extra);
        self.petrova_env(&args, env)
    }

    /// Replaces the sandbox's temporary paths in `text` with `[ROOT]`, for snapshots.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.root.display().to_string(), "[ROOT]")
    }
}

/// `propose_fix kahn-hq --input PLAN --actor fleet:kahn-implementer
/// --triggered-by-kind audit_fail --triggered-by-ref ci-run-12345`, the
/// arguments of the worked example (`PLAN` may be `-` for standard input).
pub fn propose_args(plan: &str) -> Vec<&str> {
    vec![
        "propose_fix",
        SLUG,
        "--input",
        plan,
        "--actor",
        ACTOR,
        "--triggered-by-kind",
        "audit_fail",
        "--triggered-by-ref",
        "ci-run-12345",
    ]
}

/// The plan-related codes of `core/src/error.rs`: `plan_too_large` to
/// `guard_config_invalid`, in declaration order.
pub fn plan_codes() -> &'static [petrova_core::Code] {
    use petrova_core::Code;
    let all = Code::ALL;
    let first = all
        .iter()
        .position(|c| *c == Code::PlanTooLarge)
        .expect("plan_too_large is a code");
    let last = all
        .iter()
        .position(|c| *c == Code::GuardConfigInvalid)
        .expect("guard_config_invalid is a code");
    &all[first..=last]
}

/// Runs a prepared command and collects its output.
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run petrova");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The example plan (`examples/workspace/fix.json`) as JSON.
pub fn example_plan() -> serde_json::Value {
    let bytes = fs::read(example_workspace().join("fix.json")).expect("read fix.json");
    serde_json::from_slice(&bytes).expect("fix.json is JSON")
}

/// Copies a folder recursively; symlinks are copied as symlinks.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    let mut entries: Vec<_> = fs::read_dir(from)
        .expect("read dir")
        .map(|e| e.expect("dir entry"))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_symlink() {
            let target = fs::read_link(&src).expect("read link");
            symlink(&target, &dst);
        } else if kind.is_dir() {
            copy_dir(&src, &dst);
        } else {
            fs::copy(&src, &dst).expect("copy file");
        }
    }
}

/// Creates a symbolic link `link` → `target`.
#[cfg(unix)]
pub fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

/// Creates a symbolic link `link` → `target`.
#[cfg(windows)]
pub fn symlink(target: &Path, link: &Path) {
    std::os::windows::fs::symlink_file(target, link).expect("symlink");
}

/// One entry of a folder tree, as [`tree_state`] records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TreeEntry {
    /// A folder.
    Dir,
    /// A file with its bytes and modification time.
    File(Vec<u8>, Option<SystemTime>),
    /// A symlink and where it points (never followed).
    Symlink(PathBuf),
}

/// Every path under `dir` (relative, `/`-separated) with its kind, bytes and mtime.
pub fn tree_state(dir: &Path) -> BTreeMap<String, TreeEntry> {
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, TreeEntry>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let entry = entry.expect("dir entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let path = entry.path();
        let meta = fs::symlink_metadata(&path).expect("metadata");
        if meta.file_type().is_symlink() {
            out.insert(
                rel,
                TreeEntry::Symlink(fs::read_link(&path).expect("read link")),
            );
        } else if meta.is_dir() {
            out.insert(rel.clone(), TreeEntry::Dir);
            walk(&path, &rel, out);
        } else {
            let bytes = fs::read(&path).expect("read file");
            out.insert(rel, TreeEntry::File(bytes, meta.modified().ok()));
        }
    }
}

/// Describes how two tree states differ (empty when equal).
pub fn tree_diff(
    before: &BTreeMap<String, TreeEntry>,
    after: &BTreeMap<String, TreeEntry>,
) -> Vec<String> {
    let mut diff = Vec::new();
    for (path, entry) in before {
        match after.get(path) {
            None => diff.push(format!("removed {path}")),
            Some(other) if other != entry => diff.push(format!("changed {path}")),
            Some(_) => {}
        }
    }
    for path in after.keys() {
        if !before.contains_key(path) {
            diff.push(format!("added {path}"));
        }
    }
    diff
}

/// A tiny deterministic PRNG (xorshift64*), for seeded generated inputs.
#[derive(Clone, Debug)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator from a seed (0 is replaced by a fixed non-zero value).
    pub fn new(seed: u64) -> Self {
        XorShift(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What is wrong with the shape of a rendered pull-request body (empty when
/// nothing): the head is the title and the metadata block; the marker is the
/// only raw HTML; the `Upholds`, `Changes` and `Summary` sections are real
/// top-level headings, in that order, at the end (plan text did not swallow
/// them); and the body fits GitHub's limit.
pub fn body_structure_problems(body: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut problems = Vec::new();
    let head = "## Petrova action: `propose_fix`\n\n<!-- petrova:metadata -->\n```";
    if !body.starts_with(head) {
        problems.push("the body does not start with the title, the marker and a fence".to_owned());
    }
    let chars = body.chars().count();
    if chars > petrova_core::proposal::body::GITHUB_BODY_LIMIT {
        problems.push(format!("{chars} characters, over GitHub's limit"));
    }
    let mut html = Vec::new();
    let mut depth = 0usize;
    let mut h3: Vec<String> = Vec::new();
    let mut in_h3 = false;
    let mut first_block_info: Option<String> = None;
    for event in Parser::new_ext(body, petrova_core::governance::markdown::options()) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => html.push(h.into_string()),
            Event::Start(Tag::Heading { level, .. }) => {
                if depth == 0 && level == pulldown_cmark::HeadingLevel::H3 {
                    in_h3 = true;
                    h3.push(String::new());
                }
                depth += 1;
            }
            Event::End(TagEnd::Heading(_)) => {
                in_h3 = false;
                depth = depth.saturating_sub(1);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                if first_block_info.is_none() {
                    first_block_info = Some(match kind {
                        pulldown_cmark::CodeBlockKind::Fenced(info) => info.into_string(),
                        pulldown_cmark::CodeBlockKind::Indented => "(indented)".to_owned(),
                    });
                }
                depth += 1;
            }
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) | Event::Code(t) if in_h3 => {
                if let Some(last) = h3.last_mut() {
                    last.push_str(&t);
                }
            }
            _ => {}
        }
    }
    if html.len() != 1 || !html[0].contains("<!-- petrova:metadata -->") {
        problems.push(format!("raw HTML other than the one marker: {html:?}"));
    }
    if first_block_info.as_deref() != Some("yaml") {
        problems.push(format!(
            "the first code block is {first_block_info:?}, not yaml"
        ));
    }
    let tail: Vec<&str> = h3.iter().rev().take(3).rev().map(String::as_str).collect();
    if tail != ["Upholds", "Changes", "Summary"] {
        problems.push(format!("the last top-level sections are {h3:?}"));
    }
    problems
}
