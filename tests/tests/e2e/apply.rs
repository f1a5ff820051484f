//! `petrova propose_fix … --apply` end to end (SPEC §6): the real binary as a
//! subprocess against the stateful fake GitHub, one test per row of the
//! outcome table. Every test checks the fake's state (pull requests, refs,
//! the branch's files, the PR body's metadata parsed back) and its request
//! log, not only the printed lines; and no run ever prints the token.

use crate::common::{describe, world, World, PLANNED_PATH, REPO, TOKEN};

use petrova_fake_github::{Fault, LoggedRequest};
use petrova_tests::{Run, ACTOR, SLUG};
use serde_json::Value;
use std::collections::BTreeMap;

/// A token the fake rejects (401).
const WRONG_TOKEN: &str = "ghp_WRONG_petrova_test_9876543210";

/// Panics when the token (either one) shows up in a run's output.
fn assert_no_token(run: &Run) {
    for secret in [TOKEN, WRONG_TOKEN] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "the token leaked\nstdout:\n{}\nstderr:\n{}",
            run.stdout,
            run.stderr
        );
    }
}

fn planned_contents() -> String {
    petrova_tests::example_plan()["proposed_changes"][0]["contents"]
        .as_str()
        .expect("contents")
        .to_owned()
}

/// `METHOD path` of each request, query left out.
fn calls(log: &[LoggedRequest]) -> Vec<String> {
    log.iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

impl World {
    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PETROVA_GITHUB_TOKEN", TOKEN.to_owned()),
            ("PETROVA_GITHUB_API_URL", self.fake.base_url.clone()),
            ("PETROVA_RETRY_BASE_MS", "10".to_owned()),
            ("PETROVA_RETRY_MAX_MS", "200".to_owned()),
            ("PETROVA_HTTP_TIMEOUT_MS", "1500".to_owned()),
        ]
    }

    /// `propose_fix … EXTRA` with the apply environment, `overrides` on top
    /// (an empty value removes the variable).
    fn run(&self, extra: &[&str], overrides: &[(&str, &str)]) -> Run {
        let plan = self.fix.to_string_lossy().into_owned();
        let mut args = petrova_tests::propose_args(&plan);
        args.extend_from_slice(extra);
        let mut env: BTreeMap<&str, String> = self.env().into_iter().collect();
        for (k, v) in overrides {
            env.insert(k, (*v).to_owned());
        }
        let env: Vec<(&str, &str)> = env
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        let run = self.sb.petrova_env(&args, &env);
        assert_no_token(&run);
        run
    }

    fn apply(&self) -> Run {
        self.run(&["--apply"], &[])
    }

    /// The requests since index `from`.
    fn log_since(&self, from: usize) -> Vec<LoggedRequest> {
        self.fake.log().into_iter().skip(from).collect()
    }

    fn petrova_refs(&self) -> Vec<String> {
        self.fake
            .refs()
            .into_keys()
            .filter(|r| r.starts_with("refs/heads/petrova/"))
            .collect()
    }

    fn main_tip(&self) -> String {
        self.fake.branch_tip("main").expect("main")
    }

    /// The text output's lines for an outcome carrying PR #number.
    fn expect_lines(&self, run: &Run, outcome: &str, pr_line: &str, number: u64) {
        let expected = format!(
            "propose_fix → {outcome} {}\n  upholds: MR-7, MR-12\n  {pr_line}\n  https://github.com/kahn-hq/kahn/pull/{number}\n",
            &self.key[..12]
        );
        assert_eq!(run.stdout, expected, "stderr:\n{}", run.stderr);
    }

    /// Exactly one pull request: open or not, from the branch to main, whose
    /// metadata carries this proposal's key.
    fn assert_one_pull(&self) -> petrova_fake_github::PullState {
        let pulls = self.fake.pulls();
        assert_eq!(pulls.len(), 1, "{pulls:#?}");
        let pr = pulls.into_iter().next().expect("one pull");
        assert_eq!(pr.head, self.branch);
        assert_eq!(pr.base, "main");
        let meta = petrova_core::proposal::body::parse_metadata(pr.body.as_deref().unwrap_or(""))
            .expect("metadata");
        assert_eq!(meta.idempotency_key, self.key);
        assert_eq!(meta.target_repo, SLUG);
        assert_eq!(meta.actor, ACTOR);
        assert_eq!(meta.triggered_by.kind, "audit_fail");
        assert_eq!(meta.triggered_by.reference, "ci-run-12345");
        assert_eq!(meta.applied_at, self.sb.now);
        assert_eq!(meta.schema_version, 1);
        pr
    }

    /// The branch's tip is one commit on `parent` holding the parent's files
    /// plus exactly the planned file, and its message carries the key trailer.
    fn assert_branch_holds_plan(&self, parent: &str) {
        let tip = self.fake.branch_tip(&self.branch).expect("branch exists");
        let commit = self.fake.commit(&tip).expect("tip commit");
        assert_eq!(commit.parents, vec![parent.to_owned()]);
        assert!(
            commit.message.lines().any(|l| l.trim()
                == format!("{}: {}", petrova_core::github::apply::KEY_TRAILER, self.key)),
            "{:?}",
            commit.message
        );
        let mut expected = self.fake.commit_files(parent).expect("parent files");
        assert!(!expected.contains_key(PLANNED_PATH));
        expected.insert(PLANNED_PATH.to_owned(), planned_contents());
        assert_eq!(
            self.fake.branch_files(&self.branch).expect("files"),
            expected
        );
    }
}

