//! Diagnosis: the governance view of a repository for a window of dates.
//!
//! The [`Diagnosis`] names the current phase, open milestones, the decisions and
//! findings dated in the window, the meta-rules and the guards. Its id hashes
//! that view (not the commit), so the same documents and window give the same id.

use crate::encoding::canonical::{sha256_hex, to_canonical};
use crate::encoding::date::Date;
use crate::encoding::text::{runner_safe, shown};
use crate::error::{Code, Diagnostic, Failure, Frontend, Knob};
use crate::governance::docs::{self, LoadedConfig, MetaRule, ReadMarkdown, ScanLimits};
use crate::governance::records::{self, NameDate};
use crate::governance::source::Checkout;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The dates a diagnosis looks at, inclusive; `until: None` is open-ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    /// First day, `YYYY-MM-DD`.
    pub since: String,
    /// Last day, `YYYY-MM-DD`, or open.
    pub until: Option<String>,
}

impl Window {
    /// Builds a window from checked dates.
    pub fn new(since: Date, until: Option<Date>) -> Self {
        Window {
            since: since.to_string(),
            until: until.map(|d| d.to_string()),
        }
    }

    /// Parses `since`/`until`, refusing impossible dates and an `until` before
    /// `since` (exit 2; the hint spells the setting as `frontend` does).
    pub fn parse(since: &str, until: Option<&str>, frontend: Frontend) -> Result<Window, Failure> {
        let bad = |knob: Knob, message: String| {
            Failure::new(Code::WindowInvalid, message).with_knob(frontend, "set", knob, "")
        };
        let s = Date::parse(since).ok_or_else(|| {
            bad(
                Knob::Since,
                format!(
                    "the window's first day `{}` is not a date (YYYY-MM-DD)",
                    since.escape_debug()
                ),
            )
        })?;
        let u = match until {
            Some(u) => Some(Date::parse(u).ok_or_else(|| {
                bad(
                    Knob::Until,
                    format!(
                        "the window's last day `{}` is not a date (YYYY-MM-DD)",
                        u.escape_debug()
                    ),
                )
            })?),
            None => None,
        };
        if let Some(u) = u {
            if u < s {
                return Err(bad(
                    Knob::Until,
                    format!("the window's last day {u} is before its first day {s}"),
                ));
            }
        }
        Ok(Window::new(s, u))
    }

    /// A test of whether a date falls in the window, with the bounds parsed once.
    fn containment(&self) -> impl Fn(Date) -> bool {
        let since = Date::parse(&self.since);
        let until = self.until.as_deref().and_then(Date::parse);
        move |date| since.is_none_or(|s| date >= s) && until.is_none_or(|u| date <= u)
    }
}

/// The phase the roadmap is in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    /// `Phase-<n>`, the highest-numbered phase.
    pub current: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
}

/// Milestones of the roadmap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestones {
    /// Every unchecked milestone id.
    pub open: Vec<String>,
}

/// A decision record: dated in the window (in `decisions`) or undated (in
/// `undated_decisions`, then without `date`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Repository-relative path (a folder record's `index.md` or `README.md`).
    pub path: String,
    /// `YYYY-MM-DD`: from the file name, else the text; absent when undated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Front matter `title`, else the first heading.
    pub title: Option<String>,
    /// SHA-256 of the file.
    pub digest: String,
    /// Lower-cased status (`accepted`, `superseded`, …), or `null`.
    #[serde(default)]
    pub status: Option<String>,
    /// The successor's path, from "Superseded by [x](path)".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    /// Front matter `supersedes`, when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<String>,
}

/// A finding record: timestamped in the window (in `findings`) or undated
/// (in `undated_findings`, then without `at`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Repository-relative path.
    pub path: String,
    /// `YYYY-MM-DDTHH:MM` from a `YYYYMMDD-HHMM-` name, else `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Front matter `title`, else the first heading.
    pub title: Option<String>,
    /// `open`, `resolved`, or unknown.
    pub status: Option<String>,
    /// The successor's path, from "Superseded by [x](path)".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    /// SHA-256 of the file.
    pub digest: String,
}

