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
    /// The diagnosis the plan cites (absent in bodies written before it was carried).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagnosis_id: Option<String>,
    /// What the plan cites, kind and reference (absent in older bodies, or
    /// when too long to carry: see [`METADATA_LIST_BYTES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grounding: Option<Vec<GroundingRef>>,
    /// The paths the proposal changes (absent in older bodies, past
    /// [`METADATA_MAX_CHANGES`] paths or [`METADATA_LIST_BYTES`]: then the
    /// pull request's files say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes: Option<Vec<String>>,
}

/// One grounding as the metadata block carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroundingRef {
    /// `meta_rule`, `finding`, `spec`, `decision` or `milestone`.
    pub kind: String,
    /// What is cited.
    #[serde(rename = "ref")]
    pub reference: String,
}

/// The most paths the metadata block lists.
pub const METADATA_MAX_CHANGES: usize = 100;

/// The most bytes of paths (or of grounding references) the metadata block
/// lists, so that it always fits a body whatever the plan.
pub const METADATA_LIST_BYTES: usize = 16 * 1024;

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
    #[error(
        "metadata block is invalid{}: {message}",
        line.map(|l| format!(" at line {l}")).unwrap_or_default()
    )]
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

/// Characters a `--reconsider` body keeps free for [`with_reconsidered`]'s note.
pub const RECONSIDERED_NOTE_ROOM: usize = 160;

/// `body` with a note, right after its metadata block, linking the rejected
/// pull request a `--reconsider` run proposes again. The note holds only a
/// number and petrova's words; the body was rendered with
/// [`RECONSIDERED_NOTE_ROOM`] characters to spare.
pub fn with_reconsidered(body: &str, rejected: &crate::proposal::propose::PrRef) -> String {
    let note = format!(
        "> **Reconsidered:** #{} proposed the same change for the same grounding and was closed without merging; the fleet asked to propose it again.\n\n",
        rejected.number
    );
    let Some(start) = body.find(METADATA_MARKER) else {
        return body.to_owned();
    };
    // The block's fence is the line after the marker, `yaml` after it.
    let after_marker = start + METADATA_MARKER.len() + 1;
    let fence_line = body[after_marker.min(body.len())..]
        .lines()
        .next()
        .unwrap_or("");
    let fence = fence_line.trim_end_matches("yaml");
    let closing = format!("\n{fence}\n\n");
    match body[after_marker.min(body.len())..].find(&closing) {
        Some(at) if !fence.is_empty() => {
            let insert = after_marker + at + closing.len();
            format!("{}{note}{}", &body[..insert], &body[insert..])
        }
        _ => body.to_owned(),
    }
}

/// The heading of the one section that holds the plan's own markdown, so a
/// reader always knows which words are the fleet's and which are petrova's.
const RATIONALE_HEADING: &str = "### Rationale (the fleet's words)\n\n";

/// The plan's rationale, cut to the budget, in a section of its own.
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
        s.push_str(RATIONALE_HEADING);
        s.push_str(&safe_block(&rationale));
        s.push_str("\n\n");
    } else if budget.rationale_chars == Some(0) && !full.trim().is_empty() {
        s.push_str(RATIONALE_HEADING);
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
/// spaces, `<` escaped (so it cannot be HTML or a forged marker), images shown
/// as links, mentions and closing keywords inert, and a first character that
/// would open a block (a heading, a quote, a list, a fence, a definition)
/// escaped, since a list item's text may itself start one; optionally abridged.
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
    let line = outside_code(&images_as_links(&folded, false));
    if opens_block(&line) {
        format!("\\{line}")
    } else if let Some(marker) = ordered_marker(&line) {
        format!("{}\\{}", &line[..marker], &line[marker..])
    } else {
        line
    }
}

