//! What a session tells its front end: [`Event`] and the values it
//! carries. A leaf of the session runtime: no worker is imported here, so
//! every worker and both front ends can depend on it.

use crate::clock::us_to_ms;
use crate::conn::ConnTag;
use std::fmt;
use std::net::SocketAddr;

use super::budget::Held;
use super::error::SessionError;
use super::multicast::MulticastJoin;
use super::rx_file::RxFileFailed;
use super::ws::event::WsEvent;
use netassist_core::tftp;

/// Bytes that arrived from a peer, with when they were read and over
/// which connection: one of the [`Chunks`] of a `Received` event, borrowed
/// from its buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk<'a> {
    /// When they were read from the socket, µs since the epoch (a framed
    /// message: when its first byte was).
    pub at_us: i64,
    pub peer: SocketAddr,
    /// The connection they came over (its addresses were said by the
    /// `Connected` event with the same tag); [`ConnTag::NONE`] for UDP.
    pub conn: ConnTag,
    pub bytes: &'a [u8],
}

impl Chunk<'_> {
    /// When they were read, in ms since the epoch (as the log shows it).
    pub fn at_ms(&self) -> i64 {
        us_to_ms(self.at_us)
    }
}

/// What a TCP server shows when a client finished sending but is kept
/// until its queued data is sent.
pub const PEER_FINISHED: &str = "peer finished sending";

/// Received chunks handed over as one event. Their bytes count against the
/// session's event budget ([`super::MAX_EVENT_BYTES`]) until this is
/// dropped, so a front end that holds on to events holds back reading.
///
/// The chunks' bytes lie end to end in one buffer: a flood of small
/// messages costs an allocation per batch, not one per message, on the
/// session thread that fills it and on the front end that frees it.
#[derive(Clone, Debug, Default)]
pub struct Chunks {
    spans: Vec<Span>,
    bytes: Vec<u8>,
    held: Held,
}

/// Where one chunk's bytes end in [`Chunks`]' buffer (each starts where
/// the one before it ends), and who sent them when.
#[derive(Clone, Copy, Debug)]
struct Span {
    at_us: i64,
    peer: SocketAddr,
    /// [`ConnTag::pack`], and `end` a `u32` (a batch holds a few MiB),
    /// so that a chunk's record stays 48 bytes.
    conn: u32,
    end: u32,
}

// A chunk's record is part of what its charge to the budget covers.
const _: () = assert!(std::mem::size_of::<Span>() <= super::budget::CHUNK_OVERHEAD_BYTES);
// And is no larger for its connection's tag than it was without it.
const _: () = assert!(std::mem::size_of::<Span>() <= 48);

impl Chunks {
    /// Makes room for `bytes` more without growing the buffer.
    pub(crate) fn reserve(&mut self, bytes: usize) {
        self.bytes.reserve(bytes);
    }

    /// Adds a chunk; its charge is the caller's (see [`Chunks::held_mut`]).
    #[inline]
    pub(crate) fn push(&mut self, at_us: i64, peer: SocketAddr, conn: ConnTag, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
        self.spans.push(Span {
            at_us,
            peer,
            conn: conn.pack(),
            // Past 4 GiB (never: a batch is handed over at BATCH_BYTES) the
            // chunks after it would read as missing, not as wrong bytes.
            end: u32::try_from(self.bytes.len()).unwrap_or(u32::MAX),
        });
    }

    /// Gives back the room the buffers left unused when it is more than a
    /// quarter of their bytes (a buffer that grew by doubling), in place,
    /// so that what waits for the front end holds about what it is charged.
    pub(crate) fn shrink_slack(&mut self) {
        if self.bytes.capacity() - self.bytes.len() > self.bytes.len() / 4 {
            self.bytes.shrink_to_fit();
        }
        if self.spans.capacity() - self.spans.len() > self.spans.len() / 4 {
            self.spans.shrink_to_fit();
        }
    }

    /// The charge that these chunks hold.
    pub(crate) fn held_mut(&mut self) -> &mut Held {
        &mut self.held
    }

    /// Chunks made of `(at_ms, peer, bytes)` of no connection, charged to
    /// nothing: for tests of what front ends make of them.
    pub fn unbudgeted<'a>(chunks: impl IntoIterator<Item = (i64, SocketAddr, &'a [u8])>) -> Chunks {
        let mut all = Chunks::default();
        for (at_ms, peer, bytes) in chunks {
            all.push(at_ms.saturating_mul(1000), peer, ConnTag::NONE, bytes);
        }
        all
    }

    /// The bytes charged to the event budget for these chunks.
    pub fn held_bytes(&self) -> usize {
        self.held.bytes()
    }

    /// How many chunks there are.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The bytes of all the chunks together.
    pub fn total_bytes(&self) -> usize {
        self.bytes.len()
    }

    pub fn first(&self) -> Option<Chunk<'_>> {
        self.iter().next()
    }

    pub fn iter(&self) -> ChunksIter<'_> {
        ChunksIter {
            chunks: self,
            next: 0,
            start: 0,
        }
    }
}

