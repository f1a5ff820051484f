//! The registry of governed repositories (`registry.yaml`), its change-policy
//! profiles, and who may act on which repository.

use crate::encoding::date::Date;
use crate::encoding::yaml;
use crate::error::{Code, ConfigError};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A parsed, checked registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registry {
    /// The governed repositories, in file order.
    pub repos: Vec<RepoEntry>,
    /// Every profile an entry may name: the built-in `standard` plus those the file defines.
    pub profiles: BTreeMap<String, Profile>,
}

/// One governed repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RepoEntry {
    /// Unique short name, `[a-z0-9-]+`.
    pub slug: String,
    /// `https://host/owner/name`.
    pub url: String,
    /// The owner part of `url`.
    pub owner: String,
    /// The repository-name part of `url`.
    pub name: String,
    /// The branch pull requests target.
    pub default_branch: String,
    /// How much care the repository needs.
    pub role: Role,
    /// The change-policy profile's name.
    pub profile: String,
    /// Fleet names that may act on this repository.
    pub fleets_allowed: Vec<String>,
    /// When the repository joined the registry.
    pub added: String,
    /// The checkout folder relative to the workspace (`path`, or the slug).
    pub checkout: String,
    /// The line of the entry in the registry file.
    #[serde(skip)]
    pub line: usize,
}

/// How much care a repository needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Serves users.
    Production,
    /// Rehearses production.
    Staging,
    /// A playground.
    Sandbox,
}

impl Role {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Production => "production",
            Role::Staging => "staging",
            Role::Sandbox => "sandbox",
        }
    }
}

/// What a proposal against a repository may do. Read as JSON (the preview's
/// profile), unset fields keep the `standard` profile's values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// At most this many changed files.
    pub max_files: usize,
    /// If non-empty, every changed path must start with one of these prefixes.
    pub allow: Vec<String>,
    /// No changed path may start with one of these prefixes.
    pub forbid: Vec<String>,
    /// No file's new contents may exceed this many bytes.
    pub max_file_bytes: u64,
    /// Entries of the built-in protected set this profile lifts
    /// ([`crate::plan::protect::LIFTABLE`]).
    pub unprotect: Vec<String>,
    /// Pull requests are opened as drafts.
    pub draft: bool,
    /// Labels added to every pull request (one call after it is opened).
    pub labels: Vec<String>,
    /// Users asked to review every pull request (one call with `team_reviewers`).
    pub reviewers: Vec<String>,
    /// Teams (their slugs) asked to review every pull request.
    pub team_reviewers: Vec<String>,
    /// Put before every pull request's title (`[bot] `).
    pub title_prefix: String,
    /// `petrova sweep` closes open petrova PRs older than this many days
    /// (counted from `created_at`); `None`: they never expire.
    pub expires_days: Option<u32>,
    /// A plan like one whose PR a human closed unmerged within this many days
    /// is `skipped_rejected` (default 30; 0 forgets at once).
    pub reject_memory_days: u32,
}

/// How long a closed, unmerged petrova PR is remembered by default.
pub const DEFAULT_REJECT_MEMORY_DAYS: u32 = 30;

impl Default for Profile {
    fn default() -> Self {
        Profile::standard()
    }
}

impl Profile {
    /// The built-in `standard` profile: 20 files, 1 MiB per file, nothing forbidden
    /// beyond the built-in protected set.
    pub fn standard() -> Profile {
        Profile {
            max_files: 20,
            allow: Vec::new(),
            // `.github/` and `.git/` are refused whatever the profile says (the
            // built-in protected set, and path checks); `forbid` adds to them.
            forbid: Vec::new(),
            max_file_bytes: 1024 * 1024,
            unprotect: Vec::new(),
            draft: false,
            labels: Vec::new(),
            reviewers: Vec::new(),
            team_reviewers: Vec::new(),
            title_prefix: String::new(),
            expires_days: None,
            reject_memory_days: DEFAULT_REJECT_MEMORY_DAYS,
        }
    }
}

