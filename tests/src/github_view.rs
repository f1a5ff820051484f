//! How github.com sees a pull-request body, asked of cmark-gfm itself: the
//! oracle `scripts/cmark-oracle` (PyPI `cmarkgfm`, installed by
//! `scripts/test`) runs as one long-lived process, and
//! [`body_problems_on_github`] states what a body petrova renders must look
//! like there, whatever the plan said. Mentions and closing keywords are
//! checked by pattern on the visible text, since GitHub applies them after
//! cmark-gfm.

use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

/// What a reader of github.com gets from one markdown text.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// Raw HTML nodes cmark-gfm passed through (tags, comments, HTML blocks).
    pub raw_html: usize,
    /// `<img>` elements.
    pub images: usize,
    /// Every heading: (level, nesting depth, text); depth 0 is the top level.
    pub headings: Vec<(u8, usize, String)>,
    /// The top-level elements, in order.
    pub top: Vec<String>,
    /// The text outside code, preformatted blocks and links.
    pub visible: String,
    /// The same text, one entry per text node (GitHub finds mentions within one).
    pub nodes: Vec<String>,
    /// The HTML github.com would serve.
    pub html: String,
}

struct Oracle {
    _child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

static ORACLE: Mutex<Option<Oracle>> = Mutex::new(None);

fn start() -> Oracle {
    let script = crate::repo_root().join("scripts/cmark-oracle");
    let mut child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {} with python3: {e}", script.display()));
    let stdin = child.stdin.take().expect("oracle stdin");
    let stdout = BufReader::new(child.stdout.take().expect("oracle stdout"));
    Oracle {
        _child: child,
        stdin,
        stdout,
    }
}

/// Renders `markdown` as github.com does.
pub fn render(markdown: &str) -> Rendered {
    let mut guard = ORACLE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let oracle = guard.get_or_insert_with(start);
    let mut request = serde_json::to_string(markdown).expect("a string serializes");
    request.push('\n');
    oracle
        .stdin
        .write_all(request.as_bytes())
        .and_then(|()| oracle.stdin.flush())
        .expect("the cmark-gfm oracle takes a request (is the cmarkgfm module installed?)");
    let mut line = String::new();
    oracle
        .stdout
        .read_line(&mut line)
        .expect("the cmark-gfm oracle answers");
    assert!(
        !line.is_empty(),
        "the cmark-gfm oracle stopped (is the cmarkgfm module installed? scripts/test installs it)"
    );
    let v: Value = serde_json::from_str(&line).expect("the oracle answers JSON");
    let count = |key: &str| v[key].as_u64().unwrap_or(0) as usize;
    Rendered {
        raw_html: count("raw_html"),
        images: count("images"),
        headings: v["headings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|h| {
                (
                    h[0].as_u64().unwrap_or(0) as u8,
                    h[1].as_u64().unwrap_or(0) as usize,
                    h[2].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect(),
        top: v["top"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        visible: v["visible"].as_str().unwrap_or("").to_owned(),
        nodes: v["nodes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        html: v["html"].as_str().unwrap_or("").to_owned(),
    }
}

/// The sections petrova writes, as github.com titles them.
const TITLE: &str = "Petrova action: propose_fix";
const RATIONALE: &str = "Rationale (the fleet's words)";
const SECTIONS: [&str; 3] = ["Upholds", "Changes", "Summary"];

/// What is wrong with a body as github.com shows it: plan text must not make
/// an element (raw HTML beyond petrova's one marker, an image), a heading, a
/// live @-mention or an issue-closing reference; petrova's own sections are
/// all there, at the top level, in order, with the metadata block first.
pub fn body_problems_on_github(body: &str) -> Vec<String> {
    let seen = render(body);
    let mut problems = Vec::new();
    if seen.raw_html != 1 {
        problems.push(format!(
            "{} raw HTML nodes (only petrova's marker is allowed)",
            seen.raw_html
        ));
    }
    if seen.images != 0 {
        problems.push(format!("{} images", seen.images));
    }
    let mut expected: Vec<(u8, usize, String)> = vec![(2, 0, TITLE.to_owned())];
    if seen.headings.iter().any(|h| h.2 == RATIONALE) {
        expected.push((3, 0, RATIONALE.to_owned()));
    }
    expected.extend(SECTIONS.iter().map(|s| (3, 0, (*s).to_owned())));
    if seen.headings != expected {
        problems.push(format!(
            "headings {:?}, expected {expected:?}",
            seen.headings
        ));
    }
    if seen.top.get(..2) != Some(&["h2".to_owned(), "pre".to_owned()][..]) {
        problems.push(format!(
            "the body opens with {:?}, not the title and the metadata block",
            seen.top
        ));
    }
    if seen.top.iter().any(|t| t == "section") {
        problems.push("a footnote section after petrova's own".to_owned());
    }
    for node in &seen.nodes {
        problems.extend(live_mentions(node));
    }
    problems.extend(live_closing_references(&seen.visible));
    problems
}

/// Live @-mentions and issue-closing references in plain text (a title, a
/// commit message), found by the patterns GitHub applies.
pub fn live_references(text: &str) -> Vec<String> {
    let mut found = live_mentions(text);
    found.extend(live_closing_references(text));
    found
}

/// `@name` or `@org/team` after a non-word character: GitHub notifies them.
pub fn live_mentions(visible: &str) -> Vec<String> {
    let mut found = Vec::new();
    let chars: Vec<char> = visible.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let before_ok = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if *c == '@' && before_ok && chars.get(i + 1).is_some_and(char::is_ascii_alphanumeric) {
            let name: String = chars[i..].iter().take(30).collect();
            found.push(format!("a live mention: {name:?}"));
        }
    }
    found
}

/// A closing keyword, then an issue reference: GitHub closes the issue on merge.
pub fn live_closing_references(visible: &str) -> Vec<String> {
    let mut found = Vec::new();
    let lower = visible.to_lowercase();
    for keyword in [
        "close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved",
    ] {
        for (at, _) in lower.match_indices(keyword) {
            let before_ok = lower[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let rest = &lower[at + keyword.len()..];
            let rest = rest.strip_prefix(':').unwrap_or(rest);
            let trimmed = rest.trim_start();
            if !before_ok || trimmed.len() == rest.len() {
                continue;
            }
            let token: String = trimmed.chars().take_while(|c| !c.is_whitespace()).collect();
            let issue = token.starts_with("https://github.com/")
                && (token.contains("/issues/") || token.contains("/pull/"))
                || token.split_once('#').is_some_and(|(repo, n)| {
                    n.starts_with(|c: char| c.is_ascii_digit())
                        && (repo.is_empty() || repo.matches('/').count() == 1)
                });
            if issue {
                found.push(format!("a live closing reference: {keyword} {token}"));
            }
        }
    }
    found
}

/// Lines of `stdout` GitHub's runner would obey that petrova did not mean to
/// write: a line (ended by `\n`, `\r` or `\r\n`) starting, after whitespace,
/// with `::` for a command not in `own`, or holding the legacy `##[`. Text
/// between `::stop-commands::TOKEN` and `::TOKEN::` is not read as commands.
pub fn runner_problems(stdout: &str, own: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut stopped: Option<String> = None;
    for line in stdout.split(['\n', '\r']) {
        let line = line.trim_start();
        if let Some(token) = &stopped {
            if line == format!("::{token}::") {
                stopped = None;
            }
            continue;
        }
        if let Some(command) = line.strip_prefix("::") {
            let name = command.split([' ', ':']).next().unwrap_or("");
            if name == "stop-commands" {
                stopped = command.strip_prefix("stop-commands::").map(str::to_owned);
            } else if !own.contains(&name) {
                problems.push(format!("a workflow command: {line:?}"));
            }
        }
        if line.contains("##[") {
            problems.push(format!("a legacy workflow command: {line:?}"));
        }
    }
    if let Some(token) = stopped {
        problems.push(format!("commands stopped with {token:?} and never resumed"));
    }
    problems
}
