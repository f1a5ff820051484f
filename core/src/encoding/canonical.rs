//! Canonical JSON and hashing: the single encoder behind diagnosis ids,
//! idempotency keys and the schema fingerprint.
//!
//! Canonical form: object keys sorted by Unicode code point, no insignificant
//! whitespace, strings exactly as given (no normalisation), integers as integers.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Serializes `value` to canonical JSON.
///
/// Serialization of plain data types cannot fail; should a type's `Serialize`
/// implementation report an error, the value is encoded as `null`, which keeps
/// this function total.
pub fn to_canonical<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    if crate::encoding::canonical_stream::write(value, &mut out).is_err() {
        return "null".to_owned();
    }
    // Only UTF-8 text and ASCII punctuation were written.
    String::from_utf8(out).unwrap_or_else(|_| "null".to_owned())
}

/// Encodes an already-built JSON value canonically.
pub fn value_to_canonical(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            // Sorting explicitly, rather than relying on serde_json's map order,
            // keeps the encoding canonical even if a dependency turns on
            // serde_json's `preserve_order` feature. UTF-8 byte order equals
            // code point order, so `str::cmp` is the right comparison.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        // serde_json prints integers without exponent or fraction, and these
        // scalars have exactly one spelling.
        Value::Number(_) | Value::Bool(_) | Value::Null => out.push_str(&value.to_string()),
    }
}

fn write_string(s: &str, out: &mut String) {
    // serde_json's string escaping is minimal and deterministic: `"`, `\\`
    // and control characters only; everything else is written as given.
    let mut bytes = Vec::with_capacity(s.len() + 2);
    crate::encoding::canonical_stream::write_str(s, &mut bytes);
    out.push_str(&String::from_utf8_lossy(&bytes));
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[allow(clippy::needless_pass_by_value)] // Tables read better with owned `json!` values.
    fn check(input: Value, expected: &str) {
        assert_eq!(value_to_canonical(&input), expected);
    }

    #[test]
    fn canonical_form() {
        check(
            json!({"b": 1, "a": [true, null, "x"]}),
            r#"{"a":[true,null,"x"],"b":1}"#,
        );
        check(json!({"é": 1, "z": 2, "Z": 3}), r#"{"Z":3,"z":2,"é":1}"#);
        check(json!("tab\tquote\"slash/é"), r#""tab\tquote\"slash/é""#);
        check(json!(-12), "-12");
        check(json!({}), "{}");
    }

    #[test]
    fn code_point_order_not_utf16_order() {
        // U+FF61 sorts before U+1F600 by code point but after it in UTF-16 units.
        check(
            json!({"\u{1F600}": 1, "\u{FF61}": 2}),
            "{\"\u{FF61}\":2,\"\u{1F600}\":1}",
        );
    }

    /// The streaming encoder must give exactly the bytes of the Value-based one.
    #[test]
    fn streaming_equals_value_based_encoding() {
        #[derive(serde::Serialize)]
        struct Inner {
            z: Option<u32>,
            a: Vec<&'static str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            skipped: Option<u8>,
        }
        #[derive(serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        enum Kind {
            Unit,
            New(i64),
            Tuple(u8, u8),
            Struct { y: bool, b: f64 },
        }
        /// A map with a repeated key, in no order: the last value wins.
        struct Repeated;
        impl serde::Serialize for Repeated {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(None)?;
                for (k, v) in [("k", 1), ("a", 2), ("k", 3), ("b", 4)] {
                    map.serialize_entry(k, &v)?;
                }
                map.end()
            }
        }
        /// Fields already in key order, one of them unordered inside.
        #[derive(serde::Serialize)]
        struct InOrder {
            a: u8,
            b: Inner,
            c: Repeated,
        }
        #[derive(serde::Serialize)]
        struct Outer {
            in_order: InOrder,
            repeated: Repeated,
            é: &'static str,
            b: Inner,
            kinds: Vec<Kind>,
            map: std::collections::BTreeMap<String, i32>,
            numbers: std::collections::BTreeMap<u32, &'static str>,
            f: f32,
            nan: f64,
            c: char,
        }
        let value = Outer {
            in_order: InOrder {
                a: 1,
                b: Inner {
                    z: Some(2),
                    a: vec![],
                    skipped: Some(3),
                },
                c: Repeated,
            },
            repeated: Repeated,
            é: "quote \" back \\ tab \t ctrl \u{1} é 🦀",
            b: Inner {
                z: None,
                a: vec!["x", "\u{7f}"],
                skipped: None,
            },
            kinds: vec![
                Kind::Unit,
                Kind::New(-3),
                Kind::Tuple(1, 2),
                Kind::Struct { y: true, b: 0.1 },
            ],
            map: [
                ("b".to_owned(), 1),
                ("a".to_owned(), 2),
                ("\u{FF61}".to_owned(), 3),
                ("\u{1F600}".to_owned(), 4),
            ]
            .into_iter()
            .collect(),
            numbers: [(10, "ten"), (9, "nine")].into_iter().collect(),
            f: 0.1,
            nan: f64::NAN,
            c: '"',
        };
        let via_value = value_to_canonical(&serde_json::to_value(&value).unwrap());
        assert_eq!(to_canonical(&value), via_value);
    }

    #[test]
    fn sha256_known_vector() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
