//! What a user can open, and the validated configuration a session is
//! spawned from. A leaf of the session runtime: no worker is imported
//! here.

use std::net::SocketAddr;
use std::time::Duration;

use super::multicast::{DEFAULT_MULTICAST_TTL, MulticastJoin};
use super::tls::{DEFAULT_HANDSHAKE_TIMEOUT, TlsClientOptions, TlsServerOptions};
use super::ws::WsUrl;
use super::ws::event::MessageKind;
use crate::endpoint::Endpoint;
use crate::text::Framing;
use netassist_core::tftp;

/// What a user can open. On the command line (`--mode`) its names are
/// those of [`Protocol::cli_name`].
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Protocol {
    #[default]
    Udp,
    TcpClient,
    TcpServer,
    TftpServer,
    TftpClient,
    TlsClient,
    TlsServer,
    WsClient,
    WsServer,
}

impl Protocol {
    pub const ALL: [Protocol; 9] = [
        Protocol::Udp,
        Protocol::TcpClient,
        Protocol::TcpServer,
        Protocol::TftpServer,
        Protocol::TftpClient,
        Protocol::TlsClient,
        Protocol::TlsServer,
        Protocol::WsClient,
        Protocol::WsServer,
    ];

    /// The name used on the command line (`--mode`).
    pub fn cli_name(self) -> &'static str {
        match self {
            Protocol::Udp => "udp",
            Protocol::TcpClient => "tcp-client",
            Protocol::TcpServer => "tcp-server",
            Protocol::TftpServer => "tftp-server",
            Protocol::TftpClient => "tftp-client",
            Protocol::TlsClient => "tls-client",
            Protocol::TlsServer => "tls-server",
            Protocol::WsClient => "ws-client",
            Protocol::WsServer => "ws-server",
        }
    }

    /// UDP and every server: the session listens on a local address the
    /// user chooses, so the window shows its local fields and keeps other
    /// tabs off its port. A client's own port is whichever the system
    /// gives it (a TCP client may bind one first, but need not).
    pub fn listens(self) -> bool {
        match self {
            Protocol::Udp
            | Protocol::TcpServer
            | Protocol::TftpServer
            | Protocol::TlsServer
            | Protocol::WsServer => true,
            Protocol::TcpClient
            | Protocol::TftpClient
            | Protocol::TlsClient
            | Protocol::WsClient => false,
        }
    }

    /// The sessions told where to send by a remote address (`--remote`):
    /// UDP (whose remote may be left out to answer the last sender) and the
    /// TCP, TLS and TFTP clients. A WebSocket client is given a URL
    /// instead ([`Protocol::takes_url`]), and a server answers whoever
    /// connects.
    pub fn takes_remote(self) -> bool {
        match self {
            Protocol::Udp | Protocol::TcpClient | Protocol::TftpClient | Protocol::TlsClient => {
                true
            }
            Protocol::TcpServer
            | Protocol::TftpServer
            | Protocol::TlsServer
            | Protocol::WsClient
            | Protocol::WsServer => false,
        }
    }

    /// UDP: every message is one datagram, so the socket may answer the
    /// last sender, broadcast, change its remote while open, and each
    /// received datagram is a whole message without framing.
    pub fn sends_datagrams(self) -> bool {
        self == Protocol::Udp
    }

    /// Multicast groups are joined, and their TTL set, by a UDP socket
    /// only: no stream protocol has groups.
    pub fn joins_multicast(self) -> bool {
        self == Protocol::Udp
    }

    /// TCP, TLS and WebSocket servers: they keep a table of connected
    /// clients, so they take client limits and an idle timeout, send to
    /// the chosen clients (or all), and greet each one as it connects.
    pub fn serves_clients(self) -> bool {
        match self {
            Protocol::TcpServer | Protocol::TlsServer | Protocol::WsServer => true,
            Protocol::Udp
            | Protocol::TcpClient
            | Protocol::TftpServer
            | Protocol::TftpClient
            | Protocol::TlsClient
            | Protocol::WsClient => false,
        }
    }

    /// TCP, TLS and WebSocket clients: a client of one server, which waits
    /// for its connection (`--connect-timeout`) and can send only once it
    /// is connected.
    pub fn connects_to_one(self) -> bool {
        match self {
            Protocol::TcpClient | Protocol::TlsClient | Protocol::WsClient => true,
            Protocol::Udp
            | Protocol::TcpServer
            | Protocol::TftpServer
            | Protocol::TftpClient
            | Protocol::TlsServer
            | Protocol::WsServer => false,
        }
    }

    /// Framing (分包) cuts a TCP byte stream, plain or inside TLS, into
    /// messages. A UDP datagram and a WebSocket message are one message
    /// already, and TFTP moves whole files.
    pub fn frames_streams(self) -> bool {
        match self {
            Protocol::TcpClient
            | Protocol::TcpServer
            | Protocol::TlsClient
            | Protocol::TlsServer => true,
            Protocol::Udp
            | Protocol::TftpServer
            | Protocol::TftpClient
            | Protocol::WsClient
            | Protocol::WsServer => false,
        }
    }

    /// Every session but TFTP carries messages: they can be sent
    /// (`--send`), echoed, answered by auto-reply, checksummed and saved
    /// to a receive file. TFTP moves whole files, not messages.
    pub fn carries_messages(self) -> bool {
        !self.is_tftp()
    }

    /// The TFTP server and client, which move whole files, each with its
    /// own table of transfers instead of a send box.
    pub fn is_tftp(self) -> bool {
        match self {
            Protocol::TftpServer | Protocol::TftpClient => true,
            Protocol::Udp
            | Protocol::TcpClient
            | Protocol::TcpServer
            | Protocol::TlsClient
            | Protocol::TlsServer
            | Protocol::WsClient
            | Protocol::WsServer => false,
        }
    }

    /// The TFTP server: it serves one folder (`--root`), with uploads,
    /// overwrites and the number of transfers as the user allows.
    pub fn serves_files(self) -> bool {
        self == Protocol::TftpServer
    }

    /// The TFTP client: one session is one transfer, a get or a put of one
    /// file (`--get`, `--put` and their options), and it ends when that
    /// transfer does; it has nothing to send from a send box.
    pub fn transfers_one_file(self) -> bool {
        self == Protocol::TftpClient
    }

    /// TLS and WebSocket sessions take the TLS options (`--cert`, `--key`,
    /// `--ca`, `--alpn`, `--min-tls`): a WebSocket session may run over
    /// TLS (`wss://`).
    pub fn uses_tls_options(self) -> bool {
        match self {
            Protocol::TlsClient | Protocol::TlsServer | Protocol::WsClient | Protocol::WsServer => {
                true
            }
            Protocol::Udp
            | Protocol::TcpClient
            | Protocol::TcpServer
            | Protocol::TftpServer
            | Protocol::TftpClient => false,
        }
    }

    /// TLS and WebSocket clients check the server's certificate, so they
    /// may be told not to (`--insecure`) or which name to check it against
    /// (`--server-name`).
    pub fn verifies_server(self) -> bool {
        match self {
            Protocol::TlsClient | Protocol::WsClient => true,
            Protocol::Udp
            | Protocol::TcpClient
            | Protocol::TcpServer
            | Protocol::TftpServer
            | Protocol::TftpClient
            | Protocol::TlsServer
            | Protocol::WsServer => false,
        }
    }

    /// TLS and WebSocket servers present a certificate (their own files or
    /// a self-signed one, `--self-signed`) and may ask each client for one
    /// (`--request-client-cert`); a CA given to them checks the clients'.
    pub fn presents_certificate(self) -> bool {
        match self {
            Protocol::TlsServer | Protocol::WsServer => true,
            Protocol::Udp
            | Protocol::TcpClient
            | Protocol::TcpServer
            | Protocol::TftpServer
            | Protocol::TftpClient
            | Protocol::TlsClient
            | Protocol::WsClient => false,
        }
    }

    /// The sessions whose connections open with a handshake (TLS, the
    /// WebSocket upgrade, or both), bounded by `--handshake-timeout` on
    /// either side: the one rule of [`DEFAULT_HANDSHAKE_TIMEOUT`]. A server
    /// then drops the connection and frees its place; a client gives up.
    pub fn takes_handshake_timeout(self) -> bool {
        match self {
            Protocol::TlsClient | Protocol::TlsServer | Protocol::WsClient | Protocol::WsServer => {
                true
            }
            Protocol::Udp
            | Protocol::TcpClient
            | Protocol::TcpServer
            | Protocol::TftpServer
            | Protocol::TftpClient => false,
        }
    }

    /// A WebSocket session: its messages are text or binary, it can ping,
    /// and it closes with a code; it may agree on a subprotocol.
    pub fn is_websocket(self) -> bool {
        match self {
            Protocol::WsClient | Protocol::WsServer => true,
            Protocol::Udp
            | Protocol::TcpClient
            | Protocol::TcpServer
            | Protocol::TftpServer
            | Protocol::TftpClient
            | Protocol::TlsClient
            | Protocol::TlsServer => false,
        }
    }

    /// The WebSocket client: it is given a URL (`--url`) instead of a
    /// remote address, and may add headers to its upgrade request
    /// (`--header`).
    pub fn takes_url(self) -> bool {
        self == Protocol::WsClient
    }

    /// The WebSocket server: it answers upgrade requests for one path
    /// (`--path`) and refuses the others.
    pub fn serves_path(self) -> bool {
        self == Protocol::WsServer
    }
}

