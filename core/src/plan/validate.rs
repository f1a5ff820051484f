//! Validation of a fix plan against the registry, the cached diagnosis, the
//! checkout, the profile and the guards. Every problem is reported at once.

use crate::encoding::text::shown;
use crate::error::{Code, Diagnostic};
use crate::governance::diagnosis::{self, DiagnoseOutput, Diagnosis, ScanInput};
use crate::governance::docs::{self, MetaRule, ScanLimits};
use crate::governance::records;
use crate::governance::source::{Checkout, EntryKind};
use crate::operator::registry::{Actor, Profile, RepoEntry};
use crate::plan::guard;
use crate::plan::protect::{self, Protected};
use crate::plan::{self, Change, Grounding, GroundingKind, Operation, Plan};
use std::collections::BTreeMap;

/// Where cached diagnoses come from: a folder (the CLI's
/// `$PETROVA_STATE_DIR/diagnoses/`), read by the relative paths of
/// [`diagnosis::cache_paths`].
pub trait DiagnosisStore {
    /// The bytes at `relative_path` in the cache folder, if any.
    fn read(&self, relative_path: &str) -> Option<Vec<u8>>;
}

/// Loads a cached diagnosis of `target_repo`, trying its paths in order.
pub fn load_cached(store: &dyn DiagnosisStore, target_repo: &str, id: &str) -> Option<Vec<u8>> {
    diagnosis::cache_paths(target_repo, id)
        .iter()
        .find_map(|path| store.read(path))
}

/// A store holding diagnoses in memory (wasm, tests), keyed by cache path.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore(pub BTreeMap<String, Vec<u8>>);

impl MemoryStore {
    /// A store holding these `diagnose --json` outputs at their cache paths.
    /// Outputs that do not parse are skipped.
    pub fn from_outputs<I: IntoIterator<Item = Vec<u8>>>(outputs: I) -> Self {
        let mut store = MemoryStore::default();
        for bytes in outputs {
            if let Ok(out) = serde_json::from_slice::<DiagnoseOutput>(&bytes) {
                for path in diagnosis::cache_paths(&out.target_repo, &out.result.diagnosis_id) {
                    store.0.insert(path, bytes.clone());
                }
            }
        }
        store
    }
}

impl DiagnosisStore for MemoryStore {
    fn read(&self, relative_path: &str) -> Option<Vec<u8>> {
        self.0.get(relative_path).cloned()
    }
}

/// Size limits that protect users from hostile or runaway plans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlanLimits {
    /// Largest accepted plan file.
    pub max_plan_bytes: usize,
    /// Limits for re-scanning the checkout.
    pub scan: ScanLimits,
    /// Longest pull-request body, in characters (at most GitHub's 65,536).
    pub max_body_chars: usize,
}

impl Default for PlanLimits {
    fn default() -> Self {
        PlanLimits {
            max_plan_bytes: 16 * 1024 * 1024,
            scan: ScanLimits::default(),
            max_body_chars: crate::proposal::body::GITHUB_BODY_LIMIT,
        }
    }
}

/// The raw limit settings an operator gives (the environment variables
/// `PETROVA_MAX_PLAN_BYTES`, `PETROVA_MAX_DOC_BYTES`, `PETROVA_MAX_BODY_CHARS`);
/// unset or blank ones keep their defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LimitSettings {
    /// `PETROVA_MAX_PLAN_BYTES`.
    pub max_plan_bytes: Option<String>,
    /// `PETROVA_MAX_DOC_BYTES`.
    pub max_doc_bytes: Option<String>,
    /// `PETROVA_MAX_BODY_CHARS`.
    pub max_body_chars: Option<String>,
}

/// The smallest body limit accepted: room for the metadata block, the title
/// and a shortened summary, so that a body always reads back.
pub const MIN_BODY_CHARS: usize = 4_096;

impl LimitSettings {
    /// Parses the settings into limits, or says which one is wrong and why.
    pub fn limits(&self) -> Result<PlanLimits, String> {
        fn number(name: &str, value: Option<&str>, default: usize) -> Result<usize, String> {
            match crate::operator::settings::whole_number(name, value, default)? {
                0 => Err(format!("{name} must be at least 1")),
                n => Ok(n),
            }
        }
        let d = PlanLimits::default();
        let body = number(
            "PETROVA_MAX_BODY_CHARS",
            self.max_body_chars.as_deref(),
            d.max_body_chars,
        )?;
        if !(MIN_BODY_CHARS..=crate::proposal::body::GITHUB_BODY_LIMIT).contains(&body) {
            return Err(format!(
                "PETROVA_MAX_BODY_CHARS must be between {MIN_BODY_CHARS} and GitHub's {} (got {body})",
                crate::proposal::body::GITHUB_BODY_LIMIT
            ));
        }
        Ok(PlanLimits {
            max_plan_bytes: number(
                "PETROVA_MAX_PLAN_BYTES",
                self.max_plan_bytes.as_deref(),
                d.max_plan_bytes,
            )?,
            scan: ScanLimits {
                max_doc_bytes: number(
                    "PETROVA_MAX_DOC_BYTES",
                    self.max_doc_bytes.as_deref(),
                    d.scan.max_doc_bytes,
                )?,
            },
            max_body_chars: body,
        })
    }
}

