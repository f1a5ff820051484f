//! Guards: meta-rules made machine-checkable (`append_only`, `read_only`).

use crate::error::{Code, Diagnostic};
use crate::governance::docs::{decision_date, Guard, GuardKind, MetaRule};
use crate::governance::source::EntryKind;
use crate::plan::{Change, Operation};

/// Checks one change against every guard; `existing` is what the checkout has at the path.
pub fn check_change(
    guards: &[Guard],
    rules: &[MetaRule],
    index: usize,
    change: &Change,
    existing: Option<EntryKind>,
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
                    if decision_date(name).is_none() {
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
        check_change(&guards, &rules, 0, &change, existing, &mut out);
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
}
