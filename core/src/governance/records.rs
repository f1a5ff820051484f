//! Decision and finding records as teams already keep them (adr-tools, MADR,
//! log4brains, by hand), read where they are: which files of a records folder
//! are records, and each record's date, title, status and successor.
//!
//! - A record is any markdown file of the folder or of a subfolder one level
//!   down (`_superseded/`), or a subfolder holding `index.md`/`README.md` and
//!   no record files (cited by that file). Not records, and no warning:
//!   hidden files, files that are not markdown, templates, and the folder's
//!   own `README.md`/`index.md`. A name holding a control character (a
//!   newline) is skipped with a `doc_bad_name` warning.
//! - Its name may date it (`YYYY-MM-DD-…`, `YYYYMMDD-…`, `YYYYMMDD-HHMM-…`),
//!   give a month only (`YYYY-MM-…`), or number it (`NNNN-…`).
//! - Date: a full date in the name; else front matter `date:`; else a
//!   `Date:` line or list item; else none (undated). A written date that
//!   disagrees with the name's is a `doc_date_mismatch` warning.
//! - Title: front matter `title:`; else the first heading, as written.
//! - Status: front matter `status:`; else the first word under a `Status`
//!   heading; else a `Status:` line or list item; lower-cased.
//!   "Superseded by [x](path)" in the header (or the front matter status)
//!   gives `superseded_by`. The header is what comes before the first
//!   heading after the title that is not a Status or Date heading.

use crate::encoding::canonical::sha256_hex;
use crate::encoding::date::Date;
use crate::error::{Code, Diagnostic};
use crate::governance::docs::{self, ScanLimits};
use crate::governance::markdown::{self, Block};
use crate::governance::source::{Checkout, EntryKind};

/// What a record's file (or folder) name says of its date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameDate {
    /// A full date (`2026-04-28-x`, `20260428-x`), with the time a finding's
    /// `YYYYMMDD-HHMM-` name gives (`2026-04-28T14:30`).
    Full {
        /// The date.
        date: Date,
        /// `YYYY-MM-DDTHH:MM`, when the name has a time.
        at: Option<String>,
    },
    /// Year and month only (`2026-04-x`): no day.
    Month,
    /// A numbered record (`0007-x`): its number and the digits' width.
    Numbered {
        /// The number.
        number: u64,
        /// How many digits the name uses.
        width: usize,
    },
    /// A name that dates nothing.
    Plain,
    /// A name shaped like a date that is not one (`2026-02-30-x`,
    /// `20260425-2460-x`): read like [`NameDate::Plain`], with a warning.
    Malformed,
}

/// The stem of a record file name (`x.md` → `x`), or `None` when the name
/// is not a record's: hidden, not markdown, or a template.
pub fn record_stem(name: &str) -> Option<&str> {
    let lower = name.to_ascii_lowercase();
    if name.starts_with('.') || lower.contains("template") {
        return None;
    }
    let cut = if lower.ends_with(".md") {
        3
    } else if lower.ends_with(".markdown") {
        9
    } else {
        return None;
    };
    Some(&name[..name.len() - cut]).filter(|s| !s.is_empty())
}

/// Whether a name is a folder's own index (`README.md`, `index.md`).
pub fn is_index(name: &str) -> bool {
    name.eq_ignore_ascii_case("readme.md") || name.eq_ignore_ascii_case("index.md")
}

