//! The served folder, held open as a handle for the server's life: every
//! requested file is resolved and opened relative to it in one step that
//! cannot leave it, however the names inside are swapped meanwhile (a
//! check by path followed by an open by path could be raced).
//!
//! - Linux: `openat2` with `RESOLVE_BENEATH` (links that stay inside still
//!   work); where the kernel refuses it (too old, or a seccomp filter) the
//!   component walk takes over.
//! - Other Unix: the component walk, `openat` with `O_NOFOLLOW` one name
//!   at a time, following links by hand and never above the root.
//! - Windows: each folder on the way is opened without following a
//!   reparse point and held without delete sharing; links and junctions
//!   are refused.
//!
//! A file to send is opened without blocking and accepted only if the
//! opened handle is a regular file with one name. An upload's temporary
//! file is created, renamed and removed relative to its folder's handle
//! (`files::Incoming`).

mod resolve;
#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(unix)]
use unix as sys;
#[cfg(windows)]
use windows as sys;

use std::cell::Cell;
use std::ffi::OsString;
use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

pub use resolve::{EntryKind, ResolveError, Want};
pub use sys::{Folder, FolderId};

use super::paths::{self, Refusal};
use super::temp_names::is_temp_name;

/// At most this many folders are searched for leftover temporary files
/// when a server starts, so that serving a huge tree starts quickly.
pub const MAX_LEFTOVER_FOLDERS: usize = 1_000;

/// Set by tests: new roots use the component walk even where `openat2`
/// works, so that the walk is tested on every Linux machine.
static FORCE_WALK: AtomicBool = AtomicBool::new(false);

/// Makes every root opened from now on resolve names with the component
/// walk instead of `openat2` (Linux; elsewhere the walk is always used).
/// For tests of the walk; it changes no behaviour a peer can see.
#[doc(hidden)]
pub fn force_component_walk(on: bool) {
    FORCE_WALK.store(on, Ordering::SeqCst);
}

/// The file an upload will create or replace: its folder (held open) and
/// its name there. Two uploads with equal keys write the same file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileKey {
    pub folder: FolderId,
    pub name: OsString,
}

/// The served folder.
pub struct Root {
    folder: Folder,
    /// Linux: whether to try `openat2`; cleared when the kernel refuses
    /// it, or from the start when the walk is forced. Windows has neither.
    #[cfg_attr(not(unix), allow(dead_code))]
    openat2: Cell<bool>,
}

impl Root {
    /// Opens the folder at `path` (the user's choice; links in it are
    /// followed once, here).
    pub fn open(path: &Path) -> io::Result<Root> {
        Ok(Root {
            folder: Folder::open_path(path)?,
            openat2: Cell::new(!FORCE_WALK.load(Ordering::SeqCst)),
        })
    }

    /// Whether names are resolved with the component walk (always, except
    /// on Linux while `openat2` works and the walk is not forced).
    #[cfg(test)]
    pub fn uses_component_walk(&self) -> bool {
        !cfg!(target_os = "linux") || !self.openat2.get()
    }

    #[cfg(unix)]
    fn open_beneath_file(&self, relative: &Path) -> Result<File, ResolveError> {
        sys::open_beneath(&self.folder, relative, Want::File, &self.openat2).map(File::from)
    }

    #[cfg(unix)]
    fn open_beneath_folder(&self, relative: &Path) -> Result<Folder, ResolveError> {
        let fd = sys::open_beneath(&self.folder, relative, Want::Folder, &self.openat2)?;
        Ok(Folder::from_fd(fd))
    }

    #[cfg(windows)]
    fn open_beneath_file(&self, relative: &Path) -> Result<File, ResolveError> {
        match sys::open_beneath(&self.folder, relative, Want::File)? {
            sys::Opened::File(file) => Ok(file),
            sys::Opened::Folder(_) => Err(ResolveError::Io(io::ErrorKind::NotFound.into())),
        }
    }

    #[cfg(windows)]
    fn open_beneath_folder(&self, relative: &Path) -> Result<Folder, ResolveError> {
        match sys::open_beneath(&self.folder, relative, Want::Folder)? {
            sys::Opened::Folder(folder) => Ok(folder),
            sys::Opened::File(_) => Err(ResolveError::Io(io::ErrorKind::NotFound.into())),
        }
    }

    /// Opens the file a read request names, with its size. It must be a
    /// regular file with no other names, inside the root.
    pub fn open_read(&self, name: &str) -> Result<(File, u64), Refusal> {
        let relative = paths::check_name(name)?;
        let file = self
            .open_beneath_file(&relative)
            .map_err(ResolveError::into_refusal)?;
        // Checked on the opened handle: what was checked is what is read.
        let meta = file.metadata().map_err(|e| Refusal::from_io(&e))?;
        if !meta.is_file() {
            return Err(Refusal::not_found());
        }
        // A file with more than one name may be a hard link to a file
        // outside the folder (a link made there by anyone who can write
        // into the folder serves whatever it points at); such files are
        // not served. Copy the file into the folder instead of linking it.
        if sys::has_other_names(&meta) {
            return Err(Refusal::access(
                "the file has other names (hard links) and is not served",
            ));
        }
        sys::set_blocking(&file).map_err(|e| Refusal::from_io(&e))?;
        Ok((file, meta.len()))
    }

    /// Where a write request may put its file: its folder must exist
    /// inside the root; an entry with that name must be a regular file,
    /// not a link, a folder or anything else, and is refused unless
    /// `overwrite`.
    pub fn upload_target(
        &self,
        name: &str,
        overwrite: bool,
    ) -> Result<(Folder, OsString), Refusal> {
        let relative = paths::check_name(name)?;
        let (Some(parent), Some(file_name)) = (relative.parent(), relative.file_name()) else {
            return Err(Refusal::access("invalid file name"));
        };
        let folder = if parent.as_os_str().is_empty() {
            self.folder.try_clone().map_err(|e| Refusal::from_io(&e))
        } else {
            self.open_beneath_folder(parent).map_err(|e| match e {
                ResolveError::Io(e) if e.kind() == io::ErrorKind::NotFound => {
                    Refusal::access("the folder does not exist")
                }
                e => e.into_refusal(),
            })
        }?;
        match folder.entry(file_name) {
            Ok(Some(EntryKind::Link)) => Err(Refusal::access(
                "the name is a link; links are not replaced",
            )),
            Ok(Some(EntryKind::Other)) => Err(Refusal::access("the name is not a regular file")),
            Ok(Some(EntryKind::File)) if !overwrite => Err(Refusal {
                code: super::wire::ErrorCode::FileExists,
                message: "file already exists".to_owned(),
            }),
            Ok(_) => Ok((folder, file_name.to_owned())),
            Err(e) => Err(Refusal::from_io(&e)),
        }
    }

    /// Removes temporary files that a server killed during an upload left
    /// beneath the root (see [`files::is_temp_name`]); returns how many.
    pub fn remove_leftovers(&self) -> usize {
        sys::remove_leftovers(&self.folder, is_temp_name, MAX_LEFTOVER_FOLDERS)
    }
}

#[cfg(test)]
mod tests;