/// Digests of the whole documents a diagnosis depends on beyond the window, so
/// that any edit to them gives a new id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sources {
    /// `.petrova.yml`.
    pub config: Option<String>,
    /// The meta-rules document.
    pub meta_rules: Option<String>,
    /// The roadmap.
    pub roadmap: Option<String>,
}

/// The `result` of `petrova diagnose`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diagnosis {
    /// `diag-` + 16 hex digits.
    pub diagnosis_id: String,
    /// When the scan ran (RFC 3339, UTC), given by the caller.
    pub scanned_at: String,
    /// The checkout's commit, when known.
    pub head: Option<String>,
    /// The dates looked at.
    pub window: Window,
    /// The current phase.
    pub phase: Phase,
    /// Open milestones.
    pub milestones: Milestones,
    /// Decisions in the window, by date then path.
    pub decisions: Vec<Decision>,
    /// Decisions no date places (in every window), by path.
    #[serde(default)]
    pub undated_decisions: Vec<Decision>,
    /// Findings in the window, by time then path.
    pub findings: Vec<Finding>,
    /// Findings no date places (in every window), by path.
    #[serde(default)]
    pub undated_findings: Vec<Finding>,
    /// Every meta-rule defined, by number.
    pub meta_rules: Vec<MetaRule>,
    /// Rule ids of the guards, in `.petrova.yml` order.
    pub guards: Vec<String>,
    /// Digests of the config, meta-rules and roadmap documents.
    pub sources: Sources,
    /// Problems met while scanning.
    pub warnings: Vec<Diagnostic>,
}

/// The whole `petrova diagnose --json` object, also the cache file's contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiagnoseOutput {
    /// Always `diagnose`.
    pub verb: String,
    /// The registry slug.
    pub target_repo: String,
    /// The diagnosis.
    pub result: Diagnosis,
}

impl DiagnoseOutput {
    /// Wraps a diagnosis.
    pub fn new(target_repo: &str, result: Diagnosis) -> Self {
        DiagnoseOutput {
            verb: "diagnose".to_owned(),
            target_repo: target_repo.to_owned(),
            result,
        }
    }
}

/// Inputs to a scan that do not come from the checkout.
#[derive(Clone, Debug)]
pub struct ScanInput {
    /// The dates to look at.
    pub window: Window,
    /// The scan time, RFC 3339.
    pub scanned_at: String,
    /// The checkout's commit.
    pub head: Option<String>,
    /// Size limits.
    pub limits: ScanLimits,
}

/// Scans a checkout's governance documents.
///
/// Only the dated folders are listed; of their files only those dated in the
/// window are read, so the cost follows the window, not the history.
pub fn diagnose(checkout: &dyn Checkout, input: &ScanInput) -> Diagnosis {
    let mut warnings = Vec::new();
    let LoadedConfig {
        config,
        digest: config_digest,
        problems,
    } = docs::load_config(checkout);
    warnings.extend(problems);
    let limits = input.limits;

    let (decisions, undated_decisions) =
        scan_decisions(checkout, &config.decisions, input, &mut warnings);
    let (findings, undated_findings) =
        scan_findings(checkout, &config.findings, input, &mut warnings);
    let (meta_rules, meta_digest) = read_document(
        checkout,
        &config.meta_rules,
        config.expects.meta_rules,
        "meta-rules",
        limits,
        &mut warnings,
        docs::parse_meta_rules,
    );
    let (roadmap, roadmap_digest) = read_document(
        checkout,
        &config.roadmap,
        config.expects.roadmap,
        "roadmap",
        limits,
        &mut warnings,
        docs::parse_roadmap,
    );

    for guard in &config.guards {
        if !meta_rules.iter().any(|r| r.id == guard.rule) {
            warnings.push(Diagnostic::in_file(
                Code::GuardUnknownRule,
                docs::CONFIG_FILE,
                None,
                format!(
                    "guard {} names a rule that {} does not define",
                    guard.rule, config.meta_rules
                ),
            ));
        }
    }

    let mut diagnosis = Diagnosis {
        diagnosis_id: String::new(),
        scanned_at: input.scanned_at.clone(),
        head: input.head.clone(),
        window: input.window.clone(),
        phase: Phase {
            current: roadmap.current,
            status: roadmap.status,
        },
        milestones: Milestones {
            open: roadmap.open_milestones,
        },
        decisions,
        undated_decisions,
        findings,
        undated_findings,
        meta_rules,
        guards: config.guards.iter().map(|g| g.rule.clone()).collect(),
        sources: Sources {
            config: config_digest,
            meta_rules: meta_digest,
            roadmap: roadmap_digest,
        },
        warnings,
    };
    diagnosis.diagnosis_id = diagnosis_id(&diagnosis);
    diagnosis
}

