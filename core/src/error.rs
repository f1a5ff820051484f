//! Stable problem codes and located diagnostics.
//!
//! Problems in user content (a registry, a governance document, a fix plan) are
//! data, not panics: they are [`Diagnostic`]s with a stable [`Code`] and a
//! location — a JSON pointer into a plan, or a `path:line` in a file. The CLI,
//! the Action annotations and the browser preview all speak these codes.

use crate::encoding::text::{runner_safe, shown};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

macro_rules! codes {
    ($( $(#[doc = $doc:expr])+ $variant:ident = $name:literal, )*) => {
        /// A stable, machine-readable problem code. The string form never changes once released.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[doc = $doc])+ $variant, )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable string form, e.g. `path_absolute`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// Looks a code up by its string form.
            pub fn parse(s: &str) -> Option<Code> {
                match s { $($name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    // ----- registry (configuration: exit 3) -----
    /// The registry is not valid YAML.
    RegistrySyntax = "registry_syntax",
    /// The registry is neither a sequence of entries nor a `{repos, profiles}` mapping.
    RegistryForm = "registry_form",
    /// An entry or profile has a field petrova does not know.
    RegistryUnknownField = "registry_unknown_field",
    /// An entry lacks a required field.
    RegistryMissingField = "registry_missing_field",
    /// A field has the wrong type or an invalid value.
    RegistryInvalidValue = "registry_invalid_value",
    /// A slug is not `[a-z0-9-]+`.
    RegistryBadSlug = "registry_bad_slug",
    /// Two entries share a slug.
    RegistryDuplicateSlug = "registry_duplicate_slug",
    /// An entry names a profile that is neither built in nor defined.
    RegistryUnknownProfile = "registry_unknown_profile",
    /// `added` is not a `YYYY-MM-DD` date.
    RegistryBadDate = "registry_bad_date",
    /// `url` is not `https://host/owner/name`.
    RegistryBadUrl = "registry_bad_url",
    /// A checkout `path` is absolute or leaves the workspace.
    RegistryBadPath = "registry_bad_path",
    /// The slug asked for is not in the registry.
    UnknownRepo = "unknown_repo",
    /// The repository's checkout folder does not exist.
    CheckoutMissing = "checkout_missing",
    /// The registry file could not be read.
    RegistryUnreadable = "registry_unreadable",

    // ----- the command itself (usage: exit 2; access: exit 3; GitHub: exit 4) -----
    /// An operator setting or input (environment variable, Action input) has an invalid value.
    SettingInvalid = "setting_invalid",
    /// The window's first or last day is not a date, or the last is before the first.
    WindowInvalid = "window_invalid",
    /// The plan file could not be read.
    PlanUnreadable = "plan_unreadable",
    /// An embedder handed core a malformed request (a bug in the embedder, not in user content).
    InputInvalid = "input_invalid",
    /// No GitHub token was given for a run that needs one.
    TokenMissing = "token_missing",
    /// The GitHub API URL is not usable.
    ApiUrlInvalid = "api_url_invalid",
    /// GitHub refused the token or does not show the repository to it.
    GithubAccess = "github_access",
    /// GitHub kept failing, or answered unexpectedly.
    GithubFailed = "github_failed",
    /// The diagnosis cache could not be written.
    CacheUnwritable = "cache_unwritable",
    /// `petrova init --write` met an existing `.petrova.yml` (without `--force`).
    ConfigExists = "config_exists",
    /// `petrova init --write` could not write `.petrova.yml`.
    ConfigUnwritable = "config_unwritable",
    /// The pull request was opened, but a label or review request the
    /// profile asks for failed (a warning: the run applied).
    PrFollowupFailed = "pr_followup_failed",
    /// A refused plan was asked to be applied.
    PlanRefused = "plan_refused",
    /// Something failed that petrova did not expect (a bug, or a broken runner).
    Internal = "internal",
    /// Some repositories of a fleet run failed (each is reported on its own line).
    FleetFailed = "fleet_failed",

    // ----- governance documents (warnings in a diagnosis) -----
    /// A file could not be read.
    DocUnreadable = "doc_unreadable",
    /// A document is not valid UTF-8.
    DocNotUtf8 = "doc_not_utf8",
    /// A document looks binary (contains NUL bytes).
    DocBinary = "doc_binary",
    /// A document is larger than the scan limit.
    DocTooLarge = "doc_too_large",
    /// A document has no heading to take its title from.
    DocNoTitle = "doc_no_title",
    /// Front matter opened with `---` never closes.
    DocFrontMatterUnterminated = "doc_front_matter_unterminated",
    /// Front matter is not a YAML mapping.
    DocFrontMatterInvalid = "doc_front_matter_invalid",
    /// Front matter is over 64 KiB or nested deeper than 32: not parsed.
    DocFrontMatterTooLarge = "doc_front_matter_too_large",
    /// A file name in a documents folder is not UTF-8; the file is skipped.
    DocNameNotUtf8 = "doc_name_not_utf8",
    /// A record's name is shaped like a date or time that does not exist, or holds a control character.
    DocBadName = "doc_bad_name",
    /// A record's written date disagrees with the full date in its name (the name wins).
    DocDateMismatch = "doc_date_mismatch",
    /// A finding's `Status:` is neither `open` nor `resolved`.
    DocBadStatus = "doc_bad_status",
    /// A configured document (meta-rules, roadmap) does not exist.
    DocMissing = "doc_missing",
    /// A meta-rule id is defined twice; the first definition wins.
    MetaRuleDuplicate = "meta_rule_duplicate",
    /// The roadmap defines no `Phase-<n>` heading.
    RoadmapNoPhase = "roadmap_no_phase",
    /// A phase heading has no `Status: open|closed` line.
    RoadmapPhaseStatus = "roadmap_phase_status",
    /// `.petrova.yml` is invalid; defaults are used for the scan.
    ConfigInvalid = "config_invalid",
    /// A guard names a rule the meta-rules document does not define.
    GuardUnknownRule = "guard_unknown_rule",

    // ----- fix plans (refusals: exit 1) -----
    /// The plan file is over the size limit.
    PlanTooLarge = "plan_too_large",
    /// The plan is not valid JSON.
    PlanSyntax = "plan_syntax",
    /// The plan repeats a key in one object.
    PlanDuplicateKey = "plan_duplicate_key",
    /// A value has the wrong JSON type.
    PlanType = "plan_type",
    /// A required field is missing.
    PlanMissingField = "plan_missing_field",
    /// A field the schema does not define.
    PlanUnknownField = "plan_unknown_field",
    /// A value outside the allowed set (e.g. an unknown operation).
    PlanBadValue = "plan_bad_value",
    /// `title` is empty.
    TitleEmpty = "title_empty",
    /// `rationale` is empty.
    RationaleEmpty = "rationale_empty",
    /// `test_plan` has no entry, or a blank one.
    TestPlanEmpty = "test_plan_empty",
    /// `mr_grounding` has no entry.
    GroundingEmpty = "grounding_empty",
    /// `mr_grounding` has more entries than a plan may cite (100).
    GroundingTooMany = "grounding_too_many",
    /// A grounding's claim is blank.
    GroundingClaimEmpty = "grounding_claim_empty",
    /// A `meta_rule` grounding names a rule the meta-rules document does not define.
    GroundingUnknownRule = "grounding_unknown_rule",
    /// A `finding` grounding names a file that does not exist.
    GroundingMissingFinding = "grounding_missing_finding",
    /// A `decision` grounding names a file that does not exist.
    GroundingMissingDecision = "grounding_missing_decision",
    /// A `decision` grounding names a file that is not a decision record
    /// (the folder's README, a template, a file outside the decisions folder).
    GroundingNotARecord = "grounding_not_a_record",
    /// A `decision` grounding names a superseded decision.
    GroundingSuperseded = "grounding_superseded",
    /// A `spec` grounding names a file that does not exist.
    GroundingMissingSpec = "grounding_missing_spec",
    /// A `spec` grounding's `#anchor` is not a heading of the spec.
    GroundingMissingAnchor = "grounding_missing_anchor",
    /// A `milestone` grounding names no open milestone.
    GroundingUnknownMilestone = "grounding_unknown_milestone",
    /// `diagnosis_id` is not of the form `diag-<16 hex>`.
    DiagnosisBadId = "diagnosis_bad_id",
    /// No cached diagnosis has this id.
    DiagnosisUnknown = "diagnosis_unknown",
    /// The cached diagnosis is for another repository.
    DiagnosisForeign = "diagnosis_foreign",
    /// The repository's governance changed since the diagnosis.
    DiagnosisStale = "diagnosis_stale",
    /// The actor is not written `fleet:NAME`.
    ActorInvalid = "actor_invalid",
    /// The actor's fleet is not in the repository's `fleets_allowed`.
    ActorNotAllowed = "actor_not_allowed",
    /// A trigger kind or ref is empty or has control characters.
    TriggerInvalid = "trigger_invalid",
    /// A path is empty.
    PathEmpty = "path_empty",
    /// A path is absolute.
    PathAbsolute = "path_absolute",
    /// A path has a `..` segment.
    PathParent = "path_parent",
    /// A path has `.` or empty segments, or a trailing `/`.
    PathNotNormalized = "path_not_normalized",
    /// A path uses `\`.
    PathBackslash = "path_backslash",
    /// A path holds NUL or control characters.
    PathControl = "path_control",
    /// A path is under `.git/`.
    PathGit = "path_git",
    /// A path is in the built-in protected set (petrova's own configuration,
    /// `.github/`, CODEOWNERS, agent instructions, …) and the profile does not lift it.
    PathProtected = "path_protected",
    /// A path goes through a symlink of the checkout.
    PathSymlink = "path_symlink",
    /// The checkout could not be inspected along a path (an I/O error such as
    /// a name too long for the filesystem, or a folder that cannot be read).
    PathUnreadable = "path_unreadable",
    /// Two changes name the same path.
    PathDuplicate = "path_duplicate",
    /// `create` names an existing path.
    ChangeCreateExists = "change_create_exists",
    /// `modify` or `delete` names a missing file.
    ChangeTargetMissing = "change_target_missing",
    /// `modify` or `delete` names something that is not a regular file.
    ChangeNotFile = "change_not_file",
    /// A parent of the path is an existing file.
    ChangeParentNotDir = "change_parent_not_dir",
    /// `create` or `modify` without `contents`.
    ChangeContentsMissing = "change_contents_missing",
    /// `delete` with `contents`.
    ChangeContentsForbidden = "change_contents_forbidden",
    /// The plan has no change.
    ChangesEmpty = "changes_empty",
    /// More changed files than the profile allows.
    ProfileTooManyFiles = "profile_too_many_files",
    /// A path under one of the profile's `forbid` prefixes.
    ProfileForbiddenPath = "profile_forbidden_path",
    /// A path outside the profile's `allow` prefixes.
    ProfilePathNotAllowed = "profile_path_not_allowed",
    /// A file over the profile's `max_file_bytes`.
    ProfileFileTooLarge = "profile_file_too_large",
    /// An `append_only` guard is broken.
    GuardAppendOnly = "guard_append_only",
    /// A `read_only` guard is broken.
    GuardReadOnly = "guard_read_only",
    /// The repository's `.petrova.yml` is invalid, so its guards cannot be checked.
    GuardConfigInvalid = "guard_config_invalid",

    // ----- apply -----
    /// The branch or its pull request belongs to another proposal; nothing was touched.
    ApplyConflict = "apply_conflict",

    // ----- pull-request metadata -----
    /// A body has no metadata marker.
    MetadataMissing = "metadata_missing",
    /// A body has a marker but no fenced yaml block after it.
    MetadataNoBlock = "metadata_no_block",
    /// The metadata block is not valid.
    MetadataInvalid = "metadata_invalid",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Code::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown problem code `{s}`")))
    }
}

/// A problem found in user content, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// A JSON pointer into the plan (`/proposed_changes/0/path`), when the problem is in a plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The file the problem is in, relative to the repository or workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The 1-based line in `path`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// One human sentence naming what the problem is about.
    pub message: String,
    /// What to do, spelled for the front end that asked. Never hashed, never
    /// in a pull-request body, never compared between front ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic located in a file.
    pub fn in_file(
        code: Code,
        path: impl Into<String>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            pointer: None,
            path: Some(path.into()),
            line,
            message: message.into(),
            hint: None,
        }
    }

    /// A diagnostic located by a JSON pointer into a plan.
    pub fn at_pointer(code: Code, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            pointer: Some(pointer.into()),
            path: None,
            line: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint (see [`Diagnostic::hint`]).
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `path:line: message [code]`, `pointer: message [code]`, or `message [code]`.
    pub fn location(&self) -> Option<String> {
        match (&self.path, self.line, &self.pointer) {
            (Some(path), Some(line), _) => Some(format!("{path}:{line}")),
            (Some(path), None, _) => Some(path.clone()),
            (None, _, Some(pointer)) if !pointer.is_empty() => Some(pointer.clone()),
            (None, _, _) => None,
        }
    }
}

/// One line: the location and the message are values from outside (a file
/// name, a plan's text), shown with their hidden characters escaped.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = shown(&self.message);
        match self.location() {
            Some(location) => write!(f, "{}: {message} [{}]", shown(&location), self.code),
            None => write!(f, "{message} [{}]", self.code),
        }
    }
}

/// The documented exit codes. Every front end exits with the code core decides;
/// no other crate spells one as a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exit {
    /// 0: done (including dry runs and skipped re-runs).
    Done,
    /// 1: the input was understood and refused (a plan's problems, a conflict).
    Refused,
    /// 2: the command was called wrongly (a bad window, setting or input).
    Usage,
    /// 3: configuration (registry, checkout, token, repository access).
    Config,
    /// 4: GitHub failed after retries; a re-run resumes safely.
    Github,
}

impl Exit {
    /// The process exit status.
    pub const fn code(self) -> u8 {
        match self {
            Exit::Done => 0,
            Exit::Refused => 1,
            Exit::Usage => 2,
            Exit::Config => 3,
            Exit::Github => 4,
        }
    }

    /// The exit code a run ends with when it stops because of a problem with `code`.
    pub fn of(code: Code) -> Exit {
        use Code as C;
        match code {
            C::SettingInvalid
            | C::WindowInvalid
            | C::PlanUnreadable
            | C::InputInvalid
            | C::ConfigExists => Exit::Usage,
            C::GithubFailed => Exit::Github,
            C::RegistrySyntax
            | C::RegistryForm
            | C::RegistryUnknownField
            | C::RegistryMissingField
            | C::RegistryInvalidValue
            | C::RegistryBadSlug
            | C::RegistryDuplicateSlug
            | C::RegistryUnknownProfile
            | C::RegistryBadDate
            | C::RegistryBadUrl
            | C::RegistryBadPath
            | C::UnknownRepo
            | C::CheckoutMissing
            | C::RegistryUnreadable
            | C::TokenMissing
            | C::ApiUrlInvalid
            | C::GithubAccess
            | C::CacheUnwritable
            | C::ConfigUnwritable
            | C::Internal
            | C::FleetFailed => Exit::Config,
            _ => Exit::Refused,
        }
    }

    /// The worst of two exits (the higher code), for runs over many repositories.
    pub fn max(self, other: Exit) -> Exit {
        if other.code() > self.code() {
            other
        } else {
            self
        }
    }
}

impl Serialize for Exit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for Exit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match u8::deserialize(deserializer)? {
            0 => Ok(Exit::Done),
            1 => Ok(Exit::Refused),
            2 => Ok(Exit::Usage),
            3 => Ok(Exit::Config),
            4 => Ok(Exit::Github),
            n => Err(serde::de::Error::custom(format!("unknown exit code {n}"))),
        }
    }
}