impl<'a> IntoIterator for &'a Chunks {
    type Item = Chunk<'a>;
    type IntoIter = ChunksIter<'a>;

    fn into_iter(self) -> ChunksIter<'a> {
        self.iter()
    }
}

/// The chunks of an event one by one, borrowed from it.
#[derive(Clone, Debug)]
pub struct ChunksIter<'a> {
    chunks: &'a Chunks,
    next: usize,
    /// Where the next chunk's bytes start.
    start: usize,
}

impl<'a> Iterator for ChunksIter<'a> {
    type Item = Chunk<'a>;

    #[inline]
    fn next(&mut self) -> Option<Chunk<'a>> {
        let span = self.chunks.spans.get(self.next)?;
        let end = span.end as usize;
        let bytes = self.chunks.bytes.get(self.start..end)?;
        self.next += 1;
        self.start = end;
        Some(Chunk {
            at_us: span.at_us,
            peer: span.peer,
            conn: ConnTag::unpack(span.conn),
            bytes,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.chunks.spans.len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for ChunksIter<'_> {}

/// UDP datagrams that arrived but were not kept because the front end was
/// behind (the event budget, [`super::MAX_EVENT_BYTES`], was spent): totals since
/// the session opened. The session sends at most one report at a time and
/// the next only once this one was taken, so reports cannot pile up.
#[derive(Debug)]
pub struct RxDropped {
    pub datagrams: u64,
    pub bytes: u64,
    _held: Held,
}

impl RxDropped {
    /// A report of `datagrams` (`bytes`) not kept, holding its share of
    /// the event budget until the front end drops it.
    pub(super) fn new(datagrams: u64, bytes: u64, held: Held) -> RxDropped {
        RxDropped {
            datagrams,
            bytes,
            _held: held,
        }
    }

    /// A report charged to nothing, for tests of what front ends show
    /// (the wording is `describe::Description::RxDropped`).
    #[cfg(test)]
    pub(crate) fn for_test(datagrams: u64, bytes: u64) -> RxDropped {
        RxDropped {
            datagrams,
            bytes,
            _held: Held::none(),
        }
    }
}

/// Why a connection ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The peer closed it (FIN).
    ClosedByPeer,
    /// The peer reset it.
    Reset,
    /// We closed it.
    Local,
    /// The server had too many clients.
    TooManyClients,
    /// The server already had as many clients from this address as it
    /// allows from one.
    TooManyFromAddress,
    /// The client sent nothing for longer than the server's idle timeout.
    Idle,
}

impl CloseReason {
    pub fn describe(self) -> &'static str {
        match self {
            CloseReason::ClosedByPeer => "closed by peer",
            CloseReason::Reset => "reset by peer",
            CloseReason::Local => "closed",
            CloseReason::TooManyClients => "refused: too many clients",
            CloseReason::TooManyFromAddress => {
                "refused: this address already has as many clients as the server allows from one address"
            }
            CloseReason::Idle => "dropped: it sent nothing for longer than the idle timeout",
        }
    }
}

#[derive(Debug)]
pub enum Event {
    /// UDP bound, TCP server listening, TFTP server serving.
    Opened { local: SocketAddr },
    /// TCP client: trying this address.
    Connecting { remote: SocketAddr },
    /// TCP client connected, or a TCP server accepted a client. Emitted
    /// before anything of that connection is read, and stamped then, so
    /// front ends log it before that connection's first `Received` chunk
    /// and with a time stamp not later than that chunk's.
    Connected {
        peer: SocketAddr,
        local: SocketAddr,
        at_ms: i64,
        /// The tag every row of this connection carries.
        conn: ConnTag,
    },
    /// Received data. TCP with framing: each chunk is one whole framed
    /// message, stamped with the arrival of its first byte.
    Received(Chunks),
    /// UDP: datagrams not kept because the front end was behind.
    RxDropped(RxDropped),
    /// Bytes accepted for sending to these peers.
    Sent {
        at_ms: i64,
        to: Vec<SocketAddr>,
        bytes: Vec<u8>,
        /// The bytes' charge to the event budget.
        held: Held,
    },
    Disconnected {
        peer: SocketAddr,
        reason: CloseReason,
    },
    /// TCP server: this client finished sending (a half-close, FIN). The
    /// server keeps it until what is queued for it is sent, then closes
    /// it (`Disconnected`, closed by peer). The wording is
    /// [`PEER_FINISHED`].
    PeerFinished { peer: SocketAddr },
    /// Echo or auto-reply answers were held back (own address, or the
    /// per-peer cap [`super::REPLY_CAP_PER_SEC`]).
    ReplyHeld(ReplyHeld),
    /// Something went wrong but the session goes on.
    Error(SessionError),
    /// A TFTP transfer started, progressed, finished or failed.
    Transfer(tftp::TransferEvent),
    /// A loop send ended (count reached, stopped, or a send failed).
    LoopStopped { sent: u64 },
    /// UDP: now a member of this group.
    Joined(MulticastJoin),
    /// UDP: no longer a member of this group.
    Left(MulticastJoin),
    /// A file send started (`sent` 0, except for an empty file),
    /// progressed (at most ten times a second) or ended whole: `sent ==
    /// total` means the end, and only the end. File bytes are reported
    /// only here, not as `Sent` events, so a large file does not flood the
    /// log.
    FileProgress { sent: u64, total: u64 },
    /// A file send ended before the whole file was sent.
    FileAborted {
        sent: u64,
        total: u64,
        reason: SessionError,
    },
    /// Receive to file stopped: a write failed. Received data still comes
    /// as `Received` events.
    RxFileFailed(RxFileFailed),
    /// WebSocket: a handshake, ping, pong, close or protocol error.
    Ws(WsEvent),
    /// TLS sessions: a handshake's outcome, the "ignore certificate
    /// errors" warning, a server's own certificate.
    Tls(super::tls::TlsEvent),
    /// Always the last event of a session.
    Stopped(Option<SessionError>),
}

/// Why answers were held back, as an event the front ends show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplyHeld {
    /// A message came from the session's own socket address; answering it
    /// would answer itself for ever.
    OwnAddress { peer: SocketAddr },
    /// This peer sent more than `per_second` messages to answer in a
    /// second; `skipped` of them got no answer.
    OverCap {
        peer: SocketAddr,
        skipped: u64,
        per_second: u32,
    },
    /// More than `max_peers` peers sent messages to answer within a
    /// second; `skipped` messages from further peers got no answer.
    TooManyPeers { skipped: u64, max_peers: usize },
}

