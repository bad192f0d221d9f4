//! Search and filter in the log: which entries match a query (in what the
//! row shows, text or HEX), a direction and a peer. Matching is incremental
//! and time-boxed per frame, so a filter over a million entries never
//! freezes the window.

use std::time::{Duration, Instant};

use crate::log::{Direction, Entry, LogStore};
use crate::text::Render;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DirFilter {
    #[default]
    All,
    Rx,
    Tx,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    pub query: String,
    pub dir: DirFilter,
    pub peer: String,
}

impl LogFilter {
    pub fn is_active(&self) -> bool {
        !self.query.trim().is_empty() || self.dir != DirFilter::All || !self.peer.trim().is_empty()
    }

    pub fn matches(&self, entry: &Entry<'_>, render: Render) -> bool {
        match (self.dir, entry.dir) {
            (DirFilter::Rx, Direction::Rx)
            | (DirFilter::Tx, Direction::Tx)
            | (DirFilter::All, _) => {}
            _ => return false,
        }
        let peer = self.peer.trim();
        if !peer.is_empty() && !entry.peer.to_string().contains(peer) {
            return false;
        }
        let query = self.query.trim();
        if query.is_empty() {
            return true;
        }
        let shown = match entry.dir {
            Direction::Note => crate::log::note_text(entry.bytes),
            _ => entry.render(render).one_line(entry.bytes),
        };
        find_ignore_case(&shown, query).is_some()
    }
}

/// Byte ranges in `text` where `query` occurs, ignoring ASCII case.
pub fn match_ranges(text: &str, query: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    if query.is_empty() {
        return ranges;
    }
    let mut from = 0;
    while let Some(start) = find_ignore_case(&text[from..], query) {
        let start = from + start;
        let end = start + query.len();
        ranges.push(start..end);
        from = end;
    }
    ranges
}

fn find_ignore_case(text: &str, query: &str) -> Option<usize> {
    let text_bytes = text.as_bytes();
    let query_bytes = query.as_bytes();
    if query_bytes.len() > text_bytes.len() {
        return None;
    }
    (0..=text_bytes.len() - query_bytes.len())
        .filter(|&i| text.is_char_boundary(i) && text.is_char_boundary(i + query_bytes.len()))
        .find(|&i| text_bytes[i..i + query_bytes.len()].eq_ignore_ascii_case(query_bytes))
}

/// The sequence numbers of matching entries, kept up to date as entries
/// arrive and fall off the front.
#[derive(Default)]
pub struct FilterCache {
    key: Option<(LogFilter, Render)>,
    seqs: Vec<u64>,
    scanned_to: u64,
}

impl FilterCache {
    /// Scans entries up to `end_seq` (within `budget`); returns true when
    /// entries are left to scan next frame.
    pub fn update(
        &mut self,
        filter: &LogFilter,
        render: Render,
        log: &LogStore,
        end_seq: u64,
        budget: Duration,
    ) -> bool {
        let key = (filter.clone(), render);
        if self.key.as_ref() != Some(&key) || self.scanned_to > log.end_seq() {
            self.key = Some(key);
            self.seqs.clear();
            self.scanned_to = log.first_seq();
        }
        let first = log.first_seq();
        let dropped = self.seqs.partition_point(|&s| s < first);
        self.seqs.drain(..dropped);
        self.scanned_to = self.scanned_to.max(first);
        let started = Instant::now();
        while self.scanned_to < end_seq {
            if let Some(entry) = log.get_seq(self.scanned_to)
                && filter.matches(&entry, render)
            {
                self.seqs.push(self.scanned_to);
            }
            self.scanned_to += 1;
            if self.scanned_to.is_multiple_of(1024) && started.elapsed() > budget {
                return self.scanned_to < end_seq;
            }
        }
        false
    }

    pub fn seqs(&self) -> &[u64] {
        &self.seqs
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::LogPeer;
    use crate::text::Encoding;

    fn render(hex: bool) -> Render {
        Render {
            encoding: Encoding::Utf8,
            hex,
        }
    }

    #[test]
    fn finds_text_hex_direction_and_peer() {
        let mut log = LogStore::default();
        let a = LogPeer::Addr("127.0.0.1:1000".parse().unwrap());
        let b = LogPeer::Addr("127.0.0.1:2000".parse().unwrap());
        log.push(0, Direction::Rx, a, "Hello 你好".as_bytes());
        log.push(0, Direction::Tx, b, b"\x55\x0a");
        log.push(0, Direction::Rx, b, b"hello again");
        let mut cache = FilterCache::default();
        let mut filter = LogFilter {
            query: "HELLO".into(),
            ..LogFilter::default()
        };
        cache.update(
            &filter,
            render(false),
            &log,
            log.end_seq(),
            Duration::from_secs(1),
        );
        assert_eq!(cache.seqs(), [0, 2]);
        filter.peer = ":2000".into();
        cache.update(
            &filter,
            render(false),
            &log,
            log.end_seq(),
            Duration::from_secs(1),
        );
        assert_eq!(cache.seqs(), [2]);
        filter = LogFilter {
            query: "55 0A".into(),
            dir: DirFilter::Tx,
            ..LogFilter::default()
        };
        cache.update(
            &filter,
            render(true),
            &log,
            log.end_seq(),
            Duration::from_secs(1),
        );
        assert_eq!(cache.seqs(), [1]);
    }

    #[test]
    fn follows_new_and_dropped_entries() {
        let mut log = LogStore::new(3, 0);
        let peer = LogPeer::Addr("127.0.0.1:1".parse().unwrap());
        let filter = LogFilter {
            query: "x".into(),
            ..LogFilter::default()
        };
        let mut cache = FilterCache::default();
        for i in 0..10u8 {
            log.push(0, Direction::Rx, peer, if i % 2 == 0 { b"x" } else { b"y" });
            cache.update(
                &filter,
                render(false),
                &log,
                log.end_seq(),
                Duration::from_secs(1),
            );
        }
        // Entries 7, 8, 9 are held; of those, 8 matches.
        assert_eq!(cache.seqs(), [8]);
    }

    #[test]
    fn highlights_every_occurrence() {
        assert_eq!(match_ranges("abAB ab", "ab"), vec![0..2, 2..4, 5..7]);
        assert_eq!(match_ranges("你好ab", "AB"), vec![6..8]);
        assert!(match_ranges("abc", "").is_empty());
    }
}
