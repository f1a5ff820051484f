//! What the CLI takes from the machine: the environment, the clock, the
//! registry and plan files, the diagnosis cache. Failures are classified
//! here and worded by core.

use petrova_core::error::{Code, Failure, Frontend, Knob};
use petrova_core::governance::diagnosis::{self, DiagnoseOutput};
use petrova_core::governance::source::SourceErrorKind;
use petrova_core::operator::registry::RepoEntry;
use petrova_core::operator::settings::Vars;
use petrova_core::plan::validate::DiagnosisStore;
use petrova_core::request::{RegistrySource, RunFile};
use std::fs;
use std::path::{Path, PathBuf};

/// The operator's environment as core reads it: every `PETROVA_*` and
/// `GITHUB_*` variable whose value is text. Tokens are left out: they stay
/// with the executor.
pub fn vars() -> Vars {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(k, _)| {
            (k.starts_with("PETROVA_") || k.starts_with("GITHUB_")) && !k.ends_with("_TOKEN")
        })
        .collect()
}

/// The clock, RFC 3339 to the second (core prefers `PETROVA_NOW` when set).
pub fn clock() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// Classifies an I/O error for core's wording.
pub fn io_kind(e: &std::io::Error) -> SourceErrorKind {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => SourceErrorKind::Permission,
        std::io::ErrorKind::NotFound => SourceErrorKind::NotFound,
        std::io::ErrorKind::FileTooLarge => SourceErrorKind::TooLarge,
        _ => SourceErrorKind::Other,
    }
}

/// Where the workspace, registry and cache are.
pub struct Workspace {
    /// The folder holding the registry and the checkouts.
    pub root: PathBuf,
    /// The registry file.
    pub registry_path: PathBuf,
}

impl Workspace {
    /// `--workspace` (default `.`) and `--registry` (default `WORKSPACE/registry.yaml`).
    pub fn new(workspace: Option<PathBuf>, registry: Option<PathBuf>) -> Self {
        let root = workspace.unwrap_or_else(|| PathBuf::from("."));
        let registry_path = registry.unwrap_or_else(|| root.join("registry.yaml"));
        Workspace {
            root,
            registry_path,
        }
    }

    /// The registry file's bytes, handed to core (which refuses non-UTF-8).
    pub fn registry(&self) -> Result<RegistrySource, Failure> {
        let shown = self.registry_path.display().to_string();
        let bytes = fs::read(&self.registry_path).map_err(|e| {
            petrova_core::request::file_unreadable(
                RunFile::Registry,
                &shown,
                io_kind(&e),
                Frontend::Cli,
            )
        })?;
        RegistrySource::from_bytes(&bytes, &shown)
    }

    /// The checkout folder of an entry, or exit 3 saying how to provide it.
    pub fn checkout_dir(&self, entry: &RepoEntry) -> Result<PathBuf, Failure> {
        let dir = self.root.join(&entry.checkout);
        if dir.is_dir() {
            Ok(dir)
        } else {
            Err(petrova_core::request::checkout_missing(
                entry,
                &dir.display().to_string(),
            ))
        }
    }

    /// `PETROVA_STATE_DIR`, else `WORKSPACE/.petrova`.
    pub fn state_dir(&self) -> PathBuf {
        std::env::var_os("PETROVA_STATE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.root.join(".petrova"))
    }

    /// Caches a diagnosis at every path core names (atomically); returns the
    /// documented `<id>.json` path.
    pub fn write_cache(&self, output: &DiagnoseOutput) -> Result<PathBuf, Failure> {
        let dir = self.state_dir().join("diagnoses");
        let fail = |e: &std::io::Error| {
            Failure::new(
                Code::CacheUnwritable,
                format!(
                    "cannot write the diagnosis cache in {}: {}",
                    dir.display(),
                    io_kind(e).describe()
                ),
            )
            .with_knob(
                Frontend::Cli,
                "set",
                Knob::StateDir,
                " to a writable folder",
            )
        };
        let text = diagnosis::cache_text(output);
        let mut written = Vec::new();
        for rel in diagnosis::cache_paths(&output.target_repo, &output.result.diagnosis_id) {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| fail(&e))?;
            }
            write_atomic(&path, text.as_bytes()).map_err(|e| fail(&e))?;
            written.push(path);
        }
        Ok(written.pop().unwrap_or(dir))
    }

    /// The cached diagnoses.
    pub fn store(&self) -> FsStore {
        FsStore(self.state_dir())
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

/// Cached diagnoses on disk: `STATE_DIR/diagnoses/<id>.json`.
pub struct FsStore(PathBuf);

impl DiagnosisStore for FsStore {
    fn read(&self, relative_path: &str) -> Option<Vec<u8>> {
        // Core builds these paths from a registry slug and a checked id, so they stay inside the folder.
        fs::read(self.0.join("diagnoses").join(relative_path)).ok()
    }
}

/// The plan file's bytes (`-` is standard input).
pub fn read_plan(path: &Path) -> Result<Vec<u8>, Failure> {
    let shown = path.display().to_string();
    let result = if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map(|_| buf)
    } else {
        fs::read(path)
    };
    result.map_err(|e| {
        petrova_core::request::file_unreadable(RunFile::Plan, &shown, io_kind(&e), Frontend::Cli)
    })
}

/// `file`'s path inside `dir`, `/`-separated, when it is there (both resolved).
pub fn path_inside(dir: &Path, file: &Path) -> Option<String> {
    let dir = fs::canonicalize(dir).ok()?;
    let file = fs::canonicalize(file).ok()?;
    let rel = file.strip_prefix(&dir).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// The commit a checkout's `HEAD` names.
pub fn head(dir: &Path) -> Option<String> {
    crate::checkout::git_head(dir)
}
