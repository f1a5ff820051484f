//! `petrova registry list|check|matrix`.

use petrova_cli::host::Workspace;
use petrova_core::error::{Code, Failure};
use petrova_core::operator::registry::{self, Registry};
use petrova_core::request;

fn parse(ws: &Workspace) -> Result<Registry, Failure> {
    let src = ws.registry()?;
    Ok(registry::parse(&src.source, &src.path)?)
}

/// `registry list`.
pub fn list(ws: &Workspace, json: bool) -> Result<(), Failure> {
    let registry = parse(ws)?;
    if json {
        super::print_json(&registry.repos);
        return Ok(());
    }
    print!("{}", registry::render_list(&registry));
    Ok(())
}

/// `registry check`: the registry parses and every checkout is present.
pub fn check(ws: &Workspace, json: bool) -> Result<(), Failure> {
    let registry = parse(ws)?;
    let problems: Vec<Failure> = registry
        .repos
        .iter()
        .filter_map(|entry| ws.checkout_dir(entry).err())
        .collect();
    if json {
        super::print_json(&serde_json::json!({
            "verb": "registry_check",
            "repositories": registry.repos.len(),
            "problems": problems,
        }));
    } else if problems.is_empty() {
        println!(
            "registry ok: {} repositories, every checkout present",
            registry.repos.len()
        );
    }
    if problems.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = problems.iter().map(Failure::render).collect();
    Err(Failure::new(
        Code::CheckoutMissing,
        listed.join("\nerror: "),
    ))
}

/// `registry matrix`.
pub fn matrix(ws: &Workspace, filters: &[String], pretty: bool) -> Result<(), Failure> {
    let matrix = request::matrix(&ws.registry()?, filters)?;
    let text = if pretty {
        serde_json::to_string_pretty(&matrix)
    } else {
        serde_json::to_string(&matrix)
    };
    println!("{}", text.unwrap_or_default());
    Ok(())
}