/// A record read in a scan, with the date that places it.
struct Scanned {
    path: String,
    date: Option<Date>,
    /// A finding's `YYYY-MM-DDTHH:MM` from its name.
    at: Option<String>,
    facts: records::RecordFacts,
}

/// The records of `dir`: those dated in the window, and the undated ones.
///
/// A record whose name carries a full date outside the window is never read,
/// so for dated names the cost follows the window; numbered, month-named and
/// other records are read (their head only) on every run, since only their
/// text can date them.
///
/// `findings`: a status other than `open` or `resolved` is a warning and no status.
fn scan_records(
    checkout: &dyn Checkout,
    dir: &str,
    input: &ScanInput,
    findings: bool,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<Scanned>, Vec<Scanned>) {
    let in_window = input.window.containment();
    let (mut dated, mut undated) = (Vec::new(), Vec::new());
    let outside = |d: &NameDate| matches!(d, NameDate::Full { date, .. } if !in_window(*date));
    for entry in records::list_where(checkout, dir, warnings, |d| !outside(d)) {
        let (name_date, at) = match &entry.name_date {
            NameDate::Full { date, at } => (Some(*date), at.clone()),
            NameDate::Malformed => {
                warnings.push(Diagnostic::in_file(
                    Code::DocBadName,
                    &entry.path,
                    None,
                    "the name is shaped like a date or time that does not exist; read as undated unless its text gives a date",
                ));
                (None, None)
            }
            _ => (None, None),
        };
        let bytes = match checkout.read(&entry.path) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => continue,
            Err(e) => {
                warnings.push(Diagnostic::in_file(
                    Code::DocUnreadable,
                    &entry.path,
                    None,
                    e.message(),
                ));
                continue;
            }
        };
        let mut facts = records::read(&entry.path, &bytes, input.limits);
        if matches!(entry.name_date, NameDate::Numbered { number: 0, .. }) && facts.template_title {
            continue;
        }
        warnings.append(&mut facts.warnings);
        if findings {
            if let Some(other) = facts.status.take_if(|s| s != "open" && s != "resolved") {
                warnings.push(Diagnostic::in_file(
                    Code::DocBadStatus,
                    &entry.path,
                    None,
                    format!("status `{other}` is neither open nor resolved"),
                ));
            }
        }
        if let (Some(named), Some(written)) = (name_date, facts.written_date) {
            if named != written {
                warnings.push(Diagnostic::in_file(
                    Code::DocDateMismatch,
                    &entry.path,
                    None,
                    format!("the name says {named} and the text says {written}; the name wins"),
                ));
            }
        }
        let date = name_date.or(facts.written_date);
        let scanned = Scanned {
            path: entry.path,
            date,
            at,
            facts,
        };
        match date {
            Some(d) if in_window(d) => dated.push(scanned),
            Some(_) => {}
            None => undated.push(scanned),
        }
    }
    (dated, undated)
}