/// Whether one line of text would open a block other than a paragraph when
/// it starts a list item: a heading, a quote, a list, a thematic break or
/// setext line, a fence, a table row, a definition.
fn opens_block(line: &str) -> bool {
    let Some(first) = line.chars().next() else {
        return false;
    };
    let thematic = |c: char| {
        line.chars().filter(|x| *x == c).count() >= 3
            && line.chars().all(|x| x == c || x == ' ' || x == '\t')
    };
    match first {
        '#' | '>' => true,
        '-' | '+' | '*' => line[1..].starts_with([' ', '\t']) || line.len() == 1 || thematic(first),
        '_' => thematic('_'),
        '[' => line.contains("]:"),
        '`' | '~' => {
            let run = line.chars().take_while(|c| *c == first).count();
            run >= 3 && !(first == '`' && line[run..].contains('`'))
        }
        _ => false,
    }
}

/// The byte position of the `.` or `)` of an ordered-list marker (`12.`, `3)`)
/// that starts the line, if one does.
fn ordered_marker(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    ((1..=9).contains(&digits) && matches!(line.as_bytes().get(digits), Some(b'.' | b')')))
        .then_some(digits)
}

/// A code span that shows `text` literally, whatever backticks it holds.
pub fn code_span(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        // "``" would be two literal backticks that pair with the next code
        // span's, turning code into text; a span of one space stays a span.
        return "` `".to_owned();
    }
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

/// Plan markdown (the rationale) made safe to embed. Mentions and closing
/// keywords are made inert, headings, link reference definitions and images
/// are neutralised, and every `<` outside code becomes `&lt;`, so no raw HTML
/// can survive whichever parser reads it (GitHub's cmark-gfm recognises tags
/// pulldown-cmark does not, such as `<details a=b\tc=d>`). The result is then
/// parsed once more: if it would still make a heading, an image, raw HTML or a
/// definition, or would swallow what follows it (an unclosed fence, a lazy
/// continuation), the text is quoted whole in a fenced block longer than any
/// backtick run inside it.
pub fn safe_block(markdown: &str) -> String {
    let markdown = crate::encoding::text::inert_references(markdown);
    let text = markdown.replace("\r\n", "\n").replace('\r', "\n");
    // Tabs, vertical tabs and form feeds are where parsers disagree (cmark-gfm
    // closes a fence followed by a tab and reads a table delimiter row holding
    // one; pulldown-cmark does neither): spaces read the same everywhere.
    let text = text.replace('\t', "    ").replace(['\u{b}', '\u{c}'], " ");
    let text = neutralize_blocks(&text);
    let escaped = escape_angle_brackets(&text);
    if stays_plain(&escaped) {
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
        let indent = if fence.is_none() && indent < 4 {
            indent + container_prefix(&line[indent..])
        } else {
            indent
        };
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
        out.push_str(&images_as_links(body, true));
        previous_is_text = !content.is_empty();
    }
    out
}

