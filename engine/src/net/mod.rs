//! The network engine: sessions that own sockets on their own threads and
//! talk to a front end only through [`Command`]s and [`Event`]s.
//!
//! Nothing here knows about the window toolkit. A session is spawned from a
//! validated config; the front end keeps the [`SessionHandle`] and drains
//! its events.

pub mod autoreply;
mod budget;
mod conn;
mod endpoint;
mod error;
mod file_send;
mod looper;
mod multicast;
mod recv_batch;
mod responder;
mod rx_file;
mod session;
mod tcp_client;
mod tcp_server;
mod udp;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use budget::{
    CHUNK_OVERHEAD_BYTES, Held, MAX_EVENT_BYTES, MAX_EVENTS_WAITING, RESUME_EVENT_BYTES,
};
pub use conn::{BATCH_BYTES, MAX_QUEUED_BYTES};
pub use endpoint::{AddrError, Endpoint, parse_port};
pub use error::{SessionError, TftpRequest, seconds_text};
pub use file_send::{DEFAULT_DATAGRAM_BYTES, MAX_DATAGRAM_BYTES};
pub use multicast::{InterfaceRef, LocalInterface, MULTICAST_TTL, MulticastJoin, interfaces};
pub use responder::{Answers, MAX_COUNTED_PEERS, REPLY_CAP_PER_SEC, ReplyHeld};
pub use rx_file::{LineFormat, RxFileFailed, RxFileSpec};
pub use session::{Outbox, SessionHandle, WorkerContext, spawn, spawn_answering, spawn_saving};

/// Wakes the front end after an event was sent; the GUI passes one that
/// calls `request_repaint`, the CLI one that does nothing.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// What a user can open.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Protocol {
    #[default]
    Udp,
    TcpClient,
    TcpServer,
    TftpServer,
    TftpClient,
}

impl Protocol {
    pub const ALL: [Protocol; 5] = [
        Protocol::Udp,
        Protocol::TcpClient,
        Protocol::TcpServer,
        Protocol::TftpServer,
        Protocol::TftpClient,
    ];

    /// The name used on the command line (`--mode`).
    pub fn cli_name(self) -> &'static str {
        match self {
            Protocol::Udp => "udp",
            Protocol::TcpClient => "tcp-client",
            Protocol::TcpServer => "tcp-server",
            Protocol::TftpServer => "tftp-server",
            Protocol::TftpClient => "tftp-client",
        }
    }
}

/// A UDP socket bound to `local`, sending to `remote` unless it replies to
/// the last sender.
#[derive(Clone, Debug)]
pub struct UdpConfig {
    pub local: SocketAddr,
    pub remote: Option<Endpoint>,
    pub reply_to_last_sender: bool,
    pub broadcast: bool,
    /// Groups joined when the socket opens. A receiver binds `0.0.0.0` (or
    /// `::`) with the group's port; a specific IPv4 `local` address also
    /// chooses the interface that group datagrams are sent on.
    pub multicast: Vec<MulticastJoin>,
    /// TTL (IPv4) or hop limit (IPv6) of datagrams sent to a group; `None`
    /// keeps the system's (1: this network only).
    pub multicast_ttl: Option<u32>,
    /// Whether datagrams sent to a group are also delivered to this
    /// machine's own members of the group (the system default is yes).
    pub multicast_loop: bool,
}

/// The connect timeouts a user may choose, in seconds: at least a tenth of
/// a second (less cannot see even a LAN's handshake, and would read as
/// "within 0 s") and at most ten minutes (systems give up long before).
/// The window's field and `--connect-timeout` both hold to it.
pub const CONNECT_TIMEOUT_SECS: std::ops::RangeInclusive<f64> = 0.1..=600.0;

#[derive(Clone, Debug)]
pub struct TcpClientConfig {
    pub remote: Endpoint,
    /// Bind to this local address first (port 0: any).
    pub local: Option<SocketAddr>,
    pub connect_timeout: Duration,
}

/// How many clients a TCP server takes at once unless told otherwise, in
/// the window and on the command line alike.
pub const DEFAULT_MAX_CLIENTS: usize = 1024;

#[derive(Clone, Debug)]
pub struct TcpServerConfig {
    /// `[::]` listens on IPv6 and IPv4 at once.
    pub local: SocketAddr,
    pub max_clients: usize,
    /// A client that sends nothing for this long is dropped
    /// ([`CloseReason::Idle`]); `None` keeps quiet clients for ever.
    pub idle_timeout: Option<Duration>,
    /// Most clients at once from one IP address (IPv4-mapped IPv6
    /// addresses count as IPv4); further ones are refused
    /// ([`CloseReason::TooManyFromAddress`]). `None`: no limit.
    pub max_clients_per_ip: Option<usize>,
}

impl TcpServerConfig {
    /// A server on `local` with up to `max_clients` clients, neither an
    /// idle timeout nor a per-address limit (both off by default: many
    /// clients may share one address, as behind a NAT or in a benchmark).
    pub fn new(local: SocketAddr, max_clients: usize) -> TcpServerConfig {
        TcpServerConfig {
            local,
            max_clients,
            idle_timeout: None,
            max_clients_per_ip: None,
        }
    }
}

