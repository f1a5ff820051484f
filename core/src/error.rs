//! Stable problem codes and located diagnostics.
//!
//! Problems in user content (a registry, a governance document, a fix plan) are
//! data, not panics: they are [`Diagnostic`]s with a stable [`Code`] and a
//! location — a JSON pointer into a plan, or a `path:line` in a file. The CLI,
//! the Action annotations and the browser preview all speak these codes.

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
    /// A file in a dated folder is not named by the folder's date pattern.
    DocBadName = "doc_bad_name",
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
    /// A grounding's claim is blank.
    GroundingClaimEmpty = "grounding_claim_empty",
    /// A `meta_rule` grounding names a rule the meta-rules document does not define.
    GroundingUnknownRule = "grounding_unknown_rule",
    /// A `finding` grounding names a file that does not exist.
    GroundingMissingFinding = "grounding_missing_finding",
    /// A `decision` grounding names a file that does not exist.
    GroundingMissingDecision = "grounding_missing_decision",
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
        }
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

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location() {
            Some(location) => write!(f, "{location}: {} [{}]", self.message, self.code),
            None => write!(f, "{} [{}]", self.message, self.code),
        }
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
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate code {code}");
            assert_eq!(Code::parse(code.as_str()), Some(*code));
        }
    }
}
