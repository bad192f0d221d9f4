//! The traffic log: an append-only, bounded store of entries that keeps the
//! raw bytes, and the one-line text form shared by the GUI, saved files and
//! the CLI.

mod store;

pub use crate::clock::now_ms;
pub use store::{Direction, Entry, LogPeer, LogStore};

use chrono::{DateTime, Local, TimeZone};

use crate::text::{Render, visible_controls};

/// What a row's time stamp shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stamp {
    /// No stamp.
    None,
    /// The local time of day, `HH:MM:SS.mmm`.
    #[default]
    Time,
    /// The local date and time, `YYYY-MM-DD HH:MM:SS.mmm`, as NetAssist
    /// offers for logs that run over midnight.
    DateAndTime,
}

impl Stamp {
    /// The stamp of a view with its ticks: 显示时间, and 显示日期 beside it.
    pub fn of(time: bool, date: bool) -> Stamp {
        match (time, date) {
            (false, _) => Stamp::None,
            (true, false) => Stamp::Time,
            (true, true) => Stamp::DateAndTime,
        }
    }
}

/// A time stamp or none: the time of day when ticked.
impl From<bool> for Stamp {
    fn from(time: bool) -> Stamp {
        Stamp::of(time, false)
    }
}

/// Formats a time stamp as local `HH:MM:SS.mmm`.
pub fn format_time(at_ms: i64) -> String {
    format_stamp(at_ms, Stamp::Time)
}

/// Formats a time stamp as `stamp` says (empty for [`Stamp::None`]).
pub fn format_stamp(at_ms: i64, stamp: Stamp) -> String {
    let pattern = match stamp {
        Stamp::None => return String::new(),
        Stamp::Time => "%H:%M:%S%.3f",
        Stamp::DateAndTime => "%Y-%m-%d %H:%M:%S%.3f",
    };
    match Local.timestamp_millis_opt(at_ms).single() {
        Some(time) => time.format(pattern).to_string(),
        None => DateTime::from_timestamp_millis(at_ms)
            .map(|t| t.format(pattern).to_string())
            .unwrap_or_else(|| "--:--:--.---".to_owned()),
    }
}

/// The text of a note (`LISTENING …`, `ERROR …`, `DONE #1 …`) as every
/// front end shows it. Notes are the program's own sentences, but many
/// quote a peer (a file name, an ERROR text); whatever slipped in raw is
/// made visible here too, so a note is always one line with no escapes.
pub fn note_text(bytes: &[u8]) -> String {
    visible_controls(&String::from_utf8_lossy(bytes))
}

/// The one-line text form of an entry:
/// `[23:59:59.123] RX 127.0.0.1:50000 你好` (notes: `[…] CONNECTED peer`).
pub fn format_line(entry: &Entry<'_>, render: Render, stamp: impl Into<Stamp>) -> String {
    let mut line = String::new();
    let stamp = stamp.into();
    if stamp != Stamp::None {
        line.push('[');
        line.push_str(&format_stamp(entry.at_ms, stamp));
        line.push_str("] ");
    }
    match entry.dir {
        Direction::Note => line.push_str(&note_text(entry.bytes)),
        Direction::Rx | Direction::Tx => {
            line.push_str(entry.dir.label());
            line.push(' ');
            line.push_str(&entry.peer.to_string());
            line.push(' ');
            line.push_str(&entry.render(render).one_line(entry.bytes));
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::Encoding;

    #[test]
    fn a_note_is_always_one_line_without_escapes() {
        let entry = Entry {
            at_us: 0,
            at_ms: 0,
            conn: crate::conn::ConnTag::NONE,
            dir: Direction::Note,
            peer: LogPeer::None,
            bytes: b"ERROR refused 'x\n[12:00:00.000] DONE #7\x1b[2J'",
            encoding: None,
        };
        let render = Render {
            encoding: Encoding::Utf8,
            hex: false,
        };
        assert_eq!(
            format_line(&entry, render, false),
            "ERROR refused 'x\\n[12:00:00.000] DONE #7\\x1B[2J'"
        );
    }

    #[test]
    fn line_form_matches_the_cli() {
        let entry = Entry {
            at_us: 0,
            at_ms: 0,
            conn: crate::conn::ConnTag::NONE,
            dir: Direction::Rx,
            peer: LogPeer::Addr("127.0.0.1:50000".parse().unwrap()),
            bytes: "你好".as_bytes(),
            encoding: None,
        };
        let render = Render {
            encoding: Encoding::Utf8,
            hex: false,
        };
        assert_eq!(
            format_line(&entry, render, false),
            "RX 127.0.0.1:50000 你好"
        );
        let with_time = format_line(&entry, render, true);
        assert!(with_time.starts_with('[') && with_time.ends_with("] RX 127.0.0.1:50000 你好"));
        assert_eq!(
            with_time.len(),
            "[00:00:00.000] RX 127.0.0.1:50000 你好".len()
        );
        let dated = format_line(&entry, render, Stamp::of(true, true));
        assert_eq!(
            dated.len(),
            "[1970-01-01 00:00:00.000] RX 127.0.0.1:50000 你好".len(),
            "{dated}"
        );
        assert_eq!(dated.as_bytes()[5], b'-', "{dated}");
        assert_eq!(
            format_line(&entry, render, Stamp::of(false, true)),
            "RX 127.0.0.1:50000 你好"
        );
    }

    #[test]
    fn a_sent_text_is_saved_in_its_own_encoding() {
        let entry = Entry {
            at_us: 0,
            at_ms: 0,
            conn: crate::conn::ConnTag::NONE,
            dir: Direction::Tx,
            peer: LogPeer::Addr("127.0.0.1:50000".parse().unwrap()),
            bytes: &[0xC4, 0xE3, 0xBA, 0xC3],
            encoding: Some(Encoding::Gbk),
        };
        let view = Render {
            encoding: Encoding::Utf8,
            hex: false,
        };
        assert_eq!(format_line(&entry, view, false), "TX 127.0.0.1:50000 你好");
        let hex = Render { hex: true, ..view };
        assert_eq!(
            format_line(&entry, hex, false),
            "TX 127.0.0.1:50000 C4 E3 BA C3"
        );
    }
}