#[test]
fn fresh_apply_opens_one_pull_request_in_nine_requests() {
    let w = world();
    let base = w.main_tip();
    let run = w.apply();
    run.expect_code(0);
    w.expect_lines(&run, "applied", &format!("PR #1234 {}", w.branch), 1234);
    let log = w.fake.log();
    assert_eq!(
        calls(&log),
        vec![
            format!("GET {REPO}/pulls"),
            format!("GET {REPO}/pulls"),
            format!("GET {REPO}/pulls"),
            format!("GET {REPO}/git/ref/heads/main"),
            format!("GET {REPO}/git/commits/{base}"),
            format!("POST {REPO}/git/trees"),
            format!("POST {REPO}/git/commits"),
            format!("POST {REPO}/git/refs"),
            format!("POST {REPO}/pulls"),
        ],
        "{}",
        describe(&log)
    );
    assert_eq!(
        log.iter().map(|r| r.status).collect::<Vec<_>>(),
        [200, 200, 200, 200, 200, 201, 201, 201, 201]
            .map(Some)
            .to_vec()
    );
    assert!(log.iter().all(|r| r.fault.is_none()));
    // The lookup asks for every state of PRs whose head is the branch; then
    // one listing of open PRs (overlap) and one of recently closed ones
    // (rejection memory).
    let query = log[0].query.as_deref().unwrap_or("");
    assert!(query.contains("state=all"), "{query}");
    assert!(query.contains("head=kahn-hq"), "{query}");
    assert!(query.contains(&w.key[..8]), "{query}");
    assert_eq!(
        log[1].query.as_deref(),
        Some("state=open&sort=created&direction=desc&per_page=100&page=1")
    );
    assert_eq!(
        log[2].query.as_deref(),
        Some("state=closed&sort=updated&direction=desc&per_page=100&page=1")
    );
    let pr = w.assert_one_pull();
    assert_eq!(pr.number, 1234);
    assert_eq!(pr.state, "open");
    assert!(!pr.draft);
    assert_eq!(pr.title, petrova_tests::example_plan()["title"]);
    assert_eq!(w.petrova_refs(), vec![format!("refs/heads/{}", w.branch)]);
    assert_eq!(w.main_tip(), base, "main is never moved");
    assert_eq!(pr.head_sha, w.fake.branch_tip(&w.branch).expect("tip"));
    w.assert_branch_holds_plan(&base);
    // The PR body is exactly the dry run's body.
    let dry = w.run(&["--json"], &[]);
    assert_eq!(pr.body.as_deref(), dry.json()["body"].as_str());
}

#[test]
fn rerun_is_skipped_idempotent_in_one_request() {
    let w = world();
    w.apply().expect_code(0);
    let before = w.fake.log().len();
    let refs = w.fake.refs();
    let run = w.apply();
    run.expect_code(0);
    w.expect_lines(&run, "skipped_idempotent", "PR #1234 (existing)", 1234);
    let log = w.log_since(before);
    assert_eq!(
        calls(&log),
        vec![format!("GET {REPO}/pulls")],
        "{}",
        describe(&log)
    );
    assert_eq!(w.assert_one_pull().state, "open");
    assert_eq!(w.fake.refs(), refs);
    // A third run says the same.
    w.apply().expect_code(0);
    assert_eq!(w.fake.pulls().len(), 1);
}

