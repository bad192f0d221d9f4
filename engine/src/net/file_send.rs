//! A file as the data source: read in chunks only as fast as the socket
//! drains (TCP) or the kernel takes datagrams (UDP), so a file of any size
//! costs a bounded amount of memory, with progress reported at most ten
//! times a second and once at the end.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mio::Registry;

use super::conn::Connection;
use super::{Event, Outbox, SessionError};

/// UDP datagram size when the command does not choose one.
pub const DEFAULT_DATAGRAM_BYTES: usize = 1024;
/// The largest UDP payload over IPv4; larger chunks could never be sent.
pub const MAX_DATAGRAM_BYTES: usize = 65_507;
/// TCP reads the file in pieces of this size.
const TCP_READ_BYTES: usize = 64 << 10;
/// More is read from the file only while every target's send queue holds
/// less than this, which bounds memory to about this plus one read.
pub const QUEUE_LOW_WATER_BYTES: usize = 256 << 10;
/// At most this much is read per pass of the session loop, so that Close,
/// Cancel and received data are served while a fast socket drains a file.
const BYTES_PER_PASS: usize = 1 << 20;
const PROGRESS_INTERVAL: Duration = Duration::from_millis(100);

/// What a pass of the pump left to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Pump {
    /// The sockets are full: wait until they are writable.
    Blocked,
    /// The pass budget ran out: come back at once, after serving the rest.
    More,
    /// The whole file was handed over.
    Done,
}

/// A file being sent.
#[derive(Debug)]
pub struct FileSend {
    /// UDP datagram size (TCP ignores it).
    pub datagram_bytes: usize,
    path: PathBuf,
    /// Reads stop at the size the file had when it was opened, so that a
    /// file that grows (a log being written) still ends.
    reader: io::Take<File>,
    total: u64,
    sent: u64,
    last_progress: Instant,
}

