//! The one place petrova touches `serde_yaml`.
//!
//! Everything YAML (the registry, `.petrova.yml`, front matter, PR metadata)
//! goes through these functions, so the YAML library can be swapped in one file.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A YAML problem with its 1-based line and column when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// 1-based line of the problem, when the parser knows it.
    pub line: Option<usize>,
    /// 1-based column of the problem, when the parser knows it.
    pub column: Option<usize>,
    /// The parser's message without its trailing location.
    pub message: String,
}

/// A parsed YAML value; only used to look at the shape of a document before typed parsing.
pub type Value = serde_yaml::Value;

/// Parses `src` into `T`.
pub fn from_str<T: DeserializeOwned>(src: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(src).map_err(convert)
}

/// Parses `src` into a generic value.
pub fn value_from_str(src: &str) -> Result<Value, YamlError> {
    from_str(src)
}

/// Serializes `value` to YAML (block style, as `serde_yaml` writes it).
pub fn to_string<T: Serialize>(value: &T) -> Result<String, YamlError> {
    serde_yaml::to_string(value).map_err(convert)
}

/// Whether a string would be read back by YAML as the same plain string.
///
/// Used by the PR-body renderer to decide when a scalar must be quoted.
pub fn plain_scalar_round_trips(s: &str) -> bool {
    matches!(from_str::<Value>(s), Ok(Value::String(ref back)) if back == s)
}

// Taken by value so that it can be passed to `map_err` directly.
#[allow(clippy::needless_pass_by_value)]
fn convert(err: serde_yaml::Error) -> YamlError {
    let location = err.location();
    let mut message = err.to_string();
    // serde_yaml appends " at line L column C" to its messages; the location is
    // reported separately, so strip it to keep messages short.
    if let Some(idx) = message.rfind(" at line ") {
        if message[idx..].contains(" column ") {
            message.truncate(idx);
        }
    }
    YamlError {
        line: location.as_ref().map(|l| l.line()),
        column: location.as_ref().map(|l| l.column()),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_lines() {
        let err = from_str::<Vec<u32>>("- 1\n- two\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(!err.message.contains("at line"), "{}", err.message);
    }

    #[test]
    fn plain_scalars() {
        assert!(plain_scalar_round_trips("kahn-hq"));
        assert!(plain_scalar_round_trips("fleet:kahn-implementer"));
        assert!(!plain_scalar_round_trips("true"));
        assert!(!plain_scalar_round_trips("123"));
        assert!(!plain_scalar_round_trips("a: b"));
        assert!(!plain_scalar_round_trips("- x"));
        assert!(!plain_scalar_round_trips(""));
    }
}
