//! Fleet hygiene end to end (SPEC §6, §10 "Fleet PRs"): overlapping proposals,
//! `--supersede`, rejection memory and `--reconsider`, what counts as a
//! petrova PR, `petrova sweep` and `petrova status` — the real binary against
//! the fake GitHub holding seeded pull requests. Every test checks the fake's
//! state (pull requests open or closed, comments) and the requests made.

use crate::common::{describe, world, World, PLANNED_PATH, REPO, TOKEN};

use petrova_fake_github::{SeedPull, SeedState};
use petrova_tests::{Run, SLUG};
use serde_json::Value;

/// A key of another proposal, and its branch.
const OTHER_KEY: &str = "0badc0de00000000000000000000000000000000000000000000000000000001";
const OTHER_BRANCH: &str = "petrova/propose-fix/0badc0de";
/// The example plan's finding: its subject.
const FINDING: &str = "docs/findings/20260428-1430-rls-tenant-drift.md";

/// A petrova metadata block for `key` listing `paths` (none: an older body)
/// and citing `finding` (none: no subject).
fn petrova_body(key: &str, paths: Option<&[&str]>, finding: Option<&str>) -> String {
    let mut yaml = format!(
        "petrova:\n  verb: propose_fix\n  target_repo: kahn-hq\n  idempotency_key: {key}\n  schema_version: 1\n  schema_fingerprint: '000000000000'\n  actor: fleet:kahn-implementer\n  triggered_by:\n    kind: audit_fail\n    ref: ci-run-1\n  applied_at: 2026-04-01T00:00:00Z\n  diagnosis_id: diag-0000000000000001\n"
    );
    yaml.push_str("  grounding:\n  - kind: meta_rule\n    ref: MR-2\n");
    if let Some(finding) = finding {
        yaml.push_str(&format!("  - kind: finding\n    ref: {finding}\n"));
    }
    if let Some(paths) = paths {
        yaml.push_str("  changes:\n");
        for p in paths {
            yaml.push_str(&format!("  - {p}\n"));
        }
    }
    format!("## Petrova action: `propose_fix`\n\n<!-- petrova:metadata -->\n```yaml\n{yaml}```\n\nAn earlier proposal.\n")
}

/// A seeded pull request of another proposal.
fn other(state: SeedState, paths: Option<&[&str]>, finding: Option<&str>) -> SeedPull {
    SeedPull {
        head: OTHER_BRANCH.to_owned(),
        title: "an earlier proposal".to_owned(),
        body: Some(petrova_body(OTHER_KEY, paths, finding)),
        state,
        created_at: Some("2026-04-20T10:00:00Z".to_owned()),
        closed_at: (state != SeedState::Open).then(|| "2026-04-25T10:00:00Z".to_owned()),
        ..SeedPull::default()
    }
}

/// An open petrova PR of another proposal changing the example plan's file
/// (for the fault matrix).
pub(crate) fn overlapping_pull() -> SeedPull {
    other(SeedState::Open, Some(&[PLANNED_PATH]), None)
}

/// An expired petrova PR (59 days), a young one (9 days) and a human's old PR,
/// for a profile with `expires_days: 30`: their numbers.
pub(crate) fn seed_sweepable(w: &World) -> (u64, u64, u64) {
    let aged = |hex: &str, created: &str| SeedPull {
        head: format!("petrova/propose-fix/{hex}"),
        body: Some(petrova_body(
            &format!("{hex}{}", "0".repeat(56)),
            Some(&["docs/x.md"]),
            None,
        )),
        created_at: Some(created.to_owned()),
        ..SeedPull::default()
    };
    let expired = w.fake.seed_pull(aged("aaaaaaaa", "2026-03-01T10:00:00Z"));
    let young = w.fake.seed_pull(aged("bbbbbbbb", "2026-04-20T10:00:00Z"));
    let human = w.fake.seed_pull(SeedPull {
        head: "alice/old".to_owned(),
        author: Some("alice".to_owned()),
        created_at: Some("2025-01-01T00:00:00Z".to_owned()),
        ..SeedPull::default()
    });
    (expired, young, human)
}

