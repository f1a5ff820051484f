//! Operator settings that arrive as text (environment variables, Action
//! inputs) and are parsed in one place, so the CLI and the Action agree on
//! every value, every default and every refusal.
//!
//! Front ends hand core their environment as a map of strings ([`Vars`]);
//! core picks the names it knows. A bad value is a [`Failure`] with exit 2
//! naming the variable or input.

use crate::encoding::date::Date;
use crate::error::{Code, Failure};
use crate::github::apply::RetryPolicy;
use crate::plan::validate::{LimitSettings, PlanLimits};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::str::FromStr;

/// The environment (or the Action's inputs) as the front end saw it.
pub type Vars = BTreeMap<String, String>;

/// GitHub's public API, when no other URL is set.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// How long one HTTP exchange may take, when `PETROVA_HTTP_TIMEOUT_MS` is unset.
pub const DEFAULT_HTTP_TIMEOUT_MS: u64 = 30_000;

/// Every operator setting petrova reads from the environment, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// `PETROVA_MAX_PLAN_BYTES`, `PETROVA_MAX_DOC_BYTES`, `PETROVA_MAX_BODY_CHARS`.
    pub limits: PlanLimits,
    /// `PETROVA_RETRY_ATTEMPTS`, `PETROVA_RETRY_BASE_MS`, `PETROVA_RETRY_MAX_MS`.
    pub retry: RetryPolicy,
    /// `PETROVA_HTTP_TIMEOUT_MS` (at least 1).
    pub http_timeout_ms: u64,
    /// `PETROVA_NOW`: a fixed clock (RFC 3339) for reproducible runs.
    pub now: Option<String>,
    /// `PETROVA_GITHUB_API_URL`, else `GITHUB_API_URL`, else GitHub's.
    pub api_url: String,
}

/// The value of `name` in `vars`, unless unset or blank.
pub fn var<'a>(vars: &'a Vars, name: &str) -> Option<&'a str> {
    vars.get(name)
        .map(String::as_str)
        .filter(|v| !v.trim().is_empty())
}

impl Settings {
    /// Parses every setting, or fails (exit 2) naming the first bad one.
    pub fn from_vars(vars: &Vars) -> Result<Settings, Failure> {
        let get = |name: &str| var(vars, name).map(str::to_owned);
        let limits = LimitSettings {
            max_plan_bytes: get("PETROVA_MAX_PLAN_BYTES"),
            max_doc_bytes: get("PETROVA_MAX_DOC_BYTES"),
            max_body_chars: get("PETROVA_MAX_BODY_CHARS"),
        }
        .limits()
        .map_err(invalid)?;
        let retry = RetryPolicy::from_settings(
            var(vars, "PETROVA_RETRY_ATTEMPTS"),
            var(vars, "PETROVA_RETRY_BASE_MS"),
            var(vars, "PETROVA_RETRY_MAX_MS"),
        )
        .map_err(invalid)?;
        let http_timeout_ms = match whole_number(
            "PETROVA_HTTP_TIMEOUT_MS",
            var(vars, "PETROVA_HTTP_TIMEOUT_MS"),
            DEFAULT_HTTP_TIMEOUT_MS,
        )
        .map_err(invalid)?
        {
            0 => return Err(invalid("PETROVA_HTTP_TIMEOUT_MS must be at least 1".into())),
            n => n,
        };
        let now = match var(vars, "PETROVA_NOW") {
            Some(now) if is_rfc3339(now.trim()) => Some(now.trim().to_owned()),
            Some(now) => {
                return Err(invalid(format!(
                    "PETROVA_NOW `{}` is not an RFC 3339 time (e.g. 2026-04-29T14:30:00Z)",
                    now.escape_debug()
                )))
            }
            None => None,
        };
        let api_url = var(vars, "PETROVA_GITHUB_API_URL")
            .or_else(|| var(vars, "GITHUB_API_URL"))
            .unwrap_or(DEFAULT_API_URL)
            .trim()
            .to_owned();
        Ok(Settings {
            limits,
            retry,
            http_timeout_ms,
            now,
            api_url,
        })
    }