#[test]
fn closed_pull_request_is_skipped_rejected_and_not_reopened() {
    let w = world();
    w.apply().expect_code(0);
    w.fake.close_pull(1234).expect("close");
    let before = w.fake.log().len();
    let refs = w.fake.refs();
    let run = w.apply();
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        format!(
            "propose_fix → skipped_rejected {}\n  upholds: MR-7, MR-12\n  PR #1234 (existing)\n  https://github.com/kahn-hq/kahn/pull/1234\n  reason: same_key (this proposal's pull request was closed without merging)\n",
            &w.key[..12]
        )
    );
    // The closed PR's comments say a human closed it, not petrova.
    let log = w.log_since(before);
    assert_eq!(
        calls(&log),
        vec![
            format!("GET {REPO}/pulls"),
            format!("GET {REPO}/issues/1234/comments")
        ],
        "{}",
        describe(&log)
    );
    let pr = w.assert_one_pull();
    assert_eq!(pr.state, "closed", "a human said no: never reopened");
    assert!(!pr.merged);
    assert_eq!(w.fake.refs(), refs);
    let json = w.run(&["--apply", "--json"], &[]);
    json.expect_code(0);
    assert_eq!(json.json()["outcome"], "skipped_rejected");
    assert_eq!(json.json()["reason"], "same_key");
    assert_eq!(w.fake.pulls().len(), 1);
    // --reconsider overrides a similar rejection only, never this one.
    let again = w.run(&["--apply", "--json", "--reconsider"], &[]);
    assert_eq!(again.json()["outcome"], "skipped_rejected");
    assert_eq!(w.fake.pulls().len(), 1);
}

#[test]
fn merged_pull_request_is_skipped_merged() {
    let w = world();
    w.apply().expect_code(0);
    w.fake.merge_pull(1234).expect("merge");
    assert!(w
        .fake
        .branch_files("main")
        .expect("main")
        .contains_key(PLANNED_PATH));
    let before = w.fake.log().len();
    let refs = w.fake.refs();
    let run = w.apply();
    run.expect_code(0);
    w.expect_lines(&run, "skipped_merged", "PR #1234 (existing)", 1234);
    let log = w.log_since(before);
    assert_eq!(calls(&log), vec![format!("GET {REPO}/pulls")]);
    let pr = w.assert_one_pull();
    assert!(pr.merged);
    assert_eq!(w.fake.refs(), refs);
}

/// What must not change in a conflict: pull requests and refs; and no write
/// that shows (no PATCH, no POST of a ref that succeeded, no POST pulls).
fn assert_untouched(
    w: &World,
    pulls: &[petrova_fake_github::PullState],
    refs: &BTreeMap<String, String>,
    log: &[LoggedRequest],
) {
    assert_eq!(w.fake.pulls(), pulls, "pull requests changed");
    assert_eq!(&w.fake.refs(), refs, "refs changed");
    for r in log {
        assert!(
            !(r.method == "POST" && r.path.ends_with("/pulls")),
            "a PR was opened\n{}",
            describe(log)
        );
        assert!(r.method == "GET" || r.method == "POST", "{}", describe(log));
        if r.path.ends_with("/git/refs") {
            assert_ne!(r.status, Some(201), "{}", describe(log));
        }
    }
}

fn assert_conflict(w: &World, run: &Run) {
    run.expect_code(1);
    assert!(
        run.stdout
            .starts_with(&format!("propose_fix → conflict {}\n", &w.key[..12])),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("conflict"), "{}", run.stderr);
    assert!(run.stderr.contains("nothing was touched"), "{}", run.stderr);
}

