//! The fake against a real HTTP client. Every client has a timeout, so every
//! test is bounded in time.
#![allow(
    clippy::unwrap_used,
    clippy::disallowed_methods,
    clippy::disallowed_types
)]

use petrova_fake_github::{
    start_blocking, FakeConfig, FakeGithub, FakeGithubHandle, Fault, SeedPull, SeedState,
};
use reqwest::blocking::{Client, Response};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const TOKEN: &str = "test-token";

struct Api {
    fake: FakeGithubHandle,
    client: Client,
}

impl Api {
    fn new() -> Api {
        Api::with(FakeConfig::default())
    }

    fn with(config: FakeConfig) -> Api {
        Api {
            fake: start_blocking(config),
            client: client(Duration::from_secs(10)),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/repos/kahn-hq/kahn{path}", self.fake.base_url)
    }

    fn get(&self, path: &str) -> (StatusCode, Value) {
        parse(
            self.client
                .get(self.url(path))
                .bearer_auth(TOKEN)
                .send()
                .unwrap(),
        )
    }

    /// A GET that also gives the `Link` header (empty when absent).
    fn get_linked(&self, path: &str) -> (StatusCode, Value, String) {
        let r = self
            .client
            .get(self.url(path))
            .bearer_auth(TOKEN)
            .send()
            .unwrap();
        let link = r
            .headers()
            .get("link")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let (s, v) = parse(r);
        (s, v, link)
    }

    fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        parse(
            self.client
                .post(self.url(path))
                .bearer_auth(TOKEN)
                .json(body)
                .send()
                .unwrap(),
        )
    }

    fn patch(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        parse(
            self.client
                .patch(self.url(path))
                .bearer_auth(TOKEN)
                .json(body)
                .send()
                .unwrap(),
        )
    }

    fn control(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        parse(
            self.client
                .post(format!("{}/_fake/{path}", self.fake.base_url))
                .json(body)
                .send()
                .unwrap(),
        )
    }

    fn control_get(&self, path: &str) -> Value {
        self.client
            .get(format!("{}/_fake/{path}", self.fake.base_url))
            .send()
            .unwrap()
            .json()
            .unwrap()
    }

    fn main_sha(&self) -> String {
        let (s, r) = self.get("/git/ref/heads/main");
        assert_eq!(s, 200);
        r["object"]["sha"].as_str().unwrap().to_owned()
    }

    fn main_tree(&self) -> String {
        let (_, c) = self.get(&format!("/git/commits/{}", self.main_sha()));
        c["tree"]["sha"].as_str().unwrap().to_owned()
    }

    /// A branch with one commit on main that adds `path`; returns the commit.
    fn branch(&self, name: &str, path: &str, content: &str) -> String {
        let (s, tree) = self.post(
            "/git/trees",
            &json!({"base_tree": self.main_tree(), "tree": [
                {"path": path, "mode": "100644", "type": "blob", "content": content}]}),
        );
        assert_eq!(s, 201, "{tree}");
        let (s, commit) = self.post(
            "/git/commits",
            &json!({"message": "fix", "tree": tree["sha"], "parents": [self.main_sha()]}),
        );
        assert_eq!(s, 201, "{commit}");
        let sha = commit["sha"].as_str().unwrap().to_owned();
        let (s, r) = self.post(
            "/git/refs",
            &json!({"ref": format!("refs/heads/{name}"), "sha": sha}),
        );
        assert_eq!(s, 201, "{r}");
        sha
    }

    fn open_pull(&self, branch: &str) -> (StatusCode, Value) {
        self.post(
            "/pulls",
            &json!({"title": "Fix", "head": branch, "base": "main", "body": "body text"}),
        )
    }
}

