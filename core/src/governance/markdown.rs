//! Markdown structure for governance documents, read with pulldown-cmark.
//!
//! Documents are decoded leniently (BOM, CRLF, invalid UTF-8) and reduced to the
//! few blocks petrova cares about — headings, list items (with task markers)
//! and paragraphs — each with its 1-based line.

use crate::encoding::yaml;
use crate::error::{Code, Diagnostic};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// The markdown options petrova reads governance docs with (GitHub-flavoured).
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
}

/// A decoded text file, or why it could not be decoded.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text, without a leading BOM. Invalid UTF-8 sequences are replaced by U+FFFD.
    pub text: std::borrow::Cow<'a, str>,
    /// A warning when the bytes were not valid UTF-8.
    pub warning: Option<Diagnostic>,
}

/// Decodes a document's bytes. Binary content (a NUL byte) is refused.
pub fn decode<'a>(path: &str, bytes: &'a [u8]) -> Result<Decoded<'a>, Diagnostic> {
    // `contains` on bytes is memchr-fast; the position is only needed for the message.
    if let Some(pos) = bytes
        .contains(&0)
        .then(|| bytes.iter().position(|&b| b == 0))
        .flatten()
    {
        let line = 1 + line_breaks(&bytes[..pos], 0);
        return Err(Diagnostic::in_file(
            Code::DocBinary,
            path,
            Some(line),
            "file looks binary (contains a NUL byte); skipped",
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: std::borrow::Cow::Borrowed(text),
            warning: None,
        }),
        Err(err) => {
            let valid = err.valid_up_to();
            let line = 1 + line_breaks(&bytes[..valid], 0);
            Ok(Decoded {
                text: String::from_utf8_lossy(bytes),
                warning: Some(Diagnostic::in_file(
                    Code::DocNotUtf8,
                    path,
                    Some(line),
                    "file is not valid UTF-8; invalid bytes were replaced",
                )),
            })
        }
    }
}

/// A document split into optional YAML front matter and its markdown body.
#[derive(Debug)]
pub struct Split<'a> {
    /// The YAML between the `---` fences, when the document has front matter.
    pub front_matter: Option<&'a str>,
    /// The markdown after the front matter.
    pub body: &'a str,
    /// How many lines precede `body` in the file.
    pub body_line_offset: usize,
    /// A warning when front matter opened and never closed (the whole text is then the body).
    pub warning: Option<Diagnostic>,
}

/// Splits off front matter: a first line `---`, YAML, and a closing `---` (or `...`) line.
pub fn split_front_matter<'a>(path: &str, text: &'a str) -> Split<'a> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Split {
            front_matter: None,
            body: text,
            body_line_offset: 0,
            warning: None,
        };
    }
    let mut offset = first_line_end;
    let mut line_no = 1;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        line_no += 1;
        let line = text[offset..end].trim_end();
        if line == "---" || line == "..." {
            return Split {
                front_matter: Some(&text[first_line_end..offset]),
                body: &text[end..],
                body_line_offset: line_no,
                warning: None,
            };
        }
        offset = end;
    }
    Split {
        front_matter: None,
        body: text,
        body_line_offset: 0,
        warning: Some(Diagnostic::in_file(
            Code::DocFrontMatterUnterminated,
            path,
            Some(1),
            "front matter opened with `---` is never closed; read as plain markdown",
        )),
    }
}

/// Front matter larger than this is not parsed (a warning says so).
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// Front matter nested deeper than this is not parsed (a warning says so).
pub const MAX_FRONT_MATTER_DEPTH: usize = 32;

/// How deeply `yaml_src` nests, as a linear scan can tell without parsing:
/// flow collections (`[`, `{`) opened inside each other, and block
/// indentation (two columns a level). Quoted text is skipped. An over-estimate
/// is safe: it only means a document's front matter is not read.
fn front_matter_depth(yaml_src: &str) -> usize {
    let mut deepest = 0;
    let mut flow = 0usize;
    let mut quote: Option<char> = None;
    for line in yaml_src.lines() {
        if quote.is_none() && flow == 0 {
            let indent = line.len() - line.trim_start_matches([' ', '-']).len();
            deepest = deepest.max(indent / 2 + 1);
        }
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '[' | '{') => {
                    flow += 1;
                    deepest = deepest.max(flow);
                }
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                (None, '#') if flow == 0 => break,
                _ => {}
            }
        }
    }
    deepest
}

