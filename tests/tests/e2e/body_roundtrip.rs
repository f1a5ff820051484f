//! Property: for seeded random plans and metadata full of markdown and YAML
//! specials, the rendered body fits GitHub's limit, keeps its structure, and
//! its metadata block reads back exactly (SPEC §7).

use petrova_core::governance::diagnosis::Diagnosis;
use petrova_core::governance::docs::MetaRule;
use petrova_core::plan::{Change, Grounding, GroundingKind, Operation, Plan};
use petrova_core::proposal::body::{
    self, parse_metadata, BodyInput, Metadata, TriggeredBy, GITHUB_BODY_LIMIT,
};
use petrova_tests::{body_structure_problems, XorShift};

const PIECES: &[&str] = &[
    "`",
    "``",
    "```",
    "````",
    "```yaml\n",
    "~~~",
    "<!--",
    "-->",
    "<!-- petrova:metadata -->",
    "<!--petrova:metadata-->",
    "---",
    "...",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "  ",
    "    ",
    "true",
    "false",
    "null",
    "~",
    "- x",
    "- ",
    ": ",
    ":",
    "#",
    "# ",
    "'",
    "\"",
    "\\",
    "{",
    "}",
    "[",
    "]",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "?",
    ",",
    "0",
    "1.5",
    "0x10",
    "1e3",
    "yes",
    "No",
    "2026-04-29",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<div>",
    "</div>",
    "<pre>",
    "- [ ] ",
    "> ",
    "=====",
    "[x]: /u",
    "é",
    "e\u{301}",
    "🚀",
    "日本語",
    "\u{feff}",
    "\u{200b}",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{0}",
    "\u{1b}",
    "\u{7f}",
    "\u{a0}",
    "&lt;",
    "petrova:",
    "verb: forged",
    "  actor: fleet:evil",
    "MR-7",
    "docs/x.md#a",
    "fleet:kahn",
];

fn random_char(rng: &mut XorShift) -> char {
    loop {
        let c = match rng.below(4) {
            0 => char::from_u32(0x20 + rng.below(0x5f) as u32),
            1 => char::from_u32(rng.below(0x300) as u32),
            2 => char::from_u32(rng.below(0x1_0000) as u32),
            _ => char::from_u32(0x1_0000 + rng.below(0x2_0000) as u32),
        };
        if let Some(c) = c {
            return c;
        }
    }
}

fn random_text(rng: &mut XorShift, max_parts: usize) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(max_parts + 1) {
        if rng.one_in(3) {
            s.push(random_char(rng));
        } else {
            let piece: &&str = rng.pick(PIECES);
            s.push_str(piece);
        }
    }
    s
}

fn long_text(rng: &mut XorShift, chars: usize) -> String {
    let mut s = String::new();
    while s.chars().count() < chars {
        s.push_str(&random_text(rng, 40));
        s.push_str(&"word ".repeat(200));
    }
    s
}

fn random_plan(rng: &mut XorShift) -> Plan {
    let huge = rng.one_in(25);
    let ops = [Operation::Create, Operation::Modify, Operation::Delete];
    let kinds = [
        GroundingKind::MetaRule,
        GroundingKind::Finding,
        GroundingKind::Spec,
        GroundingKind::Decision,
        GroundingKind::Milestone,
    ];
    let changes = (0..1 + rng.below(4))
        .map(|_| Change {
            path: random_text(rng, 6),
            operation: *rng.pick(&ops),
            contents: (!rng.one_in(3)).then(|| random_text(rng, 20)),
            edit_rationale: (!rng.one_in(2)).then(|| random_text(rng, 12)),
        })
        .collect();
    let claim_len = if huge && rng.one_in(2) { 400 } else { 12 };
    Plan {
        diagnosis_id: random_text(rng, 4),
        title: random_text(rng, 10),
        rationale: if huge {
            let len = 60_000 + rng.below(20_000);
            long_text(rng, len)
        } else {
            random_text(rng, 40)
        },
        proposed_changes: changes,
        test_plan: (0..1 + rng.below(if huge { 40 } else { 5 }))
            .map(|_| random_text(rng, claim_len))
            .collect(),
        mr_grounding: (0..1 + rng.below(if huge { 40 } else { 6 }))
            .map(|_| Grounding {
                kind: *rng.pick(&kinds),
                reference: random_text(rng, 6),
                claim: random_text(rng, claim_len),
            })
            .collect(),
    }
}

