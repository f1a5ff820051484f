//! `petrova init`: how a repository that already keeps decision records and a
//! roadmap adopts petrova in a minute. Core looks in the usual places, reads
//! what it finds with the same readers a diagnosis uses, and suggests the
//! `.petrova.yml` that points at it (no guards: those are the team's rules to
//! write). The CLI only lists folders and writes the file when asked.

use crate::encoding::date::Date;
use crate::error::Diagnostic;
use crate::governance::docs::{self, ReadMarkdown, ScanLimits};
use crate::governance::records::{self, NameDate};
use crate::governance::source::{Checkout, EntryKind};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where decision records usually live, in the order tried: the first that
/// holds a record wins.
pub const DECISION_FOLDERS: &[&str] = &[
    "docs/decisions",
    "doc/adr",
    "docs/adr",
    "docs/architecture/decisions",
    "doc/architecture/decisions",
    "docs/architecture/adr",
    "adr",
    "architecture/decisions",
    "decisions",
    "docs/design-decisions",
];

/// Where findings usually live, in the order tried.
pub const FINDING_FOLDERS: &[&str] = &["docs/findings", "findings"];

/// Where a roadmap usually lives, in the order tried.
pub const ROADMAPS: &[&str] = &[
    "docs/roadmap.md",
    "ROADMAP.md",
    "docs/ROADMAP.md",
    "roadmap.md",
    "Roadmap.md",
];

/// Where meta-rules usually live, in the order tried.
pub const META_RULES: &[&str] = &["docs/meta-rules.md", "META-RULES.md", "docs/META-RULES.md"];

/// Where specs usually live, in the order tried.
pub const SPEC_FOLDERS: &[&str] = &["docs/spec", "docs/specs", "spec", "specs"];

/// What `petrova init` found and suggests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InitReport {
    /// The suggested `.petrova.yml`.
    pub config: String,
    /// The decisions folder found, if any.
    pub decisions: Option<FolderSurvey>,
    /// The findings folder found, if any.
    pub findings: Option<FolderSurvey>,
    /// The roadmap found, if any.
    pub roadmap: Option<RoadmapSurvey>,
    /// The meta-rules document found, if any.
    pub meta_rules: Option<String>,
    /// The specs folder found, if any.
    pub specs: Option<String>,
    /// Whether the repository already has a `.petrova.yml`.
    pub config_exists: bool,
}

/// One records folder, read in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FolderSurvey {
    /// The folder.
    pub path: String,
    /// How many records.
    pub records: usize,
    /// Records per naming format (`NNNN-<slug>.md`, `YYYY-MM-DD-<slug>.md`, …).
    pub formats: BTreeMap<String, usize>,
    /// The first and last date of the dated records.
    pub dates: Option<(String, String)>,
    /// Records no date places.
    pub undated: usize,
    /// Statuses seen, with how many records have each (`(none)` for none).
    pub statuses: BTreeMap<String, usize>,
    /// Templates and other files skipped as not records.
    pub skipped: Vec<String>,
    /// Problems met while reading.
    pub warnings: Vec<Diagnostic>,
}

/// The roadmap, read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoadmapSurvey {
    /// The document.
    pub path: String,
    /// Every phase with its status, in document order.
    pub phases: Vec<(String, String)>,
    /// The current phase.
    pub current: Option<String>,
    /// How many milestones are open.
    pub open_milestones: usize,
}

