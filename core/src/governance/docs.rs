//! Governance documents of a target repository: `.petrova.yml`, dated decisions
//! and findings, meta-rules, the roadmap and spec anchors.
//!
//! Every reader here is total: odd input becomes a warning [`Diagnostic`] with
//! `path:line`, never an error that stops a scan.

use crate::encoding::canonical::sha256_hex;
use crate::encoding::date::Date;
use crate::encoding::yaml;
use crate::error::{Code, Diagnostic};
use crate::governance::markdown::{self, Block};
use crate::governance::source::{Checkout, EntryKind};
use serde::{Deserialize, Serialize};

/// The file at a repository's root that says where its governance docs live.
pub const CONFIG_FILE: &str = ".petrova.yml";

/// Where a repository keeps its governance documents, and its guards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoConfig {
    /// Folder of dated decisions.
    pub decisions: String,
    /// Folder of timestamped findings.
    pub findings: String,
    /// Folder of specs.
    pub specs: String,
    /// The meta-rules document.
    pub meta_rules: String,
    /// The roadmap document.
    pub roadmap: String,
    /// Machine-checked meta-rules.
    pub guards: Vec<Guard>,
    /// Whether a missing meta-rules document or roadmap is worth a warning:
    /// when `.petrova.yml` names it, or when there is no `.petrova.yml` at
    /// all. A team that adopts petrova with `decisions: doc/adr` alone has no
    /// such documents and is not told so on every run.
    pub expects: ExpectedDocs,
}

/// Which optional documents a repository says it keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpectedDocs {
    /// The meta-rules document.
    pub meta_rules: bool,
    /// The roadmap.
    pub roadmap: bool,
}

impl Default for RepoConfig {
    fn default() -> Self {
        RepoConfig {
            decisions: "docs/decisions".to_owned(),
            findings: "docs/findings".to_owned(),
            specs: "docs/spec".to_owned(),
            meta_rules: "docs/meta-rules.md".to_owned(),
            roadmap: "docs/roadmap.md".to_owned(),
            guards: Vec::new(),
            expects: ExpectedDocs {
                meta_rules: true,
                roadmap: true,
            },
        }
    }
}

/// A machine-checked meta-rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guard {
    /// The meta-rule it checks, e.g. `MR-7`.
    pub rule: String,
    /// What it checks.
    pub kind: GuardKind,
    /// Path prefixes (`docs/decisions/`) or exact files (`CLAUDE.md`) it covers.
    pub paths: Vec<String>,
}

/// The kinds of guard petrova can check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardKind {
    /// Existing files are never modified or deleted; new files must be named `YYYY-MM-DD-<slug>.md`.
    AppendOnly,
    /// Files are projections: never created, modified or deleted by a proposal.
    ReadOnly,
}

impl Guard {
    /// Whether `path` falls under this guard.
    pub fn covers(&self, path: &str) -> bool {
        self.paths.iter().any(|p| path_under(path, p))
    }
}

/// Whether `path` equals `prefix` or lies below it (`docs/decisions/` and
/// `docs/decisions` both cover `docs/decisions/x.md`), compared after
/// [`path_fold`](crate::encoding::text::path_fold) (NFC, no case): on some
/// clones `Docs/Decisions/x.md` is the same file.
pub fn path_under(path: &str, prefix: &str) -> bool {
    let trimmed = prefix.trim_end_matches('/');
    if trimmed.is_empty() {
        return true;
    }
    use crate::encoding::text::path_fold;
    let (path, trimmed) = (path_fold(path), path_fold(trimmed));
    path == trimmed
        || (path.starts_with(&trimmed) && path.as_bytes().get(trimmed.len()) == Some(&b'/'))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    decisions: Option<String>,
    findings: Option<String>,
    specs: Option<String>,
    meta_rules: Option<String>,
    roadmap: Option<String>,
    #[serde(default)]
    guards: Vec<Guard>,
}

/// `.petrova.yml` read from a checkout, with its digest and any problems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedConfig {
    /// The configuration (defaults where the file is absent or invalid).
    pub config: RepoConfig,
    /// SHA-256 of the file's bytes, `None` when there is no file.
    pub digest: Option<String>,
    /// Problems; when non-empty the defaults were used and plans are refused.
    pub problems: Vec<Diagnostic>,
}

