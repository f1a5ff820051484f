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
/// the line breaks), the bidi and zero-width format characters (marks
/// U+200E/U+200F/U+061C included) and the line and paragraph separators.
pub fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{061C}'
                | '\u{2028}'..='\u{202E}'
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

/// A value as one line of JSON that GitHub's runner reads as no command: it
/// never starts with `::`, and the legacy `##[` (obeyed anywhere in a line)
/// is written `#\u0023[` inside strings, the only place JSON can hold it, so
/// the value parses back unchanged. The [`hidden`] characters JSON leaves raw
/// (DEL, C1 controls, bidi and zero-width) are written as `\uXXXX` escapes
/// too: a log shows them, and the value is the same. The CLI's `--json` and
/// the Action's JSON are this text, byte for byte.
pub fn json_line<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    if json.chars().any(hidden) {
        // Outside strings compact JSON holds no such character, and every
        // one of them is in the Basic Multilingual Plane.
        let mut escaped = String::with_capacity(json.len() + 16);
        for c in json.chars() {
            if hidden(c) {
                let _ = write!(escaped, "\\u{:04x}", u32::from(c));
            } else {
                escaped.push(c);
            }
        }
        json = escaped;
    }
    if json.contains("##[") {
        json.replace("##[", "#\\u0023[")
    } else {
        json
    }
}

/// A path as petrova compares it with another: Unicode NFC, then lower
/// case. macOS stores names decomposed and Windows and macOS ignore case, so
/// `Cafe\u{301}.md`, `Café.md` and `CAFÉ.md` are one file on some clone.
pub fn path_fold(path: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    if path.is_ascii() {
        return path.to_ascii_lowercase();
    }
    // Lower case, then the simple case foldings `to_lowercase` leaves out,
    // so that `AGENTſ.md` is `agents.md` as case-insensitive filesystems see it.
    path.nfc()
        .collect::<String>()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'ſ' => 's',
            'ς' => 'σ',
            'ϐ' => 'β',
            'ϑ' => 'θ',
            'ϕ' => 'φ',
            'ϖ' => 'π',
            'ϰ' => 'κ',
            'ϱ' => 'ρ',
            'ϵ' => 'ε',
            'ẛ' => 'ṡ',
            'ι' => 'ι',
            c => c,
        })
        .collect()
}

/// The words GitHub reads, before an issue reference, as "close it on merge".
const CLOSING_KEYWORDS: &[&str] = &[
    "close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved",
];

/// U+2060 WORD JOINER: invisible, and it breaks what GitHub pattern-matches.
const JOINER: char = '\u{2060}';

/// Plan text as GitHub should take it: `@name` and `@org/team` mentions no
/// longer notify anyone, and "Fixes #1" or "closes owner/repo#3" no longer
/// close an issue on merge. A word joiner goes after the `@` of a mention and
/// inside a closing keyword that precedes an issue reference; the text reads
/// the same.
pub fn inert_references(text: &str) -> Cow<'_, str> {
    if !text.contains('@') && !text.contains('#') && !text.contains("github.com") {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    let word = |c: char| c.is_alphanumeric() || c == '_';
    while i < chars.len() {
        let c = chars[i];
        let at_word_start = i == 0 || !word(chars[i - 1]);
        // GitHub's mention pattern looks back for an ASCII letter or digit
        // only: `_x_@alice`, `é@alice` and `日本@alice` all mention.
        if c == '@'
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric())
            && (i == 0 || !chars[i - 1].is_ascii_alphanumeric())
        {
            out.push('@');
            out.push(JOINER);
            i += 1;
            continue;
        }
        if at_word_start && (c.is_alphabetic() || c == '_') {
            let end = (i..chars.len())
                .find(|&j| !word(chars[j]))
                .unwrap_or(chars.len());
            // `_Fixes_` is emphasis around the keyword once rendered.
            let first = (i..end).find(|&j| chars[j] != '_').unwrap_or(end);
            let candidate: String = chars[i..end].iter().collect::<String>().to_lowercase();
            if first < end
                && CLOSING_KEYWORDS.contains(&candidate.trim_matches('_'))
                && references_issue(&chars[end..])
            {
                out.extend(&chars[i..=first]);
                out.push(JOINER);
                out.extend(&chars[first + 1..end]);
                i = end;
                continue;
            }
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        out.push(c);
        i += 1;
    }
    Cow::Owned(out)
}

