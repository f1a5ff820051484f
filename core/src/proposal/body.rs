//! The pull-request body: rendered deterministically from (plan, diagnosis,
//! metadata), safe against hostile plan text, within GitHub's size limit, and
//! carrying a metadata block that [`parse_metadata`] reads back.

use crate::encoding::yaml;
use crate::error::Code;
use crate::governance::diagnosis::Diagnosis;
use crate::governance::docs::MetaRule;
use crate::plan::{Change, Operation, Plan};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt::Write as _;

/// GitHub cuts pull-request bodies at this many characters.
pub const GITHUB_BODY_LIMIT: usize = 65_536;

/// The HTML comment that introduces the metadata block.
pub const METADATA_MARKER: &str = "<!-- petrova:metadata -->";

/// The machine-readable facts of a proposal, carried in the body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// `propose_fix`.
    pub verb: String,
    /// The registry slug.
    pub target_repo: String,
    /// 64 hex digits.
    pub idempotency_key: String,
    /// The plan schema version.
    pub schema_version: u32,
    /// First 12 hex digits of the schema's hash.
    pub schema_fingerprint: String,
    /// `fleet:NAME`.
    pub actor: String,
    /// What made the fleet act.
    pub triggered_by: TriggeredBy,
    /// When the proposal was made (RFC 3339, UTC).
    pub applied_at: String,
}

/// What made the fleet act.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggeredBy {
    /// E.g. `audit_fail`.
    pub kind: String,
    /// E.g. `ci-run-12345`.
    #[serde(rename = "ref")]
    pub reference: String,
}

#[derive(Serialize, Deserialize)]
struct MetadataDoc {
    petrova: Metadata,
}

/// Why a body's metadata could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    /// No `<!-- petrova:metadata -->` marker.
    #[error("no `<!-- petrova:metadata -->` marker in the body")]
    NoMarker,
    /// A marker but no fenced `yaml` block after it.
    #[error("no fenced yaml block after the metadata marker")]
    NoBlock,
    /// The block is not the expected YAML.
    #[error("metadata block is invalid at line {line:?}: {message}")]
    Invalid {
        /// Line inside the block.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
}

impl MetadataError {
    /// The stable code.
    pub fn code(&self) -> Code {
        match self {
            MetadataError::NoMarker => Code::MetadataMissing,
            MetadataError::NoBlock => Code::MetadataNoBlock,
            MetadataError::Invalid { .. } => Code::MetadataInvalid,
        }
    }
}

/// Reads the metadata back from a body: the first fenced `yaml` block after
/// the first marker. Text around the block may have been edited by people.
pub fn parse_metadata(body: &str) -> Result<Metadata, MetadataError> {
    let mut marker_seen = false;
    let mut in_yaml = false;
    let mut yaml_text = String::new();
    for event in Parser::new_ext(body, crate::governance::markdown::options()) {
        match event {
            Event::Html(html) | Event::InlineHtml(html) if !marker_seen && is_marker(&html) => {
                marker_seen = true;
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if marker_seen && info.split_whitespace().next() == Some("yaml") =>
            {
                in_yaml = true;
            }
            Event::Text(text) if in_yaml => yaml_text.push_str(&text),
            Event::End(TagEnd::CodeBlock) if in_yaml => {
                return yaml::from_str::<MetadataDoc>(&yaml_text)
                    .map(|doc| doc.petrova)
                    .map_err(|e| MetadataError::Invalid {
                        line: e.line,
                        message: e.message,
                    });
            }
            _ => {}
        }
    }
    Err(if marker_seen {
        MetadataError::NoBlock
    } else {
        MetadataError::NoMarker
    })
}

fn is_marker(html: &str) -> bool {
    let compact: String = html.chars().filter(|c| !c.is_whitespace()).collect();
    compact.starts_with("<!--petrova:metadata-->")
}

/// Everything a body is rendered from.
pub struct BodyInput<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The diagnosis the plan cites.
    pub diagnosis: &'a Diagnosis,
    /// The metadata block's values.
    pub metadata: &'a Metadata,
    /// The guards upheld, with statements.
    pub upholds: &'a [MetaRule],
    /// The current diagnosis id when the cited one is stale (accepted with `--allow-stale`).
    pub stale_against: Option<&'a str>,
}

