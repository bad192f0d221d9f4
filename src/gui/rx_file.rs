//! 接收保存到文件: everything received goes to a file as it arrives, whether
//! the display is paused or not — raw bytes, or the log's text lines.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::log::{Direction, Entry, format_line};
use crate::text::Render;

/// Written data reaches the disk at least this often.
const FLUSH_EVERY: Duration = Duration::from_millis(500);

pub struct RxFile {
    writer: BufWriter<File>,
    pub path: PathBuf,
    lines: bool,
    last_flush: Instant,
    pub bytes_written: u64,
}

impl RxFile {
    /// Opens `path` for appending: a file that exists keeps what it had.
    pub fn open(path: &Path, lines: bool) -> io::Result<RxFile> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(RxFile {
            writer: BufWriter::with_capacity(1 << 20, file),
            path: path.to_owned(),
            lines,
            last_flush: Instant::now(),
            bytes_written: 0,
        })
    }

    /// Raw mode keeps received bytes only; line mode keeps every entry as
    /// the log shows it.
    pub fn write(&mut self, entry: &Entry<'_>, render: Render, show_time: bool) -> io::Result<()> {
        if self.lines {
            let mut line = format_line(entry, render, show_time);
            line.push('\n');
            self.writer.write_all(line.as_bytes())?;
            self.bytes_written += line.len() as u64;
        } else if entry.dir == Direction::Rx {
            self.writer.write_all(entry.bytes)?;
            self.bytes_written += entry.bytes.len() as u64;
        }
        Ok(())
    }

    pub fn flush_if_due(&mut self) -> io::Result<()> {
        if self.last_flush.elapsed() >= FLUSH_EVERY {
            self.flush()?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.last_flush = Instant::now();
        self.writer.flush()
    }
}

impl Drop for RxFile {
    fn drop(&mut self) {
        // Nobody is left to tell about a failure here (the window is
        // closing); stopping in the window flushes first and reports, and
        // the regular flushes have reported any failure before.
        let _ = self.writer.flush();
    }
}