/// A validated session configuration: bad input was refused before this
/// value could exist.
#[derive(Clone, Debug)]
pub enum SessionConfig {
    Udp(UdpConfig),
    TcpClient(TcpClientConfig),
    TcpServer(TcpServerConfig),
    TftpServer(crate::tftp::ServerConfig),
    TftpClient(crate::tftp::ClientConfig),
}

impl SessionConfig {
    pub fn protocol(&self) -> Protocol {
        match self {
            SessionConfig::Udp(_) => Protocol::Udp,
            SessionConfig::TcpClient(_) => Protocol::TcpClient,
            SessionConfig::TcpServer(_) => Protocol::TcpServer,
            SessionConfig::TftpServer(_) => Protocol::TftpServer,
            SessionConfig::TftpClient(_) => Protocol::TftpClient,
        }
    }
}

/// Where a send goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// UDP: the remote address, or the last sender when the session replies
    /// to it or has no remote. TCP client: the server. TCP server: every
    /// client.
    Default,
    /// These peers only (UDP: any address; TCP server: these clients).
    Peers(Vec<SocketAddr>),
}

#[derive(Debug)]
pub enum Command {
    Send {
        to: Target,
        bytes: Vec<u8>,
    },
    /// UDP: change the remote address while open (`None`: no fixed remote).
    SetRemote(Option<Endpoint>),
    /// UDP: while open, send to whoever sent last (true) or to the remote
    /// address (false), as `UdpConfig::reply_to_last_sender` does at open.
    SetReplyToLastSender(bool),
    /// TCP server: drop one client. TCP client: disconnect.
    Disconnect(SocketAddr),
    /// TFTP: cancel one transfer.
    CancelTransfer(u64),
    /// Send `bytes` every `period` (`count` times, or until stopped); the
    /// session thread keeps the pace.
    StartLoop {
        to: Target,
        bytes: Vec<u8>,
        period: Duration,
        count: Option<u64>,
    },
    StopLoop,
    /// Replaces the auto-reply rules (empty: off). The first rule that
    /// matches a received chunk sends its reply to that chunk's sender.
    SetAutoReply(Vec<autoreply::Rule>),
    /// UDP: join a multicast group while open.
    JoinGroup(MulticastJoin),
    /// UDP: leave a group joined at open or with `JoinGroup`.
    LeaveGroup(MulticastJoin),
    /// Sends a file's bytes. TCP streams it as the socket drains; UDP sends
    /// datagrams of `datagram_bytes` (0: [`DEFAULT_DATAGRAM_BYTES`]). One
    /// file at a time per session.
    SendFile {
        to: Target,
        path: PathBuf,
        datagram_bytes: usize,
    },
    /// Stops the file being sent.
    CancelFile,
    /// UDP, TCP client, TCP server: start writing every received chunk to
    /// this file as the session reads it (replacing any file before), or
    /// stop with `None`. What was buffered for the file before is written
    /// first. A write that fails ends saving with [`Event::RxFileFailed`].
    SetRxFile(Option<RxFileSpec>),
    Close,
}

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
/// session's event budget ([`MAX_EVENT_BYTES`]) until this (or the
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
/// behind (the event budget, [`MAX_EVENT_BYTES`], was spent): totals since
/// the session opened. The session sends at most one report at a time and
/// the next only once this one was taken, so reports cannot pile up.
#[derive(Debug)]
pub struct RxDropped {
    pub datagrams: u64,
    pub bytes: u64,
    _held: Held,
}

impl RxDropped {
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
    Opened {
        local: SocketAddr,
    },
    /// TCP client: trying this address.
    Connecting {
        remote: SocketAddr,
    },
    /// TCP client connected, or a TCP server accepted a client. Emitted
    /// before anything of that connection is read, and stamped then, so
    /// front ends log it before that connection's first `Received` chunk
    /// and with a time stamp not later than that chunk's.
    Connected {
        peer: SocketAddr,
        local: SocketAddr,
        at_ms: i64,
    },
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
    PeerFinished {
        peer: SocketAddr,
    },
    /// Echo or auto-reply answers were held back (own address, or the
    /// per-peer cap [`REPLY_CAP_PER_SEC`]).
    ReplyHeld(ReplyHeld),
    /// Something went wrong but the session goes on.
    Error(SessionError),
    /// A TFTP transfer started, progressed, finished or failed.
    Transfer(crate::tftp::TransferEvent),
    /// A loop send ended (count reached, stopped, or a send failed).
    LoopStopped {
        sent: u64,
    },
    /// UDP: now a member of this group.
    Joined(MulticastJoin),
    /// UDP: no longer a member of this group.
    Left(MulticastJoin),
    /// A file send started (`sent` 0, except for an empty file),
    /// progressed (at most ten times a second) or ended whole: `sent ==
    /// total` means the end, and only the end. File bytes are reported
    /// only here, not as `Sent` events, so a large file does not flood the
    /// log.
    FileProgress {
        sent: u64,
        total: u64,
    },
    /// A file send ended before the whole file was sent.
    FileAborted {
        sent: u64,
        total: u64,
        reason: SessionError,
    },
    /// Receive to file stopped: a write failed. Received data still comes
    /// as `Received` events.
    RxFileFailed(RxFileFailed),
    /// Always the last event of a session.
    Stopped(Option<SessionError>),
}