#[test]
fn branch_whose_pull_request_carries_another_key_is_a_conflict() {
    let w = world();
    w.apply().expect_code(0);
    let body = w.fake.pull(1234).expect("pr").body.expect("body");
    let other_key = "b".repeat(64);
    w.fake
        .edit_pull_body(1234, &body.replace(&w.key, &other_key))
        .expect("edit");
    let pulls = w.fake.pulls();
    let refs = w.fake.refs();
    let before = w.fake.log().len();
    let run = w.apply();
    assert_conflict(&w, &run);
    assert!(run.stderr.contains("bbbbbbbbbbbb"), "{}", run.stderr);
    let log = w.log_since(before);
    assert_eq!(
        calls(&log),
        vec![format!("GET {REPO}/pulls")],
        "{}",
        describe(&log)
    );
    assert_untouched(&w, &pulls, &refs, &log);
    let json = w.run(&["--apply", "--json"], &[]);
    json.expect_code(1);
    assert_eq!(json.json()["outcome"], "conflict");

    // A hand-written body (no metadata at all) is somebody else's too.
    w.fake
        .edit_pull_body(1234, "I fixed the RLS policy by hand.")
        .expect("edit");
    let pulls = w.fake.pulls();
    let before = w.fake.log().len();
    let run = w.apply();
    assert_conflict(&w, &run);
    let log = w.log_since(before);
    assert_eq!(calls(&log), vec![format!("GET {REPO}/pulls")]);
    assert_untouched(&w, &pulls, &refs, &log);
}

#[test]
fn branch_with_a_foreign_tip_is_a_conflict() {
    let w = world();
    let base = w.main_tip();
    let tip = w
        .fake
        .seed_branch(
            &w.branch,
            None,
            &[(PLANNED_PATH, Some("-- a human wrote this\n"))],
            "hand-made migration",
        )
        .expect("seed");
    let pulls = w.fake.pulls();
    let refs = w.fake.refs();
    let run = w.apply();
    assert_conflict(&w, &run);
    assert!(run.stderr.contains(&tip), "{}", run.stderr);
    let log = w.fake.log();
    assert_eq!(
        calls(&log),
        vec![
            format!("GET {REPO}/pulls"),
            // The listings of open and recently closed pull requests.
            format!("GET {REPO}/pulls"),
            format!("GET {REPO}/pulls"),
            format!("GET {REPO}/git/ref/heads/main"),
            format!("GET {REPO}/git/commits/{base}"),
            format!("POST {REPO}/git/trees"),
            format!("POST {REPO}/git/commits"),
            format!("POST {REPO}/git/refs"),
            format!("GET {REPO}/git/ref/heads/{}", w.branch),
            format!("GET {REPO}/git/commits/{tip}"),
        ],
        "{}",
        describe(&log)
    );
    assert_eq!(log[7].status, Some(422));
    assert_untouched(&w, &pulls, &refs, &log);
    assert!(pulls.is_empty());
    assert_eq!(w.fake.branch_tip(&w.branch), Some(tip));
}

#[test]
fn branch_with_this_key_but_other_files_is_a_conflict() {
    let w = world();
    // The trailer says "ours", the tree says someone edited it since.
    let message = format!(
        "fix\n\n{}: {}\n",
        petrova_core::github::apply::KEY_TRAILER,
        w.key
    );
    w.fake
        .seed_branch(
            &w.branch,
            None,
            &[(PLANNED_PATH, Some("-- edited by hand\n"))],
            &message,
        )
        .expect("seed");
    let pulls = w.fake.pulls();
    let refs = w.fake.refs();
    let run = w.apply();
    assert_conflict(&w, &run);
    let log = w.fake.log();
    assert_untouched(&w, &pulls, &refs, &log);
}