fn random_metadata(rng: &mut XorShift) -> Metadata {
    Metadata {
        verb: if rng.one_in(4) {
            random_text(rng, 4)
        } else {
            "propose_fix".into()
        },
        target_repo: random_text(rng, 5),
        idempotency_key: random_text(rng, 5),
        schema_version: (rng.next_u64() % u64::from(u32::MAX)) as u32,
        schema_fingerprint: random_text(rng, 3),
        actor: random_text(rng, 6),
        triggered_by: TriggeredBy {
            kind: random_text(rng, 6),
            reference: random_text(rng, 6),
        },
        applied_at: random_text(rng, 4),
        diagnosis_id: rng.one_in(2).then(|| random_text(rng, 3)),
        grounding: rng.one_in(2).then(|| {
            (0..rng.next_u64() % 4)
                .map(|_| petrova_core::proposal::body::GroundingRef {
                    kind: random_text(rng, 2),
                    reference: random_text(rng, 4),
                })
                .collect()
        }),
        changes: rng.one_in(2).then(|| {
            (0..rng.next_u64() % 4)
                .map(|_| random_text(rng, 4))
                .collect()
        }),
    }
}

fn diagnosis(rng: &mut XorShift) -> Diagnosis {
    let mut d: Diagnosis = serde_json::from_value(serde_json::json!({
        "diagnosis_id": "diag-a3f29c4b1e8d7602", "scanned_at": "2026-04-29T14:30:00Z", "head": null,
        "window": {"since": "2026-04-22", "until": null}, "phase": {"current": null, "status": null},
        "milestones": {"open": []}, "decisions": [], "findings": [], "meta_rules": [], "guards": [],
        "sources": {"config": null, "meta_rules": null, "roadmap": null}, "warnings": []
    }))
    .expect("diagnosis");
    d.diagnosis_id = random_text(rng, 3);
    d.scanned_at = random_text(rng, 3);
    d
}

#[test]
fn generated_bodies_round_trip() {
    const N: u64 = 600;
    let mut failures = Vec::new();
    let mut shortened = 0;
    for seed in 1..=N {
        let mut rng = XorShift::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let plan = random_plan(&mut rng);
        let metadata = random_metadata(&mut rng);
        let diagnosis = diagnosis(&mut rng);
        let upholds: Vec<MetaRule> = (0..rng.below(3))
            .map(|i| MetaRule {
                id: format!("MR-{i}"),
                statement: random_text(&mut rng, 8),
            })
            .collect();
        let stale = rng.one_in(5).then(|| random_text(&mut rng, 3));
        let input = BodyInput {
            plan: &plan,
            diagnosis: &diagnosis,
            metadata: &metadata,
            upholds: &upholds,
            stale_against: stale.as_deref(),
        };
        let body = body::render(&input);
        shortened += usize::from(body.shortened.is_some());
        let mut problems = Vec::new();
        match parse_metadata(&body.text) {
            Ok(back) if back == metadata => {}
            Ok(back) => problems.push(format!("metadata differs: {back:?}")),
            Err(e) => problems.push(format!("metadata unreadable: {e}")),
        }
        let chars = body.text.chars().count();
        if chars > GITHUB_BODY_LIMIT {
            problems.push(format!("{chars} characters"));
        }
        problems.extend(body_structure_problems(&body.text));
        if body::render(&input) != body {
            problems.push("not deterministic".to_owned());
        }
        if !problems.is_empty() {
            let head: String = body.text.chars().take(1500).collect();
            failures.push(format!(
                "seed {seed}: {problems:?}\nmetadata: {metadata:?}\nbody head:\n{head}"
            ));
            if failures.len() >= 5 {
                break;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        shortened >= 5,
        "the generator exercises shortening ({shortened} bodies)"
    );
}
