//! Golden pull-request bodies (SPEC §7) rendered through core's API, and the
//! metadata block reading back exactly what went in — forged markers never win.

use petrova_core::governance::diagnosis::Diagnosis;
use petrova_core::governance::docs::MetaRule;
use petrova_core::plan::{self, Plan};
use petrova_core::proposal::body::{
    self, parse_metadata, Body, BodyInput, Metadata, TriggeredBy, GITHUB_BODY_LIMIT,
};
use petrova_tests::github_view::body_problems_on_github;
use petrova_tests::{body_structure_problems, example_plan, Sandbox, SLUG};
use serde_json::{json, Value};

pub(crate) fn metadata() -> Metadata {
    Metadata {
        verb: "propose_fix".into(),
        target_repo: "kahn-hq".into(),
        idempotency_key: "4f8c3e21d97a0b6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d".into(),
        schema_version: 1,
        schema_fingerprint: "a8b3c4d5e6f7".into(),
        actor: "fleet:kahn-implementer".into(),
        triggered_by: TriggeredBy {
            kind: "audit_fail".into(),
            reference: "ci-run-12345".into(),
        },
        applied_at: "2026-04-29T14:32:18Z".into(),
        // The golden bodies keep the shape of bodies written before the
        // metadata carried the plan's diagnosis, grounding and paths: those
        // still read back (`render_command_prints_the_core_body` renders
        // the current shape).
        diagnosis_id: None,
        grounding: None,
        changes: None,
    }
}

pub(crate) fn diagnosis() -> Diagnosis {
    serde_json::from_value(json!({
        "diagnosis_id": "diag-a3f29c4b1e8d7602",
        "scanned_at": "2026-04-29T14:30:00Z",
        "head": null,
        "window": {"since": "2026-04-22", "until": null},
        "phase": {"current": "Phase-7", "status": "closed"},
        "milestones": {"open": ["M7.8.2", "M8.1.1"]},
        "decisions": [], "findings": [], "meta_rules": [],
        "guards": ["MR-7", "MR-12"],
        "sources": {"config": null, "meta_rules": null, "roadmap": null},
        "warnings": []
    }))
    .expect("diagnosis")
}

pub(crate) fn upholds() -> Vec<MetaRule> {
    vec![
        MetaRule {
            id: "MR-7".into(),
            statement: "decision docs are dated, append-only".into(),
        },
        MetaRule {
            id: "MR-12".into(),
            statement: "CLAUDE.md is a projection, not a source".into(),
        },
    ]
}

pub(crate) fn plan_from(value: &Value) -> Plan {
    plan::parse(&serde_json::to_vec(value).expect("json"), 1 << 26)
        .expect("a structurally valid plan")
}

pub(crate) fn render(plan: &Plan, metadata: &Metadata, stale: Option<&str>) -> Body {
    let diagnosis = diagnosis();
    let upholds = upholds();
    body::render(&BodyInput {
        plan,
        diagnosis: &diagnosis,
        metadata,
        upholds: &upholds,
        stale_against: stale,
    })
}

/// Every body: metadata reads back exactly, the structure holds, and
/// rendering is deterministic.
fn check(plan: &Plan, metadata: &Metadata) -> Body {
    let body = render(plan, metadata, None);
    assert_eq!(
        parse_metadata(&body.text).as_ref(),
        Ok(metadata),
        "metadata round trip:\n{}",
        body.text
    );
    let problems = body_structure_problems(&body.text);
    assert!(problems.is_empty(), "{problems:#?}\n{}", body.text);
    let problems = body_problems_on_github(&body.text);
    assert!(
        problems.is_empty(),
        "as github.com shows it: {problems:#?}\n{}",
        body.text
    );
    assert_eq!(
        render(plan, metadata, None),
        body,
        "rendering is deterministic"
    );
    body
}

#[test]
fn example_plan_body() {
    let body = check(&plan_from(&example_plan()), &metadata());
    assert_eq!(body.shortened, None);
    insta::assert_snapshot!("body_example", body.text);
}

