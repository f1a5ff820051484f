//! Encodings petrova writes and reads: canonical JSON (ids, keys, fingerprints), dates, YAML,
//! and text as the runner reads it.

pub mod canonical;
mod canonical_stream;
pub mod date;
pub mod text;
pub mod yaml;