/// Reads `.petrova.yml` (all keys optional).
pub fn load_config(checkout: &dyn Checkout) -> LoadedConfig {
    let bytes = match checkout.read(CONFIG_FILE) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            return LoadedConfig {
                config: RepoConfig::default(),
                digest: None,
                problems: Vec::new(),
            }
        }
        Err(e) => {
            return LoadedConfig {
                config: RepoConfig::default(),
                digest: None,
                problems: vec![Diagnostic::in_file(
                    Code::DocUnreadable,
                    CONFIG_FILE,
                    None,
                    e.message(),
                )],
            }
        }
    };
    let digest = Some(sha256_hex(&bytes));
    let (config, problems) = parse_config(&bytes);
    LoadedConfig {
        config,
        digest,
        problems,
    }
}

/// Parses `.petrova.yml` bytes; problems fall back to the defaults.
pub fn parse_config(bytes: &[u8]) -> (RepoConfig, Vec<Diagnostic>) {
    let text = match markdown::decode(CONFIG_FILE, bytes) {
        Ok(d) if d.warning.is_none() => d.text,
        Ok(d) => return (RepoConfig::default(), d.warning.into_iter().collect()),
        Err(diag) => return (RepoConfig::default(), vec![diag]),
    };
    if text.trim().is_empty() {
        return (RepoConfig::default(), Vec::new());
    }
    let raw: RawConfig = match yaml::from_str(&text) {
        Ok(raw) => raw,
        Err(e) => {
            return (
                RepoConfig::default(),
                vec![Diagnostic::in_file(
                    Code::ConfigInvalid,
                    CONFIG_FILE,
                    e.line,
                    format!("{}; using the default layout and no guards", e.message),
                )],
            )
        }
    };
    let base = RepoConfig::default();
    let expects = ExpectedDocs {
        meta_rules: raw.meta_rules.is_some(),
        roadmap: raw.roadmap.is_some(),
    };
    let config = RepoConfig {
        expects,
        decisions: clean_dir(raw.decisions.as_deref().unwrap_or(&base.decisions)),
        findings: clean_dir(raw.findings.as_deref().unwrap_or(&base.findings)),
        specs: clean_dir(raw.specs.as_deref().unwrap_or(&base.specs)),
        meta_rules: raw.meta_rules.unwrap_or(base.meta_rules),
        roadmap: raw.roadmap.unwrap_or(base.roadmap),
        guards: raw.guards,
    };
    let mut problems = Vec::new();
    for (name, value) in [
        ("decisions", &config.decisions),
        ("findings", &config.findings),
        ("specs", &config.specs),
        ("meta_rules", &config.meta_rules),
        ("roadmap", &config.roadmap),
    ] {
        if value.is_empty() || value.starts_with('/') || value.split('/').any(|s| s == "..") {
            problems.push(Diagnostic::in_file(
                Code::ConfigInvalid,
                CONFIG_FILE,
                None,
                format!("`{name}: {value}` must be a relative path inside the repository"),
            ));
        }
    }
    if problems.is_empty() {
        (config, problems)
    } else {
        (RepoConfig::default(), problems)
    }
}

fn clean_dir(s: &str) -> String {
    // `./doc/adr` names `doc/adr`: paths are compared as written elsewhere.
    let mut s = s;
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.trim_end_matches('/').to_owned()
}

// ----- dated file names -----

/// The date of a decision file named `YYYY-MM-DD-<slug>.md`: the name the
/// `append_only` guard asks of a new record in a dated folder.
pub fn decision_date(name: &str) -> Option<Date> {
    let stem = name.strip_suffix(".md")?;
    let date = Date::parse(stem.get(..10)?)?;
    let slug = stem.get(10..)?.strip_prefix('-')?;
    is_name_slug(slug).then_some(date)
}

fn is_name_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

// ----- one document -----

/// Limits that keep a scan bounded on hostile repositories.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanLimits {
    /// Documents larger than this are listed but not parsed.
    pub max_doc_bytes: usize,
}