/// At most this many groundings per plan: each may cost a read of the
/// checkout, so a plan cannot buy unbounded work with citations.
pub const MAX_GROUNDINGS: usize = 100;

/// What a validation needs beyond the checkout and the store.
pub struct ValidationInput<'a> {
    /// The registry entry of the target repository.
    pub entry: &'a RepoEntry,
    /// Its profile.
    pub profile: &'a Profile,
    /// `fleet:NAME`.
    pub actor: &'a str,
    /// The plan file's bytes.
    pub plan_bytes: &'a [u8],
    /// Accept a diagnosis whose governance view has since changed.
    pub allow_stale: bool,
    /// Limits.
    pub limits: PlanLimits,
    /// The front end asking (it spells the hints).
    pub frontend: crate::error::Frontend,
    /// The registry file's path in the checkout, when it lives there (never writable).
    pub registry_in_checkout: Option<&'a str>,
}

/// A plan that passed every check, with what was learned checking it.
#[derive(Clone, Debug)]
pub struct Validated {
    /// The plan.
    pub plan: Plan,
    /// The cached diagnosis it was composed from.
    pub diagnosis: Diagnosis,
    /// The guards it upholds, with their statements, in `.petrova.yml` order.
    pub upholds: Vec<MetaRule>,
    /// `Some(current id)` when the diagnosis is stale and `--allow-stale` accepted it.
    pub stale_against: Option<String>,
}

