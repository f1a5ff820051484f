//! The GitHub executor: sends the requests core's apply protocol asks for,
//! through octocrab, and feeds the replies back. It decides nothing itself —
//! not even retries, which octocrab's own layer would do blindly.

use crate::Failure;
use http_body_util::BodyExt as _;
use petrova_core::apply::{ApplyMachine, ApplyResult, Reply, Request, RetryPolicy, Step};
use petrova_core::propose::Proposal;
use petrova_core::registry::RepoEntry;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where and how to reach GitHub, from the environment.
pub struct GithubConfig {
    token: String,
    api_url: String,
    policy: RetryPolicy,
    timeout: Duration,
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn env_number(name: &str, default: u64) -> Result<u64, Failure> {
    match env_nonempty(name) {
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| Failure::Usage(format!("{name} `{v}` is not a whole number"))),
        None => Ok(default),
    }
}

impl GithubConfig {
    /// Token: `PETROVA_GITHUB_TOKEN`, else `GITHUB_TOKEN`. API: `PETROVA_GITHUB_API_URL`,
    /// else `GITHUB_API_URL`, else `https://api.github.com`.
    pub fn from_env() -> Result<Self, Failure> {
        let token = env_nonempty("PETROVA_GITHUB_TOKEN").or_else(|| env_nonempty("GITHUB_TOKEN")).ok_or_else(|| {
            Failure::Config("a GitHub token is needed (for --apply and doctor)\n  hint: export PETROVA_GITHUB_TOKEN (or GITHUB_TOKEN) with contents:write and pull-requests:write".to_owned())
        })?;
        let api_url = env_nonempty("PETROVA_GITHUB_API_URL")
            .or_else(|| env_nonempty("GITHUB_API_URL"))
            .unwrap_or_else(|| "https://api.github.com".to_owned());
        let policy = RetryPolicy::from_settings(
            env_nonempty("PETROVA_RETRY_ATTEMPTS").as_deref(),
            env_nonempty("PETROVA_RETRY_BASE_MS").as_deref(),
            env_nonempty("PETROVA_RETRY_MAX_MS").as_deref(),
        )
        .map_err(Failure::Usage)?;
        let timeout = Duration::from_millis(env_number("PETROVA_HTTP_TIMEOUT_MS", 30_000)?);
        Ok(GithubConfig {
            token,
            api_url,
            policy,
            timeout,
        })
    }
}

/// Runs core's doctor checks against GitHub.
pub fn doctor(
    config: &GithubConfig,
    entry: &RepoEntry,
) -> Result<petrova_core::doctor::Doctor, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Config(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async {
        let octocrab = client(config)?;
        let mut doctor = petrova_core::doctor::Doctor::new(entry);
        while let Some(request) = doctor.next_request() {
            let reply = send(&octocrab, &request, config).await;
            doctor.on_reply(&reply);
        }
        Ok(doctor)
    })
}

fn client(config: &GithubConfig) -> Result<octocrab::Octocrab, Failure> {
    octocrab::Octocrab::builder()
        .personal_token(config.token.clone())
        .base_uri(config.api_url.as_str())
        .map_err(|_| {
            Failure::Config(format!(
                "GitHub API URL `{}` is not a valid URL",
                config.api_url
            ))
        })?
        .set_connect_timeout(Some(config.timeout))
        .set_read_timeout(Some(config.timeout))
        .set_write_timeout(Some(config.timeout))
        .build()
        .map_err(|e| {
            Failure::Config(format!(
                "cannot set up the GitHub client: {}",
                redact(&e.to_string(), &config.token)
            ))
        })
}

/// Runs the apply protocol to its end.
pub fn apply(
    config: &GithubConfig,
    proposal: &Proposal,
    entry: &RepoEntry,
) -> Result<ApplyResult, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Config(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(run(config, proposal, entry))
}

async fn run(
    config: &GithubConfig,
    proposal: &Proposal,
    entry: &RepoEntry,
) -> Result<ApplyResult, Failure> {
    let octocrab = client(config)?;
    let mut machine = ApplyMachine::new(proposal, entry, config.policy);
    let mut step = machine.start();
    loop {
        match step {
            Step::Done { result } => return Ok(result),
            Step::Send { delay_ms, request } => {
                if delay_ms > 0 {
                    tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                }
                let reply = send(&octocrab, &request, config).await;
                step = machine.on_reply(&reply, now_epoch());
            }
        }
    }
}

async fn send(octocrab: &octocrab::Octocrab, request: &Request, config: &GithubConfig) -> Reply {
    let transport = |message: String| Reply::Transport {
        message: redact(&message, &config.token),
    };
    let builder = http::Request::builder()
        .method(request.method.as_str())
        .uri(request.path.as_str());
    let built = match octocrab.build_request(builder, request.body.as_ref()) {
        Ok(r) => r,
        Err(e) => return transport(format!("cannot build the request: {e}")),
    };
    let response = match tokio::time::timeout(config.timeout, octocrab.execute(built)).await {
        Err(_) => return transport(format!("timed out after {} ms", config.timeout.as_millis())),
        Ok(Err(e)) => return transport(error_chain(&e)),
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    let headers: BTreeMap<String, String> = response
        .headers()
        .iter()
        .filter_map(|(name, value)| {
            value
                .to_str()
                .ok()
                .map(|v| (name.as_str().to_ascii_lowercase(), v.to_owned()))
        })
        .collect();
    let body = match tokio::time::timeout(config.timeout, response.into_body().collect()).await {
        Err(_) => return transport("timed out reading the response".to_owned()),
        Ok(Err(e)) => {
            return transport(format!(
                "connection lost reading the response: {}",
                error_chain(&e)
            ))
        }
        Ok(Ok(collected)) => String::from_utf8_lossy(&collected.to_bytes()).into_owned(),
    };
    Reply::Response {
        status,
        headers,
        body,
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// The token never appears in output, whatever an error message carries.
pub fn redact(message: &str, token: &str) -> String {
    if token.is_empty() {
        message.to_owned()
    } else {
        message.replace(token, "***")
    }
}

fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
