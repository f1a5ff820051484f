//! Operator settings that arrive as text (environment variables, Action
//! inputs) and are parsed in one place, so the CLI and the Action agree.

use std::str::FromStr;

/// A whole-number setting named `name`: unset or blank keeps `default`,
/// anything else must parse as a whole number.
pub(crate) fn whole_number<T: FromStr>(
    name: &str,
    value: Option<&str>,
    default: T,
) -> Result<T, String> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => v
            .parse()
            .map_err(|_| format!("{name} `{v}` is not a whole number")),
        None => Ok(default),
    }
}
