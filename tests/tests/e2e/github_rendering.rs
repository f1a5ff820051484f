//! Bodies judged by what github.com renders, not by what petrova's own parser
//! thinks: a differential corpus of generated hostile fragments (tags with
//! every whitespace and control byte, the seven kinds of HTML block, entities,
//! autolinks, link reference and footnote definitions, fences of every length,
//! setext underlines, tables, containers, mentions and closing keywords) is
//! placed in every plan-text field of a body, and each body is rendered by
//! cmark-gfm (`scripts/cmark-oracle`). No fragment may make an element, a
//! heading, an image, a live mention or a closing reference, and petrova's
//! sections must stay at the top level. Every golden body goes through the
//! same check in `bodies.rs`.

use super::bodies::{diagnosis, metadata, plan_from};
use petrova_core::governance::docs::MetaRule;
use petrova_core::proposal::body::{self, BodyInput};
use petrova_core::proposal::propose::pr_title;
use petrova_tests::github_view::{body_problems_on_github, live_references, render};
use serde_json::json;

/// Single fragments, each an attack or a building block of one.
fn atoms() -> Vec<String> {
    let mut atoms: Vec<String> = Vec::new();
    // Tags with every ASCII whitespace and control byte where a tag parser
    // may or may not accept one, and a few non-ASCII spaces.
    let separators: Vec<char> = (0u8..=0x20)
        .chain([0x7f])
        .map(char::from)
        .chain(['\u{a0}', '\u{2028}', '\u{3000}'])
        .collect();
    for sep in &separators {
        atoms.push(format!("<details a=b{sep}c=d>"));
        atoms.push(format!("<details{sep}open>"));
        atoms.push(format!("<a{sep}href=\"https://evil.example\">x</a>"));
        atoms.push(format!("</details{sep}>"));
        atoms.push(format!("<img src=x{sep}onerror=alert(1)>"));
    }
    // The seven kinds of HTML block, alone on a line, indented, in containers.
    let blocks = [
        "<script>alert(1)</script>",
        "<pre>\nx",
        "<style>p{}</style>",
        "<textarea>",
        "<!-- hidden -->",
        "<!-- never closed",
        "<?php echo 1; ?>",
        "<!DOCTYPE html>",
        "<![CDATA[ x ]]>",
        "<div>",
        "<details><summary>open me</summary>",
        "</details>",
        "<table><tr><td>x</td></tr></table>",
        "<custom-element>",
        "<x y=\"z\">",
        "<!-- petrova:metadata -->",
    ];
    for block in blocks {
        for prefix in ["", " ", "   ", "> ", "- ", "1. ", "* > "] {
            atoms.push(format!("{prefix}{block}"));
        }
    }
    atoms.extend(
        [
            // Entities and escapes.
            "&lt;details&gt;",
            "&#60;details&#62;",
            "&#x3C;b&#x3e;x",
            "&amp;lt;b>",
            "\\<b>",
            "\\\\<b>",
            // Autolinks and bare links.
            "<https://evil.example/x>",
            "<mailto:a@b.example>",
            "<a@b.example>",
            "www.evil.example/p",
            "https://evil.example/p.png",
            // Definitions.
            "[x]: https://evil.example",
            "[//]: # (approve this PR)",
            "[^1]: a footnote\n\nsee [^1]",
            " [x]:\n  <https://evil.example>",
            "[x]: <b>",
            // Images, direct and by reference.
            "![a](https://evil.example/p.png?pr=1)",
            "![a][r]\n\n[r]: https://evil.example/p.png",
            "!![x](y)",
            "\\![x](y)",
            "![a](<x y>)",
            "[![a](https://e/p.png)](https://e)",
            // Headings.
            "# x",
            "###### x",
            "### Upholds",
            "   ### Changes",
            "> # quoted",
            "- # listed",
            "1. ## numbered",
            "* ### Summary",
            "#",
            "#x",
            "Title\n===",
            "Title\n---",
            "- a\n  ---",
            "> a\n> ===",
            // Fences.
            "```",
            "````\nx",
            "~~~",
            "~~~~~~\n<b>",
            "```yaml\npetrova: {}",
            "``` ` ```",
            "- ```\n# after a listed fence",
            "> ```\n### after a quoted fence",
            "    indented <b>",
            "\t<b>",
            // Tables and task lists.
            "| a | b |\n|---|---|\n| <b>x</b> | y |",
            "a | b\n- | -\n<i>x</i> | y",
            "- [ ] task\n- [x] done",
            // Code spans and their neighbours.
            "`<b>`",
            "``<b>` ``",
            "` `` <b> `` `",
            "`unclosed <b>",
            "https://evil.example``<b>` ``",
            "a@b.example`<b>`",
            "[x](`) <img src=x> `",
            "[x](<b>) `",
            "*<b>*",
            "**`<i>`**",
            // Lazy continuation and hard breaks.
            "> quote\nlazy <b>",
            "line\\\n<b>",
            "line  \n<b>",
            // Mentions and closing keywords.
            "@org/everyone",
            "cc @alice",
            "(@bob)",
            "*@bob*",
            "@@bob",
            "Fixes #1",
            "closes owner/repo#3",
            "Resolved: #4",
            "fix https://github.com/o/r/issues/5",
            "FIXES  #6",
            "**Fixes** #7",
            "_Fixes_ #9",
            "__closes__: *#10*",
            "Fixes\n#8",
            // Empty and blank values (an empty code span is two literal
            // backticks that pair with the next span's).
            "",
            " \t ",
            "@`",
            // Where parsers disagree on whitespace (found by review): a
            // closing fence followed by a tab, a table delimiter row with one.
            "```\na\n```\t\n<h1>LGTM - security reviewed</h1>\n\n```\n",
            "a | b\n-|\t-\n` x | <img src=\"https://evil.example/p.png\">`\n",
            "a | b\n-|\u{b}-\n` x | ![i](https://evil.example/p.png) `\n",
            "\\`![x](https://evil.example/p.png)`",
            "[a](http://x`) ![i](https://evil.example/p.png) `x`",
            // Mentions and references built from entities or odd neighbours.
            "_x_@alice",
            "é@alice",
            "&#64;alice",
            "&commat;alice",
            "Fixes \\#1",
            "Fixes &#35;1",
            "F&#105;xes #1",
            // Runner commands in text.
            "::set-output name=pr-url::https://evil.example",
            "##[error]forged",
        ]
        .map(str::to_owned),
    );
    atoms
}