/// Whether what follows a closing keyword is an issue reference GitHub links:
/// optional `:`, spaces, then `#1`, `owner/repo#1`, or an issues/pull URL.
/// Emphasis markers (`**Fixes** #1`) vanish when GitHub renders the text, so
/// they are skipped around the keyword's colon and spaces.
fn references_issue(rest: &[char]) -> bool {
    let emphasis = |from: usize| {
        rest[from..]
            .iter()
            .take_while(|c| matches!(c, '*' | '_' | '~'))
            .count()
    };
    let mut i = emphasis(0);
    if rest.get(i) == Some(&':') {
        i += 1;
    }
    i += emphasis(i);
    let spaces = rest[i..].iter().take_while(|c| c.is_whitespace()).count();
    if spaces == 0 {
        return false;
    }
    let i = i + spaces + emphasis(i + spaces);
    let after: String = rest[i..].iter().take(200).collect();
    let lower = after.to_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return lower.contains("/issues/") || lower.contains("/pull/");
    }
    // `\#1` renders as `#1`.
    let token: String = after
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ',' && *c != ';')
        .filter(|c| *c != '\\')
        .collect();
    match token.split_once('#') {
        Some((repo, number)) => {
            number.chars().next().is_some_and(|d| d.is_ascii_digit())
                && (repo.is_empty() || repo.matches('/').count() == 1)
        }
        None => false,
    }
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
    fn paths_fold_to_one_spelling() {
        assert_eq!(path_fold("Docs/CLAUDE.md"), "docs/claude.md");
        assert_eq!(path_fold("Cafe\u{301}.md"), path_fold("CAFÉ.md"));
        assert_eq!(path_fold("AGENTſ.md"), "agents.md");
        assert_eq!(path_fold("ΑΣ"), path_fold("ας"));
        assert_eq!(
            path_fold("\u{212b}ngstr\u{f6}m"),
            path_fold("\u{c5}NGSTRÖM")
        );
    }

    #[test]
    fn json_lines_hold_no_legacy_command() {
        let value = serde_json::json!({"a": "x ##[error]y", "##[k": 1});
        let line = json_line(&value);
        assert_eq!(line, r###"{"#\u0023[k":1,"a":"x #\u0023[error]y"}"###);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&line).ok(),
            Some(value)
        );
        // Hidden characters JSON would leave raw are escaped, losslessly.
        let value = serde_json::json!({"a": "r\u{202e}tl \u{9b}[31m \u{7f} @\u{2060}x \u{feff}"});
        let line = json_line(&value);
        assert_eq!(
            line,
            r#"{"a":"r\u202etl \u009b[31m \u007f @\u2060x \ufeff"}"#
        );
        assert!(!line.chars().any(hidden));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&line).ok(),
            Some(value)
        );
    }

    #[test]
    fn mentions_and_closing_keywords_are_inert() {
        let check = |text: &str, expected: &str| {
            assert_eq!(
                inert_references(text),
                expected.replace('|', "\u{2060}"),
                "{text:?}"
            );
        };
        check("ping @org/everyone now", "ping @|org/everyone now");
        check("@alice", "@|alice");
        check(
            "_x_@alice é@bob 日本@carol",
            "_x_@|alice é@|bob 日本@|carol",
        );
        check("Fixes \\#1", "F|ixes \\#1");
        check("mail me at a@b.example", "mail me at a@b.example");
        check("Fixes #1", "F|ixes #1");
        check("**Fixes** #7", "**F|ixes** #7");
        check("_closes_: **#2**", "_c|loses_: **#2**");
        check("this closes owner/repo#3.", "this c|loses owner/repo#3.");
        check("RESOLVED: #12", "R|ESOLVED: #12");
        check(
            "fix https://github.com/o/r/issues/4",
            "f|ix https://github.com/o/r/issues/4",
        );
        check("fix the #bug tag", "fix the #bug tag");
        check("prefix #1 and fixture #2", "prefix #1 and fixture #2");
        check("no references at all", "no references at all");
        check("the fix is in #7? no: fixes", "the fix is in #7? no: fixes");
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