impl Default for ScanLimits {
    fn default() -> Self {
        ScanLimits {
            max_doc_bytes: 2 * 1024 * 1024,
        }
    }
}

/// The first `Status: <value>` line of a paragraph, lower-cased, with its line.
fn status_line(blocks: &[Block]) -> Option<(String, usize)> {
    blocks.iter().find_map(|b| match b {
        Block::Paragraph { text, line } => text
            .lines()
            .enumerate()
            .find_map(|(i, l)| status_value(l).map(|v| (v, line + i))),
        _ => None,
    })
}

// ----- meta-rules -----

/// A meta-rule definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaRule {
    /// `MR-<n>`.
    pub id: String,
    /// The rest of the defining line.
    pub statement: String,
}

/// Reads meta-rule definitions: headings or list items beginning `MR-<n>` and a separator.
///
/// Rules come back ordered by number; a repeated id warns and keeps the first.
pub fn parse_meta_rules(
    path: &str,
    text: &str,
    line_offset: usize,
) -> (Vec<MetaRule>, Vec<Diagnostic>) {
    let mut rules: Vec<(u64, MetaRule, usize)> = Vec::new();
    // Rule number → line of its first definition (a map keeps this linear).
    let mut first_lines: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let mut warnings = Vec::new();
    for block in markdown::blocks(text, line_offset) {
        let (candidate, line) = match &block {
            Block::Heading { text, line, .. } | Block::Item { text, line, .. } => {
                (text.as_str(), *line)
            }
            Block::Paragraph { .. } => continue,
        };
        let Some((number, statement)) = meta_rule_definition(candidate) else {
            continue;
        };
        if let Some(first_line) = first_lines.get(&number) {
            warnings.push(Diagnostic::in_file(
                Code::MetaRuleDuplicate,
                path,
                Some(line),
                format!("MR-{number} is defined again (first at line {first_line}); the first definition is kept"),
            ));
            continue;
        }
        first_lines.insert(number, line);
        rules.push((
            number,
            MetaRule {
                id: format!("MR-{number}"),
                statement,
            },
            line,
        ));
    }
    rules.sort_by_key(|(n, _, _)| *n);
    (
        rules.into_iter().map(|(_, rule, _)| rule).collect(),
        warnings,
    )
}

/// `MR-7 — statement` → `(7, "statement")`.
fn meta_rule_definition(text: &str) -> Option<(u64, String)> {
    let rest = text.strip_prefix("MR-")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let number: u64 = rest.get(..digits)?.parse().ok()?;
    let rest = rest[digits..].trim_start();
    let sep = rest.chars().next()?;
    if !matches!(sep, '-' | '–' | '—' | ':') {
        return None;
    }
    let statement = rest[sep.len_utf8()..].trim();
    Some((number, statement.to_owned()))
}

// ----- roadmap -----

/// What the roadmap says about phases and milestones.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roadmap {
    /// The current phase: `Phase-<n>` or `v<version>`.
    pub current: Option<String>,
    /// Its status: `open`, `closed` or `planned`.
    pub status: Option<String>,
    /// Unchecked milestones in document order: an `M<n>(.<n>)*` id, or the
    /// item's text (at most [`MILESTONE_TEXT_CHARS`] characters).
    pub open_milestones: Vec<String>,
    /// Every phase, in document order, with its status (`petrova init` shows them).
    pub phases: Vec<(String, String)>,
}

/// The longest milestone name taken from an item's text.
pub const MILESTONE_TEXT_CHARS: usize = 80;

/// One phase heading and what was found under it.
struct PhaseEntry {
    /// `Phase-7`, `v0.6`.
    name: String,
    /// The numbers it sorts by (a version's components).
    order: Vec<u64>,
    /// The heading's level and line.
    level: u8,
    line: usize,
    /// A `Status:` line under the heading, normalised.
    written: Option<String>,
    /// What the heading itself says (✅, 🚧, "(done)" …).
    from_heading: Option<&'static str>,
    /// Task-list items under it.
    checked: usize,
    unchecked: usize,
}