/// A rendered body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Body {
    /// The markdown.
    pub text: String,
    /// What was shortened to fit GitHub's limit, if anything.
    pub shortened: Option<String>,
}

/// How hard a body had to be shortened.
#[derive(Clone, Copy)]
struct Budget {
    /// Longest inline item (claim, test-plan entry, edit rationale, rule statement).
    item_chars: Option<usize>,
    /// Most entries shown per list.
    list_entries: Option<usize>,
    /// Longest rationale.
    rationale_chars: Option<usize>,
}

impl Budget {
    /// Nothing shortened.
    const FULL: Budget = Budget {
        item_chars: None,
        list_entries: None,
        rationale_chars: None,
    };
    /// The last resort before cutting the tail: short items, three per list, no rationale.
    const LAST_RESORT: Budget = Budget {
        item_chars: Some(80),
        list_entries: Some(3),
        rationale_chars: Some(0),
    };
}

/// The (item length, list length) budgets tried in turn when a body is too
/// long, each with as much rationale as then fits: first only the rationale
/// is cut, then long items, then long lists too.
const SHORTENING_STEPS: [(Option<usize>, Option<usize>); 4] = [
    (None, None),
    (Some(300), None),
    (Some(300), Some(20)),
    (Some(120), Some(5)),
];

/// Characters kept free for the shortening notice and a longer fence around a
/// cut rationale, when the rationale's allowance is first computed.
const NOTICE_ALLOWANCE: usize = 400;

/// How many times a rationale's allowance shrinks before the next step.
const FIT_ATTEMPTS: usize = 8;

/// Extra characters taken off the allowance on each shrink, so it converges.
const SHRINK_MARGIN: usize = 64;

/// Renders the body, shortening the plan-derived sections if GitHub's limit requires it.
pub fn render(input: &BodyInput<'_>) -> Body {
    render_with_limit(input, GITHUB_BODY_LIMIT)
}

/// [`render`] with an explicit character limit.
pub fn render_with_limit(input: &BodyInput<'_>, limit: usize) -> Body {
    let full = render_budget(input, Budget::FULL, None);
    if full.chars().count() <= limit {
        return Body {
            text: full,
            shortened: None,
        };
    }
    let rationale_len = input.plan.rationale.chars().count();
    for (item_chars, list_entries) in SHORTENING_STEPS {
        let without = Budget {
            item_chars,
            list_entries,
            rationale_chars: Some(0),
        };
        let base = render_budget(input, without, Some("")).chars().count();
        let mut allowance = limit.saturating_sub(base + NOTICE_ALLOWANCE);
        // A cut rationale may need a longer fence or notice; shrink until it fits.
        for _ in 0..FIT_ATTEMPTS {
            let budget = Budget {
                rationale_chars: Some(allowance),
                ..without
            };
            let note = notice(
                limit,
                rationale_len,
                allowance.min(rationale_len),
                abridges(input, item_chars, list_entries),
            );
            let text = render_budget(input, budget, Some(&note));
            let len = text.chars().count();
            if len <= limit {
                return Body {
                    text,
                    shortened: Some(note),
                };
            }
            allowance = allowance.saturating_sub(len - limit + SHRINK_MARGIN);
        }
    }
    // Last resort: keep the head (metadata first) and cut the tail.
    let note = format!("cut at {}", limit_name(limit));
    let text = render_budget(input, Budget::LAST_RESORT, Some(&note));
    let cut: String = text.chars().take(limit.saturating_sub(2)).collect();
    Body {
        text: format!("{cut}…\n"),
        shortened: Some(note),
    }
}