/// What a name (a file's stem or a folder's name) says of the date.
pub fn name_date(stem: &str) -> NameDate {
    let b = stem.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    let slug_after = |i: usize| b.get(i) == Some(&b'-') && b.len() > i + 1;
    // A date may end the name, or be followed by `-` or `_` and a slug.
    let date_end =
        |i: usize| b.len() == i || (matches!(b.get(i), Some(b'-' | b'_')) && b.len() > i + 1);
    let iso_shaped = digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10);
    if iso_shaped && date_end(10) {
        return match Date::parse(&stem[..10]) {
            Some(date) => NameDate::Full { date, at: None },
            None => NameDate::Malformed,
        };
    }
    if digits(0..8) && date_end(8) {
        let Some(date) = Date::parse_compact(&stem[..8]) else {
            return NameDate::Malformed;
        };
        if digits(9..13) && slug_after(13) {
            let (h, m) = (&stem[9..11], &stem[11..13]);
            if h >= "24" || m >= "60" {
                return NameDate::Malformed;
            }
            return NameDate::Full {
                date,
                at: Some(format!("{date}T{h}:{m}")),
            };
        }
        return NameDate::Full { date, at: None };
    }
    if digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && slug_after(7) {
        let month = &stem[5..7];
        if ("01"..="12").contains(&month) {
            return NameDate::Month;
        }
    }
    let width = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=9).contains(&width) && slug_after(width) {
        if let Ok(number) = stem[..width].parse::<u64>() {
            // `2023-retrospective` names a year, not record 2023.
            if width == 4 && (1900..=2100).contains(&number) {
                return NameDate::Plain;
            }
            return NameDate::Numbered { number, width };
        }
    }
    NameDate::Plain
}

/// One record found in a folder, before it is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordEntry {
    /// The file to read (a folder record's `index.md` or `README.md`).
    pub path: String,
    /// Whether the record is a folder (`<slug>/index.md`).
    pub folder: bool,
    /// What its name (the folder's name, for a folder record) says.
    pub name_date: NameDate,
}