/// Each capability's table, one row per protocol, so that a change to
/// which protocol takes what is a change here too.
#[cfg(test)]
mod protocol_tests {
    use super::Protocol;

    /// The protocols for which `capability` holds, in [`Protocol::ALL`]'s
    /// order.
    fn which(capability: fn(Protocol) -> bool) -> Vec<Protocol> {
        Protocol::ALL
            .into_iter()
            .filter(|&protocol| capability(protocol))
            .collect()
    }

    /// A capability's name, the method, and the protocols it holds for.
    type Table = (&'static str, fn(Protocol) -> bool, &'static [Protocol]);

    #[test]
    fn each_capability_holds_for_its_protocols_only() {
        use Protocol::*;
        let tables: [Table; 18] = [
            (
                "listens",
                Protocol::listens,
                &[Udp, TcpServer, TftpServer, TlsServer, WsServer],
            ),
            (
                "takes_remote",
                Protocol::takes_remote,
                &[Udp, TcpClient, TftpClient, TlsClient],
            ),
            ("sends_datagrams", Protocol::sends_datagrams, &[Udp]),
            ("joins_multicast", Protocol::joins_multicast, &[Udp]),
            (
                "serves_clients",
                Protocol::serves_clients,
                &[TcpServer, TlsServer, WsServer],
            ),
            (
                "connects_to_one",
                Protocol::connects_to_one,
                &[TcpClient, TlsClient, WsClient],
            ),
            (
                "frames_streams",
                Protocol::frames_streams,
                &[TcpClient, TcpServer, TlsClient, TlsServer],
            ),
            (
                "carries_messages",
                Protocol::carries_messages,
                &[
                    Udp, TcpClient, TcpServer, TlsClient, TlsServer, WsClient, WsServer,
                ],
            ),
            ("is_tftp", Protocol::is_tftp, &[TftpServer, TftpClient]),
            ("serves_files", Protocol::serves_files, &[TftpServer]),
            (
                "transfers_one_file",
                Protocol::transfers_one_file,
                &[TftpClient],
            ),
            (
                "uses_tls_options",
                Protocol::uses_tls_options,
                &[TlsClient, TlsServer, WsClient, WsServer],
            ),
            (
                "verifies_server",
                Protocol::verifies_server,
                &[TlsClient, WsClient],
            ),
            (
                "presents_certificate",
                Protocol::presents_certificate,
                &[TlsServer, WsServer],
            ),
            (
                "takes_handshake_timeout",
                Protocol::takes_handshake_timeout,
                &[TlsClient, TlsServer, WsClient, WsServer],
            ),
            (
                "is_websocket",
                Protocol::is_websocket,
                &[WsClient, WsServer],
            ),
            ("takes_url", Protocol::takes_url, &[WsClient]),
            ("serves_path", Protocol::serves_path, &[WsServer]),
        ];
        for (name, capability, expected) in tables {
            assert_eq!(which(capability), expected, "{name}");
        }
    }
}

