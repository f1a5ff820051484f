//! `fake-github --port N --owner O --repo R --token T [--default-branch B]
//! [--first-pr-number N] [--login L]`: serves the fake on 127.0.0.1 until
//! killed. The first line on stdout is `listening on http://127.0.0.1:PORT`.

// Not petrova-core: a test server may use the clock, the network and threads.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

use petrova_fake_github::{FakeConfig, FakeGithub};
use std::io::Write as _;

const USAGE: &str = "usage: fake-github [--port N] [--owner O] [--repo R] [--token T] \
[--default-branch B] [--first-pr-number N] [--login L] [--private]";

fn parse(args: &[String]) -> Result<FakeConfig, String> {
    let mut config = FakeConfig::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--private" {
            config.private = true;
            continue;
        }
        if flag == "--help" || flag == "-h" {
            return Err(String::new());
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?
            .clone();
        let number = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag}: not a number: {v}"))
        };
        match flag.as_str() {
            "--port" => {
                config.port = u16::try_from(number(&value)?)
                    .map_err(|_| format!("--port: out of range: {value}"))?;
            }
            "--owner" => config.owner = value,
            "--repo" => config.repo = value,
            "--token" => config.token = value,
            "--default-branch" => config.default_branch = value,
            "--first-pr-number" => config.first_pr_number = number(&value)?,
            "--login" => config.login = value,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(config)
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse(&args) {
        Ok(c) => c,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("fake-github: {e}");
            }
            eprintln!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("fake-github: cannot start a runtime: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    rt.block_on(async move {
        let fake = match FakeGithub::try_start(config).await {
            Ok(f) => f,
            Err(e) => {
                eprintln!("fake-github: cannot listen: {e}");
                return std::process::ExitCode::from(1);
            }
        };
        let mut out = std::io::stdout();
        let _ = writeln!(out, "listening on {}", fake.base_url);
        let _ = out.flush();
        std::future::pending::<()>().await;
        std::process::ExitCode::SUCCESS
    })
}
