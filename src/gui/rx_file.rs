//! 接收保存到文件 in the window: which file is chosen and how much was
//! written. The writing itself happens on the session thread
//! (`net::RxFileSpec`, `Command::SetRxFile`), as each chunk is read, so the
//! file fills whether the window repaints or not.

use std::io;
use std::path::Path;

use crate::net::{LineFormat, RxFileSpec};

pub struct RxFile {
    spec: RxFileSpec,
}

impl RxFile {
    /// Opens `path` for appending: a file that exists keeps what it had.
    /// `lines`: log lines as the log shows them; `None`: raw bytes.
    pub fn open(path: &Path, lines: Option<LineFormat>) -> io::Result<RxFile> {
        Ok(RxFile {
            spec: RxFileSpec::open(path, lines)?,
        })
    }

    /// The same file for a session to write into (the window may close and
    /// reopen sessions while saving stays on).
    pub fn for_session(&self) -> io::Result<RxFileSpec> {
        self.spec.try_clone()
    }

    pub fn path(&self) -> &Path {
        self.spec.path()
    }

    /// Bytes the sessions wrote so far (a gauge they update).
    pub fn bytes_written(&self) -> u64 {
        self.spec.bytes_written()
    }
}
