//! Splits a TCP byte stream into messages the way the user describes them
//! (a delimiter, a fixed length, or an idle gap), instead of however the
//! chunks happened to arrive. Pure: no I/O and no clock; time comes in as
//! the chunks' own `at_us` stamps (µs since the epoch) and the caller's `now_us`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::hex::{HexError, parse_hex};

/// A framer never holds more than this for one peer: a stream that never
/// sends the delimiter must not grow memory without bound, so what is held
/// is handed over as a message once it reaches the cap.
pub const DEFAULT_MAX_BUFFERED_BYTES: usize = 1 << 20;

/// What the unfinished messages of all of one server's clients may hold
/// together: 64 of the largest. Past it, the client holding the most has
/// what it holds handed over as a message of its own, marked as cut
/// ([`Cut::Overflow`]), so 1,024 clients that each send most of a message
/// hold 64 MiB, not 1 GiB; nothing is lost.
pub const DEFAULT_MAX_HELD_BYTES: usize = 64 * DEFAULT_MAX_BUFFERED_BYTES;

/// How a stream is cut into messages.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Framing {
    /// Every chunk as it arrived is a message.
    #[default]
    None,
    /// A message ends after these bytes (the delimiter stays in the message,
    /// so nothing received is hidden). An empty delimiter means `None`.
    Delimiter(Vec<u8>),
    /// Every message is this many bytes. Zero means `None`.
    FixedLength(usize),
    /// A message ends when no byte arrived for this long.
    IdleGap(Duration),
}

/// Why a framing spec (`--framing`) was refused; each message is a sentence
/// a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FramingSpecError {
    #[error(
        "'{spec}' is not a framing: use delimiter:HEX (such as delimiter:0D0A), fixed:N (a message length in bytes, such as fixed:16) or idle:MS (a gap in milliseconds, such as idle:50)"
    )]
    Unknown { spec: String },
    #[error("the delimiter '{text}' is not valid HEX: {source}")]
    DelimiterHex { text: String, source: HexError },
    #[error("the delimiter is empty: give the bytes that end a message, such as \\r\\n (0D0A)")]
    EmptyDelimiter,
    #[error(
        "a message length of 0 bytes would never end a message: give a number of bytes from 1 up, such as 16"
    )]
    ZeroLength,
    #[error(
        "an idle gap of 0 ms would never end a message: give a number of milliseconds from 1 up, such as 50"
    )]
    ZeroGap,
    #[error(
        "fixed:{text} is not a message length: give a number of bytes from 1 up, such as fixed:16"
    )]
    BadLength { text: String },
    #[error(
        "idle:{text} is not an idle gap: give a number of milliseconds from 1 up, such as idle:50"
    )]
    BadGap { text: String },
}

impl Framing {
    /// The one rule for a framing from either front end: a framing that
    /// could never end a message (an empty delimiter, a length or gap of
    /// 0) is refused rather than quietly meaning `None`. The wording fits
    /// a delimiter typed with escapes as well as one given in HEX.
    pub fn checked(self) -> Result<Framing, FramingSpecError> {
        match self {
            Framing::Delimiter(delimiter) if delimiter.is_empty() => {
                Err(FramingSpecError::EmptyDelimiter)
            }
            Framing::FixedLength(0) => Err(FramingSpecError::ZeroLength),
            Framing::IdleGap(gap) if gap.is_zero() => Err(FramingSpecError::ZeroGap),
            framing => Ok(framing),
        }
    }
}

/// Reads a framing as the command line writes it: `delimiter:HEX`,
/// `fixed:N` (bytes), `idle:MS` (milliseconds), or `none`. A framing that
/// could never end a message (an empty delimiter, a length or gap of 0) is
/// refused rather than quietly meaning `none`.
impl FromStr for Framing {
    type Err = FramingSpecError;