/// The name of the built-in profile.
pub const STANDARD_PROFILE: &str = "standard";

impl Registry {
    /// Looks an entry up by slug.
    pub fn get(&self, slug: &str) -> Option<&RepoEntry> {
        self.repos.iter().find(|r| r.slug == slug)
    }

    /// Looks an entry up by slug, as a configuration error naming the known slugs when absent.
    pub fn require(&self, slug: &str, file: &str) -> Result<&RepoEntry, ConfigError> {
        self.get(slug).ok_or_else(|| {
            let known: Vec<&str> = self.repos.iter().map(|r| r.slug.as_str()).collect();
            ConfigError::new(
                Code::UnknownRepo,
                file,
                None,
                format!("no repository `{slug}` in the registry"),
            )
            .with_hint(format!(
                "known slugs: {}",
                if known.is_empty() {
                    "(none)".to_owned()
                } else {
                    known.join(", ")
                }
            ))
        })
    }

    /// Looks up the entry whose URL names `owner/name` (case-insensitive, as GitHub is).
    pub fn find_by_repository(&self, repository: &str) -> Option<&RepoEntry> {
        self.repos
            .iter()
            .find(|r| format!("{}/{}", r.owner, r.name).eq_ignore_ascii_case(repository))
    }

    /// The profile an entry names. Parsing guarantees it exists.
    pub fn profile_of(&self, entry: &RepoEntry) -> Profile {
        self.profiles
            .get(&entry.profile)
            .cloned()
            .unwrap_or_else(Profile::standard)
    }
}

impl RepoEntry {
    /// `owner/name`.
    pub fn repository(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

/// An actor, written `fleet:NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The fleet's name.
    pub fleet: String,
}

impl Actor {
    /// Parses `fleet:NAME` with a non-empty `[A-Za-z0-9._-]+` name.
    pub fn parse(s: &str) -> Result<Actor, String> {
        let Some(name) = s.strip_prefix("fleet:") else {
            return Err(format!("actor `{s}` is not of the form `fleet:NAME`"));
        };
        if name.is_empty()
            || !name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        {
            return Err(format!(
                "actor `{s}` has an invalid fleet name (expected [A-Za-z0-9._-]+)"
            ));
        }
        Ok(Actor {
            fleet: name.to_owned(),
        })
    }

    /// Whether `entry` lets this actor act on it.
    pub fn is_allowed_on(&self, entry: &RepoEntry) -> bool {
        entry.fleets_allowed.contains(&self.fleet)
    }
}

// ----- parsing -----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    slug: Slug,
    url: RepoUrl,
    default_branch: String,
    role: Role,
    profile: String,
    fleets_allowed: Vec<String>,
    added: AddedDate,
    #[serde(default)]
    path: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    repos: Vec<RawEntry>,
    #[serde(default)]
    profiles: BTreeMap<String, RawProfile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    max_files: Option<usize>,
    allow: Option<Vec<String>>,
    forbid: Option<Vec<String>>,
    max_file_bytes: Option<u64>,
    unprotect: Option<Vec<Liftable>>,
    draft: Option<bool>,
    labels: Option<Vec<Checked<LabelRule>>>,
    reviewers: Option<Vec<Checked<LoginRule>>>,
    team_reviewers: Option<Vec<Checked<TeamRule>>>,
    title_prefix: Option<Checked<TitlePrefixRule>>,
    expires_days: Option<Days<1>>,
    reject_memory_days: Option<Days<0>>,
}

/// A number of days from `MIN` to 36500, checked while deserializing so that
/// the error carries its line (an expiry of 0 days would close every PR).
struct Days<const MIN: u32>(u32);

impl<'de, const MIN: u32> Deserialize<'de> for Days<MIN> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(d)?;
        u32::try_from(n)
            .ok()
            .filter(|n| (MIN..=36_500).contains(n))
            .map(Days)
            .ok_or_else(|| {
                de::Error::custom(format!(
                    "{n} days is not a number of days from {MIN} to 36500"
                ))
            })
    }
}