/// Looks for governance documents in the usual places and suggests a `.petrova.yml`.
pub fn suggest(checkout: &dyn Checkout, limits: ScanLimits) -> InitReport {
    let decisions = first_folder(checkout, DECISION_FOLDERS, limits);
    let findings = first_folder(checkout, FINDING_FOLDERS, limits);
    let roadmap = ROADMAPS
        .iter()
        .find_map(|path| survey_roadmap(checkout, path, limits));
    let meta_rules = first_file(checkout, META_RULES);
    let specs = SPEC_FOLDERS
        .iter()
        .find(|dir| matches!(checkout.kind(dir), Ok(Some(EntryKind::Dir))))
        .map(|s| (*s).to_owned());
    let config_exists = matches!(checkout.kind(docs::CONFIG_FILE), Ok(Some(_)));
    let mut config = String::from(
        "# Suggested by `petrova init`: where this repository keeps its governance documents.\n\
         # Guards (machine-checked meta-rules) are yours to add; see petrova's README.\n",
    );
    let keys: [(&str, Option<&str>); 5] = [
        ("decisions", decisions.as_ref().map(|d| d.path.as_str())),
        ("findings", findings.as_ref().map(|d| d.path.as_str())),
        ("specs", specs.as_deref()),
        ("meta_rules", meta_rules.as_deref()),
        ("roadmap", roadmap.as_ref().map(|r| r.path.as_str())),
    ];
    for (key, value) in keys {
        if let Some(value) = value {
            config.push_str(&format!("{key}: {value}\n"));
        }
    }
    InitReport {
        config,
        decisions,
        findings,
        roadmap,
        meta_rules,
        specs,
        config_exists,
    }
}

fn first_file(checkout: &dyn Checkout, paths: &[&str]) -> Option<String> {
    paths
        .iter()
        .find(|p| matches!(checkout.kind(p), Ok(Some(EntryKind::File))))
        .map(|p| (*p).to_owned())
}

fn first_folder(
    checkout: &dyn Checkout,
    dirs: &[&str],
    limits: ScanLimits,
) -> Option<FolderSurvey> {
    dirs.iter()
        .filter_map(|dir| survey_folder(checkout, dir, limits))
        .find(|s| s.records > 0)
}

/// The name format a record's name follows, as `init` reports it.
fn format_of(entry: &records::RecordEntry) -> &'static str {
    if entry.folder {
        return "<slug>/ (index.md or README.md)";
    }
    match &entry.name_date {
        NameDate::Full { at: Some(_), .. } => "YYYYMMDD-HHMM-<slug>.md",
        NameDate::Full { .. } => {
            let name = entry.path.rsplit('/').next().unwrap_or("");
            if name.as_bytes().get(4) == Some(&b'-') {
                "YYYY-MM-DD-<slug>.md"
            } else {
                "YYYYMMDD-<slug>.md"
            }
        }
        NameDate::Month => "YYYY-MM-<slug>.md",
        NameDate::Numbered { .. } => "NNNN-<slug>.md",
        NameDate::Plain | NameDate::Malformed => "other names",
    }
}

/// Reads every record of `dir` (the whole history: init runs once).
pub fn survey_folder(
    checkout: &dyn Checkout,
    dir: &str,
    limits: ScanLimits,
) -> Option<FolderSurvey> {
    if !matches!(checkout.kind(dir), Ok(Some(EntryKind::Dir))) {
        return None;
    }
    let mut warnings = Vec::new();
    let entries = records::list(checkout, dir, &mut warnings);
    let mut survey = FolderSurvey {
        path: dir.to_owned(),
        records: 0,
        formats: BTreeMap::new(),
        dates: None,
        undated: 0,
        statuses: BTreeMap::new(),
        skipped: skipped(checkout, dir),
        warnings: Vec::new(),
    };
    let mut dates: Vec<Date> = Vec::new();
    for entry in &entries {
        let Ok(Some(bytes)) = checkout.read(&entry.path) else {
            continue;
        };
        let mut facts = records::read(&entry.path, &bytes, limits);
        if matches!(entry.name_date, NameDate::Numbered { number: 0, .. }) && facts.template_title {
            survey.skipped.push(entry.path.clone());
            continue;
        }
        warnings.append(&mut facts.warnings);
        survey.records += 1;
        *survey
            .formats
            .entry(format_of(entry).to_owned())
            .or_default() += 1;
        let date = match entry.name_date {
            NameDate::Full { date, .. } => Some(date),
            _ => facts.written_date,
        };
        match date {
            Some(d) => dates.push(d),
            None => survey.undated += 1,
        }
        let status = facts.status.unwrap_or_else(|| "(none)".to_owned());
        *survey.statuses.entry(status).or_default() += 1;
    }
    dates.sort();
    if let (Some(first), Some(last)) = (dates.first(), dates.last()) {
        survey.dates = Some((first.to_string(), last.to_string()));
    }
    survey.skipped.sort();
    survey.warnings = warnings;
    Some(survey)
}

