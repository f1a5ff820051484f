//! Governance-document parsing over awkward inputs, through core's public API:
//! results and `path:line` warnings, never a panic (SPEC §3).

use petrova_core::governance::diagnosis::{self, ScanInput, Window};
use petrova_core::governance::docs::{parse_meta_rules, parse_roadmap, ScanLimits};
use petrova_core::governance::markdown::{anchors, blocks, github_slug, Block};
use petrova_core::governance::source::MemoryCheckout;
use petrova_core::Diagnostic;

/// `path:line: message [code]` reduced to `path:line code`.
fn located(warnings: &[Diagnostic]) -> Vec<String> {
    warnings
        .iter()
        .map(|w| format!("{} {}", w.location().unwrap_or_default(), w.code))
        .collect()
}

// ----- meta-rules -----

fn check_rules(name: &str, input: &str, rules: &[(&str, &str)], warnings: &[&str]) {
    let (got, warns) = parse_meta_rules("docs/meta-rules.md", input, 0);
    let got: Vec<(&str, &str)> = got
        .iter()
        .map(|r| (r.id.as_str(), r.statement.as_str()))
        .collect();
    assert_eq!(got, rules, "{name}: rules");
    assert_eq!(located(&warns), warnings, "{name}: warnings");
}

#[test]
fn meta_rules_over_awkward_inputs() {
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);
    let cases: &[Case<'_>] = &[
        ("empty", "", &[], &[]),
        ("whitespace only", " \n\n\t\n", &[], &[]),
        ("crlf", "# Rules\r\n\r\n- **MR-1** — one\r\n- MR-2: two\r\n", &[("MR-1", "one"), ("MR-2", "two")], &[]),
        ("lone cr line endings", "- MR-1 — one\r- MR-2 — two\r", &[("MR-1", "one"), ("MR-2", "two")], &[]),
        (
            "setext headings",
            "MR-3 — a setext rule\n===\n\nMR-4: another\n---\n",
            &[("MR-3", "a setext rule"), ("MR-4", "another")],
            &[],
        ),
        (
            "heading forms",
            "## MR-5 — atx\n### **MR-6** — bold in heading ###\n#### `MR-7` — code span\n",
            &[("MR-5", "atx"), ("MR-6", "bold in heading"), ("MR-7", "code span")],
            &[],
        ),
        (
            "separators",
            "- MR-1 - hyphen\n- MR-2 – en dash\n- MR-3 — em dash\n- MR-4: colon\n- MR-5—tight\n- MR-6 no separator\n- MR-7 . dot\n",
            &[("MR-1", "hyphen"), ("MR-2", "en dash"), ("MR-3", "em dash"), ("MR-4", "colon"), ("MR-5", "tight")],
            &[],
        ),
        (
            "emphasis and links in the statement",
            "- **MR-8** — *never* edit [CLAUDE.md](CLAUDE.md) by `hand`\n",
            &[("MR-8", "never edit CLAUDE.md by hand")],
            &[],
        ),
        (
            "mentions define nothing",
            "See MR-1 — before editing.\n\n- see MR-2 — not at the start\n- The MR-3: rule\n\n> MR-4 — a quote paragraph\n",
            &[],
            &[],
        ),
        (
            "code and html hide definitions",
            "```\n- MR-1 — in a fence\n```\n\n    - MR-2 — indented code\n\n<!--\n- MR-3 — in a comment\n-->\n",
            &[],
            &[],
        ),
        (
            "nested lists",
            "- MR-1 — outer\n  - MR-2 — nested\n    - MR-3 — deeper\n- MR-4 — next\n",
            &[("MR-1", "outer"), ("MR-2", "nested"), ("MR-3", "deeper"), ("MR-4", "next")],
            &[],
        ),
        (
            "loose list with continuation paragraphs",
            "- MR-1 — first\n\n  explanation of the first\n\n- MR-2 — second\n  continued on a second line\n",
            &[("MR-1", "first"), ("MR-2", "second")],
            &[],
        ),
        ("ordered list", "1. MR-1 — one\n2) MR-2 — two\n", &[("MR-1", "one"), ("MR-2", "two")], &[]),
        (
            "non-ASCII statements",
            "- MR-1 — les décisions sont datées, ajout seul\n- MR-2 — 決定は追記のみ 🚫✏️\n",
            &[("MR-1", "les décisions sont datées, ajout seul"), ("MR-2", "決定は追記のみ 🚫✏️")],
            &[],
        ),
        (
            "ordered by number, not by text",
            "- MR-10 — ten\n- MR-9 — nine\n- MR-100 — hundred\n",
            &[("MR-9", "nine"), ("MR-10", "ten"), ("MR-100", "hundred")],
            &[],
        ),
        (
            "duplicates warn with the line, first wins",
            "# Rules\n\n- MR-1 — first\n\n## MR-1 — again\n\n- MR-1: third\n",
            &[("MR-1", "first")],
            &["docs/meta-rules.md:5 meta_rule_duplicate", "docs/meta-rules.md:7 meta_rule_duplicate"],
        ),
        ("not a number", "- MR-x — nope\n- MR- — nope\n- MR-1x — nope\n", &[], &[]),
        ("replacement characters", "- MR-1 — a\u{FFFD}b\n", &[("MR-1", "a\u{FFFD}b")], &[]),
    ];
    for (name, input, rules, warnings) in cases {
        check_rules(name, input, rules, warnings);
    }
}