/// A value checked while deserializing, so that the error carries its line.
struct Checked<R>(String, std::marker::PhantomData<R>);

/// What a profile's PR-shaping value must be.
trait Rule {
    /// Why `value` is not acceptable, if it is not.
    fn problem(value: &str) -> Option<String>;
}

impl<'de, R: Rule> Deserialize<'de> for Checked<R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match R::problem(&s) {
            None => Ok(Checked(s, std::marker::PhantomData)),
            Some(why) => Err(de::Error::custom(why)),
        }
    }
}

/// A label: 1–50 characters, no control character.
struct LabelRule;
impl Rule for LabelRule {
    fn problem(v: &str) -> Option<String> {
        (v.trim().is_empty() || v.chars().count() > 50 || v.chars().any(char::is_control)).then(
            || {
                format!(
                    "label `{}` must be 1–50 characters without control characters",
                    v.escape_debug()
                )
            },
        )
    }
}

/// A GitHub login: 1–39 letters, digits and single inner hyphens.
struct LoginRule;
impl Rule for LoginRule {
    fn problem(v: &str) -> Option<String> {
        let ok = (1..=39).contains(&v.len())
            && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !v.starts_with('-')
            && !v.ends_with('-')
            && !v.contains("--");
        (!ok).then(|| {
            format!(
                "reviewer `{}` is not a GitHub login (1–39 letters, digits and single hyphens)",
                v.escape_debug()
            )
        })
    }
}

/// A team's slug: lower-case letters, digits, `-` and `_` (no organisation).
struct TeamRule;
impl Rule for TeamRule {
    fn problem(v: &str) -> Option<String> {
        let ok = (1..=100).contains(&v.len())
            && v.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        (!ok).then(|| {
            format!(
                "team reviewer `{}` is not a team slug (lower-case letters, digits, `-`, `_`; no organisation)",
                v.escape_debug()
            )
        })
    }
}

/// A title prefix: at most 60 characters, no control character.
struct TitlePrefixRule;
impl Rule for TitlePrefixRule {
    fn problem(v: &str) -> Option<String> {
        (v.chars().count() > 60 || v.chars().any(char::is_control)).then(|| {
            format!(
                "title_prefix `{}` must be at most 60 characters without control characters",
                v.escape_debug()
            )
        })
    }
}

fn checked<R>(values: Option<Vec<Checked<R>>>) -> Vec<String> {
    values
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.0)
        .collect()
}

/// An entry of `unprotect:`, checked against the liftable list while
/// deserializing (so the error carries its line).
struct Liftable(String);

impl<'de> Deserialize<'de> for Liftable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if crate::plan::protect::LIFTABLE.contains(&s.as_str()) {
            Ok(Liftable(s))
        } else {
            Err(de::Error::custom(format!(
                "`unprotect` entry `{}` is not one of the protected entries a profile may lift ({})",
                s.escape_debug(),
                crate::plan::protect::LIFTABLE.join(", ")
            )))
        }
    }
}

struct Slug(String);
struct RepoUrl {
    url: String,
    owner: String,
    name: String,
}
struct AddedDate(String);

// These newtypes validate while deserializing so that serde_yaml attaches the
// line of the offending value to the error.
impl<'de> Deserialize<'de> for Slug {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if is_slug(&s) {
            Ok(Slug(s))
        } else {
            Err(de::Error::custom(format!(
                "bad slug `{s}`: a slug is lower-case letters, digits and `-`"
            )))
        }
    }
}

impl<'de> Deserialize<'de> for RepoUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_repo_url(&s).ok_or_else(|| {
            de::Error::custom(format!("bad url `{s}`: expected https://HOST/OWNER/NAME, e.g. https://github.com/kahn-hq/kahn"))
        })
    }
}