/// Validates a plan, returning every problem found.
pub fn validate(
    input: &ValidationInput<'_>,
    checkout: &dyn Checkout,
    store: &dyn DiagnosisStore,
) -> Result<Validated, Vec<Diagnostic>> {
    // The actor is refused before any other work, so an unauthorised fleet
    // learns nothing about the repository.
    let actor = Actor::parse(input.actor)
        .map_err(|m| vec![Diagnostic::at_pointer(Code::ActorInvalid, "", m)])?;
    if !actor.is_allowed_on(input.entry) {
        return Err(vec![Diagnostic::at_pointer(
            Code::ActorNotAllowed,
            "",
            format!(
                "actor `{}` may not act on `{}`: fleet `{}` is not in fleets_allowed [{}]",
                input.actor,
                input.entry.slug,
                actor.fleet,
                input.entry.fleets_allowed.join(", ")
            ),
        )]);
    }

    let plan = plan::parse(input.plan_bytes, input.limits.max_plan_bytes)?;
    let mut problems = Vec::new();

    check_text_fields(&plan, &mut problems);

    let (cached, current) = check_diagnosis(input, &plan, checkout, store, &mut problems);
    let loaded = docs::load_config(checkout);
    if !loaded.problems.is_empty() {
        for p in &loaded.problems {
            problems.push(Diagnostic::at_pointer(
                Code::GuardConfigInvalid,
                "",
                format!(
                    "{}: the repository's guards cannot be checked: {}",
                    p.location().unwrap_or_default(),
                    p.message
                ),
            ));
        }
    }
    // Rules and milestones come from the current scan: the checkout is what the change applies to.
    let no_milestones = Vec::new();
    let mut own_config = vec![
        docs::CONFIG_FILE.to_owned(),
        loaded.config.meta_rules.clone(),
    ];
    own_config.extend(input.registry_in_checkout.map(str::to_owned));
    let ctx = Offline {
        own_config: &own_config,
        profile: Some((input.profile, &input.entry.profile)),
        rules: current.as_ref().map_or(&[], |d| d.meta_rules.as_slice()),
        open_milestones: current
            .as_ref()
            .map_or(&no_milestones, |d| &d.milestones.open),
    };
    check_changes(&ctx, &plan, checkout, &loaded.config, &mut problems);
    check_grounding(
        &plan,
        &ctx,
        checkout,
        &loaded.config.decisions,
        input.limits.scan,
        &mut problems,
    );

    match cached {
        Some(diagnosis) if problems.is_empty() => {
            let upholds = upholds(
                loaded.config.guards.iter().map(|g| g.rule.as_str()),
                ctx.rules,
            );
            let stale_against = current
                .map(|c| c.diagnosis_id)
                .filter(|id| *id != diagnosis.diagnosis_id);
            Ok(Validated {
                plan,
                diagnosis,
                upholds,
                stale_against,
            })
        }
        _ => Err(problems),
    }
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

pub(crate) fn check_text_fields(plan: &Plan, problems: &mut Vec<Diagnostic>) {
    if blank(&plan.title) {
        problems.push(Diagnostic::at_pointer(
            Code::TitleEmpty,
            "/title",
            "title is empty",
        ));
    }
    if blank(&plan.rationale) {
        problems.push(Diagnostic::at_pointer(
            Code::RationaleEmpty,
            "/rationale",
            "rationale is empty",
        ));
    }
    if plan.test_plan.is_empty() {
        problems.push(Diagnostic::at_pointer(
            Code::TestPlanEmpty,
            "/test_plan",
            "test_plan needs at least one entry",
        ));
    }
    for (i, entry) in plan.test_plan.iter().enumerate() {
        if blank(entry) {
            problems.push(Diagnostic::at_pointer(
                Code::TestPlanEmpty,
                format!("/test_plan/{i}"),
                "test_plan entry is blank",
            ));
        }
    }
    if plan.mr_grounding.is_empty() {
        problems.push(Diagnostic::at_pointer(
            Code::GroundingEmpty,
            "/mr_grounding",
            "mr_grounding needs at least one entry",
        ));
    }
    if plan.mr_grounding.len() > MAX_GROUNDINGS {
        problems.push(Diagnostic::at_pointer(
            Code::GroundingTooMany,
            "/mr_grounding",
            format!(
                "mr_grounding has {} entries; a plan may cite at most {MAX_GROUNDINGS}",
                plan.mr_grounding.len()
            ),
        ));
    }
    if plan.proposed_changes.is_empty() {
        problems.push(Diagnostic::at_pointer(
            Code::ChangesEmpty,
            "/proposed_changes",
            "proposed_changes needs at least one change",
        ));
    }
}

/// Loads the cached diagnosis and re-scans the checkout with the same window.
fn check_diagnosis(
    input: &ValidationInput<'_>,
    plan: &Plan,
    checkout: &dyn Checkout,
    store: &dyn DiagnosisStore,
    problems: &mut Vec<Diagnostic>,
) -> (Option<Diagnosis>, Option<Diagnosis>) {
    let id = &plan.diagnosis_id;
    let pointer = "/diagnosis_id";
    let cached = if !diagnosis::is_diagnosis_id(id) {
        problems.push(Diagnostic::at_pointer(
            Code::DiagnosisBadId,
            pointer,
            format!("`{id}` is not a diagnosis id (diag- and 16 hex digits)"),
        ));
        None
    } else {
        match load_cached(store, &input.entry.slug, id)
            .map(|bytes| serde_json::from_slice::<DiagnoseOutput>(&bytes))
        {
            None => {
                problems.push(
                    Diagnostic::at_pointer(
                        Code::DiagnosisUnknown,
                        pointer,
                        format!(
                            "no cached diagnosis `{id}` of `{}`; diagnose the repository first",
                            input.entry.slug
                        ),
                    )
                    .with_hint(format!(
                        "run {} first",
                        input.frontend.spell(crate::error::Knob::Diagnose)
                    )),
                );
                None
            }
            Some(Err(e)) => {
                problems.push(Diagnostic::at_pointer(
                    Code::DiagnosisUnknown,
                    pointer,
                    format!("cached diagnosis `{id}` is unreadable: {e}"),
                ));
                None
            }
            Some(Ok(out)) if out.target_repo != input.entry.slug => {
                problems.push(Diagnostic::at_pointer(
                    Code::DiagnosisForeign,
                    pointer,
                    format!(
                        "diagnosis `{id}` is for `{}`, not `{}`",
                        out.target_repo, input.entry.slug
                    ),
                ));
                None
            }
            Some(Ok(out)) => Some(out.result),
        }
    };
    let window = cached.as_ref().map(|d| d.window.clone());
    let scan = ScanInput {
        window: window.unwrap_or_else(|| diagnosis::Window {
            since: "0000-01-01".to_owned(),
            until: None,
        }),
        scanned_at: cached
            .as_ref()
            .map(|d| d.scanned_at.clone())
            .unwrap_or_default(),
        head: None,
        limits: input.limits.scan,
    };
    let current = diagnosis::diagnose(checkout, &scan);
    if let Some(c) = &cached {
        if c.diagnosis_id != current.diagnosis_id && !input.allow_stale {
            problems.push(
                Diagnostic::at_pointer(
                    Code::DiagnosisStale,
                    pointer,
                    format!(
                        "diagnosis `{id}` is stale: the governance docs changed since (a scan of the same window now gives `{}`); diagnose again, or accept a stale diagnosis",
                        current.diagnosis_id
                    ),
                )
                .with_hint(format!(
                    "run {} again, or set {}",
                    input.frontend.spell(crate::error::Knob::Diagnose),
                    input.frontend.spell(crate::error::Knob::AllowStale)
                )),
            );
        }
    }
    (cached, Some(current))
}

/// Why a path is unsafe, if it is.
pub fn path_problem(path: &str) -> Option<(Code, &'static str)> {
    if path.is_empty() {
        return Some((Code::PathEmpty, "path is empty"));
    }
    if path.chars().any(char::is_control) {
        return Some((Code::PathControl, "path holds NUL or control characters"));
    }
    if path.chars().any(crate::encoding::text::hidden) {
        return Some((
            Code::PathControl,
            "path holds invisible bidi or zero-width characters",
        ));
    }
    if path.contains('\\') {
        return Some((Code::PathBackslash, "path uses `\\`; write paths with `/`"));
    }
    if path.starts_with('/') || (path.len() >= 2 && path.as_bytes()[1] == b':') {
        return Some((
            Code::PathAbsolute,
            "path is absolute; paths are relative to the repository root",
        ));
    }
    let segments: Vec<&str> = path.split('/').collect();
    if segments.contains(&"..") {
        return Some((
            Code::PathParent,
            "path has a `..` segment and could leave the repository",
        ));
    }
    if segments.iter().any(|s| s.is_empty() || *s == ".") {
        return Some((
            Code::PathNotNormalized,
            "path is not normalized (empty or `.` segments, or a trailing `/`)",
        ));
    }
    if segments.iter().any(|s| s.eq_ignore_ascii_case(".git")) {
        return Some((Code::PathGit, "path is inside `.git/`"));
    }
    if segments.iter().any(|s| is_git_lookalike(s)) {
        return Some((
            Code::PathGit,
            "path has a segment some filesystem reads as `.git` (`.git.`, `.git `, `GIT~1`, full-width dots)",
        ));
    }
    None
}

/// Whether a path segment is one that Windows or macOS may resolve to `.git`:
/// trailing dots or spaces, the 8.3 short name, or look-alike dots.
fn is_git_lookalike(segment: &str) -> bool {
    let dotted: String = segment
        .chars()
        .map(|c| match c {
            '\u{FF0E}' | '\u{2024}' | '\u{FE52}' | '\u{3002}' | '\u{FF61}' => '.',
            c => c,
        })
        .collect();
    let trimmed = dotted.trim_end_matches(['.', ' ']);
    trimmed.eq_ignore_ascii_case(".git") || segment.eq_ignore_ascii_case("git~1")
}

/// What the checks that need no checkout compare a plan with: the profile
/// (when known), the meta-rules and the open milestones. Validation takes them
/// from the registry and a fresh scan; the preview from what it was given.
pub struct Offline<'a> {
    /// The repository's profile and its name, when known.
    pub profile: Option<(&'a Profile, &'a str)>,
    /// The meta-rules defined.
    pub rules: &'a [MetaRule],
    /// The open milestones.
    pub open_milestones: &'a [String],
    /// petrova's own configuration files in this repository (never writable).
    pub own_config: &'a [String],
}