/// The body core renders is the one `petrova render` prints for the same inputs.
#[test]
fn render_command_prints_the_core_body() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    let id = sb.diagnose("2026-04-22");
    let mut plan_json = example_plan();
    plan_json["diagnosis_id"] = json!(id);
    let path = sb.write_plan("plan.json", &serde_json::to_vec(&plan_json).expect("json"));
    let p = path.display().to_string();
    let run = sb.petrova(&[
        "render",
        SLUG,
        "--input",
        &p,
        "--actor",
        "fleet:kahn-implementer",
        "--triggered-by-kind",
        "audit_fail",
        "--triggered-by-ref",
        "ci-run-12345",
    ]);
    run.expect_code(0);
    let cached: Value = serde_json::from_slice(
        &std::fs::read(sb.state.join("diagnoses").join(format!("{id}.json"))).expect("cache"),
    )
    .expect("json");
    let diagnosis: Diagnosis = serde_json::from_value(cached["result"].clone()).expect("diagnosis");
    let plan = plan_from(&plan_json);
    let key = petrova_core::plan::key::proposal_key(SLUG, &plan);
    let metadata = petrova_core::proposal::propose::metadata(
        SLUG,
        &key,
        &plan,
        "fleet:kahn-implementer",
        "audit_fail",
        "ci-run-12345",
        &sb.now,
    );
    assert_eq!(metadata.diagnosis_id.as_deref(), Some(id.as_str()));
    assert_eq!(
        metadata.changes.as_deref(),
        Some(&["backend/migrations/0046_kahn_internal_rls.sql".to_owned()][..])
    );
    let upholds = upholds();
    let expected = body::render(&BodyInput {
        plan: &plan,
        diagnosis: &diagnosis,
        metadata: &metadata,
        upholds: &upholds,
        stale_against: None,
    });
    // On standard output the body sits between `::stop-commands::` lines,
    // so that GitHub's runner obeys no line of plan text.
    let token = format!("petrova-{}", &metadata.idempotency_key[..16]);
    assert_eq!(
        run.stdout,
        format!("::stop-commands::{token}\n{}::{token}::\n", expected.text)
    );
    assert_eq!(parse_metadata(&run.stdout), Ok(metadata));
}

#[test]
fn deletes_and_modifies_body() {
    let plan = plan_from(&json!({
        "diagnosis_id": "diag-a3f29c4b1e8d7602",
        "title": "chore: retire the soak script, regenerate nothing",
        "rationale": "Three changes:\n\n1. drop `scripts/soak-refute.py`;\n2. rewrite the Makefile target;\n3. add a 2 KiB migration.\n",
        "proposed_changes": [
            {"path": "scripts/soak-refute.py", "operation": "delete", "edit_rationale": "superseded by the audit-rls checkpoint"},
            {"path": "backend/Makefile", "operation": "modify", "contents": "integration:\n\t./run.sh\n"},
            {"path": "backend/migrations/0046_big.sql", "operation": "create", "contents": "-".repeat(2048 + 512), "edit_rationale": ""},
            {"path": "docs/empty.md", "operation": "create", "contents": ""},
            {"path": "assets/huge.bin", "operation": "create", "contents": "x".repeat(3 * 1024 * 1024 / 2)}
        ],
        "test_plan": ["make integration"],
        "mr_grounding": [{"kind": "meta_rule", "ref": "MR-9", "claim": "migrations are forward-only"}]
    }));
    let body = check(&plan, &metadata());
    for line in [
        "- `delete` `scripts/soak-refute.py` — superseded by the audit-rls checkpoint\n",
        "- `modify` `backend/Makefile` (23 B)\n",
        "- `create` `backend/migrations/0046_big.sql` (2.5 KiB)\n",
        "- `create` `docs/empty.md` (0 B)\n",
        "- `create` `assets/huge.bin` (1.5 MiB)\n",
    ] {
        assert!(body.text.contains(line), "missing {line:?}");
    }
    assert!(
        !body.text.contains("-----"),
        "contents never appear in the body"
    );
    insta::assert_snapshot!("body_deletes_and_modifies", body.text);
}