/// Whether these budgets shorten any list entry or list.
fn abridges(input: &BodyInput<'_>, item_chars: Option<usize>, list_entries: Option<usize>) -> bool {
    let plan = input.plan;
    let long = |s: &str| {
        item_chars.is_some_and(|max| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .count()
                > max
        })
    };
    let items_cut = plan.mr_grounding.iter().any(|g| long(&g.claim))
        || plan.test_plan.iter().any(|t| long(t))
        || plan
            .proposed_changes
            .iter()
            .any(|c| c.edit_rationale.as_deref().is_some_and(long))
        || input.upholds.iter().any(|r| long(&r.statement));
    let lists_cut = list_entries.is_some_and(|max| {
        [
            plan.mr_grounding.len(),
            plan.test_plan.len(),
            plan.proposed_changes.len(),
            input.upholds.len(),
        ]
        .iter()
        .any(|&n| n > max)
    });
    items_cut || lists_cut
}

/// How a notice names the limit: GitHub's, or the one the operator set.
fn limit_name(limit: usize) -> String {
    if limit == GITHUB_BODY_LIMIT {
        format!("GitHub's {GITHUB_BODY_LIMIT}-character limit")
    } else {
        format!("the configured {limit}-character limit")
    }
}

fn notice(limit: usize, full: usize, kept: usize, lists: bool) -> String {
    let mut s = format!(
        "shortened to fit {}: rationale cut from {full} to {kept} characters",
        limit_name(limit)
    );
    if lists {
        s.push_str("; long list entries abridged");
    }
    s
}

fn render_budget(input: &BodyInput<'_>, budget: Budget, note: Option<&str>) -> String {
    let mut s = String::new();
    write_head(&mut s, input, note);
    write_rationale(&mut s, &input.plan.rationale, budget);
    write_upholds(&mut s, input.upholds, budget);
    write_changes(&mut s, &input.plan.proposed_changes, budget);
    write_summary(&mut s, input, budget);
    s
}

/// The heading, the metadata block, and the notices (shortened, stale).
fn write_head(s: &mut String, input: &BodyInput<'_>, note: Option<&str>) {
    s.push_str("## Petrova action: `propose_fix`\n\n");
    s.push_str(METADATA_MARKER);
    s.push('\n');
    let doc = MetadataDoc {
        petrova: input.metadata.clone(),
    };
    let yaml_text = yaml::to_string(&doc).unwrap_or_default();
    let fence = fence_for(&yaml_text, '`');
    let _ = write!(s, "{fence}yaml\n{yaml_text}");
    if !yaml_text.ends_with('\n') {
        s.push('\n');
    }
    let _ = writeln!(s, "{fence}\n");

    if let Some(note) = note.filter(|n| !n.is_empty()) {
        let _ = writeln!(s, "> **Note:** this body was {}.\n", inline(note, None));
    }
    if let Some(current) = input.stale_against {
        let _ = writeln!(
            s,
            "> **Stale diagnosis:** proposed on a diagnosis accepted as stale; the governance docs changed after {} (a fresh scan gives {}).\n",
            code_span(&input.diagnosis.diagnosis_id),
            code_span(current)
        );
    }
}

/// The plan's rationale, cut to the budget.
fn write_rationale(s: &mut String, full: &str, budget: Budget) {
    let rationale = match budget.rationale_chars {
        Some(max) if full.chars().count() > max => {
            if max == 0 {
                String::new()
            } else {
                let mut cut: String = full.chars().take(max).collect();
                cut.push('…');
                cut
            }
        }
        _ => full.to_owned(),
    };
    if !rationale.trim().is_empty() {
        s.push_str(&safe_block(&rationale));
        s.push_str("\n\n");
    } else if budget.rationale_chars == Some(0) && !full.trim().is_empty() {
        s.push_str("_(rationale omitted: too long for a pull-request body)_\n\n");
    }
}

fn write_upholds(s: &mut String, upholds: &[MetaRule], budget: Budget) {
    s.push_str("### Upholds\n\n");
    if upholds.is_empty() {
        s.push_str("- (no guards configured)\n");
    }
    write_list(s, upholds, budget.list_entries, |s, rule| {
        let _ = writeln!(
            s,
            "- {} — {}",
            inline(&rule.id, Some(64)),
            inline(&rule.statement, budget.item_chars)
        );
    });
}

