//! Arbitrary bytes as GitHub's answer to a pull-request listing (the first
//! response of `petrova status`, then every later one), with and without a
//! `Link` header: the fleet machine never panics, always ends within a bounded
//! number of requests, and what it prints — the text, the JSON lines, the
//! step-summary table — holds no line GitHub's runner would obey and no `##[`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use petrova_core::github::apply::{Reply, RetryPolicy, Step};
use petrova_core::github::fleet::{FleetCommand, FleetMachine, MAX_PAGES};
use petrova_core::operator::registry;
use petrova_tests::github_view::runner_problems;
use std::collections::BTreeMap;

const REGISTRY: &str = "- slug: kahn-hq\n  url: https://github.com/kahn-hq/kahn\n  default_branch: main\n  role: production\n  profile: standard\n  fleets_allowed: [f]\n  added: \"2026-04-29\"\n";

fuzz_target!(|data: &[u8]| {
    let registry = registry::parse(REGISTRY, "registry.yaml").expect("the fixed registry parses");
    let entry = &registry.repos[0];
    let body = String::from_utf8_lossy(data).into_owned();
    for (command, paged) in [
        (FleetCommand::Status, false),
        (FleetCommand::Status, true),
        (
            FleetCommand::Sweep {
                expires_days: Some(1),
                apply: true,
            },
            true,
        ),
    ] {
        let policy = RetryPolicy {
            max_attempts: 2,
            base_delay_ms: 0,
            max_delay_ms: 0,
        };
        let mut machine = FleetMachine::new(entry, command, "2026-04-29T14:32:18Z", policy);
        let mut step = machine.start();
        let listed = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.as_array().map(Vec::len))
            .unwrap_or(0) as u32;
        let bound = MAX_PAGES + listed * (MAX_PAGES + 2);
        let mut requests = 0;
        let output = loop {
            match step {
                Step::Done { result } => break result,
                Step::Send { .. } => {
                    requests += 1;
                    // Listing pages, then for each listed PR its comment
                    // pages, one comment and one close: never more.
                    assert!(requests <= bound, "the protocol never ends");
                    let mut headers = BTreeMap::new();
                    if paged {
                        headers.insert(
                            "link".to_owned(),
                            "<https://x/?page=2>; rel=\"next\"".to_owned(),
                        );
                    }
                    let reply = Reply::Response {
                        status: 200,
                        headers,
                        body: body.clone(),
                    };
                    step = machine.on_reply(&reply, 0);
                }
            }
        };
        for (what, text) in [
            ("text", output.render_text()),
            ("json lines", output.json_lines()),
            ("summary", output.step_summary()),
        ] {
            let problems = runner_problems(&text, &[]);
            assert!(problems.is_empty(), "{what}: {problems:?}\n{text}");
        }
    }
});