/// The records of a folder and its subfolders (one level), sorted by path.
/// Problems listing a folder are warnings; a missing folder has no records.
pub fn list(
    checkout: &dyn Checkout,
    dir: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<RecordEntry> {
    list_where(checkout, dir, warnings, |_| true)
}

/// [`list`], keeping only the records whose name date `keep` accepts: a
/// scan drops the dated names outside its window before any path is built
/// or sorted, so its cost follows the window.
pub fn list_where(
    checkout: &dyn Checkout,
    dir: &str,
    warnings: &mut Vec<Diagnostic>,
    keep: impl Fn(&NameDate) -> bool,
) -> Vec<RecordEntry> {
    let mut out = Vec::new();
    let Some(entries) = list_dir(checkout, dir, warnings) else {
        return out;
    };
    for entry in entries {
        match entry.kind {
            EntryKind::File if !is_index(&entry.name) => {
                let Some(stem) = record_stem(&entry.name) else {
                    continue;
                };
                let name_date = name_date(stem);
                if keep(&name_date) {
                    out.push(RecordEntry {
                        name_date,
                        path: join(dir, &entry.name),
                        folder: false,
                    });
                }
            }
            EntryKind::Dir if !entry.name.starts_with('.') => {
                let path = join(dir, &entry.name);
                out.extend(
                    subfolder(checkout, &path, &entry.name, warnings)
                        .into_iter()
                        .filter(|r| keep(&r.name_date)),
                );
            }
            _ => {}
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// A subfolder's records: its record files, or the folder itself as one
/// record when it holds only an index.
fn subfolder(
    checkout: &dyn Checkout,
    path: &str,
    name: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<RecordEntry> {
    let Some(entries) = list_dir(checkout, path, warnings) else {
        return Vec::new();
    };
    let files: Vec<&str> = entries
        .iter()
        .filter(|e| e.kind == EntryKind::File)
        .map(|e| e.name.as_str())
        .collect();
    let records: Vec<RecordEntry> = files
        .iter()
        .filter(|n| !is_index(n))
        .filter_map(|n| {
            record_stem(n).map(|stem| RecordEntry {
                path: join(path, n),
                name_date: name_date(stem),
                folder: false,
            })
        })
        .collect();
    if !records.is_empty() {
        return records;
    }
    let index = ["index.md", "README.md", "readme.md"]
        .into_iter()
        .find_map(|want| files.iter().find(|n| n.eq_ignore_ascii_case(want)));
    match index {
        Some(index) if !name.to_ascii_lowercase().contains("template") => vec![RecordEntry {
            path: join(path, index),
            name_date: name_date(name),
            folder: true,
        }],
        _ => Vec::new(),
    }
}

/// How a folder numbers its records: most of them are `NNNN-<slug>.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Numbering {
    /// The digits most of its numbered names use.
    pub width: usize,
    /// Every number taken, with the record that took it.
    pub used: std::collections::BTreeMap<u64, String>,
}

impl Numbering {
    /// The number a new record takes: one past the highest.
    pub fn next(&self) -> u64 {
        self.used.keys().next_back().map_or(1, |n| n + 1)
    }
}

/// The numbering of the records of `dir` (subfolders included), when most
/// of them are numbered; `None` for a dated or a hand-named folder.
pub fn numbering(checkout: &dyn Checkout, dir: &str) -> Option<Numbering> {
    let mut ignored = Vec::new();
    let entries = list(checkout, dir, &mut ignored);
    let mut used = std::collections::BTreeMap::new();
    let mut widths: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for entry in &entries {
        if let NameDate::Numbered { number, width } = entry.name_date {
            used.entry(number).or_insert_with(|| entry.path.clone());
            *widths.entry(width).or_default() += 1;
        }
    }
    let numbered: usize = widths.values().sum();
    if numbered * 2 <= entries.len() {
        return None;
    }
    let width = widths
        .iter()
        .max_by_key(|(width, count)| (**count, std::cmp::Reverse(**width)))
        .map(|(width, _)| *width)?;
    Some(Numbering { width, used })
}

/// Whether `path` names a record of the folder `dir` (one found by [`list`]),
/// as a `decision` grounding must: not the folder's README, a template, a
/// file outside the folder, or a file deeper than one subfolder.
pub fn is_record(checkout: &dyn Checkout, dir: &str, path: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    let Some(rel) = path.strip_prefix(dir).and_then(|r| r.strip_prefix('/')) else {
        return false;
    };
    let mut ignored = Vec::new();
    match rel.split_once('/') {
        None => !is_index(rel) && record_stem(rel).is_some(),
        Some((sub, name)) if !name.contains('/') && !sub.starts_with('.') => {
            subfolder(checkout, &join(dir, sub), sub, &mut ignored)
                .iter()
                .any(|r| r.path == path)
        }
        Some(_) => false,
    }
}

fn list_dir(
    checkout: &dyn Checkout,
    dir: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Vec<crate::governance::source::DirEntry>> {
    match checkout.list(dir) {
        Ok(Some(entries)) => Some(
            entries
                .into_iter()
                .filter(|e| {
                    if !e.not_utf8 && e.name.chars().any(char::is_control) {
                        warnings.push(Diagnostic::in_file(
                            Code::DocBadName,
                            join(dir, &e.name),
                            None,
                            "the name holds a control character; not read",
                        ));
                        return false;
                    }
                    if e.not_utf8 {
                        warnings.push(Diagnostic::in_file(
                            Code::DocNameNotUtf8,
                            dir,
                            None,
                            format!(
                                "a file name is not UTF-8 (shown as `{}`); skipped",
                                e.name.escape_debug()
                            ),
                        ));
                    }
                    !e.not_utf8
                })
                .collect(),
        ),
        Ok(None) => None,
        Err(e) => {
            warnings.push(Diagnostic::in_file(
                Code::DocUnreadable,
                dir,
                None,
                e.message(),
            ));
            None
        }
    }
}

fn join(dir: &str, name: &str) -> String {
    let mut path = String::with_capacity(dir.len() + 1 + name.len());
    path.push_str(dir);
    path.push('/');
    path.push_str(name);
    path
}

/// What petrova reads from one record.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordFacts {
    /// Front matter `title:`, else the first heading.
    pub title: Option<String>,
    /// Lower-cased status, from front matter, a `Status` section or a `Status:` line.
    pub status: Option<String>,
    /// The successor's path in the repository, from "Superseded by [x](path)".
    pub superseded_by: Option<String>,
    /// Front matter `supersedes`.
    pub supersedes: Option<String>,
    /// A date the text states (front matter `date:`, else a `Date:` line).
    pub written_date: Option<Date>,
    /// Whether the text calls itself a template (a `0000-` record's title).
    pub template_title: bool,
    /// SHA-256 of the bytes.
    pub digest: String,
    /// Problems found while reading.
    pub warnings: Vec<Diagnostic>,
}

/// How many bytes of a record are parsed first when looking for its
/// header; each further look parses four times as many.
const HEADER_FIRST_LOOK: usize = 512;

/// Reads one record's facts from its bytes.
pub fn read(path: &str, bytes: &[u8], limits: ScanLimits) -> RecordFacts {
    read_looking(path, bytes, limits, HEADER_FIRST_LOOK)
}

/// [`read`], parsing first a prefix of about `first_look` bytes of the text
/// (`usize::MAX`: the whole text at once). Every first look gives the same
/// facts; the tests and the `governance_docs` fuzz target hold it so.
pub fn read_looking(
    path: &str,
    bytes: &[u8],
    limits: ScanLimits,
    first_look: usize,
) -> RecordFacts {
    let mut facts = RecordFacts {
        digest: sha256_hex(bytes),
        ..RecordFacts::default()
    };
    if let Some(problem) = docs::too_large(path, bytes.len(), limits) {
        facts.warnings.push(problem);
        return facts;
    }
    let decoded = match markdown::decode(path, bytes) {
        Ok(d) => d,
        Err(diag) => {
            facts.warnings.push(diag);
            return facts;
        }
    };
    facts.warnings.extend(decoded.warning);
    let split = markdown::split_front_matter(path, &decoded.text);
    facts.warnings.extend(split.warning);
    let mut front = vec![None; 4];
    if let Some(fm) = split.front_matter {
        let (values, warning) =
            markdown::front_matter_fields(path, fm, &["title", "status", "date", "supersedes"]);
        facts.warnings.extend(warning);
        front = values;
    }
    let mut front = front.into_iter();
    let (front_title, front_status, front_date) = (
        front.next().flatten(),
        front.next().flatten(),
        front.next().flatten(),
    );
    facts.supersedes = front.next().flatten();

    let body = split.body;
    let (blocks, header_end) = header(body, split.body_line_offset, first_look);
    let first_heading = blocks.iter().find_map(|b| match b {
        Block::Heading { text, .. } if !text.is_empty() => Some(text.clone()),
        _ => None,
    });
    facts.title = front_title
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .or(first_heading);
    if facts.title.is_none() {
        facts.warnings.push(Diagnostic::in_file(
            Code::DocNoTitle,
            path,
            Some(1),
            "no heading to take the title from",
        ));
    }
    facts.template_title = facts
        .title
        .as_deref()
        .is_some_and(|t| t.to_lowercase().contains("template"));
    let front_status_text = front_status.clone();
    facts.status = front_status
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .or_else(|| status_in(&blocks))
        .or_else(|| {
            // Some templates put the Status section deep in the text (under a
            // Summary): parse the rest only when a line there names a status.
            let rest = &body[header_end..];
            states_status(rest)
                .then(|| status_in(&markdown::blocks(body, split.body_line_offset)))
                .flatten()
        })
        .filter(|s| !is_placeholder(s))
        .map(|s| {
            // "superseded by ADR-0123" is a status and a pointer: the status is the word.
            if s.starts_with("superseded") {
                "superseded".to_owned()
            } else {
                s
            }
        });
    facts.written_date = front_date
        .as_deref()
        .and_then(parse_written_date)
        .or_else(|| {
            labelled(&blocks, |l| {
                matches!(
                    l,
                    "date"
                        | "decision date"
                        | "date of decision"
                        | "decided"
                        | "decided on"
                        | "created"
                )
            })
            .as_deref()
            .and_then(parse_written_date)
        });
    facts.superseded_by = superseded_link(&body[..header_end])
        .or_else(|| front_status_text.as_deref().and_then(superseded_link))
        .and_then(|target| resolve(path, &target));
    facts
}

/// The record's header and where it ends: its blocks up to the first
/// heading after the title that is not a `Status` or `Date` heading — where
/// adr-tools, MADR, log4brains and hand-written records put the title, status
/// and date. Only a prefix is parsed (512 bytes, then four times as many),
/// and visiting stops at that heading, so the text after it is never parsed
/// inline. A heading found in a prefix cut after a line break is settled (an
/// ATX heading is one line; a setext heading's underline was read), and so
/// is every block before it; but a `[` before it sends the whole text through
/// the parser, since a link reference definition further down could change
/// the header's text. A record read on every run (numbered, undated) thus
/// costs its header, not a whole parse.
fn header(body: &str, line_offset: usize, first_look: usize) -> (Vec<Block>, usize) {
    let mut look = first_look.max(1);
    loop {
        // Found on bytes: `look` need not fall on a character boundary.
        let cut = match body
            .as_bytes()
            .get(look..)
            .and_then(|rest| rest.iter().position(|b| *b == b'\n'))
        {
            Some(i) => look + i + 1,
            None => body.len(),
        };
        let whole = cut == body.len();
        let mut spans: Vec<(std::ops::Range<usize>, Block)> = Vec::new();
        let mut title_seen = false;
        let mut end: Option<usize> = None;
        markdown::visit_blocks(&body[..cut], line_offset, |span, block| {
            if let Block::Heading { text, .. } = &block {
                if !title_seen {
                    // The first heading with text is the title; an empty one is no title.
                    title_seen = !text.is_empty();
                } else {
                    let name = text.trim().trim_end_matches(':').to_ascii_lowercase();
                    if !matches!(name.as_str(), "status" | "date") {
                        end = Some(span.start);
                        return false;
                    }
                }
            }
            spans.push((span, block));
            true
        });
        let blocks = |mut spans: Vec<(std::ops::Range<usize>, Block)>| {
            // Items are visited after their nested items: restore document order.
            spans.sort_by_key(|(span, _)| span.start);
            spans.into_iter().map(|(_, b)| b).collect::<Vec<Block>>()
        };
        match end {
            Some(at) if whole || !body[..at].contains('[') => return (blocks(spans), at),
            Some(_) => look = body.len(),
            None if whole => return (blocks(spans), body.len()),
            None => look = look.saturating_mul(4),
        }
    }
}

/// The status blocks state: the first word under a `Status` heading, else a
/// `Status:` line or list item.
fn status_in(blocks: &[Block]) -> Option<String> {
    section_status(blocks).or_else(|| labelled(blocks, |l| l == "status").map(|v| v.to_lowercase()))
}

/// Whether a line of `text` could state a status (`## Status`, `Status:`,
/// `* **Status:**`): a cheap look before parsing a long record whole.
fn states_status(text: &str) -> bool {
    // Most records never say "status" past their header: one substring
    // search answers for them.
    if !text.contains("tatus") && !text.contains("TATUS") {
        return false;
    }
    text.lines().any(|line| {
        let rest = line.trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, '#' | '*' | '-' | '_' | '>')
        });
        rest.get(..6)
            .is_some_and(|w| w.eq_ignore_ascii_case("status"))
            && rest[6..]
                .chars()
                .next()
                .is_none_or(|c| c == ':' || c == '*' || c == '_' || c.is_whitespace())
    })
}

/// A value a template left unfilled: `[proposed, accepted]`, `{status}`.
fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    (v.starts_with('[') && v.ends_with(']')) || (v.starts_with('{') && v.ends_with('}'))
}