impl World {
    fn fleet_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("PETROVA_GITHUB_TOKEN", TOKEN.to_owned()),
            ("PETROVA_GITHUB_API_URL", self.fake.base_url.clone()),
            ("PETROVA_RETRY_BASE_MS", "10".to_owned()),
            ("PETROVA_RETRY_MAX_MS", "200".to_owned()),
        ]
    }

    /// `propose_fix --apply --json EXTRA`.
    fn propose(&self, extra: &[&str]) -> Run {
        let env = self.fleet_env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut args = vec!["--apply", "--json"];
        args.extend_from_slice(extra);
        self.sb.propose_env(&self.fix, &args, &env)
    }

    /// `petrova ARGS` with the GitHub environment.
    fn petrova(&self, args: &[&str]) -> Run {
        let env = self.fleet_env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.sb.petrova_env(args, &env)
    }

    fn state_of(&self, number: u64) -> String {
        self.fake.pull(number).expect("pull").state
    }

    /// The registry with a profile that expires PRs after `days` and
    /// remembers rejections for `memory` days.
    pub(crate) fn set_profile(&self, days: u32, memory: u32) {
        std::fs::write(
            self.sb.ws.join("registry.yaml"),
            format!(
                "repos:\n  - slug: kahn-hq\n    url: https://github.com/kahn-hq/kahn\n    default_branch: main\n    role: production\n    profile: tidy\n    fleets_allowed: [kahn-implementer]\n    added: \"2026-04-29\"\nprofiles:\n  tidy:\n    expires_days: {days}\n    reject_memory_days: {memory}\n"
            ),
        )
        .expect("registry");
    }
}

fn lines(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn overlap_with_an_open_petrova_pr_is_a_conflict_naming_it() {
    let w = world();
    let n = w
        .fake
        .seed_pull(other(SeedState::Open, Some(&[PLANNED_PATH]), None));
    let refs = w.fake.refs();
    let run = w.propose(&[]);
    run.expect_code(1);
    let out = run.json();
    assert_eq!(out["outcome"], "conflict");
    assert_eq!(out["overlapping"][0]["number"], n);
    assert!(
        run.stderr.contains(&format!("#{n} (key 0badc0de0000)"))
            && run.stderr.contains("--supersede"),
        "{}",
        run.stderr
    );
    // Nothing was written: no branch, no pull request, no comment.
    assert_eq!(w.fake.refs(), refs);
    assert_eq!(w.fake.pulls().len(), 1);
    assert!(w.fake.comments(n).is_empty());
    let log = w.fake.log();
    assert!(log.iter().all(|r| r.method == "GET"), "{}", describe(&log));
    let text = w.sb.propose_env(
        &w.fix,
        &["--apply"],
        &w.fleet_env()
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    );
    text.expect_code(1);
    assert!(
        text.stdout.contains(&format!(
            "  branch: {}\n  overlaps: PR #{n} https://github.com/kahn-hq/kahn/pull/{n}\n",
            w.branch
        )),
        "{}",
        text.stdout
    );
    // Paths compare folded: a case-only difference still overlaps.
    w.fake.reset();
    w.fake.seed_pull(other(
        SeedState::Open,
        Some(&["Backend/Migrations/0046_KAHN_internal_rls.sql"]),
        None,
    ));
    w.propose(&[]).expect_code(1);
}

#[test]
fn supersede_opens_the_new_pr_then_closes_the_overlapping_one_with_a_link() {
    let w = world();
    let old = w.fake.seed_pull(other(
        SeedState::Open,
        Some(&[PLANNED_PATH, "README.md"]),
        None,
    ));
    let run = w.propose(&["--supersede"]);
    run.expect_code(0);
    let out = run.json();
    assert_eq!(out["outcome"], "applied");
    let new = out["pr"]["number"].as_u64().expect("number");
    assert_eq!(out["superseded"][0]["number"], old);
    assert_eq!(w.state_of(new), "open");
    assert_eq!(w.state_of(old), "closed");
    let comments = w.fake.comments(old);
    assert_eq!(comments.len(), 1);
    assert!(
        comments[0].body.starts_with("<!-- petrova:closing -->\n")
            && comments[0].body.contains(&format!("superseded by #{new}")),
        "{}",
        comments[0].body
    );
    let tail: Vec<String> = w
        .fake
        .log()
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        tail,
        [
            format!("GET {REPO}/issues/{old}/comments"),
            format!("POST {REPO}/issues/{old}/comments"),
            format!("PATCH {REPO}/pulls/{old}"),
        ]
    );
    // A re-run is idempotent in one request and closes nothing more.
    let before = w.fake.log().len();
    let again = w.propose(&[]);
    again.expect_code(0);
    assert_eq!(again.json()["outcome"], "skipped_idempotent");
    assert_eq!(w.fake.log().len() - before, 1);
    assert_eq!(w.fake.comments(old).len(), 1);
}

