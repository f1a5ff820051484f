//! The hostile-input corpus of `tests/corpus/`: one data file per case, with
//! its expected outcome in a sidecar `NAME.expect` next to it.
//!
//! | folder | the data is | checked through |
//! |---|---|---|
//! | `plans/` | a fix plan (`@DIAGNOSIS_ID@` is replaced by a fresh diagnosis id) | `propose_fix --json`, dry run and `--apply` against the fake GitHub |
//! | `registries/` | `registry.yaml` | `registry::parse`; `diagnose` and `propose_fix --apply` |
//! | `petrova-yml/` | the example checkout's `.petrova.yml` | `diagnose --json`, and core's diagnosis of the same files |
//! | `docs/` | one governance document, placed by `at=` | `diagnose --json`, and core's diagnosis of the same files |
//! | `bodies/` | a pull-request body | `body::parse_metadata` and `body::to_html` |
//!
//! A sidecar holds comment lines (`#`), directives (`key=value`, see each
//! runner) and one line per expected problem: `code pointer` for plans,
//! `code line` for registries (`-`: no line), `code path:line` (or `code path`)
//! for the warnings of a diagnosis. Problems are compared as exact multisets.
//! Inputs too big to commit (10 MB lines, 100,000-deep nesting, 16 MiB plans)
//! are described by a `generate=KIND N` directive and built here.
//!
//! Every CLI run must: exit with the expected code; print no panic; write
//! nothing in the workspace copy (nor anywhere else, for refusals); send no
//! request to GitHub; and stay under [`MEMORY_LIMIT_BYTES`].

use petrova_core::governance::diagnosis::{self, DiagnoseOutput, Diagnosis, ScanInput, Window};
use petrova_core::governance::docs::ScanLimits;
use petrova_core::governance::source::MemoryCheckout;
use petrova_core::operator::registry;
use petrova_core::proposal::body;
use petrova_core::Code;
use petrova_fake_github::{start_blocking, FakeConfig, FakeGithubHandle};
use petrova_tests::{
    example_plan, petrova_bin, plan_codes, propose_args, repo_root, run, tree_diff, tree_state,
    Run, Sandbox, TreeEntry, ACTOR, NOW, SLUG,
};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The memory bound of every CLI run: 1 GiB of address space, set with
/// `prlimit --as` (or `ulimit -v` where prlimit is missing). A run that needs
/// more fails to allocate and aborts, which fails its case (the exit code is
/// checked). The real need is far lower: a 16 MiB plan or a 10 MB document
/// stays under 200 MB resident.
const MEMORY_LIMIT_BYTES: u64 = 1 << 30;

/// The CPU bound of every CLI run (`prlimit --cpu`, `ulimit -t`): a run that
/// uses more is killed, which fails its case. It is a guard against blow-ups
/// (quadratic parsing of a document under the 2 MiB scan limit), not a speed
/// check: the largest honest inputs take under 2 CPU-seconds in a debug build.
const CPU_LIMIT_SECONDS: u64 = 20;

/// The window every case diagnoses.
const SINCE: &str = "2026-04-22";
/// The token the fake GitHub accepts.
const TOKEN: &str = "ghp_hostile_corpus_0123456789";

// ----- the corpus on disk -----

#[derive(Debug)]
struct Case {
    /// `plans/001-plan-syntax-not-json`.
    name: String,
    /// The data file, if the case has one (generated cases may not).
    data: Option<PathBuf>,
    directives: Vec<(String, String)>,
    records: Vec<String>,
}

