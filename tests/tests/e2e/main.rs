//! The end-to-end tests of petrova, as one test binary (one link instead of
//! one per file): the CLI on sandbox copies of the example workspace, against
//! the fake GitHub, with golden files for everything rendered.
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]

mod adopt;
mod apply;
mod apply_concurrency;
mod apply_faults;
mod bodies;
mod body_roundtrip;
mod cli_diagnose;
// The apply tests' world (a diagnosed sandbox and the fake GitHub) lives with
// the other helpers in tests/src/, and is a module of this binary so that each
// test file can add the methods it needs to `World`.
#[path = "../../src/world.rs"]
mod common;
mod diagnosis_id;
mod doctor;
mod dry_run;
mod fleet;
mod github_rendering;
mod governance_parsing;
mod hostile_corpus;
mod key_vectors;
mod limits;
mod plan_refusals;
mod workflows;
