//! The headless event lines: the same one-line form as the GUI's log and
//! its saved file, written to stdout (flushed per line, so a script reading
//! a pipe sees each event at once) and optionally appended to a file.

use std::fs::File;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::log::{Direction, Entry, LogPeer, format_line, now_ms};
use crate::text::{PeerText, Render};
use crate::tftp::TransferDirection;

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

/// `START #1 hello.txt send to 127.0.0.1:50000, 1024 bytes`
pub fn transfer_started(
    id: u64,
    file: &PeerText,
    peer: SocketAddr,
    direction: TransferDirection,
    size: Option<u64>,
) -> String {
    let way = match direction {
        TransferDirection::Send => "send to",
        TransferDirection::Receive => "receive from",
    };
    match size {
        Some(size) => format!("START #{id} {file} {way} {peer}, {size} bytes"),
        None => format!("START #{id} {file} {way} {peer}"),
    }
}

/// `DONE #1 hello.txt 1048576 bytes in 0.210 s (4.76 MiB/s)`
pub fn transfer_done(id: u64, file: &PeerText, bytes: u64, elapsed: Duration) -> String {
    format!(
        "DONE #{id} {file} {bytes} bytes in {:.3} s ({})",
        elapsed.as_secs_f64(),
        rate(bytes, elapsed)
    )
}

/// A transfer rate with a unit a person reads at a glance.
pub fn rate(bytes: u64, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if secs <= 0.0 {
        return "instant".to_owned();
    }
    let per_sec = bytes as f64 / secs;
    const KIB: f64 = 1024.0;
    if per_sec >= KIB * KIB {
        format!("{:.2} MiB/s", per_sec / (KIB * KIB))
    } else if per_sec >= KIB {
        format!("{:.1} KiB/s", per_sec / KIB)
    } else {
        format!("{per_sec:.0} B/s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_lines() {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        assert_eq!(
            transfer_started(
                1,
                &PeerText::from("a.bin"),
                peer,
                TransferDirection::Send,
                Some(3)
            ),
            "START #1 a.bin send to 127.0.0.1:5000, 3 bytes"
        );
        assert_eq!(
            transfer_done(2, &PeerText::from("b"), 2 << 20, Duration::from_secs(1)),
            "DONE #2 b 2097152 bytes in 1.000 s (2.00 MiB/s)"
        );
        assert_eq!(rate(512, Duration::from_secs(1)), "512 B/s");
        assert_eq!(rate(2048, Duration::from_secs(1)), "2.0 KiB/s");
        assert_eq!(rate(1, Duration::ZERO), "instant");
    }

    #[test]
    fn peers_of_a_send() {
        let a: SocketAddr = "127.0.0.1:1".parse().unwrap();
        assert_eq!(log_peer(&[a]), LogPeer::Addr(a));
        assert_eq!(log_peer(&[a, a]), LogPeer::Clients(2));
        assert_eq!(log_peer(&[]), LogPeer::None);
    }
}