    fn from_str(spec: &str) -> Result<Framing, FramingSpecError> {
        let spec = spec.trim();
        let unknown = || FramingSpecError::Unknown {
            spec: spec.to_owned(),
        };
        if spec.eq_ignore_ascii_case("none") {
            return Ok(Framing::None);
        }
        let (kind, value) = spec.split_once(':').ok_or_else(unknown)?;
        let value = value.trim();
        match kind.trim().to_ascii_lowercase().as_str() {
            "delimiter" => {
                let bytes = parse_hex(value).map_err(|source| FramingSpecError::DelimiterHex {
                    text: value.to_owned(),
                    source,
                })?;
                Framing::Delimiter(bytes).checked()
            }
            "fixed" => match value.parse::<usize>() {
                Ok(length) => Framing::FixedLength(length).checked(),
                Err(_) => Err(FramingSpecError::BadLength {
                    text: value.to_owned(),
                }),
            },
            "idle" => match value.parse::<u64>() {
                Ok(gap_ms) => Framing::IdleGap(Duration::from_millis(gap_ms)).checked(),
                Err(_) => Err(FramingSpecError::BadGap {
                    text: value.to_owned(),
                }),
            },
            _ => Err(unknown()),
        }
    }
}

/// Why a message ended where it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// With `Framing::None`: the chunk as it arrived.
    Chunk,
    Delimiter,
    Length,
    IdleGap,
    /// The buffer reached its cap before the message was complete.
    Overflow,
    /// The stream ended (or the caller asked) with bytes still held.
    Finished,
}

/// One framed message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// When its first byte arrived.
    pub at_us: i64,
    pub bytes: Vec<u8>,
    pub cut: Cut,
}

/// The framer of one peer's stream.
#[derive(Debug)]
pub struct Framer {
    framing: Framing,
    max_buffered: usize,
    buffer: Vec<u8>,
    /// When the first byte now in `buffer` arrived.
    first_at_us: i64,
    /// When the last byte arrived, for the idle gap.
    last_at_us: i64,
    /// Where the delimiter search resumes, so that a long message that comes
    /// in many chunks is scanned once, not once per chunk.
    scanned: usize,
}

impl Framer {
    pub fn new(framing: Framing) -> Framer {
        Framer::with_cap(framing, DEFAULT_MAX_BUFFERED_BYTES)
    }

    /// A framer that holds at most `max_buffered` bytes (at least one).
    pub fn with_cap(framing: Framing, max_buffered: usize) -> Framer {
        let framing = match framing {
            Framing::Delimiter(delimiter) if delimiter.is_empty() => Framing::None,
            Framing::FixedLength(0) => Framing::None,
            other => other,
        };
        Framer {
            framing,
            max_buffered: max_buffered.max(1),
            buffer: Vec::new(),
            first_at_us: 0,
            last_at_us: 0,
            scanned: 0,
        }
    }

    pub fn framing(&self) -> &Framing {
        &self.framing
    }

    /// Bytes held that are not yet part of a complete message.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    /// Takes a chunk that arrived at `at_us` and returns the messages it
    /// completed, in order.
    pub fn push(&mut self, bytes: &[u8], at_us: i64) -> Vec<Message> {
        let mut out = Vec::new();
        if let Framing::None = self.framing {
            if !bytes.is_empty() {
                out.push(Message {
                    at_us,
                    bytes: bytes.to_vec(),
                    cut: Cut::Chunk,
                });
            }
            return out;
        }
        if bytes.is_empty() {
            return out;
        }
        if let Framing::IdleGap(gap) = self.framing
            && !self.buffer.is_empty()
            && gap_elapsed(self.last_at_us, at_us, gap)
        {
            out.extend(self.take_all(Cut::IdleGap));
        }
        if self.buffer.is_empty() {
            self.first_at_us = at_us;
        }
        self.last_at_us = at_us;
        self.buffer.extend_from_slice(bytes);
        self.cut_complete(&mut out, at_us);
        out
    }

    /// With an idle gap: the held message, once no byte arrived for the gap.
    pub fn flush_due(&mut self, now_us: i64) -> Option<Message> {
        match self.framing {
            Framing::IdleGap(gap)
                if !self.buffer.is_empty() && gap_elapsed(self.last_at_us, now_us, gap) =>
            {
                self.take_all(Cut::IdleGap)
            }
            _ => None,
        }
    }

    /// When `flush_due` will next return a message, if it will.
    pub fn next_deadline_us(&self) -> Option<i64> {
        match self.framing {
            Framing::IdleGap(gap) if !self.buffer.is_empty() => Some(
                self.last_at_us
                    .saturating_add(i64::try_from(gap.as_micros()).unwrap_or(i64::MAX)),
            ),
            _ => None,
        }
    }