/// The first word of the block under a `Status` heading.
fn section_status(blocks: &[Block]) -> Option<String> {
    let at = blocks.iter().position(|b| {
        matches!(b, Block::Heading { text, .. } if text.trim().trim_end_matches(':').eq_ignore_ascii_case("status"))
    })?;
    match blocks.get(at + 1)? {
        Block::Paragraph { text, .. } | Block::Item { text, .. } => first_word(text),
        Block::Heading { .. } => None,
    }
}

fn first_word(text: &str) -> Option<String> {
    let word: String = text
        .split_whitespace()
        .next()?
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    (!word.is_empty()).then_some(word)
}

/// The value of the first `Label: value` line of a paragraph or list item
/// (`Status: accepted`, `- Date: 2016-02-12`, `* **Status:** approved`)
/// whose lower-cased label `matches`.
fn labelled(blocks: &[Block], matches: impl Fn(&str) -> bool) -> Option<String> {
    blocks.iter().find_map(|b| match b {
        Block::Paragraph { text, .. }
        | Block::Item {
            text, task: None, ..
        } => text.lines().find_map(|line| {
            let line = line.trim();
            let (key, value) = line.split_once(':')?;
            matches(&key.trim().to_ascii_lowercase())
                .then(|| value.trim().to_owned())
                .filter(|v| !v.is_empty())
        }),
        _ => None,
    })
}

