//! Arbitrary bytes as governance documents.
//!
//! The whole input goes through each reader (`records::read`,
//! `parse_meta_rules`, `parse_roadmap`, `parse_config`, `markdown::blocks` and
//! `anchors`). Then the input, cut at each `\n%%\n`, becomes the files of a
//! repository — `.petrova.yml`, the meta-rules, the roadmap, a decision, a
//! finding, a spec, then more decisions named by their first line — and is
//! diagnosed.
//!
//! Checks: warnings are located (`path`, 1-based line within the text); anchors
//! are unique; a record's facts read from a prefix equal those of the whole
//! parse; a diagnosis is deterministic, has a well-formed id, and its cache
//! form (`diagnose --json`) reads back equal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use petrova_core::governance::diagnosis::{self, DiagnoseOutput};
use petrova_core::governance::docs::{self, ScanLimits};
use petrova_core::governance::markdown::{self, Block};
use petrova_core::governance::records;
use petrova_core::governance::source::MemoryCheckout;
use petrova_core::plan::validate::MemoryStore;
use petrova_core::Diagnostic;
use std::collections::BTreeSet;

const SEPARATOR: &[u8] = b"\n%%\n";

fuzz_target!(|data: &[u8]| {
    readers(data);
    repository(data);
});

/// Lines as CommonMark and YAML count them: `\n`, `\r\n` or a lone `\r` ends one.
fn line_count(text: &str) -> usize {
    text.replace("\r\n", "\n").split(['\n', '\r']).count()
}

fn check_lines(warnings: &[Diagnostic], text: &str, offset: usize) {
    let lines = line_count(text) + offset;
    for w in warnings {
        assert!(w.path.is_some(), "{w:?}");
        if let Some(line) = w.line {
            assert!(
                line >= 1 && line <= lines + 1,
                "line {line} of {lines}: {w:?}"
            );
        }
    }
}

fn readers(data: &[u8]) {
    let facts = records::read("d.md", data, ScanLimits::default());
    check_lines(&facts.warnings, &String::from_utf8_lossy(data), 0);
    let small = records::read("d.md", data, ScanLimits { max_doc_bytes: 64 });
    assert_eq!(
        small
            .warnings
            .iter()
            .any(|w| w.code == petrova_core::Code::DocTooLarge),
        data.len() > 64
    );
    let (_config, problems) = docs::parse_config(data);
    for p in &problems {
        assert_eq!(p.path.as_deref(), Some(docs::CONFIG_FILE));
    }
    let text = match markdown::decode("d.md", data) {
        Ok(decoded) => decoded.text.into_owned(),
        Err(_) => return,
    };
    let split = markdown::split_front_matter("d.md", &text);
    if let Some(fm) = split.front_matter {
        let _ = markdown::front_matter_fields("d.md", fm, &["status", "supersedes"]);
    }
    let (rules, warnings) = docs::parse_meta_rules("m.md", &text, 0);
    check_lines(&warnings, &text, 0);
    let ids: BTreeSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), rules.len(), "meta-rule ids are unique");
    let (roadmap, warnings) = docs::parse_roadmap("r.md", &text, 0);
    check_lines(&warnings, &text, 0);
    let open: BTreeSet<&str> = roadmap.open_milestones.iter().map(String::as_str).collect();
    assert_eq!(
        open.len(),
        roadmap.open_milestones.len(),
        "milestones are unique"
    );
    // A record's facts read from a growing prefix equal those of the whole parse.
    let whole = records::read_looking("d.md", data, ScanLimits::default(), usize::MAX);
    for first_look in [1, 16, 200] {
        let prefix = records::read_looking("d.md", data, ScanLimits::default(), first_look);
        assert_eq!(
            (
                &prefix.title,
                &prefix.status,
                &prefix.written_date,
                &prefix.superseded_by
            ),
            (
                &whole.title,
                &whole.status,
                &whole.written_date,
                &whole.superseded_by
            ),
            "first look {first_look}"
        );
    }
    let blocks = markdown::blocks(split.body, split.body_line_offset);
    let lines = line_count(&text);
    for b in &blocks {
        assert!(b.line() >= 1 && b.line() <= lines, "{b:?} of {lines} lines");
    }
    let anchors = markdown::anchors(&blocks);
    let headings = blocks
        .iter()
        .filter(|b| matches!(b, Block::Heading { .. }))
        .count();
    assert_eq!(anchors.len(), headings);
    let unique: BTreeSet<&str> = anchors.iter().map(String::as_str).collect();
    assert_eq!(
        unique.len(),
        anchors.len(),
        "anchors are unique: {anchors:?}"
    );
    let _ = markdown::first_heading(&blocks);
}

fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        parts.push(&rest[..at]);
        rest = &rest[at + SEPARATOR.len()..];
    }
    parts.push(rest);
    parts
}

fn repository(data: &[u8]) {
    const NAMED: [&str; 6] = [
        ".petrova.yml",
        "docs/meta-rules.md",
        "docs/roadmap.md",
        "docs/decisions/2026-04-25-fuzz.md",
        "docs/findings/20260425-1200-fuzz.md",
        "docs/spec/fuzz.md",
    ];
    let mut checkout = MemoryCheckout::new();
    for (i, part) in split(data).into_iter().enumerate() {
        if let Some(path) = NAMED.get(i) {
            checkout.insert_file(path, part.to_vec());
        } else {
            let (name, contents) = match part.iter().position(|&b| b == b'\n') {
                Some(nl) => (&part[..nl], &part[nl + 1..]),
                None => (part, &[][..]),
            };
            let name = String::from_utf8_lossy(name);
            if !name.is_empty() {
                checkout.insert_file(&format!("docs/decisions/{name}"), contents.to_vec());
            }
        }
    }
    let d = petrova_fuzz::scan(&checkout);
    assert!(
        diagnosis::is_diagnosis_id(&d.diagnosis_id),
        "{}",
        d.diagnosis_id
    );
    assert_eq!(diagnosis::diagnosis_id(&d), d.diagnosis_id);
    assert_eq!(
        petrova_fuzz::scan(&checkout),
        d,
        "a diagnosis is deterministic"
    );
    for w in &d.warnings {
        assert!(w.path.is_some() && !w.message.is_empty(), "{w:?}");
        assert!(w.line.is_none_or(|l| l >= 1), "{w:?}");
    }
    let output = DiagnoseOutput::new("kahn-hq", d);
    let json = serde_json::to_vec(&output).expect("serializes");
    let back: DiagnoseOutput = serde_json::from_slice(&json).expect("the cache form reads back");
    assert_eq!(back, output);
    let store = MemoryStore::from_outputs([json]);
    assert_eq!(store.0.len(), 2, "a diagnosis is cached at both paths");
    let _ = docs::spec_anchors(&checkout, NAMED[5], ScanLimits::default());
    let _ = diagnosis::render_summary(&output, None);
}
