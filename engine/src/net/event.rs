//! What a session tells its front end: [`Event`] and the values it
//! carries. A leaf of the session runtime: no worker is imported here, so
//! every worker and both front ends can depend on it.

use std::fmt;
use std::net::SocketAddr;

use super::budget::Held;
use super::error::SessionError;
use super::multicast::MulticastJoin;
use super::rx_file::RxFileFailed;
use super::ws::event::WsEvent;
use crate::tftp;

/// Bytes that arrived from a peer, with when they arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub at_ms: i64,
    pub peer: SocketAddr,
    pub bytes: Vec<u8>,
}

/// What a TCP server shows when a client finished sending but is kept
/// until its queued data is sent.
pub const PEER_FINISHED: &str = "peer finished sending";

/// Received chunks handed over as one event. Their bytes count against the
/// session's event budget ([`super::MAX_EVENT_BYTES`]) until this (or the
/// iterator it turns into) is dropped, so a front end that holds on to
/// events holds back reading.
#[derive(Clone, Debug)]
pub struct Chunks {
    chunks: Vec<Chunk>,
    held: Held,
}

impl Chunks {
    pub(crate) fn new(chunks: Vec<Chunk>, held: Held) -> Chunks {
        Chunks { chunks, held }
    }

    /// The bytes charged to the event budget for these chunks.
    pub fn held_bytes(&self) -> usize {
        self.held.bytes()
    }

    /// The chunks themselves; their charge is given back now.
    pub fn into_vec(self) -> Vec<Chunk> {
        self.chunks
    }
}

impl std::ops::Deref for Chunks {
    type Target = [Chunk];

    fn deref(&self) -> &[Chunk] {
        &self.chunks
    }
}

impl IntoIterator for Chunks {
    type Item = Chunk;
    type IntoIter = ChunksIntoIter;

    fn into_iter(self) -> ChunksIntoIter {
        ChunksIntoIter {
            chunks: self.chunks.into_iter(),
            _held: self.held,
        }
    }
}

impl<'a> IntoIterator for &'a Chunks {
    type Item = &'a Chunk;
    type IntoIter = std::slice::Iter<'a, Chunk>;

    fn into_iter(self) -> Self::IntoIter {
        self.chunks.iter()
    }
}

/// The chunks of an event one by one; the charge is given back when the
/// iterator is dropped.
pub struct ChunksIntoIter {
    chunks: std::vec::IntoIter<Chunk>,
    _held: Held,
}

impl Iterator for ChunksIntoIter {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        self.chunks.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chunks.size_hint()
    }
}

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