/// The decisions of `dir` dated in the window (by date), and the undated ones (by path).
fn scan_decisions(
    checkout: &dyn Checkout,
    dir: &str,
    input: &ScanInput,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<Decision>, Vec<Decision>) {
    let decision = |r: Scanned| Decision {
        path: r.path,
        date: r.date.map(|d| d.to_string()),
        title: r.facts.title,
        digest: r.facts.digest,
        status: r.facts.status,
        superseded_by: r.facts.superseded_by,
        supersedes: r.facts.supersedes,
    };
    let (dated, undated) = scan_records(checkout, dir, input, false, warnings);
    let mut dated: Vec<Decision> = dated.into_iter().map(decision).collect();
    dated.sort_by(|a, b| (&a.date, &a.path).cmp(&(&b.date, &b.path)));
    (dated, undated.into_iter().map(decision).collect())
}

/// The findings of `dir` timestamped in the window (by time), and the
/// undated ones (by path), with their status (`open` or `resolved`).
fn scan_findings(
    checkout: &dyn Checkout,
    dir: &str,
    input: &ScanInput,
    warnings: &mut Vec<Diagnostic>,
) -> (Vec<Finding>, Vec<Finding>) {
    let (dated, undated) = scan_records(checkout, dir, input, true, warnings);
    let finding = |r: Scanned| Finding {
        at: r.at.or_else(|| r.date.map(|d| d.to_string())),
        path: r.path,
        title: r.facts.title,
        status: r.facts.status,
        superseded_by: r.facts.superseded_by,
        digest: r.facts.digest,
    };
    let mut dated: Vec<Finding> = dated.into_iter().map(finding).collect();
    dated.sort_by(|a, b| (&a.at, &a.path).cmp(&(&b.at, &b.path)));
    let undated = undated.into_iter().map(finding).collect();
    (dated, undated)
}

/// Reads and parses one configured document (the meta-rules, the roadmap):
/// what `parse` makes of it (its default when the document is missing or
/// unusable, with a warning — for a missing one, only when `expected`) and
/// its digest.
fn read_document<T: Default>(
    checkout: &dyn Checkout,
    path: &str,
    expected: bool,
    what: &str,
    limits: ScanLimits,
    warnings: &mut Vec<Diagnostic>,
    parse: impl Fn(&str, &str, usize) -> (T, Vec<Diagnostic>),
) -> (T, Option<String>) {
    match docs::read_markdown(checkout, path, limits) {
        ReadMarkdown::Text {
            body,
            line_offset,
            digest,
            warnings: w,
        } => {
            warnings.extend(w);
            let (parsed, w) = parse(path, &body, line_offset);
            warnings.extend(w);
            (parsed, Some(digest))
        }
        ReadMarkdown::Unusable { digest, problem } => {
            warnings.push(problem);
            (T::default(), digest)
        }
        ReadMarkdown::Missing if !expected => (T::default(), None),
        ReadMarkdown::Missing => {
            warnings.push(Diagnostic::in_file(
                Code::DocMissing,
                path,
                None,
                format!("{what} document not found"),
            ));
            (T::default(), None)
        }
    }
}

/// `diag-` + the first 16 hex digits of SHA-256 over the canonical JSON of the
/// diagnosis without `diagnosis_id`, `scanned_at` and `head`.
pub fn diagnosis_id(diagnosis: &Diagnosis) -> String {
    /// The diagnosis without the fields the id leaves out.
    #[derive(Serialize)]
    struct Hashed<'a> {
        window: &'a Window,
        phase: &'a Phase,
        milestones: &'a Milestones,
        decisions: &'a [Decision],
        undated_decisions: &'a [Decision],
        findings: &'a [Finding],
        undated_findings: &'a [Finding],
        meta_rules: &'a [MetaRule],
        guards: &'a [String],
        sources: &'a Sources,
        warnings: &'a [Diagnostic],
    }
    let d = diagnosis;
    let hashed = Hashed {
        window: &d.window,
        phase: &d.phase,
        milestones: &d.milestones,
        decisions: &d.decisions,
        undated_decisions: &d.undated_decisions,
        findings: &d.findings,
        undated_findings: &d.undated_findings,
        meta_rules: &d.meta_rules,
        guards: &d.guards,
        sources: &d.sources,
        warnings: &d.warnings,
    };
    let hex = sha256_hex(to_canonical(&hashed).as_bytes());
    format!("diag-{}", &hex[..16])
}