impl PhaseEntry {
    /// The written status, else the heading's, else what its items say: only
    /// unchecked (or none) → planned, a mix → open, all checked → closed.
    fn status(&self) -> &str {
        if let Some(s) = &self.written {
            return s;
        }
        if let Some(s) = self.from_heading {
            return s;
        }
        match (self.checked, self.unchecked) {
            (0, _) => "planned",
            (_, 0) => "closed",
            _ => "open",
        }
    }
}

/// Reads a roadmap as people write them: phase headings (`Phase-7`,
/// `Phase 7: title`, any level) and version headings (`## v0.6`,
/// `## [Version 0.6]`), each phase's status (a `Status:` line under it, else
/// its heading's ✅/🚧/"(done)"/"(in progress)", else its task list), and
/// task-list milestones. The current phase is the highest one that is not
/// planned, or the lowest planned one when all are.
pub fn parse_roadmap(path: &str, text: &str, line_offset: usize) -> (Roadmap, Vec<Diagnostic>) {
    let blocks = markdown::blocks(text, line_offset);
    let mut warnings = Vec::new();
    let mut phases: Vec<PhaseEntry> = Vec::new();
    let mut in_phase = false;
    let mut open = Vec::new();
    let mut seen_open = std::collections::HashSet::new();
    for block in &blocks {
        match block {
            Block::Heading {
                level, text, line, ..
            } => {
                if phases.last().is_some_and(|p| *level <= p.level) {
                    in_phase = false;
                }
                if let Some((name, order)) = phase_heading(text) {
                    phases.push(PhaseEntry {
                        name,
                        order,
                        level: *level,
                        line: *line,
                        written: None,
                        from_heading: heading_status(text),
                        checked: 0,
                        unchecked: 0,
                    });
                    in_phase = true;
                }
            }
            Block::Paragraph { .. } | Block::Item { task: None, .. } if in_phase => {
                let found = match block {
                    Block::Item { text, line, .. } => status_value(text).map(|v| (v, *line)),
                    _ => status_line(std::slice::from_ref(block)),
                };
                if let (Some((value, line)), Some(phase)) = (found, phases.last_mut()) {
                    if phase.written.is_none() {
                        match phase_status_word(&value) {
                            Some(status) => phase.written = Some(status.to_owned()),
                            None => warnings.push(Diagnostic::in_file(
                                Code::RoadmapPhaseStatus,
                                path,
                                Some(line),
                                format!(
                                    "{} has status `{value}`; expected open, closed or planned",
                                    phase.name
                                ),
                            )),
                        }
                    }
                }
            }
            Block::Item {
                text,
                task: Some(checked),
                ..
            } => {
                if let (true, Some(phase)) = (in_phase, phases.last_mut()) {
                    if *checked {
                        phase.checked += 1;
                    } else {
                        phase.unchecked += 1;
                    }
                }
                if !checked {
                    let name = milestone_name(text);
                    if !name.is_empty() && seen_open.insert(name.clone()) {
                        open.push(name);
                    }
                }
            }
            _ => {}
        }
    }
    let mut roadmap = Roadmap {
        open_milestones: open,
        phases: phases
            .iter()
            .map(|p| (p.name.clone(), p.status().to_owned()))
            .collect(),
        ..Roadmap::default()
    };
    let current = phases
        .iter()
        .filter(|p| p.status() != "planned")
        .max_by(|a, b| a.order.cmp(&b.order).then(b.line.cmp(&a.line)))
        .or_else(|| {
            phases
                .iter()
                .min_by(|a, b| a.order.cmp(&b.order).then(a.line.cmp(&b.line)))
        });
    match current {
        Some(phase) => {
            roadmap.current = Some(phase.name.clone());
            roadmap.status = Some(phase.status().to_owned());
        }
        None => warnings.push(Diagnostic::in_file(
            Code::RoadmapNoPhase,
            path,
            None,
            "no phase heading found (`Phase-<n>`, `Phase <n>: …`, `v<version>`)",
        )),
    }
    (roadmap, warnings)
}

