//! The one rule for human-readable text petrova writes (dry-run and refusal
//! text, the diagnose summary, doctor, errors, the step summary's text):
//! a value that comes from outside — a plan, a document, a file name, an
//! input, a setting, an HTTP response — is shown on one line, with control
//! characters and invisible bidi/zero-width characters escaped visibly
//! (`\n`, `\u{1b}`, `\u{202e}`), and no line petrova writes can be read by
//! GitHub's runner as a workflow command: none starts, after whitespace, with
//! `::`, and no `##[` survives.
//!
//! The runner reads stdout line by line (`\r`, `\n` and `\r\n` end a line),
//! trims leading whitespace, obeys `::cmd::` at the start of a line and the
//! legacy `##[cmd]` anywhere in it.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` is shown escaped: every control character (Cc, which includes
/// the line breaks) and the bidi and zero-width format characters.
pub fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200D}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2060}'
                | '\u{FEFF}'
        )
}

/// A value from outside as shown in text: one line, hidden characters escaped.
pub fn shown(value: &str) -> Cow<'_, str> {
    if !value.chars().any(hidden) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if hidden(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text petrova writes, made safe line by line for the runner: a line that
/// would start (after whitespace) with `::` gets its first colon escaped, and
/// `##[` is broken as `#\#[`. Petrova's own commands are written separately and
/// never pass through here.
pub fn runner_safe(text: &str) -> Cow<'_, str> {
    let risky = text.contains("##[")
        || text
            .split(['\n', '\r'])
            .any(|line| line.trim_start().starts_with("::"));
    if !risky {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest.find(['\n', '\r']).map_or(rest.len(), |i| i + 1);
        let (line, next) = rest.split_at(end);
        let body = line.trim_start();
        if body.starts_with("::") {
            out.push_str(&line[..line.len() - body.len()]);
            out.push('\\');
            out.push_str(body);
        } else {
            out.push_str(line);
        }
        rest = next;
    }
    Cow::Owned(out.replace("##[", "#\\#["))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_shown_on_one_line_with_hidden_characters_escaped() {
        let check = |value: &str, expected: &str| assert_eq!(shown(value), expected, "{value:?}");
        check("plain text, `code` and ü", "plain text, `code` and ü");
        check(
            "diag-x\n::set-output name=a::b",
            "diag-x\\n::set-output name=a::b",
        );
        check("a\r::add-mask::x", "a\\r::add-mask::x");
        check("bell\u{7}esc\u{1b}[31m", "bell\\u{7}esc\\u{1b}[31m");
        check("rtl\u{202e}txt.md", "rtl\\u{202e}txt.md");
        check("zero\u{200b}width\u{feff}", "zero\\u{200b}width\\u{feff}");
        check("tab\there", "tab\\there");
        check("nul\0", "nul\\0");
        assert!(matches!(shown("clean"), Cow::Borrowed(_)));
    }

    #[test]
    fn no_line_can_be_read_as_a_workflow_command() {
        let check =
            |text: &str, expected: &str| assert_eq!(runner_safe(text), expected, "{text:?}");
        check(
            "propose_fix → refused\n  ok\n",
            "propose_fix → refused\n  ok\n",
        );
        check("::set-output name=x::y\n", "\\::set-output name=x::y\n");
        check(
            "a\n   ::add-mask::t\r::error::x",
            "a\n   \\::add-mask::t\r\\::error::x",
        );
        check("say ##[error]boom", "say #\\#[error]boom");
        check("a :: b\n", "a :: b\n");
        for line in runner_safe("::a\n\t::b\r\n::c").split(['\n', '\r']) {
            assert!(!line.trim_start().starts_with("::"), "{line:?}");
        }
    }
}