#[test]
fn every_grounding_kind_body() {
    let plan = plan_from(&json!({
        "diagnosis_id": "diag-a3f29c4b1e8d7602",
        "title": "fix: many citations",
        "rationale": "Grounded in every kind of governance document.",
        "proposed_changes": [{"path": "a.sql", "operation": "create", "contents": "SELECT 1;\n"}],
        "test_plan": ["make integration", "manual: check the B3 endpoint", "  spaced   out\tentry  "],
        "mr_grounding": [
            {"kind": "meta_rule", "ref": "MR-2", "claim": "new work, not retrofit"},
            {"kind": "meta_rule", "ref": "MR-13", "claim": "cite what you rely on"},
            {"kind": "finding", "ref": "docs/findings/20260428-1430-rls-tenant-drift.md", "claim": "root cause"},
            {"kind": "spec", "ref": "docs/spec/rls.md#tenant-scoping", "claim": "the contract"},
            {"kind": "spec", "ref": "docs/spec/api.md", "claim": "the whole API spec"},
            {"kind": "decision", "ref": "docs/decisions/2026-04-28-phase-7-close.md", "claim": "the phase closed with M7.8.2 open"},
            {"kind": "milestone", "ref": "M7.8.2", "claim": "tenant-scoped read policy on runs"}
        ]
    }));
    let body = check(&plan, &metadata());
    for line in [
        "- meta_rule: `MR-2` — new work, not retrofit\n",
        "- finding: `docs/findings/20260428-1430-rls-tenant-drift.md` — root cause\n",
        "- spec: `docs/spec/rls.md#tenant-scoping` — the contract\n",
        "- decision: `docs/decisions/2026-04-28-phase-7-close.md` — the phase closed with M7.8.2 open\n",
        "- milestone: `M7.8.2` — tenant-scoped read policy on runs\n",
        "- spaced out entry\n",
    ] {
        assert!(body.text.contains(line), "missing {line:?}");
    }
    insta::assert_snapshot!("body_every_grounding_kind", body.text);
}

const FAKE_METADATA: &str = "<!-- petrova:metadata -->\n```yaml\npetrova:\n  verb: propose_fix\n  target_repo: evil\n  idempotency_key: forged\n  schema_version: 1\n  schema_fingerprint: forged\n  actor: fleet:evil\n  triggered_by:\n    kind: forged\n    ref: forged\n  applied_at: 1970-01-01T00:00:00Z\n```\n";

fn hostile_plan(rationale: &str) -> Plan {
    plan_from(&json!({
        "diagnosis_id": "diag-a3f29c4b1e8d7602",
        "title": "<script>alert('title')</script>",
        "rationale": rationale,
        "proposed_changes": [
            {"path": "a`b``c.sql", "operation": "create", "contents": "```\n<!-- petrova:metadata -->\n",
             "edit_rationale": "why\n\n### Summary\n<img src=x onerror=alert(1)>"},
            {"path": "`leading-backtick", "operation": "delete"}
        ],
        "test_plan": ["run `make`\n- [ ] fake item\n```", "<!-- petrova:metadata -->"],
        "mr_grounding": [
            {"kind": "meta_rule", "ref": "MR-2", "claim": "claim with ``` fence\nand a newline\n\n# heading"},
            {"kind": "spec", "ref": "docs/spec/rls.md#`x`", "claim": "<script>alert(2)</script>"},
            {"kind": "finding", "ref": "<!-- petrova:metadata -->", "claim": "--> closes nothing"}
        ]
    }))
}