impl<'de> Deserialize<'de> for AddedDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match Date::parse(&s) {
            Some(_) => Ok(AddedDate(s)),
            None => Err(de::Error::custom(format!(
                "bad date `{s}`: expected a real date as YYYY-MM-DD in quotes"
            ))),
        }
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}

fn is_repo_part(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

fn parse_repo_url(s: &str) -> Option<RepoUrl> {
    let rest = s.strip_prefix("https://")?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let rest = rest.strip_suffix(".git").unwrap_or(rest);
    let mut parts = rest.split('/');
    let host = parts.next()?;
    let owner = parts.next()?;
    let name = parts.next()?;
    if parts.next().is_some() || host.is_empty() || host.contains(['@', ' ', '?', '#']) {
        return None;
    }
    if !is_repo_part(owner) || !is_repo_part(name) {
        return None;
    }
    Some(RepoUrl {
        url: s.to_owned(),
        owner: owner.to_owned(),
        name: name.to_owned(),
    })
}

/// Reads a registry file's bytes as text: YAML is UTF-8, so anything else is
/// refused with the line of the first byte that is not.
pub fn decode<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str, ConfigError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = e.valid_up_to();
        let line = 1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count();
        ConfigError::new(
            Code::RegistrySyntax,
            file,
            Some(line),
            format!("the registry is not UTF-8 text (invalid byte at offset {valid})"),
        )
        .with_hint("save the registry as UTF-8")
    })
}

/// [`parse`] of a registry file's bytes, which must be UTF-8 (see [`decode`]).
pub fn parse_bytes(bytes: &[u8], file: &str) -> Result<Registry, ConfigError> {
    parse(decode(bytes, file)?, file)
}

/// Parses and checks a registry. `file` names the file in error messages.
///
/// Both forms are accepted: a sequence of entries, or a mapping with `repos`
/// and optional `profiles`. The first problem found is returned, located by line.
pub fn parse(src: &str, file: &str) -> Result<Registry, ConfigError> {
    let shape = yaml::value_from_str(src).map_err(|e| yaml_error(file, src, e))?;
    let (raw_entries, raw_profiles) = match shape {
        yaml::Value::Sequence(_) => (yaml::from_str::<Vec<RawEntry>>(src).map_err(|e| yaml_error(file, src, e))?, BTreeMap::new()),
        yaml::Value::Mapping(_) => {
            let raw = yaml::from_str::<RawMapping>(src).map_err(|e| yaml_error(file, src, e))?;
            (raw.repos, raw.profiles)
        }
        yaml::Value::Null => (Vec::new(), BTreeMap::new()),
        _ => {
            return Err(ConfigError::new(
                Code::RegistryForm,
                file,
                Some(1),
                "the registry must be a list of repositories or a mapping with `repos:` (and optional `profiles:`)",
            ))
        }
    };

    let mut profiles = BTreeMap::new();
    profiles.insert(STANDARD_PROFILE.to_owned(), Profile::standard());
    for (name, raw) in raw_profiles {
        let base = Profile::standard();
        let profile = Profile {
            max_files: raw.max_files.unwrap_or(base.max_files),
            allow: raw.allow.unwrap_or(base.allow),
            // A profile's `forbid` adds to the standard one, never replaces it.
            forbid: {
                let mut forbid = base.forbid;
                for f in raw.forbid.unwrap_or_default() {
                    if !forbid.contains(&f) {
                        forbid.push(f);
                    }
                }
                forbid
            },
            max_file_bytes: raw.max_file_bytes.unwrap_or(base.max_file_bytes),
            unprotect: raw
                .unprotect
                .unwrap_or_default()
                .into_iter()
                .map(|l| l.0)
                .collect(),
            draft: raw.draft.unwrap_or(base.draft),
            labels: checked(raw.labels),
            reviewers: checked(raw.reviewers),
            team_reviewers: checked(raw.team_reviewers),
            title_prefix: raw.title_prefix.map(|t| t.0).unwrap_or_default(),
            expires_days: raw.expires_days.map(|d| d.0),
            reject_memory_days: raw
                .reject_memory_days
                .map_or(base.reject_memory_days, |d| d.0),
        };
        profiles.insert(name, profile);
    }

    let mut repos: Vec<RepoEntry> = Vec::with_capacity(raw_entries.len());
    for raw in raw_entries {
        let slug = raw.slug.0;
        let line = line_of_key_value(src, "slug", &slug, 1).unwrap_or(1);
        if let Some(first) = repos.iter().find(|r| r.slug == slug) {
            let dup_line = line_of_key_value(src, "slug", &slug, 2);
            return Err(ConfigError::new(
                Code::RegistryDuplicateSlug,
                file,
                dup_line,
                format!(
                    "duplicate slug `{slug}` (first defined at line {})",
                    first.line
                ),
            )
            .with_hint("every entry needs its own slug"));
        }
        if !profiles.contains_key(&raw.profile) {
            let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
            return Err(ConfigError::new(
                Code::RegistryUnknownProfile,
                file,
                line_of_key_value(src, "profile", &raw.profile, 1),
                format!(
                    "repository `{slug}` names unknown profile `{}`",
                    raw.profile
                ),
            )
            .with_hint(format!("known profiles: {}", known.join(", "))));
        }
        let checkout = raw.path.unwrap_or_else(|| slug.clone());
        if !is_relative_inside(&checkout) {
            return Err(ConfigError::new(
                Code::RegistryBadPath,
                file,
                line_of_key_value(src, "path", &checkout, 1),
                format!("repository `{slug}` has checkout path `{checkout}`, which is not a relative path inside the workspace"),
            ));
        }
        repos.push(RepoEntry {
            slug,
            url: raw.url.url,
            owner: raw.url.owner,
            name: raw.url.name,
            default_branch: raw.default_branch,
            role: raw.role,
            profile: raw.profile,
            fleets_allowed: raw.fleets_allowed,
            added: raw.added.0,
            checkout,
            line,
        });
    }
    Ok(Registry { repos, profiles })
}