#[test]
fn a_supersede_rerun_finishes_closing_what_a_killed_run_left_open() {
    let w = world();
    let old = w
        .fake
        .seed_pull(other(SeedState::Open, Some(&[PLANNED_PATH]), None));
    // The run dies after commenting (the close call never answers usefully).
    w.fake
        .push_faults(vec![petrova_fake_github::Fault::status(403)
            .body(serde_json::json!({"message": "Resource not accessible by integration"}))
            .on("PATCH", &format!("{REPO}/pulls/{old}"))]);
    let first = w.propose(&["--supersede"]);
    first.expect_code(0);
    assert_eq!(first.json()["outcome"], "applied");
    assert_eq!(first.json()["warnings"].as_array().map(Vec::len), Some(1));
    assert_eq!(w.state_of(old), "open");
    // The re-run finds its own PR open, and with --supersede finishes: the
    // marker comment is already there, so it only closes.
    let second = w.propose(&["--supersede"]);
    second.expect_code(0);
    assert_eq!(second.json()["outcome"], "skipped_idempotent");
    assert_eq!(second.json()["superseded"][0]["number"], old);
    assert_eq!(w.state_of(old), "closed");
    assert_eq!(w.fake.comments(old).len(), 1, "never commented twice");
}

#[test]
fn only_petrova_prs_count_never_a_humans_a_forks_or_a_forged_block() {
    let w = world();
    let body = petrova_body(OTHER_KEY, Some(&[PLANNED_PATH]), Some(FINDING));
    // A human's PR changing the same file, with a copied metadata block.
    let human = w.fake.seed_pull(SeedPull {
        head: "alice/fix-rls".to_owned(),
        body: Some(body.clone()),
        author: Some("alice".to_owned()),
        ..SeedPull::default()
    });
    // A fork's branch named like petrova's.
    let fork = w.fake.seed_pull(SeedPull {
        head: OTHER_BRANCH.to_owned(),
        body: Some(body.clone()),
        fork_owner: Some("mallory".to_owned()),
        ..SeedPull::default()
    });
    // A petrova-named branch whose block carries a key of another prefix.
    let forged = w.fake.seed_pull(SeedPull {
        head: "petrova/propose-fix/12345678".to_owned(),
        body: Some(body.clone()),
        ..SeedPull::default()
    });
    // A human's rejected look-alike, closed yesterday.
    w.fake.seed_pull(SeedPull {
        head: "bob/same-fix".to_owned(),
        body: Some(body),
        state: SeedState::Closed,
        created_at: Some("2026-04-27T10:00:00Z".to_owned()),
        closed_at: Some("2026-04-28T10:00:00Z".to_owned()),
        ..SeedPull::default()
    });
    let run = w.propose(&["--supersede"]);
    run.expect_code(0);
    assert_eq!(run.json()["outcome"], "applied", "{}", run.stdout);
    assert!(run.json().get("superseded").is_none());
    for n in [human, fork, forged] {
        assert_eq!(w.state_of(n), "open", "#{n} is not petrova's");
        assert!(w.fake.comments(n).is_empty());
    }
    let status = w.petrova(&["status", SLUG, "--json"]);
    status.expect_code(0);
    let listed: Vec<u64> = lines(&status)
        .iter()
        .filter_map(|l| l["pr"]["number"].as_u64())
        .collect();
    assert_eq!(listed, [run.json()["pr"]["number"].as_u64().expect("n")]);
}

