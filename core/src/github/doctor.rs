//! `petrova doctor`: can this token open pull requests on this repository?
//! A short sans-I/O sequence of read-only requests, each answer turned into a
//! check with a fix-it line. The executors only send what it asks for.

use crate::github::apply::{Reply, Request};
use crate::operator::registry::RepoEntry;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How one check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Fine.
    Ok,
    /// Broken: petrova cannot open pull requests until it is fixed.
    Fail,
    /// Could not be checked with this token.
    Unknown,
}

/// One line of the doctor's report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// What was checked.
    pub name: String,
    /// The verdict.
    pub status: CheckStatus,
    /// What was seen.
    pub detail: String,
    /// What to do, when something is wrong.
    pub fix: Option<String>,
}

/// The doctor's requests and verdicts, in order.
#[derive(Clone, Debug)]
pub struct Doctor {
    owner: String,
    repo: String,
    branch: String,
    step: usize,
    checks: Vec<Check>,
    /// A check got no usable answer (transport error or 5xx): worth a re-run.
    github_failed: bool,
}

impl Doctor {
    /// Prepares the checks for a registry entry.
    pub fn new(entry: &RepoEntry) -> Self {
        Doctor {
            owner: entry.owner.clone(),
            repo: entry.name.clone(),
            branch: entry.default_branch.clone(),
            step: 0,
            checks: Vec::new(),
            github_failed: false,
        }
    }

    /// The next request, or `None` when the report is complete.
    pub fn next_request(&self) -> Option<Request> {
        let repo = crate::github::apply::repo_path(&self.owner, &self.repo);
        let path = match self.step {
            0 => repo,
            1 => format!(
                "{repo}/git/ref/heads/{}",
                crate::github::apply::encode_ref(&self.branch)
            ),
            2 => format!("{repo}/actions/permissions/workflow"),
            _ => return None,
        };
        Some(Request::get(path))
    }

    /// Records the reply to the last request.
    pub fn on_reply(&mut self, reply: &Reply) {
        let (status, json) = match reply {
            Reply::Response { status, body, .. } => (
                *status,
                serde_json::from_slice::<Value>(body.as_bytes()).unwrap_or(Value::Null),
            ),
            Reply::Transport { message } => (0, Value::String(message.clone())),
        };
        let full = format!("{}/{}", self.owner, self.repo);
        if status == 0 || status >= 500 {
            self.github_failed = true;
        }
        let check = match (self.step, status) {
            (0, 200) => {
                let push = json.pointer("/permissions/push").and_then(Value::as_bool);
                match push {
                    Some(false) => fail(
                        "token and repository",
                        format!("the token can read {full} but not push to it"),
                        "give the token contents:write and pull-requests:write on the repository",
                    ),
                    _ => ok("token and repository", format!("the token reaches {full}")),
                }
            }
            (0, 401) => {
                // Nothing else can be checked with a rejected token.
                self.step = 3;
                fail("token and repository", "GitHub rejected the token (401)".to_owned(), "set PETROVA_GITHUB_TOKEN (or GITHUB_TOKEN) to a valid token")
            }
            (0, 403 | 404) => {
                self.step = 3;
                fail(
                    "token and repository",
                    format!("{full} is not visible to this token (HTTP {status})"),
                    "check `url` in the registry, and that the token (or the GitHub App) has access to the repository",
                )
            }
            (1, 200) => ok("default branch", format!("`{}` exists", self.branch)),
            (1, 404) => fail(
                "default branch",
                format!("`{}` does not exist in {full}", self.branch),
                "set `default_branch` in the registry entry to the repository's default branch",
            ),
            (2, 200) => match json.get("can_approve_pull_request_reviews").and_then(Value::as_bool) {
                Some(true) => ok("Actions may open pull requests", "the repository lets GitHub Actions create pull requests".to_owned()),
                Some(false) => fail(
                    "Actions may open pull requests",
                    "the repository does not let GitHub Actions create pull requests".to_owned(),
                    "Settings → Actions → General → Workflow permissions → tick \"Allow GitHub Actions to create and approve pull requests\" (only needed when running as the Action with GITHUB_TOKEN)",
                ),
                None => unknown("Actions may open pull requests", "GitHub's answer did not say".to_owned()),
            },
            (2, 403 | 404) => unknown(
                "Actions may open pull requests",
                format!("reading the workflow permissions needs admin rights on {full} (HTTP {status})"),
            ),
            (_, 0) => unknown(step_name(self.step), format!("no answer from GitHub: {}", json.as_str().unwrap_or(""))),
            (_, _) => unknown(step_name(self.step), format!("unexpected answer HTTP {status}")),
        };
        self.checks.push(check);
        self.step += 1;
    }