impl Case {
    fn get(&self, key: &str) -> Option<&str> {
        self.directives
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.directives
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn exit(&self) -> i32 {
        self.get("exit")
            .unwrap_or_else(|| panic!("{}: no exit= directive", self.name))
            .parse()
            .unwrap_or_else(|e| panic!("{}: exit: {e}", self.name))
    }

    /// The data file's bytes, or the generated input.
    fn bytes(&self) -> Vec<u8> {
        let mut bytes = match &self.data {
            Some(path) => fs::read(path).expect("read case data"),
            None => Vec::new(),
        };
        if let Some(spec) = self.get("generate") {
            bytes.extend(generate(spec));
        }
        bytes
    }
}

fn corpus_dir() -> PathBuf {
    repo_root().join("tests").join("corpus")
}

/// Every case of one folder, by name.
fn cases(kind: &str) -> Vec<Case> {
    let dir = corpus_dir().join(kind);
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    names.sort();
    let mut out = Vec::new();
    for expect in names
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "expect"))
    {
        let stem = expect
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let data: Vec<&PathBuf> = names
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e != "expect"))
            .filter(|p| p.file_stem().is_some_and(|s| s.to_string_lossy() == stem))
            .collect();
        assert!(data.len() <= 1, "{stem}: several data files {data:?}");
        let text = fs::read_to_string(expect).expect("read .expect");
        let mut directives = Vec::new();
        let mut records = Vec::new();
        for line in text.lines() {
            let line = line.trim_end();
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            match directive(line) {
                Some((k, v)) => directives.push((k.to_owned(), unescape(v))),
                None => records.push(line.trim().to_owned()),
            }
        }
        let case = Case {
            name: format!("{kind}/{stem}"),
            data: data.first().map(|p| (*p).clone()),
            directives,
            records,
        };
        assert!(
            case.data.is_some() || case.get("generate").is_some(),
            "{}: neither a data file nor generate=",
            case.name
        );
        out.push(case);
    }
    out
}

/// `key=value` with a lower-case key.
fn directive(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once('=')?;
    key.bytes()
        .all(|b| b.is_ascii_lowercase() || b == b'_')
        .then_some((key, value))
}

/// `\n`, `\r`, `\t`, `\\` and `\u{HEX}` in directive values.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars
                    .by_ref()
                    .skip_while(|c| *c == '{')
                    .take_while(|c| *c != '}')
                    .collect();
                let code = u32::from_str_radix(&hex, 16).expect("\\u{HEX}");
                out.push(char::from_u32(code).expect("a char"));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Inputs too big to commit, built from `KIND N`.
fn generate(spec: &str) -> Vec<u8> {
    let (kind, n) = spec.split_once(' ').expect("generate=KIND N");
    let n: usize = n.trim().parse().expect("generate count");
    let lines = |f: &dyn Fn(usize) -> String| (1..=n).map(f).collect::<String>().into_bytes();
    match kind {
        // One line of `n` bytes, no newline.
        "single-line" => vec![b'a'; n],
        // `>>>>… x`: `n` nested block quotes.
        "quotes" => format!("{} x\n", ">".repeat(n)).into_bytes(),
        // `- - - … x`: `n` nested list items on one line.
        "dashes" => format!("{}x\n", "- ".repeat(n)).into_bytes(),
        // A list nested `n` deep, one level per line.
        "indented-list" => lines(&|i| format!("{}- level {i}\n", "  ".repeat(i - 1))),
        // `[[[[…`, `****…`, `` ```… ``: delimiter runs for the inline parser.
        "brackets" => "[".repeat(n).into_bytes(),
        "stars" => "*a".repeat(n).into_bytes(),
        "backticks" => "`a".repeat(n).into_bytes(),
        // `n` headings with the same text (anchors `a`, `a-1`, `a-2`, …).
        "headings" => lines(&|_| "# a\n".to_owned()),
        // `n` distinct meta-rule definitions.
        "meta-rules" => lines(&|i| format!("- MR-{i}: r\n")),
        // One phase and `n` distinct open milestones.
        "milestones" => {
            let mut s = "## Phase-1\n\nStatus: open\n\n".to_owned().into_bytes();
            s.extend(lines(&|i| format!("- [ ] M{i}.1\n")));
            s
        }
        // A plan nested `n` arrays deep.
        "deep-arrays" => format!("{}{}", "[".repeat(n), "]".repeat(n)).into_bytes(),
        // The example plan with an `n`-byte rationale.
        "plan-rationale" => {
            let mut plan = example_plan();
            plan["diagnosis_id"] = Value::from("@DIAGNOSIS_ID@");
            plan["rationale"] = Value::from("x".repeat(n));
            serde_json::to_vec(&plan).expect("json")
        }
        // `n` lines of filler text.
        "filler" => lines(&|i| format!("line {i} of filler text\n")),
        other => panic!("unknown generator {other}"),
    }
}