/// A phase heading's name and sort key: `Phase-7 — x`, `Phase 7: x`,
/// `✅ Phase 7` → `Phase-7`; `v0.6`, `[Version 0.6]`, `Version 0.6.1 (done)` →
/// `v0.6`, `v0.6.1`. Only symbols may come before the word.
fn phase_heading(heading: &str) -> Option<(String, Vec<u64>)> {
    let start = heading.find(|c: char| c.is_alphanumeric())?;
    if heading[..start].chars().any(|c| c.is_alphanumeric()) {
        return None;
    }
    let rest = &heading[start..];
    let (phase, rest) = if let Some(r) = rest.strip_prefix("Phase") {
        (true, r.strip_prefix(['-', ' '])?)
    } else if let Some(r) = rest.strip_prefix("Version ") {
        (false, r.trim_start_matches(['v', 'V']))
    } else if let Some(r) = rest.strip_prefix(['v', 'V']) {
        (false, r)
    } else {
        return None;
    };
    let len = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || (!phase && *b == b'.'))
        .count();
    let number = &rest[..len];
    if number.is_empty()
        || !number.as_bytes()[0].is_ascii_digit()
        || number.ends_with('.')
        || number.contains("..")
        || rest[len..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    let order: Vec<u64> = number
        .split('.')
        .map(|n| n.parse().unwrap_or(u64::MAX))
        .collect();
    let name = if phase {
        format!("Phase-{}", order[0])
    } else {
        format!("v{number}")
    };
    Some((name, order))
}

/// What a phase heading says of its status: ✅ or "(done)" → closed, 🚧 or
/// "(in progress)" → open, "(planned)" → planned.
fn heading_status(heading: &str) -> Option<&'static str> {
    let lower = heading.to_lowercase();
    if lower.contains('✅') || lower.contains('✔') {
        return Some("closed");
    }
    if lower.contains('🚧') {
        return Some("open");
    }
    let words = [
        ("(done)", "closed"),
        ("(complete)", "closed"),
        ("(completed)", "closed"),
        ("(closed)", "closed"),
        ("(in progress)", "open"),
        ("(current)", "open"),
        ("(open)", "open"),
        ("(planned)", "planned"),
    ];
    words
        .iter()
        .find(|(word, _)| lower.contains(word))
        .map(|(_, status)| *status)
}

/// A written phase status in its usual spellings.
fn phase_status_word(value: &str) -> Option<&'static str> {
    match value.trim_end_matches('.') {
        "open" | "in progress" | "in-progress" | "active" | "current" => Some("open"),
        "closed" | "done" | "complete" | "completed" => Some("closed"),
        "planned" | "not started" => Some("planned"),
        _ => None,
    }
}

/// The value of a `Status: value` line (bold or not), lower-cased.
fn status_value(text: &str) -> Option<String> {
    let l = text.trim();
    let head = l.get(..7)?;
    head.eq_ignore_ascii_case("status:").then(|| {
        l[7..]
            .trim()
            .trim_matches(|c| c == '*' || c == '_' || c == '`')
            .trim()
            .to_lowercase()
    })
}

/// A milestone's name: its `M7.8.2` id when the item starts with one, else
/// the item's text, at most [`MILESTONE_TEXT_CHARS`] characters.
fn milestone_name(text: &str) -> String {
    if let Some(id) = milestone_id(text) {
        return id.to_owned();
    }
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = folded.chars().take(MILESTONE_TEXT_CHARS).collect();
    cut.trim_end().to_owned()
}

/// `M7.8.2 — text` → `M7.8.2`.
fn milestone_id(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('M')?;
    let len = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    let id_rest = &rest[..len];
    if id_rest.is_empty()
        || !id_rest.as_bytes()[0].is_ascii_digit()
        || id_rest.ends_with('.')
        || id_rest.contains("..")
    {
        return None;
    }
    if rest[len..]
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric())
    {
        return None;
    }
    Some(&text[..=len])
}

// ----- documents read through a checkout -----