/// Where a diagnosis is cached, relative to the cache folder, in lookup order:
/// `<target_repo>/<id>.json` first, so that two repositories with identical
/// governance docs (hence one id) never read each other's entry, then the
/// documented `<id>.json`. Writers write both.
pub fn cache_paths(target_repo: &str, id: &str) -> [String; 2] {
    [format!("{target_repo}/{id}.json"), format!("{id}.json")]
}

/// Whether `s` has the form of a diagnosis id.
pub fn is_diagnosis_id(s: &str) -> bool {
    s.len() == 21
        && s.starts_with("diag-")
        && s[5..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The cache file's text (pretty JSON and a newline), the same from every front end.
pub fn cache_text(output: &DiagnoseOutput) -> String {
    let mut text = serde_json::to_string_pretty(output).unwrap_or_default();
    text.push('\n');
    text
}

/// The short human summary `diagnose` prints without JSON output; `cached`
/// is where the front end wrote the cache file.
pub fn render_summary(output: &DiagnoseOutput, cached: Option<&str>) -> String {
    runner_safe(&summary_lines(output, cached)).into_owned()
}

/// The lines of [`render_summary`], every value from the documents shown.
fn summary_lines(output: &DiagnoseOutput, cached: Option<&str>) -> String {
    let d = &output.result;
    let mut s = String::new();
    let _ = writeln!(s, "diagnose {} → {}", output.target_repo, d.diagnosis_id);
    let _ = writeln!(
        s,
        "  window: {} … {}",
        d.window.since,
        d.window.until.as_deref().unwrap_or("(open)")
    );
    let _ = writeln!(
        s,
        "  phase: {} ({})",
        shown(d.phase.current.as_deref().unwrap_or("(none)")),
        shown(d.phase.status.as_deref().unwrap_or("status unknown"))
    );
    let open = if d.milestones.open.is_empty() {
        "(none)".to_owned()
    } else {
        shown(&d.milestones.open.join(", ")).into_owned()
    };
    let _ = writeln!(s, "  open milestones: {open}");
    let decision_line = |s: &mut String, dec: &Decision| {
        let _ = writeln!(
            s,
            "    {}  {}  ({})",
            dec.date.as_deref().unwrap_or("undated"),
            shown(dec.title.as_deref().unwrap_or("(untitled)")),
            shown(&dec.path)
        );
    };
    let finding_line = |s: &mut String, f: &Finding| {
        let _ = writeln!(
            s,
            "    {}  [{}] {}  ({})",
            f.at.as_deref().unwrap_or("undated"),
            shown(f.status.as_deref().unwrap_or("?")),
            shown(f.title.as_deref().unwrap_or("(untitled)")),
            shown(&f.path)
        );
    };
    let _ = writeln!(s, "  decisions in window: {}", d.decisions.len());
    d.decisions
        .iter()
        .for_each(|dec| decision_line(&mut s, dec));
    if !d.undated_decisions.is_empty() {
        let _ = writeln!(s, "  undated decisions: {}", d.undated_decisions.len());
        d.undated_decisions
            .iter()
            .for_each(|dec| decision_line(&mut s, dec));
    }
    let _ = writeln!(s, "  findings in window: {}", d.findings.len());
    d.findings.iter().for_each(|f| finding_line(&mut s, f));
    if !d.undated_findings.is_empty() {
        let _ = writeln!(s, "  undated findings: {}", d.undated_findings.len());
        d.undated_findings
            .iter()
            .for_each(|f| finding_line(&mut s, f));
    }
    let guards = if d.guards.is_empty() {
        "(none)".to_owned()
    } else {
        shown(&d.guards.join(", ")).into_owned()
    };
    let _ = writeln!(
        s,
        "  meta-rules: {} defined; guards: {guards}",
        d.meta_rules.len()
    );
    let _ = writeln!(s, "  warnings: {}", d.warnings.len());
    for w in &d.warnings {
        let _ = writeln!(s, "    {w}");
    }
    if let Some(cached) = cached {
        let _ = writeln!(s, "  cached: {}", shown(cached));
    }
    s
}

/// `diagnose --all`: one repository's line as it finishes (text, or a JSON line).
pub fn render_fleet_row(
    slug: &str,
    result: &Result<DiagnoseOutput, Failure>,
    took_ms: u128,
    json: bool,
) -> String {
    match (result, json) {
        (Ok(output), true) => crate::encoding::text::json_line(output),
        (Ok(output), false) => {
            let d = &output.result;
            // The phase comes from the roadmap: hostile text for the runner.
            runner_safe(&format!(
                "{slug:<24} {}  {} ({})  decisions {}  findings {}  warnings {}  {took_ms} ms",
                d.diagnosis_id,
                shown(d.phase.current.as_deref().unwrap_or("-")),
                shown(d.phase.status.as_deref().unwrap_or("?")),
                d.decisions.len(),
                d.findings.len(),
                d.warnings.len(),
            ))
            .into_owned()
        }
        (Err(failure), true) => crate::encoding::text::json_line(&serde_json::json!({
            "verb": "diagnose", "target_repo": slug, "error": failure
        })),
        (Err(failure), false) => {
            runner_safe(&format!("{slug:<24} FAILED: {}", failure.diagnostic)).into_owned()
        }
    }
}

/// What a `diagnose --all` run did, for its last line.
#[derive(Clone, Debug, Serialize)]
pub struct FleetSummary {
    /// Repositories diagnosed.
    pub diagnosed: usize,
    /// Repositories that failed.
    pub failed: usize,
    /// Registry entries without a checkout.
    pub without_checkout: Vec<String>,
    /// Repositories in the registry.
    #[serde(skip)]
    pub total: usize,
    /// Parallel jobs.
    pub jobs: usize,
    /// Wall time.
    pub elapsed_ms: u64,
}

impl FleetSummary {
    /// The last line (text, or a JSON line).
    pub fn render(&self, json: bool) -> String {
        if json {
            return crate::encoding::text::json_line(
                &serde_json::json!({"verb": "diagnose", "summary": self}),
            );
        }
        format!(
            "diagnosed {} of {} repositories with {} job(s) in {:.2} s; {} failed; without checkout: {}",
            self.diagnosed,
            self.total,
            self.jobs,
            self.elapsed_ms as f64 / 1000.0,
            self.failed,
            if self.without_checkout.is_empty() {
                "none".to_owned()
            } else {
                self.without_checkout.join(", ")
            }
        )
    }

    /// How the run ends: exit 3 when any repository failed.
    pub fn outcome(&self) -> Result<(), Failure> {
        if self.failed == 0 {
            return Ok(());
        }
        Err(Failure::new(
            Code::FleetFailed,
            format!(
                "{} of {} repositories failed to diagnose",
                self.failed,
                self.diagnosed + self.failed
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::source::MemoryCheckout;

    fn repo() -> MemoryCheckout {
        MemoryCheckout::new()
            .with_file(
                ".petrova.yml",
                "guards:\n  - rule: MR-7\n    kind: append_only\n    paths: [docs/decisions/]\n",
            )
            .with_file(
                "docs/meta-rules.md",
                "- **MR-7** — decision docs are dated, append-only\n",
            )
            .with_file(
                "docs/roadmap.md",
                "## Phase-1\n\nStatus: open\n\n- [ ] M1.1 — x\n",
            )
            .with_file("docs/decisions/2026-04-01-old.md", "# Old\n")
            .with_file("docs/decisions/2026-04-23-new.md", "# New\n")
            .with_file("docs/findings/20260424-0900-f.md", "# F\n\nStatus: open\n")
            .with_file("src/main.rs", "fn main() {}\n")
    }

    fn scan(c: &MemoryCheckout) -> Diagnosis {
        let input = ScanInput {
            window: Window::parse("2026-04-22", None, Frontend::Cli).expect("window"),
            scanned_at: "2026-04-29T14:30:00Z".into(),
            head: None,
            limits: ScanLimits::default(),
        };
        diagnose(c, &input)
    }

    #[test]
    fn reads_the_window() {
        let d = scan(&repo());
        assert_eq!(
            d.decisions
                .iter()
                .map(|d| d.path.as_str())
                .collect::<Vec<_>>(),
            vec!["docs/decisions/2026-04-23-new.md"]
        );
        assert_eq!(d.findings[0].status.as_deref(), Some("open"));
        assert_eq!(d.phase.current.as_deref(), Some("Phase-1"));
        assert_eq!(d.guards, vec!["MR-7"]);
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        assert!(is_diagnosis_id(&d.diagnosis_id));
    }

    #[test]
    fn id_follows_the_governance_view_only() {
        let base = scan(&repo()).diagnosis_id;
        let mut edited = repo();
        edited.insert_file("src/main.rs", "fn main() { changed() }\n");
        edited.insert_file(
            "docs/decisions/2026-04-01-old.md",
            "# Old, edited outside the window\n",
        );
        assert_eq!(
            scan(&edited).diagnosis_id,
            base,
            "code and out-of-window edits keep the id"
        );
        for (path, contents) in [
            ("docs/decisions/2026-04-23-new.md", "# New\n\nmore\n"),
            (
                "docs/roadmap.md",
                "## Phase-1\n\nStatus: open\n\n- [ ] M1.1 — x, reworded\n",
            ),
            (
                "docs/meta-rules.md",
                "- **MR-7** — decision docs are dated, append-only\n\nIntro.\n",
            ),
            (".petrova.yml", "guards: []\n"),
        ] {
            let mut changed = repo();
            changed.insert_file(path, contents);
            assert_ne!(
                scan(&changed).diagnosis_id,
                base,
                "editing {path} must change the id"
            );
        }
    }

    /// A name that dates nothing makes an undated record, not a warning; the
    /// folder's README is not a record.
    #[test]
    fn junk_is_a_warning_and_other_names_are_undated_records() {
        let mut c = repo();
        c.insert_file("docs/decisions/notes.md", "# x\n");
        c.insert_file("docs/decisions/README.md", "# index\n");
        c.insert_file(
            "docs/decisions/2026-04-24-bin.md",
            b"\x00\x01binary".to_vec(),
        );
        c.insert_file(
            "docs/findings/20260425-1000-odd.md",
            "no heading\n\nStatus: maybe\n",
        );
        let d = scan(&c);
        let codes: Vec<(Code, Option<&str>)> = d
            .warnings
            .iter()
            .map(|w| (w.code, w.path.as_deref()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (Code::DocBinary, Some("docs/decisions/2026-04-24-bin.md")),
                (Code::DocNoTitle, Some("docs/findings/20260425-1000-odd.md")),
                (
                    Code::DocBadStatus,
                    Some("docs/findings/20260425-1000-odd.md")
                ),
            ]
        );
        let undated: Vec<&str> = d
            .undated_decisions
            .iter()
            .map(|r| r.path.as_str())
            .collect();
        assert_eq!(undated, ["docs/decisions/notes.md"]);
    }

    /// The id hashes every field but `diagnosis_id`, `scanned_at` and `head`:
    /// a field added to `Diagnosis` and forgotten in `Hashed` fails here.
    #[test]
    fn id_covers_every_other_field() {
        let d = scan(&repo());
        let mut value = serde_json::to_value(&d).unwrap();
        for key in ["diagnosis_id", "scanned_at", "head"] {
            value.as_object_mut().unwrap().remove(key);
        }
        let expected = format!(
            "diag-{}",
            &sha256_hex(crate::encoding::canonical::value_to_canonical(&value).as_bytes())[..16]
        );
        assert_eq!(d.diagnosis_id, expected);
    }

    #[test]
    fn window_bounds_are_inclusive() {
        let w = Window::parse("2026-04-22", Some("2026-04-23"), Frontend::Cli)
            .expect("window")
            .containment();
        assert!(w(Date::parse("2026-04-22").expect("d")));
        assert!(w(Date::parse("2026-04-23").expect("d")));
        assert!(!w(Date::parse("2026-04-24").expect("d")));
        assert!(Window::parse("2026-04-22", Some("2026-04-21"), Frontend::Cli).is_err());
    }
}
