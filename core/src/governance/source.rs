//! How core sees a repository checkout without doing I/O itself.
//!
//! The caller implements [`Checkout`] (the CLI over the filesystem, the Action
//! over Node's `fs`, tests over memory). Core decides which folders to list and
//! which files to read, so the cost of a scan follows the window, not the history.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Bound;

/// What a path names, without following symlinks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
    /// A symbolic link (never followed).
    Symlink,
    /// Anything else (socket, device, …).
    Other,
}

/// One entry of a directory listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirEntry {
    /// The file name (one path segment); when the name is not UTF-8, its lossy
    /// decoding, for messages only.
    pub name: String,
    /// Its kind.
    pub kind: EntryKind,
    /// Whether the name as stored is not UTF-8 (such entries are skipped with a warning).
    pub not_utf8: bool,
}

impl DirEntry {
    /// An entry with a UTF-8 name.
    pub fn new(name: impl Into<String>, kind: EntryKind) -> Self {
        DirEntry {
            name: name.into(),
            kind,
            not_utf8: false,
        }
    }

    /// An entry from the name's bytes as the filesystem stores them.
    pub fn from_bytes(name: &[u8], kind: EntryKind) -> Self {
        match std::str::from_utf8(name) {
            Ok(name) => DirEntry::new(name, kind),
            Err(_) => DirEntry {
                name: String::from_utf8_lossy(name).into_owned(),
                kind,
                not_utf8: true,
            },
        }
    }
}

/// Parses the listing wire format embedders use to hand core a directory in
/// one piece: per entry, one kind byte (`f` file, `d` directory, `l` symlink,
/// `o` other), the name's bytes as stored, and a NUL. No file name can hold a
/// NUL, so every name survives whole, newlines and invalid UTF-8 included.
pub fn parse_listing(bytes: &[u8]) -> Vec<DirEntry> {
    bytes
        .split(|&b| b == 0)
        .filter_map(|record| {
            let (&kind, name) = record.split_first()?;
            if name.is_empty() {
                return None;
            }
            let kind = match kind {
                b'f' => EntryKind::File,
                b'd' => EntryKind::Dir,
                b'l' => EntryKind::Symlink,
                _ => EntryKind::Other,
            };
            Some(DirEntry::from_bytes(name, kind))
        })
        .collect()
}

/// What kind of failure a checkout met. Embedders classify; core words it, so
/// the same failure reads (and hashes) the same in every front end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceErrorKind {
    /// The path is, or goes through, a symbolic link; never followed.
    Symlink,
    /// Permission denied.
    Permission,
    /// It vanished between being listed and being read.
    NotFound,
    /// Too large to read.
    TooLarge,
    /// Any other I/O failure.
    Other,
}

impl SourceErrorKind {
    /// Parses the kind names embedders use (`symlink`, `permission`, `not_found`,
    /// `too_large`); anything else is [`SourceErrorKind::Other`].
    pub fn parse(s: &str) -> Self {
        match s {
            "symlink" => SourceErrorKind::Symlink,
            "permission" => SourceErrorKind::Permission,
            "not_found" => SourceErrorKind::NotFound,
            "too_large" => SourceErrorKind::TooLarge,
            _ => SourceErrorKind::Other,
        }
    }

    /// Core's sentence for it.
    pub fn describe(self) -> &'static str {
        match self {
            SourceErrorKind::Symlink => "is, or lies behind, a symlink; not followed",
            SourceErrorKind::Permission => "cannot be read: permission denied",
            SourceErrorKind::NotFound => "vanished while being read",
            SourceErrorKind::TooLarge => "is too large to read",
            SourceErrorKind::Other => "cannot be read",
        }
    }
}

/// An I/O failure reported by the caller: where, and what kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceError {
    /// The repository-relative path asked for.
    pub path: String,
    /// What failed.
    pub kind: SourceErrorKind,
}

impl SourceError {
    /// A failure of `kind` at `path`.
    pub fn new(path: &str, kind: SourceErrorKind) -> Self {
        SourceError {
            path: path.to_owned(),
            kind,
        }
    }