impl FileSend {
    /// Opens the file and learns its size; every failure is a sentence.
    pub fn open(path: &Path, datagram_bytes: usize) -> Result<FileSend, SessionError> {
        let shown = path.display().to_string();
        let read_error = |e: &io::Error| match e.kind() {
            io::ErrorKind::NotFound => SessionError::FileNotFound {
                path: shown.clone(),
            },
            _ => SessionError::FileRead {
                path: shown.clone(),
                reason: e.to_string(),
            },
        };
        // Windows refuses to open a folder as a file ("Access is denied"),
        // so the folder is recognised by its metadata before the open; the
        // handle's own metadata is checked again below, in case the name
        // changed in between.
        if std::fs::metadata(path).is_ok_and(|metadata| metadata.is_dir()) {
            return Err(SessionError::FileIsFolder { path: shown });
        }
        let file = File::open(path).map_err(|e| read_error(&e))?;
        let metadata = file.metadata().map_err(|e| read_error(&e))?;
        if metadata.is_dir() {
            return Err(SessionError::FileIsFolder { path: shown });
        }
        let total = metadata.len();
        let datagram_bytes = match datagram_bytes {
            0 => DEFAULT_DATAGRAM_BYTES,
            n => n.min(MAX_DATAGRAM_BYTES),
        };
        Ok(FileSend {
            datagram_bytes,
            path: path.to_owned(),
            reader: file.take(total),
            total,
            sent: 0,
            // `start` reports the opening (sent 0) at once; the next report
            // waits its turn like any other.
            last_progress: Instant::now(),
        })
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    /// The next piece of at most `max` bytes; `None` at the end.
    pub fn read_chunk(&mut self, max: usize) -> Result<Option<Vec<u8>>, SessionError> {
        let mut chunk = vec![0u8; max];
        loop {
            match self.reader.read(&mut chunk) {
                Ok(0) => return Ok(None),
                Ok(n) => {
                    chunk.truncate(n);
                    return Ok(Some(chunk));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(SessionError::FileRead {
                        path: self.path.display().to_string(),
                        reason: e.to_string(),
                    });
                }
            }
        }
    }

    /// Counts bytes as sent and reports progress if the last report is
    /// old enough.
    pub fn record(&mut self, bytes: usize, outbox: &Outbox) {
        self.sent += bytes as u64;
        let now = Instant::now();
        if now.duration_since(self.last_progress) >= PROGRESS_INTERVAL {
            self.last_progress = now;
            outbox.emit(Event::FileProgress {
                sent: self.sent,
                total: self.total,
            });
        }
    }

    /// The final report of a file that was sent whole. A file that shrank
    /// while it was sent reports what it really had.
    pub fn finish(self, outbox: &Outbox) {
        outbox.emit(Event::FileProgress {
            sent: self.sent,
            total: self.sent,
        });
    }

    /// The final report of a file that was not sent whole.
    pub fn abort(self, reason: SessionError, outbox: &Outbox) {
        outbox.emit(Event::FileAborted {
            sent: self.sent,
            total: self.total,
            reason,
        });
    }

    /// Feeds TCP connections: reads more only while every target's queue is
    /// below the low-water mark, and sends each piece to every target.
    pub fn pump_tcp(
        &mut self,
        targets: &mut [&mut Connection],
        registry: &Registry,
        outbox: &Outbox,
    ) -> Result<Pump, SessionError> {
        let mut budget = BYTES_PER_PASS;
        loop {
            if targets
                .iter()
                .any(|conn| conn.queued() >= QUEUE_LOW_WATER_BYTES)
            {
                return Ok(Pump::Blocked);
            }
            if budget == 0 {
                return Ok(Pump::More);
            }
            let Some(chunk) = self.read_chunk(TCP_READ_BYTES.min(budget))? else {
                return Ok(Pump::Done);
            };
            budget = budget.saturating_sub(chunk.len());
            for conn in targets.iter_mut() {
                conn.send(chunk.clone(), registry)?;
            }
            self.record(chunk.len(), outbox);
        }
    }
}

/// Where a file sent as messages goes (WebSocket): one or more
/// connections, each taking whole messages.
pub trait MessageTargets {
    /// Whether every target's queue is below [`QUEUE_LOW_WATER_BYTES`].
    fn has_room(&self) -> bool;
    /// Sends one message to every target.
    fn send(&mut self, message: Vec<u8>) -> Result<(), SessionError>;
}

impl FileSend {
    /// Feeds message-based connections (WebSocket): reads a message of
    /// `datagram_bytes` while every target has room, and sends it to them
    /// all.
    pub fn pump_messages(
        &mut self,
        targets: &mut dyn MessageTargets,
        outbox: &Outbox,
    ) -> Result<Pump, SessionError> {
        let mut budget = BYTES_PER_PASS;
        loop {
            if !targets.has_room() {
                return Ok(Pump::Blocked);
            }
            if budget == 0 {
                return Ok(Pump::More);
            }
            let Some(chunk) = self.read_chunk(self.datagram_bytes.min(budget))? else {
                return Ok(Pump::Done);
            };
            budget = budget.saturating_sub(chunk.len());
            let len = chunk.len();
            targets.send(chunk)?;
            self.record(len, outbox);
        }
    }
}

/// Opens a file to send and reports its start; a file that cannot be sent
/// is reported as an error event instead. One file at a time is the
/// session core's rule, checked before this.
pub fn start(path: &Path, datagram_bytes: usize, outbox: &Outbox) -> Option<FileSend> {
    match FileSend::open(path, datagram_bytes) {
        Ok(file) => {
            // An empty file gets only its final report, so that a report
            // with sent == total always means the end.
            if file.total() > 0 {
                outbox.emit(Event::FileProgress {
                    sent: 0,
                    total: file.total(),
                });
            }
            Some(file)
        }
        Err(e) => {
            outbox.emit(Event::Error(e));
            None
        }
    }
}

/// Ends the file send when a pump finished it or failed; true when the
/// session loop should come back at once because there is more to send.
pub fn settle(
    current: &mut Option<FileSend>,
    outcome: Result<Pump, SessionError>,
    outbox: &Outbox,
) -> bool {
    match outcome {
        Ok(Pump::Blocked) => false,
        Ok(Pump::More) => true,
        Ok(Pump::Done) => {
            if let Some(file) = current.take() {
                file.finish(outbox);
            }
            false
        }
        Err(reason) => {
            if let Some(file) = current.take() {
                file.abort(reason, outbox);
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_and_folder_are_sentences() {
        let error = FileSend::open(Path::new("/no/such/file.bin"), 0).unwrap_err();
        assert_eq!(
            error.to_string(),
            "/no/such/file.bin does not exist: choose the file again"
        );
        let folder = tempfile::tempdir().expect("a temp dir");
        let error = FileSend::open(folder.path(), 0).unwrap_err();
        assert!(error.to_string().contains("is a folder, not a file"));
    }

    #[test]
    fn reads_in_pieces_up_to_the_size_at_open() {
        let mut file = tempfile::NamedTempFile::new().expect("a temp file");
        std::io::Write::write_all(&mut file, &[7u8; 2500]).expect("written");
        let mut send = FileSend::open(file.path(), 0).expect("opens");
        assert_eq!(send.datagram_bytes, DEFAULT_DATAGRAM_BYTES);
        assert_eq!(send.total(), 2500);
        // The file grows after it was opened; the send still ends at 2500.
        std::io::Write::write_all(&mut file, &[8u8; 100]).expect("written");
        let mut lengths = Vec::new();
        while let Some(chunk) = send.read_chunk(1024).expect("readable") {
            assert!(chunk.iter().all(|b| *b == 7));
            lengths.push(chunk.len());
        }
        assert_eq!(lengths, [1024, 1024, 452]);
    }

    #[test]
    fn datagram_size_is_clamped() {
        let file = tempfile::NamedTempFile::new().expect("a temp file");
        let send = FileSend::open(file.path(), 1 << 20).expect("opens");
        assert_eq!(send.datagram_bytes, MAX_DATAGRAM_BYTES);
    }
}
