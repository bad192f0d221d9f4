//! Receive to file (接收保存到文件) on the session thread: every received
//! chunk is written when the session reads it, whatever the front end is
//! doing, so a window that does not repaint (minimised, idle) or a process
//! killed a second later loses nothing that arrived before.
//!
//! The file is written with the session's own time: a slow disk makes the
//! session read more slowly, which is TCP's backpressure, rather than
//! holding the bytes in memory.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::log::{Direction, Entry, LogPeer, format_line};
use crate::text::Render;

/// Bytes gathered before a write to the file; what a read pass gathered is
/// written at the end of the pass in any case (see [`RxFileWriter::flush`]).
const WRITE_BUFFER_BYTES: usize = 64 << 10;

/// Log lines instead of raw bytes: each received chunk as the one-line form
/// of the log ([`format_line`]), shown as the front end chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineFormat {
    pub render: Render,
    /// Whether each line starts with `[23:59:59.123]`.
    pub timestamps: bool,
}

/// A file opened for receiving into, handed to a session with
/// [`super::Command::SetRxFile`] or at spawn. Opening happens in the front
/// end so that a path that cannot be created is said at once, next to the
/// control or before anything opens.
#[derive(Debug)]
pub struct RxFileSpec {
    file: File,
    path: PathBuf,
    lines: Option<LineFormat>,
    written: Arc<AtomicU64>,
}

impl RxFileSpec {
    /// Opens `path` for appending (created if missing; what a file had is
    /// kept). `lines`: `None` writes the received bytes as they are.
    pub fn open(path: &Path, lines: Option<LineFormat>) -> io::Result<RxFileSpec> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(RxFileSpec {
            file,
            path: path.to_owned(),
            lines,
            written: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The same file for another session (the window reopens sessions);
    /// the count of bytes written is shared.
    pub fn try_clone(&self) -> io::Result<RxFileSpec> {
        Ok(RxFileSpec {
            file: self.file.try_clone()?,
            path: self.path.clone(),
            lines: self.lines,
            written: Arc::clone(&self.written),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Bytes written to the file so far by every session it was given to:
    /// a gauge the session threads update.
    pub fn bytes_written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }
}

/// Saving to a file stopped because a write failed (a full disk, a removed
/// drive). What arrives afterwards still reaches the front end as events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RxFileFailed {
    pub path: PathBuf,
    /// The system's reason, as it says it.
    pub reason: String,
}

/// The English sentence (the CLI's); the window words its own from the
/// fields (`describe::Description::RxFileFailed`).
impl std::fmt::Display for RxFileFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "saving received data stopped: cannot write {}: {}",
            self.path.display(),
            self.reason
        )
    }
}

/// The session thread's side: the buffered file.
pub(crate) struct RxFileWriter {
    writer: BufWriter<File>,
    path: PathBuf,
    lines: Option<LineFormat>,
    written: Arc<AtomicU64>,
}

impl RxFileWriter {
    pub(crate) fn new(spec: RxFileSpec) -> RxFileWriter {
        RxFileWriter {
            writer: BufWriter::with_capacity(WRITE_BUFFER_BYTES, spec.file),
            path: spec.path,
            lines: spec.lines,
            written: spec.written,
        }
    }

    /// Writes one received chunk (buffered until [`RxFileWriter::flush`]).
    pub(crate) fn write_chunk(
        &mut self,
        at_ms: i64,
        peer: SocketAddr,
        bytes: &[u8],
    ) -> io::Result<()> {
        let len = match self.lines {
            None => {
                self.writer.write_all(bytes)?;
                bytes.len()
            }
            Some(format) => {
                let entry = Entry {
                    at_us: at_ms.saturating_mul(1000),
                    at_ms,
                    dir: Direction::Rx,
                    peer: LogPeer::Addr(peer),
                    conn: crate::conn::ConnTag::NONE,
                    bytes,
                    encoding: None,
                };
                let mut line = format_line(&entry, format.render, format.timestamps);
                line.push('\n');
                self.writer.write_all(line.as_bytes())?;
                line.len()
            }
        };
        self.written.fetch_add(len as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Hands what is buffered to the system (no fsync: a killed process
    /// loses nothing written, a power cut may).
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }

    /// The event for a failed write or flush.
    pub(crate) fn failed(&self, error: &io::Error) -> RxFileFailed {
        RxFileFailed {
            path: self.path.clone(),
            reason: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Encoding;

    #[test]
    fn raw_bytes_are_written_as_they_are_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("raw.bin");
        std::fs::write(&path, b"kept:").unwrap();
        let spec = RxFileSpec::open(&path, None).unwrap();
        let gauge = spec.try_clone().unwrap();
        let mut writer = RxFileWriter::new(spec);
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        writer.write_chunk(0, peer, b"\x00\xffab").unwrap();
        writer.flush().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"kept:\x00\xffab");
        assert_eq!(gauge.bytes_written(), 4);
    }

    #[test]
    fn log_lines_are_one_line_per_chunk_with_controls_made_visible() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lines.txt");
        let format = LineFormat {
            render: Render {
                encoding: Encoding::Utf8,
                hex: false,
            },
            timestamps: false,
        };
        let mut writer = RxFileWriter::new(RxFileSpec::open(&path, Some(format)).unwrap());
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        writer.write_chunk(0, peer, b"one\ntwo").unwrap();
        writer.flush().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("127.0.0.1:5000"), "{text}");
        assert!(text.contains("one\\ntwo"), "{text}");
    }
}