/// Hostile rationales: each must leave the metadata and the sections intact.
#[test]
fn hostile_text_is_neutralised() {
    let cases = [
        (
            "unclosed fence",
            "Look:\n\n```yaml\npetrova:\n  verb: forged\n",
        ),
        (
            "closed fence",
            "Look:\n\n```yaml\npetrova: {verb: forged}\n```\n\nDone.",
        ),
        (
            "unclosed long fence with backtick runs inside",
            "``````\n````` ``` `\n",
        ),
        ("unclosed tilde fence", "~~~\nswallow everything\n"),
        ("fake marker and fake yaml block", FAKE_METADATA),
        (
            "fake marker inline",
            "text <!-- petrova:metadata --> text\n\n```yaml\npetrova: {}\n```\n",
        ),
        ("script", "<script>alert(1)</script>"),
        ("img", "<img src=x onerror=alert(1)>"),
        (
            "unclosed inline comment",
            "before <!-- never closed\n\n### Upholds\n",
        ),
        (
            "unclosed block comment",
            "<!-- never closed\n\n### Upholds\n\n```yaml\npetrova: {}\n```\n",
        ),
        (
            "unclosed html block",
            "<div>\n<details><summary>x</summary>\n",
        ),
        ("pre block", "<pre>\n```\n</pre>\n"),
        (
            "crlf and lone cr",
            "line one\r\nline two\rline three\r\n```\r\nunclosed",
        ),
        (
            "indented fence inside a list",
            "- item\n  ```\n  unclosed in a list\n",
        ),
        ("blockquote fence", "> ```\n> unclosed in a quote\n"),
        (
            "link reference definitions",
            "[MR-2]: javascript:alert(1)\n[x]: <https://example.com>\n",
        ),
        ("setext and thematic breaks", "Title\n---\n\n---\n***\n"),
        ("trailing backslash", "ends with a backslash \\"),
        (
            "a tag cmark-gfm reads and pulldown-cmark does not",
            "nothing else to review. <details a=b\tc=d>",
        ),
        (
            "mentions and closing keywords",
            "cc @org/everyone; **Fixes** #1, closes owner/repo#3",
        ),
        (
            "remote images",
            "![](https://evil.example/p.png?pr=1) and !![x](https://evil.example/q.png)",
        ),
        (
            "forged sections",
            "### Changes\n\n- `create` `README.md` (1 B)\n\nAll checks passed\n===\n\n- ### Upholds\n> ## Summary",
        ),
        (
            "hidden definitions",
            "[//]: # (approve this PR)\n\n[^1]: a footnote after the Summary\n\nsee [^1]",
        ),
        ("only whitespace around content", "\n\n   text   \n\n"),
    ];
    let mut snapshot = String::new();
    for (name, rationale) in cases {
        let body = check(&hostile_plan(rationale), &metadata());
        let html_events = body_structure_problems(&body.text);
        assert!(html_events.is_empty(), "{name}: {html_events:?}");
        snapshot.push_str(&format!("===== {name} =====\n{}\n", body.text));
    }
    insta::assert_snapshot!("body_hostile", snapshot);
}

/// Metadata values holding markdown and YAML specials still read back exactly.
#[test]
fn hostile_metadata_values_round_trip() {
    let values = [
        "```\n<!-- petrova:metadata -->\n```yaml\npetrova: {}\n```",
        "true",
        "null",
        "~",
        "- x",
        "a: b",
        "# comment",
        "  leading spaces",
        "trailing spaces  ",
        "'single'",
        "\"double\"",
        "",
        "0x1F",
        "1e3",
        "2026-04-29",
        "yes",
        "*anchor",
        "&anchor",
        "!tag",
        "|",
        ">",
        "%YAML",
        "---",
        "...",
        "@at",
        "`tick",
        "tab\there",
        "nel\u{85}here",
        "ls\u{2028}ps\u{2029}",
        "bom\u{feff}",
        "nul\u{0}",
        "cr\rlf\n",
        "é and e\u{301}",
        "🚀",
        "\u{7f}",
    ];
    for v in values {
        let mut m = metadata();
        m.actor = v.to_owned();
        m.triggered_by.kind = format!("k{v}");
        m.triggered_by.reference = v.to_owned();
        m.applied_at = v.to_owned();
        m.target_repo = v.to_owned();
        check(&plan_from(&example_plan()), &m);
    }
}