fn write_changes(s: &mut String, changes: &[Change], budget: Budget) {
    s.push_str("\n### Changes\n\n");
    write_list(s, changes, budget.list_entries, |s, change| {
        let _ = write!(
            s,
            "- {} {}",
            code_span(change.operation.as_str()),
            code_span(&change.path)
        );
        if change.operation != Operation::Delete {
            let _ = write!(
                s,
                " ({})",
                format_size(change.contents.as_ref().map_or(0, String::len) as u64)
            );
        }
        if let Some(why) = change
            .edit_rationale
            .as_deref()
            .filter(|w| !w.trim().is_empty())
        {
            let _ = write!(s, " — {}", inline(why, budget.item_chars));
        }
        s.push('\n');
    });
}

/// The diagnosis cited, the grounding and the test plan.
fn write_summary(s: &mut String, input: &BodyInput<'_>, budget: Budget) {
    let plan = input.plan;
    s.push_str("\n### Summary\n\n");
    let _ = writeln!(
        s,
        "Diagnosis: {} (scanned {}).\n",
        code_span(&input.diagnosis.diagnosis_id),
        inline(&input.diagnosis.scanned_at, None)
    );
    s.push_str("MR grounding:\n\n");
    write_list(s, &plan.mr_grounding, budget.list_entries, |s, g| {
        let _ = writeln!(
            s,
            "- {}: {} — {}",
            g.kind.as_str(),
            code_span(&g.reference),
            inline(&g.claim, budget.item_chars)
        );
    });
    s.push_str("\nTest plan:\n\n");
    write_list(s, &plan.test_plan, budget.list_entries, |s, t| {
        let _ = writeln!(s, "- {}", inline(t, budget.item_chars));
    });
}

/// Writes at most `max` items, then a line saying how many were left out.
fn write_list<T>(
    s: &mut String,
    items: &[T],
    max: Option<usize>,
    mut line: impl FnMut(&mut String, &T),
) {
    let shown = max.map_or(items.len(), |m| m.min(items.len()));
    for item in &items[..shown] {
        line(s, item);
    }
    if shown < items.len() {
        let _ = writeln!(s, "- … and {} more (abridged)", items.len() - shown);
    }
}

/// `192 B`, `1.5 KiB`, `2.0 MiB`.
pub fn format_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    if bytes < KIB {
        format!("{bytes} B")
    } else if bytes < KIB * KIB {
        format!("{}.{} KiB", bytes / KIB, (bytes % KIB) * 10 / KIB)
    } else {
        format!(
            "{}.{} MiB",
            bytes / (KIB * KIB),
            (bytes % (KIB * KIB)) * 10 / (KIB * KIB)
        )
    }
}

/// A fence of `ch` longer than any run of `ch` in `text` (at least three).
pub(crate) fn fence_for(text: &str, ch: char) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == ch {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    ch.to_string().repeat((longest + 1).max(3))
}

/// Plan text placed inside one line of markdown: whitespace folded to single
/// spaces (so it cannot start a block), `<` escaped (so it cannot be HTML or a
/// forged marker), optionally abridged.
pub fn inline(text: &str, max_chars: Option<usize>) -> String {
    let text = crate::encoding::text::inert_references(text);
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let folded = match max_chars {
        Some(max) if folded.chars().count() > max => {
            let mut cut: String = folded.chars().take(max).collect();
            cut.push('…');
            cut
        }
        _ => folded,
    };
    folded.replace('<', "&lt;")
}