fn client(timeout: Duration) -> Client {
    Client::builder()
        .timeout(timeout)
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

fn parse(r: Response) -> (StatusCode, Value) {
    let status = r.status();
    let text = r.text().unwrap();
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, v)
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every key of the documented example is present, recursively through objects
/// (arrays: the example's first item against each of ours).
fn assert_has_documented_fields(example: &Value, ours: &Value, at: &str) {
    match (example, ours) {
        (Value::Object(e), Value::Object(o)) => {
            for (k, v) in e {
                // Optional in the schema, and only for forks: the fake's repository is none.
                if at == "repo" && (k == "parent" || k == "source") {
                    assert!(!o.contains_key(k));
                    continue;
                }
                // Git trees give no size for a subtree entry.
                if k == "size" && o.get("type") == Some(&json!("tree")) {
                    continue;
                }
                let Some(ov) = o.get(k) else {
                    panic!("{at}.{k} is missing");
                };
                if !ov.is_null() {
                    assert_has_documented_fields(v, ov, &format!("{at}.{k}"));
                }
            }
        }
        (Value::Array(e), Value::Array(o)) => {
            if let Some(first) = e.first() {
                for (i, item) in o.iter().enumerate() {
                    assert_has_documented_fields(first, item, &format!("{at}[{i}]"));
                }
            }
        }
        _ => {}
    }
}

#[test]
fn tree_commit_ref_pull_flow() {
    let api = Api::new();
    let (s, repo) = api.get("");
    assert_eq!(s, 200);
    assert_eq!(repo["full_name"], "kahn-hq/kahn");
    assert_eq!(repo["default_branch"], "main");
    assert_eq!(repo["permissions"]["push"], true);
    assert_has_documented_fields(&fixture("full-repository"), &repo, "repo");

    let main = api.main_sha();
    let (s, commit) = api.get(&format!("/git/commits/{main}"));
    assert_eq!(s, 200);
    assert_has_documented_fields(&fixture("git-commit-get"), &commit, "commit");
    let base_tree = commit["tree"]["sha"].as_str().unwrap().to_owned();

    // Trees are content-addressed (and are git's own ids).
    let entries = json!([
        {"path": "backend/migrations/0046_kahn_internal_rls.sql", "mode": "100644", "type": "blob", "content": "alter table x enable row level security;\n"},
        {"path": "README.md", "mode": "100644", "type": "blob", "sha": null}
    ]);
    let (s, t1) = api.post(
        "/git/trees",
        &json!({"base_tree": base_tree, "tree": entries}),
    );
    assert_eq!(s, 201, "{t1}");
    assert_has_documented_fields(&fixture("git-tree"), &t1, "tree");
    assert_eq!(t1["truncated"], false);
    let (_, t2) = api.post(
        "/git/trees",
        &json!({"base_tree": base_tree, "tree": entries}),
    );
    assert_eq!(t1["sha"], t2["sha"]);
    let (s, full) = api.get(&format!(
        "/git/trees/{}?recursive=1",
        t1["sha"].as_str().unwrap()
    ));
    assert_eq!(s, 200);
    let paths: Vec<&str> = full["tree"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "blob")
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        vec![
            "backend/migrations/0001_init.sql",
            "backend/migrations/0046_kahn_internal_rls.sql"
        ]
    );

    // Two identical commit requests give two commits.
    let commit_req = json!({"message": "Fix RLS", "tree": t1["sha"], "parents": [main]});
    let (s, c1) = api.post("/git/commits", &commit_req);
    assert_eq!(s, 201, "{c1}");
    assert_has_documented_fields(&fixture("git-commit"), &c1, "new commit");
    let (_, c2) = api.post("/git/commits", &commit_req);
    assert_ne!(c1["sha"], c2["sha"]);
    assert_eq!(c1["parents"][0]["sha"], main.as_str());
    assert_eq!(c1["tree"]["sha"], t1["sha"]);

    let branch = "petrova/propose-fix/009a7d89";
    let (s, r) = api.post(
        "/git/refs",
        &json!({"ref": format!("refs/heads/{branch}"), "sha": c1["sha"]}),
    );
    assert_eq!(s, 201, "{r}");
    assert_has_documented_fields(&fixture("git-ref"), &r, "ref");
    let (s, r) = api.get(&format!("/git/ref/heads/{branch}"));
    assert_eq!(s, 200);
    assert_eq!(r["ref"], format!("refs/heads/{branch}"));
    assert_eq!(r["object"]["sha"], c1["sha"]);
    assert_eq!(r["object"]["type"], "commit");
    let (s, r) = api.get("/git/ref/heads/petrova/propose-fix/nope");
    assert_eq!(
        (s, r["message"].as_str()),
        (StatusCode::NOT_FOUND, Some("Not Found"))
    );

    // The pull request.
    let (s, pr) = api.post(
        "/pulls",
        &json!({"title": "Fix RLS", "head": branch, "base": "main", "body": "the body", "draft": true}),
    );
    assert_eq!(s, 201, "{pr}");
    assert_has_documented_fields(&fixture("pull-request"), &pr, "pull");
    assert_eq!(pr["number"], 1234);
    assert_eq!(pr["state"], "open");
    assert_eq!(pr["html_url"], "https://github.com/kahn-hq/kahn/pull/1234");
    assert_eq!(pr["url"], api.url("/pulls/1234"));
    assert_eq!(pr["title"], "Fix RLS");
    assert_eq!(pr["body"], "the body");
    assert_eq!(pr["draft"], true);
    assert_eq!(pr["merged"], false);
    assert_eq!(pr["merged_at"], Value::Null);
    assert_eq!(pr["closed_at"], Value::Null);
    assert_eq!(pr["head"]["ref"], branch);
    assert_eq!(pr["head"]["sha"], c1["sha"]);
    assert_eq!(pr["head"]["label"], format!("kahn-hq:{branch}"));
    assert_eq!(pr["base"]["ref"], "main");
    assert_eq!(pr["base"]["repo"]["full_name"], "kahn-hq/kahn");
    assert_eq!(pr["requested_teams"], json!([]));
    assert_eq!(pr["changed_files"], 2);
    assert_eq!(pr["commits"], 1);

    let (s, got) = api.get("/pulls/1234");
    assert_eq!(s, 200);
    assert_eq!(got["number"], 1234);
    // The head follows the branch.
    let (s, r) = api.patch(
        &format!("/git/refs/heads/{branch}"),
        &json!({"sha": c2["sha"], "force": true}),
    );
    assert_eq!(s, 200, "{r}");
    let (_, got) = api.get("/pulls/1234");
    assert_eq!(got["head"]["sha"], c2["sha"]);
    assert_eq!(got["commits"], 1);
    let (s, _) = api.get("/pulls/99");
    assert_eq!(s, 404);

    let (s, list) = api.get(&format!(
        "/pulls?state=all&head=kahn-hq:{branch}&per_page=100"
    ));
    assert_eq!(s, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_has_documented_fields(&fixture("pull-request-simple"), &list[0], "list[0]");
    assert_eq!(list[0]["body"], "the body");
    let (_, list) = api.get("/pulls?head=kahn-hq:other-branch");
    assert_eq!(list, json!([]));
    let (_, list) = api.get("/pulls?state=closed");
    assert_eq!(list, json!([]));

    // The fake's view.
    assert_eq!(api.fake.pulls().len(), 1);
    assert_eq!(
        api.fake
            .refs()
            .get(&format!("refs/heads/{branch}"))
            .map(String::as_str),
        c2["sha"].as_str()
    );
    let files = api.fake.branch_files(branch).unwrap();
    assert_eq!(
        files
            .get("backend/migrations/0046_kahn_internal_rls.sql")
            .map(String::as_str),
        Some("alter table x enable row level security;\n")
    );
    assert!(!files.contains_key("README.md"));
}

#[test]
fn the_422_texts() {
    let api = Api::new();
    let main = api.main_sha();
    let c = api.branch("feature", "a.txt", "a\n");

    let (s, e) = api.post(
        "/git/refs",
        &json!({"ref": "refs/heads/feature", "sha": main}),
    );
    assert_eq!(s, 422);
    assert_eq!(e["message"], "Reference already exists");
    assert_eq!(e["status"], "422");
    assert_eq!(
        e["documentation_url"],
        "https://docs.github.com/rest/git/refs#create-a-reference"
    );
    let (s, e) = api.post(
        "/git/refs",
        &json!({"ref": "refs/heads/other", "sha": "0123456789012345678901234567890123456789"}),
    );
    assert_eq!(
        (s.as_u16(), e["message"].as_str()),
        (422, Some("Object does not exist"))
    );

    let (s, e) = api.post(
        "/git/commits",
        &json!({"message": "m", "tree": "0123456789012345678901234567890123456789", "parents": [main]}),
    );
    assert_eq!(s, 422, "{e}");
    let (s, e) = api.post(
        "/git/commits",
        &json!({"message": "m", "tree": api.main_tree(), "parents": ["0123456789012345678901234567890123456789"]}),
    );
    assert_eq!(s, 422, "{e}");
    let (s, e) = api.post(
        "/git/trees",
        &json!({"base_tree": "0123456789012345678901234567890123456789", "tree": []}),
    );
    assert_eq!(s, 422, "{e}");

    let (s, _) = api.open_pull("feature");
    assert_eq!(s, 201);
    let (s, e) = api.open_pull("kahn-hq:feature");
    assert_eq!(s, 422);
    assert_eq!(
        e,
        json!({
            "message": "Validation Failed",
            "errors": [{"resource": "PullRequest", "code": "custom",
                        "message": "A pull request already exists for kahn-hq:feature."}],
            "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
            "status": "422"
        })
    );

    let (s, e) = api.open_pull("no-such-branch");
    assert_eq!(s, 422);
    assert_eq!(e["errors"][0]["field"], "head");
    assert_eq!(e["errors"][0]["code"], "invalid");
    let m = e["errors"][0]["message"].as_str().unwrap();
    assert!(m.contains("\"head\"") && m.contains("invalid"), "{m}");

    // A branch at main's tip: nothing to merge.
    let (s, _) = api.post(
        "/git/refs",
        &json!({"ref": "refs/heads/empty", "sha": main}),
    );
    assert_eq!(s, 201);
    let (s, e) = api.open_pull("empty");
    assert_eq!(s, 422);
    assert_eq!(
        e["errors"][0]["message"],
        "No commits between main and empty"
    );

    // Fast-forward rules of PATCH git/refs.
    let (s, e) = api.patch("/git/refs/heads/feature", &json!({"sha": main}));
    assert_eq!(
        (s.as_u16(), e["message"].as_str()),
        (422, Some("Update is not a fast forward"))
    );
    let (s, r) = api.patch(
        "/git/refs/heads/feature",
        &json!({"sha": main, "force": true}),
    );
    assert_eq!(s, 200, "{r}");
    let (s, r) = api.patch("/git/refs/heads/feature", &json!({"sha": c}));
    assert_eq!(s, 200, "{r}");

    // Bad JSON.
    let r = api
        .client
        .post(api.url("/pulls"))
        .bearer_auth(TOKEN)
        .body("{not json")
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[test]
fn auth_failures() {
    let api = Api::new();
    let r = api.client.get(api.url("")).send().unwrap();
    assert_eq!(r.status(), 401);
    let body: Value = r.json().unwrap();
    assert_eq!(body["message"], "Bad credentials");
    let (s, body) = parse(
        api.client
            .get(api.url(""))
            .bearer_auth("wrong")
            .send()
            .unwrap(),
    );
    assert_eq!(s, 401);
    assert_eq!(body["message"], "Bad credentials");
    let (s, _) = parse(
        api.client
            .get(api.url(""))
            .header("authorization", format!("token {TOKEN}"))
            .send()
            .unwrap(),
    );
    assert_eq!(s, 200);
    let (s, body) = parse(
        api.client
            .get(format!("{}/repos/kahn-hq/other", api.fake.base_url))
            .bearer_auth(TOKEN)
            .send()
            .unwrap(),
    );
    assert_eq!(
        (s.as_u16(), body["message"].as_str()),
        (404, Some("Not Found"))
    );
    // Auth failures are logged too.
    let log = api.fake.log();
    assert_eq!(
        log.iter().map(|l| l.status).collect::<Vec<_>>(),
        vec![Some(401), Some(401), Some(200), Some(404)]
    );
}

#[test]
fn eight_racing_ref_creates_make_one_ref() {
    let api = Api::new();
    let main = api.main_sha();
    let url = api.url("/git/refs");
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let url = url.clone();
                let main = main.clone();
                s.spawn(move || {
                    client(Duration::from_secs(10))
                        .post(url)
                        .bearer_auth(TOKEN)
                        .json(&json!({"ref": "refs/heads/race", "sha": main}))
                        .send()
                        .unwrap()
                        .status()
                        .as_u16()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        7,
        "{statuses:?}"
    );
}

#[test]
fn eight_racing_pull_creates_make_one_pull() {
    let api = Api::new();
    api.branch("race", "x.txt", "x\n");
    let url = api.url("/pulls");
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let url = url.clone();
                s.spawn(move || {
                    client(Duration::from_secs(10))
                        .post(url)
                        .bearer_auth(TOKEN)
                        .json(&json!({"title": "t", "head": "kahn-hq:race", "base": "main", "body": "b"}))
                        .send()
                        .unwrap()
                        .status()
                        .as_u16()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(api.fake.pulls().len(), 1);
}

#[test]
fn fault_status_does_not_perform() {
    let api = Api::new();
    let main = api.main_sha();
    api.fake.push_faults(vec![Fault::status(502)
        .on("POST", "/repos/kahn-hq/kahn/git/refs")
        .header("retry-after", "1")
        .body(json!({"message": "Server Error"}))]);
    // Not matched: a GET.
    assert_eq!(api.get("/git/ref/heads/main").0, 200);
    let r = api
        .client
        .post(api.url("/git/refs"))
        .bearer_auth(TOKEN)
        .json(&json!({"ref": "refs/heads/f", "sha": main}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 502);
    assert_eq!(r.headers()["retry-after"], "1");
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"message": "Server Error"})
    );
    assert!(!api.fake.refs().contains_key("refs/heads/f"));
    // Used up: the retry goes through.
    let (s, _) = api.post("/git/refs", &json!({"ref": "refs/heads/f", "sha": main}));
    assert_eq!(s, 201);
    let log = api.fake.log();
    let faulted: Vec<_> = log.iter().filter(|l| l.fault.is_some()).collect();
    assert_eq!(faulted.len(), 1);
    assert_eq!(faulted[0].status, Some(502));
    assert_eq!(faulted[0].fault.as_deref(), Some("status 502"));
}

#[test]
fn fault_perform_then_fail() {
    let api = Api::new();
    let main = api.main_sha();
    api.fake.push_faults(vec![Fault::status(500)
        .method("post")
        .path_prefix("/repos/kahn-hq/kahn/git/refs")
        .perform_then_fail()]);
    let (s, _) = api.post("/git/refs", &json!({"ref": "refs/heads/f", "sha": main}));
    assert_eq!(s, 500);
    assert_eq!(api.fake.refs().get("refs/heads/f"), Some(&main));
    let (s, e) = api.post("/git/refs", &json!({"ref": "refs/heads/f", "sha": main}));
    assert_eq!(
        (s.as_u16(), e["message"].as_str()),
        (422, Some("Reference already exists"))
    );
    let log = api.fake.log();
    assert_eq!(
        log[1].fault.as_deref(),
        Some("perform_then_fail 500 (performed: 201)")
    );
}

#[test]
fn fault_delay_then_perform_even_if_the_client_gave_up() {
    let api = Api::new();
    let main = api.main_sha();
    api.fake.push_faults(vec![
        Fault::delay(1500).on("POST", "/repos/kahn-hq/kahn/git/refs")
    ]);
    let started = Instant::now();
    let err = client(Duration::from_millis(300))
        .post(api.url("/git/refs"))
        .bearer_auth(TOKEN)
        .json(&json!({"ref": "refs/heads/slow", "sha": main}))
        .send()
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(started.elapsed() < Duration::from_millis(1400));
    // The server still carries it through.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !api.fake.refs().contains_key("refs/heads/slow") {
        assert!(
            Instant::now() < deadline,
            "the delayed create never happened"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // A client that waits gets the normal answer.
    api.fake.push_faults(vec![Fault::delay(200)]);
    let started = Instant::now();
    let (s, _) = api.get("/git/ref/heads/slow");
    assert_eq!(s, 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[test]
fn fault_reset_drops_the_connection() {
    let api = Api::new();
    let main = api.main_sha();
    api.fake.push_faults(vec![
        Fault::reset().on("POST", "/repos/kahn-hq/kahn/git/refs")
    ]);
    // A pooled client whose connection served a request before.
    let pooled = Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let r = pooled.get(api.url("")).bearer_auth(TOKEN).send().unwrap();
    assert_eq!(r.status(), 200);
    let _ = r.bytes().unwrap();
    let err = pooled
        .post(api.url("/git/refs"))
        .bearer_auth(TOKEN)
        .json(&json!({"ref": "refs/heads/r", "sha": main}))
        .send()
        .unwrap_err();
    assert!(!err.is_timeout(), "{err}");
    assert!(err.status().is_none());
    assert!(!api.fake.refs().contains_key("refs/heads/r"));
    // Perform, then reset.
    api.fake.push_faults(vec![Fault::reset()
        .on("POST", "/repos/kahn-hq/kahn/git/refs")
        .perform_then_fail()]);
    let err = api
        .client
        .post(api.url("/git/refs"))
        .bearer_auth(TOKEN)
        .json(&json!({"ref": "refs/heads/r", "sha": main}))
        .send()
        .unwrap_err();
    assert!(err.status().is_none(), "{err}");
    assert_eq!(api.fake.refs().get("refs/heads/r"), Some(&main));
    let log = api.fake.log();
    let last = log.last().unwrap();
    assert_eq!(last.status, None);
    assert_eq!(
        last.fault.as_deref(),
        Some("perform_then_fail reset (performed: 201)")
    );
    // The server is still fine.
    assert_eq!(api.get("").0, 200);
}

#[test]
fn faults_by_nth_fifo_and_times() {
    let api = Api::new();
    // Over HTTP, as Node tests do: request 2 fails; then two 503s for any GET.
    let (s, r) = api.control(
        "faults",
        &json!([
            {"nth": 2, "status": 500},
            {"method": "GET", "status": 503, "times": 2, "headers": {"retry-after": "0"}}
        ]),
    );
    assert_eq!(s, 200, "{r}");
    // 0 and 1 take the GET fault (FIFO: the nth one does not match them).
    assert_eq!(api.get("").0, 503);
    assert_eq!(api.get("").0, 503);
    assert_eq!(api.get("").0, 500);
    assert_eq!(api.get("").0, 200);
    let (s, r) = api.control("faults", &json!([{"path": "/x", "status": 500}]));
    assert_eq!(s, 400, "{r}");
    let (s, r) = api.control("faults", &json!([{"method": "GET"}]));
    assert_eq!(s, 400, "{r}");
    let log = api.control_get("log");
    let statuses: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["status"])
        .collect();
    assert_eq!(
        statuses,
        vec![&json!(503), &json!(503), &json!(500), &json!(200)]
    );
    assert_eq!(log[0]["method"], "GET");
    assert_eq!(log[0]["path"], "/repos/kahn-hq/kahn");
}

#[test]
fn controls_close_merge_edit_reset() {
    let api = Api::new();
    api.branch("one", "one.txt", "1\n");
    api.branch("two", "two.txt", "2\n");
    api.branch("three", "three.txt", "3\n");
    assert_eq!(api.open_pull("one").0, 201);
    assert_eq!(api.open_pull("two").0, 201);
    assert_eq!(api.open_pull("three").0, 201);

    let (s, p) = api.control("pulls/1234/close", &Value::Null);
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["state"], "closed");
    let (_, pr) = api.get("/pulls/1234");
    assert_eq!(
        (pr["state"].as_str(), pr["merged"].as_bool()),
        (Some("closed"), Some(false))
    );
    assert!(pr["closed_at"].is_string());
    assert!(pr["merged_at"].is_null());

    let merged = api.fake.merge_pull(1235).unwrap();
    assert!(merged.merged);
    let (_, pr) = api.get("/pulls/1235");
    assert_eq!(pr["state"], "closed");
    assert_eq!(pr["merged"], true);
    assert!(pr["merged_at"].is_string());
    assert!(pr["merge_commit_sha"].is_string());
    assert_eq!(pr["changed_files"], 1);
    // main moved: it holds two.txt now.
    let files = api.fake.branch_files("main").unwrap();
    assert_eq!(files.get("two.txt").map(String::as_str), Some("2\n"));

    let (s, p) = api.control("pulls/1236/edit", &json!({"body": "edited"}));
    assert_eq!(s, 200, "{p}");
    let (_, pr) = api.get("/pulls/1236");
    assert_eq!(pr["body"], "edited");

    let (_, open) = api.get("/pulls");
    assert_eq!(open.as_array().unwrap().len(), 1);
    let (_, closed) = api.get("/pulls?state=closed");
    assert_eq!(closed.as_array().unwrap().len(), 2);
    // Newest first by default.
    let (_, all) = api.get("/pulls?state=all");
    let numbers: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["number"])
        .collect();
    assert_eq!(numbers, vec![&json!(1236), &json!(1235), &json!(1234)]);
    // A head without `owner:` is ignored, as on GitHub.
    let (_, all) = api.get("/pulls?state=all&head=one");
    assert_eq!(all.as_array().unwrap().len(), 3);
    // Pagination with a Link header.
    let r = api
        .client
        .get(api.url("/pulls?state=all&per_page=2"))
        .bearer_auth(TOKEN)
        .send()
        .unwrap();
    let link = r.headers()["link"].to_str().unwrap().to_owned();
    assert!(link.contains("page=2>; rel=\"next\""), "{link}");

    let state = api.control_get("state");
    assert_eq!(state["pulls"].as_array().unwrap().len(), 3);
    assert!(state["refs"]["refs/heads/one"].is_string());

    let (s, _) = api.control("reset", &Value::Null);
    assert_eq!(s, 200);
    assert!(api.fake.pulls().is_empty());
    assert!(api.fake.log().is_empty());
    assert_eq!(api.fake.refs().len(), 1);
    // Numbering starts again.
    api.branch("again", "a.txt", "a\n");
    let (_, pr) = api.open_pull("again");
    assert_eq!(pr["number"], 1234);
}

#[test]
fn seeded_branches_and_configuration() {
    let api = Api::with(FakeConfig {
        owner: "acme".to_owned(),
        repo: "widgets".to_owned(),
        default_branch: "trunk".to_owned(),
        token: "other".to_owned(),
        first_pr_number: 7,
        ..FakeConfig::default()
    });
    let sha = api
        .fake
        .seed_branch(
            "half-done",
            None,
            &[("new.txt", Some("n\n")), ("README.md", None)],
            "earlier run",
        )
        .unwrap();
    let r = api
        .client
        .post(format!("{}/repos/acme/widgets/pulls", api.fake.base_url))
        .bearer_auth("other")
        .json(&json!({"title": "t", "head": "acme:half-done", "base": "trunk"}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let pr: Value = r.json().unwrap();
    assert_eq!(pr["number"], 7);
    assert_eq!(pr["head"]["sha"], sha);
    assert_eq!(pr["html_url"], "https://github.com/acme/widgets/pull/7");
    assert_eq!(pr["body"], Value::Null);
    // Over HTTP too.
    let (s, r) = api.control(
        "branches",
        &json!({"branch": "other", "files": {"x": "y"}, "message": "m"}),
    );
    assert_eq!(s, 200, "{r}");
    let b = api.control_get("branches/other");
    assert_eq!(b["files"]["x"], "y");
    assert_eq!(b["sha"], r["sha"]);
}

#[test]
fn blobs_round_trip() {
    let api = Api::new();
    let (s, b) = api.post(
        "/git/blobs",
        &json!({"content": "aGVsbG8K", "encoding": "base64"}),
    );
    assert_eq!(s, 201);
    assert_eq!(b["sha"], "ce013625030ba8dba906f756967f9e9ca394464a");
    let (s, got) = api.get("/git/blobs/ce013625030ba8dba906f756967f9e9ca394464a");
    assert_eq!(s, 200);
    assert_eq!(got["content"], "aGVsbG8K\n");
    let (s, t) = api.post(
        "/git/trees",
        &json!({"tree": [{"path": "hello", "mode": "100644", "type": "blob", "sha": b["sha"]}]}),
    );
    assert_eq!(s, 201, "{t}");
    assert_eq!(t["tree"][0]["size"], 6);
}

#[test]
fn binary_prints_its_address_and_serves() {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fake-github"))
        .args(["--port", "0", "--owner", "o", "--repo", "r", "--token", "t"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{line}");
    let r = client(Duration::from_secs(10))
        .get(format!("{base}/repos/o/r/git/ref/heads/main"))
        .header("authorization", "token t")
        .send()
        .unwrap();
    let status = r.status();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_start_on_the_callers_runtime() {
    let fake = FakeGithub::start(FakeConfig::default()).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let r = client
        .get(format!("{}/repos/kahn-hq/kahn", fake.base_url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(fake.log().len(), 1);
}

/// The values of one field across a listing.
fn field<'a>(list: &'a Value, key: &str) -> Vec<&'a Value> {
    list.as_array().unwrap().iter().map(|v| &v[key]).collect()
}

#[test]
fn issue_comments_on_pulls() {
    let api = Api::new();
    api.branch("feature", "a.txt", "a\n");
    let (s, pr) = api.open_pull("feature");
    assert_eq!(s, 201, "{pr}");
    assert_eq!(pr["comments"], 0);
    // Aged first, so that the comment visibly bumps `updated_at`.
    api.fake
        .set_pull_times(1234, Some("2024-03-01T10:00:00Z"), None)
        .unwrap();
    assert_eq!(
        api.fake.pull(1234).unwrap().updated_at,
        "2024-03-01T10:00:00Z"
    );

    let r = api
        .client
        .post(api.url("/issues/1234/comments"))
        .bearer_auth(TOKEN)
        .json(&json!({"body": "first"}))
        .send()
        .unwrap();
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let (s, c) = parse(r);
    assert_eq!(s, 201, "{c}");
    assert_has_documented_fields(&fixture("issue-comment"), &c, "comment");
    let id = c["id"].as_u64().unwrap();
    assert_eq!(location, api.url(&format!("/issues/comments/{id}")));
    assert_eq!(c["url"], api.url(&format!("/issues/comments/{id}")));
    assert_eq!(
        c["html_url"],
        format!("https://github.com/kahn-hq/kahn/pull/1234#issuecomment-{id}")
    );
    assert_eq!(c["issue_url"], api.url("/issues/1234"));
    assert_eq!(c["body"], "first");
    // The token's user, as the pull request's author.
    assert_eq!(c["user"], pr["user"]);
    assert_eq!(c["user"]["login"], "petrova-bot");
    assert_eq!(c["author_association"], "MEMBER");
    assert!(c["created_at"].is_string());
    assert_eq!(c["created_at"], c["updated_at"]);
    let (_, got) = api.get("/pulls/1234");
    assert_eq!(got["updated_at"], c["created_at"]);
    assert_eq!(got["comments"], 1);

    // Anyone's comment, through the controls.
    let forged = api.fake.add_comment(1234, "mallory", "second").unwrap();
    assert!(forged > id);
    assert_eq!(api.fake.add_comment(99, "mallory", "nowhere"), None);
    let (s, _) = api.post("/issues/1234/comments", &json!({"body": "third"}));
    assert_eq!(s, 201);

    // Oldest first, two pages with Link headers.
    let (s, page1, link) = api.get_linked("/issues/1234/comments?per_page=2");
    assert_eq!(s, 200, "{page1}");
    assert_eq!(field(&page1, "body"), vec!["first", "second"]);
    assert_eq!(page1[1]["user"]["login"], "mallory");
    assert_eq!(page1[1]["author_association"], "NONE");
    let next = api.url("/issues/1234/comments?per_page=2&page=2");
    assert_eq!(
        link,
        format!("<{next}>; rel=\"next\", <{next}>; rel=\"last\"")
    );
    let (s, page2, link) = api.get_linked("/issues/1234/comments?per_page=2&page=2");
    assert_eq!(s, 200);
    assert_eq!(field(&page2, "body"), vec!["third"]);
    assert_has_documented_fields(&fixture("issue-comment"), &page2, "list");
    let first = api.url("/issues/1234/comments?per_page=2&page=1");
    assert_eq!(
        link,
        format!("<{first}>; rel=\"prev\", <{first}>; rel=\"first\"")
    );
    let (_, all, link) = api.get_linked("/issues/1234/comments");
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_eq!(link, "");

    // The fake's view.
    let comments = api.fake.comments(1234);
    assert_eq!(
        comments
            .iter()
            .map(|c| (c.author.as_str(), c.body.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("petrova-bot", "first"),
            ("mallory", "second"),
            ("petrova-bot", "third")
        ]
    );
    assert_eq!(comments[0].id, id);
    assert!(api.fake.comments(99).is_empty());
    let state = api.control_get("state");
    assert_eq!(state["pulls"][0]["comments"][1]["author"], "mallory");

    // 422 like GitHub's, 404 for an unknown number.
    let (s, e) = api.post("/issues/1234/comments", &json!({}));
    assert_eq!(s, 422);
    assert_eq!(
        e["message"],
        "Invalid request.\n\n\"body\" wasn't supplied."
    );
    assert_eq!(
        e["documentation_url"],
        "https://docs.github.com/rest/issues/comments#create-an-issue-comment"
    );
    let (s, e) = api.post("/issues/1234/comments", &json!({"body": 5}));
    assert_eq!(s, 422);
    assert_eq!(
        e["message"],
        "Invalid request.\n\nFor 'body', expected string."
    );
    let (s, e) = api.post("/issues/99/comments", &json!({"body": "x"}));
    assert_eq!(
        (s.as_u16(), e["message"].as_str()),
        (404, Some("Not Found"))
    );
    assert_eq!(api.get("/issues/99/comments").0, 404);
    assert_eq!(api.get("/issues/x/comments").0, 404);
    assert_eq!(api.fake.comments(1234).len(), 3);

    // Comments over HTTP controls too.
    let (s, p) = api.control(
        "pulls/1234/comment",
        &json!({"login": "eve", "body": "planted"}),
    );
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["comments"][3]["author"], "eve");
}

#[test]
fn pull_files_between_the_merge_base_and_the_head() {
    let api = Api::new();
    let main = api.main_sha();
    let head = api
        .fake
        .seed_branch(
            "feature",
            None,
            &[
                ("README.md", Some("# kahn\n\nChanged.\n")),
                ("a b.txt", Some("x\ny\n")),
                ("backend/migrations/0001_init.sql", None),
            ],
            "change",
        )
        .unwrap();
    assert_eq!(api.open_pull("feature").0, 201);
    // main moves on: the files still come from the merge base.
    api.fake
        .seed_branch("main", None, &[("elsewhere.txt", Some("e\n"))], "other")
        .unwrap();

    let (s, files, link) = api.get_linked("/pulls/1234/files");
    assert_eq!(s, 200, "{files}");
    assert_eq!(link, "");
    assert_eq!(
        field(&files, "filename"),
        vec!["README.md", "a b.txt", "backend/migrations/0001_init.sql"]
    );
    assert_eq!(
        field(&files, "status"),
        vec!["modified", "added", "removed"]
    );
    assert_eq!(field(&files, "additions"), vec![1, 2, 0]);
    assert_eq!(field(&files, "deletions"), vec![1, 0, 1]);
    assert_eq!(field(&files, "changes"), vec![2, 2, 1]);
    // Blob ids: the new one, or for a removed file the old one.
    assert_eq!(files[1]["sha"], "b77b4eb1d946f923f61785536da9ca5af6909f06");
    let (_, old) = api.get(&format!("/git/trees/{main}?recursive=1"));
    let old_sql = old["tree"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "backend/migrations/0001_init.sql")
        .unwrap();
    assert_eq!(files[2]["sha"], old_sql["sha"]);
    assert_eq!(
        files[1]["blob_url"],
        format!("https://github.com/kahn-hq/kahn/blob/{head}/a%20b.txt")
    );
    assert_eq!(
        files[1]["raw_url"],
        format!("https://github.com/kahn-hq/kahn/raw/{head}/a%20b.txt")
    );
    assert_eq!(
        files[1]["contents_url"],
        api.url(&format!("/contents/a%20b.txt?ref={head}"))
    );
    // A removed file's URLs point where it still exists.
    assert_eq!(
        files[2]["blob_url"],
        format!("https://github.com/kahn-hq/kahn/blob/{main}/backend/migrations/0001_init.sql")
    );
    let mut example = fixture("diff-entry");
    // Optional in the schema, and the fake computes no patch.
    example.as_object_mut().unwrap().remove("patch");
    assert_has_documented_fields(&json!([example]), &files, "files");
    assert!(files[0].get("patch").is_none());

    // Two pages with Link headers.
    let (s, page1, link) = api.get_linked("/pulls/1234/files?per_page=2");
    assert_eq!(s, 200);
    assert_eq!(field(&page1, "filename"), vec!["README.md", "a b.txt"]);
    let next = api.url("/pulls/1234/files?per_page=2&page=2");
    assert_eq!(
        link,
        format!("<{next}>; rel=\"next\", <{next}>; rel=\"last\"")
    );
    let (_, page2, link) = api.get_linked("/pulls/1234/files?per_page=2&page=2");
    assert_eq!(
        field(&page2, "filename"),
        vec!["backend/migrations/0001_init.sql"]
    );
    assert!(link.contains("page=1>; rel=\"prev\""), "{link}");
    let (_, empty, _) = api.get_linked("/pulls/1234/files?per_page=2&page=3");
    assert_eq!(empty, json!([]));

    // Merged, the same files.
    api.fake.merge_pull(1234).unwrap();
    let (_, merged) = api.get("/pulls/1234/files");
    assert_eq!(merged, files);
    let (s, e) = api.get("/pulls/99/files");
    assert_eq!(
        (s.as_u16(), e["message"].as_str()),
        (404, Some("Not Found"))
    );
}

#[test]
fn seeded_pulls_forks_and_ages() {
    let api = Api::new();
    let main = api.main_sha();
    // From a fork, by someone else, with no such branch here.
    let n = api.fake.seed_pull(SeedPull {
        head: "patch-1".to_owned(),
        title: "Drive-by".to_owned(),
        body: Some("from a fork".to_owned()),
        author: Some("contributor".to_owned()),
        fork_owner: Some("contributor".to_owned()),
        labels: vec!["petrova".to_owned()],
        created_at: Some("2024-02-01T00:00:00Z".to_owned()),
        ..SeedPull::default()
    });
    assert_eq!(n, 1234);
    let (s, pr) = api.get("/pulls/1234");
    assert_eq!(s, 200);
    assert_has_documented_fields(&fixture("pull-request"), &pr, "pull");
    assert_eq!(pr["state"], "open");
    assert_eq!(pr["title"], "Drive-by");
    assert_eq!(pr["body"], "from a fork");
    assert_eq!(pr["user"]["login"], "contributor");
    assert_eq!(pr["user"]["type"], "User");
    assert_eq!(pr["author_association"], "NONE");
    assert_eq!(pr["created_at"], "2024-02-01T00:00:00Z");
    assert_eq!(pr["updated_at"], "2024-02-01T00:00:00Z");
    assert_eq!(pr["labels"][0]["name"], "petrova");
    assert_eq!(pr["head"]["label"], "contributor:patch-1");
    assert_eq!(pr["head"]["ref"], "patch-1");
    assert_eq!(pr["head"]["sha"], main.as_str());
    assert_eq!(pr["head"]["user"]["login"], "contributor");
    assert_eq!(pr["head"]["repo"]["full_name"], "contributor/kahn");
    assert_eq!(pr["head"]["repo"]["name"], "kahn");
    assert_eq!(pr["head"]["repo"]["owner"]["login"], "contributor");
    assert_eq!(pr["head"]["repo"]["fork"], true);
    assert_eq!(
        pr["head"]["repo"]["html_url"],
        "https://github.com/contributor/kahn"
    );
    assert_ne!(pr["head"]["repo"]["id"], pr["base"]["repo"]["id"]);
    assert_eq!(pr["base"]["label"], "kahn-hq:main");
    assert_eq!(pr["base"]["repo"]["full_name"], "kahn-hq/kahn");
    assert_eq!(pr["base"]["repo"]["fork"], false);
    assert_eq!(pr["changed_files"], 0);
    let (_, files) = api.get("/pulls/1234/files");
    assert_eq!(files, json!([]));
    // Listing by head tells the fork from this repository.
    let (_, list) = api.get("/pulls?head=contributor:patch-1");
    assert_eq!(field(&list, "number"), vec![1234]);
    assert_eq!(list[0]["head"]["label"], "contributor:patch-1");
    let (_, list) = api.get("/pulls?head=kahn-hq:patch-1");
    assert_eq!(list, json!([]));
    // A branch of the same name here is another head: its pull request opens.
    api.branch("patch-1", "p.txt", "p\n");
    let (s, local) = api.open_pull("patch-1");
    assert_eq!(s, 201, "{local}");
    assert_eq!(local["head"]["label"], "kahn-hq:patch-1");
    // And the fork's head does not follow it.
    let (_, pr) = api.get("/pulls/1234");
    assert_eq!(pr["head"]["sha"], main.as_str());

    // Closed, and merged, at given times; an existing branch gives the head.
    let head = api
        .fake
        .seed_branch("old-fix", None, &[("old.txt", Some("o\n"))], "old")
        .unwrap();
    let closed = api.fake.seed_pull(SeedPull {
        head: "old-fix".to_owned(),
        title: "Old".to_owned(),
        state: SeedState::Closed,
        created_at: Some("2024-01-01T00:00:00Z".to_owned()),
        closed_at: Some("2024-01-05T12:00:00Z".to_owned()),
        ..SeedPull::default()
    });
    let (_, pr) = api.get(&format!("/pulls/{closed}"));
    assert_eq!(pr["state"], "closed");
    assert_eq!(pr["merged"], false);
    assert_eq!(pr["merged_at"], Value::Null);
    assert_eq!(pr["closed_at"], "2024-01-05T12:00:00Z");
    assert_eq!(pr["updated_at"], "2024-01-05T12:00:00Z");
    assert_eq!(pr["user"]["login"], "petrova-bot");
    assert_eq!(pr["head"]["label"], "kahn-hq:old-fix");
    assert_eq!(pr["head"]["sha"], head.as_str());
    assert_eq!(pr["changed_files"], 1);
    let (_, files) = api.get(&format!("/pulls/{closed}/files"));
    assert_eq!(field(&files, "filename"), vec!["old.txt"]);
    let merged = api.fake.seed_pull(SeedPull {
        head: "gone".to_owned(),
        title: "Merged".to_owned(),
        state: SeedState::Merged,
        created_at: Some("2024-01-02T00:00:00Z".to_owned()),
        ..SeedPull::default()
    });
    let p = api.fake.pull(merged).unwrap();
    assert!(p.merged);
    assert_eq!(p.state, "closed");
    assert_eq!(p.closed_at.as_deref(), Some("2024-01-02T00:00:00Z"));
    assert_eq!(p.merged_at, p.closed_at);
    assert_eq!(p.updated_at, "2024-01-02T00:00:00Z");
    // Sorted by update: the seeded times order them.
    let (_, list) = api.get("/pulls?state=closed&sort=updated&direction=desc");
    assert_eq!(field(&list, "number"), vec![closed, merged]);

    // Ageing an existing pull request.
    let aged = api
        .fake
        .set_pull_times(
            closed,
            Some("2023-12-01T00:00:00Z"),
            Some("2023-12-02T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(aged.created_at, "2023-12-01T00:00:00Z");
    assert_eq!(aged.closed_at.as_deref(), Some("2023-12-02T00:00:00Z"));
    assert_eq!(aged.updated_at, "2023-12-02T00:00:00Z");
    let (_, list) = api.get("/pulls?state=closed&sort=updated&direction=desc");
    assert_eq!(field(&list, "number"), vec![merged, closed]);
    // An open one keeps no closing time.
    let open = api
        .fake
        .set_pull_times(
            1235,
            Some("2024-06-01T08:00:00Z"),
            Some("2024-06-02T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(open.closed_at, None);
    assert_eq!(open.updated_at, "2024-06-01T08:00:00Z");
    assert!(api.fake.set_pull_times(99, None, None).is_none());

    // Over HTTP controls too.
    let (s, r) = api.control(
        "pulls",
        &json!({"head": "h", "title": "t", "state": "closed", "author": "someone",
                "created_at": "2024-04-01T00:00:00Z"}),
    );
    assert_eq!(s, 200, "{r}");
    let number = r["number"].as_u64().unwrap();
    let (_, pr) = api.get(&format!("/pulls/{number}"));
    assert_eq!(pr["user"]["login"], "someone");
    assert_eq!(pr["closed_at"], "2024-04-01T00:00:00Z");
    let (s, p) = api.control(
        &format!("pulls/{number}/times"),
        &json!({"created_at": "2024-03-01T00:00:00Z"}),
    );
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["created_at"], "2024-03-01T00:00:00Z");
    assert_eq!(p["updated_at"], "2024-04-01T00:00:00Z");
    let (s, _) = api.control("pulls", &json!({"head": "h", "base": "nope"}));
    assert_eq!(s, 400);
    let (s, _) = api.control("pulls", &json!({"head": "h", "created_at": "last tuesday"}));
    assert_eq!(s, 400);
    let (s, _) = api.control("pulls", &json!({"head": "h", "stat": "open"}));
    assert_eq!(s, 400);
}

#[test]
fn closing_through_the_api() {
    let api = Api::new();
    let head = api.branch("feature", "a.txt", "a\n");
    assert_eq!(api.open_pull("feature").0, 201);
    api.fake
        .set_pull_times(1234, Some("2024-01-01T00:00:00Z"), None)
        .unwrap();
    let (s, pr) = api.patch("/pulls/1234", &json!({"state": "closed"}));
    assert_eq!(s, 200, "{pr}");
    assert_has_documented_fields(&fixture("pull-request"), &pr, "pull");
    assert_eq!(pr["state"], "closed");
    assert_eq!(pr["merged"], false);
    assert_eq!(pr["merged_at"], Value::Null);
    assert!(pr["closed_at"].as_str().unwrap() > "2024-01-01T00:00:00Z");
    assert_eq!(pr["updated_at"], pr["closed_at"]);
    assert_eq!(pr["created_at"], "2024-01-01T00:00:00Z");
    let p = api.fake.pull(1234).unwrap();
    assert_eq!(p.state, "closed");
    assert_eq!(
        Some(&p.closed_at),
        Some(&pr["closed_at"].as_str().map(str::to_owned))
    );
    // Closed, the head stays where it was.
    api.fake
        .seed_branch(
            "feature",
            Some("feature"),
            &[("b.txt", Some("b\n"))],
            "later",
        )
        .unwrap();
    let (_, got) = api.get("/pulls/1234");
    assert_eq!(got["head"]["sha"], head.as_str());
    // Closing again changes nothing but `updated_at`.
    let (s, again) = api.patch("/pulls/1234", &json!({"state": "closed"}));
    assert_eq!(s, 200);
    assert_eq!(again["closed_at"], pr["closed_at"]);
    let (_, closed) = api.get("/pulls?state=closed");
    assert_eq!(field(&closed, "number"), vec![1234]);
    let (s, e) = api.patch("/pulls/99", &json!({"state": "closed"}));
    assert_eq!(
        (s.as_u16(), e["message"].as_str()),
        (404, Some("Not Found"))
    );
}