/// The length of the block-quote and list-item markers a line opens with
/// (`> `, `- `, `1. `, nested), so that a heading or a definition inside a
/// quote or a list item is neutralised like one at the top level.
fn container_prefix(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut at = 0;
    loop {
        let rest = &bytes[at..];
        let marker = match rest.first() {
            Some(b'>') => 1,
            Some(b'-' | b'+' | b'*') if matches!(rest.get(1), Some(b' ' | b'\t')) => 1,
            Some(b'0'..=b'9') => {
                let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
                if digits <= 9
                    && matches!(rest.get(digits), Some(b'.' | b')'))
                    && matches!(rest.get(digits + 1), Some(b' ' | b'\t'))
                {
                    digits + 1
                } else {
                    return at;
                }
            }
            _ => return at,
        };
        at += marker;
        let spaces = bytes[at..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        at += spaces;
    }
}

/// `![alt](url)` outside code spans becomes `\![alt](url)`: the `!` shown
/// as text, then a link a reader may follow, not a request GitHub's image
/// proxy makes for every viewer. A `!` already escaped (after an odd number of
/// backslashes) is left alone. With `respect_code`, code spans (as a simple
/// backtick pairing finds them) are left alone too; one-line items pass
/// `false`, since nothing re-parses them to catch a wrong guess.
fn images_as_links(line: &str, respect_code: bool) -> Cow<'_, str> {
    if !line.contains("![") {
        return Cow::Borrowed(line);
    }
    // On a line with a `|`, what looks like a code span may be split into
    // two table cells by another parser: nothing there is treated as code.
    let respect_code = respect_code && !line.contains('|');
    let bytes = line.as_bytes();
    let mut out = String::with_capacity(line.len() + 4);
    let mut i = 0;
    while i < bytes.len() {
        if respect_code && bytes[i] == b'`' {
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
        if bytes[i] == b'!' && bytes.get(i + 1) == Some(&b'[') {
            let backslashes = bytes[..i].iter().rev().take_while(|b| **b == b'\\').count();
            if backslashes % 2 == 0 {
                out.push('\\');
            }
            out.push('!');
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

/// Every `<` outside code spans and code blocks written as `&lt;`: shown the
/// same, but never the start of a tag, a comment or an autolink.
fn escape_angle_brackets(text: &str) -> String {
    if !text.contains('<') && !text.contains('&') {
        return text.to_owned();
    }
    let mut code: Vec<std::ops::Range<usize>> = Vec::new();
    for (event, range) in
        Parser::new_ext(text, crate::governance::markdown::options()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code.push(range),
            // GitHub's autolink extension may take the backticks that open a
            // span into a URL (`https://x.example``<b>` ``), which then is no
            // span at all: a span keeps a raw `<` only when nothing but
            // whitespace or the start of a line comes before it.
            // A span on a line holding a `|` may be a table cell's half to
            // another parser: it is not trusted either.
            Event::Code(_)
                if text[..range.start]
                    .chars()
                    .next_back()
                    .is_none_or(char::is_whitespace)
                    && !line_around(text, range.clone()).contains('|') =>
            {
                code.push(range);
            }
            _ => {}
        }
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    for range in code {
        if range.start < last {
            continue;
        }
        out.push_str(&outside_code(&text[last..range.start]));
        out.push_str(&text[range.clone()]);
        last = range.end;
    }
    out.push_str(&outside_code(&text[last..]));
    out
}

/// Text outside code as shown, never as markup: `<` cannot open a tag, and
/// `&` cannot make an entity (`&#64;alice` would render a live mention).
fn outside_code(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

/// The lines `range` spans in `text`.
fn line_around(text: &str, range: std::ops::Range<usize>) -> &str {
    let start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[range.end..]
        .find('\n')
        .map_or(text.len(), |i| range.end + i);
    &text[start..end]
}

/// Whether `text`, followed by a section of petrova's, renders as plain
/// markdown: no raw HTML, heading, image, link reference or footnote
/// definition, and a paragraph placed after it stays a top-level paragraph.
fn stays_plain(text: &str) -> bool {
    let sentinel = sentinel_for(text);
    let probe = format!("{}\n\n{sentinel}\n", text.trim_end());
    let mut parser = Parser::new_ext(&probe, crate::governance::markdown::options());
    let mut depth = 0usize;
    let mut at_paragraph_start = false;
    let mut sentinel_seen = false;
    for event in parser.by_ref() {
        match event {
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::Start(Tag::Heading { .. } | Tag::Image { .. } | Tag::FootnoteDefinition(_)) => {
                return false
            }
            Event::Start(Tag::Paragraph) => at_paragraph_start = depth == 0,
            Event::Start(_) => {
                depth += 1;
                at_paragraph_start = false;
            }
            Event::End(TagEnd::Paragraph) => at_paragraph_start = false,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) if at_paragraph_start && t.as_ref() == sentinel => {
                sentinel_seen = true;
                at_paragraph_start = false;
            }
            _ => at_paragraph_start = false,
        }
    }
    sentinel_seen && parser.reference_definitions().iter().next().is_none()
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
            "see \\![x](https://e/p.png) and `![code](y)`\n",
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
