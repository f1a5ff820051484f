//! The fault matrix of `propose_fix --apply` (SPEC §6: transient failures are
//! retried with bounded backoff, and the next run resumes safely): for every
//! request position of a fresh apply and every kind of transient failure, a
//! run with the fault injected at that position, then a clean re-run. Whatever
//! the first run's exit, the end state is exactly one pull request carrying
//! the proposal's key, on the proposal's branch, with no stray branch.
//!
//! Every cell is checked, and then every failing cell is reported at once with
//! the fake's request log.

use crate::common::{describe, world, World, PLANNED_PATH, TOKEN};

use petrova_fake_github::{Fault, PullState};
use petrova_tests::Run;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// The request count of a fresh apply: the branch's PRs, open PRs, recently
/// closed PRs, base ref, base commit, tree, commit, ref, pull request.
const FRESH_REQUESTS: u64 = 9;
/// The client's HTTP timeout in these tests; the timeout faults sleep longer.
const HTTP_TIMEOUT_MS: u64 = 800;

/// The kinds of transient failure injected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// 500, nothing performed.
    Status500,
    /// The request is performed, then answered 502.
    After502,
    /// The request is performed, then the connection is reset.
    ResetAfterSuccess,
    /// A secondary rate limit: 403 with `retry-after: 0`, nothing performed.
    RateLimit403,
    /// The primary rate limit: 403 with `x-ratelimit-remaining: 0` and a
    /// reset 1 s ahead (the wait is capped by `PETROVA_RETRY_MAX_MS`).
    RateLimitReset403,
    /// 429 without headers (plain backoff), nothing performed.
    TooMany429,
    /// Connection reset, nothing performed.
    Reset,
    /// The answer comes after the client's timeout; the client's retry
    /// reaches the server before the delayed original is performed.
    TimeoutRetryFirst,
    /// The answer comes after the client's timeout; the delayed original is
    /// performed before the client's retry arrives.
    TimeoutPerformedFirst,
}

impl Kind {
    const QUICK: [Kind; 7] = [
        Kind::Status500,
        Kind::After502,
        Kind::RateLimit403,
        Kind::RateLimitReset403,
        Kind::TooMany429,
        Kind::Reset,
        Kind::ResetAfterSuccess,
    ];
    const TIMEOUTS: [Kind; 2] = [Kind::TimeoutRetryFirst, Kind::TimeoutPerformedFirst];

    fn name(self) -> &'static str {
        match self {
            Kind::Status500 => "500",
            Kind::After502 => "502-after-success",
            Kind::ResetAfterSuccess => "reset-after-success",
            Kind::RateLimit403 => "403 retry-after:0",
            Kind::RateLimitReset403 => "403 x-ratelimit-reset",
            Kind::TooMany429 => "429",
            Kind::Reset => "reset",
            Kind::TimeoutRetryFirst => "timeout (retry first)",
            Kind::TimeoutPerformedFirst => "timeout (performed first)",
        }
    }

    fn fault(self, n: u64) -> Fault {
        let f = match self {
            Kind::Status500 => Fault::status(500),
            Kind::After502 => Fault::status(502).perform_then_fail(),
            Kind::ResetAfterSuccess => Fault::reset().perform_then_fail(),
            Kind::RateLimit403 => Fault::status(403)
                .header("retry-after", "0")
                .body(serde_json::json!({"message": "You have exceeded a secondary rate limit."})),
            Kind::RateLimitReset403 => Fault::status(403)
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", &(epoch_s() + 1).to_string())
                .body(serde_json::json!({"message": "API rate limit exceeded."})),
            Kind::TooMany429 => Fault::status(429),
            Kind::Reset => Fault::reset(),
            Kind::TimeoutRetryFirst => Fault::delay(HTTP_TIMEOUT_MS + 300),
            Kind::TimeoutPerformedFirst => Fault::delay(HTTP_TIMEOUT_MS + 100),
        };
        f.nth(n)
    }

    /// The first backoff: for `TimeoutPerformedFirst` long enough that the
    /// delayed original is performed before the retry arrives.
    fn retry_base_ms(self) -> &'static str {
        match self {
            Kind::TimeoutPerformedFirst => "400",
            _ => "10",
        }
    }
}

