//! The idempotency key, its short form and the branch name of a proposal.

use crate::encoding::canonical::{sha256_hex, to_canonical};
use crate::plan::{Plan, SCHEMA_VERSION};
use serde::Serialize;

/// The identity of one proposal: the same plan for the same repository always
/// has the same key, whoever runs it and whenever.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProposalKey {
    /// 64 hex digits.
    pub idempotency_key: String,
    /// The first 12 hex digits.
    pub short_key: String,
    /// `petrova/propose-fix/<first 8 hex digits>`.
    pub branch: String,
}

#[derive(Serialize)]
struct Keyed<'a> {
    verb: &'static str,
    target_repo: &'a str,
    schema_version: u32,
    plan: &'a Plan,
}

/// The branch-name prefix of every proposal.
pub const BRANCH_PREFIX: &str = "petrova/propose-fix/";

/// SHA-256 of the canonical JSON of `{"verb":"propose_fix","target_repo",
/// "schema_version":1,"plan"}`. The actor and trigger are deliberately left
/// out so that a retry from another CI run is recognised as the same fix.
pub fn proposal_key(target_repo: &str, plan: &Plan) -> ProposalKey {
    let keyed = Keyed {
        verb: "propose_fix",
        target_repo,
        schema_version: SCHEMA_VERSION,
        plan,
    };
    let key = sha256_hex(to_canonical(&keyed).as_bytes());
    ProposalKey {
        short_key: key[..12].to_owned(),
        branch: format!("{BRANCH_PREFIX}{}", &key[..8]),
        idempotency_key: key,
    }
}

/// Whether `text` has the form of an idempotency key: 64 lowercase hex
/// digits. A key read back from a pull request body is hostile data until it
/// passes this.
pub fn is_idempotency_key(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan;

    fn key_of(json: &str) -> String {
        proposal_key(
            "kahn-hq",
            &plan::parse(json.as_bytes(), 1 << 20).expect("plan"),
        )
        .idempotency_key
    }

    const PLAN: &str = r#"{"diagnosis_id":"diag-0123456789abcdef","title":"t","rationale":"r",
        "proposed_changes":[{"path":"a.txt","operation":"create","contents":"x"}],
        "test_plan":["make test"],"mr_grounding":[{"kind":"meta_rule","ref":"MR-1","claim":"c"}]}"#;

    #[test]
    fn only_64_lowercase_hex_digits_are_a_key() {
        assert!(is_idempotency_key(&key_of(PLAN)));
        for text in [
            "",
            "4f8c3e21",
            &"A".repeat(64),
            &format!("{}\u{202e}", "a".repeat(63)),
            &format!("{}|", "a".repeat(63)),
            &"a".repeat(65),
        ] {
            assert!(!is_idempotency_key(text), "{text:?}");
        }
    }

    #[test]
    fn key_ignores_order_and_whitespace() {
        let reordered = r#"{ "mr_grounding": [ {"claim":"c","ref":"MR-1","kind":"meta_rule"} ],
            "test_plan": ["make test"], "rationale": "r", "title": "t",
            "proposed_changes": [ {"contents":"x","operation":"create","path":"a.txt"} ],
            "diagnosis_id": "diag-0123456789abcdef" }"#;
        assert_eq!(key_of(PLAN), key_of(reordered));
    }

    #[test]
    fn key_changes_with_any_value() {
        let base = key_of(PLAN);
        for (from, to) in [
            ("\"t\"", "\"t2\""),
            ("\"x\"", "\"x \""),
            ("MR-1", "MR-2"),
            ("a.txt", "b.txt"),
            ("make test", "make  test"),
        ] {
            assert_ne!(key_of(&PLAN.replacen(from, to, 1)), base, "{from} → {to}");
        }
        let other_repo = proposal_key(
            "other",
            &plan::parse(PLAN.as_bytes(), 1 << 20).expect("plan"),
        );
        assert_ne!(other_repo.idempotency_key, base);
    }

    #[test]
    fn short_key_and_branch() {
        let k = proposal_key(
            "kahn-hq",
            &plan::parse(PLAN.as_bytes(), 1 << 20).expect("plan"),
        );
        assert_eq!(k.short_key, k.idempotency_key[..12]);
        assert_eq!(
            k.branch,
            format!("petrova/propose-fix/{}", &k.idempotency_key[..8])
        );
    }
}