#[test]
fn an_older_body_without_paths_is_read_through_the_pr_files() {
    let w = world();
    w.fake
        .seed_branch(
            OTHER_BRANCH,
            None,
            &[(PLANNED_PATH, Some("-- an older take\n"))],
            "older proposal",
        )
        .expect("branch");
    let old = w.fake.seed_pull(other(SeedState::Open, None, None));
    let run = w.propose(&[]);
    run.expect_code(1);
    assert_eq!(run.json()["overlapping"][0]["number"], old);
    assert!(
        w.fake
            .log()
            .iter()
            .any(|r| r.path == format!("{REPO}/pulls/{old}/files")),
        "{}",
        describe(&w.fake.log())
    );
}

#[test]
fn rejection_memory_skips_a_similar_plan_and_reconsider_links_it() {
    let w = world();
    let rejected = w.fake.seed_pull(other(
        SeedState::Closed,
        Some(&[PLANNED_PATH]),
        Some(FINDING),
    ));
    let refs = w.fake.refs();
    let run = w.propose(&[]);
    run.expect_code(0);
    let out = run.json();
    assert_eq!(out["outcome"], "skipped_rejected");
    assert_eq!(out["reason"], "similar");
    assert_eq!(out["pr"]["number"], rejected);
    assert!(out["hint"]
        .as_str()
        .is_some_and(|h| h.contains("--reconsider")));
    assert_eq!(w.fake.refs(), refs, "nothing written");
    let text = w.sb.propose_env(
        &w.fix,
        &["--apply"],
        &w.fleet_env()
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    );
    assert!(
        text.stdout.contains(&format!(
            "  reason: similar (PR #{rejected} changed the same paths for the same grounding and was closed without merging)\n"
        )),
        "{}",
        text.stdout
    );
    // --reconsider opens it, and the body links the rejected PR.
    let again = w.propose(&["--reconsider"]);
    again.expect_code(0);
    let out = again.json();
    assert_eq!(out["outcome"], "applied");
    assert_eq!(out["reconsidered"]["number"], rejected);
    let new = out["pr"]["number"].as_u64().expect("number");
    let body = w.fake.pull(new).expect("pull").body.unwrap_or_default();
    assert!(
        body.contains(&format!(
            "> **Reconsidered:** #{rejected} proposed the same change"
        )),
        "{body}"
    );
    assert_eq!(out["body"].as_str(), Some(body.as_str()));
    petrova_core::proposal::body::parse_metadata(&body).expect("metadata still first");
}

