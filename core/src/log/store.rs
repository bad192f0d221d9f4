use std::collections::VecDeque;
use std::fmt;
use std::net::SocketAddr;

use crate::clock::us_to_ms;
use crate::conn::ConnTag;
use crate::text::{Encoding, Render};

/// Which way an entry went; notes are the session's own lines
/// (`CONNECTED …`, `ERROR …`), stored as UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Rx,
    Tx,
    Note,
}

impl Direction {
    pub fn label(self) -> &'static str {
        match self {
            Direction::Rx => "RX",
            Direction::Tx => "TX",
            Direction::Note => "--",
        }
    }
}

/// Who an entry was exchanged with: one address, or (for a TCP server's
/// send to all) a number of clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogPeer {
    Addr(SocketAddr),
    Clients(u32),
    None,
}

impl fmt::Display for LogPeer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A dual-stack socket sees IPv4 peers as ::ffff:a.b.c.d; people
            // know them as a.b.c.d.
            LogPeer::Addr(addr) => write!(
                f,
                "{}",
                SocketAddr::new(addr.ip().to_canonical(), addr.port())
            ),
            LogPeer::Clients(n) => write!(f, "{n}-clients"),
            LogPeer::None => f.write_str("-"),
        }
    }
}

/// One entry as the view sees it, borrowing its bytes from the store.
#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    /// When the bytes were read (received data) or the row was written, in
    /// µs since the epoch; `at_ms` is the same in ms, as the log shows it.
    pub at_us: i64,
    pub at_ms: i64,
    pub dir: Direction,
    pub peer: LogPeer,
    /// The connection the row belongs to ([`ConnTag::NONE`] for the
    /// session's own words and a UDP socket's datagrams).
    pub conn: ConnTag,
    pub bytes: &'a [u8],
    /// The encoding the bytes were written in, when whoever wrote them knew
    /// it: a text the window sent. `None` for received bytes and for what
    /// was not typed as text (HEX, echoes, auto-replies, which are built in
    /// the receive encoding): those are shown in the view's encoding.
    pub encoding: Option<Encoding>,
}

impl Entry<'_> {
    /// How this entry's bytes are shown under the view's `render`: in
    /// their own encoding when they have one, so that a GBK send still
    /// reads as Chinese after the receive encoding is switched to UTF-8.
    pub fn render(&self, view: Render) -> Render {
        Render {
            encoding: self.encoding.unwrap_or(view.encoding),
            ..view
        }
    }
}

/// What the store keeps per entry; the bytes live in a block of the arena.
#[derive(Clone, Copy, Debug)]
struct Meta {
    at_us: i64,
    dir: Direction,
    peer: LogPeer,
    /// [`ConnTag::pack`]: one word, so an entry's record stays 64 bytes.
    conn: u32,
    /// One byte, in what would otherwise be padding (see the test
    /// `an_entry_costs_no_more_with_its_encoding`).
    encoding: Option<Encoding>,
    block: u64,
    offset: u32,
    len: u32,
}

/// Blocks are this large unless one entry needs more.
const BLOCK_BYTES: usize = 1 << 20;

/// An append-only ring of entries with their raw bytes.
///
/// Bytes are packed into 1 MiB blocks, so a million small entries cost a
/// few dozen allocations, not a million. The store is bounded both by the
/// number of entries and by the bytes held; what falls off the front is
/// counted in [`LogStore::dropped`].
pub struct LogStore {
    metas: VecDeque<Meta>,
    blocks: VecDeque<Vec<u8>>,
    /// The number of the first block in `blocks`.
    first_block: u64,
    max_entries: usize,
    max_bytes: usize,
    held_bytes: usize,
    dropped: u64,
    /// The sequence number of the first entry: every entry ever pushed has
    /// one, so a view can hold on to entries while the front is dropped.
    first_seq: u64,
    /// The last block released, emptied, for the next one needed: a log at
    /// its cap writes into memory it has instead of freeing a block and
    /// asking the system for another, whose pages fault in again (during a
    /// flood that was most of the cost of keeping an entry).
    spare: Option<Vec<u8>>,
}

