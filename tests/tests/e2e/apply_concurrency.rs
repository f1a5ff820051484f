//! Concurrent `propose_fix --apply` runs of one plan (SPEC §6: "two runs of
//! the same plan at the same moment must still end with exactly one PR"):
//! eight processes started at once against the fake GitHub, repeated, with
//! and without delays that widen the race windows.

use crate::common::{describe, world, World, PLANNED_PATH, REPO, TOKEN};

use petrova_fake_github::{Fault, LoggedRequest};
use petrova_tests::{petrova_bin, propose_args, Run};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

const RUNS: usize = 8;
const REPEATS: usize = 3;

impl World {
    /// A `propose_fix --apply --json` process, not yet started.
    fn command(&self) -> Command {
        let mut cmd = Command::new(petrova_bin());
        let args = [propose_args("-"), vec!["--apply", "--json"]].concat();
        self.sb.configure(
            &mut cmd,
            &args,
            &[
                ("PETROVA_GITHUB_TOKEN", TOKEN),
                ("PETROVA_GITHUB_API_URL", &self.fake.base_url),
                ("PETROVA_RETRY_BASE_MS", "10"),
                ("PETROVA_RETRY_MAX_MS", "200"),
                ("PETROVA_HTTP_TIMEOUT_MS", "5000"),
            ],
        );
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Starts `RUNS` processes and waits for all of them. The processes read
    /// the plan from standard input, which is the starting gun: each one
    /// blocks there until every process is up, then all get the plan at once.
    fn race(&self) -> Vec<Run> {
        let plan = std::fs::read(&self.fix).expect("read the plan");
        let mut children: Vec<_> = (0..RUNS)
            .map(|_| self.command().spawn().expect("spawn petrova"))
            .collect();
        std::thread::sleep(Duration::from_millis(300));
        let stdins: Vec<_> = children
            .iter_mut()
            .map(|c| c.stdin.take().expect("stdin"))
            .collect();
        for mut stdin in stdins {
            stdin.write_all(&plan).expect("write the plan");
            // Dropping it closes the pipe: the process reads to the end and goes.
        }
        children
            .into_iter()
            .map(|child| {
                let out = child.wait_with_output().expect("wait for petrova");
                Run {
                    code: out.status.code().unwrap_or(-1),
                    stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                }
            })
            .collect()
    }

    /// One experiment: reset, queue `faults`, race; checks the end state,
    /// prints the distribution of outcomes and returns how many runs tried to
    /// create the branch (more than one: the race really happened).
    fn experiment(&self, label: &str, faults: Vec<Fault>, max_applied: usize) -> usize {
        self.fake.reset();
        let main_tip = self.fake.branch_tip("main").expect("main");
        self.fake.push_faults(faults);
        let runs = self.race();
        let log = self.fake.log();
        let context = || {
            let outputs: Vec<String> = runs
                .iter()
                .map(|r| {
                    let outcome = serde_json::from_str::<serde_json::Value>(&r.stdout)
                        .map(|v| format!("{} {}", v["outcome"], v["pr"]))
                        .unwrap_or_default();
                    format!("exit {} {outcome} {}", r.code, r.stderr.trim())
                })
                .collect();
            format!(
                "{label}\n{}\nrequest log:\n{}",
                outputs.join("\n"),
                describe(&log)
            )
        };
        let mut distribution: BTreeMap<String, usize> = BTreeMap::new();
        for run in &runs {
            assert!(
                !run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN),
                "the token leaked"
            );
            assert_eq!(run.code, 0, "a run failed\n{}", context());
            let out = run.json();
            let outcome = out["outcome"].as_str().unwrap_or("?").to_owned();
            assert!(
                outcome == "applied" || outcome == "skipped_idempotent",
                "{outcome}\n{}",
                context()
            );
            assert_eq!(out["pr"]["number"], 1234, "{}", context());
            assert_eq!(out["idempotency_key"], self.key.as_str());
            *distribution.entry(outcome).or_default() += 1;
        }
        let applied = distribution.get("applied").copied().unwrap_or(0);
        println!(
            "{label}: {distribution:?} ({} requests: {} POST git/refs, {} POST pulls)",
            log.len(),
            count(&log, "POST", "/git/refs"),
            count(&log, "POST", "/pulls")
        );
        assert!(
            (1..=max_applied).contains(&applied),
            "{applied} runs said applied\n{}",
            context()
        );
        // Exactly one pull request, carrying the key, from the one branch.
        let pulls = self.fake.pulls();
        assert_eq!(pulls.len(), 1, "{pulls:#?}\n{}", context());
        let pr = &pulls[0];
        assert_eq!((pr.number, pr.state.as_str()), (1234, "open"));
        assert_eq!(pr.head, self.branch);
        let meta = petrova_core::proposal::body::parse_metadata(pr.body.as_deref().unwrap_or(""))
            .expect("metadata");
        assert_eq!(meta.idempotency_key, self.key);
        let refs: Vec<String> = self
            .fake
            .refs()
            .into_keys()
            .filter(|r| r.starts_with("refs/heads/petrova/"))
            .collect();
        assert_eq!(refs, vec![format!("refs/heads/{}", self.branch)]);
        assert_eq!(self.fake.branch_tip("main"), Some(main_tip.clone()));
        let tip = self.fake.branch_tip(&self.branch).expect("branch");
        assert_eq!(pr.head_sha, tip);
        let commit = self.fake.commit(&tip).expect("tip commit");
        assert_eq!(commit.parents, vec![main_tip.clone()]);
        let mut expected = self.fake.commit_files(&main_tip).expect("main files");
        expected.insert(
            PLANNED_PATH.to_owned(),
            petrova_tests::example_plan()["proposed_changes"][0]["contents"]
                .as_str()
                .expect("contents")
                .to_owned(),
        );
        assert_eq!(self.fake.branch_files(&self.branch), Some(expected));
        // One ref and one pull request were created; every other attempt was refused.
        assert_eq!(created(&log, "/git/refs"), 1, "{}", context());
        assert_eq!(created(&log, "/pulls"), 1, "{}", context());
        count(&log, "POST", "/git/refs")
    }
}