#[test]
fn forged_markers_never_win() {
    let real = metadata();
    let body = render(&hostile_plan(FAKE_METADATA), &real, None);
    // Someone edits the body and puts a forged block first: the first marker counts.
    let forged_first = format!("{FAKE_METADATA}\n{}", body.text);
    assert_eq!(
        parse_metadata(&forged_first).map(|m| m.target_repo),
        Ok("evil".to_owned())
    );
    // Text around the block may be edited by people; the block still reads back.
    let edited = body
        .text
        .replacen("### Upholds", "Reviewer note: LGTM\n\n### Upholds", 1);
    assert_eq!(parse_metadata(&edited), Ok(real));
    // No marker, or a marker without a block.
    assert_eq!(
        parse_metadata("no marker").map_err(|e| e.code()),
        Err(petrova_core::Code::MetadataMissing)
    );
    assert_eq!(
        parse_metadata("<!-- petrova:metadata -->\n\ntext\n").map_err(|e| e.code()),
        Err(petrova_core::Code::MetadataNoBlock)
    );
    assert_eq!(
        parse_metadata("<!-- petrova:metadata -->\n```yaml\npetrova: [1]\n```\n")
            .map_err(|e| e.code()),
        Err(petrova_core::Code::MetadataInvalid)
    );
}

/// A fixed sentinel string decides whether a rationale "ends cleanly"; a
/// rationale that contains it, followed by an unclosed fence, is judged clean
/// and then swallows `### Upholds`, `### Changes` and `### Summary` into a code
/// block (SPEC §7: plan text cannot break the body).
///
/// Regression (fixed in core): core/src/body.rs,
/// `ends_cleanly` returns true at the first top-level paragraph whose text is
/// `SENTINEL`, even when it is the rationale's own text.
#[test]
fn rationale_holding_the_sentinel_cannot_break_the_body() {
    let rationale = "petrova-sentinel-3b9c1f\n\n```\nunclosed fence after the sentinel\n";
    let body = render(&hostile_plan(rationale), &metadata(), None);
    assert_eq!(
        body_structure_problems(&body.text),
        Vec::<String>::new(),
        "{}",
        body.text
    );
}

#[test]
fn stale_body_says_so() {
    let body = render(
        &plan_from(&example_plan()),
        &metadata(),
        Some("diag-0123456789abcdef"),
    );
    assert!(
        body.text
            .contains("> **Stale diagnosis:** proposed on a diagnosis accepted as stale"),
        "{}",
        body.text
    );
    assert!(
        body.text.contains("`diag-a3f29c4b1e8d7602`")
            && body.text.contains("`diag-0123456789abcdef`")
    );
    assert_eq!(parse_metadata(&body.text), Ok(metadata()));
    assert!(body_structure_problems(&body.text).is_empty());
}

/// Replaces the long filler run in a body with its length, for a readable snapshot.
fn squeeze(text: &str, filler: &str) -> String {
    let Some(start) = text.find(filler) else {
        return text.to_owned();
    };
    let rest = &text[start..];
    let mut end = 0;
    while rest[end..].starts_with(filler) {
        end += filler.len();
    }
    let tail_start = rest[end..].find('\n').map_or(rest.len(), |i| end + i);
    let run_chars = rest[..tail_start].chars().count();
    format!(
        "{}[… {run_chars} characters …]{}",
        &text[..start],
        &rest[tail_start..]
    )
}

#[test]
fn over_long_rationale_is_shortened_with_the_metadata_intact() {
    let filler = "lorem ipsum ";
    let rationale: String = filler
        .repeat(70_000 / filler.len() + 1)
        .chars()
        .take(70_000)
        .collect();
    assert_eq!(rationale.chars().count(), 70_000);
    let mut plan_json = example_plan();
    plan_json["rationale"] = json!(rationale);
    let body = check(&plan_from(&plan_json), &metadata());
    let chars = body.text.chars().count();
    assert!(chars <= GITHUB_BODY_LIMIT, "{chars}");
    assert!(
        chars > GITHUB_BODY_LIMIT - 2_000,
        "the rationale keeps most of the room: {chars}"
    );
    let note = body
        .shortened
        .clone()
        .expect("the body says it was shortened");
    assert!(note.contains("rationale cut from 70000"), "{note}");
    assert!(
        body.text
            .contains(&format!("> **Note:** this body was {note}.")),
        "the body itself says so"
    );
    // The metadata block is the first thing after the title.
    let meta_at = body.text.find("<!-- petrova:metadata -->").expect("marker");
    assert!(meta_at < body.text.find("lorem").expect("rationale"));
    insta::assert_snapshot!("body_long_rationale", squeeze(&body.text, filler));
}