/// Which front end is asking. Core's messages name the thing to change in
/// neutral words; only hints spell a front end's flag or input, and hints are
/// never hashed, never put in a body, never compared between front ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frontend {
    /// The `petrova` command line.
    #[default]
    Cli,
    /// The GitHub Action (`action/src/main.mjs`).
    Action,
    /// The browser preview.
    Preview,
}

/// Something an operator sets, spelled per front end by [`Frontend::spell`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Knob {
    /// The window's first day.
    Since,
    /// The window's last day.
    Until,
    /// Accepting a stale diagnosis.
    AllowStale,
    /// Opening the pull request.
    Apply,
    /// The GitHub token.
    Token,
    /// The plan file.
    Input,
    /// The registry file.
    Registry,
    /// The target repository.
    Target,
    /// The folder of cached diagnoses.
    StateDir,
    /// Running a diagnosis.
    Diagnose,
    /// Closing overlapping petrova PRs instead of a conflict.
    Supersede,
    /// Proposing again what a human rejected.
    Reconsider,
}

impl Frontend {
    /// How this front end spells `knob`.
    pub fn spell(self, knob: Knob) -> &'static str {
        match (self, knob) {
            (Frontend::Cli, Knob::Since) => "--since",
            (Frontend::Cli, Knob::Until) => "--until",
            (Frontend::Cli, Knob::AllowStale) => "--allow-stale",
            (Frontend::Cli, Knob::Apply) => "--apply",
            (Frontend::Cli, Knob::Token) => "PETROVA_GITHUB_TOKEN (or GITHUB_TOKEN)",
            (Frontend::Cli, Knob::Input) => "--input",
            (Frontend::Cli, Knob::Registry) => "--registry (PETROVA_REGISTRY)",
            (Frontend::Cli, Knob::Target) => "the slug argument",
            (Frontend::Cli | Frontend::Action, Knob::StateDir) => "PETROVA_STATE_DIR",
            (Frontend::Cli, Knob::Diagnose) => "`petrova diagnose <slug> --since …`",
            (Frontend::Action, Knob::Diagnose) => "a `command: diagnose` step earlier in the job",
            (Frontend::Action, Knob::Since) => "input `since`",
            (Frontend::Action, Knob::Until) => "input `until`",
            (Frontend::Action, Knob::AllowStale) => "input `allow-stale`",
            (Frontend::Action, Knob::Apply) => "input `apply`",
            (Frontend::Action, Knob::Token) => "input `token` (or GITHUB_TOKEN)",
            (Frontend::Action, Knob::Input) => "input `input`",
            (Frontend::Action, Knob::Registry) => "input `registry`",
            (Frontend::Action, Knob::Target) => "input `target`",
            (Frontend::Cli, Knob::Supersede) => "--supersede",
            (Frontend::Cli, Knob::Reconsider) => "--reconsider",
            (Frontend::Action, Knob::Supersede) => "input `supersede: true`",
            (Frontend::Action, Knob::Reconsider) => "input `reconsider: true`",
            (Frontend::Preview, Knob::Since | Knob::Until) => "the diagnosis box",
            (Frontend::Preview, Knob::Input) => "the plan box",
            (Frontend::Preview, _) => "the workflow that runs petrova",
        }
    }
}

