//! A file being received: written under a temporary name in its folder and
//! renamed only when complete, so a failed or cancelled transfer never
//! leaves a partial file under the final name nor destroys an existing one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Makes temporary names unique within this process; the process id makes
/// them unique between processes.
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

/// How temporary files end; the server refuses requests for such names.
pub const TEMP_SUFFIX: &str = ".netassist-part";

#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    #[error("a file with that name appeared meanwhile; it was kept and the upload discarded")]
    Exists,
    #[error("cannot finish the file: {0}")]
    Io(#[from] io::Error),
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
    temp_path: PathBuf,
    final_path: PathBuf,
    file: Option<BufWriter<File>>,
    overwrite: bool,
}

impl Incoming {
    /// Creates the temporary file beside `final_path`.
    pub fn create(final_path: &Path, overwrite: bool) -> io::Result<Incoming> {
        let folder = final_path.parent().unwrap_or(Path::new("."));
        let base = final_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        loop {
            let serial = NEXT_TEMP.fetch_add(1, Ordering::Relaxed);
            let temp_path = folder.join(format!(
                ".{base}.{}-{serial}{TEMP_SUFFIX}",
                std::process::id()
            ));
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&temp_path)
            {
                Ok(file) => {
                    return Ok(Incoming {
                        temp_path,
                        final_path: final_path.to_path_buf(),
                        file: Some(BufWriter::with_capacity(256 * 1024, file)),
                        overwrite,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn final_path(&self) -> &Path {
        &self.final_path
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
        if self.overwrite {
            fs::rename(&self.temp_path, &self.final_path)?;
        } else {
            // A hard link fails when the name exists, with no window in
            // which another program's file could be replaced.
            match fs::hard_link(&self.temp_path, &self.final_path) {
                Ok(()) => {
                    let _ = fs::remove_file(&self.temp_path);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    return Err(CommitError::Exists);
                }
                // Some file systems have no hard links; checking first is
                // the best they allow.
                Err(_) if self.final_path.exists() => return Err(CommitError::Exists),
                Err(_) => fs::rename(&self.temp_path, &self.final_path)?,
            }
        }
        // Nothing is left to remove.
        self.temp_path = PathBuf::new();
        Ok(())
    }
}

impl Drop for Incoming {
    /// An incoming file that was not committed is removed.
    fn drop(&mut self) {
        self.file = None;
        if !self.temp_path.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.temp_path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
