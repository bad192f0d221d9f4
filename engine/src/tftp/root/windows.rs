//! Windows: the files beneath the served folder are reached by path, but
//! every folder on the way is first opened without following a reparse
//! point and held open without delete sharing, so that nobody can rename
//! or replace it until the file is open. Symbolic links and junctions
//! (name surrogates, which may lead out) are refused; a folder on the way
//! is refused if it is a reparse point of any kind, as a symlink is on
//! Unix, because a reparse point of a kind we do not know may redirect
//! too.
//!
//! Wine (the CI's Windows) can create neither junctions nor other reparse
//! points, so these checks are exercised only on a real Windows; the name
//! rules (`paths`) are tested everywhere.

use std::ffi::{OsStr, OsString};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::windows::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::{EntryKind, ResolveError, Want};

const FILE_SHARE_READ: u32 = 0x0000_0001;
const FILE_SHARE_WRITE: u32 = 0x0000_0002;
const FILE_SHARE_DELETE: u32 = 0x0000_0004;
const FILE_FLAG_BACKUP_SEMANTICS: u32 = 0x0200_0000;
const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x0000_0400;

/// A folder by path, with handles that keep it and the folders above it
/// (up to the root) from being renamed while this value lives.
pub struct Folder {
    path: PathBuf,
    _pins: Vec<File>,
}

/// Which folder a handle is: its path, which its pins keep true.
pub type FolderId = PathBuf;

/// Whether a folder entry may lead somewhere else than beneath its
/// parent: a symbolic link, a junction, or any other reparse point.
fn is_reparse_point(meta: &std::fs::Metadata) -> bool {
    meta.file_type().is_symlink() || meta.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0
}

/// Opens `path` itself (a link is not followed), without delete sharing:
/// while the handle is open the name cannot be renamed or removed.
fn pin(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)
}

impl Folder {
    pub fn open_path(path: &Path) -> io::Result<Folder> {
        Ok(Folder {
            path: path.to_path_buf(),
            _pins: Vec::new(),
        })
    }

    pub fn try_clone(&self) -> io::Result<Folder> {
        Ok(Folder {
            path: self.path.clone(),
            _pins: vec![pin(&self.path)?],
        })
    }

    pub fn id(&self) -> io::Result<FolderId> {
        Ok(self.path.clone())
    }

    pub fn entry(&self, name: &OsStr) -> io::Result<Option<EntryKind>> {
        match std::fs::symlink_metadata(self.path.join(name)) {
            Ok(meta) if is_reparse_point(&meta) => Ok(Some(EntryKind::Link)),
            Ok(meta) if meta.is_file() => Ok(Some(EntryKind::File)),
            Ok(_) => Ok(Some(EntryKind::Other)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Creates a new file. It is shared for reading only, so that another
    /// server cleaning up leftovers cannot remove it while it is written.
    pub fn create_temp(&self, name: &OsStr) -> io::Result<File> {
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .share_mode(FILE_SHARE_READ)
            .open(self.path.join(name))
    }

    pub fn rename(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        std::fs::rename(self.path.join(from), self.path.join(to))
    }

    pub fn link(&self, from: &OsStr, to: &OsStr) -> io::Result<()> {
        std::fs::hard_link(self.path.join(from), self.path.join(to))
    }

    pub fn remove(&self, name: &OsStr) -> io::Result<()> {
        std::fs::remove_file(self.path.join(name))
    }
}

/// What the walk opened: a folder, or the file with its handle.
pub enum Opened {
    Folder(Folder),
    File(File),
}

/// Walks `relative` (plain components only) from `root`, pinning each
/// folder and refusing links and junctions.
pub fn open_beneath(root: &Folder, relative: &Path, want: Want) -> Result<Opened, ResolveError> {
    let mut pins = vec![pin(&root.path)?];
    let mut path = root.path.clone();
    let parts: Vec<&OsStr> = relative.iter().collect();
    for (index, part) in parts.iter().enumerate() {
        path.push(part);
        if want == Want::File && index + 1 == parts.len() {
            return open_file(&path).map(Opened::File);
        }
        let handle = pin(&path)?;
        let meta = handle.metadata()?;
        if is_reparse_point(&meta) {
            return Err(ResolveError::Escapes);
        }
        if !meta.is_dir() {
            return Err(ResolveError::Io(io::Error::from(io::ErrorKind::NotFound)));
        }
        pins.push(handle);
    }
    match want {
        Want::Folder => Ok(Opened::Folder(Folder { path, _pins: pins })),
        Want::File => Err(ResolveError::Io(io::Error::from(io::ErrorKind::NotFound))),
    }
}

/// Opens the file to send, whose folders are pinned. The file itself is
/// opened without following a reparse point and shared for deletion, so
/// that it can still be replaced while it is sent (the handle keeps the
/// bytes it opened). Another kind of reparse point than a link (a cloud
/// placeholder, say) is opened again normally, with the name pinned
/// meanwhile so that no link can be swapped in.
fn open_file(path: &Path) -> Result<File, ResolveError> {
    let file = OpenOptions::new()
        .read(true)
        .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)
        // A folder under the name opens too, and is then refused as not
        // a file, as on Unix.
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)?;
    let meta = file.metadata()?;
    if meta.file_type().is_symlink() {
        return Err(ResolveError::Escapes);
    }
    if meta.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT == 0 {
        return Ok(file);
    }
    drop(file);
    let pinned = pin(path)?;
    if pinned.metadata()?.file_type().is_symlink() {
        return Err(ResolveError::Escapes);
    }
    let file = File::open(path)?;
    drop(pinned);
    Ok(file)
}

pub fn set_blocking(_file: &File) -> io::Result<()> {
    Ok(())
}

/// Windows: hard links need write access to the target's folder, and the
/// link count needs a call std does not offer; not checked there.
pub fn has_other_names(_meta: &std::fs::Metadata) -> bool {
    false
}

/// Removes the temporary files a crashed server left beneath `root`:
/// files with names `is_ours` accepts; one still being written is shared
/// without delete access, so its removal fails and it stays. Links and
/// junctions are not followed; at most `max_folders` folders are read.
pub fn remove_leftovers(root: &Folder, is_ours: fn(&OsStr) -> bool, max_folders: usize) -> usize {
    let mut queue = std::collections::VecDeque::from([root.path.clone()]);
    let mut seen = 1;
    let mut removed = 0;
    while let Some(dir) = queue.pop_front() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name: OsString = entry.file_name();
            let plain_folder = kind.is_dir()
                && !kind.is_symlink()
                && entry.metadata().is_ok_and(|meta| !is_reparse_point(&meta));
            if plain_folder && seen < max_folders {
                seen += 1;
                queue.push_back(entry.path());
            } else if kind.is_file() && is_ours(&name) && std::fs::remove_file(entry.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    removed
}