    /// The checks made so far.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// The exit code: 3 when any check failed, 4 when GitHub gave no usable
    /// answer to one (run again), else 0 (a check this token may not read stays 0).
    pub fn exit_code(&self) -> crate::error::Exit {
        use crate::error::Exit;
        if self.checks.iter().any(|c| c.status == CheckStatus::Fail) {
            Exit::Config
        } else if self.github_failed {
            Exit::Github
        } else {
            Exit::Done
        }
    }

    /// The human report.
    pub fn render_text(&self) -> String {
        use crate::encoding::text::{runner_safe, shown};
        let mut s = format!("doctor {}/{}\n", shown(&self.owner), shown(&self.repo));
        for c in &self.checks {
            let mark = match c.status {
                CheckStatus::Ok => "ok  ",
                CheckStatus::Fail => "FAIL",
                CheckStatus::Unknown => "??  ",
            };
            // A detail may quote GitHub's answer.
            s.push_str(&format!("  {mark} {}: {}\n", c.name, shown(&c.detail)));
            if let Some(fix) = &c.fix {
                s.push_str(&format!("       fix: {}\n", shown(fix)));
            }
        }
        runner_safe(&s).into_owned()
    }
}

fn step_name(step: usize) -> &'static str {
    match step {
        0 => "token and repository",
        1 => "default branch",
        _ => "Actions may open pull requests",
    }
}

fn ok(name: &str, detail: String) -> Check {
    Check {
        name: name.to_owned(),
        status: CheckStatus::Ok,
        detail,
        fix: None,
    }
}

fn fail(name: &str, detail: String, fix: &str) -> Check {
    Check {
        name: name.to_owned(),
        status: CheckStatus::Fail,
        detail,
        fix: Some(fix.to_owned()),
    }
}

fn unknown(name: &str, detail: String) -> Check {
    Check {
        name: name.to_owned(),
        status: CheckStatus::Unknown,
        detail,
        fix: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operator::registry;

    fn entry() -> RepoEntry {
        let src = "- slug: k\n  url: https://github.com/o/r\n  default_branch: main\n  role: production\n  profile: standard\n  fleets_allowed: []\n  added: \"2026-01-01\"\n";
        registry::parse(src, "r.yaml")
            .expect("registry")
            .repos
            .remove(0)
    }

    fn run(replies: &[(u16, &str)]) -> Doctor {
        let mut d = Doctor::new(&entry());
        for (status, body) in replies {
            assert!(d.next_request().is_some());
            d.on_reply(&Reply::Response {
                status: *status,
                headers: Default::default(),
                body: (*body).to_owned(),
            });
        }
        d
    }

    #[test]
    fn doctor_table() {
        let d = run(&[
            (200, r#"{"permissions":{"push":true}}"#),
            (200, "{}"),
            (200, r#"{"can_approve_pull_request_reviews":true}"#),
        ]);
        assert!(d.next_request().is_none());
        assert_eq!(d.exit_code().code(), 0);
        let d = run(&[
            (200, "{}"),
            (404, "{}"),
            (200, r#"{"can_approve_pull_request_reviews":false}"#),
        ]);
        let statuses: Vec<CheckStatus> = d.checks().iter().map(|c| c.status).collect();
        assert_eq!(
            statuses,
            vec![CheckStatus::Ok, CheckStatus::Fail, CheckStatus::Fail]
        );
        assert_eq!(d.exit_code().code(), 3);
        assert!(d
            .render_text()
            .contains("Allow GitHub Actions to create and approve pull requests"));
        let d = run(&[(401, "{}")]);
        assert!(
            d.next_request().is_none(),
            "a rejected token stops the checks"
        );
        let d = run(&[(200, "{}"), (200, "{}"), (403, "{}")]);
        assert_eq!(d.checks()[2].status, CheckStatus::Unknown);
        assert_eq!(
            d.exit_code().code(),
            0,
            "a setting this token may not read is not a failure"
        );
        let d = run(&[
            (200, "{}"),
            (500, "{}"),
            (200, r#"{"can_approve_pull_request_reviews":true}"#),
        ]);
        assert_eq!(d.checks()[1].status, CheckStatus::Unknown);
        assert_eq!(d.exit_code().code(), 4, "no usable answer: run again");
    }
}