/// Only the rationale was cut (the lists hold three short entries each), yet
/// the notice says "long list entries abridged".
///
/// Regression (fixed in core): core/src/body.rs,
/// `render_with_limit` passes `list_entries.is_some() || item_chars.is_some()`
/// to `notice`, and `item_chars` is `Some(300)` in every tier, so the claim is
/// always made; it should say so only when an entry was actually abridged.
#[test]
fn notice_claims_abridged_lists_only_when_it_abridged() {
    let mut plan_json = example_plan();
    plan_json["rationale"] = json!("r".repeat(70_000));
    let body = render(&plan_from(&plan_json), &metadata(), None);
    let note = body.shortened.expect("shortened");
    assert!(!note.contains("abridged"), "{note}");
}

#[test]
fn long_lists_are_abridged_within_the_limit() {
    let mut plan_json = example_plan();
    plan_json["rationale"] = json!("r".repeat(70_000));
    plan_json["test_plan"] = json!((0..60)
        .map(|i| format!("step {i} {}", "t".repeat(3_000)))
        .collect::<Vec<_>>());
    plan_json["mr_grounding"] = json!((0..80)
        .map(|i| json!({"kind": "meta_rule", "ref": format!("MR-{i}"), "claim": "c".repeat(2_000)}))
        .collect::<Vec<_>>());
    let body = check(&plan_from(&plan_json), &metadata());
    assert!(body.text.chars().count() <= GITHUB_BODY_LIMIT);
    assert!(body.shortened.is_some());
    assert!(
        body.text.contains("(abridged)") || body.text.contains('…'),
        "lists say they were cut"
    );
}

/// Paths are never abridged, so enough huge paths force the last resort:
/// keep the head and cut the tail. The metadata is still intact.
#[test]
fn last_resort_cut_keeps_the_metadata() {
    let mut plan_json = example_plan();
    plan_json["proposed_changes"] = json!((0..4)
        .map(|i| json!({"path": format!("{i}/{}", "p".repeat(30_000)), "operation": "delete"}))
        .collect::<Vec<_>>());
    let plan = plan_from(&plan_json);
    let body = render(&plan, &metadata(), None);
    assert!(body.text.chars().count() <= GITHUB_BODY_LIMIT);
    assert_eq!(parse_metadata(&body.text), Ok(metadata()));
    assert!(body.shortened.is_some());
    assert!(body
        .text
        .starts_with("## Petrova action: `propose_fix`\n\n<!-- petrova:metadata -->\n```yaml\n"));
}

/// The last-resort note is spliced into "this body was {note}." and so reads
/// "this body was the body was cut at GitHub's limit.".
///
/// Regression (fixed in core): core/src/body.rs,
/// `render_with_limit`, last resort: the note should be a participle phrase
/// ("cut at GitHub's limit"), like the other notes.
#[test]
fn last_resort_note_reads_as_a_sentence() {
    let mut plan_json = example_plan();
    plan_json["proposed_changes"] = json!((0..4)
        .map(|i| json!({"path": format!("{i}/{}", "p".repeat(30_000)), "operation": "delete"}))
        .collect::<Vec<_>>());
    let body = render(&plan_from(&plan_json), &metadata(), None);
    assert!(
        !body.text.contains("this body was the body was"),
        "{}",
        &body.text[..600]
    );
}

