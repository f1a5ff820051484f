//! The built-in protected set: paths a fleet's plan may not change whatever
//! the repository's profile says, because changing them changes who reviews,
//! what runs, or what rules apply.
//!
//! - petrova's own configuration (`.petrova.yml`, the meta-rules document,
//!   the registry file when it lives in the checkout) is never writable;
//! - `.github/` (workflows, actions, CODEOWNERS, everything under it),
//!   `CODEOWNERS`, `docs/CODEOWNERS`, `.gitmodules`, `.gitattributes` and the
//!   usual agent instruction files (`AGENTS.md` and `CLAUDE.md` at any depth,
//!   `.claude/`, `.cursor/`, `.github/copilot-instructions.md`) are writable
//!   only where a profile lifts that exact entry with `unprotect:`.
//!
//! Paths compare case-insensitively, so a `claude.md` beside `CLAUDE.md`, or
//! `.GITHUB/workflows/x.yml`, cannot slip past on a case-insensitive clone.

use crate::encoding::text::path_fold;

/// The entries a profile may lift with `unprotect:` (exactly as written here).
pub const LIFTABLE: &[&str] = &[
    ".github/",
    ".github/workflows/",
    ".github/actions/",
    ".github/copilot-instructions.md",
    "CODEOWNERS",
    "docs/CODEOWNERS",
    ".gitmodules",
    ".gitattributes",
    "AGENTS.md",
    "CLAUDE.md",
    ".claude/",
    ".cursor/",
];

/// Why `path` is protected: the entry that covers it and whether any profile
/// could lift it; `None` when it is not protected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Protected {
    /// petrova's own configuration: never writable by a plan.
    OwnConfig(String),
    /// A liftable entry no `unprotect:` of the profile lifts.
    Entry(&'static str),
}

/// Whether `entry` covers `path` (both already lower-cased): a folder entry
/// (`x/`) covers what is under it; `AGENTS.md`/`CLAUDE.md` cover that file
/// name in any folder; any other entry covers exactly that path.
fn covers(entry: &str, path: &str) -> bool {
    if entry.ends_with('/') {
        path.starts_with(entry)
    } else if entry == "agents.md" || entry == "claude.md" {
        path == entry || path.ends_with(&format!("/{entry}"))
    } else {
        path == entry
    }
}

/// The protection of `path`, given petrova's own configuration files of this
/// repository and the entries the profile lifts.
pub fn protection(path: &str, own_config: &[String], unprotect: &[String]) -> Option<Protected> {
    let folded = path_fold(path);
    if let Some(own) = own_config.iter().find(|own| path_fold(own) == folded) {
        return Some(Protected::OwnConfig(own.clone()));
    }
    let lifted: Vec<String> = unprotect.iter().map(|u| path_fold(u)).collect();
    // The most specific entry decides: lifting `.github/workflows/` lifts that
    // folder only, while `.github/` still covers the rest of `.github/`.
    let mut covering: Vec<&'static str> = LIFTABLE
        .iter()
        .copied()
        .filter(|entry| covers(&path_fold(entry), &folded))
        .collect();
    covering.sort_by_key(|entry| std::cmp::Reverse(entry.len()));
    let most_specific = covering.first()?;
    if lifted.iter().any(|l| *l == path_fold(most_specific)) {
        return None;
    }
    // A lifted folder also lifts the entries inside it (`.github/` lifts all of it).
    if covering
        .iter()
        .any(|entry| entry.ends_with('/') && lifted.contains(&path_fold(entry)))
    {
        return None;
    }
    Some(Protected::Entry(most_specific))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own() -> Vec<String> {
        vec![
            ".petrova.yml".into(),
            "docs/meta-rules.md".into(),
            "petrova-registry.yaml".into(),
        ]
    }

    fn check(path: &str, unprotect: &[&str], expected: Option<&str>) {
        let unprotect: Vec<String> = unprotect.iter().map(|u| (*u).to_owned()).collect();
        let got = protection(path, &own(), &unprotect).map(|p| match p {
            Protected::OwnConfig(file) => format!("own {file}"),
            Protected::Entry(entry) => entry.to_owned(),
        });
        assert_eq!(got.as_deref(), expected, "{path} with {unprotect:?}");
    }

    #[test]
    fn petrova_s_own_configuration_is_never_writable() {
        check(".petrova.yml", &[".github/"], Some("own .petrova.yml"));
        check(".Petrova.YML", &[], Some("own .petrova.yml"));
        check("docs/meta-rules.md", &[], Some("own docs/meta-rules.md"));
        check(
            "petrova-registry.yaml",
            &[],
            Some("own petrova-registry.yaml"),
        );
    }

    #[test]
    fn the_built_in_set_and_what_lifts_it() {
        check(".github/workflows/ci.yml", &[], Some(".github/workflows/"));
        check(
            ".github/actions/x/action.yml",
            &[],
            Some(".github/actions/"),
        );
        check(".github/CODEOWNERS", &[], Some(".github/"));
        check(".github/dependabot.yml", &[], Some(".github/"));
        check(".GITHUB/Workflows/ci.yml", &[], Some(".github/workflows/"));
        check("CODEOWNERS", &[], Some("CODEOWNERS"));
        check("docs/CODEOWNERS", &[], Some("docs/CODEOWNERS"));
        check(".gitmodules", &[], Some(".gitmodules"));
        check(".gitattributes", &[], Some(".gitattributes"));
        check("CLAUDE.md", &[], Some("CLAUDE.md"));
        check("claude.md", &[], Some("CLAUDE.md"));
        check("backend/AGENTS.md", &[], Some("AGENTS.md"));
        check(".claude/settings.json", &[], Some(".claude/"));
        check(".cursor/rules", &[], Some(".cursor/"));
        check(
            ".github/copilot-instructions.md",
            &[],
            Some(".github/copilot-instructions.md"),
        );
        // Lifting one folder lifts that folder only.
        check(".github/workflows/ci.yml", &[".github/workflows/"], None);
        check(
            ".github/actions/a.yml",
            &[".github/workflows/"],
            Some(".github/actions/"),
        );
        check(
            ".github/dependabot.yml",
            &[".github/workflows/"],
            Some(".github/"),
        );
        // Lifting `.github/` lifts everything under it.
        check(".github/workflows/ci.yml", &[".github/"], None);
        check("CLAUDE.md", &["CLAUDE.md"], None);
        // Not protected.
        check("backend/migrations/0046.sql", &[], None);
        check("docs/CLAUDE.md.bak", &[], None);
        check("github/workflows/ci.yml", &[], None);
    }
}