#[test]
fn rejection_memory_has_limits() {
    // Outside the memory: proposed again.
    let w = world();
    w.set_profile(30, 2);
    w.fake.seed_pull(other(
        SeedState::Closed,
        Some(&[PLANNED_PATH]),
        Some(FINDING),
    ));
    assert_eq!(w.propose(&[]).json()["outcome"], "applied");

    // Different paths (a subset): not similar.
    let w = world();
    w.fake.seed_pull(other(
        SeedState::Closed,
        Some(&[PLANNED_PATH, "README.md"]),
        Some(FINDING),
    ));
    assert_eq!(w.propose(&[]).json()["outcome"], "applied");

    // No subject in common (only meta-rules cited): not similar.
    let w = world();
    w.fake
        .seed_pull(other(SeedState::Closed, Some(&[PLANNED_PATH]), None));
    assert_eq!(w.propose(&[]).json()["outcome"], "applied");

    // Merged, not rejected.
    let w = world();
    w.fake.seed_pull(other(
        SeedState::Merged,
        Some(&[PLANNED_PATH]),
        Some(FINDING),
    ));
    assert_eq!(w.propose(&[]).json()["outcome"], "applied");

    // Closed by petrova itself (its marker, written by the PR's author): no rejection.
    let w = world();
    let n = w.fake.seed_pull(other(
        SeedState::Closed,
        Some(&[PLANNED_PATH]),
        Some(FINDING),
    ));
    // The PR's author is the token's user, as when petrova opened it.
    assert_eq!(w.fake.pull(n).expect("pull").author, None);
    w.fake
        .add_comment(
            n,
            "petrova-bot",
            "<!-- petrova:closing -->\nClosed by petrova: expired.",
        )
        .expect("comment");
    assert_eq!(w.propose(&[]).json()["outcome"], "applied");

    // The same marker written by someone else launders nothing.
    let w = world();
    let n = w.fake.seed_pull(other(
        SeedState::Closed,
        Some(&[PLANNED_PATH]),
        Some(FINDING),
    ));
    w.fake
        .add_comment(n, "mallory", "<!-- petrova:closing -->\nClosed by petrova.")
        .expect("comment");
    assert_eq!(w.propose(&[]).json()["outcome"], "skipped_rejected");
}

#[test]
fn the_open_listing_is_paged_past_100() {
    let w = world();
    for i in 0..120 {
        w.fake.seed_pull(SeedPull {
            head: format!("human/{i}"),
            author: Some("alice".to_owned()),
            created_at: Some("2026-04-28T10:00:00Z".to_owned()),
            ..SeedPull::default()
        });
    }
    // The oldest PR, so on the second page of a newest-first listing.
    let old = w.fake.seed_pull(SeedPull {
        created_at: Some("2026-03-01T10:00:00Z".to_owned()),
        ..other(SeedState::Open, Some(&[PLANNED_PATH]), None)
    });
    let run = w.propose(&[]);
    run.expect_code(1);
    assert_eq!(run.json()["overlapping"][0]["number"], old);
    let pages: Vec<String> = w
        .fake
        .log()
        .iter()
        .filter(|r| {
            r.query
                .as_deref()
                .is_some_and(|q| q.starts_with("state=open"))
        })
        .filter_map(|r| r.query.clone())
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[1].ends_with("page=2"), "{pages:?}");
}