/// Reads one string field of front matter (`status:`, `supersedes:`).
///
/// Front matter that is not a YAML mapping gives a warning located at its line;
/// front matter over [`MAX_FRONT_MATTER_BYTES`] or nested deeper than
/// [`MAX_FRONT_MATTER_DEPTH`] is not parsed at all (a warning), so no document
/// can make a scan's cost more than linear.
pub fn front_matter_fields(
    path: &str,
    yaml_src: &str,
    fields: &[&str],
) -> (Vec<Option<String>>, Option<Diagnostic>) {
    let refused = if yaml_src.len() > MAX_FRONT_MATTER_BYTES {
        Some(format!(
            "front matter is {} bytes, over the {MAX_FRONT_MATTER_BYTES} read; ignored",
            yaml_src.len()
        ))
    } else if front_matter_depth(yaml_src) > MAX_FRONT_MATTER_DEPTH {
        Some(format!(
            "front matter nests deeper than {MAX_FRONT_MATTER_DEPTH} levels; ignored"
        ))
    } else {
        None
    };
    if let Some(message) = refused {
        return (
            vec![None; fields.len()],
            Some(Diagnostic::in_file(
                Code::DocFrontMatterTooLarge,
                path,
                Some(2),
                message,
            )),
        );
    }
    match yaml::value_from_str(yaml_src) {
        Ok(yaml::Value::Mapping(map)) => {
            let values = fields
                .iter()
                .map(|f| match map.get(*f) {
                    Some(yaml::Value::String(s)) => Some(s.clone()),
                    Some(yaml::Value::Number(n)) => Some(n.to_string()),
                    Some(yaml::Value::Bool(b)) => Some(b.to_string()),
                    _ => None,
                })
                .collect();
            (values, None)
        }
        Ok(yaml::Value::Null) => (vec![None; fields.len()], None),
        Ok(_) => (
            vec![None; fields.len()],
            Some(Diagnostic::in_file(
                Code::DocFrontMatterInvalid,
                path,
                Some(2),
                "front matter is not a YAML mapping; ignored",
            )),
        ),
        Err(e) => (
            vec![None; fields.len()],
            Some(Diagnostic::in_file(
                Code::DocFrontMatterInvalid,
                path,
                Some(1 + e.line.unwrap_or(1)),
                format!("front matter is not valid YAML ({}); ignored", e.message),
            )),
        ),
    }
}

/// A block of a markdown document that governance parsing looks at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// An ATX or setext heading.
    Heading {
        /// 1–6.
        level: u8,
        /// The heading's text (inline markup removed, raw inline HTML kept as written).
        text: String,
        /// The text GitHub derives the anchor from: like `text` but without raw inline HTML.
        anchor_text: String,
        /// 1-based line.
        line: usize,
    },
    /// A list item's first line of text.
    Item {
        /// The text up to the first line break or nested block.
        text: String,
        /// `Some(checked)` for task-list items.
        task: Option<bool>,
        /// 1-based line.
        line: usize,
    },
    /// A paragraph outside list items; soft line breaks kept as `\n`.
    Paragraph {
        /// The paragraph text (inline markup removed).
        text: String,
        /// 1-based line.
        line: usize,
    },
}

impl Block {
    /// The block's 1-based line.
    pub fn line(&self) -> usize {
        match self {
            Block::Heading { line, .. }
            | Block::Item { line, .. }
            | Block::Paragraph { line, .. } => *line,
        }
    }
}

struct Capture {
    kind: CaptureKind,
    text: String,
    /// `text` without raw inline HTML (for heading anchors).
    plain: String,
    start: usize,
    task: Option<bool>,
    done: bool,
}

