//! Guards: meta-rules made machine-checkable (`append_only`, `read_only`).

use crate::error::{Code, Diagnostic};
use crate::governance::docs::{decision_date, Guard, GuardKind, MetaRule};
use crate::governance::records::{self, NameDate};
use crate::governance::source::EntryKind;
use crate::plan::{Change, Operation};

/// What a numbered folder asks of a new record: the number it must take
/// (one past the highest, counting the plan's earlier new records there)
/// and the width of the folder's names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextNumber {
    /// The next free number.
    pub next: u64,
    /// Digits in the folder's names (`0025` → 4).
    pub width: usize,
    /// Every number taken, with its record's path.
    pub used: std::collections::BTreeMap<u64, String>,
}

impl NextNumber {
    /// `0025-<slug>.md`.
    fn name(&self) -> String {
        format!("{:0width$}-<slug>.md", self.next, width = self.width)
    }
}

/// Checks one change against every guard; `existing` is what the checkout
/// has at the path, `numbered` what its folder asks when it numbers its records.
pub fn check_change(
    guards: &[Guard],
    rules: &[MetaRule],
    index: usize,
    change: &Change,
    existing: Option<EntryKind>,
    numbered: Option<&NextNumber>,
    out: &mut Vec<Diagnostic>,
) {
    let pointer = format!("/proposed_changes/{index}/path");
    for guard in guards.iter().filter(|g| g.covers(&change.path)) {
        let rule = describe_rule(&guard.rule, rules);
        let path = &change.path;
        match guard.kind {
            GuardKind::ReadOnly => out.push(Diagnostic::at_pointer(
                Code::GuardReadOnly,
                pointer.clone(),
                format!(
                    "{rule}: `{path}` is read-only (generated from its sources); {} it is refused",
                    verb_ing(change.operation)
                ),
            )),
            GuardKind::AppendOnly => match change.operation {
                Operation::Modify | Operation::Delete => out.push(Diagnostic::at_pointer(
                    Code::GuardAppendOnly,
                    pointer.clone(),
                    format!(
                        "{rule}: `{path}` is append-only; existing files are never {}",
                        if change.operation == Operation::Modify {
                            "modified"
                        } else {
                            "deleted"
                        }
                    ),
                )),
                Operation::Create => {
                    let name = path.rsplit('/').next().unwrap_or(path);
                    if let Some(folder) = numbered {
                        if let Some(problem) = numbered_name(name, folder) {
                            out.push(Diagnostic::at_pointer(
                                Code::GuardAppendOnly,
                                pointer.clone(),
                                format!("{rule}: new file `{path}` {problem}"),
                            ));
                        }
                    } else if decision_date(name).is_none() {
                        out.push(Diagnostic::at_pointer(
                            Code::GuardAppendOnly,
                            pointer.clone(),
                            format!("{rule}: new file `{path}` must be named YYYY-MM-DD-<slug>.md"),
                        ));
                    } else if existing.is_some() {
                        out.push(Diagnostic::at_pointer(
                            Code::GuardAppendOnly,
                            pointer.clone(),
                            format!("{rule}: `{path}` already exists; append-only files are never replaced"),
                        ));
                    }
                }
            },
        }
    }
}

/// What is wrong with a new record's name in a numbered folder, if anything.
fn numbered_name(name: &str, folder: &NextNumber) -> Option<String> {
    let numbered = records::record_stem(name).map(records::name_date);
    match numbered {
        Some(NameDate::Numbered { number, width }) if width == folder.width => {
            if let Some(other) = folder.used.get(&number) {
                Some(format!(
                    "takes number {number}, already used by `{other}`; the next free number is `{}`",
                    folder.name()
                ))
            } else if number != folder.next {
                Some(format!(
                    "must take the next free number: `{}`",
                    folder.name()
                ))
            } else {
                None
            }
        }
        _ => Some(format!(
            "must be named like the folder's numbered records: `{}`",
            folder.name()
        )),
    }
}

fn verb_ing(op: Operation) -> &'static str {
    match op {
        Operation::Create => "creating",
        Operation::Modify => "modifying",
        Operation::Delete => "deleting",
    }
}

/// `MR-7 (decision docs are dated, append-only)`, or the bare id when undefined.
pub fn describe_rule(id: &str, rules: &[MetaRule]) -> String {
    match rules.iter().find(|r| r.id == id) {
        Some(rule) => format!("{id} ({})", rule.statement),
        None => id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(op: Operation, path: &str, existing: Option<EntryKind>) -> Vec<Code> {
        let guards = vec![
            Guard {
                rule: "MR-7".into(),
                kind: GuardKind::AppendOnly,
                paths: vec!["docs/decisions/".into()],
            },
            Guard {
                rule: "MR-12".into(),
                kind: GuardKind::ReadOnly,
                paths: vec!["CLAUDE.md".into()],
            },
        ];
        let rules = vec![MetaRule {
            id: "MR-7".into(),
            statement: "decision docs are dated, append-only".into(),
        }];
        let change = Change {
            path: path.into(),
            operation: op,
            contents: None,
            edit_rationale: None,
        };
        let mut out = Vec::new();
        check_change(&guards, &rules, 0, &change, existing, None, &mut out);
        out.iter().map(|d| d.code).collect()
    }

    #[test]
    fn guard_table() {
        use Operation::*;
        let file = Some(EntryKind::File);
        assert_eq!(
            check(Create, "docs/decisions/2026-05-01-new.md", None),
            vec![]
        );
        assert_eq!(
            check(Create, "docs/decisions/new.md", None),
            vec![Code::GuardAppendOnly]
        );
        assert_eq!(
            check(Modify, "docs/decisions/2026-04-28-x.md", file),
            vec![Code::GuardAppendOnly]
        );
        assert_eq!(
            check(Delete, "docs/decisions/2026-04-28-x.md", file),
            vec![Code::GuardAppendOnly]
        );
        assert_eq!(check(Modify, "CLAUDE.md", file), vec![Code::GuardReadOnly]);
        assert_eq!(check(Create, "docs/CLAUDE.md", None), vec![]);
        assert_eq!(check(Modify, "src/lib.rs", file), vec![]);
    }

    #[test]
    fn numbered_folders_ask_for_the_next_number() {
        let folder = NextNumber {
            next: 25,
            width: 4,
            used: [(24, "adr/0024-x.md".to_owned())].into_iter().collect(),
        };
        assert_eq!(numbered_name("0025-next.md", &folder), None);
        let taken = numbered_name("0024-again.md", &folder).expect("refused");
        assert!(
            taken.contains("`adr/0024-x.md`") && taken.contains("`0025-<slug>.md`"),
            "{taken}"
        );
        assert!(numbered_name("0026-gap.md", &folder).is_some());
        assert!(numbered_name("25-short.md", &folder).is_some());
        assert!(numbered_name("2026-05-01-dated.md", &folder).is_some());
    }
}