#[test]
fn meta_rule_lines_account_for_the_offset() {
    let (_, warns) = parse_meta_rules("m.md", "- MR-1 — a\n- MR-1 — b\n", 4);
    assert_eq!(located(&warns), ["m.md:6 meta_rule_duplicate"]);
}

// ----- roadmap -----

fn check_roadmap(
    name: &str,
    input: &str,
    current: Option<&str>,
    status: Option<&str>,
    open: &[&str],
    warnings: &[&str],
) {
    let (roadmap, warns) = parse_roadmap("docs/roadmap.md", input, 0);
    assert_eq!(roadmap.current.as_deref(), current, "{name}: current");
    assert_eq!(roadmap.status.as_deref(), status, "{name}: status");
    assert_eq!(roadmap.open_milestones, open, "{name}: open milestones");
    assert_eq!(located(&warns), warnings, "{name}: warnings");
}

#[test]
fn roadmap_over_awkward_inputs() {
    type Case<'a> = (
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        &'a [&'a str],
        &'a [&'a str],
    );
    let cases: &[Case<'_>] = &[
        ("empty", "", None, None, &[], &["docs/roadmap.md roadmap_no_phase"]),
        ("binary-ish text", "\u{1}\u{2}\u{FFFD}\u{FFFD}", None, None, &[], &["docs/roadmap.md roadmap_no_phase"]),
        (
            "crlf",
            "# Roadmap\r\n\r\n## Phase-7 — RLS\r\n\r\nStatus: closed\r\n\r\n- [ ] M7.8.2 — open\r\n- [x] M7.8.1 — done\r\n",
            Some("Phase-7"),
            Some("closed"),
            &["M7.8.2"],
            &[],
        ),
        (
            "setext phase heading, bold status",
            "Phase-3 — setext\n-----------------\n\n**Status:** Open\n\n- [ ] M3.1 — x\n",
            Some("Phase-3"),
            Some("open"),
            &["M3.1"],
            &[],
        ),
        (
            "highest number wins, not last or first",
            "## Phase-10\n\nStatus: open\n\n## Phase-9\n\nStatus: closed\n\n## Phase-2\n\nStatus: closed\n",
            Some("Phase-10"),
            Some("open"),
            &[],
            &[],
        ),
        (
            "a phase with no status and no items is planned, so not current",
            "## Phase-1\n\nStatus: closed\n\n## Phase-2 — next\n\nSome prose.\n",
            Some("Phase-1"),
            Some("closed"),
            &[],
            &[],
        ),
        (
            "bad status value",
            "## Phase-4\n\nStatus: paused\n",
            Some("Phase-4"),
            Some("planned"),
            &[],
            &["docs/roadmap.md:3 roadmap_phase_status"],
        ),
        (
            "milestones: nested, loose, repeated, unchecked anywhere",
            "## Phase-1\n\nStatus: open\n\n- [ ] M1.1 — top\n  - [ ] M1.1.1 — nested\n\n- [X] M1.2 — done (capital X)\n\n- [ ] M1.3 — loose\n\n  with a paragraph\n\n## Backlog\n\n- [ ] M9.1 — later\n- [ ] M1.1 — repeated\n* [ ] M9.2 — star bullet\n1. [ ] M9.3 — ordered\n",
            Some("Phase-1"),
            Some("open"),
            &["M1.1", "M1.1.1", "M1.3", "M9.1", "M9.2", "M9.3"],
            &[],
        ),
        (
            "items without an id are milestones named by their text",
            "## Phase-1\n\nStatus: open\n\n- [ ] Mx — no id\n- [ ] M. — no digits\n- [ ] M1. — trailing dot\n- [ ] M1..2 — double dot\n- [ ] M1a — letters\n- [ ] see M1.4 — not first\n- M1.5 — no checkbox\n```\n- [ ] M1.6 — in code\n```\n",
            Some("Phase-1"),
            Some("open"),
            &["Mx — no id", "M. — no digits", "M1. — trailing dot", "M1..2 — double dot", "M1a — letters", "see M1.4 — not first"],
            &[],
        ),
        (
            "phase-like headings that are not phases",
            "## Phase-7b\n\nStatus: open\n\n## Phase-\n\n## phase-8\n\n## The Phase-9 plan\n",
            None,
            None,
            &[],
            &["docs/roadmap.md roadmap_no_phase"],
        ),
        (
            "phase heading with markup",
            "## **Phase-5** — `api` *keys*\n\nStatus: closed\n",
            Some("Phase-5"),
            Some("closed"),
            &[],
            &[],
        ),
        (
            "Phase <n>: title at any level, status from the heading",
            "# Plan\n\n### Phase 30: Search ✅\n\n- [x] index\n\n### Phase 31: Sharing 🚧\n\n- [x] links\n- [ ] invites\n\n### Phase 32: Billing\n\n- [ ] plans\n- [ ] invoices\n",
            Some("Phase-31"),
            Some("open"),
            &["invites", "plans", "invoices"],
            &[],
        ),
        (
            "parenthesised statuses; a written Status: wins over the heading",
            "## Phase 1 (complete)\n\n## Phase 2 (in progress)\n\nStatus: closed\n\n## Phase 3 (planned)\n\n- [x] stray\n",
            Some("Phase-2"),
            Some("closed"),
            &[],
            &[],
        ),
        (
            "status from the task list: a mix is open, all checked is closed",
            "## Phase 1\n\n- [x] a\n- [x] b\n\n## Phase 2\n\n- [x] c\n- [ ] d\n\n## Phase 3\n\n- [ ] e\n",
            Some("Phase-2"),
            Some("open"),
            &["d", "e"],
            &[],
        ),
        (
            "all planned: the lowest is current",
            "## Phase 4\n\n- [ ] x\n\n## Phase 3\n\n- [ ] y\n",
            Some("Phase-3"),
            Some("planned"),
            &["x", "y"],
            &[],
        ),
        (
            "sub-headings stay inside their phase",
            "## Phase 2\n\n### Tasks\n\n- [x] done\n- [ ] left\n\n## Notes\n\n- [x] not counted\n",
            Some("Phase-2"),
            Some("open"),
            &["left"],
            &[],
        ),
        (
            "version headings are phases, sorted as versions",
            "# Roadmap\n\n## [Version 0.9]\n\n- [ ] later\n\n## [Version 0.10]\n\n- [ ] much later\n\n## v0.6\n\n- [x] shipped\n\n## Version 0.7.1 (in progress)\n\n- [ ] polish\n",
            Some("v0.7.1"),
            Some("open"),
            &["later", "much later", "polish"],
            &[],
        ),
        (
            "status as a list item, in its usual spellings",
            "## Phase-8\n\n- **Status:** Done\n- owner: ops\n",
            Some("Phase-8"),
            Some("closed"),
            &[],
            &[],
        ),
        (
            "a long item's text is cut at 80 characters",
            "## Phase-1\n\nStatus: open\n\n- [ ] a very long task description that goes on and on well past the eighty character mark\n",
            Some("Phase-1"),
            Some("open"),
            &["a very long task description that goes on and on well past the eighty character"],
            &[],
        ),
        (
            "non-ASCII milestone text",
            "## Phase-1 — Café\n\nStatus: open\n\n- [ ] M1.1 — naïve façade 🚀\n",
            Some("Phase-1"),
            Some("open"),
            &["M1.1"],
            &[],
        ),
    ];
    for (name, input, current, status, open, warnings) in cases {
        check_roadmap(name, input, *current, *status, open, warnings);
    }
}