#[test]
fn sweep_closes_expired_petrova_prs_with_a_comment_and_only_with_apply() {
    let w = world();
    w.set_profile(30, 30);
    let aged = |head: &str, created: &str| SeedPull {
        head: head.to_owned(),
        body: Some(petrova_body(
            &format!("{}{}", &head[20..], "0".repeat(56)),
            Some(&["docs/x.md"]),
            None,
        )),
        created_at: Some(created.to_owned()),
        ..SeedPull::default()
    };
    let expired = w
        .fake
        .seed_pull(aged("petrova/propose-fix/aaaaaaaa", "2026-03-01T10:00:00Z"));
    let young = w
        .fake
        .seed_pull(aged("petrova/propose-fix/bbbbbbbb", "2026-04-20T10:00:00Z"));
    let human = w.fake.seed_pull(SeedPull {
        head: "alice/old".to_owned(),
        author: Some("alice".to_owned()),
        created_at: Some("2025-01-01T00:00:00Z".to_owned()),
        ..SeedPull::default()
    });
    // A dry run by default: says, writes nothing.
    let dry = w.petrova(&["sweep", SLUG]);
    dry.expect_code(0);
    assert_eq!(
        dry.stdout.lines().next(),
        Some("sweep kahn-hq → dry_run (would close 1 of 2 open petrova PRs older than 30 days)")
    );
    assert!(
        dry.stdout.contains(&format!(
            "  would close PR #{expired} open aaaaaaaa0000 59d "
        )),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains(&format!("  kept PR #{young} open bbbbbbbb0000 9d ")),
        "{}",
        dry.stdout
    );
    assert!(w.fake.log().iter().all(|r| r.method == "GET"));
    assert_eq!(w.state_of(expired), "open");
    // --apply closes, with the comment first; --json: one line per PR.
    let run = w.petrova(&["sweep", SLUG, "--apply", "--json"]);
    run.expect_code(0);
    let out = lines(&run);
    assert_eq!(out.len(), 2);
    assert!(out
        .iter()
        .all(|l| l["verb"] == "sweep" && l["outcome"] == "swept"));
    let closed: Vec<&Value> = out
        .iter()
        .filter(|l| l["pr"]["action"] == "closed")
        .collect();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0]["pr"]["number"], expired);
    assert_eq!(w.state_of(expired), "closed");
    assert_eq!(w.state_of(young), "open");
    assert_eq!(w.state_of(human), "open", "never a human's PR");
    let comments = w.fake.comments(expired);
    assert_eq!(comments.len(), 1);
    assert!(comments[0]
        .body
        .contains("open for 59 days, longer than the profile's `expires_days` (30)"));
    // A second sweep finds nothing more to close.
    let again = w.petrova(&["sweep", SLUG, "--apply"]);
    again.expect_code(0);
    assert!(
        again.stdout.starts_with(
            "sweep kahn-hq → swept (closed 0 of 1 open petrova PR older than 30 days)"
        ),
        "{}",
        again.stdout
    );
    // A profile without expires_days sends nothing.
    w.set_profile_without_expiry();
    let before = w.fake.log().len();
    let none = w.petrova(&["sweep", "--all"]);
    none.expect_code(0);
    assert_eq!(
        none.stdout,
        "sweep kahn-hq → dry_run: the profile sets no expires_days; nothing expires\n"
    );
    assert_eq!(w.fake.log().len(), before);
}

impl World {
    fn set_profile_without_expiry(&self) {
        let registry = std::fs::read_to_string(self.sb.ws.join("registry.yaml")).expect("registry");
        let registry = registry.replace("    expires_days: 30\n", "");
        std::fs::write(self.sb.ws.join("registry.yaml"), registry).expect("registry");
    }
}