/// Every check that needs no checkout, in the order validation reports them:
/// the text fields, the changes (contents, sizes, paths, profile) and the
/// groundings (claims, meta-rules, milestones). The preview runs exactly these.
pub fn check_offline(plan: &Plan, ctx: &Offline<'_>, problems: &mut Vec<Diagnostic>) {
    check_text_fields(plan, problems);
    check_file_count(plan, ctx, problems);
    let mut seen = BTreeMap::new();
    for (i, change) in plan.proposed_changes.iter().enumerate() {
        check_change_offline(i, change, ctx, &mut seen, problems);
    }
    for (i, g) in plan.mr_grounding.iter().enumerate() {
        check_grounding_offline(i, g, ctx, problems);
    }
}

fn check_file_count(plan: &Plan, ctx: &Offline<'_>, problems: &mut Vec<Diagnostic>) {
    let Some((profile, profile_name)) = ctx.profile else {
        return;
    };
    if plan.proposed_changes.len() > profile.max_files {
        problems.push(Diagnostic::at_pointer(
            Code::ProfileTooManyFiles,
            "/proposed_changes",
            format!(
                "{} changed files; profile `{profile_name}` allows at most {}",
                plan.proposed_changes.len(),
                profile.max_files
            ),
        ));
    }
}

/// The checks of one change that need no checkout; whether its path is safe
/// to look up in a checkout.
fn check_change_offline<'p>(
    i: usize,
    change: &'p Change,
    ctx: &Offline<'_>,
    seen: &mut BTreeMap<&'p str, usize>,
    problems: &mut Vec<Diagnostic>,
) -> bool {
    let path = change.path.as_str();
    let at = format!("/proposed_changes/{i}/path");
    match change.operation {
        Operation::Create | Operation::Modify if change.contents.is_none() => {
            problems.push(Diagnostic::at_pointer(
                Code::ChangeContentsMissing,
                format!("/proposed_changes/{i}/contents"),
                format!(
                    "{} of `{}` needs `contents` (the whole new file)",
                    change.operation.as_str(),
                    path.escape_debug()
                ),
            ))
        }
        Operation::Delete if change.contents.is_some() => problems.push(Diagnostic::at_pointer(
            Code::ChangeContentsForbidden,
            format!("/proposed_changes/{i}/contents"),
            format!(
                "delete of `{}` must not carry `contents`",
                path.escape_debug()
            ),
        )),
        _ => {}
    }
    if let (Some(bytes), Some((profile, profile_name))) =
        (change.contents.as_ref().map(String::len), ctx.profile)
    {
        if bytes as u64 > profile.max_file_bytes {
            problems.push(Diagnostic::at_pointer(
                Code::ProfileFileTooLarge,
                format!("/proposed_changes/{i}/contents"),
                format!(
                    "`{}` would be {bytes} bytes; profile `{profile_name}` allows at most {} bytes per file",
                    path.escape_debug(),
                    profile.max_file_bytes
                ),
            ));
        }
    }
    if let Some((code, why)) = path_problem(path) {
        problems.push(Diagnostic::at_pointer(
            code,
            at,
            format!("`{}`: {why}", path.escape_debug()),
        ));
        return false;
    }
    if let Some(first) = seen.insert(path, i) {
        problems.push(Diagnostic::at_pointer(
            Code::PathDuplicate,
            at.clone(),
            format!("`{path}` is already changed by /proposed_changes/{first}"),
        ));
    }
    let unprotect = ctx.profile.map_or(&[][..], |(p, _)| p.unprotect.as_slice());
    match protect::protection(path, ctx.own_config, unprotect) {
        Some(Protected::OwnConfig(file)) => problems.push(Diagnostic::at_pointer(
            Code::PathProtected,
            at.clone(),
            format!("`{file}` is petrova's own configuration; no plan may change it"),
        )),
        Some(Protected::Entry(entry)) => problems.push(Diagnostic::at_pointer(
            Code::PathProtected,
            at.clone(),
            format!(
                "`{path}` is protected (`{entry}`: it decides who reviews, what runs or what agents are told); only a profile's `unprotect: [{entry}]` lifts it"
            ),
        )),
        None => {}
    }
    let Some((profile, profile_name)) = ctx.profile else {
        return true;
    };
    if let Some(prefix) = profile.forbid.iter().find(|p| docs::path_under(path, p)) {
        problems.push(Diagnostic::at_pointer(
            Code::ProfileForbiddenPath,
            at.clone(),
            format!("`{path}` is under `{prefix}`, which profile `{profile_name}` forbids"),
        ));
    }
    if !profile.allow.is_empty() && !profile.allow.iter().any(|p| docs::path_under(path, p)) {
        problems.push(Diagnostic::at_pointer(
            Code::ProfilePathNotAllowed,
            at,
            format!(
                "`{path}` is outside what profile `{profile_name}` allows ({})",
                profile.allow.join(", ")
            ),
        ));
    }
    true
}