#[test]
fn run_killed_after_creating_the_branch_is_finished_by_the_next_run() {
    let w = world();
    let base = w.main_tip();
    // The first run gets as far as the branch; opening the PR fails and,
    // with one attempt per request, it gives up (exit 4).
    w.fake
        .push_faults(vec![Fault::status(500).on("POST", &format!("{REPO}/pulls"))]);
    let first = w.run(&["--apply"], &[("PETROVA_RETRY_ATTEMPTS", "1")]);
    first.expect_code(4);
    assert!(first.stdout.is_empty(), "{}", first.stdout);
    assert!(first.stderr.contains("HTTP 500"), "{}", first.stderr);
    assert!(first.stderr.contains("run again"), "{}", first.stderr);
    assert!(w.fake.pulls().is_empty());
    let tip = w
        .fake
        .branch_tip(&w.branch)
        .expect("the branch was created");
    w.assert_branch_holds_plan(&base);

    let before = w.fake.log().len();
    let run = w.apply();
    run.expect_code(0);
    w.expect_lines(&run, "applied", &format!("PR #1234 {}", w.branch), 1234);
    let log = w.log_since(before);
    assert_eq!(
        calls(&log),
        vec![
            format!("GET {REPO}/pulls"),
            // The listings of open and recently closed pull requests.
            format!("GET {REPO}/pulls"),
            format!("GET {REPO}/pulls"),
            format!("GET {REPO}/git/ref/heads/main"),
            format!("GET {REPO}/git/commits/{base}"),
            format!("POST {REPO}/git/trees"),
            format!("POST {REPO}/git/commits"),
            format!("POST {REPO}/git/refs"),
            format!("GET {REPO}/git/ref/heads/{}", w.branch),
            format!("GET {REPO}/git/commits/{tip}"),
            format!("POST {REPO}/pulls"),
        ],
        "{}",
        describe(&log)
    );
    assert_eq!(log[7].status, Some(422));
    let pr = w.assert_one_pull();
    assert_eq!(pr.state, "open");
    assert_eq!(
        w.fake.branch_tip(&w.branch),
        Some(tip.clone()),
        "the existing branch is used, not moved"
    );
    assert_eq!(pr.head_sha, tip);
    assert_eq!(w.petrova_refs().len(), 1);
}

#[test]
fn seeded_half_done_branch_on_an_older_base_is_finished() {
    let w = world();
    let old_base = w.main_tip();
    let message = format!(
        "{}\n\n{}: {}\n",
        petrova_tests::example_plan()["title"]
            .as_str()
            .expect("title"),
        petrova_core::github::apply::KEY_TRAILER,
        w.key
    );
    let tip = w
        .fake
        .seed_branch(
            &w.branch,
            None,
            &[(PLANNED_PATH, Some(planned_contents().as_str()))],
            &message,
        )
        .expect("seed");
    // main moves on after the half-done run.
    w.fake
        .seed_branch(
            "main",
            None,
            &[("CHANGELOG.md", Some("- later\n"))],
            "later",
        )
        .expect("advance main");
    assert_ne!(w.main_tip(), old_base);
    let run = w.apply();
    run.expect_code(0);
    w.expect_lines(&run, "applied", &format!("PR #1234 {}", w.branch), 1234);
    let log = w.fake.log();
    let calls = calls(&log);
    assert_eq!(
        calls[8..],
        [
            format!("GET {REPO}/git/ref/heads/{}", w.branch),
            format!("GET {REPO}/git/commits/{tip}"),
            format!("GET {REPO}/git/commits/{old_base}"),
            format!("POST {REPO}/git/trees"),
            format!("POST {REPO}/pulls"),
        ],
        "{}",
        describe(&log)
    );
    w.assert_one_pull();
    assert_eq!(w.fake.branch_tip(&w.branch), Some(tip));
    w.assert_branch_holds_plan(&old_base);
}

#[test]
fn apply_without_a_token_is_configuration_and_sends_nothing() {
    let w = world();
    let run = w.run(&["--apply"], &[("PETROVA_GITHUB_TOKEN", "")]);
    run.expect_code(3);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("token"), "{}", run.stderr);
    assert!(
        run.stderr.contains("PETROVA_GITHUB_TOKEN"),
        "{}",
        run.stderr
    );
    // A blank token is no token either.
    let blank = w.run(&["--apply"], &[("PETROVA_GITHUB_TOKEN", " ")]);
    blank.expect_code(3);
    assert!(w.fake.log().is_empty(), "{}", describe(&w.fake.log()));
    assert!(w.fake.pulls().is_empty());
}

#[test]
fn github_token_and_api_url_fallbacks_are_used() {
    let w = world();
    let run = w.run(
        &["--apply"],
        &[
            ("PETROVA_GITHUB_TOKEN", ""),
            ("PETROVA_GITHUB_API_URL", ""),
            ("GITHUB_TOKEN", TOKEN),
            ("GITHUB_API_URL", &w.fake.base_url),
        ],
    );
    run.expect_code(0);
    assert_eq!(w.fake.log().len(), 9);
    w.assert_one_pull();
}