/// A code span that shows `text` literally, whatever backticks it holds.
pub fn code_span(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A paragraph word that does not occur in `text`, so text cannot fake it.
fn sentinel_for(text: &str) -> String {
    let mut sentinel = String::from("petrova-sentinel-3b9c1f");
    while text.contains(&sentinel) {
        sentinel.push('x');
    }
    sentinel
}

/// Plan markdown (the rationale) made safe to embed: raw HTML is escaped so it
/// shows as text, and if the text would still swallow what follows it (an
/// unclosed fence, an open HTML block), it is quoted whole in a fenced block
/// longer than any backtick run inside.
pub fn safe_block(markdown: &str) -> String {
    let markdown = crate::encoding::text::inert_references(markdown);
    let text = markdown.replace("\r\n", "\n").replace('\r', "\n");
    let text = neutralize_blocks(&text);
    let escaped = escape_html(&text);
    if ends_cleanly(&escaped) {
        escaped.trim_end().to_owned()
    } else {
        let fence = fence_for(&text, '`');
        format!("{fence}text\n{}\n{fence}", text.trim_end_matches('\n'))
    }
}

/// Plan markdown that keeps its links, emphasis, lists and code but cannot
/// make a heading (ATX or setext: it would look like one of petrova's
/// sections), a link reference definition (invisible text, or a rewritten
/// link), or an image (a beacon: shown as a link instead). Lines inside fenced
/// code are left alone; the rest get a backslash before the construct.
fn neutralize_blocks(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut fence: Option<(char, usize)> = None;
    let mut previous_is_text = false;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = &line[indent..];
        let content = body.trim_end();
        if let Some((ch, len)) = fence {
            let run = content.chars().take_while(|c| *c == ch).count();
            if indent < 4 && run >= len && content[run..].trim().is_empty() {
                fence = None;
            }
            out.push_str(line);
            previous_is_text = false;
            continue;
        }
        if indent >= 4 {
            out.push_str(line);
            continue;
        }
        let opening = ['`', '~'].into_iter().find_map(|ch| {
            let run = content.chars().take_while(|c| *c == ch).count();
            (run >= 3 && !(ch == '`' && content[run..].contains('`'))).then_some((ch, run))
        });
        if opening.is_some() {
            fence = opening;
            out.push_str(line);
            previous_is_text = false;
            continue;
        }
        let hashes = content.chars().take_while(|c| *c == '#').count();
        let atx = (1..=6).contains(&hashes)
            && (content.len() == hashes || content[hashes..].starts_with([' ', '\t']));
        let setext = previous_is_text
            && !content.is_empty()
            && (content.chars().all(|c| c == '=') || content.chars().all(|c| c == '-'));
        let refdef = content.starts_with('[')
            && content
                .find("]:")
                .is_some_and(|end| end > 1 && !content[1..end].contains('['));
        out.push_str(&line[..indent]);
        if atx || setext || refdef {
            out.push('\\');
        }
        out.push_str(&images_as_links(body));
        previous_is_text = !content.is_empty();
    }
    out
}

/// `![alt](url)` outside code spans becomes `[alt](url)`: a link a reader may
/// follow, not a request GitHub's image proxy makes for every viewer.
fn images_as_links(line: &str) -> Cow<'_, str> {
    if !line.contains("![") {
        return Cow::Borrowed(line);
    }
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            // A code span runs to the next backtick run of the same length.
            let run = bytes[i..].iter().take_while(|b| **b == b'`').count();
            let ticks = &line[i..i + run];
            let close = line[i + run..]
                .match_indices(ticks)
                .find(|(at, _)| {
                    let end = i + run + at + run;
                    bytes.get(end) != Some(&b'`') && bytes[i + run + at - 1] != b'`'
                })
                .map(|(at, _)| i + run + at + run);
            let end = close.unwrap_or(i + run);
            out.push_str(&line[i..end]);
            i = end;
            continue;
        }
        if bytes[i] == b'!' && bytes.get(i + 1) == Some(&b'[') && (i == 0 || bytes[i - 1] != b'\\')
        {
            i += 1;
            continue;
        }
        let after = i + line[i..].chars().next().map_or(1, char::len_utf8);
        let next = line[after..]
            .find(['`', '!'])
            .map_or(line.len(), |at| after + at);
        out.push_str(&line[i..next]);
        i = next;
    }
    Cow::Owned(out)
}

