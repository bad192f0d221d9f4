//! What a user can open, and the validated configuration a session is
//! spawned from. A leaf of the session runtime: no worker is imported
//! here.

use std::net::SocketAddr;
use std::time::Duration;

use super::endpoint::Endpoint;
use super::multicast::MulticastJoin;
use crate::tftp;

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
    /// ([`super::CloseReason::Idle`]); `None` keeps quiet clients for ever.
    pub idle_timeout: Option<Duration>,
    /// Most clients at once from one IP address (IPv4-mapped IPv6
    /// addresses count as IPv4); further ones are refused
    /// ([`super::CloseReason::TooManyFromAddress`]). `None`: no limit.
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
    TftpServer(tftp::ServerConfig),
    TftpClient(tftp::ClientConfig),
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