fn count(log: &[LoggedRequest], method: &str, suffix: &str) -> usize {
    log.iter()
        .filter(|r| r.method == method && r.path == format!("{REPO}{suffix}"))
        .count()
}

/// Requests to `POST suffix` that created something (201, or performed before a fault).
fn created(log: &[LoggedRequest], suffix: &str) -> usize {
    log.iter()
        .filter(|r| r.method == "POST" && r.path == format!("{REPO}{suffix}"))
        .filter(|r| {
            r.status == Some(201)
                || r.fault
                    .as_deref()
                    .is_some_and(|f| f.contains("performed: 201"))
        })
        .count()
}

#[test]
fn eight_concurrent_applies_open_one_pull_request_3_times() {
    let w = world();
    for i in 0..REPEATS {
        let _ = w.experiment(&format!("plain #{i}"), vec![], 1);
    }
}

#[test]
fn eight_concurrent_applies_with_widened_race_windows() {
    let w = world();
    let refs = format!("{REPO}/git/refs");
    let pulls = format!("{REPO}/pulls");
    let mut most_ref_creations = 0;
    for i in 0..REPEATS {
        // Every listing is slowed down, so nobody sees another's pull request.
        most_ref_creations = most_ref_creations.max(w.experiment(
            &format!("listing delayed #{i}"),
            vec![Fault::delay(300).on("GET", &pulls).times(RUNS as u32)],
            1,
        ));
        // Every ref creation is slowed down, so they all overlap.
        most_ref_creations = most_ref_creations.max(w.experiment(
            &format!("ref creation delayed #{i}"),
            vec![Fault::delay(150).on("POST", &refs).times(RUNS as u32)],
            1,
        ));
        // Every pull request creation overlaps.
        most_ref_creations = most_ref_creations.max(w.experiment(
            &format!("pull creation delayed #{i}"),
            vec![Fault::delay(150).on("POST", &pulls).times(RUNS as u32)],
            1,
        ));
    }
    assert!(
        most_ref_creations >= 2,
        "no experiment had two runs racing to create the branch"
    );
}

#[test]
fn eight_concurrent_applies_with_a_failing_pull_creation() {
    let w = world();
    let pulls = format!("{REPO}/pulls");
    for i in 0..REPEATS {
        // The first POST pulls is performed but answered 502: that run cannot
        // tell its PR from another's, and may say `applied` too; still one PR.
        let _ = w.experiment(
            &format!("first pull creation 502-after-success #{i}"),
            vec![Fault::status(502).perform_then_fail().on("POST", &pulls)],
            2,
        );
        // The first POST pulls fails without being performed: likewise.
        let _ = w.experiment(
            &format!("first pull creation 500 #{i}"),
            vec![Fault::status(500).on("POST", &pulls)],
            2,
        );
    }
}