impl LogStore {
    pub const DEFAULT_MAX_ENTRIES: usize = 100_000;
    pub const DEFAULT_MAX_BYTES: usize = 256 << 20;

    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        LogStore {
            metas: VecDeque::new(),
            blocks: VecDeque::new(),
            first_block: 0,
            max_entries: max_entries.max(1),
            max_bytes: max_bytes.max(BLOCK_BYTES),
            held_bytes: 0,
            dropped: 0,
            first_seq: 0,
            spare: None,
        }
    }

    pub fn len(&self) -> usize {
        self.metas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.metas.is_empty()
    }

    /// Entries removed from the front to respect the bounds.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    pub fn max_entries(&self) -> usize {
        self.max_entries
    }

    /// Changes the entry cap, dropping from the front if needed.
    pub fn set_max_entries(&mut self, max_entries: usize) {
        self.max_entries = max_entries.max(1);
        self.enforce_bounds();
    }

    /// Adds an entry of no connection, stamped `at_ms`.
    #[inline]
    pub fn push(&mut self, at_ms: i64, dir: Direction, peer: LogPeer, bytes: &[u8]) {
        self.push_encoded(at_ms, dir, peer, bytes, None);
    }

    /// Adds an entry whose bytes are text in `encoding` (a send typed in
    /// the window), shown in that encoding whatever the view's is.
    #[inline]
    pub fn push_encoded(
        &mut self,
        at_ms: i64,
        dir: Direction,
        peer: LogPeer,
        bytes: &[u8],
        encoding: Option<Encoding>,
    ) {
        let at_us = at_ms.saturating_mul(1000);
        self.append(at_us, dir, peer, ConnTag::NONE, bytes, encoding);
        self.enforce_bounds();
    }

    /// Adds entries that arrived together (a `Received` event's chunks:
    /// each stamped in µs, with its connection), holding the bounds once
    /// after all of them rather than after each.
    #[inline]
    pub fn push_all<'a>(
        &mut self,
        dir: Direction,
        entries: impl IntoIterator<Item = (i64, LogPeer, ConnTag, &'a [u8])>,
    ) {
        for (at_us, peer, conn, bytes) in entries {
            self.append(at_us, dir, peer, conn, bytes, None);
        }
        self.enforce_bounds();
    }

    /// Adds an entry; the bounds are the caller's to hold.
    #[inline]
    fn append(
        &mut self,
        at_us: i64,
        dir: Direction,
        peer: LogPeer,
        conn: ConnTag,
        bytes: &[u8],
        encoding: Option<Encoding>,
    ) {
        let len = bytes.len().min(u32::MAX as usize);
        let bytes = &bytes[..len];
        let needs_block = match self.blocks.back() {
            Some(block) => block.capacity() - block.len() < len,
            None => true,
        };
        if needs_block {
            let block = match self.spare.take() {
                Some(spare) if spare.capacity() >= len => spare,
                _ => Vec::with_capacity(BLOCK_BYTES.max(len)),
            };
            self.held_bytes += block.capacity();
            self.blocks.push_back(block);
        }
        let block_index = self.blocks.len() - 1;
        let block = &mut self.blocks[block_index];
        let offset = block.len() as u32;
        block.extend_from_slice(bytes);
        self.metas.push_back(Meta {
            at_us,
            dir,
            peer,
            conn: conn.pack(),
            encoding,
            block: self.first_block + block_index as u64,
            offset,
            len: len as u32,
        });
    }

    #[inline]
    fn enforce_bounds(&mut self) {
        if self.metas.len() > self.max_entries {
            let excess = self.metas.len() - self.max_entries;
            self.metas.drain(..excess);
            self.dropped += excess as u64;
            self.first_seq += excess as u64;
            self.release_unused_blocks();
        }
        while self.held_bytes > self.max_bytes && self.blocks.len() > 1 {
            // Over the byte bound: drop every entry of the first block.
            let first = self.first_block;
            while self.metas.front().is_some_and(|m| m.block == first) {
                self.metas.pop_front();
                self.dropped += 1;
                self.first_seq += 1;
            }
            self.release_unused_blocks();
        }
    }

    fn release_unused_blocks(&mut self) {
        let keep_from = match self.metas.front() {
            Some(meta) => meta.block,
            None => self.first_block + self.blocks.len().saturating_sub(1) as u64,
        };
        while self.first_block < keep_from {
            if let Some(mut block) = self.blocks.pop_front() {
                self.held_bytes -= block.capacity().min(self.held_bytes);
                // A block of the usual size is kept for the next; one made
                // for a single large entry is given back.
                if block.capacity() == BLOCK_BYTES {
                    block.clear();
                    self.spare = Some(block);
                }
            }
            self.first_block += 1;
        }
    }

    pub fn get(&self, index: usize) -> Option<Entry<'_>> {
        let meta = self.metas.get(index)?;
        let block = self.blocks.get((meta.block - self.first_block) as usize)?;
        let start = meta.offset as usize;
        let bytes = block.get(start..start + meta.len as usize)?;
        Some(Entry {
            at_us: meta.at_us,
            at_ms: us_to_ms(meta.at_us),
            dir: meta.dir,
            peer: meta.peer,
            conn: ConnTag::unpack(meta.conn),
            bytes,
            encoding: meta.encoding,
        })
    }

    /// The sequence number of the entry at index 0.
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// One past the sequence number of the last entry.
    pub fn end_seq(&self) -> u64 {
        self.first_seq + self.metas.len() as u64
    }

    /// The entry with this sequence number, if it is still held.
    pub fn get_seq(&self, seq: u64) -> Option<Entry<'_>> {
        let index = seq.checked_sub(self.first_seq)?;
        self.get(usize::try_from(index).ok()?)
    }

    pub fn iter(&self) -> impl Iterator<Item = Entry<'_>> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Empties the log; the dropped count restarts too.
    pub fn clear(&mut self) {
        self.first_seq += self.metas.len() as u64;
        self.metas.clear();
        self.blocks.clear();
        self.spare = None;
        self.first_block = 0;
        self.held_bytes = 0;
        self.dropped = 0;
    }
}