impl Capture {
    /// An empty capture of `kind` starting at byte `start`.
    fn new(kind: CaptureKind, start: usize) -> Self {
        Capture {
            kind,
            text: String::new(),
            plain: String::new(),
            start,
            task: None,
            done: false,
        }
    }
}

#[derive(PartialEq, Eq)]
enum CaptureKind {
    Heading(u8),
    Item,
    Paragraph,
}

/// Extracts headings, list items and paragraphs, in document order.
///
/// `line_offset` is added to every line (lines taken by front matter).
pub fn blocks(body: &str, line_offset: usize) -> Vec<Block> {
    let mut out: Vec<(usize, Block)> = Vec::new();
    visit_blocks(body, line_offset, |span, block| {
        out.push((span.start, block));
        true
    });
    // Items are finished after their nested items; restore document order.
    out.sort_by_key(|(start, _)| *start);
    out.into_iter().map(|(_, block)| block).collect()
}

/// Calls `visit(span, block)` as each block ends, until it returns `false`;
/// `span` is the block's byte range in `body`. Headings and paragraphs arrive
/// in document order; an item arrives after the items nested in it. Stopping early skips the inline parsing of
/// the rest of the document, which is most of the cost of a title lookup.
pub fn visit_blocks(
    body: &str,
    line_offset: usize,
    mut visit: impl FnMut(Range<usize>, Block) -> bool,
) {
    let mut lines = LineCounter::new(body);
    let mut stack: Vec<Capture> = Vec::new();
    let mut item_depth = 0usize;

    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let range: Range<usize> = range;
        let finished = match event {
            Event::Start(Tag::Heading { level, .. }) => {
                stack.push(Capture::new(
                    CaptureKind::Heading(heading_level(level)),
                    range.start,
                ));
                None
            }
            Event::Start(Tag::Item) => {
                item_depth += 1;
                stack.push(Capture::new(CaptureKind::Item, range.start));
                None
            }
            Event::Start(Tag::Paragraph) => {
                if item_depth == 0 {
                    stack.push(Capture::new(CaptureKind::Paragraph, range.start));
                } else if let Some(top) = stack.last_mut() {
                    // A second paragraph of a loose item ends its first line.
                    if top.kind == CaptureKind::Item && !top.text.is_empty() {
                        top.done = true;
                    }
                }
                None
            }
            Event::Start(Tag::List(_) | Tag::CodeBlock(_) | Tag::BlockQuote(_) | Tag::Table(_)) => {
                if let Some(top) = stack.last_mut() {
                    if top.kind == CaptureKind::Item {
                        top.done = true;
                    }
                }
                None
            }
            Event::TaskListMarker(checked) => {
                if let Some(top) = stack.last_mut() {
                    if top.kind == CaptureKind::Item && top.text.is_empty() {
                        top.task = Some(checked);
                    }
                }
                None
            }
            Event::Text(t) | Event::Code(t) => {
                append(&mut stack, &t, true);
                None
            }
            Event::InlineHtml(t) => {
                append(&mut stack, &t, false);
                None
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(top) = stack.last_mut() {
                    match top.kind {
                        CaptureKind::Item => top.done = true,
                        CaptureKind::Heading(_) => {
                            top.text.push(' ');
                            top.plain.push(' ');
                        }
                        CaptureKind::Paragraph => top.text.push('\n'),
                    }
                }
                None
            }
            Event::End(TagEnd::Heading(_)) => {
                take(&mut stack, |c| matches!(c, CaptureKind::Heading(_)))
            }
            Event::End(TagEnd::Item) => {
                item_depth = item_depth.saturating_sub(1);
                take(&mut stack, |c| *c == CaptureKind::Item)
            }
            Event::End(TagEnd::Paragraph) if item_depth == 0 => {
                take(&mut stack, |c| *c == CaptureKind::Paragraph)
            }
            _ => None,
        };
        if let Some(capture) = finished {
            let line = lines.line_of(capture.start) + line_offset;
            let span = capture.start..range.end;
            let block = match capture.kind {
                CaptureKind::Heading(level) => Block::Heading {
                    level,
                    text: capture.text.trim().to_owned(),
                    anchor_text: capture.plain.trim().to_owned(),
                    line,
                },
                CaptureKind::Item => Block::Item {
                    text: capture.text.trim().to_owned(),
                    task: capture.task,
                    line,
                },
                CaptureKind::Paragraph => Block::Paragraph {
                    text: capture.text.trim().to_owned(),
                    line,
                },
            };
            if !visit(span, block) {
                return;
            }
        }
    }
}