/// A written date: `2016-02-12` (a time may follow), `2016/02/12`, or the
/// `21/02/2017` adr-tools wrote before it moved to ISO 8601.
pub fn parse_written_date(value: &str) -> Option<Date> {
    let value = value
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '*' || c == '_');
    if let Some(date) = month_name_date(value) {
        return Some(date);
    }
    let head = value.get(..10)?;
    if let Some(date) = Date::parse(head) {
        return Some(date);
    }
    let parts: Vec<&str> = head.split('/').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => Date::parse(&format!("{y}-{m}-{d}")),
        [d, m, y] if y.len() == 4 && d.len() == 2 => Date::parse(&format!("{y}-{m}-{d}")),
        _ => None,
    }
}

/// `December 1, 2021`, `1 December 2021`, `Sept. 9 2020`.
fn month_name_date(value: &str) -> Option<Date> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let words: Vec<String> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .take(3)
        .map(|w| w.trim_end_matches('.').to_ascii_lowercase())
        .collect();
    let [a, b, c] = words.as_slice() else {
        return None;
    };
    let month_of = |w: &str| {
        (w.len() >= 3 && w.chars().all(|c| c.is_ascii_alphabetic()))
            .then(|| MONTHS.iter().position(|m| w.starts_with(m)))
            .flatten()
            .map(|i| i + 1)
    };
    let day_of = |w: &str| {
        w.trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse::<u32>()
            .ok()
    };
    let (month, day) = match (month_of(a), month_of(b)) {
        (Some(m), _) => (m, day_of(b)?),
        (None, Some(m)) => (m, day_of(a)?),
        _ => return None,
    };
    if c.len() != 4 {
        return None;
    }
    Date::parse(&format!("{c}-{month:02}-{day:02}"))
}