/// The warning for a document over the scan limit, which is listed but not parsed.
pub fn too_large(path: &str, len: usize, limits: ScanLimits) -> Option<Diagnostic> {
    (len > limits.max_doc_bytes).then(|| {
        Diagnostic::in_file(
            Code::DocTooLarge,
            path,
            None,
            format!(
                "{len} bytes is over the scan limit of {} bytes; not parsed",
                limits.max_doc_bytes
            ),
        )
    })
}

/// Reads a whole markdown document for rule-level parsing: decoded text, body line offset and problems.
pub fn read_markdown(checkout: &dyn Checkout, path: &str, limits: ScanLimits) -> ReadMarkdown {
    let bytes = match checkout.read(path) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return ReadMarkdown::Missing,
        Err(e) => {
            return ReadMarkdown::Unusable {
                digest: None,
                problem: Diagnostic::in_file(Code::DocUnreadable, path, None, e.message()),
            }
        }
    };
    let digest = sha256_hex(&bytes);
    if let Some(problem) = too_large(path, bytes.len(), limits) {
        return ReadMarkdown::Unusable {
            digest: Some(digest),
            problem,
        };
    }
    match markdown::decode(path, &bytes) {
        Ok(decoded) => {
            let mut warnings: Vec<Diagnostic> = decoded.warning.into_iter().collect();
            let split = markdown::split_front_matter(path, &decoded.text);
            warnings.extend(split.warning);
            let offset = split.body_line_offset;
            let body = split.body.to_owned();
            ReadMarkdown::Text {
                body,
                line_offset: offset,
                digest,
                warnings,
            }
        }
        Err(problem) => ReadMarkdown::Unusable {
            digest: Some(digest),
            problem,
        },
    }
}

/// The outcome of [`read_markdown`].
#[derive(Debug)]
pub enum ReadMarkdown {
    /// No file at the path.
    Missing,
    /// The file exists but cannot be parsed.
    Unusable {
        /// SHA-256 of its bytes, when they could be read.
        digest: Option<String>,
        /// Why.
        problem: Diagnostic,
    },
    /// The markdown body (front matter removed).
    Text {
        /// The body.
        body: String,
        /// Lines before the body.
        line_offset: usize,
        /// SHA-256 of the file's bytes.
        digest: String,
        /// Non-fatal problems.
        warnings: Vec<Diagnostic>,
    },
}

