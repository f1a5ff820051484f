//! `petrova init <slug>` / `petrova init --path DIR`: what the checkout keeps
//! where, and the `.petrova.yml` core suggests; `--write` writes it.

use crate::args::InitArgs;
use petrova_cli::checkout::FsCheckout;
use petrova_cli::host::{self, Workspace};
use petrova_core::error::{Code, Failure};
use petrova_core::governance::adopt;
use petrova_core::request::{self, Target};
use std::io::Write as _;

/// Runs the command.
pub fn run(ws: &Workspace, args: &InitArgs) -> Result<(), Failure> {
    let dir = match (&args.path, &args.slug) {
        (Some(path), _) => path.clone(),
        (None, Some(slug)) => {
            let target = Target {
                slug: Some(slug.clone()),
                repository: None,
            };
            let (_, entry) = request::resolve(&ws.registry()?, &target)?;
            ws.checkout_dir(&entry)?
        }
        (None, None) => unreachable!("clap requires a slug or --path"),
    };
    if !dir.is_dir() {
        return Err(Failure::new(
            Code::SettingInvalid,
            format!("`{}` is not a folder", dir.display()),
        ));
    }
    let report = request::init(
        &FsCheckout::new(dir.clone()),
        &host::vars(),
        args.write,
        args.force,
    )?;
    if args.write {
        let path = dir.join(".petrova.yml");
        // A link would make the write land wherever it points, even outside the checkout.
        if path
            .symlink_metadata()
            .is_ok_and(|m| !m.file_type().is_file())
        {
            return Err(Failure::new(
                Code::ConfigUnwritable,
                format!(
                    "`{}` is not a regular file; nothing written",
                    path.display()
                ),
            ));
        }
        std::fs::write(&path, &report.config).map_err(|e| {
            Failure::new(
                Code::ConfigUnwritable,
                format!("cannot write `{}`: {e}", path.display()),
            )
        })?;
    }
    if args.json {
        super::print_json(&report);
    } else {
        let mut stdout = std::io::stdout().lock();
        let _ = write!(stdout, "{}", adopt::render_text(&report));
        if args.write {
            let _ = writeln!(stdout, "\nwrote {}", dir.join(".petrova.yml").display());
        }
    }
    Ok(())
}