fn is_relative_inside(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

fn yaml_error(file: &str, src: &str, e: yaml::YamlError) -> ConfigError {
    let message = e.message;
    // serde's messages are stable; map them to codes so callers and tests can tell kinds apart.
    let code = if message.contains("unknown field") {
        Code::RegistryUnknownField
    } else if message.contains("missing field") {
        Code::RegistryMissingField
    } else if message.contains("bad slug") {
        Code::RegistryBadSlug
    } else if message.contains("bad url") {
        Code::RegistryBadUrl
    } else if message.contains("bad date") {
        Code::RegistryBadDate
    } else if message.contains("invalid type")
        || message.contains("unknown variant")
        || message.contains("invalid value")
    {
        Code::RegistryInvalidValue
    } else {
        Code::RegistrySyntax
    };
    let hint = match code {
        Code::RegistryUnknownField => Some(
            "entry fields: slug, url, default_branch, role, profile, fleets_allowed, added, path",
        ),
        Code::RegistryMissingField => Some(
            "every entry needs slug, url, default_branch, role, profile, fleets_allowed and added",
        ),
        _ => None,
    };
    // Errors raised by the validating newtypes are located at the start of the
    // entry by serde_yaml; point at the offending value's own line instead.
    let key = match code {
        Code::RegistryBadSlug => Some("slug"),
        Code::RegistryBadUrl => Some("url"),
        Code::RegistryBadDate => Some("added"),
        _ => None,
    };
    let value = message.split('`').nth(1).unwrap_or("");
    let line = key
        .and_then(|k| line_of_key_value(src, k, value, 1))
        .or(e.line);
    let err = ConfigError::new(code, file, line, message);
    match hint {
        Some(h) => err.with_hint(h),
        None => err,
    }
}

/// Finds the 1-based line of the `nth` (1-based) `key: value` pair in YAML text.
///
/// serde_yaml reports positions only for its own errors; checks that span
/// entries (duplicate slugs, unknown profiles) locate their line this way.
fn line_of_key_value(src: &str, key: &str, value: &str, nth: usize) -> Option<usize> {
    let mut seen = 0;
    // YAML ends lines at \n, \r\n and a lone \r; count them the same way.
    for (idx, line) in src
        .split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
        .enumerate()
    {
        let mut text = line.trim_start();
        while let Some(rest) = text.strip_prefix("- ") {
            text = rest.trim_start();
        }
        let Some(rest) = text.strip_prefix(key).and_then(|r| r.strip_prefix(':')) else {
            continue;
        };
        let rest = rest.split(" #").next().unwrap_or("").trim();
        let unquoted = rest.trim_matches(|c| c == '"' || c == '\'');
        if unquoted == value {
            seen += 1;
            if seen == nth {
                return Some(idx + 1);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn unprotect_lifts_only_listed_entries_and_forbid_adds() {
        let src = "repos:\n  - slug: a\n    url: https://github.com/o/a\n    default_branch: main\n    role: sandbox\n    profile: p\n    fleets_allowed: []\n    added: \"2026-01-01\"\nprofiles:\n  p:\n    forbid: [secrets/]\n    unprotect: [.github/workflows/]\n";
        let registry = parse(src, "r.yaml").expect("valid");
        let entry = registry.require("a", "r.yaml").expect("entry");
        let profile = registry.profile_of(entry);
        assert_eq!(profile.unprotect, vec![".github/workflows/".to_owned()]);
        assert!(profile.forbid.contains(&"secrets/".to_owned()));
        let bad = src.replace("[.github/workflows/]", "[.git/]");
        let e = parse(&bad, "r.yaml").expect_err("not liftable");
        assert_eq!(e.diagnostic.line, Some(12), "{e}");
        assert!(e.diagnostic.message.contains("unprotect"), "{e}");
    }

    use super::*;

    const ENTRY: &str = "- slug: kahn-hq\n  url: https://github.com/kahn-hq/kahn\n  default_branch: main\n  role: production\n  profile: standard\n  fleets_allowed: [kahn-implementer, kahn-diagnostics]\n  added: \"2026-04-29\"\n";

    fn check_err(src: &str, code: Code, line: Option<usize>, needle: &str) {
        let err = parse(src, "registry.yaml").expect_err("registry should be refused");
        assert_eq!(err.code(), code, "{err}");
        assert_eq!(err.diagnostic.line, line, "{err}");
        assert_eq!(err.diagnostic.path.as_deref(), Some("registry.yaml"));
        assert!(
            err.to_string().contains(needle),
            "`{err}` should mention `{needle}`"
        );
        assert!(err.to_string().starts_with("registry.yaml"), "{err}");
    }

    #[test]
    fn registry_bytes_must_be_utf8() {
        assert!(parse_bytes(ENTRY.as_bytes(), "registry.yaml").is_ok());
        let mut bytes = ENTRY.as_bytes().to_vec();
        let at = ENTRY.find("main").expect("main") + 1;
        bytes[at] = 0xFF;
        let err = parse_bytes(&bytes, "registry.yaml").expect_err("not UTF-8");
        assert_eq!(err.code(), Code::RegistrySyntax);
        assert_eq!(err.diagnostic.line, Some(3), "{err}");
        assert!(err.to_string().contains("not UTF-8"), "{err}");
        assert!(err.hint.is_some());
    }

    #[test]
    fn sequence_form() {
        let reg = parse(ENTRY, "registry.yaml").expect("valid");
        let entry = reg.get("kahn-hq").expect("entry");
        assert_eq!(entry.repository(), "kahn-hq/kahn");
        assert_eq!(entry.checkout, "kahn-hq");
        assert_eq!(entry.line, 1);
        assert_eq!(reg.profile_of(entry), Profile::standard());
    }

    #[test]
    fn mapping_form_with_custom_profile_and_path() {
        let src = "repos:\n  - slug: docs\n    url: https://github.com/o/docs.git\n    default_branch: trunk\n    role: sandbox\n    profile: docs-only\n    fleets_allowed: []\n    added: \"2026-01-01\"\n    path: checkouts/docs\nprofiles:\n  docs-only:\n    max_files: 3\n    allow: [docs/]\n    draft: true\n";
        let reg = parse(src, "r.yaml").expect("valid");
        let entry = reg.get("docs").expect("entry");
        assert_eq!(entry.checkout, "checkouts/docs");
        assert_eq!(entry.name, "docs");
        let profile = reg.profile_of(entry);
        assert_eq!(profile.max_files, 3);
        assert_eq!(profile.allow, vec!["docs/"]);
        assert!(profile.draft);
        assert_eq!(profile.max_file_bytes, 1024 * 1024);
    }

    #[test]
    fn duplicate_slug() {
        check_err(
            &format!("{ENTRY}{ENTRY}"),
            Code::RegistryDuplicateSlug,
            Some(8),
            "first defined at line 1",
        );
    }

    #[test]
    fn bad_slug() {
        check_err(
            &ENTRY.replace("slug: kahn-hq", "slug: Kahn_HQ"),
            Code::RegistryBadSlug,
            Some(1),
            "Kahn_HQ",
        );
    }

    #[test]
    fn unknown_profile() {
        check_err(
            &ENTRY.replace("profile: standard", "profile: lax"),
            Code::RegistryUnknownProfile,
            Some(5),
            "lax",
        );
    }

    #[test]
    fn unknown_field() {
        check_err(
            &format!("{ENTRY}  owner: me\n"),
            Code::RegistryUnknownField,
            Some(8),
            "owner",
        );
    }

    #[test]
    fn missing_field() {
        check_err(
            &ENTRY.replace("  default_branch: main\n", ""),
            Code::RegistryMissingField,
            Some(1),
            "default_branch",
        );
    }

    #[test]
    fn bad_date() {
        check_err(
            &ENTRY.replace("2026-04-29", "2026-02-30"),
            Code::RegistryBadDate,
            Some(7),
            "2026-02-30",
        );
    }

    #[test]
    fn bad_url() {
        check_err(
            &ENTRY.replace("https://github.com/kahn-hq/kahn", "http://github.com/kahn"),
            Code::RegistryBadUrl,
            Some(2),
            "http://github.com/kahn",
        );
    }

    #[test]
    fn bad_role() {
        check_err(
            &ENTRY.replace("production", "prod"),
            Code::RegistryInvalidValue,
            Some(4),
            "prod",
        );
    }

    #[test]
    fn bad_form() {
        check_err(
            "just a string\n",
            Code::RegistryForm,
            Some(1),
            "list of repositories",
        );
    }

    #[test]
    fn syntax_error() {
        check_err("- slug: [unclosed\n", Code::RegistrySyntax, Some(2), "");
    }

    #[test]
    fn escaping_checkout_path() {
        check_err(
            &format!("{ENTRY}  path: ../elsewhere\n"),
            Code::RegistryBadPath,
            Some(8),
            "../elsewhere",
        );
    }

    #[test]
    fn actors() {
        let reg = parse(ENTRY, "registry.yaml").expect("valid");
        let entry = reg.get("kahn-hq").expect("entry");
        assert!(Actor::parse("fleet:kahn-implementer")
            .expect("actor")
            .is_allowed_on(entry));
        assert!(!Actor::parse("fleet:other")
            .expect("actor")
            .is_allowed_on(entry));
        assert!(Actor::parse("kahn-implementer").is_err());
        assert!(Actor::parse("fleet:").is_err());
    }
}

/// One job of a GitHub Actions `strategy.matrix`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MatrixEntry {
    /// The registry slug.
    pub slug: String,
    /// `owner/name`, for `actions/checkout`'s `repository` input.
    pub repository: String,
    /// The branch to check out.
    pub default_branch: String,
    /// The entry's role.
    pub role: Role,
    /// The entry's profile.
    pub profile: String,
}

/// A `strategy.matrix` value: `{"include": [...]}`, in registry order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Matrix {
    /// The jobs.
    pub include: Vec<MatrixEntry>,
}

/// `registry list`: one line per governed repository.
pub fn render_list(registry: &Registry) -> String {
    use crate::encoding::text::{runner_safe, shown};
    let mut s = String::new();
    for r in &registry.repos {
        s.push_str(&format!(
            "{:<20} {:<10} {:<10} {}  fleets: {}\n",
            r.slug,
            r.role.as_str(),
            shown(&r.profile),
            shown(&r.repository()),
            shown(&r.fleets_allowed.join(", "))
        ));
    }
    runner_safe(&s).into_owned()
}

/// Builds the matrix of the entries matching every `key=value` filter
/// (keys: `slug`, `role`, `profile`, `repository`, `fleet` — an allowed fleet).
pub fn matrix(registry: &Registry, filters: &[String]) -> Result<Matrix, String> {
    let mut parsed = Vec::new();
    for f in filters {
        let Some((key, value)) = f.split_once('=') else {
            return Err(format!("filter `{f}` is not KEY=VALUE"));
        };
        if !matches!(key, "slug" | "role" | "profile" | "repository" | "fleet") {
            return Err(format!(
                "unknown filter key `{key}`: use slug, role, profile, repository or fleet"
            ));
        }
        parsed.push((key, value));
    }
    let include = registry
        .repos
        .iter()
        .filter(|r| {
            parsed.iter().all(|(key, value)| match *key {
                "slug" => r.slug == *value,
                "role" => r.role.as_str() == *value,
                "profile" => r.profile == *value,
                "repository" => r.repository().eq_ignore_ascii_case(value),
                _ => r.fleets_allowed.iter().any(|f| f == value),
            })
        })
        .map(|r| MatrixEntry {
            slug: r.slug.clone(),
            repository: r.repository(),
            default_branch: r.default_branch.clone(),
            role: r.role,
            profile: r.profile.clone(),
        })
        .collect();
    Ok(Matrix { include })
}

#[cfg(test)]
mod matrix_tests {
    use super::*;

    #[test]
    fn matrix_filters() {
        let src = "- slug: a\n  url: https://github.com/o/a\n  default_branch: main\n  role: production\n  profile: standard\n  fleets_allowed: [f1]\n  added: \"2026-01-01\"\n- slug: b\n  url: https://github.com/o/b\n  default_branch: trunk\n  role: sandbox\n  profile: standard\n  fleets_allowed: [f2]\n  added: \"2026-01-01\"\n";
        let reg = parse(src, "r.yaml").expect("registry");
        let slugs = |filters: &[&str]| -> Vec<String> {
            let filters: Vec<String> = filters.iter().map(|s| (*s).to_owned()).collect();
            matrix(&reg, &filters)
                .expect("matrix")
                .include
                .into_iter()
                .map(|e| e.slug)
                .collect()
        };
        assert_eq!(slugs(&[]), vec!["a", "b"]);
        assert_eq!(slugs(&["role=production"]), vec!["a"]);
        assert_eq!(slugs(&["fleet=f2", "repository=O/B"]), vec!["b"]);
        assert_eq!(slugs(&["role=staging"]), Vec::<String>::new());
        assert!(matrix(&reg, &["colour=red".to_owned()]).is_err());
        assert!(matrix(&reg, &["role".to_owned()]).is_err());
        let json = serde_json::to_string(&matrix(&reg, &[]).expect("matrix")).expect("json");
        assert!(
            json.starts_with(
                "{\"include\":[{\"slug\":\"a\",\"repository\":\"o/a\",\"default_branch\":\"main\""
            ),
            "{json}"
        );
    }
}