/// The markdown files of `dir` (and its subfolders) that are not records:
/// templates and the folder's own index.
fn skipped(checkout: &dyn Checkout, dir: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(Some(entries)) = checkout.list(dir) else {
        return out;
    };
    for e in entries {
        let lower = e.name.to_ascii_lowercase();
        let markdown = lower.ends_with(".md") || lower.ends_with(".markdown");
        if e.kind == EntryKind::File
            && markdown
            && (records::record_stem(&e.name).is_none() || records::is_index(&e.name))
            && !e.name.starts_with('.')
        {
            out.push(format!("{dir}/{}", e.name));
        }
    }
    out
}

fn survey_roadmap(
    checkout: &dyn Checkout,
    path: &str,
    limits: ScanLimits,
) -> Option<RoadmapSurvey> {
    match docs::read_markdown(checkout, path, limits) {
        ReadMarkdown::Text {
            body, line_offset, ..
        } => {
            let (roadmap, _) = docs::parse_roadmap(path, &body, line_offset);
            Some(RoadmapSurvey {
                path: path.to_owned(),
                phases: roadmap.phases,
                current: roadmap.current,
                open_milestones: roadmap.open_milestones.len(),
            })
        }
        _ => None,
    }
}

/// The report as text: what was found, then the suggested `.petrova.yml`.
pub fn render_text(report: &InitReport) -> String {
    use crate::encoding::text::shown;
    use std::fmt::Write as _;
    let mut s = String::new();
    for (what, survey) in [
        ("decisions", &report.decisions),
        ("findings", &report.findings),
    ] {
        let Some(f) = survey else {
            let _ = writeln!(s, "{what}: none found");
            continue;
        };
        let _ = writeln!(s, "{what}: {} — {} records", shown(&f.path), f.records);
        for (format, n) in &f.formats {
            let _ = writeln!(s, "  {n:>5}  {format}");
        }
        match &f.dates {
            Some((first, last)) => {
                let _ = writeln!(s, "  dated {first} … {last}; undated: {}", f.undated);
            }
            None => {
                let _ = writeln!(s, "  no dated records; undated: {}", f.undated);
            }
        }
        let statuses: Vec<String> = f
            .statuses
            .iter()
            .map(|(k, n)| format!("{} {n}", shown(k)))
            .collect();
        let _ = writeln!(s, "  statuses: {}", statuses.join(", "));
        if !f.skipped.is_empty() {
            let skipped: Vec<String> = f.skipped.iter().map(|p| shown(p).into_owned()).collect();
            let _ = writeln!(s, "  not records (skipped): {}", skipped.join(", "));
        }
        for w in &f.warnings {
            let _ = writeln!(s, "  warning: {w}");
        }
    }
    match &report.roadmap {
        Some(r) => {
            let phases: Vec<String> = r
                .phases
                .iter()
                .map(|(name, status)| format!("{} ({status})", shown(name)))
                .collect();
            let _ = writeln!(
                s,
                "roadmap: {} — {} phases{}; current: {}; open milestones: {}",
                shown(&r.path),
                r.phases.len(),
                if phases.is_empty() {
                    String::new()
                } else {
                    format!(": {}", phases.join(", "))
                },
                r.current
                    .as_deref()
                    .map_or("(none)".into(), |c| shown(c).into_owned()),
                r.open_milestones
            );
        }
        None => s.push_str("roadmap: none found\n"),
    }
    if report.config_exists {
        s.push_str("\n.petrova.yml exists already; the suggestion below is not written without --force:\n\n");
    } else {
        s.push_str("\nsuggested .petrova.yml:\n\n");
    }
    s.push_str(&report.config);
    s
}