#[test]
fn rejected_token_is_configuration_and_never_printed() {
    let w = world();
    let run = w.run(&["--apply"], &[("PETROVA_GITHUB_TOKEN", WRONG_TOKEN)]);
    run.expect_code(3);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("token"), "{}", run.stderr);
    assert!(run.stderr.contains("401"), "{}", run.stderr);
    let log = w.fake.log();
    assert_eq!(log.len(), 1, "a 401 is not retried\n{}", describe(&log));
    assert_eq!(log[0].status, Some(401));
    assert!(w.fake.pulls().is_empty());
    assert!(w.petrova_refs().is_empty());
    // The fake never saw a token in a logged body either.
    let logged = serde_json::to_string(&w.fake.state_json()).expect("state")
        + &format!("{:?}", w.fake.log());
    assert!(!logged.contains(TOKEN) && !logged.contains(WRONG_TOKEN));
}

#[test]
fn apply_json_has_outcome_and_pull_request() {
    let w = world();
    let run = w.run(&["--apply", "--json"], &[]);
    run.expect_code(0);
    assert_eq!(run.stdout.lines().count(), 1);
    let out = run.json();
    assert_eq!(out["verb"], "propose_fix");
    assert_eq!(out["outcome"], "applied");
    assert_eq!(out["idempotency_key"], w.key.as_str());
    assert_eq!(out["branch"], w.branch.as_str());
    assert_eq!(out["pr"]["number"], 1234);
    assert_eq!(
        out["pr"]["url"],
        "https://github.com/kahn-hq/kahn/pull/1234"
    );
    let pr = w.assert_one_pull();
    assert_eq!(out["body"].as_str(), pr.body.as_deref());
    let again = w.run(&["--apply", "--json"], &[]).json();
    assert_eq!(again["outcome"], "skipped_idempotent");
    assert_eq!(again["pr"]["number"], 1234);
    assert_eq!(again["pr"]["url"], out["pr"]["url"]);
    assert_eq!(w.fake.log().len(), 10);
}

#[test]
fn dry_run_sends_nothing_even_with_a_token() {
    let w = world();
    let text = w.run(&[], &[]);
    text.expect_code(0);
    assert!(text
        .stdout
        .starts_with(&format!("propose_fix → dry_run {}\n", &w.key[..12])));
    let json = w.run(&["--json"], &[]);
    json.expect_code(0);
    assert_eq!(json.json()["outcome"], "dry_run");
    assert_eq!(json.json()["pr"], Value::Null);
    assert!(w.fake.log().is_empty(), "{}", describe(&w.fake.log()));
    assert!(w.fake.pulls().is_empty());
    assert!(w.petrova_refs().is_empty());
}

#[test]
fn unknown_repository_or_base_branch_is_configuration() {
    let w = world();
    let registry = w.sb.ws.join("registry.yaml");
    let original = std::fs::read_to_string(&registry).expect("registry");

    std::fs::write(
        &registry,
        original.replace(
            "url: https://github.com/kahn-hq/kahn",
            "url: https://github.com/kahn-hq/missing",
        ),
    )
    .expect("write registry");
    let run = w.apply();
    run.expect_code(3);
    assert!(run.stderr.contains("kahn-hq/missing"), "{}", run.stderr);
    let log = w.fake.log();
    assert_eq!(
        calls(&log),
        vec!["GET /repos/kahn-hq/missing/pulls".to_owned()],
        "{}",
        describe(&log)
    );

    std::fs::write(
        &registry,
        original.replace("default_branch: main", "default_branch: trunk"),
    )
    .expect("write registry");
    let before = w.fake.log().len();
    let run = w.apply();
    run.expect_code(3);
    assert!(run.stderr.contains("trunk"), "{}", run.stderr);
    let log = w.log_since(before);
    assert_eq!(
        calls(&log),
        vec![
            format!("GET {REPO}/pulls"),
            // The listings of open and recently closed pull requests.
            format!("GET {REPO}/pulls"),
            format!("GET {REPO}/pulls"),
            format!("GET {REPO}/git/ref/heads/trunk"),
        ],
        "{}",
        describe(&log)
    );
    assert!(w.fake.pulls().is_empty());
    assert!(w.petrova_refs().is_empty());
}

