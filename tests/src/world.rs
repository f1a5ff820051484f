//! What the apply tests share (a module of the e2e test binary, not of the
//! library: test files add methods to [`World`]): a sandbox copy of the example workspace that
//! has been diagnosed, the fake GitHub, and the proposal's key and branch.

use petrova_fake_github::{start_blocking, FakeConfig, FakeGithubHandle, LoggedRequest};
use petrova_tests::Sandbox;
use std::path::PathBuf;

/// The token the fake accepts: distinctive, so that a leak is easy to spot.
pub const TOKEN: &str = "ghp_SECRET_petrova_test_0123456789";
/// The example repository's API path.
pub const REPO: &str = "/repos/kahn-hq/kahn";
/// The file the example plan creates.
pub const PLANNED_PATH: &str = "backend/migrations/0046_kahn_internal_rls.sql";

/// A diagnosed sandbox, a fake GitHub, and the dry run's key and branch.
pub struct World {
    pub _tmp: tempfile::TempDir,
    pub sb: Sandbox,
    pub fix: PathBuf,
    pub fake: FakeGithubHandle,
    /// The dry run's idempotency key (64 hex).
    pub key: String,
    /// `petrova/propose-fix/<8 hex>`.
    pub branch: String,
    /// The default branch's tip before any apply.
    pub main_tip: String,
}

pub fn world() -> World {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    sb.diagnose("2026-04-22");
    let fix = sb.ws.join("fix.json");
    let fake = start_blocking(FakeConfig {
        token: TOKEN.to_owned(),
        ..FakeConfig::default()
    });
    let dry = sb.propose(&fix, &["--json"]);
    dry.expect_code(0);
    let key = dry.json()["idempotency_key"]
        .as_str()
        .expect("key")
        .to_owned();
    let branch = format!("petrova/propose-fix/{}", &key[..8]);
    assert_eq!(dry.json()["branch"], branch.as_str());
    let main_tip = fake.branch_tip("main").expect("main");
    World {
        _tmp: tmp,
        sb,
        fix,
        fake,
        key,
        branch,
        main_tip,
    }
}

/// The fake's request log, one line per request, for assertion messages.
pub fn describe(log: &[LoggedRequest]) -> String {
    log.iter()
        .map(|r| {
            format!(
                "    #{} {} {} -> {}{}",
                r.index,
                r.method,
                r.path,
                r.status.map_or("-".to_owned(), |s| s.to_string()),
                r.fault
                    .as_deref()
                    .map(|f| format!(" [{f}]"))
                    .unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