/// The destination of the link after "Superseded by" in the text.
fn superseded_link(text: &str) -> Option<String> {
    // ASCII lower-casing keeps every byte where it is, so an index found in
    // `lower` is one in `text` (`İ` lower-cases to three bytes from two).
    let lower = text.to_ascii_lowercase();
    for (at, _) in lower.match_indices("superseded by") {
        let rest = &text[at + "superseded by".len()..];
        let rest = rest.trim_start_matches([' ', ':', '*', '_', '\t']);
        let Some(rest) = rest.strip_prefix('[') else {
            continue;
        };
        let Some(close) = rest.find("](") else {
            continue;
        };
        // Inside a template's unfilled `[proposed | … | superseded by [x](y)]`.
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        if text[line_start..at].matches('[').count() > text[line_start..at].matches(']').count() {
            continue;
        }
        let dest = &rest[close + 2..];
        let Some(end) = dest.find([')', ' ', '\n']) else {
            continue;
        };
        let dest = dest[..end].trim_matches(['<', '>']);
        if !dest.is_empty() {
            return Some(dest.to_owned());
        }
    }
    None
}

/// A link destination written in `record` as a path in the repository:
/// relative to the record's folder (`./`, `../` resolved), or from the
/// repository root when it starts with `/`; `None` for a URL.
pub fn resolve(record: &str, dest: &str) -> Option<String> {
    let dest = dest.split(['#', '?']).next()?;
    if dest.is_empty() || dest.contains("://") || dest.starts_with("mailto:") {
        return None;
    }
    let mut parts: Vec<&str> = if dest.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = record.split('/').collect();
        p.pop();
        p
    };
    for segment in dest.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_what_they_date() {
        let full = |s: &str| NameDate::Full {
            date: Date::parse(s).expect("date"),
            at: None,
        };
        assert_eq!(name_date("2026-04-28-phase-7-close"), full("2026-04-28"));
        assert_eq!(name_date("20200925-use-lunr"), full("2020-09-25"));
        assert_eq!(
            name_date("20260428-1430-rls-drift"),
            NameDate::Full {
                date: Date::parse("2026-04-28").expect("date"),
                at: Some("2026-04-28T14:30".into())
            }
        );
        assert_eq!(name_date("2021-07-adopt-kafka"), NameDate::Month);
        assert_eq!(
            name_date("0007-use-iso-dates"),
            NameDate::Numbered {
                number: 7,
                width: 4
            }
        );
        assert_eq!(
            name_date("12-c++-and-c#.v2"),
            NameDate::Numbered {
                number: 12,
                width: 2
            }
        );
        assert_eq!(name_date("use-postgres"), NameDate::Plain);
        assert_eq!(name_date("2026-13-40-not-a-date"), NameDate::Malformed);
        assert_eq!(name_date("2026-02-30-x"), NameDate::Malformed);
        assert_eq!(name_date("20260425-2460-x"), NameDate::Malformed);
        assert_eq!(name_date("20261340-x"), NameDate::Malformed);
        assert_eq!(name_date("0007"), NameDate::Plain);
        assert_eq!(name_date("2023-retrospective"), NameDate::Plain);
        assert_eq!(name_date("2026-04-28"), full("2026-04-28"));
        assert_eq!(name_date("2026-04-28_x"), full("2026-04-28"));
        assert_eq!(name_date("20260428"), full("2026-04-28"));
    }

    #[test]
    fn record_stems_skip_templates_hidden_and_other_files() {
        assert_eq!(record_stem("0001-x.md"), Some("0001-x"));
        assert_eq!(record_stem("notes.markdown"), Some("notes"));
        for name in [
            "template.md",
            "adr-template-minimal.md",
            ".draft.md",
            "diagram.png",
            ".md",
        ] {
            assert_eq!(record_stem(name), None, "{name}");
        }
    }

    #[test]
    fn written_dates_in_their_usual_spellings() {
        let check = |v: &str, want: Option<&str>| {
            assert_eq!(
                parse_written_date(v).map(|d| d.to_string()).as_deref(),
                want,
                "{v}"
            );
        };
        check("2016-02-12", Some("2016-02-12"));
        check("2016-02-12T10:00:00Z", Some("2016-02-12"));
        check("'2016-02-12'", Some("2016-02-12"));
        check("2016/02/12", Some("2016-02-12"));
        check("21/02/2017", Some("2017-02-21"));
        check("February 2017", None);
        check("December 1, 2021", Some("2021-12-01"));
        check("1st July 2021", Some("2021-07-01"));
        check("Sept. 9 2020", Some("2020-09-09"));
        check("[Date of decision]", None);
        check("2016-02-30", None);
    }

    #[test]
    fn front_matter_comes_first_and_bounds_hold() {
        let facts = read(
            "f.md",
            b"---\nstatus: resolved\nsupersedes: a.md\n---\n# Title\n\n**Status:** Open\n",
            ScanLimits::default(),
        );
        assert_eq!(facts.title.as_deref(), Some("Title"));
        assert_eq!(facts.status.as_deref(), Some("resolved"));
        assert_eq!(facts.supersedes.as_deref(), Some("a.md"));
        let empty = read("e.md", b"", ScanLimits::default());
        assert_eq!(
            empty.warnings.iter().map(|w| w.code).collect::<Vec<_>>(),
            vec![Code::DocNoTitle]
        );
        let big = read("b.md", &[b'a'; 100], ScanLimits { max_doc_bytes: 10 });
        assert_eq!(big.warnings[0].code, Code::DocTooLarge);
    }

    #[test]
    fn a_folder_is_numbered_when_most_records_are() {
        use crate::governance::source::MemoryCheckout;
        let c = MemoryCheckout::new()
            .with_file("adr/0001-a.md", "# a")
            .with_file("adr/0002-b.md", "# b")
            .with_file("adr/_old/0007-c.md", "# c")
            .with_file("adr/notes.md", "# n")
            .with_file("adr/README.md", "# index")
            .with_file("adr/template.md", "# t");
        let n = numbering(&c, "adr").expect("numbered");
        assert_eq!((n.width, n.next()), (4, 8));
        assert_eq!(
            n.used.get(&7).map(String::as_str),
            Some("adr/_old/0007-c.md")
        );
        let dated = MemoryCheckout::new()
            .with_file("d/2026-01-01-a.md", "# a")
            .with_file("d/0001-b.md", "# b");
        assert_eq!(numbering(&dated, "d"), None);
    }

    #[test]
    fn a_successor_after_text_that_lower_cases_longer_is_found() {
        let facts = read(
            "adr/0001-x.md",
            "# İİİ\n\nStatus: Superseded by [next](0002-next.md)\n".as_bytes(),
            ScanLimits::default(),
        );
        assert_eq!(facts.superseded_by.as_deref(), Some("adr/0002-next.md"));
        assert_eq!(facts.status.as_deref(), Some("superseded"));
    }

    #[test]
    fn review_dates_and_template_placeholders_say_nothing() {
        let facts = read(
            "adr/0003-x.md",
            "# X\n\n* Status: [proposed | accepted | superseded by [ADR-0005](0005-example.md)]\n* Next review date: 2027-01-01\n"
                .as_bytes(),
            ScanLimits::default(),
        );
        assert_eq!(facts.status, None);
        assert_eq!(facts.superseded_by, None);
        assert_eq!(facts.written_date, None);
        // A broken link does not end the search for a later one.
        let facts = read(
            "adr/0003-x.md",
            "# X\n\nSuperseded by [a](\n\nStatus: Superseded by [b](0004-b.md)\n".as_bytes(),
            ScanLimits::default(),
        );
        assert_eq!(facts.superseded_by.as_deref(), Some("adr/0004-b.md"));
    }

    #[test]
    fn successors_resolve_in_the_repository() {
        assert_eq!(
            resolve("doc/adr/0004-x.md", "0005-y.md").as_deref(),
            Some("doc/adr/0005-y.md")
        );
        assert_eq!(
            resolve("doc/adr/_old/0004-x.md", "../0005-y.md#top").as_deref(),
            Some("doc/adr/0005-y.md")
        );
        assert_eq!(
            resolve("a/b.md", "/docs/z.md").as_deref(),
            Some("docs/z.md")
        );
        assert_eq!(resolve("a/b.md", "https://e.example/x.md"), None);
        assert_eq!(resolve("b.md", "../../x.md"), None);
    }

    /// Lines that change the meaning of the lines before or after them.
    const TRICKY_LINES: &[&str] = &[
        "",
        "# Title",
        "## Second [link][x]",
        "#",
        "Title line",
        "===",
        "---",
        "Status: open",
        "status: **Resolved**",
        "## Status",
        "Accepted",
        "## Context",
        "Date: 2020-01-02",
        "* **Date:** 3 March 2021",
        "Superseded by [next](0002-next.md)",
        "Status: [open][x]",
        "[x]: /url",
        "[open][x]",
        "| a | b |",
        "|---|---|",
        "```",
        "~~~",
        "> quote",
        "> # Quoted title",
        "- item",
        "  - nested",
        "1. one",
        "    indented code",
        "<div>",
        "</div>",
        "<!--",
        "-->",
        "text with `code` and *emphasis*",
        "[^1]: a footnote",
        "Status:\r",
        "lone\rcarriage",
        "# Titled \\",
    ];

    fn check_prefix_answer(doc: &str) {
        let facts = |look: usize| {
            let f = read_looking("adr/0001-x.md", doc.as_bytes(), ScanLimits::default(), look);
            (f.title, f.status, f.written_date, f.superseded_by)
        };
        let whole = facts(usize::MAX);
        for look in [1, 2, 3, 5, 8, 13, 21, 40, 100, 512] {
            assert_eq!(facts(look), whole, "first look {look}, doc {doc:?}");
        }
    }

    #[test]
    fn facts_from_a_prefix_equal_the_whole_parse() {
        // A fixed xorshift sequence, so a failure reproduces.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..6000 {
            let lines = 1 + next(14);
            let mut doc = String::new();
            for _ in 0..lines {
                doc.push_str(TRICKY_LINES[next(TRICKY_LINES.len())]);
                doc.push_str(if next(8) == 0 { "\r\n" } else { "\n" });
            }
            check_prefix_answer(&doc);
        }
        for doc in [
            "Status: open\nfoo\n===\nbar\n",
            "# T\n\n[open]\n\n[open]: /x\n",
            "Status: open\n| a |\n|---|\n",
            "# [T][r]\n\ntext\n\n[r]: /u\n",
        ] {
            check_prefix_answer(doc);
        }
    }
}