    /// What is held, as a last message: the stream ended.
    pub fn finish(&mut self) -> Option<Message> {
        self.take_all(Cut::Finished)
    }

    /// Cuts every complete message out of the buffer, then enforces the cap.
    fn cut_complete(&mut self, out: &mut Vec<Message>, at_us: i64) {
        let mut start = 0;
        match &self.framing {
            Framing::Delimiter(delimiter) => {
                let mut search_from = self.scanned;
                while let Some(found) = find(&self.buffer[search_from..], delimiter) {
                    let end = search_from + found + delimiter.len();
                    out.push(Message {
                        at_us: if start == 0 { self.first_at_us } else { at_us },
                        bytes: self.buffer[start..end].to_vec(),
                        cut: Cut::Delimiter,
                    });
                    start = end;
                    search_from = end;
                }
                // The delimiter may straddle this chunk and the next one.
                self.scanned = self
                    .buffer
                    .len()
                    .saturating_sub(delimiter.len() - 1)
                    .max(start);
            }
            Framing::FixedLength(length) => {
                let length = (*length).min(self.max_buffered);
                while self.buffer.len() - start >= length {
                    out.push(Message {
                        at_us: if start == 0 { self.first_at_us } else { at_us },
                        bytes: self.buffer[start..start + length].to_vec(),
                        cut: Cut::Length,
                    });
                    start += length;
                }
            }
            Framing::None | Framing::IdleGap(_) => {}
        }
        while self.buffer.len() - start >= self.max_buffered {
            out.push(Message {
                at_us: if start == 0 { self.first_at_us } else { at_us },
                bytes: self.buffer[start..start + self.max_buffered].to_vec(),
                cut: Cut::Overflow,
            });
            start += self.max_buffered;
        }
        if start > 0 {
            self.buffer.drain(..start);
            self.scanned = self.scanned.saturating_sub(start);
            self.first_at_us = at_us;
            // What was cut out is given back, not kept as room: a server's
            // clients are charged for what they hold (PeerFramers).
            if self.buffer.capacity() > 2 * self.buffer.len() + SHRINK_SLACK_BYTES {
                self.buffer.shrink_to(self.buffer.len());
            }
        }
    }

    fn take_all(&mut self, cut: Cut) -> Option<Message> {
        if self.buffer.is_empty() {
            return None;
        }
        self.scanned = 0;
        Some(Message {
            at_us: self.first_at_us,
            bytes: std::mem::take(&mut self.buffer),
            cut,
        })
    }
}

