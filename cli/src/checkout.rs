//! The filesystem side of [`Checkout`]: listings and bytes from a checkout folder.

use petrova_core::governance::source::{
    Checkout, DirEntry, EntryKind, SourceError, SourceErrorKind,
};
use std::borrow::Cow;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// A checkout folder on disk. Symlinks are reported, never followed: not as
/// files, not as folders on the way, not as a folder to list.
pub struct FsCheckout {
    root: PathBuf,
}

impl FsCheckout {
    /// A checkout rooted at `root`.
    pub fn new(root: PathBuf) -> Self {
        FsCheckout { root }
    }

    /// Resolves a repository-relative path, refusing any symlinked component
    /// on the way so that a checkout cannot make petrova read outside itself.
    fn resolve(&self, rel: &str) -> Result<Option<PathBuf>, SourceError> {
        let mut path = self.root.clone();
        let segments: Vec<&str> = rel.split('/').filter(|s| !s.is_empty()).collect();
        for (i, segment) in segments.iter().enumerate() {
            if *segment == ".." || *segment == "." {
                return Err(SourceError::new(rel, SourceErrorKind::Other));
            }
            path.push(segment);
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_symlink() && i + 1 < segments.len() => {
                    return Err(SourceError::new(rel, SourceErrorKind::Symlink));
                }
                Ok(_) => {}
                Err(e) if gone(&e) => return Ok(None),
                Err(e) => return Err(err(rel, &e)),
            }
        }
        Ok(Some(path))
    }
}

/// Whether an error means "nothing there".
fn gone(e: &std::io::Error) -> bool {
    e.kind() == ErrorKind::NotFound || e.kind() == ErrorKind::NotADirectory
}

/// Classifies an I/O error; core words it.
fn err(path: &str, e: &std::io::Error) -> SourceError {
    let kind = match e.kind() {
        ErrorKind::PermissionDenied => SourceErrorKind::Permission,
        ErrorKind::NotFound => SourceErrorKind::NotFound,
        ErrorKind::FileTooLarge | ErrorKind::OutOfMemory => SourceErrorKind::TooLarge,
        _ => SourceErrorKind::Other,
    };
    SourceError::new(path, kind)
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

/// A name as the filesystem stores it: bytes on Unix.
#[cfg(unix)]
fn name_entry(name: &std::ffi::OsStr, kind: EntryKind) -> DirEntry {
    use std::os::unix::ffi::OsStrExt as _;
    DirEntry::from_bytes(name.as_bytes(), kind)
}

#[cfg(not(unix))]
fn name_entry(name: &std::ffi::OsStr, kind: EntryKind) -> DirEntry {
    match name.to_str() {
        Some(name) => DirEntry::new(name, kind),
        None => DirEntry::from_bytes(name.to_string_lossy().as_bytes(), kind),
    }
}

impl Checkout for FsCheckout {
    fn list(&self, dir: &str) -> Result<Option<Vec<DirEntry>>, SourceError> {
        let Some(path) = self.resolve(dir)? else {
            return Ok(None);
        };
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(SourceError::new(dir, SourceErrorKind::Symlink))
            }
            Ok(meta) if !meta.is_dir() => return Ok(None),
            Ok(_) => {}
            Err(e) if gone(&e) => return Ok(None),
            Err(e) => return Err(err(dir, &e)),
        }
        let entries = match fs::read_dir(&path) {
            Ok(entries) => entries,
            Err(e) if gone(&e) => return Ok(None),
            Err(e) => return Err(err(dir, &e)),
        };
        let mut out = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| err(dir, &e))?;
            let kind = entry.file_type().map(kind_of).unwrap_or(EntryKind::Other);
            out.push(name_entry(&entry.file_name(), kind));
        }
        Ok(Some(out))
    }

    fn read(&self, rel: &str) -> Result<Option<Cow<'_, [u8]>>, SourceError> {
        let Some(path) = self.resolve(rel)? else {
            return Ok(None);
        };
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if gone(&e) => return Ok(None),
            Err(e) => return Err(err(rel, &e)),
        };
        if meta.file_type().is_symlink() {
            return Err(SourceError::new(rel, SourceErrorKind::Symlink));
        }
        if !meta.is_file() {
            return Ok(None);
        }
        fs::read(&path)
            .map(|b| Some(Cow::Owned(b)))
            .map_err(|e| err(rel, &e))
    }

    fn kind(&self, rel: &str) -> Result<Option<EntryKind>, SourceError> {
        let Some(path) = self.resolve(rel)? else {
            return Ok(None);
        };
        match fs::symlink_metadata(&path) {
            Ok(meta) => Ok(Some(kind_of(meta.file_type()))),
            Err(e) if gone(&e) => Ok(None),
            Err(e) => Err(err(rel, &e)),
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
