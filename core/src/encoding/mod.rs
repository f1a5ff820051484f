//! Encodings petrova writes and reads: canonical JSON (ids, keys, fingerprints), dates, YAML.

pub mod canonical;
mod canonical_stream;
pub mod date;
pub mod yaml;