/// The heading anchors of a spec document, or `None` when it does not exist or is not a file.
pub fn spec_anchors(
    checkout: &dyn Checkout,
    path: &str,
    limits: ScanLimits,
) -> Option<Vec<String>> {
    if checkout.kind(path).ok().flatten() != Some(EntryKind::File) {
        return None;
    }
    match read_markdown(checkout, path, limits) {
        ReadMarkdown::Text {
            body, line_offset, ..
        } => Some(markdown::anchors(&markdown::blocks(&body, line_offset))),
        _ => Some(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_paths_compare_after_nfc_and_without_case() {
        // A guard written with a composed é covers a decomposed, upper-case spelling.
        assert!(path_under("DOCS/De\u{301}cisions/x.md", "docs/décisions/"));
        assert!(path_under("docs/décisions", "docs/De\u{301}cisions"));
        assert!(!path_under("docs/decisions-old/x.md", "docs/decisions/"));
    }

    #[test]
    fn dated_names() {
        let d = |n: &str| decision_date(n).map(|d| d.to_string());
        assert_eq!(
            d("2026-04-28-phase-7-close.md").as_deref(),
            Some("2026-04-28")
        );
        assert_eq!(d("2026-04-28.md"), None);
        assert_eq!(d("2026-04-28-.md"), None);
        assert_eq!(d("2026-02-30-x.md"), None);
        assert_eq!(d("2026-04-28-x.txt"), None);
    }

    fn rules(md: &str) -> Vec<(String, String)> {
        parse_meta_rules("m.md", md, 0)
            .0
            .into_iter()
            .map(|r| (r.id, r.statement))
            .collect()
    }

    #[test]
    fn meta_rule_forms() {
        let md = "# Meta-rules\n\nSee MR-7 before editing. MR-9 — is mentioned, not defined.\n\n\
                  - **MR-7** — decision docs are dated, append-only\n\
                  - MR-11 – en dash\n\
                  - **MR-4**: colon form\n\
                  - MR-5 - hyphen form\n\
                  - MR-6 no separator\n\
                  - see MR-8 — not at the start\n\n\
                  ### MR-10: findings carry a Status line\n\n\
                  * **MR-2 —** bold includes dash\n";
        assert_eq!(
            rules(md),
            vec![
                ("MR-2".into(), "bold includes dash".into()),
                ("MR-4".into(), "colon form".into()),
                ("MR-5".into(), "hyphen form".into()),
                ("MR-7".into(), "decision docs are dated, append-only".into()),
                ("MR-10".into(), "findings carry a Status line".into()),
                ("MR-11".into(), "en dash".into()),
            ]
        );
    }

    #[test]
    fn duplicate_meta_rule_warns_and_keeps_first() {
        let (rules, warnings) = parse_meta_rules("m.md", "- MR-1 — first\n- MR-1 — second\n", 0);
        assert_eq!(rules[0].statement, "first");
        assert_eq!(
            warnings
                .iter()
                .map(|w| (w.code, w.line))
                .collect::<Vec<_>>(),
            vec![(Code::MetaRuleDuplicate, Some(2))]
        );
    }

    #[test]
    fn roadmap_phases_and_milestones() {
        let md = "# Roadmap\n\n## Phase-6 — old\n\nStatus: closed\n\n- [x] M6.1 — done\n\n## Phase-7 — RLS\n\nStatus: Closed\n\n- [x] M7.8.1 — done\n- [ ] M7.8.2 — open\n  - [ ] not a milestone\n\n## Backlog\n\n- [ ] M8.1.1 — later\n- [ ] M7.8.2 — repeated\n- [ ] Mx — no id\n";
        let (roadmap, warnings) = parse_roadmap("r.md", md, 0);
        assert_eq!(roadmap.current.as_deref(), Some("Phase-7"));
        assert_eq!(roadmap.status.as_deref(), Some("closed"));
        assert_eq!(
            roadmap.open_milestones,
            vec!["M7.8.2", "not a milestone", "M8.1.1", "Mx — no id"]
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn roadmap_phases_without_status_or_items_are_planned() {
        let (roadmap, warnings) = parse_roadmap("r.md", "## Phase-2\n\ntext\n\n## Phase-10\n", 0);
        assert_eq!(roadmap.current.as_deref(), Some("Phase-2"));
        assert_eq!(roadmap.status.as_deref(), Some("planned"));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn dot_slash_folders_name_the_same_folder() {
        let (config, problems) = parse_config(b"decisions: ./doc/adr/\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.decisions, "doc/adr");
    }

    #[test]
    fn config_defaults_and_errors() {
        let (config, problems) = parse_config(
            b"decisions: adr/\nguards:\n  - rule: MR-7\n    kind: append_only\n    paths: [adr/]\n",
        );
        assert!(problems.is_empty());
        assert_eq!(config.decisions, "adr");
        assert_eq!(config.findings, "docs/findings");
        assert_eq!(config.guards[0].kind, GuardKind::AppendOnly);
        let (config, problems) =
            parse_config(b"guards:\n  - rule: MR-7\n    kind: sometimes\n    paths: []\n");
        assert_eq!(config, RepoConfig::default());
        assert_eq!(
            problems
                .iter()
                .map(|p| (p.code, p.line))
                .collect::<Vec<_>>(),
            vec![(Code::ConfigInvalid, Some(3))]
        );
        let (_, problems) = parse_config(b"roadmap: ../outside.md\n");
        assert_eq!(problems[0].code, Code::ConfigInvalid);
    }

    #[test]
    fn guard_coverage() {
        let g = Guard {
            rule: "MR-7".into(),
            kind: GuardKind::AppendOnly,
            paths: vec!["docs/decisions/".into(), "CLAUDE.md".into()],
        };
        assert!(g.covers("docs/decisions/x.md"));
        assert!(g.covers("CLAUDE.md"));
        assert!(!g.covers("docs/decisionsx/y.md"));
        assert!(!g.covers("CLAUDE.md.bak"));
    }
}
