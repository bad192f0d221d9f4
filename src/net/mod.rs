//! The network engine: sessions that own sockets on their own threads and
//! talk to a front end only through [`Command`]s and [`Event`]s.
//!
//! Nothing here knows about egui. A session is spawned from a validated
//! config; the front end keeps the [`SessionHandle`] and drains its events.

mod conn;
mod endpoint;
mod error;
mod session;
mod tcp_client;
mod tcp_server;
mod udp;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use endpoint::{AddrError, Endpoint, parse_port};
pub use error::SessionError;
pub use session::{Outbox, SessionHandle, WorkerContext, spawn};

/// Wakes the front end after an event was sent; the GUI passes one that
/// calls `request_repaint`, the CLI one that does nothing.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// What a user can open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
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
}

#[derive(Clone, Debug)]
pub struct TcpClientConfig {
    pub remote: Endpoint,
    /// Bind to this local address first (port 0: any).
    pub local: Option<SocketAddr>,
    pub connect_timeout: Duration,
}

#[derive(Clone, Debug)]
pub struct TcpServerConfig {
    /// `[::]` listens on IPv6 and IPv4 at once.
    pub local: SocketAddr,
    pub max_clients: usize,
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
    Send { to: Target, bytes: Vec<u8> },
    /// UDP: change the remote address while open (`None`: no fixed remote).
    SetRemote(Option<Endpoint>),
    /// TCP server: drop one client. TCP client: disconnect.
    Disconnect(SocketAddr),
    /// TFTP: cancel one transfer.
    CancelTransfer(u64),
    Close,
}

/// Bytes that arrived from a peer, with when they arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub at_ms: i64,
    pub peer: SocketAddr,
    pub bytes: Vec<u8>,
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
}

impl CloseReason {
    pub fn describe(self) -> &'static str {
        match self {
            CloseReason::ClosedByPeer => "closed by peer",
            CloseReason::Reset => "reset by peer",
            CloseReason::Local => "closed",
            CloseReason::TooManyClients => "refused: too many clients",
        }
    }
}

#[derive(Debug)]
pub enum Event {
    /// UDP bound, TCP server listening, TFTP server serving.
    Opened { local: SocketAddr },
    /// TCP client: trying this address.
    Connecting { remote: SocketAddr },
    /// TCP client connected, or a TCP server accepted a client.
    Connected { peer: SocketAddr, local: SocketAddr },
    Received(Vec<Chunk>),
    /// Bytes accepted for sending to these peers.
    Sent {
        at_ms: i64,
        to: Vec<SocketAddr>,
        bytes: Vec<u8>,
    },
    Disconnected { peer: SocketAddr, reason: CloseReason },
    /// Something went wrong but the session goes on.
    Error(SessionError),
    /// A TFTP transfer started, progressed, finished or failed.
    Transfer(crate::tftp::TransferEvent),
    /// Always the last event of a session.
    Stopped(Option<SessionError>),
}
