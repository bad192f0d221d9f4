//! The waveform tool's state: whether it plots, its data format, the
//! parser (which keeps a line or frame split across reads), the bounded
//! sample store, and the received batches still to parse. Each batch is
//! parsed once, a piece at a time under the frame's time budget
//! ([`WaveformTool::parse_backlog`]), so one large message (a 4 MB
//! WebSocket message of frames) never holds a frame for long.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Instant;

use crate::net::Chunks;
use crate::waveform::{Record, WaveFormat, WaveParser, WaveStore};

/// The most bytes parsed between two looks at the clock: about 0.1 ms of
/// JustFloat frames in a release build (a few ms unoptimised), so the
/// budget is overrun by little.
const PARSE_STEP_BYTES: usize = 16 * 1024;

#[derive(Debug, Default)]
pub struct WaveformTool {
    /// Received data is plotted only while this is ticked.
    pub enabled: bool,
    /// Paused: received data is not added (the log still has it).
    pub paused: bool,
    /// Shown in a window of its own, large, instead of in the drawer.
    pub in_window: bool,
    parser: WaveParser,
    store: WaveStore,
    /// The peer of the last chunk parsed: a partial line or frame is
    /// never completed with another peer's bytes.
    last_peer: Option<SocketAddr>,
    /// Batches received but not parsed yet, oldest first.
    backlog: VecDeque<Unparsed>,
    /// Reused for each piece's records.
    records: Vec<Record>,
}

/// A received batch waiting to be parsed, and how far it has been.
#[derive(Debug)]
struct Unparsed {
    /// The event's own chunks, handed over once the log took its copy.
    /// They stay charged to the session's event budget until parsed, so a
    /// backlog holds the session back (as a window that does not drain its
    /// events does) instead of growing without bound; nothing received is
    /// dropped on its way here.
    chunks: Chunks,
    /// Each chunk is a whole message (UDP).
    datagrams: bool,
    /// The chunk to parse next, and how many of its bytes are parsed.
    next_chunk: usize,
    offset: usize,
}

impl WaveformTool {
    pub fn format(&self) -> WaveFormat {
        self.parser.format()
    }

    /// A new format starts a new parser (the partial line or frame of the
    /// old one means nothing in the new). Batches not parsed yet are read
    /// in the new format.
    pub fn set_format(&mut self, format: WaveFormat) {
        if format != self.parser.format() {
            self.parser = WaveParser::new(format);
        }
    }

    pub fn store(&self) -> &WaveStore {
        &self.store
    }

    pub fn skipped(&self) -> u64 {
        self.parser.skipped()
    }

    /// Forgets the samples, and what was received before and is not
    /// parsed yet: none of it shows after Clear.
    pub fn clear(&mut self) {
        self.store.clear();
        self.parser.reset();
        self.backlog.clear();
    }

    /// A batch of received chunks; `datagrams` says each chunk is a whole
    /// message (UDP), which ends a text line without its line break. It
    /// waits for [`WaveformTool::parse_backlog`].
    pub fn received(&mut self, chunks: Chunks, datagrams: bool) {
        if !self.enabled || self.paused || chunks.is_empty() {
            return;
        }
        self.backlog.push_back(Unparsed {
            chunks,
            datagrams,
            next_chunk: 0,
            offset: 0,
        });
    }

    /// True while received batches wait to be parsed.
    pub fn parsing(&self) -> bool {
        !self.backlog.is_empty()
    }

    /// Parses waiting batches, a piece of at most [`PARSE_STEP_BYTES`] at a
    /// time, until none is left or `deadline` passes (at least one piece
    /// is parsed, so the backlog always shrinks). Returns true when some
    /// is left for the next frame.
    pub fn parse_backlog(&mut self, deadline: Instant) -> bool {
        let Self {
            parser,
            store,
            last_peer,
            backlog,
            records,
            ..
        } = self;
        while let Some(batch) = backlog.front_mut() {
            for chunk in batch.chunks.iter().skip(batch.next_chunk) {
                if *last_peer != Some(chunk.peer) {
                    parser.reset();
                    *last_peer = Some(chunk.peer);
                }
                // An empty chunk still ends a message, so a piece is
                // taken even from it.
                loop {
                    let end = chunk.bytes.len().min(batch.offset + PARSE_STEP_BYTES);
                    records.clear();
                    parser.push(&chunk.bytes[batch.offset..end], records);
                    batch.offset = end;
                    let chunk_done = end == chunk.bytes.len();
                    if chunk_done && batch.datagrams {
                        parser.end_of_message(records);
                    }
                    for record in records.iter() {
                        store.add(record, chunk.at_ms());
                    }
                    if chunk_done {
                        batch.next_chunk += 1;
                        batch.offset = 0;
                    }
                    if Instant::now() >= deadline {
                        let batch_done = batch.next_chunk == batch.chunks.len();
                        if batch_done {
                            backlog.pop_front();
                        }
                        return !backlog.is_empty();
                    }
                    if chunk_done {
                        break;
                    }
                }
            }
            backlog.pop_front();
        }
        false
    }