// ----- running the CLI under the bounds -----

/// Runs `petrova --workspace WS ARGS…` like [`Sandbox::petrova_env`], under
/// the memory bound.
fn bounded(sb: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Run {
    let bin = petrova_bin();
    let mut cmd = if let Some(prlimit) = find_prlimit() {
        let mut c = Command::new(prlimit);
        c.arg(format!("--as={MEMORY_LIMIT_BYTES}"))
            .arg(format!("--cpu={CPU_LIMIT_SECONDS}"))
            .arg("--")
            .arg(bin);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!(
                "ulimit -v {} && ulimit -t {CPU_LIMIT_SECONDS} && exec \"$0\" \"$@\"",
                MEMORY_LIMIT_BYTES / 1024
            ))
            .arg(bin);
        c
    };
    sb.configure(&mut cmd, args, env);
    run(&mut cmd)
}

fn find_prlimit() -> Option<PathBuf> {
    ["/usr/bin/prlimit", "/bin/prlimit"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// The problems every CLI run is checked for.
fn check_run(run: &Run, exit: i32, errors: &mut Vec<String>, what: &str) {
    if run.code != exit {
        let killed = if run.code == -1 {
            " (killed by a signal: over the CPU or memory bound?)"
        } else {
            ""
        };
        errors.push(format!(
            "{what}: exit {}{killed} (expected {exit})\n      stdout: {}\n      stderr: {}",
            run.code,
            clip(&run.stdout),
            clip(&run.stderr)
        ));
    }
    for needle in ["panicked", "RUST_BACKTRACE", "memory allocation of"] {
        if run.stderr.contains(needle) {
            errors.push(format!("{what}: stderr holds `{needle}`: {}", run.stderr));
        }
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 2000 {
        format!(
            "{}… ({} bytes)",
            s.chars().take(2000).collect::<String>(),
            s.len()
        )
    } else {
        s.to_owned()
    }
}

fn check_unchanged(
    before: &std::collections::BTreeMap<String, TreeEntry>,
    dir: &Path,
    errors: &mut Vec<String>,
    what: &str,
) {
    let diff = tree_diff(before, &tree_state(dir));
    if !diff.is_empty() {
        errors.push(format!("{what}: wrote to disk: {diff:?}"));
    }
}

fn fake() -> FakeGithubHandle {
    start_blocking(FakeConfig {
        token: TOKEN.to_owned(),
        ..FakeConfig::default()
    })
}

fn check_no_request(fake: &FakeGithubHandle, errors: &mut Vec<String>, what: &str) {
    let log = fake.log();
    if !log.is_empty() {
        let calls: Vec<String> = log
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        errors.push(format!("{what}: requests were sent: {calls:?}"));
        fake.reset();
    }
}

/// Runs every case, then fails listing all that failed.
fn run_all(kind: &str, min: usize, mut f: impl FnMut(&Case) -> Result<(), String>) {
    let cases = cases(kind);
    assert!(
        cases.len() >= min,
        "{kind}: {} cases, expected at least {min}",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let started = std::time::Instant::now();
            let result = f(c);
            // Shown with --nocapture: which cases cost the time.
            eprintln!("{}: {} ms", c.name, started.elapsed().as_millis());
            result.err().map(|e| format!("{}:\n    {e}", c.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} {kind} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn finish(errors: &[String]) -> Result<(), String> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n    "))
    }
}

fn sorted(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
    v.sort();
    v
}

// ----- setup directives shared by the runners -----

/// Applies the directives that prepare the sandbox before `diagnose`:
/// `registry=FILE` (a file of the case's folder), `file=REL TEXT` (write a
/// file of the checkout), `symlink=REL TARGET`, `other_repo=yes` (a second
/// governed repository, `other-repo`).
fn setup(case: &Case, sb: &Sandbox, kind: &str) {
    if let Some(file) = case.get("registry") {
        fs::copy(
            corpus_dir().join(kind).join(file),
            sb.ws.join("registry.yaml"),
        )
        .expect("copy registry");
    }
    for spec in case.all("file") {
        let (rel, text) = spec.split_once(' ').expect("file=REL TEXT");
        let path = sb.file(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write file");
    }
    for spec in case.all("symlink") {
        let (rel, target) = spec.split_once(' ').expect("symlink=REL TARGET");
        let target = target.replace("@ROOT@", &sb.root.display().to_string());
        petrova_tests::symlink(Path::new(&target), &sb.file(rel));
    }
    if case.get("other_repo").is_some() {
        let path = sb.ws.join("registry.yaml");
        let mut reg = fs::read_to_string(&path).expect("registry");
        reg.push_str("- slug: other-repo\n  url: https://github.com/kahn-hq/other\n  default_branch: main\n  role: sandbox\n  profile: standard\n  fleets_allowed: [kahn-implementer]\n  added: \"2026-04-29\"\n");
        fs::write(path, reg).expect("registry");
        let other = sb.ws.join("other-repo").join("docs");
        fs::create_dir_all(&other).expect("mkdir");
        fs::write(other.join("meta-rules.md"), "- MR-1 — one rule\n").expect("write");
        fs::write(other.join("roadmap.md"), "## Phase-1\n\nStatus: open\n").expect("write");
    }
}

// ----- plans -----

/// Plans: directives `exit=`, `actor=`, `kind=`, `ref=` (override the
/// example's `fleet:kahn-implementer`, `audit_fail`, `ci-run-12345`), the
/// setup directives, `append_after_diagnose=REL TEXT` (make the diagnosis
/// stale), `corrupt_cache=yes`; `@OTHER_DIAGNOSIS_ID@` in the plan is the
/// diagnosis id of `other-repo`.
fn run_plan_case(case: &Case, fake: &FakeGithubHandle) -> Result<(), String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    setup(case, &sb, "plans");
    let id = sb.diagnose(SINCE);
    let other_id = case
        .get("other_repo")
        .map(|_| sb.diagnose_slug("other-repo", SINCE))
        .unwrap_or_default();
    for spec in case.all("append_after_diagnose") {
        let (rel, text) = spec
            .split_once(' ')
            .expect("append_after_diagnose=REL TEXT");
        let mut s = fs::read(sb.file(rel)).expect("read");
        s.extend_from_slice(text.as_bytes());
        fs::write(sb.file(rel), s).expect("write");
    }
    if case.get("corrupt_cache").is_some() {
        let mut dirs = vec![sb.state.join("diagnoses")];
        while let Some(dir) = dirs.pop() {
            for entry in fs::read_dir(dir).expect("cache dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    fs::write(path, b"{\"verb\": \"diagnose\", \"target_repo\": ").expect("write");
                }
            }
        }
    }
    let bytes = replace_bytes(&case.bytes(), b"@DIAGNOSIS_ID@", id.as_bytes());
    let bytes = replace_bytes(&bytes, b"@OTHER_DIAGNOSIS_ID@", other_id.as_bytes());
    let plan = sb.write_plan("plan.json", &bytes).display().to_string();
    let actor = case.get("actor").unwrap_or(ACTOR);
    let kind = case.get("kind").unwrap_or("audit_fail");
    let reference = case.get("ref").unwrap_or("ci-run-12345");
    let args = [
        "propose_fix",
        SLUG,
        "--input",
        plan.as_str(),
        "--actor",
        actor,
        "--triggered-by-kind",
        kind,
        "--triggered-by-ref",
        reference,
        "--json",
    ];
    let want: Vec<(String, String)> = sorted(
        case.records
            .iter()
            .map(|r| match r.split_once(' ') {
                Some((code, pointer)) => (code.to_owned(), pointer.trim().to_owned()),
                None => (r.clone(), String::new()),
            })
            .collect(),
    );
    let mut errors = Vec::new();
    for code in &want {
        if Code::parse(&code.0).is_none() {
            errors.push(format!("`{}` is not a code", code.0));
        }
    }
    let api = fake.base_url.clone();
    for (what, extra, env) in [
        ("dry run", None, vec![]),
        (
            "--apply",
            Some("--apply"),
            vec![
                ("PETROVA_GITHUB_TOKEN", TOKEN),
                ("PETROVA_GITHUB_API_URL", api.as_str()),
            ],
        ),
    ] {
        let before = tree_state(&sb.root);
        let mut args = args.to_vec();
        args.extend(extra);
        let run = bounded(&sb, &args, &env);
        check_run(&run, case.exit(), &mut errors, what);
        check_unchanged(&before, &sb.root, &mut errors, what);
        check_no_request(fake, &mut errors, what);
        if run.stdout.contains(TOKEN) || run.stderr.contains(TOKEN) {
            errors.push(format!("{what}: the token leaked"));
        }
        let out: Value = match serde_json::from_str(&run.stdout) {
            Ok(v) => v,
            Err(e) => {
                errors.push(format!(
                    "{what}: stdout is not JSON ({e}): {}",
                    clip(&run.stdout)
                ));
                continue;
            }
        };
        if out["outcome"] != "refused"
            || !out["idempotency_key"].is_null()
            || !out["body"].is_null()
        {
            errors.push(format!(
                "{what}: outcome {} key {} body {}",
                out["outcome"],
                out["idempotency_key"],
                clip(&out["body"].to_string())
            ));
        }
        let problems = out["problems"].as_array().cloned().unwrap_or_default();
        let got = sorted(
            problems
                .iter()
                .map(|p| {
                    (
                        p["code"].as_str().unwrap_or("?").to_owned(),
                        p["pointer"].as_str().unwrap_or("<none>").to_owned(),
                    )
                })
                .collect(),
        );
        if got != want {
            let messages: Vec<&str> = problems
                .iter()
                .map(|p| p["message"].as_str().unwrap_or(""))
                .collect();
            errors.push(format!(
                "{what}: problems\n      got  {got:?}\n      want {want:?}\n      messages {messages:?}"
            ));
        }
        if problems
            .iter()
            .any(|p| p["message"].as_str().is_none_or(str::is_empty))
        {
            errors.push(format!("{what}: a problem without a message"));
        }
    }
    finish(&errors)
}

fn replace_bytes(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn hostile_plans_are_refused_exactly() {
    let fake = fake();
    run_all("plans", 50, |case| run_plan_case(case, &fake));
}

/// Every plan code of `core/src/error.rs` (from `plan_too_large` to
/// `guard_config_invalid`) is expected by at least one corpus plan.
#[test]
fn the_plan_corpus_covers_every_plan_code() {
    let covered: BTreeSet<String> = cases("plans")
        .iter()
        .flat_map(|c| c.records.iter())
        .map(|r| r.split(' ').next().unwrap_or("").to_owned())
        .collect();
    let missing: Vec<&str> = plan_codes()
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !covered.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "plan codes without a corpus case: {missing:?}"
    );
}

// ----- registries -----

/// A CLI run: what it is, its arguments, its extra environment.
type Invocation<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>);

/// Registries: `exit=3`; one record `code line` (`-`: no line) for what
/// `registry::parse` returns (or, for `unknown_repo`, the lookup of
/// `kahn-hq`); `stderr=TEXT` for what the CLI must say when core is not
/// reached (a registry that is not UTF-8).
fn run_registry_case(case: &Case, fake: &FakeGithubHandle) -> Result<(), String> {
    let bytes = case.bytes();
    let mut errors = Vec::new();
    let want = case.records.first().map(|r| {
        let (code, line) = r.split_once(' ').unwrap_or((r.as_str(), "-"));
        let line = match line.trim() {
            "-" => None,
            n => Some(n.parse::<usize>().expect("line")),
        };
        (code.to_owned(), line)
    });
    // Core.
    if let Some((code, line)) = &want {
        let got = match registry::parse_bytes(&bytes, "registry.yaml") {
            Ok(reg) if code == "unknown_repo" => reg
                .require(SLUG, "registry.yaml")
                .err()
                .map(|e| (e.code().as_str().to_owned(), e.diagnostic.line)),
            Ok(_) => None,
            Err(e) => Some((e.code().as_str().to_owned(), e.diagnostic.line)),
        };
        if got.as_ref() != Some(&(code.clone(), *line)) {
            errors.push(format!("core: got {got:?}, want {:?}", (code, line)));
        }
    }
    // The CLI.
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    fs::write(sb.ws.join("registry.yaml"), &bytes).expect("write registry");
    let plan = sb.ws.join("fix.json").display().to_string();
    let api = fake.base_url.clone();
    let runs: [Invocation<'_>; 2] = [
        (
            "diagnose",
            vec!["diagnose", SLUG, "--since", SINCE, "--json"],
            vec![],
        ),
        (
            "propose_fix --apply",
            [propose_args(&plan), vec!["--json", "--apply"]].concat(),
            vec![
                ("PETROVA_GITHUB_TOKEN", TOKEN),
                ("PETROVA_GITHUB_API_URL", api.as_str()),
            ],
        ),
    ];
    for (what, args, env) in runs {
        let before = tree_state(&sb.root);
        let run = bounded(&sb, &args, &env);
        check_run(&run, case.exit(), &mut errors, what);
        check_unchanged(&before, &sb.root, &mut errors, what);
        check_no_request(fake, &mut errors, what);
        if let Some((code, line)) = &want {
            let at = match line {
                Some(n) => format!("registry.yaml:{n}: "),
                None => "registry.yaml: ".to_owned(),
            };
            if !run.stderr.contains(&at) || !run.stderr.contains(&format!("[{code}]")) {
                errors.push(format!(
                    "{what}: stderr does not locate `{at}` … `[{code}]`: {}",
                    run.stderr
                ));
            }
        }
        for needle in case.all("stderr") {
            if !run.stderr.contains(needle) {
                errors.push(format!("{what}: stderr lacks `{needle}`: {}", run.stderr));
            }
        }
    }
    finish(&errors)
}

#[test]
fn hostile_registries_are_refused_with_their_line() {
    let fake = fake();
    run_all("registries", 12, |case| run_registry_case(case, &fake));
}

// ----- diagnoses: .petrova.yml and governance documents -----

/// The example checkout as core sees it, read from disk.
fn memory_checkout(dir: &Path) -> MemoryCheckout {
    let mut c = MemoryCheckout::new();
    for (path, entry) in tree_state(dir) {
        match entry {
            TreeEntry::File(bytes, _) => c.insert_file(&path, bytes),
            TreeEntry::Symlink(_) => c.insert_symlink(&path),
            TreeEntry::Dir => {}
        }
    }
    c
}

fn parse_warning(record: &str) -> (String, String, Option<usize>) {
    let (code, location) = record.split_once(' ').unwrap_or((record, ""));
    let location = location.trim();
    match location.rsplit_once(':') {
        Some((path, line)) if line.parse::<usize>().is_ok() => {
            (code.to_owned(), path.to_owned(), line.parse().ok())
        }
        _ => (code.to_owned(), location.to_owned(), None),
    }
}

/// Places `bytes` at `at` in the example checkout, diagnoses it with the CLI
/// and with core, and compares the warnings with the records. `propose_exit=`
/// and `propose=code pointer` directives also run the example plan (citing
/// the fresh diagnosis) and compare its problems.
fn run_diagnosis_case(case: &Case, kind: &str, at: &str) -> Result<(), String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    setup(case, &sb, kind);
    let target = sb.file(at);
    fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
    fs::write(&target, case.bytes()).expect("write case");
    let mut errors = Vec::new();

    let before = tree_state(&sb.ws);
    let run = bounded(&sb, &["diagnose", SLUG, "--since", SINCE, "--json"], &[]);
    check_run(&run, case.exit(), &mut errors, "diagnose");
    check_unchanged(&before, &sb.ws, &mut errors, "diagnose");
    // Every form diagnose prints in is read by GitHub's runner: the document's
    // text never reaches it as a command.
    for args in [
        &["diagnose", SLUG, "--since", SINCE][..],
        &["diagnose", "--all", "--since", SINCE, "--json"][..],
        &["diagnose", "--all", "--since", SINCE][..],
    ] {
        let printed = bounded(&sb, args, &[]);
        let problems = petrova_tests::github_view::runner_problems(&printed.stdout, &[]);
        if !problems.is_empty() {
            errors.push(format!("{}: {problems:?}", args.join(" ")));
        }
    }
    let problems = petrova_tests::github_view::runner_problems(&run.stdout, &[]);
    if !problems.is_empty() {
        errors.push(format!("diagnose --json: {problems:?}"));
    }
    let cli: Option<Diagnosis> = match serde_json::from_str::<DiagnoseOutput>(&run.stdout) {
        Ok(out) => Some(out.result),
        Err(e) => {
            errors.push(format!(
                "stdout is not a diagnosis ({e}): {}",
                clip(&run.stdout)
            ));
            None
        }
    };
    if run.code != case.exit() {
        // Killed by a bound: core would take as long again in this process.
        return finish(&errors);
    }

    // Core, on the same files.
    let input = ScanInput {
        window: Window::parse(SINCE, None, petrova_core::error::Frontend::Cli).expect("window"),
        scanned_at: NOW.to_owned(),
        head: None,
        limits: ScanLimits::default(),
    };
    let core = diagnosis::diagnose(&memory_checkout(&sb.checkout()), &input);
    let mut want: Vec<(String, String, Option<usize>)> =
        case.records.iter().map(|r| parse_warning(r)).collect();
    want.sort();
    let located = |d: &Diagnosis| {
        let mut v: Vec<(String, String, Option<usize>)> = d
            .warnings
            .iter()
            .map(|w| {
                (
                    w.code.as_str().to_owned(),
                    w.path.clone().unwrap_or_default(),
                    w.line,
                )
            })
            .collect();
        v.sort();
        v
    };
    if located(&core) != want {
        errors.push(format!(
            "core warnings\n      got  {:?}\n      want {want:?}\n      messages {:?}",
            located(&core),
            core.warnings.iter().map(|w| &w.message).collect::<Vec<_>>()
        ));
    }
    if let Some(cli) = &cli {
        if *cli != core {
            errors.push(format!(
                "the CLI's diagnosis differs from core's: {} vs {}; warnings {:?}",
                cli.diagnosis_id,
                core.diagnosis_id,
                located(cli)
            ));
        }
    }

    if let (Some(exit), Some(cli)) = (case.get("propose_exit"), &cli) {
        let mut plan = example_plan();
        plan["diagnosis_id"] = Value::from(cli.diagnosis_id.clone());
        let path = sb.write_plan("plan.json", &serde_json::to_vec(&plan).expect("json"));
        let path = path.display().to_string();
        let before = tree_state(&sb.root);
        let run = bounded(&sb, &[propose_args(&path), vec!["--json"]].concat(), &[]);
        check_run(
            &run,
            exit.parse().expect("propose_exit"),
            &mut errors,
            "propose_fix",
        );
        check_unchanged(&before, &sb.root, &mut errors, "propose_fix");
        let out: Value = serde_json::from_str(&run.stdout).unwrap_or(Value::Null);
        let got = sorted(
            out["problems"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            (
                                p["code"].as_str().unwrap_or("?").to_owned(),
                                p["pointer"].as_str().unwrap_or("<none>").to_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
        );
        let want = sorted(
            case.all("propose")
                .map(|r| match r.split_once(' ') {
                    Some((c, p)) => (c.to_owned(), p.trim().to_owned()),
                    None => (r.to_owned(), String::new()),
                })
                .collect(),
        );
        if got != want {
            errors.push(format!(
                "propose_fix problems\n      got  {got:?}\n      want {want:?}"
            ));
        }
        // An accepted plan's body keeps its shape whatever the repository holds.
        if let Some(text) = out["body"].as_str() {
            let problems = petrova_tests::body_structure_problems(text);
            if !problems.is_empty() {
                errors.push(format!("the body lost its shape: {problems:?}\n{text}"));
            }
            if let Err(e) = body::parse_metadata(text) {
                errors.push(format!("the body's metadata does not read back: {e}"));
            }
        }
    }
    finish(&errors)
}

/// `.petrova.yml` cases: the data file is the example checkout's `.petrova.yml`.
#[test]
fn hostile_petrova_yml_gives_located_warnings() {
    run_all("petrova-yml", 8, |case| {
        run_diagnosis_case(case, "petrova-yml", ".petrova.yml")
    });
}

/// Governance documents: `at=REL` places the data (or generated) file in the
/// example checkout; `exit=0`.
#[test]
fn hostile_documents_give_located_warnings() {
    run_all("docs", 15, |case| {
        let at = case
            .get("at")
            .unwrap_or_else(|| panic!("{}: no at=", case.name))
            .to_owned();
        run_diagnosis_case(case, "docs", &at)
    });
}

// ----- bodies -----

/// Bodies: `error=CODE` (with `line=N` for `metadata_invalid` when the YAML
/// error has a line) or `metadata=JSON` (the exact metadata read back);
/// `prefix=KIND N` puts generated text before the body.
fn run_body_case(case: &Case) -> Result<(), String> {
    let mut bytes = match case.get("prefix") {
        Some(spec) => generate(spec),
        None => Vec::new(),
    };
    bytes.extend(case.bytes());
    let text = String::from_utf8_lossy(&bytes);
    let parsed = body::parse_metadata(&text);
    let _ = body::to_html(&text);
    let mut errors = Vec::new();
    match (case.get("error"), case.get("metadata"), &parsed) {
        (Some(code), None, Err(e)) => {
            if e.code().as_str() != code {
                errors.push(format!("got {} ({e}), want {code}", e.code()));
            }
            let line = case.get("line").map(|l| l.parse::<usize>().expect("line"));
            if let body::MetadataError::Invalid { line: got, .. } = e {
                if line.is_some() && *got != line {
                    errors.push(format!("line {got:?}, want {line:?} ({e})"));
                }
            }
        }
        (None, Some(json), Ok(got)) => {
            let want: body::Metadata = serde_json::from_str(json).expect("metadata= JSON");
            if *got != want {
                errors.push(format!("metadata\n      got  {got:?}\n      want {want:?}"));
            }
        }
        (error, metadata, parsed) => errors.push(format!(
            "got {parsed:?}, want error {error:?} / metadata {metadata:?}"
        )),
    }
    finish(&errors)
}

#[test]
fn hostile_bodies_give_their_metadata_or_error() {
    run_all("bodies", 12, run_body_case);
}

/// The corpus is at least 60 cases.
#[test]
fn the_corpus_has_at_least_60_cases() {
    let total: usize = ["plans", "registries", "petrova-yml", "docs", "bodies"]
        .iter()
        .map(|k| cases(k).len())
        .sum();
    assert!(total >= 60, "{total} cases");
}