/// Parses a `--mode` name ([`Protocol::cli_name`], any case).
impl std::str::FromStr for Protocol {
    type Err = crate::text::UnknownChoice;

    fn from_str(text: &str) -> Result<Protocol, crate::text::UnknownChoice> {
        Protocol::ALL
            .into_iter()
            .find(|protocol| protocol.cli_name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                crate::text::UnknownChoice::new(
                    text,
                    "a mode",
                    "udp, tcp-client, tcp-server, tftp-server, tftp-client, tls-client, tls-server, ws-client or ws-server",
                )
            })
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

impl UdpConfig {
    /// A socket on `local` with what both front ends start with: no fixed
    /// remote, no broadcast, no groups, multicast TTL
    /// [`DEFAULT_MULTICAST_TTL`] and multicast loop on.
    pub fn new(local: SocketAddr) -> UdpConfig {
        UdpConfig {
            local,
            remote: None,
            reply_to_last_sender: false,
            broadcast: false,
            multicast: Vec::new(),
            multicast_ttl: Some(DEFAULT_MULTICAST_TTL),
            multicast_loop: true,
        }
    }
}

/// The connect timeouts a user may choose, in seconds: at least a tenth of
/// a second (less cannot see even a LAN's handshake, and would read as
/// "within 0 s") and at most ten minutes (systems give up long before).
/// The window's field and `--connect-timeout` both hold to it.
pub const CONNECT_TIMEOUT_SECS: std::ops::RangeInclusive<f64> = 0.1..=600.0;

/// How long a TCP client waits for a connection unless told otherwise, in
/// the window and on the command line alike: long enough for a slow LAN
/// or a VPN, short enough that a wrong address is said while the user
/// still waits for it (the window's value since its first release).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug)]
pub struct TcpClientConfig {
    pub remote: Endpoint,
    /// Bind to this local address first (port 0: any).
    pub local: Option<SocketAddr>,
    pub connect_timeout: Duration,
    /// How the server's stream is cut into messages (分包) on the session
    /// thread: `Received` events and auto-reply rules see whole messages;
    /// the receive file still gets the bytes as they arrive.
    pub framing: Framing,
}

impl TcpClientConfig {
    /// A client of `remote` from any local port, waiting
    /// [`DEFAULT_CONNECT_TIMEOUT`] for the connection, without framing.
    pub fn new(remote: Endpoint) -> TcpClientConfig {
        TcpClientConfig {
            remote,
            local: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            framing: Framing::None,
        }
    }
}

/// How many clients a TCP server takes at once unless told otherwise, in
/// the window and on the command line alike.
pub const DEFAULT_MAX_CLIENTS: usize = 1024;

/// The most connections a server keeps in their opening handshake (TLS,
/// WebSocket) at once, whatever its client limit.
pub const MAX_HANDSHAKING: usize = 128;

/// How many connections a server with `max_clients` keeps in their opening
/// handshake at once: a quarter of its clients, 1 to [`MAX_HANDSHAKING`].
/// One more pushes out the oldest, so a crowd that connects and never
/// finishes its handshake takes neither every slot nor the place of a
/// client that finishes (a real handshake takes milliseconds, and the
/// newest is pushed out last).
pub fn handshaking_cap(max_clients: usize) -> usize {
    (max_clients / 4).clamp(1, MAX_HANDSHAKING)
}

/// At most this many connections pushed out of their handshake are shown
/// in a second; the others are counted into the next one shown.
pub const PUSHED_OUT_ROWS_PER_SEC: u32 = 4;

/// The longest idle timeout a TCP server may be given, in seconds: a day.
/// A client quiet for longer is better dropped by hand; the window's field
/// and `--idle-timeout` both hold to it.
pub const MAX_IDLE_TIMEOUT_SECS: f64 = 86_400.0;

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
    /// How each client's stream is cut into messages (分包), as for
    /// [`TcpClientConfig::framing`]; every client has its own framer.
    pub framing: Framing,
}