// ----- one dated document -----

/// `records::read`, the one reader of decision and finding records.
/// The one place that knows the function's signature.
fn read_doc_facts(
    path: &str,
    bytes: &[u8],
    limits: ScanLimits,
) -> petrova_core::governance::records::RecordFacts {
    petrova_core::governance::records::read(path, bytes, limits)
}

struct Facts<'a> {
    title: Option<&'a str>,
    status: Option<&'a str>,
    supersedes: Option<&'a str>,
    warnings: &'a [&'a str],
}

fn check_facts(name: &str, bytes: &[u8], expected: &Facts<'_>) {
    let facts = read_doc_facts(
        "docs/decisions/2026-04-28-x.md",
        bytes,
        ScanLimits::default(),
    );
    assert_eq!(facts.title.as_deref(), expected.title, "{name}: title");
    assert_eq!(facts.status.as_deref(), expected.status, "{name}: status");
    assert_eq!(
        facts.supersedes.as_deref(),
        expected.supersedes,
        "{name}: supersedes"
    );
    let short: Vec<String> = located(&facts.warnings)
        .into_iter()
        .map(|w| w.replace("docs/decisions/2026-04-28-x.md", "F"))
        .collect();
    assert_eq!(short, expected.warnings, "{name}: warnings");
    assert_eq!(facts.digest.len(), 64, "{name}: digest");
}