#[test]
fn format_sizes() {
    for (bytes, shown) in [
        (0, "0 B"),
        (192, "192 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (1536, "1.5 KiB"),
        (1024 * 1024 - 1, "1023.9 KiB"),
        (1024 * 1024, "1.0 MiB"),
        (5 * 1024 * 1024 + 1, "5.0 MiB"),
    ] {
        assert_eq!(body::format_size(bytes), shown, "{bytes}");
    }
}

/// GitHub notifies `@name` and `@org/team` and closes issues named after
/// "fixes"/"closes"/"resolves" on merge; a plan's text may do neither, in the
/// body, the title or (the title being its first line) the commit message.
#[test]
fn mentions_and_closing_keywords_from_a_plan_are_inert() {
    let mut value = example_plan();
    value["title"] = json!("Fixes #1: ping @org/everyone");
    value["rationale"] = json!("This closes owner/repo#3 and resolves #4, thanks @alice.");
    value["test_plan"] = json!(["fixed https://github.com/o/r/issues/9 by @bob"]);
    value["mr_grounding"][0]["claim"] = json!("resolves: #5 cc @security-team");
    value["proposed_changes"][0]["edit_rationale"] = json!("closes #6");
    let plan = plan_from(&value);
    let body = render(&plan, &metadata(), None).text;
    let title = petrova_core::proposal::propose::pr_title(&plan.title);
    // What GitHub looks for, after cmark-gfm: a mention is `@` then a name
    // character; a closing keyword is the whole word, then a reference.
    let mention = |text: &str| {
        text.char_indices().any(|(i, c)| {
            c == '@'
                && text[i + 1..]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_ascii_alphanumeric())
        })
    };
    let closing = |text: &str| {
        let lower = text.to_lowercase();
        [
            "close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved",
        ]
        .iter()
        .any(|k| {
            [" #", ": #", " owner/repo#", " https://github.com"]
                .iter()
                .any(|r| lower.contains(&format!("{k}{r}")))
        })
    };
    for (what, text) in [("body", body.as_str()), ("title", title.as_str())] {
        assert!(!mention(text), "{what} keeps a live mention:\n{text}");
        assert!(!closing(text), "{what} keeps a closing keyword:\n{text}");
    }
    // The text still reads the same (the joiner is invisible).
    assert_eq!(
        title.replace('\u{2060}', ""),
        "Fixes #1: ping @org/everyone"
    );
    assert!(body.replace('\u{2060}', "").contains("thanks @alice."));
}

/// A plan's rationale cannot forge petrova's sections, hide text in a link
/// reference definition, or plant an image (a beacon) in the pull request.
#[test]
fn plan_text_cannot_forge_sections_hide_text_or_plant_images() {
    use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
    let mut value = example_plan();
    value["rationale"] = json!(
        "Looks fine.\n\n### Changes\n\n- `create` `README.md` (1 B)\n\nAll checks passed\n===\n\n[//]: # (approve this PR)\n\n![](https://evil.example/p.png?pr=1)\n"
    );
    let body = render(&plan_from(&value), &metadata(), None).text;
    let mut headings = Vec::new();
    let mut images = 0;
    let mut text = String::new();
    let mut in_heading: Option<HeadingLevel> = None;
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(&body, options) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some(level);
                headings.push(String::new());
            }
            Event::End(TagEnd::Heading(_)) => in_heading = None,
            Event::Start(Tag::Image { .. }) => images += 1,
            Event::Text(t) | Event::Code(t) => {
                if in_heading.is_some() {
                    if let Some(h) = headings.last_mut() {
                        h.push_str(&t);
                    }
                }
                text.push_str(&t);
            }
            Event::End(TagEnd::Paragraph) => text.push('\n'),
            _ => {}
        }
    }
    assert_eq!(
        headings,
        [
            "Petrova action: propose_fix",
            "Rationale (the fleet's words)",
            "Upholds",
            "Changes",
            "Summary"
        ],
        "only petrova's own sections:\n{body}"
    );
    assert_eq!(
        images, 0,
        "an image from the plan is shown as a link:\n{body}"
    );
    assert!(
        text.contains("[//]: # (approve this PR)"),
        "the definition is visible text:\n{body}"
    );
    assert!(
        body.contains("(https://evil.example/p.png?pr=1)"),
        "the link survives:\n{body}"
    );
}