    /// The API URL, checked before a token is sent to it: `https://`, or
    /// `http://` to a loopback host only (a test server); else exit 3 saying why.
    pub fn api_url_for_token(&self) -> Result<&str, Failure> {
        let url = self.api_url.as_str();
        let shown_url = redact_userinfo(url);
        let refuse = |why: &str| {
            Failure::new(
                Code::ApiUrlInvalid,
                format!("the GitHub API URL `{}` {why}", shown_url.escape_debug()),
            )
            .with_hint("set PETROVA_GITHUB_API_URL (or GITHUB_API_URL) to an https:// URL")
        };
        if shown_url != url {
            return Err(refuse(
                "carries credentials; give petrova the token instead (the URL's credentials are never sent or shown)",
            ));
        }
        if let Some(rest) = url.strip_prefix("https://") {
            if rest.is_empty() || rest.starts_with('/') {
                return Err(refuse("names no host"));
            }
            return Ok(url);
        }
        let Some(rest) = url.strip_prefix("http://") else {
            return Err(refuse("is not an https:// URL"));
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => host.split(':').next().unwrap_or(""),
        };
        if matches!(host, "127.0.0.1" | "localhost" | "::1") {
            Ok(url)
        } else {
            Err(refuse(
                "is plain http:// to a host that is not this machine; the token would travel unencrypted",
            ))
        }
    }

    /// The run's time: `PETROVA_NOW` when set, else the front end's clock.
    pub fn now_or(&self, clock: &str) -> String {
        self.now.clone().unwrap_or_else(|| clock.to_owned())
    }
}

/// `url` with any `user:password@` before its host replaced by `***@`, so
/// credentials written into a URL never reach a message.
pub fn redact_userinfo(url: &str) -> Cow<'_, str> {
    let Some((scheme, rest)) = url.split_once("://") else {
        return Cow::Borrowed(url);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => Cow::Owned(format!("{scheme}://***{}", &rest[at..])),
        None => Cow::Borrowed(url),
    }
}

fn invalid(message: String) -> Failure {
    Failure::new(Code::SettingInvalid, message)
}

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
            .map_err(|_| format!("{name} `{}` is not a whole number", v.escape_debug())),
        None => Ok(default),
    }
}

/// A yes/no input named `name`: `true/false`, `yes/no`, `1/0`, `on/off` in any
/// case; unset or blank keeps `default`; anything else fails (exit 2) naming it.
pub fn boolean(name: &str, value: Option<&str>, default: bool) -> Result<bool, Failure> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(default);
    };
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" | "on" => Ok(true),
        "false" | "no" | "0" | "off" => Ok(false),
        _ => Err(invalid(format!(
            "{name} `{}` is not a yes/no value (true/false, yes/no, 1/0, on/off)",
            value.escape_debug()
        ))),
    }
}

/// Whether `s` is an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
pub fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || Date::parse(&s[..10]).is_none() {
        return false;
    }
    let two = |i: usize, max: u8| -> bool {
        b.get(i..i + 2).is_some_and(|d| {
            d.iter().all(u8::is_ascii_digit) && (d[0] - b'0') * 10 + (d[1] - b'0') <= max
        })
    };
    // Seconds may be 60 (a leap second).
    if !(two(11, 23) && b[13] == b':' && two(14, 59) && b[16] == b':' && two(17, 60)) {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        i += 1 + digits;
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', ..] if b.len() == i + 6 => {
            two(i + 1, 23) && b[i + 3] == b':' && two(i + 4, 59)
        }
        _ => false,
    }
}

