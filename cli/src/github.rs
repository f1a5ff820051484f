//! The GitHub executor: sends the requests core's apply protocol asks for,
//! through octocrab, and feeds the replies back. It decides nothing itself —
//! not even retries, which octocrab's own layer would do blindly.

use http_body_util::BodyExt as _;
use petrova_core::error::{Code, Failure, Frontend};
use petrova_core::github::apply::{ApplyMachine, ApplyResult, Reply, Request, RetryPolicy, Step};
use petrova_core::github::fleet::{FleetMachine, FleetOutput};
use petrova_core::github::Protocol;
use petrova_core::operator::registry::RepoEntry;
use petrova_core::operator::settings::Settings;
use petrova_core::proposal::propose::Proposal;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where and how to reach GitHub: core's settings and the token, which stays here.
pub struct GithubConfig {
    token: String,
    api_url: String,
    policy: RetryPolicy,
    timeout: Duration,
}

/// The token from `PETROVA_GITHUB_TOKEN`, else `GITHUB_TOKEN`.
pub fn token_from_env() -> Option<String> {
    ["PETROVA_GITHUB_TOKEN", "GITHUB_TOKEN"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
}

impl GithubConfig {
    /// The executor's configuration: core checks the token's presence and the
    /// API URL it may travel to (exit 3 otherwise).
    pub fn new(token: Option<String>, settings: &Settings) -> Result<Self, Failure> {
        petrova_core::request::require_token(token.as_deref(), Frontend::Cli)?;
        let api_url = settings.api_url_for_token()?.to_owned();
        Ok(GithubConfig {
            token: token.unwrap_or_default(),
            api_url,
            policy: settings.retry,
            timeout: Duration::from_millis(settings.http_timeout_ms),
        })
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|_| Failure::new(Code::GithubFailed, "cannot start the async runtime"))
}

/// Runs core's doctor checks against GitHub.
pub fn doctor(
    config: &GithubConfig,
    entry: &RepoEntry,
) -> Result<petrova_core::github::doctor::Doctor, Failure> {
    runtime()?.block_on(async {
        let octocrab = client(config)?;
        let mut doctor = petrova_core::github::doctor::Doctor::new(entry);
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
            Failure::new(
                Code::ApiUrlInvalid,
                format!(
                    "the GitHub API URL `{}` is not a valid URL",
                    redact(&config.api_url, &config.token).escape_debug()
                ),
            )
        })?
        .set_connect_timeout(Some(config.timeout))
        .set_read_timeout(Some(config.timeout))
        .set_write_timeout(Some(config.timeout))
        .build()
        .map_err(|e| {
            Failure::new(
                Code::ApiUrlInvalid,
                format!(
                    "cannot set up the GitHub client: {}",
                    redact(&e.to_string(), &config.token)
                ),
            )
        })
}

/// Runs the apply protocol to its end.
pub fn apply(
    config: &GithubConfig,
    proposal: &Proposal,
    entry: &RepoEntry,
) -> Result<ApplyResult, Failure> {
    let mut machine = ApplyMachine::new(proposal, entry, config.policy);
    runtime()?.block_on(run(config, &mut machine))
}

/// Runs `status` or `sweep` on one repository.
pub fn fleet(
    config: &GithubConfig,
    fleet_run: &petrova_core::request::FleetRun,
    now: &str,
) -> Result<FleetOutput, Failure> {
    let mut machine = FleetMachine::new(&fleet_run.entry, fleet_run.command, now, config.policy);
    runtime()?.block_on(run(config, &mut machine))
}

/// Drives any of core's protocols to its end.
async fn run<P: Protocol>(config: &GithubConfig, machine: &mut P) -> Result<P::Output, Failure> {
    let octocrab = client(config)?;
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
    let mut builder = http::Request::builder()
        .method(request.method.as_str())
        .uri(request.path.as_str());
    // Core chose every header but the token, which octocrab adds. The request
    // is built here rather than by octocrab's build_request, which would add
    // headers of its own (a second x-github-api-version).
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let body = match &request.body {
        Some(json) => octocrab::OctoBody::from(json.to_string()),
        None => octocrab::OctoBody::empty(),
    };
    let built = match builder.body(body) {
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
                .map(|v| (name.as_str().to_ascii_lowercase(), redact(v, &config.token)))
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
        // A response that echoes the token (an error body quoting the request)
        // never hands it to core, whose messages may quote the response.
        Ok(Ok(collected)) => redact(
            &String::from_utf8_lossy(&collected.to_bytes()),
            &config.token,
        ),
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