    /// Writes the samples as CSV to `path`.
    pub fn export_csv(&self, path: &std::path::Path) -> std::io::Result<()> {
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        self.store.write_csv(&mut file)?;
        std::io::Write::flush(&mut file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::waveform::{ChannelKey, JUSTFLOAT_TAIL};

    fn frames(count: usize) -> Vec<u8> {
        let mut stream = Vec::new();
        for i in 0..count {
            stream.extend((i as f32).to_le_bytes());
            stream.extend(JUSTFLOAT_TAIL);
        }
        stream
    }

    fn values(tool: &WaveformTool) -> Vec<f64> {
        tool.store().channels()[0]
            .samples
            .iter()
            .map(|s| s.value)
            .collect()
    }

    fn plotting(format: WaveFormat) -> WaveformTool {
        let mut tool = WaveformTool {
            enabled: true,
            ..WaveformTool::default()
        };
        tool.set_format(format);
        tool
    }

    #[test]
    fn a_large_message_is_parsed_a_piece_per_call_and_wholly() {
        let peer = "127.0.0.1:9".parse().unwrap();
        let message = frames(5000); // 40,000 bytes: three pieces.
        let mut tool = plotting(WaveFormat::JustFloat);
        tool.received(Chunks::unbudgeted([(1, peer, &message[..])]), false);
        assert_eq!(tool.store().records(), 0, "nothing is parsed on arrival");
        // A deadline already past: one piece per call.
        let mut calls = 0;
        while tool.parse_backlog(Instant::now()) {
            calls += 1;
            assert!(tool.store().records() < 5000);
        }
        assert_eq!(calls, message.len().div_ceil(PARSE_STEP_BYTES) - 1);
        assert!(!tool.parsing());
        let all: Vec<f64> = (0..5000).map(f64::from).collect();
        assert_eq!(values(&tool), all);
    }

    #[test]
    fn datagrams_end_lines_and_a_new_peer_starts_afresh_across_calls() {
        let one = "127.0.0.1:1".parse().unwrap();
        let two = "127.0.0.1:2".parse().unwrap();
        // Longer than a piece, cut by the first piece inside a "75".
        let lines = PARSE_STEP_BYTES / 3 + 5;
        let mut long = b"75\n".repeat(lines);
        long.extend(b"3");
        let mut tool = plotting(WaveFormat::TextLines);
        tool.received(
            Chunks::unbudgeted([(1, one, &b"1"[..]), (2, one, &b"2"[..])]),
            true,
        );
        tool.received(Chunks::unbudgeted([(3, two, &long[..])]), true);
        while tool.parse_backlog(Instant::now()) {}
        let mut expected = vec![1.0, 2.0];
        expected.extend(std::iter::repeat_n(75.0, lines));
        expected.push(3.0);
        assert_eq!(values(&tool), expected);
        // A stream: a line cut by a change of peer is not finished with
        // the other's bytes.
        tool.received(Chunks::unbudgeted([(4, one, &b"4"[..])]), false);
        tool.received(Chunks::unbudgeted([(5, two, &b"5\n"[..])]), false);
        tool.parse_backlog(Instant::now() + std::time::Duration::from_secs(5));
        expected.push(5.0);
        assert_eq!(values(&tool), expected);
        assert_eq!(
            tool.store().channels()[0].key,
            ChannelKey::Position(0),
            "one channel"
        );
    }

    #[test]
    fn clear_drops_what_waits_and_pause_takes_nothing() {
        let peer = "127.0.0.1:9".parse().unwrap();
        let mut tool = plotting(WaveFormat::JustFloat);
        tool.received(Chunks::unbudgeted([(1, peer, &frames(3)[..])]), false);
        tool.clear();
        assert!(!tool.parsing());
        tool.paused = true;
        tool.received(Chunks::unbudgeted([(1, peer, &frames(3)[..])]), false);
        assert!(!tool.parsing());
        assert_eq!(tool.store().records(), 0);
    }
}