#[test]
fn doc_facts_over_awkward_inputs() {
    let none: &[&str] = &[];
    let cases: &[(&str, &[u8], Facts<'_>)] = &[
        (
            "empty",
            b"",
            Facts {
                title: None,
                status: None,
                supersedes: None,
                warnings: &["F:1 doc_no_title"],
            },
        ),
        (
            "plain",
            b"# Title\n\nStatus: open\n",
            Facts {
                title: Some("Title"),
                status: Some("open"),
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "bom",
            b"\xEF\xBB\xBF# Title\n",
            Facts {
                title: Some("Title"),
                status: None,
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "crlf",
            b"# Title\r\n\r\nStatus: Resolved\r\n",
            Facts {
                title: Some("Title"),
                status: Some("resolved"),
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "bom and crlf",
            b"\xEF\xBB\xBF# Title\r\n\r\nStatus: open\r\n",
            Facts {
                title: Some("Title"),
                status: Some("open"),
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "setext title",
            b"The title\n=========\n\nbody\n",
            Facts {
                title: Some("The title"),
                status: None,
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "setext h2 title",
            b"Second level\n---\n",
            Facts {
                title: Some("Second level"),
                status: None,
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "title with code, emphasis and a link",
            b"# Use `set_config` for *tenant* context ([MR-11](../meta-rules.md))\n",
            Facts {
                title: Some("Use set_config for tenant context (MR-11)"),
                status: None,
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "title after prose",
            b"Some intro.\n\n## Later heading\n",
            Facts {
                title: Some("Later heading"),
                status: None,
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "empty heading skipped",
            b"#\n\n# Real\n",
            Facts {
                title: Some("Real"),
                status: None,
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "non-ASCII title",
            "# Décision : « naïve » — 決定 🚀\n".as_bytes(),
            Facts {
                title: Some("Décision : « naïve » — 決定 🚀"),
                status: None,
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "front matter",
            b"---\nstatus: Accepted\nsupersedes: docs/decisions/2026-01-01-a.md\n---\n# T\n",
            Facts {
                title: Some("T"),
                status: Some("accepted"),
                supersedes: Some("docs/decisions/2026-01-01-a.md"),
                warnings: none,
            },
        ),
        (
            "front matter with crlf and a dots terminator",
            b"---\r\nstatus: resolved\r\n...\r\n# T\r\n",
            Facts {
                title: Some("T"),
                status: Some("resolved"),
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "front matter beats a status line (SPEC §10)",
            b"---\nstatus: resolved\n---\n# T\n\n**Status:** open\n",
            Facts {
                title: Some("T"),
                status: Some("resolved"),
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "front matter without an end",
            // Read as plain markdown: the `status:` line then counts as a Status line.
            b"---\nstatus: resolved\n\n# T\n",
            Facts {
                title: Some("T"),
                status: Some("resolved"),
                supersedes: None,
                warnings: &["F:1 doc_front_matter_unterminated"],
            },
        ),
        (
            "front matter that is not YAML",
            b"---\nstatus: [unclosed\n---\n# T\n",
            Facts {
                title: Some("T"),
                status: None,
                supersedes: None,
                warnings: &["F:3 doc_front_matter_invalid"],
            },
        ),
        (
            "front matter that is a list",
            b"---\n- a\n- b\n---\n# T\n",
            Facts {
                title: Some("T"),
                status: None,
                supersedes: None,
                warnings: &["F:2 doc_front_matter_invalid"],
            },
        ),
        (
            "empty front matter",
            b"---\n---\n# T\n",
            Facts {
                title: Some("T"),
                status: None,
                supersedes: None,
                warnings: none,
            },
        ),
        (
            "front matter only",
            b"---\nstatus: open\n---\n",
            Facts {
                title: None,
                status: Some("open"),
                supersedes: None,
                warnings: &["F:1 doc_no_title"],
            },
        ),
        (
            "title line counted after front matter",
            b"---\na: 1\n---\n\nno heading here\n",
            Facts {
                title: None,
                status: None,
                supersedes: None,
                warnings: &["F:1 doc_no_title"],
            },
        ),
        (
            "binary junk with NUL",
            b"# T\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            Facts {
                title: None,
                status: None,
                supersedes: None,
                warnings: &["F:4 doc_binary"],
            },
        ),
        (
            "invalid UTF-8",
            b"# Caf\xe9\n\nline two\n\xff\xfe\n",
            Facts {
                title: Some("Caf\u{FFFD}"),
                status: None,
                supersedes: None,
                warnings: &["F:1 doc_not_utf8"],
            },
        ),
        (
            "invalid UTF-8 later",
            b"# Title\n\nok\n\nStatus: open \xc3\x28\n",
            Facts {
                title: Some("Title"),
                status: Some("open \u{FFFD}("),
                supersedes: None,
                warnings: &["F:5 doc_not_utf8"],
            },
        ),
        (
            "truncated UTF-8 at the end",
            b"# Title \xe2\x82",
            Facts {
                title: Some("Title \u{FFFD}"),
                status: None,
                supersedes: None,
                warnings: &["F:1 doc_not_utf8"],
            },
        ),
        (
            "only a BOM",
            b"\xEF\xBB\xBF",
            Facts {
                title: None,
                status: None,
                supersedes: None,
                warnings: &["F:1 doc_no_title"],
            },
        ),
        (
            "status with odd spacing",
            b"# T\n\n  STATUS:   *Open*  \n",
            Facts {
                title: Some("T"),
                status: Some("open"),
                supersedes: None,
                warnings: none,
            },
        ),
    ];
    for (name, bytes, expected) in cases {
        check_facts(name, bytes, expected);
    }
}

#[test]
fn oversized_docs_are_listed_not_parsed() {
    let facts = read_doc_facts("big.md", &[b'#'; 64], ScanLimits { max_doc_bytes: 63 });
    assert_eq!(located(&facts.warnings), ["big.md doc_too_large"]);
    assert_eq!(facts.title, None);
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = petrova_tests::XorShift::new(7);
    let alphabet: &[&[u8]] = &[
        b"#",
        b"# ",
        b"-",
        b"- ",
        b"[ ]",
        b"[x]",
        b"MR-",
        b"7",
        b"\xE2\x80\x94",
        b":",
        b"\n",
        b"\r\n",
        b"\r",
        b"---\n",
        b"```",
        b"~~~",
        b"<!--",
        b"-->",
        b"*",
        b"_",
        b"`",
        b"\t",
        b" ",
        b"Status:",
        b"Phase-",
        b"M1.",
        b"=",
        b"|",
        b">",
        b"\xEF\xBB\xBF",
        b"\xff",
        b"\xc3",
        b"\x00",
        b"\\",
        b"[",
        b"](",
    ];
    for _ in 0..1500 {
        let mut bytes = Vec::new();
        for _ in 0..rng.below(60) {
            let piece: &&[u8] = rng.pick(alphabet);
            bytes.extend_from_slice(piece);
        }
        let facts = read_doc_facts("r.md", &bytes, ScanLimits::default());
        for w in &facts.warnings {
            assert_eq!(w.path.as_deref(), Some("r.md"));
        }
        let text = String::from_utf8_lossy(&bytes);
        let (_, w1) = parse_meta_rules("r.md", &text, 0);
        let (_, w2) = parse_roadmap("r.md", &text, 0);
        // Lines end at \n, \r\n or a lone \r, as CommonMark and YAML count them.
        let lines = text
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .lines()
            .count()
            .max(1);
        for w in w1.iter().chain(&w2).chain(&facts.warnings) {
            if let Some(line) = w.line {
                assert!(line >= 1 && line <= lines + 1, "{w} for {bytes:?}");
            }
        }
        let _ = anchors(&blocks(&text, 0));
    }
}

// ----- blocks, anchors and slugs -----

#[test]
fn blocks_keep_lines_and_kinds() {
    let md = "---\nnot front matter here, just a rule\n\nIntro\nparagraph\n\n- item one\n  more\n- [x] done\n\n> quoted\n\n   ## Indented heading ##\n";
    let got = blocks(md, 10);
    assert_eq!(
        got,
        vec![
            Block::Paragraph {
                text: "not front matter here, just a rule".into(),
                line: 12
            },
            Block::Paragraph {
                text: "Intro\nparagraph".into(),
                line: 14
            },
            Block::Item {
                text: "item one".into(),
                task: None,
                line: 17
            },
            Block::Item {
                text: "done".into(),
                task: Some(true),
                line: 19
            },
            Block::Paragraph {
                text: "quoted".into(),
                line: 21
            },
            Block::Heading {
                level: 2,
                text: "Indented heading".into(),
                anchor_text: "Indented heading".into(),
                line: 23
            },
        ]
    );
}

#[test]
fn github_slugs() {
    let cases = [
        ("Tenant scoping", "tenant-scoping"),
        ("B3 endpoint: /v1/runs (read)", "b3-endpoint-v1runs-read"),
        (
            "A1 endpoint: /v1/orgs/{org_id} (read)",
            "a1-endpoint-v1orgsorg_id-read",
        ),
        ("Policy naming", "policy-naming"),
        ("  Leading and trailing  ", "leading-and-trailing"),
        ("Two  spaces", "two--spaces"),
        ("Ünïcode Straße", "ünïcode-straße"),
        ("ÉCOLE", "école"),
        ("日本語の見出し", "日本語の見出し"),
        ("Emoji 🚀 rocket", "emoji--rocket"),
        ("snake_case & kebab-case", "snake_case--kebab-case"),
        ("What's new? (v2.0)", "whats-new-v20"),
        ("“Quoted” — dash", "quoted--dash"),
        ("100%", "100"),
        ("", ""),
        ("---", "---"),
        ("Café", "café"),
        ("Cafe\u{301}", "cafe\u{301}"),
    ];
    for (text, slug) in cases {
        assert_eq!(github_slug(text), slug, "{text:?}");
    }
}

fn anchors_of(md: &str) -> Vec<String> {
    anchors(&blocks(md, 0))
}

#[test]
fn heading_anchors() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "duplicates",
            "# Intro\n## Intro\n### Intro\n",
            &["intro", "intro-1", "intro-2"],
        ),
        (
            "duplicate of a suffixed heading",
            "# A\n# A\n# A-1\n",
            &["a", "a-1", "a-1-1"],
        ),
        (
            "suffix taken first",
            "# A-1\n# A\n# A\n",
            &["a-1", "a", "a-2"],
        ),
        (
            "markup",
            "# The `foo` *bar* [baz](x) **qux**\n",
            &["the-foo-bar-baz-qux"],
        ),
        (
            "setext",
            "Title one\n===\n\nTitle two\n---\n",
            &["title-one", "title-two"],
        ),
        ("crlf", "# One\r\n## Two\r\n", &["one", "two"]),
        ("closing hashes", "## Closed ##\n", &["closed"]),
        ("empty heading", "#\n# \n", &["", "-1"]),
        (
            "not headings",
            "#no-space\n    # indented code\n```\n# fenced\n```\n",
            &[],
        ),
        (
            "headings inside lists and quotes",
            "- # In a list\n> # In a quote\n",
            &["in-a-list", "in-a-quote"],
        ),
        (
            "non-ASCII duplicates",
            "# Café\n# Café\n",
            &["café", "café-1"],
        ),
    ];
    for (name, md, expected) in cases {
        assert_eq!(anchors_of(md), *expected, "{name}");
    }
}

/// GitHub builds an anchor from the heading's rendered text, with HTML tags
/// stripped: `# A <em>b</em>` renders as "A b" and gets `#a-b`.
///
/// Regression (fixed in core): `markdown::blocks` appends
/// `Event::InlineHtml` to the heading text, so the slug takes the tag names in.
#[test]
fn inline_html_in_headings_is_not_part_of_the_anchor() {
    assert_eq!(
        anchors_of("## Tenant <em>scoping</em>\n"),
        ["tenant-scoping"]
    );
    assert_eq!(
        anchors_of("## Tenant scoping <a id=\"ts\"></a>\n"),
        ["tenant-scoping"]
    );
}

/// GitHub keeps letters, marks (Mn, Mc, Me), decimal and letter numbers and
/// connector punctuation in an anchor and drops Other_Number (`²`, `½`), as
/// github-slugger's generated table (built from GitHub's own output) does:
/// `## हिन्दी` gets `#हिन्दी`, virama (U+094D, a mark) included; `## x²` gets `#x`.
///
/// Regression (fixed in core): `markdown::github_slug` keeps
/// `char::is_alphanumeric` plus U+0300–U+036F only, so it drops U+094D, U+20DD
/// and U+203F and keeps `²`; a valid `spec.md#हिन्दी` grounding is refused.
#[test]
fn github_slug_keeps_all_marks_and_connectors() {
    assert_eq!(github_slug("हिन्दी"), "हिन्दी");
    assert_eq!(github_slug("a\u{20DD}b"), "a\u{20DD}b");
    assert_eq!(github_slug("a\u{203F}b"), "a\u{203F}b");
    assert_eq!(github_slug("x²"), "x");
    assert_eq!(github_slug("½ cup"), "-cup");
}

// ----- whole scans through a checkout -----

fn scan(checkout: &MemoryCheckout) -> diagnosis::Diagnosis {
    diagnosis::diagnose(
        checkout,
        &ScanInput {
            window: Window::parse("2026-04-01", None, petrova_core::error::Frontend::Cli)
                .expect("window"),
            scanned_at: "2026-04-29T14:30:00Z".into(),
            head: None,
            limits: ScanLimits::default(),
        },
    )
}

#[test]
fn whole_scan_of_awkward_documents() {
    let checkout = MemoryCheckout::new()
        .with_file(".petrova.yml", b"\xEF\xBB\xBFguards:\r\n  - rule: MR-7\r\n    kind: read_only\r\n    paths: [CLAUDE.md]\r\n".to_vec())
        .with_file("docs/meta-rules.md", b"\xEF\xBB\xBF# Rules\r\n\r\n- **MR-7** \xE2\x80\x94 generated, never edited\r\n".to_vec())
        .with_file("docs/roadmap.md", b"---\r\nowner: me\r\n---\r\nPhase-2\r\n=======\r\n\r\nStatus: open\r\n\r\n- [ ] M2.1 \xE2\x80\x94 x\r\n".to_vec())
        .with_file("docs/decisions/2026-04-02-bom.md", b"\xEF\xBB\xBF# BOM title\r\n".to_vec())
        .with_file("docs/decisions/2026-04-03-binary.md", b"\x00\x01\x02".to_vec())
        .with_file("docs/decisions/2026-04-04-latin1.md", b"# D\xe9cision\n".to_vec())
        .with_file("docs/decisions/2026-04-05-unterminated.md", b"---\nstatus: x\n# T\n".to_vec())
        .with_file("docs/decisions/2026-04-06-empty.md", b"".to_vec())
        .with_file("docs/decisions/2026-13-01-bad-date.md", b"# x\n".to_vec())
        .with_file("docs/decisions/README.md", b"# index, skipped silently\n".to_vec())
        .with_file("docs/decisions/2026-04-07-notes.txt", b"not markdown, ignored\n".to_vec())
        .with_file("docs/findings/20260402-2400-bad-hour.md", b"# x\n".to_vec())
        .with_file("docs/findings/20260403-0000-midnight.md", b"# Midnight\n\nStatus: RESOLVED\n".to_vec());
    let d = scan(&checkout);
    assert_eq!(d.phase.current.as_deref(), Some("Phase-2"));
    assert_eq!(d.phase.status.as_deref(), Some("open"));
    assert_eq!(d.milestones.open, ["M2.1"]);
    assert_eq!(d.guards, ["MR-7"]);
    assert_eq!(d.meta_rules.len(), 1);
    assert_eq!(d.meta_rules[0].statement, "generated, never edited");
    let titles: Vec<(&str, Option<&str>)> = d
        .decisions
        .iter()
        .map(|x| (x.path.as_str(), x.title.as_deref()))
        .collect();
    assert_eq!(
        titles,
        [
            ("docs/decisions/2026-04-02-bom.md", Some("BOM title")),
            ("docs/decisions/2026-04-03-binary.md", None),
            (
                "docs/decisions/2026-04-04-latin1.md",
                Some("D\u{FFFD}cision")
            ),
            ("docs/decisions/2026-04-05-unterminated.md", Some("T")),
            ("docs/decisions/2026-04-06-empty.md", None),
        ]
    );
    assert_eq!(d.findings.len(), 1);
    assert_eq!(d.findings[0].at.as_deref(), Some("2026-04-03T00:00"));
    assert_eq!(d.findings[0].status.as_deref(), Some("resolved"));
    assert_eq!(
        located(&d.warnings),
        [
            "docs/decisions/2026-04-03-binary.md:1 doc_binary",
            "docs/decisions/2026-04-04-latin1.md:1 doc_not_utf8",
            "docs/decisions/2026-04-05-unterminated.md:1 doc_front_matter_unterminated",
            "docs/decisions/2026-04-06-empty.md:1 doc_no_title",
            "docs/decisions/2026-13-01-bad-date.md doc_bad_name",
            "docs/findings/20260402-2400-bad-hour.md doc_bad_name",
        ]
    );
}

#[test]
fn missing_and_broken_governance_docs_are_warnings() {
    let d = scan(&MemoryCheckout::new());
    assert_eq!(
        located(&d.warnings),
        [
            "docs/meta-rules.md doc_missing",
            "docs/roadmap.md doc_missing"
        ]
    );
    let broken = MemoryCheckout::new()
        .with_file(".petrova.yml", "guards: [\n")
        .with_file("docs/meta-rules.md", b"\x00".to_vec())
        .with_file("docs/roadmap.md", "# no phases\n");
    let d = scan(&broken);
    assert_eq!(
        located(&d.warnings),
        [
            ".petrova.yml:2 config_invalid",
            "docs/meta-rules.md:1 doc_binary",
            "docs/roadmap.md roadmap_no_phase",
        ]
    );
    let unknown_guard = MemoryCheckout::new()
        .with_file(
            ".petrova.yml",
            "guards:\n  - rule: MR-99\n    kind: read_only\n    paths: [x]\n",
        )
        .with_file("docs/meta-rules.md", "- MR-1 — one\n")
        .with_file("docs/roadmap.md", "## Phase-1\n\nStatus: open\n");
    assert_eq!(
        located(&scan(&unknown_guard).warnings),
        [".petrova.yml guard_unknown_rule"]
    );
}