/// True when at least `gap` passed from `since_us` to `now_us`. A clock that
/// stepped backwards counts as no time passed, so it only delays a cut.
fn gap_elapsed(since_us: i64, now_us: i64, gap: Duration) -> bool {
    let elapsed = u128::try_from(now_us.saturating_sub(since_us)).unwrap_or(0);
    elapsed >= gap.as_micros()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Room a framer's buffer may keep beyond twice what it holds.
const SHRINK_SLACK_BYTES: usize = 64 << 10;

/// One framer per peer, for a TCP server with many clients, and what they
/// hold together under [`DEFAULT_MAX_HELD_BYTES`].
#[derive(Debug)]
pub struct PeerFramers {
    framing: Framing,
    framers: HashMap<SocketAddr, Framer>,
    /// The sum of every framer's [`Framer::buffered`].
    held: usize,
    max_held: usize,
}

impl PeerFramers {
    pub fn new(framing: Framing) -> PeerFramers {
        PeerFramers::with_cap(framing, DEFAULT_MAX_HELD_BYTES)
    }

    /// Framers that hold at most `max_held` bytes together.
    pub fn with_cap(framing: Framing, max_held: usize) -> PeerFramers {
        PeerFramers {
            framing,
            framers: HashMap::new(),
            held: 0,
            max_held,
        }
    }

    /// Bytes held by every peer's framer together.
    pub fn held(&self) -> usize {
        self.held
    }

    /// Takes a chunk of `peer`'s and returns the messages it completed.
    /// The framers may then hold more than their cap together: ask
    /// [`PeerFramers::over_cap`] until it answers `None`.
    pub fn push(&mut self, peer: SocketAddr, bytes: &[u8], at_us: i64) -> Vec<Message> {
        let framing = &self.framing;
        let framer = self
            .framers
            .entry(peer)
            .or_insert_with(|| Framer::new(framing.clone()));
        let before = framer.buffered();
        let out = framer.push(bytes, at_us);
        self.held = self.held.saturating_sub(before) + framer.buffered();
        out
    }

    /// While the framers hold more than their cap together: what the one
    /// holding the most holds, handed over as a message marked as cut.
    pub fn over_cap(&mut self) -> Option<(SocketAddr, Message)> {
        if self.held <= self.max_held {
            return None;
        }
        let (&largest, framer) = self.framers.iter_mut().max_by_key(|(_, f)| f.buffered())?;
        let message = framer.take_all(Cut::Overflow)?;
        self.held = self.held.saturating_sub(message.bytes.len());
        Some((largest, message))
    }

    /// Every peer's message whose idle gap has passed.
    pub fn flush_due(&mut self, now_us: i64) -> Vec<(SocketAddr, Message)> {
        let due: Vec<(SocketAddr, Message)> = self
            .framers
            .iter_mut()
            .filter_map(|(peer, framer)| framer.flush_due(now_us).map(|m| (*peer, m)))
            .collect();
        for (_, message) in &due {
            self.held = self.held.saturating_sub(message.bytes.len());
        }
        due
    }

    /// The earliest idle-gap deadline of any peer.
    pub fn next_deadline_us(&self) -> Option<i64> {
        self.framers
            .values()
            .filter_map(Framer::next_deadline_us)
            .min()
    }

    /// The peer disconnected: what it left unfinished, and forget it.
    pub fn finish(&mut self, peer: SocketAddr) -> Option<Message> {
        let message = self.framers.remove(&peer).and_then(|mut f| f.finish())?;
        self.held = self.held.saturating_sub(message.bytes.len());
        Some(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of(messages: &[Message]) -> Vec<&[u8]> {
        messages.iter().map(|m| m.bytes.as_slice()).collect()
    }

    #[test]
    fn none_passes_chunks_through() {
        let mut framer = Framer::new(Framing::None);
        let out = framer.push(b"ab", 5);
        assert_eq!(
            out,
            [Message {
                at_us: 5,
                bytes: b"ab".to_vec(),
                cut: Cut::Chunk
            }]
        );
        assert!(framer.push(b"", 6).is_empty());
        assert_eq!(framer.buffered(), 0);
    }

    #[test]
    fn delimiter_splits_and_joins_across_chunks() {
        let mut framer = Framer::new(Framing::Delimiter(b"\r\n".to_vec()));
        let out = framer.push(b"one\r\ntwo\r", 10);
        assert_eq!(bytes_of(&out), [b"one\r\n".as_slice()]);
        assert_eq!(out[0].at_us, 10);
        // The delimiter straddles two chunks.
        let out = framer.push(b"\nthr", 20);
        assert_eq!(bytes_of(&out), [b"two\r\n".as_slice()]);
        assert_eq!(out[0].at_us, 10, "a message is stamped with its first byte");
        assert_eq!(framer.buffered(), 3);
        let out = framer.push(b"ee\r\n\r\n", 30);
        assert_eq!(bytes_of(&out), [b"three\r\n".as_slice(), b"\r\n"]);
        assert_eq!(out[0].at_us, 20);
        assert_eq!(framer.finish(), None);
    }

    #[test]
    fn delimiter_of_binary_bytes_one_byte_at_a_time() {
        let mut framer = Framer::new(Framing::Delimiter(vec![0x7E, 0x7E]));
        let stream = [0x01, 0x7E, 0x02, 0x7E, 0x7E, 0x03];
        let mut out = Vec::new();
        for (i, b) in stream.iter().enumerate() {
            out.extend(framer.push(&[*b], i as i64));
        }
        assert_eq!(bytes_of(&out), [[0x01, 0x7E, 0x02, 0x7E, 0x7E].as_slice()]);
        let rest = framer.finish().expect("one byte is held");
        assert_eq!(rest.bytes, [0x03]);
        assert_eq!(rest.cut, Cut::Finished);
        assert_eq!(rest.at_us, 5);
    }

    #[test]
    fn fixed_length_regroups_chunks() {
        let mut framer = Framer::new(Framing::FixedLength(4));
        assert!(framer.push(&[1, 2, 3], 0).is_empty());
        let out = framer.push(&[4, 5, 6, 7, 8, 9, 10], 1);
        assert_eq!(bytes_of(&out), [[1, 2, 3, 4].as_slice(), &[5, 6, 7, 8]]);
        assert!(out.iter().all(|m| m.cut == Cut::Length));
        assert_eq!(out[0].at_us, 0);
        assert_eq!(out[1].at_us, 1);
        assert_eq!(framer.buffered(), 2);
    }

    #[test]
    fn idle_gap_cuts_on_push_and_on_flush() {
        // Stamps are µs: a gap of 50 µs keeps the numbers small.
        let gap = Duration::from_micros(50);
        let mut framer = Framer::new(Framing::IdleGap(gap));
        assert!(framer.push(b"ab", 1000).is_empty());
        assert!(
            framer.push(b"cd", 1049).is_empty(),
            "49 µs is within the gap"
        );
        assert_eq!(framer.next_deadline_us(), Some(1099));
        assert_eq!(framer.flush_due(1098), None);
        let message = framer.flush_due(1099).expect("the gap passed");
        assert_eq!(message.bytes, b"abcd");
        assert_eq!(message.at_us, 1000);
        assert_eq!(message.cut, Cut::IdleGap);
        assert_eq!(framer.next_deadline_us(), None);

        // A late chunk ends the held message before it starts the next.
        assert!(framer.push(b"x", 2000).is_empty());
        let out = framer.push(b"y", 2100);
        assert_eq!(bytes_of(&out), [b"x".as_slice()]);
        assert_eq!(framer.flush_due(2150).map(|m| m.bytes), Some(b"y".to_vec()));
    }

    #[test]
    fn clock_stepping_back_only_delays_the_cut() {
        let mut framer = Framer::new(Framing::IdleGap(Duration::from_micros(10)));
        framer.push(b"a", 1000);
        assert_eq!(framer.flush_due(500), None);
        assert!(framer.flush_due(1010).is_some());
    }

    #[test]
    fn cap_bounds_what_is_held() {
        let mut framer = Framer::with_cap(Framing::Delimiter(b"\n".to_vec()), 4);
        let out = framer.push(b"abcdefghij", 0);
        assert_eq!(bytes_of(&out), [b"abcd".as_slice(), b"efgh"]);
        assert!(out.iter().all(|m| m.cut == Cut::Overflow));
        assert_eq!(framer.buffered(), 2);
        let out = framer.push(b"\n", 1);
        assert_eq!(bytes_of(&out), [b"ij\n".as_slice()]);

        let mut framer = Framer::with_cap(Framing::IdleGap(Duration::from_secs(1)), 3);
        let out = framer.push(b"abcdefg", 0);
        assert_eq!(bytes_of(&out), [b"abc".as_slice(), b"def"]);
        assert_eq!(framer.buffered(), 1);

        let mut framer = Framer::with_cap(Framing::FixedLength(10), 4);
        let out = framer.push(b"abcdefghij", 0);
        assert_eq!(bytes_of(&out), [b"abcd".as_slice(), b"efgh"]);
    }

    #[test]
    fn degenerate_framings_mean_none() {
        assert_eq!(
            Framer::new(Framing::Delimiter(Vec::new())).framing(),
            &Framing::None
        );
        assert_eq!(
            Framer::new(Framing::FixedLength(0)).framing(),
            &Framing::None
        );
    }

    #[test]
    fn specs_parse_into_framings() {
        assert_eq!(
            "delimiter:0D0A".parse(),
            Ok(Framing::Delimiter(b"\r\n".to_vec()))
        );
        assert_eq!(
            " Delimiter: 7e 7e ".parse(),
            Ok(Framing::Delimiter(vec![0x7E, 0x7E]))
        );
        assert_eq!("fixed:16".parse(), Ok(Framing::FixedLength(16)));
        assert_eq!(
            "idle:50".parse(),
            Ok(Framing::IdleGap(Duration::from_millis(50)))
        );
        assert_eq!("none".parse(), Ok(Framing::None));
    }

    #[test]
    fn bad_specs_are_sentences() {
        let error = |spec: &str| spec.parse::<Framing>().unwrap_err().to_string();
        assert_eq!(
            error("lines"),
            "'lines' is not a framing: use delimiter:HEX (such as delimiter:0D0A), fixed:N (a message length in bytes, such as fixed:16) or idle:MS (a gap in milliseconds, such as idle:50)"
        );
        assert!(error("size:4").starts_with("'size:4' is not a framing"));
        assert_eq!(
            error("delimiter:0G"),
            "the delimiter '0G' is not valid HEX: 'G' at position 2 is not a HEX digit"
        );
        assert!(error("delimiter:").starts_with("the delimiter is empty"));
        assert!(error("fixed:0").starts_with("a message length of 0 bytes would never end"));
        assert!(error("fixed:-3").starts_with("fixed:-3 is not a message length"));
        assert!(error("idle:0").starts_with("an idle gap of 0 ms would never end"));
        assert!(error("idle:soon").starts_with("idle:soon is not an idle gap"));
    }

    #[test]
    fn peers_are_framed_apart() {
        let a: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let b: SocketAddr = "[::1]:2".parse().unwrap();
        let mut framers = PeerFramers::new(Framing::Delimiter(b";".to_vec()));
        assert!(framers.push(a, b"a1", 0).is_empty());
        assert!(framers.push(b, b"b1;", 0).len() == 1);
        let out = framers.push(a, b";", 1);
        assert_eq!(bytes_of(&out), [b"a1;".as_slice()]);
        framers.push(b, b"b2", 2);
        assert_eq!(framers.finish(b).map(|m| m.bytes), Some(b"b2".to_vec()));
        assert_eq!(framers.finish(b), None);

        let mut framers = PeerFramers::new(Framing::IdleGap(Duration::from_micros(5)));
        framers.push(a, b"x", 0);
        framers.push(b, b"y", 3);
        assert_eq!(framers.next_deadline_us(), Some(5));
        let due = framers.flush_due(6);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].0, a);
    }

    #[test]
    fn past_the_cap_together_the_largest_holder_is_handed_over_marked() {
        let a: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let b: SocketAddr = "127.0.0.1:2".parse().unwrap();
        let c: SocketAddr = "127.0.0.1:3".parse().unwrap();
        let mut framers = PeerFramers::with_cap(Framing::Delimiter(b";".to_vec()), 10);
        assert!(framers.push(a, b"aaaaaa", 0).is_empty());
        assert!(framers.push(b, b"bbb", 1).is_empty());
        assert_eq!(framers.held(), 9);
        // c's two bytes take the three of them past 10: a, the largest,
        // hands over what it holds, marked, and nothing is lost.
        assert!(framers.push(c, b"cc", 2).is_empty());
        let (from, message) = framers.over_cap().expect("past the cap");
        assert_eq!(from, a);
        assert_eq!(message.bytes, b"aaaaaa");
        assert_eq!(message.cut, Cut::Overflow);
        assert_eq!(framers.held(), 5);
        assert!(framers.over_cap().is_none(), "under the cap again");
        // The others go on as before.
        let out = framers.push(b, b";", 3);
        assert_eq!(bytes_of(&out), [b"bbb;".as_slice()]);
        assert_eq!(framers.held(), 2);
        assert_eq!(framers.finish(c).map(|m| m.bytes), Some(b"cc".to_vec()));
        assert_eq!(framers.held(), 0);
    }

    #[test]
    fn a_framer_gives_back_the_room_of_what_it_cut_out() {
        let mut framer = Framer::new(Framing::Delimiter(b";".to_vec()));
        let mut big = vec![b'x'; 512 << 10];
        big.push(b';');
        big.extend_from_slice(b"rest");
        assert_eq!(framer.push(&big, 0).len(), 1);
        assert_eq!(framer.buffered(), 4);
        assert!(framer.buffer.capacity() <= 2 * 4 + SHRINK_SLACK_BYTES);
    }
}