impl TcpServerConfig {
    /// A server on `local` with up to `max_clients` clients, neither an
    /// idle timeout nor a per-address limit (both off by default: many
    /// clients may share one address, as behind a NAT or in a benchmark),
    /// and no framing.
    pub fn new(local: SocketAddr, max_clients: usize) -> TcpServerConfig {
        TcpServerConfig {
            local,
            max_clients,
            idle_timeout: None,
            max_clients_per_ip: None,
            framing: Framing::None,
        }
    }
}

/// A TCP client with TLS over its connection; the TCP settings (framing
/// included) apply to the decrypted stream.
#[derive(Clone, Debug)]
pub struct TlsClientConfig {
    pub tcp: TcpClientConfig,
    pub tls: TlsClientOptions,
    /// The opening's timeout, the rule of every session with a handshake
    /// (see [`DEFAULT_HANDSHAKE_TIMEOUT`]).
    pub handshake_timeout: Duration,
}

impl TlsClientConfig {
    /// A TLS client with [`DEFAULT_HANDSHAKE_TIMEOUT`].
    pub fn new(tcp: TcpClientConfig, tls: TlsClientOptions) -> TlsClientConfig {
        TlsClientConfig {
            tcp,
            tls,
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
        }
    }
}

/// A TCP server whose clients speak TLS; the TCP settings (framing
/// included) apply to each decrypted stream.
#[derive(Clone, Debug)]
pub struct TlsServerConfig {
    pub tcp: TcpServerConfig,
    pub tls: TlsServerOptions,
    /// The opening's timeout, the rule of every session with a handshake
    /// (see [`DEFAULT_HANDSHAKE_TIMEOUT`]).
    pub handshake_timeout: Duration,
}

