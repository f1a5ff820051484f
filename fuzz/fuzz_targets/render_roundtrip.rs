//! Render → parse round trip: an arbitrary plan and metadata (any strings),
//! rendered with `body::render` against a fixed diagnosis, must give a body
//! that fits GitHub's 65,536-character limit, whose metadata block
//! `body::parse_metadata` reads back exactly, that `body::to_html` renders, and
//! whose shape plan text cannot break (`petrova_tests::body_structure_problems`:
//! the marker is the only raw HTML, the metadata block comes first, and the
//! Upholds/Changes/Summary sections are real top-level headings at the end),
//! also as github.com renders it: cmark-gfm itself, through the tests' oracle
//! (`petrova_tests::github_view`), sees no element, heading, image, live
//! mention or closing reference from plan text.
//!
//! Metadata strings are capped at 512 characters each: real metadata is a
//! slug, a fleet name, a 64-hex key, an RFC 3339 time and a trigger of at most
//! 200 characters, and metadata larger than the whole body limit could not fit.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use petrova_core::governance::docs::MetaRule;
use petrova_core::plan::{Change, Grounding, GroundingKind, Operation, Plan};
use petrova_core::proposal::body::{
    self, BodyInput, GroundingRef, Metadata, TriggeredBy, GITHUB_BODY_LIMIT,
};

#[derive(Arbitrary, Debug)]
struct Input {
    plan: ArbPlan,
    metadata: ArbMetadata,
    upholds: Vec<(String, String)>,
    stale_against: Option<String>,
}

#[derive(Arbitrary, Debug)]
struct ArbPlan {
    diagnosis_id: String,
    title: String,
    rationale: String,
    changes: Vec<(String, u8, Option<String>, Option<String>)>,
    test_plan: Vec<String>,
    grounding: Vec<(u8, String, String)>,
}

#[derive(Arbitrary, Debug)]
struct ArbMetadata {
    verb: String,
    target_repo: String,
    idempotency_key: String,
    schema_version: u32,
    schema_fingerprint: String,
    actor: String,
    kind: String,
    reference: String,
    applied_at: String,
    diagnosis_id: Option<String>,
    grounding: Option<Vec<(String, String)>>,
    changes: Option<Vec<String>>,
}

fn cap(s: String) -> String {
    s.chars().take(512).collect()
}

impl ArbPlan {
    fn build(self) -> Plan {
        const OPS: [Operation; 3] = [Operation::Create, Operation::Modify, Operation::Delete];
        const KINDS: [GroundingKind; 5] = [
            GroundingKind::MetaRule,
            GroundingKind::Finding,
            GroundingKind::Spec,
            GroundingKind::Decision,
            GroundingKind::Milestone,
        ];
        Plan {
            diagnosis_id: self.diagnosis_id,
            title: self.title,
            rationale: self.rationale,
            proposed_changes: self
                .changes
                .into_iter()
                .map(|(path, op, contents, edit_rationale)| Change {
                    path,
                    operation: OPS[usize::from(op) % OPS.len()],
                    contents,
                    edit_rationale,
                })
                .collect(),
            test_plan: self.test_plan,
            mr_grounding: self
                .grounding
                .into_iter()
                .map(|(kind, reference, claim)| Grounding {
                    kind: KINDS[usize::from(kind) % KINDS.len()],
                    reference,
                    claim,
                })
                .collect(),
        }
    }
}

impl ArbMetadata {
    fn build(self) -> Metadata {
        Metadata {
            verb: cap(self.verb),
            target_repo: cap(self.target_repo),
            idempotency_key: cap(self.idempotency_key),
            schema_version: self.schema_version,
            schema_fingerprint: cap(self.schema_fingerprint),
            actor: cap(self.actor),
            triggered_by: TriggeredBy {
                kind: cap(self.kind),
                reference: cap(self.reference),
            },
            applied_at: cap(self.applied_at),
            diagnosis_id: self.diagnosis_id.map(cap),
            // Real lists are bounded by the builder (16 KiB each); twenty
            // capped entries stay within that.
            grounding: self.grounding.map(|g| {
                g.into_iter()
                    .take(20)
                    .map(|(kind, reference)| GroundingRef {
                        kind: cap(kind),
                        reference: cap(reference),
                    })
                    .collect()
            }),
            changes: self
                .changes
                .map(|c| c.into_iter().take(20).map(cap).collect()),
        }
    }
}

fuzz_target!(|input: Input| {
    let plan = input.plan.build();
    let metadata = input.metadata.build();
    let upholds: Vec<MetaRule> = input
        .upholds
        .into_iter()
        .map(|(id, statement)| MetaRule { id, statement })
        .collect();
    let rendered = body::render(&BodyInput {
        plan: &plan,
        diagnosis: petrova_fuzz::diagnosis(),
        metadata: &metadata,
        upholds: &upholds,
        stale_against: input.stale_against.as_deref(),
    });
    let text = &rendered.text;
    let chars = text.chars().count();
    assert!(chars <= GITHUB_BODY_LIMIT, "{chars} characters");
    assert_eq!(
        body::parse_metadata(text).as_ref(),
        Ok(&metadata),
        "the metadata must read back from\n{text}"
    );
    let _ = body::to_html(text);
    let problems = petrova_tests::body_structure_problems(text);
    assert!(problems.is_empty(), "{problems:?} in\n{text}");
    let problems = petrova_tests::github_view::body_problems_on_github(text);
    assert!(
        problems.is_empty(),
        "as github.com shows it: {problems:?} in\n{text}"
    );
});