/// Why a whole run stopped before (or instead of) producing an outcome: the
/// problem (with its hint) and the exit code it means. Every front end
/// reports these as they are; none builds its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{diagnostic}")]
pub struct Failure {
    /// The documented exit code.
    pub exit_code: Exit,
    /// The problem, and what to do about it.
    pub diagnostic: Diagnostic,
}

impl Failure {
    /// A failure with no location; its exit code follows from `code`.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Failure::from_diagnostic(Diagnostic {
            code,
            pointer: None,
            path: None,
            line: None,
            message: message.into(),
            hint: None,
        })
    }

    /// A failure for a located problem; its exit code follows from the code.
    pub fn from_diagnostic(diagnostic: Diagnostic) -> Self {
        Failure {
            exit_code: Exit::of(diagnostic.code),
            diagnostic,
        }
    }

    /// Adds (or replaces) the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.diagnostic.hint = Some(hint.into());
        self
    }

    /// Adds a hint naming how `frontend` sets `knob`: "<verb> <spelling><rest>".
    pub fn with_knob(self, frontend: Frontend, verb: &str, knob: Knob, rest: &str) -> Self {
        let hint = format!("{verb} {}{rest}", frontend.spell(knob));
        self.with_hint(hint)
    }

    /// The message and, on a line of its own, the hint, safe for the runner.
    pub fn render(&self) -> String {
        let text = match &self.diagnostic.hint {
            Some(hint) => format!("{}\n  hint: {}", self.diagnostic, shown(hint)),
            None => self.diagnostic.to_string(),
        };
        runner_safe(&text).into_owned()
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        let mut diagnostic = e.diagnostic;
        diagnostic.hint = e.hint;
        Failure::from_diagnostic(diagnostic)
    }
}