    /// Core's sentence for it (the path is the diagnostic's location).
    pub fn message(&self) -> &'static str {
        self.kind.describe()
    }
}

/// Read access to a repository checkout. Paths are repository-relative and
/// `/`-separated; `""` is the root.
pub trait Checkout {
    /// Lists a directory; `Ok(None)` when it does not exist.
    fn list(&self, dir: &str) -> Result<Option<Vec<DirEntry>>, SourceError>;
    /// Reads a file; `Ok(None)` when it does not exist. In-memory sources lend their bytes.
    fn read(&self, path: &str) -> Result<Option<Cow<'_, [u8]>>, SourceError>;
    /// The kind of `path` without following symlinks; `Ok(None)` when nothing is there.
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, SourceError>;
}

/// An in-memory checkout: for tests, the wasm build and the browser preview.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemoryCheckout {
    files: BTreeMap<String, MemoryEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum MemoryEntry {
    File(Vec<u8>),
    Symlink,
}

impl MemoryCheckout {
    /// An empty checkout.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn with_file(mut self, path: &str, contents: impl Into<Vec<u8>>) -> Self {
        self.insert_file(path, contents);
        self
    }

    /// Adds (or replaces) a file.
    pub fn insert_file(&mut self, path: &str, contents: impl Into<Vec<u8>>) {
        self.files
            .insert(path.to_owned(), MemoryEntry::File(contents.into()));
    }

    /// Adds a symbolic link at `path`.
    pub fn insert_symlink(&mut self, path: &str) {
        self.files.insert(path.to_owned(), MemoryEntry::Symlink);
    }

    /// Removes a file.
    pub fn remove(&mut self, path: &str) {
        self.files.remove(path);
    }

    fn is_dir(&self, dir: &str) -> bool {
        dir.is_empty() || self.under(&format!("{dir}/")).next().is_some()
    }

    /// The entries whose paths start with `prefix`, in path order.
    fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a String, &'a MemoryEntry)> {
        self.files
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(move |(path, _)| path.starts_with(prefix))
    }
}