/// What the Action's `with:` inputs say, parsed. The token stays with the
/// executor and is not part of this.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ActionInputs {
    /// `command`: `diagnose`, `propose_fix`, `matrix`, `sweep`, `status`.
    pub command: String,
    /// `target`: a registry slug (else `GITHUB_REPOSITORY` picks the entry).
    pub target: Option<String>,
    /// `since`.
    pub since: Option<String>,
    /// `until`.
    pub until: Option<String>,
    /// `input`: the plan file, relative to the workspace.
    pub input: Option<String>,
    /// `actor`.
    pub actor: String,
    /// `triggered-by-kind`.
    pub triggered_by_kind: String,
    /// `triggered-by-ref`.
    pub triggered_by_ref: String,
    /// `apply`.
    pub apply: bool,
    /// `allow-stale`.
    pub allow_stale: bool,
    /// `supersede`: close overlapping petrova PRs instead of a conflict.
    pub supersede: bool,
    /// `reconsider`: propose again what a human rejected.
    pub reconsider: bool,
    /// `filter`: `KEY=VALUE` items, one per line or comma-separated.
    pub filters: Vec<String>,
    /// `workspace`: the target repository's checkout (default: `GITHUB_WORKSPACE`, else `.`).
    pub workspace: String,
    /// `registry`: the registry file, relative to the workspace.
    pub registry: String,
}

/// An Action input naming a file in the workspace: a relative path that stays
/// inside it (no absolute path, no `..`), `/`-separated; else exit 2 naming
/// the input. (The front end then reads it without following a symlink.)
pub fn inside_workspace(input: &str, value: &str) -> Result<String, Failure> {
    let refuse = |why: &str| {
        invalid(format!(
            "input `{input}` `{}` {why}; it names a file inside the workspace",
            value.escape_debug()
        ))
    };
    if value.starts_with('/')
        || value.starts_with('\\')
        || (value.len() >= 2 && value.as_bytes()[1] == b':')
    {
        return Err(refuse("is an absolute path"));
    }
    let segments: Vec<&str> = value
        .split(['/', '\\'])
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if segments.contains(&"..") {
        return Err(refuse("leaves the workspace (`..`)"));
    }
    if segments.is_empty() {
        return Err(refuse("names no file"));
    }
    Ok(segments.join("/"))
}

/// The environment variable a runner sets for the Action input `name`.
pub fn input_var(name: &str) -> String {
    let mut var = String::from("INPUT_");
    var.extend(name.chars().map(|c| match c {
        ' ' | '-' => '_',
        c => c.to_ascii_uppercase(),
    }));
    var
}