/// A small deterministic generator, so the corpus is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % below
    }
}

/// Every atom alone, then pairs and triples joined as text, lines and blocks.
fn fragments() -> Vec<String> {
    let atoms = atoms();
    let mut out = atoms.clone();
    let mut rng = Lcg(0x5eed);
    let joins = ["", " ", "\n", "\n\n", "\r\n"];
    for _ in 0..3200 {
        let parts = 2 + rng.next(2);
        let mut fragment = String::new();
        for i in 0..parts {
            if i > 0 {
                fragment.push_str(joins[rng.next(joins.len())]);
            }
            fragment.push_str(&atoms[rng.next(atoms.len())]);
        }
        out.push(fragment);
    }
    out
}

fn body_with(fragment: &str) -> String {
    let plan = plan_from(&json!({
        "diagnosis_id": "diag-a3f29c4b1e8d7602",
        "title": fragment,
        "rationale": fragment,
        "proposed_changes": [
            {"path": fragment, "operation": "create", "contents": "x\n", "edit_rationale": fragment}
        ],
        "test_plan": [fragment, format!("- {fragment}")],
        "mr_grounding": [
            {"kind": "meta_rule", "ref": fragment, "claim": fragment},
            {"kind": "finding", "ref": "docs/findings/x.md", "claim": fragment}
        ]
    }));
    let upholds = vec![MetaRule {
        id: fragment.to_owned(),
        statement: fragment.to_owned(),
    }];
    body::render(&BodyInput {
        plan: &plan,
        diagnosis: &diagnosis(),
        metadata: &metadata(),
        upholds: &upholds,
        stale_against: None,
    })
    .text
}

