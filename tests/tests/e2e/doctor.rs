//! `petrova doctor` against the fake GitHub: each check and its fix-it line.

use petrova_fake_github::{start_blocking, FakeConfig};
use petrova_tests::petrova_bin;
use std::path::Path;
use std::process::{Command, Output};

const TOKEN: &str = "ghp_doctor_SECRET_0123456789";

fn doctor(base_url: &str, token: &str, registry: &Path) -> Output {
    Command::new(petrova_bin())
        .args([
            "--registry",
            registry.to_str().expect("utf-8"),
            "doctor",
            "kahn-hq",
        ])
        .env("PETROVA_GITHUB_TOKEN", token)
        .env("PETROVA_GITHUB_API_URL", base_url)
        .env_remove("GITHUB_TOKEN")
        .output()
        .expect("run petrova")
}

fn registry(dir: &Path, default_branch: &str) -> std::path::PathBuf {
    let path = dir.join("registry.yaml");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workspace/registry.yaml"),
    )
    .expect("example registry")
    .replace(
        "default_branch: main",
        &format!("default_branch: {default_branch}"),
    );
    std::fs::write(&path, text).expect("write registry");
    path
}

fn text(out: &Output) -> String {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(TOKEN), "the token leaked: {all}");
    all
}

#[test]
fn doctor_passes_on_a_healthy_repository_and_names_each_fix() {
    let fake = start_blocking(FakeConfig {
        token: TOKEN.to_owned(),
        ..FakeConfig::default()
    });
    let tmp = tempfile::tempdir().expect("tempdir");
    let main = registry(tmp.path(), "main");

    let healthy = doctor(&fake.base_url, TOKEN, &main);
    let out = text(&healthy);
    assert_eq!(healthy.status.code(), Some(0), "{out}");
    assert_eq!(out.matches("  ok   ").count(), 3, "{out}");
    assert!(
        fake.log().iter().all(|r| r.method == "GET"),
        "doctor only reads"
    );

    fake.set_actions_can_open_pulls(false);
    let blocked = doctor(&fake.base_url, TOKEN, &main);
    let out = text(&blocked);
    assert_eq!(blocked.status.code(), Some(3), "{out}");
    assert!(out.contains("FAIL Actions may open pull requests"), "{out}");
    assert!(
        out.contains("Allow GitHub Actions to create and approve pull requests"),
        "{out}"
    );
    fake.set_actions_can_open_pulls(true);

    let trunk = registry(tmp.path(), "trunk");
    let wrong_branch = doctor(&fake.base_url, TOKEN, &trunk);
    let out = text(&wrong_branch);
    assert_eq!(wrong_branch.status.code(), Some(3), "{out}");
    assert!(
        out.contains("`trunk` does not exist") && out.contains("default_branch"),
        "{out}"
    );

    let bad_token = doctor(&fake.base_url, "ghp_wrong", &main);
    let out = text(&bad_token);
    assert_eq!(bad_token.status.code(), Some(3), "{out}");
    assert!(
        out.contains("rejected the token") && !out.contains("ghp_wrong"),
        "{out}"
    );
    assert_eq!(
        out.matches("FAIL").count(),
        1,
        "a rejected token stops the checks: {out}"
    );
}

#[test]
fn doctor_without_a_token_is_configuration() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let main = registry(tmp.path(), "main");
    let out = Command::new(petrova_bin())
        .args([
            "--registry",
            main.to_str().expect("utf-8"),
            "doctor",
            "kahn-hq",
        ])
        .env_remove("PETROVA_GITHUB_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .output()
        .expect("run petrova");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("token"));
}