#[test]
fn a_response_echoing_the_token_never_reaches_the_output() {
    let w = world();
    // GitHub (or a proxy) answering with the request's token in its error body.
    w.fake.push_faults(vec![Fault::status(403)
        .body(serde_json::json!({"message": format!("Bad token {TOKEN} for kahn-hq/kahn")}))
        .on("GET", &format!("{REPO}/pulls"))]);
    let run = w.run(&["--apply", "--json"], &[]);
    run.expect_code(3);
    // `run` asserts that no output holds the token; the message says what GitHub said.
    assert!(run.stderr.contains("Bad token ***"), "{}", run.stderr);
}

#[test]
fn the_token_never_goes_to_a_plain_http_api_url_of_another_host() {
    let w = world();
    let run = w.run(
        &["--apply"],
        &[("PETROVA_GITHUB_API_URL", "http://api.example.com")],
    );
    run.expect_code(3);
    assert!(run.stderr.contains("plain http://"), "{}", run.stderr);
    assert!(w.fake.log().is_empty(), "no request sent anywhere");
}

/// A registry whose kahn-hq profile shapes its pull requests.
pub(crate) fn shaping_registry(reviewers: &str) -> String {
    format!(
        "repos:
  - slug: kahn-hq
    url: https://github.com/kahn-hq/kahn
    default_branch: main
    role: production
    profile: shaped
    fleets_allowed: [kahn-implementer]
    added: \"2026-04-29\"
profiles:
  shaped:
    labels: [petrova, needs-review]
    reviewers: [{reviewers}]
    team_reviewers: [platform]
    title_prefix: \"[fleet] \"
"
    )
}

/// The operator's profile labels the pull request, asks its reviewers and
/// prefixes its title: two calls after the nine of a fresh apply; a re-run
/// still takes one request and changes nothing. The dry run says so first.
#[test]
fn the_profile_labels_asks_reviewers_and_prefixes_the_title() {
    let w = world();
    std::fs::write(
        w.sb.ws.join("registry.yaml"),
        shaping_registry("alice, bob"),
    )
    .expect("registry");
    let dry = w.run(&[], &[]);
    dry.expect_code(0);
    assert!(
        dry.stdout.contains("  labels: petrova, needs-review\n"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("  review requested from: alice, bob, team platform\n"),
        "{}",
        dry.stdout
    );
    let run = w.apply();
    run.expect_code(0);
    let log = w.fake.log();
    let tail: Vec<String> = calls(&log).into_iter().skip(9).collect();
    assert_eq!(
        tail,
        [
            format!("POST {REPO}/issues/1234/labels"),
            format!("POST {REPO}/pulls/1234/requested_reviewers"),
        ],
        "{}",
        describe(&log)
    );
    let pr = w.assert_one_pull();
    assert_eq!(pr.labels, ["petrova", "needs-review"]);
    assert_eq!(pr.requested_reviewers, ["alice", "bob"]);
    assert_eq!(pr.requested_teams, ["platform"]);
    assert_eq!(
        pr.title,
        format!(
            "[fleet] {}",
            petrova_tests::example_plan()["title"]
                .as_str()
                .expect("title")
        )
    );
    let before = w.fake.log().len();
    let again = w.run(&["--apply", "--json"], &[]);
    again.expect_code(0);
    assert_eq!(w.log_since(before).len(), 1, "a re-run asks one question");
    assert_eq!(again.json()["outcome"], "skipped_idempotent");
}

/// GitHub refusing a review request (here: the PR's own author) leaves the
/// run applied, exit 0, with a warning naming the call; the labels stay.
#[test]
fn a_refused_review_request_is_a_warning_not_a_failure() {
    let w = world();
    let author = petrova_fake_github::FakeConfig::default().login;
    std::fs::write(w.sb.ws.join("registry.yaml"), shaping_registry(&author)).expect("registry");
    let run = w.run(&["--apply", "--json"], &[]);
    run.expect_code(0);
    let out = run.json();
    assert_eq!(out["outcome"], "applied");
    assert_eq!(out["warnings"][0]["code"], "pr_followup_failed", "{out}");
    assert!(
        out["warnings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("requesting the profile's reviewers") && m.contains("422")),
        "{out}"
    );
    let pr = w.assert_one_pull();
    assert_eq!(pr.labels, ["petrova", "needs-review"]);
    assert!(pr.requested_reviewers.is_empty());
}