fn check_changes(
    ctx: &Offline<'_>,
    plan: &Plan,
    checkout: &dyn Checkout,
    config: &docs::RepoConfig,
    problems: &mut Vec<Diagnostic>,
) {
    check_file_count(plan, ctx, problems);
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    // Numbered folders under an append-only guard, by folder: what the next
    // new record there must take (earlier new records of the plan counted).
    let mut numbered: BTreeMap<String, Option<guard::NextNumber>> = BTreeMap::new();
    for (i, change) in plan.proposed_changes.iter().enumerate() {
        if !check_change_offline(i, change, ctx, &mut seen, problems) {
            continue;
        }
        let path = change.path.as_str();
        let at = format!("/proposed_changes/{i}/path");
        let existing = match inspect_path(checkout, path) {
            PathState::ThroughSymlink(link) => {
                problems.push(Diagnostic::at_pointer(
                    Code::PathSymlink,
                    at,
                    format!("`{path}` goes through the symlink `{link}` in the checkout"),
                ));
                continue;
            }
            PathState::ParentIsFile(parent) => {
                problems.push(Diagnostic::at_pointer(
                    Code::ChangeParentNotDir,
                    at,
                    format!("`{path}` cannot exist: `{parent}` is a file"),
                ));
                continue;
            }
            PathState::Unreadable(message) => {
                problems.push(Diagnostic::at_pointer(
                    Code::PathUnreadable,
                    at,
                    format!("`{path}` cannot be inspected in the checkout: {message}"),
                ));
                continue;
            }
            PathState::Exists(kind) => Some(kind),
            PathState::Missing => None,
        };
        match (change.operation, existing) {
            (Operation::Create, Some(_)) => problems.push(Diagnostic::at_pointer(
                Code::ChangeCreateExists,
                at.clone(),
                format!("cannot create `{path}`: it already exists (use modify)"),
            )),
            (Operation::Create, None) => {
                // On a case-insensitive clone (macOS, Windows) a new file whose
                // name differs only in case would overwrite an existing one.
                if let Some(other) = same_but_for_case(checkout, path) {
                    problems.push(Diagnostic::at_pointer(
                        Code::ChangeCreateExists,
                        at.clone(),
                        format!(
                            "cannot create `{path}`: `{}` exists, and the two are one file on a case-insensitive checkout",
                            shown(&other)
                        ),
                    ));
                }
            }
            (Operation::Modify | Operation::Delete, None) => problems.push(Diagnostic::at_pointer(
                Code::ChangeTargetMissing,
                at.clone(),
                format!(
                    "cannot {} `{path}`: no such file in the checkout",
                    change.operation.as_str()
                ),
            )),
            (Operation::Modify | Operation::Delete, Some(kind)) if kind != EntryKind::File => {
                problems.push(Diagnostic::at_pointer(
                    Code::ChangeNotFile,
                    at.clone(),
                    format!(
                        "cannot {} `{path}`: it is not a regular file",
                        change.operation.as_str()
                    ),
                ))
            }
            _ => {}
        }
        let folder = next_number(checkout, config, change, &mut numbered);
        guard::check_change(
            &config.guards,
            ctx.rules,
            i,
            change,
            existing,
            folder.as_ref(),
            problems,
        );
        if let (Some(folder), Operation::Create) = (folder, change.operation) {
            if let Some((dir, _)) = change.path.rsplit_once('/') {
                if let Some(Some(state)) = numbered.get_mut(dir) {
                    state.next = folder.next + 1;
                }
            }
        }
    }
}