#[test]
fn status_lists_every_petrova_pr_from_its_metadata() {
    let w = world();
    let first = w.propose(&[]);
    first.expect_code(0);
    let mine = first.json()["pr"]["number"].as_u64().expect("n");
    let rejected = w
        .fake
        .seed_pull(other(SeedState::Closed, Some(&["docs/y.md"]), None));
    let merged = w.fake.seed_pull(SeedPull {
        head: "petrova/propose-fix/cccccccc".to_owned(),
        body: Some(petrova_body(
            &format!("cccccccc{}", "0".repeat(56)),
            None,
            None,
        )),
        state: SeedState::Merged,
        created_at: Some("2026-04-10T10:00:00Z".to_owned()),
        ..SeedPull::default()
    });
    let run = w.petrova(&["status", SLUG, "--json"]);
    run.expect_code(0);
    let out = lines(&run);
    let by_number = |n: u64| -> &Value {
        out.iter()
            .find(|l| l["pr"]["number"] == n)
            .unwrap_or_else(|| panic!("#{n} listed: {}", run.stdout))
    };
    assert_eq!(out.len(), 3);
    let row = &by_number(mine)["pr"];
    assert_eq!(row["state"], "open");
    assert_eq!(row["idempotency_key"], w.key.as_str());
    assert_eq!(row["actor"], "fleet:kahn-implementer");
    assert_eq!(row["triggered_by"]["kind"], "audit_fail");
    assert_eq!(row["triggered_by"]["ref"], "ci-run-12345");
    assert_eq!(row["diagnosis_id"], "diag-b64b62302dc1c9ce");
    assert_eq!(row["paths"][0], PLANNED_PATH);
    assert_eq!(by_number(rejected)["pr"]["state"], "closed");
    assert_eq!(by_number(merged)["pr"]["state"], "merged");
    assert_eq!(by_number(merged)["pr"]["paths"], Value::Null);
    assert_eq!(by_number(merged)["pr"]["age_days"], 19);
    assert!(out.iter().all(|l| l["outcome"] == "listed"));
    let text = w.petrova(&["status", "--all"]);
    text.expect_code(0);
    assert!(
        text.stdout
            .starts_with("status kahn-hq → listed (3 petrova PRs)\n"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains(&format!(
        "  PR #{merged} merged cccccccc0000 19d fleet:kahn-implementer audit_fail:ci-run-1 diag-0000000000000001 (paths not in metadata)\n"
    )), "{}", text.stdout);
    // Every request was a read.
    assert!(w.fake.log().iter().skip(9).all(|r| r.method == "GET"));
}

#[test]
fn sweep_after_expiry_lets_the_fleet_propose_again() {
    let w = world();
    w.set_profile(1, 30);
    let first = w.propose(&[]);
    let n = first.json()["pr"]["number"].as_u64().expect("n");
    w.fake
        .set_pull_times(n, Some("2026-04-01T00:00:00Z"), None)
        .expect("age");
    w.petrova(&["sweep", SLUG, "--apply"]).expect_code(0);
    assert_eq!(w.state_of(n), "closed");
    // Petrova closed it, not a human: the same plan opens a new PR on its branch.
    let again = w.propose(&[]);
    again.expect_code(0);
    assert_eq!(again.json()["outcome"], "applied", "{}", again.stdout);
    let open: Vec<u64> = w
        .fake
        .pulls()
        .iter()
        .filter(|p| p.state == "open")
        .map(|p| p.number)
        .collect();
    assert_eq!(open.len(), 1);
    assert_ne!(open[0], n);
}

/// The status table as github.com renders the step summary: hostile metadata
/// values (a trigger reference, an actor, paths) stay inside their cells —
/// every row keeps its cells — and make no HTML, image, heading, live mention
/// or closing reference. Judged by cmark-gfm.
#[test]
fn status_table_cells_stay_cells_on_github() {
    use petrova_core::github::fleet::{FleetOutput, FleetRow};
    use petrova_core::proposal::body::TriggeredBy;
    let hostile = [
        "a | b | c",
        "@alice and @org/team",
        "Fixes #12",
        "<img src=x onerror=alert(1)>",
        "<details open>",
        "![x](https://e.example/x.png)",
        "`code | pipe`",
        "ends with \\",
        "line\nbreak\r::set-output name=x::y",
        "# not a heading",
        "[link]: https://e.example",
        "&#124; &amp; &lt;b>",
        "**Fixes** #3",
        "##[error]legacy",
    ];
    let rows: Vec<FleetRow> = hostile
        .iter()
        .enumerate()
        .map(|(i, h)| FleetRow {
            number: i as u64 + 1,
            state: "open".into(),
            url: "https://github.com/kahn-hq/kahn/pull/1".into(),
            idempotency_key: "0".repeat(64),
            actor: (*h).to_owned(),
            triggered_by: TriggeredBy {
                kind: (*h).to_owned(),
                reference: (*h).to_owned(),
            },
            diagnosis_id: Some((*h).to_owned()),
            created_at: "2026-04-01T00:00:00Z".into(),
            age_days: 3,
            paths: Some(vec![(*h).to_owned(), "docs/x.md".into()]),
            action: None,
        })
        .collect();
    let output = FleetOutput {
        verb: "status".into(),
        target_repo: "kahn-hq".into(),
        outcome: "listed".into(),
        expires_days: None,
        pulls: rows,
        truncated: false,
        error: None,
    };
    let summary = output.step_summary();
    let rendered = petrova_tests::github_view::render(&summary);
    assert_eq!(rendered.raw_html, 0, "{summary}");
    assert_eq!(rendered.images, 0, "{summary}");
    assert_eq!(rendered.headings.len(), 1, "{summary}");
    assert!(
        petrova_tests::github_view::live_references(&rendered.visible).is_empty(),
        "{:?}\n{summary}",
        petrova_tests::github_view::live_references(&rendered.visible)
    );
    // One header row and one row per pull request, each with its 8 cells.
    let rows = rendered.html.matches("<tr>").count();
    assert_eq!(rows, hostile.len() + 1, "{}", rendered.html);
    let cells = rendered.html.matches("<td").count();
    assert_eq!(cells, hostile.len() * 8, "{}", rendered.html);
    // GitHub drops the cells past the header's count: had a value split its
    // cell, the last one (the paths, ending in docs/x.md) would be gone.
    assert_eq!(
        rendered.visible.matches("docs/x.md").count(),
        hostile.len(),
        "{}",
        rendered.html
    );
    assert!(
        rendered.visible.contains("a | b | c"),
        "{}",
        rendered.visible
    );
    assert!(!summary.contains("##["), "{summary}");
    // The runner sees no command in the text form either.
    let text = output.render_text();
    assert!(
        petrova_tests::github_view::runner_problems(&text, &[]).is_empty(),
        "{text}"
    );
}

/// A re-run with `--supersede` finishes what its PR superseded when it opened
/// — the petrova PRs opened before it — and never closes a newer proposal
/// that came after. It costs the open listing on top of the head lookup.
#[test]
fn a_supersede_rerun_never_closes_a_newer_proposal() {
    let w = world();
    let first = w.propose(&[]);
    first.expect_code(0);
    let ours = first.json()["pr"]["number"].as_u64().expect("number");
    let newer = w
        .fake
        .seed_pull(other(SeedState::Open, Some(&[PLANNED_PATH]), None));
    assert!(newer > ours);
    let before = w.fake.log().len();
    let again = w.propose(&["--supersede"]);
    again.expect_code(0);
    let out = again.json();
    assert_eq!(out["outcome"], "skipped_idempotent", "{out}");
    assert_eq!(out["superseded"], Value::Null, "{out}");
    assert_eq!(w.state_of(newer), "open");
    assert!(w.fake.comments(newer).is_empty());
    let calls: Vec<String> = w.fake.log()[before..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        calls,
        [format!("GET {REPO}/pulls"), format!("GET {REPO}/pulls")],
        "the head lookup, then the open listing"
    );
}

/// GitHub lists comments oldest first, 100 a page: petrova's closing marker
/// behind 100 comments (anyone may comment) is still found, so a PR petrova
/// closed itself never turns into a human's rejection.
#[test]
fn the_closing_marker_is_found_behind_a_hundred_comments() {
    let w = world();
    let closed = w.fake.seed_pull(other(
        SeedState::Closed,
        Some(&[PLANNED_PATH]),
        Some(FINDING),
    ));
    for i in 0..100 {
        w.fake
            .add_comment(closed, "mallory", &format!("comment {i}"))
            .expect("comment");
    }
    let author = petrova_fake_github::FakeConfig::default().login;
    w.fake
        .add_comment(
            closed,
            &author,
            "<!-- petrova:closing -->\nClosed by petrova: expired.",
        )
        .expect("marker");
    let run = w.propose(&[]);
    run.expect_code(0);
    assert_eq!(run.json()["outcome"], "applied", "{}", run.stdout);
    let pages: Vec<Option<String>> = w
        .fake
        .log()
        .iter()
        .filter(|r| r.path == format!("{REPO}/issues/{closed}/comments"))
        .map(|r| r.query.clone())
        .collect();
    assert_eq!(
        pages,
        [
            Some("per_page=100".to_owned()),
            Some("per_page=100&page=2".to_owned())
        ]
    );
}