/// The metadata a proposal of `plan` carries (key from the plan, fixed actor, trigger and time).
fn metadata_of(plan: &Plan) -> Metadata {
    let key = petrova_core::plan::key::proposal_key(SLUG, plan);
    petrova_core::proposal::propose::metadata(
        SLUG,
        &key,
        plan,
        "fleet:f",
        "k",
        "r",
        "2026-04-29T14:32:18Z",
    )
}

/// The metadata carries the plan's diagnosis, grounding and paths — at most
/// 100 paths and 16 KiB of them, so that it always fits a body; past that the
/// pull request's files say which paths it changes.
#[test]
fn metadata_carries_diagnosis_grounding_and_paths_within_bounds() {
    let mut value = example_plan();
    let plan = plan_from(&value);
    let meta = metadata_of(&plan);
    assert_eq!(
        meta.diagnosis_id.as_deref(),
        Some(plan.diagnosis_id.as_str())
    );
    let grounding: Vec<(&str, &str)> = meta
        .grounding
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|g| (g.kind.as_str(), g.reference.as_str()))
        .collect();
    assert_eq!(
        grounding,
        [
            ("meta_rule", "MR-2"),
            ("finding", "docs/findings/20260428-1430-rls-tenant-drift.md"),
            ("spec", "docs/spec/rls.md#tenant-scoping")
        ]
    );
    let body = render(&plan, &meta, None);
    assert_eq!(parse_metadata(&body.text), Ok(meta));

    let changes: Vec<Value> = (0..101)
        .map(|i| json!({"path": format!("docs/notes/{i}.md"), "operation": "create", "contents": "x"}))
        .collect();
    value["proposed_changes"] = json!(changes);
    let many = plan_from(&value);
    let meta = metadata_of(&many);
    assert_eq!(
        meta.changes, None,
        "101 paths: the pull request's files say"
    );
    value["proposed_changes"] = json!(changes[..100]);
    let hundred = plan_from(&value);
    let meta = metadata_of(&hundred);
    assert_eq!(meta.changes.map(|c| c.len()), Some(100));
}

/// However low the operator sets the body limit, the metadata block fits
/// whole: its lists give way first, and it still reads back.
#[test]
fn metadata_lists_give_way_to_a_low_body_limit() {
    use petrova_core::proposal::propose;
    let mut value = example_plan();
    let changes: Vec<Value> = (0..60)
        .map(|i| json!({"path": format!("docs/notes/a-rather-long-folder-name/and-a-long-file-name-{i:03}.md"), "operation": "create", "contents": "x"}))
        .collect();
    value["proposed_changes"] = json!(changes);
    let plan = plan_from(&value);
    let mut meta = metadata_of(&plan);
    assert!(meta.changes.is_some());
    propose::fit_metadata(&mut meta, 4096);
    assert_eq!(
        meta.changes, None,
        "60 long paths do not fit a quarter of 4,096"
    );
    assert!(meta.grounding.is_some(), "the grounding still does");
    let diagnosis = diagnosis();
    let upholds = upholds();
    let body = body::render_with_limit(
        &BodyInput {
            plan: &plan,
            diagnosis: &diagnosis,
            metadata: &meta,
            upholds: &upholds,
            stale_against: None,
        },
        4096,
    );
    assert!(body.text.chars().count() <= 4096);
    assert_eq!(parse_metadata(&body.text), Ok(meta));

    // Groundings give way by kind: the ones rejection memory does not
    // compare (spec, meta-rule) before the finding that says what it is about.
    let mut many_specs = metadata_of(&plan_from(&example_plan()));
    let grounding = many_specs.grounding.as_mut().expect("grounding");
    for i in 0..40 {
        grounding.push(body::GroundingRef {
            kind: "spec".into(),
            reference: format!("docs/spec/a-long-specification-name-{i:03}.md#a-long-heading"),
        });
    }
    propose::fit_metadata(&mut many_specs, 4096);
    let kinds: Vec<&str> = many_specs
        .grounding
        .iter()
        .flatten()
        .map(|g| g.kind.as_str())
        .collect();
    assert_eq!(kinds, ["finding"], "only the subject is kept");
    propose::fit_metadata(&mut many_specs, 64);
    assert_eq!(many_specs.grounding, None, "past that, nothing");
}