fn append(stack: &mut [Capture], text: &str, plain: bool) {
    if let Some(top) = stack.last_mut() {
        if !top.done {
            top.text.push_str(text);
            if plain {
                top.plain.push_str(text);
            }
        }
    }
}

fn take(stack: &mut Vec<Capture>, is_kind: impl Fn(&CaptureKind) -> bool) -> Option<Capture> {
    let pos = stack.iter().rposition(|c| is_kind(&c.kind))?;
    Some(stack.remove(pos))
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Counts lines lazily, moving forward from the last offset asked about, so a
/// scan that stops early never counts the newlines of the whole document.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    fn line_of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        // Moving backwards counts only the bytes in between (nested items
        // finish innermost first), so deep nesting stays linear.
        if offset < self.offset {
            self.line -= line_breaks(&self.text[..self.offset], offset);
        } else {
            self.line += line_breaks(&self.text[..offset], self.offset);
        }
        self.offset = offset;
        self.line
    }
}

/// Line breaks in `text[from..]`: `\n`, `\r\n` (counted once) and a lone `\r`,
/// as CommonMark and YAML count them.
fn line_breaks(text: &[u8], from: usize) -> usize {
    text[from..]
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && text.get(from + i + 1) != Some(&b'\n')))
        .count()
}

/// Maps byte offsets to 1-based line numbers.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// The first heading's text, the document's title.
pub fn first_heading(blocks: &[Block]) -> Option<&str> {
    blocks.iter().find_map(|b| match b {
        Block::Heading { text, .. } if !text.is_empty() => Some(text.as_str()),
        _ => None,
    })
}

/// The anchor GitHub gives a heading (github-slugger's rules): lower-cased;
/// letters, marks, decimal and letter numbers, connector punctuation and `-`
/// kept; each space a `-`; everything else dropped.
pub fn github_slug(text: &str) -> String {
    use unicode_properties::{
        GeneralCategory as G, GeneralCategoryGroup as Group, UnicodeGeneralCategory as _,
    };
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' => Some(c),
            c => match (c.general_category_group(), c.general_category()) {
                (Group::Letter | Group::Mark, _)
                | (_, G::DecimalNumber | G::LetterNumber | G::ConnectorPunctuation) => Some(c),
                _ => None,
            },
        })
        .collect()
}