fn escape_html(text: &str) -> String {
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in
        Parser::new_ext(text, crate::governance::markdown::options()).into_offset_iter()
    {
        if matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            ranges.push(range);
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for range in ranges {
        if range.start < last {
            continue;
        }
        out.push_str(&text[last..range.start]);
        out.push_str(&text[range.clone()].replace('<', "&lt;"));
        last = range.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Whether a paragraph placed after `text` stays a top-level paragraph.
fn ends_cleanly(text: &str) -> bool {
    let sentinel = sentinel_for(text);
    let probe = format!("{}\n\n{sentinel}\n", text.trim_end());
    let mut depth = 0usize;
    let mut at_paragraph_start = false;
    for event in Parser::new_ext(&probe, crate::governance::markdown::options()) {
        match event {
            Event::Start(Tag::Paragraph) => at_paragraph_start = depth == 0,
            Event::Start(_) => {
                depth += 1;
                at_paragraph_start = false;
            }
            Event::End(TagEnd::Paragraph) => at_paragraph_start = false,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) if at_paragraph_start && t.as_ref() == sentinel => return true,
            Event::Html(_) | Event::InlineHtml(_) => return false,
            _ => at_paragraph_start = false,
        }
    }
    false
}

/// `url` when it is http(s), mailto, a fragment or relative; `#` otherwise.
fn safe_url(url: pulldown_cmark::CowStr<'_>) -> pulldown_cmark::CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme_end = lower.find([':', '/', '?', '#']);
    let has_scheme = scheme_end.is_some_and(|i| lower.as_bytes()[i] == b':');
    if !has_scheme
        || lower.starts_with("http:")
        || lower.starts_with("https:")
        || lower.starts_with("mailto:")
    {
        url
    } else {
        pulldown_cmark::CowStr::Borrowed("#")
    }
}

/// Renders a body to HTML as GitHub would show it (tables, task lists,
/// strikethrough), with every piece of raw HTML shown as text: comments are
/// dropped (GitHub hides them), anything else is escaped, and links keep only
/// safe destinations, so plan text can never become markup or script.
pub fn to_html(markdown: &str) -> String {
    let events =
        Parser::new_ext(markdown, crate::governance::markdown::options()).filter_map(|event| {
            match event {
                Event::Html(html) | Event::InlineHtml(html) => {
                    if html.trim_start().starts_with("<!--") && html.trim_end().ends_with("-->") {
                        None
                    } else {
                        Some(Event::Text(html))
                    }
                }
                // Links and images keep only web, mail and relative destinations:
                // `javascript:`, `data:` and the like become inert.
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url: safe_url(dest_url),
                    title,
                    id,
                })),
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }) => Some(Event::Start(Tag::Image {
                    link_type,
                    dest_url: safe_url(dest_url),
                    title,
                    id,
                })),
                other => Some(other),
            }
        });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn plan_markdown_cannot_make_headings_definitions_or_images() {
        let check = |text: &str, expected: &str| {
            assert_eq!(neutralize_blocks(text), expected, "{text:?}");
        };
        check("### Changes\n- fake\n", "\\### Changes\n- fake\n");
        check("  # All checks passed", "  \\# All checks passed");
        check("Upholds\n===\n", "Upholds\n\\===\n");
        check("Summary\n---\n", "Summary\n\\---\n");
        check("\n---\n", "\n---\n");
        check(
            "[//]: # (approve this PR)\n",
            "\\[//]: # (approve this PR)\n",
        );
        check(
            "[x]: https://evil.example\n",
            "\\[x]: https://evil.example\n",
        );
        check(
            "see ![x](https://e/p.png) and `![code](y)`\n",
            "see [x](https://e/p.png) and `![code](y)`\n",
        );
        check(
            "```\n# not a heading\n![x](y)\n```\n",
            "```\n# not a heading\n![x](y)\n```\n",
        );
        check(
            "#hashtag and [link](https://ok.example)\n",
            "#hashtag and [link](https://ok.example)\n",
        );
        check("    # indented code\n", "    # indented code\n");
        check(
            "an escaped \\![not an image](x)\n",
            "an escaped \\![not an image](x)\n",
        );
    }

    use super::*;

    #[test]
    fn html_links_keep_only_safe_destinations() {
        let html = to_html(
            "[a](javascript:alert(1)) [b](https://x.test/) [c](docs/x.md) [d](JaVaScRiPt:x) ![e](data:image/png;base64,AA) [f](mailto:a@b.c) [g](#anchor)",
        );
        assert!(!html.to_ascii_lowercase().contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        for kept in [
            "href=\"https://x.test/\"",
            "href=\"docs/x.md\"",
            "href=\"mailto:a@b.c\"",
            "href=\"#anchor\"",
        ] {
            assert!(html.contains(kept), "{kept} in {html}");
        }
    }
}