/// What the numbered folder of a new file under an `append_only` guard asks
/// of it, computed once per folder; `None` for dated folders and other changes.
fn next_number(
    checkout: &dyn Checkout,
    config: &docs::RepoConfig,
    change: &Change,
    cache: &mut BTreeMap<String, Option<guard::NextNumber>>,
) -> Option<guard::NextNumber> {
    let guarded = config
        .guards
        .iter()
        .any(|g| g.kind == docs::GuardKind::AppendOnly && g.covers(&change.path));
    if change.operation != Operation::Create || !guarded {
        return None;
    }
    let (dir, _) = change.path.rsplit_once('/')?;
    cache
        .entry(dir.to_owned())
        .or_insert_with(|| {
            records::numbering(checkout, dir).map(|n| guard::NextNumber {
                next: n.next(),
                width: n.width,
                used: n.used,
            })
        })
        .clone()
}

/// The existing path that `path` names on a case-insensitive filesystem, if
/// one differs from it only in case (found by listing each folder on the way).
fn same_but_for_case(checkout: &dyn Checkout, path: &str) -> Option<String> {
    let mut found = String::new();
    for segment in path.split('/') {
        let wanted = crate::encoding::text::path_fold(segment);
        let entries = checkout.list(&found).ok()??;
        let entry = entries
            .iter()
            .find(|e| !e.not_utf8 && crate::encoding::text::path_fold(&e.name) == wanted)?;
        if !found.is_empty() {
            found.push('/');
        }
        found.push_str(&entry.name);
    }
    (found != path).then_some(found)
}

enum PathState {
    Missing,
    Exists(EntryKind),
    ThroughSymlink(String),
    ParentIsFile(String),
    Unreadable(String),
}

/// Walks the path's components so that a symlink anywhere on the way is found.
fn inspect_path(checkout: &dyn Checkout, path: &str) -> PathState {
    let segments: Vec<&str> = path.split('/').collect();
    for end in 1..=segments.len() {
        let prefix = segments[..end].join("/");
        match checkout.kind(&prefix) {
            Ok(None) => return PathState::Missing,
            Ok(Some(EntryKind::Symlink)) => return PathState::ThroughSymlink(prefix),
            Ok(Some(kind)) if end == segments.len() => return PathState::Exists(kind),
            Ok(Some(EntryKind::Dir)) => {}
            Ok(Some(_)) => return PathState::ParentIsFile(prefix),
            Err(e) => return PathState::Unreadable(e.message().to_owned()),
        }
    }
    PathState::Missing
}