impl fmt::Display for ReplyHeld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyHeld::OwnAddress { peer } => write!(
                f,
                "not answering {peer}: it is this session's own address, and answering it would loop"
            ),
            ReplyHeld::OverCap {
                peer,
                skipped,
                per_second,
            } => write!(
                f,
                "{skipped} message(s) from {peer} not answered: answers are limited to {per_second} a second per peer"
            ),
            ReplyHeld::TooManyPeers { skipped, max_peers } => write!(
                f,
                "{skipped} message(s) not answered: more than {max_peers} peers sent messages within a second"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_in_one_buffer_come_back_each_with_its_own_bytes_peer_and_time() {
        let a: SocketAddr = "127.0.0.1:5000".parse().expect("a test address");
        let b: SocketAddr = "[::1]:6000".parse().expect("a test address");
        let chunks = Chunks::unbudgeted([(1, a, &b"first"[..]), (2, b, b""), (3, a, b"xyz")]);
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks.total_bytes(), 8);
        let back: Vec<Chunk> = chunks.iter().collect();
        assert_eq!(
            back,
            [
                Chunk {
                    at_us: 1000,
                    peer: a,
                    conn: ConnTag::NONE,
                    bytes: b"first"
                },
                Chunk {
                    at_us: 2000,
                    peer: b,
                    conn: ConnTag::NONE,
                    bytes: b""
                },
                Chunk {
                    at_us: 3000,
                    peer: a,
                    conn: ConnTag::NONE,
                    bytes: b"xyz"
                },
            ]
        );
        assert_eq!(chunks.iter().len(), 3);
        assert_eq!(chunks.first().map(|chunk| chunk.at_ms()), Some(1));
        assert_eq!(chunks.first().map(|chunk| chunk.bytes), Some(&b"first"[..]));
        assert!(Chunks::default().first().is_none());
    }

    #[test]
    fn a_chunk_keeps_its_microseconds_and_connection() {
        let a: SocketAddr = "127.0.0.1:5000".parse().expect("a test address");
        let conn = ConnTag::only(42);
        let mut chunks = Chunks::default();
        chunks.push(1_700_000_000_123_456, a, conn, b"x");
        let chunk = chunks.first().expect("one chunk");
        assert_eq!(
            (chunk.at_us, chunk.at_ms(), chunk.conn),
            (1_700_000_000_123_456, 1_700_000_000_123, conn)
        );
    }
}