/// The anchors of all headings of a document, duplicates suffixed `-1`, `-2`, … as GitHub does.
pub fn anchors(blocks: &[Block]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut counts = std::collections::HashMap::new();
    let mut out = Vec::new();
    for block in blocks {
        let Block::Heading { anchor_text, .. } = block else {
            continue;
        };
        let base = github_slug(anchor_text);
        let mut candidate = base.clone();
        let count = counts.entry(base.clone()).or_insert(0usize);
        while seen.contains(&candidate) {
            *count += 1;
            candidate = format!("{base}-{count}");
        }
        seen.insert(candidate.clone());
        out.push(candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(md: &str) -> Vec<(u8, String, usize)> {
        blocks(md, 0)
            .into_iter()
            .filter_map(|b| match b {
                Block::Heading {
                    level, text, line, ..
                } => Some((level, text, line)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn heading_forms() {
        let md = "# ATX *emph* `code` [link](x)\r\n\r\nSetext\r\n======\r\n\r\n## Café — naïve\n";
        assert_eq!(
            headings(md),
            vec![
                (1, "ATX emph code link".to_owned(), 1),
                (1, "Setext".to_owned(), 3),
                (2, "Café — naïve".to_owned(), 6),
            ]
        );
    }

    #[test]
    fn items_first_line_only_and_tasks() {
        let md = "- [ ] M1 — first\n  continued\n  - [x] M2 — nested\n\n- loose item\n\n  second paragraph\n";
        let items: Vec<Block> = blocks(md, 0)
            .into_iter()
            .filter(|b| matches!(b, Block::Item { .. }))
            .collect();
        assert_eq!(
            items,
            vec![
                Block::Item {
                    text: "M1 — first".into(),
                    task: Some(false),
                    line: 1
                },
                Block::Item {
                    text: "M2 — nested".into(),
                    task: Some(true),
                    line: 3
                },
                Block::Item {
                    text: "loose item".into(),
                    task: None,
                    line: 5
                },
            ]
        );
    }

    #[test]
    fn github_anchors() {
        let check = |text: &str, expected: &str| assert_eq!(github_slug(text), expected, "{text}");
        check("Tenant scoping", "tenant-scoping");
        check("B3 endpoint: /v1/runs (read)", "b3-endpoint-v1runs-read");
        check("  Spaces  twice ", "spaces--twice");
        check("Ünïcode Straße", "ünïcode-straße");
        check("snake_case & more!", "snake_case--more");
        let doc = blocks("# A\n## A\n## A\n# A-1\n", 0);
        assert_eq!(anchors(&doc), vec!["a", "a-1", "a-2", "a-1-1"]);
    }

    #[test]
    fn front_matter_too_large_or_too_deep_is_not_parsed() {
        let check = |yaml: &str, refused: bool| {
            let (_, warning) = front_matter_fields("d.md", yaml, &["status"]);
            assert_eq!(
                warning.map(|w| w.code) == Some(Code::DocFrontMatterTooLarge),
                refused,
                "{}",
                &yaml[..yaml.len().min(60)]
            );
        };
        check("status: accepted\n", false);
        check(
            &format!("status: {}{}\n", "[".repeat(40), "]".repeat(40)),
            true,
        );
        check(
            &format!("status: {}{}\n", "[".repeat(20), "]".repeat(20)),
            false,
        );
        check(&format!("status: \"{}\"\n", "[".repeat(100)), false);
        let nested: String = (0..40)
            .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
            .collect();
        check(&nested, true);
        check(&format!("status: {}\n", "x".repeat(70 * 1024)), true);
    }

    #[test]
    fn front_matter() {
        let s = split_front_matter("d.md", "---\nstatus: accepted\n---\n# T\n");
        assert_eq!(s.front_matter, Some("status: accepted\n"));
        assert_eq!(s.body, "# T\n");
        assert_eq!(s.body_line_offset, 3);
        assert_eq!(
            headings(s.body).first().map(|h| h.2 + s.body_line_offset),
            Some(4)
        );
        let unterminated = split_front_matter("d.md", "---\nstatus: x\n# T\n");
        assert_eq!(unterminated.front_matter, None);
        assert_eq!(
            unterminated.warning.map(|w| w.code),
            Some(Code::DocFrontMatterUnterminated)
        );
        let (fields, warning) = front_matter_fields("d.md", "status: [unclosed\n", &["status"]);
        assert_eq!(fields, vec![None]);
        assert_eq!(warning.map(|w| w.code), Some(Code::DocFrontMatterInvalid));
    }

    #[test]
    fn decoding() {
        assert_eq!(
            decode("x", b"\xEF\xBB\xBF# T")
                .map(|d| d.text)
                .ok()
                .as_deref(),
            Some("# T")
        );
        assert_eq!(
            decode("x", b"a\nb\0").map(|_| ()).unwrap_err().line,
            Some(2)
        );
        let lossy = decode("x", b"# T\n\xff\n").expect("lossy");
        assert_eq!(
            lossy.warning.map(|w| (w.code, w.line)),
            Some((Code::DocNotUtf8, Some(2)))
        );
    }
}
