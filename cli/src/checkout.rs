//! The filesystem side of [`Checkout`]: listings and bytes from a checkout folder.

use petrova_core::source::{Checkout, DirEntry, EntryKind, SourceError};
use std::borrow::Cow;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// A checkout folder on disk. Symlinks are reported, never followed.
pub struct FsCheckout {
    root: PathBuf,
}

impl FsCheckout {
    /// A checkout rooted at `root`.
    pub fn new(root: PathBuf) -> Self {
        FsCheckout { root }
    }

    /// Resolves a repository-relative path, refusing any symlinked component
    /// so that a checkout cannot make petrova read outside itself.
    fn resolve(&self, rel: &str) -> Result<Option<PathBuf>, SourceError> {
        let mut path = self.root.clone();
        let segments: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
        for (i, segment) in segments.iter().enumerate() {
            if *segment == ".." || *segment == "." {
                return Err(err(rel, "path leaves the checkout"));
            }
            path.push(segment);
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_symlink() && i + 1 < segments.len() => {
                    return Err(err(
                        rel,
                        &format!("`{}` is a symlink; not followed", segments[..=i].join("/")),
                    ));
                }
                Ok(_) => {}
                Err(e)
                    if e.kind() == ErrorKind::NotFound || e.kind() == ErrorKind::NotADirectory =>
                {
                    return Ok(None)
                }
                Err(e) => return Err(err(rel, &e.to_string())),
            }
        }
        Ok(Some(path))
    }
}

fn err(path: &str, message: &str) -> SourceError {
    SourceError {
        path: path.to_owned(),
        message: message.to_owned(),
    }
}

fn kind_of(file_type: fs::FileType) -> EntryKind {
    if file_type.is_symlink() {
        EntryKind::Symlink
    } else if file_type.is_dir() {
        EntryKind::Dir
    } else if file_type.is_file() {
        EntryKind::File
    } else {
        EntryKind::Other
    }
}

impl Checkout for FsCheckout {
    fn list(&self, dir: &str) -> Result<Option<Vec<DirEntry>>, SourceError> {
        let Some(path) = self.resolve(dir)? else {
            return Ok(None);
        };
        let entries = match fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound || e.kind() == ErrorKind::NotADirectory => {
                return Ok(None)
            }
            Err(e) => return Err(err(dir, &e.to_string())),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| err(dir, &e.to_string()))?;
            let kind = entry.file_type().map(kind_of).unwrap_or(EntryKind::Other);
            out.push(DirEntry {
                name: entry.file_name().to_string_lossy().into_owned(),
                kind,
            });
        }
        Ok(Some(out))
    }

    fn read(&self, rel: &str) -> Result<Option<Cow<'_, [u8]>>, SourceError> {
        let Some(path) = self.resolve(rel)? else {
            return Ok(None);
        };
        let meta = fs::symlink_metadata(&path).map_err(|e| err(rel, &e.to_string()))?;
        if meta.file_type().is_symlink() {
            return Err(err(rel, "is a symlink; not followed"));
        }
        if !meta.is_file() {
            return Ok(None);
        }
        fs::read(&path)
            .map(|b| Some(Cow::Owned(b)))
            .map_err(|e| err(rel, &e.to_string()))
    }

    fn kind(&self, rel: &str) -> Result<Option<EntryKind>, SourceError> {
        let Some(path) = self.resolve(rel)? else {
            return Ok(None);
        };
        match fs::symlink_metadata(&path) {
            Ok(meta) => Ok(Some(kind_of(meta.file_type()))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(err(rel, &e.to_string())),
        }
    }
}

/// The commit a checkout's `HEAD` names, read from `.git` without running git.
pub fn git_head(root: &Path) -> Option<String> {
    let git = root.join(".git");
    let head = fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref: ") else {
        return is_sha(head).then(|| head.to_owned());
    };
    if let Ok(sha) = fs::read_to_string(git.join(reference)) {
        let sha = sha.trim();
        return is_sha(sha).then(|| sha.to_owned());
    }
    let packed = fs::read_to_string(git.join("packed-refs")).ok()?;
    packed.lines().find_map(|line| {
        let (sha, name) = line.split_once(' ')?;
        (name == reference && is_sha(sha)).then(|| sha.to_owned())
    })
}

fn is_sha(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}
