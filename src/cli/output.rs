//! The headless event lines: the same one-line form as the GUI's log and
//! its saved file, written to stdout (flushed per line, so a script reading
//! a pipe sees each event at once) and optionally appended to a file.

use crate::conn::ConnTag;
use std::fs::File;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::log::{Direction, Entry, LogPeer, format_line, now_ms};
use crate::text::{Encoding, Render};

/// What stdout is written in when `--output-encoding` is not given.
///
/// UTF-8, except on Windows when stdout is redirected to a file or a pipe:
/// there it is the system's ANSI code page (GBK on Chinese Windows), what
/// `type`, Notepad of old and the programs a batch file pipes into read.
/// A console needs no rule: Rust's standard library writes to it in
/// UTF-16, whatever the code page.
pub fn default_stdout_encoding() -> Encoding {
    #[cfg(windows)]
    {
        use std::io::IsTerminal;
        if !std::io::stdout().is_terminal() {
            return windows_ansi_encoding().unwrap_or(Encoding::Utf8);
        }
    }
    Encoding::Utf8
}

/// The system's ANSI code page as one of our encodings, when it is one.
#[cfg(windows)]
fn windows_ansi_encoding() -> Option<Encoding> {
    #[link(name = "kernel32")]
    unsafe extern "system" {
        fn GetACP() -> u32;
    }
    // SAFETY: GetACP takes nothing and returns a number.
    encoding_of_code_page(unsafe { GetACP() })
}

/// Our encoding for a Windows code page number, if we have it.
#[cfg(any(windows, test))]
fn encoding_of_code_page(code_page: u32) -> Option<Encoding> {
    Some(match code_page {
        936 => Encoding::Gbk,
        54936 => Encoding::Gb18030,
        950 => Encoding::Big5,
        932 => Encoding::ShiftJis,
        949 => Encoding::EucKr,
        1252 => Encoding::Windows1252,
        65001 => Encoding::Utf8,
        _ => return None,
    })
}

/// One printed line in `encoding`, ended by a newline. A character the
/// encoding cannot write becomes `?`, so the line stays one line of text
/// (the log file keeps the exact text in UTF-8).
fn encode_line(line: &str, encoding: Encoding) -> Vec<u8> {
    let mut bytes = match encoding.encode(line) {
        Ok(bytes) => bytes,
        Err(_) => {
            let mut bytes = Vec::with_capacity(line.len());
            let mut buffer = [0u8; 4];
            for c in line.chars() {
                match encoding.encode(c.encode_utf8(&mut buffer)) {
                    Ok(one) => bytes.extend_from_slice(&one),
                    Err(_) => bytes.push(b'?'),
                }
            }
            bytes
        }
    };
    bytes.push(b'\n');
    bytes
}

/// The `--log` file and where it is, for the sentence if writing fails.
pub struct LogFile {
    pub file: File,
    pub path: PathBuf,
}

pub struct Printer {
    timestamps: bool,
    /// What the lines on stdout are written in; the `--log` file is always
    /// UTF-8, like every file the app writes.
    stdout_encoding: Encoding,
    log_file: Option<LogFile>,
    /// The sentence for a write to the log file that failed, until the
    /// runner takes it; the file is not written again after that.
    log_failure: Option<String>,
}

impl Printer {
    pub fn new(timestamps: bool, stdout_encoding: Encoding, log_file: Option<LogFile>) -> Printer {
        Printer {
            timestamps,
            stdout_encoding,
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
            at_us: at_ms.saturating_mul(1000),
            at_ms,
            dir,
            peer,
            conn: ConnTag::NONE,
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
        let at_ms = now_ms();
        let entry = Entry {
            at_us: at_ms.saturating_mul(1000),
            at_ms,
            dir: Direction::Note,
            peer: LogPeer::None,
            conn: ConnTag::NONE,
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
        let _ = out.write_all(&encode_line(line, self.stdout_encoding));
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
    fn lines_are_encoded_with_a_question_mark_for_what_cannot_be_written() {
        assert_eq!(
            encode_line("你好", Encoding::Gbk),
            vec![0xC4, 0xE3, 0xBA, 0xC3, b'\n']
        );
        assert_eq!(encode_line("a✓b", Encoding::Gbk), b"a?b\n".to_vec());
        assert_eq!(
            encode_line("你好✓", Encoding::Utf8),
            "你好✓\n".as_bytes().to_vec()
        );
    }

    #[test]
    fn windows_code_pages_map_to_our_encodings() {
        assert_eq!(encoding_of_code_page(936), Some(Encoding::Gbk));
        assert_eq!(encoding_of_code_page(65001), Some(Encoding::Utf8));
        assert_eq!(encoding_of_code_page(437), None);
        // Not redirected on Linux, nor anywhere but Windows: UTF-8.
        if cfg!(not(windows)) {
            assert_eq!(default_stdout_encoding(), Encoding::Utf8);
        }
    }

    #[test]
    fn peers_of_a_send() {
        let a: SocketAddr = "127.0.0.1:1".parse().unwrap();
        assert_eq!(log_peer(&[a]), LogPeer::Addr(a));
        assert_eq!(log_peer(&[a, a]), LogPeer::Clients(2));
        assert_eq!(log_peer(&[]), LogPeer::None);
    }
}