/// A fatal configuration problem (registry, checkout): the CLI exits 3.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{diagnostic}")]
pub struct ConfigError {
    /// What went wrong and where.
    pub diagnostic: Diagnostic,
    /// What to do about it, when there is something obvious to say.
    pub hint: Option<String>,
}

impl ConfigError {
    /// Builds a configuration error located in a file.
    pub fn new(code: Code, path: &str, line: Option<usize>, message: impl Into<String>) -> Self {
        ConfigError {
            diagnostic: Diagnostic::in_file(code, path, line, message),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The stable code.
    pub fn code(&self) -> Code {
        self.diagnostic.code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_problem() {
        let check = |code: Code, exit: Exit| assert_eq!(Exit::of(code), exit, "{code}");
        check(Code::WindowInvalid, Exit::Usage);
        check(Code::SettingInvalid, Exit::Usage);
        check(Code::RegistrySyntax, Exit::Config);
        check(Code::TokenMissing, Exit::Config);
        check(Code::GithubFailed, Exit::Github);
        check(Code::PathParent, Exit::Refused);
        let codes: Vec<u8> = [
            Exit::Done,
            Exit::Refused,
            Exit::Usage,
            Exit::Config,
            Exit::Github,
        ]
        .iter()
        .map(|e| e.code())
        .collect();
        assert_eq!(codes, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate code {code}");
            assert_eq!(Code::parse(code.as_str()), Some(*code));
        }
    }
}