fn epoch_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// What one run ended with: `(exit code, outcome or "-")`.
fn ended(run: &Run) -> (i32, String) {
    let outcome = serde_json::from_str::<serde_json::Value>(&run.stdout)
        .ok()
        .and_then(|v| v["outcome"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "-".to_owned());
    (run.code, outcome)
}

impl World {
    fn apply_with_retries(&self, attempts: u32, retry_base_ms: &str) -> Run {
        let plan = self.fix.to_string_lossy().into_owned();
        let mut args = petrova_tests::propose_args(&plan);
        args.extend_from_slice(&["--apply", "--json"]);
        self.petrova_with_retries(&args, attempts, retry_base_ms)
    }

    /// `petrova ARGS` against the fake with this many attempts per request.
    fn petrova_with_retries(&self, args: &[&str], attempts: u32, retry_base_ms: &str) -> Run {
        let attempts = attempts.to_string();
        let timeout = HTTP_TIMEOUT_MS.to_string();
        let run = self.sb.petrova_env(
            args,
            &[
                ("PETROVA_GITHUB_TOKEN", TOKEN),
                ("PETROVA_GITHUB_API_URL", &self.fake.base_url),
                ("PETROVA_RETRY_ATTEMPTS", &attempts),
                ("PETROVA_RETRY_BASE_MS", retry_base_ms),
                ("PETROVA_RETRY_MAX_MS", "200"),
                ("PETROVA_HTTP_TIMEOUT_MS", &timeout),
            ],
        );
        assert!(
            !run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN),
            "the token leaked:\n{}\n{}",
            run.stdout,
            run.stderr
        );
        run
    }

    /// Waits until the fake has finished every request it received (a timed
    /// out request goes on being carried through after the client gave up).
    fn wait_quiet(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let busy = self
                .fake
                .log()
                .iter()
                .any(|r| r.status.is_none() && r.fault.is_none());
            if !busy {
                return;
            }
            assert!(Instant::now() < deadline, "the fake never went quiet");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What is wrong with the end state (empty when nothing).
    fn end_state_problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let pulls: Vec<PullState> = self.fake.pulls();
        if pulls.len() != 1 {
            problems.push(format!(
                "{} pull requests: {:?}",
                pulls.len(),
                pulls
                    .iter()
                    .map(|p| (p.number, &p.head, &p.state))
                    .collect::<Vec<_>>()
            ));
        }
        for p in &pulls {
            if p.head != self.branch || p.base != "main" || p.state != "open" {
                problems.push(format!(
                    "PR #{} is {} {} → {}",
                    p.number, p.state, p.head, p.base
                ));
            }
            match petrova_core::proposal::body::parse_metadata(p.body.as_deref().unwrap_or("")) {
                Ok(meta) if meta.idempotency_key == self.key => {}
                Ok(meta) => problems.push(format!(
                    "PR #{} carries key {}",
                    p.number, meta.idempotency_key
                )),
                Err(e) => problems.push(format!("PR #{} has no metadata: {e}", p.number)),
            }
        }
        let petrova_refs: Vec<String> = self
            .fake
            .refs()
            .into_keys()
            .filter(|r| r.starts_with("refs/heads/petrova/"))
            .collect();
        if petrova_refs != [format!("refs/heads/{}", self.branch)] {
            problems.push(format!("petrova refs: {petrova_refs:?}"));
        }
        if self.fake.branch_tip("main").as_deref() != Some(self.main_tip.as_str()) {
            problems.push("main moved".to_owned());
        }
        if let Some(tip) = self.fake.branch_tip(&self.branch) {
            if let Some(p) = pulls.first() {
                if p.head_sha != tip {
                    problems.push(format!(
                        "PR head {} is not the branch tip {tip}",
                        p.head_sha
                    ));
                }
            }
            let commit = self.fake.commit(&tip);
            let trailer = format!("{}: {}", petrova_core::github::apply::KEY_TRAILER, self.key);
            if !commit.as_ref().is_some_and(|c| {
                c.parents == [self.main_tip.clone()]
                    && c.message.lines().any(|l| l.trim() == trailer)
            }) {
                problems.push(format!(
                    "the branch tip is not the proposal's commit: {commit:?}"
                ));
            }
            let mut expected = self.fake.commit_files(&self.main_tip).unwrap_or_default();
            expected.insert(
                PLANNED_PATH.to_owned(),
                petrova_tests::example_plan()["proposed_changes"][0]["contents"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
            if self.fake.branch_files(&self.branch) != Some(expected) {
                problems.push("the branch does not hold exactly the planned files".to_owned());
            }
        }
        problems
    }
}

/// One cell: fault `kind` at request `n`, a run, a clean re-run.
struct Cell {
    line: String,
    failure: Option<String>,
}

fn cell(w: &World, kind: Kind, n: u64, attempts: u32) -> Cell {
    w.fake.reset();
    w.fake.push_faults(vec![kind.fault(n)]);
    let started = Instant::now();
    let first = w.apply_with_retries(attempts, kind.retry_base_ms());
    let first_ms = started.elapsed().as_millis();
    let first_log_len = w.fake.log().len();
    let (code1, out1) = ended(&first);
    let fault_used = w.fake.pending_faults().is_empty();
    // The re-run starts at once, racing whatever the first run left in flight.
    let second = w.apply_with_retries(attempts, "10");
    w.wait_quiet();
    let log = w.fake.log();
    let (code2, out2) = ended(&second);
    let second_requests = log.len().saturating_sub(first_log_len);
    let mut problems = w.end_state_problems();
    if !fault_used {
        problems.push("the fault was never used".to_owned());
    }
    if code2 != 0 || !(out2 == "applied" || out2 == "skipped_idempotent") {
        problems.push(format!(
            "the re-run ended {code2} {out2}: {}",
            second.stderr
        ));
    }
    if !(code1 == 0 || code1 == 4) {
        problems.push(format!("the first run exited {code1}: {}", first.stderr));
    }
    if code1 == 0 && out1 != "applied" {
        problems.push(format!("the first run ended {out1}"));
    }
    if Kind::QUICK.contains(&kind) && first_ms > 3_000 {
        problems.push(format!(
            "the first run took {first_ms} ms: waits are not capped by PETROVA_RETRY_MAX_MS"
        ));
    }
    if code1 == 4 && !first.stderr.contains("run again") {
        problems.push(format!(
            "exit 4 without saying to run again: {}",
            first.stderr
        ));
    }
    if attempts > 1 {
        // With retries, every transient failure is absorbed by the first run,
        // and the re-run only finds the pull request.
        if (code1, out1.as_str()) != (0, "applied") {
            problems.push(format!("with retries the first run ended {code1} {out1}"));
        }
        if out2 != "skipped_idempotent" || second_requests != 1 {
            problems.push(format!(
                "with retries the re-run ended {out2} in {second_requests} requests"
            ));
        }
    }
    let line = format!(
        "{:<26} n={n}  first: exit {code1} {:<18} {:>2} req {:>5} ms | re-run: {:<18} {:>2} req",
        kind.name(),
        out1,
        first_log_len,
        first_ms,
        out2,
        second_requests
    );
    let failure = (!problems.is_empty()).then(|| {
        format!(
            "{line}\n  problems:\n    {}\n  first run stderr: {}\n  request log:\n{}",
            problems.join("\n    "),
            first.stderr.trim(),
            describe(&log)
        )
    });
    Cell { line, failure }
}

fn matrix(kinds: &[Kind], attempts: u32) -> (usize, Vec<String>) {
    let w = world();
    // The positions are those of a fault-free fresh apply.
    w.fake.reset();
    let clean = w.apply_with_retries(attempts, "10");
    clean.expect_code(0);
    assert_eq!(
        w.fake.log().len() as u64,
        FRESH_REQUESTS,
        "{}",
        describe(&w.fake.log())
    );
    let mut report = String::new();
    let mut failures = Vec::new();
    let mut cells = 0;
    for &kind in kinds {
        for n in 0..FRESH_REQUESTS {
            let c = cell(&w, kind, n, attempts);
            cells += 1;
            let _ = writeln!(
                report,
                "{} {}",
                if c.failure.is_some() { "FAIL" } else { "ok  " },
                c.line
            );
            failures.extend(c.failure);
        }
    }
    println!(
        "fault matrix: {FRESH_REQUESTS} positions x {} faults = {cells} cells, PETROVA_RETRY_ATTEMPTS={attempts}\n{report}",
        kinds.len()
    );
    (cells, failures)
}

fn check(cells: usize, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} of {cells} cells failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn fault_matrix_9_positions_x_7_faults_retried() {
    let (cells, failures) = matrix(&Kind::QUICK, 4);
    assert_eq!(cells, 63);
    check(cells, &failures);
}

#[test]
fn fault_matrix_9_positions_x_2_timeouts_retried() {
    let (cells, failures) = matrix(&Kind::TIMEOUTS, 4);
    assert_eq!(cells, 18);
    check(cells, &failures);
}

#[test]
fn fault_matrix_9_positions_x_7_faults_without_retry_then_resume() {
    let (cells, failures) = matrix(&Kind::QUICK, 1);
    assert_eq!(cells, 63);
    check(cells, &failures);
}

#[test]
fn fault_matrix_9_positions_x_2_timeouts_without_retry_then_resume() {
    let (cells, failures) = matrix(&Kind::TIMEOUTS, 1);
    assert_eq!(cells, 18);
    check(cells, &failures);
}

#[test]
fn pull_list_lagging_after_already_exists_is_asked_again() {
    let w = world();
    w.fake.reset();
    let pulls = "/repos/kahn-hq/kahn/pulls";
    // The PR is created but answered 502; the retry hears "already exists";
    // the list right after does not show it yet (GitHub's index lags).
    w.fake.push_faults(vec![
        Fault::status(502)
            .perform_then_fail()
            .on("POST", pulls)
            .nth(8),
        Fault::status(200)
            .body(serde_json::json!([]))
            .on("GET", pulls)
            .nth(10),
    ]);
    let run = w.apply_with_retries(4, "10");
    let log = w.fake.log();
    run.expect_code(0);
    assert_eq!(run.json()["outcome"], "applied", "{}", describe(&log));
    assert_eq!(run.json()["pr"]["number"], 1234);
    let tail: Vec<(String, Option<u16>)> = log[8..]
        .iter()
        .map(|r| (format!("{} {}", r.method, r.path), r.status))
        .collect();
    assert_eq!(
        tail,
        vec![
            (format!("POST {pulls}"), Some(502)),
            (format!("POST {pulls}"), Some(422)),
            (format!("GET {pulls}"), Some(200)),
            (format!("GET {pulls}"), Some(200)),
        ],
        "{}",
        describe(&log)
    );
    let problems = w.end_state_problems();
    assert!(problems.is_empty(), "{problems:?}\n{}", describe(&log));
}

#[test]
fn permission_403_at_each_of_9_positions_is_configuration_then_resumes() {
    let w = world();
    for n in 0..FRESH_REQUESTS {
        w.fake.reset();
        w.fake.push_faults(vec![Fault::status(403)
            .body(serde_json::json!({"message": "Resource not accessible by integration"}))
            .nth(n)]);
        let first = w.apply_with_retries(4, "10");
        let log = w.fake.log();
        first.expect_code(3);
        // With --json, a run that ends in exit 3/4 still prints one JSON object saying so.
        let failed: serde_json::Value =
            serde_json::from_str(first.stdout.trim()).expect("json on stdout");
        assert_eq!(
            (
                failed["outcome"].as_str(),
                failed["error"]["exit_code"].as_u64()
            ),
            (Some("failed"), Some(3))
        );
        assert!(
            first.stderr.contains("403") && first.stderr.contains("pull-requests:write"),
            "{}",
            first.stderr
        );
        assert_eq!(
            log.len() as u64,
            n + 1,
            "a permission 403 is not retried\n{}",
            describe(&log)
        );
        let second = w.apply_with_retries(4, "10");
        second.expect_code(0);
        assert_eq!(second.json()["outcome"], "applied");
        let problems = w.end_state_problems();
        assert!(
            problems.is_empty(),
            "n={n}: {problems:?}\n{}",
            describe(&w.fake.log())
        );
    }
}

/// The profile's follow-up calls (labels at position 10, reviewers at 11) under
/// every quick fault, with and without retries: the first run always ends
/// `applied` (exit 0) — with retries the labels and reviewers all land, without
/// them a failed call is a warning — and a re-run takes one request and
/// finds the one open pull request.
#[test]
fn fault_matrix_label_and_review_positions() {
    let w = world();
    std::fs::write(
        w.sb.ws.join("registry.yaml"),
        super::apply::shaping_registry("alice"),
    )
    .expect("registry");
    w.fake.reset();
    let clean = w.apply_with_retries(4, "10");
    clean.expect_code(0);
    assert_eq!(
        w.fake.log().len() as u64,
        FRESH_REQUESTS + 2,
        "{}",
        describe(&w.fake.log())
    );
    let mut failures = Vec::new();
    let mut cells = 0;
    for attempts in [4, 1] {
        for kind in Kind::QUICK {
            for n in [FRESH_REQUESTS, FRESH_REQUESTS + 1] {
                cells += 1;
                w.fake.reset();
                w.fake.push_faults(vec![kind.fault(n)]);
                let first = w.apply_with_retries(attempts, kind.retry_base_ms());
                let first_len = w.fake.log().len();
                let second = w.apply_with_retries(attempts, "10");
                w.wait_quiet();
                let (code1, out1) = ended(&first);
                let (code2, out2) = ended(&second);
                let mut problems = w.end_state_problems();
                if (code1, out1.as_str()) != (0, "applied") {
                    problems.push(format!(
                        "the first run ended {code1} {out1}: {}",
                        first.stderr
                    ));
                }
                if (code2, out2.as_str()) != (0, "skipped_idempotent")
                    || w.fake.log().len() - first_len != 1
                {
                    problems.push(format!("the re-run ended {code2} {out2}"));
                }
                let warned = serde_json::from_str::<serde_json::Value>(&first.stdout)
                    .ok()
                    .and_then(|v| v["warnings"].as_array().map(Vec::len))
                    .unwrap_or(0);
                let pr = w.fake.pulls().into_iter().next();
                let complete = pr.as_ref().is_some_and(|p| {
                    p.labels == ["petrova", "needs-review"]
                        && p.requested_reviewers == ["alice"]
                        && p.requested_teams == ["platform"]
                });
                if attempts > 1 && (!complete || warned != 0) {
                    problems.push(format!(
                        "with retries: labels and reviewers incomplete or warned ({warned})"
                    ));
                }
                if attempts == 1 && !complete && warned != 1 {
                    problems.push(format!(
                        "a missing follow-up without exactly one warning ({warned})"
                    ));
                }
                if !problems.is_empty() {
                    failures.push(format!(
                        "{} n={n} attempts={attempts}: {}\n{}",
                        kind.name(),
                        problems.join("; "),
                        describe(&w.fake.log())
                    ));
                }
            }
        }
    }
    assert_eq!(cells, 28);
    check(cells, &failures);
}

/// The three calls `--supersede` adds once the new PR is open (read the
/// overlapping PR's comments at 9, comment at 10, close at 11), under every
/// quick fault, with and without retries: the first run always ends `applied`
/// (a close that keeps failing is a warning), and a re-run with `--supersede`
/// ends with the same PRs open and closed — the new one open, the old one
/// closed with exactly one marker comment, however often the comment call
/// failed after it was performed.
#[test]
fn fault_matrix_supersede_positions() {
    let w = world();
    let mut failures = Vec::new();
    let mut cells = 0;
    let supersede = {
        let plan = w.fix.to_string_lossy().into_owned();
        let mut args: Vec<String> = petrova_tests::propose_args(&plan)
            .into_iter()
            .map(str::to_owned)
            .collect();
        args.extend(["--apply", "--json", "--supersede"].map(str::to_owned));
        args
    };
    let args: Vec<&str> = supersede.iter().map(String::as_str).collect();
    for attempts in [4, 1] {
        for kind in Kind::QUICK {
            for n in [FRESH_REQUESTS, FRESH_REQUESTS + 1, FRESH_REQUESTS + 2] {
                cells += 1;
                w.fake.reset();
                let old = w.fake.seed_pull(super::fleet::overlapping_pull());
                w.fake.push_faults(vec![kind.fault(n)]);
                let first = w.petrova_with_retries(&args, attempts, kind.retry_base_ms());
                let second = w.petrova_with_retries(&args, 4, "10");
                w.wait_quiet();
                let mut problems = Vec::new();
                let (code1, out1) = ended(&first);
                if (code1, out1.as_str()) != (0, "applied") {
                    problems.push(format!(
                        "the first run ended {code1} {out1}: {}",
                        first.stderr
                    ));
                }
                let (code2, out2) = ended(&second);
                if (code2, out2.as_str()) != (0, "skipped_idempotent") {
                    problems.push(format!(
                        "the re-run ended {code2} {out2}: {}",
                        second.stderr
                    ));
                }
                let open: Vec<u64> = w
                    .fake
                    .pulls()
                    .iter()
                    .filter(|p| p.state == "open")
                    .map(|p| p.number)
                    .collect();
                if open.len() != 1 || open.contains(&old) {
                    problems.push(format!("open pull requests {open:?}"));
                }
                let markers = w
                    .fake
                    .comments(old)
                    .iter()
                    .filter(|c| c.body.starts_with("<!-- petrova:closing -->"))
                    .count();
                if markers != 1 {
                    problems.push(format!("{markers} closing comments on #{old}"));
                }
                if !problems.is_empty() {
                    failures.push(format!(
                        "{} n={n} attempts={attempts}: {}\n{}",
                        kind.name(),
                        problems.join("; "),
                        describe(&w.fake.log())
                    ));
                }
            }
        }
    }
    assert_eq!(cells, 42);
    check(cells, &failures);
}

/// `sweep --apply` under every quick fault at each of its calls (the listing
/// at 0, the expired PR's comments at 1, the comment at 2, the close at 3),
/// with and without retries; whatever the first run's exit, a second sweep
/// ends with the expired PR closed and exactly one closing comment, and the
/// young petrova PR and the human's PR still open.
#[test]
fn fault_matrix_sweep_positions() {
    let w = world();
    w.set_profile(30, 30);
    let mut failures = Vec::new();
    let mut cells = 0;
    let sweep = ["sweep", petrova_tests::SLUG, "--apply", "--json"];
    for attempts in [4, 1] {
        for kind in Kind::QUICK {
            for n in 0..4 {
                cells += 1;
                w.fake.reset();
                let (expired, young, human) = super::fleet::seed_sweepable(&w);
                w.fake.push_faults(vec![kind.fault(n)]);
                let first = w.petrova_with_retries(&sweep, attempts, kind.retry_base_ms());
                let second = w.petrova_with_retries(&sweep, 4, "10");
                w.wait_quiet();
                let mut problems = Vec::new();
                if attempts > 1 && first.code != 0 {
                    problems.push(format!(
                        "with retries the first sweep ended {}: {}",
                        first.code, first.stderr
                    ));
                }
                if ![0, 4].contains(&first.code) {
                    problems.push(format!(
                        "the first sweep ended {}: {}",
                        first.code, first.stderr
                    ));
                }
                if second.code != 0 {
                    problems.push(format!(
                        "the second sweep ended {}: {}",
                        second.code, second.stderr
                    ));
                }
                let state = |n: u64| w.fake.pull(n).map(|p| p.state).unwrap_or_default();
                if (
                    state(expired).as_str(),
                    state(young).as_str(),
                    state(human).as_str(),
                ) != ("closed", "open", "open")
                {
                    problems.push(format!(
                        "states expired={} young={} human={}",
                        state(expired),
                        state(young),
                        state(human)
                    ));
                }
                let markers = w.fake.comments(expired).len();
                if markers != 1 {
                    problems.push(format!("{markers} comments on #{expired}"));
                }
                if !problems.is_empty() {
                    failures.push(format!(
                        "{} n={n} attempts={attempts}: {}\n{}",
                        kind.name(),
                        problems.join("; "),
                        describe(&w.fake.log())
                    ));
                }
            }
        }
    }
    assert_eq!(cells, 56);
    check(cells, &failures);
}