impl Default for LogStore {
    fn default() -> Self {
        LogStore::new(Self::DEFAULT_MAX_ENTRIES, Self::DEFAULT_MAX_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> LogPeer {
        LogPeer::Addr("127.0.0.1:9".parse().unwrap())
    }

    #[test]
    fn keeps_bytes_and_order() {
        let mut store = LogStore::default();
        store.push(1, Direction::Rx, peer(), b"one");
        store.push(2, Direction::Tx, peer(), b"");
        store.push(3, Direction::Rx, peer(), b"three");
        let all: Vec<_> = store
            .iter()
            .map(|e| (e.at_ms, e.dir, e.bytes.to_vec()))
            .collect();
        assert_eq!(
            all,
            vec![
                (1, Direction::Rx, b"one".to_vec()),
                (2, Direction::Tx, vec![]),
                (3, Direction::Rx, b"three".to_vec())
            ]
        );
    }

    #[test]
    fn entry_cap_drops_from_the_front_and_counts() {
        let mut store = LogStore::new(3, 0);
        for i in 0..10u8 {
            store.push(i64::from(i), Direction::Rx, peer(), &[i]);
        }
        assert_eq!(store.len(), 3);
        assert_eq!(store.dropped(), 7);
        assert_eq!(store.get(0).unwrap().bytes, [7]);
        assert_eq!(store.get(2).unwrap().bytes, [9]);
        assert_eq!((store.first_seq(), store.end_seq()), (7, 10));
        assert_eq!(store.get_seq(8).unwrap().bytes, [8]);
        assert!(store.get_seq(6).is_none() && store.get_seq(10).is_none());
    }

    #[test]
    fn entries_pushed_together_keep_the_newest_within_the_cap_in_order() {
        let mut store = LogStore::new(3, LogStore::DEFAULT_MAX_BYTES);
        store.push(0, Direction::Tx, LogPeer::None, b"before");
        let texts: [&[u8]; 5] = [b"a", b"b", b"c", b"d", b"e"];
        store.push_all(
            Direction::Rx,
            texts.iter().enumerate().map(|(i, text)| {
                (
                    (i as i64 + 1) * 1000,
                    LogPeer::Clients(1),
                    ConnTag::NONE,
                    *text,
                )
            }),
        );
        assert_eq!(store.len(), 3);
        assert_eq!(store.dropped(), 3);
        let kept: Vec<(i64, &[u8])> = store.iter().map(|e| (e.at_ms, e.bytes)).collect();
        assert_eq!(kept, [(3, &b"c"[..]), (4, b"d"), (5, b"e")]);
        assert_eq!(store.get_seq(3).map(|e| e.bytes), Some(&b"c"[..]));
    }

    #[test]
    fn a_log_at_its_cap_writes_into_the_block_it_released() {
        // Entries over half a block each: every entry takes a block.
        let half_and_more = vec![1u8; BLOCK_BYTES / 2 + 1];
        let mut store = LogStore::new(2, LogStore::DEFAULT_MAX_BYTES);
        store.push(0, Direction::Rx, LogPeer::None, &half_and_more);
        let first_block = store.get(0).map(|entry| entry.bytes.as_ptr());
        store.push(1, Direction::Rx, LogPeer::None, &half_and_more);
        // The third entry pushes the first out, and its block with it.
        store.push(2, Direction::Rx, LogPeer::None, &half_and_more);
        assert_eq!(store.dropped(), 1);
        store.push(3, Direction::Rx, LogPeer::None, &half_and_more);
        let newest = store.get(1).map(|entry| entry.bytes.as_ptr());
        assert_eq!(newest, first_block, "the released block is written again");
        assert_eq!(store.get(1).map(|entry| entry.at_ms), Some(3));
    }

    #[test]
    fn byte_cap_releases_whole_blocks() {
        let mut store = LogStore::new(usize::MAX, 2 * BLOCK_BYTES);
        let chunk = vec![0xAB; 100_000];
        for i in 0..100 {
            store.push(i, Direction::Rx, peer(), &chunk);
        }
        assert!(store.held_bytes <= 2 * BLOCK_BYTES);
        assert_eq!(store.len() as u64 + store.dropped(), 100);
        assert_eq!(store.get(store.len() - 1).unwrap().at_ms, 99);
        assert!(store.iter().all(|e| e.bytes.len() == 100_000));
    }

    #[test]
    fn an_entry_larger_than_a_block_is_kept_whole() {
        let mut store = LogStore::default();
        let big = vec![7u8; BLOCK_BYTES * 3 + 5];
        store.push(0, Direction::Rx, peer(), b"small");
        store.push(1, Direction::Rx, peer(), &big);
        store.push(2, Direction::Rx, peer(), b"after");
        assert_eq!(store.get(1).unwrap().bytes.len(), big.len());
        assert_eq!(store.get(2).unwrap().bytes, b"after");
    }

    #[test]
    fn an_entry_costs_no_more_with_its_encoding() {
        // The encoding tag fits in the padding of the entry's metadata.
        #[allow(dead_code)]
        struct Untagged {
            at_us: i64,
            dir: Direction,
            peer: LogPeer,
            conn: u32,
            block: u64,
            offset: u32,
            len: u32,
        }
        assert_eq!(std::mem::size_of::<Meta>(), std::mem::size_of::<Untagged>());
        // The connection's tag fits beside them in a cache line.
        assert!(std::mem::size_of::<Meta>() <= 64);
        let mut store = LogStore::default();
        store.push_encoded(1, Direction::Tx, peer(), &[0xC4, 0xE3], Some(Encoding::Gbk));
        store.push(2, Direction::Rx, peer(), b"x");
        assert_eq!(store.get(0).unwrap().encoding, Some(Encoding::Gbk));
        assert_eq!(store.get(1).unwrap().encoding, None);
        let view = Render {
            encoding: Encoding::Utf8,
            hex: false,
        };
        assert_eq!(store.get(0).unwrap().render(view).encoding, Encoding::Gbk);
        assert_eq!(store.get(1).unwrap().render(view), view);
    }

    #[test]
    fn ipv4_mapped_peers_read_as_ipv4() {
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:9".parse().unwrap();
        assert_eq!(LogPeer::Addr(mapped).to_string(), "127.0.0.1:9");
        let v6: SocketAddr = "[::1]:9".parse().unwrap();
        assert_eq!(LogPeer::Addr(v6).to_string(), "[::1]:9");
    }

    #[test]
    fn clear_starts_over() {
        let mut store = LogStore::new(2, 0);
        for i in 0..5 {
            store.push(i, Direction::Rx, peer(), b"x");
        }
        store.clear();
        assert!(store.is_empty());
        assert_eq!(
            store.first_seq(),
            store.end_seq(),
            "sequence numbers never go back"
        );
        assert_eq!(store.dropped(), 0);
        store.push(9, Direction::Rx, peer(), b"y");
        assert_eq!(store.get(0).unwrap().bytes, b"y");
    }

    #[test]
    fn received_rows_keep_their_microseconds_and_connection() {
        use crate::conn::{ConnId, Side};
        let mut store = LogStore::default();
        let conn = ConnTag {
            id: ConnId(7),
            side: Side::Upstream,
        };
        store.push_all(
            Direction::Rx,
            [(1_700_000_000_123_456, peer(), conn, &b"x"[..])],
        );
        store.push(1_700_000_000_124, Direction::Note, LogPeer::None, b"note");
        let rx = store.get(0).unwrap();
        assert_eq!(
            (rx.at_us, rx.at_ms, rx.conn),
            (1_700_000_000_123_456, 1_700_000_000_123, conn)
        );
        let note = store.get(1).unwrap();
        assert_eq!(
            (note.at_us, note.conn),
            (1_700_000_000_124_000, ConnTag::NONE)
        );
    }
}