/// The checks of one grounding that need no checkout: its claim, and a
/// meta-rule or milestone it cites.
fn check_grounding_offline(
    i: usize,
    g: &Grounding,
    ctx: &Offline<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    let at = format!("/mr_grounding/{i}/ref");
    let r = g.reference.as_str();
    if blank(&g.claim) {
        problems.push(Diagnostic::at_pointer(
            Code::GroundingClaimEmpty,
            format!("/mr_grounding/{i}/claim"),
            format!("the claim citing `{}` is blank", r.escape_debug()),
        ));
    }
    match g.kind {
        GroundingKind::MetaRule if !ctx.rules.iter().any(|rule| rule.id == r) => {
            problems.push(Diagnostic::at_pointer(
                Code::GroundingUnknownRule,
                at,
                format!(
                    "meta-rule `{}` is not defined in the meta-rules document ({} rules defined)",
                    r.escape_debug(),
                    ctx.rules.len()
                ),
            ));
        }
        GroundingKind::Milestone if !ctx.open_milestones.iter().any(|m| m == r) => {
            problems.push(Diagnostic::at_pointer(
                Code::GroundingUnknownMilestone,
                at,
                format!(
                    "`{}` is not an open milestone of the roadmap (open: {})",
                    r.escape_debug(),
                    ctx.open_milestones.join(", ")
                ),
            ));
        }
        _ => {}
    }
}

/// `Some(successor)` when the record at `path` says it is superseded (its
/// status, or a "Superseded by" link), with the successor's path when given.
fn superseded(checkout: &dyn Checkout, path: &str, limits: ScanLimits) -> Option<Option<String>> {
    let bytes = checkout.read(path).ok()??;
    let facts = records::read(path, &bytes, limits);
    (facts.status.as_deref() == Some("superseded") || facts.superseded_by.is_some())
        .then_some(facts.superseded_by)
}

