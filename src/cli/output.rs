//! The headless event lines: the same one-line form as the GUI's log and
//! its saved file, written to stdout (flushed per line, so a script reading
//! a pipe sees each event at once) and optionally appended to a file.

use std::fs::File;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::log::{Direction, Entry, LogPeer, format_line, now_ms};
use crate::text::Render;

/// The `--log` file and where it is, for the sentence if writing fails.
pub struct LogFile {
    pub file: File,
    pub path: PathBuf,
}

pub struct Printer {
    timestamps: bool,
    log_file: Option<LogFile>,
    /// The sentence for a write to the log file that failed, until the
    /// runner takes it; the file is not written again after that.
    log_failure: Option<String>,
}

impl Printer {
    pub fn new(timestamps: bool, log_file: Option<LogFile>) -> Printer {
        Printer {
            timestamps,
            log_file,
            log_failure: None,
        }
    }

    /// Why the log file could not be written (a full disk, say), once: the
    /// runner says so and stops, since the log would miss events.
    pub fn take_log_failure(&mut self) -> Option<String> {
        self.log_failure.take()
    }

    /// Prints an RX or TX line exactly as the log formats it.
    pub fn traffic(
        &mut self,
        at_ms: i64,
        dir: Direction,
        peer: LogPeer,
        bytes: &[u8],
        render: Render,
    ) {
        let entry = Entry {
            at_ms,
            dir,
            peer,
            bytes,
            // The caller's render is this line's (the send encoding for
            // TX lines).
            encoding: None,
        };
        let line = format_line(&entry, render, self.timestamps);
        self.write(&line);
    }

    /// Prints one of the session's own lines (`LISTENING …`, `ERROR …`)
    /// with the time it happened.
    pub fn note(&mut self, text: &str) {
        let entry = Entry {
            at_ms: now_ms(),
            dir: Direction::Note,
            peer: LogPeer::None,
            bytes: text.as_bytes(),
            encoding: None,
        };
        // The render only matters for RX and TX lines.
        let render = Render {
            encoding: crate::text::Encoding::Utf8,
            hex: false,
        };
        let line = format_line(&entry, render, self.timestamps);
        self.write(&line);
    }

    fn write(&mut self, line: &str) {
        // A closed stdout (a reader that went away) must not stop the
        // session or the log file, so write errors are ignored here.
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
        if let Some(log) = &mut self.log_file {
            // The file is unbuffered, so a full disk shows here, at once.
            let written = writeln!(log.file, "{line}").and_then(|()| log.file.flush());
            if let Err(e) = written {
                self.log_failure = Some(format!(
                    "cannot write the log file '{}': {e}; stopping, because the log would miss events",
                    log.path.display()
                ));
                self.log_file = None;
            }
        }
    }
}

/// Who a send went to, as the log shows it: one address, or a count of
/// clients for a TCP server's send to several.
pub fn log_peer(to: &[SocketAddr]) -> LogPeer {
    match to {
        [] => LogPeer::None,
        [one] => LogPeer::Addr(*one),
        many => LogPeer::Clients(u32::try_from(many.len()).unwrap_or(u32::MAX)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_of_a_send() {
        let a: SocketAddr = "127.0.0.1:1".parse().unwrap();
        assert_eq!(log_peer(&[a]), LogPeer::Addr(a));
        assert_eq!(log_peer(&[a, a]), LogPeer::Clients(2));
        assert_eq!(log_peer(&[]), LogPeer::None);
    }
}