impl ActionInputs {
    /// Reads the inputs from the runner's `INPUT_*` variables.
    pub fn from_vars(vars: &Vars) -> Result<ActionInputs, Failure> {
        // Values are taken as given, as the CLI takes its arguments (so both
        // judge the same text); only the command and yes/no values are trimmed.
        let get = |name: &str| {
            vars.get(&input_var(name))
                .filter(|v| !v.is_empty())
                .cloned()
        };
        let flag = |name: &str| boolean(&format!("input `{name}`"), get(name).as_deref(), false);
        let command = get("command").unwrap_or_default().trim().to_owned();
        let command = match command.as_str() {
            "propose-fix" => "propose_fix".to_owned(),
            "diagnose" | "propose_fix" | "matrix" | "sweep" | "status" => command,
            other => {
                return Err(invalid(format!(
                "input `command` must be diagnose, propose_fix, matrix, sweep or status, not `{}`",
                other.escape_debug()
            )))
            }
        };
        Ok(ActionInputs {
            command,
            target: get("target"),
            since: get("since"),
            until: get("until"),
            actor: get("actor").unwrap_or_default(),
            triggered_by_kind: get("triggered-by-kind").unwrap_or_default(),
            triggered_by_ref: get("triggered-by-ref").unwrap_or_default(),
            apply: flag("apply")?,
            allow_stale: flag("allow-stale")?,
            supersede: flag("supersede")?,
            reconsider: flag("reconsider")?,
            filters: get("filter")
                .unwrap_or_default()
                .split(['\n', '\r', ','])
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect(),
            workspace: get("workspace")
                .or_else(|| var(vars, "GITHUB_WORKSPACE").map(str::to_owned))
                .unwrap_or_else(|| ".".to_owned()),
            registry: inside_workspace(
                "registry",
                &get("registry").unwrap_or_else(|| "petrova-registry.yaml".to_owned()),
            )?,
            input: match get("input") {
                Some(input) => Some(inside_workspace("input", &input)?),
                None => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vars {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn booleans_accept_the_usual_spellings_and_nothing_else() {
        let check = |value: &str, expected: Option<bool>| {
            assert_eq!(
                boolean("input `apply`", Some(value), false).ok(),
                expected,
                "{value}"
            );
        };
        for yes in ["true", "True", "TRUE", "yes", "Yes", "1", "on", "ON"] {
            check(yes, Some(true));
        }
        for no in ["false", "False", "no", "NO", "0", "off", "Off"] {
            check(no, Some(false));
        }
        for bad in ["ture", "y", "2", "enabled"] {
            check(bad, None);
        }
        assert_eq!(boolean("x", Some("  "), true).ok(), Some(true));
        let e = boolean("input `allow-stale`", Some("maybe"), false).expect_err("bad");
        assert_eq!(e.exit_code, crate::error::Exit::Usage);
        assert!(e.diagnostic.message.contains("input `allow-stale`"));
    }

    #[test]
    fn bad_settings_are_usage_errors_naming_the_variable() {
        let check = |name: &str, value: &str| {
            let e = Settings::from_vars(&vars(&[(name, value)])).expect_err(name);
            assert_eq!(e.exit_code, crate::error::Exit::Usage, "{name}");
            assert_eq!(e.diagnostic.code, Code::SettingInvalid);
            assert!(
                e.diagnostic.message.contains(name),
                "{}",
                e.diagnostic.message
            );
        };
        check("PETROVA_HTTP_TIMEOUT_MS", "abc");
        check("PETROVA_HTTP_TIMEOUT_MS", "0");
        check("PETROVA_NOW", "yesterday");
        check("PETROVA_NOW", "2026-02-30T00:00:00Z");
        check("PETROVA_RETRY_ATTEMPTS", "-1");
        check("PETROVA_MAX_BODY_CHARS", "100");
    }

    #[test]
    fn settings_defaults_and_api_url_order() {
        let s = Settings::from_vars(&Vars::new()).expect("defaults");
        assert_eq!(s.http_timeout_ms, DEFAULT_HTTP_TIMEOUT_MS);
        assert_eq!(s.api_url, DEFAULT_API_URL);
        assert_eq!(s.now_or("clock"), "clock");
        let s = Settings::from_vars(&vars(&[
            ("GITHUB_API_URL", "https://ghe.example/api/v3"),
            ("PETROVA_NOW", "2026-04-29T14:30:00Z"),
        ]))
        .expect("ok");
        assert_eq!(s.api_url, "https://ghe.example/api/v3");
        assert_eq!(s.now_or("clock"), "2026-04-29T14:30:00Z");
        let s = Settings::from_vars(&vars(&[
            ("GITHUB_API_URL", "https://ghe.example/api/v3"),
            ("PETROVA_GITHUB_API_URL", "http://127.0.0.1:1"),
        ]))
        .expect("ok");
        assert_eq!(s.api_url, "http://127.0.0.1:1");
    }

    #[test]
    fn the_token_never_travels_over_plain_http_to_another_host() {
        let check = |url: &str, ok: bool| {
            let s = Settings::from_vars(&vars(&[("PETROVA_GITHUB_API_URL", url)])).expect("ok");
            let r = s.api_url_for_token();
            assert_eq!(r.is_ok(), ok, "{url}");
            if let Err(e) = r {
                assert_eq!(e.exit_code, crate::error::Exit::Config);
            }
        };
        check("https://api.github.com", true);
        check("https://ghe.example/api/v3", true);
        check("http://127.0.0.1:8080", true);
        check("http://localhost:1/api", true);
        check("http://[::1]:80", true);
        check("http://api.github.com", false);
        check("http://127.0.0.1.evil.example", false);
        check("http://localhost@evil.example/", false);
        check("https://user:ghp_secret@ghe.example/api/v3", false);
        check("ftp://x", false);
        check("https://", false);
    }

    #[test]
    fn credentials_in_an_api_url_are_never_shown() {
        let s = Settings::from_vars(&vars(&[(
            "PETROVA_GITHUB_API_URL",
            "https://x-access-token:ghp_secret@ghe.example/api/v3",
        )]))
        .expect("ok");
        let e = s.api_url_for_token().expect_err("refused");
        assert!(!e.render().contains("ghp_secret"), "{}", e.render());
        assert!(e.render().contains("https://***@ghe.example/api/v3"));
        assert_eq!(
            redact_userinfo("https://api.github.com/x@y"),
            "https://api.github.com/x@y"
        );
    }

    #[test]
    fn rfc3339_times() {
        for ok in [
            "2026-04-29T14:30:00Z",
            "2026-04-29t14:30:00z",
            "2026-04-29T14:30:00.123Z",
            "2026-04-29T14:30:00+02:00",
            "2026-04-29 14:30:00-05:30",
            "2016-12-31T23:59:60Z",
        ] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "2026-04-29",
            "2026-04-29T14:30Z",
            "2026-04-29T24:00:00Z",
            "2026-04-29T14:30:00",
            "2026-04-29T14:30:00.Z",
            "2026-04-29T14:30:00+2:00",
            "2026-13-01T00:00:00Z",
            "2026-04-29T14:30:00Z\n::x",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }

    #[test]
    fn action_inputs() {
        let inputs = ActionInputs::from_vars(&vars(&[
            ("INPUT_COMMAND", "propose-fix"),
            ("INPUT_APPLY", "True"),
            ("INPUT_ALLOW_STALE", "yes"),
            ("INPUT_TRIGGERED_BY_KIND", " audit_fail "),
            ("INPUT_FILTER", "role=production\n fleet=a ,\r\nslug=b"),
        ]))
        .expect("ok");
        assert_eq!(inputs.command, "propose_fix");
        assert!(inputs.apply && inputs.allow_stale);
        assert_eq!(
            inputs.triggered_by_kind, " audit_fail ",
            "taken as the CLI takes it"
        );
        assert_eq!(inputs.filters, ["role=production", "fleet=a", "slug=b"]);
        let e = ActionInputs::from_vars(&vars(&[
            ("INPUT_COMMAND", "diagnose"),
            ("INPUT_ALLOW_STALE", "True!"),
        ]))
        .expect_err("bad");
        assert!(e.diagnostic.message.contains("input `allow-stale`"));
        let e = ActionInputs::from_vars(&vars(&[("INPUT_COMMAND", "deploy")])).expect_err("bad");
        assert_eq!(e.exit_code, crate::error::Exit::Usage);
        assert_eq!(input_var("triggered-by-ref"), "INPUT_TRIGGERED_BY_REF");
        for (value, ok) in [
            ("fix.json", Some("fix.json")),
            ("./plans//fix.json", Some("plans/fix.json")),
            ("/etc/passwd", None),
            ("../other/fix.json", None),
            ("plans/../../x", None),
            ("C:\\x.json", None),
            ("./", None),
        ] {
            let got = inside_workspace("input", value).ok();
            assert_eq!(got.as_deref(), ok, "{value}");
        }
        let e = ActionInputs::from_vars(&vars(&[
            ("INPUT_COMMAND", "propose_fix"),
            ("INPUT_INPUT", "/tmp/fix.json"),
        ]))
        .expect_err("outside");
        assert_eq!(e.exit_code, crate::error::Exit::Usage);
        assert!(e.diagnostic.message.contains("input `input`"));
    }
}