fn check_grounding(
    plan: &Plan,
    ctx: &Offline<'_>,
    checkout: &dyn Checkout,
    decisions_dir: &str,
    limits: ScanLimits,
    problems: &mut Vec<Diagnostic>,
) {
    // Each spec is read and parsed once, however many groundings cite it.
    let mut spec_anchors: BTreeMap<&str, Option<Vec<String>>> = BTreeMap::new();
    for (i, g) in plan.mr_grounding.iter().enumerate() {
        check_grounding_offline(i, g, ctx, problems);
        let at = format!("/mr_grounding/{i}/ref");
        let r = g.reference.as_str();
        let is_file = |p: &str| {
            path_problem(p).is_none()
                && matches!(
                    inspect_path(checkout, p),
                    PathState::Exists(EntryKind::File)
                )
        };
        match g.kind {
            GroundingKind::MetaRule | GroundingKind::Milestone => {}
            GroundingKind::Finding => {
                if !is_file(r) {
                    problems.push(Diagnostic::at_pointer(
                        Code::GroundingMissingFinding,
                        at,
                        format!(
                            "finding `{}` does not exist in the checkout",
                            r.escape_debug()
                        ),
                    ));
                }
            }
            GroundingKind::Decision => {
                if !is_file(r) {
                    problems.push(Diagnostic::at_pointer(
                        Code::GroundingMissingDecision,
                        at,
                        format!(
                            "decision `{}` does not exist in the checkout",
                            r.escape_debug()
                        ),
                    ));
                } else if !records::is_record(checkout, decisions_dir, r) {
                    problems.push(Diagnostic::at_pointer(
                        Code::GroundingNotARecord,
                        at,
                        format!(
                            "`{}` is not a decision record of `{decisions_dir}` (a README, a template or a file outside the folder is not a decision)",
                            r.escape_debug()
                        ),
                    ));
                } else if let Some(successor) = superseded(checkout, r, limits) {
                    problems.push(Diagnostic::at_pointer(
                        Code::GroundingSuperseded,
                        at,
                        format!(
                            "decision `{}` is superseded{}; cite what replaced it",
                            r.escape_debug(),
                            successor
                                .map(|s| format!(" by `{}`", s.escape_debug()))
                                .unwrap_or_default()
                        ),
                    ));
                }
            }
            GroundingKind::Spec => {
                let (path, anchor) = match r.split_once('#') {
                    Some((p, a)) => (p, Some(a)),
                    None => (r, None),
                };
                let anchors = spec_anchors
                    .entry(path)
                    .or_insert_with(|| {
                        if is_file(path) {
                            docs::spec_anchors(checkout, path, limits)
                        } else {
                            None
                        }
                    })
                    .as_ref();
                match (anchors, anchor) {
                    (None, _) => problems.push(Diagnostic::at_pointer(
                        Code::GroundingMissingSpec,
                        at,
                        format!(
                            "spec `{}` does not exist in the checkout",
                            path.escape_debug()
                        ),
                    )),
                    (Some(anchors), Some(anchor)) if !anchors.iter().any(|a| a == anchor) => {
                        let shown: Vec<String> =
                            anchors.iter().take(12).map(|a| format!("#{a}")).collect();
                        problems.push(Diagnostic::at_pointer(
                            Code::GroundingMissingAnchor,
                            at,
                            format!(
                                "`{}` has no heading with anchor `#{}` (headings: {})",
                                path.escape_debug(),
                                anchor.escape_debug(),
                                shown.join(", ")
                            ),
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The guards a plan upholds, each rule once, in `.petrova.yml` order, with
/// its statement: the one builder validation and the preview share.
pub fn upholds<'a>(
    guard_rules: impl IntoIterator<Item = &'a str>,
    rules: &[MetaRule],
) -> Vec<MetaRule> {
    let mut upholds: Vec<MetaRule> = Vec::new();
    for id in guard_rules {
        if !upholds.iter().any(|u| u.id == id) {
            let statement = rules
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.statement.clone())
                .unwrap_or_default();
            upholds.push(MetaRule {
                id: id.to_owned(),
                statement,
            });
        }
    }
    upholds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(
        plan: Option<&str>,
        doc: Option<&str>,
        body: Option<&str>,
        expected: Result<(usize, usize, usize), &str>,
    ) {
        let settings = LimitSettings {
            max_plan_bytes: plan.map(str::to_owned),
            max_doc_bytes: doc.map(str::to_owned),
            max_body_chars: body.map(str::to_owned),
        };
        let got = settings
            .limits()
            .map(|l| (l.max_plan_bytes, l.scan.max_doc_bytes, l.max_body_chars));
        match (got, expected) {
            (Ok(g), Ok(e)) => assert_eq!(g, e),
            (Err(g), Err(e)) => assert!(g.contains(e), "{g:?} should say {e:?}"),
            (g, e) => panic!("{plan:?} {doc:?} {body:?}: got {g:?}, expected {e:?}"),
        }
    }

    #[test]
    fn paths_that_some_filesystem_reads_as_git_or_that_hide_characters_are_refused() {
        let check = |path: &str, expected: Option<Code>| {
            assert_eq!(path_problem(path).map(|(c, _)| c), expected, "{path:?}");
        };
        check(".git/config", Some(Code::PathGit));
        check(".GIT/config", Some(Code::PathGit));
        check(".git./config", Some(Code::PathGit));
        check(".git /hooks/x", Some(Code::PathGit));
        check("GIT~1/config", Some(Code::PathGit));
        check("\u{ff0e}git/config", Some(Code::PathGit));
        check("a/.git\u{2024}/x", Some(Code::PathGit));
        check("docs/x\u{202e}dm.exe", Some(Code::PathControl));
        check("docs/zero\u{200b}width.md", Some(Code::PathControl));
        check("docs/.github-notes.md", None);
        check("src/gitignore.rs", None);
        check(".gitignore", None);
    }

    #[test]
    fn limit_settings() {
        let d = PlanLimits::default();
        let defaults = (d.max_plan_bytes, d.scan.max_doc_bytes, d.max_body_chars);
        assert_eq!(defaults, (16 << 20, 2 << 20, 65_536));
        check(None, None, None, Ok(defaults));
        check(Some(" "), Some(""), None, Ok(defaults));
        check(
            Some("1000"),
            Some(" 42 "),
            Some("4096"),
            Ok((1000, 42, 4096)),
        );
        check(
            Some("99999999999"),
            None,
            Some("65536"),
            Ok((99_999_999_999, 2 << 20, 65_536)),
        );
        check(
            Some("1e3"),
            None,
            None,
            Err("PETROVA_MAX_PLAN_BYTES `1e3` is not a whole number"),
        );
        check(
            None,
            Some("0"),
            None,
            Err("PETROVA_MAX_DOC_BYTES must be at least 1"),
        );
        check(
            None,
            None,
            Some("4095"),
            Err("between 4096 and GitHub's 65536 (got 4095)"),
        );
        check(None, None, Some("65537"), Err("(got 65537)"));
    }
}