impl TlsServerConfig {
    /// A TLS server with [`DEFAULT_HANDSHAKE_TIMEOUT`].
    pub fn new(tcp: TcpServerConfig, tls: TlsServerOptions) -> TlsServerConfig {
        TlsServerConfig {
            tcp,
            tls,
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
        }
    }
}

/// A WebSocket client of `url`.
#[derive(Clone, Debug)]
pub struct WsClientConfig {
    pub url: WsUrl,
    /// Bind to this local address first (port 0: any).
    pub local: Option<SocketAddr>,
    pub connect_timeout: Duration,
    /// Extra request headers, sent as given.
    pub headers: Vec<(String, String)>,
    /// Subprotocols offered (`Sec-WebSocket-Protocol`), in order.
    pub subprotocols: Vec<String>,
    /// For `wss://` URLs.
    pub tls: TlsClientOptions,
    /// The opening's timeout (TLS for `wss://`, then the upgrade), the
    /// rule of every session with a handshake (see
    /// [`DEFAULT_HANDSHAKE_TIMEOUT`]).
    pub handshake_timeout: Duration,
    /// How sent bytes become messages; `Command::SetWsMessageKind`
    /// changes it while open.
    pub message_kind: MessageKind,
}

impl WsClientConfig {
    /// A client of `url` with no extra headers or subprotocols, waiting
    /// [`DEFAULT_CONNECT_TIMEOUT`], verifying `wss://` servers against the
    /// system's roots.
    pub fn new(url: WsUrl) -> WsClientConfig {
        WsClientConfig {
            url,
            local: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            headers: Vec::new(),
            subprotocols: Vec::new(),
            tls: TlsClientOptions::default(),
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            message_kind: MessageKind::Text,
        }
    }
}

/// A WebSocket server: a TCP server (its framing unused: WebSocket
/// messages are framed already) that accepts handshakes for `path`.
#[derive(Clone, Debug)]
pub struct WsServerConfig {
    pub tcp: TcpServerConfig,
    /// The path clients must ask for; `/` or empty: any path.
    pub path: String,
    /// Subprotocols accepted, in order of preference (empty: none chosen).
    pub subprotocols: Vec<String>,
    /// `wss://`: TLS under the WebSocket, with the TLS server's settings.
    pub tls: Option<TlsServerOptions>,
    /// The opening's timeout (TLS for `wss://`, then the upgrade), the
    /// rule of every session with a handshake (see
    /// [`DEFAULT_HANDSHAKE_TIMEOUT`]).
    pub handshake_timeout: Duration,
    /// How sent bytes become messages, as for the client.
    pub message_kind: MessageKind,
}

impl WsServerConfig {
    /// A `ws://` server over `tcp` for any path, choosing no subprotocol,
    /// dropping clients whose handshake takes longer than
    /// [`DEFAULT_HANDSHAKE_TIMEOUT`], sending text messages.
    pub fn new(tcp: TcpServerConfig) -> WsServerConfig {
        WsServerConfig {
            tcp,
            path: "/".to_owned(),
            subprotocols: Vec::new(),
            tls: None,
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            message_kind: MessageKind::Text,
        }
    }

    /// Whether a request for `resource` (path and query) is served: the
    /// configured path, or any path when it is `/` or empty. The query is
    /// not part of the path.
    pub fn serves(&self, resource: &str) -> bool {
        let wanted = self.path.trim();
        if wanted.is_empty() || wanted == "/" {
            return true;
        }
        let path = resource.split('?').next().unwrap_or_default();
        path == wanted
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
    TlsClient(TlsClientConfig),
    TlsServer(TlsServerConfig),
    WsClient(WsClientConfig),
    WsServer(WsServerConfig),
}

impl SessionConfig {
    pub fn protocol(&self) -> Protocol {
        match self {
            SessionConfig::Udp(_) => Protocol::Udp,
            SessionConfig::TcpClient(_) => Protocol::TcpClient,
            SessionConfig::TcpServer(_) => Protocol::TcpServer,
            SessionConfig::TftpServer(_) => Protocol::TftpServer,
            SessionConfig::TftpClient(_) => Protocol::TftpClient,
            SessionConfig::TlsClient(_) => Protocol::TlsClient,
            SessionConfig::TlsServer(_) => Protocol::TlsServer,
            SessionConfig::WsClient(_) => Protocol::WsClient,
            SessionConfig::WsServer(_) => Protocol::WsServer,
        }
    }
}
