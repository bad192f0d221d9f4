//! A file being received: written under a temporary name in its folder and
//! renamed only when complete, so a failed or cancelled transfer never
//! leaves a partial file under the final name nor destroys an existing one.
//! The temporary file is created, renamed and removed relative to the
//! folder's handle (`root::Folder`), never by a path that could be swapped
//! meanwhile.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

use super::failure::TransferFailure;
use super::root::{FileKey, Folder};
use super::temp_names::temp_name;

#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    #[error("a file with that name appeared meanwhile; it was kept and the upload discarded")]
    Exists,
    #[error("cannot finish the file: {0}")]
    Io(#[from] io::Error),
}

/// A received file that could not be stored, as the transfer's failure.
impl From<CommitError> for TransferFailure {
    fn from(error: CommitError) -> TransferFailure {
        match error {
            CommitError::Exists => TransferFailure::StoreExists,
            CommitError::Io(e) => TransferFailure::StoreFailed {
                reason: e.to_string(),
            },
        }
    }
}

impl CommitError {
    /// The disk filled up while the last bytes were flushed or synced.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, CommitError::Io(e) if e.kind() == io::ErrorKind::StorageFull)
    }
}

/// Blocks at least this large are read straight from the file.
const DIRECT_READ_BLOCK: usize = 16 * 1024;

/// The reader a transfer sends a file from. Large blocks are read straight
/// from the file into the packet, one system call each and no copy in
/// between; small ones go through a buffer, so that a 512-byte block does
/// not cost a system call.
pub fn block_source(file: File, blksize: usize) -> Box<dyn Read + Send> {
    if blksize >= DIRECT_READ_BLOCK {
        Box::new(file)
    } else {
        Box::new(BufReader::with_capacity(256 * 1024, file))
    }
}

/// Whether a committed file must be on the disk or may still be in the
/// system's cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// An upload to our server: the client may delete its copy once it has
    /// our final ACK, so the file reaches the disk before that ACK.
    OnDisk,
    /// A download: the server keeps its copy, and waiting for the disk
    /// would only slow the end of the transfer (a flush of 200 MB took
    /// 94 ms here); curl and tftp-hpa do not wait either.
    Cached,
}

pub struct Incoming {
    folder: Folder,
    key: FileKey,
    /// Empty once committed: nothing is left to remove.
    temp_name: OsString,
    file: Option<BufWriter<File>>,
    overwrite: bool,
}

impl Incoming {
    /// Creates the temporary file beside `final_path`, a path the user
    /// chose (the client's download folder).
    pub fn create(final_path: &Path, overwrite: bool) -> io::Result<Incoming> {
        let folder = final_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let Some(name) = final_path.file_name() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the path names no file",
            ));
        };
        Incoming::create_in(Folder::open_path(folder)?, name.to_owned(), overwrite)
    }

    /// Creates the temporary file in `folder`, for the file `final_name`.
    pub fn create_in(
        folder: Folder,
        final_name: OsString,
        overwrite: bool,
    ) -> io::Result<Incoming> {
        let key = FileKey {
            folder: folder.id()?,
            name: final_name,
        };
        loop {
            let temp_name = temp_name();
            match folder.create_temp(&temp_name) {
                Ok(file) => {
                    return Ok(Incoming {
                        folder,
                        key,
                        temp_name,
                        file: Some(BufWriter::with_capacity(256 * 1024, file)),
                        overwrite,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Which file this upload will create or replace.
    pub fn key(&self) -> &FileKey {
        &self.key
    }

    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.write_all(bytes),
            None => Err(io::Error::other("the file is already closed")),
        }
    }

    /// Closes the temporary file and gives it its final name.
    pub fn commit(mut self, durability: Durability) -> Result<(), CommitError> {
        if let Some(file) = self.file.take() {
            let file = file.into_inner().map_err(|e| e.into_error())?;
            if durability == Durability::OnDisk {
                file.sync_all()?;
            }
        }
        let (folder, temp, name) = (&self.folder, &self.temp_name, &self.key.name);
        if self.overwrite {
            folder.rename(temp, name)?;
        } else {
            // A hard link fails when the name exists, with no window in
            // which another program's file could be replaced.
            match folder.link(temp, name) {
                Ok(()) => {
                    let _ = folder.remove(temp);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    return Err(CommitError::Exists);
                }
                // Some file systems have no hard links; checking first is
                // the best they allow.
                Err(_) if folder.entry(name)?.is_some() => return Err(CommitError::Exists),
                Err(_) => folder.rename(temp, name)?,
            }
        }
        self.temp_name = OsString::new();
        Ok(())
    }
}

impl Drop for Incoming {
    /// An incoming file that was not committed is removed.
    fn drop(&mut self) {
        self.file = None;
        if !self.temp_name.is_empty() {
            let _ = self.folder.remove(&self.temp_name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tftp::temp_names::is_temp_name;
    use std::fs;

    #[test]
    fn test_commit_and_discard() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join("a.bin");
        let mut incoming = Incoming::create(&target, false).expect("create");
        incoming.write(b"hello").expect("write");
        assert!(!target.exists());
        incoming.commit(Durability::OnDisk).expect("commit");
        assert_eq!(fs::read(&target).expect("read"), b"hello");

        // No overwrite: the old file stays, the temp file goes.
        let mut second = Incoming::create(&target, false).expect("create");
        second.write(b"other").expect("write");
        assert!(matches!(
            second.commit(Durability::Cached),
            Err(CommitError::Exists)
        ));
        assert_eq!(fs::read(&target).expect("read"), b"hello");

        // Dropped without commit: nothing but the original remains.
        let mut third = Incoming::create(&target, true).expect("create");
        third.write(b"partial").expect("write");
        drop(third);
        let names: Vec<_> = fs::read_dir(dir.path()).expect("list").collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn test_temp_names_do_not_grow_with_the_file_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let long = "n".repeat(255);
        let target = dir.path().join(&long);
        let mut incoming = Incoming::create(&target, false).expect("create");
        assert!(incoming.temp_name.len() <= 57, "{:?}", incoming.temp_name);
        assert!(is_temp_name(&incoming.temp_name));
        incoming.write(b"long").expect("write");
        incoming.commit(Durability::Cached).expect("commit");
        assert_eq!(fs::read(&target).expect("read"), b"long");
    }
}