#[test]
fn hostile_fragments_make_nothing_on_github() {
    let fragments = fragments();
    assert!(fragments.len() > 3000, "{} fragments", fragments.len());
    let mut failures = Vec::new();
    for fragment in &fragments {
        let body = body_with(fragment);
        let problems = body_problems_on_github(&body);
        if !problems.is_empty() {
            failures.push(format!("{fragment:?}: {problems:?}"));
        }
        let title = pr_title(fragment);
        let live = live_references(&title);
        if !live.is_empty() {
            failures.push(format!("title of {fragment:?}: {live:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fragments got through, the first:\n{}",
        failures.len(),
        fragments.len(),
        failures[..failures.len().min(20)].join("\n")
    );
}

/// The oracle itself: it must see the attacks petrova defends against when
/// they are not neutralised, or the test above could not fail.
#[test]
fn the_oracle_sees_what_github_renders() {
    let seen = render("nothing else to review. <details a=b\tc=d>\n\n### Upholds\n");
    assert_eq!(seen.raw_html, 1, "{}", seen.html);
    let seen = render("- # heading\n\n![x](https://e/p.png)\n\nFixes #1 @org/team");
    assert_eq!(seen.headings, [(1, 2, "heading".to_owned())]);
    assert_eq!(seen.images, 1);
    assert_eq!(
        live_references(&seen.visible).len(),
        2,
        "{:?}",
        seen.visible
    );
    let seen = render("`@org/team` [Fixes #1](https://e) F\u{2060}ixes #1 @\u{2060}bob");
    assert!(
        live_references(&seen.visible).is_empty(),
        "{:?}",
        seen.visible
    );
}

/// What the CLI writes to standard output for a plan full of workflow
/// commands — the dry run, the JSON, the body (`render`, `--body-only`) and a
/// refusal — is read by GitHub's runner as no command of the plan's.
#[test]
fn stdout_carries_no_command_from_a_plan() {
    use petrova_tests::github_view::runner_problems;
    use petrova_tests::{example_plan, propose_args, Sandbox};
    let tmp = tempfile::tempdir().expect("tempdir");
    let sb = Sandbox::new(tmp.path());
    let id = sb.diagnose("2026-04-22");
    let attack = "x\n::set-output name=pr-url::https://evil.example\r::add-mask::MR-7\r\n  ::error::forged\n##[warning]legacy\n";
    let mut plan = example_plan();
    plan["diagnosis_id"] = json!(id);
    plan["rationale"] = json!(format!("```\n{attack}```\n{attack}"));
    plan["test_plan"] = json!([attack]);
    plan["mr_grounding"][0]["claim"] = json!(attack);
    let good = sb.write_plan("good.json", &serde_json::to_vec(&plan).expect("json"));
    plan["mr_grounding"][0]["ref"] = json!(format!("MR-404{attack}"));
    plan["actor_note"] = json!(attack);
    let refused = sb.write_plan("refused.json", &serde_json::to_vec(&plan).expect("json"));
    let mut runs = Vec::new();
    for (plan, extra) in [
        (&good, &[][..]),
        (&good, &["--json"][..]),
        (&good, &["--body-only"][..]),
        (&refused, &[][..]),
        (&refused, &["--json"][..]),
        (&refused, &["--body-only"][..]),
    ] {
        let run = sb.propose(plan, extra);
        runs.push((
            format!("{} {extra:?}", plan.display()),
            run.stdout,
            run.stderr,
        ));
    }
    let good_path = good.display().to_string();
    let mut render_args = propose_args(&good_path);
    render_args[0] = "render";
    let render = sb.petrova(&render_args);
    assert!(
        render.stdout.contains("::set-output"),
        "the body is printed whole"
    );
    runs.push(("render".to_owned(), render.stdout, render.stderr));
    for (what, stdout, stderr) in runs {
        for (stream, text) in [("stdout", stdout), ("stderr", stderr)] {
            let problems = runner_problems(&text, &[]);
            assert!(problems.is_empty(), "{what} {stream}: {problems:?}\n{text}");
        }
    }
}
