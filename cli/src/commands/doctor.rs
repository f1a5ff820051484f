//! `petrova doctor <slug>`: can this token open pull requests on that repository?

use petrova_cli::github::{self, GithubConfig};
use petrova_cli::host::{self, Workspace};
use petrova_core::error::{Code, Exit, Failure, Frontend};
use petrova_core::operator::settings::Settings;
use petrova_core::request::{self, Target};

/// Runs the command.
pub fn run(ws: &Workspace, slug: &str, json: bool) -> Result<(), Failure> {
    let token = github::token_from_env();
    request::require_token(token.as_deref(), Frontend::Cli)?;
    let settings = Settings::from_vars(&host::vars())?;
    let config = GithubConfig::new(token, &settings)?;
    let target = Target {
        slug: Some(slug.to_owned()),
        repository: None,
    };
    let (_, entry) = request::resolve(&ws.registry()?, &target)?;
    let doctor = github::doctor(&config, &entry)?;
    if json {
        super::print_json(&doctor.checks());
    } else {
        print!("{}", doctor.render_text());
    }
    match doctor.exit_code() {
        Exit::Done => Ok(()),
        Exit::Github => Err(Failure::new(
            Code::GithubFailed,
            format!("GitHub gave no usable answer to some checks of `{slug}`; run doctor again"),
        )),
        _ => Err(Failure::new(
            Code::GithubAccess,
            format!("doctor found problems with `{slug}`; see the fix lines above"),
        )),
    }
}