impl Checkout for MemoryCheckout {
    fn list(&self, dir: &str) -> Result<Option<Vec<DirEntry>>, SourceError> {
        let dir = dir.trim_end_matches('/');
        // As a checkout on disk answers: a symlinked folder is never listed.
        if let Some(MemoryEntry::Symlink) = self.files.get(dir) {
            return Err(SourceError::new(dir, SourceErrorKind::Symlink));
        }
        if !self.is_dir(dir) {
            return Ok(None);
        }
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut entries: Vec<DirEntry> = Vec::new();
        for (path, entry) in self.under(&prefix) {
            let rest = &path[prefix.len()..];
            let (name, kind) = match rest.split_once('/') {
                Some((name, _)) => (name, EntryKind::Dir),
                None => match entry {
                    MemoryEntry::File(_) => (rest, EntryKind::File),
                    MemoryEntry::Symlink => (rest, EntryKind::Symlink),
                },
            };
            // A folder's files arrive together, so its name repeats only in a
            // row; a file that is also a folder's name counts as the folder.
            if let Some(last) = entries.last_mut().filter(|last| last.name == name) {
                if kind == EntryKind::Dir {
                    last.kind = kind;
                }
                continue;
            }
            entries.push(DirEntry::new(name, kind));
        }
        // Path order is not name order (`a.md` sorts before `a/x`, yet `a` before `a.md`).
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Some(entries))
    }

    fn read(&self, path: &str) -> Result<Option<Cow<'_, [u8]>>, SourceError> {
        match self.files.get(path) {
            Some(MemoryEntry::File(bytes)) => Ok(Some(Cow::Borrowed(bytes.as_slice()))),
            // As a checkout on disk answers: a symlink is never followed.
            Some(MemoryEntry::Symlink) => Err(SourceError::new(path, SourceErrorKind::Symlink)),
            None => Ok(None),
        }
    }

    fn kind(&self, path: &str) -> Result<Option<EntryKind>, SourceError> {
        Ok(match self.files.get(path) {
            Some(MemoryEntry::File(_)) => Some(EntryKind::File),
            Some(MemoryEntry::Symlink) => Some(EntryKind::Symlink),
            None if self.is_dir(path) => Some(EntryKind::Dir),
            None => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names and kinds `dir` lists.
    fn listing(c: &MemoryCheckout, dir: &str) -> Vec<(String, EntryKind)> {
        c.list(dir)
            .expect("ok")
            .expect("dir")
            .into_iter()
            .map(|e| (e.name, e.kind))
            .collect()
    }

    #[test]
    fn memory_listing() {
        let mut c = MemoryCheckout::new()
            .with_file("docs/a.md", "a")
            .with_file("docs/sub/b.md", "b")
            .with_file("x", "");
        c.insert_symlink("docs/link");
        assert_eq!(
            listing(&c, "docs"),
            vec![
                ("a.md".into(), EntryKind::File),
                ("link".into(), EntryKind::Symlink),
                ("sub".into(), EntryKind::Dir)
            ]
        );
        assert_eq!(c.list("nope").expect("ok"), None);
        assert_eq!(c.kind("docs/sub").expect("ok"), Some(EntryKind::Dir));
        assert_eq!(c.kind("doc").expect("ok"), None);
        assert_eq!(c.list("docs/a.md").expect("ok"), None);
        assert_eq!(c.list("").expect("ok").expect("root").len(), 2);
    }

    #[test]
    fn memory_listing_sorts_names_not_paths() {
        // `a.md` sorts before `a/x` as paths, but `a` before `a.md` as names.
        let c = MemoryCheckout::new()
            .with_file("d/a.md", "")
            .with_file("d/a/x", "")
            .with_file("d/a/y", "")
            .with_file("d/a-b", "");
        assert_eq!(
            listing(&c, "d/"),
            vec![
                ("a".into(), EntryKind::Dir),
                ("a-b".into(), EntryKind::File),
                ("a.md".into(), EntryKind::File)
            ]
        );
    }

    #[test]
    fn listing_wire_format_keeps_every_name() {
        let mut wire = Vec::new();
        for (kind, name) in [
            (&b"f"[..], &b"a\nb.md"[..]),
            (b"d", b"sub"),
            (b"l", b"link"),
            (b"f", b"bad\xff.md"),
            (b"o", b"fifo"),
        ] {
            wire.extend_from_slice(kind);
            wire.extend_from_slice(name);
            wire.push(0);
        }
        let entries = parse_listing(&wire);
        assert_eq!(entries.len(), 5);
        assert_eq!(entries[0], DirEntry::new("a\nb.md", EntryKind::File));
        assert_eq!(entries[1], DirEntry::new("sub", EntryKind::Dir));
        assert_eq!(entries[2].kind, EntryKind::Symlink);
        assert!(entries[3].not_utf8);
        assert_eq!(entries[3].name, "bad\u{fffd}.md");
        assert_eq!(entries[4].kind, EntryKind::Other);
        assert!(parse_listing(b"").is_empty());
    }

    #[test]
    fn a_symlinked_folder_is_never_listed() {
        let mut c = MemoryCheckout::new().with_file("docs/a.md", "a");
        c.insert_symlink("docs/decisions");
        assert_eq!(
            c.list("docs/decisions"),
            Err(SourceError::new("docs/decisions", SourceErrorKind::Symlink))
        );
    }

    #[test]
    fn reading_a_symlink_is_an_error_as_on_disk() {
        let mut c = MemoryCheckout::new().with_file("a.md", "a");
        c.insert_symlink("link.md");
        assert!(c.read("link.md").is_err());
        assert_eq!(c.read("missing.md").expect("ok"), None);
        assert_eq!(c.read("a.md").expect("ok").as_deref(), Some(&b"a"[..]));
    }
}
